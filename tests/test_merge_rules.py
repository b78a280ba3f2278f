"""What a merge of two clones' records keeps, rule by rule (record/merge.py): generated edits of
both sides, then the rules that random edits rarely reach, each on its own."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resetkit.record.merge import TwoSessions, merge_records

ITEM_IDS = ["a1", "b2", "c3"]
FIELDS = {
    "what": ["Send the report", "Call legal"],
    "owner": ["us", "customer", "both"],
    "owner_name": ["", "Dana", "Lee"],
    "critical_path": [False, True],
}


def item(item_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "what": f"Do {item_id}",
        "owner": "us",
        "owner_name": "",
        "due": "2026-12-01",
        "critical_path": False,
        "status": "open",
        "history": [],
        **fields,
    }


def base_record() -> dict[str, Any]:
    return {
        "id": "acme/2026-11-24-reset",
        "started_at": "2026-11-24T10:00:00+00:00",
        "ended_at": "2026-11-24T11:00:00+00:00",
        "status": "complete",
        "outcome": "reset",
        "followed_by": [],
        "passed": [],
        "section_seconds": {"opening": 60.0},
        "drafts": {},
        "written": {"notes.md": "aaa", "shared.md": "sss"},
        "written_before": {},
        "answers": {
            "goal": "Reports",
            "risks": "None yet",
            "actions": [item(i) for i in ITEM_IDS],
        },
    }


def event(kind: str, at: str, by: str, to_due: str | None = None) -> dict[str, Any]:
    return {"at": at, "kind": kind, "by": by, "note": f"{by} {kind} {at}", "to_due": to_due}


def actions(record: dict[str, Any]) -> list[dict[str, Any]]:
    return record["answers"]["actions"]  # type: ignore[no-any-return]


def by_id(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in actions(record)}


# One side's edits: new items, events on items, new wording of an item's fields.
edits = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 2)),
        st.tuples(
            st.just("event"),
            st.sampled_from(ITEM_IDS),
            st.sampled_from(["moved", "done", "dropped"]),
            st.integers(1, 28),
        ),
        st.tuples(
            st.just("field"),
            st.sampled_from(ITEM_IDS),
            st.sampled_from(sorted(FIELDS)),
            st.integers(0, 2),
        ),
    ),
    max_size=8,
)


def edited(base: dict[str, Any], side: str, hour: int, changes: list[tuple[Any, ...]]) -> Any:
    """A copy of `base` with one clone's changes; its events at its own hour of the day, so
    that no event of one side has the time of one of the other."""
    record = copy.deepcopy(base)
    items = by_id(record)
    for number, change in enumerate(changes):
        if change[0] == "add":
            new_id = f"{side}-{change[1]}"
            if new_id not in items:
                items[new_id] = item(new_id, what=f"{side} adds {change[1]}")
                actions(record).append(items[new_id])
        elif change[0] == "event":
            _, item_id, kind, day = change
            at = f"2026-12-{day:02d}T{hour:02d}:{number:02d}:00+00:00"
            to_due = f"2027-01-{day:02d}" if kind == "moved" else None
            items[item_id]["history"].append(event(kind, at, side, to_due))
        else:
            _, item_id, field, pick = change
            values = FIELDS[field]
            items[item_id][field] = values[pick % len(values)]
    return record


def replayed(base_item: dict[str, Any], events: list[dict[str, Any]]) -> tuple[str, Any]:
    status, due = base_item["status"], base_item["due"]
    for each in sorted(events, key=lambda e: e["at"]):
        if each["kind"] == "moved":
            due = each["to_due"]
        else:
            status = each["kind"]
    return status, due


@settings(max_examples=60, deadline=None)
@given(ours_edits=edits, theirs_edits=edits)
def test_a_merge_keeps_every_item_either_clone_added_and_replays_every_event(
    ours_edits: list[tuple[Any, ...]], theirs_edits: list[tuple[Any, ...]]
) -> None:
    base = base_record()
    ours = edited(base, "ours", 9, ours_edits)
    theirs = edited(base, "theirs", 15, theirs_edits)
    merged = merge_records(base, ours, theirs)

    ours_ids = [i["id"] for i in actions(ours)]
    theirs_only = [i["id"] for i in actions(theirs) if i["id"] not in ours_ids]
    assert [i["id"] for i in actions(merged)] == ours_ids + theirs_only
    mine, other, start = by_id(ours), by_id(theirs), by_id(base)
    for got in actions(merged):
        if got["id"] not in start:  # added by one clone only: kept as that clone wrote it
            assert got == mine.get(got["id"], other.get(got["id"]))
            continue
        events = mine[got["id"]]["history"] + other[got["id"]]["history"]
        assert got["history"] == sorted(events, key=lambda e: e["at"])
        assert (got["status"], got["due"]) == replayed(start[got["id"]], events)
        for field in FIELDS:
            was, a, b = start[got["id"]][field], mine[got["id"]][field], other[got["id"]][field]
            assert got[field] == (b if a == was else a)  # this clone's on a conflict
        both_changed = mine[got["id"]]["history"] and other[got["id"]]["history"]
        assert ("flag" in got) == bool(both_changed)


@settings(max_examples=60, deadline=None)
@given(ours_edits=edits, theirs_edits=edits)
def test_which_clone_merges_changes_no_item_its_history_or_its_state(
    ours_edits: list[tuple[Any, ...]], theirs_edits: list[tuple[Any, ...]]
) -> None:
    base = base_record()
    ours = edited(base, "ours", 9, ours_edits)
    theirs = edited(base, "theirs", 15, theirs_edits)
    here, there = merge_records(base, ours, theirs), merge_records(base, theirs, ours)

    def state(record: dict[str, Any]) -> dict[str, Any]:
        return {i["id"]: (i["history"], i["status"], i["due"]) for i in actions(record)}

    assert state(here) == state(there)
    assert merge_records(base, here, here) == here


def test_an_item_only_the_other_clone_added_is_kept() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours).append(item("mine", what="Book the workshop"))
    actions(theirs).append(item("theirs", what="Send the contract"))
    merged = merge_records(base, ours, theirs)
    assert [i["what"] for i in actions(merged)][-2:] == ["Book the workshop", "Send the contract"]


def later_by(record: dict[str, Any], at: str) -> None:
    """The record changed last at `at`: an event on its first item."""
    actions(record)[0]["history"].append(event("moved", at, "someone", "2027-02-01"))
    actions(record)[0]["due"] = "2027-02-01"


@pytest.mark.parametrize("later", ["ours", "theirs"])
def test_a_field_both_clones_changed_takes_the_later_clones_value(later: str) -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outcome"], theirs["outcome"] = "recovery", "part-ways"
    ours["answers"]["goal"], theirs["answers"]["goal"] = "Weekly reports", "Monthly reports"
    later_by(ours if later == "ours" else theirs, "2026-12-05T10:00:00+00:00")
    merged = merge_records(base, ours, theirs)
    expected = ours if later == "ours" else theirs
    assert merged["outcome"] == expected["outcome"]
    assert merged["answers"]["goal"] == expected["answers"]["goal"]


def test_the_later_clone_is_told_by_its_latest_event_when_both_are_still_in_progress() -> None:
    base = base_record()
    base["ended_at"], base["status"] = None, "in_progress"
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outcome"], theirs["outcome"] = "recovery", "part-ways"
    later_by(theirs, "2026-12-05T10:00:00+00:00")
    assert merge_records(base, ours, theirs)["outcome"] == "part-ways"


def test_the_later_clone_is_told_by_its_end_when_no_item_changed() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outcome"], theirs["outcome"] = "recovery", "part-ways"
    theirs["ended_at"] = "2026-11-24T11:30:00+00:00"
    assert merge_records(base, ours, theirs)["outcome"] == "part-ways"
    assert merge_records(base, theirs, ours)["outcome"] == "part-ways"


def test_a_change_made_by_the_earlier_clone_alone_is_kept() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outcome"] = "recovery"
    later_by(theirs, "2026-12-05T10:00:00+00:00")
    assert merge_records(base, ours, theirs)["outcome"] == "recovery"
    assert merge_records(base, theirs, ours)["outcome"] == "recovery"


def test_an_answer_removed_by_one_clone_is_removed_unless_the_other_changed_it() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["answers"]["goal"]
    del theirs["answers"]["risks"]
    ours["answers"]["risks"] = "Legal review"
    merged = merge_records(base, ours, theirs)
    assert "goal" not in merged["answers"]
    assert merged["answers"]["risks"] == "Legal review"
    assert [i["id"] for i in actions(merged)] == ITEM_IDS  # the answers after them are kept


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_question_one_clone_skipped_since_is_kept_as_skipped(side: str) -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    (ours if side == "ours" else theirs)["answers"]["budget"] = None
    merged = merge_records(base, ours, theirs)
    assert "budget" in merged["answers"] and merged["answers"]["budget"] is None


def test_a_list_answer_whose_lines_read_like_an_item_merges_as_a_list() -> None:
    base = base_record()
    base["answers"]["lessons"] = []
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    theirs["answers"]["lessons"] = ["what did they decide", "what is the idea"]
    merged = merge_records(base, ours, theirs)
    assert merged["answers"]["lessons"] == ["what did they decide", "what is the idea"]
    assert merge_records(base, theirs, ours)["answers"]["lessons"] == merged["answers"]["lessons"]


def test_time_drafts_and_links_of_both_clones_are_kept() -> None:
    base = base_record()
    base["drafts"] = {"actions": [{"what": "half typed"}], "lessons": ["one"]}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["section_seconds"]["close"] = 30.0
    theirs["section_seconds"]["review"] = 45.0
    later_by(theirs, "2026-12-05T10:00:00+00:00")
    del ours["drafts"]["actions"]  # the answer was finished here
    theirs["drafts"]["goals"] = ["more"]
    ours["passed"], theirs["passed"] = ["confirm"], ["confirm", "wrap-up"]
    merged = merge_records(base, ours, theirs)
    assert merged["section_seconds"] == {"opening": 60.0, "close": 30.0, "review": 45.0}
    assert merged["drafts"] == {"lessons": ["one"], "goals": ["more"]}
    assert merged["passed"] == ["confirm", "wrap-up"]


@pytest.mark.parametrize("key", ["written", "written_before"])
def test_notes_hashes_follow_this_clones_files(key: str) -> None:
    base = base_record()
    base[key] = {"notes.md": "aaa", "shared.md": "sss", "action-plan.md": "ppp"}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours[key]["notes.md"], theirs[key]["notes.md"] = "ours", "theirs"
    del ours[key]["shared.md"]
    theirs[key]["follow-up.ics"] = "iii"
    later_by(theirs, "2026-12-05T10:00:00+00:00")
    assert merge_records(base, ours, theirs)[key] == {
        "notes.md": "ours",
        "action-plan.md": "ppp",
        "follow-up.ics": "iii",
    }


def test_an_item_reworded_by_one_clone_takes_that_wording() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    changed = {"what": "Call legal", "owner": "both", "owner_name": "Dana", "critical_path": True}
    actions(theirs)[0].update(changed)
    actions(ours)[0]["history"].append(event("done", "2026-12-02T10:00:00+00:00", "Ann"))
    got = actions(merge_records(base, ours, theirs))[0]
    assert {field: got[field] for field in changed} == changed
    assert got["status"] == "done"


def test_an_item_reworded_by_both_clones_keeps_this_clones_wording() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["what"], actions(theirs)[0]["what"] = "Call legal", "Email legal"
    later_by(theirs, "2026-12-05T10:00:00+00:00")
    assert actions(merge_records(base, ours, theirs))[0]["what"] == "Call legal"


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_events_before_the_common_ancestor_are_not_played_again_nor_flagged(side: str) -> None:
    base = base_record()
    actions(base)[0]["history"] = [
        event("moved", "2026-11-25T10:00:00+00:00", "Ann", "2026-12-10"),
        event("done", "2026-11-26T10:00:00+00:00", "Ann"),
    ]
    actions(base)[0].update(due="2026-12-10", status="open")  # reopened by hand, no event
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours if side == "ours" else theirs)[0]["history"].append(
        event("moved", "2026-12-02T10:00:00+00:00", "Ann", "2026-12-20")
    )
    got = actions(merge_records(base, ours, theirs))[0]
    assert (got["status"], got["due"]) == ("open", "2026-12-20")
    assert "flag" not in got


def test_an_item_dropped_in_one_clone_is_dropped() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(theirs)[1]["history"].append(event("dropped", "2026-12-02T10:00:00+00:00", "Bob"))
    assert actions(merge_records(base, ours, theirs))[1]["status"] == "dropped"


def test_an_item_written_by_hand_without_status_or_history_merges_as_open() -> None:
    base = base_record()
    for each in actions(base):
        del each["status"], each["history"]
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(theirs)[0]["history"] = [
        event("moved", "2026-12-02T10:00:00+00:00", "Bob", "2026-12-24")
    ]
    for merged in (merge_records(base, ours, theirs), merge_records(base, theirs, ours)):
        got = actions(merged)[0]
        assert (got["status"], got["due"], len(got["history"])) == ("open", "2026-12-24", 1)


def test_the_same_event_saved_with_its_keys_in_another_order_is_kept_once() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    done = event("done", "2026-12-02T10:00:00+00:00", "Ann")
    actions(ours)[0]["history"] = [done]
    actions(theirs)[0]["history"] = [dict(reversed(list(done.items())))]
    got = actions(merge_records(base, ours, theirs))[0]
    assert len(got["history"]) == 1 and "flag" not in got


def test_an_item_changed_in_both_clones_says_what_each_did_and_by_whom() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["history"] = [event("moved", "2026-12-02T10:00:00+00:00", "Ann", "2027-01-05")]
    actions(theirs)[0]["history"] = [
        event("moved", "2026-12-03T09:00:00+00:00", "", "2027-01-09"),
        event("done", "2026-12-03T10:00:00+00:00", "Bob"),
    ]
    assert actions(merge_records(base, ours, theirs))[0]["flag"] == (
        "changed in two places at once (moved to 2027-01-05 by Ann; moved to 2027-01-09, "
        "done by Bob): every change is in its history, replayed in the order they were made; "
        "it is now done, due 2027-01-09"
    )


def test_two_sessions_saved_in_one_folder_are_refused_with_both_start_times() -> None:
    ours, theirs = base_record(), base_record()
    theirs["started_at"] = "2026-11-24T14:00:00+00:00"
    with pytest.raises(TwoSessions) as refused:
        merge_records(None, ours, theirs)
    assert str(refused.value) == (
        "two clones each saved a different session as acme/2026-11-24-reset (started "
        "2026-11-24T10:00:00+00:00 and 2026-11-24T14:00:00+00:00)"
    )


def test_one_session_added_by_both_clones_is_merged_as_one() -> None:
    ours, theirs = base_record(), base_record()
    actions(theirs).append(item("late", what="Send the slides"))
    merged = merge_records(None, ours, theirs)
    assert [i["id"] for i in actions(merged)] == [*ITEM_IDS, "late"]


def test_an_answer_both_clones_removed_stays_removed() -> None:
    base = base_record()
    base["drafts"] = {"lessons": ["one"]}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for side in (ours, theirs):
        del side["answers"]["goal"], side["drafts"]["lessons"]  # both finished or dropped it
    merged = merge_records(base, ours, theirs)
    assert "goal" not in merged["answers"] and merged["drafts"] == {}


@pytest.mark.parametrize("later", ["ours", "theirs"])
def test_the_clone_with_the_latest_event_is_the_later_when_both_changed_items(later: str) -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outcome"], theirs["outcome"] = "recovery", "part-ways"
    early, late = "2026-12-03T10:00:00+00:00", "2026-12-05T10:00:00+00:00"
    actions(ours)[1]["history"].append(event("done", late if later == "ours" else early, "Ann"))
    actions(theirs)[2]["history"].append(event("done", early if later == "ours" else late, "Bob"))
    expected = "recovery" if later == "ours" else "part-ways"
    assert merge_records(base, ours, theirs)["outcome"] == expected


def test_a_list_of_items_written_by_hand_without_ids_merges_as_a_plain_answer() -> None:
    base = base_record()
    base["answers"]["todo"] = [{"what": "Call legal"}]
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    theirs["answers"]["todo"] = [{"what": "Call legal"}, {"what": "Email legal"}]
    for merged in (merge_records(base, ours, theirs), merge_records(base, theirs, ours)):
        assert merged["answers"]["todo"] == theirs["answers"]["todo"]


def test_an_item_done_before_the_split_stays_done_when_a_clone_moves_it() -> None:
    base = base_record()
    actions(base)[0]["status"] = "done"
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["history"].append(
        event("moved", "2026-12-02T10:00:00+00:00", "Ann", "2026-12-24")
    )
    got = actions(merge_records(base, ours, theirs))[0]
    assert (got["status"], got["due"]) == ("done", "2026-12-24")


def test_on_a_tie_this_clones_value_stays() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outcome"], theirs["outcome"] = "recovery", "part-ways"  # neither changed a time
    assert merge_records(base, ours, theirs)["outcome"] == "recovery"
    assert merge_records(base, theirs, ours)["outcome"] == "part-ways"


@pytest.mark.parametrize("later", ["ours", "theirs"])
def test_a_section_timed_in_both_clones_keeps_the_later_clones_time(later: str) -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["section_seconds"]["opening"], theirs["section_seconds"]["opening"] = 90.0, 120.0
    later_by(ours if later == "ours" else theirs, "2026-12-05T10:00:00+00:00")
    expected = 90.0 if later == "ours" else 120.0
    assert merge_records(base, ours, theirs)["section_seconds"]["opening"] == expected


def test_a_field_only_one_clone_writes_is_kept_and_one_both_dropped_stays_out() -> None:
    base = base_record()
    base["review_pending"] = None
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["review_pending"], theirs["review_pending"]  # a newer resetkit on both
    ours["recommendation"] = {"id": "recovery"}
    theirs["follows"] = "acme/2026-10-01-risk-check"
    for merged in (merge_records(base, ours, theirs), merge_records(base, theirs, ours)):
        assert "review_pending" not in merged
        assert merged["recommendation"] == {"id": "recovery"}
        assert merged["follows"] == "acme/2026-10-01-risk-check"


# --- flags a person settled, fields left out, ties, damaged sides, which session came first ---


@pytest.mark.parametrize(
    ("base_flag", "ours_flag", "theirs_flag", "kept"),
    [
        ("F", "", "F", ""),  # settled in this clone
        ("F", "F", "", ""),  # settled in the other
        ("F", "F", "F", "F"),  # settled nowhere
        ("", "F", "", "F"),  # flagged here since
        ("", "", "F", "F"),  # flagged there since
    ],
)
def test_a_flag_settled_in_either_clone_stays_settled_after_a_merge(
    base_flag: str, ours_flag: str, theirs_flag: str, kept: str
) -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for record, flag in ((base, base_flag), (ours, ours_flag), (theirs, theirs_flag)):
        if flag:
            actions(record)[0]["flag"] = flag
    merged = actions(merge_records(base, ours, theirs))[0]
    assert merged.get("flag", "") == kept
    assert ("flag" in merged) == bool(kept)  # no empty flag left behind


def test_an_item_field_left_out_by_both_clones_stays_out_and_one_kept_by_either_stays() -> None:
    base = base_record()
    del actions(base)[0]["owner_name"]
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    assert "owner_name" not in actions(merge_records(base, ours, theirs))[0]
    actions(ours)[0]["owner_name"] = None  # kept by this side, as nothing
    merged = actions(merge_records(base, ours, theirs))[0]
    assert "owner_name" in merged and merged["owner_name"] is None
    merged = actions(merge_records(base, theirs, ours))[0]
    assert "owner_name" in merged and merged["owner_name"] is None


def test_changes_made_at_the_same_instant_are_ordered_alike_in_both_clones() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["history"] = [event("moved", "2026-12-03T10:00:00+01:00", "Ann", "2027-01-05")]
    actions(theirs)[0]["history"] = [
        event("moved", "2026-12-03T04:00:00-05:00", "Bob", "2027-01-09")
    ]
    one = actions(merge_records(base, ours, theirs))[0]
    other = actions(merge_records(base, theirs, ours))[0]
    assert one["history"] == other["history"] and one["due"] == other["due"]


def test_a_damaged_side_says_which_side_what_is_wrong_and_what_to_do() -> None:
    import json

    from resetkit.record.merge import DamagedSide, merge_texts
    from resetkit.record.session import Session

    good = Session.model_validate(
        {
            "id": "acme/2026-11-24-reset",
            "playbook_id": "reset",
            "playbook_title": "Reset",
            "playbook_version": "1",
            "playbook_hash": "0" * 16,
            "playbook_path": "<built-in>/reset.yaml",
            "customer": "Acme",
            "started_at": "2026-11-24T10:00:00+00:00",
            "planned_minutes": 30,
        }
    ).model_dump_json()
    wrong_kind = json.dumps(json.loads(good) | {"customer": 12})
    nested = json.dumps(json.loads(good) | {"attendees": [{"name": 1}]})
    cases = {
        nested: "ours is not a readable session record: attendees.0.name: Input should be",
        "{not json": "ours is not a readable session record: not valid JSON (",
        f"<<<<<<< HEAD\n{good}\n=======\n{good}\n>>>>>>> x\n": (
            "ours is not a readable session record: it holds git's conflict markers"
        ),
        wrong_kind: "ours is not a readable session record: customer: Input should be",
    }
    for text, said in cases.items():
        with pytest.raises(DamagedSide) as damaged:
            merge_texts(good, text, good)
        assert damaged.value.message.startswith(said), damaged.value.message
        assert damaged.value.hint == (
            "fix that side's session.json (or take the other with 'git checkout --ours' "
            "or '--theirs'), then 'git add' it"
        )
        assert damaged.value.exit_code == 1
    with pytest.raises(DamagedSide, match=r"^theirs is not"):
        merge_texts(good, good, "{not json")
    with pytest.raises(DamagedSide, match=r"^the common ancestor is not"):
        merge_texts("{not json", good, good)


def test_the_session_that_started_first_is_the_same_from_either_clone() -> None:
    import json

    from resetkit.record.merge import started_first

    paris = json.dumps({"started_at": "2026-12-03T10:00:00+01:00"})  # 09:00 UTC
    new_york = json.dumps({"started_at": "2026-12-03T04:00:30-05:00"})  # 09:00:30 UTC
    assert started_first(paris, new_york) and not started_first(new_york, paris)
    same = json.dumps({"started_at": "2026-12-03T09:00:00+00:00", "id": "b"})
    twin = json.dumps({"started_at": "2026-12-03T10:00:00+01:00", "id": "a"})
    assert started_first(same, twin) != started_first(twin, same)  # the texts decide a tie
    assert started_first(paris, paris)


def test_the_flag_of_an_undated_item_says_no_date() -> None:
    base = base_record()
    actions(base)[0]["due"] = None
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["history"] = [event("done", "2026-12-02T10:00:00+00:00", "Ann")]
    actions(theirs)[0]["history"] = [event("dropped", "2026-12-03T10:00:00+00:00", "Bob")]
    flag = actions(merge_records(base, ours, theirs))[0]["flag"]
    assert flag.endswith("it is now dropped, due no date")


def test_a_time_written_without_an_offset_counts_as_utc_in_any_zone(zoned: None) -> None:
    import os
    import time

    os.environ["TZ"] = "Asia/Tokyo"  # naive times read as local would move nine hours
    time.tzset()
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["history"] = [event("moved", "2026-12-03T09:00:00", "Ann", "2027-01-05")]
    actions(theirs)[0]["history"] = [
        event("moved", "2026-12-03T09:00:01+00:00", "Bob", "2027-01-09")
    ]
    for merged in (merge_records(base, ours, theirs), merge_records(base, theirs, ours)):
        item = actions(merged)[0]
        assert [e["by"] for e in item["history"]] == ["Ann", "Bob"]
        assert item["due"] == "2027-01-09"


def test_items_removed_here_and_added_there_keep_the_added_ones() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["answers"]["actions"] = []
    ours["ended_at"] = "2026-11-25T11:00:00+00:00"  # this clone changed the session last
    actions(theirs).append(item("new"))
    merged = by_id(merge_records(base, ours, theirs))
    assert "new" in merged and set(ITEM_IDS) <= set(merged)


def test_a_common_ancestor_whose_items_lack_ids_is_no_ancestor_for_them() -> None:
    base = base_record()
    base["answers"]["actions"] = [{"what": "Call legal"}]
    ours, theirs = base_record(), base_record()
    actions(theirs)[0]["status"] = "done"
    merged = by_id(merge_records(base, ours, theirs))
    assert set(merged) == set(ITEM_IDS)


def test_a_reopened_item_is_open_after_the_merge() -> None:
    base = base_record()
    actions(base)[0]["status"] = "done"
    actions(base)[0]["history"] = [event("done", "2026-12-01T10:00:00+00:00", "Ann")]
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["history"].append(event("reopened", "2026-12-02T10:00:00+00:00", "Ann"))
    actions(theirs)[1]["history"] = [event("done", "2026-12-02T11:00:00+00:00", "Bob")]
    merged = by_id(merge_records(base, ours, theirs))
    assert merged[ITEM_IDS[0]]["status"] == "open"
    assert merged[ITEM_IDS[1]]["status"] == "done"


def test_two_different_flags_keep_this_clones() -> None:
    base = base_record()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    actions(ours)[0]["flag"] = "seen here"
    actions(theirs)[0]["flag"] = "seen there"
    assert actions(merge_records(base, ours, theirs))[0]["flag"] == "seen here"
