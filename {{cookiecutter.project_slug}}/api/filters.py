"""Filtering for the API: django-filter's, taking dates in the one format the schema names.

Django's date fields also read 10/25/2006, 25/10/2006 or 2006-1-5, so a
filter value the OpenAPI schema (`format: date`) calls invalid would quietly
filter by some date instead of answering 400.
"""

import datetime
from typing import Any

from django import forms
from django_filters import rest_framework as filters

from api.fields import ISO_DATE


class DateField(forms.DateField):
    """YYYY-MM-DD only."""

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and value and not ISO_DATE.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateFilter(filters.DateFilter):
    field_class = DateField
