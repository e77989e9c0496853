import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_is_issued_for_a_valid_password(api_client, user):
    response = api_client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_is_refused_for_a_wrong_password(api_client, user):
    response = api_client.post(reverse("api-token"), {"username": user.username, "password": "wrong"})

    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_authenticates_requests(api_client, user):
    token = api_client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD}).json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get(reverse("api-me"))

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_unknown_token_is_rejected(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api_client.get(reverse("api-me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_browser_session_login_still_works(api_client, user):
    assert api_client.login(username=user.username, password=PASSWORD)

    assert api_client.get(reverse("api-me")).status_code == 200


def test_token_endpoint_takes_json_only(api_client, user):
    response = api_client.post(
        reverse("api-token"), {"username": user.username, "password": PASSWORD}, format="multipart"
    )

    assert response.status_code == 415


def test_password_guessing_is_limited(api_client, user, clock, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")

    statuses = [
        api_client.post(reverse("api-token"), {"username": user.username, "password": guess}).status_code
        for guess in ["wrong", "wrong-again", PASSWORD]
    ]

    assert statuses == [400, 400, 429]


def test_a_stale_authorization_header_does_not_stop_a_login(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api_client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 200


def test_wrong_credentials_answer_with_a_code_the_schema_documents(api_client, user):
    response = api_client.post(reverse("api-token"), {"username": user.username, "password": "wrong"})
    schemas = api_client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]

    (error,) = response.json()["errors"]
    documented = schemas["AuthTokenCreateNonFieldErrorsErrorComponent"]["properties"]["code"]["enum"]
    assert (error["attr"], error["code"]) == ("non_field_errors", "authorization")
    assert "authorization" in documented
