"""Time spent and outcomes per customer and per playbook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resetkit.history.export import csv_line
from resetkit.history.read import Stored


@dataclass
class Tally:
    """Meetings held, time spent and outcomes, for one customer or one playbook."""

    name: str
    meetings: int = 0
    minutes: float = 0.0
    outcomes: dict[str, int] | None = None

    def add(self, stored: Stored) -> None:
        """Count one complete session."""
        self.meetings += 1
        self.minutes += stored.meeting_seconds / 60
        outcome = stored.outcome or "none"
        self.outcomes = self.outcomes or {}
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def as_json(self) -> dict[str, Any]:
        """The tally as a JSON object."""
        return {
            "name": self.name,
            "meetings": self.meetings,
            "minutes": round(self.minutes, 1),
            "outcomes": dict(self.outcomes or {}),
        }


def report(stored: list[Stored]) -> dict[str, list[Tally]]:
    """Per customer and per playbook: complete meetings, minutes, outcomes; most time first."""
    by: dict[str, dict[str, Tally]] = {"customers": {}, "playbooks": {}}
    for item in stored:
        if item.status != "complete":
            continue
        for kind, name in (("customers", item.customer), ("playbooks", item.playbook_id)):
            by[kind].setdefault(name, Tally(name)).add(item)
    return {
        kind: sorted(tallies.values(), key=lambda t: (-t.minutes, t.name))
        for kind, tallies in by.items()
    }


def report_csv(tallies: dict[str, list[Tally]], *, raw: bool = False) -> str:
    """One row per customer and per playbook, outcomes as 'outcome=count; ...'.

    A name that a spreadsheet would run as a formula is prefixed with `'`, unless `raw`.
    """
    lines = [csv_line(["by", "name", "meetings", "minutes", "outcomes"])]
    for kind, rows in tallies.items():
        for tally in rows:
            outcomes = "; ".join(f"{k}={v}" for k, v in sorted((tally.outcomes or {}).items()))
            cells = [kind.removesuffix("s"), tally.name, tally.meetings, round(tally.minutes, 1)]
            lines.append(csv_line([*cells, outcomes], raw=raw))
    return "".join(lines)
