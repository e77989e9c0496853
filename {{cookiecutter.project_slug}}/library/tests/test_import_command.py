import json

import pytest
from django.core.management import CommandError, call_command

from library.models import Book
from library.tests.factories import BookFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUNE = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "published_on": "1965-08-01"}
EMMA = {"title": "Emma", "author": "Jane Austen", "isbn": "9780141439587"}


@pytest.fixture
def books_file(tmp_path):
    def write(content: object) -> str:
        path = tmp_path / "books.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    return write


def test_the_books_of_a_file_are_queued_and_added_for_their_owner(books_file, capsys):
    owner = UserFactory.create(username="ada")

    call_command("import_books", books_file([DUNE, EMMA]), "--owner", "ada")

    assert "Queued 2 books" in capsys.readouterr().out
    assert sorted(Book.objects.filter(owner=owner).values_list("title", flat=True)) == ["Dune", "Emma"]
    assert str(Book.objects.get(isbn=DUNE["isbn"]).published_on) == "1965-08-01"


def test_books_without_an_owner_belong_to_nobody(books_file):
    call_command("import_books", books_file([EMMA]))

    assert Book.objects.get().owner is None


def test_one_bad_book_queues_nothing_and_says_which(books_file):
    BookFactory.create(isbn=EMMA["isbn"])

    with pytest.raises(CommandError, match=r"book 2, isbn: Book with this ISBN already exists") as error:
        call_command("import_books", books_file([DUNE, EMMA, {**DUNE, "isbn": "123"}]))

    assert "book 3, isbn: Enter the 13 digits" in str(error.value)
    assert not Book.objects.filter(isbn=DUNE["isbn"]).exists()


@pytest.mark.parametrize(
    ("content", "message"), [("[{", "cannot be read as JSON"), ({"a": 1}, "holds no list of books")]
)
def test_a_file_that_is_no_list_of_books_is_refused(books_file, content, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_books", books_file(content))


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read as JSON"):
        call_command("import_books", str(tmp_path / "missing.json"))


def test_an_unknown_owner_is_refused(books_file):
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("import_books", books_file([DUNE]), "--owner", "nobody")
