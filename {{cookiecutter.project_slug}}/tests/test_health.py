import pytest
from django.db import DatabaseError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_answers_ok_when_the_database_answers(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["database"]) == ("ok", "ok")
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("config.views.connection.cursor", broken_cursor)

    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("home")).status_code == 301


def test_health_refuses_writes(client):
    assert client.post(reverse("health")).status_code == 405


def test_alive_answers_ok_without_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health-live"))

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_alive_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("health-live")).status_code == 200
