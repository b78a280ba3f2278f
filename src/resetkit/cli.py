"""The resetkit command line: parses options, calls the core, prints results and errors."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from resetkit import __version__
from resetkit.errors import EXIT_INVALID, EXIT_USAGE, ResetkitError

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from resetkit.headstart import FirstScreen
    from resetkit.live import Run
    from resetkit.places import Entry
    from resetkit.session import SessionLock

INTERNAL_ERROR = 70

# resetkit uses no pydantic plugins; without this, pydantic scans every installed package's
# entry points for them (about 20 ms of every `resetkit start`). An explicit setting wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    sys.stderr.write(f"resetkit: {message}\n")
    raise typer.Exit(code)


def _crash_report(error: BaseException) -> str:
    """Write the traceback to a log file for a bug report and return the file's path."""
    import tempfile
    import traceback

    details = "".join(traceback.format_exception(error))
    with tempfile.NamedTemporaryFile(
        "w", prefix="resetkit-crash-", suffix=".log", delete=False, encoding="utf-8"
    ) as log:
        log.write(details)
    return log.name


class _Commands(TyperGroup):
    """The command group, with the one place where errors become a line and an exit code."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            # `resetkit --help | head -1`: the help is printed while the line is parsed.
            _silence_stdout()
            raise typer.Exit(0) from None

    def invoke(self, ctx: Any) -> Any:
        from resetkit.errors import InputInvalid

        try:
            return super().invoke(ctx)
        except InputInvalid as error:
            for problem in error.problems:
                sys.stderr.write(f"resetkit: {problem}\n")
            raise typer.Exit(error.exit_code) from None
        except ResetkitError as error:
            _fail(str(error), error.exit_code)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt, EOFError):
            raise
        except BrokenPipeError:
            # The reader has gone (`| head -1`): it has what it wanted, so end quietly.
            _silence_stdout()
            raise typer.Exit(0) from None
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            _fail(f"{error.strerror or error}{where}: check the path and its permissions")
        except Exception as error:
            _fail(
                f"internal error ({type(error).__name__}); nothing you typed is lost. Please "
                f"report it with the details in {_crash_report(error)}",
                INTERNAL_ERROR,
            )


app = typer.Typer(
    cls=_Commands,
    help="Playbooks for the hard customer conversations: run them live, keep the notes.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"resetkit {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Playbooks for the hard customer conversations: run them live, keep the notes."""


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


def _console(stderr: bool = False) -> "Console":
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=False)
    # rich's own reaction to a closed pipe is exit 1; a reader that has gone is no error here.
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    return console


def _closed_pipe() -> NoReturn:
    _silence_stdout()
    raise typer.Exit(0)


def _write_json(value: Any) -> None:
    """JSON on stdout: a list one item per line (as export writes records), else indented."""
    import json

    if isinstance(value, list):
        # Indenting switches json to its pure-Python encoder: ten times slower on long lists.
        items = [json.dumps(item, ensure_ascii=False, default=str) for item in value]
        sys.stdout.write("[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n")
        return
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def _source_label(entry: "Entry") -> str:
    label = entry.source.kind
    if entry.overrides:
        label += " (overrides " + ", ".join(o.source.kind for o in entry.overrides) + ")"
    if entry.same_as:
        label += " (same as " + ", ".join(o.source.kind for o in entry.same_as) + ")"
    return label


@app.command("list")
def list_playbooks(
    output: Annotated[
        ListFormat, typer.Option("--format", help="table or json.")
    ] = ListFormat.table,
) -> None:
    """List the playbooks on the search path: id, title, length, sections, where from."""
    from resetkit.errors import InputInvalid
    from resetkit.loader import load_file
    from resetkit.places import discover, search_path

    rows = []
    for entry in discover(search_path()):
        row: dict[str, Any] = {
            "id": entry.id,
            "path": str(entry.path),
            "source": entry.source.kind,
            "overrides": [str(other.path) for other in entry.overrides],
            "same_as": [str(other.path) for other in entry.same_as],
        }
        try:
            playbook = load_file(entry.path)
            row |= {
                "title": playbook.title,
                "duration": playbook.duration,
                "sections": len(playbook.sections),
                "valid": True,
            }
        except InputInvalid as error:
            row |= {
                "title": f"invalid: {len(error.problems)} problem(s), see "
                f"'resetkit validate {entry.path}'",
                "duration": "",
                "sections": None,
                "valid": False,
            }
        row["label"] = _source_label(entry)
        rows.append(row)
    if output is ListFormat.json:
        _write_json([{k: v for k, v in row.items() if k != "label"} for row in rows])
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("ID", "TITLE", "LENGTH", "SECTIONS", "FROM"):
        table.add_column(column, no_wrap=column != "TITLE")
    for row in rows:
        sections = "" if row["sections"] is None else str(row["sections"])
        table.add_row(row["id"], escape(row["title"]), row["duration"], sections, row["label"])
    _console().print(table)


@app.command()
def show(
    playbook: Annotated[str, typer.Argument(help="A playbook id or a path to a .yaml file.")],
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="auto (rich in a terminal, Markdown when piped), rich, md."),
    ] = OutputFormat.auto,
) -> None:
    """Show a playbook's agenda: sections, timeboxes, guidance, questions and branches."""
    from resetkit.loader import load
    from resetkit.render import agenda_markdown

    markdown = agenda_markdown(load(playbook)[0])
    as_rich = output is OutputFormat.rich or (output is OutputFormat.auto and sys.stdout.isatty())
    if not as_rich:
        sys.stdout.write(markdown)
        return
    from rich.markdown import Markdown

    _console().print(Markdown(markdown))


def _validation_targets(paths: list[str]) -> list[tuple[Path, str | None]]:
    """Files to validate with the id their name promises (None when given explicitly)."""
    from resetkit.places import PLAYBOOK_SUFFIXES, discover, looks_like_path, resolve, search_path

    if not paths:
        targets: list[tuple[Path, str | None]] = []
        for entry in discover(search_path()):
            targets += [(entry.path, None)] + [(other.path, None) for other in entry.overrides]
        return targets
    targets = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            targets += [
                (child, None)
                for child in sorted(path.iterdir())
                if child.suffix in PLAYBOOK_SUFFIXES and child.is_file()
            ]
        elif path.exists() or looks_like_path(item):
            targets.append((path, None))
        else:
            targets.append((resolve(item, search_path()), None))
    return targets


@app.command()
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or ids; default: every playbook on the search path."),
    ] = None,
    output: Annotated[
        CheckFormat, typer.Option("--format", help="text or json.")
    ] = CheckFormat.text,
) -> None:
    """Check playbooks; print every problem as file:line:col. Exit 0 if all valid, 1 if not."""
    from resetkit.errors import InputInvalid, Problem
    from resetkit.loader import load_file

    results: list[dict[str, Any]] = []
    for path, _ in _validation_targets(paths or []):
        problems: list[Problem] = []
        try:
            load_file(path)
        except InputInvalid as error:
            problems = error.problems
        results.append({"path": str(path), "valid": not problems, "problems": problems})
    invalid = [result for result in results if not result["valid"]]
    if output is CheckFormat.json:
        _write_json(
            {
                "valid": not invalid,
                "files": [
                    {
                        "path": r["path"],
                        "valid": r["valid"],
                        "problems": [
                            {"line": p.line, "column": p.column, "message": p.message}
                            for p in r["problems"]
                        ],
                    }
                    for r in results
                ],
            }
        )
    else:
        for result in results:
            for problem in result["problems"]:
                sys.stdout.write(f"{problem}\n")
        count = sum(len(r["problems"]) for r in results)
        summary = f"{len(results)} playbook(s) checked: " + (
            f"{len(invalid)} invalid, {count} problem(s)" if invalid else "all valid"
        )
        sys.stderr.write(summary + "\n")
    if invalid:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the playbook format (for editors and CI)."""
    from resetkit.authoring import schema_text
    from resetkit.storage import write_text_atomic

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)
        sys.stderr.write(f"wrote {output}\n")


@app.command()
def new(
    playbook_id: Annotated[str, typer.Argument(metavar="ID", help="The new playbook's id.")],
    source: Annotated[
        str | None, typer.Option("--from", help="Start from a copy of this playbook (id or path).")
    ] = None,
) -> None:
    """Create ./playbooks/ID.yaml, valid as created, ready to edit."""
    from resetkit.authoring import create_playbook

    path = create_playbook(Path.cwd() / "playbooks", playbook_id, source)
    sys.stdout.write(f"{path}\n")
    sys.stderr.write(f"created {path}; check it with 'resetkit validate {path}'\n")


NotesDirOption = Annotated[
    Path | None,
    typer.Option(
        "--notes-dir",
        help="Where notes go (default: $RESETKIT_NOTES_DIR, resetkit.toml, then your data dir).",
    ),
]


@app.command()
def where(notes_dir: NotesDirOption = None) -> None:
    """Show the notes dir and the playbook search path in use, and why."""
    from resetkit.headstart import SCREENS_FOLDER
    from resetkit.index import index_path
    from resetkit.places import cache_dir, find_notes_dir, search_path

    notes = find_notes_dir(notes_dir)
    sys.stdout.write(f"notes      {notes.path}  [{notes.why}]\n")
    for source in search_path():
        present = "" if source.directory.is_dir() else " (not there)"
        sys.stdout.write(f"playbooks  {source.directory}{present}  [{source.why}]\n")
    why = "$RESETKIT_CACHE_DIR" if os.environ.get("RESETKIT_CACHE_DIR") else "your cache dir"
    if os.environ.get("RESETKIT_INDEX") == "off":
        sys.stdout.write("index      off  [$RESETKIT_INDEX]\n")
    else:
        sys.stdout.write(f"index      {index_path(notes.path)}  [{why}; a cache, safe to delete]\n")
    sys.stdout.write(
        f"screens    {cache_dir() / SCREENS_FOLDER}  [{why}; first screens of playbooks "
        "started before, safe to delete]\n"
    )


def _need_terminal(command: str) -> None:
    if not _has_terminal():
        _fail(
            f"'{command}' asks questions and needs a terminal; stdin or stdout is not one "
            "(run it in a terminal)"
        )


def _run_live(run: Any, console: "Console") -> None:
    """Walk, review, finish; print the notes and where they are."""
    run.walk()
    paths = run.finish(run.review())
    if not paths:
        console.print(
            f"Discarded. The record stays in {run.folder}, marked discarded.", markup=False
        )
        return
    from rich.markdown import Markdown
    from rich.rule import Rule

    console.print(Rule("Notes"))
    notes = paths[0].read_text("utf-8").split("---\n", 2)[-1]
    console.print(Markdown(notes))
    console.print(Rule())
    for path in paths:
        console.print(f"wrote {path}", markup=False, highlight=False)
    if any(path.name == "shared.md" for path in paths):
        console.print(
            f"send the customer copy: resetkit share {run.session.id} --eml recap.eml",
            markup=False,
            highlight=False,
        )


def _run_scripted(
    model: Any,
    path: Path,
    text: str,
    customer: str,
    attendees: list[Any],
    notes_dir: Path,
    started: Any,
    sheet: Any,
    earlier: Path | None,
) -> None:
    """A run with every answer known: no prompt, no review; the files written go to stdout."""
    from resetkit.live import Run, review_follow_up
    from resetkit.prompts import ScriptedPrompter
    from resetkit.session import begin

    session, folder = begin(model, path, text, customer, attendees, notes_dir, started)
    quiet = _console(stderr=True)
    quiet.quiet = True
    with _lock_session(folder) as lock:
        if earlier is not None:
            changed = review_follow_up(earlier, session, folder, None, quiet, sheet.review)
            sys.stderr.write(
                f"linked to {session.follows}; the review settled {changed} of its open action "
                "item(s), the others stay open\n"
            )
        run = Run(model, session, folder, ScriptedPrompter(sheet.answers), quiet)
        run.lock = lock
        run.walk()
        written = run.finish("save")
        for path in written:
            sys.stdout.write(f"{path}\n")
    sys.stderr.write(f"session {session.id} complete\n")
    if any(path.name == "shared.md" for path in written):
        sys.stderr.write(f"send the customer copy: resetkit share {session.id} --eml recap.eml\n")


@app.command("answers-template")
def answers_template(
    playbook: Annotated[str, typer.Argument(help="A playbook id or a path to a .yaml file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print a commented answers file for a playbook, to fill in for 'start --answers'."""
    from resetkit.answers import template
    from resetkit.loader import load
    from resetkit.storage import write_text_atomic

    text = template(load(playbook)[0])
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists():
        _fail(f"{output} already exists: choose another name or remove it first")
    write_text_atomic(output, text)
    sys.stderr.write(f"wrote {output}\n")


@app.command()
def start(
    playbook: Annotated[str, typer.Argument(help="A playbook id or a path to a .yaml file.")],
    customer: Annotated[
        str | None, typer.Option("--customer", "-c", help="The customer's name, as written.")
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
) -> None:
    """Run a playbook live: ask its questions, save every answer, write the notes."""
    from datetime import datetime

    from resetkit.checks import split_attendee
    from resetkit.places import find_notes_dir, read_text, resolve, search_path

    started = datetime.now().astimezone()
    if no_input and answers is None:
        _fail("--no-input needs --answers FILE: there is nowhere else for answers to come from")
    people = [split_attendee(text) for text in attendee or []]
    path = resolve(playbook, search_path())
    text = read_text(path)
    notes = find_notes_dir(notes_dir)
    if answers is None and follow_up is None and _has_terminal():
        from resetkit.headstart import recall

        screen = recall(path, text)
        if screen is not None:
            _start_from_first_screen(screen, path, text, customer, people, notes.path, started)
            return

    from resetkit.answers import AnswerSheet, check_sheet, missing, read_answers
    from resetkit.headstart import remember
    from resetkit.live import Run, first_screen, review_follow_up
    from resetkit.loader import load_file
    from resetkit.prompts import TerminalPrompter
    from resetkit.session import Attendee, begin, find_session
    from resetkit.session import load as load_session

    model = load_file(path, text)
    attendees = [Attendee(name=name, role=role) for name, role in people]
    earlier = find_session(notes.path, follow_up) if follow_up else None
    sheet = AnswerSheet()
    if answers is not None:
        followed = None
        if earlier is not None:
            previous = load_session(earlier)
            followed = (previous.id, [i.id for i in previous.action_items() if i.status == "open"])
        sheet = check_sheet(
            read_answers(answers), model, started.date(), complete=no_input, follow_up=followed
        )
        customer = customer or sheet.customer
        attendees = attendees or sheet.attendees
    # In a terminal a person is there to review the answers before they are saved, even when
    # the file has them all; --no-input (or no terminal) asks nothing and reviews nothing.
    scripted_only = no_input or not _has_terminal()
    if answers is not None and customer and not missing(model, sheet.answers) and scripted_only:
        if earlier is not None and not other_customer:
            _follows_other_customer(earlier, customer, can_ask=False)
        scripted = (model, path, text, customer, attendees, notes.path, started)
        _run_scripted(*scripted, sheet, earlier)
        return
    if no_input:
        _fail("no customer: pass --customer NAME or put 'customer:' in the answers file")
    if not _has_terminal():
        if answers is not None:
            left = ", ".join(q.id for q in missing(model, sheet.answers)) or "the customer"
            _fail(
                f"answers missing for {left}, and there is no terminal to ask in: add them "
                "to the answers file, or pass --no-input to skip optional ones"
            )
        _need_terminal("resetkit start")
    person = TerminalPrompter()
    console = _console()
    customer = _customer_or_ask(customer, person)
    if earlier is not None and not other_customer:
        _follows_other_customer(earlier, customer, can_ask=True)
    session, folder = begin(model, path, text, customer, attendees, notes.path, started)
    with _lock_session(folder) as lock:
        _print_header(console, model.title, customer, session.id)
        if (screen := first_screen(model)) is not None:
            remember(path, text, screen)  # the next start of this playbook text draws it sooner
        if earlier is not None:
            review_follow_up(earlier, session, folder, person, console, sheet.review)
        run = Run(model, session, folder, person, console)
        run.lock = lock
        if sheet.answers:
            taken = run.take_answers(sheet.answers)
            source = "standard input" if answers == "-" else answers
            console.print(
                f"{taken} answer(s) taken from {source}; the review at the end shows them all.",
                markup=False,
                highlight=False,
            )
        _run_live(run, console)


def _follows_other_customer(earlier: Path, customer: str, *, can_ask: bool) -> None:
    """A follow-up of another customer's session: asked in a terminal, refused in a script."""
    from resetkit.live import OtherCustomer, refuse_other_customer

    try:
        refuse_other_customer(earlier, customer)
    except OtherCustomer as error:
        if not can_ask:
            raise
        if not _confirm(f"{error.message}. Follow it up anyway?"):
            _fail("not started: nothing was written", 0)


def _has_terminal() -> bool:
    """Whether a person can be asked: both stdin and stdout are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _customer_or_ask(customer: str | None, person: Any) -> str:
    """The customer's name as given, else as typed at a prompt."""
    if customer is not None and customer.strip():
        return customer
    from resetkit.prompts import Interrupted

    try:
        typed = person.line("Customer name?", CUSTOMER_NAME_NEEDED)
    except (KeyboardInterrupt, EOFError, Interrupted):
        _fail("interrupted before the session started; nothing was saved", 130)
    return str(typed)


def _confirm(question: str) -> bool:
    """A yes or no from the person at the terminal (default no); Ctrl-C changes nothing."""
    import questionary

    try:
        return bool(questionary.confirm(question, default=False).unsafe_ask())
    except (KeyboardInterrupt, EOFError):
        _fail("interrupted: nothing changed", 130)


CUSTOMER_NAME_NEEDED = (
    "a blank name is refused: type the customer's name; the notes and their folder carry it"
)


def _print_header(console: "Console", title: str, customer: str, session_id: str) -> None:
    from rich.markup import escape

    console.print(
        f"[bold]{escape(title)}[/] with {escape(customer.strip())} · session {session_id}",
        highlight=False,
    )


def _start_from_first_screen(
    screen: "FirstScreen",
    path: Path,
    text: str,
    customer: str | None,
    people: list[tuple[str, str]],
    notes_dir: Path,
    started: "datetime",
) -> None:
    """`start` for a playbook seen before: its first screen shows while the models build."""
    from resetkit.headstart import Background, ask_first
    from resetkit.places import reserve_folder, session_id
    from resetkit.prompts import TerminalPrompter

    person = TerminalPrompter()
    console = _console()
    customer = _customer_or_ask(customer, person)
    folder = reserve_folder(notes_dir, customer, started.date(), screen.playbook_id)
    with _lock_session(folder) as lock:
        _print_header(console, screen.title, customer, session_id(folder))

        def build() -> "Run":
            from resetkit.live import open_run

            return open_run(path, text, customer, people, folder, started, person, console)

        background = Background(build)
        try:
            entered, answered, draft = ask_first(
                screen, person, console, started.date(), background
            )
        except BaseException:
            # Exiting while the thread still imports can abort the interpreter at shutdown.
            background.wait()
            raise
        run = background.result()
        run.lock = lock
        first = str(screen.question["id"])
        run.take_over(screen.section_id, entered, answered, (first, draft) if draft else None)
        _run_live(run, console)


@app.command()
def resume(
    session_ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[SESSION]",
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
) -> None:
    """Continue an interrupted session at its first unanswered question."""
    from rich.markup import escape

    from resetkit.live import Run, finish_review, fit_answers
    from resetkit.places import find_notes_dir, read_text
    from resetkit.prompts import TerminalPrompter
    from resetkit.session import find_session, playbook_hash, playbook_of, salvage

    folder = find_session(find_notes_dir(notes_dir).path, session_ref)
    first_look, told = salvage(folder)  # to refuse before asking anything
    for notice in told:
        sys.stderr.write(f"resetkit: {notice}\n")
    _resumable(first_look)
    _need_terminal("resetkit resume")
    with _lock_session(folder, take_over) as lock:
        # Read again under the lock: the terminal it was taken from may have saved since.
        session, damage = salvage(folder)
        for notice in damage:
            if notice not in told:
                sys.stderr.write(f"resetkit: {notice}\n")
        _resumable(session)
        model, path = playbook_of(session)
        console = _console()
        changed = playbook_hash(read_text(path)) != session.playbook_hash
        if changed:
            console.print(
                f"[yellow]The playbook '{model.id}' changed since this session started; "
                "carrying on with the answers that still fit.[/]"
            )
        if changed or damage:
            for notice in fit_answers(model, session.answers, session.started_at.date()):
                console.print(f"[yellow]{escape(notice)}[/]", highlight=False)
            session.playbook_hash = playbook_hash(read_text(path))
            session.playbook_version = model.version
        console.print(
            f"Resuming [bold]{escape(model.title)}[/] with {escape(session.customer)}: "
            f"{len(session.answers)} answer(s) kept.",
            highlight=False,
        )
        person = TerminalPrompter()
        finish_review(find_notes_dir(notes_dir).path, session, folder, person, console)
        run = Run(model, session, folder, person, console)
        run.lock = lock
        _run_live(run, console)


def _resumable(session: Any) -> None:
    """Refuse a session that is not in progress."""
    if session.status != "in_progress":
        _fail(
            f"session {session.id} is {session.status.replace('_', ' ')}; only a session in "
            "progress can be resumed"
        )


def _lock_session(folder: Path, take_over: bool = False) -> "SessionLock":
    """The session's lock, held by this run; a lock held elsewhere is taken only knowingly."""
    from resetkit.session import SessionLock, SessionLocked

    lock = SessionLock(folder)
    try:
        lock.acquire(take_over=take_over)
    except SessionLocked as error:
        if not _has_terminal():
            raise
        sys.stderr.write(f"resetkit: {error.message}\n")
        if not _confirm("Take it over here? Answers typed there from now on are not saved."):
            _fail("not resumed: nothing changed", 0)
        lock.acquire(take_over=True)
    return lock


def main() -> None:
    """The console script: run the app; a reader that goes away ends it quietly, exit 0."""
    try:
        try:
            if sys.argv[1:] == ["--version"]:
                # The one answer that needs no command tree: skip building it.
                sys.stdout.write(f"resetkit {__version__}\n")
                return
            app()
        finally:
            # Flushed here, where a closed pipe can still be caught, not at interpreter exit.
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)


def _silence_stdout() -> None:
    """After a closed pipe: stdout goes to devnull, so Python's flush at exit cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# --- history: sessions, export, actions, render -----------------------------------------------


def _reads_history(command: Callable[..., None]) -> Callable[..., None]:
    """For commands that read every record: the cyclic collector stays off until they end.

    What they read lives until they exit and forms no cycles; left on, the collector walks it
    again and again (measured: a fifth of `actions` at 100,000 sessions).
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        from resetkit.history import paused_gc

        with paused_gc():
            command(*args, **kwargs)

    return run


CustomerFilter = Annotated[
    str | None, typer.Option("--customer", help="Only customers whose name contains this.")
]
PlaybookFilter = Annotated[str | None, typer.Option("--playbook", help="Only this playbook id.")]
StatusFilter = Annotated[
    str | None, typer.Option("--status", help="in_progress, complete or discarded.")
]
SinceFilter = Annotated[
    str | None, typer.Option("--since", help="From this day on: 2026-10-01, today, or 30d ago.")
]
UntilFilter = Annotated[str | None, typer.Option("--until", help="Up to this day, included.")]


def _filters(
    customer: str | None,
    playbook: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Any:
    from resetkit.history import Filters, parse_day

    if status is not None and status not in ("in_progress", "complete", "discarded"):
        _fail(f"--status {status!r}: use in_progress, complete or discarded")
    return Filters(
        customer=customer,
        playbook=playbook,
        status=status,
        since=parse_day(since, "--since") if since else None,
        until=parse_day(until, "--until") if until else None,
    )


def _read(notes_dir: Path | None, filters: Any, *, with_raw: bool = True) -> list[Any]:
    """Sessions passing the filters; damaged records are named on stderr and skipped."""
    from resetkit.history import read_sessions
    from resetkit.places import find_notes_dir

    stored, warnings = read_sessions(find_notes_dir(notes_dir).path, filters, with_raw=with_raw)
    for warning in warnings:
        sys.stderr.write(f"resetkit: {warning}\n")
    return stored


def _emit(text: str | bytes, output: Path | None) -> None:
    """Output to stdout, or atomically to a file."""
    payload = text.encode("utf-8") if isinstance(text, str) else text
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    from resetkit.storage import write_bytes_atomic

    write_bytes_atomic(output, payload)
    sys.stderr.write(f"wrote {output}\n")


def _one_line(cell: str) -> str:
    """A table cell with no tab or line break left in it (most have none: check first)."""
    return cell if cell.isprintable() else " ".join(cell.split())


def _table(columns: list[str], rows: list[list[str]], droppable: tuple[str, ...] = ()) -> None:
    """Rows as a rich table in a terminal; as tab-separated lines when piped or long.

    The first column is an id that other commands take, so it is always shown whole: in a
    narrow terminal the other columns wrap, and the `droppable` ones (in that order) are left
    out while the table would not fit.
    """
    if not sys.stdout.isatty() or len(rows) > 500:
        # rich lays a long table out slowly, and a pipe wants lines a script can split.
        lines = ["\t".join(columns)] + ["\t".join(map(_one_line, r)) for r in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    # The narrowest each column can be: the id whole, the others as wide as their longest word.
    narrowest = [max(len(cell) for cell in [columns[0]] + [row[0] for row in rows])]
    for number, column in enumerate(columns[1:], start=1):
        words = [word for row in rows for word in row[number].split()]
        narrowest.append(max([len(column)] + [len(word) for word in words]))
    shown = list(range(len(columns)))
    for name in droppable:
        if sum(narrowest[n] for n in shown) + 2 * (len(shown) - 1) <= console.width:
            break
        shown.remove(columns.index(name))
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(columns[0], no_wrap=True, min_width=narrowest[0])
    for number in shown[1:]:
        table.add_column(columns[number])
    for row in rows:
        table.add_row(*(escape(row[number]) for number in shown))
    console.print(table)


class SessionsFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
@_reads_history
def sessions(
    customer: CustomerFilter = None,
    playbook: PlaybookFilter = None,
    status: StatusFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    output: Annotated[
        SessionsFormat, typer.Option("--format", help="table or json.")
    ] = SessionsFormat.table,
    notes_dir: NotesDirOption = None,
) -> None:
    """List sessions: id, date, customer, playbook, status, outcome, minutes."""
    from resetkit.history import export_json, session_row

    stored = _read(notes_dir, _filters(customer, playbook, status, since, until))
    if output is SessionsFormat.json:
        _emit(export_json(stored), None)
        return
    rows = [session_row(item) for item in stored]
    _table(
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
        # The id holds the date, playbook and customer: those go first in a narrow terminal.
        droppable=("DATE", "PLAYBOOK", "MINUTES", "OUTCOME", "CUSTOMER", "STATUS"),
    )


class ExportFormat(StrEnum):
    md = "md"
    json = "json"
    csv = "csv"


@app.command()
@_reads_history
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
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    notes_dir: NotesDirOption = None,
) -> None:
    """Export sessions as one Markdown document, a JSON array or CSV."""
    from resetkit.history import export_csv, export_json, export_markdown

    stored = _read(notes_dir, _filters(customer, playbook, status, since, until))
    if actions and output_format is not ExportFormat.csv:
        _fail("--actions goes with --format csv")
    text: str | bytes
    if output_format is ExportFormat.json:
        text = export_json(stored)
    elif output_format is ExportFormat.csv:
        text = export_csv(stored, actions=actions)
    else:
        title = "resetkit export" + (f": {playbook}" if playbook else "")
        text = export_markdown(stored, title)
    _emit(text, output)


actions_app = typer.Typer(
    cls=_Commands,
    help="Open action items across sessions; mark them done or move them.",
    rich_markup_mode=None,
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(actions_app, name="actions")


@actions_app.callback()
@_reads_history
def actions_list(
    ctx: typer.Context,
    owner: Annotated[
        str | None, typer.Option("--owner", help="us, customer, both, or the owner's name.")
    ] = None,
    customer: CustomerFilter = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    due_within: Annotated[
        str | None, typer.Option("--due-within", help="Only those due within a span, like 7d.")
    ] = None,
    output: Annotated[
        SessionsFormat, typer.Option("--format", help="table or json.")
    ] = SessionsFormat.table,
    notes_dir: NotesDirOption = None,
) -> None:
    """List open action items across sessions, overdue first."""
    if ctx.invoked_subcommand is not None:
        return
    from resetkit.history import action_json, open_actions, parse_span

    span = parse_span(due_within) if due_within else None
    stored = _read(notes_dir, _filters(customer), with_raw=False)
    found = open_actions(stored, owner=owner, overdue=overdue, due_within=span)
    if output is SessionsFormat.json:
        _write_json([action_json(item) for item in found])
        return
    rows = []
    for item in found:
        row = action_json(item)
        due = row["due"] or "-"
        if item.overdue_days:
            due += f" ({item.overdue_days}d late)"
        who = row["owner"] + (f": {row['owner_name']}" if row["owner_name"] else "")
        critical = "yes" if row["critical_path"] == "yes" else ""
        rows.append([row["action_id"], due, row["customer"], row["what"], who, critical])
    _table(["ID", "DUE", "CUSTOMER", "ACTION", "OWNER", "CRITICAL"], rows)


def _change_action(notes_dir: Path | None, action_id: str, event: Any, new_due: Any) -> None:
    from resetkit.history import change_action, find_action
    from resetkit.notes import write_action_plan
    from resetkit.places import find_notes_dir

    stored, action = find_action(find_notes_dir(notes_dir).path, action_id)
    if event.kind == "moved":
        event.from_due = action.due
    session = change_action(stored.folder, stored.session, action.id, event, new_due=new_due)
    plan = write_action_plan(session, stored.folder)
    sys.stderr.write(f"{action.id} {event.kind}: {' '.join(action.what.split())}\n")
    if plan is None:
        sys.stderr.write(
            f"resetkit: {stored.folder / 'action-plan.md'} was edited by hand and is left as "
            f"it is; 'resetkit render {session.id} --force' rebuilds it\n"
        )


@actions_app.command("done")
def actions_done(
    action_id: Annotated[str, typer.Argument(metavar="ID", help="The action item's id.")],
    note: Annotated[str, typer.Option("--note", help="What came of it.")] = "",
    notes_dir: NotesDirOption = None,
) -> None:
    """Mark an action item done; its session's action plan is rebuilt."""
    from resetkit.history import now
    from resetkit.session import ActionEvent

    _change_action(notes_dir, action_id, ActionEvent(at=now(), kind="done", note=note), None)


@actions_app.command("move")
def actions_move(
    action_id: Annotated[str, typer.Argument(metavar="ID", help="The action item's id.")],
    due: Annotated[str, typer.Option("--due", help="The new due date: 2026-12-01 or +14d.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it slips (recorded and shown).")],
    allow_past: Annotated[
        bool,
        typer.Option("--allow-past", help="Allow a due date before today without asking."),
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Move an action item's due date, recording the slip and its reason."""
    from datetime import date

    from resetkit.dates import resolve_date
    from resetkit.history import DateInThePast, now, refuse_past_due
    from resetkit.session import ActionEvent

    if not reason.strip():
        _fail("--reason must say why the date slips: it is shown in the action plan")
    try:
        new_due = resolve_date(due.strip(), date.today())
    except ValueError:
        _fail(f"--due {due!r} is not a date: write 2026-12-01 or +14d")
    try:
        refuse_past_due(new_due, date.today())
    except DateInThePast as error:
        if not allow_past:
            if not _has_terminal():
                raise
            if not _confirm(f"{error.message}. Move the item there anyway?"):
                sys.stderr.write("not moved: nothing changed\n")
                return
    event = ActionEvent(at=now(), kind="moved", note=reason.strip(), to_due=new_due)
    _change_action(notes_dir, action_id, event, new_due)


@app.command()
def render(
    session_ref: Annotated[
        str,
        typer.Argument(metavar="SESSION", help="Session id (customer/date-playbook) or folder."),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite notes edited by hand since written.")
    ] = False,
    notes_dir: NotesDirOption = None,
) -> None:
    """Rebuild a session's notes.md, action-plan.md and shared.md (if it has a recap)."""
    from resetkit.notes import write_notes
    from resetkit.places import find_notes_dir
    from resetkit.session import open_session, playbook_of

    folder, session = open_session(find_notes_dir(notes_dir).path, session_ref, "complete")
    model, _ = playbook_of(session)
    for path in write_notes(session, model, folder, force=force):
        sys.stdout.write(f"{path}\n")


class ShareFormat(StrEnum):
    auto = "auto"
    md = "md"
    text = "text"


@app.command()
def share(
    session_ref: Annotated[
        str,
        typer.Argument(metavar="SESSION", help="Session id (customer/date-playbook) or folder."),
    ],
    eml: Annotated[
        Path | None,
        typer.Option(
            "--eml", metavar="FILE", help="Write it as an email draft to FILE (never overwrites)."
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
    from resetkit.notes import customer_copy
    from resetkit.places import find_notes_dir
    from resetkit.session import open_session, playbook_of

    folder, session = open_session(find_notes_dir(notes_dir).path, session_ref, "complete")
    model, _ = playbook_of(session)
    markdown, edited = customer_copy(session, model, folder)
    if edited:
        sys.stderr.write(f"resetkit: using {folder / 'shared.md'} as you edited it\n")
    if eml is not None:
        from resetkit.recap import recap_email
        from resetkit.storage import write_bytes_atomic

        if output is not ShareFormat.auto:
            _fail("--format goes without --eml: the draft holds both Markdown and HTML")
        if eml.exists():
            _fail(f"{eml} already exists: choose another name or remove it first")
        write_bytes_atomic(eml, recap_email(session, model, markdown=markdown, sender=sender))
        sys.stderr.write(f"wrote {eml}\n")
        return
    if sender is not None:
        _fail("--from goes with --eml: it is the sender of the email draft")
    if output is ShareFormat.text and not edited:
        from resetkit.recap import recap_markdown

        markdown = recap_markdown(session, model, plain=True)
    if output is not ShareFormat.auto or not sys.stdout.isatty():
        _emit(markdown, None)
        return
    from rich.markdown import Markdown

    _console().print(Markdown(markdown))


class ReportFormat(StrEnum):
    chart = "chart"
    json = "json"
    csv = "csv"


@app.command()
@_reads_history
def report(
    customer: CustomerFilter = None,
    playbook: PlaybookFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    output: Annotated[
        ReportFormat, typer.Option("--format", help="chart (in the terminal), json or csv.")
    ] = ReportFormat.chart,
    notes_dir: NotesDirOption = None,
) -> None:
    """Time spent and outcomes per customer and per playbook, over complete sessions."""
    from resetkit.history import report as tally
    from resetkit.history import report_csv

    tallies = tally(_read(notes_dir, _filters(customer, playbook, None, since, until)))
    if output is ReportFormat.json:
        _write_json({kind: [t.as_json() for t in rows] for kind, rows in tallies.items()})
        return
    if output is ReportFormat.csv:
        _emit(report_csv(tallies), None)
        return
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    for kind, rows in tallies.items():
        table = Table(
            title=f"Time spent by {kind.removesuffix('s')}",
            box=None,
            header_style="bold",
            title_justify="left",
        )
        table.add_column("NAME", overflow="fold")
        table.add_column("MEETINGS", justify="right")
        table.add_column("HOURS", justify="right")
        table.add_column("", no_wrap=True)
        table.add_column("MOST FREQUENT OUTCOMES", overflow="fold")
        longest = max((t.minutes for t in rows), default=0) or 1
        for t in rows[:25]:
            bar = "█" * max(1, round(20 * t.minutes / longest)) if t.minutes else ""
            common = sorted((t.outcomes or {}).items(), key=lambda kv: (-kv[1], kv[0]))
            outcomes = ", ".join(f"{k} {v}" for k, v in common[:3])
            if len(common) > 3:
                outcomes += ", …"
            table.add_row(
                escape(t.name),
                str(t.meetings),
                f"{t.minutes / 60:.1f}",
                f"[cyan]{bar}[/]",
                escape(outcomes),
            )
        if len(rows) > 25:
            table.caption = f"and {len(rows) - 25} more (see --format csv)"
        console.print(table)
        console.print()
