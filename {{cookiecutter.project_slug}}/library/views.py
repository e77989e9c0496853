from django.views.generic import DetailView, ListView

from library.models import Book


class BookListView(ListView[Book]):
    model = Book
    paginate_by = 20


class BookDetailView(DetailView[Book]):
    model = Book
