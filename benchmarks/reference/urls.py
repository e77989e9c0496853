from django.urls import path

from benchmark_reference.views import books
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("reference/books/", books, name="reference-books"), *project_urlpatterns]
