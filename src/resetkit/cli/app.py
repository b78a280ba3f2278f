"""The Typer app, its one error handler and the console script."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import functools
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from resetkit import __version__
from resetkit.errors import EXIT_USAGE, ResetkitError

# resetkit uses no pydantic plugins; without this, pydantic scans every installed package's
# entry points for them (about 20 ms of every `resetkit start`). An explicit setting wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

INTERNAL_ERROR = 70


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    from resetkit.controls import visible

    # A message may quote a name or an answer: what it holds is shown, never acted on.
    sys.stderr.write(f"resetkit: {visible(message)}\n")
    raise typer.Exit(code)


def _crash_report(error: BaseException) -> tuple[str | None, str]:
    """Write the traceback to a log file for a bug report: the file's path, or None and why
    none could be written (no usable temp dir, a full disk). Never raises."""
    try:
        import tempfile
        import traceback

        details = "".join(traceback.format_exception(error))
        with tempfile.NamedTemporaryFile(
            "w", prefix="resetkit-crash-", suffix=".log", delete=False, encoding="utf-8"
        ) as log:
            log.write(details)
        return log.name, ""
    except Exception as failure:
        return None, _named(failure)


def _named(error: BaseException) -> str:
    """An error as its type and first words, on one line."""
    text = str(error)
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror + (f": {error.filename}" if error.filename else "")
    text = " ".join(text.split())
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _original(error: BaseException) -> BaseException:
    """The error this one was raised while handling, if any: a cleanup that fails on the way
    out (a lock, a temp dir) must not hide the bug that made it run."""
    while error.__context__ is not None and not error.__suppress_context__:
        if error.__cause__ is not None:
            break
        error = error.__context__
    return error


def _is_internal(error: BaseException) -> bool:
    """Whether an error is a bug of ours rather than something the user can act on."""
    expected = (ResetkitError, OSError, _USAGE_ERROR, typer.Exit, typer.Abort, EOFError)
    return isinstance(error, Exception) and not isinstance(error, expected)


def _internal_error_lines(error: BaseException) -> list[str]:
    """The line an unexpected error prints, naming it (the first of a chain, when a cleanup
    failed on the way out); a second line when no log could be written."""
    original = _original(error)
    named = _named(original if _is_internal(original) else error)
    log, failure = _crash_report(error)
    if log is None:
        return [
            f"internal error ({named}); nothing you typed is lost. "
            "Please report it with the command you ran",
            f"no crash log could be written ({failure})",
        ]
    return [
        f"internal error ({named}); nothing you typed is lost. Please report it with the "
        f"details in {log}"
    ]


def _internal_error(error: BaseException) -> NoReturn:
    from resetkit.controls import visible

    for line in _internal_error_lines(error):
        sys.stderr.write(f"resetkit: {visible(line)}\n")
    raise typer.Exit(INTERNAL_ERROR) from None


_USAGE_ERROR: type[Exception] = typer.BadParameter.__mro__[1]


def _usage_line(error: Exception) -> NoReturn:
    """A bad option or argument as one line (click prints usage, a hint and the error on four),
    exit 2; `resetkit` alone still prints its help."""
    if type(error).__name__ == "NoArgsIsHelpError":
        raise error
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else "resetkit"
    message = str(getattr(error, "format_message", lambda: str(error))())
    message = message[:1].lower() + message[1:].rstrip(".")
    fail(f"{message} (see '{command} -h')", EXIT_USAGE)


# Each command's line in `-h`, short enough to fit whole at 80 columns beside the longest
# command name (a test checks every one); a command's own help says the rest.
SUMMARIES = {
    "list": "List the playbooks you can run: id, title, length.",
    "show": "Show a playbook's agenda: sections and timeboxes.",
    "validate": "Check playbooks; print each problem at file:line:col.",
    "schema": "Print the JSON Schema of the playbook format.",
    "new": "Create ./playbooks/ID.yaml, valid and ready to edit.",
    "where": "Show the notes dir and the playbook search path.",
    "answers-template": "Print an answers file to fill in for a playbook.",
    "preview": "Write what an answers file makes, with no session.",
    "start": "Run a playbook live, saving every answer as you go.",
    "resume": "Continue an interrupted session where it stopped.",
    "discard": "End a session in progress without finishing it.",
    "sessions": "List sessions: in progress first, then the newest.",
    "export": "Export sessions as Markdown, JSON or CSV.",
    "render": "Rebuild a session's notes, action plan and copy.",
    "share": "Show a session's customer copy, or draft its email.",
    "report": "Time and outcomes per customer and per playbook.",
    "timing": "Minutes per section against its timebox.",
    "due": "What is overdue or due soon, and meetings coming.",
    "calendar": "Action items and follow-ups as an .ics calendar.",
    "ledger": "The promises each side kept, per customer.",
    "brief": "What to read before a call with one customer.",
    "actions": "Open action items; mark them done, move, drop them.",
    "team": "Share the notes dir with a team in git.",
    "customer": "Rename a customer in every session of its history.",
    "customer rename": "Give a customer's sessions a new name; notes rebuilt.",
    "team init": "Set up this git repository to share notes.",
    "team repair": "Merge the records a git merge left in conflict.",
    "actions done": "Mark an action item done.",
    "actions drop": "Drop an item that will not be done, saying why.",
    "actions reopen": "Open a done or dropped item again.",
    "actions settle": "Clear an item's ⚑ once you have looked at it.",
    "actions move": "Move an item's due date, saying why.",
    "actions show": "Everything about one action item and its changes.",
}

# What an option's value is called in `-h` when the option names none: plain words.
_VALUE_WORDS = {"text": "TEXT", "str": "TEXT", "path": "PATH", "integer": "N", "float": "NUMBER"}


def _plain_metavars(command: Any) -> None:
    """Arguments shown as `CUSTOMER` and `[SESSION]`, not `{customer}`; option values as a
    word (`TEXT`, `PATH`) or their choices (`table|json`). (Typer carries its own copy of
    click, so the parameters are told apart by their kind, not their class.)"""
    for param in getattr(command, "params", []):
        if param.param_type_name == "argument":
            word = (param.metavar or (param.name or "").upper()).strip("[]")
            shown = word if param.required else f"[{word}]"
            param.metavar = shown

            def plain(ctx: Any = None, usage: bool = False, shown: str = shown) -> str:
                return shown

            param.make_metavar = plain
        elif param.param_type_name == "option" and param.metavar is None and not param.is_flag:
            choices = getattr(param.type, "choices", None)
            if choices:
                param.metavar = "|".join(str(choice) for choice in choices)
            else:
                param.metavar = _VALUE_WORDS.get(param.type.name, param.type.name.upper())


def dress(command: Any, group: str | None, name: str) -> None:
    """A command as `-h` shows it: its one-line summary from SUMMARIES (a subcommand's keyed
    by its group, "actions show"), plain metavars."""
    nested = any(key.startswith(f"{group} ") for key in SUMMARIES)
    summary = SUMMARIES.get(f"{group} {name}" if nested else name)
    if not command.short_help and summary:
        command.short_help = summary
    _plain_metavars(command)


class Commands(TyperGroup):
    """The command group, with the one place where errors become a line and an exit code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, command in self.commands.items():
            dress(command, self.name, name)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            dress(command, self.name, cmd_name)
        return command

    def get_help(self, ctx: Any) -> str:
        _plain_metavars(self)
        return str(super().get_help(ctx))

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except _USAGE_ERROR as error:
            _usage_line(error)
        except BrokenPipeError:
            # `resetkit --help | head -1`: the help is printed while the line is parsed.
            silence_stdout()
            raise typer.Exit(0) from None

    def invoke(self, ctx: Any) -> Any:
        from resetkit.errors import InputInvalid

        try:
            try:
                return super().invoke(ctx)
            except OSError as error:
                # A file or folder that fails while a bug unwinds (a cleanup, a lock) is not
                # the user's to fix: the bug is. A ResetkitError is always deliberate.
                if error is not _original(error) and _is_internal(_original(error)):
                    _internal_error(error)
                raise
        except InputInvalid as error:
            from resetkit.controls import visible

            for problem in error.problems:
                sys.stderr.write(f"resetkit: {visible(str(problem))}\n")
            raise typer.Exit(error.exit_code) from None
        except ResetkitError as error:
            fail(str(error), error.exit_code)
        except _USAGE_ERROR as error:
            _usage_line(error)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt, EOFError):
            raise
        except BrokenPipeError:
            # The reader has gone (`| head -1`): it has what it wanted, so end quietly.
            silence_stdout()
            raise typer.Exit(0) from None
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            fail(f"{error.strerror or error}{where}: check the path and its permissions")
        except Exception as error:
            _internal_error(error)


COMMAND_TABLE = Path(__file__).with_name("commands.json")


@functools.cache
def command_table() -> dict[str, dict[str, str]]:
    """Each command's module (and whether it is hidden), by name, in the order `--help` lists
    them; their summaries are SUMMARIES.

    Kept in commands.json so that `resetkit --help`, a Tab and every command import only the
    module they need (tests/test_cli_table.py keeps it equal to the commands; regenerate with
    RESETKIT_REGENERATE=1)."""
    import json

    rows: list[dict[str, str]] = json.loads(COMMAND_TABLE.read_text("utf-8"))
    return {row["name"]: row for row in rows}


class LazyCommands(Commands):
    """The root group: a command's module is imported when the command is asked for, as
    Click documents for large command-line tools; `--help` lists them from command_table()."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(command_table())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        row = command_table().get(cmd_name)
        if cmd_name not in self.commands and row is not None:
            importlib.import_module(f"resetkit.cli.{row['module']}")
            self.adopt_registered()
        return super().get_command(ctx, cmd_name)  # dressed as `-h` shows it (Commands)

    def adopt_registered(self) -> None:
        """Make click commands of those the imported modules added to the app."""
        from typer.main import get_command_from_info, get_command_name, get_group_from_info

        for info in app.registered_commands:
            assert info.callback is not None
            name = info.name or get_command_name(info.callback.__name__)
            if name not in self.commands:
                self.commands[name] = get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )
                dress(self.commands[name], self.name, name)
        for group in app.registered_groups:
            if group.name not in self.commands:
                self.commands[str(group.name)] = get_group_from_info(
                    group,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                    suggest_commands=app.suggest_commands,
                )
                dress(self.commands[str(group.name)], self.name, str(group.name))

    def every_command(self) -> dict[str, Any]:
        """Every command, each module imported: for a typo's suggestions, and the tests."""
        for name, row in command_table().items():
            if name not in self.commands:
                importlib.import_module(f"resetkit.cli.{row['module']}")
        self.adopt_registered()
        return dict(self.commands)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in command_table():
            self.every_command()  # so that click can suggest the closest
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = command_table().items()
        listed = [(name, SUMMARIES[name]) for name, row in rows if not row.get("hidden")]
        with formatter.section("Commands"):
            formatter.write_dl(listed)


app = typer.Typer(
    cls=LazyCommands,
    help="Playbooks for the hard customer conversations: run them live, keep the notes.",
    no_args_is_help=True,
    add_completion=True,
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


def main() -> None:
    """The console script: run the app; a reader that goes away ends it quietly, exit 0."""
    from resetkit.cli.wrapped import wrap_terminal_stderr

    sys.stderr = wrap_terminal_stderr(sys.stderr)
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
            sys.stderr.flush()
    except BrokenPipeError:
        silence_stdout()
        sys.exit(0)


def silence_stdout() -> None:
    """After a closed pipe: stdout goes to devnull, so Python's flush at exit cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
