"""The site's URLs: pages, admin{% if cookiecutter.use_drf is yes %}, the API{% endif %} and the health check.

https://docs.djangoproject.com/en/6.1/topics/http/urls/
"""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from config.views import health, live

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
{%- if cookiecutter.example_app is yes %}
    path("books/", include("library.urls")),
{%- endif %}
{%- if cookiecutter.use_drf is yes %}
    path("api/", include("api.urls")),
{%- endif %}
    # Sign up, log in and out, email addresses, passwords (django-allauth's pages).
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Ready (the database answers) and alive (the process answers): config/views.py.
    path("health/", health, name="health"),
    path("health/live/", live, name="health-live"),
]
{%- if cookiecutter.use_drf is yes %}

# URLs that match nothing answer JSON under /api/ (when DEBUG is off).
handler404 = "api.views.page_not_found"
{%- endif %}
