"""A follow-up review interrupted in a real terminal is finished by `resume`."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pexpect
import pytest

from test_follow_up import earlier_with_three_items
from test_pty import DOWN, answer, record, spawn  # noqa: F401  (spawn is a fixture)

pytestmark = pytest.mark.pty


def earlier_items(folder: Path) -> list[dict]:  # type: ignore[type-arg]
    return json.loads((folder / "session.json").read_text("utf-8"))["answers"]["actions"]  # type: ignore[no-any-return]


def new_record(isolated: Path) -> dict:  # type: ignore[type-arg]
    (path,) = (isolated / "notes").glob("*/*-risk-check/session.json")
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


def test_resume_finishes_an_interrupted_follow_up_review(spawn, isolated: Path) -> None:  # noqa: F811
    earlier, ids = earlier_with_three_items(isolated / "notes")
    session_id = "acme-corp/" + earlier.name
    child = spawn("start", "risk-check", "--customer", "Acme Corp", "--follow-up", session_id)
    child.expect_exact("3 open action items")
    child.expect_exact("Send the recap")
    answer(child, "What happened to it?", DOWN + "\r")  # Done
    answer(child, "Note (optional)", "Sent\r")
    child.expect_exact("Share the roadmap")
    child.expect_exact("What happened to it?")
    child.send("\x03")
    child.expect_exact("interrupted during the follow-up review")
    child.expect_exact("resetkit resume acme-corp/")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    kept = new_record(isolated)
    assert kept["review_pending"] == ids
    assert kept["review_draft"] == {ids[0]: {"kind": "done", "due": None, "note": "Sent"}}
    # Nothing reaches the earlier session before the recap is saved.
    assert [item["status"] for item in earlier_items(earlier)] == ["open"] * 3
    assert "Changes since the meeting" not in (earlier / "action-plan.md").read_text("utf-8")

    resumed = spawn("resume")
    resumed.expect_exact("2 open action items left to review")
    resumed.expect_exact("Share the roadmap")
    answer(resumed, "What happened to it?", "\r")  # still open: where the cursor starts
    answer(resumed, "Note (optional)", "Waiting for their IT\r")
    resumed.expect_exact("Name an admin")
    answer(resumed, "What happened to it?", DOWN * 3 + "\r")  # dropped
    answer(resumed, "Why it is dropped", "Not needed\r")
    resumed.expect_exact("Before anything is saved")
    resumed.expect_exact("Send the recap: Done; note: Sent")
    resumed.expect_exact("Share the roadmap: Still open; note: Waiting for their IT")
    resumed.expect_exact("Name an admin: Dropped; note: Not needed")
    answer(resumed, "Save this review?", "\r")  # the cursor starts on saving
    resumed.expect_exact("Date of the last real conversation")
    resumed.kill(signal.SIGKILL)
    assert [item["status"] for item in earlier_items(earlier)] == ["done", "open", "dropped"]
    noted = earlier_items(earlier)[1]["history"]
    assert [(event["kind"], event["note"]) for event in noted] == [
        ("noted", "Waiting for their IT")
    ]
    assert new_record(isolated)["review_pending"] is None


@pytest.mark.dated
@pytest.mark.parametrize("due_in", [-20, 0, 14])
def test_enter_at_the_new_due_date_of_a_moved_item_takes_a_week_after_it_or_today(
    spawn,  # noqa: F811
    isolated: Path,
    due_in: int,
) -> None:
    """A move is later than the date the item had, never earlier: Enter takes a week after
    the later of today and its due date."""
    from datetime import timedelta

    from conftest import TODAY, drive

    due = TODAY + timedelta(days=due_in)
    item = {"what": "Send the SLA", "owner": "us", "due": due.isoformat()}
    earlier = drive("reset", {"actions": [item]}, notes_dir=isolated / "notes")
    child = spawn(
        "start", "risk-check", "--customer", "Acme Corp", "--follow-up", earlier.session.id
    )
    answer(child, "What happened to it?", DOWN * 2 + "\r")  # Moved to a new date
    answer(child, "New due date", "\r")
    answer(child, "Why it slips", "Legal is slow\r")  # a move needs its reason
    answer(child, "Save this review?", "\r")
    child.expect_exact("Date of the last real conversation")
    child.kill(signal.SIGKILL)
    (moved,) = earlier_items(earlier.folder)
    assert moved["due"] == (max(TODAY, due) + timedelta(days=7)).isoformat()


SHIFT_TAB = "\x1b[Z"


def test_the_back_key_and_the_recap_change_an_answer_before_anything_is_saved(
    spawn,  # noqa: F811
    isolated: Path,
) -> None:
    earlier, _ids = earlier_with_three_items(isolated / "notes")
    child = spawn(
        "start", "risk-check", "--customer", "Acme Corp", "--follow-up", "acme-corp/" + earlier.name
    )
    answer(child, "What happened to it?", DOWN + "\r")  # 1: done
    answer(child, "Note (optional)", "\r")
    child.expect_exact("Share the roadmap")
    answer(child, "What happened to it?", SHIFT_TAB)  # back to 1
    child.expect_exact("Send the recap (us, due")
    answer(child, "What happened to it?", DOWN * 2 + "\r")  # done -> dropped (from "Done")
    answer(child, "Why it is dropped", "Sent already\r")
    child.expect_exact("Share the roadmap (us, due")
    answer(child, "What happened to it?", "\r")
    answer(child, "Note (optional)", "\r")
    child.expect_exact("Name an admin (them, due")
    answer(child, "What happened to it?", DOWN + "\r")
    answer(child, "Note (optional)", "\r")
    child.expect_exact("Send the recap: Dropped; note: Sent already")
    child.expect_exact("Name an admin: Done")
    answer(child, "Save this review?", DOWN * 3 + "\r")  # Change 3
    child.expect_exact("Name an admin (them, due")
    answer(child, "What happened to it?", DOWN + "\r")  # from Done to Moved
    answer(child, "New due date", "\r")
    answer(child, "Why it slips", "Waiting on their IT\r")
    child.expect_exact("Name an admin: Moved to")
    child.expect_exact("Save this review?")
    child.send("\x03")  # interrupted at the recap: nothing is saved in the earlier session
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert [item["status"] for item in earlier_items(earlier)] == ["open"] * 3
    assert [item["history"] for item in earlier_items(earlier)] == [[], [], []]

    resumed = spawn("resume")
    resumed.expect_exact("3 open action items, each answered; the review is not saved yet")
    answer(resumed, "Save this review?", "\r")
    resumed.expect_exact("Date of the last real conversation")
    resumed.kill(signal.SIGKILL)
    items = earlier_items(earlier)
    assert [item["status"] for item in items] == ["dropped", "open", "open"]
    assert [event["kind"] for event in items[2]["history"]] == ["moved"]
    assert items[0]["history"][0]["note"] == "Sent already"


def test_ctrl_c_at_the_note_keeps_the_choice_and_the_earlier_record_is_untouched(
    spawn,  # noqa: F811
    isolated: Path,
) -> None:
    """The audit's case: a choice made, then Ctrl-C at its note, came back as the old answer."""
    earlier, ids = earlier_with_three_items(isolated / "notes")
    before = (earlier / "session.json").read_bytes()
    child = spawn(
        "start", "risk-check", "--customer", "Acme Corp", "--follow-up", "acme-corp/" + earlier.name
    )
    answer(child, "What happened to it?", DOWN * 3 + "\r")  # dropped
    child.expect_exact("Why it is dropped")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert new_record(isolated)["review_draft"][ids[0]]["kind"] == "dropped"
    # Not even the link: the earlier record changes only when the review is saved.
    assert (earlier / "session.json").read_bytes() == before

    resumed = spawn("resume")
    resumed.expect_exact("2 open action items left to review")
    resumed.expect_exact("Share the roadmap")
