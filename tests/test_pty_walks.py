"""Every built-in playbook walked at 80x24 in a real terminal, two ways a person might: leaving
every optional question empty, and going back at every prompt before answering it.

The walk of test_screen.py answers to open branches; these press what it never does: Enter on
an empty field, nothing ticked, (skip), and Shift-Tab or Ctrl-B at each prompt (at the first
one, where there is nothing to go back to, too).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.run.walk import active
from screen import BACK, CTRL_B, DOWN, FINISH, Terminal, environment, flat
from test_screen import (
    BUILT_INS,
    answer_by_type,
    next_prompt,
    open_head,
    open_question,
    prompt_drawn,
    wanted_values,
)

pytestmark = pytest.mark.pty

ITEM_KEYS = {"What needs doing?": "Send the plan\r", "On the critical path?": "n"}
# What keeps a question's answer when it opens again with the answer filled in.
KEEP = {"long_text": FINISH, "list": "\r\r"}


@pytest.fixture
def terminal(isolated: Path) -> Iterator[Callable[..., Terminal]]:
    """Start resetkit in a pty read through an 80x24 VT100 screen."""
    started: list[Terminal] = []

    def begin(*args: str) -> Terminal:
        term = Terminal(list(args), isolated, environment(isolated))
        started.append(term)
        return term

    yield begin
    for term in started:
        term.close()


def no_traceback(term: Terminal) -> None:
    """Nothing crashed on the way, not even a key's handler that prompt_toolkit caught (it
    prints the traceback over the prompt and waits for Enter)."""
    for sign in (b"Unhandled exception", b"Traceback", b"internal error"):
        assert sign not in term.transcript, term.transcript[-3000:].decode("utf-8", "replace")


def saved(isolated: Path) -> dict[str, Any]:
    (path,) = sorted((isolated / "notes").glob("*/*/session.json"))
    record: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return record


def leave_empty(term: Terminal, question: Any) -> None:
    """Give an optional question nothing: Enter on empty, nothing ticked, (skip)."""
    kind = question.type
    if kind == "choice":
        values = [choice.value for choice in question.choices]
        start = values.index(question.default) if question.default in values else 0
        term.send(DOWN * (len(values) - start) + "\r")  # (skip) comes last
    else:
        term.send({"long_text": FINISH}.get(kind, "\r"))


def walk_leaving_optional_empty(term: Terminal, playbook: Any) -> set[str]:
    """Answer what is required, leave every optional question empty; the ids left empty."""
    prompts = {flat(q.prompt): q for _, q in playbook.questions()}
    left: set[str] = set()
    term.wait_until(prompt_drawn, "the first prompt")
    for _ in range(400):
        before = open_head(term)
        kind, what = open_question(term, prompts)
        if kind == "review":
            term.send("\r")  # save
            return left
        if kind in ("pass", "items"):
            term.send("\r")
        elif kind == "item":
            term.send(ITEM_KEYS.get(what, "\r"))
        elif not what.required:
            left.add(what.id)
            leave_empty(term, what)
        elif what.type == "action_items":
            term.send("\r")  # a default item list opens on its menu; else 'What' opens
        else:
            wanted = wanted_values(playbook, set()).get(what.id, [])
            answer_by_type(term, what, 0, wanted)
        next_prompt(term, before)
    raise AssertionError("the walk never reached the review")


@pytest.mark.parametrize("playbook_id", BUILT_INS)
def test_every_optional_question_of_a_built_in_left_empty(
    terminal: Callable[..., Terminal], isolated: Path, playbook_id: str
) -> None:
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    term = terminal("start", playbook_id, "--customer", "Acme")
    left = walk_leaving_optional_empty(term, playbook)
    assert term.wait_for_exit() == 0, term.text()
    no_traceback(term)
    record = saved(isolated)
    assert record["status"] == "complete"
    assert left, "no optional question was asked"
    for question_id in left:
        question = playbook.question(question_id)
        value = record["answers"].get(question_id)
        if question.type in ("yes_no", "date", "number") and question.default is not None:
            continue  # Enter takes the default shown
        if question.type == "yes_no":
            assert value is False, question_id  # Enter takes 'no', the default
        else:
            assert value is None, (question_id, value)


def walk_going_back_everywhere(term: Terminal, playbook: Any, back: str) -> None:
    """At each prompt seen for the first time, go back first; at the one it opens, keep the
    answer filled in and go forward again; then answer the prompt."""
    prompts = {flat(q.prompt): q for _, q in playbook.questions()}
    visits: dict[str, int] = {}
    returning = False  # just went back: the prompt open is one answered before
    term.wait_until(prompt_drawn, "the first prompt")
    for step in range(1200):
        before = open_head(term)
        kind, what = open_question(term, prompts)
        if kind == "review":
            term.send("\r")  # save
            return
        here = place(term, kind, what)
        seen = visits.get(here, 0)
        visits[here] = seen + 1
        if seen == 0:
            term.send(back)
            if step > 0:
                returning = True
                next_prompt(term, before)
                continue
            # At the first prompt there is nothing to go back to: it stays open.
        if returning:
            returning = False
            keep(term, kind, what)
        elif kind in ("pass", "items"):
            term.send("\r")
        elif kind == "item":
            term.send(ITEM_KEYS.get(what, "\r"))
        elif what.type == "action_items":
            term.send("\r")
        else:
            wanted = wanted_values(playbook, set()).get(what.id, [])
            answer_by_type(term, what, 0, wanted)
        next_prompt(term, before)
    raise AssertionError("the walk never reached the review")


def place(term: Terminal, kind: str, what: Any) -> str:
    """Which prompt is open, the same on every visit whatever its field holds."""
    if kind in ("question", "items"):
        return f"{kind} {what.id}"
    block = term.prompt_block()
    context = next((line for line in block[1:] if ": item " in line), "")
    return flat(f"{block[0]} {context}")


def keep(term: Terminal, kind: str, what: Any) -> None:
    """Go forward from a prompt opened again, keeping what it holds."""
    if kind == "question":
        term.send(KEEP.get(what.type, "\r"))
    else:  # a section read, the items' list, an item's field: Enter keeps it
        term.send("\r")


# Ctrl-B is the same binding as Shift-Tab: one playbook shows it goes back as well.
BACKS = [pytest.param(p, BACK, id=f"{p}-shift-tab") for p in BUILT_INS]
BACKS.append(pytest.param("risk-check", CTRL_B, id="risk-check-ctrl-b"))


@pytest.mark.parametrize(("playbook_id", "back"), BACKS)
def test_going_back_at_every_prompt_of_a_built_in_loses_nothing(
    terminal: Callable[..., Terminal], isolated: Path, playbook_id: str, back: str
) -> None:
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    term = terminal("start", playbook_id, "--customer", "Acme")
    walk_going_back_everywhere(term, playbook, back)
    assert term.wait_for_exit() == 0, term.text()
    no_traceback(term)
    record = saved(isolated)
    assert record["status"] == "complete"
    unanswered = [q.id for _, q in active(playbook, record["answers"])]
    unanswered = [q for q in unanswered if q not in record["answers"]]
    assert unanswered == [], f"asked but lost: {unanswered}"
