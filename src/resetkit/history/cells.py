"""The CSV cells of a session and of its action items, computed once when a record is indexed.

An export of a million sessions cannot afford to flatten and escape every answer again: the
index keeps each session's cells (escaped, and raw where that differs) and each action item's
CSV line, and an export joins them. Bump CELLS_VERSION when what these functions return changes:
it is part of the index's format, so every index is rebuilt with the new cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

import orjson

CELLS_VERSION = 1

# A cell starting with one of these is run as a formula by a spreadsheet (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell holding one of these is quoted (`_quoted` spells them out, for speed).
QUOTED_BY = ',"\r\n'
_QUOTED = re.compile(f"[{re.escape(QUOTED_BY)}]")
# In cells joined by NUL, after a NUL put in front: a search that starts with one character is
# quick (with `^|` in front it was a third of the cost of the cells).
_STARTS_FORMULA = re.compile(f"\x00[{re.escape(''.join(FORMULA_START))}]")

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
    return _quoted(text)


def csv_line(cells: Iterable[Any], *, raw: bool = False) -> str:
    """One CSV row (see `cell`), ending with LF."""
    return ",".join(cell(value, raw=raw) for value in cells) + "\n"


def flat(value: Any) -> Any:
    """An answer as one CSV cell's value; numbers stay numbers, so that a negative one is not
    taken for a formula."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if kind is list:
        return "; ".join(item["what"] if isinstance(item, dict) else str(item) for item in value)
    return value


def _quoted(text: str) -> str:
    """The text as a CSV cell: in quotes, its quotes doubled, when it holds one of QUOTED_BY."""
    # Four searches for a character are quicker than one of a class (measured).
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def _both(values: list[Any]) -> tuple[list[str], list[str] | None]:
    """The cells of these values escaped (as `cell`), and unescaped when that differs."""
    # `type(v) is str` only skips a str() that would change nothing: its mutants are equivalent.
    texts = [v if type(v) is str else "" if v is None else str(v) for v in values]
    # Most rows need no quote and start no formula: one search over the row tells.
    joined = "\x00".join(texts)
    # `_quoted` keeps a text that needs no quote, so a mutant quoting always is equivalent.
    plain = [_quoted(text) for text in texts] if _QUOTED.search(joined) else texts
    if not _STARTS_FORMULA.search("\x00" + joined):
        return plain, None
    formulas = [
        n for n, v in enumerate(values) if isinstance(v, str) and v.startswith(FORMULA_START)
    ]
    if not formulas:
        return plain, None
    escaped = list(plain)
    for n in formulas:
        escaped[n] = _quoted("'" + texts[n])
    return escaped, plain


def _json(cells: list[str]) -> str:
    # "UTF-8" names the same codec: that mutant is equivalent.
    return orjson.dumps(cells).decode("utf-8")


def session_cells(stored: SessionFields, answers: dict[str, Any]) -> tuple[str, str | None]:
    """A session's cells as a JSON array: the fixed columns, then its answers in their order;
    and the same unescaped (for --raw-csv), None when no cell differs."""
    values = [*session_row(stored).values()]
    # `type(v) is str` skips a call of flat() that keeps a text: mutants that call it on every
    # value are equivalent.
    values += [v if type(v) is str else flat(v) for v in answers.values()]
    escaped, plain = _both(values)
    return _json(escaped), None if plain is None else _json(plain)


def action_line(stored: SessionFields, action: dict[str, Any]) -> tuple[str, str | None]:
    """An action item's CSV line; and the same unescaped, None when no cell differs."""
    row = action_row(stored, action)
    escaped, plain = _both([row[column] for column in ACTION_COLUMNS])
    return ",".join(escaped) + "\n", None if plain is None else ",".join(plain) + "\n"
