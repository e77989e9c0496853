"""Repeated wrong passwords lock an account, from that address, on every login (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def site_login(client, user, password):
    return client.post(reverse("account_login"), {"login": user.username, "password": password})


def admin_login(client, user, password):
    user.is_staff = True  # the admin lets staff in only
    user.save()
    return client.post(reverse("admin:login"), {"username": user.username, "password": password})


LOGINS = [site_login, admin_login]


@pytest.mark.parametrize("login", LOGINS, ids=["site", "admin"])
def test_the_limit_locks_the_account_even_with_the_right_password(client, user, login):
    for _ in range(3):
        login(client, user, "wrong")

    response = login(client, user, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert int(response["Retry-After"]) == 15 * 60
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize("login", LOGINS, ids=["site", "admin"])
def test_a_success_before_the_limit_starts_the_count_again(client, user, login):
    for _ in range(2):
        login(client, user, "wrong")
    login(client, user, PASSWORD)
    client.logout()

    for _ in range(2):
        login(client, user, "wrong")

    assert login(client, user, PASSWORD).status_code == 302


def test_the_lock_is_for_that_address_only(client, user):
    for _ in range(3):
        site_login(client, user, "wrong")

    login = {"login": user.username, "password": PASSWORD}
    other = client.post(reverse("account_login"), login, REMOTE_ADDR="192.0.2.9")

    assert other.status_code == 302


def test_the_attempts_are_kept_in_the_database(client, user):
    site_login(client, user, "wrong")

    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1
