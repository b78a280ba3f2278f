"""One way to start (or resume) a run: a request in, the session it wrote out.

`start` chooses between four paths: a playbook seen before draws its first screen at once and
builds its models while the first answer is typed (headstart.py); a scripted run takes every
answer from a file and asks nothing; a live run asks a person, after a follow-up review when
there is an earlier session. All of them open the run the same way (`open_run`). `resume`
carries on a session in progress, saying what a changed playbook or a damaged record cost.
Failures are ResetkitErrors; the CLI prints them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resetkit.errors import EXIT_INTERRUPTED, ResetkitError, UsageError
from resetkit.words import counted

if TYPE_CHECKING:
    from rich.console import Console

    from resetkit.format.model import Playbook
    from resetkit.record.lock import SessionLock
    from resetkit.run.answers import AnswerSheet
    from resetkit.run.headstart import FirstScreen
    from resetkit.run.live import Run
    from resetkit.run.prompts import Prompter, TerminalPrompter

CUSTOMER_NAME_NEEDED = (
    "a blank name is refused: type the customer's name; the notes and their folder carry it"
)


class Declined(ResetkitError):
    """The person said no when asked to go on; nothing was written."""

    exit_code = 0


class NotStarted(ResetkitError):
    """Ctrl-C before the session began: nothing was saved."""

    exit_code = EXIT_INTERRUPTED


@dataclass(frozen=True)
class StartRequest:
    """What `resetkit start` was asked for."""

    playbook: str  # an id or a path to a .yaml file
    customer: str | None = None
    attendees: tuple[str, ...] = ()  # "NAME", "NAME:ROLE" or "NAME <EMAIL>:ROLE"
    answers: str | None = None  # an answers file, or "-" for stdin
    follow_up: str | None = None  # the id of an earlier session
    no_input: bool = False  # ask nothing, even in a terminal
    other_customer: bool = False  # a follow-up of another customer's session is meant
    new_customer: bool = False  # a name close to a known customer's is a new one all the same
    allow_past: bool = False  # an answers file's due dates before today are meant
    notes_dir: Path | None = None
    terminal: bool = True  # a person is there to ask (stdin and stdout are a terminal)
    brief: bool = False  # draw the customer's brief (history/brief.py) before the first section
    plain: bool = False  # ask line by line, nothing redrawn (plain.py)


@dataclass(frozen=True)
class ResumeRequest:
    """What `resetkit resume` was asked for."""

    session: str | None = None  # an id or a folder; None for the latest in progress
    take_over: bool = False  # carry on a session open in another terminal without asking
    notes_dir: Path | None = None
    terminal: bool = True
    plain: bool = False  # ask line by line, nothing redrawn (plain.py)


@dataclass(frozen=True)
class Finished:
    """What a run left: its session, the files written (none when discarded), how it ran."""

    session_id: str
    folder: Path
    written: list[Path]
    scripted: bool
    follow_up_note: str = ""  # what a scripted follow-up review did, for stderr

    @property
    def shares(self) -> bool:
        """Whether the run wrote a customer copy (its playbook has a recap)."""
        return any(path.name == "shared.md" for path in self.written)


def start(request: StartRequest, console: Console) -> Finished:
    """Run the playbook as `request` says; the session it wrote."""
    from resetkit.attendees import split_attendee
    from resetkit.dates import now
    from resetkit.places import find_notes_dir, read_text, resolve, search_path

    started = now()
    if request.no_input and request.answers is None:
        raise UsageError(
            "--no-input needs --answers FILE: there is nowhere else for answers to come from"
        )
    people = [split_attendee(text) for text in request.attendees]
    path = resolve(request.playbook, search_path())
    text = read_text(path)
    source = PlaybookSource(path, text, playbook_text(path, text))
    notes = find_notes_dir(request.notes_dir).path
    if request.brief:
        _draw_brief(request, notes, console)
    try:
        if request.answers is None and request.follow_up is None and request.terminal:
            from resetkit.run.headstart import recall

            screen = recall(path, source.whole)
            if screen is not None:
                return _from_first_screen(screen, source, request, people, notes, started, console)
        return _validated_first(request, source, people, notes, started, console)
    except _ResumeInstead as chosen:
        return resume(ResumeRequest(chosen.session_id, False, notes, True, request.plain), console)


def _draw_brief(request: StartRequest, notes: Path, console: Console) -> None:
    """The customer's brief, before the first section; only for a person at a terminal."""
    if request.customer is None:
        raise UsageError(
            "--brief needs --customer: the brief is of one customer",
            hint='add --customer "Acme Corp"',
        )
    if not request.terminal or request.no_input:
        return  # a script reads the paths written on stdout, and nothing else
    from resetkit.history.brief import build_brief, choose_customer
    from resetkit.history.read import Filters, read_sessions
    from resetkit.run.screen import draw_brief, escape_markup

    stored, _ = read_sessions(notes, Filters(customer=request.customer.strip()))
    if not stored:
        console.print(f"No earlier session with {escape_markup(request.customer.strip())}.")
        return
    try:
        customer = choose_customer(stored, request.customer)
    except UsageError as error:  # several customers match: the meeting still starts
        console.print(f"No brief: {escape_markup(error.message)}.", highlight=False)
        return
    draw_brief(console, build_brief(stored, customer), request.plain)


def _validated_first(
    request: StartRequest,
    source: PlaybookSource,
    people: list[tuple[str, str]],
    notes: Path,
    started: datetime,
    console: Console,
) -> Finished:
    """`start` of a playbook validated before anything is drawn: scripted, or live."""
    from resetkit.format.loader import load_file
    from resetkit.record.folders import find_session
    from resetkit.run.answers import AnswerSheet, missing

    path, text = source.path, source.whole
    model = load_file(path, source.text)
    earlier = find_session(notes, request.follow_up) if request.follow_up else None
    sheet = AnswerSheet()
    customer = request.customer
    if request.answers is not None:
        sheet = _answer_sheet(request.answers, request.no_input, model, earlier, started)
        customer = customer or sheet.customer
        people = people or [(a.name, a.role) for a in sheet.attendees]
    if not customer and earlier is not None:
        from resetkit.record.store import load as load_session

        customer = load_session(earlier).customer  # a follow-up is with the same customer
    # In a terminal a person is there to review the answers before they are saved, even when
    # the file has them all; --no-input (or no terminal) asks nothing and reviews nothing.
    scripted_only = request.no_input or not request.terminal
    complete = customer and not missing(model, sheet.answers)
    if request.answers is not None and complete and scripted_only:
        assert customer is not None
        if earlier is not None and not request.other_customer:
            _follows_other_customer(earlier, customer, None)
        customer = _known_or_new(notes, customer, request, None)
        if not request.allow_past:
            _refuse_past_dues(model, sheet, started.date())
        folder = _reserve(notes, customer, started, model.id, None)
        return _scripted(model, path, text, customer, people, folder, started, sheet, earlier)
    _refuse_to_ask(request, model, sheet)
    start = _LiveStart(model, path, text, people, notes, started, earlier, sheet)
    return _live_start(request, start, customer, console)


def _answer_sheet(
    answers: str, complete: bool, model: Playbook, earlier: Path | None, started: datetime
) -> AnswerSheet:
    """The answers file read and checked, with the open items of the session followed up on
    (which its `review:` may settle)."""
    from resetkit.record.store import load as load_session
    from resetkit.run.answers import check_sheet, read_answers

    followed = None
    if earlier is not None:
        previous = load_session(earlier)
        followed = (previous.id, [i.id for i in previous.action_items() if i.status == "open"])
    return check_sheet(
        read_answers(answers), model, started.date(), complete=complete, follow_up=followed
    )


def _refuse_to_ask(request: StartRequest, model: Playbook, sheet: AnswerSheet) -> None:
    """UsageError when something is left to ask and no one may be asked (--no-input, or no
    terminal)."""
    from resetkit.run.answers import missing

    if request.no_input:
        raise UsageError("no customer: pass --customer NAME or put 'customer:' in the answers file")
    if request.terminal:
        return
    if request.answers is not None:
        left = ", ".join(q.id for q in missing(model, sheet.answers)) or "the customer"
        raise UsageError(
            f"answers missing for {left}, and there is no terminal to ask in: add them "
            "to the answers file, or pass --no-input to skip optional ones"
        )
    raise _no_terminal("resetkit start")


@dataclass(frozen=True)
class _LiveStart:
    """What a live start of a validated playbook goes on with."""

    model: Playbook
    path: Path
    text: str
    people: list[tuple[str, str]]
    notes: Path
    started: datetime
    earlier: Path | None
    sheet: AnswerSheet


def _live_start(
    request: StartRequest, start: _LiveStart, customer: str | None, console: Console
) -> Finished:
    """A person at the terminal: the customer asked if not given, the follow-up reviewed, the
    answers file's answers taken, then the run."""
    from resetkit.run.headstart import remember
    from resetkit.run.live import first_screen
    from resetkit.run.plain import person as prompter_for
    from resetkit.run.screen import draw_header

    model, earlier, sheet = start.model, start.earlier, start.sheet
    person = prompter_for(request.plain)
    customer = _customer_or_ask(customer, person)
    if earlier is not None and not request.other_customer:
        _follows_other_customer(earlier, customer, person)
    customer = _known_or_new(start.notes, customer, request, person)
    # A follow-up names what it follows: a new session is meant, even of the same day.
    asked = person if earlier is None else None
    # Answers taken from a file go into a new session: resuming would leave them out.
    may_resume = request.answers is None
    folder = _reserve(start.notes, customer, start.started, model.id, asked, may_resume)
    with lock_session(folder, person) as lock:
        run = open_run(
            model,
            start.path,
            start.text,
            customer,
            start.people,
            folder,
            start.started,
            person,
            console,
        )
        run.lock = lock
        draw_header(console, model.title, customer, run.session.id, person.plain)
        if (screen := first_screen(model)) is not None:
            # The next start of this playbook text draws it sooner.
            remember(start.path, start.text, screen)
        if earlier is not None:
            from resetkit.run.follow_up import review_follow_up

            review_follow_up(earlier, run.session, folder, person, console, sheet.review)
        if sheet.answers:
            taken = run.take_answers(sheet.answers)
            given = "standard input" if request.answers == "-" else request.answers
            console.print(
                f"{counted(taken, 'answer')} taken from {given}; "
                "the review at the end shows them all.",
                markup=False,
                highlight=False,
            )
        return _live(run)


def open_run(
    model: Playbook,
    path: Path,
    text: str,
    customer: str,
    people: list[tuple[str, str]],
    folder: Path,
    started: datetime,
    prompter: Prompter,
    console: Console,
) -> Run:
    """The record and the run of a session whose folder is reserved: the one way every path
    (first screen, scripted, live) opens a run."""
    from resetkit.record.session import Attendee
    from resetkit.record.store import open_record
    from resetkit.run.live import Run

    attendees = [Attendee(name=name, role=role) for name, role in people]
    session = open_record(model, path, text, customer, attendees, folder, started)
    return Run(model, session, folder, prompter, console)


def _scripted(
    model: Playbook,
    path: Path,
    text: str,
    customer: str,
    people: list[tuple[str, str]],
    folder: Path,
    started: datetime,
    sheet: Any,
    earlier: Path | None,
) -> Finished:
    """A run with every answer known: no prompt, no review."""
    from resetkit.run.prompts import ScriptedPrompter
    from resetkit.run.screen import quiet_console

    quiet = quiet_console()
    prompter = ScriptedPrompter(sheet.answers)
    note = ""
    with lock_session(folder, None) as lock:
        run = open_run(model, path, text, customer, people, folder, started, prompter, quiet)
        run.lock = lock
        run.session.scripted = True
        if earlier is not None:
            from resetkit.run.follow_up import review_follow_up

            reviewed = review_follow_up(earlier, run.session, folder, None, quiet, sheet.review)
            note = "\n".join(
                [f"linked to {run.session.follows}; {reviewed.summary()}", *reviewed.changed]
            )
        run.walk()
        written = run.finish("save")
    return Finished(run.session.id, folder, written, scripted=True, follow_up_note=note)


def _from_first_screen(
    screen: FirstScreen,
    source: PlaybookSource,
    request: StartRequest,
    people: list[tuple[str, str]],
    notes: Path,
    started: datetime,
    console: Console,
) -> Finished:
    """`start` of a playbook seen before: its first screen shows while the models build."""
    from resetkit.places import session_id
    from resetkit.run.headstart import Background, ask_first
    from resetkit.run.plain import person as prompter_for
    from resetkit.run.screen import draw_header

    path, text = source.path, source.whole
    person = prompter_for(request.plain)
    customer = _known_or_new(notes, _customer_or_ask(request.customer, person), request, person)
    folder = _reserve(notes, customer, started, screen.playbook_id, person)
    with lock_session(folder, person) as lock:
        draw_header(console, screen.title, customer, session_id(folder), person.plain)

        def build() -> Run:
            from resetkit.format.loader import load_file

            model = load_file(path, source.text)
            return open_run(model, path, text, customer, people, folder, started, person, console)

        background = Background(build)
        try:
            entered, answered, draft = ask_first(
                screen, person, console, started.date(), background
            )
        except BaseException:
            # Exiting while the thread still imports can abort the interpreter at shutdown.
            background.wait()
            raise
        run = background.result()
        run.lock = lock
        first = str(screen.question["id"])
        run.take_over(screen.section_id, entered, answered, (first, draft) if draft else None)
        return _live(run)


def _live(run: Run) -> Finished:
    """Walk, review, finish: the session as the person left it."""
    run.walk()
    written = run.finish(run.review())
    return Finished(run.session.id, run.folder, written, scripted=False)


def resume(request: ResumeRequest, console: Console) -> Finished:
    """Carry on a session in progress at its first unanswered question.

    A changed playbook keeps the answers that still fit and names each one it drops; a
    damaged record is read for what it still holds (see session.salvage).
    """
    from resetkit.places import find_notes_dir, read_text
    from resetkit.record.folders import find_in_progress
    from resetkit.record.session import playbook_hash
    from resetkit.record.session_salvage import salvage
    from resetkit.record.which_playbook import playbook_of
    from resetkit.run.follow_up import finish_review
    from resetkit.run.live import Run, fit_answers
    from resetkit.run.plain import person as prompter_for
    from resetkit.run.screen import escape_markup as escape

    notes = find_notes_dir(request.notes_dir).path
    folder = find_in_progress(notes, request.session)
    first_look, told = salvage(folder)  # to refuse before asking anything
    for notice in told:
        sys.stderr.write(f"resetkit: {notice}\n")
    _resumable(first_look)
    if not request.terminal:
        raise _no_terminal("resetkit resume")
    person = prompter_for(request.plain)
    with lock_session(folder, person, take_over=request.take_over) as lock:
        # Read again under the lock: the terminal it was taken from may have saved since.
        session, damage = salvage(folder)
        for notice in damage:
            if notice not in told:
                sys.stderr.write(f"resetkit: {notice}\n")
        _resumable(session)
        found = playbook_of(session, folder)
        model, path = found.playbook, found.path
        whole = playbook_text(path, read_text(path))
        changed = playbook_hash(whole) != session.playbook_hash
        if changed:
            console.print(
                f"[yellow]The playbook '{escape(model.id)}' changed since this session "
                "started; carrying on with the answers that still fit.[/]"
            )
        if changed or damage:
            for notice in fit_answers(model, session.answers, session.started_at.date()):
                console.print(f"[yellow]{escape(notice)}[/]", highlight=False)
            session.playbook_hash = playbook_hash(whole)
            session.playbook_version = model.version
        # Everything typed counts: answers, items of a list not yet finished, review answers.
        kept = len(session.answers) + len(session.drafts) + len(session.review_draft)
        console.print(
            f"Resuming [bold]{escape(model.title)}[/] with {escape(session.customer)}, "
            f"session {escape(session.id)}: {counted(kept, 'answer')} kept.",
            highlight=False,
        )
        finish_review(notes, session, folder, person, console)
        run = Run(model, session, folder, person, console)
        run.lock = lock
        return _live(run)


@dataclass(frozen=True)
class PlaybookSource:
    """A playbook file as a run reads it: its text, and `whole`, what the session's
    playbook_hash and the kept first screen stand for (playbook_text)."""

    path: Path
    text: str
    whole: str


def playbook_text(path: Path, text: str) -> str:
    """The playbook file's text, followed by that of every file it includes or extends: a
    change to any of them is a change to the playbook. A plain playbook is read no further,
    and before the first screen nothing but this test is loaded for it."""
    from resetkit.format.compose import may_compose

    if not may_compose(text):
        return text
    from resetkit.format.loader import playbook_text as whole_text

    return whole_text(path, text)


def _resumable(session: Any) -> None:
    """Refuse a session that is not in progress."""
    from resetkit.record.folders import NotInProgress

    if session.status != "in_progress":
        raise NotInProgress({session.id: session.status}, session.id)


def _no_terminal(command: str) -> UsageError:
    return UsageError(
        f"'{command}' asks questions and needs a terminal; stdin or stdout is not one "
        "(run it in a terminal)"
    )


def lock_session(
    folder: Path, person: TerminalPrompter | None, *, take_over: bool = False
) -> SessionLock:
    """The session's lock, held by this run; a lock held elsewhere is taken only knowingly:
    asked of `person`, or refused when there is nobody to ask."""
    from resetkit.record.lock import SessionLock, SessionLocked

    lock = SessionLock(folder)
    try:
        lock.acquire(take_over=take_over)
    except SessionLocked as error:
        if person is None:
            raise
        sys.stderr.write(f"resetkit: {error.message}\n")
        if not _confirm(
            person, "Take it over here? Answers typed there from now on are not saved."
        ):
            raise Declined("not resumed: nothing changed") from None
        lock.acquire(take_over=True)
    return lock


class _ResumeInstead(Exception):
    """The person chose to carry on the session of the day in progress rather than start."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id


def _reserve(
    notes: Path,
    customer: str,
    started: datetime,
    playbook_id: str,
    person: TerminalPrompter | None,
    may_resume: bool = True,
) -> Path:
    """The new session's folder. Sessions of this customer and playbook begun the same day
    are asked about (`person`: resume the one in progress, or start another) or, without a
    person, said in one line naming the new one."""
    from resetkit.places import customer_slug, folder_name, reserve_folder, session_id
    from resetkit.record.folders import same_day_sessions

    same = same_day_sessions(notes, customer, started.date(), playbook_id)
    if same and person is not None:
        resumable = [found for found, status in same if status == "in_progress" and may_resume]
        first = notes / customer_slug(customer.strip()) / folder_name(started.date(), playbook_id)
        _ask_same_day(same, resumable, first, person)
    folder = reserve_folder(notes, customer, started.date(), playbook_id)
    if same and person is None:
        nth = {2: "a second", 3: "a third"}.get(len(same) + 1, "another")
        sys.stderr.write(
            f"resetkit: {_already(same)}; this is {nth} session: {session_id(folder)}\n"
        )
    return folder


def _already(same: list[tuple[str, Any]]) -> str:
    """'acme-corp/2026-11-24-reset (complete) exists already'."""
    said = [f"{found} ({str(status or 'unreadable').replace('_', ' ')})" for found, status in same]
    return ", ".join(said) + (" exists" if len(said) == 1 else " exist") + " already"


def _ask_same_day(
    same: list[tuple[str, Any]], resumable: list[str], first: Path, person: TerminalPrompter
) -> None:
    """Resume one in progress (_ResumeInstead), start a new one (return), or neither; `first`
    is the folder of the first session of the day, which the new one's name is made from."""
    from resetkit.run.terminal import Interrupted

    names = (first.name if n == 1 else f"{first.name}-{n}" for n in range(1, 10_000))
    free = next((name for name in names if not (first.parent / name).exists()), "")
    options = [(found, f"resume {found}") for found in resumable]
    options += [("new", f"start a new one ({free})"), ("no", "neither: write nothing")]
    try:
        picked = person.pick(f"{_already(same)}.", options)
    except Interrupted:
        raise NotStarted("interrupted before the session started; nothing was saved") from None
    if picked == "no":
        raise Declined("not started: nothing was written")
    if picked != "new":
        raise _ResumeInstead(picked)


def _confirm(person: TerminalPrompter, question: str) -> bool:
    from resetkit.run.terminal import Interrupted

    try:
        return person.confirm(question)
    except Interrupted:
        raise NotStarted("interrupted: nothing changed") from None


def _follows_other_customer(earlier: Path, customer: str, person: TerminalPrompter | None) -> None:
    """A follow-up of another customer's session: asked of `person`, refused without one."""
    from resetkit.run.follow_up import OtherCustomer, refuse_other_customer

    try:
        refuse_other_customer(earlier, customer)
    except OtherCustomer as error:
        if person is None:
            raise
        if not _confirm(person, f"{error.message}. Follow it up anyway?"):
            raise Declined("not started: nothing was written") from None


def _refuse_past_dues(model: Playbook, sheet: Any, today: date) -> None:
    """DateInThePast for an open action item, a review's move, or the next meeting, dated
    before `today` in an answers file run by a script: as `actions move` refuses one without
    --allow-past."""
    from resetkit.dates import refuse_past_due
    from resetkit.question_types.item_entries import action_item_entries

    follow_up = model.follow_up_question
    if follow_up is not None and sheet.answers.get(follow_up.id):
        day = date.fromisoformat(str(sheet.answers[follow_up.id]))
        refuse_past_due(day, today, f"the date of the next meeting ({follow_up.id}), ")

    for item in action_item_entries(sheet.answers):
        if item.get("status", "open") == "open" and item.get("due"):
            what = " ".join(str(item.get("what", "")).split())
            refuse_past_due(date.fromisoformat(item["due"]), today, f"the due date of {what!r}, ")
    for item_id, verdict in sheet.review.items():
        if verdict.due is not None:
            refuse_past_due(verdict.due, today, f"the review's new due date of {item_id}, ")


def _known_or_new(
    notes: Path, customer: str, request: StartRequest, person: TerminalPrompter | None
) -> str:
    """The customer's name, or the known one it is close to when the person says so; a close
    name is refused without a person to ask, unless --new-customer says it is new."""
    from resetkit.history.customers import NearCustomer, as_known, near_customer
    from resetkit.run.terminal import Interrupted

    known = None if request.new_customer else near_customer(notes, customer)
    if known is None:
        return as_known(notes, customer)
    if person is None:
        raise NearCustomer(customer.strip(), known)
    choices = [("known", f"{known} (the known customer)"), ("new", f"{customer.strip()} (new)")]
    try:
        picked = person.pick(f"{customer.strip()} — did you mean {known}?", choices)
    except Interrupted:
        raise NotStarted("interrupted before the session started; nothing was saved") from None
    return known if picked == "known" else customer


def _customer_or_ask(customer: str | None, person: TerminalPrompter) -> str:
    """The customer's name as given, else as typed at a prompt."""
    if customer is not None and customer.strip():
        return customer
    from resetkit.run.terminal import Interrupted

    try:
        return person.line("Customer name?", CUSTOMER_NAME_NEEDED)
    except Interrupted:
        raise NotStarted("interrupted before the session started; nothing was saved") from None
