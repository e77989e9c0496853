import pytest
from django.urls import reverse

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(api_client, username: str, password: str):
    return api_client.post(reverse("api-login"), {"username": username, "password": password})


def test_the_api_login_locks_as_the_sites_does(api_client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        log_in(api_client, user.username, "wrong")

    response = log_in(api_client, user.username, PASSWORD)

    assert response.status_code == 429
    (error,) = response.json()["errors"]
    assert error["code"] == "throttled"
    assert "Too many wrong passwords" in error["detail"]
    assert int(response["Retry-After"]) == 15 * 60
