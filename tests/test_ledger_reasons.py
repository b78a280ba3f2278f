"""The ledger's default table names the reason of every slip: a last column when piped, and
in a terminal a line under each row, readable at 80 columns and narrower."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_between import ledger_history
from test_pty_history import screen_of

REASONS = ("Legal review", "Sick leave", "Budget freeze")


def test_piped_the_ledger_has_a_reasons_column(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    ledger_history(notes)
    result = run("ledger", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split("\t")[-1] == "REASONS"
    assert all(len(row.split("\t")) == len(header.split("\t")) for row in rows)
    reasons = "; ".join(row.split("\t")[-1] for row in rows)
    for reason in REASONS:
        assert re.search(rf", moved [+-]\d+d: {reason}", reasons), reasons


@pytest.mark.pty
@pytest.mark.parametrize("columns", [80, 60, 40])
def test_in_a_terminal_each_reason_is_under_its_row(isolated: Path, columns: int) -> None:
    ledger_history(isolated / "notes")
    screen = screen_of(isolated, columns, "ledger")
    lines = screen.splitlines()
    assert all(len(line) <= columns for line in lines), screen
    flat = " ".join(screen.split())
    for reason in REASONS:
        assert re.search(rf"moved [+-]\d+d: {reason}", flat), screen
    # Under the row of the side whose item slipped, before the next customer's rows.
    first_reason = next(n for n, line in enumerate(lines) if re.search(r"moved [+-]\d+d:", line))
    assert "Acme" in "".join(lines[:first_reason])
