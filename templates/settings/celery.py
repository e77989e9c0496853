

# Background tasks (Celery)
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html

# The broker that hands tasks to the workers: Redis, e.g. redis://127.0.0.1:6379/0.
# Without one, tasks run at once, inside the request that starts them: the
# project then needs no other service (the virtual-environment route).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Run eagerly, a failing task fails the request instead of passing silently.
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks report through the database (their effects), not through results.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once done, not when taken: if a worker dies midway,
# another runs it again (so tasks must be safe to run twice).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task at a time per worker process, so long tasks do not hold others back.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that starts before the broker keeps trying to reach it.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through the project's LOGGING (JSON in production), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task's log lines carry the id of the request that queued it.
# https://django-structlog.readthedocs.io/en/latest/celery.html
DJANGO_STRUCTLOG_CELERY_ENABLED = True