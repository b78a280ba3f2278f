"""The prompts as a person sees them: the question, its help, the field and a toolbar.

Each prompt is a small prompt_toolkit application, not questionary's one-line prompt: the
question is word-wrapped on lines of its own above the field, so it stays readable at any width
(and after a resize, since it is wrapped again on every redraw); what is typed wraps at the
terminal's edge; the keys and the running clock live in a toolbar under the field. questionary
puts the question, its instruction and the typed text on one line, which at 80 columns leaves
typing a strip a few columns wide, or blanks the screen.

Plain data in, no models: the first question of a run is asked before pydantic has loaded.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from resetkit.question_types.ports import Fragments, Typed

if TYPE_CHECKING:
    from prompt_toolkit.application import Application
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.layout import Container, Window


class Interrupted(Exception):
    """The person pressed Ctrl-C or closed the input while a prompt was open."""


class GoBack(Exception):
    """The person asked to go back to the question before this one."""


# Shift-Tab is the usual "back" key; some terminals (and tmux setups) do not pass it through,
# so Ctrl-B does the same.
BACK_KEYS = "Shift-Tab or Ctrl-B: back"
EDITOR_COMMAND = ":e"

STYLE = {
    "question": "bold",
    "help": "italic",
    "toolbar": "fg:ansibrightblack",
    "status": "",
    "over": "fg:ansired bold",
    "error": "fg:ansired bold",
    "pointer": "fg:ansicyan bold",
    "current": "fg:ansicyan bold",
    "ticked": "fg:ansicyan",
    "answer": "fg:ansicyan",
    "prefix": "fg:ansicyan",
}


@dataclass
class Frame:
    """What surrounds a field: the question as asked, its help, the keys, the clock."""

    title: str
    help: str | None = None
    keys: list[str] = field(default_factory=list)
    status: Callable[[], Fragments | None] | None = None
    can_go_back: bool = False
    after_first_draw: Callable[[], None] | None = None


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Word-wrapped lines of `text` (paragraphs kept) that fit `width` terminal cells."""
    from prompt_toolkit.utils import get_cwidth as cells

    width = max(width, 10)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, filled = (first if not lines else rest), False
        for word in paragraph.split(" "):
            while True:
                gap = " " if filled else ""
                if cells(line) + cells(gap) + cells(word) <= width:
                    line, filled = line + gap + word, True
                    break
                if filled:
                    lines.append(line)
                    line, filled = rest, False
                    continue
                # A word longer than a whole line is cut where the line ends.
                cut = _fit(word, width - cells(line))
                lines.append(line + word[:cut])
                line, word = rest, word[cut:]
                if not word:
                    break
        if filled or line.strip() or not lines or line == first:
            lines.append(line)
    return lines


def _fit(word: str, room: int) -> int:
    """How many leading characters of `word` fit in `room` cells (at least one)."""
    from prompt_toolkit.utils import get_cwidth

    used = 0
    for index, char in enumerate(word):
        used += get_cwidth(char)
        if used > room:
            return max(index, 1)
    return len(word)


def _width() -> int:
    from prompt_toolkit.application import get_app

    return get_app().output.get_size().columns


def _lines_window(render: Callable[[int], Fragments]) -> Container:
    """A window that shows the fragments `render` gives for the current width, all of them."""
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension

    def text() -> Fragments:
        return render(_width())

    def height() -> Dimension:
        lines = sum(fragment.count("\n") for _, fragment in render(_width())) + 1
        return Dimension.exact(lines)

    return Window(FormattedTextControl(cast(Any, text)), height=height, wrap_lines=False)


def _joined(lines: Sequence[str], style: str) -> Fragments:
    return [(style, "\n".join(lines))]


def run_frame(
    frame: Frame,
    body: Container,
    bindings: KeyBindings,
    done: Callable[[], str],
    error: list[str],
    focus: Any = None,
) -> Any:
    """Run one prompt: the frame around `body`; its result, or Interrupted / GoBack."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import merge_key_bindings
    from prompt_toolkit.key_binding.defaults import load_key_bindings
    from prompt_toolkit.layout import Layout
    from prompt_toolkit.styles import Style

    went_back: list[bool] = []
    layout = _frame_layout(frame, body, done, error, went_back)
    keys = _common_bindings(frame, lambda: went_back.append(True))
    application: Application[Any] = Application(
        layout=Layout(layout, focused_element=focus),
        key_bindings=merge_key_bindings([load_key_bindings(), keys, bindings]),
        style=Style.from_dict(STYLE),
        refresh_interval=1.0 if frame.status else None,
        erase_when_done=False,
        mouse_support=False,
    )
    if frame.after_first_draw is not None:
        hook = frame.after_first_draw
        application.after_render += lambda _application: hook()
    try:
        return application.run(
            pre_run=lambda: _crashes_end_the_prompt(application), set_exception_handler=False
        )
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None


def _frame_layout(
    frame: Frame,
    body: Container,
    done: Callable[[], str],
    error: list[str],
    went_back: list[bool],
) -> Container:
    """The question over its help, the field, the error and the toolbar; once answered, the
    question over the answer (or a note that the person went back)."""
    from prompt_toolkit.filters import Condition, is_done
    from prompt_toolkit.layout import ConditionalContainer, HSplit

    def question(width: int) -> Fragments:
        return _joined(wrap(frame.title, width, "? ", "  "), "class:question")

    def help_text(width: int) -> Fragments:
        return _joined(wrap(frame.help or "", width, "  ", "  "), "class:help")

    def answer(width: int) -> Fragments:
        if went_back:
            return _joined(wrap("(back to the question before)", width, "  ", "  "), "class:help")
        return _joined(wrap(done(), width, "  ", "  "), "class:answer")

    def error_text(width: int) -> Fragments:
        return _joined(wrap(error[0], width, "  ", "  "), "class:error")

    return HSplit(
        [
            _lines_window(question),
            ConditionalContainer(
                _lines_window(help_text), filter=Condition(lambda: bool(frame.help)) & ~is_done
            ),
            ConditionalContainer(body, filter=~is_done),
            ConditionalContainer(_lines_window(answer), filter=is_done),
            ConditionalContainer(
                _lines_window(error_text), filter=Condition(lambda: bool(error[0])) & ~is_done
            ),
            ConditionalContainer(
                _lines_window(lambda width: _toolbar(frame, width)), filter=~is_done
            ),
        ]
    )


def _toolbar(frame: Frame, width: int) -> Fragments:
    """The running clock over the keys, wrapped between hints."""
    fragments: Fragments = []
    status = frame.status() if frame.status else None
    if status:
        fragments += [*status, ("", "\n")]
    keys = [*frame.keys, BACK_KEYS] if frame.can_go_back else list(frame.keys)
    fragments += _joined(_wrap_hints(keys, width), "class:toolbar")
    return fragments


def _crashes_end_the_prompt(application: Application[Any]) -> None:
    """An error in a key's handler (or the editor's task) ends the prompt by raising it.

    prompt_toolkit's own handler would print the traceback over the prompt and wait for
    Enter; raised, the error reaches the CLI, which reports it once as an internal error
    (exit 70, with its crash log), the answers given so far being saved already.
    """
    import asyncio

    def crashed(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception") or RuntimeError(str(context.get("message")))
        if not application.is_done:
            application.exit(exception=error)

    asyncio.get_running_loop().set_exception_handler(crashed)


def _wrap_hints(hints: list[str], width: int) -> list[str]:
    """Key hints joined by ' · ', broken between hints where a line is full."""
    lines: list[str] = []
    line = " "
    for hint in hints:
        candidate = f"{line} · {hint}" if line.strip() else f" {hint}"
        if len(candidate) > width and line.strip():
            lines.append(line)
            candidate = f" {hint}"
        line = candidate
    lines.append(line)
    return [part for text in lines for part in wrap(text, width, "", "   ")]


def _common_bindings(frame: Frame, going_back: Callable[[], None]) -> KeyBindings:
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @keys.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt())

    if frame.can_go_back:

        @keys.add("s-tab")
        @keys.add("c-b")
        def _back(event: KeyPressEvent) -> None:
            going_back()
            event.app.exit(exception=GoBack())

    return keys


# --- typed answers ------------------------------------------------------------------------


def ask_typed(frame: Frame, typed: Typed, default: str = "") -> Any:
    """Text typed in a field that wraps at the terminal's edge; the checked value."""
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.document import Document
    from prompt_toolkit.key_binding import KeyBindings

    error = [""]
    accepted: list[Any] = []
    buffer = Buffer(
        document=Document(default, len(default)),
        multiline=typed.multiline or typed.lines_are_items,
        on_text_changed=lambda _buffer: error.__setitem__(0, ""),
    )
    body = _typed_field(buffer, typed)
    keys = KeyBindings()
    accept = _accepting(buffer, typed, error, accepted)
    if typed.lines_are_items:
        _list_keys(keys, buffer, typed, accept)
    elif typed.multiline:
        _long_text_keys(keys, buffer, error, accept)
    else:
        keys.add("enter")(accept)
    _end_of_input_key(keys, buffer)

    def done() -> str:
        return typed.shown(accepted[0]) if accepted else ""

    return run_frame(frame, body, keys, done, error, focus=body)


def _typed_field(buffer: Buffer, typed: Typed) -> Window:
    """The field text is typed in: a bullet before each item of a list, a › before the text."""
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import BufferControl
    from prompt_toolkit.layout.dimension import Dimension

    def prefix(line: int, wrapped: int) -> Fragments:
        if typed.lines_are_items:
            return [("class:prefix", "• " if wrapped == 0 else "  ")]
        return [("class:prefix", "› " if line == 0 and wrapped == 0 else "  ")]

    return Window(
        BufferControl(buffer),
        wrap_lines=True,
        get_line_prefix=cast(Any, prefix),
        height=Dimension(min=1),
        dont_extend_height=True,
    )


Handler = Callable[["KeyPressEvent"], None]


def _accepting(buffer: Buffer, typed: Typed, error: list[str], accepted: list[Any]) -> Handler:
    """The key handler that ends the field: the checked value, or the check's message."""

    def accept(event: KeyPressEvent) -> None:
        text = buffer.text
        if typed.multiline and text.strip() == EDITOR_COMMAND:
            _open_editor(event, buffer, "", error)
            return
        try:
            value = typed.check(text)
        except ValueError as problem:
            error[0] = str(problem)
            return
        if _to_confirm(typed, value, error):
            return
        accepted.append(value)
        event.app.exit(result=value)

    return accept


def _to_confirm(typed: Typed, value: Any, error: list[str]) -> bool:
    """Whether `value` waits for a second Enter: what to confirm is shown under the field,
    with the text kept as typed; a change to the text asks again (it clears the line)."""
    warning = typed.confirm(value) if typed.confirm is not None else ""
    if not warning:
        return False
    asked = f"{warning} — Enter again keeps it, or change it"
    if error[0] == asked:
        return False
    error[0] = asked
    return True


def _list_keys(keys: KeyBindings, buffer: Buffer, typed: Typed, accept: Handler) -> None:
    """A list's keys: Enter starts the next item (on an empty line it ends the list), Alt-↑/↓
    move an item."""

    @keys.add("enter")
    def _item(event: KeyPressEvent) -> None:
        if not buffer.document.current_line.strip():
            accept(event)  # an empty line ends the list wherever it is; it holds no item
            return
        buffer.newline(copy_margin=False)
        if typed.keep is not None:
            typed.keep(_items(buffer.text))

    @keys.add("escape", "up")
    def _up(event: KeyPressEvent) -> None:
        _move_line(buffer, -1)

    @keys.add("escape", "down")
    def _down(event: KeyPressEvent) -> None:
        _move_line(buffer, 1)

    keys.add("escape", "enter")(accept)
    keys.add("c-s")(accept)


def _long_text_keys(keys: KeyBindings, buffer: Buffer, error: list[str], accept: Handler) -> None:
    """A long text's keys: Enter makes a new line (`:e` alone opens the editor), Esc Enter or
    Ctrl-S finish, Ctrl-X Ctrl-E opens the editor."""

    @keys.add("enter")
    def _newline(event: KeyPressEvent) -> None:
        if buffer.text.strip() == EDITOR_COMMAND:
            _open_editor(event, buffer, "", error)
            return
        buffer.newline(copy_margin=False)

    keys.add("escape", "enter")(accept)
    keys.add("c-s")(accept)

    @keys.add("c-x", "c-e")
    def _editor(event: KeyPressEvent) -> None:
        _open_editor(event, buffer, buffer.text, error)


def _end_of_input_key(keys: KeyBindings, buffer: Buffer) -> None:
    """Ctrl-D deletes a character, or ends the input in an empty field."""

    @keys.add("c-d")
    def _eof(event: KeyPressEvent) -> None:
        if buffer.text:
            buffer.delete()
        else:
            event.app.exit(exception=EOFError())


def _items(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _move_line(buffer: Buffer, step: int) -> None:
    """Move the line under the cursor up or down one place (reordering list items)."""
    from prompt_toolkit.document import Document

    lines = buffer.text.split("\n")
    row = buffer.document.cursor_position_row
    target = row + step
    if not 0 <= target < len(lines):
        return
    lines[row], lines[target] = lines[target], lines[row]
    text = "\n".join(lines)
    # The cursor stays at the end of the item it moved, so Enter and typing go on from there.
    position = sum(len(line) + 1 for line in lines[:target]) + len(lines[target])
    buffer.document = Document(text, position)


def _open_editor(event: KeyPressEvent, buffer: Buffer, text: str, error: list[str]) -> None:
    """Edit `text` in the person's editor; the result goes back into the field to be checked."""
    from prompt_toolkit.application.run_in_terminal import run_in_terminal
    from prompt_toolkit.document import Document

    async def edit() -> None:
        try:
            edited = await run_in_terminal(lambda: edit_in_editor(text), in_executor=True)
        except EditorFailed as failure:
            buffer.document = Document(text, len(text))
            error[0] = str(failure)
            return
        finally:
            # run_in_terminal redrew the prompt before the message was set; a field whose
            # text did not change asks for no redraw, so the message would wait for a key.
            event.app.invalidate()
        buffer.document = Document(edited, len(edited))
        if not edited.strip():
            error[0] = "the editor returned nothing; type the answer here or :e to try again"

    event.app.create_background_task(edit())


class EditorFailed(Exception):
    """No editor to run, or the one named could not be started; the message says which."""


def editor_command() -> list[str] | None:
    """The person's editor: $VISUAL, $EDITOR, else a common one on the PATH; None if none."""
    for chosen in (os.environ.get("VISUAL"), os.environ.get("EDITOR")):
        if chosen and chosen.strip():
            return shlex.split(chosen)
    for name in ("sensible-editor", "editor", "nano", "vim", "vi"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def edit_in_editor(text: str) -> str:
    """Text edited in the person's editor; EditorFailed when there is none to run."""
    command = editor_command()
    if command is None:
        raise EditorFailed(
            "no editor found: set $EDITOR (or $VISUAL) to one, or type the answer here"
        )
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as draft:
        draft.write(text)
    path = Path(draft.name)
    try:
        try:
            subprocess.run([*command, str(path)], check=False)
        except OSError as problem:
            raise EditorFailed(
                f"could not start the editor '{shlex.join(command)}' ({problem.strerror}): "
                "check $EDITOR or $VISUAL, or type the answer here"
            ) from None
        return path.read_text("utf-8").rstrip("\n")
    finally:
        path.unlink(missing_ok=True)


# --- choices ------------------------------------------------------------------------------


def ask_choice(
    frame: Frame,
    options: list[tuple[Any, str]],
    default: Any = None,
    multiple: bool = False,
    ticked: Sequence[Any] = (),
    check: Callable[[Any], Any] | None = None,
    shown: Callable[[Any], str] | None = None,
) -> Any:
    """One value of (value, label) options, or with `multiple` the list of those ticked.

    `check` turns what was picked into the answer (or raises ValueError with a message); it
    may make an empty pick a skip (None), so `shown` then says how the answer reads once
    accepted, as a typed field's `Typed.shown` does.
    """
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension

    state = _Choosing(options, multiple)
    values = state.values
    state.index = values.index(default) if default in values else 0
    state.chosen = [value for value in values if value in ticked]
    control = FormattedTextControl(
        cast(Any, lambda: _choice_lines(state, _width())), focusable=True, show_cursor=False
    )
    body = Window(control, height=Dimension(min=1), dont_extend_height=True)
    keys = KeyBindings()
    _moving_keys(keys, state)
    if multiple:
        _ticking_key(keys, state)
    _picking_key(keys, state, check)
    _typing_key(keys, state)
    return run_frame(frame, body, keys, lambda: _picked(state, shown), state.error, focus=body)


@dataclass
class _Choosing:
    """Where a choice stands: the option under the pointer, those ticked, what was accepted."""

    options: list[tuple[Any, str]]
    multiple: bool
    index: int = 0
    chosen: list[Any] = field(default_factory=list)
    error: list[str] = field(default_factory=lambda: [""])
    accepted: list[Any] = field(default_factory=list)
    typed: str = ""  # letters typed at the choice since the last Enter: no answer here

    @property
    def values(self) -> list[Any]:
        return [value for value, _ in self.options]


def _choice_lines(state: _Choosing, width: int) -> Fragments:
    """The options, each wrapped, the pointer at the current one and a mark at those ticked."""
    fragments: Fragments = []
    for number, (value, label) in enumerate(state.options):
        here = number == state.index
        mark = ("◉ " if value in state.chosen else "○ ") if state.multiple else ""
        pointer = "❯ " if here else "  "
        wrapped = wrap(mark + label, width, pointer, "    " if state.multiple else "  ")
        style = "class:current" if here else ("class:ticked" if value in state.chosen else "")
        if here:
            fragments.append(("[SetCursorPosition]", ""))
        fragments.append((style, "\n".join(wrapped)))
        if number < len(state.options) - 1:
            fragments.append(("", "\n"))
    return fragments


def _moving_keys(keys: KeyBindings, state: _Choosing) -> None:
    """↑ (Ctrl-P, k) and ↓ (Ctrl-N, j, Tab) move the pointer, round from end to end."""

    @keys.add("up")
    @keys.add("c-p")
    @keys.add("k")
    def _up(event: KeyPressEvent) -> None:
        if state.typed and event.data == "k":  # a word is being typed: a letter of it
            _note_typed(state, event.data)
            return
        state.index = (state.index - 1) % len(state.options)

    @keys.add("down")
    @keys.add("c-n")
    @keys.add("j")
    @keys.add("tab")
    def _down(event: KeyPressEvent) -> None:
        if state.typed and event.data == "j":
            _note_typed(state, event.data)
            return
        state.index = (state.index + 1) % len(state.options)


def _ticking_key(keys: KeyBindings, state: _Choosing) -> None:
    """Space ticks the option under the pointer, or unticks it."""

    @keys.add("space")
    def _tick(event: KeyPressEvent) -> None:
        state.error[0] = ""
        value = state.values[state.index]
        if value in state.chosen:
            state.chosen.remove(value)
        else:
            state.chosen.append(value)


def _picking_key(keys: KeyBindings, state: _Choosing, check: Callable[[Any], Any] | None) -> None:
    """Enter takes the option under the pointer (those ticked, in a multiple choice), checked."""

    @keys.add("enter")
    def _accept(event: KeyPressEvent) -> None:
        if state.typed:  # words typed here were meant for a field: ask before picking
            state.typed = ""
            label = dict(state.options).get(state.values[state.index], "")
            state.error[0] = f"Enter again picks “{label}”; ↑ ↓ choose another."
            return
        values = state.values
        picked: Any = (
            [v for v in values if v in state.chosen] if state.multiple else values[state.index]
        )
        if check is not None:
            try:
                picked = check(picked)
            except ValueError as problem:
                state.error[0] = str(problem)
                return
        state.accepted.append(picked)
        event.app.exit(result=picked)


def _typing_key(keys: KeyBindings, state: _Choosing) -> None:
    """Letters typed at a choice are no answer: said under it at once (a person typing the
    next item where a choice stands must not lose it unawares), and the next Enter asks once
    more before it picks."""
    from prompt_toolkit.keys import Keys

    @keys.add(Keys.Any)
    def _typed(event: KeyPressEvent) -> None:
        if event.data.isprintable():
            _note_typed(state, event.data)


def _note_typed(state: _Choosing, text: str) -> None:
    """A letter typed at a choice, said under it with the others typed since the last Enter."""
    state.typed += text
    shown = state.typed if len(state.typed) <= 24 else "…" + state.typed[-23:]
    state.error[0] = f"This is a choice, not a field: “{shown}” is not taken. ↑ ↓ and Enter pick."


def _picked(state: _Choosing, shown: Callable[[Any], str] | None) -> str:
    """The answer as it reads once accepted: `shown`'s words, else the labels picked."""
    if not state.accepted:
        return ""
    picked = state.accepted[0]
    if shown is not None:
        return shown(picked)
    labels = dict(state.options)
    if state.multiple:
        return "; ".join(labels.get(v, str(v)) for v in picked or []) or "(none)"
    return str(labels.get(picked, picked))


def ask_yes_no(frame: Frame, default: bool) -> bool:
    """y or n; Enter takes the default."""
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    accepted: list[bool] = []
    hint = "(Y/n)" if default else "(y/N)"
    body = Window(
        FormattedTextControl([("class:prefix", "› "), ("", hint)], focusable=True),
        height=1,
    )
    keys = KeyBindings()

    def answer(value: bool) -> Callable[[KeyPressEvent], None]:
        def handler(event: KeyPressEvent) -> None:
            accepted.append(value)
            event.app.exit(result=value)

        return handler

    for key in ("y", "Y"):
        keys.add(key)(answer(True))
    for key in ("n", "N"):
        keys.add(key)(answer(False))
    keys.add("enter")(answer(default))

    def done() -> str:
        return ("Yes" if accepted[0] else "No") if accepted else ""

    return bool(run_frame(frame, body, keys, done, [""], focus=body))


def flash(message: str) -> None:
    """A line printed above the next prompt (a notice between prompts)."""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.styles import Style

    print_formatted_text(FormattedText([("class:help", message)]), style=Style.from_dict(STYLE))
