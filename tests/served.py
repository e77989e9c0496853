"""A bake served as it is deployed: gunicorn with several workers, production settings, PostgreSQL.

Its email goes to a local SMTP server that keeps it (tests/helpers.py, MailSink),
so a test can follow the link a sign-up sends.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import (
    MailSink,
    fetch,
    free_port,
    mail_sink,
    manage,
    postgres_database,
    production_env,
    serving,
)

WORKERS = "3"


@dataclass
class Served:
    project: Path
    venv: Path
    env: dict[str, str]
    url: str
    mail: MailSink
    database: str
    metrics_url: str

    def manage_shell(self, code: str) -> str:
        return manage(self.venv, self.project, self.env, "shell", "--no-imports", "-c", code)

    def create_user(self, username: str, password: str, email: str | None = None, **fields: object) -> None:
        """A user whose email address is verified (allauth's EmailAddress), who can log in at once."""
        email = email or f"{username}@example.com"
        self.manage_shell(
            "from allauth.account.models import EmailAddress; from users.models import User; "
            f"user = User.objects.create_user({username!r}, {email!r}, {password!r}, **{fields!r}); "
            "EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)"
        )

    def book_count(self, search: str = "") -> int:
        status, body = fetch(f"{self.url}/api/books/?search={search}")
        assert status == 200, body
        return json.loads(body)["count"]


def gunicorn(venv: Path, port: int, workers: str = WORKERS) -> list[str]:
    """gunicorn as the image starts it (its gunicorn.conf.py too), on 127.0.0.1."""
    return [
        str(venv / "bin" / "gunicorn"), "--workers", workers, "--bind", f"127.0.0.1:{port}",
        "--preload", "--no-control-socket", "config.wsgi",
    ]  # fmt: skip


def deployed_env(venv: Path, **values: str) -> dict[str, str]:
    """Production settings for a bake served on 127.0.0.1 over plain HTTP."""
    return production_env(venv, DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_SECURE_SSL_REDIRECT="false", **values)


@contextmanager
def served_bake(
    project: Path, venv: Path, *, sample_books: bool = True, log_path: Path | None = None, **env_values: str
) -> Iterator[Served]:
    """The bake migrated (a new PostgreSQL database), its static files collected, under gunicorn.

    The server's output goes to `log_path` when one is given.
    """
    port, metrics_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    with postgres_database(venv) as database, mail_sink() as mail:
        # A browser posts forms from http://; Django, told by the proxy header, sees https://.
        trusted = {"DJANGO_CSRF_TRUSTED_ORIGINS": url}
        env = deployed_env(venv, DATABASE_URL=database, **mail.env(), **{**trusted, **env_values})
        commands = [["migrate", "--noinput"], ["collectstatic", "--noinput"]]
        for command in commands + ([["load_sample_books"]] if sample_books else []):
            manage(venv, project, env, *command)
        # This server's metrics port only: another server of `env` gets its own (serving).
        with serving(gunicorn(venv, port), project, {**env, "METRICS_PORT": str(metrics_port)}, url, log_path):
            yield Served(project, venv, env, url, mail, database, f"http://127.0.0.1:{metrics_port}/metrics")
