"""The CSV cells the index keeps (history/cells.py), read back with Python's own csv reader: any
text comes back whole, a would-be formula is defused unless raw, and the columns of an action
item say what happened to it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import drive
from resetkit.history.cells import (
    ACTION_COLUMNS,
    FORMULA_START,
    SESSION_COLUMNS,
    action_line,
    action_row,
    cell,
    csv_line,
    session_cells,
    session_row,
)

# Text rich in what a CSV writer must quote or defuse.
texts = st.text(st.sampled_from([*"ab ,\"\r\n\t=+-@'xX", "é"]), max_size=12)
values = st.lists(
    st.one_of(texts, st.none(), st.integers(-5, 5), st.floats(-9, 9, allow_nan=False)),
    min_size=2,  # an export has many columns; a row of one empty cell reads as no row
    max_size=6,
)


def read_row(line: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(line, newline="")))
    assert len(rows) == 1, rows
    return rows[0]


def shown(value: Any, raw: bool) -> str:
    text = "" if value is None else str(value)
    defused = not raw and isinstance(value, str) and text.startswith(FORMULA_START)
    return "'" + text if defused else text


@given(values)
def test_any_row_reads_back_whole_and_formulas_are_defused(row: list[Any]) -> None:
    line = csv_line(row)
    assert line.endswith("\n")
    assert read_row(line) == [shown(v, raw=False) for v in row]
    assert read_row(csv_line(row, raw=True)) == [shown(v, raw=True) for v in row]


@given(texts)
def test_a_cell_is_quoted_only_when_it_must_be(text: str) -> None:
    quoted = cell(text, raw=True)
    must = any(special in text for special in ',"\r\n')
    assert quoted.startswith('"') == must
    assert cell(None) == "" and cell(3) == "3"


def stored(**fields: Any) -> Any:
    return SimpleNamespace(
        **{
            "id": "acme/2026-11-24-reset",
            "customer": "Acme Corp",
            "playbook_id": "reset",
            "playbook_version": "1",
            "started_at": "2026-11-24T10:00:00+00:00",
            "status": "complete",
            "outcome": "reset",
            "planned_minutes": 45,
            "meeting_seconds": 2730.0,
            "attendees": "Dana (CTO)",
            **fields,
        }
    )


items = st.fixed_dictionaries(
    {"what": texts, "owner": st.sampled_from(["us", "=cmd", "both"])},
    optional={
        "id": texts,
        "owner_name": texts,
        "due": st.one_of(st.none(), st.just("2026-12-01")),
        "critical_path": st.booleans(),
        "status": st.sampled_from(["open", "done", "dropped"]),
    },
)


@given(items, texts)
def test_an_action_line_is_its_row_written_as_csv(action: dict[str, Any], customer: str) -> None:
    session = stored(customer=customer)
    row = action_row(session, action)
    escaped, plain = action_line(session, action)
    assert escaped == csv_line([row[c] for c in ACTION_COLUMNS])
    raw = csv_line([row[c] for c in ACTION_COLUMNS], raw=True)
    assert (plain or escaped) == raw
    assert (plain is None) == (raw == escaped)


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(texts, st.none())), texts)
def test_a_sessions_cells_are_its_row_and_answers_as_csv(
    answers: dict[str, Any], outcome: str
) -> None:
    session = stored(outcome=outcome, id=outcome)  # the first cell is defused too
    escaped, plain = session_cells(session, answers)
    given_answers = ["" if v is None else v for v in answers.values()]
    everything = [*session_row(session).values(), *given_answers]
    assert json.loads(escaped) == [cell(v) for v in everything]
    assert json.loads(plain or escaped) == [cell(v, raw=True) for v in everything]


def test_a_formula_in_the_first_cell_alone_is_defused() -> None:
    escaped, plain = session_cells(stored(id="=1+1", outcome="reset"), {})
    assert json.loads(escaped)[0] == "'=1+1"
    assert plain is not None and json.loads(plain)[0] == "=1+1"


def test_a_session_row_holds_its_date_and_minutes_to_a_tenth() -> None:
    assert session_row(stored(meeting_seconds=2734.0, outcome=None)) == {
        "id": "acme/2026-11-24-reset",
        "customer": "Acme Corp",
        "playbook": "reset",
        "playbook_version": "1",
        "date": "2026-11-24",
        "status": "complete",
        "outcome": None,
        "planned_minutes": 45,
        "actual_minutes": 45.6,
        "attendees": "Dana (CTO)",
    }


def test_answers_of_every_kind_become_one_cell_each() -> None:
    answers = {
        "goal": "Reports",
        "skipped": None,
        "ok": True,
        "worried": False,
        "steps": ["Call", "Write"],
        "actions": [{"what": "Send the report"}, {"what": "Book a call"}],
        "budget": 2400,
        "share": -0.5,
    }
    escaped, plain = session_cells(stored(outcome=None), answers)
    cells = json.loads(escaped)
    assert cells[len(SESSION_COLUMNS) :] == [
        "Reports", "", "yes", "no", "Call; Write", "Send the report; Book a call", "2400", "-0.5"
    ]  # fmt: skip
    assert cells[SESSION_COLUMNS.index("outcome")] == ""
    assert plain is None  # a negative number is no formula


def test_an_item_with_only_what_shows_empty_columns_and_no_slips() -> None:
    row = action_row(stored(), {"what": "Call legal"})
    assert row == {
        "session": "acme/2026-11-24-reset",
        "customer": "Acme Corp",
        "playbook": "reset",
        "date": "2026-11-24",
        "action_id": "",
        "what": "Call legal",
        "owner": "",
        "owner_name": "",
        "due": "",
        "critical_path": "no",
        "status": "open",
        "slips": 0,
    }


def test_an_item_shows_each_of_its_fields_in_its_column() -> None:
    action = {
        "id": "a1",
        "what": "Call legal",
        "owner": "customer",
        "owner_name": "Dana",
        "due": "2026-12-01",
        "critical_path": True,
        "status": "done",
        "history": [{"kind": "moved"}, {"kind": "done"}, {"kind": "moved"}, {"kind": "dropped"}],
    }
    row = action_row(stored(), action)
    assert [row[column] for column in ACTION_COLUMNS[4:]] == [
        "a1", "Call legal", "customer", "Dana", "2026-12-01", "yes", "done", 2
    ]  # fmt: skip
    assert action_row(stored(), {})["what"] == ""


def test_slips_count_the_moves_of_an_item_and_nothing_else(
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESETKIT_NOTES_DIR", str(isolated / "notes"))
    items = [{"what": "Send the report", "owner": "us", "due": "+10d"}]
    drive("reset", {"actions": items})
    (item,) = json.loads(run("actions", "--format", "json").stdout)
    for due in ("+20d", "+30d"):
        moved = run("actions", "move", item["action_id"], "--due", due, "--reason", "Legal")
        assert moved.exit_code == 0, moved.output
    done = run("actions", "done", item["action_id"], "--note", "Sent")
    assert done.exit_code == 0, done.output
    exported = run("export", "--format", "csv", "--actions")
    assert exported.exit_code == 0, exported.output
    (row,) = csv.DictReader(io.StringIO(exported.stdout, newline=""))
    assert (row["slips"], row["status"], row["date"]) == ("2", "done", "2026-11-24")
