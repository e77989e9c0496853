from django.urls import path

from library.views import BookDetailView, BookListView

app_name = "library"

urlpatterns = [
    path("", BookListView.as_view(), name="book-list"),
    path("<int:pk>/", BookDetailView.as_view(), name="book-detail"),
]
