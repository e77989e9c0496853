"""Finish the project: drop the files of unchosen options and write `.env`.

Runs inside the new project directory and needs no network.
"""

import json
import secrets
import shutil
import string
import sys
from pathlib import Path

CONTEXT: dict[str, str] = json.loads(r"""{{ cookiecutter | tojson }}""")

# Letters and digits only: compose interpolates `$`, shells expand `$`, `` ` ``,
# `!` and quotes, and django-environ treats `$` as a reference to another
# variable. 64 characters from 62 symbols is over 380 bits of randomness.
SECRET_KEY_ALPHABET = string.ascii_letters + string.digits
SECRET_KEY_LENGTH = 64

AUTH_TEST_FILES = {
    "token": "api/tests/test_auth_token.py",
    "session": "api/tests/test_auth_session.py",
    "jwt": "api/tests/test_auth_jwt.py",
}


def unchosen_paths(context: dict[str, str]) -> list[str]:
    """Paths (files or folders) that belong to options the answers turned off."""
    paths: list[str] = []
    if context["use_drf"] != "y":
        paths.append("api")
    else:
        paths += [path for auth, path in AUTH_TEST_FILES.items() if auth != context["api_auth"]]
    if context["example_app"] != "y":
        paths += ["library", "api/books.py", "api/tests/test_books.py"]
    if context["license"] == "none":
        paths.append("LICENSE")
    return paths


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def new_secret_key() -> str:
    return "".join(secrets.choice(SECRET_KEY_ALPHABET) for _ in range(SECRET_KEY_LENGTH))


def write_env_file(project: Path) -> None:
    """Copy `.env.example` to `.env` with a fresh secret key for this copy."""
    lines = (project / ".env.example").read_text().splitlines()
    key_line = "DJANGO_SECRET_KEY="
    lines = [f"{key_line}{new_secret_key()}" if line.startswith(key_line) else line for line in lines]
    (project / ".env").write_text("\n".join(lines) + "\n")


def main() -> int:
    project = Path.cwd()
    for path in unchosen_paths(CONTEXT):
        remove(project / path)
    write_env_file(project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
