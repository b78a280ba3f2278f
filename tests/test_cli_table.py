"""The command table (cli/commands.json) the app lists and loads commands from: equal to the
commands the modules define, and `--help` built from it reads exactly as click builds it."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys

from resetkit.cli.app import COMMAND_TABLE, LazyCommands, app

# The modules of commands, in the order `resetkit --help` lists them; a command added in a new
# module is refused until the module is named here.
MODULES = ("playbooks", "run", "sessions", "share", "between", "actions", "customers", "team")


def _summary(command: object) -> dict[str, object]:
    return {"hidden": True} if getattr(command, "hidden", False) else {}


def the_table_the_modules_make() -> list[dict[str, object]]:
    """Every command the modules define, with its module and summary, in --help's order."""
    import typer.main

    for module in MODULES:
        importlib.import_module(f"resetkit.cli.{module}")
    root = typer.main.get_command(app)
    assert isinstance(root, LazyCommands)
    root.every_command()
    placed: dict[str, list[dict[str, object]]] = {module: [] for module in MODULES}
    for info in app.registered_commands:
        assert info.callback is not None
        module = info.callback.__module__.rsplit(".", 1)[-1]
        assert module in placed, f"a command in cli/{module}.py: add it to MODULES"
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        placed[module].append({"name": name, "module": module, **_summary(root.commands[name])})
    for group in app.registered_groups:
        first = group.typer_instance.registered_commands[0].callback  # type: ignore[union-attr]
        module = first.__module__.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        name = str(group.name)
        placed[module].append({"name": name, "module": module, **_summary(root.commands[name])})
    groups = {str(group.name) for group in app.registered_groups}
    rows = [row for module in MODULES for row in placed[module]]
    # click lists a group's subcommands after its commands, as the app always has.
    return [row for row in rows if row["name"] not in groups] + [
        row for row in rows if row["name"] in groups
    ]


def test_every_command_has_a_summary_that_fits_at_80_columns() -> None:
    from resetkit.cli.app import SUMMARIES

    rows = the_table_the_modules_make()
    longest = max(len(str(row["name"])) for row in rows)
    for row in rows:
        if not row.get("hidden"):
            assert 2 + longest + 2 + len(SUMMARIES[str(row["name"])]) <= 80, row["name"]


def test_the_command_table_is_the_commands_the_modules_define() -> None:
    """Set RESETKIT_REGENERATE=1 to rewrite cli/commands.json after adding or changing one."""
    made = the_table_the_modules_make()
    if os.environ.get("RESETKIT_REGENERATE") == "1":
        COMMAND_TABLE.write_text(json.dumps(made, indent=2, ensure_ascii=False) + "\n", "utf-8")
    kept = json.loads(COMMAND_TABLE.read_text("utf-8"))
    assert kept == made, (
        "cli/commands.json is out of date: RESETKIT_REGENERATE=1 pytest tests/test_cli_table.py"
    )


def test_help_from_the_table_reads_as_click_writes_it_at_any_width() -> None:
    import typer.main
    from typer._click import Context, HelpFormatter
    from typer.core import TyperGroup

    the_table_the_modules_make()
    root = typer.main.get_command(app)
    assert isinstance(root, LazyCommands)
    root.every_command()
    for width in (60, 80, 100, 200):
        ours, clicks = HelpFormatter(width=width), HelpFormatter(width=width)
        context = Context(root, info_name="resetkit")
        root.format_commands(context, ours)
        TyperGroup.format_commands(root, context, clicks)
        assert ours.getvalue() == clicks.getvalue()


def _modules_loaded_by(*args: str) -> list[str]:
    probe = (
        "import sys\n"
        "from resetkit.cli import main\n"
        f"sys.argv = ['resetkit', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('resetkit.cli.')), file=sys.stderr)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return [
        name.strip("'") for name in shown.stderr.strip().splitlines()[-1].strip("[]").split(", ")
    ]


def test_help_loads_no_command_module_and_a_command_loads_only_its_own() -> None:
    # wrapped.py dresses stderr for every command (stdlib only); no command module loads.
    assert _modules_loaded_by("--help") == ["resetkit.cli.app", "resetkit.cli.wrapped"]
    assert "resetkit.cli.team" not in _modules_loaded_by("actions", "--help")
    assert "resetkit.cli.actions" in _modules_loaded_by("actions", "--help")


def test_a_mistyped_command_is_still_told_the_closest() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["shar", "x"])
    assert result.exit_code == 2
    assert "Did you mean 'share'" in result.output


def test_the_help_lists_every_command_once() -> None:
    from typer.testing import CliRunner

    shown = CliRunner().invoke(app, ["--help"], terminal_width=80).output
    listed = [line.split()[0] for line in io.StringIO(shown.split("Commands:")[1]) if line.strip()]
    rows = json.loads(COMMAND_TABLE.read_text("utf-8"))
    assert listed == [row["name"] for row in rows if not row.get("hidden")]
    assert "merge-record" not in listed
