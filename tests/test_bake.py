"""Bake every combination of the code-changing options and run the result for real.

For each bake: no template leftovers and no file of an unchosen option, lint
clean, Django's checks, migrations complete, the deployment checklist under
production values, and the project's own tests on SQLite and on PostgreSQL.
"""

import re
import secrets

import pytest

from tests.conftest import POSTGRES_URL
from tests.docker_engine import compose_binary
from tests.helpers import (
    blank_line_debris,
    combinations,
    combo_id,
    files_mentioning,
    leftover_template_tags,
    production_env,
    project_env,
    run,
    sync_environment,
    tool,
)

COMBINATIONS = combinations()

# What must not appear anywhere in a project baked without an option.
ABSENT_WITHOUT = {
    "use_drf": r"rest_framework|djangorestframework|drf|spectacular|\bapi/",
    "example_app": r"library|\bbooks?\b",
}
AUTH_MARKERS = {
    "token": r"authtoken|auth/token",
    "jwt": r"simplejwt|\bjwt\b",
}


def unchosen_markers(combo: dict[str, str]) -> list[str]:
    markers = [pattern for option, pattern in ABSENT_WITHOUT.items() if combo[option] == "n"]
    if combo["use_drf"] == "y":
        markers += [pattern for auth, pattern in AUTH_MARKERS.items() if auth != combo["api_auth"]]
    return markers


@pytest.mark.parametrize("combo", COMBINATIONS, ids=[combo_id(c) for c in COMBINATIONS])
def test_baked_project_passes_every_check(bake, envs_dir, combo):
    project = bake(project_name="Bake Test", **combo)

    assert leftover_template_tags(project) == []
    assert blank_line_debris(project) == []
    for pattern in unchosen_markers(combo):
        assert files_mentioning(project, pattern) == [], f"unchosen option left a trace ({pattern})"
    assert (project / ".env").is_file()

    venv = sync_environment(project, combo["python_version"], envs_dir)
    env = project_env(venv)
    python = str(venv / "bin" / "python")

    # ruff must pass as baked: --no-fix, and format only checks.
    run([python, "-m", "ruff", "check", "--no-fix", "."], project, env)
    run([python, "-m", "ruff", "format", "--check", "."], project, env)
    run([python, "manage.py", "check", "--fail-level", "WARNING"], project, env)
    run([python, "manage.py", "makemigrations", "--check", "--dry-run"], project, env)

    production = production_env(venv, DATABASE_URL=f"{POSTGRES_URL}/production_checks")
    run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], project, production)
    run([python, "manage.py", "collectstatic", "--noinput", "--dry-run"], project, production)

    check_container_files(project)

    sqlite = run([python, "-m", "pytest", "-p", "no:cacheprovider"], project, env)

    database = f"bake_{combo_id(combo).replace('.', '').replace('-', '_')}_{secrets.token_hex(4)}"
    postgres_env = project_env(venv, DATABASE_URL=f"{POSTGRES_URL}/{database}")
    postgres = run([python, "-m", "pytest", "-p", "no:cacheprovider", "--create-db"], project, postgres_env)
    # Same tests, all passed, none skipped on one database only.
    assert outcome(sqlite.stdout) == outcome(postgres.stdout)
    assert re.fullmatch(r"\d+ passed", outcome(sqlite.stdout))


def outcome(pytest_output: str) -> str:
    """The counts from pytest's closing line, e.g. '49 passed' or '47 passed, 2 skipped'."""
    closing = pytest_output.strip().splitlines()[-1]
    return re.sub(r"^=+ | in [\d.]+s.*$", "", closing)


def check_container_files(project):
    """Dockerfile and compose files, checked without an engine."""
    run([tool("hadolint"), "Dockerfile"], project)
    compose = compose_binary()
    # The development set-up (compose.yaml + compose.override.yaml) and production alone.
    run([compose, "config", "--quiet"], project)
    run([compose, "-f", "compose.yaml", "config", "--quiet"], project)
    run([tool("compose-lint"), "--fail-on", "high", "compose.yaml", "compose.override.yaml"], project)
