{%- if cookiecutter.background_tasks == "celery" -%}
"""The library's background tasks, run by a Celery worker.

Without a broker (CELERY_BROKER_URL unset) they run at once, in the process
that starts them. https://docs.celeryq.dev/en/stable/userguide/tasks.html
"""
{%- else -%}
"""The library's background tasks: Django's tasks, which a worker (`manage.py db_worker`) runs.

`import_books.enqueue(...)` queues one; its arguments and result are JSON.
https://docs.djangoproject.com/en/6.1/topics/tasks/
"""
{%- endif %}

from typing import Any

{% if cookiecutter.background_tasks == "celery" %}from celery import shared_task
{%- else %}from django.tasks import task
{%- endif %}

from library.models import Book


@{% if cookiecutter.background_tasks == "celery" %}shared_task{% else %}task{% endif %}
def import_books(books: list[dict[str, Any]], owner_id: int | None = None) -> int:
    """Add these books to the catalogue for this user; return how many were new.

    Each book is a dict of Book's fields, as JSON has them (dates as
    YYYY-MM-DD). Books whose ISBN the catalogue already has are left as they
    are, so running the task twice (a worker that stops midway has its task run
    again) adds nothing twice.
    """
    known = set(Book.objects.filter(isbn__in=[book["isbn"] for book in books]).values_list("isbn", flat=True))
    new = {book["isbn"]: Book(**book, owner_id=owner_id) for book in books if book["isbn"] not in known}
    # ignore_conflicts: an ISBN added meanwhile by someone else is skipped, not an error.
    Book.objects.bulk_create(new.values(), ignore_conflicts=True)
    return len(new)
