"""Hostile names and answers: every output is read back by its real consumer, and none acts.

A spreadsheet runs a formula, a terminal runs an escape sequence, a CSV reader ends a row at a
bare CR. Names are refused with control characters as they are typed, but a record may still
hold them (an older resetkit, a hand edit); answers keep them as typed. Each output neutralises
them: csv, a VT100 screen (pyte), markdown-it and json read every one back here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pyte
import pytest
from markdown_it import MarkdownIt

from conftest import QUIET_RISK_CHECK, drive
from resetkit.errors import UsageError
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.question_types import AnswerError, check_answer
from resetkit.question_types.checks import check_action_item
from resetkit.record.notes import write_notes
from resetkit.record.store import load, save

# Every class of the issue: formulas, a bare CR, line breaks, terminal escapes, C0 and C1.
HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "=1+1",
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\t=tab",
    "\r=cr",
    "before\rafter",
    "two\nlines",
    "title \x1b]0;pwned\x07 set",
    "clear \x1b[2J\x1b[H screen",
    "colour \x1b[31mred\x1b[0m",
    "C1 \x9b2J csi and \x9d0;osc\x9c",
    "nul \x00 bell \x07 del \x7f",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RAW_CONTROL = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]]
RESET = load_file(builtin_dir() / "reset.yaml")
TEXT_QUESTIONS = [q.id for _, q in RESET.questions() if q.type in ("text", "long_text")]


def hostile_history(notes: Path) -> list[Path]:
    """A reset session per hostile string: in its customer's name, every text answer, a list
    item, an action item and its owner's name (as an older record may hold them)."""
    folders = []
    for number, text in enumerate(HOSTILE):
        driven = drive("reset", notes_dir=notes, customer=f"Customer {number}")
        # Stored as a record may hold them: a one-line answer with a line break, too.
        session = load(driven.folder)
        session.customer = text
        for question_id in TEXT_QUESTIONS:
            if question_id in session.answers:
                session.answers[question_id] = text
        session.answers["can-do"] = [text, "fine"]
        session.answers["actions"][0] |= {"what": text, "owner_name": text}
        session.answers |= {"outcome": "follow-up", "follow-up-date": "2026-12-03"}
        save(session, driven.folder)
        write_notes(session, RESET, driven.folder, force=True)
        folders.append(driven.folder)
    return folders


@pytest.fixture
def hostile(isolated: Path) -> list[Path]:
    return hostile_history(isolated / "notes")


def resetkit(isolated: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`resetkit ARGS` with its output piped, as a script or a pager reads it."""
    env = os.environ | {"RESETKIT_NOTES_DIR": str(isolated / "notes"), "RESETKIT_INDEX": "off"}
    command = [sys.executable, "-m", "resetkit", *args]
    done = subprocess.run(command, capture_output=True, env=env, cwd=isolated, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    return done


def read_csv(payload: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8"), newline="")))
    assert rows and all(len(row) == len(rows[0]) for row in rows), rows
    return rows


@pytest.mark.parametrize(
    ("args", "rows"),
    [
        (["export", "--format", "csv"], len(HOSTILE)),
        (["export", "--format", "csv", "--actions"], len(HOSTILE)),
        (["report", "--format", "csv"], len(HOSTILE) + 1),
    ],
)
def test_csv_runs_no_formula_and_splits_no_row(
    isolated: Path, hostile: list[Path], args: list[str], rows: int
) -> None:
    table = read_csv(resetkit(isolated, *args).stdout)
    assert len(table) == rows + 1
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), row
    customers = {
        row[table[0].index("customer" if "report" not in args else "name")] for row in table
    }
    for text in HOSTILE:
        shown = "'" + text if text.startswith(FORMULA_START) else text
        assert shown in customers


def test_raw_csv_keeps_every_value_as_stored_and_still_splits_no_row(
    isolated: Path, hostile: list[Path]
) -> None:
    table = read_csv(resetkit(isolated, "export", "--format", "csv", "--raw-csv").stdout)
    assert sorted(row[1] for row in table[1:]) == sorted(HOSTILE)
    gap = table[0].index("answer.gap")
    assert sorted(row[gap] for row in table[1:]) == sorted(HOSTILE)


def test_raw_csv_goes_with_csv_only(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("export", "--format", "json", "--raw-csv")
    assert result.exit_code == 2
    assert "--raw-csv goes with --format csv" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["sessions"],
        ["actions"],
        ["report"],
        ["export", "--format", "md"],
    ],
)
def test_piped_output_holds_no_control_character(
    isolated: Path, hostile: list[Path], args: list[str]
) -> None:
    text = resetkit(isolated, *args).stdout.decode("utf-8")
    assert not [c for c in RAW_CONTROL if c in text.replace("\t", "")], text
    assert "\\x1b" in text


def on_screen(isolated: Path, *args: str) -> pyte.Screen:
    """What `resetkit ARGS` leaves on a VT100 screen 120 wide that starts with a marker on it;
    tall enough that nothing scrolls off."""
    screen = pyte.Screen(120, 3000)
    stream = pyte.ByteStream(screen)
    stream.feed(b"MARKER\r\n")
    env = os.environ | {
        "RESETKIT_NOTES_DIR": str(isolated / "notes"),
        "RESETKIT_INDEX": "off",
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "60",
    }
    child = pexpect.spawn(
        sys.executable, ["-m", "resetkit", *args], env=env, cwd=str(isolated), timeout=30,
        dimensions=(60, 120),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    stream.feed(child.before or b"")
    return screen


@pytest.mark.pty
@pytest.mark.parametrize(
    "args",
    [["sessions"], ["actions"], ["report"], ["export", "--format", "md"]],
)
def test_terminal_title_and_screen_are_untouched(
    isolated: Path, hostile: list[Path], args: list[str]
) -> None:
    screen = on_screen(isolated, *args)
    assert screen.title == ""
    text = "\n".join(screen.display)
    assert "MARKER" in text  # no clear screen
    assert "pwned" in text and "\\x1b" in text  # shown, as escapes
    reds = [char for line in screen.buffer.values() for char in line.values() if char.fg == "red"]
    assert reds == []


@pytest.mark.parametrize("name", ["notes.md", "action-plan.md", "shared.md", "follow-up.ics"])
def test_notes_files_hold_no_raw_control_character(hostile: list[Path], name: str) -> None:
    parser = MarkdownIt("commonmark").enable("table")
    for folder in hostile:
        # The invite's lines end with CRLF, as iCalendar wants; nothing else is raw.
        text = (folder / name).read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert not [c for c in RAW_CONTROL if c in text.replace("\t", "")], (folder, text)
        html = parser.render(text)
        assert not [c for c in RAW_CONTROL if c in html.replace("\t", "")]


def test_notes_hold_no_raw_control_character_and_the_front_matter_the_name_exactly(
    hostile: list[Path],
) -> None:
    import yaml

    for folder in hostile:
        notes = (folder / "notes.md").read_text("utf-8")
        assert "\x1b" not in notes and "\r" not in notes
        matter = yaml.safe_load(notes.split("\n---\n", 1)[0].removeprefix("---\n"))
        assert matter["customer"] == load(folder).customer


@pytest.mark.parametrize(
    ("shown", "exact"),
    [
        (["sessions"], ["sessions", "--format", "json"]),
        (["export", "--format", "md"], ["export", "--format", "json"]),
        (["actions"], ["actions", "--format", "json"]),
    ],
)
def test_json_stays_exact_where_text_is_neutralised(
    isolated: Path, hostile: list[Path], shown: list[str], exact: list[str]
) -> None:
    assert "\x1b" not in resetkit(isolated, *shown).stdout.decode("utf-8")
    records = json.loads(resetkit(isolated, *exact).stdout)
    if shown == ["actions"]:
        assert sorted(item["what"] for item in records) == sorted(HOSTILE)
        return
    assert sorted(record["customer"] for record in records) == sorted(HOSTILE)
    assert all(record["answers"]["gap"] == record["customer"] for record in records)


# --- names are refused with control characters as they are typed -------------------------


@pytest.mark.parametrize("name", ["Acme\x1b]0;pwned\x07", "Acme\x9bCorp", "Acme\nCorp", "A\x00"])
def test_a_customer_name_with_a_control_character_is_refused(
    run, isolated: Path, name: str
) -> None:  # type: ignore[no-untyped-def]
    answers = isolated / "answers.yaml"
    answers.write_text(json.dumps({"answers": QUIET_RISK_CHECK}), "utf-8")
    result = run("start", "risk-check", "--customer", name, "--answers", str(answers), "--no-input")
    assert result.exit_code == 2
    assert "customer name" in result.output and "control character" in result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert not (isolated / "notes").exists() or not any((isolated / "notes").rglob("*.json"))


def test_an_attendee_with_a_control_character_is_refused(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    answers = isolated / "answers.yaml"
    answers.write_text(json.dumps({"answers": QUIET_RISK_CHECK}), "utf-8")
    result = run(
        "start", "risk-check", "--customer", "Acme", "--attendee", "Dana\x1b[2J:CTO",
        "--answers", str(answers), "--no-input",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "attendee" in result.output and "control character" in result.output


def test_names_in_answers_are_refused_with_a_control_character() -> None:
    from datetime import date

    attendees = RESET.question("attendees")
    with pytest.raises(AnswerError, match="control character"):
        check_answer(attendees, ["Dana\x1b[31m:CTO"], date(2026, 11, 24))
    with pytest.raises(AnswerError, match="control character"):
        check_action_item({"what": "ship", "owner_name": "Pat\x07"}, date(2026, 11, 24))
    # An answer keeps what was typed; only its outputs neutralise it.
    assert check_answer(RESET.question("gap"), "a\x1b[2Jb", date(2026, 11, 24)) == "a\x1b[2Jb"


def test_an_answers_file_with_a_control_character_in_a_name_is_refused(isolated: Path) -> None:
    from datetime import date

    from resetkit.errors import InputInvalid
    from resetkit.run.answers import check_sheet, read_answers

    path = isolated / "answers.yaml"
    path.write_text(
        'customer: "Acme\\e]0;x\\a"\nattendees: ["Dana\\x07:CTO", {name: "Lee\\e[2J"}]\n',
        "utf-8",
    )
    with pytest.raises(InputInvalid) as raised:
        check_sheet(read_answers(str(path)), RESET, date(2026, 11, 24), complete=False)
    messages = [problem.message for problem in raised.value.problems]
    assert sum("control character" in message for message in messages) == 3, messages


def test_usage_error_names_the_character() -> None:
    from resetkit.controls import check_name

    with pytest.raises(UsageError, match=r"\\x1b at position 5"):
        check_name("Acme\x1b[2J", "customer name")


@pytest.mark.parametrize("form", ["md", "text"])
def test_the_customer_copy_shown_holds_no_control_character(
    isolated: Path, hostile: list[Path], form: str
) -> None:
    for folder in hostile[-5:]:  # the escapes and controls
        session_id = load(folder).id
        text = resetkit(isolated, "share", session_id, "--format", form).stdout.decode("utf-8")
        assert not [c for c in RAW_CONTROL if c in text.replace("\t", "")], text
        assert "\\x" in text
