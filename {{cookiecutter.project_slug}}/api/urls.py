from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
{% if cookiecutter.example_app is yes %}from rest_framework.routers import SimpleRouter
{% endif %}{% if cookiecutter.api_auth == "jwt" %}from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView
{% endif %}
{% if cookiecutter.api_auth == "token" %}from api.auth import TokenView
{% endif %}{% if cookiecutter.example_app is yes %}from api.books import BookViewSet
{% endif %}{% if cookiecutter.example_app is yes and cookiecutter.background_tasks != "none" %}from api.imports import BookImportView
{% endif %}from api.users import MeView
from api.views import api_root
{%- if cookiecutter.example_app is yes %}

router = SimpleRouter()
router.register("books", BookViewSet, basename="book")
{%- endif %}

urlpatterns = [
    path("", api_root, name="api-root"),
{%- if cookiecutter.example_app is yes and cookiecutter.background_tasks != "none" %}
    # Before the router, whose books/<id>/ would otherwise take "import" for an id.
    path("books/import/", BookImportView.as_view(), name="book-import"),
{%- endif %}
{%- if cookiecutter.example_app is yes %}
    path("", include(router.urls)),
{%- endif %}
    path("users/me/", MeView.as_view(), name="api-me"),
{%- if cookiecutter.api_auth == "token" %}
    path("auth/token/", TokenView.as_view(), name="api-token"),
{%- elif cookiecutter.api_auth == "jwt" %}
    path("auth/jwt/", TokenObtainPairView.as_view(), name="api-jwt-obtain"),
    path("auth/jwt/refresh/", TokenRefreshView.as_view(), name="api-jwt-refresh"),
{%- endif %}
    # Log in and out of the browsable API (in every set-up).
    path("auth/", include("rest_framework.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (docs/?script),
    # not inline, as the Content-Security-Policy requires.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
]
