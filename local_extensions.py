"""Jinja filters for the template.

`python_string` and `toml_escape` turn free-text answers into safe literals: a
project name such as `Bob's "Best" Books` must not break the Python or TOML
file it is written into, and the Python literal must be the one `ruff format`
would write, so the baked project stays format-clean.
"""

import json

from jinja2.ext import Extension


def python_string(value: str) -> str:
    """A Python string literal, in double quotes unless that needs more escapes."""
    literal = repr(str(value))
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def toml_escape(value: str) -> str:
    """The inside of a TOML basic string: JSON's escapes are a subset of TOML's."""
    return json.dumps(str(value), ensure_ascii=False)[1:-1]


class FiltersExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["python_string"] = python_string
        environment.filters["toml_escape"] = toml_escape
