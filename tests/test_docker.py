"""Build the baked project's images and run its compose stack on a real engine.

Where no engine runs, one is started (Debian's docker.io on a private socket)
and the official base images the project names are pulled, or built locally
as stand-ins under the same names when no registry answers. The baked files
are used unchanged; only .env values (port, ids) are set as a user would.
"""

import json
import os
import re
import secrets
import subprocess
import time
from pathlib import Path

import pytest

from tests.github_actions import checkout, ci_environment, project_workflow, run_job
from tests.helpers import (
    HOST_UID,
    answer,
    asset_urls,
    combo_params,
    ensure_images,
    fetch,
    free_port,
    owned_by_host_user,
    remove_project_images,
    unserved,
    wait_until,
)
from tests.options import Combo, changed_from_the_defaults, container_combinations, defaults
from tools.docker_engine import Engine

pytestmark = pytest.mark.docker

ADMIN_PASSWORD = "a-long-test-password-42"


class Stack:
    """`docker compose` for one baked project, as its README runs it."""

    def __init__(self, engine: Engine, project: Path) -> None:
        self.project = project
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **engine.env,
            "COMPOSE_PROJECT_NAME": f"tpl{secrets.token_hex(4)}",
            "WEB_PORT": str(self.port),
        }

    def compose(self, *args: str, production: bool = False, timeout: float = 900) -> str:
        files = ["-f", "compose.yaml"] if production else []
        command = ["docker", "compose", *files, *args]
        result = subprocess.run(
            command, cwd=self.project, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            logs = subprocess.run(
                ["docker", "compose", *files, "logs", "--no-color", "--tail", "80"],
                cwd=self.project,
                env=self.env,
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            raise AssertionError(
                f"`{' '.join(command)}` exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
                f"\n--- logs ---\n{logs[-6000:]}"
            )
        return result.stdout

    def up(self, production: bool = False) -> float:
        """Start the stack; return the seconds until every service is healthy."""
        started = time.monotonic()
        self.compose("up", "--detach", "--wait", "--wait-timeout", "180", production=production)
        return time.monotonic() - started

    def exec(self, *command: str, production: bool = False) -> str:
        return self.compose("exec", "-T", "web", *command, production=production)

    def image_size_mb(self, tag: str) -> float:
        result = subprocess.run(
            ["docker", "image", "inspect", "--format", "{{.Size}}", tag],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stdout.strip()) / 1e6

    def teardown(self) -> None:
        for production in (False, True):
            self.compose("down", "--volumes", "--remove-orphans", "--timeout", "5", production=production)


# The real user id of every process in the container.
PROCESS_UIDS = (
    "import glob; print(*[open(p).read().split('Uid:')[1].split()[0] for p in glob.glob('/proc/[0-9]*/status')])"
)


def docker_slug(combo: Combo) -> str:
    """Each combination its own slug, so the image names (slug:dev, slug:production) never clash."""
    return "docker_" + re.sub(r"[^a-z0-9]+", "_", changed_from_the_defaults(combo))


@pytest.mark.parametrize("combo", combo_params(container_combinations()))
def test_compose_stack_builds_runs_and_passes(bake, engine, record_property, combo):
    project = bake(project_slug=docker_slug(combo), **combo)
    for image, how in ensure_images(engine, project).items():
        record_property(f"image {image}", how)
    owned_by_host_user(project)
    stack = Stack(engine, project)
    try:
        check_development_stack(stack, record_property, combo)
        check_production_stack(stack, record_property, project.name.replace("_", "-"), combo)
    finally:
        stack.teardown()
        remove_project_images(stack.env, project)


@pytest.mark.skipif(os.getuid() != 0, reason="a bake by root, as on a root VM or WSL as root")
def test_a_bake_by_root_runs_its_tests_in_the_development_container(bake, engine):
    project = bake(project_slug="docker_by_root", **defaults())
    ensure_images(engine, project)
    # .env as the hook wrote it for root: the container runs as root too.
    assert "DOCKER_UID=0\n" in (project / ".env").read_text()
    stack = Stack(engine, project)
    try:
        stack.compose("build")
        stack.up()
        output = stack.exec("python", "-m", "pytest", "-p", "no:cacheprovider")
    finally:
        stack.teardown()
        remove_project_images(stack.env, project)

    assert re.search(r"\d+ passed", output), output


def obtain_auth_header(stack: Stack, auth: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """The API's credentials of the admin user, as the README asks for them (with these request headers)."""
    credentials = {"username": "admin", "password": ADMIN_PASSWORD}
    status, body = fetch(f"{stack.url}/api/auth/login/", headers=headers, json_body=credentials)
    assert status == 200, body
    if auth == "jwt":
        return {**(headers or {}), "Authorization": f"Bearer {json.loads(body)['access']}"}
    return {**(headers or {}), "Authorization": f"Token {json.loads(body)['key']}"}


def create_admin(stack: Stack, production: bool = False) -> None:
    """The admin user, unless the stack's database (its volume, which outlives `down`) has it already."""
    # With its address verified, as after following the email's link: production
    # requires it before a login (ACCOUNT_EMAIL_VERIFICATION).
    code = (
        "from allauth.account.models import EmailAddress; from users.models import User; "
        "User.objects.filter(username='admin').exists() or EmailAddress.objects.create("
        f"user=User.objects.create_superuser('admin', 'admin@example.com', {ADMIN_PASSWORD!r}), "
        "email='admin@example.com', primary=True, verified=True)"
    )
    stack.compose("exec", "-T", "web", "python", "manage.py", "shell", "-c", code, production=production)


def check_worker_imports_books(stack: Stack, headers: dict[str, str], prefix: str, first_isbn: int) -> None:
    """A books import queued through the API, added by the worker service."""
    books = [{"title": f"{prefix} {n}", "author": "Worker", "isbn": str(first_isbn + n)} for n in range(2)]
    status, body = fetch(f"{stack.url}/api/books/import/", headers=headers, json_body=books)
    assert status == 202, body
    wait_until(
        lambda: (
            json.loads(fetch(f"{stack.url}/api/books/?search={prefix.replace(' ', '+')}", headers=headers)[1])["count"]
            == len(books)
        ),
        timeout=60,
        failure=lambda: (
            f"the worker did not add the imported books:\n{stack.compose('logs', '--no-color', 'worker')[-3000:]}"
        ),
    )


def check_development_stack(stack: Stack, record_property, answers: dict[str, str]) -> None:
    stack.compose("build")
    record_property("seconds from up to healthy (development)", round(stack.up(), 1))

    status, body = fetch(f"{stack.url}/health/")
    assert (status, json.loads(body)["database"]) == (200, "ok")
    assert fetch(f"{stack.url}/api/docs/")[0] == 200
    assert stack.exec("python", "-c", "import os; print(os.getuid())").strip() == str(HOST_UID)
    assert "postgresql" in stack.exec(
        "python", "manage.py", "shell", "-c", "from django.db import connection; print(connection.vendor)"
    )

    # An authenticated API round trip: create a book, then find it in the list.
    create_admin(stack)
    headers = obtain_auth_header(stack, answers["api_auth"])
    book = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593"}
    status, body = fetch(f"{stack.url}/api/books/", headers=headers, json_body=book)
    assert status == 201, body
    assert json.loads(fetch(f"{stack.url}/api/books/")[1])["results"][0]["title"] == "Dune"
    if answers["background_tasks"] != "none":
        check_worker_imports_books(stack, headers, "Queued", 9781100000000)

    # The logs a person reads: their own requests, not the health checks every 2 s,
    # and not the database's (the tests below make it log errors on purpose).
    web_log = stack.compose("logs", "--no-color", "web")
    assert "/api/docs/" in web_log
    assert "/health/" not in web_log
    config = json.loads(stack.compose("config", "--format", "json"))
    assert config["services"]["db"]["attach"] is False

    # The project's own tests, inside the container, against the compose PostgreSQL.
    output = stack.exec("python", "-m", "pytest", "-p", "no:cacheprovider")
    assert re.search(r"\d+ passed", output), output

    # Files the container writes into the bind mount belong to the host user.
    stack.exec("python", "-c", "open('written-in-container.txt', 'w').write('hi')")
    assert (stack.project / "written-in-container.txt").stat().st_uid == HOST_UID

    # runserver reloads a changed source file from the bind mount.
    views = stack.project / "config" / "views.py"
    views.write_text(views.read_text().replace('"status": "ok"', '"status": "reloaded"'))
    wait_until(
        lambda: '"reloaded"' in answer(f"{stack.url}/health/")[1],
        timeout=60,
        failure=lambda: "the development server did not reload config/views.py",
    )
    views.write_text(views.read_text().replace('"status": "reloaded"', '"status": "ok"'))

    # The database lives in a named volume: it survives down and up.
    stack.compose("down", "--timeout", "5")
    stack.up()
    titles = [book["title"] for book in json.loads(fetch(f"{stack.url}/api/books/")[1])["results"]]
    assert "Dune" in titles
    stack.compose("down", "--timeout", "5")


def check_production_stack(stack: Stack, record_property, slug: str, answers: Combo) -> None:
    stack.compose("build", production=True)
    record_property("production image MB", round(stack.image_size_mb(f"{slug}:production"), 1))
    record_property("seconds from up to healthy (production)", round(stack.up(production=True), 1))

    assert fetch(f"{stack.url}/health/")[0] == 200
    stack.exec("python", "manage.py", "check", "--deploy", "--fail-level", "WARNING", production=True)

    # gunicorn (process 1) and every worker run as a non-root user.
    command = stack.exec("python", "-c", "print(open('/proc/1/cmdline').read())", production=True)
    assert "gunicorn" in command
    uids = stack.exec("python", "-c", PROCESS_UIDS, production=True).split()
    assert len(uids) >= 3, uids  # the master, its workers, and this command
    assert "0" not in uids

    # Behind an HTTPS proxy the API and the docs (static files by whitenoise) answer.
    https = {"X-Forwarded-Proto": "https"}
    assert fetch(f"{stack.url}/api/", headers=https)[0] == 200
    status, page = fetch(f"{stack.url}/api/docs/", headers=https)
    assert status == 200
    assets = asset_urls(page)
    assert assets
    assert unserved(stack.url, assets, https) == []

    # The production worker takes what the production site queues.
    if answers["background_tasks"] != "none":
        create_admin(stack, production=True)
        headers = obtain_auth_header(stack, answers["api_auth"], https)
        check_worker_imports_books(stack, headers, "Queued in production", 9781200000000)


@pytest.mark.parametrize("combo", combo_params(container_combinations()))
def test_ci_container_job_builds_starts_and_requests_the_site(bake, engine, tmp_path, combo):
    project = checkout(bake(project_slug=docker_slug(combo), **combo), tmp_path)
    ensure_images(engine, project)
    overrides = {"WEB_PORT": str(free_port()), "COMPOSE_PROJECT_NAME": f"tplci{secrets.token_hex(4)}"}
    env = {**ci_environment(), **engine.env}
    env["PATH"] = ci_environment()["PATH"]
    try:
        run_job(project_workflow(project), "container", project, env, overrides)
    finally:
        remove_project_images(env, project)
