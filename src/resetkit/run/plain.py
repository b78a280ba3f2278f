"""The plain mode: every prompt written once, line by line, for a screen reader or a braille
display.

The full prompts (terminal.py) redraw the field, the toolbar and the clock in place every
second; a screen reader re-reads the screen or loses its place. Here nothing is redrawn: a
question is a few lines of text, the answer is a line typed at the terminal's own line editing
(no prompt_toolkit, no cursor movement), choices are numbered, and the clock is said when a
section starts or when asked (`?` or `time`). Only the three ways of answering (typed, choice,
yes or no) differ from TerminalPrompter; every prompt built on them (each question type, action
items, the review) is the same code, so a plain run keeps the same record.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from resetkit.controls import visible
from resetkit.run.prompts import TerminalPrompter
from resetkit.run.terminal import EDITOR_COMMAND, EditorFailed, GoBack, Interrupted

if TYPE_CHECKING:
    from resetkit.question_types import Typed
    from resetkit.run.terminal import Frame

# What a person types instead of an answer. `<` goes back (the README names it); `?` or `time`
# says the clock and how to answer; a single `.` ends a long text.
BACK = ("<", ":back")
TIME = ("?", "time")
END_OF_TEXT = "."
NONE = ":none"  # an answer kept from before, emptied (what deleting the text does in full)
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
YES = ("y", "yes")
NO = ("n", "no")


def wanted(flag: bool, cwd: Path | None = None) -> bool:
    """Whether to ask in plain mode: --plain, else $RESETKIT_PLAIN, else `plain` in a
    resetkit.toml up the tree, else a terminal that says it cannot move the cursor (TERM=dumb).
    """
    if flag:
        return True
    from_env = os.environ.get("RESETKIT_PLAIN", "").strip().lower()
    if from_env in TRUE_WORDS:
        return True
    if from_env in FALSE_WORDS:
        return False
    from resetkit.places import plain_in_config

    chosen = plain_in_config(cwd)
    if chosen is not None:
        return chosen
    return os.environ.get("TERM", "") == "dumb"


def person(plain: bool) -> TerminalPrompter:
    """Who asks the person at the terminal: line by line in plain mode, else the full prompts."""
    return PlainPrompter() if plain else TerminalPrompter()


def clock_line(frame: Frame) -> str:
    """The clock of the section being asked, as a sentence; '' when it is not timed."""
    from resetkit.run.screen import plain_clock

    status = frame.status() if frame.status else None
    return plain_clock(status) if status else ""


class PlainPrompter(TerminalPrompter):
    """Asks line by line: a question is written once, the answer is a typed line."""

    plain = True

    def __init__(self, read: TextIO | None = None, write: TextIO | None = None) -> None:
        super().__init__()
        self._in = read or sys.stdin
        self._out = write or sys.stdout

    # --- writing and reading ------------------------------------------------------------

    def _say(self, *lines: str) -> None:
        self._out.write("".join(f"{visible(line)}\n" for line in lines))
        self._out.flush()

    def _read(self) -> str:
        """One line as typed (the terminal's own line editing); Interrupted at its end."""
        self._out.write("> ")
        self._out.flush()
        try:
            line = self._in.readline()
        except KeyboardInterrupt:
            line = ""
        if not line:
            # Ctrl-C or Ctrl-D leaves the cursor after the prompt: what is said next starts
            # on a line of its own, not after "> ^C".
            self._out.write("\n")
            self._out.flush()
            raise Interrupted()
        return line.rstrip("\r\n")

    def _ask_lines(self, frame: Frame, how: list[str]) -> None:
        """The question, its help and how to answer, each once; then the frame's hook."""
        self._say("", f"? {frame.title}")
        if frame.help:
            # "item 1 · optional" is drawn for the eye; a screen reader would say "middle dot".
            said = frame.help.replace(" · ", ", ")
            self._say(*(f"  {line}" for line in said.split("\n")))
        # Each hint its own sentence: a screen reader runs "Enter alone: Over three months Type
        # < to go back" together without the full stop.
        last = how[-1] if how[-1].endswith((".", ":", "?")) else f"{how[-1]}."
        self._say(*(f"  {line}" for line in how[:-1]), f"  {last}")
        if frame.can_go_back:
            self._say("  Type < to go back.")
        hook, frame.after_first_draw = frame.after_first_draw, None
        if hook is not None:
            hook()

    def _command(self, frame: Frame, line: str, how: list[str]) -> bool:
        """Act on a typed command (back, time); whether the line was one."""
        word = line.strip().lower()
        if word in BACK:
            if frame.can_go_back:
                self._say("  (back to the question before)")
                raise GoBack()
            self._say("  There is no question before this one.")
            return True
        if word in TIME:
            self._say(*(f"  {line}" for line in [clock_line(frame) or "No clock here.", *how]))
            return True
        return False

    def _checked(self, check: Callable[[Any], Any], value: Any) -> tuple[bool, Any]:
        try:
            return True, check(value)
        except ValueError as problem:
            self._say(f"  Not taken: {problem}")
            return False, None

    # --- the three ways of answering ----------------------------------------------------

    def typed(self, frame: Frame, typed: Typed, default: str = "") -> Any:
        """Text typed line by line: one line, a long text ended by '.', or a list."""
        if typed.lines_are_items:
            return self._items(frame, typed, default)
        if typed.multiline:
            return self._long_text(frame, typed, default)
        how = ["Type the answer, then Enter.", *_hints(frame.keys)]
        if default:
            how.append(f"Enter alone keeps: {default}; {NONE} leaves it empty.")
        self._ask_lines(frame, how)
        line = self._read()
        while True:
            if self._command(frame, line, how):
                line = self._read()
                continue
            done, value = self._checked(typed.check, _emptied(line, default))
            following = self._unconfirmed(typed, value) if done else None
            if done and following is None:
                self._say(f"  Answer: {typed.shown(value)}")
                return value
            line = self._read() if following is None else following

    def _unconfirmed(self, typed: Typed, value: Any) -> str | None:
        """None when `value` is taken (nothing to confirm, or y); else the line typed next,
        to be read as the answer: anything but a yes is a new answer, so a person who sees
        the typo types the right date at once (a no asks for it)."""
        warning = typed.confirm(value) if typed.confirm is not None else ""
        if not warning:
            return None
        self._say(f"  {warning}. Keep it? Type y to keep it, or another answer.")
        line = self._read()
        word = line.strip().lower()
        if word in YES:
            return None
        if word in ("", *NO):
            self._say("  Not kept: type another answer.")
            return self._read()
        return line

    def _long_text(self, frame: Frame, typed: Typed, default: str) -> Any:
        how = [
            f"Type as many lines as you need; a line with a single {END_OF_TEXT} ends the text.",
            f"{EDITOR_COMMAND} alone on the first line writes it in your editor instead.",
        ]
        if default:
            how += [
                f"A {END_OF_TEXT} on the first line keeps the answer as it is ({NONE} empties it):"
            ]
            how += [f"  {line}" for line in default.split("\n")]
        self._ask_lines(frame, how)
        while True:
            lines: list[str] = []
            while True:
                line = self._read()
                if not lines and self._command(frame, line, how):
                    continue
                if not lines and line.strip() == EDITOR_COMMAND:
                    lines = self._from_editor(default)
                    break
                if not lines and default and line.strip() == NONE:
                    lines = [""]
                    break
                if line.strip() == END_OF_TEXT:
                    break
                lines.append(line)
            text = "\n".join(lines) if lines else default
            done, value = self._checked(typed.check, text)
            if done:
                self._say(f"  Answer: {typed.shown(value)}")
                return value
            self._say(f"  Type the text again, ending with {END_OF_TEXT}")

    def _from_editor(self, text: str) -> list[str]:
        from resetkit.run.terminal import edit_in_editor

        try:
            edited = edit_in_editor(text)
        except EditorFailed as failure:
            self._say(f"  {failure}")
            return text.split("\n") if text else []
        return edited.split("\n") if edited.strip() else []

    def _items(self, frame: Frame, typed: Typed, default: str) -> Any:
        how = ["Type one item per line; an empty line ends the list."]
        kept = [line for line in default.split("\n") if line.strip()]
        if kept:
            # Resumed or gone back to: what is typed is added, as a person carrying on a list
            # expects; nothing kept is lost without NONE.
            how.append(f"Kept so far ({NONE} removes them all; lines you type are added):")
            how += [f"  - {item}" for item in kept]
        self._ask_lines(frame, how)
        while True:
            items: list[str] = []
            while True:
                line = self._read()
                if not items and self._command(frame, line, how):
                    continue
                if not items and kept and line.strip() == NONE:
                    kept = []
                    break
                if not line.strip():
                    break
                if line.strip().lower() in BACK:
                    self._say("  < goes back only on a list's first line: type an item, or an")
                    self._say("  empty line to end the list.")
                    continue
                items.append(line.strip())
                if typed.keep is not None:
                    typed.keep([*kept, *items])
            done, value = self._checked(typed.check, "\n".join([*kept, *items]))
            if done:
                self._say(f"  Answer: {typed.shown(value)}")
                return value
            self._say("  Type the list again, ending with an empty line.")

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
        """A numbered list answered by number or label; several numbers with commas."""
        labels = {value: label for value, label in options}
        if len(options) == 1 and not multiple:
            how = ["Press Enter to go on."]
            default = options[0][0]
        elif multiple:
            how = ["Type the numbers of all that apply, separated by commas."]
            picked = [value for value, _ in options if value in ticked]
            kept = "; ".join(labels[value] for value in picked) or "none"
            how.append(f"Enter alone keeps: {kept}; {NONE} ticks none.")
        else:
            how = ["Type a number or the choice's name."]
            if default in labels:
                how.append(f"Enter alone: {labels[default]}")
        how = [f"{n}. {label}" for n, (_, label) in enumerate(options, 1)] + how
        self._ask_lines(frame, how)
        while True:
            line = self._read()
            if self._command(frame, line, how):
                continue
            if multiple and line.strip() == NONE:
                answer: Any = []
            elif not line.strip():
                if multiple:
                    answer = [value for value, _ in options if value in ticked]
                elif default in labels:
                    answer = default
                else:
                    self._say("  Type a number from the list.")
                    continue
            else:
                found = _picked(options, line, multiple)
                if isinstance(found, str):
                    self._say(f"  Not taken: {found}")
                    continue
                answer = found if multiple else found[0]
            done, answer = self._checked(check or (lambda value: value), answer)
            if done:
                said = shown(answer) if shown else _shown(labels, answer, multiple)
                self._say(f"  Answer: {said}")
                return answer

    def yes_no(self, frame: Frame, default: bool) -> bool:
        """y or n; Enter alone takes the default."""
        how = [f"Type y or n; Enter alone: {'yes' if default else 'no'}."]
        self._ask_lines(frame, how)
        while True:
            line = self._read()
            if self._command(frame, line, how):
                continue
            word = line.strip().lower()
            if word in ("", "y", "yes", "n", "no"):
                answer = default if not word else word.startswith("y")
                self._say(f"  Answer: {'Yes' if answer else 'No'}")
                return answer
            self._say("  Not taken: type y or n.")

    def notice(self, message: str) -> None:
        """A line written between prompts."""
        self._say(message)


def _picked(options: list[tuple[Any, str]], line: str, multiple: bool) -> list[Any] | str:
    """The values a typed line names, by number or by label; what is wrong as text if any."""
    parts = [part.strip() for part in line.split(",")] if multiple else [line.strip()]
    by_label = {label.strip().lower(): value for value, label in options}
    by_label.update({str(value).lower(): value for value, _ in options})
    values: list[Any] = []
    for part in parts:
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= len(options):
            values.append(options[int(part) - 1][0])
        elif part.lower() in by_label:
            values.append(by_label[part.lower()])
        else:
            return f"{part!r} is not on the list: type a number from 1 to {len(options)}"
    if not values:
        return "type a number from the list"
    return list(dict.fromkeys(values))


def _shown(labels: dict[Any, str], answer: Any, multiple: bool) -> str:
    if multiple:
        return "; ".join(labels.get(value, str(value)) for value in answer or []) or "(none)"
    return labels.get(answer, str(answer))


# Keys of the full prompts that plain mode has no use for; the other hints (a date's forms,
# a unit, what Enter alone takes) are said as they are.
_KEY_NAMES = ("Enter:", "Enter on", "Esc", "↑", "Alt", "Space", "y:", "n:", ":e", "Ctrl")


def _hints(keys: list[str]) -> list[str]:
    return [f"{key[:1].upper()}{key[1:]}." for key in keys if not key.startswith(_KEY_NAMES)]


def _emptied(line: str, default: str) -> str:
    """A typed line: Enter alone keeps `default`, NONE empties it, anything else is itself."""
    if not line:
        return default
    return "" if default and line.strip() == NONE else line
