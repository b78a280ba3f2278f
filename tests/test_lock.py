"""The lock of a session being run stays out of the way of the commands that only read it."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time
from pathlib import Path

from conftest import drive
from resetkit.record.lock import LOCK_FILE, SessionLock
from resetkit.record.store import CHANGE_LOCK, locked


def held(folder: Path) -> Path:
    """A lock as a live run on this machine holds it (this test's own process)."""
    lock = folder / LOCK_FILE
    lock.write_text(
        json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": "2026-11-24T10:00"}),
        "utf-8",
    )
    return lock


def test_render_and_actions_work_beside_a_lock(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    lock = held(driven.folder)
    rendered = run("render", driven.session.id, "--force", "--notes-dir", str(notes))
    assert rendered.exit_code == 0, rendered.stderr
    item = driven.session.answers["actions"][0]["id"]
    done = run("actions", "done", item, "--notes-dir", str(notes))
    assert done.exit_code == 0, done.stderr
    assert lock.exists()


def test_a_lock_is_never_read_as_a_session_nor_exported(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    held(driven.folder)
    for args in (["sessions"], ["export", "--format", "json"], ["export", "--format", "csv"]):
        result = run(*args, "--notes-dir", str(notes))
        assert result.exit_code == 0, result.stderr
        assert LOCK_FILE not in result.stdout and result.stderr == ""
    assert (
        len(json.loads(run("sessions", "--format", "json", "--notes-dir", str(notes)).stdout)) == 1
    )


def test_a_lock_is_released_only_by_the_run_that_holds_it(isolated: Path) -> None:
    folder = isolated / "session"
    folder.mkdir()
    first, second = SessionLock(folder), SessionLock(folder)
    first.acquire()
    second.acquire(take_over=True)
    first.release()  # taken over: not first's to remove
    assert (folder / LOCK_FILE).exists()
    second.release()
    assert not (folder / LOCK_FILE).exists()


def test_no_lock_file_is_left_in_a_session_folder_after_a_run_and_a_change(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    assert not (driven.folder / CHANGE_LOCK).exists()
    item = driven.session.answers["actions"][0]["id"]
    assert run("actions", "done", item, "--notes-dir", str(notes)).exit_code == 0
    assert sorted(p.name for p in driven.folder.iterdir() if "lock" in p.name) == []


def _count_under_the_lock(folder: Path, rounds: int) -> None:
    for _ in range(rounds):
        with locked(folder):
            counter = folder / "counter"
            seen = int(counter.read_text("utf-8")) if counter.exists() else 0
            time.sleep(0.0005)  # a window for another process to read the same count
            counter.write_text(str(seen + 1), "utf-8")


def test_the_change_lock_removed_on_release_still_lets_one_process_in_at_a_time(
    isolated: Path,
) -> None:
    """A process that waited on the lock file its holder then removed must not go on beside
    a third that created a new one: no count is lost."""
    folder = isolated / "session"
    folder.mkdir()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count_under_the_lock, args=(folder, 150)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert (folder / "counter").read_text("utf-8") == "450"
    assert not (folder / CHANGE_LOCK).exists()
