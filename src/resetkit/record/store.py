"""The session record on disk: a folder and a JSON file per session, read and written under
the session's lock; a save keeps what other processes changed meanwhile."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from resetkit.errors import StorageError, UsageError
from resetkit.format.model import Playbook
from resetkit.places import portable_path, reserve_folder, session_id
from resetkit.record.session import Attendee, Session, new_record
from resetkit.storage import (
    RECORD_FILE,
    LinkRefused,
    exclusive,
    read_bytes_no_follow,
    write_text_atomic,
)
from resetkit.words import counted

PREVIOUS_FILE = "session.prev.json"
# Held (flock) by whoever reads, changes and writes the record: every save goes through it.
# Not the run's `.lock` (record/lock.py), which says which terminal runs the session.
CHANGE_LOCK = "session.lock"

T = TypeVar("T")


def begin(
    playbook: Playbook,
    playbook_path: Path,
    playbook_text: str,
    customer: str,
    attendees: list[Attendee],
    notes_dir: Path,
    started: datetime,
) -> tuple[Session, Path]:
    """A new session in progress, in a folder of its own, saved before the first question."""
    folder = reserve_folder(notes_dir, customer, started.date(), playbook.id)
    return open_record(
        playbook, playbook_path, playbook_text, customer, attendees, folder, started
    ), folder


def open_record(
    playbook: Playbook,
    playbook_path: Path,
    playbook_text: str,
    customer: str,
    attendees: list[Attendee],
    folder: Path,
    started: datetime,
) -> Session:
    """The record of a new session in progress, saved in the folder reserved for it."""
    session = new_record(
        playbook, playbook_path, playbook_text, customer, attendees, session_id(folder), started
    )
    session.playbook_path = portable_path(playbook_path, folder)
    # Nothing typed yet: all this holds came from the command line, so it skips the fsync that
    # made the first question wait up to a quarter of a second on a slow disk. The first
    # answer's save makes the record durable.
    save(session, folder, durable=False)
    return session


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the session's change lock (`session.lock`): no other process reads, changes or
    writes its record until the block ends. Re-entrant within a process."""
    with exclusive(folder / CHANGE_LOCK):
        yield


def change(folder: Path, apply: Callable[[Session], T]) -> T:
    """The one way to change a stored record: under the session's lock, read it, apply the
    change, save it atomically; returns what `apply` returns."""
    with locked(folder):
        session = load(folder)
        result = apply(session)
        save(session, folder)
        return result


def record_text(session: Session) -> str:
    """A record as resetkit writes it: indented JSON in the model's field order, so that git
    shows a change as the lines that changed (a compact record is one line of kilobytes)."""
    return session.model_dump_json(indent=2) + "\n"


def save(session: Session, folder: Path, *, durable: bool = True) -> None:
    """Write the record atomically into its folder (and wait for the disk, if `durable`).

    Under the session's lock, the record on disk is read first and what others changed since
    (an action item settled by `actions`, a follow-up linked) is kept in `session`: a live run
    saving its answers never undoes a change made from another terminal.
    """
    record = folder / RECORD_FILE
    with locked(folder):
        keep_changes_of_others(session, folder)
        # Keep the last good record as session.prev.json: a hard link costs no copy, and if
        # the record is ever damaged, resume can start again from the save before it. The
        # link is never followed: a linked record must not bring an outside file in.
        with contextlib.suppress(OSError):
            if not record.is_symlink():
                linked = folder / f".{PREVIOUS_FILE}.tmp"
                linked.unlink(missing_ok=True)
                os.link(record, linked, follow_symlinks=False)
                os.replace(linked, folder / PREVIOUS_FILE)
        write_text_atomic(record, record_text(session), durable=durable)
        tell_the_index(folder)


def tell_the_index(folder: Path) -> None:
    """Touch the customer folder of a session whose record was just written.

    The history index looks into a customer folder only when the folder's signature changed
    (history/fresh.py): a record replaced inside a session folder changes that folder, not its
    customer's, so a large history would not see it without this.
    """
    with contextlib.suppress(OSError):
        os.utime(folder.parent)


def keep_changes_of_others(session: Session, folder: Path) -> None:
    """Merge into `session` what another process saved since it was read: action items whose
    history grew there (done, moved, dropped) and sessions that follow this one."""
    try:
        on_disk = json.loads(read_bytes_no_follow(folder / RECORD_FILE))
    except (OSError, ValueError):
        return  # a new, missing or unreadable record: nothing of others to keep
    if not isinstance(on_disk, dict) or not isinstance(on_disk.get("answers"), dict):
        return
    stored = {
        item.get("id"): item
        for value in on_disk["answers"].values()
        if isinstance(value, list)
        for item in value
        if isinstance(item, dict) and isinstance(item.get("history"), list)
    }
    for value in session.answers.values():
        for item in value if isinstance(value, list) else []:
            if not isinstance(item, dict):
                continue
            theirs = stored.get(item.get("id"))
            if theirs is None or len(theirs["history"]) <= len(item.get("history") or []):
                continue
            item["history"] = theirs["history"]
            for name in ("status", "due"):
                if name in theirs:
                    item[name] = theirs[name]
    followed = on_disk.get("followed_by")
    if isinstance(followed, list):
        for other in followed:
            if isinstance(other, str) and other not in session.followed_by:
                session.followed_by.append(other)


def has_conflict_marks(text: str) -> bool:
    """Whether a record holds git's conflict markers: a merge made without resetkit's driver."""
    return text.startswith("<<<<<<< ") or "\n<<<<<<< " in text


CONFLICTED = "holds git's conflict markers (merged without resetkit's merge driver)"
REPAIR_HINT = "run 'resetkit team repair' to merge both sides, then commit"


def load(folder: Path) -> Session:
    """The record in a session folder; UsageError when it is missing or damaged."""
    path = folder / RECORD_FILE
    try:
        text = read_bytes_no_follow(path).decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{folder} holds no session record") from None
    except LinkRefused:
        raise StorageError(
            f"{path} is a symbolic link; resetkit reads and writes only inside the notes dir",
            hint="replace the link with the record itself",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None
    if has_conflict_marks(text):
        raise UsageError(f"{path} {CONFLICTED}", hint=REPAIR_HINT)
    try:
        return Session.model_validate_json(text)
    except ValidationError as error:
        raise UsageError(
            f"{path}: the session record is damaged ({counted(error.error_count(), 'problem')}, "
            f"first {describe_damage(error)})",
            hint="restore it from a backup, or start a new session",
        ) from None


def describe_damage(error: ValidationError) -> str:
    """The first thing wrong in a record, as 'where: what'."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the record"
    return f"{where}: {first['msg']}"
