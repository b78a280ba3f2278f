"""A second `start` of one customer and playbook on the same day: in a terminal the person is
told of the first and chooses (resume the one in progress, start another, or neither); a script
goes on and says so in one line (tests/test_answers.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from rich.console import Console

from conftest import TODAY
from keyboard import CTRL_C, DOWN, ENTER, Chunk, Screen, typing
from resetkit.errors import EXIT_INTERRUPTED, ResetkitError
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.record.store import begin, save
from resetkit.run.start import StartRequest, start

EARLIER = f"acme/{TODAY.isoformat()}-reset"


def earlier_today(notes: Path, status: str) -> Path:
    """A reset with Acme begun this morning, left in progress or complete."""
    path = builtin_dir() / "reset.yaml"
    morning = datetime.combine(TODAY, time(9), UTC)
    session, folder = begin(
        load_file(path), path, path.read_text("utf-8"), "Acme", [], notes, morning
    )
    session.status = status  # type: ignore[assignment]
    save(session, folder)
    return folder


@dataclass
class Ran:
    error: ResetkitError | None
    screen: Screen
    printed: str


def run_keys(chunks: list[Chunk]) -> Ran:
    """`resetkit start reset --customer Acme` in an 80x24 terminal, with these keys."""
    printed = io.StringIO()
    console = Console(file=printed, width=80, color_system=None)
    request = StartRequest(playbook="reset", customer="Acme", notes_dir=Path.cwd() / "notes")
    error = None
    with typing(chunks, 24, 80) as (_, screen):
        try:
            start(request, console)
        except ResetkitError as failure:
            error = failure
    return Ran(error, screen, printed.getvalue())


def folders(notes: Path) -> list[str]:
    return sorted(f"{p.parent.name}/{p.name}" for p in notes.glob("*/*") if p.is_dir())


def test_a_second_start_offers_to_resume_the_session_in_progress(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier_today(notes, "in_progress")
    ran = run_keys([ENTER, CTRL_C])
    assert ran.screen.showed(f"{EARLIER} (in progress) exists already.")
    assert ran.screen.showed(f"resume {EARLIER}")
    assert ran.screen.showed(f"start a new one ({EARLIER.partition('/')[2]}-2)")
    assert ran.error is not None and ran.error.exit_code == EXIT_INTERRUPTED
    assert f"Resuming Reset the relationship with Acme, session {EARLIER}" in ran.printed
    assert folders(notes) == [EARLIER]


def test_a_second_start_after_a_complete_one_starts_a_new_one_when_asked(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier_today(notes, "complete")
    ran = run_keys([ENTER, CTRL_C])
    assert ran.screen.showed(f"{EARLIER} (complete) exists already.")
    assert not ran.screen.showed("resume ")
    assert folders(notes) == [EARLIER, f"{EARLIER}-2"]


def test_neither_writes_nothing(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier_today(notes, "complete")
    ran = run_keys([DOWN + ENTER])
    assert ran.error is not None and ran.error.exit_code == 0
    assert "not started" in ran.error.message
    assert folders(notes) == [EARLIER]


def test_a_start_with_an_answers_file_offers_no_resume(isolated: Path) -> None:
    """The file's answers go into a new session: resuming the other would leave them out."""
    notes = isolated / "notes"
    earlier_today(notes, "in_progress")
    sheet = isolated / "answers.yaml"
    sheet.write_text("answers: {}\n", "utf-8")
    printed = io.StringIO()
    request = StartRequest(playbook="reset", customer="Acme", notes_dir=notes, answers=str(sheet))
    with typing([ENTER, CTRL_C], 24, 80) as (_, screen), pytest.raises(ResetkitError):
        start(request, Console(file=printed, width=80, color_system=None))
    assert screen.showed(f"{EARLIER} (in progress) exists already.")
    assert not screen.showed("resume ")
    assert folders(notes) == [EARLIER, f"{EARLIER}-2"]
