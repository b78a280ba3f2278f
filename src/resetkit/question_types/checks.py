"""The checks the question types share: yes/no, a date, an action item, and their error.

Each `check_*` here normalises a value or raises AnswerError. Each type's own check is its entry
in kinds.KINDS; this module reads only plain values and a question's attributes, so it needs no
models: the first question of a run is checked before pydantic has loaded (see headstart.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from resetkit.controls import check_name
from resetkit.dates import AmbiguousDate, DateOutOfRange, resolve_date
from resetkit.errors import UsageError

if TYPE_CHECKING:
    from resetkit.format.model import AnyQuestion


class AnswerError(ValueError):
    """An answer that does not fit its question; the message says what would.

    It names the question as the person saw it (its prompt, quoted), never by its id: the id
    is the playbook author's, and only an answers file (which the caller names) uses it.
    """


def asked_as(question: AnyQuestion) -> str:
    """A question named as it was asked: its prompt, quoted."""
    return f'"{" ".join(question.prompt.split())}"'


def check_yes_no(asked: str, value: Any) -> bool:
    """True or False from yes/no, y/n or true/false; AnswerError naming `asked` otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("y", "yes", "true"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("n", "no", "false"):
        return False
    raise AnswerError(f"{asked} takes yes or no")


def check_date(asked: str, value: Any, today: date, *, past: bool = False) -> date:
    """The date of what was typed (dates.resolve_date); AnswerError naming `asked` otherwise.
    With `past` (a date something happened) a bare weekday is the last one, and a date after
    today is refused."""
    if isinstance(value, date | str):
        try:
            day = resolve_date(
                value.strip() if isinstance(value, str) else value,
                today,
                "ago" if past else "ahead",
            )
        except (DateOutOfRange, AmbiguousDate) as error:
            raise AnswerError(f"{asked}: {error}") from None
        except ValueError:
            pass
        else:
            if past and day > today:
                raise AnswerError(
                    f"{asked}: {day.isoformat()} is after today; this asks when it happened"
                )
            return day
    raise AnswerError(f"{asked} takes a date like 2026-12-01, today, +14d, fri or 31/12")


def check_action_item(item: Mapping[str, Any], today: date) -> dict[str, Any]:
    """An action item in stored form, with a stable id; AnswerError for a bad field."""
    known = {"id", "what", "owner", "owner_name", "due", "critical_path", "status", "history"}
    known.add("flag")  # set by a merge of two clones' records (record/merge.py)
    unknown = set(item) - known
    if unknown:
        names = ", ".join(sorted(unknown))
        raise AnswerError(
            f"action item has unknown {'field' if len(unknown) == 1 else 'fields'}: {names}"
        )
    what = item.get("what")
    if not isinstance(what, str) or not what.strip():
        raise AnswerError("every action item needs a 'what'")
    owner = item.get("owner", "us")
    if owner not in ("us", "customer", "both"):
        raise AnswerError(f"action item owner must be us, customer or both, not {owner!r}")
    owner_name = str(item.get("owner_name") or "").strip()
    try:
        check_name(owner_name, "owner name")
    except UsageError as error:
        raise AnswerError(error.message) from None
    due = item.get("due")
    status = item.get("status", "open")
    if status not in ("open", "done", "dropped"):
        raise AnswerError(f"action item status must be open, done or dropped, not {status!r}")
    return {
        "id": str(item.get("id") or uuid.uuid4().hex[:8]),
        "what": what.strip(),
        "owner": owner,
        "owner_name": owner_name,
        "due": None if due in (None, "") else check_date("the due date", due, today).isoformat(),
        "critical_path": check_yes_no("critical path", item.get("critical_path", False)),
        "status": status,
        "history": list(item.get("history") or []),
        **({"flag": str(item["flag"])} if item.get("flag") else {}),
    }
