"""Commands on action items: the open ones, done, move."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from resetkit.cli.app import Commands, app, fail
from resetkit.cli.complete import action_ids
from resetkit.cli.output import (
    CustomerFilter,
    NotesDirOption,
    OnlyOption,
    OwnerFilter,
    confirm,
    filters_from,
    has_terminal,
    history_of,
    narrowed_by,
    notes_dir_path,
    one_line,
    owner_from,
    reads_history,
    write_json,
)
from resetkit.cli.tables import Column, TableFormat, daily_table
from resetkit.words import counted

ID_HELP = "The action item's id, or enough of its start to be unique (ab12 for ab12cd34)."

actions_app = typer.Typer(
    cls=Commands,
    help="Open action items across sessions; mark them done, move, drop or reopen them.",
    rich_markup_mode=None,
    invoke_without_command=True,
    no_args_is_help=False,
)


app.add_typer(actions_app, name="actions")


@actions_app.callback()
@reads_history
def actions_list(
    ctx: typer.Context,
    owner: OwnerFilter = None,
    only: OnlyOption = False,
    customer: CustomerFilter = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    flagged: Annotated[
        bool,
        typer.Option("--flagged", help="Only items changed by two people at once, open or closed."),
    ] = False,
    due_within: Annotated[
        str | None, typer.Option("--due-within", help="Only those due within a span, like 7d.")
    ] = None,
    output: Annotated[
        TableFormat | None,
        typer.Option(
            "--format", help="table (also when piped) or json; piped with none, tab-separated."
        ),
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """List open action items across sessions, overdue first (or, --flagged, those changed by
    two people at once)."""
    if ctx.invoked_subcommand is not None:
        return
    from resetkit.history.actions import action_json, list_open_actions
    from resetkit.history.read import parse_span

    span = parse_span(due_within, "--due-within") if due_within is not None else None
    filters = filters_from(customer)
    whose = owner_from(owner, only)
    with history_of(notes_dir, filters, whose) as history:
        found = list_open_actions(
            history, filters, owner=whose, overdue=overdue, due_within=span, flagged=flagged
        )
    if output is TableFormat.json:
        write_json([action_json(item) for item in found])
        return
    narrowed = narrowed_by(
        customer,
        owner,
        ("overdue", overdue),
        (f"due within {due_within}", span is not None),
        ("flagged", flagged),
    )
    if not found and narrowed:
        # Said, never a bare header: a filter that leaves nothing is not "nothing to do".
        sys.stderr.write(f"no action item is {narrowed}\n")
        return
    _actions_table(found, output, span, narrowed, ahead=not overdue)


def _actions_table(
    found: list[Any], output: Any, span: Any = None, narrowed: str = "", ahead: bool = True
) -> None:
    from resetkit.dates import today
    from resetkit.history.actions import (
        counts_line,
        marks,
        marks_legend,
        owner_cell,
        owner_cells,
        status_words,
        when_due,
    )

    day = today()
    rows, piped = [], []
    owners = owner_cells([item.action for item in found])
    for item, owner in zip(found, owners, strict=True):
        action = item.action
        what = " ".join(str(action.get("what", "")).split())
        status = str(action.get("status", "open"))
        if status != "open":
            what += f" ({status_words(status)})"
        cells = [str(action.get("id", "")), marks(item), when_due(item, day)]
        customer = " ".join(item.stored.customer.split())
        rows.append([*cells, f"{customer}: {what}", owner])
        due = str(action.get("due") or "-")
        if item.overdue_days:
            due += f" ({item.overdue_days}d late)"
        piped.append([*cells[:2], due, customer, what, owner_cell(action)])
    footer = [counts_line(found, day, span, narrowed, ahead)]
    if any(row[1] for row in rows):
        footer.append(marks_legend(row[1] for row in rows))
    columns = [
        Column("ID", whole=True),
        Column("", whole=True),
        Column("DUE", whole=True),
        Column("CUSTOMER: ACTION", grows=True),
        Column("OWNER", most=16),
    ]
    names = ["ID", "MARK", "DUE", "CUSTOMER", "ACTION", "OWNER"]
    daily_table(columns, rows, chosen=output, footer=footer, piped=(names, piped))


def _change_action(notes_dir: Path | None, action_id: str, event: Any, new_due: Any) -> None:
    from resetkit.history.actions import settle_action

    changed = settle_action(notes_dir_path(notes_dir), action_id, event, new_due)
    what = one_line(changed.item.what)
    if changed.repeated:
        sys.stderr.write(
            f"{changed.item.id} already moved to {_day(new_due)}: {what}; nothing new\n"
        )
    elif event.kind == "moved":
        sys.stderr.write(f"{changed.item.id} {_moved(changed.item.due, new_due)}: {what}\n")
    else:
        late = _days_late(changed.item)
        due = f", due {_day(changed.item.due)}" if event.kind == "reopened" else ""
        due += f", {counted(late, 'day')} late" if late else ""
        why = f" ({one_line(event.note)})" if event.note.strip() else ""
        sys.stderr.write(
            f"{changed.item.id} {event.kind} on {_day(event.at.date())}{due}: {what}{why}\n"
        )
        if late and event.kind == "reopened":
            sys.stderr.write(
                f"resetkit: give it a new due date: 'resetkit actions move {changed.item.id} "
                "--due DATE --reason WHY'\n"
            )
    _tell_plan(changed)


def _days_late(item: Any) -> int:
    from resetkit.dates import today
    from resetkit.history.actions import days_late

    return days_late(item.due, today())


def _day(day: Any) -> str:
    from resetkit.history.actions import said_day

    return said_day(day)


def _moved(before: Any, after: Any) -> str:
    from resetkit.history.actions import moved_words

    return moved_words(before, after)


def _tell_plan(changed: Any) -> None:
    for name in changed.kept:
        sys.stderr.write(
            f"resetkit: {changed.folder / name} was edited by hand and is left as "
            f"it is; 'resetkit render {changed.session_id} --force' rebuilds it\n"
        )


@actions_app.command("done")
def actions_done(
    action_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=ID_HELP,
            autocompletion=action_ids,
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="What came of it.")] = "",
    notes_dir: NotesDirOption = None,
) -> None:
    """Mark an action item done; its session's notes, plan and copy are rebuilt."""
    from resetkit.dates import now
    from resetkit.record.session import ActionEvent

    _change_action(notes_dir, action_id, ActionEvent(at=now(), kind="done", note=note), None)


@actions_app.command("drop")
def actions_drop(
    action_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=ID_HELP,
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it is dropped (recorded).")],
    notes_dir: NotesDirOption = None,
) -> None:
    """Drop an open action item that will not be done, saying why."""
    from resetkit.dates import now
    from resetkit.record.session import ActionEvent

    if not reason.strip():
        fail("--reason must say why the item is dropped: it is shown in the action plan")
    event = ActionEvent(at=now(), kind="dropped", note=reason.strip())
    _change_action(notes_dir, action_id, event, None)


@actions_app.command("reopen")
def actions_reopen(
    action_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=ID_HELP,
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="Why it is open again.")] = "",
    notes_dir: NotesDirOption = None,
) -> None:
    """Open a done or dropped action item again (a review closed it by mistake)."""
    from resetkit.dates import now
    from resetkit.record.session import ActionEvent

    event = ActionEvent(at=now(), kind="reopened", note=note.strip())
    _change_action(notes_dir, action_id, event, None)


@actions_app.command("settle")
def actions_settle(
    action_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=ID_HELP,
        ),
    ],
    notes_dir: NotesDirOption = None,
) -> None:
    """Clear the ⚑ of an item changed in two clones at once, once you have looked at it."""
    from resetkit.dates import today
    from resetkit.history.actions import settle_flag

    changed = settle_flag(notes_dir_path(notes_dir), action_id)
    sys.stderr.write(
        f"{changed.item.id} settled on {_day(today())}, its ⚑ cleared: "
        f"{one_line(changed.item.what)}\n"
    )
    _tell_plan(changed)


@actions_app.command("show")
def actions_show(
    action_id: Annotated[
        str, typer.Argument(metavar="ID", help=ID_HELP, autocompletion=action_ids)
    ],
    notes_dir: NotesDirOption = None,
) -> None:
    """Everything about one action item: its session, owner, due date, status, flag and
    every change since the meeting, with who made it."""
    import shutil
    import textwrap

    from resetkit.dates import today
    from resetkit.history.actions import describe_action, find_action

    stored, item = find_action(notes_dir_path(notes_dir), action_id)
    lines = describe_action(stored, item, today())
    width = max(40, shutil.get_terminal_size().columns) if sys.stdout.isatty() else 10_000
    label_width = max(len(label) for label, _ in lines if label is not None)
    for label, text in lines:
        if label is None:  # a change since the meeting
            prefix, more = "    ", "      "
        else:
            prefix = f"  {label:<{label_width}}  " if label else ""
            more = " " * len(prefix) + ("" if label else "    ")
        wrapped = textwrap.wrap(
            text,
            width=width - 1,
            initial_indent=prefix,
            subsequent_indent=more,
            break_on_hyphens=False,
        )
        sys.stdout.write("\n".join(wrapped or [prefix]) + "\n")


@actions_app.command("move")
def actions_move(
    action_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=ID_HELP,
            autocompletion=action_ids,
        ),
    ],
    due: Annotated[
        str, typer.Option("--due", help="The new due date: 2026-12-01, +14d, 2w, fri, 31/12.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it slips (recorded and shown).")],
    allow_past: Annotated[
        bool,
        typer.Option("--allow-past", help="Allow a due date before today without asking."),
    ] = False,
    with_later: Annotated[
        bool,
        typer.Option(
            "--with-later",
            help="Shift every open item of the same session due on or after it by as many days.",
        ),
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Move an action item's due date, recording the slip and its reason."""
    from resetkit.dates import (
        DATE_FORMS,
        AmbiguousDate,
        DateInThePast,
        DateOutOfRange,
        now,
        refuse_past_due,
        resolve_date,
        today,
    )
    from resetkit.history.actions import find_action
    from resetkit.record.session import ActionEvent

    if not reason.strip():
        fail("--reason must say why the date slips: it is shown in the action plan")
    try:
        new_due = resolve_date(due.strip(), today())
    except DateOutOfRange as error:
        fail(f"--due: {error}: give a nearer date")
    except AmbiguousDate as error:
        fail(f"--due: {error}")
    except ValueError:
        fail(f"--due {due!r} is not a date: write {DATE_FORMS}")
    # An unknown id is named before any question about the date.
    _, item = find_action(notes_dir_path(notes_dir), action_id)
    try:
        refuse_past_due(new_due, today())
    except DateInThePast as error:
        if not allow_past:
            if not has_terminal():
                raise
            if not confirm(f"{error.message}. Move {one_line(item.what)!r} there anyway?"):
                sys.stderr.write("not moved: nothing changed\n")
                return
    event = ActionEvent(at=now(), kind="moved", note=reason.strip(), to_due=new_due)
    if with_later:
        _move_plan(notes_dir, action_id, event, new_due)
        return
    _change_action(notes_dir, action_id, event, new_due)


def _move_plan(notes_dir: Path | None, action_id: str, event: Any, new_due: Any) -> None:
    from resetkit.history.plan import move_with_later

    moved = move_with_later(notes_dir_path(notes_dir), action_id, event, new_due)
    changed = moved.settled
    sys.stderr.write(
        f"{changed.item.id} {_moved(changed.item.due, new_due)}: {one_line(changed.item.what)}\n"
    )
    for item in moved.shifted:
        after = item.due + timedelta(days=moved.days) if item.due else None
        sys.stderr.write(f"{item.id} {_moved(item.due, after)} with it: {one_line(item.what)}\n")
    _tell_plan(changed)
