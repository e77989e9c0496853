import signal

import pytest
from django.core.management import call_command
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
