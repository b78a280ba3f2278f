"""Tables and long output in the terminal: the daily commands' tables laid out for 80
columns, the older tables with an id column, and the pager for what is taller than the screen."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from resetkit.cli.output import make_console, one_line


def table(
    columns: list[str],
    rows: list[list[str]],
    droppable: tuple[str, ...] = (),
    notes: tuple[str, list[list[str]]] | None = None,
    chosen: Any = None,
) -> None:
    """Rows as a rich table in a terminal; as tab-separated lines when piped or long.

    The first column is an id that other commands take, so it is always shown whole: in a
    narrow terminal the other columns wrap, and the `droppable` ones (in that order) are left
    out while the table would not fit. `notes` (a name, and lines for each row): in a terminal,
    each row's lines under it, as wide as the terminal; piped, one last column joining them.
    `chosen`: the --format given, if any; a table asked for is drawn when piped too.
    """
    lines_out = not shows_table(chosen) or len(rows) > 500
    if notes is not None and lines_out:
        name, under = notes
        columns, rows = (
            [*columns, name],
            [[*r, "; ".join(n)] for r, n in zip(rows, under, strict=True)],
        )
    elif notes is not None and rows:
        _table_with_notes(columns, rows, notes[1])
        return
    if lines_out:
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


class TableFormat(StrEnum):
    table = "table"
    json = "json"


def shows_table(chosen: Any) -> bool:
    """Whether a table is drawn: in a terminal, or when `--format table` was asked for (piped
    too, as for `less -R`); None (no --format) piped gives tab-separated lines to split."""
    return chosen is not None or sys.stdout.isatty()


def pages() -> bool:
    """Whether long output goes through a pager: a person at a terminal, not CI, not a dumb one."""
    return (
        sys.stdout.isatty()
        and sys.stdin.isatty()
        and not os.environ.get("CI")
        and os.environ.get("TERM", "") != "dumb"
        and not os.environ.get("RESETKIT_NO_PAGER")
    )


def show(*renderables: Any) -> None:
    """Renderables on stdout, through a pager ($PAGER, else `less` with colours and quitting
    when it all fits) when taller than the terminal; as they are otherwise."""
    show_drawn(lambda console: console.print(*renderables, sep="\n"))


def show_drawn(draw: Callable[[Any], None]) -> None:
    """What `draw` prints on a console, on stdout, paged as `show` pages it."""
    console = make_console()
    if not pages():
        draw(console)
        return
    with console.capture() as captured:
        draw(console)
    text = captured.get()
    if text.count("\n") < console.height:
        sys.stdout.write(text)
        return
    # As git does: colours shown (-R), no pager when it fits after all (-F), screen kept (-X).
    os.environ.setdefault("LESS", "FRX")
    run_pager(text, os.environ.get("PAGER") or "less")


def run_pager(text: str, command: str) -> None:
    """`text` through the pager `command` (a shell command line, as $PAGER is); quitting it
    early is no error. A pager that cannot start leaves the text on stdout."""
    import subprocess

    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE)
    except OSError:
        sys.stdout.write(text)
        return
    assert pager.stdin is not None
    try:
        with contextlib.suppress(BrokenPipeError):  # the reader quit before the end
            pager.stdin.write(text.encode("utf-8"))
            pager.stdin.close()
        pager.wait()
    except KeyboardInterrupt:
        pager.wait()  # less takes Ctrl-C itself; wait for it to give the terminal back


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a daily table: `whole` never wraps (an id, a date, a mark); `most` caps
    its width (its words wrap); `grows` takes the width left (the action's words); `right`
    aligns its cells under the right end of its name (numbers)."""

    name: str
    whole: bool = False
    most: int | None = None
    grows: bool = False
    right: bool = False


# Past this many rows a table is written as tab-separated lines even in a terminal: rich lays
# a long table out slowly, and no one reads thousands of rows on a screen.
LONGEST_TABLE = 500


def draws_table(chosen: Any, rows: int) -> bool:
    """Whether a daily table is drawn (`shows_table`, and not too long to draw)."""
    return shows_table(chosen) and rows <= LONGEST_TABLE


def daily_table(
    columns: list[Column],
    rows: list[list[str]],
    *,
    chosen: Any = None,
    title: str = "",
    footer: list[str] | None = None,
    piped: tuple[list[str], list[list[str]]] | None = None,
    groups: list[tuple[str, int]] | None = None,
    header: bool = False,
    under: list[list[str]] | None = None,
) -> None:
    """A daily command's table, laid out for 80 columns: one space between columns, the
    growing column takes what is left, words wrap whole. `groups` (a heading and how many of
    the rows follow it) draws each group under its heading, the columns lined up across them,
    the columns' names above the first when `header`. `under`: lines under each row, from its
    second column to the edge. The title, table and footer all go to stdout (a pager shows
    them together). Piped with no --format, or longer than LONGEST_TABLE, the rows as
    tab-separated lines (`piped`: other columns for scripts), the title and footer on
    stderr."""
    footer = footer or []
    if not draws_table(chosen, len(rows)):
        names, cells = piped or ([column.name for column in columns], rows)
        lines = ["\t".join(names)] + ["\t".join(map(one_line, row)) for row in cells]
        sys.stdout.write("\n".join(lines) + "\n")
        for line in [title, *footer] if title else footer:
            sys.stderr.write(line + "\n")
        return
    from rich.text import Text

    from resetkit.controls import visible

    rows = [[visible(cell) for cell in row] for row in rows]
    header = header or groups is None
    widths = _widths(columns, rows, make_console().width, header=header)
    parts: list[Any] = [Text(title, style="bold"), Text("")] if title else []
    if header:
        parts.append(_grid(columns, widths, [], header=True))
    if groups is None:
        groups = [("", len(rows))]
    first = 0
    for heading, count in groups:
        if heading:
            parts.append(Text(heading, style="bold"))
        last = first + count
        parts += _rows_with_lines(columns, widths, rows[first:last], (under or [])[first:last])
        first = last
    show(*parts, *(Text(line) for line in footer))


def _rows_with_lines(
    columns: list[Column], widths: list[int], rows: list[list[str]], under: list[list[str]]
) -> list[Any]:
    """Rows as grids of the same widths, each row's lines under it; one grid for rows with
    none."""
    from rich.padding import Padding
    from rich.text import Text

    from resetkit.controls import visible

    parts: list[Any] = []
    start = 0
    for number, lines in enumerate(under):
        if lines:
            parts.append(_grid(columns, widths, rows[start : number + 1]))
            indent = widths[0] + 1
            parts += [Padding(Text(visible(line)), (0, 0, 0, indent)) for line in lines]
            start = number + 1
    if start < len(rows):
        parts.append(_grid(columns, widths, rows[start:]))
    return parts


def _widths(columns: list[Column], rows: list[list[str]], width: int, *, header: bool) -> list[int]:
    """Each column's width: whole ones as their longest cell, capped ones up to their cap,
    the growing one what is left of `width` (at least its longest word)."""
    found, words = [], []
    for number, column in enumerate(columns):
        cells = [row[number] for row in rows] + ([column.name] if header else [])
        longest = max([len(cell) for cell in cells] or [0])
        words.append(max([len(word) for cell in cells for word in cell.split()] or [0]))
        found.append(
            longest if column.whole else max(words[-1], min(longest, column.most or longest))
        )
    growing = [n for n, column in enumerate(columns) if column.grows]
    shown = [n for n in range(len(columns)) if found[n] or columns[n].grows]
    # In a terminal too narrow, the capped columns give way first, down to their longest word.
    least = [words[n] if columns[n].grows else found[n] for n in range(len(columns))]
    while sum(least[n] for n in shown) + len(shown) - 1 > width:
        room = [
            n for n in shown if not (columns[n].whole or columns[n].grows) and least[n] > words[n]
        ]
        if not room:
            break
        widest = max(room, key=lambda n: least[n])
        found[widest] = least[widest] = least[widest] - 1
    for number in growing:
        others = sum(found[n] for n in shown if n != number) + len(shown) - 1
        found[number] = max(min(width - others, found[number]), _narrowest(rows, number))
    return found


def _narrowest(rows: list[list[str]], number: int) -> int:
    return max([len(word) for row in rows for word in row[number].split()] or [1])


def _grid(
    columns: list[Column], widths: list[int], rows: list[list[str]], *, header: bool = False
) -> Any:
    from rich.markup import escape
    from rich.table import Table

    grid = Table(
        box=None,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        header_style="bold",
        show_header=header,
    )
    shown = [n for n, column in enumerate(columns) if widths[n] or column.grows]
    for number in shown:
        column = columns[number]
        grid.add_column(
            column.name,
            width=widths[number],
            no_wrap=column.whole,
            justify="right" if column.right else "left",
        )
    for row in rows:
        grid.add_row(*(escape(row[number]) for number in shown))
    return grid


# The longest bar of `report`, in columns: the rest of 80 for the names and the outcomes.
BAR = 12


def draw_report(tallies: dict[str, list[Any]]) -> None:
    """`report`'s tables for a person: per customer and per playbook, most time first, a bar
    of the minutes beside the time it stands for; paged when taller than the screen."""
    show_drawn(lambda console: _draw_report(console, tallies))


def _draw_report(console: Any, tallies: dict[str, list[Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from resetkit.controls import visible
    from resetkit.history.report import common_outcomes, outcome_words, spent

    words = outcome_words(tallies)
    for kind, rows in tallies.items():
        table = Table(
            title=f"Time spent by {kind.removesuffix('s')}",
            box=None,
            header_style="bold",
            title_justify="left",
        )
        # A name whole up to 24 columns (a company's two words); the outcomes take the rest.
        widest = max((len(visible(t.name)) for t in rows[:25]), default=4)
        table.add_column("NAME", min_width=min(widest, 24), ratio=2)
        table.add_column("MEETINGS", justify="right", no_wrap=True)
        table.add_column("TIME", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("MOST FREQUENT OUTCOMES", ratio=3)
        longest = max((t.minutes for t in rows), default=0) or 1
        for t in rows[:25]:
            # The bar and the time shown beside it are of the same minutes, rounded alike.
            bar = "█" * max(1, round(BAR * t.minutes / longest)) if round(t.minutes) else ""
            outcomes = common_outcomes(t, words[(kind, t.name)])
            table.add_row(
                escape(visible(t.name)),
                str(t.meetings),
                spent(t.minutes),
                f"[cyan]{bar}[/]",
                escape(outcomes),
            )
        if len(rows) > 25:
            table.caption = f"and {len(rows) - 25} more (see --format csv)"
        console.print(table)
        console.print()
