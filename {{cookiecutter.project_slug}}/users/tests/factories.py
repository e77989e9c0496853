import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from users.models import User

# A fixed, hashed-once password keeps factories fast and lets tests log in.
PASSWORD = "correct-horse-battery-staple"


class EmailAddressFactory(factory.django.DjangoModelFactory[EmailAddress]):
    """A user's address as allauth keeps it: verified, as after following the email's link."""

    class Meta:
        model = EmailAddress

    primary = True
    verified = True


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    # The user can log in whether verification is mandatory or not (ACCOUNT_EMAIL_VERIFICATION).
    email_address = factory.RelatedFactory(
        EmailAddressFactory, factory_related_name="user", email=factory.SelfAttribute("..email")
    )
