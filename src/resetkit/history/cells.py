"""The CSV cells of a session and of its action items, computed once when a record is indexed.

An export of a million sessions cannot afford to flatten and escape every answer again: the
index keeps each session's cells (escaped, and raw where that differs) and each action item's
CSV line, and an export joins them. Bump CELLS_VERSION when what these functions return changes:
it is part of the index's format, so every index is rebuilt with the new cells.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

CELLS_VERSION = 1

# A cell starting with one of these is run as a formula by a spreadsheet (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SESSION_COLUMNS = [
    "id",
    "customer",
    "playbook",
    "playbook_version",
    "date",
    "status",
    "outcome",
    "planned_minutes",
    "actual_minutes",
    "attendees",
]
ACTION_COLUMNS = [
    "session",
    "customer",
    "playbook",
    "date",
    "action_id",
    "what",
    "owner",
    "owner_name",
    "due",
    "critical_path",
    "status",
    "slips",
]


class SessionFields(Protocol):
    """What a row needs of its session (a Stored, or the fields of a record being indexed)."""

    id: str
    customer: str
    playbook_id: str
    playbook_version: str
    started_at: str
    status: str
    outcome: str
    planned_minutes: Any
    meeting_seconds: Any
    attendees: str


def session_row(stored: SessionFields) -> dict[str, Any]:
    """The fixed columns of a session, as the table and the CSV show them."""
    return {
        "id": stored.id,
        "customer": stored.customer,
        "playbook": stored.playbook_id,
        "playbook_version": stored.playbook_version,
        "date": stored.started_at[:10],
        "status": stored.status,
        "outcome": stored.outcome,
        "planned_minutes": stored.planned_minutes,
        "actual_minutes": round(stored.meeting_seconds / 60, 1),
        "attendees": stored.attendees,
    }


def action_row(stored: SessionFields, action: dict[str, Any]) -> dict[str, Any]:
    """An action item with its session, as the CSV and `actions --format json` show it."""
    return {
        "session": stored.id,
        "customer": stored.customer,
        "playbook": stored.playbook_id,
        "date": stored.started_at[:10],
        "action_id": action.get("id", ""),
        "what": action.get("what", ""),
        "owner": action.get("owner", ""),
        "owner_name": action.get("owner_name", ""),
        "due": action.get("due") or "",
        "critical_path": "yes" if action.get("critical_path") else "no",
        "status": action.get("status", "open"),
        "slips": sum(1 for event in action.get("history", []) if event.get("kind") == "moved"),
    }


def cell(value: Any, *, raw: bool = False) -> str:
    """One CSV cell: quoted if it holds a comma, a quote, CR or LF; a text that a spreadsheet
    would run as a formula prefixed with `'`, unless `raw`.

    Python's csv writer, ending lines with LF, leaves a lone CR unquoted, and every reader
    ends the row there; hence this writer.
    """
    text = "" if value is None else str(value)
    if not raw and isinstance(value, str) and text.startswith(FORMULA_START):
        text = "'" + text
    if any(special in text for special in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def csv_line(cells: Iterable[Any], *, raw: bool = False) -> str:
    """One CSV row (see `cell`), ending with LF."""
    return ",".join(cell(value, raw=raw) for value in cells) + "\n"


def flat(value: Any) -> Any:
    """An answer as one CSV cell's value; numbers stay numbers, so that a negative one is not
    taken for a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(item["what"] if isinstance(item, dict) else str(item) for item in value)
    return value


def session_cells(stored: SessionFields, answers: dict[str, Any]) -> tuple[str, str | None]:
    """A session's cells as a JSON array: the fixed columns, then its answers in their order;
    and the same unescaped (for --raw-csv), None when no cell differs."""
    values = [*session_row(stored).values(), *(flat(value) for value in answers.values())]
    escaped = [cell(value) for value in values]
    plain = [cell(value, raw=True) for value in values]
    as_json = json.dumps(escaped, ensure_ascii=False, separators=(",", ":"))
    if plain == escaped:
        return as_json, None
    return as_json, json.dumps(plain, ensure_ascii=False, separators=(",", ":"))


def action_line(stored: SessionFields, action: dict[str, Any]) -> tuple[str, str | None]:
    """An action item's CSV line; and the same unescaped, None when no cell differs."""
    row = action_row(stored, action)
    values = [row[column] for column in ACTION_COLUMNS]
    escaped = csv_line(values)
    plain = csv_line(values, raw=True)
    return escaped, None if plain == escaped else plain
