from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

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

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:book-detail", kwargs={"pk": self.pk})

    @property
    def owner_username(self) -> str | None:
        """The username of whoever added the book; None for sample books and deleted accounts."""
        return self.owner.username if self.owner else None
