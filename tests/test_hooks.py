"""The hooks: each bad answer is refused cleanly; good answers bake cleanly."""

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from tests.helpers import TEMPLATE_DIR, load_hook, run, wait_until
from tools import locks

PRE_GEN = load_hook("pre_gen_project")
POST_GEN = load_hook("post_gen_project")
VALIDATORS = PRE_GEN.validators(TEMPLATE_DIR)

BAD_ANSWERS = [
    ("project_name", "", "project_name is blank"),
    ("project_name", "   ", "project_name is blank"),
    ("project_slug", "My Project", "project_slug 'My Project' is not a lowercase ASCII Python identifier"),
    ("project_slug", "1st_project", "project_slug '1st_project' is not a lowercase ASCII Python identifier"),
    ("project_slug", "café", "project_slug 'café' is not a lowercase ASCII Python identifier"),
    ("project_slug", "my-project", "try 'my_project'"),
    ("project_slug", "outer/inner", "is not a lowercase ASCII Python identifier"),
    ("project_slug", "class", "project_slug 'class' is a Python keyword"),
    ("project_slug", "match", "project_slug 'match' is a Python keyword: try 'match_project'"),
    ("project_slug", "django", "project_slug 'django' would shadow the 'django' module"),
    ("project_slug", "rest_framework", "would shadow the 'rest_framework' module"),
    ("project_slug", "config", "would shadow the 'config' module"),
    ("project_slug", "test", "would shadow the 'test' module"),
    ("project_slug", "os", "would shadow the 'os' module"),
    ("project_slug", "site", "would shadow the 'site' module"),
    ("project_slug", "library", "would shadow the 'library' module"),
    ("project_slug", "manage", "would shadow the 'manage' module"),
    # Modules of locked packages whose names differ from the package's (tools/locks.py lists them).
    ("project_slug", "celery", "would shadow the 'celery' module"),
    ("project_slug", "corsheaders", "would shadow the 'corsheaders' module"),
    ("project_slug", "redis", "would shadow the 'redis' module"),
    ("project_slug", "kombu", "would shadow the 'kombu' module"),
    ("project_slug", "mypy", "would shadow the 'mypy' module"),
    ("project_slug", "yaml", "would shadow the 'yaml' module"),
    ("email", "not-an-email", "email 'not-an-email' does not look like an email address"),
    ("email", "me@localhost", "email 'me@localhost' does not look like an email address"),
    ("timezone", "Mars/Olympus_Mons", "timezone 'Mars/Olympus_Mons' is not a known IANA time zone"),
    ("timezone", "../../etc/passwd", "is not a known IANA time zone"),
]
GOOD_ANSWERS = [
    ("project_name", "Library Project"),
    ("project_slug", "library_project"),
    ("project_slug", "_private2"),
    ("email", "ada@example.com"),
    ("timezone", "Europe/Paris"),
    ("timezone", "UTC"),
]


@pytest.mark.parametrize(("answer", "value", "message"), BAD_ANSWERS, ids=[f"{a}={v!r}" for a, v, _ in BAD_ANSWERS])
def test_validator_refuses_a_bad_answer_in_one_line(answer, value, message):
    error = VALIDATORS[answer](value)

    assert error is not None
    assert message in error
    assert "\n" not in error


@pytest.mark.parametrize(("answer", "value"), GOOD_ANSWERS, ids=[f"{a}={v!r}" for a, v in GOOD_ANSWERS])
def test_validator_accepts_a_good_answer(answer, value):
    assert VALIDATORS[answer](value) is None


def bake_quietly(output_dir: Path, **answers: str) -> Path:
    return Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=str(output_dir)))


# One bad answer per validator, through cookiecutter: the hook is wired to each.
WIRED = [
    (answer, value, message)
    for answer, value, message in BAD_ANSWERS
    if value in {"", "my-project", "me@localhost", "Mars/Olympus_Mons"}
]


@pytest.mark.parametrize(("answer", "value", "message"), WIRED, ids=[a for a, _, _ in WIRED])
def test_bad_answer_stops_generation_with_one_clear_line(tmp_path, capfd, answer, value, message):
    with pytest.raises(FailedHookException):
        bake_quietly(tmp_path, **{answer: value})

    errors = capfd.readouterr().err.strip().splitlines()
    assert len(errors) == 1, errors
    assert errors[0].startswith("ERROR: ")
    assert message in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_slug_with_a_path_leaves_no_directories(tmp_path, capfd):
    with pytest.raises(FailedHookException):
        bake_quietly(tmp_path, project_slug="outer/inner")

    assert "not a lowercase ASCII Python identifier" in capfd.readouterr().err
    # The parent cookiecutter created is removed just after it gives up.
    wait_until(lambda: list(tmp_path.iterdir()) == [], timeout=10, failure=lambda: str(list(tmp_path.iterdir())))


def test_command_line_prints_the_hook_message_and_writes_nothing(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(tmp_path),
            str(TEMPLATE_DIR),
            "project_slug=os",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert (
        "ERROR: project_slug 'os' would shadow the 'os' module the project or Python imports: try 'os_project'."
        in result.stderr
    )
    assert list(tmp_path.iterdir()) == []


# Every spelling of yes and no, and what each must bake (a project with DRF or without).
YES_NO_SPELLINGS = [("y", True), ("Yes", True), ("TRUE", True), ("1", True), ("n", False), ("No", False)]
YES_NO_SPELLINGS += [("false", False), ("0", False)]


def cookiecutter_cli(tmp_path: Path, *arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cookiecutter", "-o", str(tmp_path / "out"), *arguments]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=False, timeout=120)


def baked_with_drf(tmp_path: Path, result: subprocess.CompletedProcess[str]) -> bool:
    assert result.returncode == 0, result.stdout + result.stderr
    return (tmp_path / "out" / "library_project" / "api").is_dir()


def refused(tmp_path: Path, result: subprocess.CompletedProcess[str], value: str) -> None:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    expected = f"use_drf '{value}' is not a yes or a no: answer y or n (yes/no, true/false and 1/0 work too)."
    assert lines == [f"ERROR: {expected}"]
    assert list((tmp_path / "out").iterdir()) == []


def interactive_answers(use_drf: str) -> str:
    """What a person types: Enter for every question but use_drf."""
    questions = [name for name in json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text()) if name[0] != "_"]
    return "".join(f"{use_drf if name == 'use_drf' else ''}\n" for name in questions)


@pytest.mark.parametrize(("spelling", "yes"), YES_NO_SPELLINGS)
def test_yes_no_answer_on_the_command_line(tmp_path, spelling, yes):
    result = cookiecutter_cli(tmp_path, "--no-input", str(TEMPLATE_DIR), f"use_drf={spelling}")

    assert baked_with_drf(tmp_path, result) is yes


@pytest.mark.parametrize(("spelling", "yes"), YES_NO_SPELLINGS)
def test_yes_no_answer_typed_at_the_prompt(tmp_path, spelling, yes):
    result = cookiecutter_cli(tmp_path, str(TEMPLATE_DIR), stdin=interactive_answers(spelling))

    assert baked_with_drf(tmp_path, result) is yes


# A preset's YAML reads yes, no, true and false as booleans, and quoted text as text.
@pytest.mark.parametrize(("spelling", "yes"), [*YES_NO_SPELLINGS, ("yes", True), ("no", False), ('"Yes"', True)])
def test_yes_no_answer_in_a_preset_file(tmp_path, spelling, yes):
    preset = tmp_path / "class.yaml"
    preset.write_text(f"default_context:\n  use_drf: {spelling}\n")

    result = cookiecutter_cli(tmp_path, "--config-file", str(preset), "--no-input", str(TEMPLATE_DIR))

    assert baked_with_drf(tmp_path, result) is yes


@pytest.mark.parametrize("value", ["maybe", "yess", "2", "none"])
def test_other_yes_no_answers_are_refused_on_the_command_line(tmp_path, value):
    refused(tmp_path, cookiecutter_cli(tmp_path, "--no-input", str(TEMPLATE_DIR), f"use_drf={value}"), value)


def test_other_yes_no_answers_are_refused_at_the_prompt(tmp_path):
    refused(tmp_path, cookiecutter_cli(tmp_path, str(TEMPLATE_DIR), stdin=interactive_answers("maybe")), "maybe")


def test_other_yes_no_answers_are_refused_in_a_preset_file(tmp_path):
    preset = tmp_path / "class.yaml"
    preset.write_text("default_context:\n  use_drf: maybe\n")

    result = cookiecutter_cli(tmp_path, "--config-file", str(preset), "--no-input", str(TEMPLATE_DIR))

    refused(tmp_path, result, "maybe")


@pytest.mark.parametrize("question", PRE_GEN.yes_no_questions(TEMPLATE_DIR))
def test_each_yes_no_question_has_its_validator(question):
    assert VALIDATORS[question]("y") is None
    assert VALIDATORS[question]("n") is None
    assert VALIDATORS[question]("maybe").startswith(f"{question} 'maybe' is not a yes or a no")


def test_next_steps_name_the_folder_and_the_first_command_of_each_route(tmp_path):
    result = run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path), str(TEMPLATE_DIR)], tmp_path
    )

    lines = [line.strip() for line in result.stdout.strip().splitlines()]
    assert lines[0] == f"Your project is in {tmp_path / 'library_project'}"
    assert lines[1] == f"cd {tmp_path / 'library_project'}"
    assert lines[2].startswith("uv sync ")
    assert lines[3].startswith("docker compose up ")
    assert len(lines) == 4


def secret_key(project: Path) -> str:
    match = re.search(r"^DJANGO_SECRET_KEY=(.*)$", (project / ".env").read_text(), re.MULTILINE)
    assert match
    return match.group(1)


def test_each_bake_gets_its_own_safe_secret_key(tmp_path):
    first = secret_key(bake_quietly(tmp_path / "one"))
    second = secret_key(bake_quietly(tmp_path / "two"))

    assert first != second
    for key in (first, second):
        assert len(key) >= 50
        assert re.fullmatch(r"[A-Za-z0-9]+", key), "only letters and digits: nothing compose or a shell expands"


def env_lines(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


def test_env_file_is_the_example_with_this_copys_secrets(tmp_path):
    project = bake_quietly(tmp_path)
    example = env_lines(project / ".env.example")
    env = env_lines(project / ".env")

    assert example["DJANGO_SECRET_KEY"] == example["POSTGRES_PASSWORD"] == "change-me"
    generated = {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "DOCKER_UID", "DOCKER_GID"}
    assert {k: v for k, v in env.items() if k not in generated} == {
        k: v for k, v in example.items() if k not in generated
    }
    assert re.fullmatch(r"[A-Za-z0-9]{32}", env["POSTGRES_PASSWORD"])
    assert (env["DOCKER_UID"], env["DOCKER_GID"]) == (str(os.getuid()), str(os.getgid()))
    assert ".env\n" in (project / ".gitignore").read_text()
    assert ".env\n" in (project / ".dockerignore").read_text()


@pytest.mark.parametrize(
    ("name", "slug"), [("Library Project", "library_project"), ("Café Übersicht 2", "cafe_ubersicht_2")]
)
def test_slug_is_derived_from_the_name(tmp_path, name, slug):
    assert bake_quietly(tmp_path, project_name=name).name == slug


def test_defaults_bake_the_full_project(tmp_path):
    project = bake_quietly(tmp_path)

    assert project.name == "library_project"
    for path in ["manage.py", "api/books.py", "api/tests/test_auth_token.py", "library/models.py", "LICENSE"]:
        assert (project / path).is_file(), path
    assert not (project / "api/tests/test_auth_jwt.py").exists()
    assert not (project / "api/tests/test_auth_session.py").exists()


def tree(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): path.read_text()
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.name != ".env" and ".git" not in path.relative_to(project).parts
    }


def test_api_auth_is_ignored_without_drf(tmp_path):
    token = bake_quietly(tmp_path / "token", use_drf="n", api_auth="token")
    jwt = bake_quietly(tmp_path / "jwt", use_drf="n", api_auth="jwt")

    assert tree(token) == tree(jwt)
    assert not (token / "api").exists()


@pytest.mark.parametrize(
    ("license_id", "first_line"),
    [
        ("MIT", "MIT License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Apache-2.0", "Apache License"),
        ("GPL-3.0", "GNU GENERAL PUBLIC LICENSE"),
    ],
)
def test_license_file_and_metadata(tmp_path, license_id, first_line):
    project = bake_quietly(tmp_path, license=license_id, author_name="Ada Lovelace")

    text = (project / "LICENSE").read_text()
    assert text.strip().splitlines()[0].strip() == first_line
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    if license_id in ("MIT", "BSD-3-Clause"):
        assert f"{datetime.now(UTC).year}" in text
        assert "Ada Lovelace" in text
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["license"] == license_id


def test_no_license(tmp_path):
    project = bake_quietly(tmp_path, license="none")

    assert not (project / "LICENSE").exists()
    assert "license" not in tomllib.loads((project / "pyproject.toml").read_text())["project"]


def test_quotes_and_backslashes_in_answers_stay_valid_and_format_clean(tmp_path):
    name = 'Bob\'s "Best" Books \\ Co'
    description = 'Say "hi" to Bob\'s books'
    project = bake_quietly(
        tmp_path, project_name=name, project_slug="bobs_books", description=description, author_name='Ann "A" Bo'
    )

    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert metadata["description"] == description
    assert metadata["authors"][0]["name"] == 'Ann "A" Bo'
    settings = ast.parse((project / "config/settings.py").read_text())
    titles = [
        node.value for node in ast.walk(settings) if isinstance(node, ast.Constant) and node.value == f"{name} API"
    ]
    assert titles, "the API title is the project name, unchanged"
    run([sys.executable, "-m", "ruff", "format", "--check", "."], project)
    assert "Bob&#39;s &#34;Best&#34; Books \\ Co</title>" in (project / "templates/base.html").read_text()


def test_baking_needs_no_network(tmp_path):
    """Bake inside a network namespace with no interface but loopback."""
    unshare = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--net"]
    probe = subprocess.run([*unshare, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.strip()}")
    cookiecutter_cli = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path), str(TEMPLATE_DIR)]

    run([*unshare, *cookiecutter_cli], tmp_path)

    assert (tmp_path / "library_project" / ".env").is_file()


def test_container_and_shell_files_keep_lf_line_endings(tmp_path):
    """On Windows checkouts too (core.autocrlf), files run inside Linux stay LF."""
    project = bake_quietly(tmp_path)
    run(["git", "init", "--quiet"], project)
    paths = ["Dockerfile", ".dockerignore", "manage.py", "scripts/example.sh"]

    result = run(["git", "-c", "core.autocrlf=true", "check-attr", "eol", "--", *paths], project)

    assert result.stdout.splitlines() == [f"{path}: eol: lf" for path in paths]


def test_taken_module_names_were_listed_from_the_current_lock():
    header = locks.MODULES_FILE.read_text().splitlines()[0]

    assert header == locks.modules_header().rstrip("\n"), f"modules.txt is stale: run `{locks.COMMAND}`."
