"""The session record (versioned) and its store on disk: a folder and a JSON file per session."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    Strict,
    ValidationError,
    field_validator,
)

from resetkit.attendees import name_and_address, split_attendee
from resetkit.errors import StorageError, UsageError
from resetkit.format.model import Playbook
from resetkit.places import portable_path, reserve_folder, session_id
from resetkit.record.action_items import action_item_entries, holds_action_items
from resetkit.storage import (
    RECORD_FILE,
    SCHEMA_VERSION,
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

Status = Literal["in_progress", "complete", "discarded"]

# A record is read in strict mode (every model below): a value must already be of its field's
# JSON kind. pydantic's lax mode took "12" for 12.0 and "yes" for True, while the history index,
# which serves the record's own values without a second validation, divided the text by 60 (or
# took "false" for true). Strict, what the model accepts is what the index can trust.
# Dates and times are the exception: JSON writes them as text, which strict mode refuses in a
# Python mapping. They are taken as ISO text only (never a number of seconds, or "12"), so that
# the index can read the day from the text's first 10 characters, as it does.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_ISO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def _day_text(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("a date is written as text, YYYY-MM-DD")


def _time_text(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_TIME.match(value)):
        return value
    raise ValueError("a time is written as ISO 8601 text, YYYY-MM-DDTHH:MM:SS")


Day = Annotated[date, Strict(False), BeforeValidator(_day_text)]
Moment = Annotated[datetime, Strict(False), BeforeValidator(_time_text)]


class ActionEvent(BaseModel):
    """A change to an action item after the meeting: done, moved (a slip), dropped, reopened
    (a done or dropped item open again), or noted (a note on an item left open)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    at: Moment
    kind: Literal["done", "moved", "dropped", "reopened", "noted"]
    note: str = ""
    from_due: Day | None = None
    to_due: Day | None = None
    by: str = ""  # who made the change: git's user.name, or `me` in resetkit.toml
    # The item whose move shifted this one with it (`actions move --with-later`), by id.
    caused_by: str | None = None


VerdictKind = Literal["done", "moved", "dropped", "open"]


class Verdict(BaseModel):
    """What became of an open action item, as a follow-up review settles it. Kept in the new
    session's record (`review_draft`) until the person saves the review, so an interruption
    keeps it and nothing reaches the earlier record before the recap is confirmed."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    kind: VerdictKind
    due: Day | None = None  # the new due date, for "moved"
    note: str = ""


class ActionItem(BaseModel):
    """One action item: what, who owns it, by when, whether it is on the critical path."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str
    what: str
    owner: Literal["us", "customer", "both"] = "us"
    owner_name: str = ""
    due: Day | None = None
    critical_path: bool = False
    status: Literal["open", "done", "dropped"] = "open"
    history: list[ActionEvent] = Field(default_factory=list)
    # Set when two clones of a team's notes changed the item at once (see merge.py): why a
    # person should look. The later change holds; both are in the history.
    flag: str = ""


class Attendee(BaseModel):
    """Someone on the call."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    role: str = ""

    @property
    def display_name(self) -> str:
        """The name without an email address: 'Dana Smith <dana@acme.com>' -> Dana Smith."""
        name, address = name_and_address(self.name)
        return name or address or " ".join(self.name.split())

    @classmethod
    def parse(cls, text: str) -> Attendee:
        """'Name:Role' or 'Name' as typed on the command line."""
        name, role = split_attendee(text)
        return cls(name=name, role=role)


def merge_attendees(given: list[Attendee], named: list[str]) -> list[Attendee]:
    """The people given (--attendee, an answers file) and those a question named, each once.

    `named` holds "NAME" or "NAME:ROLE" as typed. A person is counted once whatever the case or
    spacing of the name, and whether or not an email address comes with it
    ("Dana Smith <dana@acme.com>" and "Dana Smith" are one person); the address and a role
    given either way are kept.
    """
    people: dict[str, Attendee] = {}
    for person in [*given, *(Attendee.parse(text) for text in named)]:
        key = " ".join(person.display_name.casefold().split())
        known = people.get(key)
        if known is None:
            people[key] = person
            continue
        gains_address = name_and_address(person.name)[1] and not name_and_address(known.name)[1]
        people[key] = Attendee(
            name=person.name if gains_address else known.name, role=known.role or person.role
        )
    return list(people.values())


class Recommended(BaseModel):
    """The playbook's recommendation at the end of a run."""

    model_config = ConfigDict(strict=True)

    playbook: str | None
    because: str


class Session(BaseModel):
    """Everything about one run of a playbook; the notes are rendered from this alone."""

    model_config = ConfigDict(extra="forbid", strict=True)

    # Only this version is read: another is not this record, whatever its fields.
    schema_version: Literal[1] = SCHEMA_VERSION
    id: str
    playbook_id: str
    playbook_title: str
    playbook_version: str
    playbook_hash: str
    playbook_path: str
    customer: str
    attendees: list[Attendee] = Field(default_factory=list)
    started_at: Moment
    ended_at: Moment | None = None
    planned_minutes: int
    section_seconds: dict[str, float] = Field(default_factory=dict)  # NaN: not recorded
    # Finite: a hand-edited NaN or Infinity would make every sum of meeting time meaningless
    # (the record is then damaged, and said so).
    meeting_seconds: FiniteFloat = 0.0
    answers: dict[str, Any] = Field(default_factory=dict)
    # Items of a list or action-items question entered before its answer was finished: an
    # interruption keeps them, and resume offers them again.
    drafts: dict[str, Any] = Field(default_factory=dict)
    passed: list[str] = Field(default_factory=list)  # sections without questions, read
    outcome: str | None = None
    recommendation: Recommended | None = None
    status: Status = "in_progress"
    written: dict[str, str] = Field(default_factory=dict)  # file name -> sha256 as written
    # file name -> sha256 of what resetkit wrote there the time before: the record is saved
    # before a rebuilt file is renamed into place, so after a crash the file may still hold it.
    written_before: dict[str, str] = Field(default_factory=dict)
    follows: str | None = None  # the session this one follows up on
    followed_by: list[str] = Field(default_factory=list)
    # The open action items of `follows` that its review has still to go through, by id; None
    # when no review is under way. Set before the first is asked, so that `resume` finishes an
    # interrupted review without asking again about the items already settled.
    review_pending: list[str] | None = None
    # What the person said of those items so far (by id), saved with every answer and applied to
    # the earlier record only when the review's recap is confirmed.
    review_draft: dict[str, Verdict] = Field(default_factory=dict)

    @field_validator("answers")
    @classmethod
    def _action_items_valid(cls, answers: dict[str, Any]) -> dict[str, Any]:
        """An action item with a field of the wrong type (a malformed history) makes the
        record damaged here, where it is read, not in every command that later touches it.
        Which answers hold items is the one rule of record/action_items.py."""
        for question_id, value in answers.items():
            if not holds_action_items(value):
                continue
            for number, item in enumerate(value):
                try:
                    ActionItem.model_validate(item)
                except ValidationError as error:
                    first = error.errors()[0]
                    where = ".".join(str(part) for part in first["loc"])
                    raise ValueError(
                        f"{question_id}.{number}{'.' + where if where else ''}: {first['msg']}"
                    ) from None
        return answers

    def action_items(self) -> list[ActionItem]:
        """Every action item recorded in the session, in the order they were added."""
        return [ActionItem.model_validate(item) for item in action_item_entries(self.answers)]

    @property
    def meeting_minutes(self) -> float:
        """Minutes spent in the meeting itself, preparation left out."""
        return self.meeting_seconds / 60


def action_items_in(value: Any) -> list[ActionItem]:
    """The action items one answer holds (none unless it holds them, by the one rule of
    record/action_items.py); ValidationError for a damaged one, as when the record is read."""
    return [ActionItem.model_validate(item) for item in value] if holds_action_items(value) else []


def playbook_hash(text: str) -> str:
    """A short content hash that changes whenever the playbook file changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


def new_record(
    playbook: Playbook,
    playbook_path: Path,
    playbook_text: str,
    customer: str,
    attendees: list[Attendee],
    record_id: str,
    started: datetime,
) -> Session:
    """The record of a new session in progress, in memory (a preview keeps it there)."""
    return Session(
        id=record_id,
        playbook_id=playbook.id,
        playbook_title=playbook.title,
        playbook_version=playbook.version,
        playbook_hash=playbook_hash(playbook_text),
        playbook_path=str(playbook_path.resolve()),
        customer=customer.strip(),
        attendees=attendees,
        started_at=started,
        planned_minutes=playbook.minutes,
    )


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


def salvage(folder: Path) -> tuple[Session, list[str]]:
    """The most of a damaged record that can be kept, and a line for each thing given up.

    Fields that no longer validate fall back to their defaults; a record that cannot be read
    at all is replaced by the save before it. UsageError when neither can be used.
    """
    try:
        return load(folder), []
    except UsageError as damage:
        problem = damage.message
    notices = [problem]
    try:
        data = json.loads(read_bytes_no_follow(folder / RECORD_FILE))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        # One damaged action item costs its own answer, not every answer of the session.
        for question_id, value in list(data["answers"].items()):
            try:
                Session.model_validate({**data, "answers": {question_id: value}})
            except ValidationError as error:
                if any(e["loc"][:1] == ("answers",) for e in error.errors()):
                    notices.append(
                        f"the answer to '{question_id}' could not be read and is asked again"
                    )
                    del data["answers"][question_id]
            except (TypeError, ValueError):
                continue
    if isinstance(data, dict):
        defaults = {name for name, info in Session.model_fields.items() if not info.is_required()}
        for _ in range(len(Session.model_fields)):
            try:
                return Session.model_validate(data), notices
            except ValidationError as error:
                bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
                if not bad or not bad <= defaults:
                    break
                for name in sorted(bad):
                    notices.append(f"'{name}' could not be read and starts again empty")
                    data.pop(name, None)
    previous = folder / PREVIOUS_FILE
    try:
        kept = Session.model_validate_json(read_bytes_no_follow(previous))
    except (OSError, ValueError) as error:
        raise UsageError(
            f"{problem}; the save before it cannot be used either ({type(error).__name__})",
            hint="restore the folder from a backup, or start a new session",
        ) from None
    notices.append(f"using the save before it ({previous.name}): the last answer may be missing")
    return kept, notices


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
        if (candidate / RECORD_FILE).is_file() or (candidate / RECORD_FILE).is_symlink():
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
        raise UsageError(
            f"session {session.id} is {needs[session.status]}; this needs one {needs[status]}"
        )
    return folder, session
