"""Keeping the index true to the records, without looking at every record on every command.

What tells that records changed, cheapest first:
- a customer folder's signature (its inode, ctime and mtime): it changes when a session folder
  is added, removed or renamed in it, and resetkit touches it whenever it writes a record
  (`record.session.save`, the merge of a team repository), so every change made through
  resetkit, by any process or clone on this machine, shows there;
- git, when the notes dir is in a git work tree: when git's own index file changed, HEAD is
  asked for, and if it moved, `git diff --name-only` between the commit last seen and the new
  one names the records a pull, merge, checkout or reset changed (cost: the changes, not the
  history);
- a command about one customer (`--customer`) looks at every record of that customer;
- in a history of up to FULL_CHECK_LIMIT sessions (or with RESETKIT_INDEX=exact), every record
  file's signature is compared on every command, as before: it costs under a tenth of a second
  there, and it also sees a record edited by hand, in place, without resetkit or git.

Above that size, an edit by hand to an existing record that goes through neither resetkit nor
git is seen once its customer is asked for or its folder changes (README, "History at scale").

Records to read are parsed in worker processes when there are many (a first build): each writes
its share into a SQLite file of its own, which the index then takes in whole.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import stat as mode
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import orjson

from resetkit.history.cells import session_cells
from resetkit.history.index import (
    FIELDS,
    RECENT_NS,
    Index,
    Parsed,
    Rows,
    Signature,
    create_tables,
    remove_database,
    same,
    shape_of,
)
from resetkit.storage import RECORD_FILE, SCHEMA_VERSION

FULL_CHECK_LIMIT = 20_000
PARALLEL_FROM = 4_000  # records to read before worker processes pay for themselves
CHUNK = 4_000
READERS = 16  # files read at once (threads: a read lets go of the GIL)
LINK_PROBLEM = "a symbolic link; resetkit reads only inside the notes dir"
_SURROGATE = re.compile(rb"\\u[dD][89abAB]")  # a JSON escape of half a UTF-16 pair

# (done, total) records read, for a progress bar; called from the main process only.
Progress = Callable[[int, int], None]


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


# --- one record --------------------------------------------------------------------------------

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


class _Fields:
    """A record's fields by name, for the CSV cells."""

    def __init__(self, values: tuple[Any, ...]) -> None:
        for name, value in zip(FIELDS, values, strict=True):
            setattr(self, name, value)


def read_record(path: str) -> bytes | OSError:
    """A record file's bytes, or why they cannot be read (never following a link)."""
    from resetkit.storage import read_bytes_no_follow

    try:
        return read_bytes_no_follow(path)
    except OSError as error:
        return error


def parse_record(path: str, content: bytes | OSError | None = None) -> Parsed | None:
    """A record file (or its `content`, read already) as the index keeps it; None if it is
    gone. A record that is not valid JSON, not a session record, or holds a field of the wrong
    type, has its problem."""
    from pydantic import ValidationError

    from resetkit.record.session import Session, describe_damage

    if content is None:
        content = read_record(path)
    raw = b""
    try:
        if isinstance(content, OSError):
            raise content
        raw = content.strip()
        record = _loads(raw)
    except FileNotFoundError:
        return None  # a folder without a record is not a session
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid JSON"
        if not isinstance(error, OSError) and (raw.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in raw):
            from resetkit.record.session import CONFLICTED, REPAIR_HINT

            reason = f"{CONFLICTED}: {REPAIR_HINT}"
        return Parsed(problem=str(reason))
    if not _looks_valid(record):
        return Parsed(problem="not a session record this version can read")
    try:
        Session.model_validate(record)
    except ValidationError as error:
        return Parsed(problem=f"the session record is damaged ({describe_damage(error)})")
    if _SURROGATE.search(raw):
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return Parsed(problem="the session record holds text that is not valid Unicode")
    return _parsed(record, raw)


def _loads(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        # What orjson refuses and json takes (NaN, huge numbers) is still read as before.
        return json.loads(raw)


def _parsed(record: dict[str, Any], raw: bytes) -> Parsed:
    fields = (
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
    )
    session = _Fields(fields)
    cells, raw_cells = session_cells(session, record["answers"])  # type: ignore[arg-type]
    keys = "\x1f".join(record["answers"])
    items = []
    every: list[str] = []
    still_open: list[str] = []
    for position, action in enumerate(action_items(record)):
        item = orjson.dumps(action).decode("utf-8")
        status = action.get("status", "open")
        every.append(item)
        if status == "open":
            still_open.append(item)
        items.append(
            (
                position,
                str(action.get("id", "")),
                action.get("owner"),
                str(action.get("owner_name", "")).casefold(),
                action.get("due") or None,
                status,
                item,
            )
        )
    return Parsed(
        fields=fields,
        customer_key=record["customer"].casefold(),
        shape=shape_of(keys),
        keys=keys,
        raw=raw,
        actions="[" + ",".join(every) + "]" if every else "",
        open_actions="[" + ",".join(still_open) + "]" if still_open else "",
        cells=cells,
        raw_cells=raw_cells,
        items=items,
    )


def action_items(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The action items of a record: answers that are lists of mappings."""
    for value in record["answers"].values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield from value


# --- what is on disk ---------------------------------------------------------------------------


def _signature(info: os.stat_result, recent: int) -> Signature:
    mtime = info.st_mtime_ns
    return (info.st_ino, info.st_size, info.st_ctime_ns, mtime if mtime < recent else None)


def _folder_signature(info: os.stat_result, recent: int) -> Signature:
    # A folder's size says nothing the mtime does not; 0 keeps it comparable with the index.
    mtime = info.st_mtime_ns
    ctime = info.st_ctime_ns
    fresh = mtime < recent and ctime < recent
    return (info.st_ino, 0, ctime, mtime if fresh else None)


# A thing on disk: its absolute path, signature, and LINK_PROBLEM for a link (else None).
OnDisk = tuple[str, Signature, str | None]


def customer_folders(notes_dir: Path, recent: int) -> dict[str, tuple[Signature, bool]]:
    """Each customer folder's name -> (signature, whether it is a symbolic link)."""
    found: dict[str, tuple[Signature, bool]] = {}
    with os.scandir(notes_dir) as entries:
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if mode.S_ISDIR(info.st_mode):
                found[entry.name] = (_folder_signature(info, recent), False)
            elif mode.S_ISLNK(info.st_mode) and entry.is_dir():
                found[entry.name] = (_folder_signature(info, recent), True)
    return found


def sessions_in(notes_dir: Path, name: str, is_link: bool, recent: int) -> dict[str, OnDisk]:
    """The records (and links) of one customer folder, by their path in the notes dir."""
    folder = os.path.join(notes_dir, name)
    if is_link:
        return {name + "/": (folder, (0, 0, 0, 0), LINK_PROBLEM)}
    found: dict[str, OnDisk] = {}
    lstat = os.lstat
    record_name = os.sep + RECORD_FILE
    try:
        entries = os.scandir(folder)
    except OSError:
        return found
    with entries:
        for entry in entries:
            relative = f"{name}/{entry.name}"
            if not entry.is_dir(follow_symlinks=False):
                if entry.is_symlink() and entry.is_dir():
                    found[relative + "/"] = (entry.path, (0, 0, 0, 0), LINK_PROBLEM)
                continue
            path = entry.path + record_name
            try:
                info = lstat(path)
            except OSError:
                continue  # no record (yet): not a session
            if mode.S_ISLNK(info.st_mode):
                found[f"{relative}/{RECORD_FILE}"] = (path, (0, 0, 0, 0), LINK_PROBLEM)
                continue
            found[relative] = (path, _signature(info, recent), None)
    return found


def shown_path(notes_dir: Path, relative: str) -> str:
    """The path a problem is told at: the record file, or the link itself."""
    if relative.endswith("/") or relative.endswith(RECORD_FILE):
        return os.path.join(notes_dir, relative.rstrip("/"))
    return os.path.join(notes_dir, relative, RECORD_FILE)


# --- git ---------------------------------------------------------------------------------------


def _git_dir(notes_dir: Path) -> Path | None:
    """The git dir of the work tree holding the notes dir, if any (a .git folder or file)."""
    here = Path(os.path.realpath(notes_dir))
    for folder in (here, *here.parents):
        marker = folder / ".git"
        if marker.is_dir():
            return marker
        if marker.is_file():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                text = marker.read_text("utf-8").strip()
                if text.startswith("gitdir:"):
                    found = Path(text.removeprefix("gitdir:").strip())
                    return found if found.is_absolute() else folder / found
            return None
    return None


def _git(notes_dir: Path, *arguments: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(notes_dir), *arguments],
            capture_output=True,
            check=False,
            timeout=60,
            env=dict(os.environ, GIT_OPTIONAL_LOCKS="0"),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


def git_changes(notes_dir: Path, seen: str | None) -> tuple[str | None, set[str] | None]:
    """What git changed in the notes dir since it was last seen: the new state to remember,
    and the customer folders git changed (None: cannot tell, look at everything)."""
    git_dir = _git_dir(notes_dir)
    if git_dir is None:
        return None, set()
    try:
        info = os.stat(git_dir / "index")
        index_state = f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
    except OSError:
        index_state = "none"
    before = json.loads(seen) if seen else None
    if before is not None and before.get("index") == index_state:
        return seen, set()  # git wrote nothing since: no commit, pull, merge or checkout
    head = _git(notes_dir, "rev-parse", "-q", "--verify", "HEAD")
    head = head.strip() if head else None
    state = json.dumps({"index": index_state, "head": head})
    if before is None:
        return state, None  # first look with git: nothing to compare with
    if before.get("head") == head:
        return state, set()
    if not before.get("head") or not head:
        return state, None
    names = _git(
        notes_dir,
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--relative",
        str(before["head"]),
        head,
        "--",
        ".",
    )
    if names is None:
        return state, None  # the commit last seen is gone (a rebase, a gc): look at everything
    return state, {name.split("/", 1)[0] for name in names.split("\0") if "/" in name}


# --- bringing the index up to date ---------------------------------------------------------------


def refresh(
    index: Index, notes_dir: Path, customer: str | None, progress: Progress | None = None
) -> None:
    """Read again every record that changed since the index last saw it (see the module)."""
    recent = time.time_ns() - RECENT_NS
    if index.meta("indexes") != "1" and index.max_number() > 0:
        index.clear()  # an interrupted first build: start it again
    listing = customer_folders(notes_dir, recent)
    known = index.folders()
    git_state, git_folders = git_changes(notes_dir, index.meta("git"))
    full = (
        git_folders is None
        or index.count() <= FULL_CHECK_LIMIT
        or os.environ.get("RESETKIT_INDEX") == "exact"
    )
    dirty = {
        name
        for name, (signature, _) in listing.items()
        if full or not same(known.get(name), signature)
    }
    dirty |= (git_folders or set()) & listing.keys()
    if customer is not None and not full:
        dirty |= set(index.folders_of(customer.casefold())) & listing.keys()
    gone_folders = known.keys() - listing.keys()
    if not dirty and not gone_folders and git_state == index.meta("git"):
        return
    on_disk: dict[str, tuple[str, OnDisk]] = {}
    names = sorted(dirty)
    with ThreadPoolExecutor(max_workers=4 if len(names) > 8 else 1) as listers:
        listed = listers.map(
            lambda name: sessions_in(notes_dir, name, listing[name][1], recent), names
        )
        for name, found_here in zip(names, listed, strict=True):
            for relative, found in found_here.items():
                on_disk[relative] = (name, found)
    indexed = index.signatures(dirty)
    to_read = [
        (relative, name, found)
        for relative, (name, found) in on_disk.items()
        if found[2] is not None or not same(indexed.get(relative), found[1])
    ]
    gone = [relative for relative in indexed if relative not in on_disk]
    # Numbered in the order of the session folders' names, which start with their day: rows
    # read oldest first then lie side by side in the database (an export of a million sessions
    # reads it in one sweep instead of jumping about).
    to_read.sort(key=lambda entry: (entry[0].rpartition("/")[2], entry[0]))
    folders = {name: listing[name][0] for name in dirty}
    meta = {"git": git_state} if git_state is not None else {}
    if len(to_read) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        _read_in_parallel(index, to_read, gone, folders, gone_folders, meta, progress)
    else:
        fresh = []
        for number, (relative, name, (path, signature, problem)) in enumerate(to_read):
            parsed = Parsed(problem=problem) if problem else parse_record(path)
            if parsed is not None:
                fresh.append((relative, name, signature, parsed))
            if progress is not None and number % 500 == 0:
                progress(number, len(to_read))
        index.update(fresh, gone, folders, gone_folders, meta)
        if index.meta("indexes") != "1":
            index.ensure_indexes()
            index.update([], [], {}, [], {"indexes": "1"})


def _build_part(job: tuple[str, int, list[tuple[str, str, OnDisk]]]) -> str:
    """A worker's share of a build: records parsed into a SQLite file of its own."""
    import sqlite3

    part, first, records = job
    connection = sqlite3.connect(part, isolation_level=None)
    connection.execute("PRAGMA page_size=16384")
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    create_tables(connection)
    with paused_gc():
        batch = Rows()
        # Many reads in flight at once: on a cold disk cache a build waits on reads far more
        # than it parses (measured: 68 s against 6.5 s at 100,000 records, one read at a time).
        paths = [found[0] for _, _, found in records]
        share = -(-len(paths) // READERS)  # each thread a slice: a future per file costs more
        with ThreadPoolExecutor(max_workers=READERS) as readers:
            slices = readers.map(
                lambda start: [read_record(path) for path in paths[start : start + share]],
                range(0, len(paths), share),
            )
            contents = [content for part in slices for content in part]
        for offset, (relative, name, (path, signature, problem)) in enumerate(records):
            parsed = Parsed(problem=problem) if problem else parse_record(path, contents[offset])
            if parsed is not None:
                batch.add(first + offset, relative, name, signature, parsed)
        connection.execute("BEGIN")
        batch.insert(connection)
        connection.execute("COMMIT")
    connection.close()
    return part


def _read_in_parallel(
    index: Index,
    to_read: list[tuple[str, str, OnDisk]],
    gone: list[str],
    folders: dict[str, Signature],
    gone_folders: set[str],
    meta: dict[str, str],
    progress: Progress | None,
) -> None:
    # Rows of records read again go first, so that the parts' rows take their places (none in
    # a first build: an empty index has none to look for).
    if index.max_number() > 0:
        index.update([], [relative for relative, _, _ in to_read] + gone, {}, gone_folders, {})
    # A build takes a larger page cache than a query (256 MB): its indexes are made at the end.
    index.connection.execute("PRAGMA cache_size=-262144")
    first = index.max_number() + 1
    done = 0
    with tempfile.TemporaryDirectory(prefix="resetkit-index-") as scratch:
        jobs = [
            (
                os.path.join(scratch, f"part-{start}.sqlite"),
                first + start,
                to_read[start : start + CHUNK],
            )
            for start in range(0, len(to_read), CHUNK)
        ]
        # Twice the cores: on a cold disk cache the workers wait on reads as much as they parse.
        workers = min(len(jobs), 2 * (os.cpu_count() or 1))
        if progress is not None:
            progress(0, len(to_read))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            waiting = {pool.submit(_build_part, job): len(job[2]) for job in jobs}
            for future in as_completed(waiting):
                part = Path(future.result())
                index.absorb(part)
                remove_database(part)
                done += waiting[future]
                if progress is not None:
                    progress(done, len(to_read))
    index.finish_build(folders, [], meta | {"indexes": "1"})
    index.connection.execute("PRAGMA cache_size=-16384")
