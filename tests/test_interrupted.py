"""An interrupted run loses nothing entered before the interruption, list items included.

A hypothesis property over random playbooks and answers: the run is interrupted at a random
prompt (or part-way through the items of a list or action-items answer), resumed from the
record on disk, finished, and the final record holds every answer and every item entered.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from resetkit.format.loader import load_file
from resetkit.question_types import Asking
from resetkit.record.store import begin, load
from resetkit.run.live import Run, SessionInterrupted
from resetkit.run.prompts import ScriptedPrompter
from resetkit.run.terminal import Interrupted

TYPES = ["text", "long_text", "yes_no", "choice", "number", "list", "action_items"]
STARTED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@st.composite
def playbooks(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """A valid playbook's YAML and its questions (id, type, condition on an earlier choice)."""
    sections = draw(st.integers(1, 3))
    questions: list[dict[str, Any]] = []
    lines = ["id: random", "title: Random", f"duration: {5 * sections}m", "sections:"]
    for number in range(sections):
        lines += [f"  - id: s{number}", f"    title: Part {number}", "    timebox: 5m"]
        lines.append("    questions:")
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(TYPES))
            question = {"id": f"q{len(questions)}", "type": kind, "when": None}
            lines += [f"      - id: {question['id']}", f"        type: {kind}"]
            lines.append(f"        prompt: Question {len(questions)}?")
            if kind == "choice":
                lines.append("        choices: [red, green, blue]")
            earlier = [q for q in questions if q["type"] == "choice"]
            if earlier and draw(st.booleans()):
                source = draw(st.sampled_from(earlier))
                value = draw(st.sampled_from(["red", "green", "blue"]))
                question["when"] = (source["id"], value)
                lines.append(f"        when: {{question: {source['id']}, equals: {value}}}")
            questions.append(question)
    return "\n".join(lines) + "\n", questions


def answer_for(kind: str, draw: st.DrawFn, marker: str) -> Any:
    if kind in ("text", "long_text"):
        return f"{marker} typed"
    if kind == "yes_no":
        return draw(st.booleans())
    if kind == "choice":
        return draw(st.sampled_from(["red", "green", "blue"]))
    if kind == "number":
        return draw(st.integers(0, 1000))
    count = draw(st.integers(1, 3))
    if kind == "list":
        return [f"{marker} item {n}" for n in range(count)]
    return [
        {"what": f"{marker} action {n}", "owner": "us", "due": "2026-12-01"} for n in range(count)
    ]


class Person(ScriptedPrompter):
    """Answers as a person would, item by item in a list (each kept as it is entered), and
    presses Ctrl-C at prompt number `stop` (after `items` items when it is a list)."""

    def __init__(self, answers: dict[str, Any], stop: int | None, items: int) -> None:
        super().__init__(answers, ["save"])
        self.stop, self.items = stop, items
        self.asked: list[tuple[str, Any]] = []
        self.entered_when_stopped: list[Any] = []  # items of a list entered before Ctrl-C

    def ask(self, question: Any, current: Any, today: Any, asking: Asking | None = None) -> Any:
        self.asked.append((question.id, current))
        prompt_number = len(self.asked) - 1
        wanted = self.answers[question.id]
        if isinstance(wanted, list) and asking is not None and asking.keep is not None:
            entered = list(current or [])
            for item in wanted[len(entered) :]:
                if prompt_number == self.stop and len(entered) >= self.items:
                    self.entered_when_stopped = entered
                    raise Interrupted()
                entered.append(item)
                asking.keep(list(entered))
        if prompt_number == self.stop:
            self.entered_when_stopped = list(wanted) if isinstance(wanted, list) else []
            raise Interrupted()
        return super().ask(question, current, today, asking)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_interrupted_run_keeps_every_answer_and_item_entered(
    data: st.DataObject, tmp_path_factory: Any
) -> None:
    text, questions = data.draw(playbooks())
    folder_root = tmp_path_factory.mktemp("run")
    path = folder_root / "random.yaml"
    path.write_text(text, "utf-8")
    playbook = load_file(path)
    answers = {q["id"]: answer_for(q["type"], data.draw, q["id"]) for q in questions}
    stop = data.draw(st.integers(0, len(questions) - 1))
    items = data.draw(st.integers(0, 3))
    session, folder = begin(playbook, path, text, "Acme", [], folder_root / "notes", STARTED)
    screen = Console(file=io.StringIO(), width=80)

    first = Person(answers, stop, items)
    try:
        Run(playbook, session, folder, first, screen).walk()
        interrupted = False
    except SessionInterrupted:
        interrupted = True
    saved = load(folder)
    entered = dict(saved.answers)
    drafted = dict(saved.drafts)
    if interrupted:
        (stopped_at, _) = first.asked[-1]
        assert stopped_at not in entered
        typed = [_text(item) for item in first.entered_when_stopped]
        assert [_text(item) for item in drafted.get(stopped_at, [])] == typed
        for question_id, _ in first.asked[:-1]:
            assert entered.get(question_id) is not None or answers[question_id] in ([], None)

    second = Person(answers, None, 0)
    run = Run(playbook, saved, folder, second, screen)
    run.walk()
    run.finish(run.review())
    final = load(folder)

    asked_again = {question_id for question_id, _ in second.asked}
    assert not asked_again & set(entered), "a question answered before was asked again"
    for question_id, items_so_far in drafted.items():
        offered = dict(second.asked)[question_id]
        assert offered == items_so_far, "the items kept were not offered again on resume"
    for question_id, value in entered.items():
        assert final.answers[question_id] == value
    for question_id, items_so_far in drafted.items():
        kept = [_text(item) for item in final.answers[question_id]]
        assert [_text(item) for item in items_so_far] == kept[: len(items_so_far)]
    assert final.drafts == {}
    assert final.status == "complete"


def _text(item: Any) -> str:
    return str(item["what"]) if isinstance(item, dict) else str(item)


def test_a_section_without_questions_is_shown_and_timed(tmp_path: Path) -> None:
    text = (
        "id: decide\ntitle: Decide\nduration: 10m\nsections:\n"
        "  - id: ask\n    title: Ask\n    timebox: 5m\n    questions:\n"
        "      - {id: first, type: text, prompt: First?}\n"
        "  - id: confirm\n    title: Confirm the decision\n    timebox: 2m\n"
        "    guidance: The decision is final; say so.\n"
        "  - id: close\n    title: Close\n    timebox: 3m\n    questions:\n"
        "      - {id: last, type: text, prompt: Last?}\n"
    )
    path = tmp_path / "decide.yaml"
    path.write_text(text, "utf-8")
    playbook = load_file(path)
    session, folder = begin(playbook, path, text, "Acme", [], tmp_path / "notes", STARTED)
    screen = io.StringIO()
    ticks = iter(range(0, 10_000, 30))
    run = Run(
        playbook,
        session,
        folder,
        ScriptedPrompter({"first": "a", "last": "b"}, ["save"]),
        Console(file=screen, width=80),
        clock=lambda: float(next(ticks)),
    )
    run.walk()
    run.finish(run.review())
    shown = screen.getvalue()
    assert "2/3 Confirm the decision" in shown and "The decision is final; say so." in shown
    assert "3/3 Close" in shown
    assert load(folder).passed == ["confirm"]
    assert load(folder).section_seconds["confirm"] > 0
