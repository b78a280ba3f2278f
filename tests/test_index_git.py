"""Above the full-check size the index trusts git to say what it changed: every git operation
that puts records back or swaps them (reset --hard with HEAD where it was, stash and its pop,
checkout of a path, a branch switch, a rebase, a sparse checkout that takes folders out of the
work tree and puts them back) is seen, interleaved with saves through resetkit."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generate_history import generate
from test_index import age, git, indexed, truth

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "save",
                "save",
                "commit",
                "reset-hard",
                "stash",
                "stash-pop",
                "checkout-path",
                "switch",
                "sparse",
                "unsparse",
                "index",
            ]
        ),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=12,
)


def saved_through_resetkit(record: Path, number: int) -> None:
    from resetkit.errors import UsageError
    from resetkit.record.store import load, save

    try:
        session = load(record.parent)
    except UsageError:
        return
    session.outcome = f"outcome-{number}-{time.monotonic_ns()}"
    save(session, record.parent, durable=False)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_above_the_full_check_size_git_putting_records_back_without_moving_head_is_seen(
    operations: list[tuple[str, int]], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resetkit.history import fresh

    monkeypatch.setattr(fresh, "FULL_CHECK_LIMIT", 0)
    # Records written in the last seconds are always looked at again (their times are not yet
    # settled): take that window away, as if every change lay minutes apart.
    monkeypatch.setattr(fresh, "RECENT_NS", -(10**9))
    notes = isolated / f"notes-{time.monotonic_ns()}"
    generate(notes, 6, seed=3)
    git(notes, "init", "-q", "-b", "main")
    git(notes, "add", "-A")
    git(notes, "commit", "-qm", "start")
    git(notes, "branch", "other")
    age(notes)
    indexed(notes)
    stashed = 0
    for operation, number in operations:
        records = sorted(notes.glob("*/*/session.json"))
        target = records[number % len(records)]
        if operation == "save":
            saved_through_resetkit(target, number)
        elif operation == "commit":
            git(notes, "add", "-A")
            git(notes, "commit", "-qm", f"commit {number}", "--allow-empty")
        elif operation == "reset-hard":
            git(notes, "reset", "-q", "--hard")
        elif operation == "stash":
            saved_through_resetkit(target, number)
            git(notes, "stash", "-q")
            stashed += 1
        elif operation == "stash-pop" and stashed:
            # A record changed since the stash: git refuses the pop and changes nothing, as a
            # person sees it; the index must still hold what the files say.
            with contextlib.suppress(subprocess.CalledProcessError):
                git(notes, "stash", "pop", "-q")
                stashed -= 1
        elif operation == "checkout-path":
            git(notes, "checkout", "-q", "--", str(target.relative_to(notes)))
        elif operation == "switch":
            git(notes, "add", "-A")
            git(notes, "commit", "-qm", f"before switch {number}", "--allow-empty")
            current = "main" if "main" in _branch(notes) else "other"
            git(notes, "checkout", "-q", "other" if current == "main" else "main")
        elif operation == "sparse":
            # Only one customer's folder left in the work tree (git keeps edited files).
            customer = target.relative_to(notes).parts[0]
            git(notes, "sparse-checkout", "set", "--cone", customer)
        elif operation == "unsparse":
            git(notes, "sparse-checkout", "disable")
        else:
            indexed(notes)
        assert indexed(notes) == truth(notes, monkeypatch), operation


def _branch(notes: Path) -> str:
    import subprocess

    return subprocess.run(
        ["git", "-C", str(notes), "branch", "--show-current"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_reset_hard_that_reopens_an_item_shows_it_open_again(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    """The issue's case: `actions done`, then `git reset --hard`; the item is open again in
    `actions`, and so in `due` and `calendar`."""
    import json

    from resetkit.history import fresh

    monkeypatch.setattr(fresh, "FULL_CHECK_LIMIT", 0)
    # Records written in the last seconds are always looked at again (their times are not yet
    # settled): take that window away, as if every change lay minutes apart.
    monkeypatch.setattr(fresh, "RECENT_NS", -(10**9))
    notes = isolated / "notes"
    generate(notes, 8, seed=4)
    git(notes, "init", "-q", "-b", "main")
    git(notes, "add", "-A")
    git(notes, "commit", "-qm", "start")
    age(notes)
    listed = run("actions", "--notes-dir", str(notes), "--format", "json")
    open_items = [item for item in json.loads(listed.stdout) if item["status"] == "open"]
    item = open_items[0]["action_id"]
    assert run("actions", "done", item, "--notes-dir", str(notes)).exit_code == 0
    after = json.loads(run("actions", "--notes-dir", str(notes), "--format", "json").stdout)
    assert item not in {i["action_id"] for i in after if i["status"] == "open"}
    git(notes, "reset", "-q", "--hard")
    back = json.loads(run("actions", "--notes-dir", str(notes), "--format", "json").stdout)
    assert item in {i["action_id"] for i in back if i["status"] == "open"}


def test_a_sparse_checkout_leaves_out_the_sessions_it_hides_and_disabling_it_brings_them_back(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    """`git sparse-checkout` takes folders out of the work tree without moving HEAD: the
    sessions command lists what is on disk, before and after."""
    import json

    from resetkit.history import fresh

    monkeypatch.setattr(fresh, "FULL_CHECK_LIMIT", 0)
    monkeypatch.setattr(fresh, "RECENT_NS", -(10**9))
    notes = isolated / "notes"
    generate(notes, 24, seed=5)
    git(notes, "init", "-q", "-b", "main")
    git(notes, "add", "-A")
    git(notes, "commit", "-qm", "start")
    age(notes)

    def listed() -> set[str]:
        shown = run("sessions", "--notes-dir", str(notes), "--format", "json")
        return {session["id"] for session in json.loads(shown.stdout)}

    everyone = listed()
    customers = sorted(folder.name for folder in notes.iterdir() if folder.name != ".git")
    assert len(customers) > 1 and len(everyone) == 24
    git(notes, "sparse-checkout", "set", "--cone", customers[0])
    kept = {session_id for session_id in everyone if session_id.startswith(customers[0] + "/")}
    assert listed() == kept
    git(notes, "sparse-checkout", "disable")
    assert listed() == everyone
