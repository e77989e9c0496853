from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from django_htmx.middleware import HtmxDetails

from library.forms import BookForm
from library.models import Book


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it: request.htmx says whether htmx sent it."""

    htmx: HtmxDetails


class BookListView(ListView[Book]):
    model = Book
    paginate_by = 20
    request: HtmxHttpRequest

    def get_queryset(self) -> QuerySet[Book]:
        books = Book.objects.order_by("title", "id")
        if query := self.request.GET.get("q", "").strip():
            books = books.filter(Q(title__icontains=query) | Q(author__icontains=query) | Q(isbn=query))
        return books

    def get_template_names(self) -> list[str]:
        # Searching or paging from the page itself (htmx) replaces the results alone:
        # the template's "results" partial. A plain request gets the whole page.
        if self.request.htmx:
            return ["library/book_list.html#results"]
        return ["library/book_list.html"]


class BookDetailView(DetailView[Book]):
    queryset = Book.objects.select_related("owner")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.object.can_be_changed_by(self.request.user)
        return context


class OwnerOrStaffRequiredMixin(UserPassesTestMixin, SingleObjectMixin[Book]):
    """Only whoever added the book, or staff, may change it: Book.can_be_changed_by, as the API asks."""

    request: HttpRequest

    def test_func(self) -> bool:
        return self.get_object().can_be_changed_by(self.request.user)


class BookCreateView(LoginRequiredMixin, SuccessMessageMixin[BookForm], CreateView[Book, BookForm]):
    model = Book
    form_class = BookForm
    success_message = "Added “%(title)s”."

    def form_valid(self, form: BookForm) -> Any:
        form.instance.owner = self.request.user  # type: ignore[assignment]  # logged in: LoginRequiredMixin
        return super().form_valid(form)


class BookUpdateView(
    LoginRequiredMixin, OwnerOrStaffRequiredMixin, SuccessMessageMixin[BookForm], UpdateView[Book, BookForm]
):
    model = Book
    form_class = BookForm
    success_message = "Saved “%(title)s”."


class BookDeleteView(LoginRequiredMixin, OwnerOrStaffRequiredMixin, SuccessMessageMixin[Form], DeleteView[Book, Form]):
    model = Book
    success_url = reverse_lazy("library:book-list")

    def get_success_message(self, cleaned_data: dict[str, Any]) -> str:
        # The delete form has no fields: the title comes from the book.
        return f"Deleted “{self.object.title}”."
