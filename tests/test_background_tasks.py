"""Background tasks for real: a Redis broker, a Celery worker, the API that queues work.

A bake with Celery (`background_tasks=celery`) is served by gunicorn in production mode on
PostgreSQL, with CELERY_BROKER_URL pointing at the tests' Redis (tests/helpers.py).
A books import queued through the API waits while no worker runs, and
appears through the API once one does.
"""

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

COMBO = {**defaults(), "background_tasks": "celery"}
PASSWORD = secrets.token_urlsafe(16)
BOOKS = [
    {"title": f"Imported {n}", "author": "Background Worker", "isbn": f"97800000{n:05d}", "published_on": "2001-02-03"}
    for n in range(3)
]


@pytest.fixture(scope="module")
def stack(baked, envs_dir) -> Iterator[dict]:
    """The served bake, its environment and an API token; the worker is not started."""
    project = baked("tasks", COMBO)
    venv = sync_environment(project, COMBO["python_version"], envs_dir)
    with postgres_database(venv) as database:
        yield from serve(project, venv, database)


def serve(project: Path, venv: Path, database: str) -> Iterator[dict]:
    # A Redis database of its own, emptied first, so nothing queued elsewhere runs here.
    broker = f"{redis_server()}/{11 + secrets.randbelow(4)}"
    run([str(venv / "bin" / "python"), "-c", f"import redis; redis.Redis.from_url({broker!r}).flushdb()"], project)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(
        venv,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker,
    )
    manage(venv, project, env, "migrate", "--noinput")
    token = user_with_token(venv, project, env, "alice", PASSWORD)
    with serving([str(venv / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"], project, env, base):
        yield {"project": project, "venv": venv, "env": env, "base": base, "token": token}


def imported_titles(base: str) -> list[str]:
    status, body = fetch(f"{base}/api/books/?search=Background+Worker")
    assert status == 200, body
    return [book["title"] for book in json.loads(body)["results"]]


def test_queued_import_waits_for_a_worker_and_the_worker_adds_it(stack, tmp_path):
    headers = {"Authorization": f"Token {stack['token']}"}
    status, body = fetch(f"{stack['base']}/api/books/import/", headers=headers, json_body=BOOKS)
    assert (status, json.loads(body)) == (202, {"queued": 3})

    # No worker yet: the task waits in Redis (it did not run in the request).
    time.sleep(1)
    assert imported_titles(stack["base"]) == []

    log = tmp_path / "worker.log"
    worker = start_worker(stack, log)
    try:
        wait_until(
            lambda: imported_titles(stack["base"]) == [book["title"] for book in BOOKS],
            timeout=60,
            failure=lambda: log.read_text()[-3000:],
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    status, body = fetch(f"{stack['base']}/api/books/?search=Imported+0")
    assert json.loads(body)["results"][0]["owner"] == "alice"
    assert json.loads(body)["results"][0]["published_on"] == "2001-02-03"


def start_worker(stack: dict, log: Path) -> subprocess.Popen:
    """The README's worker command, with the served site's settings."""
    command = [str(stack["venv"] / "bin" / "celery"), "--app", "config", "worker", "--loglevel", "INFO"]
    with log.open("w") as output:
        return subprocess.Popen(
            [*command, "--concurrency", "1"], cwd=stack["project"], env=stack["env"], stdout=output, stderr=output
        )
