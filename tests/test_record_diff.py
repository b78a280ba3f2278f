"""Records that git can diff: session.json is indented JSON in a stable key order, a change
shows as the lines that changed, and nothing in it names a folder of this machine."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import drive
from resetkit.record.session import Session
from resetkit.record.store import load, save


def test_a_record_is_indented_in_the_models_field_order(isolated: Path) -> None:
    driven = drive("reset")
    text = (driven.folder / "session.json").read_text("utf-8")
    assert text.count("\n") > 50 and text.startswith("{\n  ")
    record = json.loads(text)
    assert list(record) == list(Session.model_fields)
    save(load(driven.folder), driven.folder)  # a save with nothing new writes the same bytes
    assert (driven.folder / "session.json").read_text("utf-8") == text


def test_nothing_in_a_record_names_a_folder_of_this_machine(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_in = drive("risk-check", notes_dir=isolated / "notes")
    assert load(built_in.folder).playbook_path == "<built-in>/risk-check.yaml"
    team = isolated / "team"
    (team / "playbooks").mkdir(parents=True)
    (team / "resetkit.toml").write_text('notes_dir = "notes"\n', "utf-8")
    from resetkit.places import builtin_dir

    shutil.copy(builtin_dir() / "risk-check.yaml", team / "playbooks" / "risk-check.yaml")
    monkeypatch.chdir(team)
    from typer.testing import CliRunner

    from conftest import QUIET_RISK_CHECK
    from resetkit.cli import app

    answers = isolated / "answers.json"
    answers.write_text(json.dumps({"answers": QUIET_RISK_CHECK}), "utf-8")
    result = CliRunner().invoke(
        app,
        ["start", "risk-check", "--customer", "Acme", "--answers", str(answers), "--no-input"],
    )
    assert result.exit_code == 0, result.output
    (path,) = (team / "notes").glob("acme/*/session.json")
    text = path.read_text("utf-8")
    assert json.loads(text)["playbook_path"] == "playbooks/risk-check.yaml"
    for record in (text, (built_in.folder / "session.json").read_text("utf-8")):
        assert str(isolated) not in record and str(Path.home()) not in record
    shared = CliRunner().invoke(app, ["render", f"acme/{path.parent.name}", "--force"])
    assert shared.exit_code == 0 and shared.stderr == "", shared.output


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_change_to_one_action_item_is_a_few_lines_in_git_diff(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app

    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    subprocess.run(["git", "init", "-q", str(notes)], check=True)
    subprocess.run(["git", "-C", str(notes), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(notes),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@x",
            "commit",
            "-qm",
            "s",
        ],
        check=True,
    )
    item = driven.session.answers["actions"][0]["id"]
    done = CliRunner().invoke(app, ["actions", "done", item, "--notes-dir", str(notes)])
    assert done.exit_code == 0, done.output
    numstat = subprocess.run(
        ["git", "-C", str(notes), "diff", "--numstat", "--", "*/session.json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    added, removed = int(numstat[0]), int(numstat[1])
    assert added <= 20 and removed <= 5, numstat
