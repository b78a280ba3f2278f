"""Following up on an earlier session: its open action items reviewed, both sessions linked."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import yaml
from rich.console import Console

from conftest import QUIET_RISK_CHECK, drive
from resetkit.live import review_follow_up
from resetkit.loader import builtin_dir, load_file
from resetkit.prompts import ScriptedPrompter
from resetkit.session import Session, begin, load


def second_session(notes: Path, playbook_id: str) -> tuple[Session, Path]:
    """A new session for the same customer a week later, as 'start --follow-up' begins one."""
    path = builtin_dir() / f"{playbook_id}.yaml"
    started = datetime(2026, 12, 1, 9, tzinfo=UTC)
    return begin(load_file(path), path, path.read_text("utf-8"), "Acme Corp", [], notes, started)


def test_review_moves_an_item_records_why_and_links_both_ways(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    session, folder = second_session(notes, "recovery")
    prompter = ScriptedPrompter(
        {"review-due": "2026-12-20", "review-note": "Legal is slow"}, picks=["moved"]
    )
    screen = io.StringIO()
    changed = review_follow_up(
        earlier.folder, session, folder, prompter, Console(file=screen, width=100)
    )
    assert changed == 1
    assert "Following up on acme-corp/2026-11-24-reset: 1 open action item(s)." in screen.getvalue()
    previous = load(earlier.folder)
    (item,) = previous.action_items()
    assert item.due.isoformat() == "2026-12-20" and item.status == "open"
    assert item.history[0].note == "Legal is slow"
    assert previous.followed_by == [session.id]
    assert load(folder).follows == earlier.session.id
    assert "Legal is slow" in (earlier.folder / "action-plan.md").read_text("utf-8")


def test_still_open_items_are_left_unchanged(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    session, folder = second_session(notes, "risk-check")
    changed = review_follow_up(
        earlier.folder, session, folder, ScriptedPrompter({}, ["open"]), Console(file=io.StringIO())
    )
    assert changed == 0
    assert load(earlier.folder).action_items()[0].history == []


def test_a_scripted_follow_up_links_the_sessions(run, isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    answers = isolated / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({"customer": "Acme Corp", "answers": QUIET_RISK_CHECK}),
        "utf-8",
    )
    result = run(
        "start",
        "risk-check",
        "--answers",
        str(answers),
        "--no-input",
        "--follow-up",
        earlier.session.id,
        "--notes-dir",
        str(notes),
    )
    assert result.exit_code == 0, result.stderr
    assert f"linked to {earlier.session.id}" in result.stderr
    new_folder = Path(result.stdout.splitlines()[0]).parent
    record = json.loads((new_folder / "session.json").read_text("utf-8"))
    assert record["follows"] == earlier.session.id
    assert load(earlier.folder).followed_by == [record["id"]]
    matter = (new_folder / "notes.md").read_text("utf-8").split("---")[1]
    assert yaml.safe_load(matter)["follows"] == earlier.session.id


def test_follow_up_of_an_unknown_session_is_refused_before_anything_is_written(
    run, isolated: Path
) -> None:
    result = run(
        "start",
        "reset",
        "--customer",
        "Acme",
        "--follow-up",
        "nope/nothing",
        "--notes-dir",
        str(isolated / "notes"),
    )
    assert result.exit_code == 2
    assert "no session 'nope/nothing'" in result.stderr
