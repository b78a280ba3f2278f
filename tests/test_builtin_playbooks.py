"""The built-in playbooks: valid, usable live, faithful to their method."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from resetkit.format.authoring import schema_text
from resetkit.format.loader import load_file
from resetkit.format.model import ActionItemsQuestion, Playbook, parse_duration
from resetkit.places import builtin_dir

IDS = ["fire", "postmortem", "recovery", "reset", "risk-check"]


def builtin(playbook_id: str) -> Playbook:
    return load_file(builtin_dir() / f"{playbook_id}.yaml")


def test_exactly_the_five_builtins_ship() -> None:
    assert sorted(path.stem for path in builtin_dir().glob("*.yaml")) == IDS


@pytest.mark.parametrize("playbook_id", IDS)
def test_builtin_validates_against_the_json_schema(playbook_id: str) -> None:
    import yaml

    schema = json.loads(schema_text())
    document = yaml.safe_load((builtin_dir() / f"{playbook_id}.yaml").read_text("utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(document), key=str)
    assert errors == []


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads(schema_text())
    broken = {
        "id": "x",
        "title": "x",
        "duration": "5m",
        "sections": [
            {
                "id": "s",
                "title": "S",
                "timebox": "5m",
                "questions": [{"id": "q", "type": "text", "promt": "typo"}],
            }
        ],
    }
    assert list(Draft202012Validator(schema).iter_errors(broken))


@pytest.mark.parametrize("playbook_id", IDS)
def test_timeboxes_add_up_to_the_planned_duration(playbook_id: str) -> None:
    playbook = builtin(playbook_id)
    assert sum(s.minutes for s in playbook.sections if s.when is None) == playbook.minutes


@pytest.mark.parametrize("playbook_id", IDS)
def test_every_prompt_fits_one_line_of_an_80_column_terminal(playbook_id: str) -> None:
    # Longer ones wrap (tests/test_screen.py), but a prompt should read at a glance: "? " first.
    too_long = [q.prompt for _, q in builtin(playbook_id).questions() if len(q.prompt) + 3 > 80]
    assert too_long == []


@pytest.mark.parametrize("playbook_id", ["postmortem", "risk-check"])
def test_internal_playbooks_mark_every_question_internal(playbook_id: str) -> None:
    questions = [question for _, question in builtin(playbook_id).questions()]
    assert questions and all(question.internal for question in questions)


def test_reset_has_the_four_outcomes_and_a_question_per_branch() -> None:
    reset = builtin("reset")
    assert [o.id for o in reset.outcomes] == ["continue", "terminate", "follow-up", "compromise"]
    branches = {
        outcome.id: [
            q.id
            for _, q in reset.questions()
            if q.when is not None and f"equals='{outcome.id}'" in repr(q.when)
        ]
        for outcome in reset.outcomes
    }
    assert all(branches.values()), branches
    assert isinstance(reset.question("actions"), ActionItemsQuestion)
    assert reset.question("actions").when is None


def test_reset_length_can_be_an_hour() -> None:
    choice = builtin("reset").question("call-length")
    assert [parse_duration(c.value) for c in choice.choices] == [30, 60]  # type: ignore[union-attr]


def test_fire_recap_is_the_transition_plan_and_names_no_internal_question() -> None:
    fire = builtin("fire")
    assert fire.recap is not None
    named = {item.answer for part in fire.recap.parts for item in part.items}
    internal = {q.id for _, q in fire.questions() if q.internal}
    assert {"poor-fit", "executive-view", "our-misses", "their-misses"} <= internal
    assert not named & internal
    assert {"transition-time", "service-end", "contract-clauses", "refund-amount"} <= named
    assert {"transition-support", "data-export", "actions"} <= named
    # What the CSM records for us alone: reactions, key players, the reasons as argued.
    assert not named & {"reaction", "main-contact", "signing-executive", "reasons-given"}


@pytest.mark.parametrize("playbook_id", ["postmortem", "risk-check"])
def test_internal_playbooks_have_no_recap(playbook_id: str) -> None:
    assert builtin(playbook_id).recap is None


@pytest.mark.parametrize("playbook_id", ["fire", "recovery", "reset"])
def test_customer_facing_playbooks_have_a_recap(playbook_id: str) -> None:
    recap = builtin(playbook_id).recap
    assert recap is not None and recap.title and recap.opening


def test_fire_break_up_agenda_is_in_order() -> None:
    timed = [s.id for s in builtin("fire").sections if s.minutes]
    assert timed == ["announce", "reasons", "reaffirm", "present-plan", "discuss", "close"]


def test_risk_check_recommends_a_playbook_for_every_case() -> None:
    rules = builtin("risk-check").recommendations
    assert [rule.playbook for rule in rules] == ["fire", "recovery", "reset", None]
    assert rules[-1].when is None
