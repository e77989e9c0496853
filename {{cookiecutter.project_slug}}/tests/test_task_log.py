"""A task's log lines carry the id of the request that queued it, in the worker too."""

import logging
import signal

import pytest
import structlog
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from config import tasks, worker

# The real queue (conftest.py), and a worker that runs what is queued once, then stops.
WORKER = ["db_worker", "--backend", "database", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_a_request():
    """The log context a request has while its view runs (django-structlog's middleware binds it)."""
    structlog.contextvars.bind_contextvars(request_id="req-task-1", user_id=7)
    yield
    structlog.contextvars.clear_contextvars()


@pytest.fixture
def no_worker_signals(monkeypatch):
    # The worker's own SIGINT and SIGTERM handlers stay out of the test run.
    monkeypatch.setattr(signal, "signal", lambda *arguments: None)


def test_a_queued_task_keeps_its_requests_context_in_the_shared_cache(in_a_request):
    result = tasks.ping.using(backend="database").enqueue()

    assert caches["django_structlog"].get(result.id) == {"request_id": "req-task-1", "user_id": 7}


def test_the_worker_logs_the_task_with_the_id_of_its_request(in_a_request, no_worker_signals, caplog):
    result = tasks.ping.using(backend="database").enqueue()
    structlog.contextvars.clear_contextvars()  # the worker is another process: it knows only the cache

    with caplog.at_level(logging.INFO, logger="django_structlog"):
        call_command(*WORKER)

    [started] = [
        record.msg
        for record in caplog.records
        if isinstance(record.msg, dict) and record.msg.get("event") == "task_started"
    ]
    assert (started["task_id"], started["request_id"], started["user_id"]) == (result.id, "req-task-1", 7)


def kept_contexts() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM task_log_context")
        [count] = cursor.fetchone()
    return int(count)


def test_the_health_checks_ping_leaves_no_log_context_behind(no_worker_signals, monkeypatch):
    monkeypatch.setattr(tasks, "ping", tasks.ping.using(backend="database"))
    monkeypatch.setattr("config.worker.time.sleep", lambda seconds: call_command(*WORKER))
    before = kept_contexts()  # the cache is no model's table: tests do not empty it

    assert worker.worker_answers(timeout=10) is True
    assert kept_contexts() == before
