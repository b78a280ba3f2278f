"""`start` and `resume` at their edges: no terminal, bad input, nothing to resume."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import STARTED, drive
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.record.store import begin


def test_start_without_a_terminal_fails_fast_instead_of_hanging(run, isolated: Path) -> None:
    result = run("start", "reset", "--customer", "Acme", "--notes-dir", str(isolated / "n"))
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr
    assert not (isolated / "n").exists()


def test_start_unknown_playbook_is_reported_before_any_question(run) -> None:
    result = run("start", "resett", "--customer", "Acme")
    assert result.exit_code == 2
    assert "no playbook 'resett' (did you mean 'reset'?)" in result.stderr


def test_start_rejects_an_attendee_without_a_name(run) -> None:
    result = run("start", "reset", "--customer", "Acme", "--attendee", ":CTO")
    assert result.exit_code == 2
    assert "has no name" in result.stderr


def test_resume_with_nothing_in_progress_says_how_to_start(run, isolated: Path) -> None:
    result = run("resume", "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    assert "no session in progress" in result.stderr
    assert "resetkit start PLAYBOOK" in result.stderr


def test_resume_refuses_a_finished_session(run, isolated: Path) -> None:
    driven = drive("risk-check", notes_dir=isolated / "notes")
    result = run("resume", driven.session.id, "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    ident = driven.session.id
    assert f"{ident} is complete: see 'resetkit share {ident}' for its notes" in result.stderr
    assert "only a session in progress can be resumed" in result.stderr


def in_progress(notes: Path, customer: str = "Acme Corp") -> str:
    """A session begun and not yet answered, as a run that was interrupted leaves it."""
    path = builtin_dir() / "reset.yaml"
    text = path.read_text("utf-8")
    session, _ = begin(load_file(path), path, text, customer, [], notes, STARTED)
    return session.id


def test_a_prefix_resumes_the_session_in_progress_not_the_complete_ones(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    drive("risk-check", notes_dir=notes)
    in_progress(notes)
    result = run("resume", "acme", "--notes-dir", str(notes))
    assert "matches" not in result.stderr
    assert "needs a terminal" in result.stderr  # it got as far as asking the first question


def test_a_prefix_naming_only_complete_sessions_says_so(run, isolated: Path) -> None:
    notes = isolated / "notes"
    meeting = drive("reset", notes_dir=notes).session.id
    result = run("resume", "ACME/", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"resetkit: {meeting} is complete: see 'resetkit share {meeting}' for its notes"
    )
    check = drive("risk-check", notes_dir=notes).session.id
    both = run("resume", "acme", "--notes-dir", str(notes))
    assert both.exit_code == 2
    assert (
        f"'acme' names no session in progress: {meeting} (complete), {check} (complete)"
        in both.stderr
    )


def test_resume_of_a_damaged_record_is_a_clear_error(run, isolated: Path) -> None:
    driven = drive("risk-check", notes_dir=isolated / "notes")
    (driven.folder / "session.json").write_text(json.dumps({"id": 3}), "utf-8")
    result = run("resume", str(driven.folder), "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    assert "the session record is damaged" in result.stderr
    assert "Traceback" not in result.output
