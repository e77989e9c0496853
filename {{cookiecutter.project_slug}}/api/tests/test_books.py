import pytest
from django.urls import reverse
from rest_framework.pagination import PageNumberPagination

from api.tests.conftest import NOT_AUTHENTICATED
from library.models import Book
from library.tests.factories import BookFactory

pytestmark = pytest.mark.django_db

NEW_BOOK = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "published_on": "1965-08-01"}


def detail_url(book: Book) -> str:
    return reverse("book-detail", kwargs={"pk": book.pk})


def test_anyone_can_list_books_sorted_by_title(api_client):
    BookFactory.create(title="Zebra Tales")
    BookFactory.create(title="Alpha Stories")

    response = api_client.get(reverse("book-list"))

    assert response.status_code == 200
    assert [book["title"] for book in response.json()["results"]] == ["Alpha Stories", "Zebra Tales"]


def test_list_is_paginated(api_client, monkeypatch):
    BookFactory.create_batch(3)
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)

    response = api_client.get(reverse("book-list"))

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("?page=2")


def test_anyone_can_read_a_book(api_client):
    book = BookFactory.create()

    response = api_client.get(detail_url(book))

    assert response.status_code == 200
    assert response.json()["isbn"] == book.isbn
    assert response.json()["url"] == f"http://testserver{detail_url(book)}"


def test_search_filter_and_ordering(api_client):
    BookFactory.create(title="Dune", author="Frank Herbert", published_on="1965-08-01")
    BookFactory.create(title="Emma", author="Jane Austen", published_on="1815-12-23")
    BookFactory.create(title="Persuasion", author="Jane Austen", published_on="1817-12-20")

    def titles(**params: str) -> list[str]:
        return [book["title"] for book in api_client.get(reverse("book-list"), params).json()["results"]]

    assert titles(search="herbert") == ["Dune"]
    assert titles(author="Jane Austen") == ["Emma", "Persuasion"]
    assert titles(author__icontains="austen", published_on__gte="1816-01-01") == ["Persuasion"]
    assert titles(ordering="-published_on") == ["Dune", "Persuasion", "Emma"]


def test_anonymous_clients_cannot_write(api_client):
    book = BookFactory.create()

    assert api_client.post(reverse("book-list"), NEW_BOOK).status_code == NOT_AUTHENTICATED
    assert api_client.put(detail_url(book), NEW_BOOK).status_code == NOT_AUTHENTICATED
    assert api_client.patch(detail_url(book), {"title": "Changed"}).status_code == NOT_AUTHENTICATED
    assert api_client.delete(detail_url(book)).status_code == NOT_AUTHENTICATED
    book.refresh_from_db()
    assert book.title != "Changed"


def test_signed_in_user_creates_a_book(user_client):
    response = user_client.post(reverse("book-list"), NEW_BOOK)

    assert response.status_code == 201
    assert Book.objects.get(isbn=NEW_BOOK["isbn"]).title == "Dune"
    assert response.json()["published_on"] == "1965-08-01"


def test_signed_in_user_replaces_a_book(user_client):
    book = BookFactory.create()

    response = user_client.put(detail_url(book), NEW_BOOK)

    assert response.status_code == 200
    book.refresh_from_db()
    assert (book.title, book.isbn) == ("Dune", NEW_BOOK["isbn"])


def test_signed_in_user_updates_a_book(user_client):
    book = BookFactory.create(title="Old title")

    response = user_client.patch(detail_url(book), {"title": "New title"})

    assert response.status_code == 200
    book.refresh_from_db()
    assert book.title == "New title"


def test_signed_in_user_deletes_a_book(user_client):
    book = BookFactory.create()

    response = user_client.delete(detail_url(book))

    assert response.status_code == 204
    assert not Book.objects.filter(pk=book.pk).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"isbn": "978-0441013593"}, "isbn"),
        ({"title": ""}, "title"),
        ({"published_on": "yesterday"}, "published_on"),
    ],
)
def test_invalid_books_are_rejected(user_client, change, field):
    response = user_client.post(reverse("book-list"), {**NEW_BOOK, **change})

    assert response.status_code == 400
    assert field in response.json()
    assert not Book.objects.exists()


def test_duplicate_isbn_is_rejected(user_client):
    BookFactory.create(isbn=NEW_BOOK["isbn"])

    response = user_client.post(reverse("book-list"), NEW_BOOK)

    assert response.status_code == 400
    assert "isbn" in response.json()


def test_missing_book_is_404(api_client):
    assert api_client.get(reverse("book-detail", kwargs={"pk": 999})).status_code == 404
