"""The readiness check asks the broker too, when tasks go through one."""

import pytest
from django.urls import reverse

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(monkeypatch):
    """Tasks through a broker (not at once, as in the other tests); its URL is the test's to set."""
    # Celery reads the broker's URL from the environment first (as in the containers).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    return celery_app.conf


def test_ready_when_the_broker_takes_a_connection(client, broker, monkeypatch):
    monkeypatch.setitem(broker, "broker_url", "memory://")

    response = client.get(reverse("health"))

    assert (response.status_code, response.json()["broker"]) == (200, "ok")


def test_not_ready_when_the_broker_does_not_answer(client, broker, monkeypatch):
    # Nothing listens on port 1.
    monkeypatch.setitem(broker, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("health"))

    assert (response.status_code, response.json()["broker"]) == (503, "unavailable")
