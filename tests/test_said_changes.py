"""Every command that changes something says what it changed, with its dates; `share` speaks to
the CSM: nothing to send for an internal playbook, a draft without a recipient said so, and a
draft file name that does not fail the second time."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import date, timedelta
from pathlib import Path

from conftest import TODAY, day, drive
from resetkit.dates import resolve_date


def first_item(run, notes: Path) -> dict:  # type: ignore[no-untyped-def, type-arg]
    listed = json.loads(run("actions", "--format", "json", "--notes-dir", str(notes)).stdout)
    return listed[0]  # type: ignore[no-any-return]


def weekday_and_date(iso: str) -> str:
    return f"{date.fromisoformat(iso):%a} {iso}"


def test_move_says_the_new_date_the_old_one_and_the_slip(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    item = first_item(run, notes)
    new_due = resolve_date("+3w", TODAY).isoformat()
    moved = run(
        "actions", "move", item["action_id"], "--due", "+3w", "--reason", "Legal",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    slip = (date.fromisoformat(new_due) - date.fromisoformat(item["due"])).days
    assert (
        f"{item['action_id']} moved to {weekday_and_date(new_due)} "
        f"(was {weekday_and_date(item['due'])}, +{slip} days): action for actions"
    ) in moved.stderr
    again = run(
        "actions", "move", item["action_id"], "--due", new_due, "--reason", "Legal",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert f"already moved to {weekday_and_date(new_due)}" in again.stderr


def test_done_reopen_and_drop_say_the_day_they_were_made(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    item = first_item(run, notes)
    ident, today = item["action_id"], weekday_and_date(day(0))
    done = run("actions", "done", ident, "--notes-dir", str(notes))
    assert f"{ident} done on {today}: action for actions" in done.stderr
    reopened = run("actions", "reopen", ident, "--notes-dir", str(notes))
    due = weekday_and_date(item["due"])
    assert f"{ident} reopened on {today}, due {due}: action for actions" in reopened.stderr
    assert "late" not in reopened.stderr and "actions move" not in reopened.stderr
    dropped = run("actions", "drop", ident, "--reason", "Not needed", "--notes-dir", str(notes))
    assert f"{ident} dropped on {today}: action for actions (Not needed)" in dropped.stderr


def test_done_past_the_due_date_says_how_late(run, isolated: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    item = first_item(run, notes)
    later = date.fromisoformat(item["due"]) + timedelta(days=28)
    monkeypatch.setenv("RESETKIT_TODAY", later.isoformat())
    done = run("actions", "done", item["action_id"], "--note", "Sent", "--notes-dir", str(notes))
    assert done.exit_code == 0, done.stderr
    said = f"done on {weekday_and_date(later.isoformat())}, 28 days late: action for actions (Sent)"
    assert said in done.stderr and "actions move" not in done.stderr


def test_share_of_an_internal_playbook_says_there_is_nothing_to_send(run, isolated: Path) -> None:
    notes = isolated / "notes"
    check = drive("risk-check", notes_dir=notes)
    result = run("share", check.session.id, "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "risk checks are internal: nothing to send" in result.stderr
    assert "recap:" not in result.stderr


def test_a_draft_without_an_addressed_attendee_says_it_has_no_recipient(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    meeting = drive("reset", notes_dir=notes)  # Dana, with no address
    result = run("share", meeting.session.id, "--eml", ".", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    draft = isolated / f"{meeting.session.id.replace('/', '-')}.eml"
    assert f"wrote {draft.name}" in result.stderr or f"wrote {draft}" in result.stderr
    assert "the draft has no recipient" in result.stderr
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert message["To"] is None


def test_the_suggested_draft_name_is_the_session_s_and_a_second_write_names_a_free_one(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    meeting = drive("reset", notes_dir=notes)
    name = f"{meeting.session.id.replace('/', '-')}.eml"
    first = run("share", meeting.session.id, "--eml", name, "--notes-dir", str(notes))
    assert first.exit_code == 0, first.stderr
    second = run("share", meeting.session.id, "--eml", name, "--notes-dir", str(notes))
    assert second.exit_code == 2
    assert f"{name} already exists" in second.stderr
    assert name.removesuffix(".eml") + "-2.eml" in second.stderr


def test_an_answers_file_with_a_due_date_in_the_past_is_refused_in_a_script(
    run, isolated: Path
) -> None:
    from resetkit.places import builtin_dir

    notes = isolated / "notes"
    example = builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml"
    text = example.read_text("utf-8").replace("due: 2026-12-10", f"due: {day(-365)}")
    (isolated / "a.yaml").write_text(text, "utf-8")
    args = ["start", "reset", "--answers", "a.yaml", "--no-input", "--notes-dir", str(notes)]
    refused = run(*args)
    assert refused.exit_code == 2
    what = "the due date of 'First feedback call on the beta'"
    assert f"{what}, {day(-365)} is in the past (365 days ago)" in refused.stderr
    assert "--allow-past" in refused.stderr and not notes.exists()
    allowed = run(*args, "--allow-past")
    assert allowed.exit_code == 0, allowed.stderr


def test_reopening_an_item_past_its_due_date_says_how_late_and_how_to_move_it(
    run, isolated: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    item = first_item(run, notes)
    ident = item["action_id"]
    assert run("actions", "done", ident, "--notes-dir", str(notes)).exit_code == 0
    later = date.fromisoformat(item["due"]) + timedelta(days=3)
    monkeypatch.setenv("RESETKIT_TODAY", later.isoformat())
    reopened = run("actions", "reopen", ident, "--notes-dir", str(notes))
    assert reopened.exit_code == 0, reopened.stderr
    due = weekday_and_date(item["due"])
    assert f", due {due}, 3 days late: action for actions" in reopened.stderr
    assert f"'resetkit actions move {ident} --due DATE --reason WHY'" in reopened.stderr
