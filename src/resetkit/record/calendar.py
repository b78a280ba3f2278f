"""The calendar of what falls due: action items as to-dos with an alarm, follow-ups as events.

Every entry has a UID made from ids that never change, so importing a newer export updates the
entries instead of adding new ones; SEQUENCE counts the changes so calendar apps accept them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


@dataclass(frozen=True)
class Reminder:
    """An action item with a due date, as a to-do."""

    item_id: str
    session_id: str
    summary: str
    description: str
    due: date
    status: Literal["open", "done", "dropped"]
    changed_at: datetime | None  # the last change after the meeting; None when never changed
    changes: int  # how many times it changed after the meeting


@dataclass(frozen=True)
class FollowUp:
    """A follow-up meeting, as an all-day event."""

    session_id: str
    summary: str
    description: str
    day: date


def _uid(session_id: str, what: str, item_id: str = "") -> str:
    # Ids come from records, which anyone can edit: a strange one becomes a hash of itself.
    session_part = session_id.replace("/", ".")
    if not _SAFE_ID.match(session_part):
        session_part = _digest(session_id)
    if not item_id:
        return f"{session_part}.{what}@resetkit"
    item_part = item_id if _SAFE_ID.match(item_id) else _digest(item_id)
    return f"{item_part}.{session_part}.{what}@resetkit"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def follow_up_uid(session_id: str) -> str:
    """The UID of a session's follow-up meeting: the one its follow-up.ics invite carries."""
    return _uid(session_id, "follow-up")


def reminder_uid(session_id: str, item_id: str) -> str:
    """The UID of an action item's to-do: the same at every export."""
    return _uid(session_id, "action", item_id)


def calendar_ics(reminders: list[Reminder], meetings: list[FollowUp], alarm: timedelta) -> bytes:
    """An iCalendar file: a VTODO per item (an alarm `alarm` before an open one falls due) and
    a VEVENT per follow-up meeting."""
    from icalendar import Alarm, Calendar, Event, Todo

    from resetkit import dates

    stamp = dates.utc_now()
    calendar = Calendar()
    calendar.add("prodid", "-//resetkit//between meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "resetkit")
    for reminder in reminders:
        todo = Todo()
        todo.add("uid", reminder_uid(reminder.session_id, reminder.item_id))
        todo.add("dtstamp", stamp)
        todo.add("sequence", reminder.changes)
        if reminder.changed_at is not None:
            todo.add("last-modified", reminder.changed_at.astimezone(UTC))
        todo.add("summary", reminder.summary)
        todo.add("description", reminder.description)
        todo.add("due", reminder.due)
        if reminder.status == "open":
            todo.add("status", "NEEDS-ACTION")
            bell = Alarm()
            bell.add("action", "DISPLAY")
            bell.add("description", reminder.summary)
            bell.add("trigger", -alarm, parameters={"RELATED": "END"})
            todo.add_component(bell)
        elif reminder.status == "done":
            todo.add("status", "COMPLETED")
            todo.add("percent-complete", 100)
            if reminder.changed_at is not None:  # closed in the meeting: no time to give
                todo.add("completed", reminder.changed_at.astimezone(UTC))
        else:
            todo.add("status", "CANCELLED")
        calendar.add_component(todo)
    for meeting in meetings:
        event = Event()
        event.add("uid", follow_up_uid(meeting.session_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.day)
        event.add("dtend", meeting.day + timedelta(days=1))
        event.add("summary", meeting.summary)
        event.add("description", meeting.description)
        calendar.add_component(event)
    payload: bytes = calendar.to_ical()
    return payload
