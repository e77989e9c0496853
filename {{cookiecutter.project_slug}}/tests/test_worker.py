"""The worker: its health check (config/worker.py), and the log lines of the tasks it runs."""

import logging
import signal

import pytest
import structlog
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from config import tasks, worker

# The real queue (conftest.py), and a worker that runs what is queued once, then stops.
WORKER = ["db_worker", "--backend", "database", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0"]


@pytest.fixture
def queued_pings(monkeypatch):
    """The health check's pings go to the real queue, not to the tests' immediate backend."""
    monkeypatch.setattr(tasks, "ping", tasks.ping.using(backend="database"))
    # The worker's own SIGINT and SIGTERM handlers stay out of the test run.
    monkeypatch.setattr(signal, "signal", lambda *arguments: None)


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_answers(queued_pings, monkeypatch):
    # While the health check waits, a worker takes what is queued.
    monkeypatch.setattr("config.worker.time.sleep", lambda seconds: call_command(*WORKER))

    assert worker.worker_answers(timeout=10) is True
    assert not DBTaskResult.objects.exists(), "the ping leaves no result behind"


@pytest.mark.django_db(transaction=True)
def test_no_worker_no_answer(queued_pings, monkeypatch):
    monkeypatch.setattr("config.worker.time.sleep", lambda seconds: None)

    assert worker.worker_answers(timeout=0.2) is False
    assert not DBTaskResult.objects.exists(), "the unanswered ping is not left to run later"


def test_the_ping_runs_first_and_does_nothing():
    assert tasks.ping.priority == 100
    assert tasks.ping.call() == "pong"


@pytest.mark.parametrize(("answers", "status"), [(True, 0), (False, 1)])
def test_the_health_check_exits_by_the_answer(monkeypatch, capsys, answers, status):
    monkeypatch.setattr(worker, "worker_answers", lambda: answers)

    assert worker.main() == status
    assert ("No worker ran a ping" in capsys.readouterr().err) is not answers


# A task's log lines carry the id of the request that queued it, in the worker too.


@pytest.fixture
def in_a_request():
    """The log context a request has while its view runs (django-structlog's middleware binds it).

    A request starts from an empty context, whatever a worker run in this process left bound.
    """
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id="req-task-1", user_id=7)
    yield
    structlog.contextvars.clear_contextvars()


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_keeps_its_requests_context_in_the_shared_cache(queued_pings, in_a_request):
    result = tasks.ping.enqueue()

    assert caches["django_structlog"].get(result.id) == {"request_id": "req-task-1", "user_id": 7}


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_the_task_with_the_id_of_its_request(queued_pings, in_a_request, caplog):
    result = tasks.ping.enqueue()
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


@pytest.mark.django_db(transaction=True)
def test_the_health_checks_ping_leaves_no_log_context_behind(queued_pings, monkeypatch):
    monkeypatch.setattr("config.worker.time.sleep", lambda seconds: call_command(*WORKER))
    before = kept_contexts()  # the cache is no model's table: tests do not empty it

    assert worker.worker_answers(timeout=10) is True
    assert kept_contexts() == before
