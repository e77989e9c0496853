"""Install the project and run it: on a pairwise set of combinations.

Every pair of option values occurs in at least one of these combinations
(tests/test_options.py proves it). Each check is its own test over one shared,
installed bake of the combination.
"""

import re
import secrets

import pytest

from tests.conftest import POSTGRES_URL
from tests.helpers import combo_params, production_env, project_env, run, sync_environment
from tests.options import combo_id, pairwise_combinations

pytestmark = pytest.mark.parametrize("combo", combo_params(pairwise_combinations(), "slow"))


@pytest.fixture
def project(baked, combo):
    return baked("slow", combo)


@pytest.fixture
def venv(project, combo, envs_dir):
    return sync_environment(project, combo["python_version"], envs_dir)


@pytest.fixture
def python(venv):
    return str(venv / "bin" / "python")


def test_django_system_checks_pass(project, venv, python):
    run([python, "manage.py", "check", "--fail-level", "WARNING"], project, project_env(venv))


def test_migrations_are_complete(project, venv, python):
    run([python, "manage.py", "makemigrations", "--check", "--dry-run"], project, project_env(venv))


def test_deployment_checklist_passes_with_production_values(project, venv, python):
    production = production_env(venv, DATABASE_URL=f"{POSTGRES_URL}/production_checks")
    run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], project, production)


def test_static_files_collect_with_production_values(project, venv, python):
    run([python, "manage.py", "collectstatic", "--noinput", "--dry-run"], project, production_env(venv))


def test_own_tests_pass_on_sqlite(project, venv, python):
    result = run([python, "-m", "pytest", "-p", "no:cacheprovider"], project, project_env(venv))

    assert re.fullmatch(r"\d+ passed", outcome(result.stdout)), "every test ran and passed, none skipped"


def test_own_tests_pass_on_postgresql(project, venv, python, combo):
    database = f"bake_{re.sub(r'[^a-z0-9]', '_', combo_id(combo))}_{secrets.token_hex(4)}"
    env = project_env(venv, DATABASE_URL=f"{POSTGRES_URL}/{database}")

    result = run([python, "-m", "pytest", "-p", "no:cacheprovider", "--create-db"], project, env)

    assert re.fullmatch(r"\d+ passed", outcome(result.stdout)), "every test ran and passed, none skipped"


def outcome(pytest_output: str) -> str:
    """The counts from pytest's closing line, e.g. '49 passed' or '47 passed, 2 skipped'."""
    closing = pytest_output.strip().splitlines()[-1]
    return re.sub(r"^=+ | in [\d.]+s.*$", "", closing)
