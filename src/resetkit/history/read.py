"""Reading many sessions through the index: filters, the records they keep, dates typed."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import sqlite3
import stat as mode
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resetkit.errors import UsageError
from resetkit.history.index import RECENT_NS, Index, Row, Signature, row_sum, same
from resetkit.storage import RECORD_FILE, SCHEMA_VERSION

if TYPE_CHECKING:
    from resetkit.record.session import Session

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
        "_actions_sum",
        "_open",
        "_open_sum",
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
        sums: tuple[int, int] | None = None,
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
        # The CRC-32 of each as the index stored it, checked when used; None: read from disk.
        self._actions_sum: int | None = None
        self._open_sum: int | None = None
        if sums is not None:
            self._actions_sum, self._open_sum = sums
        self._record: dict[str, Any] | None = None

    @property
    def folder(self) -> Path:
        """The session's folder."""
        return Path(os.path.dirname(self.path))

    @property
    def raw(self) -> bytes:
        """The record file's bytes (read from disk when the index did not hand them over)."""
        if self._raw is None:
            from resetkit.storage import read_bytes_no_follow

            self._raw = read_bytes_no_follow(Path(self.path)).strip()
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


def _checked(item: Stored, only_open: bool) -> str | None:
    """The indexed action items' text if it matches its checksum; None (read the record)."""
    text, expected = (
        (item._open, item._open_sum) if only_open else (item._actions, item._actions_sum)
    )
    if text is None or expected is None or zlib.crc32(text.encode("utf-8")) == expected:
        return text
    return None  # damaged in the index: the record is the truth


def all_actions(stored: list[Stored], *, only_open: bool = False) -> list[list[dict[str, Any]]]:
    """The action items of each session, in order (as stored: mappings); or only the open ones."""
    texts = [_checked(item, only_open) for item in stored]
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


LINK_PROBLEM = "a symbolic link; resetkit reads only inside the notes dir"


def _scan(notes_dir: Path) -> tuple[dict[str, tuple[str, Signature]], list[str]]:
    """customer/session -> (record path, signature) for every session folder holding a record;
    and the paths of the links found on the way, which are not followed.

    Found with scandir (a glob is 10x slower); this loop runs once per session, so it is flat.
    """
    found: dict[str, tuple[str, Signature]] = {}
    links: list[str] = []
    recent = time.time_ns() - RECENT_NS
    lstat = os.lstat
    is_link = mode.S_ISLNK
    record_name = os.sep + RECORD_FILE
    with os.scandir(notes_dir) as customers:
        for customer in customers:
            if not customer.is_dir(follow_symlinks=False):
                if customer.is_symlink() and customer.is_dir():
                    links.append(customer.path)
                continue
            prefix = customer.name + "/"
            with os.scandir(customer.path) as folders:
                for folder in folders:
                    if not folder.is_dir(follow_symlinks=False):
                        if folder.is_symlink() and folder.is_dir():
                            links.append(folder.path)
                        continue
                    path = folder.path + record_name
                    try:
                        info = lstat(path)
                    except OSError:
                        continue  # no record (yet): not a session
                    if is_link(info.st_mode):
                        links.append(path)
                        continue
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
    return found, links


def _read_record(path: str) -> Row | None:
    """A record file as an index row; None if it is gone. A record that is not valid JSON,
    not a session record, or holds a field of the wrong type, is a row with its problem."""
    from pydantic import ValidationError

    from resetkit.record.session import Session, describe_damage
    from resetkit.storage import read_bytes_no_follow

    try:
        raw = read_bytes_no_follow(Path(path)).strip()
        record = json.loads(raw)
    except FileNotFoundError:
        return None  # a folder without a record is not a session
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid JSON"
        if not isinstance(error, OSError) and (raw.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in raw):
            from resetkit.record.session import CONFLICTED, REPAIR_HINT

            reason = f"{CONFLICTED}: {REPAIR_HINT}"
        return (*(None,) * 12, b"", str(reason))
    if not _looks_valid(record):
        problem = "not a session record this version can read"
        return (*(None,) * 12, b"", problem)
    try:
        Session.model_validate(record)
    except ValidationError as error:
        return (*(None,) * 12, b"", f"the session record is damaged ({describe_damage(error)})")
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
        on_disk, links = _scan(notes_dir)
        problems += [f"skipped {link}: {LINK_PROBLEM}" for link in links]

        def take(path: str, row: Row, sums: tuple[int, int] | None = None) -> None:
            if row[13] is not None:
                problems.append(f"skipped {path}: {row[13]}")
            elif keep(row[1], row[2], row[3], row[4]):
                found.append(Stored(path, row[:10], row[12] or None, row[10], row[11], sums))

        keep = filters.keep
        index = Index.open(notes_dir)
        unread = dict(on_disk)
        gone: list[str] = []
        if index is not None:
            try:
                crc = zlib.crc32
                for indexed_row in index.rows(with_raw=with_raw):
                    relative = indexed_row[0]
                    entry = unread.get(relative)
                    if entry is None:
                        gone.append(relative)
                    elif (
                        same(indexed_row[1:5], entry[1])
                        # What the index serves is checked against the sums taken when the
                        # record was read: damage SQLite misses is read again from the record.
                        and row_sum(indexed_row[5:]) == indexed_row[19]
                        and (not with_raw or crc(indexed_row[17] or b"") == indexed_row[20])
                    ):
                        del unread[relative]
                        take(entry[0], indexed_row[5:19], indexed_row[21:23])
            except sqlite3.Error:
                index.close()
                index = None
                unread = dict(on_disk)
                found.clear()
                del problems[len(links) :]
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


def action_items(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The action items of a record: answers that are lists of mappings."""
    for value in record["answers"].values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield from value
