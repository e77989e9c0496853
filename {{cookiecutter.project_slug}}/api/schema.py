"""The OpenAPI schema: drf-spectacular's, plus the error responses each operation can give.

drf-spectacular documents the successful response only, but clients (and
schema-driven testers such as schemathesis) must know the errors too. Each is
added where the view's set-up can produce it, with the body DRF really sends:
`{"detail": "..."}`, or for invalid input the messages by field.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
MESSAGES_BY_FIELD = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
MESSAGES = {"type": "array", "items": {"type": "string"}}


class AutoSchema(openapi.AutoSchema):
    def _get_parameters(self) -> list[dict[str, Any]]:
        # DRF and django-filter read an empty value (?search=) as no value.
        return [
            {**parameter, "allowEmptyValue": True} if parameter["in"] == "query" else parameter
            for parameter in super()._get_parameters()
        ]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        error = self._component("Error", ERROR)
        invalid = self._component("ValidationError", {"anyOf": [error, MESSAGES_BY_FIELD, MESSAGES]})
        for status, (applies, description) in self._errors().items():
            if applies:
                schema = invalid if status == 400 else error
                content = {"application/json": {"schema": schema}}
                responses.setdefault(str(status), {"description": description, "content": content})
        return responses

    def _errors(self) -> dict[int, tuple[bool, str]]:
        """Each error status: whether this operation can answer it, and what it means."""
        view = self.view
        has_body = self.method in ("PUT", "PATCH", "POST")
        query = self._query_parameter_names()
        filters = [name for name in query if name != "page"]
        unsafe = self.method not in permissions.SAFE_METHODS
        # DRF answers 401 where it can name a scheme (WWW-Authenticate), 403 where not.
        challenge = bool(view.get_authenticate_header(view.request))
        needs_login = bool(view.get_authenticators()) or not all(
            isinstance(permission, permissions.AllowAny) for permission in view.get_permissions()
        )
        return {
            400: (has_body or bool(filters), "Invalid input: the messages by field, or why the body is unreadable."),
            401: (challenge and needs_login, "Credentials missing or invalid."),
            403: (unsafe or (needs_login and not challenge), "Not allowed to do this."),
            404: ("{" in self.path or "page" in query or "format" in query, "No such object or page."),
            413: (has_body, "Request body too large."),
            415: (has_body, "Content-Type not accepted: send JSON."),
            429: (bool(view.get_throttles()), "Too many requests: wait the seconds the Retry-After header says."),
        }

    def _query_parameter_names(self) -> list[str]:
        return [parameter["name"] for parameter in super()._get_parameters() if parameter["in"] == "query"]

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]  # drf-spectacular leaves it untyped
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref
