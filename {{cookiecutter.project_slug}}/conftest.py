"""Fixtures every test gets, wherever it lives."""

import pytest


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
