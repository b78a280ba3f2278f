"""Durations and relative dates as playbooks and answers write them, and their patterns.

A leaf: it imports nothing of resetkit, so the models, the checks and the registry of question
types can all use it without importing each other.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

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
