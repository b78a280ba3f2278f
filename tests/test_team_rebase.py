"""A team pulls with rebase as often as with merge: the notes files end as a fresh render of the
merged record, and a hand edit on either side is kept (both sides: merged by line, or a named
conflict). Real git."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_team_git import git, items_of, resetkit, shared_repository


def test_a_pull_with_rebase_keeps_both_changes_in_the_record_and_the_action_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    first, second = items_of(ann)[0]["id"], items_of(ann)[1]["id"]
    assert (
        resetkit(
            ann, "actions", "done", first, "--note", "by ann", monkeypatch=monkeypatch
        ).exit_code
        == 0
    )
    git(ann, "commit", "-qam", "ann")
    git(ann, "push", "-q", "origin", "HEAD:main")
    assert (
        resetkit(
            bob, "actions", "done", second, "--note", "by bob", monkeypatch=monkeypatch
        ).exit_code
        == 0
    )
    git(bob, "commit", "-qam", "bob")
    git(bob, "config", "pull.rebase", "true")
    pulled = git(bob, "pull", "-q", "origin", "main", check=False)
    assert pulled.returncode == 0, pulled.stderr
    status = {i["id"]: i["status"] for i in items_of(bob)}
    assert status[first] == status[second] == "done"
    plan = next((bob / "notes").glob("*/*-reset/action-plan.md")).read_text("utf-8")
    assert "by ann" in plan and "by bob" in plan, plan
    rebuilt = resetkit(bob, "render", "--all-changed", monkeypatch=monkeypatch)
    assert rebuilt.stdout == "", rebuilt.output


def hand_edit(clone: Path, old: str, new: str) -> None:
    plan = next((clone / "notes").glob("*/*-reset/action-plan.md"))
    text = plan.read_text("utf-8")
    assert old in text
    plan.write_text(text.replace(old, new, 1), "utf-8")


def plan_of(clone: Path) -> str:
    return next((clone / "notes").glob("*/*-reset/action-plan.md")).read_text("utf-8")


@pytest.mark.parametrize("rebase", [False, True])
@pytest.mark.parametrize("who", ["mine", "theirs"])
def test_a_hand_edit_on_either_side_survives_a_pull(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebase: bool, who: str
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    first = items_of(ann)[0]["id"]
    editor, other = (bob, ann) if who == "mine" else (ann, bob)
    hand_edit(editor, "# Action plan: Acme Corp", "# Action plan: Acme Corp (call Dana first)")
    assert (
        resetkit(
            other, "actions", "done", first, "--note", "re-render", monkeypatch=monkeypatch
        ).exit_code
        == 0
    )
    git(ann, "commit", "-qam", "ann")
    git(ann, "push", "-q", "origin", "HEAD:main")
    git(bob, "commit", "-qam", "bob")
    git(bob, "config", "pull.rebase", "true" if rebase else "false")
    pulled = git(bob, "pull", "-q", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert "(call Dana first)" in plan_of(bob)
    assert {i["id"]: i["status"] for i in items_of(bob)}[first] == "done"


@pytest.mark.parametrize("rebase", [False, True])
def test_hand_edits_on_both_sides_merge_by_line_or_stop_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebase: bool
) -> None:
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    hand_edit(ann, "# Action plan: Acme Corp", "# Action plan: Acme Corp (ann)")
    hand_edit(
        bob, "## Changes since the meeting", "## Changes (bob)"
    ) if "## Changes since" in plan_of(bob) else hand_edit(
        bob, "From the Reset", "From bob's Reset"
    )
    git(ann, "commit", "-qam", "ann")
    git(ann, "push", "-q", "origin", "HEAD:main")
    git(bob, "commit", "-qam", "bob")
    git(bob, "config", "pull.rebase", "true" if rebase else "false")
    pulled = git(bob, "pull", "-q", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert "(ann)" in plan_of(bob) and "bob's" in plan_of(bob)
    git(bob, "push", "-q", "origin", "HEAD:main")
    # Now both edit the title line: a named conflict, both kept.
    hand_edit(ann, "# Action plan: Acme Corp (ann)", "# Action plan: ANN")
    git(ann, "commit", "-qam", "ann again")
    git(ann, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    git(ann, "push", "-q", "origin", "HEAD:main")
    hand_edit(bob, "# Action plan: Acme Corp (ann)", "# Action plan: BOB")
    git(bob, "commit", "-qam", "bob again")
    pulled = git(bob, "pull", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode != 0
    assert "edited by hand in both clones, on the same lines" in pulled.stderr
    text = plan_of(bob)
    assert "ANN" in text and "BOB" in text and "<<<<<<<" in text


@pytest.mark.parametrize("hand_edited", [None, "mine", "theirs"])
def test_a_cherry_pick_keeps_both_changes_and_leaves_the_plan_a_fresh_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hand_edited: str | None
) -> None:
    """`git cherry-pick` of a colleague's change: the record holds both changes, the action plan
    is rebuilt as after a merge (a post-commit hook), and a hand edit on either side is kept."""
    ann, bob = shared_repository(tmp_path, monkeypatch, ["ann", "bob"])
    first, second = items_of(ann)[0]["id"], items_of(ann)[1]["id"]
    if hand_edited == "theirs":
        hand_edit(ann, "# Action plan: Acme Corp", "# Action plan: Acme Corp (call Dana first)")
    done = resetkit(ann, "actions", "done", first, "--note", "by ann", monkeypatch=monkeypatch)
    assert done.exit_code == 0
    git(ann, "commit", "-qam", "ann")
    git(ann, "push", "-q", "origin", "HEAD:picked")
    if hand_edited == "mine":
        hand_edit(bob, "# Action plan: Acme Corp", "# Action plan: Acme Corp (call Dana first)")
    done = resetkit(bob, "actions", "done", second, "--note", "by bob", monkeypatch=monkeypatch)
    assert done.exit_code == 0
    git(bob, "commit", "-qam", "bob")
    git(bob, "fetch", "-q", "origin")
    picked = git(bob, "cherry-pick", "origin/picked", check=False)
    assert picked.returncode == 0, picked.stderr
    status = {i["id"]: i["status"] for i in items_of(bob)}
    assert status[first] == status[second] == "done"
    if hand_edited:
        assert "(call Dana first)" in plan_of(bob)
    else:
        assert "by ann" in plan_of(bob) and "by bob" in plan_of(bob), plan_of(bob)
        rebuilt = resetkit(bob, "render", "--all-changed", monkeypatch=monkeypatch)
        assert rebuilt.stdout == "", rebuilt.output
