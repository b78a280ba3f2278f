"""Time spent and outcomes per customer and per playbook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resetkit.history.cells import csv_line
from resetkit.history.read import Filters, History


@dataclass
class Tally:
    """Meetings held, time spent and outcomes, for one customer or one playbook."""

    name: str
    meetings: int = 0
    minutes: float = 0.0
    outcomes: dict[str, int] | None = None

    def add(self, outcome: str, meetings: int, seconds: float) -> None:
        """Count complete sessions that ended with one outcome."""
        self.meetings += meetings
        self.minutes += seconds / 60
        self.outcomes = self.outcomes or {}
        key = outcome or "none"
        self.outcomes[key] = self.outcomes.get(key, 0) + meetings

    def as_json(self) -> dict[str, Any]:
        """The tally as a JSON object."""
        return {
            "name": self.name,
            "meetings": self.meetings,
            "minutes": round(self.minutes, 1),
            "outcomes": dict(self.outcomes or {}),
        }


def report(history: History, filters: Filters) -> dict[str, list[Tally]]:
    """Per customer and per playbook: complete meetings, minutes, outcomes; most time first.

    The sums are taken in SQL: the cost is that of the groups, not of a Python loop per session.
    """
    by: dict[str, dict[str, Tally]] = {"customers": {}, "playbooks": {}}
    for kind, name, outcome, meetings, seconds in history.tallies(filters):
        by[kind].setdefault(name, Tally(name)).add(outcome, meetings, seconds)
    return {
        kind: sorted(tallies.values(), key=lambda t: (-t.minutes, t.name))
        for kind, tallies in by.items()
    }


def report_csv(tallies: dict[str, list[Tally]], *, raw: bool = False) -> str:
    """One row per customer and per playbook, outcomes as 'outcome=count; ...'.

    A name that a spreadsheet would run as a formula is prefixed with `'`, unless `raw`.
    """
    lines = [csv_line(["grouped_by", "name", "meetings", "minutes", "outcomes"])]
    for kind, rows in tallies.items():
        for tally in rows:
            outcomes = "; ".join(f"{k}={v}" for k, v in sorted((tally.outcomes or {}).items()))
            cells = [kind.removesuffix("s"), tally.name, tally.meetings, round(tally.minutes, 1)]
            lines.append(csv_line([*cells, outcomes], raw=raw))
    return "".join(lines)


def spent(minutes: float) -> str:
    """Time as a person reads it, to the minute: '1h05m', '12m', '0m'."""
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours}h{rest:02d}m" if hours else f"{rest}m"


def outcome_words(tallies: dict[str, list[Tally]]) -> dict[tuple[str, str], dict[str, str]]:
    """The words a person reads for each tally's outcomes, by (kind, name): the playbook's
    label for a playbook's; for a customer's, the label its id has in every playbook reported
    (an id labelled differently by two playbooks stays an id). "none" reads "no outcome"."""
    from resetkit.history.labels import outcome_labels

    playbooks = [tally.name for tally in tallies.get("playbooks", [])]
    labels = outcome_labels(playbooks)
    by_id: dict[str, set[str]] = {}
    for (_, outcome), label in labels.items():
        by_id.setdefault(outcome, set()).add(label)
    anywhere = {outcome: next(iter(found)) for outcome, found in by_id.items() if len(found) == 1}
    words: dict[tuple[str, str], dict[str, str]] = {}
    for kind, rows in tallies.items():
        for tally in rows:
            named = {
                outcome: labels.get((tally.name, outcome), outcome)
                if kind == "playbooks"
                else anywhere.get(outcome, outcome)
                for outcome in tally.outcomes or {}
            }
            words[(kind, tally.name)] = named | {"none": "no outcome"}
    return words


def common_outcomes(tally: Tally, words: dict[str, str] | None = None, most: int = 3) -> str:
    """The most frequent outcomes, in `words` (outcome_words) where given: 'Plan agreed 3,
    no outcome 1, …'."""
    common = sorted((tally.outcomes or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    # "none" is the key of sessions that ended with no outcome: said in words where shown.
    words = {"none": "no outcome"} | (words or {})
    shown = ", ".join(f"{words.get(name, name)} {count}" for name, count in common[:most])
    return shown + (", …" if len(common) > most else "")


def report_markdown(tallies: dict[str, list[Tally]]) -> str:
    """The report as Markdown: per customer and per playbook, meetings, time and outcomes."""
    from resetkit.record.render import escape
    from resetkit.words import counted

    out = ["# Time spent", ""]
    words = outcome_words(tallies)
    for kind, rows in tallies.items():
        out += [f"## By {kind.removesuffix('s')}", ""]
        for tally in rows:
            name = escape(" ".join(tally.name.split()))
            outcomes = common_outcomes(tally, words[(kind, tally.name)])
            line = f"- {name}: {counted(tally.meetings, 'meeting')}, {spent(tally.minutes)}"
            out.append(line + (f" ({escape(outcomes)})" if outcomes else ""))
        if not rows:
            out.append("No complete session.")
        out.append("")
    return "\n".join(out)
