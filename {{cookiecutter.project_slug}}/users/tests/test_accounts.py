"""The site's accounts (django-allauth): sign up, confirm the address, log in and out, reset a password."""

import pytest
from django.core import mail
from django.urls import reverse

from users.models import User
from users.tests.emails import link_in_the_last_email
from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-7"


def log_in(client, login: str, password: str):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_are_in_the_sites_layout(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert 'class="site-header"' in response.text
    assert "<script>" not in response.text, "no inline script (the Content-Security-Policy runs none)"


def test_sign_up_confirm_the_address_then_log_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ada@example.com", "username": "ada", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["ada@example.com"]
    assert not log_in(client, "ada", PASSWORD).wsgi_request.user.is_authenticated

    client.post(link_in_the_last_email())
    response = log_in(client, "ada@example.com", PASSWORD)

    assert response.status_code == 302
    assert response.wsgi_request.user.username == "ada"


def test_logout_is_a_post(client, user):
    client.force_login(user)

    client.get(reverse("account_logout"))
    assert client.get(reverse("home")).wsgi_request.user.is_authenticated, "a GET only asks"
    client.post(reverse("account_logout"))

    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_password_reset_by_email(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    page = client.get(link_in_the_last_email(), follow=True)

    client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change(client, user):
    client.force_login(user)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_pages_that_need_a_login_send_people_to_the_sites_login(client):
    response = client.get(reverse("account_email"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_layout_offers_login_and_sign_up_or_the_users_name_and_logout(client, user):
    anonymous = client.get(reverse("home")).text
    client.force_login(user)
    logged_in = client.get(reverse("home")).text

    assert reverse("account_login") in anonymous
    assert reverse("account_signup") in anonymous
    assert user.username in logged_in
    assert f'action="{reverse("account_logout")}"' in logged_in
    assert not User.objects.filter(username="admin").exists()
