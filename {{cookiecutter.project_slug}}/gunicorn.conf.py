"""gunicorn's settings: it reads this file from the folder it starts in.

https://docs.gunicorn.org/en/stable/settings.html
"""

from typing import Any

from config import telemetry
from config.logs import formatter

# gunicorn's own lines (start, workers, errors) in the site's shape: JSON
# objects. Requests have their lines from the site (config/request_log.py), so
# gunicorn writes no access log of its own.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structured": formatter(debug=False)},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def post_fork(server: Any, worker: Any) -> None:
    """Each worker sends its own traces, when they are on (config/telemetry.py)."""
    telemetry.start_exporting()
