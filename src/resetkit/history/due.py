"""What falls due between meetings: overdue items, items due soon, follow-up meetings coming."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from resetkit import dates
from resetkit.errors import UsageError
from resetkit.history.actions import OpenAction, Owner, action_json, urgency, walk_items
from resetkit.history.read import Stored, recorded_of
from resetkit.record.calendar import FollowUp, Reminder
from resetkit.record.recap import written_date
from resetkit.record.render import escape
from resetkit.words import counted


@dataclass(frozen=True)
class Meeting:
    """A follow-up meeting a session set (the answer of its playbook's `follow_up` date)."""

    stored: Stored
    day: date
    question_id: str
    title: str = ""  # of the session's playbook
    followed: bool = False  # a follow-up session was held already

    def as_json(self) -> dict[str, Any]:
        """The meeting as a JSON object."""
        return {
            "session": self.stored.id,
            "customer": self.stored.customer,
            "playbook": self.stored.playbook_id,
            "date": self.day.isoformat(),
        }


def _follow_up_question(stored: Stored, known: dict[str, str | None]) -> str | None:
    """The id of the follow-up date question of the session's playbook, once per playbook.

    Known by playbook id and version, so that only the records of playbooks with a follow-up
    are parsed (at 100,000 sessions, parsing every record is most of the time).
    """
    key = f"{stored.playbook_id}\0{stored.playbook_version}"
    if key not in known:
        from resetkit.errors import ResetkitError
        from resetkit.record.which_playbook import playbook_recorded

        try:
            playbook = playbook_recorded(recorded_of(stored), stored.folder).playbook
            question = playbook.follow_up_question
            known[key] = question.id if question else None
        except (ResetkitError, OSError):
            known[key] = None  # a playbook gone or broken: its sessions set no meeting we know
    return known[key]


def follow_up_meeting(item: Stored, known: dict[str, str | None]) -> Meeting | None:
    """The follow-up meeting a complete session set, if any (`known`: see _follow_up_question).

    The session's record is let go of afterwards: a command going through a whole history
    keeps the fields of the sessions it shows, not their records.
    """
    if item.status != "complete":
        return None
    question_id = _follow_up_question(item, known)
    # Its answer's key is in the record's bytes, unless the JSON escapes letters (\u0061).
    if not question_id or (f'"{question_id}"'.encode() not in item.raw and b"\\u" not in item.raw):
        item.forget()
        return None
    answer = item.record["answers"].get(question_id)
    meeting = None
    if isinstance(answer, str):
        try:
            day = date.fromisoformat(answer)
        except ValueError:
            pass
        else:
            title = str(item.record.get("playbook_title", ""))
            followed = bool(item.record.get("followed_by"))
            meeting = Meeting(item, day, question_id, title, followed)
    item.forget()
    return meeting


@dataclass
class CustomerDue:
    """What falls due for one customer."""

    customer: str
    overdue: list[OpenAction] = field(default_factory=list)
    soon: list[OpenAction] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)


@dataclass(frozen=True)
class Digest:
    """The morning digest: per customer, what is late, what falls due soon, who we meet."""

    today: date
    within: timedelta
    customers: list[CustomerDue]

    def as_json(self) -> dict[str, Any]:
        """The digest as a JSON object."""
        return {
            "today": self.today.isoformat(),
            "within_days": self.within.days,
            "customers": [
                {
                    "customer": group.customer,
                    "overdue": [action_json(item) for item in group.overdue],
                    "due_soon": [action_json(item) for item in group.soon],
                    "follow_ups": [meeting.as_json() for meeting in group.meetings],
                }
                for group in self.customers
            ],
        }


def due_digest(
    stored: Iterable[Stored],
    within: timedelta,
    *,
    owner: Owner | None = None,
    today: date | None = None,
) -> Digest:
    """Overdue open items, items due within `within`, follow-ups in that span; by customer.

    One pass over the sessions, keeping only what the digest shows (a history of a million
    sessions goes through in batches)."""
    today = today or dates.today()
    last = today + within
    items: list[OpenAction] = []
    meetings: list[Meeting] = []
    known: dict[str, str | None] = {}
    for session, found_items in walk_items(stored, today, owner=owner):
        items += [found for found in found_items if found.due and found.due <= last]
        meeting = follow_up_meeting(session, known)
        if meeting is not None and today <= meeting.day <= last and not meeting.followed:
            meetings.append(meeting)
    items.sort(key=urgency)  # as `open_actions` orders them
    meetings.sort(key=lambda meeting: (meeting.day, meeting.stored.customer))
    groups: dict[str, CustomerDue] = {}

    def group(customer: str) -> CustomerDue:
        return groups.setdefault(customer, CustomerDue(customer))

    for found in items:
        assert found.due is not None
        customer = group(found.stored.customer)
        (customer.overdue if found.due < today else customer.soon).append(found)
    for meeting in meetings:
        group(meeting.stored.customer).meetings.append(meeting)
    ordered = sorted(groups.values(), key=_most_urgent)
    return Digest(today, within, ordered)


def _most_urgent(group: CustomerDue) -> tuple[date, str]:
    """The order of customers in the digest: the one with the item most overdue (or the first
    to fall due, or the first meeting) first, so that it is on the first screen."""
    days = [found.due for found in group.overdue + group.soon if found.due]
    days += [meeting.day for meeting in group.meetings]
    return (min(days, default=date.max), group.customer.casefold())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def owner_label(action: dict[str, Any]) -> str:
    """Who owns an action item, with the name when one was given: 'customer: Pat'."""
    name = _one_line(action.get("owner_name", ""))
    return str(action.get("owner", "us")) + (f": {name}" if name else "")


def _item_markdown(found: OpenAction, when: str) -> str:
    action = found.action
    return (
        f"- {when}: {escape(_one_line(action.get('what', '')))} "
        f"({escape(owner_label(action))}; id {escape(str(action.get('id', '')))})"
    )


def _due_on(found: OpenAction) -> str:
    assert found.due is not None  # the digest holds dated items only
    return written_date(found.due)


def digest_markdown(digest: Digest) -> str:
    """The digest as Markdown, to read in a terminal or mail from a cron job."""
    lines = [f"# Due on {written_date(digest.today)}", ""]
    end = written_date(digest.today + digest.within)
    if not digest.customers:
        lines += [f"Nothing overdue, nothing due and no follow-up meeting up to {end}.", ""]
    for group in digest.customers:
        lines += [f"## {escape(_one_line(group.customer))}", ""]
        for found in group.overdue:
            late = f"**Overdue {counted(found.overdue_days, 'day')}** (due {_due_on(found)})"
            lines.append(_item_markdown(found, late))
        for found in group.soon:
            lines.append(_item_markdown(found, f"Due {_due_on(found)}"))
        for meeting in group.meetings:
            lines.append(
                f"- Follow-up meeting on {written_date(meeting.day)} "
                f"(after session {escape(meeting.stored.id)})"
            )
        lines.append("")
    return "\n".join(lines)


_LEAD = re.compile(r"^(\d{1,4})([mhdw])$")
_LEAD_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_lead(text: str) -> timedelta:
    """How long before an item falls due its alarm rings: 30m, 9h, 1d or 1w."""
    match = _LEAD.match(text.strip())
    if not match:
        raise UsageError(
            f"--alarm {text!r} is not a span of time", hint="write it like 30m, 9h, 1d or 1w"
        )
    return timedelta(seconds=int(match.group(1)) * _LEAD_UNITS[match.group(2)])


def _slips(action: dict[str, Any]) -> list[str]:
    lines = []
    for change in action.get("history", []):
        if isinstance(change, dict) and change.get("kind") == "moved":
            line = f"moved from {change.get('from_due') or 'no date'} to {change.get('to_due')}"
            if change.get("note"):
                line += f": {_one_line(change['note'])}"
            lines.append(line)
    return lines


CLOSED_KEPT = timedelta(days=60)

# Who a to-do is for, in its title, when the item names no person.
_SIDE_WORDS = {"us": "We", "customer": "They", "both": "Both sides"}


def todo_title(customer: str, action: dict[str, Any]) -> str:
    """A to-do's title, saying whose it is: 'Acme Corp: Dana to sign the amendment' (the
    customer's tasks must not alarm as if they were the CSM's)."""
    what = _one_line(action.get("what", ""))
    if what[:1].isupper() and what[1:2].islower():
        what = what[0].lower() + what[1:]  # 'Sign the amendment' -> 'to sign the amendment'
    name = _one_line(action.get("owner_name", ""))
    who = name or _SIDE_WORDS.get(str(action.get("owner", "us")), "We")
    return f"{_one_line(customer)}: {who} to {what}"


def calendar_entries(
    stored: Iterable[Stored],
    *,
    owner: Owner | None = None,
    today: date | None = None,
    theirs: bool = True,
) -> tuple[list[Reminder], list[FollowUp]]:
    """Every open dated action item, those closed (done or dropped) in the last 60 days or
    due in them, and every follow-up meeting from 60 days ago on, for the calendar; discarded
    sessions left out, and the items the customer owns alone unless `theirs`. With `owner`,
    only the meetings of the sessions where that owner has an item (open or closed): a
    meeting belongs to its session, not to whoever asks.
    One pass over the sessions, keeping only what the calendar shows."""
    found_meetings: list[Meeting] = []
    known: dict[str, str | None] = {}
    # A closed item is written while a calendar may still show it open (so the next import
    # completes it there); after that it would only make the file long and slow to import.
    today = today or dates.today()
    closed_since = today - CLOSED_KEPT
    reminders = []
    for session, items in walk_items(stored, today, owner=owner, only_open=False):
        meeting = follow_up_meeting(session, known)
        # A meeting long past is left out as a closed item is: every follow-up of years of
        # sessions would make the file grow with the history (and slow to import).
        if meeting is not None and meeting.day >= closed_since and (owner is None or items):
            found_meetings.append(meeting)
        for found in items:
            action = found.action
            if not action.get("due") or (not theirs and action.get("owner") == "customer"):
                continue
            events = [e for e in action.get("history", []) if isinstance(e, dict)]
            changed_at = datetime.fromisoformat(events[-1]["at"]) if events else None
            due_on = date.fromisoformat(action["due"])
            if (
                action.get("status", "open") != "open"
                and max(due_on, changed_at.date() if changed_at else due_on) < closed_since
            ):
                continue
            slips = _slips(action)
            summary = todo_title(session.customer, action)
            if slips:
                summary += f", moved {counted(len(slips), 'time')}"
            description = [
                f"Owner: {owner_label(action)}",
                f"Customer: {_one_line(session.customer)}",
                f"From the {session.playbook_id} session on {session.started_at[:10]} "
                f"(resetkit session {session.id}, item {action.get('id', '')}).",
                *(f"Slip: {slip}" for slip in slips),
            ]
            reminders.append(
                Reminder(
                    item_id=str(action.get("id", "")),
                    session_id=session.id,
                    summary=summary,
                    description="\n".join(description),
                    due=due_on,
                    status=action.get("status", "open"),
                    changed_at=changed_at,
                    changes=len(events),
                )
            )
    meetings = [
        FollowUp(
            session_id=meeting.stored.id,
            summary=f"Follow-up: {meeting.title} with {_one_line(meeting.stored.customer)}",
            description=f"Follow-up to the {meeting.stored.playbook_id} session with "
            f"{_one_line(meeting.stored.customer)} on {meeting.stored.started_at[:10]} "
            f"(resetkit session {meeting.stored.id}).",
            day=meeting.day,
        )
        for meeting in sorted(found_meetings, key=lambda m: (m.day, m.stored.customer))
    ]
    return reminders, meetings
