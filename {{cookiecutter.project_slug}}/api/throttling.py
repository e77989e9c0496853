"""Rate limits that hold for the whole site, however many processes serve it.

DRF's throttles keep a list of timestamps per client in Django's cache and
update it with a read followed by a write. The default cache lives in each
process, so every gunicorn worker counted on its own; and even with a shared
cache, two processes can read the same list and both let a request through.

These throttles count requests in fixed windows (a minute for "100/minute",
starting on the minute) with one atomic statement per request: insert the
window's row, or add one to it, and read the new count back. The database
serializes concurrent increments of a row, so exactly the first N requests of
a window pass. (Right after a window starts a client may send N more: the
price of fixed windows, which need one row per client, not one per request.)
"""

from typing import TYPE_CHECKING

from django.db import connection
from rest_framework import throttling

from api.models import KEY_LENGTH, RequestCount

if TYPE_CHECKING:  # DRF imports this module while rest_framework.views loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


def count_request(key: str, window_end: int) -> int:
    """Add one to the requests `key` sent in the window ending at `window_end`; return the new count.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING, atomic on PostgreSQL
    and on SQLite (3.35 or later): a single round trip to the database. On
    PostgreSQL the table is UNLOGGED (see the migration), so the write waits
    for no disk flush: counts are not worth one, and a crash merely resets them.
    (`SET LOCAL synchronous_commit TO OFF` would skip the flush too, but only
    inside a transaction: BEGIN, SET, the statement and COMMIT, four round trips.)
    """
    table, key_column, end_column, count_column = map(
        connection.ops.quote_name, [RequestCount._meta.db_table, "key", "window_end", "count"]
    )
    # Only names from this module are formatted into the statement; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, {end_column}, {count_column}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_column}, {end_column}) DO UPDATE SET {count_column} = {table}.{count_column} + 1 "
        f"RETURNING {count_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key[:KEY_LENGTH], window_end])
        count: int = cursor.fetchone()[0]
    return count


class SiteWideRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle, counting in the database instead of the cache."""

    # Set from the rate ("100/minute": 100 requests, 60 seconds) when DRF creates the throttle.
    num_requests: int
    duration: int
    window_end: int

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        # No key: this throttle does not count this request (no rate set, or another throttle's client).
        key = self.get_cache_key(request, view) if self.rate is not None else None
        if key is None:
            return True
        self.now = self.timer()
        self.window_end = (int(self.now) // self.duration + 1) * self.duration
        count = count_request(key, self.window_end)
        if count == 1:
            # This client's first request in a new window: a moment to forget every window that ended.
            RequestCount.objects.filter(window_end__lte=self.now).delete()
        return count <= self.num_requests

    def wait(self) -> float:
        return self.window_end - self.now


class AnonRateThrottle(SiteWideRateThrottle, throttling.AnonRateThrottle):
    """Anonymous clients, by address: the "anon" rate (API_THROTTLE_ANON)."""


class UserRateThrottle(SiteWideRateThrottle, throttling.UserRateThrottle):
    """Signed-in users, by account: the "user" rate (API_THROTTLE_USER)."""

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        # Anonymous clients are AnonRateThrottle's: one count, so one statement, per request.
        return super().get_cache_key(request, view) if request.user.is_authenticated else None
