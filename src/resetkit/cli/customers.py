"""Commands on customers: rename."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from typing import Annotated

import typer

from resetkit.cli.app import Commands, app
from resetkit.cli.complete import customer_names
from resetkit.cli.output import NotesDirOption, notes_dir_path
from resetkit.words import counted

customer_app = typer.Typer(
    cls=Commands,
    help="Customers across sessions: rename one.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(customer_app, name="customer")


@customer_app.command("rename")
def customer_rename(
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD", help="The name as the sessions hold it.", autocompletion=customer_names
        ),
    ],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The name to give them.")],
    merge: Annotated[
        bool,
        typer.Option("--merge", help="NEW is another customer already: make the two one customer."),
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Give every session held with OLD the name NEW; their notes are rebuilt."""
    from resetkit.history.customers import rename_customer

    renamed = rename_customer(notes_dir_path(notes_dir), old, new, merge=merge)
    name = " ".join(new.split())
    if renamed.sessions:
        sys.stderr.write(
            f"renamed {' and '.join(repr(was) for was in renamed.was)} to {name!r} in "
            f"{counted(len(renamed.sessions), 'session')}: {', '.join(renamed.sessions)}\n"
        )
    else:
        sys.stderr.write(
            f"nothing to rename: {counted(len(renamed.already), 'session')} already "
            f"{'holds' if len(renamed.already) == 1 else 'hold'} the name {name!r}\n"
        )
    for path in renamed.kept:
        sys.stderr.write(
            f"resetkit: {path} was edited by hand and is left as it is; "
            f"'resetkit render {path.parent.parent.name}/{path.parent.name} --force' rebuilds it\n"
        )
