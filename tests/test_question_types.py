"""Question types live in one table: every type has every entry, and a new type needs no more."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import pytest
from rich.console import Console

from conftest import REPO
from resetkit.format.authoring import SCHEMA_FILE, schema_text
from resetkit.format.conditions import problems_in_condition
from resetkit.format.lint import problems_in_playbook
from resetkit.format.model import (
    AnyQuestion,
    BaseQuestion,
    Compare,
    Playbook,
    Recap,
    RecapItem,
    RecapPart,
    Section,
    TextQuestion,
)
from resetkit.places import builtin_dir
from resetkit.question_types import (
    KINDS,
    AnswerError,
    Asking,
    QuestionKind,
    asked_as,
    check_answer,
    default_answer,
    shown_answer,
)
from resetkit.question_types.kinds import ANSWERED_ONLY, COMPARING, only_answered
from resetkit.question_types.readme import readme_table, readme_with_table
from resetkit.record.recap import recap_markdown
from resetkit.record.render import agenda_markdown, notes_markdown
from resetkit.record.session import Attendee
from resetkit.record.store import begin, load
from resetkit.run.answers import template
from resetkit.run.live import Run
from resetkit.run.prompts import ScriptedPrompter, TerminalPrompter

TODAY = date(2026, 11, 24)


def test_the_table_has_an_entry_for_every_type_of_the_format_and_no_more() -> None:
    in_the_format = {
        get_args(model.model_fields["type"].annotation)[0] for model in get_args(AnyQuestion)
    }
    assert set(KINDS) == in_the_format


@pytest.mark.parametrize("name", list(KINDS))
def test_every_type_fills_every_entry(name: str) -> None:
    kind = KINDS[name]
    for field in dataclasses.fields(QuestionKind):
        value = getattr(kind, field.name)
        assert value is not None, f"{name}: no {field.name}"
        if isinstance(value, str | tuple):
            assert value, f"{name}: {field.name} is empty"


@pytest.mark.parametrize(
    "name", [n for n, k in KINDS.items() if k.condition_tests == ANSWERED_ONLY]
)
def test_a_condition_on_a_type_that_only_allows_answered_refuses_any_value(name: str) -> None:
    question: Any = type("Stand_in", (), {"id": "q", "type": name})()
    for value in (True, 1, 2.5, "x", None):
        assert "can only use 'answered'" in KINDS[name].condition_problem(question, value)


def test_the_table_imports_no_models() -> None:
    script = (
        "import sys, resetkit.question_types\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith(('pydantic', 'resetkit.format.model'))))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_the_models_import_neither_the_table_nor_the_checks() -> None:
    script = (
        "import sys, resetkit.format.model\n"
        "print(sorted(m for m in sys.modules if m.startswith(("
        "'resetkit.question_types', 'resetkit.run.prompts'))))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_the_readme_table_and_the_json_schema_are_current() -> None:
    """Set RESETKIT_REGENERATE=1 to rewrite both after changing a question type or the format."""
    readme = REPO / "README.md"
    schema = builtin_dir() / SCHEMA_FILE
    if os.environ.get("RESETKIT_REGENERATE") == "1":
        readme.write_text(readme_with_table(readme.read_text("utf-8")), "utf-8")
        schema.write_text(schema_text(), "utf-8")
    hint = "regenerate them: RESETKIT_REGENERATE=1 pytest tests/test_question_types.py"
    text = readme.read_text("utf-8")
    assert readme_table() in text, hint
    assert readme_with_table(text) == text, hint
    assert schema.read_text("utf-8") == schema_text(), hint


def test_the_readme_table_names_every_type_once() -> None:
    rows = readme_table().splitlines()[2:]
    named = [name.strip(" `") for row in rows for name in row.split(" | ")[0][2:].split(",")]
    assert named == list(KINDS)


# --- a type added by this test alone: its model class and its entry ----------------------------


class RatingQuestion(BaseQuestion):
    """One to `stars` stars."""

    type: Literal["rating"]
    stars: int = 5
    default: int | None = None


def _check_rating(question: RatingQuestion, value: Any, today: date) -> int:
    try:
        stars = int(str(value).strip())
    except ValueError:
        raise AnswerError(f"{asked_as(question)} takes a number of stars") from None
    if not 1 <= stars <= question.stars:
        raise AnswerError(f"{asked_as(question)} takes 1 to {question.stars} stars")
    return stars


ASKED: list[tuple[Any, str, Any]] = []


def _ask_rating(
    prompter: Any, question: RatingQuestion, current: Any, today: date, asking: Asking
) -> Any:
    ASKED.append((prompter, question.id, current))
    return check_answer(question, "4", today)


def _rating_condition(question: RatingQuestion, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= question.stars:
        return ""
    return f"'{question.id}' gives 1 to {question.stars} stars"


def _problems_in_rating(question: RatingQuestion, path: Any) -> list[tuple[Any, str]]:
    return [] if question.stars > 1 else [((*path, "stars"), "a rating needs 2 stars or more")]


# Only what differs from the defaults: the default, the answers template's value, the Markdown
# of an answer written as typed are QuestionKind's own.
RATING = QuestionKind(
    label="rating",
    how="a number of stars; Enter",
    plain_how="a number of stars; Enter",
    check=_check_rating,
    prompt=_ask_rating,
    shown=lambda question, value: "★" * value + "☆" * (question.stars - value),
    condition_problem=_rating_condition,
    problems_in_fields=_problems_in_rating,
    template_comment=lambda question: f"1 to {question.stars} stars",
    agenda=lambda kit, question: [f"out of {question.stars} stars"],
    markdown=lambda kit, question, value: f"{value} of {question.stars} stars",
    recap=lambda kit, question, value: f"{value} of {question.stars} stars",
)


def test_what_a_condition_may_test_follows_from_its_problem() -> None:
    assert RATING.condition_tests == COMPARING
    assert dataclasses.replace(RATING, condition_problem=only_answered).condition_tests == (
        ANSWERED_ONLY
    )


@pytest.fixture
def rating(monkeypatch: pytest.MonkeyPatch) -> RatingQuestion:
    monkeypatch.setitem(KINDS, "rating", RATING)
    ASKED.clear()
    return RatingQuestion(
        id="rate", type="rating", prompt="How did the call go?", required=True, default=3
    )


def rated_playbook(rate: RatingQuestion, when: Compare | None = None) -> Playbook:
    """A playbook holding the new type; built without validation, as the union does not know
    the type (a real one joins `AnyQuestion` in model.py)."""
    why = TextQuestion(
        id="why",
        type="text",
        prompt="What went wrong?",
        when=when or Compare(question="rate", one_of=[1, 2]),
    )
    section = Section.model_construct(
        id="close", title="Close", timebox="10m", questions=[rate, why]
    )
    recap = Recap(
        title="Our call",
        parts=[RecapPart(heading="How it went", items=[RecapItem(answer="rate", label="Rating")])],
    )
    return Playbook.model_construct(
        id="rated", title="Rated call", duration="10m", sections=[section], recap=recap
    )


def test_a_new_type_is_checked_and_shown(rating: RatingQuestion) -> None:
    assert check_answer(rating, " 4 ", TODAY) == 4
    with pytest.raises(AnswerError, match="takes 1 to 5 stars"):
        check_answer(rating, "9", TODAY)
    assert default_answer(rating, TODAY) == 3
    assert shown_answer(rating, 4) == "★★★★☆"
    assert shown_answer(rating, None) == "(skipped)"


def test_a_new_type_is_asked_by_its_own_prompt(rating: RatingQuestion) -> None:
    person = TerminalPrompter()
    assert person.ask(rating, 3, TODAY) == 4
    assert [(person, "rate", 3)] == ASKED
    assert ScriptedPrompter({"rate": "5"}).ask(rating, 3, TODAY) == 5


def test_conditions_on_a_new_type_are_checked_by_its_entry(rating: RatingQuestion) -> None:
    everywhere: dict[str, Any] = {"rate": rating}
    fine = Compare(question="rate", one_of=[1, 2])
    assert problems_in_condition(fine, ("when",), everywhere, everywhere) == []
    wrong = Compare(question="rate", equals="great")
    assert problems_in_condition(wrong, ("when",), everywhere, everywhere) == [
        (("when", "equals"), "'rate' gives 1 to 5 stars")
    ]
    assert problems_in_playbook(rated_playbook(rating)) == []
    assert problems_in_playbook(rated_playbook(rating, when=wrong)) == [
        (("sections", 0, "questions", 1, "when", "equals"), "'rate' gives 1 to 5 stars")
    ]
    one_star = rating.model_copy(update={"stars": 1, "default": None})
    assert problems_in_playbook(rated_playbook(one_star)) == [
        (("sections", 0, "questions", 0, "stars"), "a rating needs 2 stars or more"),
        (("sections", 0, "questions", 1, "when", "one_of", 1), "'rate' gives 1 to 1 stars"),
    ]


def test_a_new_type_shows_in_the_agenda_and_the_answers_template(rating: RatingQuestion) -> None:
    playbook = rated_playbook(rating)
    assert "- **How did the call go?** (rating, required)\n  - out of 5 stars" in agenda_markdown(
        playbook
    )
    written = template(playbook)
    assert "  # How did the call go?  [rating, required, sent to the customer]\n" in written
    assert "  #   1 to 5 stars\n  rate: 3\n" in written


def test_a_run_with_a_new_type_writes_its_answer_to_the_notes_and_the_recap(
    rating: RatingQuestion, isolated: Path
) -> None:
    playbook = rated_playbook(rating)
    path = isolated / "rated.yaml"
    session, folder = begin(
        playbook,
        path,
        "id: rated\n",
        "Acme Corp",
        [Attendee(name="Dana", role="CTO")],
        isolated / "notes",
        datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
    )
    console = Console(file=io.StringIO(), width=100, color_system=None)
    run = Run(playbook, session, folder, ScriptedPrompter({"rate": "4"}, ["save"]), console)
    run.walk()
    run.finish(run.review())
    assert load(folder).answers == {"rate": 4}
    assert "**How did the call go?**\n\n4 of 5 stars\n" in notes_markdown(session, playbook)
    assert "Rating: 4 of 5 stars" in recap_markdown(session, playbook)
    assert "★★★★☆" in console.file.getvalue()  # type: ignore[attr-defined]
