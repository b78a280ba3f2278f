"""The ids and names a shell completes (session ids, customers, action ids, owners), read from
the history index as it stands.

A Tab must answer at once, at any size of history: this reads the index's indexed columns,
never a record, never builds or refreshes the index (a history command does that), and never
loads pydantic. A record saved since the last history command may be missing: completion is a
help to typing, not an answer. With no index yet, session ids and customers come from the
notes dir's folder names. Nothing here raises for a missing or broken index: it completes
nothing instead.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from resetkit.places import index_path

# At most this many session ids are offered for one Tab; past it, the customers' folders are
# offered instead ('acme-corp/'), to narrow down first.
MOST = 200
OWNER_SIDES = ("us", "customer", "both")


def _read(
    notes_dir: Path,
    indexed: Callable[[sqlite3.Connection], list[str]],
    otherwise: Callable[[], list[str]] = list,
) -> list[str]:
    """What `indexed` reads from the index opened read-only; what `otherwise` gives when there
    is no index yet or it cannot be read."""
    path = index_path(notes_dir)
    if path.is_file():
        try:
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.1)
            try:
                return indexed(connection)
            finally:
                connection.close()
        except sqlite3.Error:
            pass
    return otherwise()


def _upper(prefix: str) -> str:
    """The first text after every text starting with `prefix` (for an indexed range)."""
    return prefix + "\U0010ffff"


def session_ids(notes_dir: Path, prefix: str) -> list[str]:
    """Session ids starting with `prefix`; the customers' folders ('acme-corp/') instead when
    more than MOST sessions would match and the prefix names no customer folder yet."""
    return _read(
        notes_dir,
        lambda connection: _session_ids_indexed(connection, prefix),
        lambda: _session_ids_from_folders(notes_dir, prefix),
    )


def _session_ids_indexed(connection: sqlite3.Connection, prefix: str) -> list[str]:
    # A record's path in the index is its session id: the unique index on path serves a range.
    found = [
        path
        for (path,) in connection.execute(
            "SELECT path FROM records WHERE path >= ? AND path < ? ORDER BY path LIMIT ?",
            (prefix, _upper(prefix), MOST + 1),
        )
    ]
    if len(found) <= MOST or "/" in prefix:
        return found[:MOST]
    folders = connection.execute(
        "SELECT DISTINCT folder FROM customers WHERE folder >= ? AND folder < ? ORDER BY folder",
        (prefix, _upper(prefix)),
    )
    return [f"{folder}/" for (folder,) in folders]


def _session_ids_from_folders(notes_dir: Path, prefix: str) -> list[str]:
    customer, slash, rest = prefix.partition("/")
    try:
        folders = sorted(
            entry.name
            for entry in os.scandir(notes_dir)
            if entry.is_dir() and entry.name.startswith(customer) and entry.name[:1] != "."
        )
    except OSError:
        return []
    if not slash and len(folders) != 1:
        return [f"{folder}/" for folder in folders]
    found: list[str] = []
    for folder in folders:
        with contextlib.suppress(OSError):
            found += [
                f"{folder}/{entry.name}"
                for entry in os.scandir(notes_dir / folder)
                if entry.name.startswith(rest) and (Path(entry.path) / "session.json").is_file()
            ]
    return sorted(found)[:MOST]


def customer_names(notes_dir: Path, prefix: str) -> list[str]:
    """Customers' names as typed in their sessions, those starting with `prefix` (in any case)."""
    key = prefix.casefold()
    return _read(
        notes_dir,
        lambda connection: _customer_names_indexed(connection, key),
        lambda: _folder_names(notes_dir, key),
    )


def _folder_names(notes_dir: Path, key: str) -> list[str]:
    """The customers' folder names starting with `key`: with no index, the names it has."""
    try:
        names = [entry.name for entry in os.scandir(notes_dir) if entry.is_dir()]
    except OSError:
        return []
    return sorted(name for name in names if name.startswith(key) and not name.startswith("."))


def _customer_names_indexed(connection: sqlite3.Connection, key: str) -> list[str]:
    keys = [
        found
        for (found,) in connection.execute(
            "SELECT DISTINCT customer_key FROM customers WHERE customer_key >= ? "
            "AND customer_key < ?",
            (key, _upper(key)),
        )
    ]
    names: set[str] = set()
    for customer_key in keys:
        row = connection.execute(
            "SELECT customer FROM records WHERE customer_key = ? AND customer IS NOT NULL "
            "ORDER BY started_at DESC LIMIT 1",
            (customer_key,),
        ).fetchone()
        if row is not None:
            names.add(row[0])
    return sorted(names)


def action_ids(notes_dir: Path, prefix: str) -> list[str]:
    """The ids of open action items starting with `prefix`."""
    # The open items' own (partial) index: a range on id would walk every item ever.
    ids = _read(notes_dir, lambda connection: _open_items(connection, "id"))
    return sorted({found for found in ids if found.startswith(prefix)})


def owners(notes_dir: Path, prefix: str) -> list[str]:
    """What `--owner` takes: us, customer, both, and the names owning open items."""
    key = prefix.casefold()
    names = _read(notes_dir, lambda connection: _open_items(connection, "owner_key"))
    sides = [side for side in OWNER_SIDES if side.startswith(key)]
    return sides + sorted({name for name in names if name.startswith(key)} - set(sides))


def _open_items(connection: sqlite3.Connection, column: str) -> list[str]:
    """One column (id, owner_key) of the open action items, each value once."""
    # By the partial index of open items (a few thousand rows): left to itself, SQLite walks
    # the index on id for DISTINCT id, every item ever with a lookup each (0.7 s at 100,000
    # sessions, against 15 ms).
    rows = connection.execute(
        f"SELECT DISTINCT {column} FROM actions INDEXED BY actions_open WHERE status = 'open'"
    )
    return [found for (found,) in rows if found]
