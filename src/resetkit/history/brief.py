"""The brief before a call: what a CSM reads in the five minutes before dialling in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from resetkit import dates
from resetkit.errors import UsageError
from resetkit.history.actions import open_actions
from resetkit.history.ledger import ledger_lines, promise_ledger
from resetkit.history.read import Stored, recorded_of
from resetkit.record.recap import written_date
from resetkit.record.render import escape
from resetkit.words import counted

LAST_SESSIONS = 5
COST_PLAYBOOK = "risk-check"
ADVISING_PLAYBOOKS = ("risk-check", "recovery")


@dataclass(frozen=True)
class PastSession:
    """One of the last sessions with the customer."""

    id: str
    day: date
    playbook: str
    status: str
    outcome: str
    minutes: int
    scripted: bool = False  # run from an answers file alone: its minutes are no meeting's


@dataclass(frozen=True)
class Slip:
    """One move of an open item: from, to, why."""

    from_due: str
    to_due: str
    reason: str


@dataclass(frozen=True)
class OpenItem:
    """An open action item with its owner and its slips."""

    id: str
    what: str
    owner: str  # the name with the side, as the tables say it: "Pat Lee (them)", "us"
    due: date | None
    overdue_days: int
    slips: list[Slip]


@dataclass(frozen=True)
class Cost:
    """Time spent against what the account pays, from the latest risk check."""

    session_id: str
    day: date
    hours_last_month: float | None
    monthly_value: float | None
    verdict: str  # the answer to "is the time in proportion", as its label reads; "" if none


@dataclass(frozen=True)
class Advice:
    """The playbook recommended by the latest risk check or recovery, and why."""

    session_id: str
    day: date
    playbook: str | None  # None: nothing to run
    because: str


@dataclass(frozen=True)
class Brief:
    """Everything the brief shows about one customer."""

    customer: str
    today: date
    sessions: list[PastSession]  # the last ones, newest first
    session_count: int  # complete ones: the meetings held
    meeting_minutes: int  # in every complete session with them held live (not scripted)
    open_items: list[OpenItem]
    promises: list[str]  # the promise ledger's lines, a side each
    cost: Cost | None
    advice: Advice | None  # None too when the playbook advised has been run since
    acted_on: Advice | None = None  # the advice left out, having been acted on
    in_progress: int = 0  # sessions begun and not finished

    def as_json(self) -> dict[str, Any]:
        """The brief as a JSON object."""
        from dataclasses import asdict

        return asdict(self)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def choose_customer(stored: list[Stored], wanted: str) -> str:
    """The one customer `wanted` names: exactly (any case), else the only one containing it."""
    names = sorted({item.customer for item in stored})
    exact = [name for name in names if name.casefold() == wanted.strip().casefold()]
    if exact:
        return str(exact[0])
    if len(names) == 1:
        return str(names[0])
    if not names:
        raise UsageError(
            f"no session with a customer named {wanted!r}",
            hint="'resetkit sessions' lists the customers",
        )
    shown = ", ".join(repr(_one_line(name)) for name in names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    raise UsageError(
        f"{wanted!r} names several customers ({shown}{more})", hint="give more of the name"
    )


def _outcome_label(stored: Stored) -> str:
    """The label of a session's outcome in its playbook ("Plan agreed"): the playbook it was
    run with, else the one of that id on the search path; else the outcome's id."""
    from resetkit.errors import ResetkitError
    from resetkit.history.labels import outcome_labels
    from resetkit.record.which_playbook import playbook_recorded

    outcome = str(stored.outcome)
    try:
        playbook = playbook_recorded(recorded_of(stored), stored.folder).playbook
    except (ResetkitError, OSError):
        found = outcome_labels([stored.playbook_id])
        return found.get((stored.playbook_id, outcome), outcome)
    labels = {choice.id: str(choice.label) for choice in playbook.outcomes}
    return labels.get(outcome, outcome)


def _acted_on(advice: Advice, theirs: list[Stored]) -> bool:
    """Whether the playbook advised was run after the advice (any session of it, held or
    under way): advice already acted on is not repeated."""
    return advice.playbook is not None and any(
        item.playbook_id == advice.playbook
        and item.started_at[:10] >= advice.day.isoformat()
        and item.id != advice.session_id
        for item in theirs
    )


def _choice_label(stored: Stored, question_id: str, value: Any) -> str:
    """The label a choice answer was picked by, from the session's playbook; else the value."""
    from resetkit.errors import ResetkitError
    from resetkit.record.which_playbook import playbook_recorded

    try:
        playbook = playbook_recorded(recorded_of(stored), stored.folder).playbook
    except (ResetkitError, OSError):
        return str(value)
    for _, question in playbook.questions():
        if question.id == question_id:
            for choice in getattr(question, "choices", None) or []:
                if choice.value == value:
                    return str(choice.label)
    return str(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def build_brief(stored: list[Stored], customer: str, today: date | None = None) -> Brief:
    """The brief of `customer` (as `choose_customer` gave it) from the sessions read."""
    today = today or dates.today()
    theirs = [item for item in stored if item.customer == customer and item.status != "discarded"]
    newest = sorted(theirs, key=lambda item: item.started_at, reverse=True)
    sessions = [
        PastSession(
            id=item.id,
            day=date.fromisoformat(item.started_at[:10]),
            playbook=str(item.record.get("playbook_title") or item.playbook_id),
            status=item.status,
            outcome=_outcome_label(item) if item.outcome else "",
            minutes=round(item.meeting_seconds / 60),
            scripted=item.record.get("scripted") is True,
        )
        for item in newest[:LAST_SESSIONS]
    ]
    items = []
    for found in open_actions(theirs, today=today):
        action = found.action
        slips = [
            Slip(
                str(change.get("from_due") or "no date"),
                str(change.get("to_due") or "no date"),
                _one_line(change.get("note", "")),
            )
            for change in action.get("history", [])
            if isinstance(change, dict) and change.get("kind") == "moved"
        ]
        items.append(
            OpenItem(
                id=str(action.get("id", "")),
                what=_one_line(action.get("what", "")),
                owner=_owner_words(action),
                due=found.due,
                overdue_days=found.overdue_days,
                slips=slips,
            )
        )
    complete = [item for item in newest if item.status == "complete"]
    cost = None
    for item in complete:
        if item.playbook_id == COST_PLAYBOOK:
            answers = item.record["answers"]
            verdict = answers.get("cost-vs-value")
            cost = Cost(
                item.id,
                date.fromisoformat(item.started_at[:10]),
                _number(answers.get("hours-last-month")),
                _number(answers.get("monthly-value")),
                _choice_label(item, "cost-vs-value", verdict) if verdict else "",
            )
            break
    advice = None
    for item in complete:
        recommended = item.record.get("recommendation")
        if item.playbook_id in ADVISING_PLAYBOOKS and isinstance(recommended, dict):
            advice = Advice(
                item.id,
                date.fromisoformat(item.started_at[:10]),
                recommended.get("playbook"),
                _one_line(recommended.get("because", "")),
            )
            break
    acted_on = None
    if advice is not None and _acted_on(advice, theirs):
        advice, acted_on = None, advice
    ledger = promise_ledger(theirs, today)
    return Brief(
        customer=customer,
        today=today,
        sessions=sessions,
        session_count=len(complete),
        meeting_minutes=round(
            sum(
                item.meeting_seconds for item in complete if item.record.get("scripted") is not True
            )
            / 60
        ),
        in_progress=sum(item.status == "in_progress" for item in theirs),
        open_items=items,
        promises=ledger_lines(ledger.owners),
        cost=cost,
        advice=advice,
        acted_on=acted_on,
    )


def held_line(brief: Brief) -> str:
    """'3 sessions held with them, 1h55m in meetings, 1 in progress'."""
    line = f"{counted(brief.session_count, 'session')} held with them"
    line += f", {hours(brief.meeting_minutes)} in meetings" if brief.session_count else ""
    return line + (f", {brief.in_progress} in progress" if brief.in_progress else "")


def session_minutes(past: PastSession) -> str:
    """'55 min'; 'scripted' for a run from an answers file, which was no meeting."""
    return "scripted" if past.scripted else f"{past.minutes} min"


def hours(minutes: int) -> str:
    """90 -> 1h30m."""
    spent = timedelta(minutes=minutes)
    whole, rest = divmod(int(spent.total_seconds()) // 60, 60)
    return f"{whole}h{rest:02d}m" if whole else f"{rest}m"


def cost_line(cost: Cost) -> str:
    """'14 hours last month against 2,400 a month: On the high side (risk check of ...)'."""
    spent = (
        "hours not logged"
        if cost.hours_last_month is None
        else (
            f"{cost.hours_last_month:g} "
            f"{'hour' if cost.hours_last_month == 1 else 'hours'} last month"
        )
    )
    pays = "" if cost.monthly_value is None else f" against {cost.monthly_value:,.0f} a month"
    verdict = f": {_one_line(cost.verdict)}" if cost.verdict else ""
    return f"{spent}{pays}{verdict} (risk check of {written_date(cost.day)})"


def advice_line(advice: Advice) -> str:
    """'recovery: because ... (from the risk check of ...)'."""
    what = f"run {advice.playbook}" if advice.playbook else "no playbook needed"
    because = f": {advice.because}" if advice.because else ""
    return f"{what}{because} (session {advice.session_id} of {written_date(advice.day)})"


def advice_text(brief: Brief) -> str:
    """What the brief recommends: the latest advice, or why there is none to act on."""
    if brief.advice:
        return advice_line(brief.advice)
    if brief.acted_on:
        return (
            f"nothing new: {brief.acted_on.playbook} was run after the advice of "
            f"{written_date(brief.acted_on.day)}"
        )
    return "no recommendation yet"


def item_line(item: OpenItem, today: date) -> str:
    """An open item in words: what, who, when ('due Fri Nov 20, 10 days late'), its id last
    for `actions done`, then its slips."""
    from resetkit.history.actions import short_day

    due = f"due {item.due:%a} {short_day(item.due, today)}" if item.due else "no date"
    if item.overdue_days:
        due += f", {counted(item.overdue_days, 'day')} late"
    elif item.due == today:
        due = "due today"
    line = f"{item.what} — {item.owner}, {due} ({item.id})"
    for slip in item.slips:
        line += f"; moved from {slip.from_due} to {slip.to_due}"
        line += f": {slip.reason}" if slip.reason else ""
    return line


def _owner_words(action: dict[str, Any]) -> str:
    """'Sam Rivera (us)', 'Dana (them)', 'both' when no name was given."""
    from resetkit.history.actions import SIDE_WORDS

    side = SIDE_WORDS.get(str(action.get("owner", "us")), "us")
    name = _one_line(action.get("owner_name", ""))
    return f"{name} ({side})" if name else side


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown, every text from a record escaped."""
    out = [f"# Before the call: {escape(_one_line(brief.customer))}", ""]
    out += [
        f"{held_line(brief)}; today is {written_date(brief.today)}.",
        "",
        "## Last sessions",
        "",
    ]
    for past in brief.sessions:
        outcome = f", {escape(_one_line(past.outcome))}" if past.outcome else ""
        out.append(
            f"- {written_date(past.day)}: {escape(_one_line(past.playbook))} "
            f"({past.status.replace('_', ' ')}{outcome}; {session_minutes(past)})"
        )
    out += ["", "## Open action items", ""]
    out += [f"- {escape(item_line(item, brief.today))}" for item in brief.open_items] or ["None."]
    out += ["", "## Promises", ""]
    out += [f"- {escape(line)}" for line in brief.promises] or ["None recorded."]
    out += [""]
    out += ["## Time against what they pay", ""]
    out += [escape(cost_line(brief.cost)) if brief.cost else "No risk check yet.", ""]
    out += ["## Recommended", ""]
    out += [escape(advice_text(brief)), ""]
    return "\n".join(out)
