"""pre-commit on a fresh `git init` of a bake: every hook passes and changes nothing.

The hooks run the project's own pinned tools through uv (ruff, mypy, the lock
and its exports, pre-commit-hooks' hygiene checks), so nothing is fetched from
elsewhere. The lint tools themselves run on every pairwise bake through the
CI's steps (test_slow.py); here the combinations with each service are enough.
"""

import shutil

import pytest

from tests.github_actions import ci_environment
from tests.helpers import combo_params, run, tool
from tests.options import container_combinations


@pytest.mark.parametrize("combo", combo_params(container_combinations()))
def test_pre_commit_passes_on_a_fresh_repository_and_changes_nothing(baked, combo, tmp_path):
    project = baked("pre-commit", combo)
    repository = shutil.copytree(project, tmp_path / project.name)
    run(["git", "init", "--quiet"], repository)
    run(["git", "add", "--all"], repository)

    run([tool("uv"), "run", "--frozen", "pre-commit", "run", "--all-files"], repository, ci_environment())

    status = run(["git", "status", "--porcelain"], repository).stdout.splitlines()
    assert [line for line in status if not line.startswith("A  ")] == [], "pre-commit changed or added files"
