"""The question types: one table entry per type, below the playbook format, above the leaves.

- kinds.py: the table (`KINDS`), and what every caller asks of it (`check_answer`, ...);
- checks.py: the checks the types share (yes/no, a date, an action item) and `AnswerError`;
- ports.py: what the table needs from above, passed in by its callers (`Prompts`, `NotesKit`,
  `RecapKit`), and the plain data a prompt is built from (`Asking`, `Typed`);
- item_entries.py: which answers hold action items (stored entries, before any model reads
  them), the one rule every reader uses;
- readme.py: the README's tables of how each type is answered.

No pydantic and no prompt_toolkit: the first question of a run is asked from here before either
has loaded (see run/headstart.py).
"""

from resetkit.question_types.checks import AnswerError, asked_as
from resetkit.question_types.kinds import (
    KINDS,
    QuestionKind,
    check_answer,
    default_answer,
    shown_answer,
)
from resetkit.question_types.ports import Asking, NotesKit, Prompts, RecapKit, Typed

__all__ = [
    "KINDS",
    "AnswerError",
    "Asking",
    "NotesKit",
    "Prompts",
    "QuestionKind",
    "RecapKit",
    "Typed",
    "asked_as",
    "check_answer",
    "default_answer",
    "shown_answer",
]
