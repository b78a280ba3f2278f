"""Dates and spans at the calendar's edges, wherever one is typed: an answer, an answers file, a
playbook's default, `actions move --due`, `--since`, `--within`, `--due-within`. Each is taken
or refused with one line (exit 2); none ends in an internal error, then or at a later save."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import TODAY, drive
from resetkit.dates import FIRST_DAY, LAST_DAY, DateOutOfRange, resolve_date
from resetkit.errors import UsageError
from resetkit.history.read import parse_day, parse_span
from resetkit.question_types import AnswerError
from resetkit.question_types.checks import check_date

# Offsets as a person might type them: small, a century, past year 9999, past any machine int.
counts = st.one_of(
    st.integers(0, 400),
    st.integers(0, 4_000_000),
    st.integers(0, 10**30),
    st.sampled_from([36_525, 36_526, 2_914_000, 3_000_000, 999_999_999, 10**9]),
)
offsets = st.builds(lambda n, unit: f"+{n}{unit}", counts, st.sampled_from("dw"))
negative = st.builds(lambda n, unit: f"-{n}{unit}", counts, st.sampled_from("dw"))
# Every day of the calendar Python knows, with its ends and a 29 February near at hand.
days = st.dates() | st.sampled_from(
    [date.min, date.max, date(2028, 2, 29), LAST_DAY, FIRST_DAY, date(9999, 12, 31)]
)
typed = st.one_of(
    offsets,
    days.map(date.isoformat),
    days,
    st.sampled_from(["today", "-3d", "+-3d", "+3", "0000-01-01", "10000-01-01", "2026-02-29"]),
)


@settings(max_examples=500)
@given(value=typed, today=days)
@example(value="+3000000d", today=date(2026, 12, 3))
@example(value="9999-12-31", today=date(2026, 12, 3))
def test_a_date_is_in_range_or_refused_as_a_value_error(value: Any, today: date) -> None:
    try:
        day = resolve_date(value, today)
    except ValueError:
        return
    assert FIRST_DAY <= day <= LAST_DAY
    # What resetkit does with a date it took: an invite ends the day after, an alarm rings up
    # to 9,999 weeks before.
    assert day + timedelta(days=1) and day - timedelta(weeks=9999)


@given(day=days)
def test_every_day_in_range_is_taken_as_written_and_every_other_refused(day: date) -> None:
    if FIRST_DAY <= day <= LAST_DAY:
        assert resolve_date(day.isoformat(), date(2026, 12, 3)) == day
    else:
        with pytest.raises(DateOutOfRange, match="outside the dates resetkit takes"):
            resolve_date(day.isoformat(), date(2026, 12, 3))


@settings(max_examples=300)
@given(value=typed, today=st.dates(FIRST_DAY, LAST_DAY))
def test_an_answer_is_a_date_in_range_or_one_line_naming_the_question(
    value: Any, today: date
) -> None:
    try:
        day = check_date('"When?"', value, today)
    except AnswerError as error:
        assert str(error).startswith('"When?"')
        assert "\n" not in str(error)
        return
    assert FIRST_DAY <= day <= LAST_DAY


@settings(max_examples=300)
@given(count=counts, unit=st.sampled_from("dw"))
def test_a_span_or_a_day_ago_on_the_command_line_is_taken_or_a_usage_error(
    count: int, unit: str
) -> None:
    try:
        parse_span(f"{count}{unit}", "--within")
    except UsageError as error:
        assert "longer than 36,525 days" in str(error)
        assert count * (7 if unit == "w" else 1) > 36_525
    try:  # a day ago is a date: taken as far back as the calendar goes
        parse_day(f"{count}{unit}", "--since")
    except UsageError as error:
        assert "the first date resetkit takes" in str(error)
        assert count * (7 if unit == "w" else 1) > (TODAY - FIRST_DAY).days


def test_a_playbook_default_past_the_last_date_is_a_problem_of_the_playbook(
    tmp_path: Path,
) -> None:
    from resetkit.errors import PlaybookInvalid
    from resetkit.format.loader import load_file

    for default, message in [
        ("+3000000d", "3000000d is longer than 36,525 days"),
        ("9999-12-31", "9999-12-31 is outside the dates resetkit takes"),
    ]:
        path = tmp_path / "far.yaml"
        path.write_text(
            "id: far\ntitle: Far\nduration: 5m\nsections:\n"
            "  - id: s\n    title: S\n    timebox: 5m\n    questions:\n"
            f"      - {{id: when, type: date, prompt: When?, default: {default}}}\n",
            "utf-8",
        )
        with pytest.raises(PlaybookInvalid) as raised:
            load_file(path)
        [problem] = raised.value.problems
        assert message in problem.message
        assert (problem.line, problem.column) == (9, 56)


@pytest.fixture
def a_session(isolated: Path) -> tuple[Path, str]:
    """A notes dir with one saved session, and the id of one of its action items."""
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    return notes, driven.session.answers["actions"][0]["id"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=st.one_of(offsets, negative, days.map(date.isoformat)))
@example(value="+3000000d")
@example(value="-3d")
@example(value="9999-12-31")
def test_the_commands_that_take_a_date_answer_in_one_line(  # type: ignore[no-untyped-def]
    run, a_session: tuple[Path, str], value: str
) -> None:
    notes, item = a_session
    span = value.lstrip("+") if value[:1] in "+-" else "7d"
    for args in (
        ["actions", "move", item, "--due", value, "--reason", "x", "--allow-past"],
        ["due", "--within", span],
        ["actions", "--due-within", span],
        ["ledger", "--since", span],
        ["sessions", "--since", value.lstrip("+")],
        ["report", "--until", value.lstrip("+")],
    ):
        result = run(*args, "--notes-dir", str(notes))
        assert result.exit_code in (0, 2), (args, result.output)
        assert "internal error" not in result.output
        if result.exit_code == 2:
            assert len(result.stderr.splitlines()) == 1, result.stderr
    again = run("render", "--all-changed", "--notes-dir", str(notes))
    assert again.exit_code == 0, again.output


def _answers(tmp_path: Path, follow_up: Any, due: Any) -> Path:
    sheet = {
        "customer": "Acme",
        "answers": {
            "expectations": "x",
            "real-problem": "y",
            "case": "no-fit",
            "outcome": "follow-up",
            "follow-up-date": follow_up,
            "actions": [{"what": "Send", "owner": "us", "due": due}],
        },
    }
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(sheet, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("far", ["9999-12-31", "+3000000d", "+99999999999999999999999d"])
def test_a_follow_up_past_the_last_date_is_refused_before_anything_is_saved(  # type: ignore[no-untyped-def]
    run, isolated: Path, far: str
) -> None:
    notes = isolated / "notes"
    answers = _answers(isolated, far, "+14d")
    args = ["start", "reset", "--answers", str(answers), "--no-input"]
    result = run(*args, "--notes-dir", str(notes))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "'follow-up-date'" in line and "9998-12-31" in line
    assert not notes.exists() or not any(notes.rglob("session.json"))


def test_the_last_date_taken_is_saved_and_saved_again(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    answers = _answers(isolated, LAST_DAY.isoformat(), LAST_DAY.isoformat())
    args = ["start", "reset", "--answers", str(answers), "--no-input"]
    result = run(*args, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output
    [invite] = notes.rglob("follow-up.ics")
    assert "DTEND;VALUE=DATE:99990101" in invite.read_text("utf-8")
    for args in (["render", "--all-changed"], ["calendar", "--alarm", "9999w"]):
        again = run(*args, "--notes-dir", str(notes))
        assert again.exit_code == 0, again.output


def test_a_record_saved_with_the_calendars_last_day_still_renders(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    notes = isolated / "notes"
    driven = drive("reset", {"outcome": "follow-up"}, notes_dir=notes)
    record = driven.folder / "session.json"
    data = json.loads(record.read_text("utf-8"))
    data["answers"]["follow-up-date"] = "9999-12-31"  # as an earlier version let it be saved
    record.write_text(json.dumps(data), "utf-8")
    result = run("render", driven.session.id, "--force", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("new_due", ["9998-12-31", "1900-01-01"])
def test_moving_a_plan_past_the_calendars_edge_is_refused_and_moves_nothing(  # type: ignore[no-untyped-def]
    run, isolated: Path, new_due: str
) -> None:
    import json

    notes = isolated / "notes"
    items = [
        {"what": "first", "owner": "us", "due": "2027-01-10"},
        {"what": "later", "owner": "us", "due": "2027-03-01"},
    ]
    driven = drive("reset", {"actions": items}, notes_dir=notes)
    record = driven.folder / "session.json"
    before = record.read_bytes()
    first = json.loads(before)["answers"]["actions"][0]["id"]
    args = ["actions", "move", first, "--due", new_due, "--reason", "x", "--with-later"]
    result = run(*args, "--allow-past", "--notes-dir", str(notes))
    if new_due == "1900-01-01":  # the later item lands in range: moved
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert "outside the dates resetkit takes" in line and "nothing was moved" in line
    assert record.read_bytes() == before


@pytest.mark.parametrize(
    ("day", "taken"),
    [("9999-12-31", False), ("0001-01-01", False), ("9998-12-31", True), ("1900-01-01", True)],
)
def test_a_preview_dated_at_the_calendars_edge_renders_or_is_refused_at_its_line(  # type: ignore[no-untyped-def]
    run, isolated: Path, day: str, taken: bool
) -> None:
    # Absolute dates only, so that the preview date alone is at the edge; the playbook's own
    # default for the follow-up (+7d) still counts from it.
    answers = _answers(isolated, "2000-01-01", "2000-01-01")
    sheet = yaml.safe_load(answers.read_text("utf-8"))
    answers = isolated / "edge.yaml"
    answers.write_text(yaml.safe_dump({**sheet, "preview_date": day}, sort_keys=False), "utf-8")
    result = run("preview", "reset", "--answers", str(answers), "--out", str(isolated / "out"))
    assert "internal error" not in result.output
    if taken:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert "edge.yaml:" in line and f"preview_date {day} is outside the dates" in line
