"""Issue 18: nothing lost under concurrency, damage or a full disk; nothing read or written
outside the notes dir. Each fault is made real where it can be: processes, links, bytes."""

from __future__ import annotations

import copy
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import drive
from generate_history import generate
from resetkit.errors import StorageError
from resetkit.history.index import index_path
from resetkit.record.store import load, save

RESETKIT = str(Path(sys.executable).with_name("resetkit"))


def record_of(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "session.json").read_text("utf-8")))


def with_items(folder: Path, count: int) -> list[str]:
    """Give the session in `folder` `count` open action items; their ids."""
    record = record_of(folder)
    template = record["answers"]["actions"][0]
    items = []
    for number in range(count):
        item = copy.deepcopy(template)
        item.update(id=f"{number:02d}c0ffee", what=f"Item {number}", history=[], status="open")
        items.append(item)
    record["answers"]["actions"] = items
    (folder / "session.json").write_text(json.dumps(record), "utf-8")
    return [item["id"] for item in items]


def _live_saver(folder: str, stop: Any, rounds: Any) -> None:
    """A live run: its record read once, then saved after each 'answer', as Run does."""
    session = load(Path(folder))
    number = 0
    while not stop.is_set():
        number += 1
        session.answers["complaint"] = f"answer {number}"
        save(session, Path(folder))
        rounds.value = number
        time.sleep(0.005)
    session.answers["complaint"] = "last answer"
    save(session, Path(folder))


def test_concurrent_done_move_and_live_saves_lose_no_change(isolated: Path) -> None:
    notes = isolated / "notes"
    folder = drive("reset", notes_dir=notes).folder
    ids = with_items(folder, 12)
    context = multiprocessing.get_context("fork")
    stop, rounds = context.Event(), context.Value("i", 0)
    saver = context.Process(target=_live_saver, args=(str(folder), stop, rounds))
    saver.start()
    try:
        for start in range(0, 12, 4):  # three rounds of four commands at once
            batch = ids[start : start + 4]
            commands = [
                [RESETKIT, "actions", "done", batch[0], "--note", "ok"],
                [RESETKIT, "actions", "done", batch[1]],
                [RESETKIT, "actions", "move", batch[2], "--due", "2030-01-01", "--reason", "r"],
                [RESETKIT, "actions", "move", batch[3], "--due", "2030-02-01", "--reason", "r"],
            ]
            running = [
                subprocess.Popen(
                    [*command, "--notes-dir", str(notes)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                for command in commands
            ]
            for process in running:
                _, error = process.communicate(timeout=60)
                assert process.returncode == 0, error.decode()
    finally:
        stop.set()
        saver.join(timeout=30)
    assert saver.exitcode == 0 and rounds.value > 3
    record = record_of(folder)
    assert record["answers"]["complaint"] == "last answer"
    items = {item["id"]: item for item in record["answers"]["actions"]}
    for start in range(0, 12, 4):
        done_a, done_b, moved_a, moved_b = ids[start : start + 4]
        for done in (done_a, done_b):
            assert items[done]["status"] == "done"
            assert [e["kind"] for e in items[done]["history"]] == ["done"]
        for moved, due in ((moved_a, "2030-01-01"), (moved_b, "2030-02-01")):
            assert items[moved]["status"] == "open" and items[moved]["due"] == due
            assert [e["kind"] for e in items[moved]["history"]] == ["moved"]


def test_actions_done_survives_the_next_save_of_a_live_session(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    live = load(driven.folder)  # what a live run holds in memory
    item = driven.session.answers["actions"][0]
    assert run("actions", "done", item["id"], "--notes-dir", str(notes)).exit_code == 0
    live.answers["complaint"] = "typed after the item was closed elsewhere"
    save(live, driven.folder)
    record = record_of(driven.folder)
    assert record["answers"]["actions"][0]["status"] == "done"
    assert record["answers"]["complaint"] == "typed after the item was closed elsewhere"
    assert live.answers["actions"][0]["status"] == "done"  # the run now knows it too


# --- the notes dir is a boundary ------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_render_refuses_a_customer_folder_that_links_outside(run, isolated: Path) -> None:
    outside = isolated / "outside"
    driven = drive("reset", notes_dir=outside)
    notes = isolated / "notes"
    notes.mkdir()
    (notes / "acme-corp").symlink_to(outside / "acme-corp")
    before = snapshot(outside)
    (driven.folder / "notes.md").unlink()  # render would write it again
    before = snapshot(outside)
    session_ref = f"acme-corp/{driven.folder.name}"
    result = run("render", session_ref, "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "symbolic link" in result.stderr
    assert snapshot(outside) == before
    by_path = run("render", str(notes / session_ref), "--notes-dir", str(notes))
    assert by_path.exit_code == 2 and snapshot(outside) == before


def test_export_never_reads_a_notes_file_that_links_out(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    secret = isolated / "id_rsa"
    secret.write_text("-----BEGIN PRIVATE KEY----- not for export", "utf-8")
    (driven.folder / "notes.md").unlink()
    (driven.folder / "notes.md").symlink_to(secret)
    result = run("export", "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert "PRIVATE KEY" not in result.stdout
    assert "notes.md: a symbolic link" in result.stderr


def test_history_names_and_skips_linked_sessions(run, isolated: Path) -> None:
    notes = isolated / "notes"
    outside = isolated / "outside"
    drive("reset", notes_dir=notes, customer="Acme Corp")
    linked = drive("reset", notes_dir=outside, customer="Globex")
    (notes / "globex").symlink_to(outside / "globex")
    drive("reset", notes_dir=notes, customer="Initech")
    record_link = notes / "initech" / "2026-11-24-reset-2"
    record_link.mkdir()
    (record_link / "session.json").symlink_to(linked.folder / "session.json")
    result = run("sessions", "--format", "json", "--notes-dir", str(notes))
    assert result.exit_code == 0
    customers = [record["customer"] for record in json.loads(result.stdout)]
    assert customers == ["Acme Corp", "Initech"]
    assert f"skipped {notes / 'globex'}: a symbolic link" in result.stderr
    assert f"skipped {record_link / 'session.json'}: a symbolic link" in result.stderr


# --- damaged records and index rows ----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["sessions"],
        ["export", "--format", "json"],
        ["export", "--format", "csv"],
        ["export", "--format", "md"],
        ["actions"],
        ["report", "--format", "json"],
    ],
)
def test_a_wrong_typed_field_is_named_once_and_skipped(
    run, isolated: Path, command: list[str]
) -> None:
    notes = isolated / "history"
    generate(notes, 6, seed=5)
    damaged = sorted(notes.glob("*/*/session.json"))[0]
    record = json.loads(damaged.read_text("utf-8"))
    record["planned_minutes"] = "lots"
    damaged.write_text(json.dumps(record), "utf-8")
    result = run(*command, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(str(damaged)) == 1
    assert "planned_minutes" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["sessions"],
        ["export", "--format", "csv"],
        ["actions"],
        ["report"],
        ["due"],
        ["ledger"],
        ["calendar"],
    ],
)
def test_a_number_written_as_text_is_named_and_skipped_not_a_crash(
    run, isolated: Path, command: list[str]
) -> None:
    # pydantic's lax mode took "12" for 12.0, and the index then divided the text by 60.
    notes = isolated / "history"
    generate(notes, 6, seed=5)
    damaged = sorted(notes.glob("*/*/session.json"))[0]
    record = json.loads(damaged.read_text("utf-8"))
    record["meeting_seconds"] = "12"
    damaged.write_text(json.dumps(record), "utf-8")
    result = run(*command, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(str(damaged)) == 1
    assert "meeting_seconds" in result.stderr


def test_render_says_which_field_of_a_damaged_record_it_cannot_use(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    record = record_of(driven.folder)
    record["answers"]["actions"][0]["history"] = [{"kind": "lost"}]
    (driven.folder / "session.json").write_text(json.dumps(record), "utf-8")
    result = run("render", f"acme-corp/{driven.folder.name}", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "damaged" in result.stderr and "history" in result.stderr


def test_a_bit_flipped_index_row_is_not_served_and_is_repaired(run, isolated: Path) -> None:
    notes = isolated / "history"
    generate(notes, 5, seed=9)
    hour_ago = time.time() - 3600
    for path in notes.glob("*/*/session.json"):
        os.utime(path, (hour_ago, hour_ago))
    assert run("export", "--format", "json", "--notes-dir", str(notes)).exit_code == 0
    with sqlite3.connect(index_path(notes)) as index:
        n, path, raw, customer = index.execute(
            "SELECT n, path, raw, customer FROM records JOIN bodies USING (n) ORDER BY path"
        ).fetchone()
        flipped = bytearray(raw)
        at = raw.index(customer.encode()) + 1
        flipped[at] ^= 0x01
        index.execute("UPDATE bodies SET raw = ? WHERE n = ?", (bytes(flipped), n))
        index.execute("UPDATE records SET customer = ? WHERE n = ?", (customer.upper(), n))
    on_disk = sorted(p.read_text("utf-8").strip() for p in notes.glob("*/*/session.json"))
    exported = run("export", "--format", "json", "--notes-dir", str(notes))
    lines = [line.rstrip(",") for line in exported.stdout.splitlines()[1:-1]]
    assert sorted(lines) == on_disk
    listed = run("sessions", "--format", "json", "--notes-dir", str(notes))
    assert customer in [record["customer"] for record in json.loads(listed.stdout)]
    with sqlite3.connect(index_path(notes)) as index:
        repaired = index.execute(
            "SELECT raw, customer FROM records JOIN bodies USING (n) WHERE path = ?", (path,)
        ).fetchone()
    assert repaired == (raw, customer)


# --- a full disk -------------------------------------------------------------------------------


def test_a_full_disk_after_the_record_says_so_and_a_repeat_slips_once(
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resetkit.record.notes as notes_module

    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    real = notes_module.write_bytes_atomic

    def full_disk(path: Path, payload: bytes, *args: Any, **kwargs: Any) -> None:
        if path.name == "action-plan.md":
            raise StorageError(
                f"cannot write {path}: No space left on device; the previous version is unchanged",
                hint="free some disk space or fix the permissions, then try again",
            )
        real(path, payload, *args, **kwargs)

    monkeypatch.setattr(notes_module, "write_bytes_atomic", full_disk)
    args = ["actions", "move", item["id"], "--due", "2030-01-01", "--reason", "Legal"]
    failed = run(*args, "--notes-dir", str(notes))
    assert failed.exit_code == 2
    assert "the change is saved in" in failed.stderr
    assert f"resetkit render acme-corp/{driven.folder.name}" in failed.stderr
    assert "the previous version is unchanged" not in failed.stderr
    monkeypatch.setattr(notes_module, "write_bytes_atomic", real)
    again = run(*args, "--notes-dir", str(notes))
    assert again.exit_code == 0, again.stderr
    assert "already moved" in again.stderr
    history = record_of(driven.folder)["answers"]["actions"][0]["history"]
    assert [event["kind"] for event in history] == ["moved"]
    assert "2030-01-01" in (driven.folder / "action-plan.md").read_text("utf-8")


# --- answers files carry answers only ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "deadbeef"), ("status", "done"), ("history", [{"kind": "lost"}])],
)
def test_an_answers_file_cannot_set_what_resetkit_assigns(
    run, isolated: Path, field: str, value: Any
) -> None:
    changes = {"what": "Weekly report check", "owner": "us", "due": "+14d", field: value}
    sheet = {
        "customer": "Initech",
        "answers": {
            "complaint": "Reports were late",
            "final-straw": "The CFO missed a deadline",
            "asked-customer": False,
            "changes": [changes],
            "icp-review": "review",
            "parting": "neutral",
        },
    }
    answers = isolated / "answers.yaml"
    answers.write_text(yaml.safe_dump(sheet, sort_keys=False), "utf-8")
    notes = isolated / "notes"
    result = run(
        "start", "postmortem", "--answers", str(answers), "--no-input", "--notes-dir", str(notes)
    )
    assert result.exit_code == 2
    assert "answers.yaml:" in result.stderr
    assert f"action item's '{field}' is assigned by resetkit" in result.stderr
    assert not list(notes.glob("*/*/session.json"))


def test_share_never_reads_a_customer_copy_that_links_out(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    secret = isolated / "id_rsa"
    secret.write_text("-----BEGIN PRIVATE KEY----- not for the customer", "utf-8")
    (driven.folder / "shared.md").unlink()
    (driven.folder / "shared.md").symlink_to(secret)
    session_ref = f"acme-corp/{driven.folder.name}"
    result = run("share", session_ref, "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "PRIVATE KEY" not in result.output
    assert "symbolic link" in result.stderr


def test_resume_keeps_every_answer_but_a_damaged_action_item(isolated: Path) -> None:
    from resetkit.record.session_salvage import salvage

    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    record = record_of(driven.folder)
    record["status"] = "in_progress"
    record["answers"]["actions"][0]["history"] = [{"kind": "lost"}]
    (driven.folder / "session.json").write_text(json.dumps(record), "utf-8")
    session, notices = salvage(driven.folder)
    assert "actions" not in session.answers
    kept = {key: value for key, value in record["answers"].items() if key != "actions"}
    assert session.answers == kept and kept
    assert any("'actions' could not be read" in notice for notice in notices)


def test_a_damaged_action_item_in_the_index_is_not_served(run, isolated: Path) -> None:
    notes = isolated / "history"
    generate(notes, 8, seed=4)
    hour_ago = time.time() - 3600
    for path in notes.glob("*/*/session.json"):
        os.utime(path, (hour_ago, hour_ago))
    first = run("actions", "--format", "json", "--notes-dir", str(notes))
    truth = sorted(item["what"] for item in json.loads(first.stdout))
    assert truth
    with sqlite3.connect(index_path(notes)) as index:
        # Forged in both places the index keeps action items: the sessions' lists and the rows.
        for n, actions, still_open in index.execute(
            "SELECT n, actions, open_actions FROM bodies WHERE open_actions != ''"
        ).fetchall():
            index.execute(
                "UPDATE bodies SET actions = ?, open_actions = ? WHERE n = ?",
                (
                    actions.replace('"what":"', '"what":"FORGED '),
                    still_open.replace('"what":"', '"what":"FORGED '),
                    n,
                ),
            )
        index.execute('UPDATE actions SET item = replace(item, \'"what":"\', \'"what":"FORGED \')')
    served = run("actions", "--format", "json", "--notes-dir", str(notes))
    assert sorted(item["what"] for item in json.loads(served.stdout)) == truth
    csv_rows = run("export", "--format", "csv", "--actions", "--notes-dir", str(notes))
    assert "FORGED" not in csv_rows.stdout


def test_a_follow_up_review_on_a_full_disk_says_the_change_is_saved(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    import resetkit.record.notes as notes_module
    from resetkit.format.loader import load_file
    from resetkit.places import builtin_dir
    from resetkit.record.store import begin
    from resetkit.run.follow_up import review_follow_up
    from resetkit.run.prompts import ScriptedPrompter

    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    path = builtin_dir() / "risk-check.yaml"
    started = datetime(2026, 12, 1, 9, tzinfo=UTC)
    session, folder = begin(
        load_file(path), path, path.read_text("utf-8"), "Acme Corp", [], notes, started
    )
    real = notes_module.write_bytes_atomic

    def full_disk(target: Path, payload: bytes, *args: Any, **kwargs: Any) -> None:
        if target.name == "action-plan.md":
            raise StorageError(f"cannot write {target}: No space left on device")
        real(target, payload, *args, **kwargs)

    monkeypatch.setattr(notes_module, "write_bytes_atomic", full_disk)
    screen = io.StringIO()
    changed = review_follow_up(
        earlier.folder,
        session,
        folder,
        ScriptedPrompter({"review-note": ""}, picks=["done"]),
        Console(file=screen, width=200),
    )
    assert len(changed.changed) == 1
    assert load(earlier.folder).action_items()[0].status == "done"
    said = " ".join(screen.getvalue().split())  # however long the temporary path, wrapped
    assert "its action plan could not be rewritten" in said
    assert f"resetkit render {earlier.session.id}" in said
