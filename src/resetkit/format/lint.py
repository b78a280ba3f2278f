"""The lint of a playbook against itself: ids, conditions, outcomes, recaps and timeboxes that
contradict each other, each reported at its YAML path (the loader turns it into file:line:col).
"""

from __future__ import annotations

from resetkit.dates import format_minutes
from resetkit.errors import did_you_mean
from resetkit.format.conditions import condition_questions, problems_in_condition
from resetkit.format.model import (
    AnyQuestion,
    ChoiceQuestion,
    DateQuestion,
    ListQuestion,
    Playbook,
    Recap,
    Section,
    YamlPath,
)
from resetkit.question_types import KINDS


def problems_in_playbook(playbook: Playbook) -> list[tuple[YamlPath, str]]:
    """Every way the playbook contradicts itself, each with the YAML path it is found at."""
    found: list[tuple[YamlPath, str]] = []
    seen_sections: set[str] = set()
    seen_questions: dict[str, YamlPath] = {}
    earlier: dict[str, AnyQuestion] = {}
    everywhere = {question.id: question for _, question in playbook.questions()}
    outcome_ids = [outcome.id for outcome in playbook.outcomes]

    for index, outcome in enumerate(playbook.outcomes):
        if outcome.id in outcome_ids[:index]:
            found.append((("outcomes", index, "id"), f"outcome '{outcome.id}' is declared twice"))

    outcome_setters: list[YamlPath] = []
    for s_index, section in enumerate(playbook.sections):
        s_path: YamlPath = ("sections", s_index)
        found += _section_head(section, s_path, seen_sections)
        if section.when is not None:
            found += problems_in_condition(section.when, (*s_path, "when"), earlier, everywhere)
        for q_index, question in enumerate(section.questions):
            q_path: YamlPath = (*s_path, "questions", q_index)
            if question.id in seen_questions:
                found.append(
                    ((*q_path, "id"), f"id '{question.id}' is already used by an earlier question")
                )
            if question.when is not None:
                found += problems_in_condition(
                    question.when, (*q_path, "when"), earlier, everywhere
                )
            found += KINDS[question.type].problems_in_fields(question, q_path)
            if isinstance(question, ChoiceQuestion) and question.sets_outcome:
                outcome_setters.append(q_path)
                found += _check_outcome_choices(question, q_path, outcome_ids)
            seen_questions.setdefault(question.id, q_path)
            earlier.setdefault(question.id, question)

    for index, rule in enumerate(playbook.recommendations):
        if rule.when is not None:
            found += problems_in_condition(
                rule.when, ("recommendations", index, "when"), earlier, everywhere
            )

    found += _one_of_each(playbook, outcome_setters)
    found += _check_timeboxes(playbook)
    if playbook.recap is not None:
        found += _check_recap(playbook.recap, earlier, everywhere)
    return found


def _one_of_each(playbook: Playbook, outcome_setters: list[YamlPath]) -> list[tuple[YamlPath, str]]:
    """What a playbook may have once: a follow-up date, an attendees list, an outcome question
    (which it needs when it declares outcomes)."""
    found: list[tuple[YamlPath, str]] = []
    for flag, kind, noun in (
        ("follow_up", DateQuestion, "date"),
        ("sets_attendees", ListQuestion, "list"),
    ):
        flagged = [
            ("sections", s, "questions", q, flag)
            for s, section in enumerate(playbook.sections)
            for q, question in enumerate(section.questions)
            if isinstance(question, kind) and getattr(question, flag)
        ]
        if len(flagged) > 1:
            found.append((flagged[1], f"only one {noun} question may set '{flag}'"))
    if len(outcome_setters) > 1:
        found.append(
            ((*outcome_setters[1], "sets_outcome"), "only one question may set the outcome")
        )
    if playbook.outcomes and not outcome_setters:
        found.append(
            (("outcomes",), "outcomes are declared but no choice question has 'sets_outcome: true'")
        )
    return found


def problems_in_shared_part(sections: list[Section]) -> list[tuple[YamlPath, str]]:
    """What can be checked of sections meant for other playbooks: ids, empty sections and each
    question's own fields. Conditions and timeboxes are checked in the playbooks that take them."""
    found: list[tuple[YamlPath, str]] = []
    seen_sections: set[str] = set()
    seen_questions: set[str] = set()
    for s_index, section in enumerate(sections):
        s_path: YamlPath = ("sections", s_index)
        found += _section_head(section, s_path, seen_sections)
        for q_index, question in enumerate(section.questions):
            q_path: YamlPath = (*s_path, "questions", q_index)
            if question.id in seen_questions:
                found.append(
                    ((*q_path, "id"), f"id '{question.id}' is already used by an earlier question")
                )
            seen_questions.add(question.id)
            found += KINDS[question.type].problems_in_fields(question, q_path)
    return found


def _section_head(
    section: Section, s_path: YamlPath, seen_sections: set[str]
) -> list[tuple[YamlPath, str]]:
    """A section's id not used before (remembered in `seen_sections`), and something in it."""
    found: list[tuple[YamlPath, str]] = []
    if section.id in seen_sections:
        found.append(((*s_path, "id"), f"id '{section.id}' is already used by an earlier section"))
    seen_sections.add(section.id)
    if not (section.questions or section.guidance.strip() or section.talking_points):
        found.append((s_path, "section is empty: give it guidance, talking points or questions"))
    return found


def _check_recap(
    recap: Recap, earlier: dict[str, AnyQuestion], everywhere: dict[str, AnyQuestion]
) -> list[tuple[YamlPath, str]]:
    """A recap may name only questions that exist and are not internal, in items and `when`."""
    from resetkit.format.conditions import problems_in_condition

    found: list[tuple[YamlPath, str]] = []
    for p_index, part in enumerate(recap.parts):
        p_path: YamlPath = ("recap", "parts", p_index)
        if not (part.items or part.text.strip()):
            found.append((p_path, "part is empty: give it text or items"))
        if part.when is not None:
            found += problems_in_condition(part.when, (*p_path, "when"), earlier, everywhere)
            for where, question_id in condition_questions(part.when, (*p_path, "when")):
                question = everywhere.get(question_id)
                if question is not None and question.internal:
                    found.append(
                        (
                            where,
                            f"condition uses '{question_id}', which is internal: nothing in a "
                            "recap may depend on an internal answer",
                        )
                    )
        for i_index, item in enumerate(part.items):
            where = (*p_path, "items", i_index, "answer")
            question = everywhere.get(item.answer)
            if question is None:
                found.append(
                    (
                        where,
                        f"item names '{item.answer}', which is no question in this playbook"
                        f"{did_you_mean(item.answer, list(everywhere))}",
                    )
                )
            elif question.internal:
                found.append(
                    (
                        where,
                        f"item names '{item.answer}', which is internal: an internal answer "
                        "never goes to the customer",
                    )
                )
    return found


def _check_outcome_choices(
    question: ChoiceQuestion, path: YamlPath, outcome_ids: list[str]
) -> list[tuple[YamlPath, str]]:
    if not outcome_ids:
        return [((*path, "sets_outcome"), "'sets_outcome' needs the playbook to declare outcomes")]
    found: list[tuple[YamlPath, str]] = []
    values = [choice.value for choice in question.choices]
    for index, value in enumerate(values):
        if value not in outcome_ids:
            found.append(
                (
                    (*path, "choices", index),
                    f"choice '{value}' is not a declared outcome{did_you_mean(value, outcome_ids)}",
                )
            )
    missing = [outcome for outcome in outcome_ids if outcome not in values]
    if missing:
        found.append(((*path, "choices"), "outcome question does not offer: " + ", ".join(missing)))
    return found


def _check_timeboxes(playbook: Playbook) -> list[tuple[YamlPath, str]]:
    # Sections with a `when` are extra time on top of the plan, so only the others must add up.
    planned = sum(section.minutes for section in playbook.sections if section.when is None)
    if planned != playbook.minutes:
        return [
            (
                ("duration",),
                f"sections' timeboxes add up to {format_minutes(planned)} but duration is "
                f"{playbook.duration}: make them agree",
            )
        ]
    return []
