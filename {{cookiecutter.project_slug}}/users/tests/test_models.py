import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from users.models import User
from users.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_custom_user_model_is_active():
    assert get_user_model() is User


def test_a_user_can_log_in_with_the_factory_password(client):
    user = UserFactory.create()

    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})

    assert response.wsgi_request.user == user


def test_create_superuser_sets_staff_and_superuser_flags():
    admin = User.objects.create_superuser("admin", "admin@example.com", PASSWORD)

    assert admin.is_staff
    assert admin.is_superuser
