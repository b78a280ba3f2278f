"""Merges a team meets: clones in different time zones, and a damaged side. The damaged side is
named and the other kept whole; real git where git decides."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from resetkit.cli import app
from resetkit.record.merge import merge_records
from test_team_git import git, items_of, record, resetkit, shared_repository

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def item_with(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "a1",
        "what": "Send the plan",
        "owner": "us",
        "status": "open",
        "due": "2030-01-10",
        "history": events,
    }


def moved(at: datetime, to_due: str) -> dict[str, Any]:
    return {"at": at.isoformat(timespec="seconds"), "kind": "moved", "to_due": to_due}


ZONES = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@given(
    first=st.datetimes(
        # hypothesis takes naive bounds, and gives times in the zones it is told
        min_value=datetime(2001, 1, 1),  # noqa: DTZ001
        max_value=datetime(2090, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    gap=st.integers(min_value=1, max_value=3 * 86_400),
    ours_zone=ZONES,
    theirs_zone=ZONES,
    theirs_later=st.booleans(),
)
def test_the_change_made_later_in_time_holds_whatever_zone_each_clone_writes_in(
    first: datetime, gap: int, ours_zone: timezone, theirs_zone: timezone, theirs_later: bool
) -> None:
    first = first.replace(microsecond=0)
    second = first + timedelta(seconds=gap)
    ours_at, theirs_at = (first, second) if theirs_later else (second, first)
    base = {"id": "acme/x", "answers": {"actions": [item_with([])]}}
    ours = {
        "id": "acme/x",
        "answers": {"actions": [item_with([moved(ours_at.astimezone(ours_zone), "2030-02-01")])]},
    }
    theirs = {
        "id": "acme/x",
        "answers": {
            "actions": [item_with([moved(theirs_at.astimezone(theirs_zone), "2030-03-01")])]
        },
    }
    (item,) = merge_records(base, ours, theirs)["answers"]["actions"]
    assert item["due"] == ("2030-03-01" if theirs_later else "2030-02-01")
    assert [event["to_due"] for event in item["history"]] == (
        ["2030-02-01", "2030-03-01"] if theirs_later else ["2030-03-01", "2030-02-01"]
    )


@needs_git
def test_a_move_in_new_york_two_seconds_after_one_in_paris_holds_after_the_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zoned: None
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    item = items_of(ann)[2]["id"]

    def move_in(clone: Path, zone: str, days: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()
        result = resetkit(
            clone, "actions", "move", item, "--due", days, "--reason", zone,
            monkeypatch=monkeypatch,
        )  # fmt: skip
        assert result.exit_code == 0, result.output

    move_in(ann, "Europe/Paris", "+40d")
    time.sleep(1.2)  # the events are stamped to the second
    move_in(bob, "America/New_York", "+50d")
    for clone in (ann, bob):
        git(clone, "commit", "-qam", f"move in {clone.name}")
    git(ann, "push", "-q", "origin", "HEAD:main")
    git(bob, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    (merged,) = [i for i in items_of(bob) if i["id"] == item]
    assert [event["note"] for event in merged["history"]] == ["Europe/Paris", "America/New_York"]
    assert merged["due"] == max(event["to_due"] for event in merged["history"])
    assert merged["due"] == merged["history"][-1]["to_due"]


def damaged_texts(good: str) -> dict[str, bytes]:
    """Ways one side of a record is broken in real repositories."""
    record = json.loads(good)
    answers_null = dict(record, answers=None)
    history_null = json.loads(good)
    history_null["answers"]["actions"][0]["history"] = None
    return {
        "invalid JSON": good[: len(good) // 2].encode(),
        "conflict markers": f"<<<<<<< HEAD\n{good}=======\n{good}>>>>>>> theirs\n".encode(),
        "not UTF-8": good.encode("utf-8").replace(b'"Acme', b'"\xff\xfeAcme', 1),
        "answers null": json.dumps(answers_null).encode(),
        "history null": json.dumps(history_null).encode(),
        "a list": json.dumps([record]).encode(),
    }


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_damaged_side_is_named_and_the_other_side_is_kept_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, side: str
) -> None:
    from conftest import drive

    driven = drive("reset", {"actions": [{"what": "Send the plan", "owner": "us", "due": "+3d"}]})
    good = (driven.folder / "session.json").read_text("utf-8")
    for damage, broken in damaged_texts(good).items():
        base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
        base.write_text(good, "utf-8")
        (ours if side == "ours" else theirs).write_bytes(broken)
        (theirs if side == "ours" else ours).write_text(good, "utf-8")
        before = ours.read_bytes()
        result = CliRunner().invoke(
            app, ["merge-record", str(base), str(ours), str(theirs), "notes/acme/x/session.json"]
        )
        assert result.exit_code == 1, (damage, result.output)
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"resetkit: notes/acme/x/session.json: {side}"), (damage, line)
        assert "Traceback" not in result.output
        assert ours.read_bytes() == before, damage  # nothing merged into loss


@needs_git
def test_a_pull_of_a_damaged_record_stops_on_that_file_and_keeps_this_clone_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    (path,) = (ann / "notes").glob("*/*-reset/session.json")
    broken = json.loads(path.read_text("utf-8"))
    broken["answers"] = None
    path.write_text(json.dumps(broken), "utf-8")
    git(ann, "commit", "-qam", "a bad hand edit")
    git(ann, "push", "-q", "origin", "HEAD:main")
    item = items_of(bob)[0]["id"]
    assert resetkit(bob, "actions", "done", item, monkeypatch=monkeypatch).exit_code == 0
    git(bob, "commit", "-qam", "done")
    mine = record(bob)
    pulled = git(bob, "pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode != 0
    assert "theirs is not a readable session record: answers" in pulled.stderr
    assert record(bob) == mine  # every answer kept
    repaired = resetkit(bob, "team", "repair", monkeypatch=monkeypatch)
    assert repaired.exit_code == 1
    assert "theirs is not a readable session record" in repaired.stderr
    assert record(bob)["answers"] == mine["answers"]


def test_two_moves_made_at_once_count_as_one_slip_in_the_ledger_and_the_flag_says_the_state() -> (
    None
):
    from datetime import date

    from resetkit.history.ledger import promise

    at = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    base = {"id": "acme/x", "answers": {"actions": [item_with([])]}}

    def side(to_due: str, later: int) -> dict[str, Any]:
        event = moved(at + timedelta(seconds=later), to_due) | {"from_due": "2030-01-10"}
        return {"id": "acme/x", "answers": {"actions": [item_with([event])]}}

    (item,) = merge_records(base, side("2030-01-17", 0), side("2030-01-21", 5))["answers"][
        "actions"
    ]
    tally = promise(item, date(2030, 1, 5))
    assert (tally.moves, tally.moved_days) == (2, 11)  # 10 → 21 January, not 7 + 11
    assert "it is now open, due 2030-01-21" in item["flag"]
    done = {"at": (at + timedelta(seconds=9)).isoformat(), "kind": "done"}
    ours = {"id": "acme/x", "answers": {"actions": [item_with([done])]}}
    (item,) = merge_records(base, ours, side("2030-01-21", 5))["answers"]["actions"]
    assert item["status"] == "done" and "it is now done, due 2030-01-21" in item["flag"]
    assert "the later change holds" not in item["flag"]
