"""Prometheus metrics: each answer by status, view and method, its time, and each SQL query.

The names and labels are django-prometheus's, so the dashboards made for it
read these as they are; django-prometheus itself does not run on Django 6.1
yet, and prometheus_client is what it builds on.

The site's port never serves them. gunicorn serves them on a port of their
own (METRICS_PORT, 9100, in gunicorn.conf.py) that is not published: a
Prometheus beside the server scrapes it there, and the public cannot. Each
worker writes its counts to files that the server in gunicorn's main process
adds up (prometheus_client's multiprocess mode), so every scrape sees every
worker's requests.
https://prometheus.github.io/client_python/multiprocess/
"""

import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from wsgiref.simple_server import WSGIServer

from django.db import connections
from django.http import HttpRequest, HttpResponseBase
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

RESPONSES = Counter(
    "django_http_responses_total_by_status_view_method",
    "Answers, by status, view and method.",
    ["status", "view", "method"],
)
LATENCY = Histogram(
    "django_http_requests_latency_seconds_by_view_method",
    "Seconds from a request's arrival to its answer, by view and method.",
    ["view", "method"],
)
QUERIES = Counter("django_db_execute", "SQL statements run, by database.", ["alias", "vendor"])
QUERY_TIME = Histogram("django_db_query_duration_seconds", "Seconds per SQL statement.", ["alias", "vendor"])
QUERY_ERRORS = Counter("django_db_errors", "SQL statements that failed, by error.", ["alias", "vendor", "type"])

# Any other method is one label value, so a client inventing methods cannot
# make new time series without end.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}


def request_metrics(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Counts and times each request, and the queries it runs (first in MIDDLEWARE, so it times all)."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        with ExitStack() as queries:
            for connection in connections.all():
                queries.enter_context(connection.execute_wrapper(count_query))
            response = get_response(request)
        method = request.method if request.method in METHODS else "<invalid method>"
        view = view_name(request)
        LATENCY.labels(view, method).observe(time.perf_counter() - started)
        RESPONSES.labels(response.status_code, view, method).inc()
        return response

    return middleware


def view_name(request: HttpRequest) -> str:
    """The URL pattern's name (`home`, `admin:index`): a bounded set, unlike paths."""
    match = request.resolver_match
    return match.view_name if match is not None else "<unnamed view>"


def count_query(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """A database execute wrapper: https://docs.djangoproject.com/en/6.1/topics/db/instrumentation/"""
    connection = context["connection"]
    labels = (connection.alias, connection.vendor)
    QUERIES.labels(*labels).inc()
    try:
        with QUERY_TIME.labels(*labels).time():
            return execute(sql, params, many, context)
    except Exception as error:
        QUERY_ERRORS.labels(*labels, type(error).__name__).inc()
        raise


def serve(port: int) -> tuple[WSGIServer, threading.Thread]:
    """Serve the sum of every worker's metrics at :port/metrics, from a thread of this process."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client's own
    return start_http_server(port, registry=registry)
