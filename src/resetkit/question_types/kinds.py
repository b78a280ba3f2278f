"""Every question type in one table: how an answer is checked, asked, shown and written down.

`KINDS` maps each `type` of the playbook format to a `QuestionKind`; everything that treats one
type differently from another reads it. Other code looks only at the fields that give a question
a role in the meeting (`sets_outcome`, `follow_up`, ...). Adding a type takes its model class in
model.py and its entry here (README, "Adding a question type"); an entry names only what differs
from the defaults of `QuestionKind`.

The table sits below the format and imports nothing above it: what an entry needs to ask or
write comes in as an argument (a port, ports.py), as the prompter, the notes or the recap call
it. It imports no models either: the first question of a run is asked and checked before
pydantic has loaded (see headstart.py), so every function here reads only a question's
attributes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from resetkit.controls import check_name
from resetkit.dates import default_date, parse_duration, past_due
from resetkit.errors import UsageError, did_you_mean
from resetkit.question_types.checks import (
    AnswerError,
    asked_as,
    check_action_item,
    check_date,
    check_yes_no,
)
from resetkit.question_types.item_entries import holds_action_items
from resetkit.question_types.ports import (
    PICK_KEYS,
    SKIP,
    Asking,
    NotesKit,
    Prompts,
    RecapKit,
    Typed,
)

if TYPE_CHECKING:
    from resetkit.format.model import (
        ActionItemsQuestion,
        ChoiceQuestion,
        DateQuestion,
        ListQuestion,
        MultiChoiceQuestion,
        NumberQuestion,
        Scalar,
        YamlPath,
    )

# The tests a `when` may apply to an answer (model.Compare): every type allows 'answered'.
COMPARING = ("equals", "one_of", "answered")
ANSWERED_ONLY = ("answered",)


# --- shared by several types ------------------------------------------------------------------


def _as_set(question: Any, today: date) -> Any:
    return question.default


def _no_problems(question: Any, path: YamlPath) -> list[tuple[YamlPath, str]]:
    return []


def _no_comment(question: Any) -> str:
    return ""


def _no_details(kit: NotesKit, question: Any) -> list[str]:
    return []


def _as_written(question: Any) -> Any:
    """The default as the playbook writes it (relative dates stay relative)."""
    default = question.default
    return default.isoformat() if isinstance(default, date) else default


def _checker(question: Any, today: date) -> Callable[[Any], Any]:
    """The answer checked against `question`; the AnswerError (a ValueError) is shown."""
    return lambda value: check_answer(question, value, today)


def _display(question: Any) -> Callable[[Any], str]:
    return lambda value: shown_answer(question, value)


def _ask_line(prompter: Prompts, question: Any, current: Any, today: date, asking: Asking) -> Any:
    typed = Typed(check=_checker(question, today), shown=_display(question))
    frame = prompter.question_frame(question, ["Enter: done"], asking)
    return prompter.typed(frame, typed, "" if current is None else str(current))


def _ask_fresh(
    prompter: Prompts,
    question: Any,
    current: Any,
    today: date,
    asking: Asking,
    hints: list[str],
    confirm: Callable[[Any], str] | None = None,
) -> Any:
    """A date or a number, typed fresh: editing around a pre-filled one garbles it, so an
    empty answer takes the one shown instead."""
    check, shown = _checker(question, today), _display(question)
    fallback = "" if current is None else str(current)
    if fallback:
        hints = [*hints, f"Enter alone: {shown(check(fallback))}"]
    typed = Typed(check=lambda text: check(text.strip() or fallback), shown=shown, confirm=confirm)
    return prompter.typed(prompter.question_frame(question, [*hints, "Enter: done"], asking), typed)


def _shown_plain(question: Any, value: Any) -> str:
    """An answer on one line: list items joined, or the first line of text."""
    if isinstance(value, list):
        return "; ".join(item["what"] if isinstance(item, dict) else str(item) for item in value)
    lines = str(value).strip().split("\n")
    more = len(lines) - 1
    return lines[0] + (f" (and {more} more line{'s' if more > 1 else ''})" if more else "")


def _markdown_plain(kit: NotesKit, question: Any, value: Any) -> str:
    """An answer in the notes: Yes or No, a bulleted list, or paragraphs with lines kept."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "\n".join(f"- {kit.escape(str(item))}" for item in value)
    return kit.paragraphs(str(value), keep_lines=True) or "*(empty)*"


def _recap_phrase(kit: RecapKit, question: Any, value: Any) -> str | list[str] | None:
    """An answer in the customer copy as a phrase; a list's items on lines of their own."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return _recap_items(kit, question, value)
    return " ".join(str(value).split())


def _recap_items(kit: RecapKit, question: Any, value: Any) -> str | list[str] | None:
    """Lines for a list's items, paragraphs for text; Yes or No for a stray boolean."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return [" ".join(str(entry).split()) for entry in value if str(entry).strip()]
    return None


def only_answered(question: Any, value: Scalar | None) -> str:
    """The problem with any value in a condition on a type that can only be 'answered'."""
    return (
        f"'{question.id}' is a {question.type} question: a condition on it can only use 'answered'"
    )


@dataclass(frozen=True)
class QuestionKind:
    """Everything that differs between question types, for one type; the defaults suit a type
    typed on one line and written down as typed.

    The functions take the question (its model, or a plain stand-in with the same attributes)
    first, after the port they write or ask with. `check`, `shown`, `markdown` and `recap` are
    only given an answer that is there, and `default` only a question that has one: their
    callers handle the rest once, for every type.
    """

    label: str  # the type as `resetkit show` and an answers template name it
    how: str  # how a person answers it in the terminal: the README's table
    plain_how: str  # how in plain mode, line by line (run/plain.py): the README's second table
    check: Callable[[Any, Any, date], Any]  # (question, value, today) -> stored form; AnswerError
    default: Callable[[Any, date], Any] = _as_set  # (question, today) -> its default as an answer
    prompt: Callable[[Prompts, Any, Any, date, Asking], Any] = _ask_line  # -> a checked answer
    shown: Callable[[Any, Any], str] = _shown_plain  # (question, answer) -> one line, as typed
    # Why a `when` never sees that value ('' when it may); `only_answered` allows 'answered' alone.
    condition_problem: Callable[[Any, Scalar | None], str] = only_answered
    problems_in_fields: Callable[[Any, YamlPath], list[tuple[YamlPath, str]]] = _no_problems
    template_comment: Callable[[Any], str] = _no_comment  # what to write, '' for nothing more
    template_example: Callable[[Any], Any] = _as_written  # the value an answers template holds
    agenda: Callable[[NotesKit, Any], list[str]] = _no_details  # Markdown lines in the agenda
    markdown: Callable[[NotesKit, Any, Any], str] = _markdown_plain  # the answer in the notes
    # The customer copy: a phrase, lines, or None for paragraphs of text.
    recap: Callable[[RecapKit, Any, Any], str | list[str] | None] = _recap_phrase

    @property
    def condition_tests(self) -> tuple[str, ...]:
        """What a `when` on this type may test: derived from `condition_problem`."""
        return ANSWERED_ONLY if self.condition_problem is only_answered else COMPARING


# --- text and long_text -----------------------------------------------------------------------


def _check_text(question: Any, value: Any, today: date) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"{asked_as(question)} takes text")
    if "\n" in value:
        raise AnswerError(f"{asked_as(question)} takes one line of text")
    return value


def _check_long_text(question: Any, value: Any, today: date) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"{asked_as(question)} takes text")
    return value


def _ask_long_text(
    prompter: Prompts, question: Any, current: Any, today: date, asking: Asking
) -> Any:
    typed = Typed(check=_checker(question, today), shown=_display(question), multiline=True)
    keys = ["Enter: new line", "Esc Enter or Ctrl-S: done", ":e or Ctrl-X Ctrl-E: editor"]
    frame = prompter.question_frame(question, keys, asking)
    return prompter.typed(frame, typed, "" if current is None else str(current))


def _text_condition(question: Any, value: Scalar | None) -> str:
    if not isinstance(value, str):
        return f"'{question.id}' is a text question: compare it with text (quote {value!r})"
    return ""


# --- yes_no -----------------------------------------------------------------------------------


def _check_yes_no(question: Any, value: Any, today: date) -> bool:
    return check_yes_no(asked_as(question), value)


def _ask_yes_no(prompter: Prompts, question: Any, current: Any, today: date, asking: Asking) -> Any:
    default = current if isinstance(current, bool) else False
    keys = ["y: yes", "n: no", f"Enter: {'yes' if default else 'no'}"]
    return prompter.yes_no(prompter.question_frame(question, keys, asking), default)


def _shown_yes_no(question: Any, value: Any) -> str:
    return "Yes" if value else "No"


def _yes_no_condition(question: Any, value: Scalar | None) -> str:
    if not isinstance(value, bool):
        return f"'{question.id}' is a yes/no question: compare it with true or false"
    return ""


# --- choice and multi_choice ------------------------------------------------------------------

# The words YAML reads as true or false: `icp-review: no` in an answers file arrives as False.
_YAML_BOOLEANS = {True: ("yes", "true", "on"), False: ("no", "false", "off")}


def _pick(question: ChoiceQuestion | MultiChoiceQuestion, value: Any) -> str:
    for choice in question.choices:
        if value in (choice.value, choice.label):
            return choice.value
    if isinstance(value, bool):
        meant = [c for c in question.choices if c.value.lower() in _YAML_BOOLEANS[value]]
        if len(meant) == 1:
            return meant[0].value
    offered = ", ".join(choice.value for choice in question.choices)
    raise AnswerError(f"{asked_as(question)} has no choice {value!r} (choices: {offered})")


def _check_choice(question: ChoiceQuestion, value: Any, today: date) -> str:
    return _pick(question, value)


def _check_multi_choice(question: MultiChoiceQuestion, value: Any, today: date) -> list[str]:
    values = value if isinstance(value, list) else [value]
    picked = [_pick(question, item) for item in values]
    return [c.value for c in question.choices if c.value in picked]


def _ask_choice(
    prompter: Prompts, question: ChoiceQuestion, current: Any, today: date, asking: Asking
) -> Any:
    options: list[tuple[Any, str]] = [(c.value, c.shown) for c in question.choices]
    if not question.required:
        options.append((SKIP, "(skip)"))
    frame = prompter.question_frame(question, PICK_KEYS, asking)
    answer = prompter.choice(frame, options, default=current)
    return None if answer == SKIP else answer


def _ask_multi_choice(
    prompter: Prompts,
    question: MultiChoiceQuestion,
    current: Any,
    today: date,
    asking: Asking,
) -> Any:
    options: list[tuple[Any, str]] = [(c.value, c.shown) for c in question.choices]
    ticked = current if isinstance(current, list) else []
    keys = ["↑/↓: move", "Space: tick", "Enter: done"]
    return prompter.choice(
        prompter.question_frame(question, keys, asking),
        options,
        multiple=True,
        ticked=ticked,
        check=_checker(question, today),
        shown=_display(question),  # an empty pick of an optional one is a skip: None
    )


def _picked_labels(
    question: ChoiceQuestion | MultiChoiceQuestion, value: Any, *, as_text: bool = False
) -> list[str]:
    """The labels of the choices picked; a value no longer offered shows as itself."""
    labels = {choice.value: choice.shown for choice in question.choices}
    picked = value if isinstance(value, list) else [value]
    # A list or mapping (a hand-edited record) is no choice: it shows as itself.
    return [
        labels.get(str(item) if as_text else item, str(item))
        if as_text or not isinstance(item, list | dict)
        else str(item)
        for item in picked
    ]


def _shown_choice(question: ChoiceQuestion | MultiChoiceQuestion, value: Any) -> str:
    return "; ".join(_picked_labels(question, value)) or "(none)"


def _choice_condition(question: ChoiceQuestion | MultiChoiceQuestion, value: Scalar | None) -> str:
    offered = [choice.value for choice in question.choices]
    if not isinstance(value, str) or value not in offered:
        hint = did_you_mean(str(value), offered) or f" (choices: {', '.join(offered)})"
        return f"'{question.id}' never answers {value!r}{hint}"
    return ""


def _problems_in_choices(
    question: ChoiceQuestion | MultiChoiceQuestion, path: YamlPath
) -> list[tuple[YamlPath, str]]:
    found: list[tuple[YamlPath, str]] = []
    values = [choice.value for choice in question.choices]
    for index, value in enumerate(values):
        if value in values[:index]:
            found.append(((*path, "choices", index), f"choice '{value}' is listed twice"))
    defaults = [question.default] if isinstance(question.default, str) else question.default
    for default in defaults or []:
        if default not in values:
            found.append(
                (
                    (*path, "default"),
                    f"default '{default}' is not one of the choices{did_you_mean(default, values)}",
                )
            )
    if getattr(question, "sets_duration", False):
        for index, choice in enumerate(question.choices):
            try:
                parse_duration(choice.value)
            except ValueError as error:
                found.append(
                    ((*path, "choices", index), f"'sets_duration' choices are durations: {error}")
                )
    return found


def _choices_comment(question: ChoiceQuestion | MultiChoiceQuestion) -> str:
    return " | ".join(
        choice.value if not choice.label else f"{choice.value} = {choice.label}"
        for choice in question.choices
    )


def _choices_agenda(kit: NotesKit, question: ChoiceQuestion | MultiChoiceQuestion) -> list[str]:
    return ["choices: " + "; ".join(kit.escape(choice.shown) for choice in question.choices)]


def _choice_markdown(
    kit: NotesKit, question: ChoiceQuestion | MultiChoiceQuestion, value: Any
) -> str:
    if isinstance(value, bool):
        return _markdown_plain(kit, question, value)
    return ", ".join(kit.escape(label) for label in _picked_labels(question, value))


def _choice_recap(kit: RecapKit, question: ChoiceQuestion | MultiChoiceQuestion, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return ", ".join(_picked_labels(question, value, as_text=True))


# --- number -----------------------------------------------------------------------------------


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def _check_number(question: NumberQuestion, value: Any, today: date) -> int | float:
    if isinstance(value, bool):
        raise AnswerError(f"{asked_as(question)} takes a number")
    if isinstance(value, str):
        text = value.strip()
        if "," in text and not _THOUSANDS.fullmatch(text):
            # '14,5' is fourteen and a half to half of Europe: never read it as 145.
            raise AnswerError(
                f"{asked_as(question)} takes a number with a dot for decimals (14.5) and "
                f"commas only between thousands (2,400), not {text[:40]!r}"
            )
        try:
            value = float(text.replace(",", "")) if text else None
        except ValueError:
            # A paste can be pages long: quote its start, or the refusal pushes the question
            # off the screen.
            typed = value if len(value) <= 40 else value[:37] + "..."
            raise AnswerError(f"{asked_as(question)} takes a number, not {typed!r}") from None
    if not isinstance(value, int | float):
        raise AnswerError(f"{asked_as(question)} takes a number")
    if isinstance(value, float) and not math.isfinite(value):
        # float() reads 'inf', 'nan' and '1e309' (infinity); JSON cannot store them and no
        # meeting counts to infinity.
        raise AnswerError(f"{asked_as(question)} takes a finite number, not {value}")
    number: int | float = int(value) if isinstance(value, float) and value.is_integer() else value
    if question.min is not None and number < question.min:
        raise AnswerError(f"{asked_as(question)} must be at least {question.min}")
    if question.max is not None and number > question.max:
        raise AnswerError(f"{asked_as(question)} must be at most {question.max}")
    return number


def _ask_number(
    prompter: Prompts, question: NumberQuestion, current: Any, today: date, asking: Asking
) -> Any:
    hints = [f"in {question.unit}"] if question.unit else []
    return _ask_fresh(prompter, question, current, today, asking, hints)


def _shown_number(question: NumberQuestion, value: Any) -> str:
    unit = getattr(question, "unit", None)
    return f"{value} {unit}" if unit else str(value)


def _number_condition(question: NumberQuestion, value: Scalar | None) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"'{question.id}' is a number question: compare it with a number"
    return ""


def _problems_in_number(question: NumberQuestion, path: YamlPath) -> list[tuple[YamlPath, str]]:
    found: list[tuple[YamlPath, str]] = []
    low, high = question.min, question.max
    if low is not None and high is not None and low > high:
        found.append(((*path, "min"), f"min {low} is greater than max {high}"))
    start = question.default
    if start is not None and (
        (low is not None and start < low) or (high is not None and start > high)
    ):
        found.append(((*path, "default"), f"default {start} is outside min..max"))
    return found


def _number_agenda(kit: NotesKit, question: NumberQuestion) -> list[str]:
    if question.min is None and question.max is None:
        return []
    unit = f" {question.unit}" if question.unit else ""
    if question.min is not None and question.max is not None:
        bounds = f"between {question.min} and {question.max}{unit}"
    elif question.min is not None:
        bounds = f"at least {question.min}{unit}"
    else:
        bounds = f"at most {question.max}{unit}"
    return [kit.escape(bounds)]


def _number_markdown(kit: NotesKit, question: NumberQuestion, value: Any) -> str:
    if question.unit and not isinstance(value, bool | list):
        return f"{value} {kit.escape(question.unit)}"
    return _markdown_plain(kit, question, value)


def _number_recap(kit: RecapKit, question: NumberQuestion, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return kit.number_phrase(value) + (f" {question.unit}" if question.unit else "")


# --- date -------------------------------------------------------------------------------------


def _check_date_answer(question: DateQuestion, value: Any, today: date) -> str:
    return check_date(asked_as(question), value, today, past=question.past).isoformat()


def _ask_date(
    prompter: Prompts, question: DateQuestion, current: Any, today: date, asking: Asking
) -> Any:
    def confirm(value: Any) -> str:
        return past_due(date.fromisoformat(value), today)

    # A due date, or the next meeting's, before today is most likely a typo: asked again.
    ahead = asking.due_date or question.follow_up
    hints = [
        "a date: YYYY-MM-DD, today, yesterday or -14d"
        if question.past
        else "a date: YYYY-MM-DD, today or +14d"
    ]
    return _ask_fresh(prompter, question, current, today, asking, hints, confirm if ahead else None)


def _date_default(question: DateQuestion, today: date) -> str:
    return default_date(question.default, today).isoformat()  # type: ignore[arg-type]


def _shown_date(question: DateQuestion, value: Any) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.isoformat()} ({day.strftime('%A')})"


def _date_recap(kit: RecapKit, question: DateQuestion, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return kit.day_phrase(value)


# --- list -------------------------------------------------------------------------------------


def _check_list(question: ListQuestion, value: Any, today: date) -> list[str] | None:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise AnswerError(f"{asked_as(question)} takes a list of text items")
    kept = [item.strip() for item in items if item.strip()]
    if not kept and question.required:
        raise AnswerError(f"{asked_as(question)} is required")
    if getattr(question, "sets_attendees", False):
        # Each is a person on the call, written as after --attendee: NAME or NAME:ROLE.
        for item in kept:
            if not item.partition(":")[0].strip():
                raise AnswerError(f"{item!r} has no name: write NAME or NAME:ROLE")
            try:
                check_name(item, "attendee")
            except UsageError as error:
                raise AnswerError(error.message) from None
    return kept or None


def _ask_list(
    prompter: Prompts, question: ListQuestion, current: Any, today: date, asking: Asking
) -> Any:
    check = _checker(question, today)
    items = [str(item) for item in current] if isinstance(current, list) else []
    typed = Typed(
        check=lambda text: check(text.split("\n")),
        shown=_display(question),
        lines_are_items=True,
        keep=asking.keep,
    )
    keys = ["Enter: next item", "Enter on an empty line: done", "Alt-↑/↓: move an item"]
    return prompter.typed(prompter.question_frame(question, keys, asking), typed, "\n".join(items))


# --- action_items -----------------------------------------------------------------------------


def _check_action_items(question: ActionItemsQuestion, value: Any, today: date) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise AnswerError(f"{asked_as(question)} takes a list of action items (what, owner, due)")
    return [check_action_item(item, today) for item in value]


def _action_items_default(question: ActionItemsQuestion, today: date) -> Any:
    # dict() reads a model's fields and a plain mapping alike: the first question of a run may
    # be a plain copy (see headstart.py).
    return [check_action_item(dict(spec), today) for spec in question.default or []]


def _ask_action_items(
    prompter: Prompts,
    question: ActionItemsQuestion,
    current: Any,
    today: date,
    asking: Asking,
) -> Any:
    return prompter.ask_action_items(question, current, today, asking)


def _action_items_comment(question: ActionItemsQuestion) -> str:
    return "items of: what, owner (us|customer|both), owner_name, due, critical_path"


def _action_items_example(question: ActionItemsQuestion) -> Any:
    return [spec.model_dump(mode="json") for spec in question.default or []] or None


def _action_items_markdown(kit: NotesKit, question: ActionItemsQuestion, value: Any) -> str:
    if not holds_action_items(value):  # a yes/no, or texts: a playbook changed since
        return _markdown_plain(kit, question, value)
    return kit.action_table(value)


def _action_items_recap(
    kit: RecapKit, question: ActionItemsQuestion, value: Any
) -> list[str] | str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    # A list of texts (a playbook changed since) holds no items: the customer gets none.
    return kit.action_lines(value) if holds_action_items(value) else []


# --- the table --------------------------------------------------------------------------------

_PICKED = (
    "arrow keys (or `j`/`k`), Enter; Space ticks in a multiple choice; words typed at a choice "
    "are not taken: a line under it says so, and the next Enter asks once more before it picks"
)
_TYPED = (
    "typed; Enter alone takes the value shown in the toolbar; a number must be finite (not "
    "`inf`, `nan` or `1e309`) and within the question's `min` and `max`, typed or in an answers "
    "file, with a dot for decimals (`14.5`) and commas only between thousands (`2,400`): `14,5` "
    "is refused, never read as 145; dates accept `2026-12-01`, `today`, `+14d`, `fri`, `31/12` "
    "and the rest of the one grammar (see Dates, under Commands), from "
    "1900-01-01 to 9998-12-31 "
    "(a date outside, such as `9999-12-31` or `+3000000d`, is refused with one line naming the "
    "question, in a live run, an answers file, a review, `actions move --due` and a playbook's "
    "`default`)"
)

_PLAIN_TYPED = "type it and press Enter; Enter alone keeps the value said"

KINDS: dict[str, QuestionKind] = {
    "text": QuestionKind(
        label="short text",
        how="one line; Enter",
        plain_how=_PLAIN_TYPED,
        check=_check_text,
        condition_problem=_text_condition,
    ),
    "long_text": QuestionKind(
        label="long text",
        how=(
            "several lines: Enter makes a new line; **Esc then Enter** (or Ctrl-S) finishes. "
            "Type `:e` alone on the first line and press Enter (or Ctrl-X Ctrl-E at any time) to "
            "write it in `$VISUAL`/`$EDITOR` (else `editor`, `nano`, `vim` or `vi`, whichever is "
            "installed); the text comes back into the field to check before you finish"
        ),
        plain_how=(
            "as many lines as you need, then a line holding a single `.`; `:e` alone on the "
            "first line writes it in your editor"
        ),
        check=_check_long_text,
        prompt=_ask_long_text,
        recap=_recap_items,
    ),
    "yes_no": QuestionKind(
        label="yes/no",
        how="`y` or `n`; Enter takes the default shown",
        plain_how="`y` or `n` (or `yes`, `no`); Enter alone takes the default said",
        check=_check_yes_no,
        prompt=_ask_yes_no,
        shown=_shown_yes_no,
        condition_problem=_yes_no_condition,
    ),
    "choice": QuestionKind(
        label="pick one",
        how=_PICKED,
        plain_how="the choices are numbered: type a number, or the choice's name",
        check=_check_choice,
        prompt=_ask_choice,
        shown=_shown_choice,
        condition_problem=_choice_condition,
        problems_in_fields=_problems_in_choices,
        template_comment=_choices_comment,
        agenda=_choices_agenda,
        markdown=_choice_markdown,
        recap=_choice_recap,
    ),
    "multi_choice": QuestionKind(
        label="pick any",
        how=_PICKED,
        plain_how="the numbers (or names) of all that apply, separated by commas: `1,3`",
        check=_check_multi_choice,
        prompt=_ask_multi_choice,
        shown=_shown_choice,
        condition_problem=_choice_condition,  # true when it is among those picked
        problems_in_fields=_problems_in_choices,
        template_comment=_choices_comment,
        agenda=_choices_agenda,
        markdown=_choice_markdown,
        recap=_choice_recap,
    ),
    "number": QuestionKind(
        label="number",
        how=_TYPED,
        plain_how=_PLAIN_TYPED,
        check=_check_number,
        prompt=_ask_number,
        shown=_shown_number,
        condition_problem=_number_condition,
        problems_in_fields=_problems_in_number,
        agenda=_number_agenda,
        markdown=_number_markdown,
        recap=_number_recap,
    ),
    "date": QuestionKind(
        label="date",
        how=_TYPED,
        plain_how=_PLAIN_TYPED,
        check=_check_date_answer,
        default=_date_default,
        prompt=_ask_date,
        shown=_shown_date,
        recap=_date_recap,
    ),
    "list": QuestionKind(
        label="list",
        how=(
            "one item per line; Enter on an empty line finishes; Alt-↑/Alt-↓ moves an item; "
            "edit or delete any line as text"
        ),
        plain_how="one item per line, then an empty line; an empty first line keeps the items said",
        check=_check_list,
        prompt=_ask_list,
        recap=_recap_items,
    ),
    "action_items": QuestionKind(
        label="action items",
        how=(
            "what, owner (us / customer / both) and a name, due date, critical path; then a list "
            "of the items to add another, change, remove or move one, or finish"
        ),
        plain_how="field by field as above; then a numbered list to finish, add, change or move",
        check=_check_action_items,
        default=_action_items_default,
        prompt=_ask_action_items,
        template_comment=_action_items_comment,
        template_example=_action_items_example,
        markdown=_action_items_markdown,
        recap=_action_items_recap,
    ),
}


# --- what every caller asks of the table, for any type -----------------------------------------


def default_answer(question: Any, today: date) -> Any:
    """The question's default as an answer value (dates resolved against today)."""
    if question.default is None:
        return None
    return KINDS[question.type].default(question, today)


def check_answer(question: Any, value: Any, today: date) -> Any:
    """The answer in its stored form; AnswerError when it does not fit the question.

    Nothing given (None, an empty list, or text of blanks and line breaks only) is no answer:
    a skip where the question is optional, refused where it is required.
    """
    if value is None or value == [] or (isinstance(value, str) and not value.strip()):
        if question.required:
            raise AnswerError(f"{asked_as(question)} is required")
        return None
    return KINDS[question.type].check(question, value, today)


def shown_answer(question: Any, value: Any) -> str:
    """An answer on one line, as the person picked or typed it: labels, dates, first lines."""
    if value is None:
        return "(skipped)"
    return KINDS[question.type].shown(question, value)
