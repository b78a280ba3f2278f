"""One date grammar for every option, prompt and answers file (README, "Dates"): ISO dates,
today/yesterday/tomorrow, offsets with or without a sign, weekdays, day and month."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import STARTED, TODAY, drive
from resetkit.dates import FIRST_DAY, LAST_DAY, AmbiguousDate, resolve_date

DAYS = st.dates(date(1950, 1, 1), date(2200, 12, 31))
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@given(DAYS, st.integers(0, 500), st.sampled_from("dw"))
def test_a_signed_offset_counts_that_way_and_a_bare_one_as_the_option_means(
    today: date, count: int, unit: str
) -> None:
    days = timedelta(days=count * (7 if unit == "w" else 1))
    assert resolve_date(f"+{count}{unit}", today, "ago") == today + days
    assert resolve_date(f"-{count}{unit}", today) == today - days
    assert resolve_date(f"{count}{unit}", today, "ahead") == today + days
    assert resolve_date(f"{count}{unit}", today, "ago") == today - days
    # 'ago' counts back whatever the option means by a bare offset; a sign and 'ago' clash.
    for bare in ("ahead", "ago"):
        assert resolve_date(f"{count}{unit} ago", today, bare) == today - days
        assert resolve_date(f" {count} {unit.upper()}  AGO ", today, bare) == today - days
    with pytest.raises(ValueError, match="takes no 'ago'"):
        resolve_date(f"+{count}{unit} ago", today)


@given(DAYS, st.integers(-40, 40))
@example(date(2024, 1, 31), 1)
@example(date(2024, 3, 31), -1)
@example(date(2026, 12, 31), 2)
def test_a_month_on_is_the_same_day_or_the_month_s_last(today: date, months: int) -> None:
    found = resolve_date(f"{months:+d}m", today)
    assert (found.year * 12 + found.month) - (today.year * 12 + today.month) == months
    assert found.day == today.day or (found.day < today.day and (found + timedelta(1)).day == 1)


@given(DAYS, st.sampled_from(WEEKDAYS), st.integers(3, 9), st.booleans())
def test_a_weekday_is_the_first_after_today_or_the_last_before_it(
    today: date, name: str, length: int, upper: bool
) -> None:
    typed = name[:length].upper() if upper else name[:length]
    wanted = WEEKDAYS.index(name)
    after = resolve_date(typed, today)
    before = resolve_date(f"last {typed}", today)
    assert after.weekday() == wanted and 1 <= (after - today).days <= 7
    assert before.weekday() == wanted and 1 <= (today - before).days <= 7
    assert resolve_date(f"next  {typed}", today) == after
    assert resolve_date(typed, today, "ago") == before
    assert resolve_date(f"this {typed}", today).isocalendar()[:2] == today.isocalendar()[:2]


@given(DAYS, st.dates(date(2000, 1, 1), date(2000, 12, 31)), st.sampled_from("/."))
@example(date(2026, 11, 24), date(2000, 2, 29), "/")
@example(date(2026, 12, 31), date(2000, 12, 31), "/")
@example(date(2026, 12, 31), date(2000, 1, 1), ".")
def test_a_day_and_month_is_the_next_such_day_or_names_both_readings(
    today: date, wanted: date, sep: str
) -> None:
    typed = f"{wanted.day}{sep}{wanted.month}"
    if wanted.day <= 12 and wanted.day != wanted.month:
        with pytest.raises(AmbiguousDate, match="write it as YYYY-MM-DD"):
            resolve_date(typed, today)
        return
    ahead, back = resolve_date(typed, today), resolve_date(typed, today, "ago")
    assert (ahead.month, ahead.day) == (back.month, back.day) == (wanted.month, wanted.day)
    assert back <= today <= ahead
    assert (ahead - today).days < 366 * (8 if wanted.day == 29 and wanted.month == 2 else 1)
    # The other order, and the month by name, mean the same day.
    if wanted.day > 12:
        assert resolve_date(f"{wanted.month}/{wanted.day}", today) == ahead
    assert resolve_date(f"{wanted.day} {wanted:%B}", today) == ahead
    assert resolve_date(f"{wanted:%b} {wanted.day} 2032", today) == wanted.replace(year=2032)


def test_named_forms_and_a_year_given() -> None:
    tuesday = date(2026, 11, 24)
    assert resolve_date("today", tuesday) == tuesday
    assert resolve_date("Yesterday", tuesday) == date(2026, 11, 23)
    assert resolve_date("tomorrow", tuesday) == date(2026, 11, 25)
    assert resolve_date("31/12", tuesday) == date(2026, 12, 31)
    assert resolve_date("31/12", tuesday, "ago") == date(2025, 12, 31)
    assert resolve_date("dec 31 2027", tuesday) == date(2027, 12, 31)
    assert resolve_date("31.12.2027", tuesday) == date(2027, 12, 31)
    assert resolve_date("29/2", tuesday) == date(2028, 2, 29)
    assert resolve_date("next fri", date(2026, 12, 31)) == date(2027, 1, 1)


@pytest.mark.parametrize("typed", ["3/4", "fr", "someday", "31/4", "29/2/2027", "+1y", "next"])
def test_what_is_no_date_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        resolve_date(typed, TODAY)


@given(st.integers(1, 10**15), st.sampled_from("dwm"), st.sampled_from("+-"))
def test_an_offset_off_the_calendar_is_refused_not_crashed(
    count: int, unit: str, sign: str
) -> None:
    try:
        found = resolve_date(f"{sign}{count}{unit}", TODAY)
    except ValueError:
        return
    assert FIRST_DAY <= found <= LAST_DAY


@pytest.mark.dated
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_since_yesterday_and_due_next_friday_on_the_command_line(
    run, isolated: Path, zoned: None, zone: str
) -> None:
    os.environ["TZ"] = zone
    time.tzset()
    notes = isolated / "notes"
    drive("reset", notes_dir=notes)
    (item,) = [
        line.split()[0]
        for line in run("actions", "--notes-dir", str(notes)).stdout.splitlines()[1:]
        if line.strip()
    ]
    moved = run(
        "actions", "move", item, "--due", "next friday", "--reason", "x", "--notes-dir", str(notes)
    )
    assert moved.exit_code == 0, moved.stderr
    friday = resolve_date("fri", TODAY)
    assert (
        friday.isoformat() in run("actions", "--format", "json", "--notes-dir", str(notes)).stdout
    )
    since = run("sessions", "--since", "yesterday", "--until", "+0d", "--notes-dir", str(notes))
    assert since.exit_code == 0, since.stderr
    # The session is held on STARTED's day, which the far days of the dated run are past.
    held = STARTED.date() >= resolve_date("yesterday", TODAY)
    assert ("acme-corp/" in since.stdout) is held
    ambiguous = run("sessions", "--since", "3/4", "--notes-dir", str(notes))
    assert ambiguous.exit_code == 2
    assert "'3/4' may be 3 apr or 4 mar" in ambiguous.stderr
