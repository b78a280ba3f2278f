"""A cache of session records, so history commands re-read only the records that changed.

The records on disk stay the only source of truth. The index lives in the user cache dir (never
in the notes dir, which a team may keep in git) and holds, per record file, its stat signature,
the fields the filters need, its action items and its bytes. Every read checks each record's
signature first: a record changed by anyone (a live session, `actions done`, a hand edit, a git
pull) is read again. Losing or breaking the index costs time, never data: any SQLite error turns
the index off for that run and the records are read from disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from resetkit.places import cache_dir
from resetkit.storage import SCHEMA_VERSION

# Bump when the table changes; the record schema is part of the key too.
FORMAT = f"4/{SCHEMA_VERSION}"

# A record's fields: id, customer, playbook_id, status, started_at, playbook_version, outcome,
# planned_minutes, meeting_seconds, attendees (their names, joined by "; "), actions (its action
# items as JSON, "" when none), open_actions (the open ones, likewise), raw (its bytes), problem
# (why it cannot be read; then the others are None). The first ten are Stored's fields.
Row = tuple[Any, ...]
# What tells that a record file changed: inode, size, ctime, mtime. A file changed in the last
# two seconds gets no mtime, so it is read again next time: a write in the same clock tick as
# our read, with the same size, would otherwise go unseen.
Signature = tuple[int, int, int, int | None]
RECENT_NS = 2_000_000_000

_TABLE = """
CREATE TABLE IF NOT EXISTS records (
    path TEXT PRIMARY KEY,
    ino INTEGER, size INTEGER, ctime_ns INTEGER, mtime_ns INTEGER,
    id TEXT, customer TEXT, playbook_id TEXT, status TEXT, started_at TEXT,
    playbook_version TEXT, outcome TEXT, planned_minutes, meeting_seconds,
    attendees TEXT, actions TEXT, open_actions TEXT, raw BLOB, problem TEXT,
    row_sum INTEGER, raw_sum INTEGER, actions_sum INTEGER, open_sum INTEGER
)
"""


def index_path(notes_dir: Path) -> Path:
    """Where the index of this notes dir lives: one file per notes dir, in the user cache dir."""
    key = hashlib.sha256(os.fsencode(os.path.realpath(notes_dir))).hexdigest()[:20]
    return cache_dir() / "index" / f"{key}.sqlite"


class Index:
    """One notes dir's index; every method may raise sqlite3.Error (callers drop the index)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

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
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{path}{suffix}")
            except (sqlite3.Error, OSError):
                return None
        return None  # pragma: no cover - the loop returns

    @classmethod
    def _connect(cls, path: Path) -> Index:
        connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            if cls._format(connection) != FORMAT:
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    # Asked again under the lock: another command may have just built it.
                    if cls._format(connection) != FORMAT:
                        connection.execute("DROP TABLE IF EXISTS records")
                        connection.execute(_TABLE)
                        connection.execute(
                            "INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,)
                        )
        except BaseException:
            connection.close()
            raise
        return cls(connection)

    @staticmethod
    def _format(connection: sqlite3.Connection) -> str | None:
        found = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        return None if found is None else str(found[0])

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()

    def rows(self, *, with_raw: bool) -> sqlite3.Cursor:
        """Every indexed record: its path in the notes dir, signature (4 values), fields (Row),
        then the checksums (CRC-32) of the fields (row_sum), the bytes, the action items and
        the open ones, as stored."""
        payload = "raw" if with_raw else "NULL"
        return self.connection.execute(
            "SELECT path, ino, size, ctime_ns, mtime_ns, id, customer, playbook_id, status,"
            " started_at, playbook_version, outcome, planned_minutes, meeting_seconds, attendees,"
            f" actions, open_actions, {payload}, problem, row_sum, raw_sum,"
            " actions_sum, open_sum FROM records"
        )

    def update(self, fresh: Iterable[tuple[str, Signature, Row]], gone: Iterable[str]) -> None:
        """Store records read again and forget those no longer on disk, in one transaction."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "DELETE FROM records WHERE path = ?", ((path,) for path in gone)
            )
            self.connection.executemany(
                "INSERT OR REPLACE INTO records VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    (
                        path,
                        *signature,
                        *row,
                        row_sum(row),
                        zlib.crc32(row[12] or b""),
                        zlib.crc32((row[10] or "").encode("utf-8")),
                        zlib.crc32((row[11] or "").encode("utf-8")),
                    )
                    for path, signature, row in fresh
                ),
            )


def row_sum(row: Row) -> int:
    """A CRC-32 of a row's fields (its action items and bytes have sums of their own).

    The numbers enter through their hash, which Python keeps the same in every process for
    ints and floats: formatting a float costs more than everything else here together.
    """
    if row[13] is not None:  # a record that cannot be read: only its problem is kept
        return zlib.crc32(str(row[13]).encode("utf-8", "surrogatepass"))
    text = "\x1f".join((row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[9]))
    return zlib.crc32(text.encode("utf-8", "surrogatepass"), hash((row[7], row[8])) & 0xFFFFFFFF)


def same(known: Any, current: Signature) -> bool:
    """Whether an indexed signature still describes the file (an unknown mtime never does)."""
    return known[3] is not None and tuple(known) == current
