"""Random playbooks, random keys: whatever a person presses, in any order, at any prompt.

Hypothesis makes small playbooks (every question type, required or optional, conditions on
earlier answers, sections with no questions) and sequences of keys drawn from every class a
person can give: answers, Enter on empty, ticks, back, the editor, Esc Enter and Ctrl-S, Ctrl-C,
resizes, long, wide and hostile pastes. Each sequence runs as `resetkit start` does, through the
real prompts (tests/keyboard.py). Whatever happens, the run ends saved or interrupted, never
with another error; every answer a prompt accepted (and showed as stored) is in the record
unless a later answer made its question no longer apply; and the record reloads.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
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
    Resize,
    paste,
    typing,
)
from resetkit.errors import ResetkitError
from resetkit.format.loader import load_file
from resetkit.question_types import KINDS
from resetkit.record.session import Session
from resetkit.run.prompts import TerminalPrompter
from resetkit.run.walk import prune

CHOICES = [{"value": "legal"}, {"value": "finance"}, {"value": "support"}]
# Conditions can test these answers for a value; any type can be tested for 'answered'.
VALUES = {"yes_no": [True, False], "choice": ["legal", "finance", "support"]}
HOSTILE = "x\x1b]0;pwned\x07\x1b[2J\x9b31m"
ACTING = ["\x1b]0;pwned", "\x1b[2J", "\x9b31m"]


@st.composite
def playbooks(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid playbook: 1 to 3 sections of 0 to 3 questions of any type."""
    asked: list[dict[str, Any]] = []
    sections = []
    for number in range(draw(st.integers(1, 3))):
        earlier = list(asked)  # what a condition on the section may use
        questions = []
        for _ in range(draw(st.integers(0 if number else 1, 3))):
            kind = draw(st.sampled_from(sorted(KINDS)))
            question: dict[str, Any] = {
                "id": f"q{len(asked) + 1}",
                "type": kind,
                "prompt": f"Question {len(asked) + 1}, a {kind}",
                "required": draw(st.booleans()),
            }
            if kind in ("choice", "multi_choice"):
                question["choices"] = CHOICES
            if asked and draw(st.integers(0, 3)) == 0:
                question["when"] = draw(conditions(asked))
            questions.append(question)
            asked.append(question)
        section: dict[str, Any] = {
            "id": f"s{number + 1}",
            "title": f"Section {number + 1}",
            "timebox": "5m",
            "guidance": "Read this out.",
            "questions": questions,
        }
        if earlier and draw(st.integers(0, 4)) == 0:
            section["when"] = draw(conditions(earlier))
        sections.append(section)
    minutes = f"{5 * len([s for s in sections if 'when' not in s])}m"  # what always runs
    return {"id": "random", "title": "Random", "duration": minutes, "sections": sections}


def conditions(asked: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A condition on an earlier question: a value it may take, or whether it was answered."""
    options: list[st.SearchStrategy[dict[str, Any]]] = [
        st.sampled_from(asked).map(lambda q: {"question": q["id"], "answered": True})
    ]
    valued = [q for q in asked if q["type"] in VALUES]
    if valued:
        options.append(
            st.sampled_from(valued).flatmap(
                lambda q: st.sampled_from(VALUES[q["type"]]).map(
                    lambda value: {"question": q["id"], "equals": value}
                )
            )
        )
    compare = st.one_of(options)
    return st.one_of(compare, compare.map(lambda c: {"not": c}))


# Every class of input, as chunks of keys (a chunk goes in once the prompt took the last).
# Whole answers of each type come as one chunk, so that runs get past their first questions.
ANSWERS: list[Chunk] = [
    "Reports were late" + ENTER,  # text; an action item's what
    "First line" + ENTER + "second" + FINISH,  # long text
    "y",
    "n",
    DOWN + ENTER,  # a choice
    SPACE + DOWN + SPACE + ENTER,  # two ticked
    "42" + ENTER,
    "+14d" + ENTER,
    "2026-12-01" + ENTER,
    "one" + ENTER + "two" + ENTER + ENTER,  # a list
]
KEYS: list[Chunk] = [
    *ANSWERS,
    ENTER,
    ENTER,
    ENTER,
    SPACE,
    DOWN,
    UP,
    "j",
    FINISH,
    CTRL_S,
    BACK,
    CTRL_B,
    "Reports were late",
    "42",
    "+3000000d" + ENTER,  # past the calendar's end
    "9999-12-31" + ENTER,
    "1e309" + ENTER,  # infinity, to float()
    "-0" + ENTER,
    ":e" + ENTER,
    CTRL_X_CTRL_E,
    "\x7f",
    CTRL_U,
    paste("報告 📈 café"),
    paste(HOSTILE),
    paste("line one\nline two"),
    paste("w" * 2_000),
    Resize(20, 40),
    Resize(24, 80),
    CTRL_C,  # ends the run: nothing after it is read
]
sequences = st.lists(st.sampled_from(KEYS), min_size=3, max_size=40).map(
    lambda keys: keys[: keys.index(CTRL_C) + 1] if CTRL_C in keys else keys
)


@settings(
    max_examples=int(os.environ.get("RESETKIT_TEST_SEQUENCES", "50")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(playbook=playbooks(), keys=sequences)
def test_any_keys_at_any_prompt_end_saved_or_interrupted_and_keep_every_answer(
    isolated: Path, playbook: dict[str, Any], keys: list[Chunk]
) -> None:
    folder = Path(tempfile.mkdtemp(dir=isolated))
    path = folder / "random.yaml"
    path.write_text(yaml.safe_dump(playbook, sort_keys=False, allow_unicode=True), "utf-8")
    editor = folder / "editor"
    editor.write_text("#!/bin/sh\nprintf 'From the editor\\n' >> \"$1\"\n", "utf-8")
    editor.chmod(0o755)
    accepted: dict[str, Any] = {}
    asking = TerminalPrompter.ask

    def ask(self: TerminalPrompter, question: Any, *args: Any, **kwargs: Any) -> Any:
        value = asking(self, question, *args, **kwargs)
        accepted[question.id] = value  # the prompt now shows it as stored
        return value

    printed = io.StringIO()
    with (
        mock.patch.object(TerminalPrompter, "ask", ask),
        mock.patch.dict("os.environ", {"EDITOR": str(editor)}),
        typing(keys) as (_, screen),
    ):
        from resetkit.run.start import StartRequest, start

        request = StartRequest(playbook=str(path), customer="Acme", notes_dir=folder / "notes")
        try:
            start(request, Console(file=printed, width=80, color_system=None))
            event("saved or discarded at the review")
        except ResetkitError as error:
            assert error.exit_code == 130, error.message  # only an interruption, saved
            event("interrupted")
    (record_path,) = (folder / "notes").glob("*/*/session.json")
    record = Session.model_validate_json(record_path.read_text("utf-8"))
    assert Session.model_validate_json(record.model_dump_json()) == record
    still = dict(accepted)
    prune(load_file(path), still)
    assert record.answers == json.loads(json.dumps(still)), "an answer shown as stored is lost"
    event(f"answers accepted: {min(len(accepted), 3)}{'+' if len(accepted) >= 3 else ''}")
    for sequence in ACTING:
        assert sequence not in screen.written.getvalue()
        assert sequence not in printed.getvalue()
