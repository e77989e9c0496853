"""Logging in to the API: a token for a username and password."""

from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework.authtoken.views import ObtainAuthToken

from api.parsers import JSONParser
from api.throttling import AnonRateThrottle, UserRateThrottle


# Wrong credentials fail AuthTokenSerializer.validate, whose code the schema cannot find by itself.
@extend_validation_errors(["authorization"], field_name="non_field_errors", methods=["post"])
class TokenView(ObtainAuthToken):
    """Exchange a username and password for that user's API token."""

    # DRF's view, with the API's parser (JSON only) and limits (settings.py): DRF
    # gives it none, which would leave password guessing unlimited. The
    # credentials are in the body, so a stale Authorization header must not turn
    # it into a 401.
    parser_classes = [JSONParser]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    authentication_classes = []
