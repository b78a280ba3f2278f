"""Durations and relative dates as playbooks and answers write them, their patterns, and the
clock: `today()` and `now()` are the only readers of the system's date and time in resetkit.

A leaf: it imports only `errors`, so the models, the checks and the registry of question types
can all use it without importing each other.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta

from resetkit.errors import UsageError

# Set to a day (YYYY-MM-DD) to run resetkit as if it were that day: the tests pin it, and a
# user can preview what `due`, `actions --overdue` or a new session would show on another day.
TODAY_VARIABLE = "RESETKIT_TODAY"
PINNABLE = (date(1971, 1, 1), date(9998, 12, 31))

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?$")
# The JSON Schema's spelling of a duration and of a relative date (see model.py).
DURATION_PATTERN = r"^\s*(\d+h)?\s*(\d+m)?\s*$"
RELATIVE_DATE_PATTERN = r"^(today|\+\d+[dw])$"
RELATIVE_DAYS = re.compile(r"^\+(\d+)([dw])$")


def parse_duration(text: str) -> int:
    """Minutes in a duration such as '30m', '1h' or '1h30m'; ValueError when it is not one."""
    match = _DURATION.match(text.replace(" ", ""))
    if not text.strip() or match is None:
        raise ValueError(f"'{text}' is not a duration: write it like 30m, 1h or 1h30m")
    hours, minutes = match.groups()
    return int(hours or 0) * 60 + int(minutes or 0)


def format_minutes(minutes: int) -> str:
    """A duration in minutes as the format writes it: 45m, 1h, 1h30m."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h{rest}m"
    return f"{hours}h" if hours else f"{rest}m"


def resolve_date(value: date | str, today: date) -> date:
    """The calendar date of an absolute date, 'today' or an offset like '+14d' from today."""
    if isinstance(value, date):
        return value
    if value == "today":
        return today
    match = RELATIVE_DAYS.match(value)
    if match is None:
        return date.fromisoformat(value)
    count, unit = int(match.group(1)), match.group(2)
    return today + timedelta(days=count * (7 if unit == "w" else 1))


def pinned_day() -> date | None:
    """The day set in RESETKIT_TODAY, or None when it is unset or empty; UsageError when it
    is not a date."""
    text = os.environ.get(TODAY_VARIABLE, "").strip()
    if not text:
        return None
    hint = "write it as YYYY-MM-DD between 1971 and 9998, or unset it"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{TODAY_VARIABLE}={text!r} is not a day", hint=hint) from None
    # The system's time functions, which give a day's offset, refuse the years at the edges.
    if not PINNABLE[0] <= day <= PINNABLE[1]:
        raise UsageError(f"{TODAY_VARIABLE}={text!r} is out of range", hint=hint)
    return day


def now() -> datetime:
    """The current time with the local offset, as records store it; on the pinned day when
    RESETKIT_TODAY is set (the real time of day there, with the local zone's offset that day)."""
    real = datetime.now().astimezone()
    day = pinned_day()
    return real if day is None else local_moment(day, real.time().replace(tzinfo=None))


def local_moment(day: date, wall: time) -> datetime:
    """The moment the local clock shows `wall` on `day`, with the offset in force then (summer
    or winter time, not today's); a wall time the clocks skipped is taken just after the skip,
    so the moment stays on `day` even where summer time starts at midnight."""
    naive = datetime.combine(day, wall)
    moment = naive.astimezone()
    if moment.replace(tzinfo=None) != naive:  # in the gap: fold=1 reads it after the gap
        moment = naive.replace(fold=1).astimezone()
    return moment


def today() -> date:
    """Today's date in the local zone, or the day pinned by RESETKIT_TODAY."""
    return pinned_day() or datetime.now().astimezone().date()


def utc_now() -> datetime:
    """`now()` in UTC, as calendar files stamp it."""
    return now().astimezone(UTC)
