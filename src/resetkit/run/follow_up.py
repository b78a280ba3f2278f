"""The follow-up review: the earlier session's open action items, one by one, before a new
run of a playbook; and the link between the two sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from resetkit.errors import ResetkitError, StorageError
from resetkit.question_types import Asking
from resetkit.record.session import ActionItem, Session, Verdict, VerdictKind
from resetkit.record.store import save
from resetkit.run.live import SessionInterrupted
from resetkit.run.prompts import Prompter
from resetkit.run.screen import escape_markup
from resetkit.run.terminal import GoBack, Interrupted
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


def _ask_verdict(
    prompter: Prompter,
    item: ActionItem,
    today: date,
    earlier_answer: Verdict | None,
    first: bool,
    keep: Callable[[Verdict], None],
) -> Verdict:
    """Ask what became of one action item: done, moved (to when, and why), dropped, still open;
    a note.

    The back key at the choice goes to the item before (GoBack, not on the first); at the date
    or the note it asks this item's choice again. `earlier_answer` is what was said of the item
    before, shown as the default. Each step is handed to `keep` as it is taken, so an
    interruption at the date or the note keeps the choice made.
    """
    from datetime import timedelta

    from resetkit.format.model import DateQuestion, TextQuestion

    note_question = TextQuestion(id="review-note", type="text", prompt="Note (optional)")
    slip_question = TextQuestion(
        id="review-note", type="text", prompt="Why it slips", required=True
    )
    drop_question = TextQuestion(
        id="review-note", type="text", prompt="Why it is dropped", required=True
    )
    due_question = DateQuestion(id="review-due", type="date", prompt="New due date", required=True)
    again = Asking(can_go_back=True)
    moving = Asking(can_go_back=True, due_date=True)
    while True:
        kind = cast(
            VerdictKind,
            prompter.pick(
                "What happened to it?",
                REVIEW_CHOICES,
                asking=Asking(can_go_back=not first),
                default=earlier_answer.kind if earlier_answer else None,
            ),
        )
        same = earlier_answer if earlier_answer and earlier_answer.kind == kind else None
        note = same.note if same else ""
        keep(Verdict(kind=kind, due=same.due if same else None, note=note))
        try:
            new_due = None
            if kind == "moved":
                # Enter takes a week after the later of today and the item's due date: a move
                # is later, never earlier, than the date it had.
                later = max(today, item.due) if item.due else today
                due = same.due if same and same.due else later + timedelta(days=7)
                new_due = date.fromisoformat(
                    prompter.ask(due_question, due.isoformat(), today, moving)
                )
                keep(Verdict(kind=kind, due=new_due, note=note))
            # As `actions move/drop --reason`: a slip or a drop is recorded with its why.
            asked = {"moved": slip_question, "dropped": drop_question}.get(kind, note_question)
            note = prompter.ask(asked, note or None, today, again) or ""
        except GoBack:
            continue
        return Verdict(kind=kind, due=new_due, note=note)


def _item_context(item: ActionItem, today: date) -> str:
    """Who owns an item and when it was due, as the tables say it: 'Sam Rivera (us), due
    Tue 2026-11-17, 17 days late'."""
    from resetkit.history.actions import SIDE_WORDS, said_day

    side = SIDE_WORDS.get(item.owner, item.owner)
    name = " ".join(item.owner_name.split())
    who = f"{name} ({side})" if name else side
    if item.due is None:
        return f"{who}, no date"
    late = (today - item.due).days
    return f"{who}, due {said_day(item.due)}" + (
        f", {counted(late, 'day')} late" if late > 0 else ""
    )


def _stopped(session_id: str) -> SessionInterrupted:
    """What an interruption of the review says: what is kept, and how to go on."""
    return SessionInterrupted(
        "interrupted during the follow-up review: what you said of each item is kept in this "
        "session, and nothing is changed in the earlier one until you save the review",
        hint=f"continue with 'resetkit resume {session_id}'",
    )


def _said(verdict: Verdict) -> str:
    """A verdict as the recap reads it: 'Moved to 2026-12-10; note: the vendor is late'."""
    label = dict(REVIEW_CHOICES)[verdict.kind]
    if verdict.kind == "moved" and verdict.due is not None:
        label = f"Moved to {verdict.due.isoformat()}"
    elif verdict.kind == "open":
        label = "Still open"
    return f"{label}; note: {verdict.note}" if verdict.note.strip() else label


def _short(text: str, width: int = 48) -> str:
    """One line of an item's text, cut at a word to fit a choice's label."""
    words = " ".join(text.split())
    if len(words) <= width:
        return words
    return words[: width - 1].rsplit(" ", 1)[0] + "…"


def _recap(
    prompter: Prompter, console: Console, items: list[ActionItem], said: dict[str, Verdict]
) -> int | None:
    """Show what the review will record and ask to save it: None to save, or the position of
    the item to change. GoBack goes to the last item."""
    from resetkit.run.screen import draw_numbered

    console.print("[bold]Before anything is saved:[/]")
    lines = []
    for item in items:
        verdict = said.get(item.id) or Verdict(kind="open")
        lines.append(f"{_short(item.what)}: {_said(verdict)}")
    draw_numbered(console, lines)
    options = [("save", "Save the review")]
    options += [
        (str(number), f"Change {number}: {_short(item.what, 40)}")
        for number, item in enumerate(items, start=1)
    ]
    chosen = prompter.pick(
        "Save this review?", options, asking=Asking(can_go_back=True), default="save"
    )
    return None if chosen == "save" else int(chosen) - 1


def _ask_each(
    items: list[ActionItem],
    session: Session,
    folder: Path,
    prompter: Prompter,
    console: Console,
    given: dict[str, Verdict],
) -> None:
    """Ask about each item in turn, with a back key, then recap and save on the person's word.

    Every answer is saved in this session's record at once (`review_draft`), so an
    interruption loses nothing; `resume` starts at the first item not yet answered.
    """
    said = session.review_draft
    position = next((n for n, item in enumerate(items) if item.id not in said), len(items))
    recap_next = False
    while True:
        if position >= len(items):
            try:
                chosen = _recap(prompter, console, items, said)
            except GoBack:
                chosen = len(items) - 1
            except Interrupted:
                raise SessionInterrupted(
                    "interrupted at the follow-up review's recap: what you said is kept in this "
                    "session, and nothing is changed in the earlier one until you save it",
                    hint=f"continue with 'resetkit resume {session.id}'",
                ) from None
            if chosen is None:
                return
            position, recap_next = chosen, True
        item = items[position]
        console.print(
            f"[bold]{position + 1}/{len(items)}[/] {escape_markup(item.what)} "
            f"({escape_markup(_item_context(item, session.started_at.date()))})"
        )

        def keep(verdict: Verdict, item_id: str = item.id) -> None:
            said[item_id] = verdict
            save(session, folder)

        try:
            keep(
                _ask_verdict(
                    prompter,
                    item,
                    session.started_at.date(),
                    said.get(item.id),
                    position == 0,
                    keep,
                )
            )
        except GoBack:
            position = max(0, position - 1)
            continue
        except Interrupted:
            raise _stopped(session.id) from None
        if recap_next:
            position = len(items)
            continue
        position += 1
        # Items settled by an answers file are not asked again on the way forward; the recap
        # shows them, and any can be changed there.
        while position < len(items) and items[position].id in given:
            position += 1


class OtherCustomer(ResetkitError):
    """A follow-up of a session held with another customer: most likely the wrong id."""


def refuse_other_customer(earlier: Path, customer: str) -> None:
    """OtherCustomer when the session in `earlier` was not held with `customer`.

    Names are compared as their folder names are made, so 'ACME corp' follows 'Acme Corp'.
    """
    from resetkit.places import customer_slug
    from resetkit.record.store import load as load_session

    previous = load_session(earlier)
    if customer_slug(previous.customer) != customer_slug(customer):
        raise OtherCustomer(
            f"session {previous.id} was held with {previous.customer!r}, not {customer.strip()!r}",
            hint="check the id with 'resetkit sessions'; pass --other-customer to follow it up "
            "anyway",
        )


def link_sessions(earlier: Path, session: Session, folder: Path) -> Session:
    """Record that `session` follows up on the one in `earlier`, in both records."""
    from resetkit.record.store import change

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
) -> Reviewed:
    """Go through the earlier session's open action items, then link the two sessions.

    (The new record names the earlier one from the start; the earlier record names the new one
    once the review is saved.)

    Items with a verdict `given` (from an answers file) are settled without a question; the
    others are asked through `prompter`, or stay open when there is none (a scripted run).
    A person sees a recap and saves it; only then are the changes made in the earlier record
    (and its notes, action plan and copy rebuilt). Until then the answers and the items still
    to review are kept in this session's record (`review_draft`, `review_pending`), so an
    interruption keeps what was said and `resume` asks about the rest only. Returns how many
    items were reviewed and what changed, a line each.
    """
    from resetkit.record.store import load

    resumed = session.review_pending is not None
    previous = load(earlier)
    # This record names the earlier one at once; the earlier one is changed (its
    # `followed_by`) only with the review saved, as every other change the review makes.
    session.follows = previous.id
    open_now = {item.id: item for item in previous.action_items() if item.status == "open"}
    if session.review_pending is None:
        session.review_pending = list(open_now)
    # An item settled elsewhere since (say with 'actions done') is no longer asked about.
    items = [open_now[item_id] for item_id in session.review_pending if item_id in open_now]
    session.review_pending = [item.id for item in items]
    session.review_draft = {
        key: verdict for key, verdict in session.review_draft.items() if key in open_now
    }
    given = {key: verdict for key, verdict in (given or {}).items() if key in open_now}
    for key, verdict in given.items():
        session.review_draft.setdefault(key, verdict)
    save(session, folder)
    unanswered = sum(item.id not in session.review_draft for item in items)
    said = counted(len(items), "open action item")
    if resumed:
        said = (
            f"{counted(unanswered, 'open action item')} left to review"
            if unanswered
            else f"{said}, each answered; the review is not saved yet"
        )
    console.print(f"Following up on {previous.id}: {said}.", highlight=False, markup=False)
    if prompter is not None and items:
        _ask_each(items, session, folder, prompter, console, given)
    link_sessions(earlier, session, folder)
    changed = _record_verdicts(earlier, items, session, folder, console)
    session.review_pending = None
    session.review_draft = {}
    save(session, folder)
    return Reviewed(len(items), changed)


@dataclass(frozen=True)
class Reviewed:
    """What a follow-up review did: how many open items it went through, and each change made
    in the earlier record as a line ('ac01 moved to Thu 2026-12-03 (was …): Sign the form')."""

    items: int
    changed: list[str]

    def summary(self) -> str:
        """'the review changed 2 of its 3 open action items; 1 stays open'."""
        if not self.items:
            return "the earlier session had no open action item to review"
        left = self.items - len(self.changed)
        items = counted(self.items, "open action item")
        said = f"the review changed {len(self.changed)} of its {items}"
        return said + (f"; {left} {'stays' if left == 1 else 'stay'} open" if left else "")


def _record_verdicts(
    earlier: Path, items: list[ActionItem], session: Session, folder: Path, console: Console
) -> list[str]:
    """Make the review's changes in the earlier record, one locked change per item, and rebuild
    its action plan after each; each change as a line, said on the console as it is made (a
    note on an open item changes nothing and is no line).

    Each item recorded leaves `session.review_pending` at once, so a run stopped half way never
    records a change twice."""
    from resetkit.history.actions import moved_words

    changed: list[str] = []
    edited_by_hand = False
    pending = session.review_pending or []
    for item in items:
        verdict = session.review_draft.get(item.id)
        if verdict is None or (verdict.kind == "open" and not verdict.note.strip()):
            continue
        kept = _settle_in_earlier(earlier, item, verdict, console)
        if verdict.kind != "open":  # a note on an item left open settles nothing
            words = moved_words(item.due, verdict.due) if verdict.kind == "moved" else verdict.kind
            what = " ".join(item.what.split())
            changed.append(f"{item.id} {words}: {what}")
            console.print(f"{changed[-1]}", highlight=False, markup=False)
        if "action-plan.md" in kept and not edited_by_hand:
            edited_by_hand = True
            console.print(
                f"[yellow]{escape_markup(str(earlier / 'action-plan.md'))} was edited by "
                "hand and is left as it is.[/]"
            )
        pending.remove(item.id)
        save(session, folder)
    return changed


def _settle_in_earlier(
    earlier: Path, item: ActionItem, verdict: Verdict, console: Console
) -> list[str]:
    """One verdict recorded in the earlier record, under its lock, and its notes, action plan
    and copy rewritten; the names of those edited by hand and left as they are."""
    from resetkit.dates import now
    from resetkit.history.actions import change_action
    from resetkit.record.notes import write_derived
    from resetkit.record.session import ActionEvent
    from resetkit.record.store import change, locked
    from resetkit.record.team import who

    event = ActionEvent(
        at=now(),
        kind="noted" if verdict.kind == "open" else verdict.kind,
        note=verdict.note,
        from_due=item.due,
        to_due=verdict.due,
        by=who(earlier),
    )

    def settle(record: Session) -> Session:
        change_action(record, item.id, event, new_due=verdict.due)
        return record

    with locked(earlier):
        previous = change(earlier, settle)
        try:
            return write_derived(previous, earlier)
        except StorageError as error:
            # The record holds the change; only the rebuilt plan is missing.
            console.print(
                f"[yellow]{escape_markup(item.id)} {verdict.kind}: saved in "
                f"{escape_markup(previous.id)}, but its action plan could not be "
                f"rewritten ({escape_markup(error.message.split(';')[0])}); run "
                f"'resetkit render {escape_markup(previous.id)}' once there is space.[/]"
            )
            return []


def finish_review(
    notes_dir: Path, session: Session, folder: Path, prompter: Prompter, console: Console
) -> None:
    """Finish a follow-up review that was interrupted (see review_follow_up), if there is one."""
    from resetkit.errors import UsageError
    from resetkit.record.folders import find_session

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
