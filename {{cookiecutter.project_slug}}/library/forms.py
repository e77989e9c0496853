from django import forms

from library.models import Book


class BookForm(forms.ModelForm[Book]):
    """A book's fields as a person fills them in; the owner is set from who is logged in, never here."""

    class Meta:
        model = Book
        fields = ["title", "author", "isbn", "published_on", "summary"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}
