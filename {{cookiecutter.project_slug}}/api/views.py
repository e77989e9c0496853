from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse as url_path
from django.views import defaults
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def api_root(request: Request) -> Response:
    """Links to every part of the API."""

    def link(name: str) -> str:
        return reverse(name, request=request)

    return Response(
        {
{%- if cookiecutter.example_app is yes %}
            "books": link("book-list"),
{%- endif %}
{%- if cookiecutter.example_app is yes and cookiecutter.background_tasks != "none" %}
            "books_import": link("book-import"),
{%- endif %}
            "me": link("api-me"),
            "login": link("api-login"),
            "logout": link("api-logout"),
{%- if cookiecutter.api_auth == "jwt" %}
            "token_refresh": link("api-token-refresh"),
{%- endif %}
            "register": link("api-register"),
            "password_reset": link("api-password-reset"),
            "schema": link("api-schema"),
            "docs": link("api-docs"),
            "redoc": link("api-redoc"),
        }
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for URLs that match no route: in JSON under /api/, as the API's own 404s are."""
    if request.path.startswith(url_path("api-root")):
        error = {"code": "not_found", "detail": "Not found.", "attr": None}
        return JsonResponse({"type": "client_error", "errors": [error]}, status=404)
    return defaults.page_not_found(request, exception)
