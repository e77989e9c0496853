import pytest
from django.urls import reverse

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(api_client, username: str, password: str):
    return api_client.post(reverse("api-login"), {"username": username, "password": password})


def test_login_answers_with_a_token_pair(api_client, user):
    response = log_in(api_client, user.username, PASSWORD)

    assert response.status_code == 200
    assert {"access", "refresh"} <= set(response.json())
    assert response.json()["user"]["username"] == user.username


def test_login_is_refused_for_a_wrong_password(api_client, user):
    response = log_in(api_client, user.username, "wrong")

    assert response.status_code == 400
    assert "access" not in response.json()


def test_access_token_authenticates_requests(api_client, user):
    access = log_in(api_client, user.username, PASSWORD).json()["access"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = api_client.get(reverse("api-me"))

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_refresh_token_gives_a_new_access_token(api_client, user):
    refresh = log_in(api_client, user.username, PASSWORD).json()["refresh"]

    response = api_client.post(reverse("api-token-refresh"), {"refresh": refresh})

    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api_client.get(reverse("api-me")).status_code == 200


def test_forged_token_is_rejected(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get(reverse("api-me"))

    assert response.status_code == 401


def test_the_schema_documents_the_401_of_a_wrong_refresh_token(api_client):
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()

    assert "401" in schema["paths"][reverse("api-token-refresh")]["post"]["responses"]
    assert {"no_active_account", "token_not_valid"} <= set(schema["components"]["schemas"]["Error401CodeEnum"]["enum"])
