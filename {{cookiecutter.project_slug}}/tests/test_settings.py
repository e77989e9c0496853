"""The settings module under other environments than the one the tests run in.

Each test runs config/settings.py afresh with chosen variables and reads the
values it computes; the running project's settings are untouched.
"""

import os
import runpy
from pathlib import Path
from typing import Any

import environ
import pytest

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
}


def settings_with(monkeypatch: pytest.MonkeyPatch, **variables: str) -> dict[str, Any]:
    # A VAR_FILE wins over VAR (as in the containers): only the ones given here count.
    for name in [name for name in os.environ if name.endswith("_FILE") and name not in variables]:
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    # django-environ keeps what it read from *_FILE files for the whole process.
    monkeypatch.setattr(environ.FileAwareEnv.ENVIRON, "files_cache", {})
    return runpy.run_path(str(SETTINGS_FILE))


def test_debug_is_off_unless_turned_on(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.setattr("environ.Env.read_env", lambda *args, **kwargs: None)  # ignore .env

    assert settings_with(monkeypatch, DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])["DEBUG"] is False


def test_production_turns_on_https_protections(monkeypatch):
    values = settings_with(monkeypatch, **PRODUCTION)

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 60 * 60 * 24 * 365


def test_debug_relaxes_https_protections(monkeypatch):
    values = settings_with(monkeypatch, DJANGO_DEBUG="true")

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_production_sends_mail_over_smtp(monkeypatch):
    values = settings_with(monkeypatch, **PRODUCTION, DJANGO_EMAIL_HOST="smtp.example.com", DJANGO_EMAIL_PORT="587")

    mailer = values["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mailer["OPTIONS"]["host"], mailer["OPTIONS"]["port"]) == ("smtp.example.com", 587)


def test_debug_prints_mail_to_the_console(monkeypatch):
    values = settings_with(monkeypatch, DJANGO_DEBUG="true")

    assert values["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_database_comes_from_its_url_with_the_password_kept_apart(monkeypatch):
    values = settings_with(
        monkeypatch, DATABASE_URL="postgres://app@db.example.com:5432/app", DATABASE_PASSWORD="s3cret"
    )

    database = values["DATABASES"]["default"]
    assert (database["HOST"], database["NAME"], database["USER"]) == ("db.example.com", "app", "app")
    assert database["PASSWORD"] == "s3cret"
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_sqlite_lets_several_server_processes_share_the_file(monkeypatch, tmp_path):
    values = settings_with(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}?timeout=5")

    options = values["DATABASES"]["default"]["OPTIONS"]
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 5  # options in the URL win


def test_any_variable_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(PRODUCTION["DJANGO_SECRET_KEY"] + "-from-a-file")
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)

    values = settings_with(monkeypatch, DJANGO_DEBUG="false", DJANGO_SECRET_KEY_FILE=str(secret))

    assert values["SECRET_KEY"].endswith("-from-a-file")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("change-me", "is too weak for production"),
        ("x" * 60, "is too weak for production"),
        ("short-but-random-Q7f", "is too weak for production"),
        ("django-insecure-" + "k" * 30 + "0123456789abcdef", "is too weak for production"),
        ("", "is not set"),
    ],
)
def test_production_refuses_a_missing_or_weak_secret_key_in_one_line(monkeypatch, key, problem):
    with pytest.raises(SystemExit) as refused:
        settings_with(monkeypatch, DJANGO_DEBUG="false", DJANGO_SECRET_KEY=key)

    message = str(refused.value.code)
    assert message.startswith(f"DJANGO_SECRET_KEY {problem}")
    assert "\n" not in message


def test_development_accepts_the_placeholder_key(monkeypatch):
    assert settings_with(monkeypatch, DJANGO_DEBUG="true", DJANGO_SECRET_KEY="change-me")["SECRET_KEY"] == "change-me"


def test_errors_are_reported_only_where_sentry_dsn_says(monkeypatch):
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("sentry_sdk.init", lambda **options: calls.append(options))

    settings_with(monkeypatch, **PRODUCTION)
    settings_with(monkeypatch, **PRODUCTION, SENTRY_DSN="https://key@errors.example.com/1")

    assert calls == [
        {
            "dsn": "https://key@errors.example.com/1",
            "environment": "production",
            "send_default_pii": False,
            "include_local_variables": False,
        }
    ]
