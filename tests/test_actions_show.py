"""`actions show`: an item told as a person reads it, found by its id typed any way."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import day, drive


def test_an_overdue_item_says_how_late_and_who_owns_it_by_name_then_side(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    item = driven.session.answers["actions"][0]
    moved = run(
        "actions", "move", item["id"], "--due", day(-3), "--reason", "Legal review",
        "--allow-past", "--notes-dir", str(notes),
    )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    shown = run("actions", "show", item["id"], "--notes-dir", str(notes))
    assert shown.exit_code == 0, shown.stderr
    lines = {line.split()[0]: line for line in shown.stdout.splitlines() if line.strip()}
    side = {"us": "us", "customer": "them", "both": "both"}[item.get("owner", "us")]
    name = " ".join(item.get("owner_name", "").split())
    assert lines["owner"].split(None, 1)[1] == (f"{name} ({side})" if name else side)
    assert "· 3 days late" in lines["due"]
    assert lines["status"].split() == ["status", "open"]
    # The change at a time a person reads, no ISO timestamp with seconds and an offset.
    change = next(line for line in shown.stdout.splitlines() if "moved from" in line)
    assert re.fullmatch(
        r"\s+[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d  ", change[: change.index("moved")]
    )
    assert change.rstrip().endswith(": Legal review")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.lists(st.booleans(), min_size=8, max_size=8), slash=st.booleans())
def test_an_id_in_any_case_with_a_trailing_slash_finds_its_item(
    run, isolated: Path, case: list[bool], slash: bool
) -> None:
    notes = isolated / "notes"
    if not notes.exists():
        drive("reset", notes_dir=notes)
    listed = run("actions", "--format", "json", "--notes-dir", str(notes))
    wanted = __import__("json").loads(listed.stdout)[0]["action_id"]
    typed = "".join(c.upper() if up else c for c, up in zip(wanted, case * 4, strict=False))
    shown = run("actions", "show", typed + ("/" if slash else ""), "--notes-dir", str(notes))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith(wanted)
