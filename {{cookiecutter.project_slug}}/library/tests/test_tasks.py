from typing import Any

import pytest
{%- if cookiecutter.background_tasks == "database" %}
from django.tasks import TaskResultStatus
{%- endif %}

from library.models import Book
from library.tasks import import_books
from library.tests.factories import BookFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUNE = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "published_on": "1965-08-01"}
EMMA = {"title": "Emma", "author": "Jane Austen", "isbn": "9780141439587"}


def imported(books: list[dict[str, Any]], owner_id: int | None = None) -> int:
    """Queue the import (which runs at once in tests: conftest.py) and return its result."""
{%- if cookiecutter.background_tasks == "database" %}
    result = import_books.enqueue(books, owner_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    added: int = result.return_value
    return added
{%- else %}
    added: int = import_books.delay(books, owner_id).get()
    return added
{%- endif %}


def test_import_adds_each_book_for_its_owner():
    owner = UserFactory.create()

    added = imported([DUNE, EMMA], owner.pk)

    assert added == 2
    assert sorted(Book.objects.filter(owner=owner).values_list("title", flat=True)) == ["Dune", "Emma"]


def test_import_skips_books_the_catalogue_has():
    BookFactory.create(isbn=DUNE["isbn"], title="Dune (first edition)")

    assert imported([DUNE, EMMA]) == 1
    assert Book.objects.get(isbn=DUNE["isbn"]).title == "Dune (first edition)"


def test_import_run_twice_adds_nothing_twice():
    imported([DUNE, EMMA])

    assert imported([DUNE, EMMA]) == 0
    assert Book.objects.count() == 2


def test_import_of_one_isbn_twice_adds_it_once():
    assert imported([DUNE, {**DUNE, "title": "Dune again"}]) == 1
    assert Book.objects.get().title == "Dune again"
{%- if cookiecutter.background_tasks == "database" %}


def test_a_failing_import_records_its_error():
    result = import_books.enqueue([{"title": "A book with no ISBN"}])

    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is KeyError
    assert not Book.objects.exists()
{%- endif %}
