"""Fixtures every test gets, wherever it lives, and the coverage floor's reach."""

import pytest
{%- if cookiecutter.background_tasks == "database" %}
from django.conf import settings
{%- endif %}
from django.core.cache import cache

{% if cookiecutter.background_tasks == "celery" %}from config import celery_app
{% endif %}from users.tests.factories import UserFactory


def pytest_configure(config: pytest.Config) -> None:
    # The coverage floor (fail_under in pyproject.toml) is the whole suite's: a run
    # of some tests (paths, -k or -m on the command line, or an editor's test panel)
    # still reports coverage, but does not fail for the lines other tests cover.
    if config.args_source is pytest.Config.ArgsSource.ARGS or config.option.keyword or config.option.markexpr:
        config.pluginmanager.getplugin("_cov").options.cov_fail_under = 0  # pragma: no cover - partial runs
{%- if cookiecutter.background_tasks == "database" %}
    # Tasks run at once, inside the test that queues them: a worker elsewhere
    # would not see the test database. (Set before any task is defined: Django
    # keeps the backends it has made.) "database" is the real queue, for the
    # tests of the worker's health check.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
{%- endif %}


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture(autouse=True)
def _empty_cache():
    # allauth counts its limits (emails sent, sign-ups) in the cache: each test starts with none.
    cache.clear()


@pytest.fixture(autouse=True)
def _test_friendly_settings(settings):
    # Pages can link static files without collectstatic's manifest, and plain
    # http:// test requests are not redirected to https:// whatever DEBUG is.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # Email verification as deployed, whatever DEBUG (and so .env) says.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    # The default hasher is slow on purpose; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
{%- if cookiecutter.background_tasks == "celery" %}


@pytest.fixture(autouse=True)
def _tasks_run_at_once():
    # In-process, as without a broker, whatever CELERY_BROKER_URL says: a
    # worker elsewhere would not see the test database.
    celery_app.conf.task_always_eager = True
{%- endif %}
