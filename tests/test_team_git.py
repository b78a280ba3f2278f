"""A team shares one notes repository in git: clones change the same sessions, pull and push
with plain git, and nothing conflicts or is lost. Real git, real clones of a bare repository."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import QUIET_RISK_CHECK, day
from resetkit.cli import app

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ITEMS = 12


def git(clone: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=clone, capture_output=True, text=True, check=check, env=os.environ
    )


def resetkit(clone: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """resetkit in a clone, as its CSM would run it there (the clone's resetkit.toml)."""
    monkeypatch.chdir(clone)
    monkeypatch.delenv("RESETKIT_NOTES_DIR", raising=False)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def clone_of(bare: Path, root: Path, name: str) -> Path:
    clone = root / name
    subprocess.run(["git", "clone", "-q", str(bare), str(clone)], check=True, capture_output=True)
    git(clone, "config", "user.name", name.capitalize())
    git(clone, "config", "user.email", f"{name}@example.com")
    return clone


def shared_repository(root: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> list[Path]:
    """A bare repository, a first clone set up with `team init` holding one reset session with
    several action items, and more clones of it (set up too, unless named 'plain')."""
    from conftest import drive

    bare = root / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    first = clone_of(bare, root, names[0])
    result = resetkit(
        first, "team", "init", "--notes-dir", str(first / "notes"), monkeypatch=monkeypatch
    )
    assert result.exit_code == 0, result.output
    items = [{"what": f"Step {n}", "owner": "us", "due": day(16 + n)} for n in range(ITEMS)]
    drive("reset", {"actions": items}, notes_dir=first / "notes")
    git(first, "add", "-A")
    git(first, "commit", "-q", "-m", "A reset with Acme")
    git(first, "push", "-q", "origin", "HEAD:main")
    clones = [first]
    for name in names[1:]:
        clone = clone_of(bare, root, name)
        if name != "plain":
            assert resetkit(clone, "team", "init", monkeypatch=monkeypatch).exit_code == 0
        clones.append(clone)
    return clones


def record(clone: Path) -> dict[str, Any]:
    """The shared reset session's record (follow-ups are sessions of their own)."""
    (path,) = (clone / "notes").glob("*/*-reset/session.json")
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


def items_of(clone: Path) -> list[dict[str, Any]]:
    return record(clone)["answers"]["actions"]  # type: ignore[no-any-return]


def sync(clone: Path, *, rebase: bool = False) -> None:
    """Commit what the clone changed, pull (a real merge, or a rebase), push."""
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "changes", check=False)
    how = "--rebase" if rebase else "--no-rebase"
    pulled = git(clone, "pull", "-q", how, "--no-edit", "origin", "main", check=False)
    assert git(clone, "ls-files", "-u").stdout == "", pulled.stdout + pulled.stderr
    git(clone, "add", "-A")  # what the post-merge hook rebuilt
    git(clone, "commit", "-q", "-m", "notes rebuilt after the merge", check=False)
    git(clone, "push", "-q", "origin", "HEAD:main")


ZONES = {"ann": "Europe/Paris", "bob": "America/New_York"}


def in_zone(clone: Path) -> None:
    """Run what follows as the clone's CSM would: in their own time zone."""
    os.environ["TZ"] = ZONES.get(clone.name, "UTC")
    time.tzset()


def test_two_clones_change_one_session_for_100_rounds_and_nothing_conflicts_or_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zoned: None
) -> None:
    """Two CSMs in Paris and New York, pulling with merge or rebase at random, each round
    done, moved, dropped, reopened or settled items (and a follow-up review now and then)."""
    clones = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    chance = random.Random(21)
    made: set[str] = set()  # the note of every change anyone made: each unique
    for round_number in range(100):
        for clone in clones:
            in_zone(clone)
            items = items_of(clone)
            open_items = [item for item in items if item["status"] == "open"]
            closed = [item for item in items if item["status"] != "open"]
            flagged = [item for item in items if item.get("flag")]
            roll = chance.random()
            note = f"{clone.name} round {round_number}"
            if open_items and clone is clones[0] and roll < 0.08:
                # A follow-up: a new session whose review settles an item of the shared one.
                item = chance.choice(open_items)
                note += " (follow-up)"
                answers = clone / "follow-up.yaml"
                answers.write_text(
                    yaml.safe_dump(
                        {
                            "answers": QUIET_RISK_CHECK,
                            "review": {item["id"]: {"status": "done", "note": note}},
                        }
                    ),
                    "utf-8",
                )
                result = resetkit(
                    clone, "start", "risk-check", "--customer", "Acme Corp", "--follow-up",
                    record(clone)["id"], "--answers", str(answers), "--no-input",
                    monkeypatch=monkeypatch,
                )  # fmt: skip
                answers.unlink()
                assert result.exit_code == 0, result.output
                made.add(note)
            elif flagged and roll < 0.2:
                item = chance.choice(flagged)
                result = resetkit(clone, "actions", "settle", item["id"], monkeypatch=monkeypatch)
                assert result.exit_code == 0, result.output
                assert not next(i for i in items_of(clone) if i["id"] == item["id"]).get("flag")
            elif closed and roll < 0.3:
                item = chance.choice(closed)
                args = ["actions", "reopen", item["id"], "--note", note]
                result = resetkit(clone, *args, monkeypatch=monkeypatch)
                assert result.exit_code == 0, result.output
                made.add(note)
            elif open_items:
                item = chance.choice(open_items)
                if roll < 0.36:
                    args = ["actions", "done", item["id"], "--note", note]
                elif roll < 0.42:
                    args = ["actions", "drop", item["id"], "--reason", note]
                else:
                    due = f"+{chance.randint(1, 30)}d"
                    args = ["actions", "move", item["id"], "--due", due, "--reason", note]
                result = resetkit(clone, *args, monkeypatch=monkeypatch)
                assert result.exit_code == 0, result.output
                if "nothing new" not in result.stderr:  # a move to the date it has is no slip
                    made.add(note)
            sync(clone, rebase=chance.random() < 0.5)
        git(clones[0], "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
        kept = {event["note"] for item in items_of(clones[0]) for event in item["history"]}
        assert made <= kept, f"lost in round {round_number}: {sorted(made - kept)}"
        # Each item's history in the order the changes happened, whatever zone wrote them.
        for item in items_of(clones[0]):
            instants = [datetime.fromisoformat(e["at"]) for e in item["history"]]
            assert instants == sorted(instants), item["id"]
    # Every notes file equals a fresh render of the merged record.
    for clone in clones:
        git(clone, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
        rebuilt = resetkit(clone, "render", "--all-changed", monkeypatch=monkeypatch)
        assert rebuilt.exit_code == 0 and rebuilt.stdout == "", rebuilt.output
    events = [event for item in items_of(clones[0]) for event in item["history"]]
    assert events and all(event["by"] in ("Ann", "Bob") for event in events)
    assert {"moved", "done", "dropped", "reopened"} <= {event["kind"] for event in events}


@pytest.mark.dated
def test_both_clones_move_the_same_item_and_both_slips_stay_with_the_later_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    item = items_of(ann)[2]["id"]
    moved = resetkit(
        ann,
        "actions",
        "move",
        item,
        "--due",
        day(26),
        "--reason",
        "Legal",
        monkeypatch=monkeypatch,
    )
    assert moved.exit_code == 0, moved.output
    assert [event["note"] for event in items_of(ann)[2]["history"]] == ["Legal"]
    sync(ann)
    moved = resetkit(
        bob,
        "actions",
        "move",
        item,
        "--due",
        day(33),
        "--reason",
        "Budget",
        monkeypatch=monkeypatch,
    )
    assert moved.exit_code == 0, moved.output
    assert [event["note"] for event in items_of(bob)[2]["history"]] == ["Budget"]
    sync(bob)
    (merged,) = [i for i in items_of(bob) if i["id"] == item]
    assert [event["note"] for event in merged["history"]] == ["Legal", "Budget"]
    assert merged["due"] == day(33) and "two places at once" in merged["flag"]
    listed = resetkit(bob, "actions", monkeypatch=monkeypatch)
    assert listed.exit_code == 0 and "⚑" in listed.stdout


@pytest.mark.dated
def test_a_clone_without_the_driver_is_told_the_one_command_that_repairs_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, plain = shared_repository(tmp_path, monkeypatch, ["ann", "plain"])
    first, third = items_of(ann)[0]["id"], items_of(ann)[2]["id"]
    done = resetkit(ann, "actions", "done", first, monkeypatch=monkeypatch)
    assert done.exit_code == 0, done.output
    assert items_of(ann)[0]["status"] == "done"
    sync(ann)
    moved = resetkit(
        plain, "actions", "move", third, "--due", "+9d", "--reason", "Late", monkeypatch=monkeypatch
    )
    assert moved.exit_code == 0, moved.output
    assert [event["note"] for event in items_of(plain)[2]["history"]] == ["Late"]
    git(plain, "add", "-A")
    git(plain, "commit", "-q", "-m", "move")
    git(plain, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert git(plain, "ls-files", "-u").stdout != ""  # git alone could not merge the record
    listed = resetkit(plain, "actions", monkeypatch=monkeypatch)
    assert "git's conflict markers" in listed.stderr and "resetkit team repair" in listed.stderr
    repaired = resetkit(plain, "team", "repair", monkeypatch=monkeypatch)
    assert repaired.exit_code == 0, repaired.output
    assert git(plain, "ls-files", "-u").stdout == ""
    assert "run 'resetkit team init' once" in repaired.stderr
    assert "finish the merge with 'git commit'" in repaired.stderr
    porcelain = git(plain, "status", "--porcelain", "--", "notes").stdout.splitlines()
    assert [line for line in porcelain if line[1] != " "] == []  # all of it staged
    status = {i["id"]: (i["status"], len(i["history"])) for i in items_of(plain)}
    assert status[first] == ("done", 1) and status[third] == ("open", 1)


def test_team_init_says_what_it_did_and_a_second_run_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ann,) = shared_repository(tmp_path, monkeypatch, ["ann"])
    again = resetkit(ann, "team", "init", monkeypatch=monkeypatch)
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    attributes = (ann / "notes" / ".gitattributes").read_text("utf-8")
    assert "session.json merge=resetkit-record" in attributes
    assert "session.prev.json" in (ann / "notes" / ".gitignore").read_text("utf-8")
    assert git(ann, "ls-files", "--", "*session.prev.json").stdout == ""


def test_two_sessions_saved_in_one_folder_by_two_clones_are_never_merged_into_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    for clone in (ann, bob):
        answers = clone.parent / f"{clone.name}.yaml"
        answers.write_text(yaml.safe_dump({"answers": QUIET_RISK_CHECK}), "utf-8")
        started = resetkit(
            clone, "start", "risk-check", "--customer", "Initech", "--answers", str(answers),
            "--no-input", monkeypatch=monkeypatch,
        )  # fmt: skip
        assert started.exit_code == 0, started.output
    sync(ann)
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "risk check")
    pulled = git(bob, "pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 1  # the driver refused: the record is left in conflict
    assert "two clones each saved a different session" in pulled.stderr
    (conflicted,) = {line.split("\t")[1] for line in git(bob, "ls-files", "-u").stdout.splitlines()}
    mine = json.loads((bob / conflicted).read_text("utf-8"))  # still a record, bob's own
    theirs = json.loads(git(bob, "show", f":3:{conflicted}").stdout)
    assert mine["started_at"] != theirs["started_at"]
