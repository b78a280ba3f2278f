"""Durations and relative dates as playbooks and answers write them, their patterns, and the
clock: `today()` and `now()` are the only readers of the system's date and time in resetkit.

A leaf: it imports only `errors`, so the models, the checks and the registry of question types
can all use it without importing each other.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time

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


# The days an answer, a due date or a follow-up may fall on. Room is left at both ends for what
# is done with them (an invite ends the day after, an alarm rings up to 9,999 weeks before), so
# that no date resetkit took can make it fail later, on every save after.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
# The longest span counted from today (`--within`, `--since 30d`): a century either way.
LONGEST_SPAN_DAYS = 36_525


class DateOutOfRange(ValueError):
    """A date, or an offset from today, outside the days resetkit takes; says which they are."""


def in_range(day: date) -> date:
    """`day` when resetkit takes it; DateOutOfRange saying which days it takes otherwise."""
    if not FIRST_DAY <= (day.date() if isinstance(day, datetime) else day) <= LAST_DAY:
        raise DateOutOfRange(
            f"{day.isoformat()} is outside the dates resetkit takes "
            f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
        )
    return day


def span_days(count: str, unit: str) -> int:
    """Days in a span of `count` days ('d') or weeks ('w'); DateOutOfRange beyond a century."""
    days = int(count) * (7 if unit == "w" else 1) if len(count) <= 9 else LONGEST_SPAN_DAYS + 1
    if days > LONGEST_SPAN_DAYS:
        raise DateOutOfRange(
            f"{count}{unit} is longer than {LONGEST_SPAN_DAYS:,} days (a century), "
            "the longest span resetkit counts"
        )
    return days


def default_date(value: date | str, today: date) -> date:
    """A question's default on `today`: as resolve_date, but never refused, since nobody typed
    it: an offset that reaches past the dates resetkit takes stops at the nearest of them."""
    try:
        return resolve_date(value, today)
    except DateOutOfRange:
        return LAST_DAY if today >= FIRST_DAY else FIRST_DAY


def resolve_date(value: date | str, today: date) -> date:
    """The calendar date of an absolute date, 'today' or an offset like '+14d' from today;
    DateOutOfRange for one outside FIRST_DAY to LAST_DAY, ValueError for no date at all."""
    if isinstance(value, date):
        return in_range(value)
    if value == "today":
        return in_range(today)
    match = RELATIVE_DAYS.match(value)
    if match is None:
        return in_range(date.fromisoformat(value))
    count, unit = match.group(1), match.group(2)
    # Counted on day numbers: a date past year 9999 cannot even be made to be refused.
    day = today.toordinal() + int(count) * (7 if unit == "w" else 1) if len(count) < 12 else -1
    if day < 0 or day > LAST_DAY.toordinal():
        raise DateOutOfRange(
            f"{value} from {today.isoformat()} is past {LAST_DAY.isoformat()}, "
            "the last date resetkit takes"
        )
    return in_range(date.fromordinal(day))


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
