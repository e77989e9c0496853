"""Importing many books at once: checked now, added in the background."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.books import BookSerializer
from library.models import Book
from library.tasks import import_books

# Enough for a real catalogue, small enough for one request body.
MAX_BOOKS = 1000


class BookImportView(generics.GenericAPIView[Book]):
    """Add up to 1000 books at once: POST a list of books; they belong to you.

    The list is checked at once (400 names each problem, ISBNs already in the
    catalogue included); a background worker then adds the books, which appear
    in the list within moments. Answers 202 Accepted with the number queued.
    """

    serializer_class = BookSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=BookSerializer(many=True),
        responses={
            202: OpenApiResponse(
                inline_serializer("BookImportAccepted", {"queued": serializers.IntegerField()}),
                description="The books are checked and queued; a worker adds them.",
            )
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data, many=True, min_length=1, max_length=MAX_BOOKS)
        serializer.is_valid(raise_exception=True)
        # The checked fields, as JSON (dates as YYYY-MM-DD): what a task's arguments must be.
        books = json.loads(json.dumps(serializer.validated_data, cls=DjangoJSONEncoder))
        import_books.{% if cookiecutter.background_tasks == "celery" %}delay{% else %}enqueue{% endif %}(books, request.user.pk)
        return Response({"queued": len(books)}, status=status.HTTP_202_ACCEPTED)
