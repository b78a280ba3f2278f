"""Messages on a terminal's stderr break between words, never mid-word, at any width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resetkit.cli.wrapped import WrappedLines, wrap_terminal_stderr, wrapped
from screen import Terminal, environment, flat

WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Z")), min_size=1)
LINE = st.lists(WORD, min_size=1, max_size=40).map(" ".join)


@given(line=LINE, width=st.integers(20, 200), prefixed=st.booleans())
def test_a_long_line_breaks_between_its_words(line: str, width: int, prefixed: bool) -> None:
    line = f"resetkit: {line}" if prefixed else line
    lines = wrapped(line, width).split("\n")
    assert " ".join(" ".join(lines).split()) == " ".join(line.split())
    for shown in lines:
        # A word longer than the width (a path) stays whole, on a line of its own.
        assert len(shown) <= width or len(shown.split()) == 1
    if prefixed:
        assert all(shown.startswith(" " * min(10, width // 4)) for shown in lines[1:])


@given(width=st.integers(20, 200))
def test_a_line_that_fits_or_was_drawn_by_rich_is_left_as_it_is(width: int) -> None:
    fits = "x" * width
    drawn = "\x1b[1m" + "word " * width + "\x1b[0m"
    assert wrapped(fits, width) == fits
    assert wrapped(drawn, width) == drawn


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("no terminal size here: 80 columns")


def test_a_line_written_in_pieces_is_wrapped_whole() -> None:
    terminal = FakeTerminal()
    stream = wrap_terminal_stderr(terminal)
    assert isinstance(stream, WrappedLines)
    stream.write("resetkit: " + "several words " * 8)
    assert terminal.getvalue() == ""
    stream.write("end\nnext")
    stream.flush()
    first, second, rest = terminal.getvalue().split("\n", 2)
    assert len(first) <= 80 and second.startswith(" " * 10) and rest.endswith("next")


def test_a_pipe_or_a_file_gets_each_message_on_one_line() -> None:
    piped = io.StringIO()
    assert wrap_terminal_stderr(piped) is piped


@pytest.mark.pty
def test_an_error_longer_than_the_screen_breaks_between_words(isolated: Path) -> None:
    typed = "the week before last christmas in the year of the flood"
    terminal = Terminal(["sessions", "--since", typed], isolated, environment(isolated))
    assert terminal.wait_for_exit() == 2
    rows = [row.rstrip() for row in terminal.lines() if row.strip()]
    assert len(rows) >= 3
    said = flat(" ".join(rows))
    assert said.startswith(f"resetkit: --since '{typed}' is not a date (write 2026-12-01, today")
    for row in rows:
        # Every word on screen is whole: none was broken at the 80th column.
        assert set(row.split()) <= set(said.split()), row
    assert all(row.startswith(" " * 10) for row in rows[1:])


def test_a_quoted_command_stays_on_one_line_when_it_fits() -> None:
    line = (
        "resetkit: the review is kept until you save the review (continue with "
        "'resetkit resume acme-corp/2026-11-24-risk-check'); the customer's notes are safe"
    )
    shown = wrapped(line, 80)
    assert "'resetkit resume acme-corp/2026-11-24-risk-check'" in shown.split("\n")[1]
    assert " ".join(shown.split()) == " ".join(line.split())


@pytest.mark.pty
def test_due_with_nothing_for_its_filters_breaks_between_words_on_screen(isolated: Path) -> None:
    from test_between import item, write_session

    notes = isolated / "notes"
    write_session(notes, "Hooli", "2026-11-01", "reset", {"actions": [item("h1", "x")]})
    write_session(
        notes, "Acme Corp", "2026-11-02", "reset",
        {"actions": [item("a1", "y", owner="customer", owner_name="Dana")]},
    )  # fmt: skip
    args = ["due", "--customer", "hooli", "--within", "1d", "--owner", "them"]
    terminal = Terminal([*args, "--notes-dir", str(notes)], isolated, environment(isolated))
    assert terminal.wait_for_exit() == 0
    rows = [row.rstrip() for row in terminal.lines() if row.strip()]
    said = flat(" ".join(rows))
    assert said.endswith("no follow-up meeting for customer 'hooli', owner 'them'")
    assert len(rows) == 2 and rows[1].startswith("  ")
    for row in rows:
        assert set(row.split()) <= set(said.split()), row
