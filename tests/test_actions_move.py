"""`actions move` to a date in the past: asked in a terminal, refused in a script."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import day, drive

# What is "the past" is asked of the pinned day: the day before it is the nearest past day.
pytestmark = pytest.mark.dated
YESTERDAY = day(-1)


def moved_to(folder: Path) -> str:
    return str(
        json.loads((folder / "session.json").read_text("utf-8"))["answers"]["actions"][0]["due"]
    )


def moving(isolated: Path, notes: Path, action_id: str) -> pexpect.spawn:
    """`actions move ID` to yesterday, in a terminal."""
    return pexpect.spawn(
        str(Path(sys.executable).parent / "resetkit"),
        ["actions", "move", action_id, "--due", YESTERDAY, "--reason", "Typo"],
        env={**os.environ, "RESETKIT_NOTES_DIR": str(notes), "PROMPT_TOOLKIT_NO_CPR": "1"},
        cwd=str(isolated),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )


def test_a_script_cannot_move_an_item_into_the_past(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    args = ["actions", "move", item["id"], "--due", YESTERDAY, "--reason", "x"]
    refused = run(*args, "--notes-dir", str(notes))
    assert refused.exit_code == 2
    assert f"{YESTERDAY} is in the past (1 day ago)" in refused.stderr
    assert "--allow-past" in refused.stderr
    assert moved_to(driven.folder) == item["due"]
    allowed = run(*args, "--allow-past", "--notes-dir", str(notes))
    assert allowed.exit_code == 0, allowed.stderr
    assert moved_to(driven.folder) == YESTERDAY


def test_an_item_can_be_moved_to_today_without_asking(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    args = ["actions", "move", item["id"], "--due", "today", "--reason", "Sooner"]
    moved = run(*args, "--notes-dir", str(notes))
    assert moved.exit_code == 0, moved.stderr
    assert moved_to(driven.folder) == day(0)


@pytest.mark.pty
@pytest.mark.parametrize("reply", ["n", "y"])
def test_a_terminal_asks_before_moving_an_item_into_the_past(isolated: Path, reply: str) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    child = moving(isolated, notes, item["id"])
    try:
        child.expect_exact(f"{YESTERDAY} is in the past (1 day ago)")
        child.expect_exact(item["what"][:20])
        child.expect_exact("there anyway?")
        child.send(reply)
        child.expect(pexpect.EOF)
        child.close()
    finally:
        if child.isalive():
            child.kill(signal.SIGKILL)
    assert child.exitstatus == 0
    assert moved_to(driven.folder) == (YESTERDAY if reply == "y" else item["due"])


@pytest.mark.pty
def test_an_unknown_id_is_named_before_any_question_about_the_date(isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    child = moving(isolated, notes, "zz")
    try:
        child.expect(pexpect.EOF)
        child.close()
    finally:
        if child.isalive():
            child.kill(signal.SIGKILL)
    assert "no action item 'zz'" in child.before
    assert "anyway?" not in child.before
    assert child.exitstatus == 2
