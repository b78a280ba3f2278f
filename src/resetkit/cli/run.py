"""Commands that run a playbook: start and resume."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from resetkit.cli.app import app, fail
from resetkit.cli.complete import customer_names, playbook_ids, session_ids
from resetkit.cli.output import (
    NotesDirOption,
    PlainOption,
    confirm,
    has_terminal,
    make_console,
    notes_dir_path,
)
from resetkit.words import counted

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from resetkit.run.start import Finished


@app.command()
def start(
    playbook: Annotated[
        str,
        typer.Argument(
            help="A playbook id or a path to a .yaml file.", autocompletion=playbook_ids
        ),
    ],
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            "-c",
            help="The customer's name, as written.",
            autocompletion=customer_names,
        ),
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
            autocompletion=session_ids,
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
    allow_past: Annotated[
        bool,
        typer.Option(
            "--allow-past",
            help="Take due dates, and a next meeting, before today in the answers file (a "
            "script is refused them).",
        ),
    ] = False,
    new_customer: Annotated[
        bool,
        typer.Option(
            "--new-customer",
            help="The customer is new, even if the name is close to a known one's.",
        ),
    ] = False,
    brief: Annotated[
        bool,
        typer.Option(
            "--brief",
            help="Show the customer's brief (as 'resetkit brief' does) before the first section.",
        ),
    ] = False,
    plain: PlainOption = False,
) -> None:
    """Run a playbook live: ask its questions, save every answer, write the notes."""
    from resetkit.run.plain import wanted
    from resetkit.run.start import StartRequest
    from resetkit.run.start import start as start_run

    request = StartRequest(
        playbook=playbook,
        customer=customer,
        attendees=tuple(attendee or ()),
        answers=answers,
        follow_up=follow_up,
        no_input=no_input,
        other_customer=other_customer,
        new_customer=new_customer,
        allow_past=allow_past,
        notes_dir=notes_dir_path(notes_dir, starting=True),
        terminal=has_terminal(),
        brief=brief,
        plain=wanted(plain),
    )
    console = make_console()
    _print_finished(start_run(request, console), console, request.plain)


@app.command()
def resume(
    session_ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[SESSION]",
            autocompletion=session_ids,
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
    plain: PlainOption = False,
) -> None:
    """Continue an interrupted session at its first unanswered question."""
    from resetkit.run.plain import wanted
    from resetkit.run.start import ResumeRequest
    from resetkit.run.start import resume as resume_run

    notes = notes_dir_path(notes_dir)
    if session_ref is None:
        _tell_others_in_progress(notes)
    request = ResumeRequest(session_ref, take_over, notes, has_terminal(), wanted(plain))
    console = make_console()
    _print_finished(resume_run(request, console), console, request.plain)


def _tell_others_in_progress(notes: "Path") -> None:
    """Name the sessions in progress other than the latest, which `resume` alone picks."""
    from resetkit.places import session_id
    from resetkit.record.folders import sessions_in_progress

    others = [session_id(folder) for folder in sessions_in_progress(notes)[1:]]
    if others:
        sys.stderr.write(
            f"resetkit: resuming the latest; also in progress: {', '.join(others)} "
            "('resetkit resume ID' continues one, 'resetkit discard ID' ends it)\n"
        )


@app.command()
def discard(
    session_ref: Annotated[
        str,
        typer.Argument(
            metavar="SESSION",
            autocompletion=session_ids,
            help="The session in progress: its id (or a unique start of it) or folder.",
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Discard without asking (needed in scripts).")
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """End a session in progress without notes: its record is kept, marked discarded."""
    from resetkit.record.discard import discard as discard_session
    from resetkit.record.discard import session_to_discard

    folder, session = session_to_discard(notes_dir_path(notes_dir), session_ref)
    if not yes:
        if not has_terminal():
            fail(f"discarding {session.id} needs --yes when no one is at a terminal to confirm")
        when = f"{session.started_at:%Y-%m-%d %H:%M}"
        if not confirm(f"Discard {session.id} ({session.customer}, started {when})?"):
            sys.stderr.write("not discarded: nothing changed\n")
            return
    discarded = discard_session(folder)
    sys.stderr.write(
        f"{discarded.id} discarded: the record stays in {folder}, marked discarded "
        f"({counted(len(discarded.answers), 'answer')} kept)\n"
    )


def _print_finished(finished: "Finished", console: "Console", plain: bool = False) -> None:
    """What a run wrote: paths on stdout for a script; the notes and paths for a person."""
    from resetkit.record.notes import draft_name

    draft = draft_name(finished.session_id)
    command = f"resetkit share {finished.session_id} --eml {draft}"
    hint = f"send the customer copy: {command}"
    if finished.scripted:
        for path in finished.written:
            sys.stdout.write(f"{path}\n")
        if finished.follow_up_note:
            sys.stderr.write(finished.follow_up_note + "\n")
        sys.stderr.write(f"session {finished.session_id} complete\n")
        if finished.shares:
            sys.stderr.write(hint + "\n")
        return
    if not finished.written:
        console.print(
            f"Discarded. The record stays in {finished.folder}, marked discarded.", markup=False
        )
        return
    from resetkit.run.screen import draw_notes

    draw_notes(console, finished.written[0].read_text("utf-8").split("---\n", 2)[-1], plain)
    # soft_wrap: a long path is left for the terminal to wrap, never broken by a newline, so
    # that it can be copied whole (and a screen reader says it as one).
    for path in finished.written:
        console.print(f"wrote {path}", markup=False, highlight=False, soft_wrap=True)
    if finished.shares:
        # The command on a line of its own: it fits 80 columns whole, to be copied as it is.
        console.print("Send the customer copy as an email draft:", highlight=False)
        console.print(f"  {command}", markup=False, highlight=False, soft_wrap=True)
