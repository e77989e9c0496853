

# Background tasks: Django's Tasks framework, queued in the database
# https://docs.djangoproject.com/en/6.1/topics/tasks/
# https://github.com/RealOrangeOne/django-tasks-db

# A task's `enqueue()` adds a row to a table of this database, and a worker
# (`python manage.py db_worker`) takes the rows in turn and runs them: no
# broker to run, only the database the project already has. The tests run
# tasks at once instead (conftest.py).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# A task's log lines carry the id of the request that queued it. The request
# leaves its log context in this cache, under the task's id, and the worker,
# another process, reads it back: so a table of the database both share
# (users/migrations/0002_task_log_context.py creates it: `migrate` is the
# one step). A day is the longest a task waits in the queue and keeps its
# request's id; the entries of health-check pings are removed at once.
# https://django-structlog.readthedocs.io/en/latest/django_tasks.html
DJANGO_STRUCTLOG_DJANGO_TASKS_ENABLED = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "django_structlog": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "task_log_context",
        "TIMEOUT": 24 * 60 * 60,
        # Beyond this many entries Django drops a third of them, waiting or not.
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}