"""The Prompter protocol, its implementation for a person at a terminal, and a scripted one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from resetkit.dates import past_due
from resetkit.question_types import KINDS, AnswerError, Asking, Typed, check_answer
from resetkit.question_types.checks import check_action_item
from resetkit.question_types.ports import PICK_KEYS
from resetkit.run.terminal import GoBack

if TYPE_CHECKING:
    from collections.abc import Sequence

    # Only for types: the prompts read a question's attributes and dispatch on its `type`
    # (question_types.KINDS), so the first question can be asked before the models are built
    # (see headstart.py).
    from resetkit.format.model import ActionItemsQuestion, AnyQuestion
    from resetkit.run.terminal import Frame


class MissingAnswer(Exception):
    """A scripted run has no answer for a question that applies."""

    def __init__(self, question_id: str) -> None:
        super().__init__(question_id)
        self.question_id = question_id


class Prompter(Protocol):
    """What the runner needs from whoever answers: the person at a terminal, or a script."""

    def ask(
        self, question: AnyQuestion, current: Any, today: date, asking: Asking | None = None
    ) -> Any:
        """A checked answer to `question`; `current` is the default or the earlier answer.

        Raises Interrupted (Ctrl-C, end of input) or GoBack (the person asked for the question
        before; only when `asking.can_go_back`).
        """
        ...

    def pick(
        self,
        message: str,
        options: list[tuple[str, str]],
        asking: Asking | None = None,
        default: str | None = None,
    ) -> str:
        """The value of one of (value, label) options; `default` where the cursor starts.

        Raises GoBack as `ask` does, when `asking.can_go_back`.
        """
        ...

    def pause(self, title: str, asking: Asking) -> None:
        """Wait while a section without questions is read; GoBack as for `ask`."""
        ...


class ScriptedPrompter:
    """Answers from data (an answers file, a test); picks from a queue."""

    def __init__(self, answers: Mapping[str, Any], picks: list[str] | None = None) -> None:
        self.answers = dict(answers)
        self.picks = list(picks or [])

    def ask(
        self, question: AnyQuestion, current: Any, today: date, asking: Asking | None = None
    ) -> Any:
        """The scripted answer, checked; MissingAnswer when the script has none."""
        if question.id not in self.answers:
            raise MissingAnswer(question.id)
        return check_answer(question, self.answers[question.id], today)

    def pick(
        self,
        message: str,
        options: list[tuple[str, str]],
        asking: Asking | None = None,
        default: str | None = None,
    ) -> str:
        """The next scripted pick; the first option when the queue is empty."""
        return self.picks.pop(0) if self.picks else options[0][0]

    def pause(self, title: str, asking: Asking) -> None:
        """A script reads nothing: it goes straight on."""


OWNERS = [("us", "Us"), ("customer", "The customer"), ("both", "Both")]


class TerminalPrompter:
    """Asks a person in a terminal (terminal.py draws each prompt); Ctrl-C or end of input
    raise Interrupted, Shift-Tab or Ctrl-B raise GoBack where there is a question before.

    It is the port the type table asks with (question_types.Prompts): `ask` hands it to the
    entry of the question's type, which builds its prompt from `question_frame`, `typed`,
    `choice`, `yes_no` and `ask_action_items`."""

    plain = False  # prompts drawn in place; plain.py's are written line by line

    def __init__(self) -> None:
        # Called after the next prompt is drawn (then forgotten): see headstart.py.
        self.on_first_draw: Callable[[], None] | None = None

    def _frame(
        self,
        title: str,
        help: str | None = None,
        keys: list[str] | None = None,
        asking: Asking | None = None,
    ) -> Frame:
        from resetkit.run.terminal import Frame

        hook, self.on_first_draw = self.on_first_draw, None
        asking = asking or Asking()
        return Frame(
            title=title,
            help=help,
            keys=keys or [],
            status=asking.status,
            can_go_back=asking.can_go_back,
            after_first_draw=hook,
        )

    # --- the three ways of answering: every prompt is one of them ---------------------------
    # Kept as methods so that another way of asking (plain.py, line by line) replaces these
    # and keeps every prompt built on them: the question types, action items, the review.

    def typed(self, frame: Frame, typed: Typed, default: str = "") -> Any:
        """Text typed in a field, checked by `typed`; the checked value."""
        from resetkit.run.terminal import ask_typed

        return ask_typed(frame, typed, default)

    def choice(
        self,
        frame: Frame,
        options: list[tuple[Any, str]],
        default: Any = None,
        multiple: bool = False,
        ticked: Sequence[Any] = (),
        check: Callable[[Any], Any] | None = None,
        shown: Callable[[Any], str] | None = None,
    ) -> Any:
        """One value of (value, label) options, or with `multiple` the list of those ticked."""
        from resetkit.run.terminal import ask_choice

        return ask_choice(frame, options, default, multiple, ticked, check, shown)

    def yes_no(self, frame: Frame, default: bool) -> bool:
        """y or n; Enter takes the default."""
        from resetkit.run.terminal import ask_yes_no

        return ask_yes_no(frame, default)

    def notice(self, message: str) -> None:
        """A line shown above the next prompt."""
        from resetkit.run.terminal import flash

        flash(message)

    # --- prompts built on them ----------------------------------------------------------

    def pick(
        self,
        message: str,
        options: list[tuple[str, str]],
        asking: Asking | None = None,
        default: str | None = None,
    ) -> str:
        """One of the options, chosen with the arrow keys; the back key where `asking` says."""
        frame = self._frame(message, keys=PICK_KEYS, asking=asking)
        return str(self.choice(frame, list(options), default))

    def pause(self, title: str, asking: Asking) -> None:
        """Wait for Enter while the section above is read (it has no questions)."""
        frame = self._frame(f"{title}: read it out, then go on", None, ["Enter: go on"], asking)
        self.choice(frame, [("next", "Go on to the next section")])

    def confirm(self, message: str, default: bool = False) -> bool:
        """A yes or no; Enter takes `default`."""
        keys = ["y: yes", "n: no", f"Enter: {'yes' if default else 'no'}"]
        return self.yes_no(self._frame(message, None, keys), default)

    def line(self, message: str, needed: str) -> str:
        """One line of text that may not be blank; `needed` says why when it is."""

        def check(text: str) -> str:
            if not text.strip():
                raise ValueError(needed)
            return text.strip()

        typed = Typed(check=check, shown=str)
        return str(self.typed(self._frame(message, keys=["Enter: done"]), typed))

    def question_frame(self, question: AnyQuestion, keys: list[str], asking: Asking) -> Frame:
        """The frame of a prompt for `question`: its prompt, its help and these keys."""
        return self._frame(question.prompt, question.help, keys, asking)

    def ask(
        self, question: AnyQuestion, current: Any, today: date, asking: Asking | None = None
    ) -> Any:
        """Ask in the way that suits the question's type, until the answer fits."""
        return KINDS[question.type].prompt(self, question, current, today, asking or Asking())

    # --- action items -------------------------------------------------------------------

    def ask_action_items(
        self, question: ActionItemsQuestion, current: Any, today: date, asking: Asking
    ) -> Any:
        """Action items one by one, then a list to add, change, remove or reorder them."""
        items: list[dict[str, Any]] = list(current) if isinstance(current, list) else []

        def keep() -> None:
            if asking.keep is not None:
                asking.keep(list(items))

        if not items:
            first = self._action_item(question, None, 1, today, asking)
            if first is None:
                return check_answer(question, None, today)
            items.append(first)
            keep()
        problem = ""
        while True:
            options = [("done", f"Done: keep {_count(len(items))}"), ("add", "Add another")]
            # "item N", never a bare "N.": plain mode numbers the options themselves, and a
            # screen reader would hear two lists numbered alike.
            options += [
                (str(number), f"Change item {number + 1}: {_item_line(item)}")
                for number, item in enumerate(items)
            ]
            help = "\n".join(
                [f"Item {number}: {_item_line(item)}" for number, item in enumerate(items, 1)]
                + ([problem] if problem else [])
            )
            picked = self._pick_in(question.prompt, help, options, asking)
            problem = ""
            if picked == "done":
                try:
                    return check_answer(question, items or None, today)
                except AnswerError as error:
                    problem = str(error)
                    continue
            if picked == "add":
                item = self._action_item(question, None, len(items) + 1, today, None)
                if item is not None:
                    items.append(item)
                    keep()
                continue
            self._change_item(question, items, int(picked), today)
            keep()

    def _pick_in(
        self, title: str, help: str, options: list[tuple[str, str]], asking: Asking | None
    ) -> str:
        return str(self.choice(self._frame(title, help, PICK_KEYS, asking), list(options)))

    def _change_item(
        self, question: ActionItemsQuestion, items: list[dict[str, Any]], number: int, today: date
    ) -> None:
        item = items[number]
        options = [("edit", "Change it"), ("remove", "Remove it")]
        if number > 0:
            options.append(("up", "Move it up"))
        if number < len(items) - 1:
            options.append(("down", "Move it down"))
        options.append(("keep", "Leave it as it is"))
        try:
            what = self._pick_in(
                f"{question.prompt}: item {number + 1}", _item_line(item), options, None
            )
        except GoBack:
            return
        if what == "edit":
            edited = self._action_item(question, item, number + 1, today, None)
            if edited is not None:
                items[number] = edited
        elif what == "remove":
            del items[number]
        elif what in ("up", "down"):
            other = number - 1 if what == "up" else number + 1
            items[number], items[other] = items[other], items[number]

    def _action_item(
        self,
        question: ActionItemsQuestion,
        item: dict[str, Any] | None,
        number: int,
        today: date,
        asking: Asking | None,
    ) -> dict[str, Any] | None:
        """One action item asked field by field (Shift-Tab steps back a field); None when the
        'what' is left empty. GoBack from its first field leaves the question when `asking`
        allows it, else returns the item unchanged (None for a new one)."""
        fields: dict[str, Any] = dict(item or {})
        fields.setdefault("owner", "us")
        fields.setdefault("due", None)
        fields.setdefault("critical_path", False)
        context = f"{question.prompt}: item {number}"
        if question.help:
            context += f"\n{question.help}"
        next_keys = ["Enter: next"]
        if item is None:
            next_keys.append("Enter on an empty line: no more items")
        later = [self._item_owner, self._item_owner_name, self._item_due, self._item_critical]
        step = 0
        while step <= len(later):
            back = Asking(status=asking.status if asking else None, can_go_back=True)
            try:
                if step == 0:
                    what = self._item_what(fields, context, next_keys, back)
                    if not what:
                        if item is None and question.required and number == 1:
                            self.notice("  at least one action item is needed")
                            continue
                        return item
                    fields["what"] = what
                else:
                    later[step - 1](fields, context, back, today)
            except GoBack:
                if step == 0:
                    if item is None and number == 1 and asking is not None:
                        raise
                    return item
                step -= 1
                continue
            step += 1
        return check_action_item(fields, today)

    # --- an action item's fields, one prompt each (GoBack steps back a field) --------------

    def _item_what(
        self, fields: dict[str, Any], context: str, keys: list[str], back: Asking
    ) -> str:
        typed = Typed(check=lambda text: text.strip(), shown=str)
        frame = self._frame("What needs doing?", context, keys, back)
        return str(self.typed(frame, typed, str(fields.get("what") or "")))

    def _item_owner(self, fields: dict[str, Any], context: str, back: Asking, today: date) -> None:
        fields["owner"] = self.choice(
            self._frame("Who owns it?", context, PICK_KEYS, back),
            list(OWNERS),
            default=fields["owner"],
        )

    def _item_owner_name(
        self, fields: dict[str, Any], context: str, back: Asking, today: date
    ) -> None:
        def owner_name(text: str) -> str:
            # Refused here, in its field: checked only with the whole item, a control
            # character ended the run with the AnswerError.
            checked = check_action_item({"what": "x", "owner_name": text}, today)
            return str(checked["owner_name"])

        typed = Typed(check=owner_name, shown=lambda v: v or "(none)")
        fields["owner_name"] = self.typed(
            self._frame("Owner's name", f"{context} · optional", ["Enter: next"], back),
            typed,
            str(fields.get("owner_name") or ""),
        )

    def _item_due(self, fields: dict[str, Any], context: str, back: Asking, today: date) -> None:
        fallback = fields["due"] or "+7d"
        shown_due = check_action_item({"what": "x", "due": fallback}, today)["due"]

        def due(text: str) -> Any:
            return check_action_item({"what": "x", "due": text.strip() or fallback}, today)["due"]

        fields["due"] = self.typed(
            self._frame(
                "Due",
                context,
                ["YYYY-MM-DD or +14d", f"Enter alone: {shown_due}", "Enter: next"],
                back,
            ),
            Typed(
                check=due,
                shown=lambda v: f"{v} ({date.fromisoformat(v):%A})",
                confirm=lambda v: past_due(date.fromisoformat(v), today),
            ),
        )

    def _item_critical(
        self, fields: dict[str, Any], context: str, back: Asking, today: date
    ) -> None:
        critical = bool(fields["critical_path"])
        keys = ["y: yes", "n: no", f"Enter: {'yes' if critical else 'no'}"]
        fields["critical_path"] = self.yes_no(
            self._frame("On the critical path?", context, keys, back), critical
        )


def _count(number: int) -> str:
    return f"{number} item" if number == 1 else f"{number} items"


def _item_line(item: dict[str, Any]) -> str:
    """An action item on one line: what, who, by when."""
    owner = dict(OWNERS)[item["owner"]]
    who = f"{owner}, {item['owner_name']}" if item.get("owner_name") else owner
    due = f", due {item['due']}" if item.get("due") else ""
    critical = ", critical path" if item.get("critical_path") else ""
    return f"{item['what']} ({who}{due}{critical})"
