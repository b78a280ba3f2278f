"""Ending a session in progress between meetings: marked discarded, never deleted, so the
record stays (and, in a team repository, stays in git's history)."""

from __future__ import annotations

from pathlib import Path

from resetkit.errors import UsageError
from resetkit.record.folders import find_in_progress
from resetkit.record.lock import SessionLock, SessionLocked
from resetkit.record.session import Session
from resetkit.record.store import change, load


def session_to_discard(notes_dir: Path, reference: str) -> tuple[Path, Session]:
    """The folder and record of the session in progress `reference` names; UsageError when it
    is complete or discarded already. Only sessions in progress are candidates: `initech/`
    names the one in progress even when the customer has complete sessions too."""
    folder = find_in_progress(notes_dir, reference, "discarded")
    session = load(folder)
    if session.status != "in_progress":
        state = "complete" if session.status == "complete" else "discarded already"
        raise UsageError(
            f"session {session.id} is {state}; only a session in progress can be discarded",
            hint="'resetkit sessions --status \"in progress\"' lists those",
        )
    return folder, session


def discard(folder: Path) -> Session:
    """Mark the session in `folder` discarded, holding its run's lock for the moment of the
    change: a session being run in another terminal is refused (SessionLocked)."""

    def discarded(session: Session) -> Session:
        session.status = "discarded"
        return session

    with SessionLock(folder) as lock:
        try:
            lock.acquire()
        except SessionLocked as locked:
            raise SessionLocked(
                locked.session_ref,
                locked.holder,
                hint="stop the run there first (Ctrl-C saves and leaves), then discard it; or "
                f"'resetkit resume {locked.session_ref} --take-over' carries it on here",
            ) from None
        return change(folder, discarded)
