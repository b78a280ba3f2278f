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
    CTRL_C,
    ENTER,
    Chunk,
    Keyboard,
    Screen,
    typing,
)
from resetkit.errors import EXIT_INTERRUPTED, ResetkitError
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
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
    assert "(skipped)" in ran.written


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
