"""Open-ended input: whatever text or structure a playbook file holds, no traceback escapes."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from resetkit.errors import PlaybookInvalid
from resetkit.format.loader import _read_document, parse_playbook
from resetkit.format.model import Playbook

KEYS = st.sampled_from(
    [
        "id",
        "title",
        "duration",
        "sections",
        "questions",
        "type",
        "prompt",
        "timebox",
        "when",
        "question",
        "equals",
        "choices",
        "value",
        "default",
        "all",
        "not",
        "outcomes",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["30m", "text", "choice", "yes_no", "a", "+7d", "today"]),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)


def _parses_or_reports(text: str) -> None:
    try:
        assert isinstance(parse_playbook(text, "fuzz.yaml"), Playbook)
    except PlaybookInvalid as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == "fuzz.yaml"
            assert problem.line >= 1 and problem.column >= 1
            assert problem.message and "\n" not in problem.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises_a_traceback(text: str) -> None:
    _parses_or_reports(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(STRUCTURES)
def test_arbitrary_yaml_structures_never_raise_a_traceback(document: object) -> None:
    _parses_or_reports(yaml.safe_dump(document))


@settings(max_examples=100)
@given(
    st.lists(
        st.sampled_from(
            [
                "id: x\n",
                "- a\n",
                "  b: [\n",
                "&a [*a]\n",
                "key: !!binary x\n",
                "? complex\n",
                "'unterminated\n",
                "\t\n",
                "%TAG ! x\n",
                "---\n",
            ]
        ),
        max_size=12,
    )
)
def test_yaml_fragments_never_raise_a_traceback(lines: list[str]) -> None:
    _parses_or_reports("".join(lines))


def _as_read(text: str, *, fast: bool) -> tuple[object, list[tuple[int, int, str]], bool]:
    """What the loader makes of `text` (data, where each part is, whether it had problems),
    composing with libyaml or with pure Python."""
    saved = yaml.CSafeLoader
    try:
        if not fast:
            del yaml.CSafeLoader
        document = _read_document(text)
    finally:
        yaml.CSafeLoader = saved
    marks = {**document.value_marks, **document.key_marks}
    positions = sorted((m.line, m.column, str(path)) for path, m in marks.items())
    return document.data, positions, bool(document.problems)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(STRUCTURES.map(yaml.safe_dump), st.text(max_size=200)))
@example("---")  # found by this property: libyaml placed the empty document a line lower
def test_libyaml_reads_what_pure_python_reads_the_same_way(text: str) -> None:
    """libyaml composes (ten times faster); what pure Python reads, it must read identically.

    It is known to be more lenient about a few tab placements that pure Python refuses
    (e.g. '0\\t'): those files are read, not refused, when libyaml is there.
    """
    slow = _as_read(text, fast=False)
    if not slow[2]:
        assert _as_read(text, fast=True) == slow
