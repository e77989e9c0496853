"""Finish the project: drop the files of unchosen options, prune the lock, write `.env`, say what next.

Runs inside the new project directory and needs no network. The answers are
read in main(), so tests can import this module and call its functions.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import string
import subprocess
import sys
import tomllib
from pathlib import Path

# Letters and digits only: compose interpolates `$`, shells expand `$`, `` ` ``,
# `!` and quotes, and django-environ treats `$` as a reference to another
# variable. 64 characters from 62 symbols is over 380 bits of randomness.
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_KEY_LENGTH = 64

# The files and folders each answer brings: (option, value) -> paths. A path
# stays when, for each option that lists it, one of the values listing it was
# chosen; the others are removed (with everything below them).
PATHS_BY_ANSWER: dict[tuple[str, str], list[str]] = {
    ("use_drf", "y"): ["api", "static/api", "templates/api", "templates/rest_framework"],
    ("api_auth", "token"): ["api/tests/test_auth_token.py"],
    ("api_auth", "session"): ["api/tests/test_auth_session.py"],
    ("api_auth", "jwt"): ["api/tests/test_auth_jwt.py"],
    ("example_app", "y"): [
        "library",
        "api/books.py",
        "api/tests/test_books.py",
        "api/imports.py",
        "api/tests/test_imports.py",
    ],
    ("background_tasks", "database"): [
        "config/tasks.py",
        "config/worker.py",
        "tests/test_worker.py",
        "library/tasks.py",
        "library/tests/test_tasks.py",
        "library/management/commands/import_books.py",
        "library/tests/test_import_command.py",
        "api/imports.py",
        "api/tests/test_imports.py",
        "deploy/kubernetes/base/worker.yaml",
        "users/tasks.py",
        "users/adapters.py",
        "users/tests/test_adapters.py",
        "users/migrations/0002_task_log_context.py",
    ],
    ("background_tasks", "celery"): [
        "config/celery.py",
        "tests/test_health_broker.py",
        "library/tasks.py",
        "library/tests/test_tasks.py",
        "library/management/commands/import_books.py",
        "library/tests/test_import_command.py",
        "api/imports.py",
        "api/tests/test_imports.py",
        "deploy/kubernetes/base/worker.yaml",
        "deploy/kubernetes/base/redis.yaml",
        "users/tasks.py",
        "users/adapters.py",
        "users/tests/test_adapters.py",
    ],
    ("use_kubernetes", "y"): ["deploy"],
    ("use_dependabot", "y"): [".github/dependabot.yml"],
}


def unchosen_paths(context: dict[str, str]) -> list[str]:
    """Paths (files or folders) that belong to answers not given."""
    bringing: dict[str, dict[str, set[str]]] = {}  # path -> option -> the values that bring it
    for (option, value), option_paths in PATHS_BY_ANSWER.items():
        for path in option_paths:
            bringing.setdefault(path, {}).setdefault(option, set()).add(value)
    paths = [
        path
        for path, options in bringing.items()
        if any(context[option] not in values for option, values in options.items())
    ]
    if context["license"] == "none":
        paths.append("LICENSE")
    return paths


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def new_secret(length: int) -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(length))


def host_ids() -> tuple[int, int]:
    """The ids the development container should run as.

    Yours on Linux and macOS, so the container can write the bind-mounted
    folder and what it writes stays yours (root's too: on a root VM or WSL as
    root, the folder is root's); 1000 where there are no such ids (Windows).
    The production image always runs as its own unprivileged user.
    """
    if not hasattr(os, "getuid"):
        return 1000, 1000
    return os.getuid(), os.getgid()


def env_values() -> dict[str, str]:
    uid, gid = host_ids()
    return {
        "DJANGO_SECRET_KEY": new_secret(SECRET_KEY_LENGTH),
        "POSTGRES_PASSWORD": new_secret(32),
        "DOCKER_UID": str(uid),
        "DOCKER_GID": str(gid),
    }


def write_env_file(project: Path) -> None:
    """Copy `.env.example` to `.env` with this copy's own secrets and ids."""
    values = env_values()
    lines = []
    for line in (project / ".env.example").read_text().splitlines():
        name = line.split("=", 1)[0]
        lines.append(f"{name}={values[name]}" if "=" in line and name in values else line)
    (project / ".env").write_text("\n".join(lines) + "\n")


def next_steps(project: Path) -> str:
    """Where the project is, and the first command of each way to run it."""
    return (
        f"\nYour project is in {project}\n"
        f"  cd {shlex.quote(str(project))}\n"
        "  uv sync              # virtual environment (SQLite); README.md goes on from here\n"
        "  docker compose up    # or containers (PostgreSQL)\n"
    )


# A package of uv.lock: its name and version (two versions of one name can be locked).
Locked = tuple[str, str]


def requirement_name(requirement: str) -> str:
    """The normalized name of the distribution a requirement names: `celery[redis]==5.7.0` gives celery."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def direct_requirements(pyproject: dict) -> tuple[set[str], set[str]]:
    """The names pyproject.toml requires: to run the project, and for its dev group."""
    runtime = {requirement_name(item) for item in pyproject["project"]["dependencies"]}
    dev = {requirement_name(item) for item in pyproject.get("dependency-groups", {}).get("dev", [])}
    return runtime, dev


def is_root(package: dict) -> bool:
    return "virtual" in package.get("source", {}) or "editable" in package.get("source", {})


def walk(lock: dict, names: set[str]) -> tuple[set[Locked], set[tuple[Locked, str]]]:
    """What uv installs for these direct requirements of the project: the packages, and the extras used."""
    by_name: dict[str, list[dict]] = {}
    for package in lock["package"]:
        by_name.setdefault(package["name"], []).append(package)
    root = next(package for package in lock["package"] if is_root(package))
    edges = [edge for edge in root.get("dependencies", []) if edge["name"] in names]
    edges += [edge for group in root.get("dev-dependencies", {}).values() for edge in group if edge["name"] in names]
    found: set[Locked] = set()
    extras_followed: set[tuple[Locked, str]] = set()
    while edges:
        edge = edges.pop()
        for package in by_name[edge["name"]]:
            if edge.get("version", package["version"]) != package["version"]:
                continue
            key = (package["name"], package["version"])
            if key not in found:
                found.add(key)
                edges += package.get("dependencies", [])
            for extra in edge.get("extra", []):
                if (key, extra) not in extras_followed:
                    extras_followed.add((key, extra))
                    edges += package.get("optional-dependencies", {}).get(extra, [])
    return found, extras_followed


def reachable(lock: dict, names: set[str]) -> set[Locked]:
    """The packages uv installs for these direct requirements of the project: them, and all they need."""
    return walk(lock, names)[0]


def prune_lock(text: str, names: set[str]) -> str:
    """uv.lock with only the packages these direct requirements reach, as `uv lock` would write it for them.

    The lock is cut into its [[package]] sections; those no requirement reaches
    go, and the project's own section keeps the lines of its requirements only.
    """
    keep, extras = walk(tomllib.loads(text), names)
    head, *sections = re.split(r"(?m)^(?=\[\[package\]\]$)", text)
    kept = [head]
    for section in sections:
        package = tomllib.loads(section)["package"][0]
        key = (package["name"], package["version"])
        if is_root(package):
            lines = section.splitlines(keepends=True)
            section = "".join(line for line in lines if requirement_line_name(line) in names | {None})
            kept.append(section)
        elif key in keep:
            kept.append(without_unused_extras(section, {extra for locked, extra in extras if locked == key}))
    return "".join(kept)


def without_unused_extras(section: str, used: set[str]) -> str:
    """A package's lock section without the extras nothing requires (uv lists only the extras in use)."""
    header = "[package.optional-dependencies]\n"
    if header not in section:
        return section
    before, table = section.split(header, 1)
    table, separator, after = table.partition("\n\n")
    ending = separator or "\n"  # a blank line before the next table, or the file's end
    entries = re.split(r"(?m)^(?=[a-z0-9][a-z0-9._-]* = \[)", table)
    entries = [entry for entry in entries if entry.split(" = ", 1)[0] in used]
    if not entries:
        return before.rstrip("\n") + ending + after
    return before + header + "".join(entries).rstrip("\n") + ending + after


def requirement_line_name(line: str) -> str | None:
    """The package a line of the project's own lock section requires, or None for any other line."""
    match = re.match(r'^    \{ name = "([^"]+)"', line)
    return match.group(1) if match else None


def prune_export(text: str, keep: set[Locked]) -> str:
    """A requirements file exported by uv with only these packages (each entry: name==version, then hashes)."""
    head, *entries = re.split(r"(?m)^(?=[a-z0-9])", text)
    pinned = {f"{name}=={version}" for name, version in keep}
    return head + "".join(entry for entry in entries if re.match(r"[^ ;\\]+", entry).group(0) in pinned)


def prune_locked_files(project: Path) -> None:
    """Cut the shared lock (every option's packages) and its exports down to what this project requires."""
    lock_text = (project / "uv.lock").read_text()
    if not lock_text.strip():  # tools/locks.py is writing the first lock
        return
    runtime, dev = direct_requirements(tomllib.loads((project / "pyproject.toml").read_text()))
    lock = tomllib.loads(lock_text)
    (project / "uv.lock").write_text(prune_lock(lock_text, runtime | dev))
    exports = {"requirements.txt": reachable(lock, runtime), "requirements-dev.txt": reachable(lock, runtime | dev)}
    for name, keep in exports.items():
        (project / name).write_text(prune_export((project / name).read_text(), keep))


def make_repository(project: Path) -> None:
    """Make the project a git repository of its own, so pre-commit, cruft and CI work at once.

    Nothing is committed: the first commit is the owner's. Without git, or
    inside another repository (a project baked into a monorepo), nothing is done.
    """
    git = shutil.which("git")
    if git is None:
        return
    inside = subprocess.run([git, "rev-parse", "--is-inside-work-tree"], cwd=project, capture_output=True, check=False)
    if inside.returncode == 0:
        return
    subprocess.run([git, "init", "--quiet", "--initial-branch", "main"], cwd=project, capture_output=True, check=False)


def main() -> int:
    # The answers, yes/no ones spelled y or n (local_extensions.answers).
    context: dict[str, str] = json.loads(r"""{{ cookiecutter | answers | tojson }}""")
    project = Path.cwd()
    for path in unchosen_paths(context):
        remove(project / path)
    prune_locked_files(project)
    write_env_file(project)
    make_repository(project)
    print(next_steps(project))
    return 0


if __name__ == "__main__":
    sys.exit(main())
