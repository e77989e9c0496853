"""The template repository itself: lint, CI workflow, and the README's promises."""

import json
import re
import sys
from pathlib import Path

import pytest

from tests.github_actions import StepFailed, ci_environment, load_workflow, run_job
from tests.helpers import TEMPLATE_DIR, run, tool, unauditable


def test_template_code_is_lint_clean():
    run([sys.executable, "-m", "ruff", "check", "--no-fix", "."], TEMPLATE_DIR)
    run([sys.executable, "-m", "ruff", "format", "--check", "."], TEMPLATE_DIR)


WORKFLOWS = sorted(str(path) for path in (TEMPLATE_DIR / ".github" / "workflows").glob("*.yml"))


def test_github_workflows_match_the_schema():
    assert WORKFLOWS
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *WORKFLOWS], TEMPLATE_DIR)


def test_github_workflows_pass_actionlint():
    run([tool("actionlint"), *WORKFLOWS], TEMPLATE_DIR)


def test_audit_job_finds_no_known_vulnerability_in_what_projects_get(tmp_path):
    env = {**ci_environment(), "RUNNER_TEMP": str(tmp_path)}
    try:
        run_job(load_workflow(Path(WORKFLOWS[0])), "audit", TEMPLATE_DIR, env)
    except StepFailed as failure:
        reason = unauditable(TEMPLATE_DIR / "templates" / "locks" / "requirements-dev.txt")
        if "known vulnerabilit" not in failure.result.output and reason:
            pytest.skip(f"no vulnerability database is reachable from this machine: {reason}")
        raise


def test_ci_runs_the_test_command_the_readme_gives():
    readme = (TEMPLATE_DIR / "README.md").read_text()
    section = readme.split("## The template's own tests", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, re.DOTALL).group(1).strip()

    ci_lines = [line.strip() for line in (TEMPLATE_DIR / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines


def test_readme_documents_every_question():
    readme = (TEMPLATE_DIR / "README.md").read_text()
    questions = [
        key for key in json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text()) if not key.startswith("_")
    ]
    for question in questions:
        assert f"`{question}`" in readme, question


def pins(text: str, package: str) -> set[str]:
    return set(re.findall(rf'"{package}==([^"]+)"', text))


def test_tools_the_tests_run_for_a_bake_are_the_versions_the_bake_pins():
    """The fast checks run ruff and uv from the template's environment, not the bake's."""
    template = (TEMPLATE_DIR / "pyproject.toml").read_text()
    baked = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
    uv_image = re.search(r"ghcr.io/astral-sh/uv:(\S+)", (baked / "Dockerfile").read_text()).group(1)
    uv_in_ci = set(re.findall(r'version: "([^"]+)"', (baked / ".github" / "workflows" / "ci.yml").read_text()))

    assert pins(template, "ruff") == pins((baked / "pyproject.toml").read_text(), "ruff")
    assert pins(template, "uv") == {uv_image} == uv_in_ci
