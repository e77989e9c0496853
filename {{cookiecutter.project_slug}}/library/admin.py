from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from library.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin[Book]):
    list_display = ["title", "author", "isbn", "published_on", "owner"]
    search_fields = ["title", "author", "isbn"]
    list_filter = ["published_on"]
    readonly_fields = ["owner"]

    def save_model(self, request: HttpRequest, obj: Book, form: ModelForm[Book], change: bool) -> None:
        # A book added here belongs to the staff member who added it.
        if not change:
            obj.owner_id = request.user.pk
        super().save_model(request, obj, form, change)
