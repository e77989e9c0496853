"""The baked README's routes, followed as a student would: a real server answers.

The venv route with uv (runserver, DEBUG on, SQLite), the same project served
by gunicorn with production settings, and the plain-pip install route.
"""

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from packaging.markers import Marker

from tests.helpers import (
    asset_urls,
    fetch,
    find_python,
    free_port,
    production_env,
    project_env,
    run,
    serving,
    sync_environment,
    unserved,
    wait_until,
)


@pytest.fixture
def default_project(bake, envs_dir):
    project = bake()
    venv = sync_environment(project, "3.13", envs_dir)
    return project, venv


def rendered_dom(browser: str, url: str, profile: Path) -> str:
    """The page as a browser shows it, after its scripts ran (no network but loopback)."""
    flags = ["--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    flags += ["--disable-sync", "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=15000"]
    # The sandbox needs user namespaces that root and some CI runners do not get;
    # the pages are our own, on loopback.
    flags.append("--no-sandbox")
    return run([browser, *flags, "--dump-dom", url], profile.parent, timeout=120).stdout


def test_venv_route_serves_site_api_and_docs(default_project, browser, tmp_path):
    project, venv = default_project
    env = project_env(venv, DJANGO_SUPERUSER_PASSWORD="a-long-test-password-42")
    python = str(venv / "bin" / "python")
    run([python, "manage.py", "migrate"], project, env)
    run([python, "manage.py", "load_sample_books"], project, env)
    run(
        [python, "manage.py", "createsuperuser", "--noinput", "--username", "alice", "--email", "a@example.com"],
        project,
        env,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    with serving([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], project, env, base):
        status, root = fetch(f"{base}/api/", headers={"Accept": "application/json"})
        assert status == 200
        assert json.loads(root)["books"] == f"{base}/api/books/"

        status, books = fetch(f"{base}/api/books/")
        assert status == 200
        assert json.loads(books)["count"] == 4

        status, page = fetch(f"{base}/books/")
        assert (status, "Django for APIs" in page) == (200, True)

        for docs in ("/api/docs/", "/api/redoc/"):
            status, page = fetch(f"{base}{docs}")
            assert status == 200
            assert asset_urls(page), f"{docs} loads no asset from this site"
            assert unserved(base, asset_urls(page)) == []

        # In a real browser, Swagger UI and ReDoc draw the API from the schema.
        swagger = rendered_dom(browser, f"{base}/api/docs/", tmp_path / "profile")
        assert swagger.count('class="opblock opblock-') >= 6, "Swagger UI did not render the operations"
        assert "/api/books/" in swagger
        redoc = rendered_dom(browser, f"{base}/api/redoc/", tmp_path / "profile")
        assert "/api/books/" in redoc, "ReDoc did not render the operations"

        # The README's curl round trip, with Python's HTTP client.
        credentials = {"username": "alice", "password": "a-long-test-password-42"}
        status, token = fetch(f"{base}/api/auth/login/", json_body=credentials)
        assert status == 200
        auth = {"Authorization": f"Token {json.loads(token)['key']}"}
        new_book = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593"}
        assert fetch(f"{base}/api/books/", headers=auth, json_body=new_book)[0] == 201
        assert fetch(f"{base}/api/books/", json_body=new_book)[0] == 401
        assert fetch(f"{base}/api/books/", new_book, auth)[0] == 415, "bodies are JSON only"
        assert json.loads(fetch(f"{base}/api/books/?search=dune")[1])["count"] == 1

        assert json.loads(fetch(f"{base}/health/")[1]) == {"status": "ok", "database": "ok"}


def test_gunicorn_serves_the_production_configuration(default_project):
    project, venv = default_project
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(
        venv, DJANGO_ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=f"sqlite:///{project / 'production.sqlite3'}"
    )
    python = str(venv / "bin" / "python")
    run([python, "manage.py", "migrate"], project, env)
    run([python, "manage.py", "collectstatic", "--noinput"], project, env)

    with serving([str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "config.wsgi"], project, env, base):
        # Plain http is sent to https, except the health check.
        request = urllib.request.Request(f"{base}/api/")  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=10)
        redirect.value.close()
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == f"https://127.0.0.1:{port}/api/"

        # Behind a proxy that terminated HTTPS, pages and hashed static files are served.
        https = {"X-Forwarded-Proto": "https"}
        status, page = fetch(f"{base}/api/docs/", headers=https)
        assert status == 200
        assets = asset_urls(page)
        assert assets
        assert all(re.search(r"\.[0-9a-f]{12}\.", asset) for asset in assets), "manifest names with content hashes"
        assert unserved(base, assets, https) == []
        status, _ = fetch(f"{base}/missing/", headers=https)
        assert status == 404


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_plain_pip_route_installs_the_locked_versions_and_passes_the_tests(bake, tmp_path):
    project = bake(use_drf="y", api_auth="jwt")
    readme = (project / "README.md").read_text()
    install = "python -m pip install --require-hashes -r requirements-dev.txt"
    assert install in readme
    venv = tmp_path / "pip-venv"
    run([find_python("3.13"), "-m", "venv", str(venv)], project)
    python = str(venv / "bin" / "python")

    run([python, *install.split()[1:], "--quiet"], project)

    installed = run([python, "-m", "pip", "freeze", "--all"], project).stdout
    assert locked_for_this_machine(project / "requirements-dev.txt") <= normalized(installed)
    result = run([python, "-m", "pytest", "-p", "no:cacheprovider"], project, project_env(venv))
    assert " passed" in result.stdout


def locked_for_this_machine(requirements: Path) -> set[str]:
    """name==version of each locked package whose environment marker holds here."""
    pins = re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^ ;\\]+)(?: ; ([^\\]+))?", requirements.read_text(), re.M)
    return {f"{name}=={version}" for name, version, marker in pins if not marker or Marker(marker).evaluate()}


def normalized(freeze: str) -> set[str]:
    """pip freeze lines with names as the lock spells them (lowercase, dashes)."""
    return {re.sub(r"[._]+", "-", line.split("==")[0]).lower() + "==" + line.split("==")[1] for line in freeze.split()}


@pytest.mark.parametrize("key", ["change-me", ""])
def test_production_server_refuses_a_weak_secret_key_in_one_line(default_project, key):
    """The production image's own command, with a placeholder or no key: no traceback, one line."""
    project, venv = default_project
    command = json.loads(re.findall(r"^CMD (\[.*\])$", (project / "Dockerfile").read_text(), re.MULTILINE)[-1])
    command[command.index("--bind") + 1] = f"127.0.0.1:{free_port()}"
    env = production_env(venv, DJANGO_SECRET_KEY=key)

    result = subprocess.run(
        [str(venv / "bin" / command[0]), *command[1:]],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    mentions = [line for line in output.splitlines() if "DJANGO_SECRET_KEY" in line]
    assert len(mentions) == 1, output
    assert mentions[0].startswith("DJANGO_SECRET_KEY is ")


# One test, one file and one app, as the README runs them, and a -k selection.
SELECTIONS = [
    ["users/tests/test_models.py::test_create_superuser_sets_staff_and_superuser_flags"],
    ["users/tests/test_models.py"],
    ["users"],
    ["-k", "superuser"],
]


@pytest.mark.parametrize("selection", SELECTIONS, ids=[" ".join(selection) for selection in SELECTIONS])
def test_some_of_the_tests_run_alone_and_pass(default_project, selection):
    project, venv = default_project

    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", *selection],
        cwd=project,
        env=project_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_a_run_of_every_test_still_fails_below_the_coverage_floor(bake, envs_dir):
    project = bake()
    venv = sync_environment(project, "3.13", envs_dir)
    # Code no test runs: far more than the floor's 5% of the project.
    untested = "".join(f"def untested_{n}(value: int) -> int:\n    return value + {n}\n\n\n" for n in range(400))
    (project / "users" / "untested.py").write_text(untested.rstrip("\n") + "\n")

    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=project,
        env=project_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "Required test coverage of 95.0% not reached" in result.stdout


def test_development_server_logs_each_line_once_and_no_health_checks(default_project, tmp_path):
    """runserver as the README starts it (DEBUG from .env, reloading on changes)."""
    project, venv = default_project
    env = project_env(venv)
    run([str(venv / "bin" / "python"), "manage.py", "migrate"], project, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "runserver.log"

    runserver = [str(venv / "bin" / "python"), "manage.py", "runserver", f"127.0.0.1:{port}"]
    with serving(runserver, project, env, base, log):
        for _ in range(3):
            fetch(f"{base}/health/")
        assert fetch(f"{base}/")[0] == 200
        assert fetch(f"{base}/no/such/page/")[0] == 404
        wait_until(lambda: "/no/such/page/" in log.read_text(), timeout=10)

    output = log.read_text()
    assert "/health/" not in output
    assert output.count("Not Found: /no/such/page/") == 1
    assert output.count('"GET / HTTP/1.1" 200') == 1
    assert output.count('"GET /no/such/page/ HTTP/1.1" 404') == 1
    assert output.count("Watching for file changes") == 1
