import pytest
from django.core.management import call_command

from library.management.commands.load_sample_books import SAMPLE_BOOKS
from library.models import Book

pytestmark = pytest.mark.django_db


def test_load_sample_books_adds_each_book_once():
    call_command("load_sample_books")
    call_command("load_sample_books")

    assert Book.objects.count() == len(SAMPLE_BOOKS)
