"""Hostile and unlucky requests: each is a 4xx with a JSON body, never a 500.

They go to users/me, the endpoint with a body that every set-up has; the
tests of other endpoints try the bad values that are theirs alone.
"""

import datetime

import pytest
from django import forms
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from api.filters import DateField as DateFilterField
from api.serializers import DateField

pytestmark = pytest.mark.django_db


def send(client, body: bytes, content_type: str = "application/json"):
    return client.generic("PATCH", reverse("api-me"), body, content_type=content_type)


@pytest.mark.parametrize(
    "body", [b"[" * 200_000, b'{"a":' * 100_000, b'{"first_name": ' + b"[" * 5_000 + b"]" * 5_000]
)
def test_deeply_nested_json_is_a_400(user_client, body):
    response = send(user_client, body)

    assert response.status_code == 400
    assert "detail" in response.json()


def test_body_over_the_size_limit_is_a_413(user_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = send(user_client, b'{"first_name": "' + b"x" * 2000 + b'"}')

    assert response.status_code == 413
    assert response.json() == {"detail": "Request body larger than 1000 bytes."}


def test_body_of_several_megabytes_is_a_413(user_client):
    assert send(user_client, b'{"first_name": "' + b"x" * 3_000_000 + b'"}').status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b'{"first_name": "Ada\\u0000"}',  # an escaped NUL character
        b'{"first_name": "Ada\x00"}',  # a raw NUL byte
        b"\x00",
        b'{"first_name": "\xff\xfe"}',  # not UTF-8
        b'{"first_name": ',  # cut short
        b"null",
        b"[]",
        b'{"first_name": 42}',  # a number where the schema says text
        b'{"first_name": "' + b"x" * 200 + b' "}',  # too long before trimming
        b'{"email": "not an email"}',
        b"NaN",
    ],
)
def test_malformed_or_invalid_json_is_a_400(user_client, body):
    response = send(user_client, body)

    assert response.status_code == 400
    assert isinstance(response.json(), dict)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"first_name=Ada"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="first_name"\r\n\r\nAda\r\n--x--',
        ),
        ("text/plain", b'{"first_name": "Ada"}'),
        ("application/xml", b"<first_name>Ada</first_name>"),
    ],
)
def test_bodies_other_than_json_are_a_415(user_client, content_type, body):
    response = send(user_client, body, content_type)

    assert response.status_code == 415
    assert "detail" in response.json()


def test_unknown_api_url_is_a_json_404(api_client):
    response = api_client.get("/api/no/such/thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unknown_url_elsewhere_is_the_site_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Not Found</h1>" in response.text


@pytest.mark.parametrize(
    "value", ["20000101", "2000-1-1", "10/25/2006", "\u0662\u0660\u0660\u0660-01-01", "2000-02-30"]
)
def test_dates_are_yyyy_mm_dd_only(value):
    with pytest.raises(ValidationError):
        DateField().run_validation(value)
    with pytest.raises(forms.ValidationError):
        DateFilterField().clean(value)


def test_dates_in_the_schema_format_are_read():
    assert DateField().run_validation("2000-01-31") == datetime.date(2000, 1, 31)
    assert DateFilterField().clean("2000-01-31") == datetime.date(2000, 1, 31)
    assert DateFilterField(required=False).clean("") is None
