"""A due date before today typed in a live run: most likely a typo, so it is taken only once the
person confirms it (a second Enter; in plain mode a y), and the text typed is never lost; as
`actions move` asks, and a script needs --allow-past. Through the real prompts at 80x24."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from conftest import TODAY, day, drive
from keyboard import CTRL_C, CTRL_U, DOWN, ENTER, typing
from resetkit.errors import ResetkitError
from resetkit.format.model import ActionItemsQuestion
from resetkit.question_types import Asking
from resetkit.record.session import Session
from resetkit.run.plain import PlainPrompter
from resetkit.run.start import StartRequest, start
from resetkit.words import counted
from test_prompt_inputs import around, question_of, run_keys

pytestmark = pytest.mark.dated

PAST = TODAY - timedelta(days=22)
WARNING = f"{PAST:%a %b} {PAST.day} is 22 days ago"


def item_keys(due: list[str]) -> list[str]:
    """An action item typed up to its due date, then `due`, then no critical path, done."""
    return ["Send the plan" + ENTER, ENTER, ENTER, *due, "n", ENTER]


def test_a_past_due_date_waits_for_a_second_enter_and_keeps_the_text(isolated) -> None:
    playbook = around(question_of("action_items", required=True), isolated)
    keys = ["b" + ENTER, *item_keys([PAST.isoformat() + ENTER, ENTER]), CTRL_C]
    ran = run_keys(playbook, keys)
    asked = [screen for screen in ran.screen.seen if WARNING in screen]
    assert asked, "the past date was taken without a word"
    # The question under the field, the date still in it as typed, nothing taken yet.
    assert f"› {PAST.isoformat()}" in asked[0]
    assert f"{WARNING} — Enter again keeps it, or change it" in " ".join(asked[0].split())
    assert "? Due" in asked[0] and "critical path" not in asked[0]
    assert ran.answers["it"][0]["due"] == PAST.isoformat()


def test_interrupted_while_it_waits_takes_nothing(isolated) -> None:
    playbook = around(question_of("action_items", required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, *item_keys([PAST.isoformat() + ENTER])[:4], CTRL_C])
    assert ran.screen.showed(WARNING)
    assert ran.error is not None and ran.error.exit_code == 130
    assert all(entry.get("due") != PAST.isoformat() for entry in ran.answers.get("it") or [])


def test_a_changed_date_is_taken_at_once_and_asks_nothing(isolated) -> None:
    playbook = around(question_of("action_items", required=True), isolated)
    later = day(10)
    keys = ["b" + ENTER, *item_keys([PAST.isoformat() + ENTER, CTRL_U, later + ENTER]), CTRL_C]
    ran = run_keys(playbook, keys)
    assert ran.answers["it"][0]["due"] == later


def test_a_due_date_from_today_on_is_taken_with_one_enter(isolated) -> None:
    playbook = around(question_of("action_items", required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, *item_keys([day(0) + ENTER]), CTRL_C])
    assert ran.answers["it"][0]["due"] == day(0)
    assert not ran.screen.showed("Enter again keeps it")


def test_a_past_date_that_is_not_a_due_date_asks_nothing(isolated) -> None:
    playbook = around(question_of("date", required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, PAST.isoformat() + ENTER, CTRL_C])
    assert ran.answers["it"] == PAST.isoformat()  # when something happened: the past is fine
    assert not ran.screen.showed("ago")


def test_a_past_date_for_the_next_meeting_waits_for_a_second_enter(isolated) -> None:
    playbook = around(question_of("date", required=True) | {"follow_up": True}, isolated)
    ran = run_keys(playbook, ["b" + ENTER, PAST.isoformat() + ENTER, ENTER, CTRL_C])
    assert ran.screen.showed(f"{WARNING} — Enter again keeps it")
    assert ran.answers["it"] == PAST.isoformat()


def test_a_next_meeting_from_today_on_is_taken_with_one_enter(isolated) -> None:
    playbook = around(question_of("date", required=True) | {"follow_up": True}, isolated)
    ran = run_keys(playbook, ["b" + ENTER, day(0) + ENTER, CTRL_C])
    assert ran.answers["it"] == day(0) and not ran.screen.showed("ago")


@pytest.mark.parametrize("offset", [-1, -400])
def test_a_script_cannot_set_the_next_meeting_in_the_past(run, isolated, offset: int) -> None:
    import yaml

    answers = {
        "expectations": "x", "real-problem": "y", "case": "no-fit", "outcome": "follow-up",
        "follow-up-date": day(offset),
        "actions": [{"what": "Send", "owner": "us", "due": day(14)}],
    }  # fmt: skip
    (isolated / "a.yaml").write_text(yaml.safe_dump({"answers": answers}), "utf-8")
    args = ["start", "reset", "--customer", "Acme Corp", "--answers", str(isolated / "a.yaml")]
    notes = ["--no-input", "--notes-dir", str(isolated / "notes")]
    refused = run(*args, *notes)
    assert refused.exit_code == 2, refused.output
    assert f"the date of the next meeting (follow-up-date), {day(offset)} is in the past" in (
        refused.stderr
    )
    assert not list((isolated / "notes").glob("*/*/session.json"))
    allowed = run(*args, *notes, "--allow-past")
    assert allowed.exit_code == 0, allowed.stderr


def test_the_review_moving_an_item_to_a_past_date_asks_first(isolated) -> None:
    earlier = drive("reset", notes_dir=isolated / "notes")
    request = StartRequest(
        playbook="reset",
        customer="Acme Corp",
        notes_dir=isolated / "notes",
        follow_up=earlier.session.id,
    )
    keys = [DOWN + DOWN + ENTER, PAST.isoformat() + ENTER, ENTER, "Legal" + ENTER, ENTER, CTRL_C]
    with typing(keys) as (_, screen), pytest.raises(ResetkitError):
        start(request, Console(file=io.StringIO(), width=80))
    assert screen.showed(f"{WARNING} — Enter again keeps it")
    record = Session.model_validate_json((earlier.folder / "session.json").read_text("utf-8"))
    moved = [event for item in record.action_items() for event in item.history]
    assert [(event.kind, event.to_due) for event in moved][:1] == [("moved", PAST)]


def plain_due(*due: str) -> tuple[str, str]:
    """An action item asked in plain mode, with these lines at its due date (then no critical
    path, and done); the due date taken, and what was said."""
    lines = ["Send the plan", "", "", *due, "n", "1"]
    said = io.StringIO()
    prompter = PlainPrompter(io.StringIO("".join(f"{line}\n" for line in lines)), said)
    asked = ActionItemsQuestion(id="it", type="action_items", prompt="Next steps")
    (item,) = prompter.ask(asked, None, TODAY, Asking())
    return str(item["due"]), said.getvalue()


def test_plain_mode_asks_to_keep_a_past_due_date_and_y_keeps_it() -> None:
    taken, said = plain_due(PAST.isoformat(), "y")
    assert taken == PAST.isoformat()
    assert f"{WARNING}. Keep it? Type y to keep it, or another answer." in said


def test_plain_mode_takes_another_date_typed_instead_of_y() -> None:
    taken, said = plain_due(PAST.isoformat(), day(3))
    assert taken == day(3)
    assert said.count("Keep it?") == 1


def test_plain_mode_no_asks_for_the_date_again() -> None:
    taken, said = plain_due(PAST.isoformat(), "n", day(5))
    assert taken == day(5)
    assert "Not kept: type another answer." in said


@given(st.integers(-3000, 3000))
def test_plain_mode_asks_about_any_day_before_today_and_no_other(offset: int) -> None:
    typed = (TODAY + timedelta(days=offset)).isoformat()
    taken, said = plain_due(typed, "y")
    assert taken == typed
    if offset < 0:
        assert f"is {counted(-offset, 'day')} ago. Keep it?" in said
    else:
        assert "Keep it?" not in said


def test_words_typed_at_the_items_choice_are_said_not_taken_and_enter_asks_again(
    isolated,
) -> None:
    playbook = around(question_of("action_items", required=True), isolated)
    keys = [
        "b" + ENTER, *item_keys([day(3) + ENTER])[:-1], "Book the kickoff", ENTER,
    ]  # fmt: skip
    ran = run_keys(playbook, [*keys, CTRL_C])
    seen = " ".join(" ".join(screen.split()) for screen in ran.screen.seen)
    assert "This is a choice, not a field: “Book the kickoff” is not taken" in seen
    assert "Enter again picks “Done: keep 1 item”" in seen
    # Not picked yet: the question is still open, its one item kept as a draft.
    assert ran.error is not None and ran.error.exit_code == 130
    done = run_keys(playbook, [*keys, ENTER, CTRL_C])
    assert [item["what"] for item in done.answers["it"]] == ["Send the plan"]
