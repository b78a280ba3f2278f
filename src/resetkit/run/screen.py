"""What a run draws around its questions: a section's panel and the time status line.

Plain data in, no models: the first screen of a run is drawn from a cached copy of it before
pydantic has loaded (see headstart.py), with the same code as every later screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resetkit.controls import visible

if TYPE_CHECKING:
    from rich.console import Console

    from resetkit.history.brief import Brief


@dataclass(frozen=True)
class SectionView:
    """A section as its panel shows it: place in the run, title, timing, guidance."""

    number: int  # 0 when the section does not apply (a changed answer made it stale)
    total: int
    title: str
    timing: str
    body: str


def escape_markup(text: str) -> str:
    """Text shown as typed, even when it looks like rich markup ('[/]', '[bold]')."""
    from rich.markup import escape

    return escape(visible(text))


def draw_header(
    console: Console, title: str, customer: str, session_id: str, plain: bool = False
) -> None:
    """The first line of a run: the playbook's title, the customer and the session's id; in
    plain mode a sentence, with no symbol for a screen reader to read out."""
    if plain:
        said = f"{title} with {customer.strip()}, session {session_id}."
        console.print(visible(said), markup=False, highlight=False)
        return
    console.print(
        f"[bold]{escape_markup(title)}[/] with {escape_markup(customer.strip())} · "
        f"session {session_id}",
        highlight=False,
    )


def quiet_console() -> Console:
    """A console that shows nothing: a scripted run draws no screen."""
    import sys

    from rich.console import Console

    return Console(file=sys.stderr, quiet=True)


def draw_notes(console: Console, notes: str, plain: bool = False) -> None:
    """The notes just written, between two rules, as a person reads them after saving; in
    plain mode as plain text a screen reader says well (spoken), between two headed lines."""
    if plain:
        said = spoken(notes)
        console.print("Notes:", said, "End of the notes.", sep="\n", markup=False, highlight=False)
        return
    from rich.markdown import Markdown
    from rich.rule import Rule

    console.print(Rule("Notes"))
    console.print(Markdown(notes))
    console.print(Rule())


def draw_section(console: Console, view: SectionView, plain: bool = False, clock: str = "") -> None:
    """A blank line, then the section's panel; a rule with its title when it has no guidance
    (an empty box would only push the question down). In plain mode a headed paragraph, no
    box or rule, and the clock said once (`clock`)."""
    # "Before the call, before the call": a section named for its timing says it once.
    timing = "" if view.timing.lower() in view.title.lower() else view.timing
    if plain:
        heading = f"Section {view.number} of {view.total}: {view.title}"
        heading += f", {timing}." if timing else "."
        # Talking points as a list a screen reader says as one ("›" would be read out).
        body = "\n".join(
            f"- {line[2:]}" if line.startswith("› ") else line for line in view.body.split("\n")
        )
        lines = ["", heading, *([body] if body else []), *([clock] if clock else [])]
        console.print(*(visible(line) for line in lines), sep="\n", markup=False, highlight=False)
        return
    from rich.panel import Panel
    from rich.rule import Rule

    title = f"[bold]{view.number}/{view.total} {escape_markup(view.title)}[/]"
    title += f" · {timing}" if timing else ""
    console.print()
    if not view.body:
        console.print(Rule(title, align="left"))
        return
    console.print(Panel(escape_markup(view.body), title=title, title_align="left"))


def draw_review(console: Console, answers: list[tuple[str, str]], plain: bool = False) -> None:
    """A blank line, then the review table: each question as asked and its answer, numbered;
    in plain mode a numbered line for each (no columns to follow)."""
    if plain:
        lines = ["", "Review:"]
        lines += [
            f"{n}. {prompt} Answer: {answer}" for n, (prompt, answer) in enumerate(answers, 1)
        ]
        console.print(*(visible(line) for line in lines), sep="\n", markup=False, highlight=False)
        return
    from rich.table import Table

    table = Table(title="Review", show_lines=False, box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Question")
    table.add_column("Answer", overflow="fold")
    for number, (prompt, answer) in enumerate(answers, start=1):
        table.add_row(str(number), escape_markup(prompt), escape_markup(answer))
    console.print()
    console.print(table)


def clock_text(seconds: float) -> str:
    """Seconds as minutes:seconds, like 12:05."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def minutes_text(seconds: float) -> str:
    """A timebox as a panel shows it: 6m, 1h, 1h30m."""
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def status_fragments(
    spent: float, budget: float, total: float, planned: float
) -> list[tuple[str, str]]:
    """Time in the section against its timebox, and in the meeting against its plan, as
    prompt_toolkit styled text (the toolbar under each prompt; running over shows in red)."""
    fragments = [("class:status", f" ⏱ section {clock_text(spent)} of {clock_text(budget)}")]
    if spent > budget:
        fragments.append(("class:over", f" (over by {clock_text(spent - budget)})"))
    fragments.append(("class:status", f" · meeting {clock_text(total)} of {clock_text(planned)}"))
    if total > planned:
        fragments.append(("class:over", f" (over by {clock_text(total - planned)})"))
    return fragments


def plain_clock(fragments: list[tuple[str, str]]) -> str:
    """The clock line as one sentence, as plain mode says it (no symbol to read out)."""
    text = "".join(part for _, part in fragments).replace("⏱", "").replace(" · ", "; ")
    return "Time: " + " ".join(text.split())


def draw_numbered(console: Console, lines: list[str]) -> None:
    """Lines numbered '  1.', each as typed (no markup), a wrapped one hanging under its
    first word: the number and the line in two columns."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    for number, line in enumerate(lines, start=1):
        grid.add_row(f"  {number}.", Text(line))
    console.print(grid)


def draw_brief(console: Console, brief: Brief, plain: bool = False) -> None:
    """The brief before a call (history/brief.py), every text from a record escaped; in plain
    mode its rules are headed lines (no box drawing)."""
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    from resetkit.history.actions import short_day
    from resetkit.history.brief import (
        advice_text,
        cost_line,
        held_line,
        item_line,
        session_minutes,
    )
    from resetkit.record.recap import written_date

    def rule(title: str = "") -> None:
        if plain:
            console.print(title or "End of the brief.", highlight=False)
        else:
            console.print(Rule(title))

    rule(f"Before the call: {escape_markup(' '.join(brief.customer.split()))}")
    console.print(
        f"{held_line(brief)}; today is {written_date(brief.today)}.",
        highlight=False,
    )
    if brief.sessions:
        sessions = Table(title="Last sessions", title_justify="left", box=None, pad_edge=False)
        for column in ("Date", "Playbook", "Outcome", "Status", "Min"):
            sessions.add_column(column)
        for past in brief.sessions:
            sessions.add_row(
                # Short as the daily tables write it ('Sun Nov 1'): the long form made it wide.
                f"{past.day:%a} {short_day(past.day, brief.today)}",
                escape_markup(past.playbook),
                escape_markup(past.outcome),
                past.status.replace("_", " "),
                session_minutes(past).removesuffix(" min"),
            )
        console.print(sessions)
    console.print("[bold]Open action items[/]")
    # A bullet and its text in two columns: a wrapped item hangs under its first word.
    items = Table.grid(padding=(0, 1))
    items.add_column(no_wrap=True)
    items.add_column()
    for item in brief.open_items:
        line = Text(item_line(item, brief.today), style="red" if item.overdue_days else "")
        items.add_row("  •", line)
    if not brief.open_items:
        items.add_row("  ", "none")
    console.print(items)
    cost = cost_line(brief.cost) if brief.cost else "no risk check yet"
    advice = advice_text(brief)
    # "Label: value", the values lined up and hanging under their first word when they wrap.
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold", no_wrap=True)
    lines.add_column()
    for label, value in (
        ("Promises:", "\n".join(brief.promises) or "none recorded"),
        ("Time against pay:", cost),
        ("Recommended:", advice),
    ):
        lines.add_row(label, Text(value))
    console.print(lines)
    rule()


def spoken(markdown: str) -> str:
    """Markdown as a screen reader should say it: the text without its marks (no `**`, no
    backslash escapes, no backticks), a heading or a paragraph a line, a list item after "- ",
    a table row as its cells joined by "; "."""
    from markdown_it import MarkdownIt

    lines: list[str] = []
    row: list[str] = []
    in_cell = False
    bullet = ""
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "list_item_open":
            bullet = "- "
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            lines.append("; ".join(cell for cell in row if cell))
        elif token.type == "inline":
            text = " ".join(
                "".join(
                    " " if child.type in ("softbreak", "hardbreak") else child.content
                    for child in token.children or []
                    if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                ).split()
            )
            if in_cell:
                row.append(text)
            else:
                lines.append(bullet + text)
                bullet = ""
    # "·" joins parts for the eye; a screen reader would say "middle dot".
    return "\n".join(visible(line.replace(" · ", ", ")) for line in lines if line.strip())
