"""git's merge driver for session records (`resetkit merge-record %O %A %B`): what it writes over
this clone's file, and what it refuses. In-process through the CLI, then once through real git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import drive


def reset_record() -> dict[str, Any]:
    """A finished reset session's record, with its action items, as resetkit saved it."""
    items = [{"what": f"Step {n}", "owner": "us", "due": f"2026-12-{n + 10:02d}"} for n in range(3)]
    driven = drive("reset", {"actions": items})
    return json.loads((driven.folder / "session.json").read_text("utf-8"))  # type: ignore[no-any-return]


def write(path: Path, record: dict[str, Any] | None) -> Path:
    path.write_text("" if record is None else json.dumps(record), "utf-8")
    return path


def test_the_driver_writes_both_clones_items_over_this_clones_record(run, tmp_path: Path) -> None:
    base = reset_record()
    ours, theirs = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    ours["answers"]["actions"][0]["what"] = "Step 0, with legal"
    added = {**theirs["answers"]["actions"][0], "id": "added", "what": "Send the slides"}
    theirs["answers"]["actions"].append(added)
    mine = write(tmp_path / "ours.json", ours)
    result = run(
        "merge-record",
        str(write(tmp_path / "base.json", base)),
        str(mine),
        str(write(tmp_path / "theirs.json", theirs)),
    )
    assert result.exit_code == 0, result.output
    text = mine.read_text("utf-8")
    assert text.endswith("}\n")
    merged = json.loads(text)
    assert [i["what"] for i in merged["answers"]["actions"]] == [
        "Step 0, with legal",
        "Step 1",
        "Step 2",
        "Send the slides",
    ]
    assert merged["id"] == base["id"] and merged["started_at"] == base["started_at"]


def test_a_session_both_clones_added_merges_with_no_common_ancestor(run, tmp_path: Path) -> None:
    ours = reset_record()
    theirs = json.loads(json.dumps(ours))
    theirs["answers"]["actions"].append(
        {**theirs["answers"]["actions"][0], "id": "added", "what": "Send the slides"}
    )
    mine = write(tmp_path / "ours.json", ours)
    result = run(
        "merge-record",
        str(write(tmp_path / "base.json", None)),
        str(mine),
        str(write(tmp_path / "theirs.json", theirs)),
    )
    assert result.exit_code == 0, result.output
    merged = json.loads(mine.read_text("utf-8"))
    assert [i["id"] for i in merged["answers"]["actions"]][-1] == "added"


def test_two_sessions_in_one_folder_are_refused_and_this_clones_record_stays(
    run, tmp_path: Path
) -> None:
    ours = reset_record()
    theirs = {**ours, "started_at": "2026-11-24T15:00:00Z"}
    mine = write(tmp_path / "ours.json", ours)
    before = mine.read_text("utf-8")
    result = run(
        "merge-record",
        str(tmp_path / "no-base.json"),
        str(mine),
        str(write(tmp_path / "theirs.json", theirs)),
    )
    assert result.exit_code == 2
    assert "two clones each saved a different session" in result.stderr
    assert "run 'resetkit team repair': it keeps both" in result.stderr
    assert mine.read_text("utf-8") == before


@pytest.mark.parametrize("empty", ["ours", "theirs"])
def test_a_side_with_no_record_is_refused(run, tmp_path: Path, empty: str) -> None:
    record = reset_record()
    mine = write(tmp_path / "ours.json", None if empty == "ours" else record)
    other = write(tmp_path / "theirs.json", None if empty == "theirs" else record)
    result = run("merge-record", str(write(tmp_path / "base.json", record)), str(mine), str(other))
    assert result.exit_code == 2
    assert f"{mine}: one side of the merge has no record" in result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_pull_keeps_the_items_only_the_other_clone_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_team_git import git, items_of, shared_repository, sync

    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    for clone, what in ((ann, "Ann's new item"), (bob, "Bob's new item")):
        (path,) = (clone / "notes").glob("*/*-reset/session.json")
        record = json.loads(path.read_text("utf-8"))
        first = record["answers"]["actions"][0]
        record["answers"]["actions"].append({**first, "id": clone.name, "what": what})
        path.write_text(json.dumps(record), "utf-8")
    sync(ann)
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "Bob's item")
    pulled = subprocess.run(
        ["git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
        cwd=bob,
        capture_output=True,
        text=True,
    )
    assert pulled.returncode == 0, pulled.stderr
    whats = [i["what"] for i in items_of(bob)]
    assert whats[-2:] == ["Bob's new item", "Ann's new item"]


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_side_that_is_not_utf8_is_named_with_the_way_out(tmp_path: Path, side: str) -> None:
    from resetkit.record.merge import DamagedSide
    from resetkit.record.team import merge_record_files

    record = reset_record()
    base, ours, theirs = (write(tmp_path / f"{n}.json", record) for n in ("b", "o", "t"))
    (ours if side == "ours" else theirs).write_bytes(b'{"customer": "\xff"}')
    with pytest.raises(DamagedSide) as damaged:
        merge_record_files(base, ours, theirs, "notes/acme/x/session.json")
    assert damaged.value.message == f"notes/acme/x/session.json: {side} is not UTF-8 text"
    assert damaged.value.hint == (
        "take one side whole with 'git checkout --ours' or '--theirs', then 'git add' it"
    )
    with pytest.raises(DamagedSide) as unnamed:
        merge_record_files(base, ours, theirs)  # no %P from an older git config: the file
    assert unnamed.value.message.startswith(f"{ours}: ")


def test_a_damaged_side_keeps_the_hint_of_what_to_do(tmp_path: Path) -> None:
    from resetkit.record.merge import DamagedSide
    from resetkit.record.team import merge_record_files

    record = reset_record()
    base, ours = write(tmp_path / "b.json", record), write(tmp_path / "o.json", record)
    theirs = tmp_path / "t.json"
    theirs.write_text("{not json", "utf-8")
    with pytest.raises(DamagedSide) as damaged:
        merge_record_files(base, ours, theirs, "notes/acme/x/session.json")
    assert damaged.value.message.startswith("notes/acme/x/session.json: theirs is not")
    assert damaged.value.hint.startswith("fix that side's session.json")
