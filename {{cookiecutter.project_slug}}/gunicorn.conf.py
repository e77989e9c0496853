"""gunicorn's settings: it reads this file from the folder it starts in.

https://docs.gunicorn.org/en/stable/settings.html
"""

import os
import shutil
import tempfile
from typing import Any

from config import telemetry
from config.logs import formatter

# Each worker writes its metrics to files in this folder, and the server
# when_ready starts adds them up (config/metrics.py). Set before the site is
# loaded (--preload or not), so every metric it makes writes there; a new,
# empty folder at each start, as prometheus_client's multiprocess mode needs.
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="metrics-")

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


def when_ready(server: Any) -> None:
    """Prometheus' port, apart from the site's, which alone is published (config/metrics.py)."""
    from config import metrics

    metrics.serve(int(os.environ.get("METRICS_PORT", "9100")))


def post_fork(server: Any, worker: Any) -> None:
    """Each worker sends its own traces, when they are on (config/telemetry.py)."""
    telemetry.start_exporting()


def on_exit(server: Any) -> None:
    """The workers' metric files end with the server (a restarted one counts from 0)."""
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
