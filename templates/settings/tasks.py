

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