"""The state machine of a run: what to ask next, defaults, what no longer applies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from resetkit.dates import parse_duration
from resetkit.format.conditions import evaluate
from resetkit.format.model import AnyQuestion, ChoiceQuestion, Playbook, Recommendation, Section


def active(playbook: Playbook, answers: Mapping[str, Any]) -> Iterator[tuple[Section, AnyQuestion]]:
    """The questions that apply given these answers, in the order they are asked."""
    for section in playbook.sections:
        if not evaluate(section.when, answers):
            continue
        for question in section.questions:
            if evaluate(question.when, answers):
                yield section, question


def active_sections(playbook: Playbook, answers: Mapping[str, Any]) -> list[Section]:
    """The sections whose condition holds."""
    return [section for section in playbook.sections if evaluate(section.when, answers)]


Step = tuple[Section, AnyQuestion | None]  # a question, or a section that has none


def steps(playbook: Playbook, answers: Mapping[str, Any]) -> list[Step]:
    """Everything a run stops at, in order: each question that applies, and each section
    without questions (guidance and talking points only) whose condition holds."""
    found: list[Step] = []
    for section in playbook.sections:
        if not evaluate(section.when, answers):
            continue
        if not section.questions:
            found.append((section, None))
        found += [(section, q) for q in section.questions if evaluate(q.when, answers)]
    return found


def step_done(step: Step, answers: Mapping[str, Any], passed: list[str]) -> bool:
    """Whether a step was taken: its question answered, or its section read and passed."""
    section, question = step
    return section.id in passed if question is None else question.id in answers


def next_step(playbook: Playbook, answers: Mapping[str, Any], passed: list[str]) -> Step | None:
    """The first step not taken yet; None when the walk is done."""
    for step in steps(playbook, answers):
        if not step_done(step, answers, passed):
            return step
    return None


def prune(playbook: Playbook, answers: dict[str, Any]) -> list[str]:
    """Drop answers to questions that no longer apply; return the ids dropped."""
    dropped: list[str] = []
    while True:
        # Conditions only look back, so one pass settles each question; loop for chains.
        applying = {question.id for _, question in active(playbook, answers)}
        stale = [question_id for question_id in answers if question_id not in applying]
        if not stale:
            return dropped
        for question_id in stale:
            del answers[question_id]
        dropped += stale


def outcome(playbook: Playbook, answers: Mapping[str, Any]) -> str | None:
    """The meeting's outcome, from the question that sets it."""
    question = playbook.outcome_question
    value = answers.get(question.id) if question else None
    return value if isinstance(value, str) else None


def planned_minutes(playbook: Playbook, answers: Mapping[str, Any]) -> int:
    """The meeting's planned length: a `sets_duration` answer, else the playbook's duration."""
    for _, question in playbook.questions():
        if isinstance(question, ChoiceQuestion) and question.sets_duration:
            value = answers.get(question.id)
            if isinstance(value, str):
                return parse_duration(value)
    return playbook.minutes


def section_budget_seconds(
    playbook: Playbook, section: Section, answers: Mapping[str, Any]
) -> float:
    """The section's timebox, scaled when the meeting was planned longer or shorter."""
    scale = planned_minutes(playbook, answers) / playbook.minutes if playbook.minutes else 1.0
    return section.minutes * 60 * scale


def recommend(playbook: Playbook, answers: Mapping[str, Any]) -> Recommendation | None:
    """The first recommendation rule that holds, if the playbook has any."""
    for rule in playbook.recommendations:
        if evaluate(rule.when, answers):
            return rule
    return None
