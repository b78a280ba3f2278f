"""Where CSMs work: folders with spaces and accents, an editor given with arguments, and help
that fits an 80-column terminal."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner, Result

from conftest import QUIET_RISK_CHECK
from resetkit.cli import app
from resetkit.places import builtin_dir
from resetkit.run.terminal import edit_in_editor


def answers_file(folder: Path) -> Path:
    lines = [f"  {key}: {str(value).lower()}" for key, value in QUIET_RISK_CHECK.items()]
    path = folder / "réponses du client.yaml"
    path.write_text("customer: Société Générale\nanswers:\n" + "\n".join(lines) + "\n", "utf-8")
    return path


def test_notes_and_playbooks_in_folders_with_spaces_and_accents(
    isolated: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    playbooks = isolated / "Équipe CS" / "play books ü"
    playbooks.mkdir(parents=True)
    text = (builtin_dir() / "risk-check.yaml").read_text("utf-8")
    (playbooks / "our-check.yaml").write_text(text.replace("id: risk-check", "id: our-check"))
    monkeypatch.setenv("RESETKIT_PLAYBOOKS", str(playbooks))
    notes = isolated / "Notes de réunion" / "clients 2026"

    assert "our-check" in run("list").stdout
    assert run("validate", "our-check").exit_code == 0
    started = run(
        "start", "our-check", "--answers", str(answers_file(isolated)), "--no-input",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert started.exit_code == 0, started.output
    written = [Path(line) for line in started.stdout.splitlines()]
    assert written and all(path.is_file() and notes in path.parents for path in written)
    assert "Société Générale" in written[0].read_text("utf-8")
    listed = run("sessions", "--notes-dir", str(notes), "--format", "json")
    assert "Société Générale" in listed.stdout
    session_id = written[0].parent.relative_to(notes).as_posix()
    assert run("render", session_id, "--notes-dir", str(notes)).exit_code == 0


def test_an_editor_given_with_arguments_in_a_folder_with_spaces(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = isolated / "My Editors ü"
    folder.mkdir()
    editor = folder / "fake editor"
    editor.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/arguments"\n'
        'printf "written in the editor\\n" > "$2"\n',
        "utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EDITOR", f"'{editor}' --wait")  # as `code --wait`, quoted by the shell
    assert edit_in_editor("draft") == "written in the editor"
    arguments = (folder / "arguments").read_text("utf-8").splitlines()
    assert arguments[0] == "--wait" and arguments[1].endswith(".md")


def test_visual_wins_over_editor(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = isolated / "visual"
    script.write_text('#!/bin/sh\nprintf "from visual" > "$1"\n', "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("VISUAL", str(script))
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    assert edit_in_editor("") == "from visual"


def every_command_path() -> list[list[str]]:
    """Each command and subcommand, as typed after `resetkit`."""
    # typer bundles its own click: a group is told by its commands, not by click's class.
    root: Any = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in root.every_command().items():
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("words", every_command_path(), ids=" ".join)
def test_the_help_of_each_command_fits_80_columns(words: list[str]) -> None:
    runner = CliRunner(env={**os.environ, "COLUMNS": "80"})
    shown = runner.invoke(app, [*words, "--help"], terminal_width=80)
    assert shown.exit_code == 0, shown.output
    wide = [line for line in shown.output.splitlines() if len(line) > 80]
    assert wide == []
