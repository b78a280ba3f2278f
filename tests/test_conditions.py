"""`when` conditions (format/conditions.py): generated conditions over generated answers agree
with the rules the README states; the words an agenda shows; the problems validate reports."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resetkit.format.conditions import (
    condition_questions,
    describe,
    evaluate,
    is_answered,
    problems_in_condition,
)
from resetkit.format.model import (
    AllOf,
    AnyOf,
    ChoiceQuestion,
    Compare,
    Condition,
    NotOf,
    TextQuestion,
)

QUESTIONS = ["case", "ok", "size"]
scalars = st.one_of(st.booleans(), st.integers(0, 2), st.sampled_from(["a", "b", "1"]))
answers = st.dictionaries(
    st.sampled_from(QUESTIONS),
    st.one_of(scalars, st.none(), st.just(""), st.lists(scalars, max_size=3)),
)
compares = st.one_of(
    st.builds(Compare, question=st.sampled_from(QUESTIONS), equals=scalars),
    st.builds(Compare, question=st.sampled_from(QUESTIONS), one_of=st.lists(scalars, min_size=1)),
    st.builds(Compare, question=st.sampled_from(QUESTIONS), answered=st.booleans()),
)
conditions: st.SearchStrategy[Any] = st.recursive(
    compares,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: AllOf(all=parts)),
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: AnyOf(any=parts)),
        inner.map(lambda part: NotOf(**{"not": part})),
    ),
    max_leaves=6,
)


def same(have: Any, want: Any) -> bool:
    """An answer matches a value of the same kind: yes is not 1, 1 is 1.0."""
    if isinstance(have, bool) or isinstance(want, bool):
        return type(have) is type(want) and have == want
    return bool(have == want)


def holds(condition: Any, given: dict[str, Any]) -> bool:
    """The README's rules, read plainly."""
    if isinstance(condition, AllOf):
        return all(holds(part, given) for part in condition.all_)
    if isinstance(condition, AnyOf):
        return any(holds(part, given) for part in condition.any_)
    if isinstance(condition, NotOf):
        return not holds(condition.not_, given)
    value = given.get(condition.question)
    if condition.answered is not None:
        return (value not in (None, "", [])) is condition.answered
    wanted = condition.one_of if condition.one_of is not None else [condition.equals]
    values = value if isinstance(value, list) else [value]
    return any(same(v, w) for v in values for w in wanted)


@given(conditions, answers)
def test_a_condition_holds_exactly_when_its_rules_say(
    condition: Any, given: dict[str, Any]
) -> None:
    assert evaluate(condition, given) is holds(condition, given)


def test_no_condition_always_holds() -> None:
    assert evaluate(None, {}) is True


@pytest.mark.parametrize(
    ("value", "answered"),
    [(None, False), ("", False), ([], False), (0, True), (False, True), ("x", True), (["a"], True)],
)
def test_an_answer_counts_as_given_unless_it_is_empty(value: Any, answered: bool) -> None:
    assert is_answered(value) is answered


def test_yes_matches_neither_one_nor_a_text_and_one_matches_one_point_zero() -> None:
    assert not evaluate(Compare(question="ok", equals=True), {"ok": 1})
    assert not evaluate(Compare(question="ok", equals=1), {"ok": True})
    assert evaluate(Compare(question="ok", equals=False), {"ok": False})
    assert evaluate(Compare(question="size", equals=1), {"size": 1.0})
    assert evaluate(Compare(question="case", one_of=["a", "b"]), {"case": ["c", "b"]})


NESTED: Condition = AllOf(
    all=[
        Compare(question="case", one_of=["a", "b"]),
        AnyOf(any=[Compare(question="ok", equals=True), Compare(question="size", answered=False)]),
        NotOf(**{"not": Compare(question="case", equals=3)}),
    ]
)


def test_a_condition_reads_as_words_with_groups_in_brackets() -> None:
    assert describe(NESTED) == (
        "case is one of [a, b] and (ok is yes or size is not answered) and not case is 3"
    )
    assert describe(Compare(question="ok", equals=False)) == "ok is no"
    assert describe(Compare(question="ok", answered=True)) == "ok is answered"
    assert describe(NotOf(**{"not": AllOf(all=[Compare(question="ok", equals="x")])})) == (
        "not (ok is x)"
    )


def test_every_question_a_condition_reads_is_found_with_its_yaml_path() -> None:
    assert condition_questions(NESTED, ("when",)) == [
        (("when", "all", 0, "question"), "case"),
        (("when", "all", 1, "any", 0, "question"), "ok"),
        (("when", "all", 1, "any", 1, "question"), "size"),
        (("when", "all", 2, "not", "question"), "case"),
    ]


CASE = ChoiceQuestion(id="case", type="choice", prompt="Which case?", choices=["bug", "feature"])
NOTE = TextQuestion(id="note", type="text", prompt="Anything else?")


def test_a_condition_on_a_later_or_unknown_question_is_a_problem_at_its_question_key() -> None:
    wrong = AnyOf(any=[Compare(question="note", answered=True), Compare(question="cse", equals=1)])
    assert problems_in_condition(
        wrong, ("when",), {"case": CASE}, {"case": CASE, "note": NOTE}
    ) == [
        (
            ("when", "any", 0, "question"),
            "condition uses 'note', which is asked later: a condition can only use answers "
            "given before it",
        ),
        (
            ("when", "any", 1, "question"),
            "condition uses 'cse', which is no question in this playbook (did you mean 'case'?)",
        ),
    ]


def test_a_value_no_choice_has_is_a_problem_at_that_value() -> None:
    earlier = {"case": CASE}
    wrong = NotOf(
        **{
            "not": AllOf(
                all=[
                    Compare(question="case", one_of=["bug", "feture"]),
                    Compare(question="case", equals="bgu"),
                    Compare(question="case", answered=True),
                ]
            )
        }
    )
    found = problems_in_condition(wrong, ("when",), earlier, earlier)
    assert [path for path, _ in found] == [
        ("when", "not", "all", 0, "one_of", 1),
        ("when", "not", "all", 1, "equals"),
    ]
    assert all("feature" in problem or "bug" in problem for _, problem in found) and found
    fine = Compare(question="case", one_of=["bug", "feature"])
    assert problems_in_condition(fine, ("when",), earlier, earlier) == []


def test_a_later_question_is_named_as_later_however_deep_the_condition() -> None:
    deep = NotOf(**{"not": AllOf(all=[Compare(question="note", answered=True)])})
    found = problems_in_condition(deep, ("when",), {"case": CASE}, {"case": CASE, "note": NOTE})
    assert [(path, "asked later" in problem) for path, problem in found] == [
        (("when", "not", "all", 0, "question"), True)
    ]
