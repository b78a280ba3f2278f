"""The session folders under the notes dir: listed, found by path or id, links refused."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from resetkit.errors import StorageError, UsageError
from resetkit.places import session_id
from resetkit.record.session import Session, Status
from resetkit.record.session_salvage import salvage
from resetkit.record.store import load
from resetkit.storage import RECORD_FILE


def session_folders(notes_dir: Path) -> list[Path]:
    """Every session folder under the notes dir, oldest name first; links are not followed."""
    return sorted(folder for folder, linked in _session_entries(notes_dir) if not linked)


def _session_entries(notes_dir: Path) -> Iterator[tuple[Path, bool]]:
    """customer/session folders holding a record, and whether the way there is a link."""
    if not notes_dir.is_dir():
        return
    with os.scandir(notes_dir) as customers:
        for customer in list(customers):
            customer_link = customer.is_symlink()
            if not customer.is_dir():
                continue
            try:
                with os.scandir(customer.path) as folders:
                    entries = list(folders)
            except OSError:
                continue
            for folder in entries:
                if not folder.is_dir():
                    continue
                record = Path(folder.path) / RECORD_FILE
                if record.is_symlink() or record.is_file():
                    linked = customer_link or folder.is_symlink() or record.is_symlink()
                    yield Path(folder.path), linked


def refuse_links(notes_dir: Path, folder: Path) -> None:
    """StorageError unless `folder` is inside the notes dir with no symbolic link on the way
    (its customer folder, its own folder, its record)."""
    try:
        parts = folder.absolute().relative_to(notes_dir.absolute()).parts
    except ValueError:
        parts = ()
    steps = [notes_dir.joinpath(*parts[: n + 1]) for n in range(len(parts))]
    for step in [*steps, folder / RECORD_FILE]:
        if step.is_symlink():
            raise StorageError(
                f"{step} is a symbolic link; resetkit reads and writes only inside the notes "
                f"dir {notes_dir}",
                hint="replace the link with a real folder or file",
            )
    if not parts or not folder.resolve().is_relative_to(notes_dir.resolve()):
        raise UsageError(
            f"{folder} is outside the notes dir {notes_dir}",
            hint="pass --notes-dir to work on sessions kept elsewhere",
        )


def find_session(notes_dir: Path, reference: str | None) -> Path:
    """A session folder by path or id; without one, the most recent session in progress.

    A folder reached through a symbolic link (or holding a linked record) is refused."""
    if reference:
        candidate = Path(reference).expanduser()
        if _is_folder(candidate):
            refuse_links(notes_dir, candidate)
            return candidate
        from resetkit.record.session_ids import resolve_session_id

        folders = {session_id(f): f for f, _ in _session_entries(notes_dir)}
        found = folders[resolve_session_id(list(folders), reference, str(notes_dir))]
        refuse_links(notes_dir, found)
        return found
    in_progress = sessions_in_progress(notes_dir)
    if not in_progress:
        raise UsageError(
            f"no session in progress in {notes_dir}",
            hint="start one with 'resetkit start PLAYBOOK'",
        )
    return in_progress[0]


def find_in_progress(notes_dir: Path, reference: str | None, doing: str = "resumed") -> Path:
    """A session in progress by path, id or start of an id; without one, the latest.

    Only sessions in progress are candidates: `acme` means the one in progress even when the
    customer has complete sessions too. A reference that names several sessions, none in
    progress, raises NotInProgress; a path or a single session is checked by the caller, who
    reads its record anyway."""
    if not reference or _is_folder(Path(reference).expanduser()):
        return find_session(notes_dir, reference)
    from resetkit.record.session_ids import matching_ids, resolve_session_id

    folders = {session_id(f): f for f, _ in _session_entries(notes_dir)}
    named = matching_ids(list(folders), reference)
    if len(named) < 2:  # none, or one the caller reads (and says what is wrong with) anyway
        return find_session(notes_dir, reference)
    statuses = {found: _status(folders[found]) for found in named}
    in_progress = [found for found in named if statuses[found] in ("in_progress", None)]
    if not in_progress:
        raise NotInProgress(statuses, reference, doing)
    found = folders[resolve_session_id(in_progress, reference, str(notes_dir))]
    refuse_links(notes_dir, found)
    return found


class NotInProgress(UsageError):
    """Resume of sessions that are all complete or discarded: nothing there to carry on."""

    def __init__(
        self, statuses: dict[str, Status | None], typed: str, doing: str = "resumed"
    ) -> None:
        said = {found: str(status).replace("_", " ") for found, status in statuses.items()}
        if len(said) == 1:
            (found, status), *_ = said.items()
            message = f"{found} is {status}"
            if status == "complete":
                message += f": see 'resetkit share {found}' for its notes"
        else:
            listed = [f"{found} ({status})" for found, status in said.items()]
            more = len(listed) - NAMED_STATUSES
            message = f"'{typed}' names no session in progress: " + ", ".join(
                listed[:NAMED_STATUSES]
            )
            message += f" and {more} more" if more > 0 else ""
        super().__init__(
            message,
            hint=f"only a session in progress can be {doing}"
            + (
                "; 'resetkit start PLAYBOOK --follow-up ID' begins the next meeting"
                if doing == "resumed"
                else ""
            ),
        )


# How many sessions NotInProgress names before it counts the rest.
NAMED_STATUSES = 4


def _is_folder(candidate: Path) -> bool:
    return (candidate / RECORD_FILE).is_file() or (candidate / RECORD_FILE).is_symlink()


def _status(folder: Path) -> Status | None:
    """A session's status as its record says; None when the record cannot be read at all."""
    try:
        record, _ = salvage(folder)
    except (UsageError, StorageError):
        return None
    return record.status


def same_day_sessions(
    notes_dir: Path, customer: str, day: date, playbook_id: str
) -> list[tuple[str, Status | None]]:
    """The sessions of this customer and playbook begun on `day` (`...-reset`, `...-reset-2`),
    each with its status (None when its record cannot be read), in the order they began."""
    from resetkit.places import customer_slug, folder_name

    base = folder_name(day, playbook_id)
    parent = notes_dir / customer_slug(customer.strip())
    try:
        names = [entry.name for entry in os.scandir(parent) if entry.name.startswith(base)]
    except OSError:
        return []  # no such customer yet, or not a folder: no session
    same = []
    for name in names:
        number, folder = name.removeprefix(base), parent / name
        if (not number or re.fullmatch(r"-[0-9]+", number)) and _is_folder(folder):
            same.append((int(number[1:] or 1), session_id(folder), _status(folder)))
    return [(found, status) for _, found, status in sorted(same)]


def sessions_in_progress(notes_dir: Path) -> list[Path]:
    """The folders of the sessions in progress, the latest started first."""
    in_progress = []
    for folder in session_folders(notes_dir):
        try:
            record, _ = salvage(folder)  # a damaged record still counts for what it holds
        except (UsageError, StorageError):
            continue
        if record.status == "in_progress":
            in_progress.append((record.started_at, folder))
    return [folder for _, folder in sorted(in_progress, reverse=True)]


def open_session(notes_dir: Path, reference: str | None, status: Status) -> tuple[Path, Session]:
    """A session's folder and record, refused unless it has the status the caller needs."""
    folder = find_session(notes_dir, reference)
    session = load(folder)
    if session.status != status:
        needs = {"in_progress": "in progress", "complete": "complete", "discarded": "discarded"}
        # What to do instead, in the words of the command that does it.
        hints = {
            "in_progress": f"'resetkit resume {session.id}' finishes it first",
            "discarded": "it was discarded: its record is kept, nothing more is made of it",
        }
        raise UsageError(
            f"session {session.id} is {needs[session.status]}; this needs one {needs[status]}",
            hint=hints.get(session.status, ""),
        )
    return folder, session
