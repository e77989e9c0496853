"""Each field a model field can map to takes only the JSON the schema names, and reads that as DRF does."""

import datetime
import decimal
import uuid
from typing import Any

import pytest
from django import forms
from rest_framework.exceptions import ValidationError

from api import fields
from api.filters import DateField as DateFilterField
from users.models import User

# field, a value of the schema's type and what it reads as, values of another type or form.
UUID = "6f1e4c1b-0b0e-4a55-9d3c-64b1e2b0c9a5"
CASES: list[tuple[Any, Any, Any, list[Any]]] = [
    (fields.CharField(max_length=5), "Ada", "Ada", [0, 1.5, True, None, ["Ada"], {"a": 1}, "x" * 5 + " "]),
    (fields.EmailField(), "ada@example.com", "ada@example.com", [42, True]),
    (fields.SlugField(), "a-slug", "a-slug", [42, False]),
    (fields.URLField(), "https://example.com/", "https://example.com/", [42]),
    (fields.IPAddressField(), "192.0.2.1", "192.0.2.1", [3221225985]),
    (fields.UUIDField(), UUID, uuid.UUID(UUID), [1]),
    (fields.IntegerField(), 12, 12, ["12", 12.0, 12.5, True, None]),
    (fields.FloatField(), 1.5, 1.5, ["1.5", False]),
    (fields.DecimalField(max_digits=5, decimal_places=2), "1.50", decimal.Decimal("1.50"), [1.5, 1, True]),
    (fields.BooleanField(), True, True, ["true", "yes", 1, 0, "on"]),
    (fields.DateField(), "2000-01-31", datetime.date(2000, 1, 31), ["20000101", "2000-1-1", "10/25/2006", 20000101]),
    (
        fields.DateTimeField(),
        "2000-01-31T10:30:00Z",
        datetime.datetime(2000, 1, 31, 10, 30, tzinfo=datetime.UTC),
        ["2000-01-31", "2000-01-31 10:30", "20000131T103000Z", "2000-01-31T10:30:00", 949314600],
    ),
    (fields.TimeField(), "10:30", datetime.time(10, 30), [1030]),
    (fields.DurationField(), "01:00:00", datetime.timedelta(hours=1), [3600]),
]


@pytest.mark.parametrize(("field", "good", "read", "bad"), CASES, ids=[type(case[0]).__name__ for case in CASES])
def test_field_reads_its_schema_type(field, good, read, bad):
    assert field.run_validation(good) == read


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, _, _, bad in CASES for value in bad],
    ids=[f"{type(field).__name__}-{value!r}"[:60] for field, _, _, bad in CASES for value in bad],
)
def test_field_refuses_another_type_or_form(field, value):
    with pytest.raises(ValidationError):
        field.run_validation(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1", 1.0, True])
def test_related_object_is_named_by_a_number_key(value):
    field = fields.PrimaryKeyRelatedField(queryset=User.objects.all())

    with pytest.raises(ValidationError):
        field.run_validation(value)


@pytest.mark.django_db
def test_related_object_is_found_by_its_key(user):
    assert fields.PrimaryKeyRelatedField(queryset=User.objects.all()).run_validation(user.pk) == user


@pytest.mark.parametrize(
    "value", ["20000101", "2000-1-1", "10/25/2006", "\u0662\u0660\u0660\u0660-01-01", "2000-02-30"]
)
def test_date_filters_take_yyyy_mm_dd_only(value):
    with pytest.raises(forms.ValidationError):
        DateFilterField().clean(value)


def test_date_filters_read_the_schema_format():
    assert DateFilterField().clean("2000-01-31") == datetime.date(2000, 1, 31)
    assert DateFilterField(required=False).clean("") is None


def test_every_field_a_model_maps_to_is_strict():
    from api.serializers import HyperlinkedModelSerializer, ModelSerializer

    for serializer in (ModelSerializer, HyperlinkedModelSerializer):
        mapped = set(serializer.serializer_field_mapping.values())
        assert mapped & set(fields.STRICT_FIELDS) == set(), "each of DRF's fields is replaced"
