"""Reading many sessions: filters, exports, open action items."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resetkit.errors import UsageError
from resetkit.history.index import RECENT_NS, Index, Row, Signature, same
from resetkit.storage import RECORD_FILE, SCHEMA_VERSION

if TYPE_CHECKING:
    from resetkit.record.session import ActionEvent, ActionItem, Session

_WITHIN = re.compile(r"^(\d+)([dw])$")


@dataclass(frozen=True)
class Filters:
    """Which sessions to read; every field left None lets all through."""

    customer: str | None = None
    playbook: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None

    def keep(self, customer: str, playbook_id: str, status: str, started_at: str) -> bool:
        """Whether a session with these fields passes every filter."""
        day = started_at[:10]
        return (
            (self.customer is None or self.customer.casefold() in customer.casefold())
            and (self.playbook is None or playbook_id == self.playbook)
            and (self.status is None or status == self.status)
            and (self.since is None or day >= self.since.isoformat())
            and (self.until is None or day <= self.until.isoformat())
        )


class Stored:
    """A session as the history commands see it: the fields filters need, read cheaply.

    History commands read thousands of records. The index gives these fields without parsing
    JSON; the record is parsed only when a command needs more, and validated as a Session only
    for the few a command changes.
    """

    __slots__ = (
        "_actions",
        "_open",
        "_raw",
        "_record",
        "attendees",
        "customer",
        "id",
        "meeting_seconds",
        "outcome",
        "path",
        "planned_minutes",
        "playbook_id",
        "playbook_version",
        "started_at",
        "status",
    )

    def __init__(
        self,
        path: str,
        fields: tuple[Any, ...],
        raw: bytes | None = None,
        actions: str | None = None,
        open_actions: str | None = None,
    ) -> None:
        self.path = path  # of the record file
        (
            self.id,
            self.customer,
            self.playbook_id,
            self.status,
            self.started_at,
            self.playbook_version,
            self.outcome,
            self.planned_minutes,
            self.meeting_seconds,
            self.attendees,
        ) = fields
        self._raw = raw  # the record file's bytes, None until read
        self._actions = actions  # its action items as JSON ("" for none), None if not known
        self._open = open_actions  # the open ones, likewise
        self._record: dict[str, Any] | None = None

    @property
    def folder(self) -> Path:
        """The session's folder."""
        return Path(os.path.dirname(self.path))

    @property
    def raw(self) -> bytes:
        """The record file's bytes (read from disk when the index did not hand them over)."""
        if self._raw is None:
            with open(self.path, "rb") as handle:
                self._raw = handle.read().strip()
        return self._raw

    @property
    def record(self) -> dict[str, Any]:
        """The record, parsed."""
        if self._record is None:
            self._record = json.loads(self.raw)
        return self._record

    @property
    def session(self) -> Session:
        """The record validated as a Session."""
        from resetkit.record.session import Session

        return Session.model_validate(self.record)


def all_actions(stored: list[Stored], *, only_open: bool = False) -> list[list[dict[str, Any]]]:
    """The action items of each session, in order (as stored: mappings); or only the open ones."""
    texts = [item._open if only_open else item._actions for item in stored]
    # One parse of every session's items at once: thousands of small parses cost twice as much.
    parsed = iter(
        json.loads("[" + ",".join(text or "[]" for text in texts if text is not None) + "]")
    )
    lists = []
    for item, text in zip(stored, texts, strict=True):
        if text is not None:
            lists.append(next(parsed))
            continue
        items = list(action_items(item.record))  # not indexed: read from the record
        if only_open:
            items = [action for action in items if action.get("status", "open") == "open"]
        lists.append(items)
    return lists


_SHAPE = {
    "schema_version": int,
    "id": str,
    "customer": str,
    "playbook_id": str,
    "playbook_title": str,
    "status": str,
    "started_at": str,
    "answers": dict,
}


def _looks_valid(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and all(isinstance(record.get(key), kind) for key, kind in _SHAPE.items())
        and record["schema_version"] == SCHEMA_VERSION
    )


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector off while reading many records.

    Parsing builds millions of small objects and none of them form cycles: the collector would
    run hundreds of times for nothing (measured: a third of the time).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _scan(notes_dir: Path) -> dict[str, tuple[str, Signature]]:
    """customer/session -> (record path, signature) for every session folder holding a record.

    Found with scandir (a glob is 10x slower); this loop runs once per session, so it is flat.
    """
    found: dict[str, tuple[str, Signature]] = {}
    recent = time.time_ns() - RECENT_NS
    stat = os.stat
    record_name = os.sep + RECORD_FILE
    with os.scandir(notes_dir) as customers:
        for customer in customers:
            if not customer.is_dir(follow_symlinks=False):
                continue
            prefix = customer.name + "/"
            with os.scandir(customer.path) as folders:
                for folder in folders:
                    if not folder.is_dir(follow_symlinks=False):
                        continue
                    path = folder.path + record_name
                    try:
                        info = stat(path)
                    except OSError:
                        continue  # no record (yet): not a session
                    mtime = info.st_mtime_ns
                    found[prefix + folder.name] = (
                        path,
                        (
                            info.st_ino,
                            info.st_size,
                            info.st_ctime_ns,
                            mtime if mtime < recent else None,
                        ),
                    )
    return found


def _read_record(path: str) -> Row | None:
    """A record file as an index row; None if it is gone."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read().strip()
        record = json.loads(raw)
    except FileNotFoundError:
        return None  # a folder without a record is not a session
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid JSON"
        return (*(None,) * 12, b"", str(reason))
    if not _looks_valid(record):
        problem = "not a session record this version can read"
        return (*(None,) * 12, b"", problem)
    actions = list(action_items(record))
    still_open = [action for action in actions if action.get("status", "open") == "open"]
    row: Row = (
        record["id"],
        record["customer"],
        record["playbook_id"],
        record["status"],
        record["started_at"],
        str(record.get("playbook_version", "")),
        record.get("outcome") or "",
        record.get("planned_minutes", 0),
        record.get("meeting_seconds", 0),
        "; ".join(
            str(a.get("name", "")) for a in record.get("attendees", []) if isinstance(a, dict)
        ),
        json.dumps(actions, separators=(",", ":")) if actions else "",
        json.dumps(still_open, separators=(",", ":")) if still_open else "",
        raw,
        None,
    )
    return row


def parse_day(text: str, what: str) -> date:
    """A date given on the command line: 2026-10-01, today, or N days/weeks ago like 30d."""
    text = text.strip()
    if text == "today":
        return date.today()
    match = _WITHIN.match(text)
    if match:
        days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
        return date.today() - timedelta(days=days)
    try:
        return date.fromisoformat(text)
    except ValueError:
        hint = "write 2026-10-01, today or 30d (30 days ago)"
        raise UsageError(f"{what} {text!r} is not a date", hint=hint) from None


def parse_span(text: str) -> timedelta:
    """A span like 7d or 2w."""
    match = _WITHIN.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a span of days", hint="write it like 7d or 2w")
    return timedelta(days=int(match.group(1)) * (7 if match.group(2) == "w" else 1))


def read_sessions(
    notes_dir: Path, filters: Filters, *, with_raw: bool = True
) -> tuple[list[Stored], list[str]]:
    """Every session passing the filters, oldest first; and a warning per damaged record.

    Records unchanged since the index last saw them come from the index; the others are read
    from disk and the index brought up to date. `with_raw=False` leaves the records' bytes on
    disk until asked for (listing action items needs only the fields and the items).
    """
    found: list[Stored] = []
    problems: list[str] = []
    if not notes_dir.is_dir():
        return found, problems
    with paused_gc():
        on_disk = _scan(notes_dir)

        def take(path: str, row: Row) -> None:
            if row[13] is not None:
                problems.append(f"skipped {path}: {row[13]}")
            elif keep(row[1], row[2], row[3], row[4]):
                found.append(Stored(path, row[:10], row[12] or None, row[10], row[11]))

        keep = filters.keep
        index = Index.open(notes_dir)
        unread = dict(on_disk)
        gone: list[str] = []
        if index is not None:
            try:
                for indexed_row in index.rows(with_raw=with_raw):
                    relative = indexed_row[0]
                    entry = unread.get(relative)
                    if entry is None:
                        gone.append(relative)
                    elif same(indexed_row[1:5], entry[1]):
                        del unread[relative]
                        take(entry[0], indexed_row[5:])
            except sqlite3.Error:
                index.close()
                index = None
                unread = dict(on_disk)
                found.clear()
                problems.clear()
        fresh: list[tuple[str, Signature, Row]] = []
        for relative, (path, sig) in unread.items():
            read = _read_record(path)
            if read is not None:
                fresh.append((relative, sig, read))
                take(path, read)
        if index is not None:
            try:
                if fresh or gone:
                    index.update(fresh, gone)
            except sqlite3.Error:
                pass  # a busy or read-only index: this run read the records, the next will too
            finally:
                index.close()
        # The path settles ties: a copied session folder keeps its id and start time.
        found.sort(key=lambda stored: (stored.started_at, stored.id, stored.path))
    return found, sorted(problems)


# --- exports ----------------------------------------------------------------------------------


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


def action_items(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The action items of a record: answers that are lists of mappings."""
    for value in record["answers"].values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield from value


def _action_row(stored: Stored, action: dict[str, Any]) -> dict[str, Any]:
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
                writer.writerow(_action_row(item, action))
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


def export_markdown(stored: list[Stored], title: str) -> str:
    """The sessions' notes joined into one document, with a table of contents."""
    from resetkit.record.render import escape

    with_notes = [item for item in stored if (item.folder / "notes.md").is_file()]
    out = [f"# {escape(title)}", "", f"{len(with_notes)} session(s).", "", "## Contents", ""]
    for number, item in enumerate(with_notes, start=1):
        record = item.record
        out.append(
            f"{number}. [{escape(record['customer'])}: {escape(record['playbook_title'])}"
            f", {record['started_at'][:10]}](#session-{number})"
        )
    for number, item in enumerate(with_notes, start=1):
        text = (item.folder / "notes.md").read_text("utf-8")
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        # One level deeper, so each session sits under the document's title.
        body = re.sub(r"^(#{1,5}) ", r"#\1 ", body.strip(), flags=re.MULTILINE)
        out += ["", f'<a id="session-{number}"></a>', "", body]
    return "\n".join(out) + "\n"


# --- action items -----------------------------------------------------------------------------


@dataclass(slots=True)
class OpenAction:
    """An open action item and the session it belongs to."""

    stored: Stored
    action: dict[str, Any]
    due: date | None
    overdue_days: int  # days past its due date; 0 when not overdue or undated


def open_actions(
    stored: list[Stored],
    *,
    owner: str | None = None,
    overdue: bool = False,
    due_within: timedelta | None = None,
) -> list[OpenAction]:
    """Open action items across sessions, overdue first, then by due date (undated last)."""
    today = date.today()
    wanted_owner = owner.casefold() if owner else None
    found = []
    for item, actions in zip(stored, all_actions(stored, only_open=True), strict=True):
        for action in actions:
            if wanted_owner and wanted_owner not in (
                action.get("owner"),
                str(action.get("owner_name", "")).casefold(),
            ):
                continue
            due = date.fromisoformat(action["due"]) if action.get("due") else None
            if overdue and not (due and due < today):
                continue
            if due_within is not None and not (due and due <= today + due_within):
                continue
            late = max(0, (today - due).days) if due else 0
            found.append(OpenAction(item, action, due, late))
    return sorted(found, key=lambda o: (o.due is None, o.due or today, o.stored.customer))


def action_json(found: OpenAction) -> dict[str, Any]:
    """An open action item as a JSON object with its session."""
    return _action_row(found.stored, found.action) | {"overdue_days": found.overdue_days}


def find_action(notes_dir: Path, action_id: str) -> tuple[Stored, ActionItem]:
    """The action item with this id (or a unique prefix of it), and its session."""
    stored, _ = read_sessions(notes_dir, Filters(), with_raw=False)
    matches = [
        (item, action)
        for item, actions in zip(stored, all_actions(stored), strict=True)
        for action in actions
        if action_id and str(action.get("id", "")).startswith(action_id)
    ]
    if not matches:
        raise UsageError(
            f"no action item '{action_id}' in {notes_dir}",
            hint="'resetkit actions' lists the open ones with their ids",
        )
    if len(matches) > 1:
        ids = ", ".join(str(action.get("id")) for _, action in matches[:5])
        raise UsageError(
            f"'{action_id}' matches several action items ({ids})", hint="give more of the id"
        )
    from resetkit.record.session import ActionItem

    item, action = matches[0]
    return item, ActionItem.model_validate(action)


def change_action(
    folder: Path,
    session: Session,
    action_id: str,
    event: ActionEvent,
    *,
    new_due: date | None = None,
) -> Session:
    """Record a change to one action item in its session record and save it in `folder`."""
    from resetkit.record.session import save

    for raw in session.answers.values():
        for item in raw if isinstance(raw, list) else []:
            if not isinstance(item, dict) or item.get("id") != action_id:
                continue
            if item.get("status") != "open":
                raise UsageError(f"action item {action_id} is already {item.get('status')}")
            item.setdefault("history", []).append(event.model_dump(mode="json"))
            if event.kind == "moved":
                item["due"] = new_due.isoformat() if new_due else None
            else:
                item["status"] = event.kind
            save(session, folder)
            return session
    raise UsageError(f"no action item '{action_id}' in session {session.id}")


class DateInThePast(UsageError):
    """A new due date before today: a slip is told forwards, so moving back needs a yes."""


def refuse_past_due(new_due: date, today: date) -> None:
    """DateInThePast when `new_due` is before `today`."""
    if new_due < today:
        days = (today - new_due).days
        raise DateInThePast(
            f"{new_due.isoformat()} is in the past ({days} day(s) ago)",
            hint="pass --allow-past to move the item there anyway",
        )


def now() -> datetime:
    """The current time with the local offset, as records store it."""
    return datetime.now().astimezone()


# --- time and cost ----------------------------------------------------------------------------


@dataclass
class Tally:
    """Meetings held, time spent and outcomes, for one customer or one playbook."""

    name: str
    meetings: int = 0
    minutes: float = 0.0
    outcomes: dict[str, int] | None = None

    def add(self, stored: Stored) -> None:
        """Count one complete session."""
        self.meetings += 1
        self.minutes += stored.meeting_seconds / 60
        outcome = stored.outcome or "none"
        self.outcomes = self.outcomes or {}
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def as_json(self) -> dict[str, Any]:
        """The tally as a JSON object."""
        return {
            "name": self.name,
            "meetings": self.meetings,
            "minutes": round(self.minutes, 1),
            "outcomes": dict(self.outcomes or {}),
        }


def report(stored: list[Stored]) -> dict[str, list[Tally]]:
    """Per customer and per playbook: complete meetings, minutes, outcomes; most time first."""
    by: dict[str, dict[str, Tally]] = {"customers": {}, "playbooks": {}}
    for item in stored:
        if item.status != "complete":
            continue
        for kind, name in (("customers", item.customer), ("playbooks", item.playbook_id)):
            by[kind].setdefault(name, Tally(name)).add(item)
    return {
        kind: sorted(tallies.values(), key=lambda t: (-t.minutes, t.name))
        for kind, tallies in by.items()
    }


def report_csv(tallies: dict[str, list[Tally]]) -> str:
    """One row per customer and per playbook, outcomes as 'outcome=count; ...'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["by", "name", "meetings", "minutes", "outcomes"])
    for kind, rows in tallies.items():
        for tally in rows:
            outcomes = "; ".join(f"{k}={v}" for k, v in sorted((tally.outcomes or {}).items()))
            writer.writerow(
                [
                    kind.removesuffix("s"),
                    tally.name,
                    tally.meetings,
                    round(tally.minutes, 1),
                    outcomes,
                ]
            )
    return out.getvalue()
