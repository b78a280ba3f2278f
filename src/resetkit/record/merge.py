"""Two changes to one session record, made in two clones of a team's notes repository, merged.

git calls `resetkit merge-record` (see team.py) with the common ancestor and the two sides.
The record is merged by identity, not by line: answers by question, action items by id, and
each item's history as the union of both sides' events ordered by time. An item's state
(status and due date) is replayed from that history, so when both sides changed the same
item the later change wins; both changes stay in its history, and the item is flagged so a
person can look. Nothing either side did is dropped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from resetkit.errors import EXIT_INVALID, ResetkitError
from resetkit.question_types.item_entries import action_item_entries, holds_action_items

Record = dict[str, Any]

# Top-level fields that hold lists merged as a union, in order.
_UNIONS = ("followed_by", "passed")


class DamagedSide(ResetkitError):
    """One side of a merge is not a record resetkit can read: nothing is merged, so the
    other side stays whole and git stops the merge on that file."""

    exit_code = EXIT_INVALID


class TwoSessions(ValueError):
    """Two clones each created a session in the same folder (same customer, playbook, day):
    they are two conversations, not two versions of one, and are never merged into one."""


def merge_records(base: Record | None, ours: Record, theirs: Record) -> Record:
    """The record that holds both sides' changes since `base` (None: both added it).

    TwoSessions when there is no common ancestor and the two records are different sessions.
    """
    if not base and ours.get("started_at") != theirs.get("started_at"):
        raise TwoSessions(
            f"two clones each saved a different session as {ours.get('id')} (started "
            f"{ours.get('started_at')} and {theirs.get('started_at')})"
        )
    base = base or {}
    later = theirs if _stamp(theirs) > _stamp(ours) else ours
    merged: Record = {}
    # A field neither side has (dropped by a newer resetkit on both) stays out of the merge.
    for key in _keys(ours, theirs):
        if key == "answers":
            merged[key] = _merge_answers(
                base.get(key) or {}, ours.get(key) or {}, theirs.get(key) or {}, later is theirs
            )
        elif key in _UNIONS:
            merged[key] = _union(ours.get(key) or [], theirs.get(key) or [])
        elif key in ("section_seconds", "drafts"):
            merged[key] = _merge_mapping(
                base.get(key) or {}, ours.get(key) or {}, theirs.get(key) or {}, later is theirs
            )
        elif key in ("written", "written_before"):
            # The notes files' hashes follow the files git keeps: where both sides rewrote one,
            # the merge of derived files keeps ours (merge-derived), so its hash is ours too.
            merged[key] = _merge_mapping(
                base.get(key) or {}, ours.get(key) or {}, theirs.get(key) or {}
            )
        else:
            merged[key] = _three_way(base.get(key), ours.get(key), theirs.get(key), later is theirs)
    return merged


def started_first(first: str, second: str) -> bool:
    """Whether the session in the record text `first` started before the one in `second` (by
    instant; the texts decide a tie), the same in every clone."""
    one, other = json.loads(first), json.loads(second)
    return (_instant(one.get("started_at")), first) <= (_instant(other.get("started_at")), second)


def merge_texts(base: str | None, ours: str, theirs: str) -> str:
    """`merge_records` on the three texts of session.json; the merged text, checked against
    the record's schema and written as resetkit writes a record.

    DamagedSide when a side is not a valid record (invalid JSON, conflict markers, a field of
    the wrong kind): merging it could only lose what the other side holds.
    """
    from resetkit.record.session import Session
    from resetkit.record.store import record_text

    sides = {
        name: _readable(name, text)
        for name, text in (("the common ancestor", base), ("ours", ours), ("theirs", theirs))
        if text is not None
    }
    merged = merge_records(sides.get("the common ancestor"), sides["ours"], sides["theirs"])
    return record_text(Session.model_validate(merged))


def _readable(side: str, text: str) -> Record:
    """The record in one side's text, checked as every record is read; DamagedSide if not."""
    from pydantic import ValidationError

    from resetkit.record.session import Session

    try:
        record = json.loads(text)
        Session.model_validate(record)
    except ValueError as error:  # JSON or the schema (ValidationError is a ValueError)
        if isinstance(error, ValidationError):
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            reason = f"{where}: {first['msg']}"
        elif "<<<<<<<" in text:
            reason = "it holds git's conflict markers"
        else:
            reason = f"not valid JSON ({error})"
        raise DamagedSide(
            f"{side} is not a readable session record: {reason}",
            hint="fix that side's session.json (or take the other with 'git checkout --ours' "
            "or '--theirs'), then 'git add' it",
        ) from None
    return record  # type: ignore[no-any-return]


def _keys(*records: Record) -> list[str]:
    keys: list[str] = []
    for record in records:
        keys += [key for key in record if key not in keys]
    return keys


_NEVER = datetime.min.replace(tzinfo=UTC)


def _instant(stamp: Any) -> datetime:
    """The instant an ISO time stands for, in UTC: times written in two time zones (Paris and
    New York) compare by when they happened, not by their text. A time with no offset is
    taken as UTC; one that is no time at all comes first."""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return _NEVER
    # Aware times compare by instant whatever their zone: astimezone's argument is equivalent.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(record: Record) -> datetime:
    """When a side last changed the session: its latest event, end or start."""
    # Both sides of one session share its start, and every change and end come after it:
    # mutants of the start's part are equivalent.
    times = [_instant(record.get("started_at")), _instant(record.get("ended_at"))]
    for item in _items(record.get("answers") or {}):
        times += [_instant(event.get("at")) for event in item.get("history") or []]
    return max(times)


def _three_way(base: Any, ours: Any, theirs: Any, theirs_later: bool) -> Any:
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    return theirs if theirs_later else ours


def _merge_mapping(
    base: dict[str, Any],
    ours: dict[str, Any],
    theirs: dict[str, Any],
    theirs_later: bool = False,
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    # A key neither side has was removed on both: it stays removed.
    for key in _keys(ours, theirs):
        if key in base and (key not in ours or key not in theirs):
            # Removed on one side: removed, unless the other side changed it.
            kept = ours if key in ours else theirs
            if kept.get(key) != base[key]:
                merged[key] = kept[key]
            continue
        value = _three_way(base.get(key), ours.get(key), theirs.get(key), theirs_later)
        # Always true (the key is on one side at least): its mutants are equivalent.
        if value is not None or key in ours or key in theirs:
            merged[key] = value
    return merged


def _union(ours: list[Any], theirs: list[Any]) -> list[Any]:
    return [*ours, *(value for value in theirs if value not in ours)]


def _items(answers: dict[str, Any]) -> list[dict[str, Any]]:
    return list(action_item_entries(answers))


def _merge_answers(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], theirs_later: bool
) -> dict[str, Any]:
    merged = _merge_mapping(base, ours, theirs, theirs_later)
    for question_id in merged:
        sides = [answers.get(question_id) for answers in (ours, theirs)]
        # Items are merged by id where both sides hold items or nothing (by the rule the
        # index and the customer copy share); an answer of another kind on one side (the
        # question's type changed) is merged as any other answer.
        # Items without ids (written by hand; a record the model refuses) cannot be matched:
        # such an answer is merged as a whole, never dropped or crashed on.
        if (
            any(holds_action_items(side) for side in sides)
            and all(side in (None, []) or holds_action_items(side) for side in sides)
            and all(_identified(side) for side in sides)
        ):
            before = base.get(question_id)
            merged[question_id] = _merge_items(
                before if holds_action_items(before) and _identified(before) else [],
                sides[0] or [],
                sides[1] or [],
            )
    return merged


def _identified(items: Any) -> bool:
    """Whether every entry of an answer is a mapping with an id (or there is none)."""
    return not items or all(isinstance(item, dict) and "id" in item for item in items)


def _merge_items(
    base: list[dict[str, Any]], ours: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Action items merged by id: each item's history is the union of both sides' events, and
    its status and due date are replayed from it."""
    by_id = {
        side: {item["id"]: item for item in items}
        for side, items in (("base", base), ("ours", ours), ("theirs", theirs))
    }
    order = _union([item["id"] for item in ours], [item["id"] for item in theirs])
    merged = []
    for item_id in order:
        mine, other = by_id["ours"].get(item_id), by_id["theirs"].get(item_id)
        start = by_id["base"].get(item_id)
        if mine is None or other is None:
            merged.append(mine or other)
            continue
        merged.append(_merge_item(start, mine, other))
    return [item for item in merged if item is not None]


def _event_key(event: dict[str, Any]) -> str:
    # `default=str` is for a value JSON cannot hold; a record read from JSON has none, so a
    # mutant without it is equivalent (bench/mutation.py).
    return json.dumps(event, sort_keys=True, default=str)


def _merge_item(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    start = base or ours
    known = {_event_key(event) for event in start.get("history") or []}
    history = {_event_key(e): e for e in [*ours.get("history", []), *theirs.get("history", [])]}
    events = sorted(
        history.values(), key=lambda event: (_instant(event.get("at")), _event_key(event))
    )
    merged = dict(ours)
    for field in ("what", "owner", "owner_name", "critical_path"):
        # This clone's wording on a conflict (None there is as false: equivalent).
        value = _three_way(start.get(field), ours.get(field), theirs.get(field), False)
        if value is not None or field in ours or field in theirs:
            merged[field] = value
        else:  # left out by both (an older resetkit's item): the model's default holds
            # (merged is ours, which lacks it too: the pop is a guard, its mutants equivalent)
            merged.pop(field, None)
    merged["history"] = events
    # Replay every event since the common ancestor on its state: the later change wins.
    status, due = start.get("status", "open"), start.get("due")
    for event in events:
        if _event_key(event) in known:
            continue
        if event.get("kind") == "moved":
            due = event.get("to_due")
        elif event.get("kind") in ("done", "dropped"):
            status = event["kind"]
        elif event.get("kind") == "reopened":
            status = "open"
    merged["status"], merged["due"] = status, due
    # A flag cleared on one side (settled, or the item changed since) stays cleared. A missing
    # flag read as None, or None for False, comes out alike (no flag): equivalent.
    flag = _three_way(start.get("flag", ""), ours.get("flag", ""), theirs.get("flag", ""), False)
    merged.pop("flag", None)
    if flag:
        merged["flag"] = flag
    new_mine = [e for e in ours.get("history") or [] if _event_key(e) not in known]
    new_theirs = [e for e in theirs.get("history") or [] if _event_key(e) not in known]
    if new_mine and new_theirs and new_mine != new_theirs:
        merged["flag"] = _flag(new_mine, new_theirs, status, due)
    return merged


def _flag(mine: list[dict[str, Any]], theirs: list[dict[str, Any]], status: Any, due: Any) -> str:
    """Why a person should look: the item was changed in two clones at once, and what it is
    now that every change is replayed in the order they happened."""

    def said(events: list[dict[str, Any]]) -> str:
        parts = []
        for event in events:
            what = str(event.get("kind"))
            if event.get("kind") == "moved":
                what += f" to {event.get('to_due')}"
            if event.get("by"):
                what += f" by {event.get('by')}"
            parts.append(what)
        return ", ".join(parts)

    return (
        f"changed in two places at once ({said(mine)}; {said(theirs)}): every change is in its "
        f"history, replayed in the order they were made; it is now {status}, due {due or 'no date'}"
    )
