"""One rule for the files a record makes: a change after the meeting rebuilds the notes, the
action plan and the customer copy together, and `render --all-changed` rewrites only the files
that no longer match their record."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import drive
from resetkit.record.store import load


def only_item(notes: Path, run) -> str:
    (item,) = json.loads(run("actions", "--format", "json", "--notes-dir", str(notes)).stdout)
    return str(item["action_id"])


def test_done_is_written_in_the_notes_the_plan_and_the_copy(run, isolated: Path) -> None:
    notes = isolated / "notes"
    meeting = drive("reset", notes_dir=notes)
    item = only_item(notes, run)
    result = run("actions", "done", item, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    row = "| 1 | action for actions | Customer: Pat | 2026-12-08 | yes | done |"
    assert row in (meeting.folder / "notes.md").read_text("utf-8")
    assert row in (meeting.folder / "action-plan.md").read_text("utf-8")
    shared = (meeting.folder / "shared.md").read_text("utf-8")
    assert (
        shared
        == run("share", meeting.session.id, "--format", "md", "--notes-dir", str(notes)).stdout
    )
    # What is on disk is what resetkit wrote: a later render finds nothing to do.
    again = run("render", "--all-changed", "--notes-dir", str(notes))
    assert again.exit_code == 0 and again.stdout == ""


def test_a_file_edited_by_hand_is_kept_and_named(run, isolated: Path) -> None:
    notes = isolated / "notes"
    meeting = drive("reset", notes_dir=notes)
    edited = meeting.folder / "notes.md"
    edited.write_text(edited.read_text("utf-8") + "\nMy own line\n", "utf-8")
    result = run("actions", "done", only_item(notes, run), "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert f"{edited} was edited by hand and is left as it is" in result.stderr
    assert "My own line" in edited.read_text("utf-8")
    assert "| done |" in (meeting.folder / "action-plan.md").read_text("utf-8")


def test_render_all_changed_rewrites_only_the_files_that_differ(run, isolated: Path) -> None:
    notes = isolated / "notes"
    touched = drive("reset", notes_dir=notes)
    untouched = drive("risk-check", notes_dir=notes)
    # As a merge leaves it: the record changed, the notes files not (merge-derived keeps ours).
    record = load(touched.folder)
    record.outcome = "renewed"
    (touched.folder / "session.json").write_text(record.model_dump_json(indent=2), "utf-8")
    before = {
        path: path.stat().st_mtime_ns
        for folder in (touched.folder, untouched.folder)
        for path in folder.iterdir()
    }
    older = min(before.values()) - 10**9
    for path in before:  # notes older than the record, so the record is looked at
        os.utime(path, ns=(older, older))
    os.utime(touched.folder / "session.json")
    result = run("render", "--all-changed", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    written = {Path(line) for line in result.stdout.splitlines()}
    assert written <= {touched.folder / name for name in ("notes.md", "shared.md")}
    assert touched.folder / "notes.md" in written
    assert (untouched.folder / "notes.md").stat().st_mtime_ns == older
    assert (touched.folder / "action-plan.md").stat().st_mtime_ns == older
