import pytest
from django.urls import reverse

from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_users(admin_client):
    user = UserFactory.create()

    response = admin_client.get(reverse("admin:users_user_changelist"))

    assert response.status_code == 200
    assert user.username in response.text


def test_admin_requires_staff(client):
    response = client.get(reverse("admin:users_user_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
