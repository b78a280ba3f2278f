"""A session's notes files on disk: written with their hashes, rebuilt, never over a hand edit."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, timedelta
from pathlib import Path

from resetkit import dates
from resetkit.controls import visible
from resetkit.errors import ResetkitError, UsageError
from resetkit.format.model import Playbook
from resetkit.record.recap import recap_markdown
from resetkit.record.render import action_plan_markdown, notes_markdown
from resetkit.record.session import Session
from resetkit.record.store import save
from resetkit.storage import write_bytes_atomic

INVITE_FILE = "follow-up.ics"
SHARED_FILE = "shared.md"


def _digest(payload: bytes) -> str:
    # Over the exact bytes on disk: a text read would turn the invite's CRLF into LF.
    return hashlib.sha256(payload).hexdigest()


def edited_by_hand(session: Session, folder: Path) -> list[str]:
    """Notes files that differ from what resetkit last wrote there.

    A file that still holds what resetkit wrote the time before is not edited either: the
    record is saved before the files are renamed into place, so a crash in between leaves
    the previous content under the new hash.
    """
    edited = []
    for name, digest in session.written.items():
        path = folder / name
        if path.is_symlink():
            edited.append(name)  # never followed; overwritten (the link itself) only with --force
            continue
        try:
            current = _digest(path.read_bytes())
        except OSError:
            continue  # a missing file is simply written again
        if current not in (digest, session.written_before.get(name)):
            edited.append(name)
    return edited


def _write(session: Session, folder: Path, texts: dict[str, str], force: bool) -> list[Path]:
    edited = [name for name in edited_by_hand(session, folder) if name in texts]
    if edited and not force:
        raise UsageError(
            f"{', '.join(str(folder / name) for name in edited)} changed since resetkit wrote "
            "it; nothing was overwritten",
            hint="keep your edits, or pass --force to write it again",
        )
    payloads = file_bytes(texts)
    # The record first, holding the new hash of each file beside the one it replaces; then
    # the files. A kill at any point leaves every file matching one of its two hashes, so a
    # crash never looks like a hand edit.
    for name, payload in payloads.items():
        previous = session.written.get(name)
        if previous is None:
            session.written_before.pop(name, None)
        else:
            session.written_before[name] = previous
        session.written[name] = _digest(payload)
    save(session, folder)
    for name, payload in payloads.items():
        write_bytes_atomic(folder / name, payload)
    return [folder / name for name in texts]


def file_bytes(texts: dict[str, str]) -> dict[str, bytes]:
    """The bytes written for each file: what a run and a preview put on disk alike."""
    # Every value is escaped as it is rendered; this pass makes sure that whatever `cat`
    # shows of a Markdown file holds no escape sequence, whichever renderer wrote it.
    return {
        name: (visible(text) if name.endswith(".md") else text).encode("utf-8")
        for name, text in texts.items()
    }


def write_notes(
    session: Session, playbook: Playbook, folder: Path, *, force: bool = False
) -> list[Path]:
    """Write notes.md, action-plan.md, shared.md (and follow-up.ics), then the record.

    shared.md, the customer copy, only when the playbook has a recap: without one it is
    internal, and a customer copy written earlier that nobody edited is removed.
    """
    texts = rendered_texts(session, playbook)
    if playbook.recap is None:
        _remove_stale_copy(session, folder)
    question = playbook.follow_up_question
    day = session.answers.get(question.id) if question else None
    # A record saved before dates were checked may hold a day with no day after (9999-12-31):
    # no invite for it, rather than a crash at every save.
    if isinstance(day, str) and date.fromisoformat(day) < date.max:
        texts[INVITE_FILE] = follow_up_invite(session, playbook, date.fromisoformat(day))
    return _write(session, folder, texts, force)


def rendered_texts(session: Session, playbook: Playbook) -> dict[str, str]:
    """The Markdown files a session's record makes: the notes, the action plan and, when the
    playbook has a recap, the customer copy (the invite, stamped when written, is apart)."""
    texts = {
        "notes.md": notes_markdown(session, playbook),
        "action-plan.md": action_plan_markdown(session),
    }
    if playbook.recap is not None:
        texts[SHARED_FILE] = recap_markdown(session, playbook)
    return texts


def customer_copy(session: Session, playbook: Playbook, folder: Path) -> tuple[str, bool]:
    """The recap to send, and whether it is shared.md as edited by hand (then it is that file).

    UsageError when the playbook has no recap: its sessions have no customer copy.
    """
    text = recap_markdown(session, playbook)
    if SHARED_FILE in edited_by_hand(session, folder):
        from resetkit.errors import StorageError
        from resetkit.storage import LinkRefused, read_bytes_no_follow

        try:
            return read_bytes_no_follow(folder / SHARED_FILE).decode("utf-8"), True
        except LinkRefused:
            raise StorageError(
                f"{folder / SHARED_FILE} is a symbolic link; resetkit reads only inside the "
                "notes dir",
                hint=f"remove the link, then 'resetkit render {session.id} --force'",
            ) from None
    return text, False


def _remove_stale_copy(session: Session, folder: Path) -> None:
    # An older resetkit wrote a customer copy of every playbook; one of an internal playbook
    # holds internal answers. Remove it unless someone edited it (then it is theirs to keep).
    if SHARED_FILE in session.written and SHARED_FILE not in edited_by_hand(session, folder):
        (folder / SHARED_FILE).unlink(missing_ok=True)
        del session.written[SHARED_FILE]
        session.written_before.pop(SHARED_FILE, None)


def follow_up_invite(session: Session, playbook: Playbook, day: date) -> str:
    """An all-day iCalendar event for the follow-up; a stable UID lets a re-render update it."""
    from icalendar import Calendar, Event

    open_items = [item for item in session.action_items() if item.status == "open"]
    lines = [
        f"Follow-up to the {playbook.title} session with {session.customer} on "
        f"{session.started_at.date().isoformat()} (resetkit session {session.id}).",
    ]
    if open_items:
        lines += ["", "Open action items:"]
        lines += [
            f"- {' '.join(item.what.split())} ({item.owner}"
            f"{', due ' + item.due.isoformat() if item.due else ''})"
            for item in open_items
        ]
    calendar = Calendar()
    calendar.add("prodid", "-//resetkit//follow-up//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{session.id.replace('/', '.')}.follow-up@resetkit")
    event.add("dtstamp", dates.utc_now())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    # A calendar file is read with `cat` too: no escape sequence of a name or an item in it.
    event.add("summary", visible(f"Follow-up: {playbook.title} with {session.customer}"))
    event.add("description", visible("\n".join(lines)))
    calendar.add_component(event)
    payload: bytes = calendar.to_ical()
    return payload.decode("utf-8")


def write_derived(session: Session, folder: Path) -> list[str]:
    """Rebuild the files a change after the meeting touches (an action item done, moved,
    dropped; a customer renamed): notes.md, action-plan.md and shared.md, so the three never
    disagree (README, "One rule for derived files"). Files edited by hand are left as they
    are: their names are returned. A session not complete, or whose playbook cannot be found,
    has its action plan rebuilt alone (it is the one file that needs no playbook)."""
    from resetkit.record.which_playbook import playbook_of

    texts = {"action-plan.md": action_plan_markdown(session)}
    if session.status == "complete":
        # The playbook gone: the plan is still right, the notes wait for `render`.
        with contextlib.suppress(ResetkitError):
            texts = rendered_texts(session, playbook_of(session, folder).playbook)
    written = [name for name in texts if name in session.written or name == "action-plan.md"]
    edited = [name for name in edited_by_hand(session, folder) if name in texts]
    chosen = {name: texts[name] for name in written if name not in edited}
    if chosen:
        _write(session, folder, chosen, False)
    else:
        save(session, folder)
    return edited


def rewrite_stale(session: Session, playbook: Playbook, folder: Path) -> list[Path]:
    """Rewrite only the Markdown files that no longer match the record (after a merge), hand
    edits kept (UsageError naming them); the files written, none when all match. Unlike
    `write_notes`, the invite is left alone: it is stamped when written, so writing it again
    is a change in git that nobody made."""
    texts = rendered_texts(session, playbook)
    payloads = file_bytes(texts)
    stale = {name: texts[name] for name in texts if _current(folder / name) != payloads[name]}
    return _write(session, folder, stale, False) if stale else []


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def render_session(
    notes_dir: Path, reference: str, *, force: bool = False
) -> tuple[list[Path], str]:
    """Rebuild a complete session's notes from its record, under the session's lock: the
    files written, and a notice when its playbook is not the very file it ran (see
    which_playbook)."""
    from resetkit.record.folders import find_session, open_session
    from resetkit.record.store import locked
    from resetkit.record.which_playbook import playbook_of

    folder = find_session(notes_dir, reference)
    with locked(folder):
        folder, session = open_session(notes_dir, str(folder), "complete")
        found = playbook_of(session, folder)
        return write_notes(session, found.playbook, folder, force=force), found.notice


def draft_path(session: Session, chosen: Path) -> Path:
    """Where `share --eml` writes the draft: `chosen`, or in a folder chosen, a file named
    after the session (acme-corp-2026-11-24-reset.eml), so that one name per session never
    meets the draft of another. UsageError when that file exists already: a draft is never
    overwritten, and the next free name is offered."""
    path = chosen / f"{session.id.replace('/', '-')}.eml" if chosen.is_dir() else chosen
    if not path.exists() and not path.is_symlink():
        return path
    stem, suffix = path.stem, path.suffix
    free = next(
        candidate
        for n in range(2, 10_000)
        if not (candidate := path.with_name(f"{stem}-{n}{suffix}")).exists()
    )
    raise UsageError(
        f"{path} already exists: a draft is never overwritten",
        hint=f"write it as {free}, or remove the old one first",
    )


def draft_name(session_id: str) -> str:
    """The file name `share --eml` is suggested with: one per session."""
    return f"{session_id.replace('/', '-')}.eml"
