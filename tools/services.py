"""PostgreSQL and Redis for the template tests: the machine's when they answer, else started here.

The baked projects' tests run against a PostgreSQL server and the Celery
tests against a Redis, at the addresses tests/helpers.py names (127.0.0.1:5432
and :6379 unless TEMPLATE_TEST_POSTGRES_URL or TEMPLATE_TEST_REDIS_URL says
otherwise). A server that already answers there is used as it is. Otherwise
it is started here, from the machine's own binaries, installed from its
package archive (Debian's postgresql and redis-server) where they are missing:
PostgreSQL with a cluster of its own (trust authentication, on loopback only,
its data under STATE_DIR), Redis keeping nothing on disk. Both keep running
after the tests, so the next run finds them.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

from tools.docker_engine import file_lock, install_system_packages

STATE_DIR = Path(os.environ.get("TEMPLATE_TESTS_SERVICES_STATE", "/var/tmp/template-tests-services"))  # noqa: S108
READY_TIMEOUT = 60.0


def address(url: str, default_port: int) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def answers(host: str, port: int) -> bool:
    """Whether something accepts connections there."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def wait_until_answering(host: str, port: int, what: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not answers(host, port):
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not start on {host}:{port} within {READY_TIMEOUT:g} s:\n{tail}")
        time.sleep(0.2)


def postgres_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian keeps each version apart), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda path: int(Path(path).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def as_postgres_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: root runs it as the postgres user the package made."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_postgres(host: str, port: int) -> None:
    binaries = postgres_binaries()
    if binaries is None:
        install_system_packages(["postgresql"])
        binaries = postgres_binaries()
    if binaries is None:
        raise RuntimeError("Installing Debian's postgresql gave no pg_ctl.")
    data = STATE_DIR / f"postgres-{port}"
    log = STATE_DIR / f"postgres-{port}.log"
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    data.mkdir(exist_ok=True)
    log.touch(exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (data, log):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    if not (data / "PG_VERSION").exists():
        initdb = [str(binaries / "initdb"), "--pgdata", str(data), "--username", "postgres", "--auth", "trust"]
        subprocess.run(as_postgres_owner(initdb), check=True, capture_output=True, text=True)
    options = f"-c listen_addresses={host} -p {port} -k {data}"
    start = [str(binaries / "pg_ctl"), "start", "--pgdata", str(data), "--log", str(log), "--options", options]
    subprocess.run(as_postgres_owner(start), check=True, capture_output=True, text=True)
    wait_until_answering(host, port, "PostgreSQL", log)


def start_redis(host: str, port: int) -> None:
    if shutil.which("redis-server") is None:
        install_system_packages(["redis-server"])
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("Installing Debian's redis-server gave no redis-server.")
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    log = STATE_DIR / f"redis-{port}.log"
    command = [binary, "--daemonize", "yes", "--bind", host, "--port", str(port), "--save", "", "--appendonly", "no"]
    subprocess.run([*command, "--dir", str(STATE_DIR), "--logfile", str(log)], check=True, capture_output=True)
    wait_until_answering(host, port, "Redis", log)


def ensure(url: str, default_port: int, start) -> None:
    """The server of `url` answers: it did already, or it has been started (once, whatever runs in parallel)."""
    host, port = address(url, default_port)
    if answers(host, port):
        return
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with file_lock(STATE_DIR / f"{port}.lock"):
        if not answers(host, port):
            start(host, port)


def ensure_postgres(url: str) -> None:
    ensure(url, 5432, start_postgres)


def ensure_redis(url: str) -> None:
    ensure(url, 6379, start_redis)
