from django.db import IntegrityError, models, transaction
from django_filters import rest_framework as filters
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from api.filters import DateFilter
from api.serializers import HyperlinkedModelSerializer
from library.models import Book


class BookSerializer(HyperlinkedModelSerializer[Book]):
    # Who added the book, set from the request and never by the client; null for
    # sample books and once that account is deleted.
    owner = serializers.ReadOnlyField(source="owner.username", allow_null=True)

    class Meta:
        model = Book
        fields = [
            "url",
            "id",
            "title",
            "author",
            "isbn",
            "published_on",
            "summary",
            "owner",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"view_name": "book-detail"}}

    def save(self, **kwargs: object) -> Book:
        # The ISBN is checked for uniqueness before the write, so two requests with the
        # same new ISBN can both pass the check; the database's unique constraint then
        # stops the second, which answers 400 like any duplicate instead of a 500.
        try:
            with transaction.atomic():
                return super().save(**kwargs)
        except IntegrityError:
            raise serializers.ValidationError({"isbn": "book with this ISBN already exists."}, code="unique") from None


class BookFilterSet(filters.FilterSet):
    class Meta:
        model = Book
        fields = {
            "author": ["exact", "icontains"],
            "published_on": ["exact", "gte", "lte"],
        }
        filter_overrides = {models.DateField: {"filter_class": DateFilter}}


class IsOwnerOrStaffOrReadOnly(permissions.BasePermission):
    """Anyone may read; only the user who added a book, or staff, may change or delete it."""

    message = "Only the user who added this book, or staff, may change or delete it."

    def has_object_permission(self, request: Request, view: APIView, obj: Book) -> bool:
        return request.method in permissions.SAFE_METHODS or obj.can_be_changed_by(request.user)


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

    def perform_create(self, serializer: BookSerializer) -> None:  # type: ignore[override]
        serializer.save(owner=self.request.user)
