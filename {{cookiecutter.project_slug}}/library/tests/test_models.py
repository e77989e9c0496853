import pytest
from django.contrib.auth.models import AnonymousUser

from library.tests.factories import BookFactory
from users.models import User
from users.tests.factories import UserFactory


@pytest.mark.parametrize(
    ("who", "allowed"), [("the owner", True), ("another user", False), ("staff", True), ("anonymous", False)]
)
def test_only_the_owner_or_staff_may_change_a_book(who, allowed):
    owner = UserFactory.build(pk=1)
    users: dict[str, User | AnonymousUser] = {
        "the owner": owner,
        "another user": UserFactory.build(pk=2),
        "staff": UserFactory.build(pk=3, is_staff=True),
        "anonymous": AnonymousUser(),
    }

    assert BookFactory.build(owner=owner).can_be_changed_by(users[who]) is allowed


def test_a_book_nobody_owns_may_be_changed_by_staff_only():
    book = BookFactory.build(owner=None)

    assert book.can_be_changed_by(UserFactory.build(pk=3, is_staff=True))
    assert not book.can_be_changed_by(UserFactory.build(pk=2))
