"""Background tasks for real: a worker, the API that queues work, and the worker's health check.

Each engine a bake can choose is served by gunicorn in production mode:
Django's tasks on the database (django-tasks-db), on SQLite and on
PostgreSQL, and Celery on PostgreSQL with the tests' Redis as its broker
(tests/helpers.py). A books import queued through the API waits while no
worker runs, and appears through the API once the README's worker command
runs. The database engine's health check (`python -m config.worker`) fails
while no worker runs and passes once one does. The worker's log lines of a
task carry the id of the request that queued it.
"""

import contextlib
import json
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    fetch,
    free_port,
    json_log_lines,
    manage,
    postgres_database,
    production_env,
    redis_server,
    run,
    serving,
    sync_environment,
    user_with_token,
    wait_until,
)
from tests.options import defaults

# engine, database: each run of the tests below.
RUNS = [("database", "sqlite"), ("database", "postgresql"), ("celery", "postgresql")]
PASSWORD = secrets.token_urlsafe(16)
BOOKS = [
    {"title": f"Imported {n}", "author": "Background Worker", "isbn": f"97800000{n:05d}", "published_on": "2001-02-03"}
    for n in range(3)
]
# The worker each engine's README names, one task at a time.
WORKERS = {
    "database": ["python", "manage.py", "db_worker", "--no-reload"],
    "celery": ["celery", "--app", "config", "worker", "--loglevel", "INFO", "--concurrency", "1"],
}


@pytest.fixture(scope="module", params=RUNS, ids=[f"{engine}-{database}" for engine, database in RUNS])
def stack(request, baked, envs_dir, tmp_path_factory) -> Iterator[dict]:
    """A served bake of this engine on this database, its environment and an API token; no worker runs."""
    engine, database = request.param
    combo = {**defaults(), "background_tasks": engine}
    project = baked(f"tasks-{engine}", combo)
    venv = sync_environment(project, combo["python_version"], envs_dir)
    with contextlib.ExitStack() as stack:
        if database == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('tasks') / 'db.sqlite3'}"
        else:
            url = stack.enter_context(postgres_database(venv))
        yield from serve(engine, project, venv, url)


def serve(engine: str, project: Path, venv: Path, database: str) -> Iterator[dict]:
    values = {"DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false", "DATABASE_URL": database}
    if engine == "celery":
        # A Redis database of its own, emptied first, so nothing queued elsewhere runs here.
        values["CELERY_BROKER_URL"] = broker = f"{redis_server()}/{11 + secrets.randbelow(4)}"
        flush = f"import redis; redis.Redis.from_url({broker!r}).flushdb()"
        run([str(venv / "bin" / "python"), "-c", flush], project)
    env = production_env(venv, **values)
    manage(venv, project, env, "migrate", "--noinput")
    token = user_with_token(venv, project, env, "alice", PASSWORD)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([str(venv / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"], project, env, base):
        yield {"engine": engine, "project": project, "venv": venv, "env": env, "base": base, "token": token}


def imported_titles(base: str) -> list[str]:
    status, body = fetch(f"{base}/api/books/?search=Background+Worker")
    assert status == 200, body
    return [book["title"] for book in json.loads(body)["results"]]


@contextlib.contextmanager
def worker(stack: dict, log: Path) -> Iterator[subprocess.Popen]:
    """The README's worker command, with the served site's settings, until the block ends."""
    program, *arguments = WORKERS[stack["engine"]]
    command = [str(stack["venv"] / "bin" / program), *arguments]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=stack["project"], env=stack["env"], stdout=output, stderr=output)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_queued_import_waits_for_a_worker_and_the_worker_adds_it(stack, tmp_path):
    headers = {"Authorization": f"Token {stack['token']}"}
    status, body = fetch(f"{stack['base']}/api/books/import/", headers=headers, json_body=BOOKS)
    assert (status, json.loads(body)) == (202, {"queued": 3})

    # No worker yet: the task waits in its queue (it did not run in the request).
    time.sleep(1)
    assert imported_titles(stack["base"]) == []

    log = tmp_path / "worker.log"
    with worker(stack, log):
        wait_until(
            lambda: imported_titles(stack["base"]) == [book["title"] for book in BOOKS],
            timeout=60,
            failure=lambda: log.read_text()[-3000:],
        )

    status, body = fetch(f"{stack['base']}/api/books/?search=Imported+0")
    assert json.loads(body)["results"][0]["owner"] == "alice"
    assert json.loads(body)["results"][0]["published_on"] == "2001-02-03"


def test_the_workers_lines_carry_the_id_of_the_request_that_queued_the_task(stack, tmp_path):
    headers = {"Authorization": f"Token {stack['token']}", "X-Request-ID": "tasks-import-7"}
    traced = [{**BOOKS[0], "author": "Traced Worker", "isbn": "9780000099990"}]
    status, _ = fetch(f"{stack['base']}/api/books/import/", headers=headers, json_body=traced)

    log = tmp_path / "worker.log"

    def lines_of_the_request() -> list[dict]:
        return [line for line in json_log_lines(log) if line.get("request_id") == "tasks-import-7"]

    with worker(stack, log):
        wait_until(
            lambda: "task_succeeded" in {line["message"] for line in lines_of_the_request()},
            timeout=60,
            failure=lambda: log.read_text()[-3000:],
        )

    assert status == 202
    assert {"task_started", "task_succeeded"} <= {line["message"] for line in lines_of_the_request()}


def health_check(stack: dict) -> subprocess.CompletedProcess[str]:
    python = str(stack["venv"] / "bin" / "python")
    return subprocess.run(
        [python, "-m", "config.worker"], cwd=stack["project"], env=stack["env"], capture_output=True, text=True
    )


# The database engine's own health check (Celery's, `celery inspect ping`, runs in the container tests).
DATABASE_RUNS = pytest.mark.parametrize(
    "stack",
    [run for run in RUNS if run[0] == "database"],
    indirect=True,
    ids=[f"{engine}-{database}" for engine, database in RUNS if engine == "database"],
)


@DATABASE_RUNS
def test_worker_health_check_fails_while_no_worker_runs(stack):
    result = health_check(stack)

    assert result.returncode == 1
    assert "No worker ran a ping" in result.stderr


@DATABASE_RUNS
def test_worker_health_check_passes_once_a_worker_runs(stack, tmp_path):
    with worker(stack, tmp_path / "worker.log"):
        result = health_check(stack)

    assert result.returncode == 0, result.stderr
    count = (
        "from django_tasks_db.models import DBTaskResult; "
        "print(DBTaskResult.objects.filter(task_path='config.tasks.ping').count())"
    )
    pings_left = manage(stack["venv"], stack["project"], stack["env"], "shell", "--no-imports", "-c", count)
    assert pings_left.split()[-1] == "0", "the health check leaves no ping behind"
