import pytest
from django.urls import reverse

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def obtain(api_client, username: str, password: str):
    return api_client.post(reverse("api-jwt-obtain"), {"username": username, "password": password})


def test_token_pair_is_issued_for_a_valid_password(api_client, user):
    response = obtain(api_client, user.username, PASSWORD)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_token_pair_is_refused_for_a_wrong_password(api_client, user):
    assert obtain(api_client, user.username, "wrong").status_code == 401


def test_access_token_authenticates_requests(api_client, user):
    access = obtain(api_client, user.username, PASSWORD).json()["access"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = api_client.get(reverse("api-me"))

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_refresh_token_gives_a_new_access_token(api_client, user):
    refresh = obtain(api_client, user.username, PASSWORD).json()["refresh"]

    response = api_client.post(reverse("api-jwt-refresh"), {"refresh": refresh})

    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api_client.get(reverse("api-me")).status_code == 200


def test_forged_token_is_rejected(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get(reverse("api-me"))

    assert response.status_code == 401


def test_browser_session_login_still_works(api_client, user):
    assert api_client.login(username=user.username, password=PASSWORD)

    assert api_client.get(reverse("api-me")).status_code == 200


@pytest.mark.parametrize("url_name", ["api-jwt-obtain", "api-jwt-refresh"])
def test_the_schema_documents_the_401_of_wrong_credentials(api_client, url_name):
    paths = api_client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    codes = api_client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]

    assert "401" in paths[reverse(url_name)]["post"]["responses"]
    assert {"no_active_account", "token_not_valid"} <= set(codes["Error401CodeEnum"]["enum"])
