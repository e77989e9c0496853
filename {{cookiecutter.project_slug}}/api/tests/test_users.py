import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.tests.conftest import NOT_AUTHENTICATED, error_attrs
from api.users import MeView

pytestmark = pytest.mark.django_db


def test_me_returns_the_signed_in_user(user_client, user):
    response = user_client.get(reverse("api-me"))

    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert "password" not in response.json()


def test_me_requires_a_login(api_client):
    assert api_client.get(reverse("api-me")).status_code == NOT_AUTHENTICATED


def test_me_updates_names_but_not_the_username(user_client, user):
    response = user_client.patch(reverse("api-me"), {"first_name": "Ada", "username": "hacker"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name == "Ada"
    assert user.username != "hacker"


def test_me_rejects_a_bad_email(user_client):
    response = user_client.patch(reverse("api-me"), {"email": "not-an-email"})

    assert response.status_code == 400
    assert error_attrs(response) == {"email"}


def test_me_view_refuses_an_anonymous_user_even_without_its_permission_check():
    view = MeView()
    view.request = Request(APIRequestFactory().get(reverse("api-me")))
    view.request.user = AnonymousUser()

    with pytest.raises(NotAuthenticated):
        view.get_object()
