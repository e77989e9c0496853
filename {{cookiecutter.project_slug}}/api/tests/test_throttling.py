"""The API's rate limits, counted in the database (api/throttling.py)."""

import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from api.models import KEY_LENGTH, RequestCount
from api.tests.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "5/minute")


def statuses(client, count: int) -> list[int]:
    return [client.get(reverse("api-root")).status_code for _ in range(count)]


def test_exactly_the_limit_passes_in_a_window(api_client, clock, rates):
    assert statuses(api_client, 5) == [200, 200, 200, 429, 429]


def test_a_refused_request_says_when_to_try_again(api_client, clock, rates):
    statuses(api_client, 3)
    clock.now = START + 45.5

    response = api_client.get(reverse("api-root"))

    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert response.json()["errors"][0]["code"] == "throttled"


def test_the_next_window_starts_from_zero_and_forgets_ended_ones(api_client, clock, rates):
    statuses(api_client, 4)
    clock.now = START + 60

    assert statuses(api_client, 4) == [200, 200, 200, 429]
    assert list(RequestCount.objects.values_list("window_end", "count")) == [(START + 120, 4)]


def test_anonymous_clients_are_counted_by_address_once_per_request(api_client, clock, rates):
    statuses(api_client, 2)
    api_client.get(reverse("api-root"), REMOTE_ADDR="203.0.113.9")

    counts = dict(RequestCount.objects.values_list("key", "count"))
    assert counts == {"throttle_anon_127.0.0.1": 2, "throttle_anon_203.0.113.9": 1}


def test_signed_in_users_are_counted_by_account_at_their_own_rate(user_client, user, clock, rates):
    assert statuses(user_client, 6) == [200] * 5 + [429]
    assert dict(RequestCount.objects.values_list("key", "count")) == {f"throttle_user_{user.pk}": 6}


def test_forwarded_addresses_are_ignored_unless_proxies_are_configured(api_client, clock, rates):
    spoofed = [api_client.get(reverse("api-root"), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(4)]

    assert [response.status_code for response in spoofed] == [200, 200, 200, 429]


def test_a_long_client_address_is_cut_to_fit(api_client, clock, rates, monkeypatch):
    monkeypatch.setattr("rest_framework.settings.api_settings.NUM_PROXIES", 1)

    response = api_client.get(reverse("api-root"), HTTP_X_FORWARDED_FOR="x" * 1000)

    assert response.status_code == 200
    assert len(RequestCount.objects.get().key) == KEY_LENGTH


def test_a_count_reads_as_its_client_window_and_number():
    count = RequestCount(key="throttle_anon_127.0.0.1", window_end=60, count=3)

    assert str(count) == "throttle_anon_127.0.0.1 until 60: 3"
