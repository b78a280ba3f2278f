"""Every question type, every class of input a person can give, through the real prompts.

Each test starts a run as `resetkit start` does (`run.start.start`), with the keys going into
the real prompt_toolkit applications through a pipe (tests/keyboard.py), and reads what was
saved back through the record's model. Nothing a person types may end a run with anything but
an answer saved or an interruption saved.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from keyboard import (
    BACK,
    CTRL_B,
    CTRL_C,
    CTRL_S,
    CTRL_U,
    CTRL_X_CTRL_E,
    DOWN,
    ENTER,
    FINISH,
    SPACE,
    UP,
    Chunk,
    Keyboard,
    Resize,
    Screen,
    paste,
    typing,
)
from resetkit.dates import LAST_DAY
from resetkit.errors import EXIT_INTERRUPTED, ResetkitError
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.question_types import KINDS
from resetkit.record.session import Session
from resetkit.run.start import StartRequest, start

BUILT_INS = ["reset", "recovery", "fire", "postmortem", "risk-check"]
CHOICES = [
    {"value": "legal", "label": "Legal"},
    {"value": "finance", "label": "Finance"},
    {"value": "support", "label": "Support"},
]


@dataclass
class Ran:
    """What a run left: the error it ended with (None when saved), its record as reloaded,
    the screen, what the run printed around the prompts and every byte sent to the terminal."""

    error: ResetkitError | None
    record: Session | None
    screen: Screen
    printed: str
    keyboard: Keyboard

    @property
    def answers(self) -> dict[str, Any]:
        assert self.record is not None, "no record was saved"
        return self.record.answers

    @property
    def written(self) -> str:
        return self.screen.written.getvalue()


def reloaded(notes: Path) -> Session | None:
    """The one record under `notes`, read through the model, written back and read again."""
    found = sorted(notes.glob("*/*/session.json"))
    if not found:
        return None
    (path,) = found
    session = Session.model_validate_json(path.read_text("utf-8"))
    again = Session.model_validate_json(session.model_dump_json())
    assert again == session, "the record does not survive a round trip through its model"
    return session


def run_keys(
    playbook: Path | str,
    chunks: list[Chunk],
    *,
    rows: int = 24,
    columns: int = 80,
    answers: Path | None = None,
) -> Ran:
    """Start `playbook` for Acme with these keys; what it left. Any error that is not a
    ResetkitError (an internal error, to a person) fails the test where it happened."""
    notes = Path.cwd() / "notes"
    printed = io.StringIO()
    console = Console(file=printed, width=columns, color_system=None)
    request = StartRequest(
        playbook=str(playbook),
        customer="Acme",
        notes_dir=notes,
        answers=None if answers is None else str(answers),
    )
    error: ResetkitError | None = None
    with typing(chunks, rows, columns) as (keyboard, screen):
        try:
            start(request, console)
        except ResetkitError as failure:
            error = failure
    return Ran(error, reloaded(notes), screen, printed.getvalue(), keyboard)


def interrupted(ran: Ran) -> bool:
    return ran.error is not None and ran.error.exit_code == EXIT_INTERRUPTED


# --- a playbook around one question -------------------------------------------------------------


def question_of(kind: str, required: bool) -> dict[str, Any]:
    """A question of `kind` under test, with what that type needs (choices)."""
    question: dict[str, Any] = {
        "id": "it",
        "type": kind,
        "prompt": "The question under test",
        "required": required,
    }
    if kind in ("choice", "multi_choice"):
        question["choices"] = CHOICES
    return question


def around(question: dict[str, Any], folder: Path) -> Path:
    """A playbook of three sections: a text question, `question`, a text question."""
    playbook = {
        "id": "around",
        "title": "Around one question",
        "duration": "30m",
        "sections": [
            {
                "id": "opening",
                "title": "Opening",
                "timebox": "10m",
                "questions": [{"id": "before", "type": "text", "prompt": "Before it"}],
            },
            {"id": "main", "title": "Main", "timebox": "10m", "questions": [question]},
            {
                "id": "closing",
                "title": "Closing",
                "timebox": "10m",
                "questions": [{"id": "after", "type": "text", "prompt": "After it"}],
            },
        ],
    }
    path = folder / "around.yaml"
    path.write_text(yaml.safe_dump(playbook, sort_keys=False), "utf-8")
    return path


def test_an_optional_multiple_choice_left_empty_is_skipped_not_a_crash(isolated: Path) -> None:
    playbook = around(question_of("multi_choice", required=False), isolated)
    ran = run_keys(playbook, ["b" + ENTER, ENTER, CTRL_C])
    assert interrupted(ran)
    assert ran.answers == {"before": "b", "it": None}
    assert ran.screen.showed("(skipped)")


@pytest.mark.parametrize("playbook_id", ["fire", "postmortem", "recovery"])
def test_each_built_in_optional_multiple_choice_takes_enter_with_nothing_ticked(
    isolated: Path, playbook_id: str
) -> None:
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    asked = [q for _, q in playbook.questions()]
    empties = [q for q in asked if q.type == "multi_choice" and not q.required]
    assert empties, f"{playbook_id} has no optional multiple choice left"
    for question in empties:
        # Every question before it answered from a file; the person meets it first.
        earlier = asked[: asked.index(question)]
        sheet = isolated / f"{question.id}.yaml"
        sheet.write_text(
            yaml.safe_dump({"answers": {q.id: sample(q) for q in earlier}}, sort_keys=False),
            "utf-8",
        )
        for stale in (isolated / "notes").glob("*/*"):
            shutil.rmtree(stale)
        ran = run_keys(playbook_id, [ENTER, CTRL_C], answers=sheet)
        assert interrupted(ran), ran.screen.text()
        assert ran.answers[question.id] is None


def sample(question: Any) -> Any:
    """An answer of the right type for an answers file."""
    from conftest import synthetic_answer

    return synthetic_answer(question)


# --- how each type is answered ------------------------------------------------------------------


@dataclass(frozen=True)
class Way:
    """How a person answers a question of one type: the keys of an answer and what it stores;
    the keys that give nothing (Enter on empty, nothing ticked) and what an optional one
    stores then; the keys that keep the answer filled in when going forward again."""

    answer: list[Chunk]
    stored: Any
    empty: list[Chunk]
    empty_stored: Any
    keep: list[Chunk]
    refused: str | None = "is required"  # what a required one says to nothing; None: takes it


ITEM = {
    "what": "Send the plan",
    "owner": "customer",
    "owner_name": "Pat",
    "due": "2026-12-24",
    "critical_path": True,
    "status": "open",
    "history": [],
}
WAYS: dict[str, Way] = {
    "text": Way(["Reports were late", ENTER], "Reports were late", [ENTER], None, [ENTER]),
    "long_text": Way(
        ["First line", ENTER, "second line", FINISH],
        "First line\nsecond line",
        [FINISH],
        None,
        [FINISH],
    ),
    "yes_no": Way(["y"], True, [ENTER], False, [ENTER], refused=None),
    "choice": Way([DOWN, ENTER], "finance", [ENTER], "legal", [ENTER], refused=None),
    "multi_choice": Way(
        [SPACE, DOWN, DOWN, SPACE, ENTER], ["legal", "support"], [ENTER], None, [ENTER]
    ),
    "number": Way(["1,250.5", ENTER], 1250.5, [ENTER], None, [ENTER]),
    "date": Way(["2026-12-01", ENTER], "2026-12-01", [ENTER], None, [ENTER]),
    "list": Way(["one", ENTER, "two", ENTER, ENTER], ["one", "two"], [ENTER], None, [ENTER, ENTER]),
    "action_items": Way(
        ["Send the plan" + ENTER, DOWN + ENTER, "Pat" + ENTER, "2026-12-24" + ENTER, "y", ENTER],
        [ITEM],
        [ENTER],
        None,
        [ENTER],
        refused="at least one action item is needed",
    ),
}


def stored(kind: str, value: Any) -> Any:
    """An answer as compared: an action item's id is new each time."""
    if kind == "action_items" and isinstance(value, list):
        return [{key: v for key, v in item.items() if key != "id"} for item in value]
    return value


def test_every_question_type_has_its_way_of_being_answered() -> None:
    assert set(WAYS) == set(KINDS), "a new question type needs its keys in WAYS"


KIND_NAMES = sorted(KINDS)
REQUIRED = [pytest.param(True, id="required"), pytest.param(False, id="optional")]


@pytest.mark.parametrize("required", REQUIRED)
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_an_answer_is_stored_and_the_run_saves(isolated: Path, kind: str, required: bool) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required), isolated)
    ran = run_keys(playbook, ["b" + ENTER, *way.answer, "a" + ENTER, ENTER])  # review: save
    assert ran.error is None, ran.screen.text()
    assert stored(kind, ran.answers["it"]) == way.stored
    assert ran.record is not None and ran.record.status == "complete"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_enter_on_empty_skips_an_optional_question(isolated: Path, kind: str) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required=False), isolated)
    ran = run_keys(playbook, ["b" + ENTER, *way.empty, CTRL_C])
    assert interrupted(ran), ran.screen.text()
    assert ran.answers == {"before": "b", "it": way.empty_stored}


@pytest.mark.parametrize("kind", [k for k in KIND_NAMES if WAYS[k].refused])
def test_enter_on_empty_is_refused_where_required_and_an_answer_then_taken(
    isolated: Path, kind: str
) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, *way.empty, *way.answer, CTRL_C])
    assert interrupted(ran), ran.screen.text()
    assert way.refused is not None and ran.screen.showed(way.refused)
    assert stored(kind, ran.answers["it"]) == way.stored


def test_skip_is_offered_where_a_choice_is_optional(isolated: Path) -> None:
    playbook = around(question_of("choice", required=False), isolated)
    ran = run_keys(playbook, ["b" + ENTER, UP, ENTER, CTRL_C])  # up from the first: (skip)
    assert ran.answers == {"before": "b", "it": None}
    assert ran.screen.showed("? The question under test (skip)")


@pytest.mark.parametrize("kind", ["text", "long_text", "list"])
def test_an_answer_of_only_blanks_is_refused_where_required(isolated: Path, kind: str) -> None:
    way = WAYS[kind]
    blanks: list[Chunk] = {
        "text": ["   ", ENTER],
        "long_text": ["  ", ENTER, ENTER, FINISH],
        "list": ["   ", ENTER],
    }[kind]
    playbook = around(question_of(kind, required=True), isolated)
    erase = "\x7f" * 8  # Backspace over the blanks before answering
    ran = run_keys(playbook, ["b" + ENTER, *blanks, erase, *way.answer, CTRL_C])
    assert ran.screen.showed("is required")
    assert stored(kind, ran.answers["it"]) == way.stored


# --- going back -----------------------------------------------------------------------------------


def first(question: dict[str, Any], folder: Path) -> Path:
    """A playbook whose first question is `question`, then a text question."""
    playbook = {
        "id": "first",
        "title": "First things first",
        "duration": "20m",
        "sections": [
            {"id": "main", "title": "Main", "timebox": "10m", "questions": [question]},
            {
                "id": "closing",
                "title": "Closing",
                "timebox": "10m",
                "questions": [{"id": "after", "type": "text", "prompt": "After it"}],
            },
        ],
    }
    path = folder / "first.yaml"
    path.write_text(yaml.safe_dump(playbook, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_back_at_the_first_question_stays_there(isolated: Path, kind: str) -> None:
    way = WAYS[kind]
    playbook = first(question_of(kind, required=True), isolated)
    for notes_run in ("validated first", "first screen kept"):  # the second start draws it sooner
        ran = run_keys(playbook, [BACK, CTRL_B, *way.answer, CTRL_C])
        assert interrupted(ran), (notes_run, ran.screen.text())
        assert stored(kind, ran.answers["it"]) == way.stored, notes_run
        shutil.rmtree(isolated / "notes")


@pytest.mark.parametrize("back", [BACK, CTRL_B], ids=["shift-tab", "ctrl-b"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_back_across_sections_and_forward_again_keeps_the_answer(
    isolated: Path, kind: str, back: str
) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required=True), isolated)
    keys: list[Chunk] = ["b" + ENTER, *way.answer]  # now at "After it"
    keys += [back, *way.keep]  # back to it, kept: at "After it" again
    keys += [back, back, ENTER, *way.keep, "a" + ENTER, CTRL_C]  # back to "Before it", forward
    ran = run_keys(playbook, keys)
    assert interrupted(ran) and ran.error is not None
    assert "review" in ran.error.message, ran.screen.text()  # every question was answered
    assert {key: stored(kind, value) for key, value in ran.answers.items()} == {
        "before": "b",
        "it": way.stored,
        "after": "a",
    }


# --- the editor, Esc Enter and Ctrl-S -------------------------------------------------------------


def editor(folder: Path, name: str, body: str) -> str:
    """An editor command: a shell script that does `body` to the file it is given."""
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", "utf-8")
    script.chmod(0o755)
    return str(script)


EDITORS = {
    "fails": "exit 3",
    "writes nothing": ': > "$1"',
    "writes text": "printf 'From the editor\\n' > \"$1\"",
}


@pytest.mark.parametrize("opening", [[":e", ENTER], [CTRL_X_CTRL_E]], ids=[":e", "ctrl-x-ctrl-e"])
@pytest.mark.parametrize("behaviour", sorted(EDITORS))
def test_the_editor_that_fails_or_writes_nothing_leaves_the_field_to_type_in(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str, opening: list[Chunk]
) -> None:
    monkeypatch.setenv("EDITOR", editor(isolated, "editor", EDITORS[behaviour]))
    playbook = around(question_of("long_text", required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, *opening, FINISH, "\x7f" * 20, "Typed", FINISH, CTRL_C])
    assert interrupted(ran), ran.screen.text()
    if behaviour == "writes text":
        # Esc Enter took what the editor wrote; the rest went to "After it".
        assert ran.answers["it"] == "From the editor"
    else:
        assert ran.screen.showed("the editor returned nothing")
        assert ran.answers["it"] == "Typed"


def test_no_editor_at_all_says_so(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", str(isolated / "no-such-editor"))
    playbook = around(question_of("long_text", required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, CTRL_X_CTRL_E, "Typed", FINISH, CTRL_C])
    assert ran.screen.showed("could not start the editor")
    assert ran.answers["it"] == "Typed"


FINISHING_KEYS = {"esc-enter": FINISH, "ctrl-s": CTRL_S, "ctrl-x-ctrl-e": CTRL_X_CTRL_E}


@pytest.mark.parametrize("key", sorted(FINISHING_KEYS))
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_esc_enter_ctrl_s_and_ctrl_x_ctrl_e_at_any_prompt_break_nothing(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, kind: str, key: str
) -> None:
    monkeypatch.setenv("EDITOR", editor(isolated, "editor", "exit 0"))  # leaves the text
    way = WAYS[kind]
    playbook = around(question_of(kind, required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, FINISHING_KEYS[key], "\x7f", *way.answer, CTRL_C])
    assert interrupted(ran), ran.screen.text()
    assert "it" in ran.answers  # the odd key did not lose the question


# --- Ctrl-C anywhere --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_ctrl_c_at_any_point_saves_every_answer_given(isolated: Path, kind: str) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required=True), isolated)
    keys: list[Chunk] = ["b" + ENTER, *way.answer, "a" + ENTER]
    for cut in range(len(keys) + 1):
        ran = run_keys(playbook, [*keys[:cut], CTRL_C])
        assert interrupted(ran), (cut, ran.screen.text())
        given = {"before": "b", "it": way.stored, "after": "a"}
        for question_id, value in ran.answers.items():
            assert stored(kind, value) == given[question_id]
        if cut >= 1:
            assert ran.answers.get("before") == "b"
        shutil.rmtree(isolated / "notes")


def test_ctrl_c_at_every_prompt_of_the_review_saves(isolated: Path) -> None:
    playbook = around(question_of("text", required=True), isolated)
    answered: list[Chunk] = ["b" + ENTER, "it" + ENTER, "a" + ENTER]
    for at_review in ([], [DOWN + ENTER], [DOWN + DOWN + ENTER], [DOWN + ENTER, ENTER]):
        ran = run_keys(playbook, [*answered, *at_review, CTRL_C])
        assert interrupted(ran), ran.screen.text()
        assert ran.answers == {"before": "b", "it": "it", "after": "a"}
        assert ran.record is not None and ran.record.status == "in_progress"
        shutil.rmtree(isolated / "notes")


def test_ctrl_c_at_the_customer_prompt_saves_nothing(isolated: Path) -> None:
    from resetkit.run.start import NotStarted

    playbook = around(question_of("text", required=True), isolated)
    with typing(["Ac", CTRL_C]), pytest.raises(NotStarted):
        start(StartRequest(playbook=str(playbook), notes_dir=isolated / "notes"), Console())
    assert reloaded(isolated / "notes") is None


# --- a resize -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_resize_at_a_prompt_redraws_it_and_keeps_what_is_typed(isolated: Path, kind: str) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required=True), isolated)
    half = len(way.answer) // 2
    keys: list[Chunk] = ["b" + ENTER, Resize(20, 40), *way.answer[:half], Resize(12, 20)]
    keys += [*way.answer[half:], Resize(30, 100), CTRL_C]
    ran = run_keys(playbook, keys)
    assert interrupted(ran), ran.screen.text()
    assert stored(kind, ran.answers["it"]) == way.stored
    assert ran.screen.showed("After it")


# --- what a paste can hold ------------------------------------------------------------------------

LONG = ("All the reports were late " * 400)[:10_000]
WIDE = "報告が遅れた 📈👩‍👩‍👧 café naïve Ångström"  # CJK, emoji, a ZWJ family, combining marks
HOSTILE = "a\x1b]0;pwned\x07b\x1b[2J\x1b[31mred\x1b[0m\x00\x08\x7f\x9b31m\u202eevil"
# Each control sequence above, as it would act on a terminal that received it as-is (the
# right-to-left override is text to a terminal, shown as it is, and not among them).
ACTING = ["\x1b]0;pwned", "\x1b[2J", "\x1b[31mred", "\x9b31m", "\x07b", "\x00"]


def finish_keys(kind: str) -> list[Chunk]:
    """The keys that end a typed answer of `kind`."""
    return {"long_text": [FINISH], "list": [ENTER, ENTER]}.get(kind, [ENTER])


@pytest.mark.parametrize("kind", ["text", "long_text", "list"])
def test_a_paste_of_10000_characters_is_kept_whole(isolated: Path, kind: str) -> None:
    playbook = around(question_of(kind, required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, paste(LONG), *finish_keys(kind), CTRL_C])
    assert interrupted(ran), ran.screen.text()
    assert ran.answers["it"] == ([LONG.strip()] if kind == "list" else LONG)


@pytest.mark.parametrize("kind", ["number", "date"])
def test_a_paste_of_10000_characters_where_a_number_or_date_goes_is_refused_in_one_line(
    isolated: Path, kind: str
) -> None:
    way = WAYS[kind]
    playbook = around(question_of(kind, required=True), isolated)
    ran = run_keys(playbook, ["b" + ENTER, paste(LONG), ENTER, CTRL_U, *way.answer, CTRL_C])
    assert ran.answers["it"] == way.stored
    refusals = [screen for screen in ran.screen.seen if "takes a" in screen]
    assert refusals, "the paste was not refused"
    # The refusal is one short message, not the paste again: the question stays in view.
    assert all("The question under test" in screen for screen in refusals)


@pytest.mark.parametrize("kind", ["text", "long_text", "list", "action_items"])
def test_wide_and_combining_characters_are_kept_and_shown(isolated: Path, kind: str) -> None:
    playbook = around(question_of(kind, required=True), isolated)
    if kind == "action_items":
        keys: list[Chunk] = [paste(WIDE) + ENTER, ENTER, ENTER, ENTER, "n", ENTER]
    else:
        keys = [paste(WIDE), *finish_keys(kind)]
    ran = run_keys(playbook, ["b" + ENTER, *keys, "a" + ENTER, ENTER], columns=40)
    assert ran.error is None, ran.screen.text()
    value = ran.answers["it"]
    got = value[0]["what"] if kind == "action_items" else value
    assert got == ([WIDE] if kind == "list" else WIDE)
    assert ran.screen.showed("報告が遅れた")


@pytest.mark.parametrize("kind", ["text", "long_text", "list", "action_items"])
def test_escape_sequences_in_a_paste_never_reach_the_terminal(isolated: Path, kind: str) -> None:
    playbook = around(question_of(kind, required=True), isolated)
    if kind == "action_items":  # the what; an owner's name refuses them (test below)
        keys: list[Chunk] = [paste(HOSTILE) + ENTER, ENTER, ENTER, ENTER, "n", ENTER]
    else:
        keys = [paste(HOSTILE), *finish_keys(kind)]
    ran = run_keys(playbook, ["b" + ENTER, *keys, "a" + ENTER, ENTER])  # saved: the review
    assert ran.error is None, ran.screen.text()
    value = ran.answers["it"]
    kept = value[0]["what"] if kind == "action_items" else value
    assert kept == ([HOSTILE] if kind == "list" else HOSTILE)  # answers keep what was typed
    for sequence in ACTING:
        assert sequence not in ran.written, f"{sequence!r} reached the terminal"
        assert sequence not in ran.printed, f"{sequence!r} reached the terminal"


def test_a_control_character_in_an_owner_name_is_refused_in_its_field(isolated: Path) -> None:
    playbook = around(question_of("action_items", required=True), isolated)
    keys: list[Chunk] = ["b" + ENTER, "Send the plan" + ENTER, ENTER]  # what, owner
    keys += [paste("Pat\x1b[2J"), ENTER, CTRL_U, "Pat" + ENTER, ENTER, "n", ENTER, CTRL_C]
    ran = run_keys(playbook, keys)
    assert interrupted(ran), ran.screen.text()
    assert ran.screen.showed("holds the control character")
    (item,) = ran.answers["it"]
    assert item["owner_name"] == "Pat"


@pytest.mark.parametrize("typed", ["+3000000d", "+99999999999999999999d", "+9999999w"])
@pytest.mark.parametrize("kind", ["date", "action_items"])
def test_a_date_beyond_the_calendar_is_refused_at_the_prompt(
    isolated: Path, kind: str, typed: str
) -> None:
    playbook = around(question_of(kind, required=True), isolated)
    if kind == "date":
        keys: list[Chunk] = [typed + ENTER, CTRL_U, "2026-12-01" + ENTER]
    else:  # the due date of an action item
        keys = ["Send the plan" + ENTER, ENTER, ENTER, typed + ENTER, CTRL_U]
        keys += ["2026-12-01" + ENTER, "n", ENTER]
    ran = run_keys(playbook, ["b" + ENTER, *keys, CTRL_C])
    assert interrupted(ran), ran.screen.text()
    assert ran.screen.showed("the last date resetkit takes")
    value = ran.answers["it"]
    assert (value[0]["due"] if kind == "action_items" else value) == "2026-12-01"


@pytest.mark.parametrize("kind", ["date", "action_items"])
def test_the_last_day_of_the_calendar_is_kept_and_the_notes_written(
    isolated: Path, kind: str
) -> None:
    playbook = around(question_of(kind, required=True), isolated)
    last = LAST_DAY.isoformat()  # the last day resetkit takes (dates.py)
    if kind == "date":
        keys: list[Chunk] = [last + ENTER]
    else:
        keys = ["Send the plan" + ENTER, ENTER, ENTER, last + ENTER, "n", ENTER]
    ran = run_keys(playbook, ["b" + ENTER, *keys, "a" + ENTER, ENTER])  # review: save
    assert ran.error is None, ran.screen.text()
    assert ran.record is not None and ran.record.status == "complete"


# --- the follow-up review before a run --------------------------------------------------------

# The cursor starts on "Still open"; every choice is followed by the same optional note; the
# last Enter saves the recap, before which nothing reaches the earlier record.
REVIEWS: dict[str, tuple[list[Chunk], str]] = {
    "done with a note": ([DOWN + ENTER, "Sent on Friday" + ENTER, ENTER], "done"),
    "moved past the calendar, then a week on": (
        [DOWN + DOWN + ENTER, "+3000000d" + ENTER, CTRL_U, ENTER, ENTER, ENTER],
        "open",
    ),
    "dropped with a hostile note": (
        [DOWN + DOWN + DOWN + ENTER, paste(HOSTILE), ENTER, ENTER],
        "dropped",
    ),
    "still open": ([ENTER, ENTER, ENTER], "open"),
}


@pytest.mark.parametrize("review", sorted(REVIEWS))
def test_every_answer_at_the_follow_up_review_is_saved_to_the_earlier_record(
    isolated: Path, review: str
) -> None:
    from conftest import drive

    earlier = drive("reset", notes_dir=isolated / "notes")
    keys, status = REVIEWS[review]
    for cut in range(len(keys) + 1):  # Ctrl-C after each key, and once the review is done
        request = StartRequest(
            playbook="reset",
            customer="Acme Corp",
            notes_dir=isolated / "notes",
            follow_up=earlier.session.id,
        )
        with (
            typing([*keys[:cut], CTRL_C]) as (_, screen),
            pytest.raises(ResetkitError) as stopped,
        ):
            start(request, Console(file=io.StringIO(), width=80))
        assert stopped.value.exit_code == EXIT_INTERRUPTED, screen.text()
        for sequence in ACTING:
            assert sequence not in screen.written.getvalue()
        for path in (isolated / "notes").glob("*/*/session.json"):
            Session.model_validate_json(path.read_text("utf-8"))  # every record reloads
        again = Session.model_validate_json((earlier.folder / "session.json").read_text("utf-8"))
        (item,) = again.action_items()
        if cut == len(keys):
            assert item.status == status, review
            break
        # Interrupted before the verdict was whole: the item is as it was; start afresh.
        assert item.status == "open", (review, cut)
        for folder in (isolated / "notes").glob("*/*"):
            if folder != earlier.folder:
                shutil.rmtree(folder)


# --- resume ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["list", "action_items"])
def test_items_kept_by_ctrl_c_come_back_on_resume_and_any_key_there_is_safe(
    isolated: Path, kind: str
) -> None:
    from resetkit.run.start import ResumeRequest, resume

    playbook = around(question_of(kind, required=True), isolated)
    if kind == "list":
        typed: list[Chunk] = ["one", ENTER, "two", ENTER]
        finish: list[Chunk] = [ENTER]  # the cursor is on the empty line after the items
    else:
        typed = WAYS[kind].answer[:-1]  # the item entered; Ctrl-C at the list of items
        finish = [ENTER]
    ran = run_keys(playbook, ["b" + ENTER, *typed, CTRL_C])
    assert interrupted(ran) and ran.record is not None
    assert ran.record.drafts["it"], "the items entered were not kept"
    for odd in [BACK, CTRL_B, FINISH, CTRL_S, CTRL_X_CTRL_E, Resize(20, 40), paste(WIDE)]:
        request = ResumeRequest(notes_dir=isolated / "notes")
        with typing([odd, CTRL_C]) as (_, screen):
            try:
                resume(request, Console(file=io.StringIO(), width=80))
            except ResetkitError as error:
                assert error.exit_code == EXIT_INTERRUPTED, (odd, error.message)
        record = reloaded(isolated / "notes")
        assert record is not None and ("it" in record.drafts or "it" in record.answers), odd
    with typing([*finish, "a" + ENTER, ENTER]) as (_, screen):
        resume(ResumeRequest(notes_dir=isolated / "notes"), Console(file=io.StringIO(), width=80))
    record = reloaded(isolated / "notes")
    assert record is not None and record.status == "complete", screen.text()
    if kind == "list":
        assert record.answers["it"] == ["one", "two"]
    else:
        assert [item["what"] for item in record.answers["it"]] == [ITEM["what"]]


def test_a_crash_in_a_key_handler_is_raised_to_the_cli_not_printed_over_the_prompt(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(value: Any, today: Any, bare: Any = "ahead") -> Any:
        raise RuntimeError("a bug in a check")

    monkeypatch.setattr("resetkit.question_types.checks.resolve_date", broken)
    playbook = around(question_of("date", required=True), isolated)
    with pytest.raises(RuntimeError, match="a bug in a check"):
        run_keys(playbook, ["b" + ENTER, "+14d" + ENTER, ENTER, CTRL_C])
