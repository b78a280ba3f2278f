"""Exports of many sessions: one JSON array, CSV rows, one Markdown document."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from resetkit.controls import visible
from resetkit.history.read import Stored, all_actions

# A cell starting with one of these is run as a formula by a spreadsheet (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_json(stored: list[Stored]) -> bytes:
    """A JSON array of session records, each carrying its schema_version, one per line."""
    # The records on disk are JSON already: joining them costs nothing, re-encoding seconds.
    return b"[\n" + b",\n".join(item.raw for item in stored) + b"\n]\n"


def _flat(value: Any) -> Any:
    # Numbers stay numbers, so that a negative one is not taken for a formula.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(item["what"] if isinstance(item, dict) else str(item) for item in value)
    return value


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


def session_row(stored: Stored) -> dict[str, Any]:
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


def action_row(stored: Stored, action: dict[str, Any]) -> dict[str, Any]:
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


def csv_line(cells: Iterable[Any], *, raw: bool = False) -> str:
    """One CSV row: a cell holding a comma, a quote, CR or LF quoted; a text cell that a
    spreadsheet would run as a formula prefixed with `'`, unless `raw`.

    Python's csv writer, ending lines with LF, leaves a lone CR unquoted, and every reader
    ends the row there; hence this writer.
    """
    out = []
    for cell in cells:
        text = "" if cell is None else str(cell)
        if not raw and isinstance(cell, str) and text.startswith(FORMULA_START):
            text = "'" + text
        if any(special in text for special in ',"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out) + "\n"


def export_csv(stored: list[Stored], *, actions: bool = False, raw: bool = False) -> str:
    """One row per session with its answers flattened, or one row per action item.

    Text cells that a spreadsheet would run as formulas are prefixed with `'`, unless `raw`.
    """
    if actions:
        lines = [csv_line(ACTION_COLUMNS)]
        for item, items in zip(stored, all_actions(stored), strict=True):
            for action in items:
                row = action_row(item, action)
                lines.append(csv_line((row[column] for column in ACTION_COLUMNS), raw=raw))
        return "".join(lines)
    answer_ids: dict[str, None] = {}
    for item in stored:
        answer_ids.update(dict.fromkeys(item.record["answers"]))
    columns = SESSION_COLUMNS + [f"answer.{question_id}" for question_id in answer_ids]
    lines = [csv_line(columns)]
    for item in stored:
        row = session_row(item)
        row |= {f"answer.{k}": _flat(v) for k, v in item.record["answers"].items()}
        lines.append(csv_line((row.get(column, "") for column in columns), raw=raw))
    return "".join(lines)


def export_markdown(stored: list[Stored], title: str, problems: list[str] | None = None) -> str:
    """The sessions' notes joined into one document, with a table of contents.

    A notes.md that is a symbolic link is never followed (it could point at any file the user
    can read): it is skipped, and so is one that cannot be read; each is named in `problems`.
    """
    from resetkit.record.render import escape
    from resetkit.storage import LinkRefused, read_bytes_no_follow

    texts: list[tuple[Stored, str]] = []
    for item in stored:
        path = item.folder / "notes.md"
        try:
            texts.append((item, read_bytes_no_follow(path).decode("utf-8")))
        except FileNotFoundError:
            continue
        except LinkRefused:
            if problems is not None:
                problems.append(
                    f"skipped {path}: a symbolic link; resetkit reads only inside the notes dir"
                )
        except (OSError, UnicodeDecodeError) as error:
            if problems is not None:
                problems.append(f"skipped {path}: cannot read it ({error})")
    out = [f"# {escape(title)}", "", f"{len(texts)} session(s).", "", "## Contents", ""]
    for number, (item, _) in enumerate(texts, start=1):
        record = item.record
        out.append(
            f"{number}. [{escape(record['customer'])}: {escape(record['playbook_title'])}"
            f", {record['started_at'][:10]}](#session-{number})"
        )
    for number, (_, text) in enumerate(texts, start=1):
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        # One level deeper, so each session sits under the document's title.
        body = re.sub(r"^(#{1,5}) ", r"#\1 ", body.strip(), flags=re.MULTILINE)
        out += ["", f'<a id="session-{number}"></a>', "", body]
    # Notes written by an older resetkit may hold raw control characters: `cat` would run them.
    return visible("\n".join(out) + "\n")
