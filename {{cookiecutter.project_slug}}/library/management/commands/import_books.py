"""Queue an import of books from a JSON file: `python manage.py import_books books.json`."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from library.forms import BookForm
from library.tasks import import_books
from users.models import User


class Command(BaseCommand):
    help = (
        "Check the books of a JSON file (a list of objects with a book's fields) and queue their import: "
        "a background worker adds them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="a JSON list of books, e.g. [{'title': ..., 'isbn': ...}]")
        parser.add_argument("--owner", help="the username the books belong to (none by default)")

    def handle(self, *args: Any, file: Path, owner: str | None, **options: Any) -> None:
        try:
            books = json.loads(file.read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"{file} cannot be read as JSON: {error}") from None
        if not isinstance(books, list) or not all(isinstance(book, dict) for book in books):
            raise CommandError(f"{file} holds no list of books: give a JSON list of objects.")
        owner_id = None
        if owner is not None:
            owner_id = User.objects.filter(username=owner).values_list("pk", flat=True).first()
            if owner_id is None:
                raise CommandError(f"No user is called {owner!r}.")
        forms = [BookForm(data=book) for book in books]
        problems = [
            f"book {number}, {field}: {message}"
            for number, form in enumerate(forms, start=1)
            if not form.is_valid()
            for field, messages in form.errors.items()
            for message in messages
        ]
        if problems:
            raise CommandError("Nothing was queued:\n" + "\n".join(problems))
        # The checked fields, as JSON (dates as YYYY-MM-DD): what a task's arguments must be.
        cleaned = json.loads(json.dumps([form.cleaned_data for form in forms], cls=DjangoJSONEncoder))
        import_books.{% if cookiecutter.background_tasks == "celery" %}delay{% else %}enqueue{% endif %}(cleaned, owner_id)
        self.stdout.write(f"Queued {len(cleaned)} books: a background worker adds them.")
