"""Cross-origin requests: a front end on another origin may call the API once its origin is listed."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FRONT_END = "http://localhost:5173"


@pytest.fixture(autouse=True)
def _front_end_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def preflight(client, origin: str):
    """What a browser asks before a cross-origin POST with a JSON body and a token."""
    return client.options(
        reverse("api-me"),
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_preflight_from_an_allowed_origin_is_answered(client):
    response = preflight(client, FRONT_END)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "PATCH" in response["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= set(response["Access-Control-Allow-Headers"].split(", "))


def test_request_from_an_allowed_origin_may_read_the_answer(client):
    response = client.get(reverse("api-root"), HTTP_ORIGIN=FRONT_END)

    assert response["Access-Control-Allow-Origin"] == FRONT_END


@pytest.mark.parametrize("origin", ["http://localhost:3000", "https://evil.example.com"])
def test_other_origins_get_no_cross_origin_headers(client, origin):
    assert "Access-Control-Allow-Origin" not in preflight(client, origin)
    assert "Access-Control-Allow-Origin" not in client.get(reverse("api-root"), HTTP_ORIGIN=origin)


def test_no_origin_is_allowed_until_one_is_named(client, settings):
    settings.CORS_ALLOWED_ORIGINS = []

    assert "Access-Control-Allow-Origin" not in client.get(reverse("api-root"), HTTP_ORIGIN=FRONT_END)


def test_the_site_itself_is_never_shared(client):
    assert "Access-Control-Allow-Origin" not in client.get(reverse("home"), HTTP_ORIGIN=FRONT_END)


def test_cookies_are_not_sent_cross_origin_unless_allowed(client, settings):
    without = client.get(reverse("api-root"), HTTP_ORIGIN=FRONT_END)
    settings.CORS_ALLOW_CREDENTIALS = True
    with_credentials = client.get(reverse("api-root"), HTTP_ORIGIN=FRONT_END)

    assert "Access-Control-Allow-Credentials" not in without
    assert with_credentials["Access-Control-Allow-Credentials"] == "true"
