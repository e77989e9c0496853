from django.core.management.base import BaseCommand
from django.db import transaction

from library.models import Book

SAMPLE_BOOKS = [
    {
        "title": "Django for APIs",
        "author": "William S. Vincent",
        "isbn": "9781735467221",
        "summary": "Build web APIs with Python and Django REST Framework.",
    },
    {
        "title": "Django for Beginners",
        "author": "William S. Vincent",
        "isbn": "9781735467207",
        "summary": "Build websites with Python and Django.",
    },
    {
        "title": "Two Scoops of Django 3.x",
        "author": "Daniel Feldroy, Audrey Feldroy",
        "isbn": "9781949835246",
        "summary": "Best practices for the Django web framework.",
    },
    {
        "title": "Fluent Python",
        "author": "Luciano Ramalho",
        "isbn": "9781492056355",
        "summary": "Clear, concise and effective programming.",
    },
]


class Command(BaseCommand):
    help = "Add a few sample books. Running it again changes nothing."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        created = 0
        for fields in SAMPLE_BOOKS:
            _, was_created = Book.objects.get_or_create(isbn=fields["isbn"], defaults=fields)
            created += was_created
        self.stdout.write(self.style.SUCCESS(f"Added {created} sample books ({Book.objects.count()} in all)."))
