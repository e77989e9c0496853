import pytest
from rest_framework.test import APIClient

from users.tests.factories import UserFactory

# Status of a request that needs a login and has none: 401 where the API can
# name an authentication scheme (WWW-Authenticate), 403 with sessions only.
NOT_AUTHENTICATED = {% if cookiecutter.api_auth == "session" %}403{% else %}401{% endif %}


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client
