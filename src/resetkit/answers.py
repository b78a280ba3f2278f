"""Answers files: reading them safely, checking them against a playbook, and their template."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from resetkit.conditions import describe
from resetkit.errors import AnswersInvalid, Problem, UsageError
from resetkit.loader import MAX_FILE_BYTES, Located, read_text, read_yaml
from resetkit.model import (
    ActionItemsQuestion,
    AnyQuestion,
    ChoiceQuestion,
    MultiChoiceQuestion,
    Playbook,
    did_you_mean,
)
from resetkit.render import TYPE_NAMES
from resetkit.session import Attendee
from resetkit.walk import AnswerError, active, check_answer, default_answer

SHEET_KEYS = ["customer", "attendees", "answers"]


@dataclass
class AnswerSheet:
    """What an answers file gives: maybe the customer and attendees, and checked answers."""

    customer: str | None = None
    attendees: list[Attendee] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)


def read_answers(source: str) -> Located:
    """An answers file (YAML or JSON) by path, or standard input for '-'."""
    if source == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
        if len(text) > MAX_FILE_BYTES:
            raise UsageError(f"answers on stdin exceed {MAX_FILE_BYTES:,} bytes")
        return read_yaml(text, "<stdin>")
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"{source}: no such answers file")
    return read_yaml(read_text(path), source)


def check_sheet(
    located: Located, playbook: Playbook, today: date, *, complete: bool
) -> AnswerSheet:
    """The checked answers; AnswersInvalid listing every problem by question id.

    With `complete`, every question that applies must be settled: required ones answered,
    optional ones skipped when missing.
    """
    problems: list[Problem] = []
    data = located.data
    if not isinstance(data, dict):
        raise AnswersInvalid([located.problem((), "expected a mapping with 'answers:' in it")])
    for key in data:
        if key not in SHEET_KEYS:
            hint = did_you_mean(key, SHEET_KEYS) or f" (keys: {', '.join(SHEET_KEYS)})"
            problems.append(located.problem((key,), f"unknown key '{key}'{hint}"))
    sheet = AnswerSheet()
    customer = data.get("customer")
    if customer is not None and not isinstance(customer, str):
        problems.append(located.problem(("customer",), "customer must be a name, as text"))
    elif isinstance(customer, str) and customer.strip():
        sheet.customer = customer.strip()
    sheet.attendees = _attendees(located, data.get("attendees"), problems)
    raw = data.get("answers", {})
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(located.problem(("answers",), "answers must map question ids to answers"))
        raw = {}
    ids = [question.id for _, question in playbook.questions()]
    for question_id, value in raw.items():
        where = ("answers", question_id)
        if question_id not in ids:
            problems.append(
                located.problem(
                    where,
                    f"'{question_id}': no such question in playbook '{playbook.id}'"
                    f"{did_you_mean(question_id, ids)}",
                )
            )
        elif value is None:
            continue  # null is no answer yet: asked, or settled below under --no-input
        else:
            try:
                question = playbook.question(question_id)
                sheet.answers[question_id] = check_answer(question, value, today)
            except AnswerError as error:
                problems.append(located.problem(where, str(error)))
    applying = {question.id for _, question in active(playbook, sheet.answers)}
    for question_id in list(sheet.answers):
        if question_id not in applying:
            question = playbook.question(question_id)
            condition = f" (only if {describe(question.when)})" if question.when else ""
            problems.append(
                located.problem(
                    ("answers", question_id),
                    f"'{question_id}' does not apply given the other answers{condition}",
                )
            )
    if complete and not problems:
        for _, question in active(playbook, sheet.answers):
            if question.id in sheet.answers:
                continue
            fallback = default_answer(question, today)
            if fallback is not None:
                sheet.answers[question.id] = fallback  # as if Enter was pressed at the prompt
            elif question.required:
                problems.append(
                    located.problem(("answers",), f"'{question.id}' is required and has no answer")
                )
            else:
                sheet.answers[question.id] = None
    if problems:
        raise AnswersInvalid(problems, hint="fix the answers file; nothing was written")
    return sheet


def _attendees(located: Located, value: Any, problems: list[Problem]) -> list[Attendee]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(located.problem(("attendees",), 'attendees must be a list of "Name:Role"'))
        return []
    attendees = []
    for index, item in enumerate(value):
        try:
            if isinstance(item, str):
                attendees.append(Attendee.parse(item))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                attendees.append(Attendee(name=item["name"], role=str(item.get("role") or "")))
            else:
                raise UsageError('an attendee is "Name:Role" or {name, role}')
        except (UsageError, ValueError) as error:
            problems.append(located.problem(("attendees", index), str(error).split(" (")[0]))
    return attendees


def missing(playbook: Playbook, answers: dict[str, Any]) -> list[AnyQuestion]:
    """Questions that apply and have no answer yet."""
    return [question for _, question in active(playbook, answers) if question.id not in answers]


def _choices_comment(question: AnyQuestion) -> str:
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        return " | ".join(
            choice.value if not choice.label else f"{choice.value} = {choice.label}"
            for choice in question.choices
        )
    if isinstance(question, ActionItemsQuestion):
        return "items of: what, owner (us|customer|both), owner_name, due, critical_path"
    return ""


def template(playbook: Playbook) -> str:
    """A commented answers file for the playbook, defaults filled in, ready to edit."""
    lines = [
        f"# Answers for the '{playbook.id}' playbook ({playbook.title}), version "
        f"{playbook.version}.",
        f"# Run: resetkit start {playbook.id} --answers THIS_FILE --no-input",
        "# null means no answer: asked when you run without --no-input, skipped with it.",
        "# A question whose 'only if' does not hold must stay null or be removed.",
        'customer: ""            # the customer, as written (or pass --customer)',
        'attendees: []           # entries like "Dana Smith:CTO"',
        "answers:",
    ]
    for section in playbook.sections:
        lines.append(f"  # --- {section.title}")
        if section.when is not None:
            lines.append(f"  #     (section only if {describe(section.when)})")
        for question in section.questions:
            flags = [TYPE_NAMES[question.type]]
            if question.required:
                flags.append("required")
            lines.append(f"  # {question.prompt}  [{', '.join(flags)}]")
            choices = _choices_comment(question)
            if choices:
                lines.append(f"  #   {choices}")
            value = _template_value(question)
            if question.when is not None or section.when is not None:
                # Filled in, a branch that does not apply would be refused: leave it null.
                if question.when is not None:
                    lines.append(f"  #   only if {describe(question.when)}")
                if value is not None:
                    lines.append(f"  #   default: {_flow(value)}")
                value = None
            lines.append(f"  {question.id}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _template_value(question: AnyQuestion) -> Any:
    """The default as the playbook writes it (relative dates stay relative)."""
    if isinstance(question, ActionItemsQuestion):
        return [spec.model_dump(mode="json") for spec in question.default or []] or None
    default = question.default
    return default.isoformat() if isinstance(default, date) else default


def _flow(value: Any) -> str:
    """A value as one line of YAML."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1 << 20).strip()
    return text.removesuffix("\n...").strip()
