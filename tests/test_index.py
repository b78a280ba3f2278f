"""The history index: a cache that must never show a record other than as it is on disk."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generate_history import generate
from resetkit.history.actions import open_actions
from resetkit.history.export import session_row
from resetkit.history.index import FORMAT, index_path
from resetkit.history.read import Filters, Stored, all_actions, read_sessions

HOUR_AGO = time.time() - 3600


def age(notes: Path, when: float = HOUR_AGO) -> None:
    """Date every record back, as records written in earlier weeks are: the index trusts them."""
    for record in notes.glob("*/*/session.json"):
        os.utime(record, (when, when))


def flip_case(record_file: Path) -> str:
    """Edit a record in place without changing its size or mtime: the customer's first letter
    (or the first letter at all, in a damaged record) changes case. Returns the new text."""
    text = record_file.read_text("utf-8")
    marker = text.find('"customer":"')
    at = (
        marker + len('"customer":"')
        if marker >= 0
        else next((n for n, c in enumerate(text) if c.isalpha()), 0)
    )
    edited = text[:at] + text[at : at + 1].swapcase() + text[at + 1 :]
    stat = record_file.stat()
    record_file.write_text(edited, "utf-8")
    os.utime(record_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return edited


def add_sessions(notes: Path, count: int, seed: int) -> None:
    """Sessions written later into the same notes dir, under new customer folders."""
    scratch = notes.parent / f"scratch-{seed}-{time.monotonic_ns()}"
    generate(scratch, count, seed=seed)
    for customer in scratch.iterdir():
        customer.rename(notes / f"{customer.name}-{scratch.name}")
    scratch.rmdir()


def spy_on_records(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files opened from now on."""
    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("session.json"):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    real_os_open = os.open

    def spy_os(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("session.json"):
            opened.append(str(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr(os, "open", spy_os)  # records are opened with O_NOFOLLOW
    return opened


def exported(run, notes: Path, *args: str) -> list[dict]:
    result = run("export", "--format", "json", *args, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def shown(stored: list[Stored]) -> list[str]:
    """Everything the history commands take from each session, as text (30 is not 30.0)."""
    return [
        json.dumps([item.raw.decode(), session_row(item), every, still_open])
        for item, every, still_open in zip(
            stored, all_actions(stored), all_actions(stored, only_open=True), strict=True
        )
    ]


def truth(notes: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """What the commands show with no index at all: every record read from disk."""
    with monkeypatch.context() as patch:
        patch.setenv("RESETKIT_INDEX", "off")
        stored, warnings = read_sessions(notes, Filters())
    return shown(stored), warnings


def indexed(notes: Path) -> tuple[list[str], list[str]]:
    stored, warnings = read_sessions(notes, Filters())
    return shown(stored), warnings


@pytest.fixture
def history(isolated: Path) -> Path:
    notes = isolated / "notes"
    generate(notes, 30, seed=5)
    age(notes)
    return notes


def test_the_index_lives_in_the_cache_dir_not_among_the_notes(run, history: Path) -> None:
    before = sorted(p.relative_to(history) for p in history.rglob("*"))
    exported(run, history)
    assert sorted(p.relative_to(history) for p in history.rglob("*")) == before
    path = index_path(history)
    assert path.is_file() and path.is_relative_to(Path(os.environ["XDG_CACHE_HOME"]))
    assert str(path) in run("where", "--notes-dir", str(history)).stdout


def test_with_the_index_off_nothing_is_cached(
    run, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESETKIT_INDEX", "off")
    assert len(exported(run, history)) == 30
    assert not index_path(history).exists()
    assert "index      off" in run("where", "--notes-dir", str(history)).stdout


def test_a_second_run_reads_nothing_from_disk_but_shows_the_same(
    run, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = exported(run, history)
    opened = spy_on_records(monkeypatch)
    assert exported(run, history) == first
    assert opened == []


def test_changes_by_commands_and_by_hand_show_at_once(run, history: Path) -> None:
    exported(run, history)  # the index now holds every record
    action = json.loads(run("actions", "--format", "json", "--notes-dir", str(history)).stdout)[0]
    assert run("actions", "done", action["action_id"], "--notes-dir", str(history)).exit_code == 0
    still_open = json.loads(run("actions", "--format", "json", "--notes-dir", str(history)).stdout)
    assert action["action_id"] not in {a["action_id"] for a in still_open}

    # A hand edit in place, same size, with the old mtime put back: only the ctime tells.
    record_file = next(history.glob("*/*/session.json"))
    customer = json.loads(flip_case(record_file))["customer"]
    assert customer in {r["customer"] for r in exported(run, history)}

    gone = json.loads(record_file.read_text("utf-8"))["id"]
    shutil.rmtree(record_file.parent)
    add_sessions(history, 2, seed=9)
    ids = {r["id"] for r in exported(run, history)}
    assert gone not in ids and len(ids) == 31


def test_a_record_written_in_the_last_seconds_is_always_read_again(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write in the same clock tick as the index's read, same size, changes no signature."""
    fresh = sorted(history.glob("*/*/session.json"))[0]
    now = time.time()
    os.utime(fresh, (now, now))
    indexed(history)
    opened = spy_on_records(monkeypatch)
    indexed(history)
    assert opened == [str(fresh)]


def test_damaged_records_are_named_every_time(run, history: Path) -> None:
    broken = next(history.glob("*/*/session.json"))
    broken.write_text("{not json", "utf-8")
    age(history)
    for _ in range(2):
        result = run("export", "--format", "json", "--notes-dir", str(history))
        assert result.exit_code == 0
        assert f"skipped {broken}: not valid JSON" in result.stderr
        assert len(json.loads(result.stdout)) == 29


def test_a_damaged_index_is_rebuilt(run, history: Path) -> None:
    first = exported(run, history)
    index_path(history).write_bytes(b"this is not a database" * 100)
    assert exported(run, history) == first
    assert index_path(history).read_bytes().startswith(b"SQLite format 3")


def test_an_unusable_cache_dir_costs_time_not_answers(
    run, history: Path, monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    blocker = isolated / "cache-is-a-file"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv("RESETKIT_CACHE_DIR", str(blocker))
    result = run("export", "--format", "json", "--notes-dir", str(history))
    assert result.exit_code == 0 and result.stderr == ""
    assert len(json.loads(result.stdout)) == 30


def test_concurrent_commands_share_one_index(history: Path, isolated: Path) -> None:
    """Four exports at once on a cold index, while a fifth process marks an action done."""
    command = [sys.executable, "-m", "resetkit"]
    environment = dict(os.environ)
    stored, _ = read_sessions(history, Filters())
    target = open_actions(stored)[0]
    readers = [
        subprocess.Popen(
            [*command, "export", "--format", "json", "--notes-dir", str(history)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
        )
        for _ in range(4)
    ]
    writer = subprocess.run(
        [*command, "actions", "done", target.action["id"], "--notes-dir", str(history)],
        capture_output=True,
        env=environment,
        check=False,
    )
    assert writer.returncode == 0, writer.stderr
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0 and err == b""
        assert len(json.loads(out)) == 30
    after = json.loads(
        subprocess.run(
            [*command, "actions", "--format", "json", "--notes-dir", str(history)],
            capture_output=True,
            env=environment,
            check=True,
        ).stdout
    )
    assert target.action["id"] not in {a["action_id"] for a in after}


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["edit", "same-size-edit", "delete", "add", "break", "index", "age"]),
        st.integers(min_value=0, max_value=50),
    ),
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_index_always_agrees_with_the_records(
    operations: list[tuple[str, int]], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = isolated / f"notes-{time.monotonic_ns()}"
    generate(notes, 6, seed=1)
    age(notes)
    indexed(notes)
    for operation, number in operations:
        records = sorted(notes.glob("*/*/session.json"))
        target = records[number % len(records)] if records else None
        if operation == "index":
            indexed(notes)
        elif operation == "age":
            age(notes, HOUR_AGO + number)
        elif operation == "add":
            add_sessions(notes, 1, seed=number)
        elif target is None:
            continue
        elif operation == "delete":
            shutil.rmtree(target.parent)
        elif operation == "break":
            target.write_bytes(target.read_bytes()[: number + 1])
        elif operation == "same-size-edit":
            flip_case(target)
        else:
            text = target.read_text("utf-8")
            target.write_text(text.replace('"answers":{', '"answers":{"extra":1,', 1), "utf-8")
        assert indexed(notes) == truth(notes, monkeypatch)


def test_an_index_of_another_format_is_rebuilt(run, history: Path) -> None:
    first = exported(run, history)
    with sqlite3.connect(index_path(history)) as connection:
        connection.execute("UPDATE meta SET value = '0/0' WHERE key = 'format'")
        connection.execute("UPDATE bodies SET raw = CAST('{}' AS BLOB)")
    assert exported(run, history) == first
    with sqlite3.connect(index_path(history)) as connection:
        (found,) = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    assert found == FORMAT


def git(notes: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-C", str(notes), "-c", "user.name=t", "-c", "user.email=t@x", *arguments],
        check=True,
        capture_output=True,
    )


SCALED_OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["save", "commit-edit", "commit-break", "reset", "delete", "add", "index"]),
        st.integers(min_value=0, max_value=50),
    ),
    max_size=10,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=SCALED_OPERATIONS)
def test_above_the_full_check_size_every_change_through_resetkit_or_git_is_seen(
    operations: list[tuple[str, int]], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index of a large history looks only at changed customer folders and at what git
    says it changed; every change made through resetkit or through git is still seen."""
    from resetkit.errors import UsageError
    from resetkit.history import fresh
    from resetkit.record.store import load, save

    monkeypatch.setattr(fresh, "FULL_CHECK_LIMIT", 0)
    notes = isolated / f"notes-{time.monotonic_ns()}"
    generate(notes, 6, seed=2)
    git(notes, "init", "-q")
    git(notes, "add", "-A")
    git(notes, "commit", "-qm", "start")
    age(notes)
    indexed(notes)
    for operation, number in operations:
        records = sorted(notes.glob("*/*/session.json"))
        target = records[number % len(records)] if records else None
        if operation == "index":
            indexed(notes)
        elif operation == "add":
            add_sessions(notes, 1, seed=number)
        elif operation == "reset":
            git(notes, "add", "-A")
            git(notes, "commit", "-qm", "before reset", "--allow-empty")
            git(notes, "reset", "-q", "--hard", "HEAD~1")
        elif target is None:
            continue
        elif operation == "save":
            try:
                session = load(target.parent)
            except UsageError:
                continue  # a broken record: resetkit saves nothing over it
            session.outcome = f"outcome-{number}"
            save(session, target.parent, durable=False)
        elif operation == "delete":
            shutil.rmtree(target.parent)
        elif operation == "commit-break":
            target.write_bytes(target.read_bytes()[: number + 1])
            git(notes, "add", "-A")
            git(notes, "commit", "-qm", "broken by hand", "--allow-empty")
        else:  # a hand edit in place, then committed: git names it
            text = target.read_text("utf-8")
            target.write_text(text.replace('"answers":{', '"answers":{"extra":1,', 1), "utf-8")
            git(notes, "add", "-A")
            git(notes, "commit", "-qm", "edited by hand", "--allow-empty")
        assert indexed(notes) == truth(notes, monkeypatch)


def test_above_the_full_check_size_a_command_about_one_customer_sees_a_hand_edit(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit in place that neither resetkit nor git made: a large history sees it once the
    customer is asked for, since such a command checks every record of that customer."""
    from resetkit.history import fresh

    monkeypatch.setattr(fresh, "FULL_CHECK_LIMIT", 0)
    indexed(history)
    record_file = sorted(history.glob("*/*/session.json"))[0]
    customer = json.loads(record_file.read_text("utf-8"))["customer"]
    edited = json.loads(flip_case(record_file))
    stored, _ = read_sessions(history, Filters(customer=customer[1:]))
    assert {item.id: item.customer for item in stored}[edited["id"]] == edited["customer"]


def report(run, notes: Path) -> str:
    result = run("report", "--format", "json", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


@pytest.mark.parametrize("slow_disk", [False, True], ids=["page cache", "slow disk"])
def test_a_first_build_by_worker_processes_agrees_with_the_records(
    run, history: Path, monkeypatch: pytest.MonkeyPatch, slow_disk: bool
) -> None:
    """The build a large history gets (workers, each record's signature taken as it is read,
    tallies added up at the end) shows what reading every record shows, hostile files too."""
    from resetkit.history import fresh

    records = sorted(history.glob("*/*/session.json"))
    records[0].write_text("{not json", "utf-8")
    records[1].write_text("<<<<<<< ours\n{}\n=======\n{}\n>>>>>>> theirs\n", "utf-8")
    outside = history.parent / "outside.json"
    outside.write_bytes(records[2].read_bytes())
    records[2].unlink()
    records[2].symlink_to(outside)  # a record that is a link
    (records[3].parent.parent / "linked-session").symlink_to(records[4].parent)
    (history / "linked-customer").symlink_to(records[5].parent.parent)
    records[6].unlink()
    os.mkfifo(records[6])  # opening it for reading would wait for a writer for ever
    records[7].unlink()
    records[7].mkdir()
    (records[8].parent.parent / "2020-01-01-no-record").mkdir()
    for record, absurd in ((records[12], "1e300"), (records[13], "1e300"), (records[14], "NaN")):
        text = record.read_text("utf-8").replace('"status":"in_progress"', '"status":"complete"')
        record.write_text(re.sub(r'"meeting_seconds":[^,]*', f'"meeting_seconds":{absurd}', text))
    age(history)
    expected = truth(history, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setenv("RESETKIT_INDEX", "off")
        expected_report = report(run, history)
    monkeypatch.setattr(fresh, "PARALLEL_FROM", 1)
    monkeypatch.setattr(fresh, "CHUNK", 7)
    if slow_disk:  # every read and listing taken for slow: many at once, on threads
        monkeypatch.setattr(fresh, "SLOW_READ_S", -1.0)
        monkeypatch.setattr(fresh, "FOLDER_S", -1.0)
    builds: list[int] = []
    real_build = fresh._read_in_parallel
    monkeypatch.setattr(
        fresh, "_read_in_parallel", lambda *a: builds.append(len(a[3])) or real_build(*a)
    )
    assert indexed(history) == expected
    assert builds and builds[0] > 30  # the build was one, of every session folder
    assert any("a symbolic link" in warning for warning in expected[1])
    assert any("not a regular file" in warning for warning in expected[1])
    assert any("meeting_seconds" in warning for warning in expected[1])  # NaN: damaged
    assert report(run, history) == expected_report
    # After the build, the tallies are kept up again as records come and go.
    shutil.rmtree(records[10].parent)
    records[11].write_text(
        records[11].read_text("utf-8").replace('"status":"complete"', '"status":"in_progress"'),
        "utf-8",
    )
    age(history)
    with monkeypatch.context() as patch:
        patch.setenv("RESETKIT_INDEX", "off")
        expected_report = report(run, history)
    assert report(run, history) == expected_report
    assert indexed(history) == truth(history, monkeypatch)


def test_a_first_build_cut_short_is_done_again_whole(
    run, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the workers wrote their rows, before the indexes and tallies were made:
    the next command starts the build again, and the tallies are kept up after it."""
    from resetkit.history import fresh
    from resetkit.history.index import Index

    with monkeypatch.context() as patch:
        patch.setenv("RESETKIT_INDEX", "off")
        expected_report = report(run, history)
    expected = truth(history, monkeypatch)

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(fresh, "PARALLEL_FROM", 1)
        patch.setattr(fresh, "CHUNK", 7)
        patch.setattr(Index, "finish_build", interrupted)
        with pytest.raises(KeyboardInterrupt):
            read_sessions(history, Filters())
    # Built again one record at a time (as a history that lost records meanwhile would be).
    assert indexed(history) == expected
    assert report(run, history) == expected_report
    shutil.rmtree(sorted(history.glob("*/*/session.json"))[3].parent)
    age(history)
    with monkeypatch.context() as patch:
        patch.setenv("RESETKIT_INDEX", "off")
        expected_report = report(run, history)
    assert report(run, history) == expected_report


def test_reading_goes_on_one_by_one_when_no_thread_can_be_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A memory cap on the address space (or a thread limit) refuses new threads: the history
    is read one record after another, never an internal error."""
    from resetkit.history import fresh

    class NoThreads:
        def __init__(self, max_workers: int) -> None:
            pass

        def __enter__(self) -> NoThreads:
            return self

        def __exit__(self, *_: object) -> None:
            pass

        def map(self, *_: object) -> None:
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(fresh, "ThreadPoolExecutor", NoThreads)
    assert fresh.in_threads(lambda n: n * 2, [1, 2, 3]) == [2, 4, 6]
    monkeypatch.setattr(fresh, "ThreadPoolExecutor", ThreadPoolExecutorThatFails)
    with pytest.raises(RuntimeError, match="not about threads"):
        fresh.in_threads(lambda n: n, [1])


class ThreadPoolExecutorThatFails:
    """An error of the work itself is not taken for a refused thread."""

    def __init__(self, max_workers: int) -> None:
        pass

    def __enter__(self) -> ThreadPoolExecutorThatFails:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def map(self, *_: object) -> None:
        raise RuntimeError("not about threads")
