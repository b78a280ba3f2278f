"""Customers as a CSM names them: a typo caught before it splits a history, a rename, a
follow-up that knows its customer; sessions in progress named, and discarded between meetings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from conftest import QUIET_RISK_CHECK, drive
from resetkit.format.loader import load_file
from resetkit.history.customers import near_customer
from resetkit.places import builtin_dir
from resetkit.record.store import begin, load
from resetkit.run.prompts import ScriptedPrompter
from resetkit.run.start import StartRequest, _known_or_new


def scripted_start(run, notes: Path, *args: str):  # type: ignore[no-untyped-def]
    Path("a.yaml").write_text(yaml.safe_dump({"answers": QUIET_RISK_CHECK}), "utf-8")
    return run(
        "start", "risk-check", "--answers", "a.yaml", "--no-input", "--notes-dir", str(notes),
        *args,
    )  # fmt: skip


def in_progress(notes: Path, customer: str, hour: int) -> Path:
    path = builtin_dir() / "risk-check.yaml"
    started = datetime(2026, 11, 24, hour, tzinfo=UTC)
    _, folder = begin(load_file(path), path, path.read_text("utf-8"), customer, [], notes, started)
    return folder


@pytest.mark.parametrize("typo", ["Acme Crop", "acme cor", "Acme", "ACME Corpp"])
def test_a_scripted_start_with_a_name_close_to_a_known_one_is_refused(
    run, isolated: Path, typo: str
) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    result = scripted_start(run, notes, "--customer", typo)
    assert result.exit_code == 2
    assert f"{typo!r} is a new customer, close to 'Acme Corp'" in result.stderr
    assert "--new-customer" in result.stderr
    assert sorted(p.name for p in notes.iterdir() if not p.name.startswith(".")) == ["acme-corp"]
    again = scripted_start(run, notes, "--customer", typo, "--new-customer")
    assert again.exit_code == 0, again.stderr


@pytest.mark.parametrize("same", ["Acme Corp", "ACME corp", " Acme  Corp ", "acme corp."])
def test_the_known_customer_in_any_case_starts_without_a_word(
    run, isolated: Path, same: str
) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    result = scripted_start(run, notes, "--customer", same)
    assert result.exit_code == 0, result.stderr
    # One customer, one spelling: the new record takes the name as the history writes it.
    (new,) = notes.glob("acme-corp/*-risk-check")
    assert load(new).customer == "Acme Corp"


def test_the_old_name_of_a_renamed_customer_is_caught_as_a_near_one(run, isolated: Path) -> None:
    notes = isolated / "notes"
    assert scripted_start(run, notes, "--customer", "Acme Corp").exit_code == 0
    renamed = run("customer", "rename", "Acme Corp", "Acme Corporation", "--notes-dir", str(notes))
    assert renamed.exit_code == 0, renamed.stderr
    again = scripted_start(run, notes, "--customer", "Acme Corp")
    assert again.exit_code == 2
    assert "'Acme Corp' is a new customer, close to 'Acme Corporation'" in again.stderr
    known = scripted_start(run, notes, "--customer", "acme corporation")
    assert known.exit_code == 0, known.stderr
    # The history's spelling, though no folder has that name: one customer, one spelling.
    names = {
        json.loads(path.read_text("utf-8"))["customer"] for path in notes.rglob("session.json")
    }
    assert names == {"Acme Corporation"}


def test_a_name_unlike_every_known_one_is_simply_new(isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    for name in ["Globex Corporation", "Initech", "Acme Health", "Hooli", "Corp"]:
        assert near_customer(notes, name) is None, name
    assert near_customer(notes, "Acme Crop") == "Acme Corp"


def test_in_a_terminal_the_person_picks_the_known_customer(isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    request = StartRequest(playbook="reset", customer="Acme Crop")
    person = ScriptedPrompter({}, picks=["known"])
    assert _known_or_new(notes, "Acme Crop", request, person) == "Acme Corp"  # type: ignore[arg-type]
    person = ScriptedPrompter({}, picks=["new"])
    assert _known_or_new(notes, "Acme Crop", request, person) == "Acme Crop"  # type: ignore[arg-type]


def test_a_follow_up_takes_the_customer_of_its_session(run, isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    result = scripted_start(run, notes, "--follow-up", earlier.session.id)
    assert result.exit_code == 0, result.stderr
    (record,) = [
        load(folder) for folder in (notes / "acme-corp").iterdir() if "risk-check" in folder.name
    ]
    assert record.customer == "Acme Corp" and record.follows == earlier.session.id


def test_rename_moves_the_history_to_the_new_name_and_rebuilds_the_notes(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    typo = drive("reset", notes_dir=notes, customer="Acme Crop")
    kept = drive("reset", notes_dir=notes, customer="Globex Corporation")
    result = run("customer", "rename", "acme crop", "Acme Corp", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    # The name as the sessions held it, not as typed.
    assert f"renamed 'Acme Crop' to 'Acme Corp' in 1 session: {typo.session.id}" in result.stderr
    assert load(typo.folder).customer == "Acme Corp"
    assert load(kept.folder).customer == "Globex Corporation"
    assert "Acme Crop" not in (typo.folder / "action-plan.md").read_text("utf-8")
    assert "Acme Corp" in (typo.folder / "notes.md").read_text("utf-8")
    listed = run(
        "sessions", "--customer", "acme corp", "--format", "json", "--notes-dir", str(notes)
    )
    assert typo.session.id in listed.stdout
    unknown = run("customer", "rename", "Acme Crop", "X", "--notes-dir", str(notes))
    assert unknown.exit_code == 2
    assert "no session is held with a customer named 'Acme Crop'" in unknown.stderr
    near = run("customer", "rename", "globx", "X", "--notes-dir", str(notes))
    assert "named 'globx' (did you mean 'Globex Corporation'?)" in near.stderr


@pytest.mark.parametrize("empty", ["", "   ", "\t \t"])
def test_rename_to_an_empty_name_is_refused_and_changes_nothing(
    run, isolated: Path, empty: str
) -> None:
    notes = isolated / "notes"
    held = in_progress(notes, "Acme Corp", 9)
    result = run("customer", "rename", "Acme Corp", empty, "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "the new name is empty" in result.stderr
    assert load(held).customer == "Acme Corp"


def test_rename_into_another_customer_asks_for_merge_then_gives_both_one_name(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    typo, known = in_progress(notes, "Acme Crop", 9), in_progress(notes, "acme corp", 10)
    refused = run("customer", "rename", "Acme Crop", "Acme Corp", "--notes-dir", str(notes))
    assert refused.exit_code == 2
    assert "'acme corp' is another customer already, with 1 session" in refused.stderr
    assert "--merge" in refused.stderr
    assert load(typo).customer == "Acme Crop"
    merged = run(
        "customer", "rename", "acme-crop", "Acme Corp", "--merge", "--notes-dir", str(notes)
    )  # fmt: skip
    assert merged.exit_code == 0, merged.stderr
    assert "renamed 'Acme Crop' and 'acme corp' to 'Acme Corp' in 2 sessions" in merged.stderr
    assert load(typo).customer == load(known).customer == "Acme Corp"


def test_a_rename_to_the_name_already_held_says_there_is_nothing_to_do(run, isolated: Path) -> None:
    notes = isolated / "notes"
    held = in_progress(notes, "Initech", 9)
    result = run("customer", "rename", "initech", "Initech", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert "nothing to rename: 1 session already holds the name 'Initech'" in result.stderr
    assert load(held).customer == "Initech"


def test_discard_ends_a_session_in_progress_and_keeps_its_record(run, isolated: Path) -> None:
    notes = isolated / "notes"
    folder = in_progress(notes, "Acme Corp", 9)
    session_id = f"{folder.parent.name}/{folder.name}"
    refused = run("discard", session_id, "--notes-dir", str(notes))
    assert refused.exit_code == 2 and "needs --yes" in refused.stderr
    assert load(folder).status == "in_progress"
    result = run("discard", "ACME/", "--yes", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert f"{session_id} discarded: the record stays in {folder}" in result.stderr
    assert load(folder).status == "discarded"
    again = run("discard", session_id, "--yes", "--notes-dir", str(notes))
    assert again.exit_code == 2 and "is discarded already" in again.stderr


def test_discard_of_a_session_open_elsewhere_names_only_commands_that_exist(
    run, isolated: Path
) -> None:
    from resetkit.record.lock import SessionLock

    notes = isolated / "notes"
    folder = in_progress(notes, "Acme Corp", 9)
    session_id = f"{folder.parent.name}/{folder.name}"
    with SessionLock(folder) as lock:
        lock.acquire()  # this live process runs it
        refused = run("discard", session_id, "--yes", "--notes-dir", str(notes))
    assert refused.exit_code != 0
    assert "is open in another terminal" in refused.stderr
    assert f"'resetkit resume {session_id} --take-over'" in refused.stderr
    assert "pass --take-over" not in refused.stderr  # discard has no such option
    assert load(folder).status == "in_progress"


def test_discard_takes_the_one_session_in_progress_a_prefix_names(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes, customer="Initech")
    folder = in_progress(notes, "Initech", 9)
    result = run("discard", "initech/", "--yes", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert load(folder).status == "discarded"


def test_discard_of_a_prefix_naming_only_complete_sessions_speaks_of_discarding(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    drive("reset", notes_dir=notes, customer="Initech")
    drive("risk-check", notes_dir=notes, customer="Initech")
    result = run("discard", "INITECH/", "--yes", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "only a session in progress can be discarded" in result.stderr
    assert "resumed" not in result.stderr


def test_a_complete_session_is_not_discarded(run, isolated: Path) -> None:
    notes = isolated / "notes"
    done = drive("reset", notes_dir=notes)
    result = run("discard", done.session.id, "--yes", "--notes-dir", str(notes))
    assert result.exit_code == 2 and "is complete" in result.stderr
    assert load(done.folder).status == "complete"


def test_resume_names_the_other_sessions_in_progress(run, isolated: Path) -> None:
    notes = isolated / "notes"
    older = in_progress(notes, "Globex Corporation", 8)
    in_progress(notes, "Acme Corp", 9)
    result = run("resume", "--notes-dir", str(notes))
    older_id = f"{older.parent.name}/{older.name}"
    assert f"also in progress: {older_id}" in result.stderr
    assert "'resetkit discard ID' ends it" in result.stderr
