import pytest
from rest_framework.test import APIClient

from api.throttling import SiteWideRateThrottle

# Status of a request that needs a login and has none: 401 where the API can
# name an authentication scheme (WWW-Authenticate), 403 with sessions only.
NOT_AUTHENTICATED = {% if cookiecutter.api_auth == "session" %}403{% else %}401{% endif %}

# On the minute (and the hour, and the day): a window of every rate starts here.
START = 1_800_000_000.0


class Clock:
    """The rate limits' time, moved by the tests."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def error_attrs(response) -> set[str | None]:
    """The fields (or parameters) an error response names; None for an error of the whole request."""
    return {error["attr"] for error in response.json()["errors"]}


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clock(monkeypatch):
    """Stop the rate limits' clock at START, so no test runs across the end of a window."""
    clock = Clock()
    monkeypatch.setattr(SiteWideRateThrottle, "timer", clock)
    return clock
