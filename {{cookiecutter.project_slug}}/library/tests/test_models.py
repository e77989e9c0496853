from library.tests.factories import BookFactory
from users.tests.factories import UserFactory


def test_a_book_names_who_added_it():
    assert BookFactory.build(owner=UserFactory.build(username="ada")).owner_username == "ada"
    assert BookFactory.build(owner=None).owner_username is None
