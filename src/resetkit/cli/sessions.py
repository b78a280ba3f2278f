"""Commands over sessions: sessions, export, render, report, timing."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from resetkit.cli.app import app, fail
from resetkit.cli.complete import playbook_ids, session_ids
from resetkit.cli.output import (
    CustomerFilter,
    NotesDirOption,
    PlaybookFilter,
    RawCsvOption,
    SessionsFormat,
    SinceFilter,
    StatusFilter,
    UntilFilter,
    emit,
    filters_from,
    history_of,
    notes_dir_path,
    reads_history,
    write_json,
)
from resetkit.cli.tables import Column, daily_table, draw_report, draws_table, table
from resetkit.words import counted


@app.command()
@reads_history
def sessions(
    customer: CustomerFilter = None,
    playbook: PlaybookFilter = None,
    status: StatusFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    output: Annotated[
        SessionsFormat | None,
        typer.Option(
            "--format", help="table (also when piped) or json; piped with none, tab-separated."
        ),
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """List sessions: in progress first, then newest (piped or json: oldest first)."""
    from resetkit.history.export import export_json, session_row

    filters = filters_from(customer, playbook, status, since, until)
    with history_of(notes_dir, filters) as history:
        if output is SessionsFormat.json:
            emit(export_json(history, filters), None)
            return
        rows = [session_row(item) for item in history.sessions(filters, with_raw=False)]
        drawn = draws_table(output, len(rows))
        short = history.short_ids(r["id"] for r in rows) if drawn else {}
    if not rows and filters != filters_from(None):
        # Each filter matched something (history_of checks), but not all of them together.
        # The days as read ('31/12' may be last year's): a person checks what was asked.
        days = [
            f"{name} {value.isoformat()}"
            for name, value in (("since", filters.since), ("until", filters.until))
            if value is not None
        ]
        read = f" ({', '.join(days)})" if days else ""
        sys.stderr.write(f"resetkit: no session matches these filters together{read}\n")
    if drawn:
        # For a person: those in progress first (to resume or discard), then the newest.
        rows.sort(key=lambda r: r["date"], reverse=True)
        rows.sort(key=lambda r: r["status"] != "in_progress")
        _sessions_table(rows, short, output)
        return
    # Tab-separated lines for scripts (or a table too long to draw): ids as recorded.
    table(
        ["SESSION", "DATE", "CUSTOMER", "PLAYBOOK", "STATUS", "OUTCOME", "MINUTES"],
        [
            [
                r["id"],
                r["date"],
                r["customer"],
                r["playbook"],
                r["status"],
                r["outcome"],
                f"{r['actual_minutes']:g}/{r['planned_minutes']}",
            ]
            for r in rows
        ],
        chosen=output,
    )


def _sessions_table(rows: list[dict[str, Any]], short: dict[str, str], output: Any) -> None:
    """Sessions as a person reads them at 80 columns: the id in its shortest form that
    commands take (it holds the date and the playbook), the customer whole, the outcome in
    words, a session not complete saying so there (it has no outcome yet, or will have none)."""
    from resetkit.history.labels import outcome_labels

    labels = outcome_labels(r["playbook"] for r in rows if r["outcome"])
    cells = []
    for r in rows:
        outcome = labels.get((r["playbook"], r["outcome"]), r["outcome"] or "")
        if r["status"] != "complete":
            outcome = f"{outcome} ({r['status'].replace('_', ' ')})".strip()
        customer = " ".join(r["customer"].split())
        minutes = f"{r['actual_minutes']:g}/{r['planned_minutes']}"
        cells.append([short[r["id"]], customer, outcome or "no outcome", minutes])
    columns = [
        Column("SESSION", whole=True),
        Column("CUSTOMER", most=40),
        Column("OUTCOME", grows=True),
        Column("MINUTES", whole=True, right=True),
    ]
    daily_table(columns, cells, chosen=output)


class ExportFormat(StrEnum):
    md = "md"
    json = "json"
    csv = "csv"


@app.command()
@reads_history
def export(
    output_format: Annotated[ExportFormat, typer.Option("--format", help="md, json or csv.")],
    customer: CustomerFilter = None,
    playbook: PlaybookFilter = None,
    status: StatusFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    actions: Annotated[
        bool, typer.Option("--actions", help="csv: one row per action item, not per session.")
    ] = False,
    raw_csv: RawCsvOption = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """Export sessions as one Markdown document, a JSON array or CSV."""
    from resetkit.history.export import export_csv, export_json, export_markdown

    if actions and output_format is not ExportFormat.csv:
        fail("--actions goes with --format csv")
    if raw_csv and output_format is not ExportFormat.csv:
        fail("--raw-csv goes with --format csv")
    filters = filters_from(customer, playbook, status, since, until)
    with history_of(notes_dir, filters) as history:
        if output_format is ExportFormat.json:
            emit(export_json(history, filters), output)
        elif output_format is ExportFormat.csv:
            emit(export_csv(history, filters, actions=actions, raw=raw_csv), output)
        else:
            title = "resetkit export" + (f": {playbook}" if playbook else "")
            skipped: list[str] = []
            text = export_markdown(list(history.sessions(filters)), title, skipped)
            for problem in skipped:
                sys.stderr.write(f"resetkit: {problem}\n")
            emit(text, output)


@app.command()
def render(
    session_ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[SESSION]",
            help="Session id (customer/date-playbook) or folder.",
            autocompletion=session_ids,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite notes edited by hand since written.")
    ] = False,
    all_changed: Annotated[
        bool,
        typer.Option(
            "--all-changed",
            help="Rebuild every complete session whose notes no longer match its record "
            "(after a git merge); files edited by hand are kept.",
        ),
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Rebuild a session's notes.md, action-plan.md and shared.md (if it has a recap)."""
    from resetkit.record.notes import render_session

    notes = notes_dir_path(notes_dir)
    if all_changed:
        from resetkit.record.team import render_changed

        written, said = render_changed(notes)
        for path in written:
            sys.stdout.write(f"{path}\n")
        for line in said:
            sys.stderr.write(f"resetkit: {line}\n")
        return
    if session_ref is None:
        fail("name the SESSION to render, or pass --all-changed")
    written, notice = render_session(notes, session_ref, force=force)
    if notice:
        sys.stderr.write(f"resetkit: {notice}\n")
    for path in written:
        sys.stdout.write(f"{path}\n")


class ReportFormat(StrEnum):
    chart = "chart"
    md = "md"
    json = "json"
    csv = "csv"


@app.command()
@reads_history
def report(
    customer: CustomerFilter = None,
    playbook: PlaybookFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    output: Annotated[
        ReportFormat, typer.Option("--format", help="chart (in the terminal), md, json or csv.")
    ] = ReportFormat.chart,
    raw_csv: RawCsvOption = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Time spent and outcomes per customer and per playbook, over complete sessions."""
    from resetkit.history.report import report as tally
    from resetkit.history.report import report_csv, report_markdown

    filters = filters_from(customer, playbook, None, since, until)
    with history_of(notes_dir, filters) as history:
        tallies = tally(history, filters)
    if output is ReportFormat.json:
        write_json({kind: [t.as_json() for t in rows] for kind, rows in tallies.items()})
        return
    if raw_csv and output is not ReportFormat.csv:
        fail("--raw-csv goes with --format csv")
    if output is ReportFormat.csv:
        emit(report_csv(tallies, raw=raw_csv), None)
        return
    if output is ReportFormat.md:
        sys.stdout.write(report_markdown(tallies))
        return
    draw_report(tallies)


class TimingFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


@app.command()
@reads_history
def timing(
    playbook: Annotated[
        str,
        typer.Argument(
            help="The playbook: an id or a path to its file.", autocompletion=playbook_ids
        ),
    ],
    since: SinceFilter = None,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest",
            help="Print new timeboxes that keep the playbook's length, as a diff of its file.",
        ),
    ] = False,
    output: Annotated[
        TimingFormat | None,
        typer.Option(
            "--format",
            help="table (also when piped), json, csv or md; piped with none, tab-separated.",
        ),
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """Minutes spent per section against its timebox, over a playbook's complete sessions."""
    from resetkit.format.loader import load
    from resetkit.history.read import parse_day
    from resetkit.history.timing import TIMING_COLUMNS, timing_csv, timing_markdown, timing_rows
    from resetkit.history.timing import suggest as suggest_timeboxes
    from resetkit.history.timing import timing as time_spent

    if suggest and output not in (None, TimingFormat.table):
        fail("--format goes without --suggest: the suggestion is a diff")
    model, path = load(playbook)
    day = parse_day(since, "--since") if since is not None else None
    found, warnings = time_spent(model, notes_dir_path(notes_dir), day)
    for warning in warnings:
        sys.stderr.write(f"resetkit: {warning}\n")
    if suggest:
        suggestion = suggest_timeboxes(found, model, path, Path.cwd())
        if not suggestion.diff:
            sys.stderr.write(f"the timeboxes of {model.id} already fit its sessions: no change\n")
            return
        emit(suggestion.diff, None)
        if suggestion.builtin:
            sys.stderr.write(
                f"{model.id} is built in and cannot be changed in place: copy it with "
                f"'resetkit new {model.id} --from {model.id}', then apply this diff\n"
            )
        where = "" if suggestion.base == Path.cwd().resolve() else f" in {suggestion.base}"
        sys.stderr.write(f"apply it{where} with: git apply (or patch -p1)\n")
        return
    if output is TimingFormat.json:
        write_json(found.as_json())
        return
    if not found.sessions:
        since_text = f" since {day.isoformat()}" if day else ""
        left = (
            f" held live ({counted(found.not_live, 'session')} run from an answers file, or under "
            "a minute, left out)"
            if found.not_live
            else ""
        )
        sys.stderr.write(f"no complete sessions of {model.id}{since_text}{left}\n")
        return
    if output is TimingFormat.csv:
        emit(timing_csv(found), None)
    elif output is TimingFormat.md:
        emit(timing_markdown(found), None)
    else:
        import shutil

        from resetkit.cli.wrapped import wrapped

        heading, notes, rows = timing_rows(found)
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 10_000
        # The section's title takes the width left; the figures are never cut.
        columns = [Column(TIMING_COLUMNS[0], grows=True)]
        columns += [Column(name, whole=True, right=True) for name in TIMING_COLUMNS[1:]]
        daily_table(
            columns,
            rows,
            chosen=output,
            title=wrapped(heading, width),
            footer=[wrapped(note, width) for note in notes],
        )
