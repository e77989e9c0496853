import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(api_client, username: str, password: str):
    return api_client.post(reverse("api-login"), {"username": username, "password": password})


def test_login_answers_with_the_users_token(api_client, user):
    response = log_in(api_client, user.username, PASSWORD)

    assert response.status_code == 200
    assert len(response.json()["key"]) == 40


def test_login_is_refused_for_a_wrong_password(api_client, user):
    response = log_in(api_client, user.username, "wrong")

    assert response.status_code == 400
    assert "key" not in response.json()


def test_token_authenticates_requests(api_client, user):
    token = log_in(api_client, user.username, PASSWORD).json()["key"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get(reverse("api-me"))

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_logout_deletes_the_token(api_client, user):
    token = log_in(api_client, user.username, PASSWORD).json()["key"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.post(reverse("api-logout")).status_code == 200
    assert api_client.get(reverse("api-me")).status_code == 401


def test_unknown_token_is_rejected(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api_client.get(reverse("api-me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_login_takes_json_only(api_client, user):
    response = api_client.post(
        reverse("api-login"), {"username": user.username, "password": PASSWORD}, format="multipart"
    )

    assert response.status_code == 415


def test_password_guessing_is_limited(api_client, user, clock, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")

    statuses = [log_in(api_client, user.username, guess).status_code for guess in ["wrong", "wrong-again", PASSWORD]]

    assert statuses == [400, 400, 429]


def test_a_stale_authorization_header_does_not_stop_a_login(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert log_in(api_client, user.username, PASSWORD).status_code == 200
