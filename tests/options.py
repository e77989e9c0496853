"""The template's options, in one table that every test reads.

An option's values come from cookiecutter.json; everything else a test must
know about it is its row in OPTIONS. The files an answer brings are the
post-generation hook's table (the hook removes those of unchosen answers), so
adding a yes/no option means: its entry in cookiecutter.json, its files, its
row in the hook's table and here, and its line in the README.

From the table come the combinations the tests bake:

- every_combination(): each distinct project the options can produce (an
  option that is irrelevant under another answer, as api_auth without DRF,
  keeps its default there);
- pairwise_combinations(): a subset in which every pair of option values that
  can occur together occurs at least once, for the slow checks;
- fast_combinations(): every combination of the options that shape the code
  (the others at their defaults), plus the pairwise set, for the fast checks.
  An option marked `in_every_combination=False` (what an instructor turns
  off: Kubernetes, Dependabot, the audit's mode) changes only its own files,
  which tests/test_options.py proves, so pairs cover it;
- container_combinations(): the defaults, plus the defaults with each value
  that adds compose services, for the container runs.
"""

import dataclasses
import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON: dict = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())

Combo = dict[str, str]


@dataclasses.dataclass(frozen=True)
class Option:
    """An option that changes the baked code, and what tests must know about it."""

    name: str
    # How combination ids spell it: "py" gives py3.13, "drf" gives drf / nodrf.
    label: str
    # value -> pattern (case-insensitive) that only a bake with that value may contain.
    traces: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Answers under which this option matters at all, e.g. {"use_drf": "y"}.
    relevant_if: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # value -> the compose services it adds, which the container runs must cover.
    services: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # False: the option changes only its own files (those of its answers in the
    # post-generation hook's table, and `touches`), so the fast checks cover it in
    # pairs instead of in every combination.
    in_every_combination: bool = True
    # The files, besides its own, whose text it changes.
    touches: tuple[str, ...] = ()

    @property
    def values(self) -> list[str]:
        declared = COOKIECUTTER_JSON[self.name]
        return list(declared) if isinstance(declared, list) else ["y", "n"] if declared == "y" else ["n", "y"]

    @property
    def default(self) -> str:
        return self.values[0]

    @property
    def yes_no(self) -> bool:
        return sorted(self.values) == ["n", "y"]

    def relevant(self, combo: Combo) -> bool:
        return all(combo[name] == value for name, value in self.relevant_if.items())

    def spell(self, value: str) -> str:
        if self.yes_no:
            return self.label if value == "y" else f"no{self.label}"
        return f"{self.label}{value}"


OPTIONS: list[Option] = [
    Option("python_version", label="py"),
    Option(
        "use_drf",
        label="drf",
        traces={"y": r"rest_framework|djangorestframework|drf|spectacular|\bapi/"},
    ),
    Option(
        "api_auth",
        label="",
        traces={"token": r"authtoken|auth/token", "jwt": r"simplejwt|\bjwt\b"},
        relevant_if={"use_drf": "y"},
    ),
    Option("example_app", label="library", traces={"y": r"library|\bbooks?\b"}),
    Option(
        "background_tasks",
        label="tasks-",
        traces={"database": r"django_tasks|db_worker|prune_db_task_results", "celery": r"celery|redis"},
        services={"database": ("worker",), "celery": ("redis", "worker")},
    ),
    Option(
        "use_kubernetes",
        label="k8s",
        traces={"y": r"kubernetes|kustomiz|kubectl"},
        in_every_combination=False,
        touches=("README.md", ".gitignore", ".dockerignore"),
    ),
    Option(
        "use_dependabot",
        label="dependabot",
        traces={"y": r"dependabot"},
        in_every_combination=False,
        touches=("README.md", ".github/workflows/ci.yml"),
    ),
    Option(
        "vulnerability_audit",
        label="audit-",
        traces={"blocking": r"fails the (audit )?job", "advisory": r"GITHUB_STEP_SUMMARY|reporting only"},
        in_every_combination=False,
        touches=("README.md", ".github/workflows/ci.yml"),
    ),
]

# Answers that are free text or change no code (checked by the hook tests).
OTHER_QUESTIONS = {"project_name", "project_slug", "description", "author_name", "email", "timezone", "license"}

BY_NAME = {option.name: option for option in OPTIONS}


def defaults() -> Combo:
    return {option.name: option.default for option in OPTIONS}


def combo_id(combo: Combo) -> str:
    return "-".join(option.spell(combo[option.name]) for option in OPTIONS if option.relevant(combo))


def changed_from_the_defaults(combo: Combo) -> str:
    """A short id: only the answers that differ from the defaults (names stay short, as PostgreSQL's must)."""
    changed = [option.spell(combo[option.name]) for option in OPTIONS if combo[option.name] != option.default]
    return "-".join(changed) or "defaults"


def every_combination(options: list[Option] = OPTIONS) -> list[Combo]:
    """Every distinct project over these options (the others at their defaults); irrelevant options keep theirs."""
    seen: dict[str, Combo] = {}
    for values in itertools.product(*(option.values for option in options)):
        combo = {**defaults(), **dict(zip((option.name for option in options), values, strict=True))}
        combo = {option.name: combo[option.name] if option.relevant(combo) else option.default for option in OPTIONS}
        seen.setdefault(combo_id(combo), combo)
    return list(seen.values())


def fast_combinations() -> list[Combo]:
    """Every combination of the options that shape the code, then the pairs that cover the others."""
    combos = every_combination([option for option in OPTIONS if option.in_every_combination])
    ids = {combo_id(combo) for combo in combos}
    return combos + [combo for combo in pairwise_combinations() if combo_id(combo) not in ids]


def value_pairs(combo: Combo) -> Iterator[tuple[tuple[str, str], tuple[str, str]]]:
    """The pairs of (option, value) a combination exercises: relevant options only."""
    relevant = [(option.name, combo[option.name]) for option in OPTIONS if option.relevant(combo)]
    yield from itertools.combinations(relevant, 2)


def pairwise_combinations() -> list[Combo]:
    """A small set of combinations covering every pair of option values at least once.

    Greedy: start from the defaults, then repeatedly take the combination that
    covers the most pairs not yet covered (the first such, in a fixed order).
    """
    candidates = every_combination()
    chosen = [defaults()]
    covered = set(value_pairs(chosen[0]))
    needed = {pair for combo in candidates for pair in value_pairs(combo)}
    while covered < needed:
        best = max(candidates, key=lambda combo: len(set(value_pairs(combo)) - covered))
        chosen.append(best)
        covered |= set(value_pairs(best))
    return chosen


def container_combinations() -> list[Combo]:
    """The defaults, and the defaults with each value that adds services."""
    return [defaults()] + [{**defaults(), option.name: value} for option in OPTIONS for value in option.services]


def unchosen_traces(combo: Combo) -> dict[str, str]:
    """Pattern -> the option value it belongs to, for every value this combination does not have."""
    return {
        pattern: f"{option.name}={value}"
        for option in OPTIONS
        for value, pattern in option.traces.items()
        if combo[option.name] != value or not option.relevant(combo)
    }
