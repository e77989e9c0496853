from rest_framework import permissions, serializers, viewsets

from library.models import Book


class BookSerializer(serializers.HyperlinkedModelSerializer[Book]):
    class Meta:
        model = Book
        fields = ["id", "url", "title", "author", "isbn", "published_on", "summary", "created_at", "updated_at"]
        read_only_fields = ["id", "url", "created_at", "updated_at"]
        extra_kwargs = {"url": {"view_name": "book-detail"}}


class BookViewSet(viewsets.ModelViewSet[Book]):
    """Books: anyone may read them; signed-in users may add, change and delete them.

    Filter with `?author=` or `?published_on__gte=YYYY-MM-DD`, search title,
    author and ISBN with `?search=`, and sort with `?ordering=-published_on`.
    """

    queryset = Book.objects.order_by("title", "id")
    serializer_class = BookSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_fields = {
        "author": ["exact", "icontains"],
        "published_on": ["exact", "gte", "lte"],
    }
    search_fields = ["title", "author", "isbn"]
    ordering_fields = ["title", "author", "published_on", "created_at"]
