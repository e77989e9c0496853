"""Accounts through the API: sign up, verify the address, reset and change the password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from users.models import User
from users.tests.emails import link_in_the_last_email
from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-7"
SIGN_UP = {"username": "ada", "email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD}


def log_in(api_client, username: str, password: str):
    return api_client.post(reverse("api-login"), {"username": username, "password": password})


def test_sign_up_sends_a_verification_email_and_the_key_verifies_it(api_client):
    response = api_client.post(reverse("api-register"), SIGN_UP)

    assert response.status_code == 201
    assert mail.outbox[-1].to == ["ada@example.com"]
    assert log_in(api_client, "ada", PASSWORD).status_code == 400, "no login before the address is verified"
    key = link_in_the_last_email().rstrip("/").rsplit("/", 1)[1]
    assert api_client.post(reverse("api-verify-email"), {"key": key}).status_code == 200
    assert log_in(api_client, "ada", PASSWORD).status_code in (200, 204)


def test_the_verification_email_can_be_sent_again(api_client):
    api_client.post(reverse("api-register"), SIGN_UP)

    response = api_client.post(reverse("api-resend-email"), {"email": "ada@example.com"})

    assert response.status_code == 200
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [({"password2": "something-else-42"}, "non_field_errors"), ({"email": "not-an-email"}, "email")],
)
def test_a_bad_sign_up_is_refused(api_client, change, field):
    response = api_client.post(reverse("api-register"), {**SIGN_UP, **change})

    assert response.status_code == 400
    assert field in {error["attr"] for error in response.json()["errors"]}
    assert not User.objects.filter(username="ada").exists()


def test_password_reset_email_links_to_the_sites_page_and_the_api_confirms_it(api_client, user):
    assert api_client.post(reverse("api-password-reset"), {"email": user.email}).status_code == 200

    link = link_in_the_last_email()
    parts = re.search(r"/accounts/password/reset/key/([0-9a-z]+)-(.+)/$", link)
    assert parts, link
    uid, key = parts.groups()
    response = api_client.post(
        reverse("api-password-reset-confirm"),
        {"uid": uid, "token": key, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert log_in(api_client, user.username, NEW_PASSWORD).status_code in (200, 204)


def test_the_site_page_of_the_reset_link_opens(client, api_client, user):
    api_client.post(reverse("api-password-reset"), {"email": user.email})

    response = client.get(link_in_the_last_email(), follow=True)

    assert response.status_code == 200
    assert "new_password1" in response.text or "password1" in response.text


def test_password_change_needs_the_login_and_takes_the_new_password(api_client, user):
    api_client.force_authenticate(user)

    response = api_client.post(
        reverse("api-password-change"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
