"""Prometheus counts and times every answer and query (config/metrics.py)."""

import http.client
import subprocess
import sys

import pytest
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from prometheus_client import REGISTRY

from config import metrics

pytestmark = pytest.mark.django_db


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def answers(status: str, view: str, method: str = "GET") -> float:
    return sample("django_http_responses_total_by_status_view_method_total", status=status, view=view, method=method)


def test_each_answer_is_counted_by_status_view_and_method(client):
    before = answers("200", "home")

    client.get(reverse("home"))

    assert answers("200", "home") == before + 1


def test_each_answer_is_timed_by_view_and_method(client):
    name = "django_http_requests_latency_seconds_by_view_method_count"
    before = sample(name, view="home", method="GET")

    client.get(reverse("home"))

    assert sample(name, view="home", method="GET") == before + 1


def test_an_address_that_matches_no_url_is_one_view(client):
    before = answers("404", "<unnamed view>")

    client.get("/no-such-page/")
    client.get("/no-such-page-either/")

    assert answers("404", "<unnamed view>") == before + 2


def test_an_invented_method_is_one_label_value(client):
    before = answers("405", "health", "<invalid method>")

    client.generic("BREW", reverse("health"))

    assert answers("405", "health", "<invalid method>") == before + 1


def test_the_queries_of_a_request_are_counted(client):
    name = "django_db_execute_total"
    before = sample(name, alias="default", vendor=connection.vendor)

    client.get(reverse("health"))  # SELECT 1

    assert sample(name, alias="default", vendor=connection.vendor) >= before + 1


def test_a_query_that_fails_is_counted_by_its_error(rf):
    def failing_view(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return HttpResponse()  # pragma: no cover - the query fails

    with pytest.raises(DatabaseError) as raised:
        metrics.request_metrics(failing_view)(rf.get("/"))

    error = type(raised.value).__name__
    assert sample("django_db_errors_total", alias="default", vendor=connection.vendor, type=error) >= 1


def test_the_metrics_server_adds_up_what_each_process_counted(tmp_path, monkeypatch):
    # Two processes count as two gunicorn workers do: into files in one folder.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    count_one = "from config import metrics; metrics.RESPONSES.labels('200', 'home', 'GET').inc()"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count_one], check=True)  # noqa: S603 - this Python, fixed code

    server, _ = metrics.serve(0)  # any free port
    scraper = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=5)
    try:
        scraper.request("GET", "/metrics")
        body = scraper.getresponse().read().decode()
    finally:
        scraper.close()
        server.shutdown()
        server.server_close()

    line = 'django_http_responses_total_by_status_view_method_total{method="GET",status="200",view="home"} 2.0'
    assert line in body.splitlines()
