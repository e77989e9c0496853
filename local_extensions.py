"""Jinja filters and tests for the template.

`python_string` and `toml_escape` turn free-text answers into safe literals: a
project name such as `Bob's "Best" Books` must not break the Python or TOML
file it is written into, and the Python literal must be the one `ruff format`
would write, so the baked project stays format-clean.

Yes/no questions are those whose default in cookiecutter.json is "y" or "n".
Their answers arrive as typed (`Yes`), as given on the command line (`TRUE`)
or as a preset file's YAML boolean, so the templates ask `is yes` rather than
compare with "y", and the hooks get the answers through `answers`, which
spells each known yes/no answer "y" or "n" (the pre-generation hook refuses
any other).
"""

import json
from pathlib import Path
from typing import Any

from jinja2.ext import Extension

TEMPLATE_DIR = Path(__file__).resolve().parent
DEFAULTS: dict[str, Any] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
YES_NO_QUESTIONS = [name for name, default in DEFAULTS.items() if default in ("y", "n")]
YES = ("y", "yes", "true", "1")
NO = ("n", "no", "false", "0")


def python_string(value: str) -> str:
    """A Python string literal, in double quotes unless that needs more escapes."""
    literal = repr(str(value))
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def toml_escape(value: str) -> str:
    """The inside of a TOML basic string: JSON's escapes are a subset of TOML's."""
    return json.dumps(str(value), ensure_ascii=False)[1:-1]


def yes_no(value: object) -> object:
    """A yes/no answer spelled "y" or "n"; any other value as it came (the hook refuses it)."""
    spelled = str(value).strip().lower()
    return "y" if spelled in YES else "n" if spelled in NO else value


def is_yes(value: object) -> bool:
    return yes_no(value) == "y"


def answers(context: dict[str, Any]) -> dict[str, Any]:
    """The answers with every yes/no one spelled "y" or "n", for the hooks."""
    return {name: yes_no(value) if name in YES_NO_QUESTIONS else value for name, value in context.items()}


class FiltersExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["python_string"] = python_string
        environment.filters["toml_escape"] = toml_escape
        environment.filters["answers"] = answers
        environment.tests["yes"] = is_yes
        # The template's own folder, for the hooks: cruft gives them no _repo_dir.
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
