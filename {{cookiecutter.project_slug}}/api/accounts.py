"""Accounts through the API: dj-rest-auth's views, on the site's allauth accounts."""

from typing import Any

from dj_rest_auth import {% if cookiecutter.api_auth != "session" %}serializers, {% endif %}views
{%- if cookiecutter.api_auth == "session" %}
from dj_rest_auth.registration import views as registration_views
{%- endif %}
from django.http import HttpResponseBase
from drf_spectacular.utils import {% if cookiecutter.api_auth == "session" %}OpenApiResponse, extend_schema, inline_serializer{% else %}extend_schema{% endif %}
{%- if cookiecutter.api_auth == "session" %}
from rest_framework import serializers as fields
{%- endif %}
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request


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
{%- if cookiecutter.api_auth == "session" %}


@extend_schema(
    responses={
        201: inline_serializer("VerificationSent", {"detail": fields.CharField()}),
        204: OpenApiResponse(description="Signed up and logged in: the answer sets the session cookie."),
    }
)
class RegisterView(registration_views.RegisterView):
    """Create an account: the answer says the verification email is sent or, where none is needed, logs in."""
{%- endif %}
