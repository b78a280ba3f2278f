"""Counts read as a person says them: '1 session', '3 sessions', never 'session(s)'."""

from hypothesis import given
from hypothesis import strategies as st

from resetkit.words import counted, plural_of


@given(st.integers(min_value=-(10**7), max_value=10**7), st.booleans())
def test_the_noun_is_singular_for_one_and_plural_otherwise(count: int, sign: bool) -> None:
    said = counted(count, "open action item", sign=sign)
    number, noun = said.split(" ", 1)
    assert int(number.replace(",", "")) == count
    assert noun == ("open action item" if abs(count) == 1 else "open action items")
    assert number.startswith(("+", "-")) == (sign or count < 0)


def test_plurals_of_the_nouns_resetkit_counts() -> None:
    assert [plural_of(n) for n in ["session", "entry", "time", "day", "box", "copy", "key"]] == [
        "sessions",
        "entries",
        "times",
        "days",
        "boxes",
        "copies",
        "keys",
    ]
    assert counted(12000, "session") == "12,000 sessions"
