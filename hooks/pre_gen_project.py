"""Check the answers before any file is written.

Each validator takes one answer and returns an error message, or None when the
answer is fine. The first error is printed on one line and generation stops;
cookiecutter then removes the project directory it created. The answers are
read in main(), so tests can import this module and call each validator.
"""

import functools
import json
import keyword
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

SLUG_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The template's folders: the project's own (named by its slug) and the lock's
# (whose modules.txt lists every module the locked packages install).
PROJECT_TEMPLATE_GLOB = "*cookiecutter.project_slug*"
LOCKED_MODULES = Path("templates") / "locks" / "modules.txt"


def taken_names(template: Path) -> frozenset[str]:
    """The module names a project folder must not have: it would shadow them when Python runs from its parent.

    Python's standard library, the modules of every package the project may
    lock (written with the lock by tools/locks.py), and the project's own
    top-level modules and folders (config, api, manage, ...).
    """
    locked = (template / LOCKED_MODULES).read_text().split("\n")
    (project,) = template.glob(PROJECT_TEMPLATE_GLOB)
    own = [entry.name.removesuffix(".py") for entry in project.iterdir() if entry.is_dir() or entry.suffix == ".py"]
    # `test` is the standard library's own test suite, which sys.stdlib_module_names leaves out.
    standard = {*sys.stdlib_module_names, "test"}
    return frozenset(standard | {name for name in locked + own if name.isidentifier()})


def validate_project_name(name: str) -> str | None:
    """The name appears in titles and the README, so it must say something."""
    if not name.strip():
        return "project_name is blank: give the project a name, e.g. 'Library Project'."
    return None


def slug_suggestion(slug: str, taken: frozenset[str]) -> str:
    """A valid slug close to the one given, to put in the error message."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", slug.strip().lower()).strip("_")
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"project_{cleaned}".rstrip("_")
    if is_keyword(cleaned) or cleaned in taken:
        cleaned = f"{cleaned}_project"
    return cleaned


def is_keyword(name: str) -> bool:
    return keyword.iskeyword(name) or keyword.issoftkeyword(name)


def validate_project_slug(slug: str, taken: frozenset[str]) -> str | None:
    """The slug names the folder and must be usable as a Python module name that shadows none."""
    hint = f"try '{slug_suggestion(slug, taken)}'"
    if not SLUG_PATTERN.match(slug):
        return (
            f"project_slug '{slug}' is not a lowercase ASCII Python identifier "
            f"(letters a-z, digits and underscores, not starting with a digit): {hint}."
        )
    if is_keyword(slug):
        return f"project_slug '{slug}' is a Python keyword: {hint}."
    if slug in taken:
        return f"project_slug '{slug}' would shadow the '{slug}' module the project or Python imports: {hint}."
    return None


def validate_email(email: str) -> str | None:
    """A rough shape check: catches typos, not every invalid address."""
    if not EMAIL_PATTERN.match(email):
        return f"email '{email}' does not look like an email address: use name@example.com."
    return None


def validate_timezone(name: str) -> str | None:
    """TIME_ZONE must be an IANA name Django can load."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if not available_timezones():
            # No time zone database on this machine (Windows without tzdata):
            # nothing to check against, so trust the answer.
            return None
        return f"timezone '{name}' is not a known IANA time zone: use a name such as UTC or Europe/Paris."
    return None


def validate_yes_no(question: str, answer: object) -> str | None:
    """A yes/no answer in a spelling the template reads (local_extensions.yes_no has made it y or n)."""
    if answer in ("y", "n"):
        return None
    return f"{question} '{answer}' is not a yes or a no: answer y or n (yes/no, true/false and 1/0 work too)."


def yes_no_questions(template: Path) -> list[str]:
    """The questions whose default in cookiecutter.json is y or n."""
    defaults = json.loads((template / "cookiecutter.json").read_text())
    return [name for name, default in defaults.items() if default in ("y", "n")]


def validators(template: Path) -> dict[str, Callable[[Any], str | None]]:
    """One validator per answer that can be wrong; the template folder tells which names are taken."""
    taken = taken_names(template)
    checks: dict[str, Callable[[Any], str | None]] = {
        "project_name": validate_project_name,
        "project_slug": lambda slug: validate_project_slug(slug, taken),
        "email": validate_email,
        "timezone": validate_timezone,
    }
    for question in yes_no_questions(template):
        checks[question] = functools.partial(validate_yes_no, question)
    return checks


# Runs detached once this hook has exited: it waits for cookiecutter to delete
# the project directory, then removes the empty parents it created for it.
CLEANUP_SCRIPT = """
import os, sys, time
project, parents = sys.argv[1], sys.argv[2:]
for _ in range(100):
    if not os.path.exists(project):
        break
    time.sleep(0.05)
for parent in parents:
    try:
        os.rmdir(parent)
    except OSError:
        break
"""


def remove_created_parents(slug: str, output_dir: Path) -> None:
    """Clean up after a slug with a path separator, such as 'a/b'.

    cookiecutter creates every directory of such a slug before this hook runs
    but on failure removes only the innermost one. Only empty directories are
    removed, so nothing that existed with content is ever touched.
    """
    relative = Path(slug)
    if relative.is_absolute() or ".." in relative.parts or len(relative.parts) < 2:
        return
    parents = [str(output_dir / parent) for parent in relative.parents if parent != Path(".")]
    subprocess.Popen(
        [sys.executable, "-c", CLEANUP_SCRIPT, os.getcwd(), *parents],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> int:
    # The answers, rendered by cookiecutter as JSON inside a raw string so that
    # quotes or backslashes in an answer cannot break this file; yes/no answers
    # spelled y or n where they can be read (local_extensions.answers).
    context: dict[str, Any] = json.loads(r"""{{ cookiecutter | answers | tojson }}""")
    template = Path(r"""{{ template_dir }}""")
    for answer, validate in validators(template).items():
        error = validate(context[answer])
        if error:
            print(f"ERROR: {error}", file=sys.stderr)
            if "_output_dir" in context:  # cookiecutter's; cruft makes no nested folders to clean
                remove_created_parents(context["project_slug"], Path(context["_output_dir"]))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
