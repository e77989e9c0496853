"""Time one page of the books lists in-process, with a catalogue of a given size.

Copied by benchmarks/pages.py into its own bake as `pages_probe.py` (never part
of a baked project) and run there with production settings:

    BENCHMARK_PAGES='{"books": 10000, "repetitions": 40, "warmup": 5}' \
        python manage.py shell --no-imports -c "from pages_probe import main; main()"

It adds books (never removes any) until the catalogue holds `books`, lets
PostgreSQL settle the table (VACUUM ANALYZE), then asks each path through
Django's test Client, the requests "through an HTTPS proxy" as in production,
and prints one JSON line: per path the median milliseconds (by the clock, and
in CPU time of this process and its PostgreSQL backend), the queries run and
the time spent in them, and the PostgreSQL plan (EXPLAIN ANALYZE) of every
query it runs on the books table.

Besides the project's own lists it serves, on a route of its own, the API's
list with DRF's CursorPagination ordered by ("title", "id"): the same view,
serializer and queryset as /api/books/, only paginated by cursor, so the two
kinds of pagination can be compared page for page.
"""

import datetime
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import override_settings
from django.urls import path
from rest_framework.pagination import Cursor, CursorPagination

from api.books import BookViewSet
from config.urls import urlpatterns as project_urlpatterns
from library.models import Book
from library.views import BookListView
from users.models import User

API_PAGE_SIZE: int = settings.REST_FRAMEWORK["PAGE_SIZE"]
WEBSITE_PAGE_SIZE: int = BookListView.paginate_by or API_PAGE_SIZE
OWNERS = 5
BATCH = 5_000
# Three books of the first 200 carry this word in their titles, so a search
# matches the same few books in every catalogue.
SEARCH_WORD = "heliotrope"
SEARCH_HITS = {17, 101, 163}
CURSOR_PATH = "/api/cursor-books/"
# Cursor pages checked against the offset pages by following `next`.
WALK_HOPS = 5


class TitleCursorPagination(CursorPagination):
    ordering = ("title", "id")
    page_size = API_PAGE_SIZE


class CursorBookViewSet(BookViewSet):
    pagination_class = TitleCursorPagination


# This module is the URLconf while the probe runs: the project's routes and the cursor list.
urlpatterns = [
    path(CURSOR_PATH.strip("/") + "/", CursorBookViewSet.as_view({"get": "list"}), name="cursor-book-list"),
    *project_urlpatterns,
]


def book(number: int, owners: list[User]) -> Book:
    """The catalogue's book `number`, like benchmarks/reference/seed.py's, for catalogues of any size."""
    # A different 7-digit key for every number below 1,000,003 (a prime), scattered:
    # title order is not the order the books were added in, as in a real catalogue.
    key = number * 7919 % 1_000_003
    word = f"{SEARCH_WORD} " if number in SEARCH_HITS else ""
    return Book(
        title=f"Book {key:07d}: a {word}title of ordinary length",
        author=f"Author {number % 37}",
        isbn=f"{9780000000000 + number}",
        # Within 123 years of 1900, also scattered; one book in ten has no date.
        published_on=datetime.date(1900, 1, 1) + datetime.timedelta(days=key % 45_000) if number % 10 else None,
        summary=f"Summary of book {number}. " * 8,
        owner=owners[number % OWNERS] if number % 4 == 0 else None,
    )


def grow(books: int) -> None:
    """Add books until the catalogue holds `books`, in batches; a quarter of them owned."""
    owners = [User.objects.get_or_create(username=f"reader{n}")[0] for n in range(OWNERS)]
    for start in range(Book.objects.count(), books, BATCH):
        with transaction.atomic():
            Book.objects.bulk_create(book(number, owners) for number in range(start, min(start + BATCH, books)))


def settle() -> None:
    """Fresh statistics for the planner, and the table vacuumed.

    A site that has run a while has both from autovacuum; doing it now keeps
    autovacuum from starting in the middle of the measurements, and lets a
    count read the index alone, as it would there.
    """
    with connection.cursor() as cursor:
        for model in (Book, User):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def cursor_link(page: int) -> str:
    """The cursor link to offset page `page`: what `next` on the page before it gives."""
    last_before = Book.objects.order_by("title", "id").values_list("title", flat=True)[(page - 1) * API_PAGE_SIZE - 1]
    pagination = TitleCursorPagination()
    pagination.base_url = CURSOR_PATH
    return pagination.encode_cursor(Cursor(offset=0, reverse=False, position=last_before))


def page_count(books: int, page_size: int) -> int:
    return -(-books // page_size)


def middle_page(books: int, page_size: int) -> int:
    return max(1, page_count(books, page_size) // 2)


def paths_for(books: int) -> dict[str, str]:
    api_middle = middle_page(books, API_PAGE_SIZE)
    return {
        "api_first": "/api/books/",
        "api_middle": f"/api/books/?page={api_middle}",
        "api_search": f"/api/books/?search={SEARCH_WORD}",
        "api_ordered": "/api/books/?ordering=-published_on",
        "website_first": "/books/",
        "website_middle": f"/books/?page={middle_page(books, WEBSITE_PAGE_SIZE)}",
        "cursor_first": CURSOR_PATH,
        # The same page as api_middle, reached by cursor.
        "cursor_middle": cursor_link(api_middle) if api_middle > 1 else CURSOR_PATH,
    }


def get(client: Client, url: str) -> HttpResponse:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}, not 200: {response.content[:500]!r}")
    return response


def ids(response: HttpResponse) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def check(client: Client, paths: dict[str, str], books: int) -> None:
    """Every path answers 200 with what it should, and the cursor pages are the offset pages."""
    found = {name: get(client, url) for name, url in paths.items()}
    problems = []
    if (count := found["api_first"].json()["count"]) != books:
        problems.append(f"the API counts {count} books, not {books}")
    if (count := found["api_search"].json()["count"]) != len(SEARCH_HITS):
        problems.append(f"the search finds {count} books, not {len(SEARCH_HITS)}")
    pages = page_count(books, WEBSITE_PAGE_SIZE)
    for name, page in [("website_first", 1), ("website_middle", middle_page(books, WEBSITE_PAGE_SIZE))]:
        if f"Page {page} of {pages}<" not in found[name].text:
            problems.append(f"{paths[name]} does not say it is page {page} of {pages}")
    if ids(found["cursor_first"]) != ids(found["api_first"]):
        problems.append("the first cursor page is not the first offset page")
    if ids(found["cursor_middle"]) != ids(found["api_middle"]):
        problems.append("the middle cursor page is not the middle offset page")
    # Following `next`, page after page, walks the offset pages in order.
    link = found["cursor_first"].json()["next"]
    for page in range(2, min(WALK_HOPS + 2, middle_page(books, API_PAGE_SIZE) + 1)):
        following = get(client, link)
        if ids(following) != ids(get(client, f"/api/books/?page={page}")):
            problems.append(f"cursor page {page}, by `next`, is not offset page {page}")
        link = following.json()["next"]
    if problems:
        raise SystemExit("; ".join(problems))


def backend_pid() -> int:
    # The test Client never closes the connection between requests: one backend serves them all.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_cpu_seconds(pid: int) -> float:
    """The CPU time the PostgreSQL backend `pid` has used, as the scheduler counts it (in nanoseconds).

    Its parallel workers (a sequential scan may start some) are other
    processes and not counted.
    """
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def timed(client: Client, paths: dict[str, str], repetitions: int, warmup: int) -> dict[str, dict[str, float]]:
    """Each path's median milliseconds, by the clock and in CPU time; the paths take turns.

    Taking turns, the paths share whatever drift the machine's other load
    brings. The CPU time (this process's and its PostgreSQL backend's) hardly
    moves when other programs share the machine, the clock's does.
    """
    backend = backend_pid()
    clock: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    for repetition in range(warmup + repetitions):
        for name, url in paths.items():
            own_before, backend_before = time.process_time(), backend_cpu_seconds(backend)
            started = time.perf_counter()
            get(client, url)
            elapsed = time.perf_counter() - started
            used = time.process_time() - own_before + backend_cpu_seconds(backend) - backend_before
            if repetition >= warmup:
                clock[name].append(elapsed)
                cpu[name].append(used)
    if backend_pid() != backend:
        raise SystemExit("the database connection was replaced while timing: its CPU time is not all counted")
    return {
        name: {
            "ms": round(statistics.median(clock[name]) * 1000, 3),
            "cpu_ms": round(statistics.median(cpu[name]) * 1000, 3),
        }
        for name in paths
    }


class Query(NamedTuple):
    sql: str
    params: Any
    seconds: float


@dataclass
class QueryLog:
    """The queries run through Django's connection (an execute wrapper), each with its time."""

    queries: list[Query] = field(default_factory=list)

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(Query(sql, params, time.perf_counter() - started))


def logged(client: Client, url: str) -> QueryLog:
    log = QueryLog()
    with connection.execute_wrapper(log):
        get(client, url)
    return log


def queried(client: Client, paths: dict[str, str], repetitions: int) -> dict[str, dict[str, float | int]]:
    """Each path's queries per request, and the median milliseconds they took together."""
    found = {}
    for name, url in paths.items():
        logs = [logged(client, url) for _ in range(repetitions)]
        found[name] = {
            "queries": len(logs[-1].queries),
            "db_ms": round(statistics.median(sum(query.seconds for query in log.queries) for log in logs) * 1000, 3),
        }
    return found


def plan(sql: str, params: Any) -> dict[str, Any]:
    """PostgreSQL's plan of one query, as run (ANALYZE), without costs and per-node times."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    nodes = [line.strip().removeprefix("->").strip() for line in lines if "(actual" in line]
    return {
        "query": "count" if "COUNT(*)" in sql else "page",
        "first_line": lines[0],
        # How the table is read: by which index or sequentially, and how many rows it took.
        "scans": [node for node in nodes if " Scan " in node],
        "execution_ms": float(re.search(r"Execution Time: ([\d.]+) ms", lines[-1]).group(1)),
        "plan": lines,
    }


def plans(client: Client, paths: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The plans of the queries each path runs on the books table."""
    table = connection.ops.quote_name(Book._meta.db_table)
    return {
        name: [
            plan(query.sql, query.params)
            for query in logged(client, url).queries
            if query.sql.startswith("SELECT") and f"FROM {table}" in query.sql
        ]
        for name, url in paths.items()
    }


def main() -> None:
    config = json.loads(os.environ["BENCHMARK_PAGES"])
    books: int = config["books"]
    grow(books)
    settle()
    with override_settings(ROOT_URLCONF=__name__):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        paths = paths_for(books)
        check(client, paths, books)
        timings = timed(client, paths, config["repetitions"], config["warmup"])
        queries = queried(client, paths, max(3, config["repetitions"] // 4))
        explained = plans(client, paths)
        found = {
            "books": books,
            "paths": {
                name: {"path": url, **timings[name], **queries[name], "plans": explained[name]}
                for name, url in paths.items()
            },
        }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        found["postgresql"] = cursor.fetchone()[0]
    print(json.dumps(found))
