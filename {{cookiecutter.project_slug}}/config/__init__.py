{%- if cookiecutter.background_tasks == "celery" -%}
"""The project's configuration. Loading it loads the Celery app too, so tasks use it."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
{% endif -%}
