"""What several commands share: options, filters, formats, tables, JSON and files out."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from resetkit.cli.complete import customer_names, playbook_ids

if TYPE_CHECKING:
    from rich.console import Console

from resetkit.cli.app import fail, silence_stdout


class OutputFormat(StrEnum):
    auto = "auto"
    rich = "rich"
    md = "md"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def make_console(stderr: bool = False) -> "Console":
    from rich.console import Console

    colour_for_prompts()
    console = Console(stderr=stderr, highlight=False, soft_wrap=False)
    # rich's own reaction to a closed pipe is exit 1; a reader that has gone is no error here.
    console.on_broken_pipe = closed_pipe  # type: ignore[method-assign]
    return console


def colour_for_prompts() -> None:
    """FORCE_COLOR for the prompts as for rich: prompt_toolkit reads NO_COLOR (no colour, which
    wins) but not FORCE_COLOR, so it is told through its own setting, unless one is set."""
    if os.environ.get("FORCE_COLOR") and not os.environ.get("NO_COLOR"):
        os.environ.setdefault("PROMPT_TOOLKIT_COLOR_DEPTH", "DEPTH_8_BIT")


def closed_pipe() -> NoReturn:
    silence_stdout()
    raise typer.Exit(0)


def write_json(value: Any) -> None:
    """JSON on stdout: a list one item per line (as export writes records), else indented."""
    import json

    if isinstance(value, list):
        # Indenting switches json to its pure-Python encoder: ten times slower on long lists.
        items = [json.dumps(item, ensure_ascii=False, default=str) for item in value]
        sys.stdout.write("[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n")
        return
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


NotesDirOption = Annotated[
    Path | None,
    typer.Option(
        "--notes-dir",
        help="Where notes go (default: $RESETKIT_NOTES_DIR, resetkit.toml, then your data dir).",
    ),
]


PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="Ask line by line with nothing redrawn, for a screen reader (also "
        "RESETKIT_PLAIN=1, plain = true in resetkit.toml, or TERM=dumb).",
    ),
]


def has_terminal() -> bool:
    """Whether a person can be asked: both stdin and stdout are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def confirm(question: str) -> bool:
    """A yes or no from the person at the terminal (default no); Ctrl-C changes nothing."""
    from resetkit.run.plain import person, wanted
    from resetkit.run.terminal import Interrupted

    try:
        return person(wanted(False)).confirm(question)
    except Interrupted:
        fail("interrupted: nothing changed", 130)


def reads_history(command: Callable[..., None]) -> Callable[..., None]:
    """For commands that read every record: the cyclic collector stays off until they end.

    What they read lives until they exit and forms no cycles; left on, the collector walks it
    again and again (measured: a fifth of `actions` at 100,000 sessions).
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        from resetkit.history.read import paused_gc

        with paused_gc():
            command(*args, **kwargs)

    return run


CustomerFilter = Annotated[
    str | None,
    typer.Option(
        "--customer",
        help="Only customers whose name contains this.",
        autocompletion=customer_names,
    ),
]


PlaybookFilter = Annotated[
    str | None,
    typer.Option("--playbook", help="Only this playbook id.", autocompletion=playbook_ids),
]


StatusFilter = Annotated[
    str | None, typer.Option("--status", help="in_progress, complete or discarded.")
]


SinceFilter = Annotated[
    str | None, typer.Option("--since", help="From this day on: 2026-10-01, today, or 30d ago.")
]


UntilFilter = Annotated[str | None, typer.Option("--until", help="Up to this day, included.")]


RawCsvOption = Annotated[
    bool,
    typer.Option(
        "--raw-csv", help="csv: keep cells as stored, with no ' before a formula character."
    ),
]


def filters_from(
    customer: str | None,
    playbook: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Any:
    from resetkit.history.read import Filters, parse_day

    if status is not None and status not in ("in_progress", "complete", "discarded"):
        fail(f"--status {status!r}: use in_progress, complete or discarded")
    return Filters(
        customer=customer,
        playbook=playbook,
        status=status,
        since=parse_day(since, "--since") if since else None,
        until=parse_day(until, "--until") if until else None,
    )


class _BuildProgress:
    """A progress bar on stderr for a build of the index that takes more than a second
    (thousands of records to read), in a terminal only; nothing otherwise."""

    SHOWN_FROM = 20_000  # records: about a second of reading on two cores

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.SHOWN_FROM or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "indexing the history",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("index", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def notes_dir_path(option: Path | None, *, starting: bool = False) -> Path:
    """The notes dir a command uses, named on stderr when it is not the one used last;
    `starting` a session refuses the personal folder while a team repository is set up."""
    from resetkit.places import find_notes_dir, notes_dir_change, refuse_beside_a_team

    found = find_notes_dir(option)
    if starting:
        refuse_beside_a_team(found)
    line = notes_dir_change(found)
    if line:
        sys.stderr.write(f"resetkit: {line}\n")
    return found.path


@contextlib.contextmanager
def history_of(notes_dir: Path | None, filters: Any) -> Iterator[Any]:
    """The history of the notes dir, its index up to date; damaged records are named on
    stderr (and skipped)."""
    from resetkit.history.read import open_history

    progress = _BuildProgress()
    try:
        with open_history(notes_dir_path(notes_dir), filters, progress) as history:
            progress.stop()
            for warning in history.problems:
                sys.stderr.write(f"resetkit: {warning}\n")
            yield history
    finally:
        progress.stop()


def read_history(notes_dir: Path | None, filters: Any, *, with_raw: bool = True) -> list[Any]:
    """Sessions passing the filters; damaged records are named on stderr and skipped."""
    with history_of(notes_dir, filters) as history:
        return list(history.sessions(filters, with_raw=with_raw))


def emit(text: str | bytes | Iterable[bytes], output: Path | None) -> None:
    """Output to stdout, or atomically to a file; chunks are written as they come."""
    payload = text.encode("utf-8") if isinstance(text, str) else text
    if output is None:
        sys.stdout.flush()
        for chunk in [payload] if isinstance(payload, bytes) else payload:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    from resetkit.storage import write_bytes_atomic

    write_bytes_atomic(output, payload)
    sys.stderr.write(f"wrote {output}\n")


def one_line(cell: str) -> str:
    """A table cell with no tab or line break left in it, and every other control character
    shown as an escape (`\\x1b`), so that a terminal acts on none (most have none: check first).
    """
    from resetkit.controls import visible_line

    return cell if cell.isprintable() else visible_line(" ".join(cell.split()))


def table(
    columns: list[str],
    rows: list[list[str]],
    droppable: tuple[str, ...] = (),
    notes: tuple[str, list[list[str]]] | None = None,
) -> None:
    """Rows as a rich table in a terminal; as tab-separated lines when piped or long.

    The first column is an id that other commands take, so it is always shown whole: in a
    narrow terminal the other columns wrap, and the `droppable` ones (in that order) are left
    out while the table would not fit. `notes` (a name, and lines for each row): in a terminal,
    each row's lines under it, as wide as the terminal; piped, one last column joining them.
    """
    if notes is not None and (not sys.stdout.isatty() or len(rows) > 500):
        name, under = notes
        columns, rows = (
            [*columns, name],
            [[*r, "; ".join(n)] for r, n in zip(rows, under, strict=True)],
        )
    elif notes is not None and rows:
        _table_with_notes(columns, rows, notes[1])
        return
    if not sys.stdout.isatty() or len(rows) > 500:
        # rich lays a long table out slowly, and a pipe wants lines a script can split.
        lines = ["\t".join(columns)] + ["\t".join(map(one_line, r)) for r in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        return
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    console = make_console()
    # The narrowest each column can be: the id whole, the others as wide as their longest word.
    from resetkit.controls import visible

    # Laid out as shown: a control character takes the four columns of its escape.
    rows = [[visible(cell) for cell in row] for row in rows]
    narrowest = [max(len(cell) for cell in [columns[0]] + [row[0] for row in rows])]
    for number, column in enumerate(columns[1:], start=1):
        words = [word for row in rows for word in row[number].split()]
        narrowest.append(max([len(column)] + [len(word) for word in words]))
    shown = list(range(len(columns)))
    for name in droppable:
        if sum(narrowest[n] for n in shown) + 2 * (len(shown) - 1) <= console.width:
            break
        shown.remove(columns.index(name))
    if narrowest[0] + 2 + max([0, *(narrowest[n] for n in shown[1:])]) > console.width:
        # An id too long for a table row (a long customer name in a narrow terminal): each
        # row is its id on a line of its own, written whole (the terminal wraps it, and a copy
        # of it is still one id), then the rest on the line below.
        for row in rows:
            sys.stdout.write(one_line(row[0]) + "\n")
            details = " · ".join(one_line(row[n]) for n in range(1, len(columns)) if row[n])
            console.print(Padding(escape(details), (0, 0, 0, 2)), highlight=False)
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(columns[0], no_wrap=True, min_width=narrowest[0])
    for number in shown[1:]:
        table.add_column(columns[number])
    for row in rows:
        table.add_row(*(escape(row[number]) for number in shown))
    console.print(table)


def _table_with_notes(columns: list[str], rows: list[list[str]], notes: list[list[str]]) -> None:
    """A table whose rows each have lines under them, from the second column to the edge (its
    first column wraps as the others do: it is a name, not an id another command takes).

    rich spans no cell over several columns, so each row is a table of its own, every one with
    the same fixed column widths: they line up as one table.
    """
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    from resetkit.controls import visible

    console = make_console()
    rows = [[visible(cell) for cell in row] for row in rows]
    cells = [[column, *(row[n] for row in rows)] for n, column in enumerate(columns)]
    widest = [max(len(cell) for cell in column) for column in cells]
    narrowest = [max(len(word) for cell in column for word in cell.split()) for column in cells]
    if sum(narrowest) + 2 * (len(columns) - 1) > console.width:
        # Too narrow even for the longest words: the first cell alone, the rest under it, each
        # value after its column's name.
        for row, lines in zip(rows, notes, strict=True):
            sys.stdout.write(one_line(row[0]) + "\n")
            named = zip(columns[1:], row[1:], strict=True)
            details = " · ".join(f"{name.lower()} {one_line(cell)}" for name, cell in named if cell)
            for text in (details, *lines):
                console.print(Padding(escape(visible(text)), (0, 0, 0, 2)), highlight=False)
        return
    widths = list(widest)
    # Narrow the widest column that can still wrap until the table fits the terminal.
    while sum(widths) + 2 * (len(widths) - 1) > console.width:
        room = [n for n in range(len(widths)) if widths[n] > narrowest[n]]
        if not room:
            break
        widths[max(room, key=lambda n: widths[n])] -= 1
    for number, (row, lines) in enumerate(zip(rows, notes, strict=True)):
        grid = Table(box=None, pad_edge=False, header_style="bold", show_header=number == 0)
        for index, column in enumerate(columns):
            grid.add_column(column, width=widths[index])
        grid.add_row(*(escape(cell) for cell in row))
        console.print(grid, highlight=False)
        for line in lines:
            indented = Padding(escape(visible(line)), (0, 0, 0, widths[0] + 2))
            console.print(indented, highlight=False)


class SessionsFormat(StrEnum):
    table = "table"
    json = "json"
