"""Each request's id, in its answer and on its log lines (config/request_log.py)."""

import logging
import uuid

import pytest
import structlog
from django.urls import reverse

from config.request_log import SAFE_REQUEST_ID

pytestmark = pytest.mark.django_db


def test_a_safe_request_id_from_the_proxy_is_kept(client):
    response = client.get(reverse("home"), headers={"X-Request-ID": "proxy-7f3a.42"})

    assert response["X-Request-ID"] == "proxy-7f3a.42"


@pytest.mark.parametrize("sent", ["", "two words", "line\\nbreak", "<script>", "x" * 65])
def test_an_unsafe_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get(reverse("home"), headers={"X-Request-ID": sent})

    assert uuid.UUID(response["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    first, second = (client.get(reverse("home"))["X-Request-ID"] for _ in range(2))

    assert first != second


def test_the_request_line_says_method_path_status_duration_and_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="django_structlog"):
        response = client.get(reverse("home") + "?q=secret", headers={"X-Request-ID": "req-1"})

    [line] = [
        record.msg
        for record in caplog.records
        if isinstance(record.msg, dict) and record.msg.get("event") == "request_finished"
    ]
    assert (line["request_id"], line["method"], line["path"], line["status"]) == ("req-1", "GET", "/", 200)
    assert line["duration_ms"] >= 0
    assert response.status_code == 200


def test_a_failing_request_still_answers_with_its_id(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("deliberate")

    monkeypatch.setattr("django.views.generic.base.TemplateView.get", broken)
    client.raise_request_exception = False

    response = client.get(reverse("home"), headers={"X-Request-ID": "req-500"})

    assert (response.status_code, response["X-Request-ID"]) == (500, "req-500")


def test_log_lines_outside_a_request_have_no_request_id():
    assert "request_id" not in structlog.contextvars.get_contextvars()


def test_the_safe_pattern_takes_a_uuid():
    assert SAFE_REQUEST_ID.fullmatch(str(uuid.uuid4()))
