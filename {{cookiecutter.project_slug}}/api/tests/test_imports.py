import pytest
from django.urls import reverse

from api.tests.conftest import NOT_AUTHENTICATED, error_attrs
from library.models import Book
from library.tests.factories import BookFactory

pytestmark = pytest.mark.django_db

DUNE = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "published_on": "1965-08-01"}
EMMA = {"title": "Emma", "author": "Jane Austen", "isbn": "9780141439587"}


def test_import_queues_the_books_and_they_appear_in_the_list(user_client, user):
    response = user_client.post(reverse("book-import"), [DUNE, EMMA], format="json")

    assert response.status_code == 202
    assert response.json() == {"queued": 2}
    listed = user_client.get(reverse("book-list"), {"search": "dune"}).json()["results"]
    assert [(book["title"], book["published_on"], book["owner"]) for book in listed] == [
        ("Dune", "1965-08-01", user.username)
    ]


def test_import_checks_every_book_first(user_client):
    BookFactory.create(isbn=EMMA["isbn"])

    response = user_client.post(reverse("book-import"), [DUNE, {**DUNE, "isbn": "123"}, EMMA], format="json")

    assert response.status_code == 400
    # The errors of each failing book, by its position in the list.
    assert error_attrs(response) == {"1.isbn", "2.isbn"}
    assert not Book.objects.filter(isbn=DUNE["isbn"]).exists()


@pytest.mark.parametrize("books", [[], [DUNE] * 1001, {"not": "a list"}])
def test_import_wants_a_list_of_1_to_1000_books(user_client, books):
    assert user_client.post(reverse("book-import"), books, format="json").status_code == 400


def test_import_needs_a_login(api_client):
    assert api_client.post(reverse("book-import"), [DUNE], format="json").status_code == NOT_AUTHENTICATED
