"""A response header Django has no setting for."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


def cross_origin_resource_policy(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """`Cross-Origin-Resource-Policy: same-origin` on every answer.

    Other sites cannot embed the pages, images or scripts (as <img>, <script>,
    ...). Their front ends still call the API: a cross-origin fetch() is a
    CORS request, which this header does not govern.
    https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cross-Origin-Resource-Policy
    """

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware
