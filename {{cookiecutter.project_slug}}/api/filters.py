"""Filtering for the API: django-filter's, taking dates in the one format the schema names.

Django's date fields also read 10/25/2006, 25/10/2006 or 2006-1-5, so a
filter value the OpenAPI schema (`format: date`) calls invalid would quietly
filter by some date instead of answering 400.

A request that sends no filter at all skips django-filter altogether: see
DjangoFilterBackend.
"""

import datetime
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django_filters import rest_framework as django_filters
from rest_framework.request import Request
from rest_framework.views import APIView

from api.serializers import ISO_DATE


class DateField(forms.DateField):
    """YYYY-MM-DD only."""

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and value and not ISO_DATE.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {**django_filters.FilterSet.FILTER_DEFAULTS, models.DateField: {"filter_class": DateFilter}}


class DjangoFilterBackend(django_filters.DjangoFilterBackend):
    filterset_base = FilterSet

    def filter_queryset(self, request: Request, queryset: QuerySet[Any, Any], view: APIView) -> QuerySet[Any, Any]:
        # A FilterSet copies all its filters and builds a form class for every request
        # (about a sixth of an unfiltered list's time), to filter by nothing when the
        # query names none of them. Their names start every parameter they read
        # (author, author__icontains, published_on__gte; a range's _min and _max).
        filterset_class = self.get_filterset_class(view, queryset)
        names = tuple(filterset_class.base_filters) if filterset_class else ()
        if not any(parameter.startswith(names) for parameter in request.query_params):
            return queryset
        filtered: QuerySet[Any, Any] = super().filter_queryset(request, queryset, view)
        return filtered
