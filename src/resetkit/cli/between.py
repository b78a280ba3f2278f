"""Commands for between meetings: due, calendar, ledger, brief."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from resetkit.cli.app import app, fail
from resetkit.cli.complete import customer_names
from resetkit.cli.output import (
    CustomerFilter,
    NotesDirOption,
    OnlyOption,
    OwnerFilter,
    PlaybookFilter,
    SinceFilter,
    StatusFilter,
    UntilFilter,
    emit,
    filters_from,
    history_of,
    narrowed_by,
    owner_from,
    read_history,
    reads_history,
    write_json,
)
from resetkit.cli.tables import Column, daily_table, shows_table
from resetkit.errors import EXIT_NO_MATCH
from resetkit.words import counted


class DueFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


@app.command()
@reads_history
def due(
    within: Annotated[
        str, typer.Option("--within", help="What falls due within this span, like 7d or 2w.")
    ] = "7d",
    owner: OwnerFilter = None,
    only: OnlyOption = False,
    customer: CustomerFilter = None,
    output: Annotated[
        DueFormat | None,
        typer.Option(
            "--format",
            help="table (also when piped), json or md (for a daily mail); piped with none, "
            "tab-separated.",
        ),
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """Today's digest: overdue items, items due soon and follow-up meetings, by customer."""
    from resetkit.dates import today
    from resetkit.history.due import digest_markdown, due_digest
    from resetkit.history.read import parse_span

    span = parse_span(within, "--within")
    filters = filters_from(customer)
    whose = owner_from(owner, only)
    with history_of(notes_dir, filters, whose) as history:
        digest = due_digest(history.sessions(filters), span, owner=whose, today=today())
    if output is DueFormat.json:
        write_json(digest.as_json())
        return
    if output is DueFormat.md:
        sys.stdout.write(digest_markdown(digest))
        return
    _due_table(digest, output, narrowed_by(customer, owner))


def _due_table(digest: Any, output: Any, narrowed: str = "") -> None:
    from resetkit.history.actions import (
        counts_line,
        marks,
        marks_legend,
        owner_cell,
        owner_cells,
        short_day,
        when_due,
    )

    day = digest.today
    end = short_day(day + digest.within, day)
    title = f"Due on {day:%a} {short_day(day, day)} · overdue, and due by {end}"
    if not digest.customers:
        # Said where the table would have been: a person reads it with the title; a script
        # piping the lines gets none.
        import shutil

        from resetkit.cli.wrapped import wrapped

        said = sys.stdout if shows_table(output) else sys.stderr
        nothing = "nothing overdue, nothing due, no follow-up meeting"
        line = f"{title}: {nothing}" + (f" for {narrowed}" if narrowed else "")
        # Broken between words on a terminal (stderr is wrapped already); whole when piped.
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 10_000
        said.write((wrapped(line, width) if said is sys.stdout else line) + "\n")
        return
    rows, piped, groups, items = [], [], [], []
    listed = [found.action for group in digest.customers for found in group.overdue + group.soon]
    owners = iter(owner_cells(listed))
    for group in digest.customers:
        customer = " ".join(group.customer.split())
        for found in group.overdue + group.soon:
            action = found.action
            what = " ".join(str(action.get("what", "")).split())
            cells = [str(action.get("id", "")), marks(found), when_due(found, day)]
            rows.append([*cells, what, next(owners)])
            late = f"{found.overdue_days}d late" if found.overdue_days else "due"
            piped.append([cells[0], f"{found.due} {late}", customer, what, owner_cell(action)])
            items.append(found)
        for meeting in group.meetings:
            when = short_day(meeting.day, day)
            held = date.fromisoformat(meeting.stored.started_at[:10])
            after = f"follow-up meeting (after the session of {short_day(held, day)})"
            rows.append(["", "", when, after, ""])
            piped.append([meeting.stored.id, f"{meeting.day} meeting", customer, after, ""])
        groups.append((customer, len(group.overdue) + len(group.soon) + len(group.meetings)))
    meetings = sum(len(group.meetings) for group in digest.customers)
    counts = counts_line(items, day, digest.within, narrowed)
    if meetings:
        counts += f" · {counted(meetings, 'follow-up meeting')}"
    footer = [
        "",
        counts,
        "next: resetkit actions done ID, resetkit actions move ID --due DATE --reason WHY",
    ]
    if any(row[1] for row in rows):
        footer.append(marks_legend(row[1] for row in rows))
    columns = [
        Column("ID", whole=True),
        Column("", whole=True),
        Column("WHEN", whole=True),
        Column("ACTION", grows=True),
        Column("OWNER", most=16),
    ]
    names = ["ID", "WHEN", "CUSTOMER", "WHAT", "OWNER"]
    daily_table(
        columns,
        rows,
        chosen=output,
        title=title,
        footer=footer,
        piped=(names, piped),
        groups=groups,
    )


@app.command()
@reads_history
def calendar(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The .ics file to write (default: stdout)."),
    ] = None,
    alarm: Annotated[
        str,
        typer.Option("--alarm", help="How long before an item falls due to remind: 9h, 1d, 1w."),
    ] = "1d",
    owner: OwnerFilter = None,
    only: OnlyOption = False,
    without_theirs: Annotated[
        bool,
        typer.Option(
            "--without-theirs", help="Leave out the items the customer owns alone (not both)."
        ),
    ] = False,
    customer: CustomerFilter = None,
    playbook: PlaybookFilter = None,
    status: StatusFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """Action items as to-dos with an alarm and follow-up meetings as events, in an .ics file.

    With --owner, the items that owner keeps, and only the follow-up meetings of the sessions
    where they have an item."""
    from resetkit.dates import today
    from resetkit.history.due import calendar_entries, parse_lead
    from resetkit.record.calendar import calendar_ics

    lead = parse_lead(alarm)
    filters = filters_from(customer, playbook, status, since, until)
    whose = owner_from(owner, only)
    with history_of(notes_dir, filters, whose) as history:
        sessions = history.sessions(filters)
        reminders, meetings = calendar_entries(
            sessions, owner=whose, today=today(), theirs=not without_theirs
        )
    narrowed = narrowed_by(customer, owner, ("without theirs", without_theirs))
    if not reminders and not meetings and narrowed:
        # Said, and a file already there left as it is: an empty calendar imported over a
        # full one would take every reminder away.
        kept = f"; {output} is left as it is" if output is not None and output.exists() else ""
        fail(f"nothing to put in the calendar for {narrowed}{kept}", code=EXIT_NO_MATCH)
    emit(calendar_ics(reminders, meetings, lead), output)
    still = sum(1 for reminder in reminders if reminder.status == "open")
    sys.stderr.write(
        f"{counted(len(reminders), 'to-do')} ({still:,} open), "
        f"{counted(len(meetings), 'follow-up meeting')}\n"
    )


@app.command()
@reads_history
def ledger(
    customer: CustomerFilter = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="The promises of the period from this day on (2026-10-01, today, 30d ago): "
            "made, due, done, moved or dropped in it, and every one still open.",
        ),
    ] = None,
    output: Annotated[
        DueFormat | None,
        typer.Option(
            "--format", help="table (also when piped), json or md; piped with none, tab-separated."
        ),
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """The promises each side kept: on time, late, moved, dropped; per customer, by quarter."""
    from resetkit.dates import today
    from resetkit.history.ledger import ledger_markdown, promise_ledger

    # --since picks promises, not sessions: an older session's item still open is one.
    period = filters_from(None, since=since).since
    filters = filters_from(customer)
    with history_of(notes_dir, filters) as history:
        found = promise_ledger(history.sessions(filters, with_raw=False), today(), since=period)
    if output is DueFormat.json:
        write_json(found.as_json())
        return
    if output is DueFormat.md:
        sys.stdout.write(ledger_markdown(found))
        return
    _ledger_table(found, output)


def _ledger_table(found: Any, output: Any) -> None:
    """Drawn: each customer a heading with its trend in words, its sides' rows under it, the
    numbers under their names, each slip under its row. Piped: one line per side and trend."""
    from resetkit.history.ledger import tally_cells, trend_words

    rows, under, groups, piped = [], [], [], []
    for entry in found.customers:
        customer = " ".join(entry.customer.split())
        shown = 0
        for owner, tally in entry.owners.items():
            if not (tally.fallen_due or tally.open or tally.caused):
                continue
            rows.append([owner, *tally_cells(tally)])
            under.append(list(tally.slips))
            piped.append([customer, owner, *tally_cells(tally), "; ".join(tally.slips)])
            shown += 1
        trend = trend_words(entry.quarters)
        groups.append((customer + (f" · {trend}" if trend else ""), shown))
        if trend:
            # Piped, as scripts have split it: '2026-Q3 50%, 2026-Q4 0%'.
            shares = [
                f"{name} {tally.kept_percent}%"
                for name, tally in sorted(entry.quarters.items())
                if tally.kept_percent is not None
            ]
            piped.append([customer, "trend", ", ".join(shares), *[""] * 7])
    numbers = ["ON TIME", "LATE", "MOVED", "DROPPED", "OVERDUE", "OPEN", "KEPT"]
    columns = [Column("OWNER", whole=True)] + [
        Column(name, right=True, whole=name != "MOVED", grows=name == "MOVED") for name in numbers
    ]
    daily_table(
        columns,
        rows,
        chosen=output,
        piped=(["CUSTOMER", "OWNER", *numbers, "REASONS"], piped),
        groups=groups,
        header=True,
        under=under,
    )


class BriefFormat(StrEnum):
    rich = "rich"
    md = "md"
    json = "json"


@app.command()
@reads_history
def brief(
    customer: Annotated[
        str,
        typer.Argument(help="The customer's name, or enough of it.", autocompletion=customer_names),
    ],
    output: Annotated[
        BriefFormat, typer.Option("--format", help="rich (the terminal), md or json.")
    ] = BriefFormat.rich,
    notes_dir: NotesDirOption = None,
) -> None:
    """What to read before the next call: sessions, open items, promises, cost, advice."""
    from resetkit.dates import today
    from resetkit.history.brief import brief_markdown, build_brief, choose_customer

    if not customer.strip():
        fail(
            "CUSTOMER is empty: give the customer's name, or enough of it "
            "('resetkit sessions' lists them)"
        )
    stored = read_history(notes_dir, filters_from(customer))
    found = build_brief(stored, choose_customer(stored, customer), today())
    if output is BriefFormat.json:
        write_json(found.as_json())
    elif output is BriefFormat.md:
        sys.stdout.write(brief_markdown(found))
    else:
        from resetkit.cli.tables import show_drawn
        from resetkit.run.screen import draw_brief

        show_drawn(lambda console: draw_brief(console, found))
