"""Baking, interpreters, shared environments and commands for the template tests."""

import email.policy
import glob
import hashlib
import http.cookiejar
import importlib.resources
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from tests.options import TEMPLATE_DIR, Combo, combo_id
from tools import services
from tools.docker_engine import Engine, compose_binary, ensure_image, file_lock

# The documented rate-limit settings, raised out of the way of load and fuzzing:
# no request is refused, while the counting itself still happens.
NO_RATE_LIMITS = {
    "API_THROTTLE_ANON": "1000000000/minute",
    "API_THROTTLE_USER": "1000000000/minute",
    "AXES_FAILURE_LIMIT": "1000000000",
}

# The PostgreSQL server the baked projects' tests run against (each bake gets
# its own database name, so parallel bakes never share data), and the Redis
# the Celery tests use. Reach them through postgres_server() and redis_server().
POSTGRES_URL = os.environ.get("TEMPLATE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEMPLATE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def postgres_server() -> str:
    """POSTGRES_URL, its server answering: the machine's, or one started here (tools/services.py)."""
    services.ensure_postgres(POSTGRES_URL)
    return POSTGRES_URL


def redis_server() -> str:
    """REDIS_URL, its server answering: the machine's, or one started here (tools/services.py)."""
    services.ensure_redis(REDIS_URL)
    return REDIS_URL


def find_python(version: str) -> str:
    """A working interpreter for `version`, from PATH or pyenv."""
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"), reverse=True)
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    raise RuntimeError(
        f"No Python {version} found on PATH or under {pyenv_root}/versions: install it to run these tests."
    )


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command and fail the test with its output if it exits non-zero."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise AssertionError(
            f"`{' '.join(args)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
        )
    return result


def dependency_key(project: Path, python_version: str) -> str:
    """Projects with the same Python and locked packages can share one environment."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    locked = (project / "uv.lock").read_text().replace(pyproject["project"]["name"], "project")
    return hashlib.sha256(f"{python_version}\n{locked}".encode()).hexdigest()[:16]


def sync_environment(project: Path, python_version: str, envs_dir: Path) -> Path:
    """`uv sync` the project (the README's first command) into a shared venv."""
    venv = envs_dir / dependency_key(project, python_version)
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    with file_lock(envs_dir / f"{venv.name}.lock"):
        run([tool("uv"), "sync", "--locked", "--python", find_python(python_version)], cwd=project, env=env)
    return venv


def production_env(venv: Path, **extra: str) -> dict[str, str]:
    """project_env with production values: DEBUG off and a real secret key."""
    values = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.com",
    }
    return project_env(venv, **{**values, **extra})


def project_env(venv: Path, **extra: str) -> dict[str, str]:
    """Environment for commands run in a baked project with its venv active."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", **extra)
    return env


# `${{ ... }}` is a GitHub Actions expression, not a template leftover.
TEMPLATE_TAG = re.compile(r"(?<!\$)\{\{|\{%|\{#")


def project_texts(project: Path) -> list[tuple[Path, str]]:
    """Every file of a baked project (path relative to it) with its text, in path order."""
    return [
        (path.relative_to(project), path.read_text(errors="replace"))
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    ]


def leftover_template_tags(project: Path) -> list[str]:
    """Files still holding template syntax or naming the template tool.

    Django templates (*.html) legitimately use `{{` and `{%`, so only the
    tool's name is searched for in them.
    """
    return [
        str(path)
        for path, text in project_texts(project)
        if "cookiecutter" in text.lower() or (path.suffix != ".html" and TEMPLATE_TAG.search(text))
    ]


def blank_line_debris(project: Path) -> list[str]:
    """Non-Python files with two blank lines in a row, or blank lines at the end.

    Python files are left to `ruff format`, and LICENSE texts are verbatim;
    elsewhere such gaps are what template tags leave behind.
    """
    return [
        str(path)
        for path, text in project_texts(project)
        if path.suffix != ".py" and path.name != "LICENSE" and ("\n\n\n" in text or text.endswith("\n\n"))
    ]


def files_mentioning(project: Path, pattern: str) -> list[str]:
    """Files whose name or text matches `pattern` (case-insensitive).

    `.env` is skipped: it is `.env.example` (which is searched) plus random
    secrets, which could spell anything.
    """
    regex = re.compile(pattern, re.IGNORECASE)
    return [
        str(path)
        for path, text in project_texts(project)
        if path.name != ".env" and (regex.search(str(path)) or regex.search(text))
    ]


# npm packages the tests use (pinned by the caller), installed once per machine.
NPM_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "template-tests"


def npm_package(name: str, version: str) -> Path:
    """The folder of an npm package at a pinned version, installed into a cache folder on first use.

    npm_command finds the commands it installs.
    """
    folder = NPM_CACHE / f"{name.replace('/', '-').lstrip('@')}-{version}"
    installed = folder / "node_modules" / name
    with file_lock(NPM_CACHE / f"{folder.name}.lock"):
        if not (installed / "package.json").exists():
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError(f"npm is not installed: the tests need Node.js 20 or newer to install {name}.")
            folder.mkdir(parents=True, exist_ok=True)
            run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), f"{name}@{version}"], folder)
    return installed


def npm_command(name: str, version: str, command: str) -> Path:
    """A command an npm package installs (npm_package), by name."""
    installed = npm_package(name, version)
    return NPM_CACHE / installed.relative_to(NPM_CACHE).parts[0] / "node_modules" / ".bin" / command


def tool(name: str) -> str:
    """A command installed with the test dependencies, next to this Python."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise RuntimeError(f"{name} is not installed: run the tests with `uv run pytest` as the README says.")
    return str(path)


def devcontainer_schema() -> Path:
    """The dev container spec's JSON schema (devContainer.base.schema.json), for offline checks.

    The spec publishes it in its repository only; the PyPI package devcc, a
    pinned test dependency, ships a copy of it.
    """
    return Path(str(importlib.resources.files("devcc") / "data" / "schema" / "devContainer.base.schema.json"))


def images_named(project: Path, compose: Path) -> list[str]:
    """The registry images the baked Dockerfile and compose files name (not those they build)."""
    dockerfile = (project / "Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", dockerfile, re.MULTILINE))
    stages = set(re.findall(r" AS (\w+)$", dockerfile, re.MULTILINE))
    images = {
        re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], name)
        for name in re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    }
    config = json.loads(run([str(compose), "config", "--format", "json"], project).stdout)
    images |= {service["image"] for service in config["services"].values() if "build" not in service}
    return sorted(images - stages)


# The host user who owns a project folder the containers mount. Run as root,
# the tests hand the folder to an id that is neither root nor the default 1000,
# which proves the build argument is used; otherwise it is the user running them.
HOST_UID = 1234 if os.getuid() == 0 else os.getuid()
HOST_GID = 1234 if os.getuid() == 0 else os.getgid()


def set_env_values(project: Path, **values: str) -> None:
    """Change lines of the baked .env, as a user editing it would."""
    lines = []
    for line in (project / ".env").read_text().splitlines():
        name = line.split("=", 1)[0]
        lines.append(f"{name}={values[name]}" if name in values else line)
    (project / ".env").write_text("\n".join(lines) + "\n")


def chown_tree(path: Path, uid: int, gid: int) -> None:
    for item in [path, *path.rglob("*")]:
        os.chown(item, uid, gid, follow_symlinks=False)


def owned_by_host_user(project: Path) -> None:
    """A bake as its user has it: .env names the host user's ids, who owns the folder."""
    set_env_values(project, DOCKER_UID=str(HOST_UID), DOCKER_GID=str(HOST_GID))
    if os.getuid() == 0:
        chown_tree(project, HOST_UID, HOST_GID)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(
    url: str,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    *,
    json_body: object = None,
    method: str | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[int, str]:
    """GET a local test server, or POST `data` as a form or `json_body` as JSON; return status and text."""
    headers = dict(headers or {})
    body = None if data is None else urllib.parse.urlencode(data).encode()
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - local servers only
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


class Browsing:
    """A client that keeps its cookies between requests, as a browser does (fetch's arguments)."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def fetch(self, url: str, data: dict[str, str] | None = None, **options: Any) -> tuple[int, str]:
        return fetch(url, data, opener=self.opener, **options)

    def cookie(self, name: str) -> str:
        return next(cookie.value or "" for cookie in self.cookies if cookie.name == name)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def asset_urls(page: str) -> list[str]:
    """The static files a page loads from its own site."""
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', page)


def unserved(base_url: str, assets: list[str], headers: dict[str, str] | None = None) -> list[str]:
    """The assets (site paths) that do not answer 200 at `base_url`."""
    return [asset for asset in assets if fetch(f"{base_url}{asset}", headers=headers)[0] != 200]


def combo_params(combos: list[Combo]) -> list:
    """pytest parameters for combinations, each with its id (which also groups its tests on one worker)."""
    return [pytest.param(combo, id=combo_id(combo)) for combo in combos]


def load_hook(name: str) -> ModuleType:
    """A hook script as a module, unrendered: its functions can be called directly."""
    spec = importlib.util.spec_from_file_location(f"hooks_{name}", TEMPLATE_DIR / "hooks" / f"{name}.py")
    if spec is None or spec.loader is None:
        raise RuntimeError(f"hooks/{name}.py cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The audit the baked CI runs (its `audit` job) and the template's workflow runs.
AUDIT = "uvx --from pip-audit==2.10.1 pip-audit"


def unauditable(requirements: Path) -> str:
    """Why pip-audit could audit none of these packages, or "" if it could audit any.

    The same pip-audit, not strict, reports each package it could not look up.
    When that is every locked package, no vulnerability database answered.
    """
    uvx, *audit = AUDIT.split()
    command = [tool(uvx), *audit, "--disable-pip", "--format", "json", "--requirement", str(requirements)]
    result = subprocess.run(command, cwd=requirements.parent, capture_output=True, text=True, check=False)
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        return ""
    reasons = [dependency.get("skip_reason") for dependency in dependencies]
    if reasons and all(reasons):
        return f"none of the {len(reasons)} locked packages could be looked up ({reasons[0]})"
    return ""


@contextmanager
def serving(
    args: list[str], cwd: Path, env: dict[str, str], base_url: str, log_path: Path | None = None
) -> Iterator[None]:
    """Run a server until its health check answers; stop it afterwards.

    Its output goes to a file (a pipe nobody reads would fill and stall it),
    shown if it never becomes healthy; `log_path` keeps that file. gunicorn
    serves metrics on a second port (METRICS_PORT): each server gets a free
    one unless `env` names it, so that servers running at once never clash.
    """
    env = {"METRICS_PORT": str(free_port()), **env}
    with open(log_path, "w+") if log_path else tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if fetch(f"{base_url}/health/")[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    server.wait()
                    log.seek(0)
                    pytest.fail(f"server did not become healthy:\n{log.read()[-4000:]}")
                time.sleep(0.2)
            yield
        finally:
            server.terminate()
            server.wait(timeout=10)


def json_log_lines(log: Path) -> list[dict]:
    """The JSON objects of a server's or worker's output, one a line (other lines skipped)."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def postgres(venv: Path, url: str, statement: str) -> None:
    """Run one statement on the PostgreSQL server of `url`, with the bake's driver (the template's tests have none)."""
    script = "import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute(sys.argv[2])"
    run([str(venv / "bin" / "python"), "-c", script, f"{url.rsplit('/', 1)[0]}/postgres", statement], venv)


@contextmanager
def postgres_database(venv: Path) -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL), dropped afterwards."""
    name = f"served_{secrets.token_hex(4)}"
    url = f"{postgres_server()}/{name}"
    postgres(venv, url, f"CREATE DATABASE {name}")
    try:
        yield url
    finally:
        postgres(venv, url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class MailSink:
    """An SMTP server on 127.0.0.1 that keeps every message it is sent."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The baked project's settings that send its email here."""
        return {"DJANGO_EMAIL_HOST": "127.0.0.1", "DJANGO_EMAIL_PORT": str(self.port)}

    # aiosmtpd calls its handler's handle_DATA for every message.
    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or b"", policy=email.policy.default))
        return "250 Message accepted for delivery"

    def links_to(self, address: str, path_prefix: str) -> list[str]:
        """The links under `path_prefix` in the messages sent to `address`, oldest first."""
        found = []
        for message in self.messages:
            if address in message["To"]:
                body = message.get_body(("plain",))
                text = body.get_content() if body else ""
                found += re.findall(rf"https?://\S+?{re.escape(path_prefix)}\S*", text)
        return found


@contextmanager
def mail_sink() -> Iterator[MailSink]:
    """A MailSink, listening until the block ends."""
    sink = MailSink(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def manage(venv: Path, project: Path, env: dict[str, str], *arguments: str) -> str:
    """`python manage.py ARGUMENTS` in a bake, with its environment's Python; the output."""
    return run([str(venv / "bin" / "python"), "manage.py", *arguments], project, env).stdout


def user_with_token(
    venv: Path, project: Path, env: dict[str, str], username: str, password: str, staff: bool = False
) -> str:
    """A new user (staff, if asked) of a bake with token authentication; that user's API token."""
    user = f"User.objects.create_user({username!r}, password={password!r}, is_staff={staff!r})"
    code = (
        "from rest_framework.authtoken.models import Token; from users.models import User; "
        f"print(Token.objects.create(user={user}).key)"
    )
    return manage(venv, project, env, "shell", "--no-imports", "-c", code).split()[-1]


def git(*args: str, cwd: Path) -> str:
    """git, with an identity for its commits (a test machine may have none); the output."""
    return run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args], cwd).stdout


def commit_everything(folder: Path, message: str) -> None:
    """Make the folder a git repository if it is none, and commit all it holds that .gitignore allows."""
    if not (folder / ".git").exists():
        git("init", "--quiet", "--initial-branch", "main", cwd=folder)
    git("add", "--all", cwd=folder)
    git("commit", "--quiet", "--message", message, cwd=folder)


def answer(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """fetch(url), or (0, "") while nothing answers (a server starting or restarting)."""
    try:
        return fetch(url, headers=headers)
    except OSError:
        return 0, ""


def wait_until(condition: Callable[[], object], timeout: float, failure: Callable[[], str] | None = None) -> float:
    """Ask `condition` until it holds and return the seconds that took; fail the test after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not within {timeout} s" + (f":\n{failure()}" if failure else ""))
        time.sleep(0.2)
    return time.monotonic() - started


def ensure_images(engine: Engine, project: Path) -> dict[str, str]:
    """Every registry image the project names, made present on the engine: how each came ("stand-in", ...)."""
    return {image: ensure_image(engine, image) for image in images_named(project, compose_binary())}


def remove_project_images(env: dict[str, str], project: Path) -> None:
    """The images the project builds (NAME:dev, NAME:production), so the engine's disk does not fill up."""
    name = tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"]
    command = ["docker", "image", "rm", "--force", f"{name}:dev", f"{name}:production"]
    subprocess.run(command, env=env, capture_output=True, check=False)
