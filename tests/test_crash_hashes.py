"""The hashes of written files: over the exact bytes, and a kill at any step fakes no hand edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import drive
from resetkit.record.notes import edited_by_hand
from resetkit.record.store import load

STRACE = shutil.which("strace")
RENAMES = "rename,renameat,renameat2"


def test_render_after_an_invite_was_written(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    driven = drive("reset", {"outcome": "follow-up", "follow-up-date": "2026-12-03"})
    assert b"\r\n" in (driven.folder / "follow-up.ics").read_bytes()
    assert edited_by_hand(load(driven.folder), driven.folder) == []
    result = run("render", driven.session.id, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output


def _resetkit(
    *args: str, notes: Path, killed_at: int | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "resetkit", *args, "--notes-dir", str(notes)]
    if killed_at is not None:
        assert STRACE is not None
        command = [
            STRACE, "-f", "-qq", "-o", os.devnull, "-e", f"trace={RENAMES}",
            "-e", f"inject={RENAMES}:signal=KILL:when={killed_at}", *command,
        ]  # fmt: skip
    env = os.environ | {"RESETKIT_INDEX": "off", "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def _kill_at_every_rename(notes: Path, folder: Path, *args: str) -> int:
    """Run `resetkit ARGS` killed at its 1st, 2nd, ... rename, each time on a fresh copy."""
    pristine = notes.parent / "pristine"  # outside the notes dir, or it is one more session
    shutil.copytree(folder, pristine)
    kills = 0
    for step in range(1, 30):
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
        finished = _resetkit(*args, notes=notes, killed_at=step)
        if finished.returncode != -9 and finished.returncode != 137:
            assert finished.returncode == 0, finished.stderr
            break
        kills += 1
        # Whatever step the kill hit, nothing looks edited by hand: render rebuilds without --force.
        session = load(folder)
        assert edited_by_hand(session, folder) == [], f"killed at rename {step}"
        rendered = _resetkit("render", session.id, notes=notes)
        assert rendered.returncode == 0, f"killed at rename {step}: {rendered.stderr}"
        assert "edited by hand" not in rendered.stderr + rendered.stdout
    return kills


@pytest.mark.skipif(STRACE is None, reason="needs strace to inject a SIGKILL")
def test_a_kill_at_any_step_of_render_fakes_no_hand_edit(isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", {"outcome": "follow-up", "follow-up-date": "2026-12-03"})
    # The record's prev link, the record, then notes, plan, shared copy and invite: each killed.
    assert _kill_at_every_rename(notes, driven.folder, "render", driven.session.id, "--force") >= 5


@pytest.mark.skipif(STRACE is None, reason="needs strace to inject a SIGKILL")
def test_a_kill_at_any_step_of_actions_done_fakes_no_hand_edit(isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset")
    action_id = driven.session.action_items()[0].id
    kills = _kill_at_every_rename(notes, driven.folder, "actions", "done", action_id)
    assert kills >= 2
