"""Hostile and unlucky requests: each is a 4xx with a JSON body, never a 500.

They go to users/me, the endpoint with a body that every set-up has; the
tests of other endpoints try the bad values that are theirs alone.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def send(client, body: bytes, content_type: str = "application/json"):
    return client.generic("PATCH", reverse("api-me"), body, content_type=content_type)


@pytest.mark.parametrize(
    "body", [b"[" * 200_000, b'{"a":' * 100_000, b'{"first_name": ' + b"[" * 5_000 + b"]" * 5_000]
)
def test_deeply_nested_json_is_a_400(user_client, body):
    response = send(user_client, body)

    assert response.status_code == 400
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_body_over_the_size_limit_is_a_413(user_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = send(user_client, b'{"first_name": "' + b"x" * 2000 + b'"}')

    assert response.status_code == 413
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "request_too_large", "detail": "Request body larger than 1000 bytes.", "attr": None}],
    }


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
    assert response.json()["type"] in ("client_error", "validation_error")


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
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_unknown_api_url_is_a_json_404(api_client):
    response = api_client.get("/api/no/such/thing/")

    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }


def test_unknown_url_elsewhere_is_the_site_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Not Found</h1>" in response.text
