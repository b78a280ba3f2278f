"""Output commands through a real pipe whose reader has gone: they end quietly, exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import drive


def resetkit_binary() -> str:
    return str(Path(sys.executable).parent / "resetkit")


@pytest.fixture
def notes(isolated: Path) -> Path:
    """A notes dir with one complete session, so every history command has rows to print."""
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    return notes


OUTPUT_COMMANDS = [
    ["--help"],
    ["--version"],
    ["list", "--help"],
    ["actions", "move", "--help"],
    ["list"],
    ["list", "--format", "json"],
    ["show", "reset"],
    ["validate", "--format", "json"],
    ["schema"],
    ["where"],
    ["answers-template", "reset"],
    ["sessions"],
    ["sessions", "--format", "json"],
    ["export", "--format", "md"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["actions"],
    ["actions", "--format", "json"],
    ["report", "--format", "json"],
    ["report", "--format", "csv"],
]


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_quietly(isolated: Path, notes: Path, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head -1` does once it has its line (here: before the first)
    env = {**os.environ, "RESETKIT_NOTES_DIR": str(notes), "HOME": str(isolated.parent / "home")}
    try:
        done = subprocess.run(
            [resetkit_binary(), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            cwd=isolated,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr.decode() == ""
    assert done.returncode == 0


def test_where_piped_into_head_prints_its_first_line(isolated: Path) -> None:
    done = subprocess.run(
        f"'{resetkit_binary()}' where | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=isolated,
        timeout=60,
        check=False,
    )
    assert done.stdout.startswith("notes ")
    assert done.stderr == ""
