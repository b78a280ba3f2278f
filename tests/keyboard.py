"""A person at a keyboard, in process: keys through a pipe into the real prompt_toolkit prompts.

Every prompt of a run is its own prompt_toolkit application. The keys go in through
`create_pipe_input` one chunk at a time, each chunk once the prompt open has read and handled
the one before (the pipe is drained, no key waits in the key processor, no editor is running);
keys sent all at once would be read ahead of an editor that has not returned. Once every chunk
is in, the pipe is closed, which a prompt takes as the end of input (as a closed window).

What the prompts draw goes to a VT100 output kept as bytes and read through a pyte screen, so a
test can say what a person reads and what escape sequences reached the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import select
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyte
from prompt_toolkit.application import Application, get_app_or_none
from prompt_toolkit.application.current import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

ENTER = "\r"
BACK = "\x1b[Z"  # Shift-Tab
CTRL_B = "\x02"
CTRL_C = "\x03"
CTRL_S = "\x13"
CTRL_U = "\x15"  # erase the line
CTRL_X_CTRL_E = "\x18\x05"
FINISH = "\x1b\r"  # Esc then Enter
DOWN = "\x1b[B"
UP = "\x1b[A"
SPACE = " "
PASTE_START = "\x1b[200~"  # a terminal in bracketed-paste mode wraps a paste in these
PASTE_END = "\x1b[201~"

# Seconds a whole run may take before the test fails rather than hang (a loaded machine
# makes a run slow now and then; a prompt that ignores the end of input makes it endless).
RUN_TIMEOUT = int(os.environ.get("RESETKIT_TEST_RUN_TIMEOUT", "120"))


def paste(text: str) -> str:
    """`text` as a terminal sends a paste: between the bracketed-paste markers."""
    return PASTE_START + text + PASTE_END


@dataclass(frozen=True)
class Resize:
    """The window resized to `rows` x `columns` (SIGWINCH, as a terminal sends it)."""

    rows: int
    columns: int


Chunk = str | Resize


@dataclass
class Keyboard:
    """The chunks of keys still to send, and the pipe they go into."""

    pipe: PipeInput
    chunks: list[Chunk]
    sent: list[Chunk] = field(default_factory=list)
    closed: bool = False

    def idle(self, app: Application[Any]) -> bool:
        """Whether the open prompt has taken in everything sent and waits for a person."""
        if select.select([self.pipe.fileno()], [], [], 0)[0]:
            return False  # bytes not read yet
        processor = app.key_processor
        if processor.input_queue or processor.key_buffer:
            return False  # keys read, not yet handled (or a prefix such as Esc waits)
        if app._invalidated:
            return False  # what the keys did is not drawn yet: a person would see it first
        return not any(_ours(task) for task in app._background_tasks)  # an editor may run

    def next(self, output: Screen) -> None:
        """Send the next chunk, or close the pipe when none is left."""
        if not self.chunks:
            if not self.closed:
                self.closed = True
                self.pipe.close()
            return
        chunk = self.chunks.pop(0)
        self.sent.append(chunk)
        if isinstance(chunk, Resize):
            output.size = Size(rows=chunk.rows, columns=chunk.columns)
            output.screen.resize(chunk.rows, chunk.columns)
            os.kill(os.getpid(), signal.SIGWINCH)
        else:
            self.pipe.send_text(chunk)


def _ours(task: asyncio.Task[Any]) -> bool:
    """Whether a prompt's background task is resetkit's (the editor), not one of
    prompt_toolkit's own, which run as long as the prompt does (the clock's refresh)."""
    if task.done():
        return False
    code = getattr(task.get_coro(), "cr_code", None)
    return code is None or "prompt_toolkit" not in code.co_filename


class Screen(Vt100_Output):
    """A terminal of `rows` x `columns` that keeps what was written to it, and a pyte screen
    of it; after each redraw of a prompt it lets the keyboard go on."""

    def __init__(self, keyboard: Keyboard, rows: int = 24, columns: int = 80) -> None:
        self.keyboard = keyboard
        self.size = Size(rows=rows, columns=columns)
        self.written = io.StringIO()
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.seen: list[str] = []  # the screen after each redraw, in order
        self._watched: Application[Any] | None = None
        super().__init__(self.written, lambda: self.size, term="xterm-256color", enable_cpr=False)

    def flush(self) -> None:
        before = len(self.written.getvalue())
        super().flush()
        self.stream.feed(self.written.getvalue()[before:])
        self.seen.append(self.text())
        app = get_app_or_none()
        if app is None or app is self._watched or not app.is_running:
            return
        self._watched = app
        self._tick(app)

    def _tick(self, app: Application[Any]) -> None:
        """Poll the prompt on its own event loop: send the next chunk whenever it is idle."""
        if app.is_done or not app.is_running:
            return
        if self.keyboard.idle(app):
            self.keyboard.next(self)
        app.loop.call_later(0.003, self._tick, app) if app.loop else None

    def text(self) -> str:
        """What the screen shows now, its rows' trailing blanks cut."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def showed(self, text: str) -> bool:
        """Whether `text` was on the screen at some point (wrapped or not)."""
        wanted = " ".join(text.split())
        return any(wanted in " ".join(screen.split()) for screen in self.seen)


@contextlib.contextmanager
def typing(
    chunks: Sequence[Chunk], rows: int = 24, columns: int = 80
) -> Iterator[tuple[Keyboard, Screen]]:
    """Within it, every prompt reads `chunks` from a pipe and draws on a kept screen."""
    with create_pipe_input() as pipe:
        keyboard = Keyboard(pipe, list(chunks))
        output = Screen(keyboard, rows, columns)

        def too_long(signum: int, frame: Any) -> None:
            raise TimeoutError(
                f"the run took over {RUN_TIMEOUT} s: a prompt never ended; keys left "
                f"{keyboard.chunks!r}, the screen:\n{output.text()}"
            )

        previous = signal.signal(signal.SIGALRM, too_long)
        signal.alarm(RUN_TIMEOUT)
        try:
            with create_app_session(input=pipe, output=output):
                yield keyboard, output
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        # Left to itself, prompt_toolkit catches an exception raised by a key's handler, prints
        # its traceback (on stdout, past this screen) and asks for Enter here: a crash the run
        # never sees. run_frame makes it raise instead; this is the net under that.
        shown = output.written.getvalue()
        assert "Press ENTER to continue" not in shown, f"a key's handler crashed:\n{shown[-3000:]}"
