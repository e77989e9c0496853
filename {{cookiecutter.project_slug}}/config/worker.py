"""Is a background worker running tasks? `python -m config.worker` answers: the worker's health check.

It queues `ping` (config/tasks.py) ahead of every other task and waits for a worker
(`manage.py db_worker`) to run it: exit 0 once one has, 1 (saying so) if
none has within TIMEOUT seconds. A worker busy with a long task answers once
that task is done, so the checks that run this allow it minutes before they
call it unhealthy (compose.yaml{% if cookiecutter.use_kubernetes is yes %}, deploy/kubernetes/base/worker.yaml{% endif %}).
"""

import os
import sys
import time

import django
from django.tasks import TaskResultStatus

# Seconds to wait for a worker, within the health check's own timeout.
TIMEOUT = 15.0


def worker_answers(timeout: float = TIMEOUT) -> bool:
    """Whether a worker ran a ping within `timeout` seconds; the ping leaves nothing behind."""
    # Imported once Django is set up: a task's definition and the queue's model read the settings.
    from django.core.cache import caches
    from django_tasks_db.models import DBTaskResult

    from config.tasks import ping

    result = ping.enqueue()
    deadline = time.monotonic() + timeout
    try:
        while not result.is_finished and time.monotonic() < deadline:
            time.sleep(0.2)
            result.refresh()
        return result.status == TaskResultStatus.SUCCESSFUL
    finally:
        DBTaskResult.objects.filter(id=result.id).delete()
        # The log context it was queued with (config/settings.py, CACHES).
        caches["django_structlog"].delete(result.id)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if worker_answers():
        return 0
    print(f"No worker ran a ping within {TIMEOUT:g} s.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
