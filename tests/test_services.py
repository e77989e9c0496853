"""The tests' own PostgreSQL and Redis (tools/services.py): used where they answer, started where not."""

import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port
from tools import services


@pytest.fixture
def state(monkeypatch) -> Iterator[Path]:
    """A folder for the servers' data that PostgreSQL's own user can reach too (not under /tmp/pytest-of-root)."""
    folder = Path(tempfile.mkdtemp(prefix="services-", dir="/var/tmp"))
    folder.chmod(0o755)
    monkeypatch.setattr(services, "STATE_DIR", folder)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_a_server_that_answers_is_used_as_it_is(state):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def start(host: str, port: int) -> None:
            raise AssertionError("started a server where one answers")

        services.ensure(f"redis://127.0.0.1:{port}", 6379, start)


def test_postgresql_is_started_where_none_answers(state):
    port = free_port()

    services.ensure_postgres(f"postgres://postgres@127.0.0.1:{port}")

    try:
        query = ["psql", "--host", "127.0.0.1", "--port", str(port), "--username", "postgres", "--dbname", "postgres"]
        command = [*query, "--tuples-only", "--command", "SELECT 41 + 1"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.stdout.strip() == "42", result.stderr
    finally:
        stop = [str(services.postgres_binaries() / "pg_ctl"), "stop", "--pgdata", str(state / f"postgres-{port}")]
        subprocess.run(services.as_postgres_owner([*stop, "--mode", "immediate"]), capture_output=True, check=False)


def test_redis_is_started_where_none_answers(state):
    port = free_port()

    services.ensure_redis(f"redis://127.0.0.1:{port}")

    try:
        ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False)
        assert ping.stdout.strip() == "PONG"
    finally:
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True, check=False)


def test_the_suite_starts_what_it_needs_itself():
    """.ci/run installs uv and calls the README's command: the servers are the suite's own business."""
    script = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()

    assert "pg_ctlcluster" not in script
    assert "redis-server" not in script
