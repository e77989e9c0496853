"""The template repository itself: lint, CI workflow, and the README's promises."""

import json
import re
import sys

from tests.helpers import TEMPLATE_DIR, run


def test_template_code_is_lint_clean():
    run([sys.executable, "-m", "ruff", "check", "--no-fix", "."], TEMPLATE_DIR)
    run([sys.executable, "-m", "ruff", "format", "--check", "."], TEMPLATE_DIR)


def test_github_workflows_are_valid():
    workflows = sorted(str(path) for path in (TEMPLATE_DIR / ".github" / "workflows").glob("*.yml"))
    assert workflows
    check = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    run([*check, *workflows], TEMPLATE_DIR)


def test_ci_runs_the_test_command_the_readme_gives():
    readme = (TEMPLATE_DIR / "README.md").read_text()
    section = readme.split("## Run the tests", 1)[1]
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
