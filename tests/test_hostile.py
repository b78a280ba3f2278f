"""Hostile input and faults: clear errors fast, nothing written outside the notes dir."""

from __future__ import annotations

import errno
import json
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import QUIET_RISK_CHECK, drive, read_expectations
from resetkit import storage
from resetkit.errors import InputInvalid, StorageError, UsageError
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir, reserve_folder
from resetkit.record.folders import find_session
from resetkit.record.store import begin, save
from resetkit.run.answers import check_sheet, read_answers

CORPUS = Path(__file__).parent / "hostile"
POSTMORTEM = load_file(builtin_dir() / "postmortem.yaml")


EXPECTED = read_expectations(CORPUS)


def refuse(path: Path) -> list[str]:
    """Load a playbook or an answers file that must be refused; its problems as line:col: text."""
    with pytest.raises(InputInvalid) as raised:
        if path.name.startswith("answers-"):
            check_sheet(read_answers(str(path)), POSTMORTEM, date(2026, 11, 24), complete=True)
        else:
            load_file(path)
    return [f"{p.line}:{p.column}: {p.message}" for p in raised.value.problems]


def test_the_corpus_has_at_least_40_cases_each_with_expectations() -> None:
    files = sorted(path.name for path in CORPUS.glob("*.yaml"))
    assert len(files) >= 40
    assert sorted(EXPECTED) == files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_gets_its_exact_error_quickly(name: str) -> None:
    start = time.perf_counter()
    assert refuse(CORPUS / name) == EXPECTED[name]
    # A generous ceiling: what it guards against is exponential blow-up, not speed.
    assert time.perf_counter() - start < 5


def test_validate_over_the_corpus_reports_and_never_crashes(run) -> None:
    result = run("validate", str(CORPUS))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_a_file_over_a_mebibyte_is_refused_unread(isolated: Path) -> None:
    path = isolated / "huge.yaml"
    path.write_text("id: huge\ntitle: " + "x" * (2 * 1024 * 1024) + "\n", "utf-8")
    assert refuse(path) == ["1:1: file is 2,097,169 bytes; resetkit reads at most 1,048,576"]


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused(isolated: Path, opening: str) -> None:
    path = isolated / "deep.yaml"
    closing = "]" if opening == "[" else "}"
    path.write_text(opening * 5000 + "x" + closing * 5000 + "\n", "utf-8")
    (problem,) = refuse(path)
    assert "nested" in problem


def test_customer_names_never_leave_the_notes_dir(isolated: Path) -> None:
    notes = isolated / "notes"
    for name in [
        "../../outside",
        "/etc/passwd",
        "con",
        "." * 300,
        "x" * 1000,
        "..",
        "🚀",
    ]:
        folder = reserve_folder(notes, name, date(2026, 11, 24), "reset")
        assert folder.resolve().is_relative_to(notes.resolve()), name
        assert folder.parent.parent == notes
    assert not (isolated / "outside").exists()


def test_a_linked_customer_folder_is_refused(isolated: Path) -> None:
    notes, elsewhere = isolated / "notes", isolated / "elsewhere"
    notes.mkdir()
    elsewhere.mkdir()
    (notes / "acme").symlink_to(elsewhere)
    with pytest.raises(StorageError, match="is a symbolic link"):
        reserve_folder(notes, "Acme", date(2026, 11, 24), "reset")
    assert list(elsewhere.iterdir()) == []


def test_a_notes_dir_that_is_a_link_is_followed(isolated: Path) -> None:
    real = isolated / "real-notes"
    real.mkdir()
    (isolated / "notes").symlink_to(real)
    driven = drive("risk-check", notes_dir=isolated / "notes")
    assert (real / "acme-corp" / driven.folder.name / "notes.md").is_file()


def test_a_session_path_outside_the_notes_dir_is_refused(isolated: Path) -> None:
    outside = drive("risk-check", notes_dir=isolated / "other")
    with pytest.raises(UsageError, match="outside the notes dir"):
        find_session(isolated / "notes", str(outside.folder))


def test_disk_full_keeps_the_last_good_record(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    driven = drive("risk-check")
    record = driven.folder / "session.json"
    before = record.read_bytes()

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    with pytest.raises(StorageError, match="No space left on device; the previous version"):
        storage.write_text_atomic(record, "{}")
    assert record.read_bytes() == before
    assert [p.name for p in driven.folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failed_rename_keeps_the_last_good_notes(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    driven = drive("reset")
    notes = driven.folder / "notes.md"
    before = notes.read_text("utf-8")

    def denied(source: str, target: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(storage.os, "replace", denied)
    with pytest.raises(StorageError, match="Permission denied"):
        storage.write_text_atomic(notes, "overwritten")
    assert notes.read_text("utf-8") == before


def test_a_fault_during_a_command_is_one_line_and_exit_2(
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    driven = drive("reset", notes_dir=isolated / "notes")
    item = driven.session.answers["actions"][0]

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    result = run("actions", "done", item["id"], "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr
    saved = json.loads((driven.folder / "session.json").read_text("utf-8"))
    assert saved["answers"]["actions"][0]["status"] == "open"


def test_two_terminals_starting_at_once_get_two_folders(isolated: Path) -> None:
    notes = isolated / "notes"
    folders: list[Path] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        folders.append(reserve_folder(notes, "Acme Corp", date(2026, 11, 24), "reset"))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(folders)) == 8


def test_resume_of_a_truncated_record_says_so_and_keeps_the_file(run, isolated: Path) -> None:
    driven = drive("risk-check", notes_dir=isolated / "notes")
    record = driven.folder / "session.json"
    damaged = record.read_text("utf-8")[:100]
    record.write_text(damaged, "utf-8")
    result = run("resume", str(driven.folder), "--notes-dir", str(isolated / "notes"))
    assert result.exit_code == 2
    assert "the session record is damaged" in result.stderr
    assert record.read_text("utf-8") == damaged


def test_a_notes_dir_that_cannot_be_created_is_one_clear_line(run, isolated: Path) -> None:
    blocker = isolated / "not-a-folder"
    blocker.write_text("a file where a folder should be", "utf-8")
    answers = isolated / "answers.json"
    answers.write_text(
        json.dumps({"customer": "Acme", "answers": QUIET_RISK_CHECK}),
        "utf-8",
    )
    result = run(
        "start",
        "risk-check",
        "--answers",
        str(answers),
        "--no-input",
        "--notes-dir",
        str(blocker / "notes"),
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"cannot create {blocker / 'notes' / 'acme'}" in result.stderr
    assert blocker.read_text("utf-8") == "a file where a folder should be"


def test_every_answer_waits_for_the_disk_but_the_empty_record_does_not(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record begin() writes holds only what the command line gave: no fsync, no wait
    before the first question. Every save after an answer reaches the disk before going on."""
    synced: list[int] = []
    real_fsync = storage.os.fsync

    def counted(descriptor: int) -> None:
        synced.append(descriptor)
        real_fsync(descriptor)

    monkeypatch.setattr(storage.os, "fsync", counted)
    path = builtin_dir() / "risk-check.yaml"
    started = datetime(2026, 11, 24, 10, tzinfo=UTC)
    text = path.read_text("utf-8")
    session, folder = begin(load_file(path), path, text, "Acme", [], isolated / "notes", started)
    assert synced == [] and (folder / "session.json").is_file()
    session.answers["anything"] = "typed"
    save(session, folder)
    assert len(synced) == 2  # the record, then its folder entry
