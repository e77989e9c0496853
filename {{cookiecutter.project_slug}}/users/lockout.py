"""What a locked-out login attempt gets: a page of the site{% if cookiecutter.use_drf is yes %}, or JSON on the API{% endif %}.

django-axes calls this (AXES_LOCKOUT_CALLABLE) for every login, once an
account has had too many wrong passwords from one address; Retry-After says
when it may try again.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse{% if cookiecutter.use_drf is yes %}, JsonResponse{% endif %}
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    answer: HttpResponse
{%- if cookiecutter.use_drf is yes %}
    if request.path.startswith("/api/"):
        # In the API's error format, as a limit: 429, code "throttled".
        detail = f"Too many wrong passwords for this account from your address: try again in {seconds // 60} minutes."
        error = {"code": "throttled", "detail": detail, "attr": None}
        answer = JsonResponse({"type": "client_error", "errors": [error]}, status=429)
    else:
        context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": seconds // 60}
        answer = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
{%- else %}
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": seconds // 60}
    answer = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
{%- endif %}
    answer["Retry-After"] = str(seconds)
    return answer
