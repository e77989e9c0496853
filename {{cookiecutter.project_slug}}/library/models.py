from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from users.models import User

isbn_validator = RegexValidator(r"^[0-9]{13}$", "Enter the 13 digits of the ISBN, without dashes.")


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200)
    isbn = models.CharField(
        "ISBN", max_length=13, unique=True, validators=[isbn_validator], help_text="13 digits, without dashes."
    )
    published_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    # Who added the book: only they (or staff) may change or delete it. Empty for
    # books added by a command, or once that account is deleted.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="books"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        # An index for each order the lists offer (the default first) and for the
        # date filter, so a page costs about the same with 200 books or 100,000:
        # the database reads the first rows of an index instead of sorting them all.
        # https://docs.djangoproject.com/en/6.1/ref/models/indexes/
        indexes = [
            models.Index(fields=["title", "id"]),
            models.Index(fields=["author", "id"]),
            models.Index(fields=["published_on", "id"]),
            models.Index(fields=["created_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:book-detail", kwargs={"pk": self.pk})

    def can_be_changed_by(self, user: "User | AnonymousUser") -> bool:
        """Whether this user may edit or delete the book: whoever added it, and staff.

        The website and the API both ask this, so the rule lives in one place.
        """
        return user.is_authenticated and (user.is_staff or (self.owner_id is not None and self.owner_id == user.pk))
