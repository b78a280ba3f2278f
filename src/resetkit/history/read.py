"""Reading many sessions through the index: filters, the sessions they keep, in SQL.

`open_history` brings the index up to date (history/fresh.py) and answers the history commands'
questions with queries whose cost grows with the rows they return. Rows are handed out as they
are read (`History.sessions` is an iterator), so an export of a million sessions holds one
batch at a time. Every row is checked against the CRC-32 taken when its record was read; one
that does not match is read from its record instead, and read again at the next refresh.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import sqlite3
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from resetkit import dates
from resetkit.errors import StorageError, UsageError
from resetkit.history.fresh import (
    Progress,
    parse_record,
    paused_gc,
    refresh,
    shown_path,
)
from resetkit.history.index import FIELDS, Index, item_sum, row_sum, rows, text_sum
from resetkit.question_types.item_entries import action_item_entries
from resetkit.storage import RECORD_FILE

if TYPE_CHECKING:
    from resetkit.history.actions import Owner
    from resetkit.record.session import Session
    from resetkit.record.which_playbook import Recorded

__all__ = [
    "Filters",
    "History",
    "Stored",
    "all_actions",
    "open_history",
    "parse_day",
    "parse_span",
    "paused_gc",
    "read_sessions",
]

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

    def where(self, *, complete: bool = False) -> tuple[str, list[Any]]:
        """The filters as an SQL condition on `records r`, and its arguments."""
        clauses = ["r.problem IS NULL"]
        arguments: list[Any] = []
        if self.customer is not None:
            clauses.append(
                "r.customer_key IN (SELECT customer_key FROM customers"
                " WHERE instr(customer_key, ?) > 0)"
            )
            arguments.append(self.customer.casefold())
        if self.playbook is not None:
            clauses.append("r.playbook_id = ?")
            arguments.append(self.playbook)
        if complete or self.status is not None:
            clauses.append("r.status = ?")
            arguments.append("complete" if complete else self.status)
        if self.since is not None:
            clauses.append("substr(r.started_at, 1, 10) >= ?")
            arguments.append(self.since.isoformat())
        if self.until is not None:
            clauses.append("substr(r.started_at, 1, 10) <= ?")
            arguments.append(self.until.isoformat())
        return " AND ".join(clauses), arguments


class Stored:
    """A session as the history commands see it: the fields filters need, read cheaply.

    The index gives these fields without parsing JSON; the record is parsed only when a command
    needs more, and validated as a Session only for the few a command changes.
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
            from resetkit.storage import read_bytes_no_follow

            self._raw = read_bytes_no_follow(Path(self.path)).strip()
        return self._raw

    @property
    def record(self) -> dict[str, Any]:
        """The record, parsed."""
        if self._record is None:
            self._record = json.loads(self.raw)
            # A record may leave out a field with a default (one an older resetkit did not
            # write): the model takes the default, and so do the commands reading it by key.
            self._record.setdefault("answers", {})
        return self._record

    def forget(self) -> None:
        """Let go of the record's bytes and parse: a command going through a million sessions
        keeps only the fields of those it shows."""
        self._raw = None
        self._record = None

    @property
    def session(self) -> Session:
        """The record validated as a Session."""
        from resetkit.record.session import Session

        return Session.model_validate(self.record)


def with_actions(
    stored: Iterable[Stored], *, only_open: bool = False
) -> Iterator[tuple[Stored, list[dict[str, Any]]]]:
    """Each session with its action items (as `all_actions`), 2,000 sessions at a time: going
    through a whole history this way holds one batch, never the history."""
    sessions = iter(stored)
    while batch := list(itertools.islice(sessions, 2000)):
        yield from zip(batch, all_actions(batch, only_open=only_open), strict=True)


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
        items = list(action_item_entries(item.record["answers"]))  # not indexed: from the record
        if only_open:
            items = [action for action in items if action.get("status", "open") == "open"]
        lists.append(items)
    return lists


def parse_day(text: str, what: str) -> date:
    """A date given on the command line, in the one grammar (dates.resolve_date); a bare
    offset counts back, as the history options mean it: `--since 30d` is 30 days ago."""
    from resetkit.dates import DATE_FORMS, AmbiguousDate, DateOutOfRange, resolve_date

    try:
        return resolve_date(text, dates.today(), bare="ago")
    except (AmbiguousDate, DateOutOfRange) as error:
        raise UsageError(f"{what}: {error}") from None
    except ValueError:
        hint = f"write {DATE_FORMS} (a bare 30d is 30 days ago)"
        raise UsageError(f"{what} {text!r} is not a date", hint=hint) from None


def parse_span(text: str, what: str = "the span") -> timedelta:
    """A span like 7d or 2w (`what`: the option it was given to)."""
    match = _WITHIN.match(text.strip())
    if not match:
        raise UsageError(f"{what} {text!r} is not a span of days", hint="write it like 7d or 2w")
    return timedelta(days=_span_days(match, what))


def _span_days(match: re.Match[str], what: str) -> int:
    from resetkit.dates import DateOutOfRange, span_days

    try:
        return span_days(match.group(1), match.group(2))
    except DateOutOfRange as error:
        raise UsageError(f"{what}: {error}", hint="give a shorter span or a date") from None


# What a session row of a query holds: path, the FIELDS, row_sum, then the body's columns.
_SESSION_COLUMNS = "r.path, " + ", ".join(f"r.{name}" for name in FIELDS) + ", r.row_sum"
_ORDER = " ORDER BY r.started_at, r.id, r.path"


@dataclass
class History:
    """An up-to-date index of one notes dir, and the questions the history commands ask it."""

    index: Index
    notes_dir: Path
    problems: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # index rows that failed their check

    def _record_path(self, relative: str) -> str:
        return os.path.join(self.notes_dir, relative, RECORD_FILE)

    def _from_disk(self, relative: str, filters: Filters) -> Stored | None:
        """A session whose index row failed its check, read from its record instead."""
        self.damaged.append(relative)
        path = self._record_path(relative)
        parsed = parse_record(path)
        if parsed is None or parsed.problem is not None or not filters.keep(*parsed.fields[1:5]):
            return None
        return Stored(path, parsed.fields, parsed.raw, parsed.actions, parsed.open_actions)

    def sessions(self, filters: Filters, *, with_raw: bool = True) -> Iterator[Stored]:
        """The sessions passing the filters, oldest first, one batch in memory at a time."""
        where, arguments = filters.where()
        body = "b.raw, b.raw_sum" if with_raw else "NULL, NULL"
        sql = (
            f"SELECT {_SESSION_COLUMNS}, {body}, b.actions, b.open_actions, b.actions_sum"
            f" FROM records r JOIN bodies b ON b.n = r.n WHERE {where}{_ORDER}"
        )
        width = len(FIELDS)
        crc = zlib.crc32
        for row in rows(self.index.connection, sql, arguments):
            relative, fields = row[0], row[1 : width + 1]
            raw, raw_check, actions, still_open, check = row[width + 2 :]
            if (
                row_sum(fields, None) != row[width + 1]
                or text_sum(actions, still_open) != check
                or (with_raw and crc(raw) != raw_check)
            ):
                found = self._from_disk(relative, filters)
                if found is not None:
                    yield found
                continue
            yield Stored(self._record_path(relative), fields, raw, actions, still_open)

    def raws(self, filters: Filters) -> Iterator[bytes]:
        """The record bytes of the sessions passing the filters, oldest first.

        Only what is served is checked: the bytes, and the fields when a filter reads them.
        """
        where, arguments = filters.where()
        filtered = filters != Filters()
        fields = f", {_SESSION_COLUMNS}" if filtered else ", r.path"
        sql = (
            f"SELECT b.raw, b.raw_sum{fields} FROM records r JOIN bodies b ON b.n = r.n"
            f" WHERE {where}{_ORDER}"
        )
        crc = zlib.crc32
        width = len(FIELDS)
        for row in rows(self.index.connection, sql, arguments):
            if crc(row[0]) != row[1] or (
                filtered and row_sum(row[3 : width + 3], None) != row[width + 3]
            ):
                found = self._from_disk(row[2], filters)
                if found is not None:
                    yield found.raw
                continue
            yield row[0]

    def open_actions(
        self,
        filters: Filters,
        *,
        owner: Owner | None,
        overdue: bool,
        due_within: timedelta | None,
        today: date,
        flagged: bool = False,
    ) -> list[tuple[Stored, dict[str, Any]]] | None:
        """Open action items passing these filters with their sessions, overdue first, then
        by due date (undated last), customer, and the sessions' order; with `flagged`, the
        items changed in two clones at once instead, open or closed. None when a damaged
        index row was met (ask every session's records instead)."""
        where, filter_arguments = filters.where()
        # The clauses' placeholders come first in the SQL, then the filters': so the arguments.
        arguments: list[Any] = []
        # An item is kept as compact JSON (orjson): a flag set reads "flag":" and a character.
        clauses = ['a.item LIKE \'%"flag":"_%\'' if flagged else "a.status = 'open'"]
        clauses.append("r.status != 'discarded'")  # as history.actions.walk_items
        if owner:
            clause, owner_arguments = owner.sql()
            clauses.append(clause)
            arguments += owner_arguments
        if overdue:
            clauses.append("a.due < ?")
            arguments.append(today.isoformat())
        if due_within is not None:
            clauses.append("a.due <= ?")
            arguments.append((today + due_within).isoformat())
        arguments += filter_arguments
        sql = (
            f"SELECT {_SESSION_COLUMNS}, a.item, a.item_sum"
            f" FROM actions a JOIN records r ON r.n = a.n WHERE {' AND '.join(clauses)}"
            f" AND {where} ORDER BY a.due IS NULL, a.due, r.customer, r.started_at, r.id,"
            " r.path, a.position"
        )
        width = len(FIELDS)
        found = []
        sessions: dict[str, Stored] = {}
        for row in rows(self.index.connection, sql, arguments):
            relative, fields = row[0], row[1 : width + 1]
            item, check = row[width + 2 :]
            if row_sum(fields, None) != row[width + 1] or item_sum(item) != check:
                self.damaged.append(relative)
                return None  # the caller asks every session's records instead
            stored = sessions.get(relative)
            if stored is None:
                stored = sessions[relative] = Stored(self._record_path(relative), fields)
            found.append((stored, json.loads(item)))
        return found

    def tallies(self, filters: Filters) -> Iterator[tuple[str, str, str, int, float]]:
        """(by, name, outcome, meetings, seconds) over complete sessions, per customer and per
        playbook. Over the whole history the sums SQLite keeps are read as they are."""
        if filters == Filters():
            yield from self.index.tallies()
            return
        where, arguments = filters.where(complete=True)
        for by, column in (("customers", "customer"), ("playbooks", "playbook_id")):
            sql = (
                f"SELECT r.{column}, r.outcome, count(*), total(r.meeting_seconds)"
                f" FROM records r WHERE {where} GROUP BY r.{column}, r.outcome"
            )
            for name, outcome, meetings, seconds in self.index.connection.execute(sql, arguments):
                yield by, name, outcome, meetings, seconds

    def shapes(self, filters: Filters) -> list[str]:
        """The answer ids of the sessions passing the filters, in the order they first appear."""
        where, arguments = filters.where()
        seen: dict[int, None] = {}
        for (shape,) in rows(
            self.index.connection, f"SELECT r.shape FROM records r WHERE {where}{_ORDER}", arguments
        ):
            if shape not in seen:
                seen[shape] = None
        ids: dict[str, None] = {}
        for shape in seen:
            found = self.index.connection.execute(
                "SELECT keys FROM shapes WHERE shape = ?", (shape,)
            ).fetchone()
            keys = found[0] if found else ""
            ids.update(dict.fromkeys(key for key in keys.split("\x1f") if key))
        return list(ids)

    def cells(self, filters: Filters, *, raw: bool) -> Iterator[tuple[list[str], str]]:
        """Each session's CSV cells (its fixed columns, then its answers), and its answer ids
        joined by \\x1f. Only what is served is checked: the cells, and the fields when a
        filter reads them."""
        where, arguments = filters.where()
        filtered = filters != Filters()
        fields = f", {_SESSION_COLUMNS}" if filtered else ", r.path"
        sql = (
            f"SELECT b.cells, b.raw_cells, b.cells_sum, k.keys{fields} FROM records r"
            f" JOIN bodies b ON b.n = r.n JOIN shapes k ON k.shape = r.shape"
            f" WHERE {where}{_ORDER}"
        )
        width = len(FIELDS)
        loads = orjson.loads
        for row in rows(self.index.connection, sql, arguments):
            cells, raw_cells, check, keys = row[:4]
            if text_sum(cells, raw_cells) != check or (
                filtered and row_sum(row[5 : width + 5], None) != row[width + 5]
            ):
                found = self._cells_from_disk(row[4], filters, raw)
                if found is not None:
                    yield found
                continue
            yield loads(raw_cells if raw and raw_cells is not None else cells), keys

    def _cells_from_disk(
        self, relative: str, filters: Filters, raw: bool
    ) -> tuple[list[str], str] | None:
        found = self._from_disk(relative, filters)
        if found is None:
            return None
        from resetkit.history.cells import session_cells

        escaped, plain = session_cells(found, found.record["answers"])
        text = plain if raw and plain is not None else escaped
        return json.loads(text), "\x1f".join(found.record["answers"])

    def action_lines(self, filters: Filters, *, raw: bool) -> Iterator[str]:
        """Each action item's CSV line, in the sessions' order."""
        from resetkit.history.cells import action_line

        where, arguments = filters.where()
        sql = (
            f"SELECT {_SESSION_COLUMNS}, a.item, a.item_sum FROM actions a"
            f" JOIN records r ON r.n = a.n WHERE {where}{_ORDER}, a.position"
        )
        width = len(FIELDS)
        damaged: set[str] = set()
        for row in rows(self.index.connection, sql, arguments):
            relative, fields = row[0], row[1 : width + 1]
            item, check = row[width + 2 :]
            if relative in damaged:
                continue
            session: Stored | None
            if row_sum(fields, None) != row[width + 1] or item_sum(item) != check:
                # Every item of this session from its record instead, at its first item.
                damaged.add(relative)
                session = self._from_disk(relative, filters)
                items = all_actions([session])[0] if session is not None else []
            else:
                session, items = Stored(self._record_path(relative), fields), [json.loads(item)]
            for action in items:
                escaped, plain = action_line(session, action)  # type: ignore[arg-type]
                yield plain if raw and plain is not None else escaped

    def short_ids(self, session_ids: Iterable[str]) -> dict[str, str]:
        """Each session id's shortest form that commands still take as it (`short_form`), as
        the notes dir's customer folders and sessions stand in the index."""
        from resetkit.record.session_ids import short_form

        folders = list(self.index.folders())
        sql = "SELECT path FROM records WHERE path >= ? AND path < ? LIMIT 2"
        found = {}
        for session_id in session_ids:
            alike = [
                path
                for (path,) in self.index.connection.execute(
                    sql, (session_id, session_id + "\U0010ffff")
                )
            ]
            found[session_id] = short_form(session_id, folders, alike)
        return found

    def actions_with_id(self, start: str) -> list[tuple[Stored, dict[str, Any]]]:
        """Action items whose id starts with this, with their sessions."""
        width = len(FIELDS)
        found = []
        sql = (
            f"SELECT {_SESSION_COLUMNS}, a.item, a.item_sum FROM actions a"
            " JOIN records r ON r.n = a.n WHERE a.id >= ? AND substr(a.id, 1, ?) = ?"
            " AND r.problem IS NULL ORDER BY r.started_at, r.id, r.path, a.position LIMIT 50"
        )
        for row in self.index.connection.execute(sql, (start, len(start), start)):
            item, check = row[width + 2 :]
            relative, fields = row[0], row[1 : width + 1]
            if row_sum(fields, None) != row[width + 1] or item_sum(item) != check:
                self.damaged.append(relative)
                return [
                    (stored, action)
                    for stored in self.sessions(Filters(), with_raw=False)
                    for action in all_actions([stored])[0]
                    if str(action.get("id", "")).startswith(start)
                ]
            found.append((Stored(self._record_path(relative), fields), json.loads(item)))
        return found


def recorded_of(stored: Stored) -> Recorded:
    """What a stored session's record says of its playbook, to find it (which_playbook)."""
    from resetkit.record.which_playbook import Recorded

    record = stored.record
    return Recorded(
        str(stored.id),
        str(stored.playbook_id),
        str(record.get("playbook_path", "")),
        str(record.get("playbook_hash", "")),
    )


@contextlib.contextmanager
def open_history(
    notes_dir: Path, filters: Filters | None = None, progress: Progress | None = None
) -> Iterator[History]:
    """The history of a notes dir, its index brought up to date first.

    The index is the one in the cache dir; when it cannot be used (RESETKIT_INDEX=off, a
    read-only cache, a damaged file), a throwaway one is built in a temporary folder.
    """
    customer = filters.customer if filters is not None else None
    with paused_gc(), contextlib.ExitStack() as stack:
        index = Index.open(notes_dir) if notes_dir.is_dir() else None
        if index is not None:
            from resetkit.storage import exclusive

            try:
                with exclusive(Path(f"{index.path}.lock")):
                    refresh(index, notes_dir, customer, progress)
            except (sqlite3.Error, OSError):
                index.close()
                index = None
        if index is None:
            scratch = stack.enter_context(_scratch_folder())
            index = Index.throwaway(Path(scratch))
            if notes_dir.is_dir():
                refresh(index, notes_dir, customer, progress)
        stack.callback(index.close)
        problems = [
            f"skipped {shown_path(notes_dir, relative)}: {problem}"
            for relative, problem in index.problems()
        ]
        history = History(index, notes_dir, sorted(problems))
        yield history
        if history.damaged and index.path is not None:
            with contextlib.suppress(sqlite3.Error):
                index.forget(history.damaged)


def _scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for a throwaway index; StorageError saying what to set when neither
    the cache dir nor any temporary folder can hold one."""
    try:
        return tempfile.TemporaryDirectory(prefix="resetkit-")
    except OSError as error:
        from resetkit.places import cache_dir

        raise StorageError(
            f"the history index can be kept neither in {cache_dir()} nor in a temporary folder "
            f"({error.strerror or error})",
            hint="set RESETKIT_CACHE_DIR or TMPDIR to a folder you can write to",
        ) from None


def read_sessions(
    notes_dir: Path,
    filters: Filters,
    *,
    with_raw: bool = True,
    progress: Progress | None = None,
) -> tuple[list[Stored], list[str]]:
    """Every session passing the filters, oldest first; and a warning per damaged record."""
    with open_history(notes_dir, filters, progress) as history:
        return list(history.sessions(filters, with_raw=with_raw)), history.problems
