"""`share` and `render` use the playbook a session ran, found by its content hash in this clone,
and never another playbook of the same id: the built-in `reset` must not stand in for a team's
own, whose recap leaves an answer out of the customer copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import synthetic_answer
from resetkit.cli import app
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir

SECRET = "They doubt our CTO; do not repeat this"
LEFT_OUT = """    - heading: The problem we agreed to solve first
      when: {question: outcome, one_of: [continue, compromise, follow-up]}
      items:
        - answer: real-problem
"""


def team_with_its_own_reset(root: Path) -> Path:
    """A team repository whose reset leaves the real problem out of the customer copy, and a
    complete session run with it (its record says it ran from another clone's folder)."""
    team = root / "team"
    (team / "playbooks").mkdir(parents=True)
    (team / ".git").mkdir()
    (team / "resetkit.toml").write_text('notes_dir = "notes"\n', "utf-8")
    text = (builtin_dir() / "reset.yaml").read_text("utf-8")
    assert LEFT_OUT in text
    (team / "playbooks" / "reset.yaml").write_text(text.replace(LEFT_OUT, ""), "utf-8")
    return team


def run_with(team: Path) -> Path:
    """A complete reset with the team's playbook, as `start` inside the repository runs it."""
    from datetime import UTC, datetime
    from io import StringIO

    from rich.console import Console

    from resetkit.record.session import Attendee
    from resetkit.record.store import begin
    from resetkit.run.live import Run
    from resetkit.run.prompts import ScriptedPrompter

    path = team / "playbooks" / "reset.yaml"
    playbook = load_file(path)
    answers = {q.id: synthetic_answer(q) for _, q in playbook.questions()}
    answers |= {"outcome": "continue", "real-problem": SECRET}
    session, folder = begin(
        playbook, path, path.read_text("utf-8"), "Acme", [Attendee(name="Dana")],
        team / "notes", datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
    )  # fmt: skip
    console = Console(file=StringIO())
    run = Run(playbook, session, folder, ScriptedPrompter(answers, ["save"]), console)
    run.walk()
    run.finish(run.review())
    return folder / "session.json"
    return team


def run_in(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(folder)
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def ran(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    team = team_with_its_own_reset(isolated.parent)
    record = run_with(team)
    data = json.loads(record.read_text("utf-8"))
    assert data["playbook_path"] == "playbooks/reset.yaml"
    # As another clone wrote it: the same file, at that CSM's path.
    data["playbook_path"] = "/home/ann/work/team/playbooks/reset.yaml"
    record.write_text(json.dumps(data), "utf-8")
    return team, record


def test_share_from_outside_the_repository_uses_the_team_playbook_by_its_hash(
    ran: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    team, record = ran
    session = f"acme/{record.parent.name}"
    shared = run_in(isolated, monkeypatch, "share", session, "--notes-dir", str(team / "notes"))
    assert shared.exit_code == 0, shared.output
    assert SECRET not in shared.stdout
    assert "What you can count on from us" in shared.stdout
    assert shared.stderr == ""
    draft = isolated / "recap.eml"
    emailed = run_in(
        isolated, monkeypatch, "share", session, "--eml", str(draft), "--notes-dir",
        str(team / "notes"),
    )  # fmt: skip
    assert emailed.exit_code == 0, emailed.output
    import email
    from email import policy

    message = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    body = "".join(
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    )
    assert SECRET not in body and "What you can count on from us" in body


def test_render_and_share_say_when_the_playbook_was_edited_since(
    ran: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    team, record = ran
    edited = team / "playbooks" / "reset.yaml"
    edited.write_text(edited.read_text("utf-8").replace("Where we go from here", "Next"), "utf-8")
    session = f"acme/{record.parent.name}"
    shared = run_in(team, monkeypatch, "share", session, "--format", "md")
    assert shared.exit_code == 0, shared.output
    assert f"the playbook {edited} changed since session {session} ran" in shared.stderr
    assert SECRET not in shared.stdout and "Next: Acme" in shared.stdout
    rendered = run_in(team, monkeypatch, "render", session, "--force")
    assert rendered.exit_code == 0, rendered.output
    assert "changed since session" in rendered.stderr
    assert SECRET not in (record.parent / "shared.md").read_text("utf-8")


def test_without_the_playbook_it_ran_share_refuses_rather_than_take_the_built_in(
    ran: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    team, record = ran
    (team / "playbooks" / "reset.yaml").unlink()
    session = f"acme/{record.parent.name}"
    for command in (["share", session], ["render", session, "--force"]):
        result = run_in(team, monkeypatch, *command)
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()
        assert f"session {session} ran the playbook 'reset' from /home/ann/work/team" in line
        assert "never used in its place" in line
        assert SECRET not in result.stdout
    assert SECRET not in (record.parent / "shared.md").read_text("utf-8")
