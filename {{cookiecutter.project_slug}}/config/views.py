"""Site-wide views that belong to no single app: the health checks.

Alive (`/health/live/`) means the process answers requests: it needs nothing
else, so when it fails a restart is the cure. Ready (`/health/`) means it can
serve them, because the services it needs answer; when they do not, a restart
would not help, so failing only keeps traffic away until they are back.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
{%- if cookiecutter.background_tasks == "celery" %}
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
{%- endif %}

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process answers at all."""
    return JsonResponse({"status": "ok"})


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return False
    return True
{%- if cookiecutter.background_tasks == "celery" %}


def broker_answers() -> bool:
    """Whether the broker takes a connection; with none configured, tasks run at once and need none."""
    if celery_app.conf.task_always_eager:
        return True
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except OperationalError:
        logger.exception("Health check: the broker did not answer")
        return False
    return True
{%- endif %}


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database{% if cookiecutter.background_tasks == "celery" %} and the broker{% endif %} answer, 503 otherwise.

    Load balancers, container health checks and readiness probes poll this URL,
    so it does real work (one round trip{% if cookiecutter.background_tasks == "celery" %} to each{% else %} to the database{% endif %}) but no more.
    """
    checks = {
        "database": "ok" if database_answers() else "unavailable",
{%- if cookiecutter.background_tasks == "celery" %}
        "broker": "ok" if broker_answers() else "unavailable",
{%- endif %}
    }
    if all(answer == "ok" for answer in checks.values()):
        return JsonResponse({"status": "ok", **checks})
    return JsonResponse({"status": "error", **checks}, status=503)
