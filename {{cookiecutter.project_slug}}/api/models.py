from django.db import models

# Longer keys (a client's address is whatever a proxy passed on) are cut to this length.
KEY_LENGTH = 200


class RequestCount(models.Model):
    """How many requests one client sent in one window of time, for the API's rate limits.

    Kept in the database, the store every web server process (and every
    container replica) shares, so a limit holds for the whole site. Rows of
    windows that have ended are deleted as new windows start.
    """

    # The throttle's scope and the client: "throttle_anon_203.0.113.9", "throttle_user_42".
    key = models.CharField(max_length=KEY_LENGTH)
    # When the window ends, in seconds since 1970 (UTC).
    window_end = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_end"], name="api_requestcount_key_window")]

    def __str__(self) -> str:
        return f"{self.key} until {self.window_end}: {self.count}"
