"""How the API answers errors: DRF's way, plus a JSON 413 for a body over Django's size limit.

Django refuses a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) as a
suspicious request, which DRF leaves to Django: an HTML 400 page.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, status, views
from rest_framework.response import Response


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "request_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(f"Request body larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    return views.exception_handler(exc, context)
