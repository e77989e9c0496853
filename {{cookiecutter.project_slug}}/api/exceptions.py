"""How the API answers errors: drf-standardized-errors' format, and a 413 for a body over Django's limit.

Every error is `{"type": ..., "errors": [{"code", "detail", "attr"}]}`, and
the schema documents the ones each operation can give. Django refuses a body
larger than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) as a suspicious request,
which would otherwise be answered as a server error.
https://drf-standardized-errors.readthedocs.io/en/latest/customization.html
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_standardized_errors import handler
from drf_standardized_errors.openapi_serializers import {% if cookiecutter.api_auth == "jwt" %}ClientErrorEnum, ErrorCode401Enum, ErrorCode403Enum{% else %}ClientErrorEnum, ErrorCode403Enum{% endif %}
from rest_framework import exceptions, serializers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "request_too_large"


class ExceptionHandler(handler.ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge(f"Request body larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
        return super().convert_known_exceptions(exc)


class Error413Serializer(serializers.Serializer[None]):
    code = serializers.ChoiceField(choices=[(RequestTooLarge.default_code, "Request Too Large")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


# The body of a 413, in the schema.
class ErrorResponse413Serializer(serializers.Serializer[None]):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error413Serializer(many=True)  # type: ignore[assignment]  # a field, not Serializer.errors


class Error403Serializer(serializers.Serializer[None]):
    # A login that is missing is a 403 too where no scheme can be named (session login only).
    code = serializers.ChoiceField(choices=[*ErrorCode403Enum.choices, ("not_authenticated", "Not Authenticated")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


# The body of a 403, in the schema.
class ErrorResponse403Serializer(serializers.Serializer[None]):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error403Serializer(many=True)  # type: ignore[assignment]  # a field, not Serializer.errors

{%- if cookiecutter.api_auth == "jwt" %}


class Error401Serializer(serializers.Serializer[None]):
    # simplejwt's codes too: a wrong password, and a token that is expired or invalid.
    code = serializers.ChoiceField(
        choices=[
            *ErrorCode401Enum.choices,
            ("no_active_account", "No Active Account"),
            ("token_not_valid", "Token Not Valid"),
        ]
    )
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


# The body of a 401, in the schema.
class ErrorResponse401Serializer(serializers.Serializer[None]):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error401Serializer(many=True)  # type: ignore[assignment]  # a field, not Serializer.errors
{%- endif %}
