"""Serializer bases for the API: DRF's, with fields that take only what the schema says.

DRF's CharField turns a JSON number into text (0 is stored as "0") and
measures max_length after trimming whitespace, and its DateField also takes
20000101 or 2000-1-1: bodies the OpenAPI schema calls invalid would be
accepted. These fields answer 400 instead, so the schema is the contract.
"""

import datetime
import re
from typing import Any

from django.db import models
from rest_framework import serializers

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


STRICT_FIELDS: dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]] = {
    models.CharField: CharField,
    models.TextField: CharField,
    models.EmailField: EmailField,
    models.DateField: DateField,
}


class ModelSerializer[M: models.Model](serializers.ModelSerializer[M]):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, **STRICT_FIELDS}


class HyperlinkedModelSerializer[M: models.Model](serializers.HyperlinkedModelSerializer[M]):
    serializer_field_mapping = {**serializers.HyperlinkedModelSerializer.serializer_field_mapping, **STRICT_FIELDS}
