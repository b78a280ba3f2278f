"""`team init` where a team starts: a fresh clone with no options, a subfolder, no repository
at all, hooks the team already has (in any language), core.hooksPath, non-ASCII folders; and
`team repair` on a conflict only a person can settle. Real git."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from test_team_git import clone_of, git, items_of, resetkit, shared_repository

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def fresh_repository(root: Path) -> Path:
    """A new empty clone of a new empty team repository, as `git clone` leaves it."""
    bare = root / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return clone_of(bare, root, "ann")


def test_team_init_with_no_options_in_a_fresh_clone_sets_up_notes_in_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    (clone / "docs" / "deep").mkdir(parents=True)
    result = resetkit(clone / "docs" / "deep", "team", "init", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert f"using {clone / 'notes'} as the team's notes dir" in result.stderr
    config = tomllib.loads((clone / "resetkit.toml").read_text("utf-8"))
    assert config == {"notes_dir": "notes"}
    assert "merge=resetkit-record" in (clone / "notes" / ".gitattributes").read_text("utf-8")
    assert git(clone, "config", "--get", "merge.resetkit-record.driver").stdout.strip()
    assert (clone / ".git" / "hooks" / "post-merge").stat().st_mode & 0o111
    # The personal data folder is never touched by a team's setup.
    assert not (tmp_path / "home" / ".local" / "share" / "resetkit" / "notes").exists()
    again = resetkit(clone, "team", "init", monkeypatch=monkeypatch)
    assert again.exit_code == 0
    assert again.stderr.strip() == "nothing to do: this repository is set up already"


def test_team_init_outside_a_repository_says_to_clone_first_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    result = resetkit(outside, "team", "init", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "is not inside a git repository" in line and "git clone" in line
    assert list(outside.iterdir()) == []
    assert not (tmp_path / "home" / ".local" / "share" / "resetkit" / "notes").exists()
    named = resetkit(
        outside, "team", "init", "--notes-dir", str(outside / "n"), monkeypatch=monkeypatch
    )
    assert named.exit_code == 2 and "not inside a git repository" in named.stderr
    assert not (outside / "n").exists()


def test_team_init_refuses_a_notes_dir_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    monkeypatch.setenv("RESETKIT_NOTES_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.chdir(clone)
    from typer.testing import CliRunner

    from resetkit.cli import app

    result = CliRunner().invoke(app, ["team", "init"])
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


HOOKS = {
    "sh": '#!/bin/sh\necho sh >> "$(git rev-parse --show-toplevel)/../hook-ran"\nexit 0\n',
    "python": (
        f"#!{sys.executable}\nimport subprocess\n"
        "top = subprocess.run(['git', 'rev-parse', '--show-toplevel'], capture_output=True,"
        " text=True).stdout.strip()\n"
        "open(top + '/../hook-ran', 'a').write('python\\n')\n"
    ),
}


@pytest.mark.parametrize("language", sorted(HOOKS))
def test_an_existing_post_merge_hook_keeps_running_first_and_the_notes_are_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "plain"])
    hook = bob / ".git" / "hooks" / "post-merge"
    hook.write_text(HOOKS[language], "utf-8")
    hook.chmod(0o755)
    result = resetkit(bob, "team", "init", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "kept your post-merge hook as" in result.stderr
    assert (bob / ".git" / "hooks" / "post-merge.before-resetkit").read_text() == HOOKS[language]
    # A change in ann's clone, merged into bob's by a plain pull: the merge runs both hooks.
    first = items_of(ann)[0]["id"]
    assert resetkit(ann, "actions", "done", first, monkeypatch=monkeypatch).exit_code == 0
    # The change rebuilds its notes too; put one back, so bob's hook has a file to rebuild.
    (stale,) = (ann / "notes").glob("*/*-reset/notes.md")
    git(ann, "checkout", "--", str(stale))
    git(ann, "commit", "-qam", "done")
    git(ann, "push", "-q", "origin", "HEAD:main")
    (bob / "local.txt").write_text("a local commit, so the pull is a real merge\n")
    git(bob, "add", "local.txt")
    git(bob, "commit", "-qm", "local")
    git(bob, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert (tmp_path / "hook-ran").read_text().split() == [language]
    (plan,) = (bob / "notes").glob("*/*-reset/action-plan.md")
    assert "Step 0" in plan.read_text("utf-8")
    assert {i["id"]: i["status"] for i in items_of(bob)}[first] == "done"
    assert git(bob, "status", "--porcelain", "--", "notes").stdout.strip(), "notes rebuilt"
    again = resetkit(bob, "team", "init", monkeypatch=monkeypatch)
    assert "nothing to do" in again.stderr


def test_a_hook_an_earlier_resetkit_appended_to_is_split_back_into_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    hook = clone / ".git" / "hooks" / "post-merge"
    theirs = "#!/bin/sh\necho mine\n"
    hook.write_text(
        theirs + "# resetkit: rebuild notes files from merged records\nresetkit render\n"
    )
    hook.chmod(0o755)
    assert resetkit(clone, "team", "init", monkeypatch=monkeypatch).exit_code == 0
    assert (clone / ".git" / "hooks" / "post-merge.before-resetkit").read_text() == theirs
    ran = subprocess.run([str(hook)], cwd=clone, capture_output=True, text=True, check=False)
    assert ran.returncode == 0 and ran.stdout == "mine\n"


def test_a_failing_existing_hook_keeps_its_exit_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    hook = clone / ".git" / "hooks" / "post-merge"
    hook.write_text("#!/bin/sh\nexit 3\n")
    hook.chmod(0o755)
    assert resetkit(clone, "team", "init", monkeypatch=monkeypatch).exit_code == 0
    ran = subprocess.run([str(hook)], cwd=clone, capture_output=True, check=False)
    assert ran.returncode == 3


def test_team_init_installs_its_hook_where_core_hooks_path_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    git(clone, "config", "core.hooksPath", ".githooks")
    result = resetkit(clone, "team", "init", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "core.hooksPath" in result.stderr
    assert (clone / ".githooks" / "post-merge").stat().st_mode & 0o111
    assert not (clone / ".git" / "hooks" / "post-merge").exists()


def test_a_non_ascii_notes_folder_is_set_up_and_its_tracked_prev_files_untracked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    prev = clone / "notes équipe" / "Société" / "2026-11-24-reset" / "session.prev.json"
    prev.parent.mkdir(parents=True)
    prev.write_text("{}")
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "notes")
    result = resetkit(
        clone, "team", "init", "--notes-dir", str(clone / "notes équipe"), monkeypatch=monkeypatch
    )
    assert result.exit_code == 0, result.output
    assert "stopped tracking 1 session.prev.json file" in result.stderr
    assert prev.exists()
    config = tomllib.loads((clone / "resetkit.toml").read_text("utf-8"))
    assert config == {"notes_dir": "notes équipe"}


def test_repair_names_a_record_deleted_on_one_side_and_leaves_it_for_a_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, plain = shared_repository(tmp_path, monkeypatch, ["ann", "plain"])
    (record,) = (ann / "notes").glob("*/*-reset/session.json")
    name = record.relative_to(ann).as_posix()
    git(ann, "rm", "-q", name)
    git(ann, "commit", "-qm", "removed")
    git(ann, "push", "-q", "origin", "HEAD:main")
    third = items_of(plain)[2]["id"]
    moved = resetkit(plain, "actions", "done", third, monkeypatch=monkeypatch)
    assert moved.exit_code == 0, moved.output
    git(plain, "commit", "-qam", "done")
    git(plain, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert name in git(plain, "ls-files", "-u").stdout
    repaired = resetkit(plain, "team", "repair", monkeypatch=monkeypatch)
    assert repaired.exit_code == 1
    assert f"{plain / name}: deleted in the other clone" in repaired.stderr
    assert "no session record was left in conflict" not in repaired.stderr
    assert name in git(plain, "ls-files", "-u").stdout


def test_outside_the_team_repository_a_command_names_the_other_notes_dir_it_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ann,) = shared_repository(tmp_path, monkeypatch, ["ann"])
    inside = resetkit(ann, "actions", monkeypatch=monkeypatch)
    assert inside.exit_code == 0 and "Step 0" in inside.stdout
    assert "notes in" not in inside.stderr
    home = tmp_path / "home"
    away = resetkit(home, "due", monkeypatch=monkeypatch)
    assert away.exit_code == 0
    personal = home / ".local" / "share" / "resetkit" / "notes"
    said = f"resetkit: notes in {personal} (your data dir), not your team's ({ann / 'notes'})"
    assert said in away.stderr
    # Said every time: "nothing due" from the personal folder must not read as the team's.
    again = resetkit(home, "actions", monkeypatch=monkeypatch)
    assert said in again.stderr and "Step 0" not in again.stdout
    back = resetkit(ann, "sessions", monkeypatch=monkeypatch)
    assert f"notes in {ann / 'notes'}" in back.stderr
    assert "notes in" not in resetkit(ann, "sessions", monkeypatch=monkeypatch).stderr  # once
    elsewhere = tmp_path / "elsewhere"
    named = resetkit(home, "due", "--notes-dir", str(elsewhere), monkeypatch=monkeypatch)
    assert "notes in" not in named.stderr  # a folder named on the command line is not told


def test_start_outside_the_team_repository_refuses_to_hide_the_session_in_personal_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import QUIET_RISK_CHECK

    clone = fresh_repository(tmp_path)
    assert resetkit(clone, "team", "init", monkeypatch=monkeypatch).exit_code == 0
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"answers": QUIET_RISK_CHECK}), "utf-8")
    args = ["start", "risk-check", "--customer", "Acme", "--answers", str(answers), "--no-input"]
    away = resetkit(tmp_path / "home", *args, monkeypatch=monkeypatch)
    assert away.exit_code == 2
    (line,) = away.stderr.strip().splitlines()
    assert f"not inside your team's repository ({clone / 'notes'})" in line
    assert "--notes-dir" in line
    assert not (tmp_path / "home" / ".local" / "share" / "resetkit" / "notes").exists()
    inside = resetkit(clone, *args, monkeypatch=monkeypatch)
    assert inside.exit_code == 0, inside.output
    assert list((clone / "notes").glob("acme/*-risk-check/session.json"))


def test_reopen_drop_and_settle_go_through_a_merge_like_every_other_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_team_git import sync

    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    first, second, third = (item["id"] for item in items_of(ann)[:3])
    assert resetkit(ann, "actions", "done", first, monkeypatch=monkeypatch).exit_code == 0
    dropped = resetkit(ann, "actions", "drop", second, "--reason", "  ", monkeypatch=monkeypatch)
    assert dropped.exit_code == 2 and "--reason must say why" in dropped.stderr
    assert (
        resetkit(ann, "actions", "drop", second, "--reason", "No budget", monkeypatch=monkeypatch)
    ).exit_code == 0
    sync(ann)
    sync(bob)
    reopened = resetkit(bob, "actions", "reopen", first, "--note", "Oops", monkeypatch=monkeypatch)
    assert reopened.exit_code == 0, reopened.output
    again = resetkit(bob, "actions", "reopen", first, monkeypatch=monkeypatch)
    assert again.exit_code == 2 and "is open" in again.stderr
    # Both move the third item at once: it is flagged after the merge.
    for clone, days in ((ann, "+20d"), (bob, "+25d")):
        moved = resetkit(
            clone, "actions", "move", third, "--due", days, "--reason", clone.name,
            monkeypatch=monkeypatch,
        )  # fmt: skip
        assert moved.exit_code == 0, moved.output
    sync(bob)
    sync(ann)
    status = {i["id"]: (i["status"], bool(i.get("flag"))) for i in items_of(ann)}
    assert status[first] == ("open", False)
    assert status[second] == ("dropped", False)
    assert status[third] == ("open", True)
    listed = resetkit(ann, "actions", monkeypatch=monkeypatch)
    row = next(line for line in listed.stdout.splitlines() if line.startswith(third))
    assert row.split("\t")[1] == "⚑" and "two places" not in row
    shown = resetkit(ann, "actions", "show", third, monkeypatch=monkeypatch)
    assert shown.exit_code == 0 and "changed in two places at once" in shown.stdout
    assert "moved from" in shown.stdout and " by Ann" in shown.stdout and " by Bob" in shown.stdout
    settled = resetkit(ann, "actions", "settle", third, monkeypatch=monkeypatch)
    assert settled.exit_code == 0, settled.output
    twice = resetkit(ann, "actions", "settle", third, monkeypatch=monkeypatch)
    assert twice.exit_code == 2 and "no flag to settle" in twice.stderr
    sync(ann)
    sync(bob)  # bob never settled: the flag cleared on ann's side stays cleared
    for clone in (ann, bob):
        (item,) = [i for i in items_of(clone) if i["id"] == third]
        assert not item.get("flag"), clone.name
    plan = next((bob / "notes").glob("*/*-reset/action-plan.md")).read_text("utf-8")
    assert "#1 reopened: Oops" in plan and "#2 dropped: No budget" in plan


def test_team_repair_splits_one_folder_saved_by_two_clones_alike_in_every_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from conftest import QUIET_RISK_CHECK
    from test_team_git import sync

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
    git(bob, "commit", "-qm", "risk check")
    pulled = git(bob, "pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert "run 'resetkit team repair'" in pulled.stderr
    repaired = resetkit(bob, "team", "repair", monkeypatch=monkeypatch)
    assert repaired.exit_code == 0, repaired.output
    assert "two sessions in one folder: kept" in repaired.stderr
    assert "finish the merge with 'git commit'" in repaired.stderr
    unstaged = [
        line
        for line in git(bob, "status", "--porcelain", "--", "notes").stdout.splitlines()
        if line[1] != " "
    ]
    assert unstaged == []  # everything repair wrote is staged: the commit is whole
    git(bob, "commit", "-qm", "two risk checks")
    git(bob, "push", "-q", "origin", "HEAD:main")
    pulled = git(ann, "pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 0, pulled.stderr
    layouts = []
    for clone in (ann, bob):
        records = sorted((clone / "notes" / "initech").glob("*/session.json"))
        assert [path.parent.name.endswith("-2") for path in records] == [False, True]
        loaded = [json.loads(path.read_text("utf-8")) for path in records]
        assert [r["id"] for r in loaded] == [f"initech/{p.parent.name}" for p in records]
        assert loaded[0]["started_at"] <= loaded[1]["started_at"]
        layouts.append([(r["id"], r["started_at"]) for r in loaded])
        listed = resetkit(clone, "sessions", "--customer", "Initech", monkeypatch=monkeypatch)
        assert listed.stdout.count("initech/") == 2, listed.output
    assert layouts[0] == layouts[1]


def test_the_hooks_keep_rebuilding_notes_after_the_clone_moves_and_say_when_they_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_team_git import sync

    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    moved = bob.rename(tmp_path / "bob-moved")
    first = items_of(ann)[0]["id"]
    assert (
        resetkit(ann, "actions", "done", first, "--note", "ann", monkeypatch=monkeypatch).exit_code
        == 0
    )
    sync(ann)
    second = items_of(moved)[1]["id"]
    assert resetkit(moved, "actions", "done", second, monkeypatch=monkeypatch).exit_code == 0
    git(moved, "commit", "-qam", "bob")
    pulled = git(moved, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 0 and pulled.stderr == "", pulled.stderr
    plan = next((moved / "notes").glob("*/*-reset/action-plan.md")).read_text("utf-8")
    assert "#1 done: ann" in plan  # rebuilt from the merged record, though the clone moved
    # A resetkit that cannot run (the virtualenv gone) is said, not hidden.
    hook = moved / ".git" / "hooks" / "post-merge"
    hook.write_text(hook.read_text("utf-8").replace(sys.executable, "/nowhere/python"), "utf-8")
    git(ann, "commit", "--allow-empty", "-qm", "empty")
    git(ann, "push", "-q", "origin", "HEAD:main")
    git(moved, "commit", "--allow-empty", "-qm", "local")
    pulled = git(moved, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert "resetkit: the notes were not rebuilt" in pulled.stderr
    assert "resetkit team init" in pulled.stderr


def test_team_init_refuses_a_notes_dir_the_repositorys_settings_do_not_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ann,) = shared_repository(tmp_path, monkeypatch, ["ann"])
    before = (ann / ".git" / "hooks" / "post-merge").read_text("utf-8")
    other = resetkit(
        ann, "team", "init", "--notes-dir", str(ann / "team-notes"), monkeypatch=monkeypatch
    )
    assert other.exit_code == 2
    assert f"says the notes are in {ann / 'notes'}, not {ann / 'team-notes'}" in other.stderr
    assert (ann / ".git" / "hooks" / "post-merge").read_text("utf-8") == before
    assert not (ann / "team-notes").exists()


def test_a_flagged_item_that_is_closed_is_found_with_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from test_team_git import sync

    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    item = items_of(ann)[4]["id"]
    moved = resetkit(
        ann, "actions", "move", item, "--due", "+30d", "--reason", "Legal", monkeypatch=monkeypatch
    )
    assert moved.exit_code == 0, moved.output
    assert resetkit(bob, "actions", "done", item, monkeypatch=monkeypatch).exit_code == 0
    sync(ann)
    sync(bob)
    listed = resetkit(bob, "actions", monkeypatch=monkeypatch)
    assert item not in listed.stdout  # closed: not among the open ones
    for args in (["--flagged"], ["--flagged", "--format", "json"]):
        flagged = resetkit(bob, "actions", *args, monkeypatch=monkeypatch)
        assert flagged.exit_code == 0, flagged.output
        assert item in flagged.stdout
    (row,) = json.loads(resetkit(bob, "actions", "--flagged", "--format", "json",
                                 monkeypatch=monkeypatch).stdout)  # fmt: skip
    assert row["status"] == "done" and row["overdue_days"] == 0 and "it is now done" in row["flag"]
    table = resetkit(bob, "actions", "--flagged", monkeypatch=monkeypatch).stdout
    assert "(done)" in table
    with monkeypatch.context() as patch:
        patch.setenv("RESETKIT_INDEX", "off")
        unindexed = resetkit(
            bob, "actions", "--flagged", "--format", "json", monkeypatch=monkeypatch
        )
        assert [r["action_id"] for r in json.loads(unindexed.stdout)] == [row["action_id"]]


def test_team_init_untracks_lock_files_an_earlier_clone_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = fresh_repository(tmp_path)
    folder = clone / "notes" / "acme-corp" / "2026-11-24-reset"
    folder.mkdir(parents=True)
    for name in ("session.lock", ".lock", "notes.md"):
        (folder / name).write_text("")
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "notes, as resetkit left them before it removed its locks")
    result = resetkit(clone, "team", "init", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "stopped tracking 1 session.lock file" in result.stderr
    assert "stopped tracking 1 .lock file" in result.stderr
    git(clone, "add", "-A")
    tracked = git(clone, "ls-files", "notes").stdout.split()
    assert "notes/acme-corp/2026-11-24-reset/notes.md" in tracked
    assert not [name for name in tracked if name.endswith(".lock")]
