"""Control characters in text a person typed: refused in names, made visible on output.

A leaf: names are checked where they are typed, and every writer of text that a terminal or a
Markdown reader would act on shows what an answer holds as visible escapes (`\\x1b`).
"""

from __future__ import annotations

import re

from resetkit.errors import UsageError

# C0 (but tab and newline, which text may hold), DEL and C1: what a terminal would act on.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A lone surrogate is no character: bytes that were not UTF-8 on the command line arrive so.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: str) -> str:
    """Text with every control character but tab and newline shown as an escape (`\\x1b`)."""
    return _CONTROL.sub(_shown, text)


def visible_line(text: str) -> str:
    """Text with every control character shown as an escape, tab and newline included."""
    return _ANY_CONTROL.sub(_shown, text)


def check_name(name: str, what: str) -> str:
    """A name as typed (customer, attendee, owner); UsageError when it holds a control character."""
    broken = _SURROGATE.search(name)
    if broken:
        raise UsageError(
            f"{what} holds bytes that are not UTF-8 text at position {broken.start() + 1}",
            hint="type the name again in a UTF-8 terminal",
        )
    found = _ANY_CONTROL.search(name)
    if found:
        raise UsageError(
            f"{what} '{visible_line(name)}' holds the control character "
            f"{_shown(found)} at position {found.start() + 1}",
            hint="type the name without control characters (escape sequences, tabs, line breaks)",
        )
    return name
