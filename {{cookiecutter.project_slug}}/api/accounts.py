"""Accounts through the API: dj-rest-auth's views, on the site's allauth accounts.

Three are subclassed, for what they answer and for what the schema says of it.
"""

from typing import Any

from dj_rest_auth import {% if cookiecutter.api_auth != "session" %}serializers, {% endif %}views
from dj_rest_auth.registration import views as registration_views
from django.http import HttpResponseBase
from drf_spectacular.contrib.rest_auth import RestAuthDetailSerializer
from drf_spectacular.utils import {% if cookiecutter.api_auth == "session" %}OpenApiResponse{% else %}PolymorphicProxySerializer{% endif %}, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

# The codes of Django's password validators (AUTH_PASSWORD_VALIDATORS in
# config/settings.py), so that a client can tell a short password from a
# common one. A new validator's code goes here too.
PASSWORD_ERROR_CODES = [
    "password_too_similar",
    "password_too_short",
    "password_too_common",
    "password_entirely_numeric",
]


{% if cookiecutter.api_auth == "token" -%}
@extend_schema(responses=serializers.TokenSerializer)
{%- elif cookiecutter.api_auth == "jwt" -%}
@extend_schema(responses=serializers.JWTSerializer)
{%- else -%}
@extend_schema(responses={204: OpenApiResponse(description="Logged in: the answer sets the session cookie.")})
{%- endif %}
class LoginView(views.LoginView):
    """Log in with a username (or email address) and password{% if cookiecutter.api_auth == "token" %}: the answer is the user's token{% elif cookiecutter.api_auth == "jwt" %}: the answer is an access and a refresh token{% else %}: the answer sets the session cookie{% endif %}."""

    # The credentials are in the body, so a stale Authorization header must not
    # turn a login into a 401.
    authentication_classes: list[type[BaseAuthentication]] = []

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # django-axes marks a locked-out attempt on the request it was given, DRF's;
        # its middleware reads Django's, and answers for it (users/lockout.py).
        if getattr(request, "axes_locked_out", False):
            request._request.axes_locked_out = True  # type: ignore[attr-defined]  # an attribute of axes'
        answer: HttpResponseBase = super().finalize_response(request, response, *args, **kwargs)
        return answer


{% if cookiecutter.api_auth == "session" -%}
@extend_schema(
    responses={
        201: RestAuthDetailSerializer,
        204: OpenApiResponse(description="Signed up and logged in: the answer sets the session cookie."),
    }
)
{%- else -%}
@extend_schema(
    responses={
        201: PolymorphicProxySerializer(
            component_name="Registration",
            serializers=[RestAuthDetailSerializer, serializers.{% if cookiecutter.api_auth == "jwt" %}JWTSerializer{% else %}TokenSerializer{% endif %}],
            resource_type_field_name=None,
        )
    }
)
{%- endif %}
@extend_validation_errors(["username_taken"], field_name="username", methods=["post"])
@extend_validation_errors(PASSWORD_ERROR_CODES, field_name="password1", methods=["post"])
# The password is checked again once the user is made: too like the new username.
@extend_validation_errors(PASSWORD_ERROR_CODES, field_name="non_field_errors", methods=["post"])
class RegisterView(registration_views.RegisterView):
    """Create an account: the answer says a verification email is sent or, if none is needed, {% if cookiecutter.api_auth == "token" %}is the user's token{% elif cookiecutter.api_auth == "jwt" %}is a token pair{% else %}logs in{% endif %}."""


# The view answers 200, not the 201 its base class (CreateAPIView) suggests.
@extend_schema(responses={200: RestAuthDetailSerializer})
class ResendEmailVerificationView(registration_views.ResendEmailVerificationView):
    """Send the verification email again, to an address that is not verified yet."""
