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

from resetkit.cli.complete import customer_names, owners, playbook_ids

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


OwnerFilter = Annotated[
    str | None,
    typer.Option(
        "--owner",
        metavar="OWNER",
        help="us, customer (or them), both, or any part of the owner's name; us and "
        "customer take the items of both too.",
        autocompletion=owners,
    ),
]


OnlyOption = Annotated[
    bool, typer.Option("--only", help="With --owner us or customer: leave out the items of both.")
]


def owner_from(owner: str | None, only: bool) -> Any:
    """The owner filter the options ask for (history.actions.Owner), or None."""
    from resetkit.history.actions import Owner

    if only and not owner:
        fail("--only goes with --owner: say whose items, like --owner us --only")
    return Owner.of(owner, only=only)


PlaybookFilter = Annotated[
    str | None,
    typer.Option("--playbook", help="Only this playbook id.", autocompletion=playbook_ids),
]


StatusFilter = Annotated[
    str | None, typer.Option("--status", help="in progress, complete or discarded.")
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
    from resetkit.dates import today
    from resetkit.history.read import Filters, parse_day

    if status is not None:
        # As a person says it ("in progress") or as the record has it ("in_progress").
        status = "_".join(status.strip().lower().split())
        if status not in ("in_progress", "complete", "discarded"):
            fail(f"--status {status!r}: use in_progress, complete or discarded")
    for option, value in (("--customer", customer), ("--playbook", playbook)):
        if value is not None and not value.strip():
            fail(f"{option} is empty: give (part of) a name, or leave the option out")
    # As typed by a tired hand: spaces around or doubled, a playbook id in capitals (ids are
    # lower case, by the format's rule).
    customer = " ".join(customer.split()) if customer is not None else None
    playbook = playbook.strip().lower() if playbook is not None else None
    first = parse_day(since, "--since") if since is not None else None
    if first is not None and first > today():
        # 'next friday' where 'last friday' was meant: nothing has happened since a later day.
        fail(f"--since {first.isoformat()} is after today: nothing has happened since then")
    return Filters(
        customer=customer,
        playbook=playbook,
        status=status,
        since=first,
        until=parse_day(until, "--until") if until is not None else None,
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
def history_of(notes_dir: Path | None, filters: Any, owner: Any = None) -> Iterator[Any]:
    """The history of the notes dir, its index up to date; damaged records are named on
    stderr (and skipped). An empty notes dir is named on stderr; a filter (or the `owner`,
    history.actions.Owner) that matches nothing in it is refused (exit 3)."""
    from resetkit.dates import today
    from resetkit.history.matched import empty_note, is_empty, refuse_unmatched
    from resetkit.history.read import open_history

    today()  # a RESETKIT_TODAY that is no day is refused before anything else is said
    progress = _BuildProgress()
    try:
        with open_history(notes_dir_path(notes_dir), filters, progress) as history:
            progress.stop()
            for warning in history.problems:
                sys.stderr.write(f"resetkit: {warning}\n")
            if is_empty(history):
                sys.stderr.write(f"resetkit: {empty_note(history)}\n")
            else:
                refuse_unmatched(history, filters, owner)
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

    if output == Path():  # `-o ""` reaches us as '.'
        fail("-o is empty (or '.', a folder): give the path of the file to write")
    if output.is_dir():
        fail(f"'{output}' is a folder, not a file: give the path of the file to write")
    if not output.parent.is_dir():
        # A typo in a folder name is said, not made into a new folder somewhere.
        fail(f"no folder {output.parent} to write {output.name} in: create it first")
    write_bytes_atomic(output, payload)
    sys.stderr.write(f"wrote {output}\n")


def one_line(cell: str) -> str:
    """A table cell with no tab or line break left in it, and every other control character
    shown as an escape (`\\x1b`), so that a terminal acts on none (most have none: check first).
    """
    from resetkit.controls import visible_line

    return cell if cell.isprintable() else visible_line(" ".join(cell.split()))


class SessionsFormat(StrEnum):
    table = "table"
    json = "json"


def narrowed_by(customer: str | None, owner: str | None, *more: tuple[str, bool]) -> str:
    """The filters a list was narrowed by, in words ('overdue, customer 'stark''): for its
    count line, and for the line that says it left nothing."""
    given = [*more, (f"customer {customer!r}", customer is not None)]
    given.append((f"owner {owner!r}", owner is not None))
    return ", ".join(said for said, on in given if on)
