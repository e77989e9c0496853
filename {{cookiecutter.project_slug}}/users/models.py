from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user.

    Identical to Django's default user for now. Having our own model from the
    first migration means fields can be added later without a painful switch.
    https://docs.djangoproject.com/en/6.1/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
    """
