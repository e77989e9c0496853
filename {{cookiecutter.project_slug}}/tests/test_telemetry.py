"""Traces are on only where OTEL_EXPORTER_OTLP_ENDPOINT says (config/telemetry.py)."""

import pytest
from django.urls import reverse
from opentelemetry import trace
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from config import telemetry

pytestmark = pytest.mark.django_db


def test_without_an_endpoint_nothing_is_traced_or_sent(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    providers: list[object] = []
    monkeypatch.setattr("opentelemetry.trace.set_tracer_provider", providers.append)

    telemetry.instrument()
    telemetry.start_exporting()

    assert (DjangoInstrumentor().is_instrumented_by_opentelemetry, providers) == (False, [])


@pytest.fixture
def exported(monkeypatch):
    """The spans a traced process would send, kept here instead of sent."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    spans = InMemorySpanExporter()
    monkeypatch.setattr("opentelemetry.exporter.otlp.proto.http.trace_exporter.OTLPSpanExporter", lambda: spans)
    telemetry.instrument()
    telemetry.start_exporting()
    yield spans
    DjangoInstrumentor().uninstrument()
    PsycopgInstrumentor().uninstrument()


def test_with_an_endpoint_each_request_is_a_span_of_this_service(client, exported):
    client.get(reverse("home"))
    trace.get_tracer_provider().force_flush()  # type: ignore[attr-defined]  # the SDK's provider

    [span] = [span for span in exported.get_finished_spans() if span.kind == trace.SpanKind.SERVER]
    assert span.attributes is not None
    assert (span.attributes["http.method"], span.attributes["http.status_code"]) == ("GET", 200)
    assert span.resource.attributes["service.name"] == telemetry.SERVICE_NAME
