import pytest
from django.urls import reverse

from library.models import Book
from library.tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_admin_searches_books(admin_client):
    BookFactory.create(title="Dune", author="Frank Herbert")
    BookFactory.create(title="Emma", author="Jane Austen")

    response = admin_client.get(reverse("admin:library_book_changelist"), {"q": "dune"})

    assert response.status_code == 200
    assert "Dune" in response.text
    assert "Emma" not in response.text


def test_admin_adds_a_book_owned_by_the_staff_member(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:library_book_add"),
        {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "summary": ""},
    )

    assert response.status_code == 302
    assert (Book.objects.get().title, Book.objects.get().owner) == ("Dune", admin_user)


def test_admin_changes_a_book_without_taking_it_over(admin_client):
    book = BookFactory.create(title="Dune", owner=None)

    response = admin_client.post(
        reverse("admin:library_book_change", args=[book.pk]),
        {"title": "Dune Messiah", "author": book.author, "isbn": book.isbn, "summary": ""},
    )

    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.title, book.owner) == ("Dune Messiah", None)
