"""Traces, when OTEL_EXPORTER_OTLP_ENDPOINT names an OpenTelemetry collector.

Each request becomes a span, with a span for each of its SQL queries, sent over
OTLP/HTTP to that endpoint (the standard OTEL_* variables configure the rest:
OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS, ...). Unset, nothing is loaded
and nothing is sent.

Two steps, for gunicorn's sake: `instrument()` before Django builds its
request handler (config/wsgi.py), in the process that loads the site, and
`start_exporting()` in each worker once forked (gunicorn.conf.py), because the
exporter's background thread does not survive a fork.
https://opentelemetry.io/docs/zero-code/python/example/
https://opentelemetry-python-contrib.readthedocs.io/en/latest/instrumentation/django/django.html
"""

import os

# What the traces name the site by, unless OTEL_SERVICE_NAME says otherwise.
SERVICE_NAME = "{{ cookiecutter.project_slug | replace('_', '-') }}"


def enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def instrument() -> None:
    """Spans for Django's requests and psycopg's queries, once a tracer provider takes them."""
    if not enabled():
        return
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    DjangoInstrumentor().instrument()
    PsycopgInstrumentor().instrument()


def start_exporting() -> None:
    """Send this process's spans, in batches, to the collector."""
    if not enabled():
        return
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", SERVICE_NAME)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
