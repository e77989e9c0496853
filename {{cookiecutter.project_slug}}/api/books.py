from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from api.filters import FilterSet
from api.serializers import HyperlinkedModelSerializer
from library.models import Book


class BookSerializer(HyperlinkedModelSerializer[Book]):
    # The username of whoever added the book; null for sample books and deleted accounts.
    owner = serializers.CharField(source="owner_username", read_only=True, allow_null=True)

    class Meta:
        model = Book
        fields = [
            "id",
            "url",
            "title",
            "author",
            "isbn",
            "published_on",
            "summary",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "url", "created_at", "updated_at"]
        extra_kwargs = {"url": {"view_name": "book-detail"}}

    def save(self, **kwargs: Any) -> Book:
        # The ISBN is checked for uniqueness before the write, so two requests with the
        # same new ISBN can both pass the check; the database's unique constraint then
        # stops the second, which answers 400 like any duplicate instead of a 500.
        try:
            with transaction.atomic():
                return super().save(**kwargs)
        except IntegrityError:
            raise serializers.ValidationError({"isbn": ["book with this ISBN already exists."]}) from None


class BookFilterSet(FilterSet):
    # Declared once here: given only `filterset_fields`, django-filter would build
    # this class anew for every request.
    class Meta:
        model = Book
        fields = {
            "author": ["exact", "icontains"],
            "published_on": ["exact", "gte", "lte"],
        }


class IsOwnerOrStaffOrReadOnly(permissions.BasePermission):
    """Anyone may read; only the user who added a book, or staff, may change or delete it."""

    message = "Only the user who added this book, or staff, may change or delete it."

    def has_object_permission(self, request: Request, view: APIView, obj: Book) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(
            request.user.is_staff or (obj.owner_id is not None and obj.owner_id == request.user.pk)
        )


class BookViewSet(viewsets.ModelViewSet[Book]):
    """Books: anyone may read them; signed-in users may add them, and change or delete those they added.

    Staff may change or delete any book. Filter with `?author=` or
    `?published_on__gte=YYYY-MM-DD`, search title, author and ISBN with
    `?search=`, and sort with `?ordering=-published_on`.
    """

    queryset = Book.objects.select_related("owner").order_by("title", "id")
    serializer_class = BookSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsOwnerOrStaffOrReadOnly]
    filterset_class = BookFilterSet
    search_fields = ["title", "author", "isbn"]
    ordering_fields = ["title", "author", "published_on", "created_at"]

    def get_queryset(self) -> QuerySet[Book]:
        queryset = super().get_queryset()
        if self.action == "list":
            # A list only reads: each book comes as a dict of the columns BookSerializer
            # shows (pk for its url) rather than as a Book and a User built from every
            # column, which took a fifth of the list's time. Changes still go through Books.
            return queryset.values(  # type: ignore[return-value]  # dicts, which the serializer reads too
                "pk", "id", "title", "author", "isbn", "published_on", "summary", "created_at", "updated_at",
                owner_username=F("owner__username"),
            )  # fmt: skip
        return queryset

    def perform_create(self, serializer: serializers.BaseSerializer[Book]) -> None:
        serializer.save(owner=self.request.user)
