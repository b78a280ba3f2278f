"""The state machine of a run: what to ask next, checking an answer, what no longer applies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from resetkit.conditions import evaluate
from resetkit.model import (
    ActionItemsQuestion,
    AnyQuestion,
    ChoiceQuestion,
    DateQuestion,
    ListQuestion,
    LongTextQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    Playbook,
    Recommendation,
    Section,
    TextQuestion,
    YesNoQuestion,
    parse_duration,
    resolve_date,
)


class AnswerError(ValueError):
    """An answer that does not fit its question; the message says what would."""


def active(playbook: Playbook, answers: Mapping[str, Any]) -> Iterator[tuple[Section, AnyQuestion]]:
    """The questions that apply given these answers, in the order they are asked."""
    for section in playbook.sections:
        if not evaluate(section.when, answers):
            continue
        for question in section.questions:
            if evaluate(question.when, answers):
                yield section, question


def active_sections(playbook: Playbook, answers: Mapping[str, Any]) -> list[Section]:
    """The sections whose condition holds."""
    return [section for section in playbook.sections if evaluate(section.when, answers)]


def next_question(
    playbook: Playbook, answers: Mapping[str, Any]
) -> tuple[Section, AnyQuestion] | None:
    """The first question that applies and has no answer yet; None when the walk is done."""
    for section, question in active(playbook, answers):
        if question.id not in answers:
            return section, question
    return None


def prune(playbook: Playbook, answers: dict[str, Any]) -> list[str]:
    """Drop answers to questions that no longer apply; return the ids dropped."""
    dropped: list[str] = []
    while True:
        # Conditions only look back, so one pass settles each question; loop for chains.
        applying = {question.id for _, question in active(playbook, answers)}
        stale = [question_id for question_id in answers if question_id not in applying]
        if not stale:
            return dropped
        for question_id in stale:
            del answers[question_id]
        dropped += stale


def outcome(playbook: Playbook, answers: Mapping[str, Any]) -> str | None:
    """The meeting's outcome, from the question that sets it."""
    question = playbook.outcome_question
    value = answers.get(question.id) if question else None
    return value if isinstance(value, str) else None


def planned_minutes(playbook: Playbook, answers: Mapping[str, Any]) -> int:
    """The meeting's planned length: a `sets_duration` answer, else the playbook's duration."""
    for _, question in playbook.questions():
        if isinstance(question, ChoiceQuestion) and question.sets_duration:
            value = answers.get(question.id)
            if isinstance(value, str):
                return parse_duration(value)
    return playbook.minutes


def section_budget_seconds(
    playbook: Playbook, section: Section, answers: Mapping[str, Any]
) -> float:
    """The section's timebox, scaled when the meeting was planned longer or shorter."""
    scale = planned_minutes(playbook, answers) / playbook.minutes if playbook.minutes else 1.0
    return section.minutes * 60 * scale


def recommend(playbook: Playbook, answers: Mapping[str, Any]) -> Recommendation | None:
    """The first recommendation rule that holds, if the playbook has any."""
    for rule in playbook.recommendations:
        if evaluate(rule.when, answers):
            return rule
    return None


def default_answer(question: AnyQuestion, today: date) -> Any:
    """The question's default as an answer value (dates resolved against today)."""
    default = question.default
    if default is None:
        return None
    if isinstance(question, DateQuestion):
        return resolve_date(default, today).isoformat()  # type: ignore[arg-type]
    if isinstance(question, ActionItemsQuestion):
        return [check_action_item(spec.model_dump(), today) for spec in question.default or []]
    return default


def check_answer(question: AnyQuestion, value: Any, today: date) -> Any:
    """The answer in its stored form; AnswerError when it does not fit the question."""
    if value is None or value == "" or value == []:
        if question.required:
            raise AnswerError(f"'{question.id}' is required")
        return None
    if isinstance(question, TextQuestion | LongTextQuestion):
        if not isinstance(value, str):
            raise AnswerError(f"'{question.id}' takes text")
        if isinstance(question, TextQuestion) and "\n" in value:
            raise AnswerError(f"'{question.id}' takes one line of text")
        return value
    if isinstance(question, YesNoQuestion):
        return _yes_no(question.id, value)
    if isinstance(question, ChoiceQuestion):
        return _choice(question, value)
    if isinstance(question, MultiChoiceQuestion):
        values = value if isinstance(value, list) else [value]
        picked = [_choice(question, item) for item in values]
        return [c.value for c in question.choices if c.value in picked]
    if isinstance(question, NumberQuestion):
        return _number(question, value)
    if isinstance(question, DateQuestion):
        return _date(question.id, value, today).isoformat()
    if isinstance(question, ListQuestion):
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in items):
            raise AnswerError(f"'{question.id}' takes a list of text items")
        kept = [item.strip() for item in items if item.strip()]
        if not kept and question.required:
            raise AnswerError(f"'{question.id}' is required")
        return kept or None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise AnswerError(f"'{question.id}' takes a list of action items (what, owner, due)")
    return [check_action_item(item, today) for item in value]


def _yes_no(question_id: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("y", "yes", "true"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("n", "no", "false"):
        return False
    raise AnswerError(f"'{question_id}' takes yes or no")


# The words YAML reads as true or false: `icp-review: no` in an answers file arrives as False.
_YAML_BOOLEANS = {True: ("yes", "true", "on"), False: ("no", "false", "off")}


def _choice(question: ChoiceQuestion | MultiChoiceQuestion, value: Any) -> str:
    for choice in question.choices:
        if value in (choice.value, choice.label):
            return choice.value
    if isinstance(value, bool):
        meant = [c for c in question.choices if c.value.lower() in _YAML_BOOLEANS[value]]
        if len(meant) == 1:
            return meant[0].value
    offered = ", ".join(choice.value for choice in question.choices)
    raise AnswerError(f"'{question.id}' has no choice {value!r} (choices: {offered})")


def _number(question: NumberQuestion, value: Any) -> int | float:
    if isinstance(value, bool):
        raise AnswerError(f"'{question.id}' takes a number")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "")) if value.strip() else None
        except ValueError:
            raise AnswerError(f"'{question.id}' takes a number, not {value!r}") from None
    if not isinstance(value, int | float) or value != value:
        raise AnswerError(f"'{question.id}' takes a number")
    number: int | float = int(value) if isinstance(value, float) and value.is_integer() else value
    if question.min is not None and number < question.min:
        raise AnswerError(f"'{question.id}' must be at least {question.min}")
    if question.max is not None and number > question.max:
        raise AnswerError(f"'{question.id}' must be at most {question.max}")
    return number


def _date(question_id: str, value: Any, today: date) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return resolve_date(value.strip(), today)
        except ValueError:
            pass
    raise AnswerError(f"'{question_id}' takes a date like 2026-12-01, 'today' or +14d")


def check_action_item(item: Mapping[str, Any], today: date) -> dict[str, Any]:
    """An action item in stored form, with a stable id; AnswerError for a bad field."""
    known = {"id", "what", "owner", "owner_name", "due", "critical_path", "status", "history"}
    unknown = set(item) - known
    if unknown:
        raise AnswerError(f"action item has unknown field(s): {', '.join(sorted(unknown))}")
    what = item.get("what")
    if not isinstance(what, str) or not what.strip():
        raise AnswerError("every action item needs a 'what'")
    owner = item.get("owner", "us")
    if owner not in ("us", "customer", "both"):
        raise AnswerError(f"action item owner must be us, customer or both, not {owner!r}")
    due = item.get("due")
    status = item.get("status", "open")
    if status not in ("open", "done", "dropped"):
        raise AnswerError(f"action item status must be open, done or dropped, not {status!r}")
    return {
        "id": str(item.get("id") or uuid.uuid4().hex[:8]),
        "what": what.strip(),
        "owner": owner,
        "owner_name": str(item.get("owner_name") or "").strip(),
        "due": None if due in (None, "") else _date("due", due, today).isoformat(),
        "critical_path": _yes_no("critical_path", item.get("critical_path", False)),
        "status": status,
        "history": list(item.get("history") or []),
    }
