"""How log lines look: one JSON object each with DEBUG off, readable text in development.

The site's LOGGING (config/settings.py) and gunicorn's own lines
(gunicorn.conf.py) both use it, so every line of a running site has one shape:
time, level, logger, message, and what the line is about (request_id,
user_id, ...).
https://www.structlog.org/en/stable/logging-best-practices.html
"""

import sys
from typing import Any

import structlog

# The fields every line gets, whether structlog or Python's `logging` wrote it.
FIELDS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", key="time"),
]


def formatter(debug: bool) -> dict[str, Any]:
    """The logging formatter (as dictConfig takes it) that writes a line."""
    render: list[Any]
    if debug:
        render = [structlog.dev.ConsoleRenderer(event_key="message", colors=sys.stderr.isatty())]
    else:
        render = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": FIELDS,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.EventRenamer("message"),
            *render,
        ],
    }


def configure_structlog() -> None:
    """structlog's own loggers hand their lines to Python's `logging`, and so to that formatter."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *FIELDS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
