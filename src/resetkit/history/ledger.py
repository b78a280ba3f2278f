"""The promise ledger: which commitments each side kept, per owner, per customer, by quarter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from resetkit import dates
from resetkit.history.actions import walk_items
from resetkit.history.read import Stored
from resetkit.record.render import escape
from resetkit.words import counted

OWNERS = ("us", "customer", "both")


@dataclass
class Tally:
    """What became of a set of promises (action items)."""

    on_time: int = 0  # done by the date first promised (or undated, or closed in the meeting)
    late: int = 0  # done after the date first promised
    # Still open, but moved only once the date first promised had passed: a broken promise.
    broken: int = 0
    dropped: int = 0
    open: int = 0  # still open, due date not passed
    overdue: int = 0  # still open, past due
    moved: int = 0  # items moved at least once
    moves: int = 0  # moves in all
    moved_days: int = 0  # days the moves added up to
    # Items of others that slipped with this side's moves (`actions move --with-later`): the
    # slip is this side's, not theirs (README, "resetkit ledger").
    caused: int = 0
    reasons: list[str] = field(default_factory=list)  # every slip's reason, in order
    # The same slips told for a reader: which item, by how much, why.
    slips: list[str] = field(default_factory=list)

    @property
    def fallen_due(self) -> int:
        """Promises whose time has come: done, dropped, or open past their date."""
        return self.on_time + self.late + self.broken + self.dropped + self.overdue

    @property
    def kept_percent(self) -> int | None:
        """The share of promises fallen due that were done on time; None when none has."""
        return round(100 * self.on_time / self.fallen_due) if self.fallen_due else None

    def add(self, other: Tally) -> None:
        """Count another tally in this one."""
        for name in (
            "on_time", "late", "broken", "dropped", "open", "overdue", "moved", "moves", "caused"
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.moved_days += other.moved_days
        self.reasons += other.reasons
        self.slips += other.slips

    def as_json(self) -> dict[str, Any]:
        """The tally as a JSON object."""
        return {
            "done_on_time": self.on_time,
            "done_late": self.late,
            "moved_after_due": self.broken,
            "dropped": self.dropped,
            "open": self.open,
            "overdue": self.overdue,
            "moved": {"items": self.moved, "times": self.moves, "days": self.moved_days},
            "moved_others": self.caused,
            "reasons": list(self.reasons),
            "kept_percent": self.kept_percent,
        }


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def promise(action: dict[str, Any], today: date) -> Tally:
    """One action item counted: what became of it, and its own slips. A slip caused by another
    item's move (`caused_by`) is not this item's: it moves the date promised instead, and is
    counted to the item that caused it (see `knock_ons`)."""
    tally = Tally()
    history = [change for change in action.get("history", []) if isinstance(change, dict)]
    moves = [change for change in history if change.get("kind") == "moved"]
    slips = [change for change in moves if not change.get("caused_by")]
    due = _date(action.get("due"))
    first_due = _date(slips[0].get("from_due")) if slips else due
    status = action.get("status", "open")
    if status == "done":
        done = [_date(change.get("at")) for change in history if change.get("kind") == "done"]
        done_on = done[-1] if done else None  # None: closed in the meeting itself
        if done_on is None or first_due is None or done_on <= first_due:
            tally.on_time = 1
        else:
            tally.late = 1
    elif status == "dropped":
        tally.dropped = 1
    elif due is not None and due < today:
        tally.overdue = 1
    elif slips and first_due is not None and (_date(slips[0].get("at")) or today) > first_due:
        # Moved only once the date first promised had passed: that promise was broken, and a
        # new date does not mend it (the audit's case: 23 days late, moved, then "kept"). A
        # move made before the date is a promise changed in time, still open.
        tally.broken = 1
    else:
        tally.open = 1
    if slips:
        tally.moved = 1
        tally.moves = len(slips)
        # The net slip, from the first promised date to the one it has now: two CSMs who
        # moved the same item at once (both from its old date) slipped it once, not twice.
        # Shifts caused by others after its own first slip are not its own.
        if first_due is not None and due is not None:
            tally.moved_days = (due - first_due).days - _days(
                moves[moves.index(slips[0]) :], caused=True
            )
        what = _short(action)
        for slip in slips:
            reason = " ".join(str(slip.get("note") or "").split())
            if reason:
                tally.reasons.append(reason)
            tally.slips.append(f"{what}, moved{_by(slip)}: {reason or 'no reason given'}")
    return tally


def _short(action: dict[str, Any]) -> str:
    what = " ".join(str(action.get("what", "")).split())
    return what if len(what) <= 40 else what[:39] + "…"


def _by(slip: dict[str, Any]) -> str:
    before, after = _date(slip.get("from_due")), _date(slip.get("to_due"))
    return f" {(after - before).days:+d}d" if before and after else ""


def _days(moves: list[dict[str, Any]], *, caused: bool) -> int:
    """The days the moves caused by other items (or, `caused` False, its own) added up to."""
    total = 0
    for move in moves:
        before, after = _date(move.get("from_due")), _date(move.get("to_due"))
        if before and after and bool(move.get("caused_by")) == caused:
            total += (after - before).days
    return total


def knock_ons(action: dict[str, Any]) -> list[tuple[str, str]]:
    """The slips of an item caused by others' moves: (the causing item's id, the slip told)."""
    found = []
    for change in action.get("history", []):
        if isinstance(change, dict) and change.get("kind") == "moved" and change.get("caused_by"):
            reason = " ".join(str(change.get("note") or "").split())
            told = f"{_short(action)}, moved{_by(change)} with it: {reason or 'no reason given'}"
            found.append((str(change["caused_by"]), told))
    return found


def quarter(day: date) -> str:
    """2026-Q4."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass
class CustomerLedger:
    """One customer's promises: per owner, and all of them by quarter."""

    customer: str
    owners: dict[str, Tally] = field(default_factory=lambda: {o: Tally() for o in OWNERS})
    quarters: dict[str, Tally] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The customer's ledger as a JSON object."""
        return {
            "customer": self.customer,
            "owners": {owner: tally.as_json() for owner, tally in self.owners.items()},
            "quarters": {name: tally.as_json() for name, tally in sorted(self.quarters.items())},
        }


@dataclass
class Ledger:
    """Every customer's ledger, and the totals per owner."""

    owners: dict[str, Tally]
    customers: list[CustomerLedger]

    def as_json(self) -> dict[str, Any]:
        """The ledger as a JSON object."""
        return {
            "owners": {owner: tally.as_json() for owner, tally in self.owners.items()},
            "customers": [customer.as_json() for customer in self.customers],
        }


def in_period(session: Stored, action: dict[str, Any], since: date, today: date) -> bool:
    """Whether a promise belongs to the period from `since` to `today`: made in a session of
    the period, due in it, changed in it (done, moved, dropped...), or still open on the day:
    a promise made before the period and not kept is still one in it."""
    if str(action.get("status", "open")) == "open":
        return True
    days = [_date(session.started_at), _date(action.get("due"))]
    days += [_date(c.get("at")) for c in action.get("history", []) if isinstance(c, dict)]
    return any(day is not None and since <= day for day in days)


def promise_ledger(
    stored: Iterable[Stored], today: date | None = None, *, since: date | None = None
) -> Ledger:
    """The promises of every session (discarded ones left out), per owner and per customer;
    the quarter of a promise is that of the date first promised, else of its session. With
    `since`, only the promises of that period (`in_period`)."""
    today = today or dates.today()
    totals = {owner: Tally() for owner in OWNERS}
    customers: dict[str, CustomerLedger] = {}
    for session, items in walk_items(stored, today, only_open=False):
        owners = {str(found.action.get("id")): _owner(found.action) for found in items}
        for action in (found.action for found in items):
            if since is not None and not in_period(session, action, since, today):
                continue
            ledger = customers.setdefault(session.customer, CustomerLedger(session.customer))
            tally = promise(action, today)
            owner = _owner(action)
            ledger.owners[owner].add(tally)
            totals[owner].add(tally)
            for cause, told in knock_ons(action):
                causing = Tally(caused=1, slips=[told])
                ledger.owners[owners.get(cause, owner)].add(causing)
                totals[owners.get(cause, owner)].add(causing)
            slips = [c for c in action.get("history", []) if isinstance(c, dict)]
            moved = [c for c in slips if c.get("kind") == "moved"]
            first_due = _date(moved[0].get("from_due")) if moved else _date(action.get("due"))
            started = _date(session.started_at) or today
            ledger.quarters.setdefault(quarter(first_due or started), Tally()).add(tally)
    ordered = sorted(customers.values(), key=lambda ledger: ledger.customer.casefold())
    return Ledger(totals, ordered)


def _owner(action: dict[str, Any]) -> str:
    return str(action.get("owner")) if action.get("owner") in OWNERS else "us"


def owner_line(owner: str, tally: Tally) -> str:
    """One side's promises in a line: 'us: 4 of 6 kept on time, 1 late, ...'."""
    # Nothing fell due yet: a share of none is no figure ("0 of 0 kept on time" misleads).
    parts = [f"{tally.on_time} of {tally.fallen_due} kept on time"] if tally.fallen_due else []
    if tally.late:
        parts.append(f"{tally.late} done late")
    if tally.broken:
        dates = "its date" if tally.broken == 1 else "their dates"
        parts.append(f"{tally.broken} moved after {dates} had passed, still open")
    if tally.dropped:
        parts.append(f"{tally.dropped} dropped")
    if tally.overdue:
        parts.append(f"{tally.overdue} overdue")
    if tally.moved:
        parts.append(
            f"{tally.moved} moved ({counted(tally.moves, 'time')}, "
            f"{counted(tally.moved_days, 'day', sign=True)} in all)"
        )
    if tally.caused:
        parts.append(f"moved {counted(tally.caused, 'other item')} with its slips")
    if tally.open:
        parts.append(f"{tally.open} still open" + ("" if tally.fallen_due else ", none overdue"))
    return f"{owner}: " + (", ".join(parts) or "nothing overdue")


def ledger_lines(owners: dict[str, Tally]) -> list[str]:
    """The sides that promised anything, a line each."""
    return [
        owner_line(owner, tally)
        for owner, tally in owners.items()
        if tally.fallen_due or tally.open or tally.caused
    ]


def ledger_line(owners: dict[str, Tally]) -> str:
    """The sides that promised anything, each in a few words, separated by semicolons."""
    return "; ".join(ledger_lines(owners)) or "no promises recorded"


def tally_cells(tally: Tally) -> list[str]:
    """A side's tally in a table's cells: on time, late, moved ('1 (2x, +10d) +1 others'),
    dropped, overdue, open, kept ('50%', '-' when nothing fell due)."""
    moved = f"{tally.moved} ({tally.moves}x, {tally.moved_days:+d}d)" if tally.moves else "0"
    if tally.caused:
        moved += f" +{tally.caused} others"
    kept = "-" if tally.kept_percent is None else f"{tally.kept_percent}%"
    numbers = (tally.on_time, tally.late + tally.broken)  # LATE: not kept on its date
    return [*map(str, numbers), moved, *map(str, (tally.dropped, tally.overdue, tally.open)), kept]


def trend_words(quarters: dict[str, Tally]) -> str:
    """The share kept on time by quarter, in words: 'kept on time: 50% in Q3 2026, 0% in
    Q4 2026'; empty when nothing fell due."""
    shares = [
        f"{tally.kept_percent}% in {name[5:]} {name[:4]}"
        for name, tally in sorted(quarters.items())
        if tally.kept_percent is not None
    ]
    return f"kept on time: {', '.join(shares)}" if shares else ""


def ledger_markdown(ledger: Ledger) -> str:
    """The ledger as Markdown: per customer, each side's line, the reasons, the trend."""
    out = ["# Promise ledger", "", f"All customers: {escape(ledger_line(ledger.owners))}.", ""]
    for customer in ledger.customers:
        out += [f"## {escape(' '.join(customer.customer.split()))}", ""]
        for owner, tally in customer.owners.items():
            if not (tally.fallen_due or tally.open or tally.caused):
                continue
            out.append(f"- {escape(owner_line(owner, tally))}")
            out += [f"  - {escape(slip)}" for slip in tally.slips]
        trend = [
            f"{name} {tally.kept_percent}%"
            for name, tally in sorted(customer.quarters.items())
            if tally.kept_percent is not None
        ]
        if trend:
            out.append(f"- kept on time by quarter: {', '.join(trend)}")
        out.append("")
    return "\n".join(out)
