import pytest

from library.models import Book
from library.tasks import import_books
from library.tests.factories import BookFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUNE = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "published_on": "1965-08-01"}
EMMA = {"title": "Emma", "author": "Jane Austen", "isbn": "9780141439587"}


def test_import_adds_each_book_for_its_owner():
    owner = UserFactory.create()

    added = import_books.delay([DUNE, EMMA], owner.pk).get()

    assert added == 2
    assert sorted(Book.objects.filter(owner=owner).values_list("title", flat=True)) == ["Dune", "Emma"]


def test_import_skips_books_the_catalogue_has():
    BookFactory.create(isbn=DUNE["isbn"], title="Dune (first edition)")

    assert import_books.delay([DUNE, EMMA]).get() == 1
    assert Book.objects.get(isbn=DUNE["isbn"]).title == "Dune (first edition)"


def test_import_run_twice_adds_nothing_twice():
    import_books.delay([DUNE, EMMA]).get()

    assert import_books.delay([DUNE, EMMA]).get() == 0
    assert Book.objects.count() == 2


def test_import_of_one_isbn_twice_adds_it_once():
    assert import_books.delay([DUNE, {**DUNE, "title": "Dune again"}]).get() == 1
    assert Book.objects.get().title == "Dune again"
