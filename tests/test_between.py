"""Between meetings: due, calendar, ledger, brief and `actions move --with-later`, as run."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import TODAY, day
from resetkit.places import builtin_dir, customer_slug
from resetkit.record.recap import written_date
from resetkit.record.session import Attendee, Recommended, Session, playbook_hash
from resetkit.storage import RECORD_FILE
from resetkit.words import counted

# Every test here asks what is due, late or kept as of the pinned day.
pytestmark = pytest.mark.dated


def last_year(month_day: str) -> str:
    """A day of the year before the pinned one ('05-04'): a history that is always past."""
    return f"{TODAY.year - 1}-{month_day}"


def item(
    action_id: str,
    what: str,
    *,
    owner: str = "us",
    due: str | None = None,
    status: str = "open",
    history: list[dict[str, Any]] | None = None,
    owner_name: str = "",
) -> dict[str, Any]:
    return {
        "id": action_id,
        "what": what,
        "owner": owner,
        "owner_name": owner_name,
        "due": due,
        "critical_path": False,
        "status": status,
        "history": history or [],
    }


def event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"at": f"{at}T12:00:00+00:00", "kind": kind, "note": "", **fields}


def write_session(
    notes: Path,
    customer: str,
    started: str,
    playbook_id: str = "recovery",
    answers: dict[str, Any] | None = None,
    *,
    status: str = "complete",
    outcome: str | None = None,
    recommendation: Recommended | None = None,
    minutes: float = 30,
    suffix: str = "",
    scripted: bool = False,
) -> Path:
    """A session record written by hand, as a run would have saved it."""
    path = builtin_dir() / f"{playbook_id}.yaml"
    folder = notes / customer_slug(customer) / f"{started}-{playbook_id}{suffix}"
    begun = datetime.fromisoformat(started).replace(hour=10, tzinfo=UTC)
    session = Session(
        id=f"{folder.parent.name}/{folder.name}",
        playbook_id=playbook_id,
        playbook_title=playbook_id.title(),
        playbook_version="1",
        playbook_hash=playbook_hash(path.read_text("utf-8")),
        playbook_path=str(path),
        customer=customer,
        attendees=[Attendee(name="Dana", role="CTO")],
        started_at=begun,
        ended_at=begun + timedelta(minutes=minutes),
        planned_minutes=60,
        meeting_seconds=minutes * 60,
        answers=answers or {},
        outcome=outcome,
        recommendation=recommendation,
        status=status,  # type: ignore[arg-type]
        scripted=scripted,
    )
    folder.mkdir(parents=True)
    (folder / RECORD_FILE).write_text(session.model_dump_json() + "\n", "utf-8")
    return folder


def record(folder: Path) -> dict[str, Any]:
    return json.loads((folder / RECORD_FILE).read_text("utf-8"))


@pytest.fixture
def notes(isolated: Path) -> Path:
    return isolated / "notes"


# --- due ---------------------------------------------------------------------------------------


def test_due_groups_overdue_soon_and_follow_ups_by_customer(run, notes: Path) -> None:
    write_session(
        notes,
        "Acme Corp",
        day(-20),
        answers={
            "actions": [
                item("late0001", "Fix the export", due=day(-3), owner_name="Sam"),
                item("soon0001", "Share the roadmap", owner="customer", due=day(5)),
                item("far00001", "Train the admin", due=day(30)),
                item("done0001", "Send the recap", due=day(-5), status="done"),
            ]
        },
    )
    write_session(
        notes,
        "Globex",
        day(-2),
        "reset",
        {"outcome": "follow-up", "follow-up-date": day(4)},
        outcome="follow-up",
    )
    write_session(
        notes,
        "Initech",
        day(-2),
        "reset",
        {"outcome": "follow-up", "follow-up-date": day(40)},
        outcome="follow-up",
    )
    result = run("due", "--format", "json", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    digest = json.loads(result.stdout)
    assert digest["today"] == TODAY.isoformat()
    by_customer = {group["customer"]: group for group in digest["customers"]}
    assert sorted(by_customer) == ["Acme Corp", "Globex"]
    acme = by_customer["Acme Corp"]
    assert [a["action_id"] for a in acme["overdue"]] == ["late0001"]
    assert acme["overdue"][0]["overdue_days"] == 3
    assert [a["action_id"] for a in acme["due_soon"]] == ["soon0001"]
    assert by_customer["Globex"]["follow_ups"][0]["date"] == day(4)
    wider = json.loads(
        run("due", "--within", "6w", "--format", "json", "--notes-dir", str(notes)).stdout
    )
    assert "Initech" in [group["customer"] for group in wider["customers"]]
    only_customer = json.loads(
        run("due", "--owner", "customer", "--format", "json", "--notes-dir", str(notes)).stdout
    )
    acme = {g["customer"]: g for g in only_customer["customers"]}["Acme Corp"]
    assert acme["overdue"] == [] and [a["action_id"] for a in acme["due_soon"]] == ["soon0001"]


def test_due_leaves_out_a_follow_up_already_held(run, notes: Path) -> None:
    folder = write_session(
        notes,
        "Globex",
        day(-2),
        "reset",
        {"outcome": "follow-up", "follow-up-date": day(3)},
        outcome="follow-up",
    )
    args = ["due", "--format", "json", "--notes-dir", str(notes)]
    assert json.loads(run(*args).stdout)["customers"][0]["follow_ups"][0]["date"] == day(3)
    held = record(folder) | {"followed_by": ["globex/later-reset"]}
    (folder / RECORD_FILE).write_text(json.dumps(held) + "\n", "utf-8")
    assert json.loads(run(*args).stdout)["customers"] == []


def test_due_markdown_escapes_what_a_record_says_and_writes_dates_out(run, notes: Path) -> None:
    write_session(
        notes,
        "Acme <b>Corp</b>",
        day(-20),
        answers={"actions": [item("late0001", "# not a heading\n| x | y |", due=day(-1))]},
    )
    result = run("due", "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    tokens = MarkdownIt().parse(result.stdout)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2"]
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "table_open")]
    yesterday = TODAY - timedelta(days=1)
    assert f"{yesterday.day} " in result.stdout
    assert yesterday.strftime("%A") in result.stdout


def test_due_refuses_a_span_it_cannot_read(run, notes: Path) -> None:
    result = run("due", "--within", "soon", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "not a span of days" in result.stderr


# --- actions move --with-later -----------------------------------------------------------------


def test_moving_a_plan_shifts_the_later_open_items_and_keeps_every_reason(run, notes: Path) -> None:
    folder = write_session(
        notes,
        "Acme Corp",
        day(-10),
        answers={
            "actions": [
                item("before01", "Agree the root cause", due=day(2)),
                item("moved001", "Fix the export", due=day(5)),
                item("same0001", "Tell the team", due=day(5)),
                item("after001", "Train the admin", owner="customer", due=day(9)),
                item("after002", "Review together", due=day(20)),
                item("closed01", "Send the recap", due=day(12), status="done"),
                item("undated1", "Plan growth"),
            ],
            "other": [item("elsewher", "Another list", due=day(8))],
        },
    )
    other = write_session(
        notes, "Acme Corp", day(-9), answers={"actions": [item("othersss", "Other", due=day(9))]}
    )
    result = run(
        "actions",
        "move",
        "moved001",
        "--due",
        day(12),
        "--reason",
        "Engineering needs a week",
        "--with-later",
        "--notes-dir",
        str(notes),
    )
    assert result.exit_code == 0, result.stderr
    items = {
        action["id"]: action for answer in record(folder)["answers"].values() for action in answer
    }
    expected_due = {
        "before01": day(2),
        "moved001": day(12),
        "same0001": day(12),
        "after001": day(16),
        "after002": day(27),
        "closed01": day(12),
        "undated1": None,
        "elsewher": day(15),
    }
    assert {key: value["due"] for key, value in items.items()} == expected_due
    for shifted in ("same0001", "after001", "after002", "elsewher"):
        (slip,) = items[shifted]["history"]
        assert slip["kind"] == "moved"
        assert slip["note"] == "Engineering needs a week"
        assert slip["caused_by"] == "moved001"
        assert date.fromisoformat(slip["to_due"]) - date.fromisoformat(slip["from_due"]) == (
            timedelta(days=7)
        )
    (own,) = items["moved001"]["history"]
    assert own["from_due"] == day(5) and own["to_due"] == day(12) and own["caused_by"] is None
    assert items["before01"]["history"] == items["closed01"]["history"] == []
    assert record(other)["answers"]["actions"][0]["due"] == day(9)
    plan = (folder / "action-plan.md").read_text("utf-8")
    assert f"#4 moved from {day(9)} to {day(16)} with #2: Engineering needs a week" in plan


def test_a_second_move_keeps_the_first_reason(run, notes: Path) -> None:
    folder = write_session(
        notes,
        "Acme Corp",
        day(-10),
        answers={
            "actions": [item("first001", "Fix", due=day(3)), item("second01", "Ship", due=day(6))]
        },
    )
    for reason, target in (("Reason one", day(5)), ("Reason two", day(8))):
        args = ["actions", "move", "first001", "--due", target, "--reason", reason]
        assert run(*args, "--with-later", "--notes-dir", str(notes)).exit_code == 0
    second = record(folder)["answers"]["actions"][1]
    assert [slip["note"] for slip in second["history"]] == ["Reason one", "Reason two"]
    assert second["due"] == day(11)


def test_moving_an_undated_item_with_later_is_refused(run, notes: Path) -> None:
    write_session(notes, "Acme Corp", day(-10), answers={"actions": [item("undated1", "Plan")]})
    args = ["actions", "move", "undated1", "--due", day(3), "--reason", "x", "--with-later"]
    result = run(*args, "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "has no due date" in result.stderr


# --- calendar ----------------------------------------------------------------------------------


def read_ics(path: Path) -> Any:
    from icalendar import Calendar

    return Calendar.from_ical(path.read_bytes())


def todos(calendar: Any) -> dict[str, Any]:
    # A title reads 'Acme Corp: Sam to send the recap, moved 1 time': keyed by 'Send the recap'.
    found = {}
    for todo in calendar.walk("VTODO"):
        what = str(todo["summary"]).split(" to ", 1)[1].split(", moved")[0]
        found[what[:1].upper() + what[1:]] = todo
    return found


def test_calendar_writes_todos_with_alarms_and_follow_ups_as_events(run, notes: Path) -> None:
    write_session(
        notes,
        "Acme Corp",
        day(-10),
        answers={
            "actions": [
                item("open0001", "Fix the export", due=day(5), owner_name="Sam"),
                item("undated1", "Plan growth"),
            ]
        },
    )
    write_session(
        notes,
        "Globex",
        day(-2),
        "reset",
        {"outcome": "follow-up", "follow-up-date": day(4)},
        outcome="follow-up",
    )
    out = notes.parent / "between.ics"
    result = run("calendar", "--alarm", "2d", "-o", str(out), "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    calendar = read_ics(out)
    found = todos(calendar)
    assert list(found) == ["Fix the export"]
    todo = found["Fix the export"]
    assert todo.decoded("due") == date.fromisoformat(day(5))
    assert str(todo["status"]) == "NEEDS-ACTION"
    (alarm,) = todo.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=2)
    assert alarm["trigger"].params["RELATED"] == "END"
    (meeting,) = calendar.walk("VEVENT")
    assert meeting.decoded("dtstart") == date.fromisoformat(day(4))
    assert "Globex" in str(meeting["summary"])


def test_calendar_for_an_owner_keeps_only_the_meetings_of_their_sessions(run, notes: Path) -> None:
    for customer, name in (("Acme Corp", "Sam Rivera"), ("Globex", "Dana Scully")):
        write_session(
            notes,
            customer,
            day(-2),
            "reset",
            {
                "outcome": "follow-up",
                "follow-up-date": day(4),
                "actions": [
                    item(f"{customer[:4].lower()}0001", "Call", due=day(3), owner_name=name)
                ],
            },
            outcome="follow-up",
        )
    out = notes.parent / "sam.ics"
    result = run("calendar", "--owner", "sam", "-o", str(out), "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    calendar = read_ics(out)
    assert [str(todo["summary"]) for todo in calendar.walk("VTODO")] == [
        "Acme Corp: Sam Rivera to call"
    ]
    (meeting,) = calendar.walk("VEVENT")
    assert "Acme Corp" in str(meeting["summary"])
    assert "1 to-do (1 open), 1 follow-up meeting" in result.stderr


def test_calendar_uids_are_stable_and_a_done_or_moved_item_shows_so(run, notes: Path) -> None:
    write_session(
        notes,
        "Acme Corp",
        day(-10),
        answers={
            "actions": [
                item("done0001", "Send the recap", due=day(2)),
                item("move0001", "Fix the export", due=day(5)),
                item("keep0001", "Train the admin", due=day(8)),
            ]
        },
    )
    first, second = notes.parent / "first.ics", notes.parent / "second.ics"
    assert run("calendar", "-o", str(first), "--notes-dir", str(notes)).exit_code == 0
    assert run("actions", "done", "done0001", "--notes-dir", str(notes)).exit_code == 0
    move = ["actions", "move", "move0001", "--due", day(9), "--reason", "Waiting on legal"]
    assert run(*move, "--notes-dir", str(notes)).exit_code == 0
    assert run("calendar", "-o", str(second), "--notes-dir", str(notes)).exit_code == 0
    before, after = todos(read_ics(first)), todos(read_ics(second))
    assert {k: str(v["uid"]) for k, v in before.items()} == {
        k: str(v["uid"]) for k, v in after.items()
    }
    assert len({str(v["uid"]) for v in after.values()}) == 3
    done = after["Send the recap"]
    assert str(done["status"]) == "COMPLETED"
    # COMPLETED is written in UTC; the day it was done is the local one (+14 or -11 included).
    assert done.decoded("completed").astimezone().date() == TODAY
    assert done.walk("VALARM") == []
    assert int(done["sequence"]) > int(before["Send the recap"]["sequence"])
    moved = after["Fix the export"]
    assert moved.decoded("due") == date.fromisoformat(day(9))
    assert "moved 1 time" in str(moved["summary"])
    assert "Waiting on legal" in str(moved["description"])
    assert int(moved["sequence"]) == 1
    assert str(after["Train the admin"]["status"]) == "NEEDS-ACTION"
    assert int(after["Train the admin"]["sequence"]) == 0


def test_calendar_leaves_out_items_closed_long_ago(run, notes: Path) -> None:
    write_session(
        notes,
        "Acme Corp",
        day(-200),
        answers={
            "actions": [
                item(
                    "old00001",
                    "Closed long ago",
                    due=day(-150),
                    status="done",
                    history=[event("done", day(-149))],
                ),
                item("old00002", "Dropped long ago", due=day(-150), status="dropped"),
                item(
                    "recent01",
                    "Closed lately",
                    due=day(-150),
                    status="done",
                    history=[event("done", day(-10))],
                ),
                item("open0001", "Still open", due=day(-150)),
            ]
        },
    )
    out = notes.parent / "between.ics"
    assert run("calendar", "-o", str(out), "--notes-dir", str(notes)).exit_code == 0
    assert sorted(todos(read_ics(out))) == ["Closed lately", "Still open"]


def test_calendar_follow_up_uid_is_the_one_of_the_session_invite(run, notes: Path) -> None:
    from conftest import drive

    driven = drive("reset", {"outcome": "follow-up", "follow-up-date": day(15)}, notes_dir=notes)
    invite = read_ics(driven.folder / "follow-up.ics")
    out = notes.parent / "between.ics"
    assert run("calendar", "-o", str(out), "--notes-dir", str(notes)).exit_code == 0
    (mine,) = read_ics(out).walk("VEVENT")
    (theirs,) = invite.walk("VEVENT")
    assert str(mine["uid"]) == str(theirs["uid"])


def test_calendar_keeps_hostile_text_inside_its_properties(run, notes: Path) -> None:
    write_session(
        notes,
        "Acme\r\nEND:VCALENDAR",
        day(-10),
        answers={"actions": [item("x\nBEGIN:VEVENT", "Fix\r\nBEGIN:VALARM;x", due=day(3))]},
    )
    result = run("calendar", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.replace("\r\n", "\n").split("\n")
    assert lines.count("BEGIN:VEVENT") == 0
    assert lines.count("END:VCALENDAR") == 1
    assert lines.count("BEGIN:VALARM") == 1
    from icalendar import Calendar

    (todo,) = Calendar.from_ical(result.stdout).walk("VTODO")
    assert "\n" not in str(todo["summary"])
    assert "\n" not in str(todo["uid"])


def test_calendar_refuses_an_alarm_it_cannot_read(run, notes: Path) -> None:
    result = run("calendar", "--alarm", "soon", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "30m, 9h, 1d or 1w" in result.stderr


# --- ledger ------------------------------------------------------------------------------------


def ledger_history(notes: Path) -> None:
    """Acme: a hand-built history whose every count is known."""
    write_session(
        notes,
        "Acme Corp",
        last_year("05-04"),
        answers={
            "actions": [
                # us: done on time (done before the date promised)
                item(
                    "u1",
                    "a",
                    due=last_year("05-20"),
                    status="done",
                    history=[event("done", last_year("05-19"))],
                ),
                # us: done late, after two slips of 7 and 3 days
                item(
                    "u2",
                    "b",
                    due=last_year("05-25"),
                    status="done",
                    history=[
                        event(
                            "moved",
                            last_year("05-09"),
                            note="Legal review",
                            from_due=last_year("05-15"),
                            to_due=last_year("05-22"),
                        ),
                        event(
                            "moved",
                            last_year("05-20"),
                            note="Sick leave",
                            from_due=last_year("05-22"),
                            to_due=last_year("05-25"),
                        ),
                        event("done", last_year("05-24")),
                    ],
                ),
                # customer: dropped
                item(
                    "c1",
                    "c",
                    owner="customer",
                    due=last_year("05-30"),
                    status="dropped",
                    history=[event("dropped", last_year("05-28"))],
                ),
                # customer: closed in the meeting, counted on time
                item("c2", "d", owner="customer", due=last_year("05-10"), status="done"),
            ]
        },
    )
    write_session(
        notes,
        "Acme Corp",
        last_year("08-03"),
        answers={
            "actions": [
                # both: open and overdue, moved once by 10 days
                item(
                    "b1",
                    "e",
                    owner="both",
                    due=last_year("08-20"),
                    history=[
                        event(
                            "moved",
                            last_year("08-05"),
                            note="Budget freeze",
                            from_due=last_year("08-10"),
                            to_due=last_year("08-20"),
                        ),
                    ],
                ),
                # customer: done late
                item(
                    "c3",
                    "f",
                    owner="customer",
                    due=last_year("08-15"),
                    status="done",
                    history=[event("done", last_year("08-30"))],
                ),
                # us: open, due in the future
                item("u3", "g", due=day(30)),
            ]
        },
    )
    write_session(
        notes, "Globex", last_year("08-03"), answers={"actions": [item("g1", "h", due=day(3))]}
    )
    write_session(
        notes,
        "Acme Corp",
        last_year("09-01"),
        status="discarded",
        suffix="-x",
        answers={"actions": [item("x1", "never counted", due=last_year("09-02"))]},
    )


def test_the_ledger_counts_each_sides_promises(run, notes: Path) -> None:
    from resetkit.history.ledger import quarter

    ledger_history(notes)
    result = run("ledger", "--customer", "acme", "--format", "json", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    ledger = json.loads(result.stdout)
    (acme,) = ledger["customers"]
    us, customer, both = (acme["owners"][owner] for owner in ("us", "customer", "both"))
    assert (us["done_on_time"], us["done_late"], us["dropped"], us["open"], us["overdue"]) == (
        1,
        1,
        0,
        1,
        0,
    )
    assert us["moved"] == {"items": 1, "times": 2, "days": 10}
    assert us["reasons"] == ["Legal review", "Sick leave"]
    assert us["kept_percent"] == 50
    assert (customer["done_on_time"], customer["done_late"], customer["dropped"]) == (1, 1, 1)
    assert customer["moved"] == {"items": 0, "times": 0, "days": 0}
    assert customer["kept_percent"] == 33
    assert (both["overdue"], both["open"], both["moved"]["days"]) == (1, 0, 10)
    assert both["reasons"] == ["Budget freeze"]
    assert both["kept_percent"] == 0
    # The quarter of a promise is that of the date first promised.
    assert {name: q["kept_percent"] for name, q in acme["quarters"].items()} == {
        f"{TODAY.year - 1}-Q2": 50,
        f"{TODAY.year - 1}-Q3": 0,
        quarter(TODAY + timedelta(days=30)): None,
    }
    assert ledger["owners"]["us"]["done_on_time"] == 1


def test_the_ledger_since_a_day_leaves_earlier_sessions_out(run, notes: Path) -> None:
    ledger_history(notes)
    args = ["ledger", "--customer", "acme", "--since", last_year("08-01"), "--format", "json"]
    (acme,) = json.loads(run(*args, "--notes-dir", str(notes)).stdout)["customers"]
    assert acme["owners"]["us"]["done_on_time"] == 0
    assert acme["owners"]["customer"]["done_late"] == 1


def test_the_ledger_since_a_day_counts_older_promises_still_open(run, notes: Path) -> None:
    # A promise made before the period and not kept is still one in it; one kept in the
    # period counts there too; one closed before the period is left out.
    write_session(
        notes,
        "Acme Corp",
        last_year("05-01"),
        answers={
            "actions": [
                item("u1", "still late", due=last_year("05-20")),
                item("u2", "open, not due", due=day(10)),
                item(
                    "u3",
                    "done in the period",
                    due=last_year("05-10"),
                    status="done",
                    history=[event("done", last_year("08-05"))],
                ),
                item(
                    "u4",
                    "done before",
                    due=last_year("05-10"),
                    status="done",
                    history=[event("done", last_year("05-05"))],
                ),
            ]
        },
    )
    args = ["ledger", "--since", last_year("08-01"), "--format", "json", "--notes-dir", str(notes)]
    result = run(*args)
    assert result.exit_code == 0, result.output
    (acme,) = json.loads(result.stdout)["customers"]
    us = acme["owners"]["us"]
    assert (us["overdue"], us["open"], us["done_late"], us["done_on_time"]) == (1, 1, 1, 0)


def test_the_ledger_in_markdown_names_every_reason(run, notes: Path) -> None:
    ledger_history(notes)
    result = run("ledger", "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "us: 1 of 2 kept on time, 1 done late, 1 moved (2 times, +10 days in all)" in text
    for reason in ("Legal review", "Sick leave", "Budget freeze"):
        assert re.search(rf"  - .+, moved [+-]\d+d: {reason}", text), text
    assert f"{TODAY.year - 1}-Q2 50%, {TODAY.year - 1}-Q3 0%" in text
    table = run("ledger", "--notes-dir", str(notes)).stdout
    assert "Acme Corp\tus\t1\t1\t1 (2x, +10d)\t0\t0\t1\t50%" in table


# --- brief -------------------------------------------------------------------------------------


def brief_history(notes: Path) -> None:
    write_session(
        notes,
        "Acme [bold]Corp[/]",
        last_year("09-01"),
        "risk-check",
        {"hours-last-month": 9, "monthly-value": 1000, "cost-vs-value": "fair"},
        recommendation=Recommended(playbook="reset", because="Older advice"),
    )
    write_session(
        notes,
        "Acme [bold]Corp[/]",
        last_year("10-05"),
        "risk-check",
        {"hours-last-month": 14, "monthly-value": 2400, "cost-vs-value": "high"},
        recommendation=Recommended(playbook="recovery", because="Their champion left"),
    )
    write_session(
        notes,
        "Acme [bold]Corp[/]",
        last_year("10-20"),
        "recovery",
        {
            "actions": [
                item(
                    "slipped1",
                    "Fix the [red]export[/red] | now",
                    due=day(-2),
                    owner_name="Sam",
                    history=[
                        event(
                            "moved",
                            last_year("10-25"),
                            note="Waiting on *legal*",
                            from_due=last_year("11-01"),
                            to_due=day(-2),
                        )
                    ],
                ),
                item("custom01", "Name a new champion", owner="customer", due=day(10)),
                item("done0001", "Send the recap", status="done", due=last_year("10-21")),
            ]
        },
        outcome="agreed",
        minutes=55,
    )
    write_session(notes, "Acme [bold]Corp[/]", last_year("11-01"), "reset", status="discarded")
    write_session(notes, "Acme Labs", last_year("11-02"), "reset")


def test_the_brief_in_markdown_has_sessions_items_promises_cost_and_advice(
    run, notes: Path
) -> None:
    brief_history(notes)
    result = run("brief", "acme [bold]corp[/]", "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Before the call: Acme \\[bold\\]Corp\\[/\\]\n")
    assert "3 sessions held with them, 1h55m in meetings;" in text  # the discarded one left out
    held = written_date(date.fromisoformat(last_year("10-20")))
    assert held in text and "complete, agreed; 55 min" in text
    sessions = text.split("## Last sessions")[1].split("##")[0]
    assert sessions.index("20 October") < sessions.index("5 October") < sessions.index("1 Sept")
    assert "- Fix the \\[red\\]export\\[/red\\] \\| now — Sam (us), due " in text
    assert f"moved from {last_year('11-01')} to {day(-2)}: Waiting on \\*legal\\*" in text
    assert "- Name a new champion — them, " in text
    assert "Send the recap" not in text
    assert "- us: 1 of 2 kept on time, 1 overdue, 1 moved" in text
    assert "14 hours last month against 2,400 a month: On the high side" in text
    # The recovery advised on 5 October was held on 20 October: not advised again.
    assert "run recovery: Their champion left" not in text
    assert "nothing new: recovery was run after the advice of" in text
    tokens = MarkdownIt().enable("table").parse(text)
    assert not [t for t in tokens if t.type in ("table_open", "html_inline", "html_block")]


def test_the_brief_counts_meetings_held_live_and_names_one_in_progress(run, notes: Path) -> None:
    write_session(notes, "Acme Corp", day(-9), "reset", minutes=40)
    write_session(notes, "Acme Corp", day(-6), "reset", minutes=0.1, scripted=True, suffix="-2")
    write_session(notes, "Acme Corp", day(-2), "recovery", status="in_progress")
    # A short live meeting is a meeting still: its minutes, never 'scripted'.
    write_session(notes, "Acme Corp", day(-4), "risk-check", minutes=0.4)
    result = run("brief", "acme", "--format", "md", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert "3 sessions held with them, 40m in meetings, 1 in progress;" in result.stdout
    assert "(complete; scripted)" in result.stdout and "(complete; 40 min)" in result.stdout
    assert "(complete; 0 min)" in result.stdout and result.stdout.count("scripted") == 1
    shown = run("brief", "acme", "--notes-dir", str(notes))
    assert "scripted" in shown.stdout


def test_the_brief_in_the_terminal_shows_record_text_as_typed(run, notes: Path) -> None:
    brief_history(notes)
    result = run("brief", "acme [bold]corp[/]", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    shown = " ".join(result.stdout.split())  # lines wrap at the terminal's width
    assert "Before the call: Acme [bold]Corp[/]" in shown
    assert "Fix the [red]export[/red] | now" in shown
    assert "Waiting on *legal*" in shown
    assert "Recommended: nothing new: recovery was run after the advice" in shown


def test_a_brief_of_an_unclear_or_unknown_customer_is_refused(run, notes: Path) -> None:
    brief_history(notes)
    several = run("brief", "acme", "--notes-dir", str(notes))
    assert several.exit_code == 2
    assert "names several customers" in several.stderr
    unknown = run("brief", "Globex", "--notes-dir", str(notes))
    assert unknown.exit_code == 3  # nothing matched: see test_daily.py
    assert "no customer matches 'Globex'" in unknown.stderr


def test_start_brief_needs_a_customer(run, notes: Path) -> None:
    result = run("start", "risk-check", "--brief", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "--brief needs --customer" in result.stderr


@pytest.mark.pty
def test_start_brief_shows_the_brief_before_the_first_section(isolated: Path, notes: Path) -> None:
    import os
    import signal
    import sys

    import pexpect

    brief_history(notes)
    child = pexpect.spawn(
        str(Path(sys.executable).parent / "resetkit"),
        ["start", "risk-check", "--customer", "Acme Labs", "--brief"],
        env={**os.environ, "RESETKIT_NOTES_DIR": str(notes), "PROMPT_TOOLKIT_NO_CPR": "1"},
        cwd=str(isolated),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    try:
        child.expect_exact("Before the call: Acme Labs")
        child.expect_exact("Promises")
        child.expect_exact("Warning signs")
        child.expect_exact("Date of the last real conversation")
    finally:
        child.kill(signal.SIGKILL)
        child.close()


def test_calendar_leaves_out_follow_up_meetings_long_past(run, notes: Path) -> None:
    """As closed items: a meeting more than 60 days past is left out, so that the file does
    not grow with years of history."""
    for customer, held, follow_up in (
        ("Initech", -200, -90),
        ("Globex", -100, -30),
        ("Umbrella", -3, 10),
    ):
        write_session(
            notes,
            customer,
            day(held),
            "reset",
            {"outcome": "follow-up", "follow-up-date": day(follow_up)},
            outcome="follow-up",
        )
    out = notes.parent / "between.ics"
    result = run("calendar", "-o", str(out), "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    days = sorted(event.decoded("dtstart") for event in read_ics(out).walk("VEVENT"))
    assert days == [date.fromisoformat(day(-30)), date.fromisoformat(day(10))]


def test_due_with_filters_that_leave_nothing_names_them_never_a_bare_all_clear(
    run, notes: Path
) -> None:
    write_session(
        notes, "Globex Corporation", day(-5), "reset",
        {"actions": [item("g1", "Send the plan", due=day(0), owner_name="Sam Rivera")]},
    )  # fmt: skip
    write_session(
        notes, "Acme Corp", day(-4), "reset",
        {"actions": [item("a1", "Book training", due=day(2), owner_name="Priya Shah")]},
    )  # fmt: skip
    result = run(
        "due", "--owner", "priya", "--customer", "globex", "--format", "table",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith(
        "nothing overdue, nothing due, no follow-up meeting for customer 'globex', owner 'priya'"
    )
    listed = run("due", "--owner", "sam", "--format", "table", "--notes-dir", str(notes))
    assert "1 listed (owner 'sam') · 0 overdue · 1 due by" in listed.stdout


@pytest.mark.parametrize("output", ["", ".", "folder", "missing/x.ics"])
def test_calendar_to_a_folder_or_into_a_missing_one_is_refused_and_makes_nothing(
    run, notes: Path, isolated: Path, output: str
) -> None:
    write_session(notes, "Acme Corp", day(-3), "reset", {"actions": [item("a1", "x", due=day(1))]})
    (isolated / "folder").mkdir()
    before = sorted(isolated.rglob("*"))
    result = run("calendar", "-o", output, "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "wrote" not in result.stderr
    expected = {"": "-o is empty", ".": "-o is empty (or '.', a folder)"}
    said = expected.get(output, "no folder" if "/" in output else "is a folder, not a file")
    assert said in result.stderr
    assert sorted(isolated.rglob("*")) == before


@given(late=st.integers(1, 400), ahead=st.integers(1, 60))
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_promise_moved_only_after_its_date_passed_stays_broken_in_the_ledger(
    late: int, ahead: int
) -> None:
    from resetkit.history.ledger import promise

    today = date.fromisoformat(day(0))
    first = today - timedelta(days=late + 1)
    moved_on = first + timedelta(days=late)  # the day it was moved: `late` days past its date
    new = today + timedelta(days=ahead)
    broken = item(
        "b1", "Send the plan", due=new.isoformat(),
        history=[event("moved", moved_on.isoformat(), note="Late", from_due=first.isoformat(),
                       to_due=new.isoformat())],
    )  # fmt: skip
    tally = promise(broken, today)
    assert (tally.broken, tally.late, tally.open, tally.kept_percent) == (1, 0, 0, 0)
    from resetkit.history.ledger import owner_line

    assert owner_line("us", tally) == (
        "us: 0 of 1 kept on time, 1 moved after its date had passed, still open, "
        f"1 moved (1 time, {counted((new - first).days, 'day', sign=True)} in all)"
    )
    in_time = dict(broken, history=[dict(broken["history"][0], at=f"{first}T09:00:00+00:00")])
    kept_open = promise(in_time, today)
    assert (kept_open.broken, kept_open.open, kept_open.kept_percent) == (0, 1, None)


def test_a_calendar_filtered_to_nothing_is_said_and_leaves_the_file_there_as_it_is(
    run, notes: Path, isolated: Path
) -> None:
    write_session(
        notes, "Acme Corp", day(-3), "reset",
        {"actions": [item("a1", "Send", due=day(2), owner_name="Sam Rivera")]},
    )  # fmt: skip
    write_session(
        notes, "Stark Industries", day(-2), "reset",
        {"actions": [item("s1", "Sign", due=day(3), owner_name="Priya Shah")]},
    )  # fmt: skip
    whole = isolated / "cal.ics"
    assert run("calendar", "-o", str(whole), "--notes-dir", str(notes)).exit_code == 0
    before = whole.read_bytes()
    args = ["--customer", "stark", "--owner", "sam", "--notes-dir", str(notes)]
    result = run("calendar", "-o", str(whole), *args)
    assert result.exit_code == 3
    assert "nothing to put in the calendar for customer 'stark', owner 'sam'" in result.stderr
    assert f"{whole} is left as it is" in result.stderr
    assert whole.read_bytes() == before


def test_the_brief_says_today_for_an_item_due_today(run, notes: Path) -> None:
    write_session(
        notes, "Acme Corp", day(-3), "reset",
        {"actions": [item("a1", "Send the plan", due=day(0)), item("a2", "Sign", due=day(1))]},
    )  # fmt: skip
    text = run("brief", "acme", "--format", "md", "--notes-dir", str(notes)).stdout
    assert "- Send the plan — us, due today (a1)" in text
    assert "- Sign — us, due " in text and "due today (a2)" not in text
