"""Two clones' changes to one session record, merged by identity (record/merge.py)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from resetkit.record.merge import merge_records

ITEM_IDS = ["a1", "b2", "c3", "d4"]


def base_record() -> dict[str, Any]:
    return {
        "id": "acme/2026-11-24-reset",
        "started_at": "2026-11-24T10:00:00+00:00",
        "ended_at": "2026-11-24T11:00:00+00:00",
        "status": "complete",
        "followed_by": [],
        "section_seconds": {"opening": 60.0},
        "written": {"notes.md": "aaa"},
        "answers": {
            "goal": "Reports",
            "actions": [
                {
                    "id": i,
                    "what": f"Do {i}",
                    "owner": "us",
                    "due": "2026-12-01",
                    "status": "open",
                    "history": [],
                }
                for i in ITEM_IDS
            ],
        },
    }


changes = st.lists(
    st.tuples(
        st.sampled_from(ITEM_IDS),
        st.sampled_from(["moved", "done"]),
        st.integers(1, 28),
    ),
    max_size=6,
)


def apply(record: dict[str, Any], side: str, edits: list[tuple[str, str, int]]) -> None:
    for number, (item_id, kind, day) in enumerate(edits):
        (item,) = [i for i in record["answers"]["actions"] if i["id"] == item_id]
        event = {
            "at": f"2026-12-{day:02d}T{number:02d}:00:00+00:00",
            "kind": kind,
            "note": f"{side} {number}",
            "to_due": f"2027-01-{day:02d}" if kind == "moved" else None,
        }
        item["history"].append(event)
        if kind == "moved":
            item["due"] = event["to_due"]
        else:
            item["status"] = "done"


@settings(max_examples=80)
@given(ours_edits=changes, theirs_edits=changes)
def test_every_change_of_both_sides_is_kept_and_the_latest_decides(
    ours_edits: list[tuple[str, str, int]], theirs_edits: list[tuple[str, str, int]]
) -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    apply(ours, "ours", ours_edits)
    apply(theirs, "theirs", theirs_edits)
    merged = merge_records(base, ours, theirs)
    for item in merged["answers"]["actions"]:
        notes = [event["note"] for event in item["history"]]
        mine = [
            e["note"]
            for i in ours["answers"]["actions"]
            if i["id"] == item["id"]
            for e in i["history"]
        ]
        other = [
            e["note"]
            for i in theirs["answers"]["actions"]
            if i["id"] == item["id"]
            for e in i["history"]
        ]
        assert set(notes) == set(mine) | set(other)
        times = [event["at"] for event in item["history"]]
        assert times == sorted(times)
        moves = [e for e in item["history"] if e["kind"] == "moved"]
        assert item["due"] == (moves[-1]["to_due"] if moves else "2026-12-01")
        done = any(e["kind"] == "done" for e in item["history"])
        assert item["status"] == ("done" if done else "open")
        assert bool(item.get("flag")) == bool(mine and other and mine != other)
    assert merge_records(base, merged, merged) == merged


def test_answers_to_different_questions_and_both_links_are_kept() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["answers"]["goal"] = "Reports weekly"
    ours["section_seconds"]["close"] = 30.0
    theirs["answers"]["extra"] = "Budget in March"
    theirs["followed_by"] = ["acme/2026-12-02-recovery"]
    ours["followed_by"] = ["acme/2026-12-03-risk-check"]
    merged = merge_records(base, ours, theirs)
    assert merged["answers"]["goal"] == "Reports weekly"
    assert merged["answers"]["extra"] == "Budget in March"
    assert merged["section_seconds"] == {"opening": 60.0, "close": 30.0}
    assert merged["followed_by"] == ["acme/2026-12-03-risk-check", "acme/2026-12-02-recovery"]
