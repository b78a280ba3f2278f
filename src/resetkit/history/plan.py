"""Moving a plan, not just an item: the later open items of a session slip with the one moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from resetkit.errors import UsageError
from resetkit.history.actions import Settled, change_action, find_action
from resetkit.words import counted

if TYPE_CHECKING:
    from resetkit.record.session import ActionEvent, ActionItem


@dataclass(frozen=True)
class PlanMoved:
    """The item moved, the later items shifted with it, and how many days each slipped."""

    settled: Settled
    days: int
    shifted: list[ActionItem]


def move_with_later(
    notes_dir: Path, action_id: str, event: ActionEvent, new_due: date
) -> PlanMoved:
    """Move one item to `new_due` and shift every open item of its session due on or after it
    by the same number of days; each shifted item records the slip, its reason and its cause.
    """
    from resetkit.record.notes import write_derived
    from resetkit.record.session import ActionEvent, Session
    from resetkit.record.store import change, locked
    from resetkit.record.team import who

    stored, moved = find_action(notes_dir, action_id)
    if moved.due is None:
        raise UsageError(
            f"action item {moved.id} has no due date, so nothing is due after it",
            hint="move it without --with-later",
        )
    if moved.status != "open":
        raise UsageError(f"action item {moved.id} is already {moved.status}")
    folder, moved_due = stored.folder, moved.due
    days = (new_due - moved_due).days
    event.from_due = moved_due
    event.by = event.by or who(folder)
    later: list[ActionItem] = []

    def apply(session: Session) -> Session:
        # Read under the session's lock: the items as they are now, not as listed before.
        later[:] = [
            item
            for item in session.action_items()
            if item.id != moved.id and item.status == "open" and item.due and item.due >= moved_due
        ]
        shifted = [_shifted(item, days) for item in later]  # all checked before any changes
        change_action(session, moved.id, event, new_due=new_due)
        for item, shifted_due in zip(later, shifted, strict=True):
            assert item.due is not None
            slip = ActionEvent(
                at=event.at,
                kind="moved",
                note=event.note,
                from_due=item.due,
                to_due=shifted_due,
                by=event.by,
                caused_by=moved.id,
            )
            change_action(session, item.id, slip, new_due=shifted_due)
        return session

    with locked(folder):
        session = change(folder, apply)
        kept = write_derived(session, folder)
    settled = Settled(moved, session.id, folder, kept)
    return PlanMoved(settled, days, later)


def _shifted(item: ActionItem, days: int) -> date:
    """An item's due date `days` later; UsageError when that is past the dates resetkit takes."""
    from resetkit.dates import FIRST_DAY, LAST_DAY, DateOutOfRange, in_range

    assert item.due is not None
    try:
        return in_range(date.fromordinal(max(1, item.due.toordinal() + days)))
    except (DateOutOfRange, ValueError):
        raise UsageError(
            f"moving the plan by {counted(days, 'day', sign=True)} would take item {item.id} (due "
            f"{item.due.isoformat()}) outside the dates resetkit takes ({FIRST_DAY.isoformat()} "
            f"to {LAST_DAY.isoformat()}); nothing was moved",
            hint="move fewer days, or move that item without --with-later",
        ) from None
