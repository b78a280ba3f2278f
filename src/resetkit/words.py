"""Words a person reads: a count with its noun in the right number ("1 session", "3 sessions")."""

from __future__ import annotations

# Nouns whose plural is not the singular plus "s", as resetkit uses them.
_IRREGULAR = {"time": "times", "entry": "entries", "copy": "copies", "day": "days"}


def plural_of(noun: str) -> str:
    """The plural of one of resetkit's nouns: 'session' -> 'sessions', 'entry' -> 'entries'."""
    head, _, last = noun.rpartition(" ")
    if last in _IRREGULAR:
        word = _IRREGULAR[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        word = last + "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def counted(count: int, noun: str, *, sign: bool = False) -> str:
    """A count and its noun in the right number: counted(1, 'item') == '1 item', 2 -> '2 items'.

    Thousands are grouped ('12,000 sessions'); `sign` writes '+1 day' and '-3 days'.
    """
    word = noun if abs(count) == 1 else plural_of(noun)
    return f"{count:+,} {word}" if sign else f"{count:,} {word}"
