"""History commands in a real terminal of a given width."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import drive

pytestmark = pytest.mark.pty


def screen_of(isolated: Path, columns: int, *args: str) -> str:
    """What `resetkit ARGS` prints in a terminal `columns` wide, escape codes left out."""
    env = {
        **os.environ,
        "HOME": str(isolated.parent / "home"),
        "RESETKIT_NOTES_DIR": str(isolated / "notes"),
        "TERM": "xterm-256color",
        "COLUMNS": str(columns),
        "LINES": "40",
    }
    child = pexpect.spawn(
        str(Path(sys.executable).parent / "resetkit"),
        list(args),
        env=env,
        cwd=str(isolated),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")


@pytest.mark.parametrize("columns", [80, 60])
def test_sessions_shows_every_session_by_a_whole_id_commands_take(
    isolated: Path, columns: int
) -> None:
    from resetkit.record.session_ids import resolve_session_id

    notes = isolated / "notes"
    long = drive("reset", notes_dir=notes, customer="Acme Corporation International").session
    short = drive("risk-check", notes_dir=notes, customer="Initech").session
    screen = screen_of(isolated, columns, "sessions")
    lines = screen.splitlines()
    shown = [line.split()[0] for line in lines[1:] if line[:1].strip()]
    ids = [long.id, short.id]
    assert sorted(resolve_session_id(ids, typed, "notes") for typed in shown) == sorted(ids)
    assert all(len(line) <= columns for line in lines), screen
