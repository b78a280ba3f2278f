"""Checking what a person typed: an answer against its question, an action item, an attendee.

Dispatches on each question's `type` and reads only its attributes, so it needs no models: the
first question of a run is checked before pydantic has loaded (see headstart.py).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resetkit.format.model import (
        AnyQuestion,
        ChoiceQuestion,
        MultiChoiceQuestion,
        NumberQuestion,
    )

RELATIVE_DAYS = re.compile(r"^\+(\d+)([dw])$")


class AnswerError(ValueError):
    """An answer that does not fit its question; the message says what would.

    It names the question as the person saw it (its prompt, quoted), never by its id: the id
    is the playbook author's, and only an answers file (which the caller names) uses it.
    """


def asked_as(question: AnyQuestion) -> str:
    """A question named as it was asked: its prompt, quoted."""
    return f'"{" ".join(question.prompt.split())}"'


def resolve_date(value: date | str, today: date) -> date:
    """The calendar date of an absolute date, 'today' or an offset like '+14d' from today."""
    if isinstance(value, date):
        return value
    if value == "today":
        return today
    match = RELATIVE_DAYS.match(value)
    if match is None:
        return date.fromisoformat(value)
    count, unit = int(match.group(1)), match.group(2)
    return today + timedelta(days=count * (7 if unit == "w" else 1))


def default_answer(question: AnyQuestion, today: date) -> Any:
    """The question's default as an answer value (dates resolved against today)."""
    default = question.default
    if default is None:
        return None
    if question.type == "date":
        return resolve_date(question.default, today).isoformat()  # type: ignore[arg-type]
    if question.type == "action_items":
        # dict() reads a model's fields and a plain mapping alike: the first question of a
        # run may be a plain copy (see headstart.py).
        return [check_action_item(dict(spec), today) for spec in question.default or []]
    return default


def check_answer(question: AnyQuestion, value: Any, today: date) -> Any:
    """The answer in its stored form; AnswerError when it does not fit the question."""
    if value is None or value == "" or value == []:
        if question.required:
            raise AnswerError(f"{asked_as(question)} is required")
        return None
    if question.type == "text" or question.type == "long_text":
        if not isinstance(value, str):
            raise AnswerError(f"{asked_as(question)} takes text")
        if question.type == "text" and "\n" in value:
            raise AnswerError(f"{asked_as(question)} takes one line of text")
        return value
    if question.type == "yes_no":
        return _yes_no(asked_as(question), value)
    if question.type == "choice":
        return _choice(question, value)
    if question.type == "multi_choice":
        values = value if isinstance(value, list) else [value]
        picked = [_choice(question, item) for item in values]
        return [c.value for c in question.choices if c.value in picked]
    if question.type == "number":
        return _number(question, value)
    if question.type == "date":
        return _date(asked_as(question), value, today).isoformat()
    if question.type == "list":
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in items):
            raise AnswerError(f"{asked_as(question)} takes a list of text items")
        kept = [item.strip() for item in items if item.strip()]
        if not kept and question.required:
            raise AnswerError(f"{asked_as(question)} is required")
        if getattr(question, "sets_attendees", False):
            # Each is a person on the call, written as after --attendee: NAME or NAME:ROLE.
            for item in kept:
                if not item.partition(":")[0].strip():
                    raise AnswerError(f"{item!r} has no name: write NAME or NAME:ROLE")
        return kept or None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise AnswerError(f"{asked_as(question)} takes a list of action items (what, owner, due)")
    return [check_action_item(item, today) for item in value]


def shown_answer(question: AnyQuestion, value: Any) -> str:
    """An answer on one line, as the person picked or typed it: labels, dates, first lines."""
    if value is None:
        return "(skipped)"
    kind = question.type
    if question.type == "choice" or question.type == "multi_choice":
        labels = {choice.value: choice.shown for choice in question.choices}
        picked = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(item, str(item)) for item in picked) or "(none)"
    if kind == "yes_no":
        return "Yes" if value else "No"
    if kind == "date":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return f"{day.isoformat()} ({day.strftime('%A')})"
    if kind == "number":
        unit = getattr(question, "unit", None)
        return f"{value} {unit}" if unit else str(value)
    if isinstance(value, list):
        return "; ".join(item["what"] if isinstance(item, dict) else str(item) for item in value)
    lines = str(value).strip().split("\n")
    more = len(lines) - 1
    return lines[0] + (f" (and {more} more line{'s' if more > 1 else ''})" if more else "")


def _yes_no(asked: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("y", "yes", "true"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("n", "no", "false"):
        return False
    raise AnswerError(f"{asked} takes yes or no")


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
    raise AnswerError(f"{asked_as(question)} has no choice {value!r} (choices: {offered})")


def _number(question: NumberQuestion, value: Any) -> int | float:
    if isinstance(value, bool):
        raise AnswerError(f"{asked_as(question)} takes a number")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "")) if value.strip() else None
        except ValueError:
            raise AnswerError(f"{asked_as(question)} takes a number, not {value!r}") from None
    if not isinstance(value, int | float):
        raise AnswerError(f"{asked_as(question)} takes a number")
    if isinstance(value, float) and not math.isfinite(value):
        # float() reads 'inf', 'nan' and '1e309' (infinity); JSON cannot store them and no
        # meeting counts to infinity.
        raise AnswerError(f"{asked_as(question)} takes a finite number, not {value}")
    number: int | float = int(value) if isinstance(value, float) and value.is_integer() else value
    if question.min is not None and number < question.min:
        raise AnswerError(f"{asked_as(question)} must be at least {question.min}")
    if question.max is not None and number > question.max:
        raise AnswerError(f"{asked_as(question)} must be at most {question.max}")
    return number


def _date(asked: str, value: Any, today: date) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return resolve_date(value.strip(), today)
        except ValueError:
            pass
    raise AnswerError(f"{asked} takes a date like 2026-12-01, 'today' or +14d")


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
        "due": None if due in (None, "") else _date("the due date", due, today).isoformat(),
        "critical_path": _yes_no("critical path", item.get("critical_path", False)),
        "status": status,
        "history": list(item.get("history") or []),
    }
