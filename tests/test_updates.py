"""The template README's class presets and update path, followed as written."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import TEMPLATE_DIR, commit_everything, git, run, tool

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


def cruft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("cruft"), *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_cruft_update_brings_template_changes_and_keeps_the_users(template_repository, tmp_path):
    # Generated as the README says, then committed by its owner.
    create = readme_block("Keep your project up to date", "bash").splitlines()[0]
    assert "cruft create --skip .env" in create
    run(
        [
            tool("cruft"),
            "create",
            "--no-input",
            "--skip",
            ".env",
            "--output-dir",
            str(tmp_path),
            str(template_repository),
        ],
        tmp_path,
    )
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

    assert cruft("check", cwd=project).returncode == 1, "cruft check sees the project is behind"
    update = cruft("update", "--skip-apply-ask", cwd=project)

    assert update.returncode == 0, update.stdout + update.stderr
    assert (project / ".editorconfig").read_text().endswith("[*.toml]\nindent_size = 4\n")
    assert (project / "CHANGES.md").read_text() == "# Changes\n"
    assert readme.read_text().endswith("Team notes: we meet on Tuesdays.\n")
    assert (project / ".env").read_text() == secrets_before
    assert sorted(str(path) for pattern in ("*.rej", "*.orig") for path in project.rglob(pattern)) == []
    assert cruft("check", cwd=project).returncode == 0
