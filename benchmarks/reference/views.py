"""The same JSON document as GET /api/books/, from plain Django: the yardstick.

The same two queries (the count, then one page of books joined to their
owners), the same fields, links and formats, written as a Django developer
would without DRF: a Paginator over .values() rows, reverse() for each link,
JsonResponse. The benchmark checks that both documents are equal.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse

from library.models import Book

FIELDS = ["id", "title", "author", "isbn", "published_on", "summary", "owner__username", "created_at", "updated_at"]


def iso(value: datetime.datetime) -> str:
    # DRF's format: ISO 8601 with microseconds, UTC as "Z".
    return value.isoformat().replace("+00:00", "Z")


def page_link(request: HttpRequest, number: int | None) -> str | None:
    if number is None:
        return None
    query = request.GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = str(number)
    url = request.build_absolute_uri(request.path)
    return f"{url}?{query.urlencode()}" if query else url


def books(request: HttpRequest) -> JsonResponse:
    rows = Book.objects.order_by("title", "id").values(*FIELDS)
    paginator = Paginator(rows, settings.REST_FRAMEWORK["PAGE_SIZE"])
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404 from error
    results: list[dict[str, Any]] = [
        {
            "id": row["id"],
            "url": request.build_absolute_uri(reverse("book-detail", args=[row["id"]])),
            "title": row["title"],
            "author": row["author"],
            "isbn": row["isbn"],
            "published_on": row["published_on"] and row["published_on"].isoformat(),
            "summary": row["summary"],
            "owner": row["owner__username"],
            "created_at": iso(row["created_at"]),
            "updated_at": iso(row["updated_at"]),
        }
        for row in page.object_list
    ]
    return JsonResponse(
        {
            "count": paginator.count,
            "next": page_link(request, page.next_page_number() if page.has_next() else None),
            "previous": page_link(request, page.previous_page_number() if page.has_previous() else None),
            "results": results,
        }
    )
