"""`start` and `resume` at their edges: no terminal, bad input, nothing to resume."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import drive


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
    assert "is complete; only a session in progress can be resumed" in result.stderr


def test_resume_of_a_damaged_record_is_a_clear_error(run, isolated: Path) -> None:
    driven = drive("risk-check", notes_dir=isolated / "notes")
    (driven.folder / "session.json").write_text(json.dumps({"id": 3}), "utf-8")
    result = run("resume", str(driven.folder), "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    assert "the session record is damaged" in result.stderr
    assert "Traceback" not in result.output
