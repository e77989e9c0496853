"""The production compose stack under faults, and what its images keep.

On a real engine, the defaults' production stack (`docker compose -f
compose.yaml`): the database stops and comes back while the server runs (web
is then unready, yet alive and never restarted), the database is slow to come
up, a gunicorn worker is killed. And no secret of the project's .env is in any
layer of its images. The README's backup command saves the books, and its
restore command brings them back after `down --volumes`; its metrics command
reads what web counted, on a port the host cannot reach. Figures go to the
suite's "figures" section.
"""

import io
import json
import shutil
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import answer, ensure_images, remove_project_images, wait_until
from tests.options import defaults
from tests.test_docker import Stack, docker_slug

pytestmark = pytest.mark.docker

COMBO = defaults()


@pytest.fixture(scope="module")
def stack(baked, engine) -> Iterator[Stack]:
    """The production stack of the defaults, up and healthy."""
    project = baked("faults", {**COMBO, "project_slug": f"faults_{docker_slug(COMBO)}"})
    ensure_images(engine, project)
    stack = Stack(engine, project)
    stack.compose("build", production=True)
    stack.up(production=True)
    try:
        yield stack
    finally:
        stack.teardown()
        remove_project_images(stack.env, project)


def health(stack: Stack) -> int:
    return answer(f"{stack.url}/health/")[0]


def inspect(stack: Stack, service: str, template: str) -> str:
    """`docker inspect --format template` of the service's container."""
    container = stack.compose("ps", "--quiet", service, production=True).strip()
    result = subprocess.run(
        ["docker", "inspect", "--format", template, container],
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def container_state(stack: Stack, service: str) -> str:
    """The service container's id, start time and restart count: changes when it restarts."""
    return inspect(stack, service, "{{.Id}} {{.State.StartedAt}} {{.RestartCount}} {{.State.Status}}")


def health_status(stack: Stack, service: str) -> str:
    """What the engine makes of the service's health check: starting, healthy or unhealthy."""
    return inspect(stack, service, "{{.State.Health.Status}}")


def test_a_database_outage_makes_web_unready_but_not_dead_nor_restarted(stack, record_property):
    web_before = container_state(stack, "web")

    stack.compose("stop", "db", production=True)
    down = wait_until(lambda: health(stack) == 503, timeout=15)
    # Past the health check's window (the image's HEALTHCHECK: three failures 2 s apart).
    wait_until(lambda: health_status(stack, "web") == "unhealthy", timeout=60)
    alive_while_down = answer(f"{stack.url}/health/live/")[0]
    ready_while_down = answer(f"{stack.url}/health/")[0]
    stack.compose("start", "db", production=True)
    back = wait_until(lambda: health(stack) == 200, timeout=60)

    record_property("seconds to 503 after the database stopped", round(down, 1))
    record_property("seconds to 200 after the database started", round(back, 1))
    assert (alive_while_down, ready_while_down) == (200, 503), "alive, not ready, while the database is down"
    assert container_state(stack, "web") == web_before, "web was not restarted"


def gunicorn_workers(stack: Stack) -> list[int]:
    """The pids of gunicorn's workers: the children of process 1 (the master)."""
    script = (
        "import glob\n"
        "for status in glob.glob('/proc/[0-9]*/status'):\n"
        "    fields = dict(line.split(':', 1) for line in open(status) if ':' in line)\n"
        "    if fields['PPid'].strip() == '1' and 'gunicorn' in open(status.replace('status', 'cmdline')).read():\n"
        "        print(fields['Pid'].strip())\n"
    )
    return sorted(int(pid) for pid in stack.exec("python", "-c", script, production=True).split())


def test_requests_are_still_served_when_a_worker_is_killed(stack, record_property):
    workers = gunicorn_workers(stack)
    assert len(workers) >= 2
    failures: list[int] = []
    served: list[int] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            (served if health(stack) == 200 else failures).append(1)

    thread = threading.Thread(target=client)
    thread.start()
    try:
        time.sleep(1)
        stack.exec("python", "-c", f"import os, signal; os.kill({workers[0]}, signal.SIGKILL)", production=True)
        wait_until(lambda: len(gunicorn_workers(stack)) == len(workers), timeout=30)
        time.sleep(1)
    finally:
        stop.set()
        thread.join()

    record_property("requests answered while a worker was killed", len(served))
    record_property("requests that failed while a worker was killed", len(failures))
    assert workers[0] not in gunicorn_workers(stack), "a new worker took its place"
    assert [health(stack) for _ in range(40)] == [200] * 40
    # At most the request the killed worker was answering is lost.
    assert len(failures) <= 1


def secrets_in_image(stack: Stack, image: str, secrets: list[str]) -> list[str]:
    """Where the saved image holds a secret: any layer's file (or a .env), its config or history."""

    def holds_secret(data: bytes) -> bool:
        return any(secret.encode() in data for secret in secrets)

    saved = subprocess.run(["docker", "image", "save", image], env=stack.env, capture_output=True, check=True).stdout
    found = []
    with tarfile.open(fileobj=io.BytesIO(saved)) as archive:
        for member in filter(tarfile.TarInfo.isfile, archive.getmembers()):
            data = archive.extractfile(member).read()
            if not tarfile.is_tarfile(io.BytesIO(data)):
                found += [member.name] if holds_secret(data) else []  # the image config: ENV, labels, history
                continue
            with tarfile.open(fileobj=io.BytesIO(data)) as layer:
                for item in filter(tarfile.TarInfo.isfile, layer.getmembers()):
                    if Path(item.name).name == ".env" or holds_secret(layer.extractfile(item).read()):
                        found.append(f"{member.name}: {item.name}")
    return found


def readme_commands(project: Path, start: str) -> list[str]:
    """The README's command lines that start with `start`, in its order."""
    return [line for line in (project / "README.md").read_text().splitlines() if line.startswith(start)]


def readme_backup_commands(project: Path) -> tuple[str, str]:
    """The README's backup and restore commands, for the production-like run as it says (`-f compose.yaml`)."""
    backup, restore = readme_commands(project, "docker compose exec -T db ")
    production = "docker compose -f compose.yaml "
    return backup.replace("docker compose ", production, 1), restore.replace("docker compose ", production, 1)


BOOK_TITLES = "from library.models import Book; print(sorted(Book.objects.values_list('title', flat=True)))"


def test_a_backup_brings_the_books_back_after_the_volume_is_deleted(stack, record_property):
    backup, restore = readme_backup_commands(stack.project)
    stack.exec("python", "manage.py", "load_sample_books", production=True)
    titles = stack.exec("python", "manage.py", "shell", "--no-imports", "-c", BOOK_TITLES, production=True)

    def shell(command: str) -> None:
        subprocess.run(["sh", "-c", command], cwd=stack.project, env=stack.env, check=True, capture_output=True)

    shell("mkdir -p backups")
    shell(backup)
    [dump] = (stack.project / "backups").glob("*.dump")
    record_property("backup of the sample books, kB", round(dump.stat().st_size / 1000, 1))
    stack.compose("down", "--volumes", "--timeout", "5", production=True)
    stack.up(production=True)
    emptied = stack.exec("python", "manage.py", "shell", "--no-imports", "-c", BOOK_TITLES, production=True)
    shell(restore.replace("backups/FILE.dump", f"backups/{dump.name}"))
    restored = stack.exec("python", "manage.py", "shell", "--no-imports", "-c", BOOK_TITLES, production=True)

    assert (emptied, restored) == ("[]\n", titles), "the volume was emptied, and the backup put every book back"


def test_the_readmes_metrics_command_reads_what_web_counted(stack):
    [command] = [line for line in readme_commands(stack.project, "docker compose") if "/metrics" in line]
    answer(f"{stack.url}/health/live/")

    result = subprocess.run(
        ["sh", "-c", command],
        cwd=stack.project, env=stack.env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert 'django_http_responses_total_by_status_view_method_total{method="GET",status="200",view="health-live"}' in (
        result.stdout
    )


def test_the_host_reaches_the_sites_port_only(stack):
    [web] = [json.loads(line) for line in stack.compose("ps", "--format", "json", "web", production=True).splitlines()]

    published = {port["TargetPort"] for port in web["Publishers"] if port["PublishedPort"]}
    assert published == {8000}, "the metrics port (9100) is for compose's network only"


@pytest.mark.parametrize("target", ["production", "dev"])
def test_images_keep_no_secret_of_the_env_file(stack, target):
    env_file = dict(
        line.split("=", 1)
        for line in (stack.project / ".env").read_text().splitlines()
        if "=" in line and line[0] != "#"
    )
    secrets = [env_file["DJANGO_SECRET_KEY"], env_file["POSTGRES_PASSWORD"]]
    image = f"{stack.project.name.replace('_', '-')}:{target}"
    if target == "dev":
        stack.compose("build", "web")

    assert secrets_in_image(stack, image, secrets) == []


def test_web_waits_for_a_slow_database_then_serves(stack, record_property):
    """The database takes 20 s to start: web starts only once it is ready, then serves."""
    slow = stack.project / "slow-database.yaml"
    slow.write_text(
        'services:\n  db:\n    entrypoint: ["sh", "-c", "sleep 20 && exec docker-entrypoint.sh postgres"]\n'
    )
    files = ["-f", "compose.yaml", "-f", slow.name]
    stack.compose("down", "--timeout", "5", production=True)
    started = time.monotonic()
    compose = ["docker", "compose", *files, "up", "--detach", "--wait", "--wait-timeout", "240"]
    subprocess.run(compose, cwd=stack.project, env=stack.env, capture_output=True, text=True, check=True)
    record_property("seconds to healthy with a database 20 s slow to start", round(time.monotonic() - started, 1))

    assert health(stack) == 200
    waited = started_at(stack, "web") - started_at(stack, "db")
    assert waited.total_seconds() >= 20, "web started only once the database was ready"


def started_at(stack: Stack, service: str) -> datetime:
    return datetime.fromisoformat(inspect(stack, service, "{{.State.StartedAt}}"))


def test_a_stale_lock_fails_the_image_build_with_uvs_message(stack, tmp_path):
    """A dependency added to pyproject.toml without `uv lock`: the build stops instead of re-resolving."""
    project = shutil.copytree(stack.project, tmp_path / "project")
    pyproject = project / "pyproject.toml"
    added = 'dependencies = [\n    "six==1.16.0",\n'
    pyproject.write_text(pyproject.read_text().replace("dependencies = [\n", added, 1))

    build = subprocess.run(
        ["docker", "compose", "-f", "compose.yaml", "build", "web"],
        cwd=project,
        env=stack.env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert build.returncode != 0
    assert "needs to be updated" in build.stdout + build.stderr
