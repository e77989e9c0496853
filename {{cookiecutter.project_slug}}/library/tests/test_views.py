import pytest
from django.urls import reverse

from library.models import Book
from library.tests.factories import BookFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_BOOK = {"title": "Dune", "author": "Frank Herbert", "isbn": "9780441013593", "published_on": "1965-08-01"}


def test_book_list_shows_books_in_title_order(client):
    BookFactory.create(title="Zebra Tales")
    BookFactory.create(title="Alpha Stories")

    response = client.get(reverse("library:book-list"))

    assert response.status_code == 200
    assert response.text.index("Alpha Stories") < response.text.index("Zebra Tales")


def test_book_list_without_books_says_so(client):
    response = client.get(reverse("library:book-list"))

    assert "No books yet" in response.text


def test_book_list_is_paginated_and_the_pages_keep_the_search(client):
    BookFactory.create_batch(21, author="Jane Austen")

    first = client.get(reverse("library:book-list"), {"q": "austen"})
    second = client.get(reverse("library:book-list"), {"q": "austen", "page": 2})

    assert len(first.context["book_list"]) == 20
    assert len(second.context["book_list"]) == 1
    assert 'href="?q=austen&amp;page=2"' in first.text


def test_search_finds_titles_authors_and_isbns(client):
    BookFactory.create(title="Dune", author="Frank Herbert", isbn="9780441013593")
    BookFactory.create(title="Emma", author="Jane Austen")

    def titles(query: str) -> list[str]:
        return [book.title for book in client.get(reverse("library:book-list"), {"q": query}).context["book_list"]]

    assert titles("dune") == ["Dune"]
    assert titles("austen") == ["Emma"]
    assert titles("9780441013593") == ["Dune"]
    assert "No book matches" in client.get(reverse("library:book-list"), {"q": "nothing"}).text


def test_htmx_search_answers_the_results_alone(client):
    BookFactory.create(title="Dune")

    response = client.get(reverse("library:book-list"), {"q": "dune"}, HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<div id="results">')
    assert "Dune" in response.text
    assert "<html" not in response.text


def test_the_page_works_without_htmx(client):
    response = client.get(reverse("library:book-list"))

    assert "<html" in response.text
    assert 'method="get"' in response.text, "the search is a plain form too"


def test_book_detail_shows_the_book(client):
    book = BookFactory.create(title="The Hobbit", author="J. R. R. Tolkien")

    response = client.get(book.get_absolute_url())

    assert "The Hobbit" in response.text
    assert "J. R. R. Tolkien" in response.text


def test_missing_book_is_404(client):
    assert client.get(reverse("library:book-detail", kwargs={"pk": 999})).status_code == 404


def test_a_logged_in_user_adds_a_book_they_own(client):
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(reverse("library:book-add"), NEW_BOOK, follow=True)

    book = Book.objects.get(isbn=NEW_BOOK["isbn"])
    assert book.owner == user
    assert response.redirect_chain[-1][0] == book.get_absolute_url()
    assert "Added “Dune”." in response.text


def test_a_bad_book_is_shown_again_with_its_errors_beside_the_fields(client):
    client.force_login(UserFactory.create())

    response = client.post(reverse("library:book-add"), {**NEW_BOOK, "isbn": "123"})

    assert response.status_code == 200
    assert "Enter the 13 digits of the ISBN" in response.text
    assert not Book.objects.exists()


@pytest.mark.parametrize("url_name", ["library:book-add", "library:book-edit", "library:book-delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, url_name):
    book = BookFactory.create()
    url = reverse(url_name) if url_name == "library:book-add" else reverse(url_name, kwargs={"pk": book.pk})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def who(kind: str, owner):
    return {"owner": owner, "another user": UserFactory.create(), "staff": UserFactory.create(is_staff=True)}[kind]


@pytest.mark.parametrize(("kind", "allowed"), [("owner", True), ("another user", False), ("staff", True)])
def test_only_the_owner_or_staff_edit_a_book(client, kind, allowed):
    owner = UserFactory.create()
    book = BookFactory.create(owner=owner, title="Old title")
    client.force_login(who(kind, owner))

    response = client.post(reverse("library:book-edit", kwargs={"pk": book.pk}), {**NEW_BOOK, "title": "New title"})

    book.refresh_from_db()
    assert response.status_code == (302 if allowed else 403)
    assert book.title == ("New title" if allowed else "Old title")


@pytest.mark.parametrize(("kind", "allowed"), [("owner", True), ("another user", False), ("staff", True)])
def test_only_the_owner_or_staff_delete_a_book(client, kind, allowed):
    owner = UserFactory.create()
    book = BookFactory.create(owner=owner, title="Kept")
    client.force_login(who(kind, owner))

    response = client.post(reverse("library:book-delete", kwargs={"pk": book.pk}), follow=allowed)

    assert Book.objects.filter(pk=book.pk).exists() is not allowed
    if allowed:
        assert "Deleted “Kept”." in response.text
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("kind", "shown"), [("owner", True), ("another user", False), ("staff", True)])
def test_the_book_page_offers_edit_and_delete_to_who_may(client, kind, shown):
    owner = UserFactory.create()
    book = BookFactory.create(owner=owner)
    client.force_login(who(kind, owner))

    page = client.get(book.get_absolute_url()).text

    assert (reverse("library:book-edit", kwargs={"pk": book.pk}) in page) is shown


# However many books: their count and one page of them; one book, one query.
# One more query per book would be an N+1.
@pytest.mark.parametrize("books", [1, 50])
def test_book_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries, books):
    book = [BookFactory.create(owner=UserFactory.create()) for _ in range(books)][-1]

    with django_assert_num_queries(2):
        client.get(reverse("library:book-list"))
    with django_assert_num_queries(1):
        client.get(book.get_absolute_url())
