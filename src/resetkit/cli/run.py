"""Commands that run a playbook: start and resume."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from resetkit.record.lock import SessionLock
    from resetkit.run.headstart import FirstScreen
    from resetkit.run.live import Run
from resetkit.cli.app import app, fail
from resetkit.cli.output import NotesDirOption, confirm, has_terminal, make_console, need_terminal


def _run_live(run: Any, console: "Console") -> None:
    """Walk, review, finish; print the notes and where they are."""
    run.walk()
    paths = run.finish(run.review())
    if not paths:
        console.print(
            f"Discarded. The record stays in {run.folder}, marked discarded.", markup=False
        )
        return
    from rich.markdown import Markdown
    from rich.rule import Rule

    console.print(Rule("Notes"))
    notes = paths[0].read_text("utf-8").split("---\n", 2)[-1]
    console.print(Markdown(notes))
    console.print(Rule())
    for path in paths:
        console.print(f"wrote {path}", markup=False, highlight=False)
    if any(path.name == "shared.md" for path in paths):
        console.print(
            f"send the customer copy: resetkit share {run.session.id} --eml recap.eml",
            markup=False,
            highlight=False,
        )


def _run_scripted(
    model: Any,
    path: Path,
    text: str,
    customer: str,
    attendees: list[Any],
    notes_dir: Path,
    started: Any,
    sheet: Any,
    earlier: Path | None,
) -> None:
    """A run with every answer known: no prompt, no review; the files written go to stdout."""
    from resetkit.record.session import begin
    from resetkit.run.follow_up import review_follow_up
    from resetkit.run.live import Run
    from resetkit.run.prompts import ScriptedPrompter

    session, folder = begin(model, path, text, customer, attendees, notes_dir, started)
    quiet = make_console(stderr=True)
    quiet.quiet = True
    with lock_session(folder) as lock:
        if earlier is not None:
            changed = review_follow_up(earlier, session, folder, None, quiet, sheet.review)
            sys.stderr.write(
                f"linked to {session.follows}; the review settled {changed} of its open action "
                "item(s), the others stay open\n"
            )
        run = Run(model, session, folder, ScriptedPrompter(sheet.answers), quiet)
        run.lock = lock
        run.walk()
        written = run.finish("save")
        for path in written:
            sys.stdout.write(f"{path}\n")
    sys.stderr.write(f"session {session.id} complete\n")
    if any(path.name == "shared.md" for path in written):
        sys.stderr.write(f"send the customer copy: resetkit share {session.id} --eml recap.eml\n")


@app.command()
def start(
    playbook: Annotated[str, typer.Argument(help="A playbook id or a path to a .yaml file.")],
    customer: Annotated[
        str | None, typer.Option("--customer", "-c", help="The customer's name, as written.")
    ] = None,
    attendee: Annotated[
        list[str] | None,
        typer.Option(
            "--attendee",
            "-a",
            help='Someone on the call: "NAME", "NAME:ROLE" or "NAME <EMAIL>:ROLE" '
            "(an email address makes them a recipient of 'share --eml'). Repeat for each.",
        ),
    ] = None,
    notes_dir: NotesDirOption = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="Answers from a YAML or JSON file ('-' reads stdin); "
            "see 'resetkit answers-template'.",
        ),
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up",
            metavar="SESSION",
            help="Follow up on an earlier session: "
            "review its open action items first, and link the two.",
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option(
            "--no-input",
            help="Ask nothing: skip optional questions the answers "
            "file leaves out, fail on missing required ones.",
        ),
    ] = False,
    other_customer: Annotated[
        bool,
        typer.Option(
            "--other-customer",
            help="Allow --follow-up of a session held with another customer without asking.",
        ),
    ] = False,
) -> None:
    """Run a playbook live: ask its questions, save every answer, write the notes."""
    from datetime import datetime

    from resetkit.attendees import split_attendee
    from resetkit.places import find_notes_dir, read_text, resolve, search_path

    started = datetime.now().astimezone()
    if no_input and answers is None:
        fail("--no-input needs --answers FILE: there is nowhere else for answers to come from")
    people = [split_attendee(text) for text in attendee or []]
    path = resolve(playbook, search_path())
    text = read_text(path)
    notes = find_notes_dir(notes_dir)
    if answers is None and follow_up is None and has_terminal():
        from resetkit.run.headstart import recall

        screen = recall(path, text)
        if screen is not None:
            _start_from_first_screen(screen, path, text, customer, people, notes.path, started)
            return

    from resetkit.format.loader import load_file
    from resetkit.record.session import Attendee, begin, find_session
    from resetkit.record.session import load as load_session
    from resetkit.run.answers import AnswerSheet, check_sheet, missing, read_answers
    from resetkit.run.follow_up import review_follow_up
    from resetkit.run.headstart import remember
    from resetkit.run.live import Run, first_screen
    from resetkit.run.prompts import TerminalPrompter

    model = load_file(path, text)
    attendees = [Attendee(name=name, role=role) for name, role in people]
    earlier = find_session(notes.path, follow_up) if follow_up else None
    sheet = AnswerSheet()
    if answers is not None:
        followed = None
        if earlier is not None:
            previous = load_session(earlier)
            followed = (previous.id, [i.id for i in previous.action_items() if i.status == "open"])
        sheet = check_sheet(
            read_answers(answers), model, started.date(), complete=no_input, follow_up=followed
        )
        customer = customer or sheet.customer
        attendees = attendees or sheet.attendees
    # In a terminal a person is there to review the answers before they are saved, even when
    # the file has them all; --no-input (or no terminal) asks nothing and reviews nothing.
    scripted_only = no_input or not has_terminal()
    if answers is not None and customer and not missing(model, sheet.answers) and scripted_only:
        if earlier is not None and not other_customer:
            _follows_other_customer(earlier, customer, can_ask=False)
        scripted = (model, path, text, customer, attendees, notes.path, started)
        _run_scripted(*scripted, sheet, earlier)
        return
    if no_input:
        fail("no customer: pass --customer NAME or put 'customer:' in the answers file")
    if not has_terminal():
        if answers is not None:
            left = ", ".join(q.id for q in missing(model, sheet.answers)) or "the customer"
            fail(
                f"answers missing for {left}, and there is no terminal to ask in: add them "
                "to the answers file, or pass --no-input to skip optional ones"
            )
        need_terminal("resetkit start")
    person = TerminalPrompter()
    console = make_console()
    customer = _customer_or_ask(customer, person)
    if earlier is not None and not other_customer:
        _follows_other_customer(earlier, customer, can_ask=True)
    session, folder = begin(model, path, text, customer, attendees, notes.path, started)
    with lock_session(folder) as lock:
        _print_header(console, model.title, customer, session.id)
        if (screen := first_screen(model)) is not None:
            remember(path, text, screen)  # the next start of this playbook text draws it sooner
        if earlier is not None:
            review_follow_up(earlier, session, folder, person, console, sheet.review)
        run = Run(model, session, folder, person, console)
        run.lock = lock
        if sheet.answers:
            taken = run.take_answers(sheet.answers)
            source = "standard input" if answers == "-" else answers
            console.print(
                f"{taken} answer(s) taken from {source}; the review at the end shows them all.",
                markup=False,
                highlight=False,
            )
        _run_live(run, console)


def _follows_other_customer(earlier: Path, customer: str, *, can_ask: bool) -> None:
    """A follow-up of another customer's session: asked in a terminal, refused in a script."""
    from resetkit.run.follow_up import OtherCustomer, refuse_other_customer

    try:
        refuse_other_customer(earlier, customer)
    except OtherCustomer as error:
        if not can_ask:
            raise
        if not confirm(f"{error.message}. Follow it up anyway?"):
            fail("not started: nothing was written", 0)


def _customer_or_ask(customer: str | None, person: Any) -> str:
    """The customer's name as given, else as typed at a prompt."""
    if customer is not None and customer.strip():
        return customer
    from resetkit.run.terminal import Interrupted

    try:
        typed = person.line("Customer name?", CUSTOMER_NAME_NEEDED)
    except (KeyboardInterrupt, EOFError, Interrupted):
        fail("interrupted before the session started; nothing was saved", 130)
    return str(typed)


CUSTOMER_NAME_NEEDED = (
    "a blank name is refused: type the customer's name; the notes and their folder carry it"
)


def _print_header(console: "Console", title: str, customer: str, session_id: str) -> None:
    from rich.markup import escape

    console.print(
        f"[bold]{escape(title)}[/] with {escape(customer.strip())} · session {session_id}",
        highlight=False,
    )


def _start_from_first_screen(
    screen: "FirstScreen",
    path: Path,
    text: str,
    customer: str | None,
    people: list[tuple[str, str]],
    notes_dir: Path,
    started: "datetime",
) -> None:
    """`start` for a playbook seen before: its first screen shows while the models build."""
    from resetkit.places import reserve_folder, session_id
    from resetkit.run.headstart import Background, ask_first
    from resetkit.run.prompts import TerminalPrompter

    person = TerminalPrompter()
    console = make_console()
    customer = _customer_or_ask(customer, person)
    folder = reserve_folder(notes_dir, customer, started.date(), screen.playbook_id)
    with lock_session(folder) as lock:
        _print_header(console, screen.title, customer, session_id(folder))

        def build() -> "Run":
            from resetkit.run.live import open_run

            return open_run(path, text, customer, people, folder, started, person, console)

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
        _run_live(run, console)


@app.command()
def resume(
    session_ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[SESSION]",
            help="Session id (customer/date-playbook) or folder; default: the latest in progress.",
        ),
    ] = None,
    take_over: Annotated[
        bool,
        typer.Option(
            "--take-over",
            help="Carry on a session open in another terminal without asking; "
            "that terminal saves nothing more.",
        ),
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Continue an interrupted session at its first unanswered question."""
    from rich.markup import escape

    from resetkit.places import find_notes_dir, read_text
    from resetkit.record.session import find_session, playbook_hash, playbook_of, salvage
    from resetkit.run.follow_up import finish_review
    from resetkit.run.live import Run, fit_answers
    from resetkit.run.prompts import TerminalPrompter

    folder = find_session(find_notes_dir(notes_dir).path, session_ref)
    first_look, told = salvage(folder)  # to refuse before asking anything
    for notice in told:
        sys.stderr.write(f"resetkit: {notice}\n")
    _resumable(first_look)
    need_terminal("resetkit resume")
    with lock_session(folder, take_over) as lock:
        # Read again under the lock: the terminal it was taken from may have saved since.
        session, damage = salvage(folder)
        for notice in damage:
            if notice not in told:
                sys.stderr.write(f"resetkit: {notice}\n")
        _resumable(session)
        model, path = playbook_of(session)
        console = make_console()
        changed = playbook_hash(read_text(path)) != session.playbook_hash
        if changed:
            console.print(
                f"[yellow]The playbook '{model.id}' changed since this session started; "
                "carrying on with the answers that still fit.[/]"
            )
        if changed or damage:
            for notice in fit_answers(model, session.answers, session.started_at.date()):
                console.print(f"[yellow]{escape(notice)}[/]", highlight=False)
            session.playbook_hash = playbook_hash(read_text(path))
            session.playbook_version = model.version
        console.print(
            f"Resuming [bold]{escape(model.title)}[/] with {escape(session.customer)}: "
            f"{len(session.answers)} answer(s) kept.",
            highlight=False,
        )
        person = TerminalPrompter()
        finish_review(find_notes_dir(notes_dir).path, session, folder, person, console)
        run = Run(model, session, folder, person, console)
        run.lock = lock
        _run_live(run, console)


def _resumable(session: Any) -> None:
    """Refuse a session that is not in progress."""
    if session.status != "in_progress":
        fail(
            f"session {session.id} is {session.status.replace('_', ' ')}; only a session in "
            "progress can be resumed"
        )


def lock_session(folder: Path, take_over: bool = False) -> "SessionLock":
    """The session's lock, held by this run; a lock held elsewhere is taken only knowingly."""
    from resetkit.record.lock import SessionLock, SessionLocked

    lock = SessionLock(folder)
    try:
        lock.acquire(take_over=take_over)
    except SessionLocked as error:
        if not has_terminal():
            raise
        sys.stderr.write(f"resetkit: {error.message}\n")
        if not confirm("Take it over here? Answers typed there from now on are not saved."):
            fail("not resumed: nothing changed", 0)
        lock.acquire(take_over=True)
    return lock
