from django.contrib import admin

from library.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin[Book]):
    list_display = ["title", "author", "isbn", "published_on"]
    search_fields = ["title", "author", "isbn"]
    list_filter = ["published_on"]
