"""Checks that need no installed project, on every combination of the options.

Each check is its own test over one shared bake of the combination, so a
failure never hides the checks after it.
"""

import pytest

from tests.helpers import (
    blank_line_debris,
    combo_params,
    files_mentioning,
    leftover_template_tags,
    load_hook,
    run,
    tool,
)
from tests.options import every_combination, unchosen_traces
from tools.docker_engine import compose_binary

pytestmark = pytest.mark.parametrize("combo", combo_params(every_combination(), "fast"))


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


def test_compose_files_pass_compose_lint(project):
    run([tool("compose-lint"), "--fail-on", "high", "compose.yaml", "compose.override.yaml"], project)
