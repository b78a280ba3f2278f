"""A terminal as a person sees it: resetkit in a pseudo-terminal, read through a VT100 screen.

pexpect runs the installed `resetkit`; pyte keeps the screen those bytes draw, 80x24 unless a
test says otherwise, so a test asserts on what a person would read, not on the bytes sent.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

TIMEOUT = 20.0
DOWN = "\x1b[B"
UP = "\x1b[A"
BACK = "\x1b[Z"  # Shift-Tab
CTRL_B = "\x02"
FINISH = "\x1b\r"  # Esc then Enter finishes a multi-line answer


def resetkit_binary() -> str:
    """The `resetkit` script installed beside the Python running the tests."""
    script = Path(sys.executable).parent / "resetkit"
    if not script.exists():
        raise RuntimeError("resetkit is not installed beside this Python: pip install -e '.[test]'")
    return str(script)


def flat(text: str) -> str:
    """Text with every run of whitespace made one space: wrapped lines read as one."""
    return " ".join(text.split())


class Terminal:
    """A resetkit process in a pty of `rows` x `columns`, and the screen it draws."""

    def __init__(
        self, args: list[str], cwd: Path, env: dict[str, str], rows: int = 24, columns: int = 80
    ) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(
            resetkit_binary(),
            args,
            env={**env, "COLUMNS": str(columns), "LINES": str(rows)},
            cwd=str(cwd),
            timeout=TIMEOUT,
            dimensions=(rows, columns),
        )
        self.child.delaybeforesend = None  # keys go as typed; the screen is waited for instead
        self.transcript = b""

    # --- reading ----------------------------------------------------------------------

    def pump(self, wait: float = 0.05) -> bool:
        """Feed what the program wrote to the screen; whether anything came."""
        got = False
        deadline = time.monotonic() + wait
        while True:
            try:
                data = self.child.read_nonblocking(
                    65536, timeout=max(0.0, deadline - time.monotonic())
                )
            except pexpect.TIMEOUT:
                return got
            except pexpect.EOF:
                return got
            self.transcript += data
            self.stream.feed(data)
            got = True

    def lines(self) -> list[str]:
        """The screen's rows, trailing blanks cut."""
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_until(
        self, ready: Callable[[Terminal], bool], what: str, timeout: float = TIMEOUT
    ) -> None:
        """Read until `ready(self)` holds; fail naming `what`, with the screen, if it never does.

        A test waits for what it expects to read, never for a pause in the output: on a loaded
        machine a program can be silent for a second in the middle of drawing a screen.
        """
        deadline = time.monotonic() + timeout
        while not ready(self):
            if time.monotonic() > deadline or (not self.child.isalive() and not self.pump(0.2)):
                raise AssertionError(f"{what} never showed; the screen:\n{self.text()}")
            self.pump(0.05)

    def wait_for(self, text: str, timeout: float = TIMEOUT) -> None:
        """Read until `text` is on the screen (wrapped or not); fail with the screen if not."""
        wanted = flat(text)
        self.wait_until(lambda term: wanted in flat(term.text()), repr(text), timeout)

    def wait_for_prompt(self, text: str, timeout: float = TIMEOUT) -> None:
        """Read until the prompt open now (from its question down) shows `text`: a prompt
        asked again (a second action item's fields) is told from the answered one above."""
        wanted = flat(text)
        self.wait_until(
            lambda term: wanted in flat(" ".join(term.prompt_block())),
            f"{text!r} in the open prompt",
            timeout,
        )

    def wait_for_field(self, text: str, timeout: float = TIMEOUT) -> None:
        """Read until the open field holds `text` (compared with flat())."""
        wanted = flat(text)
        self.wait_until(
            lambda term: wanted in flat(term.field_text()), f"{text!r} in the field", timeout
        )

    def wait_for_exit(self) -> int:
        """Read until the program ends; its exit status."""
        deadline = time.monotonic() + TIMEOUT
        while self.child.isalive():
            self.pump(0.1)
            if time.monotonic() > deadline:
                raise AssertionError(f"resetkit did not end; the screen:\n{self.text()}")
        self.pump(0.1)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)

    # --- the prompt -------------------------------------------------------------------

    def prompt_block(self) -> list[str]:
        """The lines from the last question mark (the prompt open now) to the bottom."""
        rows = self.lines()
        starts = [i for i, line in enumerate(rows) if line.startswith("? ")]
        if not starts:
            return []
        return [line for line in rows[starts[-1] :] if line]

    def field_text(self) -> str:
        """What has been typed in the open field, its wrapped lines joined again (a row
        that wraps is full to the edge, so rows are joined unstripped; compare with flat())."""
        rows = list(self.screen.display)
        starts = [i for i, line in enumerate(rows) if line.startswith("? ")]
        block = rows[starts[-1] :] if starts else []
        typed: list[str] = []
        inside = False
        for line in block:
            if line.startswith(("›", "•")):
                inside = True
                typed.append(line[2:])
                continue
            if inside and line.startswith("  "):
                typed.append(line[2:])
                continue
            if inside:
                break
        return "".join(typed)

    # --- writing ----------------------------------------------------------------------

    def send(self, keys: str) -> None:
        self.child.send(keys.encode("utf-8"))

    def type_slowly(self, text: str) -> None:
        """Type a long text in chunks, as a person would, each once the one before shows."""
        for start in range(0, len(text), 64):
            self.send(text[start : start + 64])
            self.wait_for_field(text[: start + 64])

    def resize(self, rows: int, columns: int) -> None:
        """Resize the window: the terminal and the program both learn the new size (the
        caller waits for what the program draws at that size)."""
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)

    def close(self) -> None:
        if self.child.isalive():
            self.child.kill(9)


def environment(work: Path) -> dict[str, str]:
    """The environment of a test's resetkit: its own home and notes dir, no editor."""
    env = {key: value for key, value in os.environ.items() if key not in ("EDITOR", "VISUAL")}
    env |= {
        "HOME": str(work.parent / "home"),
        "XDG_CACHE_HOME": str(work.parent / "home" / ".cache"),
        "XDG_CONFIG_HOME": str(work.parent / "home" / ".config"),
        "XDG_DATA_HOME": str(work.parent / "home" / ".local" / "share"),
        "RESETKIT_NOTES_DIR": str(work / "notes"),
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # the screen does not answer cursor-position requests
    }
    return env


QUESTION = re.compile(r"^\? ")
