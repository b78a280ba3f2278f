"""The walk with scripted answers: every branch of every built-in reaches the end and the notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import drive, synthetic_answer
from resetkit.format.conditions import evaluate
from resetkit.format.loader import load_file, parse_playbook
from resetkit.format.model import AllOf, AnyOf, ChoiceQuestion, Compare, Playbook, YesNoQuestion
from resetkit.places import builtin_dir
from resetkit.question_types import AnswerError, check_answer
from resetkit.run.answers import missing
from resetkit.run.live import fit_answers
from resetkit.run.walk import active, prune

IDS = ["fire", "postmortem", "recovery", "reset", "risk-check"]
TODAY = date(2026, 11, 24)


def satisfy(condition: Any) -> dict[str, Any]:
    """Answers that make a condition (without `not`) hold."""
    if condition is None:
        return {}
    if isinstance(condition, AllOf):
        found: dict[str, Any] = {}
        for part in condition.all_:
            found |= satisfy(part)
        return found
    if isinstance(condition, AnyOf):
        return satisfy(condition.any_[0])
    assert isinstance(condition, Compare), "built-ins do not use 'not'"
    if condition.answered is not None:
        return {}
    return {
        condition.question: condition.equals if condition.one_of is None else condition.one_of[0]
    }


def enabling(playbook: Playbook, question_id: str) -> dict[str, Any]:
    """Answers that make a question apply, following its section's and its own conditions."""
    for section, question in playbook.questions():
        if question.id == question_id:
            needed = satisfy(section.when) | satisfy(question.when)
            for earlier in list(needed):
                needed = enabling(playbook, earlier) | needed
            return needed
    raise KeyError(question_id)


def branches() -> list[tuple[str, str, Any]]:
    """(playbook, question, value) for every value of every choice and yes/no question."""
    cases = []
    for playbook_id in IDS:
        playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
        for _, question in playbook.questions():
            if isinstance(question, ChoiceQuestion):
                cases += [(playbook_id, question.id, c.value) for c in question.choices]
            elif isinstance(question, YesNoQuestion):
                cases += [(playbook_id, question.id, True), (playbook_id, question.id, False)]
    return cases


@pytest.mark.parametrize(("playbook_id", "question_id", "value"), branches())
def test_every_branch_reaches_the_end_and_the_notes_hold_the_answers(
    playbook_id: str, question_id: str, value: Any
) -> None:
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    driven = drive(playbook_id, enabling(playbook, question_id) | {question_id: value})
    assert missing(playbook, driven.session.answers) == []
    assert driven.session.status == "complete"
    assert driven.session.answers[question_id] == value
    notes = driven.paths[0].read_text("utf-8")
    for _, question in active(playbook, driven.session.answers):
        answer = driven.session.answers[question.id]
        if question.type in ("text", "long_text"):
            assert answer.splitlines()[0] in notes
        if question.type == "list":
            assert f"- item for {question.id}" in notes
        if question.type == "action_items":
            assert f"action for {question.id}" in notes


@pytest.mark.parametrize("outcome", ["continue", "terminate", "follow-up", "compromise"])
def test_reset_outcome_branch_asks_its_own_questions(outcome: str) -> None:
    driven = drive("reset", {"outcome": outcome})
    asked = set(driven.session.answers)
    branch = {
        "continue": {"aligned-expectations"},
        "terminate": {"decided-by", "termination-terms", "refund", "door-open"},
        "follow-up": {"follow-up-date", "decision-needs"},
        "compromise": {"compromise-kind", "compromise-terms", "compromise-until"},
    }
    assert branch[outcome] <= asked
    for other, questions in branch.items():
        if other != outcome:
            assert not questions & asked
    assert driven.session.outcome == outcome
    assert "actions" in asked


def test_risk_check_recommends_fire_for_a_costly_chronic_customer() -> None:
    driven = drive("risk-check", {"chronic": True, "cost-vs-value": "out-of-proportion"})
    assert driven.session.recommendation is not None
    assert driven.session.recommendation.playbook == "fire"
    assert "Run the `fire` playbook." in driven.paths[0].read_text("utf-8")


def test_risk_check_recommends_nothing_when_all_is_well() -> None:
    driven = drive(
        "risk-check",
        {
            "silence": "recent",
            "acquisition": False,
            "champion-left": False,
            "chronic": False,
            "cost-vs-value": "fair",
        },
    )
    assert driven.session.recommendation is not None
    assert driven.session.recommendation.playbook is None


def test_an_hour_long_reset_doubles_the_section_budgets() -> None:
    driven = drive("reset", {"call-length": "1h"})
    assert driven.session.planned_minutes == 60
    assert "· 6m ─" in driven.screen  # the 3m section's panel, scaled to the hour
    assert " of 6:00 · meeting" in driven.screen


def test_running_over_the_timebox_is_shown_and_does_not_block() -> None:
    driven = drive("recovery", seconds_per_tick=400)
    assert "(over by" in driven.screen
    assert driven.session.meeting_minutes > 60
    assert driven.session.status == "complete"


def test_giving_the_same_answer_again_at_review_keeps_its_branch() -> None:
    driven = drive("reset", {"outcome": "terminate"}, picks=["change", "outcome", "save"])
    assert "termination-terms" in driven.session.answers


def test_prune_drops_answers_whose_condition_no_longer_holds() -> None:
    playbook = load_file(builtin_dir() / "reset.yaml")
    answers = {q.id: synthetic_answer(q) for _, q in playbook.questions()}
    answers["outcome"] = "continue"
    dropped = prune(playbook, answers)
    assert "termination-terms" in dropped and "termination-terms" not in answers
    assert "aligned-expectations" in answers


def test_discard_writes_no_notes_and_marks_the_record() -> None:
    driven = drive("risk-check", picks=["discard", "discard"])
    assert driven.paths == []
    assert driven.session.status == "discarded"
    assert not (driven.folder / "notes.md").exists()
    assert (driven.folder / "session.json").exists()


def test_two_sessions_same_day_never_share_a_folder() -> None:
    first, second = drive("risk-check"), drive("risk-check")
    assert first.folder != second.folder
    assert second.folder.name.endswith("-risk-check-2")


@pytest.mark.parametrize(
    ("kind", "raw", "problem"),
    [
        ("number", "lots", "takes a number"),
        ("date", "someday", "takes a date"),
        ("yes_no", "perhaps", "takes yes or no"),
        ("choice", "purple", "has no choice 'purple'"),
        ("text", "two\nlines", "one line"),
    ],
)
def test_bad_answers_are_refused_with_what_would_fit(kind: str, raw: Any, problem: str) -> None:
    extra = "\n        choices: [red, green]" if kind == "choice" else ""
    playbook = parse_playbook(
        "id: t\ntitle: T\nduration: 5m\nsections:\n  - id: s\n    title: S\n    timebox: 5m\n"
        f"    questions:\n      - id: q\n        type: {kind}\n        prompt: Q?{extra}\n",
        "t.yaml",
    )
    with pytest.raises(AnswerError, match=problem):
        check_answer(playbook.question("q"), raw, TODAY)


def test_relative_dates_resolve_against_the_day_of_the_call() -> None:
    playbook = load_file(builtin_dir() / "reset.yaml")
    assert check_answer(playbook.question("follow-up-date"), "+2w", TODAY) == "2026-12-08"


def test_a_changed_playbook_keeps_the_answers_that_still_fit() -> None:
    playbook: Playbook = load_file(builtin_dir() / "reset.yaml")
    answers: dict[str, Any] = {"attendees": ["Dana"], "gone": "x", "call-length": "2h"}
    notices = fit_answers(playbook, answers, TODAY)
    assert answers == {"attendees": ["Dana"]}
    assert 'the answer "x" is dropped: its question is no longer asked' in notices
    assert any('"How long is the call?" has no choice' in n for n in notices)
    assert not any("'gone'" in n or "call-length" in n for n in notices)  # ids stay unseen


def test_conditions_compare_types_strictly() -> None:
    playbook = load_file(builtin_dir() / "reset.yaml")
    when = playbook.question("wait-until").when
    assert evaluate(when, {"case": "feature-soon", "will-wait": True})
    assert not evaluate(when, {"case": "feature-soon", "will-wait": 1})


def test_review_shows_choice_labels_not_stored_values() -> None:
    driven = drive("risk-check", {"silence": "silent"})
    review = driven.screen.split("Review", 1)[1]
    assert "Over three months" in review
    assert " silent " not in review


def test_changing_the_outcome_at_review_drops_that_branch_and_asks_the_new_one() -> None:
    from datetime import UTC, datetime
    from io import StringIO

    from rich.console import Console

    from conftest import synthetic_answer
    from resetkit.record.store import begin
    from resetkit.run.live import Run
    from resetkit.run.prompts import ScriptedPrompter

    class ChangesItsMind(ScriptedPrompter):
        """Answers 'terminate' the first time the outcome is asked, 'continue' the second."""

        def ask(self, question, current, today, asking=None):  # type: ignore[no-untyped-def]
            if question.id == "outcome":
                return outcomes.pop(0)
            return super().ask(question, current, today, asking)

    outcomes = ["terminate", "continue"]
    path = builtin_dir() / "reset.yaml"
    playbook = load_file(path)
    answers = {q.id: synthetic_answer(q) for _, q in playbook.questions()}
    session, folder = begin(
        playbook,
        path,
        path.read_text("utf-8"),
        "Acme",
        [],
        Path.cwd() / "notes",
        datetime(2026, 11, 24, tzinfo=UTC),
    )
    screen = StringIO()
    run = Run(
        playbook,
        session,
        folder,
        ChangesItsMind(answers, ["change", "outcome", "save"]),
        Console(file=screen, width=120),
    )
    run.walk()
    assert "termination-terms" in session.answers
    run.finish(run.review())
    assert session.outcome == "continue"
    assert "termination-terms" not in session.answers
    assert (
        session.answers["aligned-expectations"] == "long text for aligned-expectations\nsecond line"
    )
    asked = playbook.question("termination-terms").prompt
    assert f'"{asked}" no longer applies: its answer is dropped' in screen.getvalue()
    notes = (folder / "notes.md").read_text("utf-8")
    assert playbook.question("termination-terms").prompt not in notes
    assert playbook.question("aligned-expectations").prompt in notes
