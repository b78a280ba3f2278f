"""The history index: a SQLite database of every session record, queried by the history commands.

The records on disk stay the only source of truth. The index lives in the user cache dir (never
in the notes dir, which a team may keep in git) and holds, per record file, its stat signature,
the fields the commands filter, sort and add up on (in indexed columns), its action items (one
row each, indexed by status and due date), its bytes and its CSV cells. Commands ask it in SQL,
so that their cost grows with the rows they return, not with the history; `history/fresh.py`
keeps it up to date with the records. Losing or breaking the index costs time, never data: any
SQLite error turns the index off for that run and a throwaway one is built from the records.

Every value the index serves carries a CRC-32 taken when its record was read: damage SQLite
misses is caught when the value is used, and that record is read from disk again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resetkit.history.cells import CELLS_VERSION
from resetkit.places import index_path as index_path  # decided there, for completion
from resetkit.storage import SCHEMA_VERSION

# Bump when the tables change; the record schema and the CSV cells are part of the key too.
FORMAT = f"8/{SCHEMA_VERSION}/{CELLS_VERSION}"

# What tells that a file or folder changed: inode, size, ctime, mtime. One changed in the last
# two seconds gets no mtime, so it is looked at again next time: a write in the same clock tick
# as our read, with the same size, would otherwise go unseen.
Signature = tuple[int, int, int, int | None]
RECENT_NS = 2_000_000_000

# The fields of a session the commands read without parsing its record, in this order.
FIELDS = (
    "id",
    "customer",
    "playbook_id",
    "status",
    "started_at",
    "playbook_version",
    "outcome",
    "planned_minutes",
    "meeting_seconds",
    "attendees",
)

TABLES = """
CREATE TABLE records (
    n INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    folder TEXT NOT NULL,
    ino INTEGER, size INTEGER, ctime_ns INTEGER, mtime_ns INTEGER,
    id TEXT, customer TEXT, playbook_id TEXT, status TEXT, started_at TEXT,
    playbook_version TEXT, outcome TEXT, planned_minutes, meeting_seconds, attendees TEXT,
    customer_key TEXT, shape INTEGER, problem TEXT, row_sum INTEGER
);
CREATE TABLE bodies (
    n INTEGER PRIMARY KEY,
    raw BLOB, raw_sum INTEGER,
    actions TEXT, open_actions TEXT, actions_sum INTEGER,
    cells TEXT, raw_cells TEXT, cells_sum INTEGER
);
CREATE TABLE actions (
    n INTEGER NOT NULL, position INTEGER NOT NULL,
    id TEXT, owner TEXT, owner_key TEXT, due TEXT, status TEXT,
    item TEXT, item_sum INTEGER,
    PRIMARY KEY (n, position)
) WITHOUT ROWID;
CREATE TABLE shapes (shape INTEGER PRIMARY KEY, keys TEXT NOT NULL);
CREATE TABLE customers (folder TEXT NOT NULL, customer_key TEXT NOT NULL,
    PRIMARY KEY (folder, customer_key)) WITHOUT ROWID;
CREATE TABLE folders (name TEXT PRIMARY KEY, ino INTEGER, ctime_ns INTEGER, mtime_ns INTEGER);
-- The report's sums over complete sessions, kept by SQLite as records come and go: a report of
-- the whole history reads a row per customer, not a row per session. Seconds are summed in
-- microseconds, as integers, so that taking a session out leaves no rounding behind.
CREATE TABLE tallies (
    kind TEXT NOT NULL, name TEXT NOT NULL, outcome TEXT NOT NULL,
    meetings INTEGER NOT NULL, micros INTEGER NOT NULL,
    PRIMARY KEY (kind, name, outcome)
) WITHOUT ROWID;
"""
# The tallies kept up row by row. A first build goes without them (they cost a third of its
# inserts) and adds them all up at its end, with TALLY_ALL.
TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS tally_in AFTER INSERT ON records
WHEN NEW.status = 'complete' AND NEW.problem IS NULL
BEGIN
    INSERT INTO tallies VALUES
        ('customers', NEW.customer, NEW.outcome, 1,
            CAST(round(NEW.meeting_seconds * 1e6) AS INTEGER)),
        ('playbooks', NEW.playbook_id, NEW.outcome, 1,
            CAST(round(NEW.meeting_seconds * 1e6) AS INTEGER))
    ON CONFLICT DO UPDATE SET meetings = meetings + 1, micros = micros + excluded.micros;
END;
CREATE TRIGGER IF NOT EXISTS tally_out AFTER DELETE ON records
WHEN OLD.status = 'complete' AND OLD.problem IS NULL
BEGIN
    UPDATE tallies SET meetings = meetings - 1,
        micros = micros - CAST(round(OLD.meeting_seconds * 1e6) AS INTEGER)
    WHERE (kind = 'customers' AND name = OLD.customer AND outcome = OLD.outcome)
       OR (kind = 'playbooks' AND name = OLD.playbook_id AND outcome = OLD.outcome);
    DELETE FROM tallies WHERE meetings = 0;
END;
"""
# One pass over the records, then a sum per customer and per playbook. total() never fails on
# an integer overflow (sum() does, for absurd meeting times in a hostile record) and gives what
# the triggers give (an integer sum that overflows turns real); it is exact below 2^53
# microseconds (285 years of meetings).
TALLY_ALL = """
DELETE FROM tallies;
CREATE TEMP TABLE sums AS
SELECT customer, playbook_id, outcome, count(*) AS meetings,
    total(CAST(round(meeting_seconds * 1e6) AS INTEGER)) AS micros
FROM records WHERE status = 'complete' AND problem IS NULL
GROUP BY customer, playbook_id, outcome;
INSERT INTO tallies
SELECT 'customers', customer, outcome, sum(meetings), total(micros)
FROM temp.sums GROUP BY customer, outcome;
INSERT INTO tallies
SELECT 'playbooks', playbook_id, outcome, sum(meetings), total(micros)
FROM temp.sums GROUP BY playbook_id, outcome;
DROP TABLE temp.sums;
"""
# Made after a first build has filled the tables (faster than keeping them up row by row).
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS records_path ON records (path);
CREATE INDEX IF NOT EXISTS records_order ON records (started_at, id, path);
CREATE INDEX IF NOT EXISTS records_customer ON records (customer_key, started_at);
CREATE INDEX IF NOT EXISTS records_problem ON records (problem) WHERE problem IS NOT NULL;
CREATE INDEX IF NOT EXISTS actions_open ON actions (due) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS actions_id ON actions (id);
"""


# The records of a customer folder, by a range of their paths (which start with its name and a
# slash; "0" comes right after "/"): the path's index serves it, no index of its own to make.
IN_FOLDER = "path >= ? AND path < ?"


def in_folder(name: str) -> tuple[str, str]:
    """The arguments of IN_FOLDER for this customer folder."""
    return name + "/", name + "0"


@dataclass
class Parsed:
    """A record file as the index keeps it. A record that cannot be read has only `problem`."""

    problem: str | None = None
    fields: tuple[Any, ...] = (None,) * len(FIELDS)
    customer_key: str | None = None
    shape: int | None = None
    keys: str = ""  # the answers' ids, joined by \x1f (the shape's)
    raw: bytes = b""
    actions: str = ""  # its action items as JSON, "" when none
    open_actions: str = ""
    cells: str = ""
    raw_cells: str | None = None
    # (position, id, owner, owner_key, due, status, item JSON)
    items: list[tuple[Any, ...]] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def shape_of(keys: str) -> int:
    """A stable 63-bit number for a list of answer ids (the same in every process); a history
    has few shapes, each asked for again and again."""
    return (
        int.from_bytes(
            hashlib.blake2b(keys.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        )
        >> 1
    )


def row_sum(fields: tuple[Any, ...], problem: str | None) -> int:
    """A CRC-32 of a record's fields as indexed.

    The numbers enter through their hash, which Python keeps the same in every process for
    ints and floats: formatting a float costs more than everything else here together.
    """
    if problem is not None:  # a record that cannot be read: only its problem is kept
        return zlib.crc32(problem.encode("utf-8", "surrogatepass"))
    text = "\x1f".join(
        (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[9])
    )
    return zlib.crc32(
        text.encode("utf-8", "surrogatepass"), hash((fields[7], fields[8])) & 0xFFFFFFFF
    )


def text_sum(*texts: str | None) -> int:
    """A CRC-32 of some texts of a record's body row (its bytes have a sum of their own)."""
    joined = "\x1f".join(text or "" for text in texts)
    return zlib.crc32(joined.encode("utf-8", "surrogatepass"))


def item_sum(item: str) -> int:
    """A CRC-32 of an action item's row."""
    return zlib.crc32(item.encode("utf-8", "surrogatepass"))


def same(known: Any, current: Signature | None) -> bool:
    """Whether a known signature still describes the file (an unknown mtime never does, nor
    an unknown signature)."""
    return (
        known is not None
        and current is not None
        and known[3] is not None
        and tuple(known) == tuple(current)
    )


def rows_of(
    n: int, path: str, folder: str, signature: Signature, parsed: Parsed
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None, list[tuple[Any, ...]], tuple[int, str] | None]:
    """One record's rows: of records, bodies (None: a record with a problem), actions, shapes."""
    record = (
        n,
        path,
        folder,
        *signature,
        *parsed.fields,
        parsed.customer_key,
        parsed.shape,
        parsed.problem,
        row_sum(parsed.fields, parsed.problem),
    )
    if parsed.problem is not None:
        return record, None, [], None
    body = (
        n,
        parsed.raw,
        zlib.crc32(parsed.raw),
        parsed.actions,
        parsed.open_actions,
        text_sum(parsed.actions, parsed.open_actions),
        parsed.cells,
        parsed.raw_cells,
        text_sum(parsed.cells, parsed.raw_cells),
    )
    items = [(n, *item, item_sum(item[6])) for item in parsed.items]
    shape = None if parsed.shape is None else (parsed.shape, parsed.keys)
    return record, body, items, shape


class Rows:
    """Rows of many records, inserted with one statement per table."""

    def __init__(self) -> None:
        self.records: list[tuple[Any, ...]] = []
        self.bodies: list[tuple[Any, ...]] = []
        self.items: list[tuple[Any, ...]] = []
        self.shapes: dict[int, str] = {}

    def add(self, n: int, path: str, folder: str, signature: Signature, parsed: Parsed) -> None:
        """Add one record's rows."""
        record, body, items, shape = rows_of(n, path, folder, signature, parsed)
        self.records.append(record)
        if body is not None:
            self.bodies.append(body)
        self.items += items
        if shape is not None:
            self.shapes[shape[0]] = shape[1]

    def insert(self, connection: sqlite3.Connection) -> None:
        """Insert every row added (within the caller's transaction)."""
        connection.executemany(
            "INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self.records
        )
        connection.executemany("INSERT INTO bodies VALUES (?,?,?,?,?,?,?,?,?)", self.bodies)
        connection.executemany("INSERT INTO actions VALUES (?,?,?,?,?,?,?,?,?)", self.items)
        connection.executemany("INSERT OR IGNORE INTO shapes VALUES (?,?)", self.shapes.items())


def create_tables(connection: sqlite3.Connection) -> None:
    """The tables, empty and without their indexes (made after a first build)."""
    connection.executescript(TABLES)
    connection.executescript(TRIGGERS)


def writer(file: Path) -> sqlite3.Connection:
    """A connection of a build's worker process to the index it fills, beside the command's
    own. Workers take turns to write (SQLite's lock): each holds it only to insert rows it has
    parsed already, so they wait on each other little."""
    connection = sqlite3.connect(file, timeout=600.0, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-65536")
    return connection


class Index:
    """One notes dir's index; every method may raise sqlite3.Error (callers drop the index)."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None, file: Path) -> None:
        self.connection = connection
        self.path = path  # None: a throwaway index in a temporary file
        self.file = file  # the database file, throwaway or not

    @classmethod
    def open(cls, notes_dir: Path) -> Index | None:
        """The index, created if need be; None when it cannot be used (read-only cache, ...)."""
        if os.environ.get("RESETKIT_INDEX") == "off":
            return None
        path = index_path(notes_dir)
        for attempt in (1, 2):
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                return cls._connect(path)
            except sqlite3.DatabaseError:
                # Not a database (or a damaged one): it is only a cache, start again once.
                if attempt == 2:
                    return None
                remove_database(path)
            except (sqlite3.Error, OSError):
                return None
        return None  # pragma: no cover - the loop returns

    @classmethod
    def throwaway(cls, folder: Path) -> Index:
        """An index in a temporary folder, for a run where the real one cannot be used."""
        return cls._connect(folder / "index.sqlite", durable=False)

    @classmethod
    def _connect(cls, path: Path, *, durable: bool = True) -> Index:
        connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        try:
            # Large pages hold a record's bytes and cells without overflow chains (a build's
            # copy costs half as much); set before the first table, ignored after.
            connection.execute("PRAGMA page_size=16384")
            connection.execute("PRAGMA journal_mode=WAL" if durable else "PRAGMA journal_mode=OFF")
            # A cache: a power cut may cost it (SQLite then says so and it is rebuilt, and the
            # row sums catch the rest), never the records; not waiting for the disk halves a build.
            connection.execute("PRAGMA synchronous=OFF")
            # 16 MB of pages at most, whatever the size: exports stream, memory stays flat.
            connection.execute("PRAGMA cache_size=-16384")
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            if _format(connection) != FORMAT:
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    # Asked again under the lock: another command may have just built it.
                    if _format(connection) != FORMAT:
                        for (name,) in connection.execute(
                            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'"
                        ).fetchall():
                            connection.execute(f'DROP TABLE "{name}"')
                        connection.execute("DELETE FROM meta")
                        create_tables(connection)
                        connection.execute(
                            "INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,)
                        )
        except BaseException:
            connection.close()
            raise
        return cls(connection, path if durable else None, path)

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()

    # --- what the index knows -------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value kept beside the tables (git's HEAD when last seen, ...)."""
        found = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if found is None else str(found[0])

    def count(self) -> int:
        """How many record files the index holds."""
        return int(self.meta("records") or 0)

    def folders(self) -> dict[str, Signature]:
        """Each customer folder's signature when its sessions were last looked at."""
        return {
            name: (ino, 0, ctime, mtime)
            for name, ino, ctime, mtime in self.connection.execute("SELECT * FROM folders")
        }

    def signatures(self, folders: Iterable[str]) -> dict[str, Signature]:
        """path -> signature of every record indexed in these customer folders."""
        found: dict[str, Signature] = {}
        for name in folders:
            for path, *signature in self.connection.execute(
                "SELECT path, ino, size, ctime_ns, mtime_ns FROM records WHERE " + IN_FOLDER,
                in_folder(name),
            ):
                found[path] = tuple(signature)
        return found

    def folders_of(self, customer_key: str) -> list[str]:
        """The customer folders holding sessions of a customer whose name contains this."""
        return [
            name
            for (name,) in self.connection.execute(
                "SELECT DISTINCT folder FROM customers WHERE instr(customer_key, ?) > 0",
                (customer_key,),
            )
        ]

    def tallies(self) -> list[tuple[str, str, str, int, float]]:
        """(kind, name, outcome, meetings, seconds) over every complete session."""
        return [
            (kind, name, outcome, meetings, micros / 1e6)
            for kind, name, outcome, meetings, micros in self.connection.execute(
                "SELECT * FROM tallies"
            )
        ]

    def problems(self) -> list[tuple[str, str]]:
        """(path, problem) of every record the index could not read."""
        # Sorted here: asked to sort, SQLite walks every path instead of the few problems.
        return sorted(
            self.connection.execute("SELECT path, problem FROM records WHERE problem IS NOT NULL")
        )

    # --- bringing it up to date -----------------------------------------------------------

    def update(
        self,
        fresh: list[tuple[str, str, Signature, Parsed]],
        gone: Iterable[str],
        folders: dict[str, Signature],
        gone_folders: Iterable[str],
        meta: dict[str, str],
    ) -> None:
        """Store records read again, forget those no longer on disk, remember the folders'
        signatures, in one transaction."""
        connection = self.connection
        gone_folders = list(gone_folders)
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            stale = [path for path, *_ in fresh] + list(gone)
            for name in gone_folders:
                stale += [
                    path
                    for (path,) in connection.execute(
                        "SELECT path FROM records WHERE " + IN_FOLDER, in_folder(name)
                    )
                ]
            numbers = []
            for path in stale:
                found = connection.execute(
                    "SELECT n FROM records WHERE path = ?", (path,)
                ).fetchone()
                if found is not None:
                    numbers.append(found)
            connection.executemany("DELETE FROM records WHERE n = ?", numbers)
            connection.executemany("DELETE FROM bodies WHERE n = ?", numbers)
            connection.executemany("DELETE FROM actions WHERE n = ?", numbers)
            batch = Rows()
            first = self.max_number() + 1
            for number, (path, folder, signature, parsed) in enumerate(fresh, start=first):
                batch.add(number, path, folder, signature, parsed)
            batch.insert(connection)
            touched = {folder for _, folder, _, _ in fresh} | set(folders) | set(gone_folders)
            touched |= {path.split("/", 1)[0] for path in stale}
            self._customers(touched)
            connection.executemany(
                "DELETE FROM folders WHERE name = ?", ((name,) for name in gone_folders)
            )
            connection.executemany(
                "INSERT OR REPLACE INTO folders VALUES (?,?,?,?)",
                ((name, sig[0], sig[2], sig[3]) for name, sig in folders.items()),
            )
            total = connection.execute("SELECT count(*) FROM records").fetchone()[0]
            meta = meta | {"records": str(total)}
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())

    def _customers(self, folders: Iterable[str]) -> None:
        folders = list(folders)
        if len(folders) > 200:  # a build: one pass over the records beats a query per folder
            self.connection.execute("DELETE FROM customers")
            self.connection.execute(
                "INSERT OR IGNORE INTO customers SELECT folder, customer_key FROM records"
                " WHERE customer_key IS NOT NULL"
            )
            return
        for name in folders:
            self.connection.execute("DELETE FROM customers WHERE folder = ?", (name,))
            self.connection.execute(
                "INSERT OR IGNORE INTO customers SELECT folder, customer_key FROM records"
                " WHERE " + IN_FOLDER + " AND customer_key IS NOT NULL",
                in_folder(name),
            )

    def start_build(self) -> None:
        """Before workers write the rows of a first build: no tallies kept row by row."""
        self.connection.executescript(
            "DROP TRIGGER IF EXISTS tally_in; DROP TRIGGER IF EXISTS tally_out"
        )

    def finish_build(
        self, folders: dict[str, Signature], gone_folders: Iterable[str], meta: dict[str, str]
    ) -> None:
        """After workers wrote a build's rows: the indexes, the tallies (all added up after a
        first build) kept up again, the customers, the folders, the count."""
        connection = self.connection
        connection.executescript(INDEXES)
        if not connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'tally_in'"
        ).fetchone():
            connection.executescript("BEGIN IMMEDIATE;" + TALLY_ALL + TRIGGERS + "COMMIT;")
        self.update([], [], folders, gone_folders, meta)

    def clear(self) -> None:
        """Empty every table (a build that never finished left rows without their indexes)."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            for table in ("records", "bodies", "actions", "shapes", "customers", "folders"):
                self.connection.execute(f"DELETE FROM {table}")
            self.connection.execute("DELETE FROM tallies")
            self.connection.execute("DELETE FROM meta WHERE key != 'format'")
        self.connection.executescript(TRIGGERS)  # gone if a first build was cut short

    def ensure_indexes(self) -> None:
        """The indexes of the tables (made once, after the first records are in)."""
        self.connection.executescript(INDEXES)

    def forget(self, paths: Iterable[str]) -> None:
        """Make these records be read again: their folders are looked at next time."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "DELETE FROM folders WHERE name = ?", ((p.split("/", 1)[0],) for p in paths)
            )
            self.connection.executemany(
                "UPDATE records SET mtime_ns = NULL WHERE path = ?", ((p,) for p in paths)
            )

    def max_number(self) -> int:
        """The highest record number in use."""
        found = self.connection.execute("SELECT max(n) FROM records").fetchone()[0]
        return int(found or 0)


def _format(connection: sqlite3.Connection) -> str | None:
    found = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return None if found is None else str(found[0])


def remove_database(path: Path) -> None:
    """Remove a SQLite file and its journals."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def rows(connection: sqlite3.Connection, sql: str, arguments: Iterable[Any]) -> Iterator[Any]:
    """The rows of a query, fetched in batches (a cursor holds no more than a batch)."""
    cursor = connection.execute(sql, tuple(arguments))
    while batch := cursor.fetchmany(2000):
        yield from batch
