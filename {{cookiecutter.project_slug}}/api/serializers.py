"""Serializer bases for the API: DRF's, with fields that take only what the schema says.

DRF's CharField turns a JSON number into text (0 is stored as "0") and
measures max_length after trimming whitespace, and its DateField also takes
20000101 or 2000-1-1: bodies the OpenAPI schema calls invalid would be
accepted. These fields answer 400 instead, so the schema is the contract.

The hyperlinked serializer's `url` field also costs one reverse() per list
instead of one per object (see HyperlinkedIdentityField), and date-times find
their time zone once (see DateTimeField), and a serializer's fields are built
from the model once per class (see FieldsBuiltOnce).
"""

import copy
import datetime
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

# The schema's `format: date` (RFC 3339 full-date), in ASCII digits only.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class CharField(serializers.CharField):
    """Text only, at most max_length characters as sent (before trimming)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class EmailField(CharField, serializers.EmailField):
    pass


class DateField(serializers.DateField):
    """YYYY-MM-DD only."""

    def to_internal_value(self, value: Any) -> datetime.date:
        if isinstance(value, str) and not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class DateTimeField(serializers.DateTimeField):
    """DRF's, in the project's time zone (TIME_ZONE) found once rather than for every value.

    DRF looks up the request's current time zone for each date-time it writes,
    which costs more than writing it; this project never changes time zone per
    request, so the zone is looked up when the field is made.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", timezone.get_default_timezone())
        super().__init__(**kwargs)


STRICT_FIELDS: dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]] = {
    models.CharField: CharField,
    models.TextField: CharField,
    models.EmailField: EmailField,
    models.DateField: DateField,
    models.DateTimeField: DateTimeField,
}


class HyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """DRF's link to an object's own page, reversed once per list rather than once per object.

    Django's reverse() takes some 15 µs, a sizeable part of serializing a whole
    page of objects. Every object's link is the same text but for its key, so
    the first is reversed with a stand-in key and the others are that text with
    their own key put in. Objects may also be rows from .values() (dicts).
    """

    # Digits, which any route for a numeric key accepts (<int:pk>, DRF's [^/.]+),
    # and too long to occur anywhere else in a link.
    STAND_IN_KEY = 9876543210987654321

    # The stand-in's link, by format (?format=json links to .json routes), for this request.
    links: dict[str | None, str | None]

    def get_url(self, obj: Any, view_name: str, request: Request, url_format: str | None) -> str | None:
        key = obj[self.lookup_field] if isinstance(obj, Mapping) else getattr(obj, self.lookup_field)
        if key in (None, ""):  # an unsaved object has no page yet
            return None
        if not hasattr(self, "links"):
            self.links = {}
        if url_format not in self.links:
            try:
                self.links[url_format] = self.link(view_name, self.STAND_IN_KEY, request, url_format)
            except NoReverseMatch:  # a route that only takes shorter keys: reverse each one
                self.links[url_format] = None
        link = self.links[url_format]
        if link is None or not isinstance(key, int) or key < 0:  # a key that need not fit the stand-in's route
            return self.link(view_name, key, request, url_format)
        return link.replace(str(self.STAND_IN_KEY), str(key))

    def link(self, view_name: str, key: Any, request: Request, url_format: str | None) -> str:
        url: str = self.reverse(view_name, kwargs={self.lookup_url_kwarg: key}, request=request, format=url_format)
        return url


class FieldsBuiltOnce[M: models.Model](serializers.ModelSerializer[M]):
    """A model serializer that reads its model once per class, not once per use.

    DRF builds every field anew from the model each time a serializer is made
    (each request, for a list): about a tenth of a list's time. The fields
    depend on the class alone, so the first set is kept and each serializer
    gets its own copy of it.
    """

    _fields_by_class: ClassVar[dict[type, dict[str, serializers.Field[Any, Any, Any, Any]]]] = {}

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        built = self._fields_by_class.get(type(self))
        if built is None:
            built = self._fields_by_class[type(self)] = super().get_fields()
        return copy.deepcopy(built)


class ModelSerializer[M: models.Model](FieldsBuiltOnce[M]):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, **STRICT_FIELDS}


class HyperlinkedModelSerializer[M: models.Model](FieldsBuiltOnce[M], serializers.HyperlinkedModelSerializer[M]):
    serializer_field_mapping = {**serializers.HyperlinkedModelSerializer.serializer_field_mapping, **STRICT_FIELDS}
    serializer_url_field = HyperlinkedIdentityField
