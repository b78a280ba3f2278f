"""A history of 100,000 sessions: exports stream under a memory cap, queries see changes."""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generate_history import generate

SIZE = 100_000
CAP = 400 * 1024 * 1024  # address space: the export before streaming peaked at 744 MB resident


@pytest.fixture(scope="module")
def big_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """100,000 records made from a few generated ones (generating each would take a minute),
    and an environment whose cache already holds their index."""
    root = tmp_path_factory.mktemp("scale")
    seeds = root / "seeds"
    generate(seeds, 8, seed=3, team=True)
    templates = [path.read_text("utf-8") for path in sorted(seeds.glob("*/*/session.json"))]
    notes = root / "notes"
    past = time.time() - 3600
    for number in range(SIZE):
        record = json.loads(templates[number % len(templates)])
        customer = f"Customer {number % 2500}"
        folder = f"customer-{number % 2500}/{record['started_at'][:10]}-{number}"
        record["customer"], record["id"], record["status"] = customer, folder, "complete"
        path = notes / folder / "session.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record), "utf-8")
        os.utime(path, (past, past))
    for customer in notes.iterdir():
        os.utime(customer, (past, past))
    environment = dict(os.environ, RESETKIT_CACHE_DIR=str(root / "cache"))
    built = resetkit(
        ["sessions", "--customer", "Customer 7", "--notes-dir", str(notes)], environment
    )
    assert built.returncode == 0, built.stderr
    yield notes, environment
    # 100,000 folders left in the temporary dir would cost a later pytest minutes to delete
    # (it keeps its last three runs' dirs): gone while the other worker runs on.
    shutil.rmtree(root, ignore_errors=True)


def resetkit(
    arguments: list[str], environment: dict[str, str], cap: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    def limit() -> None:
        if cap is not None:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return subprocess.run(
        [sys.executable, "-m", "resetkit", *arguments],
        capture_output=True,
        env=environment,
        preexec_fn=limit,
        check=False,
        timeout=600,
    )


def test_a_json_export_of_100000_sessions_fits_in_a_memory_cap(big_history) -> None:
    notes, environment = big_history
    out = resetkit(["export", "--format", "json", "--notes-dir", str(notes)], environment, CAP)
    assert out.returncode == 0, out.stderr[-2000:]
    assert len(json.loads(out.stdout)) == SIZE


def test_a_csv_export_of_100000_sessions_fits_in_a_memory_cap(big_history) -> None:
    notes, environment = big_history
    out = resetkit(["export", "--format", "csv", "--notes-dir", str(notes)], environment, CAP)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = list(csv.DictReader(out.stdout.decode("utf-8").splitlines()))
    assert len(rows) == SIZE
    assert rows[0]["customer"].startswith("Customer ")


def test_a_session_saved_by_resetkit_shows_at_once_in_a_large_history(big_history) -> None:
    """Above the size where every record is looked at, a save still shows: it touches the
    customer folder."""
    from resetkit.record.store import load, save

    notes, environment = big_history
    folder = next((notes / "customer-42").iterdir())
    session = load(folder)
    session.outcome = "renewed-at-scale"
    save(session, folder)
    listed = resetkit(
        ["sessions", "--format", "json", "--customer", "Customer 42", "--notes-dir", str(notes)],
        environment,
    )
    assert "renewed-at-scale" in {r["outcome"] for r in json.loads(listed.stdout)}
    report = resetkit(["report", "--format", "json", "--notes-dir", str(notes)], environment)
    outcomes = {
        outcome for row in json.loads(report.stdout)["customers"] for outcome in row["outcomes"]
    }
    assert "renewed-at-scale" in outcomes


@pytest.mark.parametrize("command", ["due", "calendar", "ledger"])
def test_the_commands_between_meetings_go_through_100000_sessions_in_a_memory_cap(
    big_history, command: str
) -> None:
    """They go through the sessions in batches, keeping only what they show (each held every
    session at once: 350 to 630 MB resident at this size)."""
    import icalendar

    notes, environment = big_history
    arguments = [command, "--notes-dir", str(notes)]
    out = resetkit(
        arguments + ([] if command == "calendar" else ["--format", "json"]), environment, CAP
    )
    assert out.returncode == 0, out.stderr[-2000:]
    if command == "calendar":
        # Parsed whole by a calendar's reader (these sessions are old: their items are closed
        # and their meetings long past, so it holds no entry to show).
        calendar = icalendar.Calendar.from_ical(out.stdout)
        assert str(calendar["prodid"]).startswith("-//resetkit//")
    elif command == "ledger":
        assert len(json.loads(out.stdout)["customers"]) == 2500
    else:
        assert "customers" in json.loads(out.stdout)
