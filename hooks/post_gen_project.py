"""Finish the project: drop the files of unchosen options, write `.env`, say what next.

Runs inside the new project directory and needs no network. The answers are
read in main(), so tests can import this module and call its functions.
"""

import json
import os
import secrets
import shlex
import shutil
import string
import sys
from pathlib import Path

# Letters and digits only: compose interpolates `$`, shells expand `$`, `` ` ``,
# `!` and quotes, and django-environ treats `$` as a reference to another
# variable. 64 characters from 62 symbols is over 380 bits of randomness.
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_KEY_LENGTH = 64

# The files and folders each answer brings: (option, value) -> paths. Those of
# the answers not given are removed (with everything below them).
PATHS_BY_ANSWER: dict[tuple[str, str], list[str]] = {
    ("use_drf", "y"): ["api", "templates/api", "templates/rest_framework"],
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
    ("use_celery", "y"): [
        "config/celery.py",
        "library/tasks.py",
        "library/tests/test_tasks.py",
        "api/imports.py",
        "api/tests/test_imports.py",
        "deploy/kubernetes/base/worker.yaml",
        "deploy/kubernetes/base/redis.yaml",
    ],
}


def unchosen_paths(context: dict[str, str]) -> list[str]:
    """Paths (files or folders) that belong to answers not given."""
    paths = [
        path
        for (option, value), option_paths in PATHS_BY_ANSWER.items()
        if context[option] != value
        for path in option_paths
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

    Yours on Linux and macOS, so bind-mounted files stay yours; 1000 where
    there are no such ids (Windows) or you are root (the container never is).
    """
    if not hasattr(os, "getuid") or os.getuid() == 0:
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


def main() -> int:
    context: dict[str, str] = json.loads(r"""{{ cookiecutter | tojson }}""")
    project = Path.cwd()
    for path in unchosen_paths(context):
        remove(project / path)
    write_env_file(project)
    print(next_steps(project))
    return 0


if __name__ == "__main__":
    sys.exit(main())
