import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    # Like a real browser: CSRF protection is enforced on unsafe requests.
    return APIClient(enforce_csrf_checks=True)


def log_in(browser, username: str, password: str):
    return browser.post(reverse("api-login"), {"username": username, "password": password})


def test_login_sets_the_session(browser, user):
    response = log_in(browser, user.username, PASSWORD)

    assert response.status_code == 204
    assert browser.get(reverse("api-me")).json()["username"] == user.username


def test_wrong_password_does_not_log_in(browser, user):
    response = log_in(browser, user.username, "wrong")

    assert response.status_code == 400
    assert browser.get(reverse("api-me")).status_code == 403


def test_writes_need_the_csrf_token(browser, user):
    log_in(browser, user.username, PASSWORD)

    without = browser.patch(reverse("api-me"), {"first_name": "Ada"})
    with_token = browser.patch(
        reverse("api-me"), {"first_name": "Ada"}, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value
    )

    assert without.status_code == 403
    assert "CSRF" in without.json()["errors"][0]["detail"]
    assert with_token.status_code == 200


def test_logout_ends_the_session(browser, user):
    log_in(browser, user.username, PASSWORD)

    browser.post(reverse("api-logout"), HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)

    assert browser.get(reverse("api-me")).status_code == 403
