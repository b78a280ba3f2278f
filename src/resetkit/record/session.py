"""The session record (versioned): the model of a session, its action items and attendees.

Its store on disk is record/store.py, the salvage of a damaged one record/session_salvage.py,
and finding session folders record/folders.py.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

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
from resetkit.format.model import Playbook
from resetkit.question_types.item_entries import action_item_entries, holds_action_items
from resetkit.storage import SCHEMA_VERSION

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
    # Run from an answers file with no one at a terminal (`--no-input`): not a meeting held, so
    # its time is left out of `timing`.
    scripted: bool = False
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
        Which answers hold items is the one rule of question_types/item_entries.py."""
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
    question_types/item_entries.py); ValidationError for a damaged one, as when the record is
    read."""
    return [ActionItem.model_validate(item) for item in value] if holds_action_items(value) else []


def playbook_hash(text: str) -> str:
    """A short content hash that changes whenever the playbook file changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
