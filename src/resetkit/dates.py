"""Durations and relative dates as playbooks and answers write them, and their patterns.

A leaf: it imports nothing of resetkit, so the models, the checks and the registry of question
types can all use it without importing each other.
"""

from __future__ import annotations

import re
from datetime import date, datetime

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
