"""The project's own background task: the worker's health check queues it (config/worker.py)."""

from django.tasks import task


@task(priority=100)
def ping() -> str:
    """Nothing to do, ahead of every other task: that a worker ran it is the answer."""
    return "pong"
