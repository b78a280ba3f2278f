"""Evaluating `when` against answers, and the static check that every `when` can be evaluated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resetkit.errors import did_you_mean
from resetkit.format.model import (
    AllOf,
    AnyOf,
    AnyQuestion,
    Compare,
    Condition,
    NotOf,
    Scalar,
    YamlPath,
)
from resetkit.question_types import KINDS


def is_answered(value: Any) -> bool:
    """Whether an answer holds something: a skipped question or an empty list does not."""
    return value is not None and value != "" and value != []


def evaluate(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Whether the condition holds for these answers; no condition always holds."""
    if condition is None:
        return True
    if isinstance(condition, AllOf):
        return all(evaluate(part, answers) for part in condition.all_)
    if isinstance(condition, AnyOf):
        return any(evaluate(part, answers) for part in condition.any_)
    if isinstance(condition, NotOf):
        return not evaluate(condition.not_, answers)
    value = answers.get(condition.question)
    if condition.answered is not None:
        return is_answered(value) == condition.answered
    wanted = [condition.equals] if condition.one_of is None else condition.one_of
    given = value if isinstance(value, list) else [value]
    return any(_same(have, want) for have in given for want in wanted)


def condition_questions(condition: Condition, path: YamlPath) -> list[tuple[YamlPath, str]]:
    """Every question id a condition reads, each with the YAML path of its `question` key."""
    if isinstance(condition, AllOf):
        parts, key = condition.all_, "all"
    elif isinstance(condition, AnyOf):
        parts, key = condition.any_, "any"
    elif isinstance(condition, NotOf):
        return condition_questions(condition.not_, (*path, "not"))
    else:
        return [((*path, "question"), condition.question)]
    found: list[tuple[YamlPath, str]] = []
    for index, part in enumerate(parts):
        found += condition_questions(part, (*path, key, index))
    return found


def _same(have: Any, want: Scalar | None) -> bool:
    # True == 1 in Python; an answer "yes" must not match a number 1, so types must agree.
    if isinstance(have, bool) or isinstance(want, bool):
        return isinstance(have, bool) and isinstance(want, bool) and have == want
    return bool(have == want)


def problems_in_condition(
    condition: Condition,
    path: YamlPath,
    earlier: Mapping[str, AnyQuestion],
    everywhere: Mapping[str, AnyQuestion],
) -> list[tuple[YamlPath, str]]:
    """Problems that would make this condition fail or mislead during the call."""
    if isinstance(condition, AllOf):
        return _check_parts(condition.all_, (*path, "all"), earlier, everywhere)
    if isinstance(condition, AnyOf):
        return _check_parts(condition.any_, (*path, "any"), earlier, everywhere)
    if isinstance(condition, NotOf):
        return problems_in_condition(condition.not_, (*path, "not"), earlier, everywhere)
    return _check_compare(condition, path, earlier, everywhere)


def _check_parts(
    parts: list[Condition],
    path: YamlPath,
    earlier: Mapping[str, AnyQuestion],
    everywhere: Mapping[str, AnyQuestion],
) -> list[tuple[YamlPath, str]]:
    found: list[tuple[YamlPath, str]] = []
    for index, part in enumerate(parts):
        found += problems_in_condition(part, (*path, index), earlier, everywhere)
    return found


def _check_compare(
    condition: Compare,
    path: YamlPath,
    earlier: Mapping[str, AnyQuestion],
    everywhere: Mapping[str, AnyQuestion],
) -> list[tuple[YamlPath, str]]:
    target = earlier.get(condition.question)
    where = (*path, "question")
    if target is None:
        if condition.question in everywhere:
            return [
                (
                    where,
                    f"condition uses '{condition.question}', which is asked later: "
                    "a condition can only use answers given before it",
                )
            ]
        return [
            (
                where,
                f"condition uses '{condition.question}', which is no question in this "
                f"playbook{did_you_mean(condition.question, list(earlier))}",
            )
        ]
    if condition.answered is not None:
        return []
    key = "equals" if condition.one_of is None else "one_of"
    values = [condition.equals] if condition.one_of is None else condition.one_of
    found: list[tuple[YamlPath, str]] = []
    for index, value in enumerate(values):
        value_path = (*path, key) if key == "equals" else (*path, key, index)
        problem = KINDS[target.type].condition_problem(target, value)
        if problem:
            found.append((value_path, problem))
    return found


def describe(condition: Condition) -> str:
    """The condition in words, for an agenda a person reads."""
    if isinstance(condition, AllOf):
        return " and ".join(_grouped(part) for part in condition.all_)
    if isinstance(condition, AnyOf):
        return " or ".join(_grouped(part) for part in condition.any_)
    if isinstance(condition, NotOf):
        return f"not {_grouped(condition.not_)}"
    if condition.answered is not None:
        return f"{condition.question} is {'answered' if condition.answered else 'not answered'}"
    if condition.one_of is not None:
        return f"{condition.question} is one of [{', '.join(map(_shown, condition.one_of))}]"
    return f"{condition.question} is {_shown(condition.equals)}"


def _grouped(condition: Condition) -> str:
    text = describe(condition)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text


def _shown(value: Scalar | None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
