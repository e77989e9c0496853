"""Checks that need no installed project, on every combination of the options.

Each check is its own test over one shared bake of the combination, so a
failure never hides the checks after it.
"""

import functools
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import (
    blank_line_debris,
    combo_params,
    devcontainer_schema,
    files_mentioning,
    leftover_template_tags,
    load_hook,
    run,
    tool,
)
from tests.options import fast_combinations, unchosen_traces
from tools import locks
from tools.docker_engine import compose_binary

DEVCONTAINER = Path(".devcontainer/devcontainer.json")

pytestmark = pytest.mark.parametrize("combo", combo_params(fast_combinations()))


@pytest.fixture
def project(baked, combo):
    return baked("fast", combo)


def test_no_template_leftovers(project):
    assert leftover_template_tags(project) == []


def test_no_blank_line_debris(project):
    assert blank_line_debris(project) == []


def test_no_trace_of_unchosen_answers(project, combo):
    traces = {
        answer: files
        for pattern, answer in unchosen_traces(combo).items()
        if (files := files_mentioning(project, pattern))
    }
    assert traces == {}


def test_files_of_the_given_answers_only(project, combo):
    post_gen = load_hook("post_gen_project")
    removed = post_gen.unchosen_paths({**combo, "license": "MIT"})
    kept = [
        path
        for paths in post_gen.PATHS_BY_ANSWER.values()
        for path in paths
        if not any(path == gone or path.startswith(f"{gone}/") for gone in removed)
    ]

    assert [path for path in removed if (project / path).exists()] == []
    assert [path for path in kept if not (project / path).exists()] == []


# What the settings read from the environment: env("NAME"), env.str("NAME", ...).
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")


def test_readme_documents_every_setting_read_from_the_environment(project):
    read = set(ENV_READ.findall((project / "config" / "settings.py").read_text()))
    readme = (project / "README.md").read_text()

    assert sorted(name for name in read if f"`{name}`" not in readme) == []


def test_env_file_is_written(project):
    assert (project / ".env").is_file()


def test_ruff_check_passes_as_baked(project):
    run([tool("ruff"), "check", "--no-fix", "."], project)


def test_ruff_format_is_clean_as_baked(project):
    run([tool("ruff"), "format", "--check", "."], project)


def test_dockerfile_passes_hadolint(project):
    run([tool("hadolint"), "Dockerfile"], project)


def test_compose_development_configuration_is_valid(project):
    run([str(compose_binary()), "config", "--quiet"], project)


def test_compose_production_configuration_is_valid(project):
    run([str(compose_binary()), "-f", "compose.yaml", "config", "--quiet"], project)


def test_lock_matches_the_requirements(project):
    assert lock_errors(*lock_inputs(project)) == "", f"the bake's uv.lock is stale: run `{locks.COMMAND}`."


@pytest.mark.parametrize("name", list(locks.EXPORTS))
def test_requirements_file_is_exported_from_the_lock(project, name):
    exported = exported_text(*lock_inputs(project), name)

    assert exported == (project / name).read_text(), f"{name} is stale: run `{locks.COMMAND}`."


def lock_inputs(project: Path) -> tuple[str, str, str]:
    return tuple((project / name).read_text() for name in ("pyproject.toml", "uv.lock", ".python-version"))


def lock_project(scratch: str, pyproject: str, lock: str, python: str) -> Path:
    """A folder with only what uv reads to check and export a lock."""
    folder = Path(scratch)
    for name, text in (("pyproject.toml", pyproject), ("uv.lock", lock), (".python-version", python)):
        (folder / name).write_text(text)
    return folder


# Bakes that share requirements share these texts: each is checked once.
@functools.cache
def lock_errors(pyproject: str, lock: str, python: str) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        folder = lock_project(scratch, pyproject, lock, python)
        result = subprocess.run(
            [tool("uv"), "lock", "--check", "--offline"], cwd=folder, capture_output=True, text=True, check=False
        )
    return "" if result.returncode == 0 else result.stderr


@functools.cache
def exported_text(pyproject: str, lock: str, python: str, name: str) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        folder = lock_project(scratch, pyproject, lock, python)
        run([tool("uv"), *locks.export_command(name)], folder, {**os.environ, "UV_OFFLINE": "1"})
        return (folder / name).read_text()


def test_ci_workflow_passes_actionlint(project):
    run([tool("actionlint"), ".github/workflows/ci.yml"], project)


def test_ci_workflow_matches_its_schema(project):
    text = (project / ".github/workflows/ci.yml").read_text()

    assert schema_errors(("--builtin-schema", "vendor.github-workflows"), text, ".yml") == ""


def test_dependabot_configuration_matches_its_schema_where_chosen(project, combo):
    path = project / ".github/dependabot.yml"
    if combo["use_dependabot"] == "n":
        assert not path.exists()
        return

    assert schema_errors(("--builtin-schema", "vendor.dependabot"), path.read_text(), ".yml") == ""


def test_devcontainer_matches_the_spec_schema(project):
    """Plain JSON (a .json file is parsed as JSON: no comments) valid against the dev container spec."""
    schema = ("--schemafile", str(devcontainer_schema()))
    assert schema_errors(schema, (project / DEVCONTAINER).read_text(), ".json") == ""


def test_devcontainer_works_in_the_compose_development_service(project):
    """Its files, service, folder and port are those of the development set-up."""
    devcontainer = json.loads((project / DEVCONTAINER).read_text())
    files = [(project / DEVCONTAINER).parent.joinpath(name).resolve() for name in devcontainer["dockerComposeFile"]]
    assert files == [project.resolve() / "compose.yaml", project.resolve() / "compose.override.yaml"]

    # What `docker compose up` runs from the same two files.
    config = json.loads(run([str(compose_binary()), "config", "--format", "json"], project).stdout)
    service = config["services"][devcontainer["service"]]
    mounts = {volume["target"]: volume["source"] for volume in service["volumes"] if volume["type"] == "bind"}
    assert service["build"]["target"] == "dev"
    assert Path(mounts[devcontainer["workspaceFolder"]]).resolve() == project.resolve()
    assert devcontainer["forwardPorts"] == [port["target"] for port in service["ports"]]
    assert "features" not in devcontainer  # they come from a registry


@functools.cache
def schema_errors(schema: tuple[str, str], text: str, suffix: str) -> str:
    """check-jsonschema's verdict on a file's text; bakes often share a text, so each is checked once."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"file{suffix}"
        path.write_text(text)
        result = subprocess.run(
            [tool("check-jsonschema"), *schema, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_compose_files_pass_compose_lint(project):
    run([tool("compose-lint"), "--fail-on", "high", "compose.yaml", "compose.override.yaml"], project)
