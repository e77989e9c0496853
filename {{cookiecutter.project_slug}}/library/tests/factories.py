import factory

from library.models import Book


class BookFactory(factory.django.DjangoModelFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")
    author = factory.Faker("name")
    isbn = factory.Sequence(lambda n: f"{9780000000000 + n}")
    published_on = factory.Faker("date_object")
    summary = factory.Faker("paragraph")
