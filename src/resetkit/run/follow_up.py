"""The follow-up review: the earlier session's open action items, one by one, before a new
run of a playbook; and the link between the two sessions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from resetkit.errors import ResetkitError, StorageError
from resetkit.record.session import Session, Verdict, VerdictKind, save
from resetkit.run.checks import default_answer
from resetkit.run.live import SessionInterrupted
from resetkit.run.prompts import Prompter
from resetkit.run.screen import escape_markup
from resetkit.run.terminal import Interrupted
from resetkit.words import counted

if TYPE_CHECKING:
    from rich.console import Console


# "Still open" first, where the cursor starts: an Enter too many leaves an item as it was,
# never closes it. Every choice is followed by the same optional note.
REVIEW_CHOICES = [
    ("open", "Still open, unchanged"),
    ("done", "Done"),
    ("moved", "Moved to a new date"),
    ("dropped", "Dropped"),
]


def _ask_verdict(prompter: Prompter, today: date, session_id: str) -> Verdict:
    """Ask what became of one action item: done, moved (to when), dropped, still open; a note."""
    from resetkit.format.model import DateQuestion, TextQuestion

    note_question = TextQuestion(id="review-note", type="text", prompt="  Note (optional)")
    due_question = DateQuestion(
        id="review-due", type="date", prompt="  New due date", required=True, default="+7d"
    )
    try:
        kind = prompter.pick("What happened to it?", REVIEW_CHOICES)
        new_due = None
        if kind == "moved":
            # Enter takes the default shown (a week on), as at any date question.
            default = default_answer(due_question, today)
            new_due = date.fromisoformat(prompter.ask(due_question, default, today))
            # As `actions move --reason`: a slip is recorded with why it slips.
            note_question = TextQuestion(
                id="review-note", type="text", prompt="  Why it slips", required=True
            )
        note = prompter.ask(note_question, None, today) or ""
        return Verdict(cast(VerdictKind, kind), new_due, note)
    except Interrupted:
        raise SessionInterrupted(
            "interrupted during the follow-up review: the items reviewed so far are saved",
            hint=f"continue with 'resetkit resume {session_id}'",
        ) from None


class OtherCustomer(ResetkitError):
    """A follow-up of a session held with another customer: most likely the wrong id."""


def refuse_other_customer(earlier: Path, customer: str) -> None:
    """OtherCustomer when the session in `earlier` was not held with `customer`.

    Names are compared as their folder names are made, so 'ACME corp' follows 'Acme Corp'.
    """
    from resetkit.places import customer_slug
    from resetkit.record.session import load as load_session

    previous = load_session(earlier)
    if customer_slug(previous.customer) != customer_slug(customer):
        raise OtherCustomer(
            f"session {previous.id} was held with {previous.customer!r}, not {customer.strip()!r}",
            hint="check the id with 'resetkit sessions'; pass --other-customer to follow it up "
            "anyway",
        )


def link_sessions(earlier: Path, session: Session, folder: Path) -> Session:
    """Record that `session` follows up on the one in `earlier`, in both records."""
    from resetkit.record.session import change

    def link(previous: Session) -> Session:
        if session.id not in previous.followed_by:
            previous.followed_by.append(session.id)
        return previous

    previous = change(earlier, link)
    session.follows = previous.id
    save(session, folder)
    return previous


def review_follow_up(
    earlier: Path,
    session: Session,
    folder: Path,
    prompter: Prompter | None,
    console: Console,
    given: dict[str, Verdict] | None = None,
) -> int:
    """Go through the earlier session's open action items, then link the two sessions.

    Items with a verdict `given` (from an answers file) are settled without a question; the
    others are asked through `prompter`, or stay open when there is none (a scripted run).
    Returns how many items changed. Each change is recorded in the earlier record (and its
    action plan rebuilt) as soon as it is made, and the items still to review are kept in this
    session's record (`review_pending`), so an interruption keeps what was reviewed and
    `resume` asks about the rest only.
    """
    from resetkit.dates import now
    from resetkit.history.actions import change_action
    from resetkit.record.notes import write_derived
    from resetkit.record.session import ActionEvent, change, locked
    from resetkit.record.team import who

    given = given or {}
    resumed = session.review_pending is not None
    previous = link_sessions(earlier, session, folder)
    open_now = {item.id: item for item in previous.action_items() if item.status == "open"}
    if session.review_pending is None:
        session.review_pending = list(open_now)
    # An item settled elsewhere since (say with 'actions done') is no longer asked about.
    items = [open_now[item_id] for item_id in session.review_pending if item_id in open_now]
    session.review_pending = [item.id for item in items]
    save(session, folder)
    left = " left to review" if resumed else ""
    console.print(
        f"Following up on {previous.id}: {counted(len(items), 'open action item')}{left}.",
        highlight=False,
        markup=False,
    )
    changed = 0
    edited_by_hand = False
    today = session.started_at.date()
    for number, item in enumerate(items, start=1):
        due = item.due.isoformat() if item.due else "no date"
        console.print(
            f"[bold]{number}/{len(items)}[/] {escape_markup(item.what)} ({item.owner}, due {due})"
        )
        verdict = given.get(item.id)
        if verdict is None and prompter is not None:
            verdict = _ask_verdict(prompter, today, session.id)
        if verdict is not None and (verdict.kind != "open" or verdict.note.strip()):
            event = ActionEvent(
                at=now(),
                kind="noted" if verdict.kind == "open" else verdict.kind,
                note=verdict.note,
                from_due=item.due,
                to_due=verdict.due,
                by=who(earlier),
            )
            with locked(earlier):

                def settle(
                    record: Session,
                    event: ActionEvent = event,
                    item_id: str = item.id,
                    due: date | None = verdict.due,
                ) -> Session:
                    change_action(record, item_id, event, new_due=due)
                    return record

                previous = change(earlier, settle)
                changed += verdict.kind != "open"  # a note on an item left open settles nothing
                # Rebuilt at each change, as `actions done` does: an interruption leaves the
                # notes, plan and copy as current as the record.
                try:
                    kept = write_derived(previous, earlier)
                except StorageError as error:
                    # The record holds the change; only the rebuilt plan is missing.
                    console.print(
                        f"[yellow]{escape_markup(item.id)} {verdict.kind}: saved in "
                        f"{escape_markup(previous.id)}, but its action plan could not be "
                        f"rewritten ({escape_markup(error.message.split(';')[0])}); run "
                        f"'resetkit render {escape_markup(previous.id)}' once there is space.[/]"
                    )
                    kept = []
            if "action-plan.md" in kept and not edited_by_hand:
                edited_by_hand = True
                console.print(
                    f"[yellow]{escape_markup(str(earlier / 'action-plan.md'))} was edited by "
                    "hand and is left as it is.[/]"
                )
        session.review_pending.remove(item.id)
        save(session, folder)
    session.review_pending = None
    save(session, folder)
    return changed


def finish_review(
    notes_dir: Path, session: Session, folder: Path, prompter: Prompter, console: Console
) -> None:
    """Finish a follow-up review that was interrupted (see review_follow_up), if there is one."""
    from resetkit.errors import UsageError
    from resetkit.record.session import find_session

    if session.follows is None or session.review_pending is None:
        return
    try:
        earlier = find_session(notes_dir, session.follows)
    except UsageError:
        session.review_pending = None
        save(session, folder)
        console.print(
            f"[yellow]{escape_markup(session.follows)}, which this session follows up on, is "
            "no longer in the notes dir: its review is left where it stopped.[/]"
        )
        return
    review_follow_up(earlier, session, folder, prompter, console)
