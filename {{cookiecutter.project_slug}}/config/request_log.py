"""Each request's id, and its line in the log.

django-structlog (its RequestMiddleware, before this module's in MIDDLEWARE)
gives every request an id and puts it, with the user's id once known, on
every line the request causes{% if cookiecutter.background_tasks != "none" %} and on the lines of the tasks it queues{% endif %}. This
module:

- takes the id a proxy or client sends in `X-Request-ID` only when it is a
  short, safe value, so that one request can be followed from the proxy's log
  into this one; anything else gets a new id;
- sends the id back in the answer's `X-Request-ID` header, and tags error
  reports with it (Sentry, when SENTRY_DSN is set);
- writes each request's closing line (`request_finished`) with its method,
  path, status and duration.

https://django-structlog.readthedocs.io/
"""

import re
import time
from collections.abc import Callable
from typing import Any

import sentry_sdk
import structlog
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django_structlog import signals

# A UUID, or a proxy's own id: letters, digits, dots, dashes and underscores,
# up to 64 of them. Never a line break or markup that would forge a log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id() -> str:
    return str(structlog.contextvars.get_contextvars()["request_id"])


def request_id_header(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """The request's id in the answer's `X-Request-ID` header, errors (500) included."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        response["X-Request-ID"] = request_id()
        return response

    return middleware


@receiver(signals.bind_extra_request_metadata)
def note_the_start(sender: type, request: HttpRequest, logger: Any, log_kwargs: dict[str, Any], **kwargs: Any) -> None:
    # django-structlog has made a new id: the proxy's replaces it when it is safe.
    if SAFE_REQUEST_ID.fullmatch(sent := request.headers.get("X-Request-ID", "")):
        structlog.contextvars.bind_contextvars(request_id=sent)
    request.META["request_log.started"] = time.monotonic()
    sentry_sdk.set_tag("request_id", request_id())


@receiver(signals.bind_extra_request_finished_metadata)
def describe_the_answer(
    sender: type,
    request: HttpRequest,
    logger: Any,
    response: HttpResponseBase,
    log_kwargs: dict[str, Any],
    **kwargs: Any,
) -> None:
    # In place of django-structlog's "request" ("GET /path?query") and "code":
    # the path without its query string, which can hold what a log should not.
    log_kwargs.pop("request", None)
    log_kwargs.pop("code", None)
    log_kwargs.update(
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.monotonic() - request.META["request_log.started"]) * 1000, 1),
    )
