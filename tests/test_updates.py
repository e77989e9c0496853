"""The template README's class presets and update path, followed as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import TEMPLATE_DIR, commit_everything, git, run, tool
from tests.options import COOKIECUTTER_JSON

README = (TEMPLATE_DIR / "README.md").read_text()


def readme_block(section: str, language: str) -> str:
    """The first fenced block of this language in a section of the template README."""
    text = README.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(rf"```{language}\n(.+?)\n```", text, re.DOTALL)
    assert match, f"no {language} block in the README's {section!r} section"
    return match.group(1)


def test_class_preset_from_the_readme_fixes_the_answers(tmp_path):
    preset = tmp_path / "class.yaml"
    preset.write_text(readme_block("Presets for a class", "yaml"))
    answers = yaml.safe_load(preset.read_text())["default_context"]

    run(
        [tool("cookiecutter"), "--config-file", str(preset), "--no-input", "-o", str(tmp_path), str(TEMPLATE_DIR)],
        tmp_path,
    )

    project = tmp_path / "course_project"
    assert (project / ".python-version").read_text().strip() == answers["python_version"]
    assert f'TIME_ZONE = "{answers["timezone"]}"' in (project / "config" / "settings.py").read_text()
    assert (project / "api" / "tests" / "test_auth_session.py").is_file()
    assert not (project / "LICENSE").exists()
    assert answers["author_name"] in (project / "pyproject.toml").read_text()
    assert not (project / "deploy").exists()
    assert not (project / ".github" / "dependabot.yml").exists()
    assert "pip-audit, reporting only" in (project / ".github" / "workflows" / "ci.yml").read_text()


@pytest.fixture
def template_repository(tmp_path) -> Path:
    """The template as a git repository of its own: the files of this checkout, committed."""
    repository = tmp_path / "template"
    files = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], TEMPLATE_DIR).stdout
    for name in filter(None, files.split("\0")):
        source = TEMPLATE_DIR / name
        if source.is_file():
            target = repository / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    commit_everything(repository, "Template")
    return repository


def readme_commands(section: str) -> dict[str, str]:
    """The section's bash block as the shell runs it: the `cruft` function, then each command by its name."""
    lines = [line.split("  #")[0].strip() for line in readme_block(section, "bash").splitlines()]
    definition = next(line for line in lines if line.startswith("cruft()"))
    commands = [line for line in lines if line.startswith("cruft ")]
    return {line.split()[1]: f"{definition}\n{line}" for line in commands}


def shell(script: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """bash, as the user's, with uv's uvx on PATH; the README's URL is this checkout's template repository."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, check=False, timeout=600
    )


def test_cruft_commands_of_the_readme_bring_template_changes_and_keep_the_users(template_repository, tmp_path):
    commands = readme_commands("Keep your project up to date")
    assert "--skip .env" in commands["create"]

    # Generated as the README says (from this checkout, not GitHub), every question answered
    # with Enter, then committed by its owner.
    create = commands["create"].replace("https://github.com/OWNER/REPO", str(template_repository))
    created = shell(create, tmp_path, stdin="\n" * len(COOKIECUTTER_JSON))
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "library_project"
    commit_everything(project, "New project")
    secrets_before = (project / ".env").read_text()

    # The owner edits the README; the template changes a file and adds one.
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nTeam notes: we meet on Tuesdays.\n")
    git("commit", "--quiet", "--all", "--message", "Our notes", cwd=project)
    editorconfig = template_repository / "{{cookiecutter.project_slug}}" / ".editorconfig"
    editorconfig.write_text(editorconfig.read_text() + "\n[*.toml]\nindent_size = 4\n")
    (template_repository / "{{cookiecutter.project_slug}}" / "CHANGES.md").write_text("# Changes\n")
    commit_everything(template_repository, "Template change")

    assert shell(commands["check"], project).returncode == 1, "cruft check sees the project is behind"
    # cruft asks "Apply diff and update?"; the owner answers y.
    update = shell(commands["update"], project, stdin="y\n")

    assert update.returncode == 0, update.stdout + update.stderr
    assert (project / ".editorconfig").read_text().endswith("[*.toml]\nindent_size = 4\n")
    assert (project / "CHANGES.md").read_text() == "# Changes\n"
    assert readme.read_text().endswith("Team notes: we meet on Tuesdays.\n")
    assert (project / ".env").read_text() == secrets_before
    assert sorted(str(path) for pattern in ("*.rej", "*.orig") for path in project.rglob(pattern)) == []
    assert shell(commands["check"], project).returncode == 0
