"""The Prompter protocol, its questionary implementation for a terminal, and a scripted one."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from resetkit.checks import AnswerError, check_action_item, check_answer

if TYPE_CHECKING:
    # Only for types: the prompts read a question's attributes and dispatch on its `type`, so
    # the first question can be asked before the models are built (see headstart.py).
    from resetkit.model import (
        ActionItemsQuestion,
        AnyQuestion,
        ChoiceQuestion,
        DateQuestion,
        ListQuestion,
        LongTextQuestion,
        NumberQuestion,
    )

SKIP = "__skip__"
EDITOR_COMMAND = ":e"


class Interrupted(Exception):
    """The person pressed Ctrl-C or closed the input while a prompt was open."""


class MissingAnswer(Exception):
    """A scripted run has no answer for a question that applies."""

    def __init__(self, question_id: str) -> None:
        super().__init__(question_id)
        self.question_id = question_id


class Prompter(Protocol):
    """What the runner needs from whoever answers: the person at a terminal, or a script."""

    def ask(self, question: AnyQuestion, current: Any, today: date) -> Any:
        """A checked answer to `question`; `current` is the default or the earlier answer."""
        ...

    def pick(self, message: str, options: list[tuple[str, str]]) -> str:
        """The value of one of (value, label) options."""
        ...


class ScriptedPrompter:
    """Answers from data (an answers file, a test); picks from a queue."""

    def __init__(self, answers: Mapping[str, Any], picks: list[str] | None = None) -> None:
        self.answers = dict(answers)
        self.picks = list(picks or [])

    def ask(self, question: AnyQuestion, current: Any, today: date) -> Any:
        """The scripted answer, checked; MissingAnswer when the script has none."""
        if question.id not in self.answers:
            raise MissingAnswer(question.id)
        return check_answer(question, self.answers[question.id], today)

    def pick(self, message: str, options: list[tuple[str, str]]) -> str:
        """The next scripted pick; the first option when the queue is empty."""
        return self.picks.pop(0) if self.picks else options[0][0]


class FallbackPrompter:
    """Answers from a script where it has them; asks the person for the rest."""

    def __init__(self, scripted: ScriptedPrompter, person: Prompter) -> None:
        self.scripted = scripted
        self.person = person

    def ask(self, question: AnyQuestion, current: Any, today: date) -> Any:
        """The scripted answer if there is one, else the person's."""
        if question.id in self.scripted.answers:
            return self.scripted.ask(question, current, today)
        return self.person.ask(question, current, today)

    def pick(self, message: str, options: list[tuple[str, str]]) -> str:
        """Always the person's pick."""
        return self.person.pick(message, options)


class TerminalPrompter:
    """Prompts in a terminal through questionary; Ctrl-C or EOF raise Interrupted."""

    def __init__(self) -> None:
        import questionary

        self.q = questionary
        # Called after the next prompt is drawn (then forgotten): see headstart.py.
        self.on_first_draw: Callable[[], None] | None = None

    def _run(self, prompt: Any) -> Any:
        if self.on_first_draw is not None:
            hook, self.on_first_draw = self.on_first_draw, None
            prompt.application.after_render += lambda _application: hook()
        try:
            return prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None

    def pick(self, message: str, options: list[tuple[str, str]]) -> str:
        """One of the options, chosen with the arrow keys."""
        choices = [self.q.Choice(title=label, value=value) for value, label in options]
        return str(self._run(self.q.select(message, choices=choices)))

    def _validator(self, question: AnyQuestion, today: date) -> Any:
        def validate(text: str) -> bool | str:
            try:
                check_answer(question, text, today)
            except AnswerError as error:
                return str(error)
            return True

        return validate

    def ask(self, question: AnyQuestion, current: Any, today: date) -> Any:
        """Ask in the way that suits the question's type, until the answer fits."""
        instruction = f"({question.help})" if question.help else None
        if question.type == "yes_no":
            default = current if isinstance(current, bool) else False
            return bool(
                self._run(self.q.confirm(question.prompt, default=default, instruction=instruction))
            )
        if question.type == "choice":
            return self._select(question, current, instruction)
        if question.type == "multi_choice":
            picked = current if isinstance(current, list) else []
            choices = [
                self.q.Choice(title=c.shown, value=c.value, checked=c.value in picked)
                for c in question.choices
            ]
            answer = self._run(
                self.q.checkbox(question.prompt, choices=choices, instruction=instruction)
            )
            return check_answer(question, list(answer or []), today)
        if question.type == "list":
            return self._list(question, current, today)
        if question.type == "action_items":
            return self._action_items(question, current, today)
        if question.type == "long_text":
            return self._long_text(question, current, today)
        if question.type == "date" or question.type == "number":
            return self._typed_value(question, current, today)
        text = self._run(
            self.q.text(
                question.prompt,
                default="" if current is None else str(current),
                instruction=instruction,
                validate=self._validator(question, today),
            )
        )
        return check_answer(question, text, today)

    def _typed_value(
        self, question: DateQuestion | NumberQuestion, current: Any, today: date
    ) -> Any:
        # A date or number is typed fresh: editing around a pre-filled value garbles it,
        # so an empty answer takes the default instead.
        parts = [question.help] if question.help else []
        if question.type == "date":
            parts.append("2026-12-01, today, +14d")
        elif question.unit:
            parts.append(question.unit)
        if current is not None:
            parts.append(f"Enter for {current}")
        fallback = "" if current is None else str(current)
        validate = self._validator(question, today)
        text = self._run(
            self.q.text(
                question.prompt,
                instruction=f"({'; '.join(parts)})" if parts else None,
                validate=lambda typed: validate(typed.strip() or fallback),
            )
        )
        return check_answer(question, text.strip() or fallback, today)

    def _select(self, question: ChoiceQuestion, current: Any, instruction: str | None) -> Any:
        choices = [self.q.Choice(title=c.shown, value=c.value) for c in question.choices]
        if not question.required:
            choices.append(self.q.Choice(title="(skip)", value=SKIP))
        default = current if any(c.value == current for c in question.choices) else None
        answer = self._run(
            self.q.select(
                question.prompt, choices=choices, default=default, instruction=instruction
            )
        )
        return None if answer == SKIP else answer

    def _long_text(self, question: LongTextQuestion, current: Any, today: date) -> Any:
        instruction = "(Esc then Enter to finish; :e opens your $EDITOR)"
        text = self._run(
            self.q.text(
                question.prompt, default=current or "", multiline=True, instruction=instruction
            )
        )
        if text.strip() == EDITOR_COMMAND:
            text = edit_in_editor(current or "")
        while True:
            try:
                return check_answer(question, text, today)
            except AnswerError as error:
                text = self._run(
                    self.q.text(
                        f"{question.prompt} ({error})", multiline=True, instruction=instruction
                    )
                )

    def _list(self, question: ListQuestion, current: Any, today: date) -> Any:
        items: list[str] = list(current) if isinstance(current, list) else []
        message = question.prompt
        if items:
            self.q.print("  so far: " + "; ".join(items), style="italic")
        while True:
            item = self._run(self.q.text(message, instruction="(one per line, empty to finish)"))
            if not item.strip():
                try:
                    return check_answer(question, items, today)
                except AnswerError as error:
                    self.q.print(f"  {error}", style="fg:red")
                    continue
            items.append(item.strip())
            message = "  and"

    def _action_items(self, question: ActionItemsQuestion, current: Any, today: date) -> Any:
        items: list[dict[str, Any]] = list(current) if isinstance(current, list) else []
        for item in items:
            self.q.print(
                f"  kept: {item['what']} ({item['owner']}, due {item['due']})", style="italic"
            )
        self.q.print(question.prompt, style="bold")
        while True:
            if items and not self._run(self.q.confirm("Add another action item?", default=False)):
                break
            what = self._run(
                self.q.text("  What needs doing?", instruction="(empty to finish)")
            ).strip()
            if not what:
                if items or not question.required:
                    break
                self.q.print("  at least one action item is required", style="fg:red")
                continue
            owner = self._run(
                self.q.select(
                    "  Who owns it?",
                    choices=[
                        self.q.Choice(title="Us", value="us"),
                        self.q.Choice(title="The customer", value="customer"),
                        self.q.Choice(title="Both", value="both"),
                    ],
                )
            )
            owner_name = self._run(self.q.text("  Owner's name", instruction="(optional)"))
            due = (
                self._run(
                    self.q.text(
                        "  Due",
                        instruction="(2026-12-01, +14d; Enter for +7d)",
                        validate=lambda typed: _due_validator(today)(typed.strip() or "+7d"),
                    )
                ).strip()
                or "+7d"
            )
            critical = self._run(self.q.confirm("  On the critical path?", default=False))
            items.append(
                check_action_item(
                    {
                        "what": what,
                        "owner": owner,
                        "owner_name": owner_name,
                        "due": due,
                        "critical_path": critical,
                    },
                    today,
                )
            )
        return check_answer(question, items, today)


def _due_validator(today: date) -> Any:
    def validate(text: str) -> bool | str:
        try:
            check_action_item({"what": "x", "due": text}, today)
        except AnswerError as error:
            return str(error)
        return True

    return validate


def edit_in_editor(text: str) -> str:
    """Text edited in $VISUAL or $EDITOR; the text unchanged when no editor is set."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        return text
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as draft:
        draft.write(text)
    path = Path(draft.name)
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
        return path.read_text("utf-8").rstrip("\n")
    finally:
        path.unlink(missing_ok=True)
