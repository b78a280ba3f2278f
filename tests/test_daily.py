"""The daily commands as a CSM reads them: whose items, filters that match nothing, 80x24."""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import TODAY, day
from test_between import item, write_session

# Every test here asks what is due or late as of the pinned day.
pytestmark = pytest.mark.dated

CUSTOMERS = ("Acme Corp", "Globex Corporation", "Initech", "Hooli", "Vandelay Industries")
OWNERS = (
    ("us", "Sam Rivera"),
    ("customer", "Dana Scully"),
    ("both", "Priya Shah"),
    ("us", "Priya Shah"),
)
WHAT = (
    "Send the revised rollout plan with the new milestones",
    "Sign the amendment to the order form",
    "Book the training sessions for the support team",
    "Review the export errors with the engineering lead",
)


@pytest.fixture
def notes(isolated: Path) -> Path:
    return isolated / "notes"


@pytest.fixture
def twenty(notes: Path) -> list[dict[str, Any]]:
    """A history of 20 open items over 5 customers: 4 each, due from 10 days ago to 3 weeks on,
    owned by us, the customer and both, named as people name them."""
    written = []
    for number, customer in enumerate(CUSTOMERS):
        items = []
        for position in range(4):
            side, name = OWNERS[(number + position) % len(OWNERS)]
            offset = -10 + 3 * (position * len(CUSTOMERS) + number) // 2
            found = item(
                f"{customer[:2].lower()}{position:02d}{number:04d}",
                f"{WHAT[position]} ({customer.split()[0]})",
                owner=side,
                owner_name=name,
                due=day(offset),
            )
            items.append(found)
        written += items
        write_session(notes, customer, day(-30 + number), "reset", {"actions": items})
    return written


def listed(run: Any, notes: Path, *args: str) -> list[dict[str, Any]]:
    result = run("actions", *args, "--format", "json", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


# --- whose items -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["sam", "SAM", "Rivera", "am riv", " sam  rivera "])
def test_an_owner_is_found_by_any_part_of_the_name_in_any_case(
    run, notes: Path, twenty: list[dict[str, Any]], typed: str
) -> None:
    expected = {found["id"] for found in twenty if found["owner_name"] == "Sam Rivera"}
    assert {row["action_id"] for row in listed(run, notes, "--owner", typed)} == expected


def test_our_items_take_the_shared_ones_unless_only(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    ours = {row["action_id"] for row in listed(run, notes, "--owner", "us")}
    only = {row["action_id"] for row in listed(run, notes, "--owner", "us", "--only")}
    assert ours == {found["id"] for found in twenty if found["owner"] in ("us", "both")}
    assert only == {found["id"] for found in twenty if found["owner"] == "us"}


@pytest.mark.parametrize("them", ["them", "THEM", " Them "])
def test_them_is_the_customer_side_as_the_tables_say_it(
    run, notes: Path, twenty: list[dict[str, Any]], them: str
) -> None:
    theirs = {row["action_id"] for row in listed(run, notes, "--owner", them)}
    assert theirs == {row["action_id"] for row in listed(run, notes, "--owner", "customer")}
    assert theirs == {found["id"] for found in twenty if found["owner"] in ("customer", "both")}


def test_due_and_the_calendar_find_owners_as_actions_does(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    digest = json.loads(
        run(
            "due",
            "--within",
            "6w",
            "--owner",
            "priya",
            "--format",
            "json",
            "--notes-dir",
            str(notes),
        ).stdout
    )
    due_ids = {
        row["action_id"]
        for group in digest["customers"]
        for row in group["overdue"] + group["due_soon"]
    }
    assert due_ids == {found["id"] for found in twenty if found["owner_name"] == "Priya Shah"}
    calendar = run("calendar", "--owner", "priya", "--notes-dir", str(notes)).stdout
    assert calendar.count("BEGIN:VTODO") == len(due_ids)


def test_only_without_an_owner_is_refused(run, notes: Path, twenty: list[Any]) -> None:
    result = run("actions", "--only", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "--only goes with --owner" in result.stderr


# --- a filter that matches nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("due", ()),
        ("actions", ()),
        ("ledger", ()),
        ("sessions", ()),
        ("export", ("--format", "json")),
        ("report", ()),
    ],
)
def test_a_customer_typo_is_refused_with_the_closest_name(
    run, notes: Path, twenty: list[Any], command: str, extra: tuple[str, ...]
) -> None:
    result = run(command, "--customer", "globx", *extra, "--notes-dir", str(notes))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "no customer matches 'globx' (did you mean 'Globex Corporation'?)" in result.stderr
    assert "customers: Acme Corp, Globex Corporation, Hooli, Initech, Vandelay" in result.stderr


def test_a_brief_of_a_misspelt_customer_names_the_closest(
    run, notes: Path, twenty: list[Any]
) -> None:
    result = run("brief", "initek", "--notes-dir", str(notes))
    assert result.exit_code == 3
    assert "did you mean 'Initech'?" in result.stderr


def test_an_owner_nobody_is_refused_with_the_owners_there_are(
    run, notes: Path, twenty: list[Any]
) -> None:
    for command in ("actions", "due", "calendar"):
        result = run(command, "--owner", "sma", "--notes-dir", str(notes))
        assert result.exit_code == 3, command
        assert "no action item is owned by 'sma'" in result.stderr
        assert "owners: us, customer, both, Priya Shah, Dana Scully, Sam Rivera" in result.stderr


def test_a_playbook_typo_is_refused_with_the_closest_id(
    run, notes: Path, twenty: list[Any]
) -> None:
    result = run("sessions", "--playbook", "reste", "--notes-dir", str(notes))
    assert result.exit_code == 3
    assert "no session of a playbook 'reste' (did you mean 'reset'?)" in result.stderr


def test_a_calendar_that_matches_nothing_writes_no_file(
    run, notes: Path, twenty: list[Any], isolated: Path
) -> None:
    result = run("calendar", "--customer", "globx", "-o", "z.ics", "--notes-dir", str(notes))
    assert result.exit_code == 3
    assert not (isolated / "z.ics").exists()
    assert "wrote" not in result.stderr


def test_a_filter_that_matches_is_no_error_when_nothing_falls_due(
    run, notes: Path, twenty: list[Any]
) -> None:
    result = run("due", "--within", "0d", "--customer", "vandelay", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("command", ["due", "actions", "ledger", "sessions"])
def test_an_empty_notes_folder_names_the_folder_and_how_to_start(
    run, notes: Path, command: str
) -> None:
    notes.mkdir()
    result = run(command, "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert f"no sessions in {notes} yet; start one with 'resetkit start reset" in result.stderr


# --- at 80x24 ----------------------------------------------------------------------------------


def first_screen(output: str, rows: int = 24, columns: int = 80) -> list[str]:
    """What a pager shows first of `output` in a terminal of rows x columns (its last line
    is the pager's prompt), as a person reads it."""
    import pyte

    screen = pyte.Screen(columns, rows)
    stream = pyte.Stream(screen)
    stream.feed("\r\n".join(output.splitlines()[: rows - 1]))
    return [line.rstrip() for line in screen.display]


def vocabulary(twenty: list[dict[str, Any]], *more: str) -> set[str]:
    """Every whole word the daily tables may show for this history."""
    words: set[str] = set()
    for found in twenty:
        for text in (found["what"], found["owner_name"], found["id"], found["owner"]):
            words.update(text.split())
    for customer in CUSTOMERS:
        words.update(customer.split())
        words.update(f"{word}:" for word in customer.split())
    for text in more:
        words.update(text.split())
    return words


def at_80x24(run: Any, notes: Path, *args: str) -> str:
    from typer.testing import CliRunner

    from resetkit.cli import app

    result = CliRunner().invoke(
        app,
        [*args, "--format", "table", "--notes-dir", str(notes)],
        env={"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def dates_words(lines: list[str]) -> set[str]:
    return {word for line in lines for word in line.split() if any(c.isdigit() for c in word)}


@pytest.mark.parametrize("command", ["actions", "due"])
def test_the_first_screen_shows_the_most_overdue_items_first_with_whole_words(
    run, notes: Path, twenty: list[dict[str, Any]], command: str
) -> None:
    output = at_80x24(run, notes, command)
    screen = first_screen(output)
    assert all(len(line) <= 80 for line in output.splitlines())
    shown = [word for line in screen for word in line.split()]
    most_late = sorted(twenty, key=lambda found: found["due"])[:3]
    ids = [word for word in shown if word in {found["id"] for found in twenty}]
    assert most_late[0]["id"] == ids[0]
    assert {found["id"] for found in most_late} <= set(ids)  # the three most late on screen
    known = vocabulary(
        twenty,
        "ID DUE WHEN CUSTOMER: ACTION OWNER · late today Due on overdue, and due by",
        "(us) (them) (both)",
        # Dates as a table writes them, on whatever day the suite runs (`dated`).
        *calendar.day_abbr,
        *(f"{month} {n}" for month in calendar.month_abbr[1:] for n in range(1, 32)),
    )
    cut = [word for word in shown if word not in known and word not in dates_words(screen)]
    assert cut == []


SIDES = {"us": "us", "customer": "them", "both": "both"}


@pytest.mark.parametrize("command", ["actions", "due"])
def test_each_owner_shows_the_side_they_are_on(
    run, notes: Path, twenty: list[dict[str, Any]], command: str
) -> None:
    output = at_80x24(run, notes, command, *(["--within", "6w"] if command == "due" else []))
    rows = {line.split()[0]: line.rstrip() for line in output.splitlines() if line.strip()}
    for found in twenty:
        first = found["owner_name"].split()[0]
        assert rows[found["id"]].endswith(f"{first} ({SIDES[found['owner']]})"), found


def test_owners_sharing_a_first_name_are_shown_whole(run, notes: Path) -> None:
    items = [
        item("aa000001", "Send the plan", due=day(1), owner_name="Sam Rivera"),
        item("aa000002", "Sign it", owner="customer", due=day(2), owner_name="Sam Jones"),
        item("aa000003", "Book it", owner="both", due=day(3)),
    ]
    write_session(notes, "Acme Corp", day(-3), "reset", {"actions": items})
    rows = {
        line.split()[0]: line.rstrip()
        for line in at_80x24(run, notes, "actions").splitlines()
        if line
    }
    assert rows["aa000001"].endswith("Sam Rivera (us)")
    assert rows["aa000002"].endswith("Sam Jones (them)")
    assert rows["aa000003"].endswith("both")
    data = json.loads(run("actions", "--format", "json", "--notes-dir", str(notes)).stdout)
    assert [(row["owner"], row["owner_name"]) for row in data][:2] == [
        ("us", "Sam Rivera"),
        ("customer", "Sam Jones"),
    ]


def test_a_table_ends_with_its_counts(run, notes: Path, twenty: list[dict[str, Any]]) -> None:
    output = at_80x24(run, notes, "actions")
    late = sum(1 for found in twenty if found["due"] < day(0))
    week = sum(1 for found in twenty if day(0) <= found["due"] <= day(7))
    from datetime import date

    from resetkit.history.actions import short_day

    by = short_day(date.fromisoformat(day(7)), date.fromisoformat(day(0)))
    assert output.splitlines()[-1] == f"20 open · {late} overdue · {week} due by {by}"


def test_due_has_a_title_groups_by_customer_and_says_what_next(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    from datetime import date

    from resetkit.history.actions import short_day

    today = date.fromisoformat(day(0))
    lines = at_80x24(run, notes, "due").splitlines()
    on, week_on = short_day(today, today), short_day(date.fromisoformat(day(7)), today)
    assert lines[0] == f"Due on {today:%a} {on} · overdue, and due by {week_on}"
    assert lines[2] == "Acme Corp"  # the customer whose item is the most overdue
    late = short_day(date.fromisoformat(day(-10)), today)
    assert lines[3].startswith(f"ac000000 {late} · 10d late Send the revised rollout plan")
    assert any(line.startswith("next: resetkit actions done ID") for line in lines[-3:])


@pytest.mark.parametrize("command", ["actions", "due"])
def test_a_table_piped_to_a_pager_holds_its_title_legend_and_counts(
    run, notes: Path, twenty: list[dict[str, Any]], command: str
) -> None:
    milestone = item("zz000001", "Sign it", due=day(1)) | {"critical_path": True}
    write_session(notes, "Zeta", day(-1), "reset", {"actions": [milestone]})
    result = run(command, "--format", "table", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert re.search(r"^\d+ open · \d+ overdue", result.stdout, re.M), result.stdout
    assert "! on the critical path" in result.stdout
    if command == "due":
        assert result.stdout.startswith("Due on ")


def test_nothing_due_is_said_on_stdout_in_a_table_and_on_stderr_when_piped(
    run, notes: Path
) -> None:
    write_session(notes, "Acme Corp", day(-3), "reset", {"actions": [item("a1", "x", due=day(40))]})
    drawn = run("due", "--format", "table", "--notes-dir", str(notes))
    assert "nothing overdue, nothing due" in drawn.stdout and drawn.stderr == ""
    piped = run("due", "--notes-dir", str(notes))
    assert piped.stdout == "" and "nothing overdue, nothing due" in piped.stderr


def test_a_piped_table_without_format_is_tab_separated(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    result = run("actions", "--notes-dir", str(notes))
    header, first, *_ = result.stdout.splitlines()
    assert header.split("\t") == ["ID", "MARK", "DUE", "CUSTOMER", "ACTION", "OWNER"]
    assert first.split("\t")[2] == f"{day(-10)} (10d late)"
    assert "20 open" in result.stderr


def test_output_taller_than_the_terminal_goes_through_the_pager(
    notes: Path, twenty: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app, tables

    paged: list[tuple[str, str]] = []
    monkeypatch.setattr(tables, "pages", lambda: True)
    monkeypatch.setattr(tables, "run_pager", lambda text, cmd: paged.append((text, cmd)))
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("LESS", raising=False)
    env = {"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1"}
    tall = CliRunner().invoke(
        app, ["actions", "--format", "table", "--notes-dir", str(notes)], env=env
    )
    assert tall.exit_code == 0 and tall.stdout == ""
    ((text, command),) = paged
    assert command == "less" and text.splitlines()[1].startswith("ac000000")
    import os

    assert os.environ["LESS"] == "FRX"
    short = CliRunner().invoke(
        app,
        ["actions", "--customer", "acme", "--format", "table", "--notes-dir", str(notes)],
        env=env,
    )
    assert len(paged) == 1 and short.stdout.splitlines()[1].startswith("ac000000")


def test_a_brief_taller_than_the_terminal_is_paged_and_an_empty_customer_refused(
    run, notes: Path, twenty: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app, tables

    paged: list[str] = []
    monkeypatch.setattr(tables, "pages", lambda: True)
    monkeypatch.setattr(tables, "run_pager", lambda text, cmd: paged.append(text))
    env = {"COLUMNS": "80", "LINES": "12", "NO_COLOR": "1"}
    tall = CliRunner().invoke(app, ["brief", "acme", "--notes-dir", str(notes)], env=env)
    assert tall.exit_code == 0 and tall.stdout == ""
    ((text,),) = [paged]
    assert text.splitlines()[0].strip("─ ") == "Before the call: Acme Corp"
    high = CliRunner().invoke(
        app, ["brief", "acme", "--notes-dir", str(notes)], env=env | {"LINES": "60"}
    )
    assert len(paged) == 1 and "Before the call: Acme Corp" in high.stdout
    for empty in ("", "  "):
        refused = run("brief", empty, "--notes-dir", str(notes))
        assert refused.exit_code == 2
        assert refused.stderr.startswith("resetkit: CUSTOMER is empty") and "--customer" not in (
            refused.stderr
        )


def test_a_filtered_list_counts_what_it_lists_and_an_empty_one_says_so(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app

    env = {"COLUMNS": "80", "NO_COLOR": "1"}
    args = ["actions", "--overdue", "--format", "table", "--notes-dir", str(notes)]
    late = CliRunner().invoke(app, args, env=env)
    counted_line = late.stdout.splitlines()[-1]
    overdue = sum(1 for item in twenty if item["due"] < day(0))
    assert counted_line.rstrip() == f"{overdue} listed (overdue) · {overdue} overdue"
    within = CliRunner().invoke(
        app, ["actions", "--due-within", "2d", "--format", "table", "--notes-dir", str(notes)],
        env=env,
    )  # fmt: skip
    from resetkit.history.actions import short_day

    last = within.stdout.splitlines()[-1].rstrip()
    assert last.endswith(f"due by {short_day(date.fromisoformat(day(2)), TODAY)}"), last
    none = run("actions", "--flagged", "--customer", "vandelay", "--notes-dir", str(notes))
    assert none.exit_code == 0 and none.stdout == ""
    assert "no action item is flagged, customer 'vandelay'" in none.stderr


# --- honest numbers ----------------------------------------------------------------------------


def test_a_slip_caused_by_our_move_counts_to_us_not_to_the_customer(run, notes: Path) -> None:
    folder = write_session(
        notes,
        "Acme Corp",
        day(-10),
        answers={
            "actions": [
                item("ours0001", "Fix the export", due=day(5)),
                item("them0001", "Train the admins", owner="customer", due=day(9)),
            ]
        },
    )
    moved = run(
        "actions",
        "move",
        "ours0001",
        "--due",
        day(12),
        "--reason",
        "Engineering needs a week",
        "--with-later",
        "--notes-dir",
        str(notes),
    )
    assert moved.exit_code == 0, moved.stderr
    assert folder.is_dir()
    ledger = json.loads(run("ledger", "--format", "json", "--notes-dir", str(notes)).stdout)
    owners = ledger["customers"][0]["owners"]
    assert owners["customer"]["moved"] == {"items": 0, "times": 0, "days": 0}
    assert owners["customer"]["reasons"] == []
    assert owners["us"]["moved"] == {"items": 1, "times": 1, "days": 7}
    assert owners["us"]["moved_others"] == 1
    text = run("ledger", "--format", "md", "--notes-dir", str(notes)).stdout
    assert "us: 1 moved (1 time, +7 days in all), moved 1 other item" in text
    assert "kept on time" not in text.split("All customers:")[1].split("\n")[0]  # none fell due
    assert "Train the admins, moved +7d with it: Engineering needs a week" in text


def test_the_brief_lines_up_its_labels_and_hangs_what_wraps(run, notes: Path) -> None:
    from resetkit.record.session import Recommended

    write_session(
        notes,
        "Acme Corp",
        day(-20),
        "risk-check",
        {"hours-last-month": 14, "monthly-value": 2400, "cost-vs-value": "high"},
        recommendation=Recommended(
            playbook="recovery", because="Their champion left and the renewal is in six weeks"
        ),
    )
    write_session(notes, "Acme Corp", day(-10), "reset", {"actions": [item("a1", "x", due=day(3))]})
    from typer.testing import CliRunner

    from resetkit.cli import app

    result = CliRunner().invoke(
        app, ["brief", "acme", "--notes-dir", str(notes)], env={"COLUMNS": "80", "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("Recommended:"))
    assert lines[at].startswith("Recommended:      run recovery: Their champion left")
    assert lines[at + 1].startswith(" " * 18) and lines[at + 1].strip()  # hangs under the value
    assert any(line.startswith("Time against pay: 14 hours last month") for line in lines)
    # Nothing fell due: no share of none ("— kept on time", "0 of 0"), the open item told.
    assert "Promises:         us: 1 still open, none overdue" in [line.rstrip() for line in lines]


# --- help that fits ----------------------------------------------------------------------------


def every_command() -> list[list[str]]:
    """Every command path: [], ['actions'], ['actions', 'done'], ..."""
    import typer.main

    from resetkit.cli import app

    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(group: Any, path: list[str]) -> None:
        found.append(path)
        for name in getattr(group, "commands", {}):
            walk(group.commands[name], [*path, name])

    walk(root, [])
    return found


def help_of(path: list[str]) -> str:
    from typer.testing import CliRunner

    from resetkit.cli import app

    result = CliRunner().invoke(app, [*path, "-h"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, (path, result.output)
    return result.stdout


def test_help_fits_80_columns_with_whole_summaries_and_plain_metavars() -> None:
    for path in every_command():
        text = help_of(path)
        assert all(len(line) <= 80 for line in text.splitlines()), path
        commands = text.split("Commands:\n")[1] if "Commands:\n" in text else ""
        assert "..." not in commands, path  # no summary cut short
        # CUSTOMER, not {customer}; TEXT, not <str> (an address in a help text is no metavar)
        assert not re.search(r"\{[A-Za-z_]+\}|<(str|path|int|float)>", text), text


def test_the_help_of_an_id_says_a_prefix_works() -> None:
    for command in ("done", "move", "drop", "reopen", "settle", "show"):
        assert "enough of its start to be unique" in help_of(["actions", command])


# --- calendar ----------------------------------------------------------------------------------


def test_a_calendar_title_says_whose_item_it_is_and_theirs_can_be_left_out(
    run, notes: Path, twenty: list[dict[str, Any]], isolated: Path
) -> None:
    from icalendar import Calendar

    result = run("calendar", "-o", "all.ics", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert "20 to-dos (20 open), 0 follow-up meetings" in result.stderr
    calendar = Calendar.from_ical((isolated / "all.ics").read_bytes())
    titles = {str(todo["summary"]) for todo in calendar.walk("VTODO")}
    assert (
        "Acme Corp: Sam Rivera to send the revised rollout plan with the new milestones (Acme)"
        in titles
    )
    assert (
        "Globex Corporation: Priya Shah to sign the amendment to the order form (Globex)" in titles
    )
    mine = run("calendar", "--without-theirs", "-o", "mine.ics", "--notes-dir", str(notes))
    theirs = sum(1 for found in twenty if found["owner"] == "customer")
    assert f"{20 - theirs} to-dos" in mine.stderr
    kept = Calendar.from_ical((isolated / "mine.ics").read_bytes())
    assert not any("Dana Scully" in str(todo["summary"]) for todo in kept.walk("VTODO"))


# --- report ------------------------------------------------------------------------------------


def test_the_report_shows_minutes_that_match_its_bars_and_writes_markdown(run, notes: Path) -> None:
    from markdown_it import MarkdownIt

    write_session(notes, "Acme Corp", day(-3), "reset", minutes=60)
    write_session(notes, "Globex Corporation", day(-2), "reset", minutes=15)
    from typer.testing import CliRunner

    from resetkit.cli import app

    chart = (
        CliRunner()
        .invoke(app, ["report", "--notes-dir", str(notes)], env={"COLUMNS": "80", "NO_COLOR": "1"})
        .stdout
    )
    acme = next(line for line in chart.splitlines() if "Acme Corp" in line)
    globex = next(line for line in chart.splitlines() if "Globex" in line)
    from resetkit.cli.tables import BAR

    assert "1h00m" in acme and acme.count("█") == BAR
    assert "15m" in globex and globex.count("█") == round(BAR / 4)
    assert "Globex Corporation " in globex  # the name whole on its line
    text = run("report", "--format", "md", "--notes-dir", str(notes)).stdout
    items = [
        token.content
        for token in MarkdownIt().parse(text)
        if token.type == "inline" and token.content.startswith(("Acme", "Globex"))
    ]
    assert items[:2] == [
        "Acme Corp: 1 meeting, 1h00m (no outcome 1)",
        "Globex Corporation: 1 meeting, 15m (no outcome 1)",
    ]
    header = run("report", "--format", "csv", "--notes-dir", str(notes)).stdout.splitlines()[0]
    assert header == "grouped_by,name,meetings,minutes,outcomes"


def test_the_report_names_outcomes_by_their_labels_where_a_person_reads(run, notes: Path) -> None:
    from markdown_it import MarkdownIt
    from typer.testing import CliRunner

    from resetkit.cli import app

    write_session(notes, "Acme Corp", day(-3), "reset", outcome="follow-up", minutes=60)
    write_session(notes, "Acme Corp", day(-2), "reset", outcome="follow-up", minutes=30)
    write_session(notes, "Globex Corporation", day(-2), "reset", minutes=15)
    env = {"COLUMNS": "100", "NO_COLOR": "1"}
    chart = CliRunner().invoke(app, ["report", "--notes-dir", str(notes)], env=env).stdout
    acme = next(line for line in chart.splitlines() if "Acme Corp" in line)
    assert "Another conversation 2" in acme
    reset = next(line for line in chart.splitlines() if line.strip().startswith("reset"))
    assert "Another conversation 2, no outcome 1" in reset
    assert "follow-up" not in chart and "none" not in chart
    text = run("report", "--format", "md", "--notes-dir", str(notes)).stdout
    lines = [t.content for t in MarkdownIt().parse(text) if t.type == "inline"]
    assert "Acme Corp: 2 meetings, 1h30m (Another conversation 2)" in lines
    assert "reset: 3 meetings, 1h45m (Another conversation 2, no outcome 1)" in lines
    table = run("report", "--format", "json", "--notes-dir", str(notes)).stdout
    assert json.loads(table)["customers"][0]["outcomes"] == {"follow-up": 2}


def test_sessions_say_when_filters_match_nothing_together_and_speak_of_status_in_words(
    run, notes: Path
) -> None:
    write_session(notes, "Acme Corp", day(-3), "reset", status="in_progress")
    write_session(notes, "Globex Corporation", day(-2), "risk-check")
    both = run(
        "sessions", "--customer", "acme", "--playbook", "risk-check", "--notes-dir", str(notes)
    )
    assert both.exit_code == 0
    assert "no session matches these filters together" in both.stderr
    from typer.testing import CliRunner

    from resetkit.cli import app

    drawn = (
        CliRunner()
        .invoke(
            app,
            ["sessions", "--format", "table", "--notes-dir", str(notes)],
            env={"COLUMNS": "120"},
        )
        .stdout
    )
    assert "in progress" in drawn and "in_progress" not in drawn
    piped = run("sessions", "--notes-dir", str(notes)).stdout
    assert "\tin_progress\t" in piped  # what scripts split keeps the id


@pytest.mark.parametrize("command", [["ledger"], ["brief", "globex"]])
def test_the_ledger_and_the_brief_fit_80_columns_with_whole_words(
    notes: Path, twenty: list[dict[str, Any]], command: list[str]
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app

    result = CliRunner().invoke(
        app,
        [*command, "--notes-dir", str(notes)]
        + (["--format", "table"] if command == ["ledger"] else []),
        env={"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in result.stdout  # no header or name cut short
    screen = first_screen(result.stdout)
    if command == ["ledger"]:
        assert screen[0].startswith("OWNER") and screen[0].rstrip().endswith("KEPT")
        assert screen[1].startswith("Acme Corp")
    else:
        assert "Before the call: Globex Corporation" in screen[0]
        overdue = [line for line in screen if "days late" in line]
        assert overdue  # the late items are on the first screen


LONG_NAME = "Consolidated Amalgamated Holdings Co"  # 36 characters


def test_the_ledger_names_each_customer_whole_and_lines_numbers_up_under_their_names(
    notes: Path, twenty: list[dict[str, Any]]
) -> None:
    from test_between import event

    moved = item(
        "ln000001",
        "Send the plan",
        due=day(5),
        history=[event("moved", day(-2), note="Legal review", from_due=day(-1), to_due=day(5))],
    )
    write_session(notes, LONG_NAME, day(-9), "reset", {"actions": [moved]})
    output = ledger_at_80(notes)
    lines = output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    for customer in (*CUSTOMERS, LONG_NAME):
        assert any(line.startswith(customer) for line in lines), customer
    header = lines[0]
    assert " ".join(header.split()) == "OWNER ON TIME LATE MOVED DROPPED OVERDUE OPEN KEPT"
    rows = [line for line in lines if line.split()[0] in ("us", "customer", "both")]
    for name in ("ON TIME", "LATE", "DROPPED", "OVERDUE", "OPEN", "KEPT"):
        end = header.index(name) + len(name)  # each number ends where its column's name ends
        assert all(row[end - 1] != " " and row[end : end + 1] in ("", " ") for row in rows), name
    long_at = lines.index(next(line for line in lines if line.startswith(LONG_NAME)))
    assert lines[long_at + 1].split()[:4] == ["us", "0", "0", "1"]
    assert "Send the plan, moved +6d: Legal review" in lines[long_at + 2]
    assert "trend" not in output and "kept on time: 0% in Q" in output


def ledger_at_80(notes: Path) -> str:
    from typer.testing import CliRunner

    from resetkit.cli import app

    result = CliRunner().invoke(
        app,
        ["ledger", "--format", "table", "--notes-dir", str(notes)],
        env={"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_sessions_at_80_columns_name_each_customer_whole_and_ids_that_commands_take(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    thirty = "Consolidated Amalgamated Hldgs"
    write_session(notes, thirty, day(-1), "reset", outcome="continue")
    lines = at_80x24(run, notes, "sessions").splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].split() == ["SESSION", "CUSTOMER", "OUTCOME", "MINUTES"]
    rows = [line for line in lines[1:] if line and not line.startswith(" ")]
    assert len(rows) == 6
    for customer in (*CUSTOMERS, thirty):
        (row,) = [line for line in rows if f" {customer} " in line]
        shown = row.split()[0]
        found = run("share", shown, "--format", "md", "--notes-dir", str(notes))
        assert found.exit_code == 0, found.stderr
        assert customer in found.stdout
    assert any("Continue with aligned" in line for line in lines)


def test_the_brief_lists_last_sessions_with_short_dates_and_outcome_labels(
    notes: Path, twenty: list[dict[str, Any]]
) -> None:
    from datetime import date

    from typer.testing import CliRunner

    from resetkit.cli import app
    from resetkit.history.actions import short_day

    write_session(notes, "Globex Corporation", day(-1), "reset", outcome="continue", suffix="-2")
    result = CliRunner().invoke(
        app,
        ["brief", "globex", "--notes-dir", str(notes)],
        env={"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    held, today = date.fromisoformat(day(-1)), date.fromisoformat(day(0))
    (row,) = [line for line in lines if "Continue" in line]
    assert row.startswith(f"{held:%a} {short_day(held, today)} ")
    assert "Continue with aligned expectations" in row and "continue " not in row


def test_the_sessions_table_names_an_outcome_by_its_label_and_a_script_gets_its_id(
    run, notes: Path
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app

    write_session(notes, "Acme Corp", day(-3), "reset", outcome="follow-up")
    drawn = CliRunner().invoke(
        app, ["sessions", "--format", "table", "--notes-dir", str(notes)], env={"COLUMNS": "160"}
    )
    assert drawn.exit_code == 0, drawn.output
    assert "Another conversation" in drawn.stdout and "follow-up" not in drawn.stdout
    piped = run("sessions", "--notes-dir", str(notes)).stdout
    assert "\tfollow-up\t" in piped


# --- filters combined --------------------------------------------------------------------------


@pytest.mark.parametrize("customer", ["acme", "Hooli", "globex corporation"])
@pytest.mark.parametrize(
    "other",
    [[], ["--overdue"], ["--due-within", "7d"], ["--owner", "sam"], ["--owner", "us", "--only"]],
)
def test_a_customer_filter_with_any_other_keeps_exactly_the_items_both_keep(
    run, notes: Path, twenty: list[dict[str, Any]], customer: str, other: list[str]
) -> None:
    """The audit's case: `actions --overdue --customer hooli` listed nothing while Hooli had an
    item 20 days late. Each filter alone and together must agree with the whole list."""
    everything = listed(run, notes)
    by_customer = {i["action_id"] for i in everything if customer.lower() in i["customer"].lower()}
    by_other = {i["action_id"] for i in listed(run, notes, *other)}
    assert by_customer, customer
    together = {i["action_id"] for i in listed(run, notes, "--customer", customer, *other)}
    assert together == by_customer & by_other


@pytest.mark.parametrize("blank", ["", "   "])
@pytest.mark.parametrize("command", ["actions", "due", "sessions", "ledger"])
def test_an_empty_customer_filter_is_refused_not_read_as_every_customer(
    run, notes: Path, twenty: list[dict[str, Any]], command: str, blank: str
) -> None:
    result = run(command, "--customer", blank, "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert result.stdout == "" and "--customer is empty" in result.stderr


@pytest.mark.parametrize("typed", ["in progress", "In Progress", "in_progress", " in  progress "])
def test_a_status_is_taken_as_a_person_says_it(run, notes: Path, typed: str) -> None:
    write_session(notes, "Acme Corp", day(-3), "reset", status="in_progress")
    write_session(notes, "Hooli", day(-2), "reset")
    shown = run("sessions", "--status", typed, "--format", "json", "--notes-dir", str(notes))
    assert shown.exit_code == 0, shown.stderr
    assert [session["customer"] for session in json.loads(shown.stdout)] == ["Acme Corp"]


@pytest.mark.parametrize("command", [["actions"], ["due"]])
def test_the_legend_names_only_the_marks_the_table_shows(
    run, notes: Path, command: list[str]
) -> None:
    plain = item("aa000001", "Send the plan", due=day(1))
    milestone = item("aa000002", "Sign the amendment", due=day(2)) | {"critical_path": True}
    write_session(notes, "Acme Corp", day(-3), "reset", {"actions": [plain]})
    none_marked = at_80x24(run, notes, *command)
    assert "critical path" not in none_marked and "two people" not in none_marked
    write_session(notes, "Hooli", day(-2), "reset", {"actions": [milestone]})
    marked = at_80x24(run, notes, *command)
    assert "! on the critical path" in marked and "two people" not in marked


def test_filters_that_match_nothing_together_name_the_days_they_were_read_as(
    run, notes: Path
) -> None:
    write_session(notes, "Acme Corp", day(-3), "reset")
    shown = run("sessions", "--until", day(-10), "--notes-dir", str(notes))
    assert shown.exit_code == 0
    assert f"no session matches these filters together (until {day(-10)})" in shown.stderr


@pytest.mark.parametrize(
    ("customer", "playbook"),
    [("initech ", "Reset"), ("  INITECH", " reset "), ("initech", "RESET")],
)
def test_filters_take_stray_spaces_and_a_playbook_in_capitals(
    run, notes: Path, twenty: list[dict[str, Any]], customer: str, playbook: str
) -> None:
    result = run(
        "sessions", "--customer", customer, "--playbook", playbook, "--format", "json",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [row["customer"] for row in json.loads(result.stdout)] == ["Initech"]
    due = run("due", "--customer", customer, "--format", "json", "--notes-dir", str(notes))
    assert due.exit_code == 0, due.stderr


def test_the_sessions_table_shows_those_in_progress_first_then_the_newest(
    run, notes: Path, twenty: list[dict[str, Any]]
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app

    write_session(notes, "Hooli", day(-40), "recovery", status="in_progress")
    env = {"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1"}
    shown = CliRunner().invoke(
        app, ["sessions", "--format", "table", "--notes-dir", str(notes)], env=env
    )
    first, second, third = shown.stdout.splitlines()[1:4]
    assert "Hooli" in first and "in progress" in first
    assert "Vandelay Industries" in second and "Hooli" in third  # the newest, then the one before
    piped = run("sessions", "--notes-dir", str(notes)).stdout.splitlines()
    assert piped[1].split("\t")[1] == day(-40)  # scripts keep the oldest first


@pytest.mark.parametrize("command", ["sessions", "ledger", "report", "calendar"])
@pytest.mark.parametrize("since", ["", "  ", "tomorrow", "+3d", "next fri"])
def test_an_empty_or_future_since_is_refused_never_read_as_no_filter(
    run, notes: Path, twenty: list[dict[str, Any]], command: str, since: str
) -> None:
    result = run(command, "--since", since, "--notes-dir", str(notes))
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
    assert "--since" in result.stderr


@pytest.mark.parametrize("span", ["", " ", "soon"])
def test_an_empty_or_wrong_due_within_is_refused_naming_the_option(
    run, notes: Path, twenty: list[dict[str, Any]], span: str
) -> None:
    result = run("actions", "--due-within", span, "--notes-dir", str(notes))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("resetkit: --due-within ")
