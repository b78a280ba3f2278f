"""Exports of many sessions: one JSON array, CSV rows, one Markdown document."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass
from resetkit.history.read import Stored, all_actions


def export_json(stored: list[Stored]) -> bytes:
    """A JSON array of session records, each carrying its schema_version, one per line."""
    # The records on disk are JSON already: joining them costs nothing, re-encoding seconds.
    return b"[\n" + b",\n".join(item.raw for item in stored) + b"\n]\n"


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(item["what"] if isinstance(item, dict) else str(item) for item in value)
    return str(value)


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


def export_csv(stored: list[Stored], *, actions: bool = False) -> str:
    """One row per session with its answers flattened, or one row per action item."""
    out = io.StringIO()
    if actions:
        writer = csv.DictWriter(out, fieldnames=ACTION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for item, items in zip(stored, all_actions(stored), strict=True):
            for action in items:
                writer.writerow(action_row(item, action))
        return out.getvalue()
    answer_ids: dict[str, None] = {}
    for item in stored:
        answer_ids.update(dict.fromkeys(item.record["answers"]))
    columns = SESSION_COLUMNS + [f"answer.{question_id}" for question_id in answer_ids]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for item in stored:
        row = session_row(item)
        row |= {f"answer.{k}": _flat(v) for k, v in item.record["answers"].items()}
        writer.writerow(row)
    return out.getvalue()


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
    return "\n".join(out) + "\n"
