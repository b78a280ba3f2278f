"""Action items across sessions: the open ones, finding one by id, changing it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resetkit import dates
from resetkit.errors import StorageError, UsageError

if TYPE_CHECKING:
    from resetkit.record.session import ActionEvent, ActionItem, Session
from resetkit.history.cells import action_row
from resetkit.history.read import Filters, History, Stored, open_history, with_actions

SIDES = ("us", "customer", "both")


@dataclass(slots=True)
class OpenAction:
    """An open action item and the session it belongs to."""

    stored: Stored
    action: dict[str, Any]
    due: date | None
    overdue_days: int  # days past its due date; 0 when not overdue or undated


@dataclass(frozen=True)
class Owner:
    """Whose items a filter keeps: a side (us, customer, both), which takes the items of
    "both" too unless `only`; any other word, any part of the owner's name in any case (as
    `--customer` matches customers)."""

    wanted: str  # casefolded, spaces squeezed
    only: bool = False

    @classmethod
    def of(cls, text: str | None, *, only: bool = False) -> Owner | None:
        """The filter `--owner text` asks for; None (every item) when no owner was given."""
        wanted = " ".join((text or "").split()).casefold()
        # 'them', as the tables say the customer's side beside a name.
        wanted = "customer" if wanted == "them" else wanted
        return cls(wanted, only) if wanted else None

    @property
    def side(self) -> bool:
        """Whether the filter names a side rather than a person."""
        return self.wanted in SIDES

    def sides(self) -> tuple[str, ...]:
        """The sides whose items a side filter keeps."""
        shared = self.wanted != "both" and not self.only
        return (self.wanted, "both") if shared else (self.wanted,)

    def sql(self) -> tuple[str, list[str]]:
        """The filter as an SQL condition on the index's `actions a`, and its arguments."""
        if self.side:
            sides = self.sides()
            return f"a.owner IN ({', '.join('?' * len(sides))})", list(sides)
        return "instr(a.owner_key, ?) > 0", [self.wanted]

    def owns(self, action: dict[str, Any]) -> bool:
        """Whether the filter keeps this action item."""
        if self.side:
            return str(action.get("owner", "us")) in self.sides()
        return self.wanted in " ".join(str(action.get("owner_name", "")).split()).casefold()


def walk_items(
    stored: Iterable[Stored],
    today: date,
    *,
    owner: Owner | None = None,
    only_open: bool = True,
) -> Iterator[tuple[Stored, list[OpenAction]]]:
    """The one walk the between-meeting commands share: each session (discarded ones left
    out) with its action items (the open ones, or all), those `owner` keeps, each with its
    due date and the days it is late as of `today`. A history goes through in batches."""
    kept = (item for item in stored if item.status != "discarded")
    for session, actions in with_actions(kept, only_open=only_open):
        yield (
            session,
            [
                as_open(session, action, today)
                for action in actions
                if owner is None or owner.owns(action)
            ],
        )


def urgency(found: OpenAction) -> tuple[bool, date, str]:
    """The order of open items: by due date (the latest first among none), undated last,
    then by customer."""
    return (found.due is None, found.due or date.max, found.stored.customer)


def open_actions(
    stored: list[Stored],
    *,
    owner: Owner | None = None,
    overdue: bool = False,
    due_within: timedelta | None = None,
    today: date | None = None,
    flagged: bool = False,
) -> list[OpenAction]:
    """Open action items across sessions, overdue first, then by due date (undated last);
    late as of `today` (the clock's day when None). With `flagged`, the items changed in two
    clones at once instead, open or closed."""
    today = today or dates.today()
    found = []
    for _, items in walk_items(stored, today, owner=owner, only_open=not flagged):
        for one in items:
            if flagged and not one.action.get("flag"):
                continue
            due = one.due
            if overdue and not (due and due < today):
                continue
            if due_within is not None and not (due and due <= today + due_within):
                continue
            found.append(one)
    return sorted(found, key=urgency)


def as_open(stored: Stored, action: dict[str, Any], today: date) -> OpenAction:
    """An action item with its session, its due date and how many days it is late (0 once
    it is closed)."""
    due = date.fromisoformat(action["due"]) if action.get("due") else None
    late = days_late(due, today) if action.get("status", "open") == "open" else 0
    return OpenAction(stored, action, due, late)


def days_late(due: date | None, today: date) -> int:
    """How many days an item due on `due` is late on `today`: 0 when undated or not yet due."""
    return max(0, (today - due).days) if due else 0


def list_open_actions(
    history: History,
    filters: Filters,
    *,
    owner: Owner | None = None,
    overdue: bool = False,
    due_within: timedelta | None = None,
    today: date | None = None,
    flagged: bool = False,
) -> list[OpenAction]:
    """The same as `open_actions`, asked of the index in SQL: the cost grows with the items
    found, not with the history (but for `flagged`, a scan of the items' table)."""
    today = today or dates.today()
    found = history.open_actions(
        filters, owner=owner, overdue=overdue, due_within=due_within, today=today, flagged=flagged
    )
    if found is None:
        every = list(history.sessions(filters, with_raw=False))
        return open_actions(
            every,
            owner=owner,
            overdue=overdue,
            due_within=due_within,
            today=today,
            flagged=flagged,
        )
    return [as_open(stored, action, today) for stored, action in found]


def action_json(found: OpenAction) -> dict[str, Any]:
    """An open action item as a JSON object with its session; `flag` when two clones changed
    it at once (see record/merge.py)."""
    flag = {"flag": found.action["flag"]} if found.action.get("flag") else {}
    return action_row(found.stored, found.action) | {"overdue_days": found.overdue_days} | flag


def find_action(notes_dir: Path, action_id: str) -> tuple[Stored, ActionItem]:
    """The action item with this id (or a unique prefix of it, in any case, with or without a
    trailing slash as a shell's completion leaves it), and its session."""
    typed = action_id.strip().rstrip("/")
    matches: list[tuple[Stored, dict[str, Any]]] = []
    with open_history(notes_dir) as history:
        # As typed first (an id an answers file gave in capitals), then in the case of the
        # ids resetkit makes: the index's range lookup stays a lookup.
        for form in dict.fromkeys((typed, typed.lower(), typed.upper())) if typed else ():
            matches = history.actions_with_id(form)
            if matches:
                break
    if not matches:
        raise UsageError(
            f"no action item '{action_id}' in {notes_dir}",
            hint="'resetkit actions' lists the open ones with their ids",
        )
    if len(matches) > 1:
        ids = ", ".join(str(action.get("id")) for _, action in matches[:5])
        raise UsageError(
            f"'{action_id}' matches several action items ({ids})", hint="give more of the id"
        )
    from resetkit.record.session import ActionItem

    item, action = matches[0]
    return item, ActionItem.model_validate(action)


def change_action(
    session: Session,
    action_id: str,
    event: ActionEvent,
    *,
    new_due: date | None = None,
) -> bool:
    """Record a change to one action item in `session` (not saved: see record.session.change);
    False when it is a repeat that changes nothing (a move to the date the item already has).
    A change clears the item's flag: whoever made it has looked at the item.
    """
    item = _raw_item(session, action_id)
    reopening = event.kind == "reopened"
    if event.kind != "noted" and (item.get("status") == "open") == reopening:
        status = item.get("status")
        raise UsageError(
            f"action item {action_id} is "
            + (
                "open"
                if reopening
                else f"already {status}; 'resetkit actions reopen {action_id}' opens it again"
            ),
            hint="" if not reopening else "only a done or dropped item can be reopened",
        )
    if event.kind == "moved":
        due = new_due.isoformat() if new_due else None
        if item.get("due") == due:
            return False  # already there: a repeated move records no second slip
        item["due"] = due
    elif event.kind != "noted":
        item["status"] = "open" if reopening else event.kind
    item.setdefault("history", []).append(event.model_dump(mode="json"))
    item.pop("flag", None)
    return True


def clear_flag(session: Session, action_id: str) -> bool:
    """Clear the flag of a change made in two clones at once, once a person has looked;
    False when the item has none."""
    item = _raw_item(session, action_id)
    return bool(item.pop("flag", ""))


def _raw_item(session: Session, action_id: str) -> dict[str, Any]:
    for raw in session.answers.values():
        for item in raw if isinstance(raw, list) else []:
            if isinstance(item, dict) and item.get("id") == action_id:
                return item
    raise UsageError(f"no action item '{action_id}' in session {session.id}")


@dataclass(frozen=True)
class Settled:
    """An action item changed after the meeting, and the notes files left as edited by hand."""

    item: ActionItem
    session_id: str
    folder: Path
    kept: list[str]  # the notes files left alone, edited by hand (none: all three rebuilt)
    repeated: bool = False  # the change was already recorded: nothing new was


class PlanNotWritten(StorageError):
    """The record holds the change, but the action plan could not be rewritten."""


def settle_action(
    notes_dir: Path, action_id: str, event: ActionEvent, new_due: date | None
) -> Settled:
    """Record a change to the action item `action_id` names (done, moved, dropped, reopened)
    and rebuild its session's notes files (write_derived), both under the session's lock."""
    from resetkit.record.team import who

    stored, action = find_action(notes_dir, action_id)
    event.by = event.by or who(stored.folder)
    if event.kind == "moved":
        event.from_due = action.due
    return _changed(
        stored, action, event.kind, lambda s: change_action(s, action.id, event, new_due=new_due)
    )


def settle_flag(notes_dir: Path, action_id: str) -> Settled:
    """Clear an action item's flag (see `clear_flag`) and rebuild its notes files."""
    stored, action = find_action(notes_dir, action_id)
    if not action.flag:
        raise UsageError(
            f"action item {action.id} has no flag to settle",
            hint="⚑ marks an item two people changed at once in the team's notes; "
            "'resetkit actions' shows them",
        )
    return _changed(stored, action, "settled", lambda s: clear_flag(s, action.id))


def _changed(
    stored: Stored, action: ActionItem, what: str, apply: Callable[[Session], bool]
) -> Settled:
    """Apply a change to one item's session under its lock, then rebuild its action plan."""
    from resetkit.record.notes import write_derived
    from resetkit.record.store import change, locked

    folder = stored.folder
    with locked(folder):

        def changed(session: Session) -> tuple[Session, bool]:
            return session, apply(session)

        session, done = change(folder, changed)
        try:
            kept = write_derived(session, folder)
        except StorageError as error:
            raise PlanNotWritten(
                f"{action.id} {what}: the change is saved in {folder / 'session.json'}, "
                f"but {folder / 'action-plan.md'} could not be rewritten "
                f"({error.message.split(';')[0]})",
                hint=f"free some space, then run 'resetkit render {session.id}' to rebuild it",
            ) from None
    return Settled(action, session.id, folder, kept, repeated=not done)


def describe_action(stored: Stored, item: ActionItem, today: date) -> list[tuple[str | None, str]]:
    """One action item told as (label, text) lines, as `actions show` prints them (label None:
    a change since the meeting, under "changes"); the text is terminal-safe. Dates as every
    message writes them ('Fri 2026-11-20 · 10 days late'), changes at the local time."""
    from resetkit.controls import visible_line as printable
    from resetkit.words import counted

    side = SIDE_WORDS.get(item.owner, item.owner)
    name = " ".join(item.owner_name.split())
    due = said_day(item.due)
    if item.due and item.status == "open" and item.due < today:
        due += f" · {counted((today - item.due).days, 'day')} late"
    lines: list[tuple[str | None, str]] = [
        ("", f"{item.id}  {printable(' '.join(item.what.split()))}"),
        ("session", f"{printable(str(stored.id))} ({printable(str(stored.customer))})"),
        ("owner", printable(f"{name} ({side})" if name else side)),
        ("due", due + ("  (on the critical path)" if item.critical_path else "")),
        ("status", status_words(item.status)),
    ]
    if item.flag:
        lines.append(("⚑", printable(item.flag)))
    for event in item.history:
        change: str = event.kind
        if event.kind == "moved":
            old, new = said_day(event.from_due), said_day(event.to_due)
            change = f"moved from {old} to {new}"
        by = f" by {printable(event.by)}" if event.by else ""
        note = f": {printable(' '.join(event.note.split()))}" if event.note else ""
        at = event.at.astimezone()
        lines.append((None, f"{said_day(at.date())} {at:%H:%M}  {change}{by}{note}"))
    if item.history:
        lines.insert(-len(item.history), ("changes", ""))
    return lines


def said_day(day: date | None) -> str:
    """A date as a CSM reads it in a one-line message: 'Fri 2026-11-27'; 'no date'."""
    return f"{day:%a} {day.isoformat()}" if day is not None else "no date"


def moved_words(before: date | None, after: date | None) -> str:
    """'moved to Fri 2026-11-27 (was Tue 2026-12-08, -11 days)'."""
    from resetkit.words import counted

    if before is None:
        return f"moved to {said_day(after)} (it had no date)"
    if after is None:
        return f"moved to no date (was {said_day(before)})"
    slip = counted((after - before).days, "day", sign=True)
    return f"moved to {said_day(after)} (was {said_day(before)}, {slip})"


def short_day(day: date, today: date) -> str:
    """A date as a table shows it: 'Nov 23', with the year when it is not this year's."""
    text = f"{day:%b} {day.day}"
    return text if day.year == today.year else f"{text} {day.year}"


def when_due(found: OpenAction, today: date) -> str:
    """An item's due date for a table: 'Nov 23 · 10d late', 'Nov 24 · today', 'Dec 1'."""
    if found.due is None:
        return "no date"
    day = short_day(found.due, today)
    if found.overdue_days:
        return f"{day} · {found.overdue_days}d late"
    return f"{day} · today" if found.due == today and is_open(found) else day


def is_open(found: OpenAction) -> bool:
    """Whether the item is still open."""
    return str(found.action.get("status", "open")) == "open"


def marks(found: OpenAction) -> str:
    """An item's mark, one column: ⚑ changed by two people at once, ! on the critical path."""
    if found.action.get("flag"):
        return "⚑"
    return "!" if found.action.get("critical_path") else ""


MARK_MEANINGS = {
    "⚑": "changed by two people at once ('resetkit actions show ID' says how)",
    "!": "on the critical path",
}


def marks_legend(shown: Iterable[str]) -> str:
    """What the marks a table shows mean, those only: '! on the critical path'."""
    present = set(shown)
    return " · ".join(f"{mark} {meant}" for mark, meant in MARK_MEANINGS.items() if mark in present)


def counts_line(
    found: list[OpenAction],
    today: date,
    within: timedelta | None = None,
    narrowed: str = "",
    ahead: bool = True,
) -> str:
    """The line that ends a table of items: '19 open · 3 overdue · 6 due by Dec 8' (a week on,
    or the span given: the day named, as `due`'s title names it, never "this week" that ends on
    another day than the reader's week). With the filters that `narrowed` the list, it says
    the items are those listed, not all that are open: '7 listed (overdue) · 7 overdue · …'."""
    within = within if within is not None else timedelta(days=7)
    still = [one for one in found if is_open(one)]
    late = sum(1 for one in still if one.overdue_days)
    soon = sum(1 for one in still if one.due and today <= one.due <= today + within)
    by = f"by {short_day(today + within, today)}"
    first = f"{len(still):,} listed ({narrowed})" if narrowed else f"{len(still):,} open"
    # `ahead` False: only overdue items were asked for; "0 due by" would read as all clear.
    parts = [first, f"{late:,} overdue", *([f"{soon:,} due {by}"] if ahead else [])]
    closed = len(found) - len(still)
    if closed:
        parts.append(f"{closed:,} closed")
    return " · ".join(parts)


def owner_cell(action: dict[str, Any]) -> str:
    """Who owns an item, in a table's few columns: the person's name, else the side."""
    name = " ".join(str(action.get("owner_name", "")).split())
    return name or str(action.get("owner", "us"))


# A side as a table says it beside a name: short, and "them" for the customer's people.
SIDE_WORDS = {"us": "us", "customer": "them", "both": "both"}


def owner_cells(actions: list[dict[str, Any]]) -> list[str]:
    """Who owns each item, with the side they are on, for a table's narrow column: 'Sam (us)',
    'Dana (them)', 'Priya (both)'; the first name only where no other name shown starts
    with it, else the whole name; the side alone ('them') when no name was given."""
    names = [" ".join(str(action.get("owner_name", "")).split()) for action in actions]
    firsts: dict[str, set[str]] = {}
    for name in filter(None, names):
        firsts.setdefault(name.split()[0].casefold(), set()).add(name.casefold())
    cells = []
    for action, name in zip(actions, names, strict=True):
        side = SIDE_WORDS.get(str(action.get("owner", "us")), "us")
        first = name.split()[0] if name else ""
        shown = first if name and len(firsts[first.casefold()]) == 1 else name
        cells.append(f"{shown} ({side})" if shown else side)
    return cells


def status_words(status: str) -> str:
    """A status as a person says it: 'in_progress' -> 'in progress'."""
    return status.replace("_", " ")
