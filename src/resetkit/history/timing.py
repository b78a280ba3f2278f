"""Minutes spent per section over a playbook's complete sessions, against its timeboxes; and
new timeboxes, in proportion to what the meetings took, that keep the playbook's length."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from resetkit.dates import format_minutes
from resetkit.errors import UsageError
from resetkit.format.model import Playbook
from resetkit.format.timebox_patch import patch_base, timebox_patch
from resetkit.places import builtin_dir
from resetkit.words import counted

# Fewer complete sessions than this (of the playbook, or that ran a section) suggest nothing.
MIN_SESSIONS = 5
# A session marked scripted (`start --answers --no-input`), or with less meeting time than
# this, was no meeting: left out of the figures, and said so.
LIVE_SECONDS = 60


@dataclass(frozen=True)
class Held:
    """What one complete session says about time: its version, planned length, seconds spent
    per section id."""

    version: str
    planned_minutes: int
    section_seconds: dict[str, float]
    live: bool = True  # held as a meeting (see LIVE_SECONDS)


def _complete_sessions(
    notes_dir: Path, playbook_id: str, since: date | None
) -> tuple[list[Held], list[str]]:
    """The complete sessions of a playbook (since a day), and a warning per damaged record.

    The one place this module reads history: when the index changes, only this changes.
    """
    from resetkit.history.read import Filters, read_sessions

    filters = Filters(playbook=playbook_id, status="complete", since=since)
    stored, warnings = read_sessions(notes_dir, filters)
    held = []
    for item in stored:
        record = item.record
        seconds = record.get("section_seconds")
        planned = record.get("planned_minutes")
        held.append(
            Held(
                version=str(record.get("playbook_version", "")),
                planned_minutes=planned if isinstance(planned, int) else 0,
                section_seconds=seconds if isinstance(seconds, dict) else {},
                live=held_live(record),
            )
        )
    return held, warnings


def held_live(record: dict[str, Any]) -> bool:
    """Whether a record is of a meeting held live: not run from an answers file alone
    (`scripted`), and at least LIVE_SECONDS long."""
    meeting = record.get("meeting_seconds")
    return (
        record.get("scripted") is not True
        and isinstance(meeting, int | float)
        and meeting >= LIVE_SECONDS
    )


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie, interpolated linearly between the two
    nearest (as a spreadsheet's PERCENTILE.INC and numpy's default do); values sorted."""
    position = share * (len(values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass(frozen=True)
class SectionTiming:
    """One section's timebox and the minutes the sessions that ran it spent there."""

    id: str
    title: str
    timebox: int  # minutes, as the playbook writes it
    conditional: bool  # has a `when`: extra time on top of the plan, outside the total
    minutes: list[float] = field(default_factory=list)  # per session, scaled, sorted
    over: int = 0  # sessions that spent more than the session's own (scaled) timebox
    skipped: int = 0  # sessions that recorded no time here

    @property
    def sessions(self) -> int:
        """How many sessions ran the section (and count in its figures)."""
        return len(self.minutes)

    @property
    def median(self) -> float | None:
        """The median minutes spent; None when no session ran it."""
        return percentile(self.minutes, 0.5) if self.minutes else None

    @property
    def p80(self) -> float | None:
        """The 80th percentile of minutes spent; None when no session ran it."""
        return percentile(self.minutes, 0.8) if self.minutes else None

    @property
    def over_share(self) -> float | None:
        """The share of sessions over the timebox; None for preparation (0m) or no session."""
        if self.timebox == 0 or not self.minutes:
            return None
        return self.over / len(self.minutes)

    def as_json(self) -> dict[str, Any]:
        """The section's figures as a JSON object, minutes to two decimals."""
        return {
            "id": self.id,
            "title": self.title,
            "timebox_minutes": self.timebox,
            "conditional": self.conditional,
            "sessions": self.sessions,
            "skipped": self.skipped,
            "median_minutes": _rounded(self.median),
            "p80_minutes": _rounded(self.p80),
            "over": self.over if self.timebox else None,
            "over_share": _rounded(self.over_share, 4),
        }


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class Timing:
    """A playbook's timeboxes against its complete sessions."""

    playbook_id: str
    title: str
    version: str
    duration: int  # the playbook's planned length in minutes
    since: date | None
    sessions: int  # complete sessions counted
    scaled: int  # of which planned at another length (a `sets_duration` answer)
    older: int  # of which held with another version of the playbook
    sections: list[SectionTiming]
    not_live: int = 0  # complete sessions left out: no meeting time (scripted runs)

    def as_json(self) -> dict[str, Any]:
        """The whole as a JSON object."""
        return {
            "playbook": self.playbook_id,
            "title": self.title,
            "version": self.version,
            "duration_minutes": self.duration,
            "since": self.since.isoformat() if self.since else None,
            "sessions": self.sessions,
            "scaled_sessions": self.scaled,
            "other_version_sessions": self.older,
            "left_out_not_live": self.not_live,
            "sections": [section.as_json() for section in self.sections],
        }


def timing(
    playbook: Playbook, notes_dir: Path, since: date | None = None
) -> tuple[Timing, list[str]]:
    """Per section of the playbook, over its complete sessions (since a day): the timebox, the
    minutes spent and how often they ran over; and a warning per damaged record."""
    held, warnings = _complete_sessions(notes_dir, playbook.id, since)
    return timing_of(playbook, held, since), warnings


def timing_of(playbook: Playbook, held: list[Held], since: date | None = None) -> Timing:
    """The figures of `timing` from sessions already read.

    A session planned at another length than the playbook's (a `sets_duration` answer) had its
    timeboxes scaled by planned / duration, as the run showed them: its minutes are scaled back
    by the same factor, so every figure is in the playbook's own minutes, and it ran over when
    it spent more than its scaled timebox. A section with no time recorded (absent, or 0: its
    `when` did not hold, or the session's version of the playbook did not have it) counts as
    skipped, not as 0 minutes. Time in sections the playbook no longer has is ignored.
    """
    spent: dict[str, list[float]] = {section.id: [] for section in playbook.sections}
    over = dict.fromkeys(spent, 0)
    skipped = dict.fromkeys(spent, 0)
    scaled = older = 0
    duration = playbook.minutes
    not_live = sum(1 for session in held if not session.live)
    held = [session for session in held if session.live]
    for session in held:
        planned = session.planned_minutes if session.planned_minutes > 0 else duration
        scale = planned / duration if duration else 1.0
        scaled += planned != duration
        older += session.version != playbook.version
        for section in playbook.sections:
            seconds = session.section_seconds.get(section.id)
            if (
                not isinstance(seconds, int | float)
                or isinstance(seconds, bool)
                or not math.isfinite(seconds)
                or seconds <= 0
            ):
                skipped[section.id] += 1
                continue
            spent[section.id].append(seconds / 60 / scale)
            # As the clock of a run: over when the time spent passed the scaled timebox.
            over[section.id] += seconds > section.minutes * 60 * scale
    return Timing(
        playbook_id=playbook.id,
        title=playbook.title,
        version=playbook.version,
        duration=duration,
        since=since,
        sessions=len(held),
        scaled=scaled,
        older=older,
        not_live=not_live,
        sections=[
            SectionTiming(
                id=section.id,
                title=section.title,
                timebox=section.minutes,
                conditional=section.when is not None,
                minutes=sorted(spent[section.id]),
                over=over[section.id],
                skipped=skipped[section.id],
            )
            for section in playbook.sections
        ],
    )


# --- new timeboxes ----------------------------------------------------------------------------


def suggest_minutes(found: Timing) -> dict[str, int]:
    """New timeboxes, in whole minutes, for every section.

    The sections of the plan (timed, without `when`) share the playbook's length in proportion
    to the median minutes spent in each, at least 1 minute each, rounded so that they add up to
    exactly the duration (largest remainders). A section that fewer than MIN_SESSIONS sessions
    ran keeps its timebox, and the others share what is left. Preparation (0m) stays 0m; a
    section with a `when` is time on top of the plan, so it gets its own median, rounded.
    """
    result = {section.id: section.timebox for section in found.sections}
    plan = [s for s in found.sections if s.timebox and not s.conditional]
    moving = [s for s in plan if s.sessions >= MIN_SESSIONS]
    budget = found.duration - sum(s.timebox for s in plan if s.sessions < MIN_SESSIONS)
    if moving and budget >= len(moving):
        result |= apportion(budget, {s.id: s.median or 0.0 for s in moving})
    for section in found.sections:
        if section.timebox and section.conditional and section.sessions >= MIN_SESSIONS:
            result[section.id] = max(1, math.floor((section.median or 0) + 0.5))
    return result


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` minutes shared in proportion to the weights, each share at least 1, the shares
    adding up to `total` exactly (the largest remainders get the minutes left by rounding
    down; a tie goes to the earlier). Needs total >= len(weights)."""
    pinned: dict[str, int] = {}
    ideal: dict[str, float] = {}
    while True:
        free = [key for key in weights if key not in pinned]
        left = total - sum(pinned.values())
        weight = sum(weights[key] for key in free)
        ideal = {key: left * weights[key] / weight if weight else left / len(free) for key in free}
        low = [key for key in free if ideal[key] < 1]
        if not low:
            break
        pinned |= dict.fromkeys(low, 1)
    shares = {key: math.floor(value) for key, value in ideal.items()}
    order = list(weights)
    by_remainder = sorted(shares, key=lambda key: (shares[key] - ideal[key], order.index(key)))
    for key in by_remainder[: left - sum(shares.values())]:
        shares[key] += 1
    return {key: pinned.get(key, shares.get(key, 0)) for key in weights}


@dataclass(frozen=True)
class Suggestion:
    """New timeboxes as a diff of the playbook's file, and where to apply it."""

    minutes: dict[str, int]  # every section's suggested timebox
    changed: dict[str, tuple[int, int]]  # section id -> (old, new), for those that change
    diff: str  # '' when nothing changes
    base: Path  # the folder the diff's paths start from
    target: str  # the file's path from there
    builtin: bool  # the playbook ships with resetkit: the diff is for a copy of it


def suggest(found: Timing, playbook: Playbook, path: Path, cwd: Path) -> Suggestion:
    """New timeboxes for the playbook in `path`, as a unified diff of that file.

    A built-in playbook cannot be changed in place: the diff is for the copy that
    `resetkit new ID --from ID` writes as ./playbooks/ID.yaml (byte for byte the built-in).
    UsageError when fewer than MIN_SESSIONS complete sessions were counted.
    """
    if found.sessions < MIN_SESSIONS:
        since = f" since {found.since.isoformat()}" if found.since else ""
        raise UsageError(
            f"only {counted(found.sessions, 'complete session')} of {playbook.id}{since} held "
            f"live: new timeboxes need at least {MIN_SESSIONS}"
            + (f" ({found.not_live:,} under a minute left out)" if found.not_live else ""),
            hint="hold more meetings with it, or count from an earlier --since",
        )
    minutes = suggest_minutes(found)
    changed = {
        section.id: (section.timebox, minutes[section.id])
        for section in found.sections
        if minutes[section.id] != section.timebox
    }
    builtin = path.resolve().is_relative_to(builtin_dir().resolve())
    target_file = cwd / "playbooks" / path.name if builtin else path
    base, target = patch_base(target_file, cwd)
    # The file as read, BOM and line endings included: the diff must match it byte for byte.
    text = path.read_bytes().decode("utf-8")
    diff = timebox_patch(text, str(path), {key: minutes[key] for key in changed}, target)
    return Suggestion(minutes, changed, diff, base, target, builtin)


# --- as shown ---------------------------------------------------------------------------------


def _minutes_cell(value: float | None) -> str:
    """Minutes as a clock says them: 8.4 -> '8:24', 0.2 -> '0:12'; '-' for none."""
    if value is None:
        return "-"
    whole, seconds = divmod(round(value * 60), 60)
    return f"{whole}:{seconds:02d}"


def _over_cell(section: SectionTiming) -> str:
    share = section.over_share
    return "-" if share is None else f"{round(100 * share)}% ({section.over})"


def _heading(found: Timing) -> str:
    since = f" since {found.since.isoformat()}" if found.since else ""
    return (
        f"{found.playbook_id} (version {found.version}, {format_minutes(found.duration)}): "
        f"{counted(found.sessions, 'complete session')}{since}; minutes spent per section"
    )


# The 80th percentile in words: four sessions in five spent less than this.
TIMING_COLUMNS = ["SECTION", "TIMEBOX", "HELD", "SKIPPED", "MEDIAN", "80% UNDER", "OVER"]


def _notes(found: Timing) -> list[str]:
    notes = ["Times in minutes:seconds; 80% under: four sessions in five spent less than that."]
    if any(section.timebox == 0 for section in found.sections):
        notes.append("A 0m timebox is preparation before the call: timed, never over.")
    if any(section.conditional for section in found.sections):
        notes.append("(when): a section with a condition, time on top of the plan.")
    if found.scaled:
        notes.append(
            f"{counted(found.scaled, 'session')} planned at another length: their minutes are "
            f"scaled to {format_minutes(found.duration)}; each is over when it passed its own "
            "scaled timebox."
        )
    if found.not_live:
        notes.append(
            f"{counted(found.not_live, 'session')} left out: run from an answers file with no "
            "one at a terminal, or under a minute of meeting time."
        )
    if found.older:
        notes.append(
            f"{counted(found.older, 'session')} ran another version of the playbook: only the "
            "sections it still has count."
        )
    return notes


def timing_rows(found: Timing) -> tuple[str, list[str], list[list[str]]]:
    """A heading line, notes, and a table row per section (for a terminal or tab-separated)."""
    rows = [
        [
            " ".join(section.title.split()) + (" (when)" if section.conditional else ""),
            format_minutes(section.timebox),
            str(section.sessions),
            str(section.skipped),
            _minutes_cell(section.median),
            _minutes_cell(section.p80),
            _over_cell(section),
        ]
        for section in found.sections
    ]
    return _heading(found), _notes(found), rows


def timing_csv(found: Timing) -> str:
    """One CSV row per section; a title a spreadsheet would run as a formula gets a `'`."""
    from resetkit.history.export import csv_line

    lines = [
        csv_line(
            [
                "section",
                "title",
                "timebox_minutes",
                "conditional",
                "sessions",
                "skipped",
                "median_minutes",
                "p80_minutes",
                "over",
                "over_share",
            ]
        )
    ]
    for section in found.sections:
        row = section.as_json()
        lines.append(
            csv_line(
                [
                    section.id,
                    section.title,
                    section.timebox,
                    str(section.conditional).lower(),
                    section.sessions,
                    section.skipped,
                    row["median_minutes"],
                    row["p80_minutes"],
                    row["over"],
                    row["over_share"],
                ]
            )
        )
    return "".join(lines)


def timing_markdown(found: Timing) -> str:
    """The figures as Markdown: a heading, a table of the sections (titles and ids), the
    notes."""
    from resetkit.record.render import cell, escape

    out = [
        f"# Time per section: {escape(found.title)}",
        "",
        escape(_heading(found)) + ".",
        "",
        "| Section | Timebox | Held | Skipped | Median | 80% under | Over |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row, section in zip(timing_rows(found)[2], found.sections, strict=True):
        name = f"{cell(section.title)} (`{section.id}`)"
        name += " (when)" if section.conditional else ""
        out.append("| " + " | ".join([name, *row[1:]]) + " |")
    out.append("")
    out += [f"- {escape(note)}" for note in _notes(found)]
    return "\n".join(out) + "\n"
