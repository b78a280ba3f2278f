"""One clock: resetkit reads "today" and "now" in resetkit.dates only, a pinned day moves both,
and the product's own dates hold across a year end and a change to or from summer time."""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, TODAY, drive
from resetkit import dates
from resetkit.dates import local_moment, resolve_date
from resetkit.errors import UsageError

# Far zones (+14, -11), zones with summer time (north and south, one starting at midnight, one
# moving by 30 minutes), odd offsets, and UTC.
ZONES = [
    "UTC",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Europe/Paris",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/St_Johns",
]


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """This process's local zone is `name` (TZ, as a user's shell sets it) until the end."""
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TZ", name)
            time.tzset()
            yield
    finally:
        time.tzset()  # back to the zone of the environment as it was


@contextmanager
def pinned(day: date) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESETKIT_TODAY", day.isoformat())
        yield


# --- the one reader ----------------------------------------------------------------------------

# Calls that read the system's date or time. `time.monotonic` and `perf_counter` measure
# durations and are not the clock.
_CLOCK_METHODS = {"now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp"}
_TIME_READERS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}
# The one exception, and why: the index compares file times with the wall clock, which must not
# follow a pinned day (README, "How the suite controls time").
_ALLOWED = {("src/resetkit/history/fresh.py", "time.time_ns")}


def clock_readers(source: str) -> list[str]:
    """Each call in `source` that reads the system clock, as 'line: name', in line order."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            names = [alias.name for alias in node.names if alias.name in _TIME_READERS]
            found += [(node.lineno, f"time.{name}") for name in names]
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, name = node.func.value, node.func.attr
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if owner_name in ("datetime", "date") and name in _CLOCK_METHODS:
            found.append((node.lineno, f"{owner_name}.{name}"))
        elif owner_name == "time" and name in _TIME_READERS:
            # time.localtime(seconds) and time.strftime(format, parts) read no clock.
            reads = len(node.args) < (2 if name == "strftime" else 1)
            if name in ("time", "time_ns") or reads:
                found.append((node.lineno, f"time.{name}"))
    return [f"{line}: {name}" for line, name in sorted(found)]


def test_only_resetkit_dates_reads_the_system_clock() -> None:
    readers = []
    for path in sorted((REPO / "src").rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        if name == "src/resetkit/dates.py":
            continue
        for found in clock_readers(path.read_text("utf-8")):
            if (name, found.split(": ", 1)[1]) not in _ALLOWED:
                readers.append(f"{name}:{found}")
    assert readers == [], "read the clock through resetkit.dates.today() or now()"


def test_the_rule_finds_every_kind_of_reader() -> None:
    """The scan above would fail on each of these (and ruff's DTZ rules on the first two)."""
    source = "\n".join(
        [
            "date.today()",
            "datetime.now()",
            "datetime.datetime.now(UTC)",
            "datetime.fromtimestamp(stamp)",
            "time.time()",
            "time.localtime()",
            "time.strftime('%Y')",
            "from time import time_ns",
            # not readers: durations, and conversions of a time given
            "time.monotonic()",
            "time.perf_counter()",
            "time.localtime(stamp)",
            "time.strftime('%Y', parts)",
            "dates.today()",
        ]
    )
    assert [line.split(": ")[0] for line in clock_readers(source)] == [str(n) for n in range(1, 9)]


# --- the clock and its pin ---------------------------------------------------------------------


def test_the_pinned_day_is_today_and_now_is_on_it(pinned_today: date) -> None:
    assert dates.today() == pinned_today
    moment = dates.now()
    assert moment.tzinfo is not None and moment.date() == pinned_today
    assert dates.utc_now().tzinfo == UTC
    assert abs(dates.utc_now() - moment) < timedelta(minutes=1)


def test_without_a_pin_the_clock_is_the_system_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESETKIT_TODAY")
    before = datetime.now(UTC).astimezone()
    today, now = dates.today(), dates.now()
    after = datetime.now(UTC).astimezone()
    assert before.date() <= today <= after.date()  # midnight may pass between the reads
    assert before <= now <= after


@pytest.mark.parametrize("text", ["tomorrow", "2027-02-30", "1970-12-31", "9999-12-31", "+1d"])
def test_a_pin_that_is_not_a_usable_day_is_refused_in_one_line(
    run, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("RESETKIT_TODAY", text)
    with pytest.raises(UsageError, match="RESETKIT_TODAY"):
        dates.today()
    result = run("due", "--notes-dir", "notes")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "RESETKIT_TODAY" in result.stderr


def test_an_empty_pin_is_no_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESETKIT_TODAY", " ")
    assert dates.pinned_day() is None


@pytest.mark.dated
# Santiago's summer time starts at midnight: 00:30 on that day is a time the clocks skip.
@example(day=date(2026, 9, 6), wall=time_of_day(0, 30), zone="America/Santiago")
@example(day=date(2026, 10, 25), wall=time_of_day(2, 30), zone="Europe/Paris")  # shown twice
@given(
    day=st.dates(date(1971, 1, 2), date(9998, 12, 30)),
    wall=st.times(),
    zone=st.sampled_from(ZONES),
)
def test_a_pinned_moment_is_on_the_pinned_day_with_that_day_s_offset(
    day: date, wall: time_of_day, zone: str
) -> None:
    """Whatever the zone and the time of day, summer time included: the local clock reads the
    pinned day, and the offset is the one in force at that moment (not today's)."""
    with local_zone(zone):
        moment = local_moment(day, wall)
    naive = datetime.combine(day, wall)
    there = moment.astimezone(ZoneInfo(zone))
    assert moment.date() == day and there.utcoffset() == moment.utcoffset()
    if there.replace(tzinfo=None) != naive:  # a time the clocks skipped: just after the skip
        assert naive < there.replace(tzinfo=None) <= naive + timedelta(hours=2)
        assert there.date() == day


# --- summer time -------------------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return end - timedelta(days=(end.weekday() + 1) % 7)


@pytest.mark.dated
@pytest.mark.parametrize(
    ("month", "wall", "offset"),
    [
        (3, "01:30", 1),  # before the clocks go forward
        (3, "02:30", 2),  # skipped: read as 03:30, summer time
        (3, "12:00", 2),
        (10, "01:30", 2),
        (10, "02:30", 2),  # shown twice: the first, still summer time
        (10, "12:00", 1),
    ],
)
def test_the_clock_on_the_day_paris_changes_to_and_from_summer_time(
    month: int, wall: str, offset: int
) -> None:
    day = last_sunday(TODAY.year, month)
    with local_zone("Europe/Paris"):
        moment = local_moment(day, time_of_day.fromisoformat(wall))
    assert moment.date() == day and moment.utcoffset() == timedelta(hours=offset)


@pytest.mark.dated
@pytest.mark.parametrize("month", [3, 10])
def test_a_session_started_on_a_summer_time_day_is_filed_under_it(
    run, isolated: Path, month: int
) -> None:
    """A run's start is read from the clock: the folder is that day, and the offset stored is
    the one Paris has at that moment of that day, whatever the real time of day."""
    from resetkit.places import builtin_dir

    day = last_sunday(TODAY.year, month)
    example = builtin_dir() / "examples" / "risk-check" / "champion-left.yaml"
    with local_zone("Europe/Paris"), pinned(day):
        result = run(
            "start", "risk-check", "--answers", str(example), "--no-input", "--notes-dir", "notes"
        )
    assert result.exit_code == 0, result.stderr
    folder = Path(result.stdout.splitlines()[0]).parent
    assert folder.name.startswith(day.isoformat())
    record = json.loads((folder / "session.json").read_text("utf-8"))
    started = datetime.fromisoformat(record["started_at"])
    paris = started.astimezone(ZoneInfo("Europe/Paris"))
    assert paris.date() == day and started.utcoffset() == paris.utcoffset()


# --- the year end ------------------------------------------------------------------------------

YEAR = TODAY.year  # the year end the pinned day is in: it moves with RESETKIT_TEST_TODAY


@given(year=st.integers(1971, 9000), weeks=st.integers(0, 520), days=st.integers(0, 3650))
def test_relative_dates_count_across_the_year_end(year: int, weeks: int, days: int) -> None:
    december = date(year, 12, 28)
    assert resolve_date("+1w", december) == date(year + 1, 1, 4)
    assert resolve_date(f"+{weeks}w", december) == december + timedelta(weeks=weeks)
    assert resolve_date(f"+{days}d", december) - december == timedelta(days=days)
    assert resolve_date("today", december) == december


def items_due(run, *args: str, on: date) -> str:
    with pinned(on):
        result = run(*args, "--format", "json", "--notes-dir", "notes")
    assert result.exit_code == 0, result.stderr
    return result.stdout  # type: ignore[no-any-return]


@pytest.fixture
def new_years_eve_item(isolated: Path) -> str:
    """A session holding one open item due on 31 December of the pinned day's year."""
    driven = drive(
        "reset",
        {"actions": [{"what": "Year-end review", "owner": "us", "due": f"{YEAR}-12-31"}]},
        notes_dir=isolated / "notes",
    )
    return str(driven.session.answers["actions"][0]["id"])


@pytest.mark.dated
def test_an_item_due_on_31_december_is_due_soon_before_and_late_after_new_year(
    run, new_years_eve_item: str
) -> None:
    eve, new_year = date(YEAR, 12, 31), date(YEAR + 1, 1, 1)
    within = json.loads(items_due(run, "due", "--within", "7d", on=date(YEAR, 12, 28)))
    assert [item["action_id"] for item in within["customers"][0]["due_soon"]] == [
        new_years_eve_item
    ]
    assert json.loads(items_due(run, "due", "--within", "2d", on=date(YEAR, 12, 28))) == {
        "today": f"{YEAR}-12-28",
        "within_days": 2,
        "customers": [],
    }
    on_the_day = json.loads(items_due(run, "actions", "--overdue", on=eve))
    assert on_the_day == []  # due today is not late
    late = json.loads(items_due(run, "actions", "--overdue", on=new_year))
    assert [(item["action_id"], item["overdue_days"]) for item in late] == [(new_years_eve_item, 1)]
    digest = json.loads(items_due(run, "due", on=new_year))
    assert digest["today"] == new_year.isoformat()
    assert [item["due"] for item in digest["customers"][0]["overdue"]] == [eve.isoformat()]


@pytest.mark.dated
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(offset=-3, within=7)  # 28 December: due within the week
@example(offset=0, within=0)  # on the day: due, not late
@example(offset=1, within=7)  # 1 January: a day late
@given(offset=st.integers(-400, 400), within=st.integers(0, 60))
def test_on_any_day_around_new_year_the_item_is_late_due_soon_or_neither(
    run, new_years_eve_item: str, offset: int, within: int
) -> None:
    """The item due on 31 December, asked about `offset` days from it (any day of the years
    either side): late by as many days after it, due soon when it falls inside `--within`."""
    eve = date(YEAR, 12, 31)
    today = eve + timedelta(days=offset)
    late = json.loads(items_due(run, "actions", "--overdue", on=today))
    assert [item["overdue_days"] for item in late] == ([offset] if offset > 0 else [])
    digest = json.loads(items_due(run, "due", "--within", f"{within}d", on=today))
    groups = digest["customers"][0] if digest["customers"] else {"overdue": [], "due_soon": []}
    assert len(groups["overdue"]) == (offset > 0)
    assert len(groups["due_soon"]) == (-within <= offset <= 0)


@pytest.mark.dated
def test_moving_an_item_a_week_on_from_28_december_lands_in_january(
    run, new_years_eve_item: str
) -> None:
    with pinned(date(YEAR, 12, 28)):
        moved = run(
            "actions", "move", new_years_eve_item, "--due", "+1w", "--reason", "Holidays",
            "--notes-dir", "notes",
        )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    (found,) = json.loads(items_due(run, "actions", on=date(YEAR + 1, 1, 4)))
    assert found["due"] == f"{YEAR + 1}-01-04" and found["overdue_days"] == 0


@pytest.mark.dated
def test_a_meeting_that_crosses_midnight_keeps_the_day_it_started(isolated: Path) -> None:
    """A meeting begun at 23:30 on 31 December ends in the new year: its folder, 'today' and
    the relative dates typed in it count from the day it started; its end is after its start."""
    from rich.console import Console

    from conftest import ClockReader, synthetic_answer
    from resetkit.format.loader import load_file
    from resetkit.places import builtin_dir
    from resetkit.record.session import Attendee
    from resetkit.record.store import begin
    from resetkit.run.live import Run

    path = builtin_dir() / "reset.yaml"
    playbook = load_file(path)
    answers = {q.id: synthetic_answer(q) for _, q in playbook.questions()}
    answers |= {"outcome": "follow-up", "follow-up-date": "+1w"}
    answers["actions"] = [{"what": "Send the recap", "owner": "us", "due": "today"}]
    started = datetime(YEAR, 12, 31, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with local_zone("Europe/Paris"), pinned(date(YEAR + 1, 1, 1)):  # it ends after midnight
        session, folder = begin(
            playbook, path, path.read_text("utf-8"), "Acme", [Attendee(name="Dana")],
            isolated / "notes", started,
        )  # fmt: skip
        ticks = iter(range(0, 10_000_000, 60))
        console = Console(file=None, width=100, color_system=None, quiet=True)
        walked = Run(
            playbook, session, folder, ClockReader(answers, ["save"], console), console,
            clock=lambda: float(next(ticks)),
        )  # fmt: skip
        walked.walk()
        walked.finish(walked.review())
    record = json.loads((folder / "session.json").read_text("utf-8"))
    assert folder.name == f"{YEAR}-12-31-reset"
    assert record["answers"]["follow-up-date"] == f"{YEAR + 1}-01-07"
    assert record["answers"]["actions"][0]["due"] == f"{YEAR}-12-31"
    ended = datetime.fromisoformat(record["ended_at"])
    assert ended.astimezone(ZoneInfo("Europe/Paris")).date() == date(YEAR + 1, 1, 1)
    assert ended > datetime.fromisoformat(record["started_at"])
