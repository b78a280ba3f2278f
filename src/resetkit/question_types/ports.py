"""What the type table needs from the layers above it, declared here and passed in by them.

The table sits below the playbook format, so it may not import the prompts (run/) or the
Markdown (record/). As click's `ParamType.convert(value, param, ctx)` gets its context and
pydantic's `__get_pydantic_core_schema__(source, handler)` its handler, each entry that asks or
writes gets what it needs as an argument: a `Prompts` from the live run (run/prompts.py), a
`NotesKit` from the notes (record/render.py), a `RecapKit` from the customer copy
(record/recap.py). The plain data a prompt is built from (`Asking`, `Typed`) lives here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

Fragments = list[tuple[str, str]]  # prompt_toolkit's styled text: (style, text) pairs

SKIP = "__skip__"  # the value of an optional choice's "(skip)" option
PICK_KEYS = ["↑/↓: move", "Enter: pick"]


@dataclass
class Asking:
    """What a run hands a prompt besides the question: the clock, where to keep items as they
    are entered, and whether there is a question to go back to."""

    status: Callable[[], Fragments | None] | None = None
    keep: Callable[[Any], None] | None = None  # told a list's items so far, after each one
    can_go_back: bool = False
    # The date asked is a due date: one before today is most likely a typo, and is taken only
    # once the person confirms it (as `actions move` asks, and a script needs --allow-past).
    due_date: bool = False


@dataclass
class Typed:
    """A typed field: how it is checked and how the checked value is shown once accepted."""

    check: Callable[[str], Any]  # the value, or raises ValueError with a message
    shown: Callable[[Any], str]
    multiline: bool = False
    lines_are_items: bool = False  # a list: one item per line, an empty line finishes
    keep: Callable[[list[str]], None] | None = None  # told the items so far, as they grow
    # What to ask about a checked value before it is taken ('' for nothing): a past due date.
    confirm: Callable[[Any], str] | None = None


class Prompts(Protocol):
    """The prompt UI a type asks with: the person at a terminal, or plain lines.

    A frame is the prompter's own (the question, its help, the keys); the table only passes it
    from `question_frame` to one of the three ways of answering.
    """

    def question_frame(self, question: Any, keys: list[str], asking: Asking) -> Any:
        """The frame of a prompt for `question`: its prompt, its help and these keys."""
        ...

    def typed(self, frame: Any, typed: Typed, default: str = "") -> Any:
        """Text typed in a field, checked by `typed`; the checked value."""
        ...

    def choice(
        self,
        frame: Any,
        options: list[tuple[Any, str]],
        default: Any = None,
        multiple: bool = False,
        ticked: Sequence[Any] = (),
        check: Callable[[Any], Any] | None = None,
        shown: Callable[[Any], str] | None = None,
    ) -> Any:
        """One value of (value, label) options, or with `multiple` the list of those ticked."""
        ...

    def yes_no(self, frame: Any, default: bool) -> bool:
        """y or n; Enter takes the default."""
        ...

    def ask_action_items(self, question: Any, current: Any, today: date, asking: Asking) -> Any:
        """Action items one by one, then a list to add, change, remove or reorder them."""
        ...


class NotesKit(Protocol):
    """The Markdown of the notes and the agenda, as the type table writes an answer in it."""

    def escape(self, text: str) -> str:
        """Text that Markdown shows as typed."""
        ...

    def paragraphs(self, text: str, *, keep_lines: bool = False) -> str:
        """Text as Markdown paragraphs; `keep_lines` keeps each line break as typed."""
        ...

    def action_table(self, entries: list[Any]) -> str:
        """The action items an answer holds (stored entries) as a Markdown table."""
        ...


class RecapKit(Protocol):
    """The customer copy's words, as the type table writes an answer in it."""

    def number_phrase(self, value: Any) -> str:
        """A number as the customer reads it: 12, not 12.0."""
        ...

    def day_phrase(self, value: Any) -> str:
        """A stored date as the customer reads it."""
        ...

    def action_lines(self, entries: Any) -> list[str]:
        """One line for each action item an answer holds that the customer is told of."""
        ...
