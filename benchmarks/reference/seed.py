"""The benchmark's fixed data set: 200 books, a quarter of them owned by one of five users."""

import datetime

from django.db import transaction

from library.models import Book
from users.models import User

BOOKS = 200
OWNERS = 5


@transaction.atomic
def seed() -> None:
    Book.objects.all().delete()
    User.objects.filter(username__startswith="reader").delete()
    owners = [User.objects.create_user(f"reader{n}") for n in range(OWNERS)]
    Book.objects.bulk_create(
        Book(
            title=f"Book {n:03d}: a title of ordinary length",
            author=f"Author {n % 37}",
            isbn=f"{9780000000000 + n}",
            published_on=datetime.date(1900, 1, 1) + datetime.timedelta(days=173 * n) if n % 10 else None,
            summary=f"Summary of book {n}. " * 8,
            owner=owners[n % OWNERS] if n % 4 == 0 else None,
        )
        for n in range(BOOKS)
    )
