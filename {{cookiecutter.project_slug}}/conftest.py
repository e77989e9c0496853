"""Fixtures every test gets, wherever it lives."""

import pytest
{%- if cookiecutter.use_celery == "y" %}

from config import celery_app
{%- endif %}


@pytest.fixture(autouse=True)
def _test_friendly_settings(settings):
    # Pages can link static files without collectstatic's manifest, and plain
    # http:// test requests are not redirected to https:// whatever DEBUG is.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # The default hasher is slow on purpose; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
{%- if cookiecutter.use_celery == "y" %}


@pytest.fixture(autouse=True)
def _tasks_run_at_once():
    # In-process, as without a broker, whatever CELERY_BROKER_URL says: a
    # worker elsewhere would not see the test database.
    celery_app.conf.task_always_eager = True
{%- endif %}
