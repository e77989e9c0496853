"""Serializer fields that take only what the OpenAPI schema says, for each field type a model maps to.

DRF's fields turn what they can into a value: "12" and 12.0 become the
integer 12, the number 0 becomes the text "0", "yes" becomes True, and a date
may come as 20000101 or 2000-1-1. A client made from the schema never sends
those, and one that does has a bug it should hear about: these fields answer
400 instead, so the schema is the contract. api/serializers.py puts them in
place of DRF's.
"""

import re
from typing import Any

from django.db import models
from rest_framework import serializers

# The schema's `format: date` and `format: date-time` (RFC 3339), in ASCII digits only.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def is_number(data: Any) -> bool:
    # True and False are ints to Python, but not numbers to JSON.
    return isinstance(data, int | float) and not isinstance(data, bool)


class CharField(serializers.CharField):
    """Text only, at most max_length characters as sent (DRF measures after trimming spaces)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class EmailField(CharField, serializers.EmailField):
    pass


class SlugField(CharField, serializers.SlugField):
    pass


class URLField(CharField, serializers.URLField):
    pass


class IPAddressField(CharField, serializers.IPAddressField):
    pass


class UUIDField(serializers.UUIDField):
    """A UUID as text only (DRF also takes a number)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """Whole JSON numbers only: not "12", not 12.0, not true."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class FloatField(serializers.FloatField):
    """JSON numbers only: not "1.5", not true."""

    def to_internal_value(self, data: Any) -> float:
        if not is_number(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalField(serializers.DecimalField):
    """Text only, as the schema writes decimals (`format: decimal`), so no digit is lost to a float."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """true or false only: not "yes", not 1."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateField(serializers.DateField):
    """YYYY-MM-DD only."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class DateTimeField(serializers.DateTimeField):
    """RFC 3339 only, with its time zone: 2026-12-01T09:30:00Z or 2026-12-01T10:30:00+01:00."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE_TIME.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss[.uuuuuu]Z or ±hh:mm")
        return super().to_internal_value(value)


class TimeField(serializers.TimeField):
    """A time as text only."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str):
            self.fail("invalid", format="hh:mm[:ss[.uuuuuu]]")
        return super().to_internal_value(value)


class DurationField(serializers.DurationField):
    """A duration as text only ("[DD] [HH:[MM:]]ss[.uuuuuu]", or ISO 8601 such as P1DT2H)."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str):
            self.fail("invalid", format="[DD] [HH:[MM:]]ss[.uuuuuu]")
        return super().to_internal_value(value)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField[Any]):
    """A related object named by its key, which is a JSON number where the key is an integer."""

    def to_internal_value(self, data: Any) -> Any:
        queryset = self.get_queryset()
        integer_key = queryset is not None and isinstance(queryset.model._meta.pk, models.IntegerField)
        if isinstance(data, bool) or (integer_key and not isinstance(data, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


# Each DRF field a model field can map to, and the field that takes its place.
STRICT_FIELDS: dict[type[serializers.Field[Any, Any, Any, Any]], type[serializers.Field[Any, Any, Any, Any]]] = {
    serializers.CharField: CharField,
    serializers.EmailField: EmailField,
    serializers.SlugField: SlugField,
    serializers.URLField: URLField,
    serializers.IPAddressField: IPAddressField,
    serializers.UUIDField: UUIDField,
    serializers.IntegerField: IntegerField,
    serializers.FloatField: FloatField,
    serializers.DecimalField: DecimalField,
    serializers.BooleanField: BooleanField,
    serializers.DateField: DateField,
    serializers.DateTimeField: DateTimeField,
    serializers.TimeField: TimeField,
    serializers.DurationField: DurationField,
}


def strict(
    mapping: dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]],
) -> dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]]:
    """A ModelSerializer's field mapping with each of DRF's fields replaced by its strict one."""
    return {model_field: STRICT_FIELDS.get(field, field) for model_field, field in mapping.items()}
