"""Keeping the index true to the records, without looking at every record on every command.

What tells that records changed, cheapest first:
- a customer folder's signature (its inode, ctime and mtime): it changes when a session folder
  is added, removed or renamed in it, and resetkit touches it whenever it writes a record
  (`record.store.save`, the merge of a team repository), so every change made through
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
its rows straight into the index, taking turns for SQLite's write lock. A first build keeps no
tallies row by row and makes the tables' indexes at its end (`Index.finish_build`).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import json
import os
import re
import stat as mode
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import orjson

from resetkit.history.cells import session_cells
from resetkit.history.index import (
    FIELDS,
    RECENT_NS,
    Index,
    Parsed,
    Rows,
    Signature,
    same,
    shape_of,
    writer,
)
from resetkit.question_types.item_entries import action_item_entries
from resetkit.storage import (
    RECORD_FILE,
    SCHEMA_VERSION,
    LinkRefused,
    read_bytes_no_follow,
    read_file_no_follow,
)

FULL_CHECK_LIMIT = 20_000
PARALLEL_FROM = 4_000  # records to read before worker processes pay for themselves
CHUNK = 4_000
LAST_CHUNK = 500
READERS = 16  # files read at once when the disk is slow (see `_taken`)
PROBE = 64  # records read first, one at a time, to tell whether it is
SLOW_READ_S = 50e-6  # a read from the page cache: about 6 µs
# Listing customer folders from the page cache: per folder, and per session in it (with or
# without a look at its record file), with room to spare; slower means a cold disk cache.
PROBE_FOLDERS = 16
FOLDER_S = 200e-6
ENTRY_S = 5e-6
SIGNED_ENTRY_S = 20e-6
LINK_PROBLEM = "a symbolic link; resetkit reads only inside the notes dir"
_SURROGATE = re.compile(rb"\\u[dD][89abAB]")  # a JSON escape of half a UTF-16 pair

# (done, total) records read, for a progress bar; called from the main process only.
Progress = Callable[[int, int], None]

T = TypeVar("T")
R = TypeVar("R")


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


def _looks_valid(record: Any) -> bool:
    # Before the model: a record of another version is told as such, not as a damaged one.
    # One without the field is of this version, as the model takes it.
    return (
        isinstance(record, dict) and record.get("schema_version", SCHEMA_VERSION) == SCHEMA_VERSION
    )


# A record's fields by name, for the CSV cells.
_Fields = collections.namedtuple("_Fields", FIELDS)  # type: ignore[misc]


def read_record(path: str) -> bytes | OSError:
    """A record file's bytes, or why they cannot be read (never following a link)."""
    try:
        return read_bytes_no_follow(path)
    except OSError as error:
        return error


def parse_record(path: str, content: bytes | OSError | None = None) -> Parsed | None:
    """A record file (or its `content`, read already) as the index keeps it; None if it is
    gone. A record that is not valid JSON, not a session record, or holds a field of the wrong
    type, has its problem."""
    from pydantic import ValidationError  # imported once, then these are lookups

    from resetkit.record.session import Session
    from resetkit.record.store import describe_damage

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
            from resetkit.record.store import CONFLICTED, REPAIR_HINT

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
        record.get("status", "in_progress"),
        record["started_at"],
        str(record.get("playbook_version", "")),
        record.get("outcome") or "",
        record.get("planned_minutes", 0),
        record.get("meeting_seconds", 0),
        "; ".join(
            str(a.get("name", "")) for a in record.get("attendees", []) if isinstance(a, dict)
        ),
    )
    session = _Fields._make(fields)
    answers = record.setdefault("answers", {})  # the model's default, for the fast path
    cells, raw_cells = session_cells(session, answers)  # type: ignore[arg-type]
    keys = "\x1f".join(answers)
    items = []
    every: list[str] = []
    still_open: list[str] = []
    for position, action in enumerate(action_item_entries(record["answers"])):
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


# A record on disk: its signature (None: not taken yet, see `take`) and LINK_PROBLEM for a
# link (else None). Its file is `record_path(notes_dir, relative)`.
OnDisk = tuple[Signature | None, str | None]
LINKED: Signature = (0, 0, 0, 0)


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


def sessions_in(
    notes_dir: Path, name: str, is_link: bool, recent: int, *, signed: bool = True
) -> dict[str, OnDisk]:
    """The records (and links) of one customer folder, by their path in the notes dir.

    Not `signed`: the session folders only, from the folder's listing alone (no look at each
    record file): for records never indexed, whose signatures are taken as they are read.
    """
    folder = os.path.join(notes_dir, name)
    if is_link:
        return {name + "/": (LINKED, LINK_PROBLEM)}
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
                    found[relative + "/"] = (LINKED, LINK_PROBLEM)
                continue
            if not signed:
                found[relative] = (None, None)
                continue
            try:
                info = lstat(entry.path + record_name)
            except OSError:
                continue  # no record (yet): not a session
            if mode.S_ISLNK(info.st_mode):
                found[f"{relative}/{RECORD_FILE}"] = (LINKED, LINK_PROBLEM)
                continue
            found[relative] = (_signature(info, recent), None)
    return found


def record_path(notes_dir: Path | str, relative: str) -> str:
    """The record file of a session folder, by its path in the notes dir."""
    return f"{notes_dir}{os.sep}{relative}{os.sep}{RECORD_FILE}"


# What `take` gives: a record's path in the notes dir, its signature, and its bytes, or why they
# cannot be read (an OSError, or a problem's text).
Taken = tuple[str, Signature, bytes | OSError | str]


def take(notes_dir: str, relative: str, found: OnDisk, recent: int) -> Taken | None:
    """A record as it is now on disk; None when its folder holds none (not a session).

    A record never indexed has its signature taken from the open file, before its bytes are
    read: a first build asks the disk about each record once, not twice.
    """
    signature, problem = found
    if problem is not None:
        return relative, signature or LINKED, problem
    path = record_path(notes_dir, relative)
    if signature is not None:
        return relative, signature, read_record(path)
    try:
        info, content = read_file_no_follow(path)
    except LinkRefused:
        return f"{relative}/{RECORD_FILE}", LINKED, LINK_PROBLEM
    except OSError as error:
        try:
            info = os.lstat(path)  # there, but it cannot be read: a problem of its own
        except OSError:
            return None  # no record (yet): not a session
        return relative, _signature(info, recent), error
    return relative, _signature(info, recent), content


def parse_taken(taken: Taken) -> Parsed | None:
    """What the index keeps of a record taken from disk (None: it went away meanwhile)."""
    relative, _, content = taken
    if isinstance(content, str):
        return Parsed(problem=content)
    return parse_record(relative, content)


def _listings(
    notes_dir: Path,
    names: list[str],
    listing: dict[str, tuple[Signature, bool]],
    recent: int,
    signed: bool,
) -> list[tuple[str, dict[str, OnDisk]]]:
    """`sessions_in` of each of these customer folders, in their order.

    One at a time while the disk answers from its cache (threads then only wait on each other
    for the GIL: measured 2.5 times slower); many at once, on threads, when the first folders
    are slow to list (a cold disk cache).
    """

    def one(name: str) -> tuple[str, dict[str, OnDisk]]:
        return name, sessions_in(notes_dir, name, listing[name][1], recent, signed=signed)

    started = time.perf_counter()
    found = [one(name) for name in names[:PROBE_FOLDERS]]
    entries = sum(len(found_here) for _, found_here in found)
    cached = (SIGNED_ENTRY_S if signed else ENTRY_S) * entries + FOLDER_S * len(found)
    rest = names[PROBE_FOLDERS:]
    if time.perf_counter() - started <= cached:
        return found + [one(name) for name in rest]
    return found + in_threads(one, rest)


def in_threads(work: Callable[[T], R], items: list[T]) -> list[R]:
    """`work` done on each item by READERS threads, in order; one after another when no thread
    can be started (a memory cap on the address space, a thread limit): slower, never a crash."""
    try:
        with ThreadPoolExecutor(max_workers=READERS) as pool:
            return list(pool.map(work, items))
    except RuntimeError as error:
        if "new thread" not in str(error):  # "can't start new thread", as CPython says it
            raise
        return [work(item) for item in items]


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
    and the customer folders git changed (None: cannot tell, look at everything).

    Two signals, both read only when git's index file changed: HEAD (a commit, pull, merge,
    checkout, rebase or reset that moves it: `git diff` between the two commits), and the
    folders whose files differ from HEAD (a `reset --hard`, `stash`, `checkout -- PATH` or
    branch switch puts files back without moving HEAD, or moves it and leaves changes): the
    folders dirty before or after may have changed.
    """
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
    dirty = _uncommitted_folders(notes_dir) if head else None
    state = json.dumps({"index": index_state, "head": head, "dirty": dirty})
    if before is None or dirty is None or before.get("dirty") is None:
        return state, None  # first look with git, or nothing to compare with
    touched = set(before["dirty"]) | set(dirty)
    if before.get("head") == head:
        return state, touched
    if not before.get("head"):
        return state, None
    names = _git(
        notes_dir,
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--relative",
        str(before["head"]),
        str(head),
        "--",
        ".",
    )
    if names is None:
        return state, None  # the commit last seen is gone (a rebase, a gc): look at everything
    return state, touched | _folders_of(names)


def with_changes(state: str, folders: set[str]) -> str:
    """The git state remembered, with `folders` counted as differing from HEAD: a record the
    index read again since git last wrote its index may be put back by git (`reset --hard`)
    without HEAD moving, and must then be looked at."""
    if not folders:
        return state
    remembered = json.loads(state)
    if remembered.get("dirty") is not None:
        remembered["dirty"] = sorted(set(remembered["dirty"]) | folders)
    return json.dumps(remembered)


def _uncommitted_folders(notes_dir: Path) -> list[str] | None:
    """The customer folders holding files that differ from HEAD (staged or not); None if git
    cannot tell. Costs a stat of every tracked file, in git: paid only after git wrote its
    index."""
    names = _git(notes_dir, "diff", "--name-only", "-z", "--no-renames", "--relative", "HEAD")
    return None if names is None else sorted(_folders_of(names))


def _folders_of(names: str) -> set[str]:
    """The customer folders of git's NUL-separated paths, relative to the notes dir."""
    return {name.split("/", 1)[0] for name in names.split("\0") if "/" in name}


# --- bringing the index up to date ---------------------------------------------------------------


# A record to read: its path relative to the notes dir, its customer folder, what was found.
ToRead = tuple[str, str, OnDisk]


def refresh(
    index: Index, notes_dir: Path, customer: str | None, progress: Progress | None = None
) -> None:
    """Read again every record that changed since the index last saw it (see the module)."""
    # The wall clock, not resetkit.dates: file times are compared with it, so it must not
    # follow a day pinned by RESETKIT_TODAY (tests/test_clock.py names this one exception).
    recent = time.time_ns() - RECENT_NS
    if index.meta("indexes") != "1" and index.max_number() > 0:
        index.clear()  # an interrupted first build: start it again
    listing = customer_folders(notes_dir, recent)
    known = index.folders()
    git_state, git_folders = git_changes(notes_dir, index.meta("git"))
    dirty = _folders_to_look_in(index, listing, known, git_folders, customer)
    gone_folders = known.keys() - listing.keys()
    if not dirty and not gone_folders and git_state == index.meta("git"):
        return
    # A first build reads every record: their folders' listings say which there are, and each
    # record's signature is taken as it is read. Otherwise each record file is looked at, to
    # read again only those that changed.
    signed = index.max_number() > 0
    listed = _listings(notes_dir, sorted(dirty), listing, recent, signed)
    if signed:
        to_read, gone = _changed_records(index, dirty, listed)
    else:
        to_read, gone = list(_every_record(listed)), []
    del listed  # a million sessions' listings hold over 100 MB
    _in_reading_order(to_read)
    folders = {name: listing[name][0] for name in dirty}
    meta = {}
    if git_state is not None:
        changed = {name for _, name, _ in to_read} | {path.split("/", 1)[0] for path in gone}
        meta["git"] = with_changes(git_state, changed if signed else set())
    if len(to_read) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        _read_in_parallel(
            index, notes_dir, recent, to_read, gone, folders, gone_folders, meta, progress
        )
        return
    fresh = _read_serially(notes_dir, recent, to_read, progress)
    index.update(fresh, gone, folders, gone_folders, meta)
    if index.meta("indexes") != "1":
        _finish_first_build(index)


def _folders_to_look_in(
    index: Index,
    listing: dict[str, tuple[Signature, bool]],
    known: dict[str, Signature],
    git_folders: set[str] | None,
    customer: str | None,
) -> set[str]:
    """The customer folders whose records may have changed: every one when git cannot tell or
    the history is small enough to check in full; else those whose signature changed, those
    git changed, and those of the customer asked about."""
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
    return dirty


def _every_record(listed: list[tuple[str, dict[str, OnDisk]]]) -> Iterator[ToRead]:
    """Each record the folders' listings found."""
    for name, found_here in listed:
        for relative, found in found_here.items():
            yield relative, name, found


def _changed_records(
    index: Index, dirty: set[str], listed: list[tuple[str, dict[str, OnDisk]]]
) -> tuple[list[ToRead], list[str]]:
    """The records of these folders to read again (new, or their signature changed), and
    those the index holds that are gone from disk."""
    on_disk = {relative: (name, found) for relative, name, found in _every_record(listed)}
    indexed = index.signatures(dirty)
    to_read = [
        (relative, name, found)
        for relative, (name, found) in on_disk.items()
        if found[1] is not None or not same(indexed.get(relative), found[0])
    ]
    gone = [relative for relative in indexed if relative not in on_disk]
    return to_read, gone


def _in_reading_order(to_read: list[ToRead]) -> None:
    """Sorts the records in the order of the session folders' names, which start with their
    day: rows numbered as read, oldest first, then lie side by side in the database (an export
    of a million sessions reads it in one sweep instead of jumping about)."""
    # One text as the key sorts twice as fast as a pair ("/" comes before any character of a
    # name).
    to_read.sort(key=lambda entry: entry[0][entry[0].find("/") + 1 :] + "/" + entry[0])


def _read_serially(
    notes_dir: Path, recent: int, to_read: list[ToRead], progress: Progress | None
) -> list[tuple[str, str, Signature, Parsed]]:
    """The records read and parsed one after another, in this process (a few of them)."""
    fresh = []
    for number, (relative, name, found) in enumerate(to_read):
        taken = take(str(notes_dir), relative, found, recent)
        parsed = None if taken is None else parse_taken(taken)
        if taken is not None and parsed is not None:
            fresh.append((taken[0], name, taken[1], parsed))
        if progress is not None and number % 500 == 0:
            progress(number, len(to_read))
    return fresh


def _finish_first_build(index: Index) -> None:
    """A first build read serially: the tables' indexes made, and the build marked done."""
    index.ensure_indexes()
    index.update([], [], {}, [], {"indexes": "1"})


def _taken(
    notes_dir: str, recent: int, records: list[tuple[str, str, OnDisk]]
) -> Iterator[Taken | None]:
    """Each of these records as `take` gives it, in their order.

    Read one at a time while the disk answers from its cache. When the first reads are slow
    (a cold disk cache: after a reboot, a new clone on a busy machine), the rest are read many
    at once, on threads (a read lets go of the GIL): the disk then waits on the build far less
    than the build waits on the disk (measured: 10 s against 68 s for 100,000 records).
    """
    started = time.perf_counter()
    probe = [take(notes_dir, relative, found, recent) for relative, _, found in records[:PROBE]]
    slow = (time.perf_counter() - started) / max(1, len(probe)) >= SLOW_READ_S
    yield from probe
    rest = records[PROBE:]
    if not rest:
        return
    if not slow:
        yield from [take(notes_dir, relative, found, recent) for relative, _, found in rest]
        return
    share = -(-len(rest) // READERS)  # each thread a slice: a future per file costs more
    slices = in_threads(
        lambda start: [
            take(notes_dir, relative, found, recent)
            for relative, _, found in rest[start : start + share]
        ],
        list(range(0, len(rest), share)),
    )
    for part in slices:
        yield from part


def _shares(total: int, workers: int) -> Iterator[tuple[int, int]]:
    """The workers' shares of a build, as (start, end): CHUNK records each, smaller towards
    the end so that the workers finish together instead of one waiting on the last share."""
    start = 0
    while start < total:
        size = max(min(LAST_CHUNK, CHUNK), min(CHUNK, (total - start) // (2 * workers)))
        yield start, min(total, start + size)
        start += size


# A worker's job: the index's file, the number of its first record, the notes dir, the time
# before which a change is old enough to trust a signature, and its records.
Job = tuple[str, int, str, int, list[tuple[str, str, OnDisk]]]


def _build_part(job: Job) -> int:
    """A worker's share of a build: its records read, parsed and written into the index. Returns
    how many it took."""
    file, first, notes_dir, recent, records = job
    with paused_gc():
        batch = Rows()
        for offset, one in enumerate(_taken(notes_dir, recent, records)):
            parsed = None if one is None else parse_taken(one)
            if one is not None and parsed is not None:
                batch.add(first + offset, one[0], records[offset][1], one[1], parsed)
    connection = writer(Path(file))
    try:
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            batch.insert(connection)
    finally:
        connection.close()
    return len(records)


def _read_in_parallel(
    index: Index,
    notes_dir: Path,
    recent: int,
    to_read: list[tuple[str, str, OnDisk]],
    gone: list[str],
    folders: dict[str, Signature],
    gone_folders: set[str],
    meta: dict[str, str],
    progress: Progress | None,
) -> None:
    # Rows of records read again go first, so that the rows the workers write take their places
    # (none in a first build: an empty index has none to look for).
    if index.max_number() > 0:
        index.update([], [relative for relative, _, _ in to_read] + gone, {}, gone_folders, {})
    if index.max_number() == 0:
        index.start_build()
    # Workers start as copies of this process: what it has imported, they need not.
    import resetkit.record.session  # noqa: F401

    first = index.max_number() + 1
    done = 0
    workers = os.cpu_count() or 1
    jobs = [
        (str(index.file), first + start, str(notes_dir), recent, to_read[start:end])
        for start, end in _shares(len(to_read), workers)
    ]
    total = len(to_read)
    if progress is not None:
        progress(0, total)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for taken in pool.map(_build_part, jobs):
            done += taken
            if progress is not None:
                progress(done, total)
    # The list of what was read is done with (its caller's too): a million entries let go
    # before SQLite takes its larger cache below.
    del jobs
    to_read.clear()
    # A larger page cache than a query's (256 MB) to make the indexes at the end.
    index.connection.execute("PRAGMA cache_size=-262144")
    index.finish_build(folders, [], meta | {"indexes": "1"})
    index.connection.execute("PRAGMA cache_size=-16384")
