"""Pydantic models of the playbook format, and the checks of a playbook against itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)

from resetkit.dates import (
    DURATION_PATTERN,
    RELATIVE_DATE_PATTERN,
    RELATIVE_DAYS,
    in_range,
    parse_duration,
    span_days,
)
from resetkit.places import WINDOWS_DEVICES

# A path into the YAML document: mapping keys and sequence indexes, as the file spells them.
YamlPath = tuple[str | int, ...]

IDENTIFIER_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


def _check_identifier(value: str) -> str:
    if not _IDENTIFIER.match(value):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValueError(
            f"{shown!r} is not a valid id: use 1 to 64 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    if value in WINDOWS_DEVICES:
        raise ValueError(f"'{value}' is not a valid id: Windows reserves it for a device")
    return value


def _check_duration(text: str) -> str:
    parse_duration(text)
    return text


def _check_relative_date(value: date | str) -> date | str:
    if isinstance(value, date):
        in_range(value)
        return value
    offset = RELATIVE_DAYS.match(value)
    if value != "today" and offset is None:
        raise ValueError(
            f"'{value}' is not a date: write 2026-12-01, 'today', or an offset like +14d or +2w"
        )
    if offset is not None:
        span_days(*offset.groups())
    return value


def _version_text(value: Any) -> Any:
    # YAML reads `version: 1` as an int and `1.0` as a float; both are meant as text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Identifier = Annotated[
    str,
    AfterValidator(_check_identifier),
    WithJsonSchema({"type": "string", "pattern": IDENTIFIER_PATTERN}),
]
Duration = Annotated[
    str,
    AfterValidator(_check_duration),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "examples": ["30m", "1h"]}),
]
RelativeDate = Annotated[
    date | str,
    AfterValidator(_check_relative_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": RELATIVE_DATE_PATTERN},
            ]
        }
    ),
]
Text = Annotated[str, Field(min_length=1)]
Scalar = bool | int | float | str


class _Strict(BaseModel):
    # Schemas are built on first use, not at import: resetkit start reaches its prompt sooner.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# --- conditions -------------------------------------------------------------------------------


class Compare(_Strict):
    """A test of one earlier answer: equals a value, is one of several, or is answered at all."""

    question: Identifier
    equals: Scalar | None = None
    one_of: list[Scalar] | None = Field(default=None, min_length=1)
    answered: bool | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Compare:
        given = [
            name for name in ("equals", "one_of", "answered") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"a condition on '{self.question}' needs exactly one of 'equals', 'one_of' "
                f"or 'answered' (found {len(given)})"
            )
        return self


class AllOf(_Strict):
    """True when every condition in the list is true."""

    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(_Strict):
    """True when at least one condition in the list is true."""

    any_: list[Condition] = Field(alias="any", min_length=1)


class NotOf(_Strict):
    """True when the condition inside is false."""

    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "compare"
    kinds: dict[type[BaseModel], str] = {AllOf: "all", AnyOf: "any", NotOf: "not"}
    return kinds.get(type(value), "compare")


Condition = Annotated[
    Annotated[Compare, Tag("compare")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(_condition_kind),
]


# --- questions --------------------------------------------------------------------------------


class Choice(_Strict):
    """One option of a choice question: the value stored and the label shown."""

    value: Annotated[str, Field(min_length=1)]
    label: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_plain_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(
                "a choice is read as a YAML boolean (yes/no/on/off/true/false): "
                "quote it, like 'yes'"
            )
        if isinstance(value, int | float):
            return {"value": str(value)}
        return {"value": value} if isinstance(value, str) else value

    @property
    def shown(self) -> str:
        """The text a person sees for this choice."""
        return self.label or self.value


class ActionItemSpec(_Strict):
    """An action item as a playbook pre-fills it."""

    what: Text
    owner: Literal["us", "customer", "both"] = "us"
    owner_name: str = ""
    due: RelativeDate | None = None
    critical_path: bool = False


class BaseQuestion(_Strict):
    """The fields every question has; each type adds its own (and its entry in question_types)."""

    id: Identifier
    prompt: Text
    help: str = ""
    required: bool = False
    internal: bool = False
    when: Condition | None = None


class TextQuestion(BaseQuestion):
    """One line of text."""

    type: Literal["text"]
    default: str | None = None


class LongTextQuestion(BaseQuestion):
    """Several lines of text; the CSM may open $EDITOR."""

    type: Literal["long_text"]
    default: str | None = None


class YesNoQuestion(BaseQuestion):
    """Yes or no."""

    type: Literal["yes_no"]
    default: bool | None = None


class ChoiceQuestion(BaseQuestion):
    """One choice out of several; it may set the meeting's outcome or its planned length."""

    type: Literal["choice"]
    choices: list[Choice] = Field(min_length=1)
    default: str | None = None
    sets_outcome: bool = False
    sets_duration: bool = False


class MultiChoiceQuestion(BaseQuestion):
    """Any number of choices out of several."""

    type: Literal["multi_choice"]
    choices: list[Choice] = Field(min_length=1)
    default: list[str] | None = None


class NumberQuestion(BaseQuestion):
    """A number, optionally bounded."""

    # `max: .inf` or `default: .nan` would let through answers no record can store.
    model_config = ConfigDict(allow_inf_nan=False)

    type: Literal["number"]
    min: int | float | None = None
    max: int | float | None = None
    unit: str = ""
    default: int | float | None = None


class DateQuestion(BaseQuestion):
    """A calendar date; `follow_up` makes it the next meeting, sent as a calendar invite;
    `past` makes it the date something happened: today or before, never after."""

    type: Literal["date"]
    default: RelativeDate | None = None
    follow_up: bool = False
    past: bool = False

    @model_validator(mode="after")
    def _past_or_ahead(self) -> DateQuestion:
        if self.past and self.follow_up:
            raise ValueError("a follow_up date is the next meeting: it cannot be `past`")
        return self


class ListQuestion(BaseQuestion):
    """A list of short items, one per line; `sets_attendees` makes them the meeting's people."""

    type: Literal["list"]
    default: list[str] | None = None
    sets_attendees: bool = False


class ActionItemsQuestion(BaseQuestion):
    """A repeating group of action items: what, owner, due date, critical path."""

    type: Literal["action_items"]
    default: list[ActionItemSpec] | None = None


# The one list of question types; the tagged union and the lookup by `type` derive from it.
# What each type does in a run is its entry in question_types.KINDS (a test holds them equal).
AnyQuestion = (
    TextQuestion
    | LongTextQuestion
    | YesNoQuestion
    | ChoiceQuestion
    | MultiChoiceQuestion
    | NumberQuestion
    | DateQuestion
    | ListQuestion
    | ActionItemsQuestion
)
Question = Annotated[AnyQuestion, Field(discriminator="type")]
QUESTION_TYPES: dict[str, type[BaseQuestion]] = {
    get_args(kind.model_fields["type"].annotation)[0]: kind for kind in get_args(AnyQuestion)
}


# --- sections and the playbook ----------------------------------------------------------------


class Section(_Strict):
    """A part of the meeting with its own timebox."""

    id: Identifier
    title: Text
    timebox: Duration
    guidance: str = ""
    talking_points: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    when: Condition | None = None

    @property
    def minutes(self) -> int:
        """The timebox in minutes."""
        return parse_duration(self.timebox)


class Outcome(_Strict):
    """One way the conversation can end."""

    id: Identifier
    label: Text
    description: str = ""


class Recommendation(_Strict):
    """A rule checked at the end of a run: the first whose `when` holds says what to do next."""

    when: Condition | None = None
    playbook: Identifier | None = None
    because: Text


# --- the recap: what the customer gets ---------------------------------------------------------


class RecapItem(_Strict):
    """One answer the customer copy shows, under a label written for the customer."""

    answer: Identifier
    label: str = ""


class RecapPart(_Strict):
    """A part of the customer copy: a heading, fixed text to the customer, and answers."""

    heading: Text
    when: Condition | None = None
    text: str = ""
    items: list[RecapItem] = Field(default_factory=list)


class Recap(_Strict):
    """The customer copy: only the answers its parts name ever reach the customer."""

    title: Text
    opening: str = ""
    parts: list[RecapPart] = Field(min_length=1)
    closing: str = ""


class SharedPart(_Strict):
    """A shared part (format/compose.py): sections for playbooks to include, checked alone."""

    sections: list[Section] = Field(min_length=1)


class Playbook(_Strict):
    """A conversation plan: its sections, their questions and how the meeting can end."""

    id: Identifier
    title: Text
    summary: str = ""
    version: Annotated[
        str, BeforeValidator(_version_text), WithJsonSchema({"type": ["string", "number"]})
    ] = "1"
    duration: Duration
    when_to_use: str = ""
    outcomes: list[Outcome] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(default_factory=list)
    recap: Recap | None = None

    @property
    def minutes(self) -> int:
        """The planned length in minutes."""
        return parse_duration(self.duration)

    def questions(self) -> Iterator[tuple[Section, AnyQuestion]]:
        """Every question in the order it is asked, with its section."""
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, question_id: str) -> AnyQuestion:
        """The question with this id; KeyError if there is none."""
        for _, question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def recap_answers(self) -> set[str]:
        """The ids of the questions whose answers the customer copy may show: those its parts
        name, and the attendees question (the copy's first line names the people on the call)."""
        if self.recap is None:
            return set()
        named = {item.answer for part in self.recap.parts for item in part.items}
        attendees = self.attendees_question
        return named | ({attendees.id} if attendees is not None else set())

    @property
    def follow_up_question(self) -> DateQuestion | None:
        """The date question that schedules the follow-up meeting, if any."""
        for _, question in self.questions():
            if isinstance(question, DateQuestion) and question.follow_up:
                return question
        return None

    @property
    def attendees_question(self) -> ListQuestion | None:
        """The list question whose answers are the meeting's attendees, if any."""
        for _, question in self.questions():
            if isinstance(question, ListQuestion) and question.sets_attendees:
                return question
        return None

    @property
    def outcome_question(self) -> ChoiceQuestion | None:
        """The choice question whose answer is the meeting's outcome, if the playbook has one."""
        for _, question in self.questions():
            if isinstance(question, ChoiceQuestion) and question.sets_outcome:
                return question
        return None


for _model in (AllOf, AnyOf, NotOf, Section, Recommendation, RecapPart, Recap, Playbook):
    _model.model_rebuild()
