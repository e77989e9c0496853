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


def test_admin_adds_a_book(admin_client):
    response = admin_client.post(
        reverse("admin:library_book_add"),
        {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "summary": ""},
    )

    assert response.status_code == 302
    assert Book.objects.get().title == "Dune"
