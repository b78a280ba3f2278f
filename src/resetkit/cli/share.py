"""The customer copy of a session: shown, or written as an email draft."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from resetkit.cli.app import app, fail
from resetkit.cli.complete import session_ids
from resetkit.cli.output import NotesDirOption, emit, make_console, notes_dir_path


class ShareFormat(StrEnum):
    auto = "auto"
    md = "md"
    text = "text"


@app.command()
def share(
    session_ref: Annotated[
        str,
        typer.Argument(
            metavar="SESSION",
            help="Session id (customer/date-playbook) or folder.",
            autocompletion=session_ids,
        ),
    ],
    eml: Annotated[
        Path | None,
        typer.Option(
            "--eml",
            metavar="FILE",
            help="Write it as an email draft to FILE, or into the folder FILE as "
            "CUSTOMER-DATE-PLAYBOOK.eml (never overwrites).",
        ),
    ] = None,
    sender: Annotated[
        str | None,
        typer.Option("--from", metavar="ADDRESS", help="The draft's sender: 'Name <address>'."),
    ] = None,
    output: Annotated[
        ShareFormat,
        typer.Option(
            "--format",
            help="auto (rich in a terminal, Markdown when piped), md, or text (as typed).",
        ),
    ] = ShareFormat.auto,
    notes_dir: NotesDirOption = None,
) -> None:
    """Show the customer copy of a complete session, or write it as an email draft."""
    from resetkit.record.folders import open_session
    from resetkit.record.notes import customer_copy
    from resetkit.record.which_playbook import playbook_of

    folder, session = open_session(notes_dir_path(notes_dir), session_ref, "complete")
    found = playbook_of(session, folder)
    if found.notice:
        sys.stderr.write(f"resetkit: {found.notice}\n")
    model = found.playbook
    if model.recap is None:
        from resetkit.words import plural_of

        title = model.title[:1].lower() + model.title[1:]
        sys.stderr.write(f"{plural_of(title)} are internal: nothing to send ({session.id})\n")
        return
    markdown, edited = customer_copy(session, model, folder)
    if edited:
        sys.stderr.write(f"resetkit: using {folder / 'shared.md'} as you edited it\n")
    if eml is not None:
        from resetkit.record.notes import draft_path
        from resetkit.record.recap import recap_email, recipients
        from resetkit.storage import write_bytes_atomic

        if output is not ShareFormat.auto:
            fail("--format goes without --eml: the draft holds both Markdown and HTML")
        path = draft_path(session, eml)
        write_bytes_atomic(path, recap_email(session, model, markdown=markdown, sender=sender))
        sys.stderr.write(f"wrote {path}\n")
        if not recipients(session.attendees):
            sys.stderr.write(
                "the draft has no recipient: no attendee was given with an email address; "
                "add one in your mail client before sending\n"
            )
        return
    if sender is not None:
        fail("--from goes with --eml: it is the sender of the email draft")
    if output is ShareFormat.text and not edited:
        from resetkit.record.recap import recap_markdown

        markdown = recap_markdown(session, model, plain=True)
    if output is not ShareFormat.auto or not sys.stdout.isatty():
        emit(markdown, None)
        return
    from rich.markdown import Markdown

    make_console().print(Markdown(markdown))
