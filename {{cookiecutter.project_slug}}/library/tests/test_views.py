import pytest
from django.urls import reverse

from library.tests.factories import BookFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_book_list_shows_books_in_title_order(client):
    BookFactory.create(title="Zebra Tales")
    BookFactory.create(title="Alpha Stories")

    response = client.get(reverse("library:book-list"))

    assert response.status_code == 200
    assert response.text.index("Alpha Stories") < response.text.index("Zebra Tales")


def test_book_list_without_books_says_so(client):
    response = client.get(reverse("library:book-list"))

    assert response.status_code == 200
    assert "No books yet" in response.text


def test_book_list_is_paginated(client):
    BookFactory.create_batch(21)

    first = client.get(reverse("library:book-list"))
    second = client.get(reverse("library:book-list"), {"page": 2})

    assert len(first.context["book_list"]) == 20
    assert len(second.context["book_list"]) == 1


def test_book_detail_shows_the_book(client):
    book = BookFactory.create(title="The Hobbit", author="J. R. R. Tolkien")

    response = client.get(book.get_absolute_url())

    assert response.status_code == 200
    assert "The Hobbit" in response.text
    assert "J. R. R. Tolkien" in response.text


def test_missing_book_is_404(client):
    response = client.get(reverse("library:book-detail", kwargs={"pk": 999}))

    assert response.status_code == 404


# However many books: their count and one page of them; one book, one query.
# One more query per book would be an N+1.
@pytest.mark.parametrize("books", [1, 50])
def test_book_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries, books):
    book = [BookFactory.create(owner=UserFactory.create()) for _ in range(books)][-1]

    with django_assert_num_queries(2):
        client.get(reverse("library:book-list"))
    with django_assert_num_queries(1):
        client.get(book.get_absolute_url())
