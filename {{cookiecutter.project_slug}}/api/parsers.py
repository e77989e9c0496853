"""The API's request parser: JSON, where a body too deeply nested is a 400.

Python's json module raises RecursionError (not ValueError) for input nested
about a thousand levels deep, and DRF's JSONParser lets it escape as a 500.
"""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 to JSON nested too deeply to read."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
