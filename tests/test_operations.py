"""What the owner of a deployed bake sees: its logs, its error reports, its probes.

A default bake is served as deployed (gunicorn with several workers, as the
image starts it, production settings, PostgreSQL), with SENTRY_DSN and
OTEL_EXPORTER_OTLP_ENDPOINT pointing at local HTTP servers that keep what the
real sentry-sdk and OpenTelemetry exporter send. Its output is read line by
line: every line is a JSON object, and a request's lines carry the id it was
sent with. Requests and their SQL reach the collector as spans. An unhandled
error (the database gone) reaches the error receiver tagged with that id, and
with no password, token or cookie in it. Prometheus' metrics answer on their
own port, added up over every worker, and not on the site's.
"""

import gzip
import json
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import fetch, free_port, json_log_lines, postgres, wait_until
from tests.served import Served, served_bake

PASSWORD = "a-long-test-password-42"
# What a client sends that no report may keep.
SECRETS = {"password": "hunter2-not-for-reports", "token": "token-not-for-reports", "cookie": "cookie-not-for-reports"}


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every body posted to it, as Sentry's or a collector would."""

    port: int
    bodies: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def receiving() -> Iterator[Receiver]:
    kept = Receiver(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            kept.bodies.append(body.decode("utf-8", errors="replace"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", kept.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield kept
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """Where the error reports go: SENTRY_DSN names it."""
    with receiving() as kept:
        yield kept


@pytest.fixture(scope="module")
def collector() -> Iterator[Receiver]:
    """Where the traces go: OTEL_EXPORTER_OTLP_ENDPOINT names it."""
    with receiving() as kept:
        yield kept


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("operations") / "server.log"


@pytest.fixture(scope="module")
def temporary(tmp_path_factory) -> Path:
    """The server's temporary folder (TMPDIR), where its workers keep their metric files."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def site(synced_defaults, receiver, collector, log, temporary) -> Iterator[Served]:
    project, venv = synced_defaults("operations")
    sentry_dsn = receiver.url.replace("http://", "http://public@") + "/1"
    with served_bake(
        project,
        venv,
        log_path=log,
        SENTRY_DSN=sentry_dsn,
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        TMPDIR=str(temporary),
    ) as served:
        yield served


def test_every_line_of_the_servers_output_is_a_json_object(site, log):
    fetch(f"{site.url}/books/")
    fetch(f"{site.url}/no-such-page/")

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    not_json = [line for line in lines if not line.startswith("{") or not isinstance(json.loads(line), dict)]

    assert lines
    assert not_json == []


def test_a_requests_line_carries_the_id_it_was_sent_with(site, log):
    status, _ = fetch(f"{site.url}/books/?q=Django", headers={"X-Request-ID": "ops-books-1"})

    def finished() -> list[dict]:
        return [entry for entry in json_log_lines(log) if entry.get("request_id") == "ops-books-1"]

    wait_until(finished, timeout=10)
    [line] = finished()
    assert status == 200
    assert {key: line[key] for key in ("message", "method", "path", "status")} == {
        "message": "request_finished",
        "method": "GET",
        "path": "/books/",
        "status": 200,
    }


def test_requests_and_their_queries_are_traced_to_the_collector(site, collector):
    fetch(f"{site.url}/books/", headers={"X-Request-ID": "ops-traced-1"})

    # The workers send their spans in batches, every few seconds.
    wait_until(lambda: any("SELECT" in body for body in collector.bodies), timeout=30)
    spans = "\n".join(collector.bodies)
    assert site.project.name.replace("_", "-") in spans, "the service is named after the project"


SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")


def scrape(site: Served) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """What Prometheus reads: each sample's value, by its name and labels."""
    status, body = fetch(site.metrics_url)
    assert status == 200, body
    samples = {}
    for line in body.splitlines():
        if found := SAMPLE.match(line):
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', found["labels"] or ""))
            samples[found["name"], labels] = float(found["value"])
    return samples


def answers(samples: dict, view: str, status: str = "200", method: str = "GET") -> float:
    labels = frozenset({("view", view), ("status", status), ("method", method)})
    return samples.get(("django_http_responses_total_by_status_view_method_total", labels), 0.0)


def many_clients(url: str, requests: int, clients: int = 6) -> list[int]:
    with ThreadPoolExecutor(clients) as pool:
        return [status for status, _ in pool.map(lambda _: fetch(url), range(requests))]


def test_the_sites_own_port_has_no_metrics(site):
    status, _ = fetch(f"{site.url}/metrics")

    assert status == 404


def test_a_scrape_counts_the_requests_of_every_worker(site):
    before = answers(scrape(site), "health-live")

    statuses = many_clients(f"{site.url}/health/live/", 60)

    assert statuses == [200] * 60
    assert answers(scrape(site), "health-live") == before + 60


def test_several_workers_counted_requests(site, temporary):
    many_clients(f"{site.url}/health/live/", 30)

    counting = {path.stem for path in temporary.glob("metrics-*/counter_*.db")}
    assert len(counting) >= 2, f"only {counting} counted: one worker served every request"


def test_the_queries_of_the_requests_are_counted(site):
    fetch(f"{site.url}/books/")

    queries = frozenset({("alias", "default"), ("vendor", "postgresql")})
    assert scrape(site).get(("django_db_execute_total", queries), 0.0) > 0


def test_an_unhandled_error_is_reported_with_its_request_id_and_no_secret(site, receiver):
    # The database goes away: the next login fails with an error nobody handles.
    name = urlsplit(site.database).path.lstrip("/")
    postgres(site.venv, site.database, f"DROP DATABASE {name} WITH (FORCE)")
    headers = {
        "X-Request-ID": "ops-error-1",
        "Authorization": f"Token {SECRETS['token']}",
        "Cookie": f"sessionid={SECRETS['cookie']}",
    }
    credentials = {"username": "someone", "password": SECRETS["password"]}
    status, _ = fetch(f"{site.url}/api/auth/login/", headers=headers, json_body=credentials)

    wait_until(lambda: any("ops-error-1" in body for body in receiver.bodies), timeout=20)
    reports = "\n".join(body for body in receiver.bodies if "ops-error-1" in body)
    assert status == 500
    assert [name for name, secret in SECRETS.items() if secret in reports] == []
