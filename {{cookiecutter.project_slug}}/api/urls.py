{% if cookiecutter.api_auth == "jwt" %}from dj_rest_auth.jwt_auth import get_refresh_view
{% endif %}from dj_rest_auth.registration.views import VerifyEmailView
from dj_rest_auth.views import LogoutView, PasswordChangeView, PasswordResetConfirmView, PasswordResetView
from django.urls import {% if cookiecutter.example_app is yes %}include, {% endif %}path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
{%- if cookiecutter.example_app is yes %}
from rest_framework.routers import SimpleRouter
{%- endif %}

from api.accounts import LoginView, RegisterView, ResendEmailVerificationView
{% if cookiecutter.example_app is yes %}from api.books import BookViewSet
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
    # Accounts for clients other than the site's pages (dj-rest-auth, on allauth):
    # the same accounts, email verification and lockout as the site's.
    path("auth/login/", LoginView.as_view(), name="api-login"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
{%- if cookiecutter.api_auth == "jwt" %}
    path("auth/jwt/refresh/", get_refresh_view().as_view(), name="api-token-refresh"),
{%- endif %}
    path("auth/registration/", RegisterView.as_view(), name="api-register"),
    path("auth/registration/verify-email/", VerifyEmailView.as_view(), name="api-verify-email"),
    path("auth/registration/resend-email/", ResendEmailVerificationView.as_view(), name="api-resend-email"),
    path("auth/password/reset/", PasswordResetView.as_view(), name="api-password-reset"),
    path("auth/password/reset/confirm/", PasswordResetConfirmView.as_view(), name="api-password-reset-confirm"),
    path("auth/password/change/", PasswordChangeView.as_view(), name="api-password-change"),
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
