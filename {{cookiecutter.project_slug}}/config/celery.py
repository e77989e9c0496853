"""The Celery app: workers run it with `celery --app config worker`.

Settings come from Django's, those named CELERY_* (see config/settings.py),
and every installed app's tasks.py is found and registered.
https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import os

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Binds each task's log lines to the request that queued it (DJANGO_STRUCTLOG_CELERY_ENABLED).
app.steps["worker"].add(DjangoStructLogInitStep)
