"""What a person may type, checked (question_types/): every spelling of yes and no, dates, empty
answers, and action items field by field, each refusal with the message the person reads."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resetkit.format.model import DateQuestion, TextQuestion, YesNoQuestion
from resetkit.question_types import (
    AnswerError,
    asked_as,
    check_answer,
    default_answer,
    shown_answer,
)
from resetkit.question_types.checks import check_action_item, check_date, check_yes_no

TODAY = date(2026, 11, 24)
spaces = st.sampled_from(["", " ", "  ", "\t"])


def spelled(word: str) -> st.SearchStrategy[str]:
    """`word` in any mix of cases, with blanks around it."""
    cased = st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(word, upper, strict=True))
    )
    return st.tuples(spaces, cased, spaces).map("".join)


@given(st.one_of(spelled("y"), spelled("yes"), spelled("true")))
def test_every_spelling_of_yes_is_yes(typed: str) -> None:
    assert check_yes_no("critical path", typed) is True


@given(st.one_of(spelled("n"), spelled("no"), spelled("false")))
def test_every_spelling_of_no_is_no(typed: str) -> None:
    assert check_yes_no("critical path", typed) is False


@given(st.one_of(st.text(max_size=6), st.integers(), st.none()))
def test_anything_else_is_refused_naming_the_question(typed: Any) -> None:
    if isinstance(typed, str) and typed.strip().lower() in ("y", "yes", "true", "n", "no", "false"):
        return
    with pytest.raises(AnswerError, match=r"^critical path takes yes or no$"):
        check_yes_no("critical path", typed)


@pytest.mark.parametrize("value", [True, False])
def test_a_yes_or_no_already_given_as_a_boolean_is_kept(value: bool) -> None:
    assert check_yes_no("critical path", value) is value


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        (" 2026-12-01 ", date(2026, 12, 1)),
        ("today", TODAY),
        (" today", TODAY),
        ("+14d", TODAY + timedelta(days=14)),
        ("+2w ", TODAY + timedelta(days=14)),
        (date(2027, 1, 5), date(2027, 1, 5)),
    ],
)
def test_a_date_is_read_as_the_person_meant_it(typed: Any, meant: date) -> None:
    assert check_date("the due date", typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["someday", "2026-13-01", "", 20261201, None, "+d"])
def test_a_date_that_is_none_is_refused_with_examples(typed: Any) -> None:
    with pytest.raises(AnswerError) as refused:
        check_date("the due date", typed, TODAY)
    assert (
        str(refused.value) == "the due date takes a date like 2026-12-01, today, +14d, fri or 31/12"
    )


PROMPT = "When  will the\n report be ready?"


@pytest.mark.parametrize("empty", [None, "", []])
def test_an_empty_answer_to_a_required_question_is_refused_by_its_prompt(empty: Any) -> None:
    question = TextQuestion(id="ready", type="text", prompt=PROMPT, required=True)
    with pytest.raises(AnswerError) as refused:
        check_answer(question, empty, TODAY)
    assert str(refused.value) == '"When will the report be ready?" is required'
    assert asked_as(question) == '"When will the report be ready?"'


@pytest.mark.parametrize("empty", [None, "", []])
def test_an_empty_answer_to_an_optional_question_is_a_skip(empty: Any) -> None:
    question = TextQuestion(id="ready", type="text", prompt=PROMPT)
    assert check_answer(question, empty, TODAY) is None
    assert shown_answer(question, None) == "(skipped)"


def test_a_given_answer_is_checked_by_its_type() -> None:
    question = YesNoQuestion(id="ok", type="yes_no", prompt="OK?", required=True)
    assert check_answer(question, " Y ", TODAY) is True
    assert shown_answer(question, True) == "Yes"


def test_a_default_is_resolved_against_today_and_no_default_is_none() -> None:
    dated = DateQuestion(id="when", type="date", prompt="When?", default="+3d")
    assert default_answer(dated, TODAY) == (TODAY + timedelta(days=3)).isoformat()
    assert default_answer(DateQuestion(id="when", type="date", prompt="When?"), TODAY) is None


def test_an_action_item_with_only_what_gets_every_field_and_an_id() -> None:
    stored = check_action_item({"what": "  Send the report  "}, TODAY)
    assert re.fullmatch(r"[0-9a-f]{8}", stored.pop("id"))
    assert stored == {
        "what": "Send the report",
        "owner": "us",
        "owner_name": "",
        "due": None,
        "critical_path": False,
        "status": "open",
        "history": [],
    }


def test_an_action_item_keeps_what_it_was_given() -> None:
    history = [{"at": "2026-11-25T10:00:00+00:00", "kind": "moved", "to_due": "2026-12-09"}]
    given_item = {
        "id": "a1",
        "what": "Call legal",
        "owner": "customer",
        "owner_name": "  Dana  ",
        "due": "+1w",
        "critical_path": "y",
        "status": "dropped",
        "history": history,
        "flag": "changed in two places at once",
    }
    assert check_action_item(given_item, TODAY) == {
        "id": "a1",
        "what": "Call legal",
        "owner": "customer",
        "owner_name": "Dana",
        "due": "2026-12-01",
        "critical_path": True,
        "status": "dropped",
        "history": history,
        "flag": "changed in two places at once",
    }


@pytest.mark.parametrize("due", [None, ""])
def test_an_action_item_without_a_due_date_has_none(due: Any) -> None:
    assert check_action_item({"what": "Call legal", "due": due}, TODAY)["due"] is None


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"what": "x", "colour": "red", "size": 1},
            "action item has unknown fields: colour, size",
        ),
        ({"owner": "us"}, "every action item needs a 'what'"),
        ({"what": "   "}, "every action item needs a 'what'"),
        ({"what": 3}, "every action item needs a 'what'"),
        (
            {"what": "x", "owner": "them"},
            "action item owner must be us, customer or both, not 'them'",
        ),
        (
            {"what": "x", "status": "late"},
            "action item status must be open, done or dropped, not 'late'",
        ),
        (
            {"what": "x", "due": "soon"},
            "the due date takes a date like 2026-12-01, today, +14d, fri or 31/12",
        ),
        ({"what": "x", "critical_path": "maybe"}, "critical path takes yes or no"),
    ],
)
def test_a_bad_action_item_is_refused_saying_which_field(
    item: dict[str, Any], message: str
) -> None:
    with pytest.raises(AnswerError) as refused:
        check_action_item(item, TODAY)
    assert str(refused.value) == message


def test_an_owner_name_with_a_control_character_is_refused_as_an_answer() -> None:
    with pytest.raises(AnswerError) as refused:
        check_action_item({"what": "x", "owner_name": "Dana\x1b[31m"}, TODAY)
    assert str(refused.value).startswith("owner name 'Dana\\x1b[31m' holds the control character")


@pytest.mark.parametrize("owner", ["us", "customer", "both"])
@pytest.mark.parametrize("status", ["open", "done", "dropped"])
def test_every_owner_and_status_a_person_may_give_is_kept(owner: str, status: str) -> None:
    stored = check_action_item({"what": "x", "owner": owner, "status": status}, TODAY)
    assert (stored["owner"], stored["status"]) == (owner, status)


def test_an_empty_flag_is_not_kept() -> None:
    assert "flag" not in check_action_item({"what": "x", "flag": ""}, TODAY)


def test_a_date_past_the_calendar_names_the_question_and_the_last_day() -> None:
    from resetkit.format.model import DateQuestion

    question = DateQuestion(id="when", type="date", prompt="Date of the call")
    with pytest.raises(AnswerError) as refused:
        check_answer(question, "+3000000d", date(2026, 11, 24))
    assert str(refused.value).startswith('"Date of the call"')
    assert "the last date resetkit takes" in str(refused.value)


# --- a date something happened ------------------------------------------------------------------

HAPPENED = DateQuestion(id="last", type="date", prompt="Date of the last talk", past=True)


@given(st.dates(date(1900, 1, 1), date(9000, 12, 31)), st.dates(date(1950, 1, 1), date(8000, 1, 1)))
def test_a_past_date_question_takes_today_and_before_and_refuses_after(
    typed: date, today: date
) -> None:
    if typed <= today:
        assert check_answer(HAPPENED, typed.isoformat(), today) == typed.isoformat()
    else:
        with pytest.raises(AnswerError, match="is after today; this asks when it happened"):
            check_answer(HAPPENED, typed.isoformat(), today)


@given(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), st.integers(0, 6))
def test_a_bare_weekday_at_a_past_date_question_is_the_last_one(day: str, shift: int) -> None:
    today = TODAY + timedelta(days=shift)
    taken = date.fromisoformat(check_answer(HAPPENED, day, today))
    assert today - timedelta(days=7) <= taken <= today and f"{taken:%a}".lower() == day


def test_a_date_question_cannot_be_both_the_next_meeting_and_past() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="cannot be `past`"):
        DateQuestion(id="x", type="date", prompt="When?", past=True, follow_up=True)
