"""Faults of every kind put together in one playbook: validate reports each of them in one run,
at its own file:line:col, whatever else is wrong in the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resetkit.errors import PlaybookInvalid
from resetkit.format.loader import parse_playbook


@dataclass(frozen=True)
class Fault:
    """A question written wrong in one way, and the one problem it must be reported as."""

    lines: tuple[str, ...]  # the question, indented as an item of `questions:`, '{id}' for its id
    line: int  # which of its lines the problem is at
    marker: str  # the problem's column is where this text starts on that line
    message: str
    shape: bool  # a problem of the shape (else: a cross-check of the playbook against itself)


FAULTS = {
    "unknown type": Fault(
        ("- id: {id}", "  type: txt", "  prompt: P"),
        0,
        "id:",
        "question '{id}': unknown question type 'txt' (did you mean 'text'?)",
        shape=True,
    ),
    "no type": Fault(
        ("- id: {id}", "  prompt: P"),
        0,
        "id:",
        "question '{id}': question needs a 'type': one of text, long_text, yes_no, choice, "
        "multi_choice, number, date, list, action_items",
        shape=True,
    ),
    "missing prompt": Fault(
        ("- id: {id}", "  type: text"),
        0,
        "id:",
        "question '{id}': missing required key 'prompt'",
        shape=True,
    ),
    "empty choices": Fault(
        ("- id: {id}", "  type: choice", "  prompt: P", "  choices: []"),
        3,
        "[]",
        "question '{id}': 'choices' must not be empty",
        shape=True,
    ),
    "choices not a list": Fault(
        ("- id: {id}", "  type: choice", "  prompt: P", "  choices: red"),
        3,
        "red",
        "question '{id}': expected a list, found 'red'",
        shape=True,
    ),
    "key typo": Fault(
        ("- id: {id}", "  type: text", "  prompt: P", "  requird: true"),
        3,
        "requird",
        "question '{id}': unknown key 'requird' in a text question (did you mean 'required'?)",
        shape=True,
    ),
    "condition with no test": Fault(
        ("- id: {id}", "  type: text", "  prompt: P", "  when: {all: [{question: base}]}"),
        3,
        "{question",
        "question '{id}': a condition on 'base' needs exactly one of 'equals', 'one_of' or "
        "'answered' (found 0)",
        shape=True,
    ),
    "not a question": Fault(
        ("- just words",),
        0,
        "just",
        "section 'main': expected a mapping of keys to values, found 'just words'",
        shape=True,
    ),
    "id used twice": Fault(
        ("- id: base", "  type: text", "  prompt: P"),
        0,
        "base",
        "question 'base': id 'base' is already used by an earlier question",
        shape=False,
    ),
    "condition on no question": Fault(
        ("- id: {id}", "  type: text", "  prompt: P", "  when: {question: nowhere, answered: yes}"),
        3,
        "nowhere",
        "question '{id}': condition uses 'nowhere', which is no question in this playbook",
        shape=False,
    ),
    "choice not offered": Fault(
        ("- id: {id}", "  type: text", "  prompt: P", "  when: {question: colour, equals: blue}"),
        3,
        "blue",
        "question '{id}': 'colour' never answers 'blue' (choices: red, green)",
        shape=False,
    ),
}

HEAD = """\
id: combined
title: Faults together
duration: 10m
sections:
  - id: main
    title: Main
    timebox: 10m
    questions:
      - id: base
        type: text
        prompt: Base?
      - id: colour
        type: choice
        prompt: Colour?
        choices: [red, green]
"""
INDENT = " " * 6


def _playbook(faults: list[str]) -> tuple[str, list[str]]:
    """The playbook with these faults in this order, and each problem as 'line:col: message'."""
    lines = HEAD.splitlines()
    expected = []
    for number, name in enumerate(faults, 1):
        fault = FAULTS[name]
        written = [INDENT + line.replace("{id}", f"q{number}") for line in fault.lines]
        at = written[fault.line]
        line = len(lines) + fault.line + 1
        expected.append(
            f"{line}:{at.index(fault.marker) + 1}: {fault.message.replace('{id}', f'q{number}')}"
        )
        lines += written
    return "\n".join(lines) + "\n", expected


def _reported(text: str) -> list[str]:
    try:
        parse_playbook(text, "combined.yaml")
    except PlaybookInvalid as invalid:
        return [f"{p.line}:{p.column}: {p.message}" for p in invalid.problems]
    return []


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(FAULTS)), min_size=1, max_size=6))
def test_every_fault_of_a_playbook_is_reported_in_one_run(faults: list[str]) -> None:
    text, expected = _playbook(faults)
    assert sorted(_reported(text)) == sorted(expected)


def test_each_pair_of_a_shape_fault_and_a_cross_check_is_reported_together() -> None:
    shapes = [name for name, fault in FAULTS.items() if fault.shape]
    checks = [name for name, fault in FAULTS.items() if not fault.shape]
    for shape in shapes:
        for check in checks:
            for pair in ([shape, check], [check, shape]):
                text, expected = _playbook(pair)
                assert sorted(_reported(text)) == sorted(expected), pair


def test_validate_prints_shape_and_cross_check_problems_of_one_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text, expected = _playbook(["unknown type", "id used twice", "choice not offered"])
    path = tmp_path / "combined.yaml"
    path.write_text(text, "utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{path}:{problem}" for problem in expected]
    assert "Traceback" not in result.output


def test_a_shared_part_reports_its_shape_and_duplicate_ids_together(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    common = tmp_path / "playbooks" / "common"
    common.mkdir(parents=True)
    part = common / "opening.yaml"
    part.write_text(
        "sections:\n"
        "  - id: opening\n"
        "    title: Opening\n"
        "    timebox: 5m\n"
        "    questions:\n"
        "      - {id: mood, type: txt, prompt: Mood?}\n"
        "      - {id: how, type: text, prompt: How?}\n"
        "      - {id: how, type: text, prompt: Again?}\n",
        "utf-8",
    )
    result = run("validate", str(part))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{part}:6:9: question 'mood': unknown question type 'txt' (did you mean 'text'?)",
        f"{part}:8:14: question 'how': id 'how' is already used by an earlier question",
    ]


def test_a_condition_on_a_question_that_cannot_be_read_is_not_reported_as_dangling() -> None:
    text, expected = _playbook(["unknown type"])
    text += f"{INDENT}- id: later\n{INDENT}  type: text\n{INDENT}  prompt: P\n"
    text += f"{INDENT}  when: {{question: q1, answered: true}}\n"
    assert _reported(text) == expected
