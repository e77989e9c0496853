import pytest
from django.urls import reverse
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIClient
from rest_framework.validators import UniqueValidator

from api.books import BookSerializer
from api.tests.conftest import NOT_AUTHENTICATED, error_attrs
from library.models import Book
from library.tests.factories import BookFactory
from users.tests.factories import UserFactory

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


def test_signed_in_user_creates_a_book_they_own(user_client, user):
    response = user_client.post(reverse("book-list"), NEW_BOOK)

    assert response.status_code == 201
    book = Book.objects.get(isbn=NEW_BOOK["isbn"])
    assert (book.title, book.owner) == ("Dune", user)
    assert response.json()["published_on"] == "1965-08-01"
    assert response.json()["owner"] == user.username


def test_the_owner_cannot_be_chosen_by_the_client(user_client, user):
    other = UserFactory.create()

    response = user_client.post(reverse("book-list"), {**NEW_BOOK, "owner": other.username})

    assert response.status_code == 201
    assert Book.objects.get().owner == user


def test_owner_replaces_their_book(user_client, user):
    book = BookFactory.create(owner=user)

    response = user_client.put(detail_url(book), NEW_BOOK)

    assert response.status_code == 200
    book.refresh_from_db()
    assert (book.title, book.isbn, book.owner) == ("Dune", NEW_BOOK["isbn"], user)


def test_owner_updates_their_book(user_client, user):
    book = BookFactory.create(title="Old title", owner=user)

    response = user_client.patch(detail_url(book), {"title": "New title"})

    assert response.status_code == 200
    book.refresh_from_db()
    assert book.title == "New title"


def test_owner_deletes_their_book(user_client, user):
    book = BookFactory.create(owner=user)

    response = user_client.delete(detail_url(book))

    assert response.status_code == 204
    assert not Book.objects.filter(pk=book.pk).exists()


@pytest.mark.parametrize("owner", ["someone else", "nobody"])
def test_other_users_may_not_change_or_delete_a_book(user_client, owner):
    book = BookFactory.create(title="Kept", owner=UserFactory.create() if owner == "someone else" else None)

    assert user_client.put(detail_url(book), NEW_BOOK).status_code == 403
    assert user_client.patch(detail_url(book), {"title": "Changed"}).status_code == 403
    assert user_client.delete(detail_url(book)).status_code == 403
    book.refresh_from_db()
    assert book.title == "Kept"
    assert user_client.get(detail_url(book)).status_code == 200


@pytest.mark.parametrize("owner", ["someone else", "nobody"])
def test_staff_may_change_and_delete_any_book(owner):
    book = BookFactory.create(owner=UserFactory.create() if owner == "someone else" else None)
    staff = APIClient()
    staff.force_authenticate(UserFactory.create(is_staff=True))

    assert staff.patch(detail_url(book), {"title": "Changed by staff"}).status_code == 200
    assert staff.delete(detail_url(book)).status_code == 204


def test_books_outlive_the_account_that_added_them(user):
    book = BookFactory.create(owner=user)

    user.delete()

    book.refresh_from_db()
    assert book.owner is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"isbn": "978-0441013593"}, "isbn"),
        ({"isbn": "\u0669" * 13}, "isbn"),  # digits, but not 0-9
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "Dune\u0000"}, "title"),
        ({"title": 42}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 200 + " "}, "title"),
        ({"published_on": "yesterday"}, "published_on"),
        ({"published_on": "19650801"}, "published_on"),
    ],
)
def test_invalid_books_are_rejected(user_client, change, field):
    response = user_client.post(reverse("book-list"), {**NEW_BOOK, **change})

    assert response.status_code == 400
    assert error_attrs(response) == {field}
    assert not Book.objects.exists()


def test_duplicate_isbn_is_rejected(user_client):
    BookFactory.create(isbn=NEW_BOOK["isbn"])

    response = user_client.post(reverse("book-list"), NEW_BOOK)

    assert response.status_code == 400
    assert error_attrs(response) == {"isbn"}


def test_duplicate_isbn_that_slips_past_the_check_is_still_a_400(user_client, monkeypatch):
    # Two requests at once can both pass the uniqueness check; the database stops the second.
    BookFactory.create(isbn=NEW_BOOK["isbn"])
    monkeypatch.setattr(UniqueValidator, "__call__", lambda validator, value, field: None)

    response = user_client.post(reverse("book-list"), NEW_BOOK)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "unique", "detail": "book with this ISBN already exists.", "attr": "isbn"}
    ]
    assert Book.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"search": "Dune\x00"}, None),
        ({"author": "Frank\x00"}, "author"),
        ({"author__icontains": "\x00"}, "author__icontains"),
        ({"published_on": "10/25/2006"}, "published_on"),
        ({"published_on__gte": "2006-1-5"}, "published_on__gte"),
    ],
)
def test_bad_filter_values_are_a_400(api_client, query, parameter):
    response = api_client.get(reverse("book-list"), query)

    assert response.status_code == 400
    assert parameter is None or error_attrs(response) == {parameter}


def test_empty_filter_values_are_ignored(api_client):
    BookFactory.create()

    response = api_client.get(reverse("book-list"), {"search": "", "author": "", "published_on": ""})

    assert response.json()["count"] == 1


def test_missing_book_is_404(api_client):
    assert api_client.get(reverse("book-detail", kwargs={"pk": 999})).status_code == 404
    assert api_client.get("/api/books/not-a-number/").status_code == 404
    assert api_client.get("/api/books/0.5/").json()["errors"][0]["code"] == "not_found"


def books_with_owners(count: int) -> list[Book]:
    return [BookFactory.create(owner=UserFactory.create()) for _ in range(count)]


# However many books: the rate limit's count, then the books' count and one page
# of books joined to their owners. One more query per book would be an N+1.
@pytest.mark.parametrize("books", [1, 50])
def test_the_list_takes_three_queries(api_client, clock, django_assert_num_queries, books):
    books_with_owners(books)
    api_client.get(reverse("book-list"))  # the window's first request also clears ended windows

    with django_assert_num_queries(3):
        response = api_client.get(reverse("book-list"))

    assert len(response.json()["results"]) == min(books, 20)
    assert all(book["owner"] for book in response.json()["results"])


@pytest.mark.parametrize("books", [1, 50])
def test_a_book_takes_two_queries(api_client, clock, django_assert_num_queries, books):
    books_with_owners(books - 1)
    book = BookFactory.create(owner=UserFactory.create(username="ada"))
    api_client.get(reverse("book-list"))

    with django_assert_num_queries(2):  # the rate limit's count, the book with its owner
        response = api_client.get(detail_url(book))

    assert response.json()["owner"] == "ada"


def test_list_and_detail_show_every_field_of_a_book_alike(api_client, user):
    """A field added to Book and to BookSerializer shows in the list as in a book's own page."""
    book = BookFactory.create(owner=user)
    unset = [field.name for field in Book._meta.concrete_fields if getattr(book, field.attname) in (None, "")]
    assert unset == [], "BookFactory (library/tests/factories.py) gives every field a value"

    listed = api_client.get(reverse("book-list")).json()["results"][0]
    shown = api_client.get(detail_url(book)).json()

    assert listed == shown
    assert list(shown) == BookSerializer.Meta.fields
    assert [name for name, value in shown.items() if value in (None, "")] == []
