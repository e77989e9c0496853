"""The WSGI application gunicorn loads (`gunicorn config.wsgi`) answers requests."""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished
from django.db import connections

# The server's own connection, as in production: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_connections_after_each_request():
    # Servers keep database connections open between requests (CONN_MAX_AGE).
    # Here each request closes them when it finishes, or PostgreSQL could not
    # drop the test database afterwards.
    def close(**kwargs):
        connections.close_all()

    request_finished.connect(close)
    yield
    request_finished.disconnect(close)


def test_wsgi_application_serves_the_health_check():
    from config.wsgi import application

    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    environ = {"PATH_INFO": "/health/", "SERVER_NAME": "localhost"}
    setup_testing_defaults(environ)

    response = application(environ, start_response)
    body = b"".join(response)
    response.close()  # as a WSGI server does: Django then sends request_finished

    assert statuses == ["200 OK"]
    assert b'"status": "ok"' in body
