"""The options table itself: complete, and the combinations drawn from it."""

from pathlib import Path

import pytest

from tests.helpers import TEMPLATE_DIR, load_hook
from tests.options import (
    BY_NAME,
    COOKIECUTTER_JSON,
    OPTIONS,
    OTHER_QUESTIONS,
    combo_id,
    container_combinations,
    defaults,
    every_combination,
    fast_combinations,
    pairwise_combinations,
    value_pairs,
)

PROJECT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
PATHS_BY_ANSWER = load_hook("post_gen_project").PATHS_BY_ANSWER


def test_every_question_is_an_option_or_a_known_free_text_answer():
    questions = {key for key in COOKIECUTTER_JSON if not key.startswith("_")}

    assert questions == set(BY_NAME) | OTHER_QUESTIONS


def test_combination_ids_are_unique():
    ids = [combo_id(combo) for combo in every_combination()]

    assert len(ids) == len(set(ids))


def test_irrelevant_options_are_collapsed():
    """api_auth without DRF bakes the same project whatever its value: one combination covers it."""
    without_drf = [combo for combo in every_combination() if combo["use_drf"] == "n"]

    assert {combo["api_auth"] for combo in without_drf} == {BY_NAME["api_auth"].default}


def test_pairwise_set_covers_every_pair_of_values():
    needed = {pair for combo in every_combination() for pair in value_pairs(combo)}
    covered = {pair for combo in pairwise_combinations() for pair in value_pairs(combo)}

    assert needed - covered == set()


def test_pairwise_set_starts_with_the_defaults_and_is_smaller_than_every_combination():
    chosen = pairwise_combinations()

    assert chosen[0] == defaults()
    assert len(chosen) < len(every_combination())


def test_container_runs_cover_every_value_that_adds_services():
    runs = container_combinations()

    assert runs[0] == defaults()
    for option in OPTIONS:
        for value in option.services:
            assert any(combo[option.name] == value for combo in runs), f"{option.name}={value}"


def test_fast_set_holds_every_combination_of_the_options_that_shape_the_code():
    shaping = [option for option in OPTIONS if option.in_every_combination]
    fast = {combo_id(combo) for combo in fast_combinations()}

    assert {combo_id(combo) for combo in every_combination(shaping)} <= fast
    assert {combo_id(combo) for combo in pairwise_combinations()} <= fast


def differing_files(first: Path, second: Path) -> set[str]:
    def files(project: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(project)): path.read_bytes()
            for path in project.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(project).parts and path.name != ".env"
        }

    one, other = files(first), files(second)
    return {name for name in one.keys() | other.keys() if one.get(name) != other.get(name)}


PAIRED = [
    pytest.param(option, value, id=f"{option.name}={value}")
    for option in OPTIONS
    if not option.in_every_combination
    for value in option.values[1:]
]


@pytest.mark.parametrize(("option", "value"), PAIRED)
def test_option_covered_in_pairs_changes_only_its_own_files(bake, option, value):
    """What lets pairs cover it: beside its own files and those it names, the bake is the defaults'."""
    own = [path for (name, _), paths in PATHS_BY_ANSWER.items() if name == option.name for path in paths]

    changed = differing_files(bake(), bake(**{option.name: value}))

    assert {name for name in changed if not any(name == p or name.startswith(f"{p}/") for p in own)} <= set(
        option.touches
    )


def test_each_answers_files_exist_in_the_template():
    missing = [path for paths in PATHS_BY_ANSWER.values() for path in paths if not (PROJECT_TEMPLATE / path).exists()]

    assert missing == []


def test_each_answer_with_files_is_a_value_of_an_option():
    unknown = [
        f"{option}={value}"
        for option, value in PATHS_BY_ANSWER
        if option not in BY_NAME or value not in BY_NAME[option].values
    ]

    assert unknown == []


def test_each_traced_value_is_a_value_of_its_option():
    assert [(option.name, value) for option in OPTIONS for value in option.traces if value not in option.values] == []
