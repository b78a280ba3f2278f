"""Messages on a terminal's stderr wrapped at words: a terminal breaks a long line at its last
column, mid-word ("resetkit: no session 'acme' … (reset" / "kit resume …"); these lines break
between words instead, with a hanging indent under the message. Paths and commands are never
split inside, and lines already drawn to fit (rich's) pass unchanged.
"""

from __future__ import annotations

import os
import re
import textwrap
from typing import Any, TextIO

# A line holding an escape sequence was laid out by rich for the width: left as it is.
_ESCAPE = "\x1b"
_PREFIX = re.compile(r"^(resetkit: |\s+)")
# A quoted span ('resetkit resume acme-corp/…'): a command to copy, kept on one line when it
# fits. A quote inside a word (don't, customer's) opens none.
_QUOTED = re.compile(r"(?<!\w)'[^'\n]+'(?!\w)")
# Stands for a space inside a quoted span while the line is wrapped: a private-use character.
_KEPT = "\ue000"


def wrapped(line: str, width: int) -> str:
    """One line (no newline) broken between words to fit `width` columns; its continuation
    lines indented under the text after "resetkit: " or its leading spaces. A word longer than
    the width (a path) stays whole, on a line of its own."""
    if len(line) <= width or _ESCAPE in line or width < 20:
        return line
    found = _PREFIX.match(line)
    indent = " " * min(len(found.group()) if found else 2, width // 4)
    kept = line
    if _KEPT not in line:
        kept = _QUOTED.sub(lambda span: _held(span.group(), width - len(indent)), line)
    lines = textwrap.wrap(
        kept,
        width=width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines).replace(_KEPT, " ") if lines else line


def _held(span: str, room: int) -> str:
    """A quoted span with its spaces held together, when it fits on a line of its own."""
    return span.replace(" ", _KEPT) if len(span) + 1 < room else span


class WrappedLines:
    """A text stream (a terminal's stderr) whose every complete line is wrapped at words to
    the terminal's width at the time it is written. A partial line waits for its newline, or
    for flush()."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            width = _width(self._stream)
            self._stream.write("".join(wrapped(line, width) + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending)
            self._pending = ""
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        # fileno, isatty, encoding, buffer...: the terminal's own.
        return getattr(self._stream, name)


def _width(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        return 80


def wrap_terminal_stderr(stream: TextIO) -> TextIO:
    """`stream` wrapped at words when it is a terminal; as it is when piped or redirected, so
    a log or a script reads each message on one line."""
    try:
        is_terminal = stream.isatty()
    except (OSError, ValueError, AttributeError):
        return stream
    return WrappedLines(stream) if is_terminal else stream  # type: ignore[return-value]
