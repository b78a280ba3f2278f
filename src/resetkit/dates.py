"""Durations and relative dates as playbooks and answers write them, their patterns, and the
clock: `today()` and `now()` are the only readers of the system's date and time in resetkit.

A leaf: it imports only `errors` (and `words`, for a count), so the models, the checks and the
registry of question types can all use it without importing each other.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time
from typing import Literal

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


Direction = Literal["ahead", "ago"]

# The one grammar of a date typed at an option, a prompt or in an answers file (README, "Dates").
_OFFSET = re.compile(r"^([+-]?)(\d+)\s*([dwm])(\s+ago)?$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = re.compile(r"^(?:(next|last|this)\s+)?([a-z]+)$")
_DAY_MONTH = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMED_MONTH = re.compile(r"^(?:(\d{1,2})\s+([a-z]+)|([a-z]+)\s+(\d{1,2}))(?:,?\s+(\d{4}))?$")
DATE_FORMS = (
    "2026-12-01, today, yesterday, tomorrow, +7d, -2w, 3m, 30d ago, fri, next fri, last mon, "
    "31/12 or 31 dec"
)


class AmbiguousDate(ValueError):
    """A day and month that read both ways (3/4): says the two dates it may be."""


def resolve_date(value: date | str, today: date, bare: Direction = "ahead") -> date:
    """The calendar date of what a person typed, on `today` (README, "Dates"): an ISO date,
    today, yesterday, tomorrow, an offset (+14d, -2w, 3m: a bare one counts in the direction
    `bare` says; 30d ago counts back), a weekday (fri, next fri, last fri) or a day and month
    (31/12, 31 dec).
    DateOutOfRange for one outside FIRST_DAY to LAST_DAY, AmbiguousDate for 3/4, ValueError for
    no date at all."""
    if isinstance(value, date):
        return in_range(value)
    text = " ".join(value.strip().lower().split())
    named = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if text in named:
        return _days_from(today, named[text], value)
    offset = _OFFSET.match(text)
    if offset is not None:
        sign, count, unit, ago = offset.groups()
        if ago and sign:
            raise ValueError(f"{value!r}: a signed offset takes no 'ago'")
        ahead = not ago and (sign == "+" or (not sign and bare == "ahead"))
        return _offset(today, count, unit, ahead, value)
    for reader in (_weekday, _day_month, _named_month):
        day = reader(text, today, bare)
        if day is not None:
            return in_range(day)
    return in_range(date.fromisoformat(text))


def _days_from(today: date, days: int, typed: str) -> date:
    """`today` and `days` more, counted on day numbers: a date past year 9999 cannot even be
    made to be refused."""
    day = today.toordinal() + days
    if day > LAST_DAY.toordinal():
        raise DateOutOfRange(
            f"{typed} from {today.isoformat()} is past {LAST_DAY.isoformat()}, "
            "the last date resetkit takes"
        )
    if day < FIRST_DAY.toordinal():
        raise DateOutOfRange(
            f"{typed} from {today.isoformat()} is before {FIRST_DAY.isoformat()}, "
            "the first date resetkit takes"
        )
    return date.fromordinal(day)


def _offset(today: date, count: str, unit: str, ahead: bool, typed: str) -> date:
    if len(count) >= 12:  # refused, past the calendar's end in the direction it counts
        return _days_from(today, LAST_DAY.toordinal() * (1 if ahead else -1), typed)
    number = int(count) if ahead else -int(count)
    if unit != "m":
        return _days_from(today, number * (7 if unit == "w" else 1), typed)
    months = today.year * 12 + today.month - 1 + number
    year, month = divmod(months, 12)
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return _days_from(today, LAST_DAY.toordinal() * (1 if ahead else -1), typed)
    # A month on from 31 January is the last day of February, as a calendar reads it.
    return in_range(date(year, month + 1, min(today.day, _month_days(year, month + 1))))


def _month_days(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def _weekday(text: str, today: date, bare: Direction) -> date | None:
    """fri, friday, next fri, last fri, this fri: the first such day after today (next), the
    last before it (last); alone, in the direction `bare` says; `this` is this week's."""
    match = _WEEKDAY.match(text)
    if match is None or len(match.group(2)) < 3:
        return None
    which, name = match.groups()
    found = [n for n, day in enumerate(_WEEKDAYS) if name.startswith(day)]
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    if not found or not full[found[0]].startswith(name):
        return None
    wanted = found[0]
    if which == "this":
        return _days_from(today, wanted - today.weekday(), text)
    if which == "last" or (which is None and bare == "ago"):
        return _days_from(today, -((today.weekday() - wanted - 1) % 7 + 1), text)
    return _days_from(today, (wanted - today.weekday() - 1) % 7 + 1, text)


def _day_month(text: str, today: date, bare: Direction) -> date | None:
    """31/12 or 12/31 (and 31.12.2026): the day and month either way round when only one way
    makes a date; AmbiguousDate when both do (3/4)."""
    match = _DAY_MONTH.match(text)
    if match is None:
        return None
    first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
    readings = {(d, m) for d, m in ((first, second), (second, first)) if 1 <= m <= 12}
    readings = {(d, m) for d, m in readings if 1 <= d <= _month_days(2000, m)}
    if len(readings) > 1:
        one, other = sorted(readings)
        raise AmbiguousDate(
            f"'{text}' may be {one[0]} {_MONTHS[one[1] - 1]} or {other[0]} "
            f"{_MONTHS[other[1] - 1]}: write it as YYYY-MM-DD"
        )
    if not readings:
        return None
    ((day, month),) = readings
    return _in_year(day, month, year, today, bare)


def _named_month(text: str, today: date, bare: Direction) -> date | None:
    """31 dec, dec 31, 31 december 2026."""
    match = _NAMED_MONTH.match(text)
    if match is None:
        return None
    day_text = match.group(1) or match.group(4)
    name = match.group(2) or match.group(3)
    months = [n for n, short in enumerate(_MONTHS) if name.startswith(short)]
    if len(name) < 3 or not months:
        return None
    return _in_year(int(day_text), months[0] + 1, match.group(5), today, bare)


def _in_year(day: int, month: int, year: str | None, today: date, bare: Direction) -> date:
    """The date of a day and month: in `year`, or the nearest one in the direction `bare`
    says (today included); 29 Feb the nearest year that has one."""
    if year is not None:
        return date(int(year), month, day)  # ValueError for 31 Apr or 29 Feb 2027
    step = 1 if bare == "ahead" else -1
    for years in range(9):  # a 29 Feb is at most 8 years away
        candidate = today.year + step * years
        if day <= _month_days(candidate, month):
            found = date(candidate, month, day)
            if (found >= today) if step == 1 else (found <= today):
                return found
    raise ValueError(f"{day}/{month} is not a date")


class DateInThePast(UsageError):
    """A due date before today: most likely a typo. A terminal asks; a script needs a flag."""


def past_due(due: date, today: date) -> str:
    """'' for a due date from `today` on; for one before it, how long ago it is, as a person
    is asked about it in a live run: 'Mon Nov 2 is 22 days ago'."""
    if due >= today:
        return ""
    from resetkit.words import counted

    return f"{due:%a %b} {due.day} is {counted((today - due).days, 'day')} ago"


def refuse_past_due(due: date, today: date, what: str = "") -> None:
    """DateInThePast when the due date `due` (of `what`, when said) is before `today`: the
    one rule for `actions move`, an answers file and the follow-up review."""
    if due < today:
        from resetkit.words import counted

        days = (today - due).days
        raise DateInThePast(
            f"{what}{due.isoformat()} is in the past ({counted(days, 'day')} ago)",
            hint="pass --allow-past to use it anyway",
        )


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
