"""`actions move` to a date in the past: asked in a terminal, refused in a script."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import drive


def moved_to(folder: Path) -> str:
    return str(
        json.loads((folder / "session.json").read_text("utf-8"))["answers"]["actions"][0]["due"]
    )


def test_a_script_cannot_move_an_item_into_the_past(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    args = ["actions", "move", item["id"], "--due", "2020-01-01", "--reason", "x"]
    refused = run(*args, "--notes-dir", str(notes))
    assert refused.exit_code == 2
    assert "2020-01-01 is in the past" in refused.stderr
    assert "--allow-past" in refused.stderr
    assert moved_to(driven.folder) == item["due"]
    allowed = run(*args, "--allow-past", "--notes-dir", str(notes))
    assert allowed.exit_code == 0, allowed.stderr
    assert moved_to(driven.folder) == "2020-01-01"


@pytest.mark.pty
@pytest.mark.parametrize("reply", ["n", "y"])
def test_a_terminal_asks_before_moving_an_item_into_the_past(isolated: Path, reply: str) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    child = pexpect.spawn(
        str(Path(sys.executable).parent / "resetkit"),
        ["actions", "move", item["id"], "--due", "2020-01-01", "--reason", "Typo"],
        env={**os.environ, "RESETKIT_NOTES_DIR": str(notes), "PROMPT_TOOLKIT_NO_CPR": "1"},
        cwd=str(isolated),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    try:
        child.expect_exact("2020-01-01 is in the past")
        child.expect_exact("Move the item there anyway?")
        child.send(reply)
        child.expect(pexpect.EOF)
        child.close()
    finally:
        if child.isalive():
            child.kill(signal.SIGKILL)
    assert child.exitstatus == 0
    assert moved_to(driven.folder) == ("2020-01-01" if reply == "y" else item["due"])
