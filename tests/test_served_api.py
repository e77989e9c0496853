"""The baked API served as in production, tried as a hostile or unlucky client would.

A default bake runs under gunicorn with several workers, production settings
and PostgreSQL (one bake and one database for the whole module):

- schemathesis runs every operation with all its checks (authenticated), and
  fails on any server error or any answer the schema does not document; so
  it does with the session and JWT logins, each in its own bake;
- a limit of 30 anonymous requests a minute lets exactly 30 through, whichever
  worker answers them, from concurrent clients, on PostgreSQL and on SQLite;
- wrk sends mixed reads and authenticated creates from 32 connections for
  20 seconds: no server error, no connection error, and every 201 is a row;
- concurrent creates leave exactly one row each, and concurrent creates of
  one ISBN leave one row, one 201 and 400 for the rest.

Figures (requests, latency, rows lost) are recorded for the "figures" section
of the test output, never asserted: these machines are noisy.
"""

import collections
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    NO_RATE_LIMITS,
    TEMPLATE_DIR,
    Browsing,
    combo_params,
    fetch,
    free_port,
    manage,
    postgres_database,
    run,
    serving,
    sync_environment,
    tool,
    user_with_token,
)
from tests.options import defaults
from tests.served import WORKERS, Served, deployed_env, gunicorn, served_bake
from tools.docker_engine import install_system_packages

PASSWORD = "a-long-test-password-42"
LOAD_SECONDS = 20
LOAD_CONNECTIONS = 32
# The first digits of every ISBN the load adds.
LOAD_PREFIX = "90"
LIST_LOAD_ISBNS = (
    "from library.models import Book; "
    f"print(*Book.objects.filter(isbn__startswith='{LOAD_PREFIX}').values_list('isbn', flat=True))"
)
SCHEMATHESIS_CONFIG = TEMPLATE_DIR / "tests" / "schemathesis.toml"
# Examples per operation and phase: about 20 seconds on two cores.
SCHEMATHESIS_EXAMPLES = 50


def prepare(project: Path, venv: Path, **env_values: str) -> dict[str, str]:
    """Migrate and collect static files, and add the sample books; the environment."""
    env = deployed_env(venv, **env_values)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_sample_books"]):
        manage(venv, project, env, *command)
    return env


@pytest.fixture(scope="module")
def baked_default(synced_defaults) -> tuple[Path, Path]:
    return synced_defaults("served")


@pytest.fixture(scope="module")
def served(baked_default) -> Iterator[Served]:
    """The default bake under gunicorn (production settings, PostgreSQL), limits out of the way."""
    with served_bake(*baked_default, **NO_RATE_LIMITS) as served:
        yield served


# schemathesis's client is staff, who may change every book, the sample ones (which
# have no owner) too: else a run whose stateful phase made no book of its own sees
# only 403s from PATCH and DELETE, and fails as if it had lost its credentials
# (missing_auth in tests/schemathesis.toml). The 403s are the baked tests'.


@pytest.fixture(scope="module")
def token(served) -> str:
    """The API token of a staff user of the served bake."""
    return user_with_token(served.venv, served.project, served.env, "client", PASSWORD, staff=True)


def schemathesis(url: str, headers: dict[str, str], workdir: Path, record_property: Callable[..., None]) -> None:
    """Run every schemathesis check on every operation, sending these headers; fail on any failure."""
    command = [
        tool("st"), "--config-file", str(SCHEMATHESIS_CONFIG), "run", f"{url}/api/schema/", "--checks", "all",
        *(option for name, value in headers.items() for option in ("--header", f"{name}: {value}")),
        "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(SCHEMATHESIS_EXAMPLES),
        "--generation-database", "none", "--no-color",
        # The credentials are the headers given: no made-up (or left-out) session
        # cookie or token, which those headers would log in anyway.
        "--generation-with-security-parameters", "false",
    ]  # fmt: skip
    # schemathesis writes its state into the working directory: a scratch one.
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=900, check=False)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    generated = re.search(r"(\d+) generated", output)
    record_property("requests schemathesis tried (bad inputs among them)", generated[1] if generated else "?")


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(served, token, tmp_path, record_property):
    schemathesis(served.url, {"Authorization": f"Token {token}"}, tmp_path, record_property)


def logged_in_headers(served: Served, api_auth: str) -> dict[str, str]:
    """What a client of this api_auth sends once logged in through the API, as the README shows."""
    served.create_user("client", PASSWORD, is_staff=True)
    client = Browsing()
    credentials = {"username": "client", "password": PASSWORD}
    status, body = client.fetch(f"{served.url}/api/auth/login/", json_body=credentials)
    assert status == (200 if api_auth == "jwt" else 204), body
    if api_auth == "jwt":
        return {"Authorization": f"Bearer {json.loads(body)['access']}"}
    # The session cookie, and the CSRF token back in its header for unsafe requests.
    return {"Cookie": client.cookie_header(), "X-CSRFToken": client.cookie("csrftoken")}


# The other logins: their own views, authenticators and error answers.
@pytest.mark.parametrize(
    "combo", combo_params([{**defaults(), "api_auth": api_auth} for api_auth in ("session", "jwt")])
)
def test_schemathesis_passes_with_the_other_logins(baked, envs_dir, combo, tmp_path, record_property):
    project = baked("served", combo)
    venv = sync_environment(project, combo["python_version"], envs_dir)
    with served_bake(project, venv, **NO_RATE_LIMITS) as served:
        schemathesis(served.url, logged_in_headers(served, combo["api_auth"]), tmp_path, record_property)


def count_statuses(
    url: str, requests: int, clients: int, send: Callable[[http.client.HTTPConnection], None]
) -> collections.Counter[int]:
    """Send `requests` requests from `clients` threads at once; count the statuses of the answers."""
    statuses: collections.Counter[int] = collections.Counter()
    left = iter(range(requests))
    lock = threading.Lock()
    start = threading.Barrier(clients)
    host, port = url.removeprefix("http://").split(":")

    def client() -> None:
        start.wait()
        while True:
            with lock:
                if next(left, None) is None:
                    return
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            try:
                send(connection)
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            with lock:
                statuses[response.status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_rate_limit_holds_for_every_worker_at_once(baked_default, database, record_property):
    project, venv = baked_default
    with contextlib.ExitStack() as stack:
        if database == "postgresql":
            url = stack.enter_context(postgres_database(venv))
        else:
            url = f"sqlite:///{project / f'throttled-{secrets.token_hex(4)}.sqlite3'}"
        env = prepare(project, venv, DATABASE_URL=url, API_THROTTLE_ANON="30/minute")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # Limits count in windows that start on the minute: finish within one.
        if (left := 60 - time.time() % 60) < 20:
            time.sleep(left + 0.5)

        with serving(gunicorn(venv, port), project, env, base):
            statuses = count_statuses(base, 90, 8, lambda connection: connection.request("GET", "/api/books/"))

    assert statuses == {200: 30, 429: 60}, f"30 of 90 requests from 8 clients pass ({WORKERS} workers)"
    record_property(f"requests passed of 90, limit 30/minute ({database})", statuses[200])


def test_load_of_reads_and_writes_loses_nothing(served, token, record_property):
    install_system_packages(["wrk"])
    wrk = shutil.which("wrk")
    assert wrk, "Debian's wrk did not install"
    ids = [str(book["id"]) for book in json.loads(fetch(f"{served.url}/api/books/")[1])["results"]]
    env = {**os.environ, "WRK_TOKEN": token, "WRK_BOOK_IDS": ",".join(ids), "WRK_PREFIX": LOAD_PREFIX}
    command = [
        wrk, "--threads", "2", "--connections", str(LOAD_CONNECTIONS), "--duration", f"{LOAD_SECONDS}s",
        "--timeout", "10s", "--script", str(TEMPLATE_DIR / "tests" / "load" / "mixed.lua"), served.url,
    ]  # fmt: skip

    result = run(command, TEMPLATE_DIR, env, timeout=LOAD_SECONDS + 60)

    figures = json.loads(result.stdout.strip().splitlines()[-1])
    statuses = {int(status): count for status, count in figures["statuses"].items()}
    confirmed = set(figures["created"])
    stored = set(served.manage_shell(LIST_LOAD_ISBNS).split())
    record_property("load: requests", figures["requests"])
    record_property("load: requests/s", round(figures["requests"] / (figures["duration_us"] / 1e6)))
    latency = figures["latency_us"]
    record_property("load: p50 / p99 latency ms", f"{latency['p50'] / 1000:.0f} / {latency['p99'] / 1000:.0f}")
    record_property("load: books created (201)", len(confirmed))
    record_property("load: rows lost", len(confirmed - stored))
    record_property("load: rows added while wrk stopped (unconfirmed)", len(stored - confirmed))
    assert figures["errors"] == {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}, result.stdout[:2000]
    assert set(statuses) <= {200, 201}, statuses
    assert len(confirmed) == statuses[201] > 0, "each 201 named its book"
    assert confirmed - stored == set(), "every book a 201 confirmed is in the database"
    # wrk stops without reading the answers still on their way: those books may exist unconfirmed.
    assert len(stored - confirmed) <= LOAD_CONNECTIONS


def post_book(token: str, book: dict[str, str]) -> Callable[[http.client.HTTPConnection], None]:
    body = json.dumps(book)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    return lambda connection: connection.request("POST", "/api/books/", body, headers)


def test_concurrent_creates_leave_a_row_each(served, token, record_property):
    numbers = iter(range(10**6))
    lock = threading.Lock()

    def send(connection: http.client.HTTPConnection) -> None:
        with lock:
            isbn = f"91{next(numbers):011d}"
        post_book(token, {"title": f"Parallel {isbn}", "author": "Race", "isbn": isbn})(connection)

    statuses = count_statuses(served.url, 48, 24, send)

    assert statuses == {201: 48}
    assert served.book_count("Parallel") == 48
    record_property("concurrent creates: rows lost", 48 - served.book_count("Parallel"))


def test_concurrent_creates_of_one_isbn_leave_one_row(served, token):
    book = {"title": "Same ISBN", "author": "Race", "isbn": "9200000000001"}

    statuses = count_statuses(served.url, 24, 24, post_book(token, book))

    assert statuses == {201: 1, 400: 23}, "one 201, a 400 for every other, no 500 from the unique constraint"
    assert served.book_count("9200000000001") == 1
