"""The daily commands as a CSM reads them: whose items, filters that match nothing, 80x24."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import day
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
