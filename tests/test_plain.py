"""The plain prompts, answered from typed lines: what each takes, and when plain mode is on."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from resetkit.errors import InputInvalid
from resetkit.question_types import Asking
from resetkit.run.plain import PlainPrompter, wanted
from resetkit.run.terminal import GoBack, Interrupted

TODAY = date(2026, 12, 3)


def plain(*lines: str) -> tuple[PlainPrompter, io.StringIO]:
    said = io.StringIO()
    return PlainPrompter(io.StringIO("".join(f"{line}\n" for line in lines)), said), said


def question(kind: str, **fields: Any) -> Any:
    choices = [
        SimpleNamespace(value=value, label=None, shown=value.title())
        for value in fields.pop("choices", [])
    ]
    base = {"id": "q", "type": kind, "prompt": "Which?", "help": None, "required": True}
    return SimpleNamespace(**(base | fields), choices=choices)


def test_a_multi_choice_takes_numbers_separated_by_commas() -> None:
    prompter, said = plain("1, 3")
    asked = question("multi_choice", choices=["red", "green", "blue"], default=None)
    assert prompter.ask(asked, None, TODAY) == ["red", "blue"]
    assert "1. Red\n" in said.getvalue() and "Answer: Red; Blue" in said.getvalue()


def test_a_choice_takes_its_name_and_refuses_what_is_not_listed() -> None:
    prompter, said = plain("purple", "Green")
    asked = question("choice", choices=["red", "green"], default=None)
    assert prompter.ask(asked, None, TODAY) == "green"
    assert "'purple' is not on the list" in said.getvalue()


def test_a_long_text_ends_at_a_line_holding_a_dot() -> None:
    prompter, _ = plain("first line", "", "third line", ".")
    asked = question("long_text", required=False)
    assert prompter.ask(asked, None, TODAY) == "first line\n\nthird line"


def test_a_list_ends_at_an_empty_line_and_keeps_each_item_as_typed() -> None:
    prompter, _ = plain("Dana", "Sam", "")
    kept: list[Any] = []
    asked = question("list", sets_attendees=False)
    assert prompter.ask(asked, None, TODAY, Asking(keep=kept.append)) == ["Dana", "Sam"]
    assert kept == [["Dana"], ["Dana", "Sam"]]


def test_a_typed_lt_goes_back_where_there_is_a_question_before() -> None:
    prompter, said = plain("<", "<")
    with pytest.raises(GoBack):
        prompter.ask(question("text"), None, TODAY, Asking(can_go_back=True))
    prompter, said = plain("<", "fine")
    assert prompter.ask(question("text"), None, TODAY) == "fine"
    assert "no question before this one" in said.getvalue()


def test_a_question_mark_says_the_clock_once_and_nothing_is_redrawn() -> None:
    prompter, said = plain("?", "y")
    status = lambda: [("", " ⏱ section 1:05 of 6:00 · meeting 4:00 of 30:00")]  # noqa: E731
    assert prompter.ask(question("yes_no"), False, TODAY, Asking(status=status)) is True
    text = said.getvalue()
    assert text.count("Time: section 1:05 of 6:00; meeting 4:00 of 30:00") == 1
    assert "\x1b" not in text and "\r" not in text


def test_the_end_of_input_interrupts() -> None:
    prompter, _ = plain()
    with pytest.raises(Interrupted):
        prompter.ask(question("text"), None, TODAY)


def test_plain_mode_is_chosen_by_flag_env_config_or_a_dumb_terminal(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RESETKIT_PLAIN", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert not wanted(False) and wanted(True)
    monkeypatch.setenv("TERM", "dumb")
    assert wanted(False)
    monkeypatch.setenv("RESETKIT_PLAIN", "0")
    assert not wanted(False)
    monkeypatch.delenv("RESETKIT_PLAIN")
    monkeypatch.setenv("TERM", "xterm")
    (isolated / "resetkit.toml").write_text("plain = true\n", "utf-8")
    assert wanted(False)
    monkeypatch.setenv("RESETKIT_PLAIN", "no")
    assert not wanted(False)


def test_a_plain_setting_that_is_not_true_or_false_is_named_where_it_stands(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RESETKIT_PLAIN", raising=False)
    (isolated / "resetkit.toml").write_text('notes_dir = "notes"\nplain = "yes"\n', "utf-8")
    with pytest.raises(InputInvalid) as raised:
        wanted(False)
    assert "resetkit.toml:2:1: plain must be true or false" in str(raised.value.problems[0])


def test_enter_alone_keeps_an_earlier_answer_and_none_empties_it() -> None:
    prompter, said = plain("", ":none")
    asked = question("text", required=False)
    assert prompter.ask(asked, "kept", TODAY) == "kept"
    assert "Enter alone keeps: kept" in said.getvalue()
    assert prompter.ask(asked, "kept", TODAY) is None
    prompter, _ = plain("", ":none")
    items = question("list", required=False, sets_attendees=False)
    assert prompter.ask(items, ["Dana", "Sam"], TODAY) == ["Dana", "Sam"]
    assert prompter.ask(items, ["Dana", "Sam"], TODAY) is None
    prompter, _ = plain(":none")
    ticked = question("multi_choice", choices=["red", "blue"], required=False, default=None)
    assert prompter.ask(ticked, ["red"], TODAY) in ([], None)


def test_the_brief_in_plain_mode_has_headed_lines_not_rules(isolated: Path) -> None:
    from rich.console import Console

    from conftest import drive
    from resetkit.history.brief import build_brief
    from resetkit.history.read import Filters, read_sessions
    from resetkit.run.screen import draw_brief

    drive("reset")
    stored, _ = read_sessions(isolated / "notes", Filters(customer="Acme Corp"))
    shown = io.StringIO()
    draw_brief(Console(file=shown, width=80), build_brief(stored, "Acme Corp"), plain=True)
    assert "Before the call: Acme Corp" in shown.getvalue()
    assert "End of the brief." in shown.getvalue()
    assert "─" not in shown.getvalue() and "━" not in shown.getvalue()


def test_a_list_resumed_keeps_what_was_typed_and_adds_the_new_lines() -> None:
    prompter, said = plain("Quarterly review", "")
    asked = question("list", sets_attendees=False)
    kept_before = ["Business-hours support", "Monthly usage report"]
    assert prompter.ask(asked, kept_before, TODAY) == [*kept_before, "Quarterly review"]
    assert "lines you type are added" in said.getvalue()


def test_a_back_sign_after_the_first_item_is_not_taken_as_an_item() -> None:
    prompter, said = plain("24/7 phone support", "<", "")
    asked = question("list", sets_attendees=False)
    assert prompter.ask(asked, None, TODAY) == ["24/7 phone support"]
    assert "goes back only on a list's first line" in said.getvalue()


def test_every_hint_is_a_sentence_of_its_own_for_a_screen_reader() -> None:
    prompter, said = plain("2")
    asked = question("choice", choices=["red", "green"], default=None)
    prompter.ask(asked, "red", TODAY)
    assert "Enter alone: Red.\n" in said.getvalue()


def test_which_answer_in_the_review_has_a_way_back_without_a_back_key() -> None:
    from conftest import drive
    from resetkit.run.live import BACK_TO_REVIEW

    # Before, the only way out was to pick an answer and go back from its question.
    driven = drive("risk-check", picks=["change", BACK_TO_REVIEW, "save"])
    assert driven.session.status == "complete"
