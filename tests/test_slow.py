"""Install the project and run it: on a pairwise set of combinations.

Every pair of option values occurs in at least one of these combinations
(tests/test_options.py proves it). For each, the project's own CI runs here
step by step (lint, types, the lock, the tests on PostgreSQL, Django's
checks), each step its own test; the virtual-environment route runs too
(SQLite, with the generated .env). pre-commit runs in test_pre_commit.py.
"""

import hashlib
import re
import secrets
from pathlib import Path

import pytest

from tests.github_actions import checkout, ci_environment, project_workflow, run_job, step_names, template_workflow
from tests.helpers import combo_params, postgres_server, production_env, project_env, run, sync_environment
from tests.options import Combo, combo_id, pairwise_combinations

pytestmark = pytest.mark.parametrize("combo", combo_params(pairwise_combinations()))

WORKFLOW = template_workflow()


@pytest.fixture
def project(baked, combo):
    return baked("slow", combo)


@pytest.fixture(scope="session")
def checkouts(tmp_path_factory) -> dict[str, Path]:
    return {}


@pytest.fixture
def ci_checkout(project, combo, checkouts, tmp_path_factory) -> Path:
    """One git checkout per combination, shared by the CI steps (as a job's steps share one)."""
    key = combo_id(combo)
    if key not in checkouts:
        checkouts[key] = checkout(project, tmp_path_factory.mktemp(f"ci-{key}"))
    return checkouts[key]


@pytest.mark.parametrize("step", step_names(WORKFLOW, "lint"))
def test_ci_lint_job_step_passes(ci_checkout, step):
    run_job(project_workflow(ci_checkout), "lint", ci_checkout, ci_environment(), only=step)


@pytest.mark.parametrize("step", step_names(WORKFLOW, "test"))
def test_ci_test_job_step_passes_on_postgresql(ci_checkout, combo: Combo, step):
    # PostgreSQL names are at most 63 characters: the combination's, shortened.
    database = f"ci_{hashlib.sha256(combo_id(combo).encode()).hexdigest()[:12]}_{secrets.token_hex(4)}"

    results = run_job(
        project_workflow(ci_checkout),
        "test",
        ci_checkout,
        ci_environment(),
        {"DATABASE_URL": f"{postgres_server()}/{database}"},
        only=step,
    )

    assert not re.search(r"\d+ skipped", results[-1].output), "every test runs on PostgreSQL too"


@pytest.fixture
def venv(project, combo, envs_dir):
    return sync_environment(project, combo["python_version"], envs_dir)


@pytest.fixture
def python(venv):
    return str(venv / "bin" / "python")


def test_django_system_checks_pass(project, venv, python):
    run([python, "manage.py", "check", "--fail-level", "WARNING"], project, project_env(venv))


def test_static_files_collect_with_production_values(project, venv, python):
    run([python, "manage.py", "collectstatic", "--noinput", "--dry-run"], project, production_env(venv))


def test_own_tests_pass_on_sqlite_with_the_generated_env_file(project, venv, python):
    result = run([python, "-m", "pytest", "-p", "no:cacheprovider"], project, project_env(venv))

    assert re.search(r"^=+ \d+ passed in ", result.stdout, re.MULTILINE), "every test ran and passed, none skipped"
    assert "Total coverage: 100.00%" in result.stdout, "every line of the project is tested"
