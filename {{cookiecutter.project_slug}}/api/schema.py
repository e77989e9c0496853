"""The OpenAPI schema: drf-spectacular's, with the error responses of drf-standardized-errors.

That schema documents the errors each operation can give, with their codes.
It is told of two more here: a body over Django's size limit (413, see
api/exceptions.py), and the 403 of a session login, which refuses an unsafe
request without its CSRF token and, where no scheme can be named in a
challenge, a missing login{% if cookiecutter.api_auth == "jwt" %}; and the 401 of the JWT views, which check
credentials themselves{% endif %}. A postprocessing hook says that a query
parameter may be empty (`?search=`), which DRF and django-filter read as no
value at all.
"""

from typing import Any

from drf_standardized_errors import openapi
from rest_framework import authentication, permissions
{%- if cookiecutter.api_auth == "jwt" %}
from rest_framework_simplejwt.views import TokenViewBase
{%- endif %}

BODY_METHODS = ("PUT", "PATCH", "POST")


class AutoSchema(openapi.AutoSchema):
    def _should_add_error_response(self, responses: dict[str, Any], status_code: str) -> bool:
        if status_code == "413" and self.method not in BODY_METHODS:
            return False
        return bool(super()._should_add_error_response(responses, status_code))

    def _should_add_http403_error_response(self) -> bool:
        authenticators = self.view.get_authenticators()
        session = any(isinstance(method, authentication.SessionAuthentication) for method in authenticators)
        # DRF answers 401 only where the first authenticator names a scheme (WWW-Authenticate).
        challenge = bool(self.view.get_authenticate_header(self.view.request))
        login_required = not all(isinstance(check, permissions.AllowAny) for check in self.view.get_permissions())
        return (
            bool(super()._should_add_http403_error_response())
            or (session and self.method not in permissions.SAFE_METHODS)
            or (login_required and not challenge)
        )
{%- if cookiecutter.api_auth == "jwt" %}

    def _should_add_http401_error_response(self) -> bool:
        # The JWT views check a password or a token themselves, and refuse a wrong one with a 401.
        return bool(super()._should_add_http401_error_response()) or isinstance(self.view, TokenViewBase)
{%- endif %}


def empty_query_values_allowed(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Mark every query parameter `allowEmptyValue`: an empty one filters by nothing (a drf-spectacular hook)."""
    for operations in result["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    parameter["allowEmptyValue"] = True
    return result
