"""Write a realistic history of N sessions into a notes dir, for tests and benchmarks.

Run: .venv/bin/python bench/generate_history.py NOTES_DIR N [--seed S] [--year]

By default it writes a team's history: a team of 50 CSMs holding 2,500 accounts and running
1,000 sessions a week (so 1,000,000 sessions span about 19 years), where an action item due
more than 30 days ago has been settled, bar one in a thousand. `--year` writes the older
benchmark's history instead: every session within the last year, customers of 8 sessions each,
half the action items left open for ever (tests use it: small histories with open items).
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from resetkit import dates
from resetkit.format.loader import load_file
from resetkit.format.model import Playbook
from resetkit.places import builtin_dir, customer_slug
from resetkit.question_types import check_answer
from resetkit.record.session import Attendee, Session, playbook_hash
from resetkit.run.walk import active
from resetkit.storage import RECORD_FILE

PLAYBOOKS = ["reset", "recovery", "fire", "postmortem", "risk-check"]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Aperture",
    "Massive Dynamic",
    "Vandelay",
]
SUFFIXES = ["Corp", "Ltd", "GmbH", "SA", "Inc", "Group", "Labs", "Systems"]
TASKS = [
    "Send the recap",
    "Fix the export bug",
    "Share the roadmap",
    "Review the contract",
    "Schedule the status call",
    "Train their new admin",
    "Credit the invoice",
    "Escalate to engineering",
    "Confirm the data migration",
    "Update the account plan",
]


def _answer(question: Any, rng: random.Random, day: date, today: date, team: bool) -> Any:
    kind = question.type
    if kind in ("text", "long_text"):
        return f"Notes on {question.id}: {rng.choice(TASKS).lower()} | follow up"
    if kind == "yes_no":
        return rng.random() < 0.5
    if kind == "choice":
        return rng.choice(question.choices).value
    if kind == "multi_choice":
        return [c.value for c in question.choices if rng.random() < 0.4] or [
            question.choices[0].value
        ]
    if kind == "number":
        return rng.randint(int(question.min or 0), 200)
    if kind == "date":
        offset = rng.randint(-30, 30)  # one draw either way: the history stays the same
        return (day + timedelta(days=-abs(offset) if question.past else offset)).isoformat()
    if kind == "list":
        return [f"item {n}" for n in range(rng.randint(1 if question.required else 0, 3))]
    return [_action_item(rng, day, today, team) for _ in range(rng.randint(1, 4))]


def _action_item(rng: random.Random, day: date, today: date, team: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "what": rng.choice(TASKS),
        "owner": rng.choice(["us", "customer", "both"]),
        "owner_name": rng.choice(["", "Sam", "Dana", "Pat"]),
    }
    due = day + timedelta(days=rng.randint(1, 45))
    item["due"] = due.isoformat()
    item["critical_path"] = rng.random() < 0.3
    item["status"] = _status(rng, due, today, team)
    return item


def _status(rng: random.Random, due: date, today: date, team: bool) -> str:
    """Half the items stay open; in a team's history, those due a month ago are settled."""
    status = rng.choices(["open", "done", "dropped"], [0.5, 0.4, 0.1])[0]
    if team and status == "open" and (today - due).days > 30 and rng.random() > 0.002:
        return "done"
    return status


def _answers(
    playbook: Playbook, rng: random.Random, day: date, today: date, team: bool
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    while True:  # answer in walk order so branches follow the answers already given
        pending = [q for _, q in active(playbook, answers) if q.id not in answers]
        if not pending:
            return answers
        question = pending[0]
        value = _answer(question, rng, day, today, team)
        answers[question.id] = check_answer(question, value, day)


def generate(
    notes_dir: Path, count: int, seed: int = 7, today: date | None = None, *, team: bool = False
) -> None:
    """Write `count` session records (most complete) over the year before `today`; or, for a
    `team`, 1,000 a week back from `today`, over 2,500 customers (see the module)."""
    rng = random.Random(seed)
    today = today or dates.today()
    span = max(365, count * 7 // 1000) if team else 365
    playbooks = {pid: load_file(builtin_dir() / f"{pid}.yaml") for pid in PLAYBOOKS}
    texts = {pid: (builtin_dir() / f"{pid}.yaml").read_text("utf-8") for pid in PLAYBOOKS}
    customers = [
        f"{rng.choice(COMPANIES)} {rng.choice(SUFFIXES)} {n}"
        for n in range(max(1, min(count // 8, 2500) if team else count // 8))
    ]
    for number in range(count):
        playbook_id = rng.choice(PLAYBOOKS)
        playbook = playbooks[playbook_id]
        day = today - timedelta(days=rng.randint(0, span))
        started = datetime(day.year, day.month, day.day, rng.randint(8, 17), tzinfo=UTC)
        customer = rng.choice(customers)
        answers = _answers(playbook, rng, day, today, team)
        outcome_question = playbook.outcome_question
        seconds = {s.id: rng.uniform(0, s.minutes * 80) for s in playbook.sections if s.minutes}
        folder = notes_dir / customer_slug(customer) / f"{day.isoformat()}-{playbook_id}-{number}"
        session = Session(
            id=f"{folder.parent.name}/{folder.name}",
            playbook_id=playbook_id,
            playbook_title=playbook.title,
            playbook_version=playbook.version,
            playbook_hash=playbook_hash(texts[playbook_id]),
            playbook_path=str(builtin_dir() / f"{playbook_id}.yaml"),
            customer=customer,
            attendees=[Attendee(name="Dana", role="CTO")],
            started_at=started,
            ended_at=started + timedelta(seconds=sum(seconds.values())),
            planned_minutes=playbook.minutes,
            section_seconds=seconds,
            meeting_seconds=sum(seconds.values()),
            answers=answers,
            outcome=answers.get(outcome_question.id) if outcome_question else None,
            status=rng.choices(["complete", "in_progress", "discarded"], [0.9, 0.07, 0.03])[0],
        )
        folder.mkdir(parents=True)
        (folder / RECORD_FILE).write_text(session.model_dump_json() + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes_dir", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", action="store_true", help="the older, one-year history")
    arguments = parser.parse_args()
    generate(arguments.notes_dir, arguments.count, arguments.seed, team=not arguments.year)


if __name__ == "__main__":
    main()
