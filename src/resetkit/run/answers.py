"""Answers files: reading them safely, checking them against a playbook, and their template."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from resetkit.controls import check_name
from resetkit.dates import DateOutOfRange, in_range, resolve_date
from resetkit.errors import AnswersInvalid, Problem, UsageError, did_you_mean
from resetkit.format.conditions import describe
from resetkit.format.loader import Located, read_yaml
from resetkit.format.model import AnyQuestion, Playbook, YamlPath
from resetkit.places import MAX_FILE_BYTES, read_text
from resetkit.question_types import KINDS, AnswerError, asked_as, check_answer, default_answer
from resetkit.record.session import Attendee, Verdict
from resetkit.run.walk import active

SHEET_KEYS = ["customer", "attendees", "answers", "review", "preview_date"]
# Fields of an action item that resetkit assigns and keeps: an answers file carries answers.
ASSIGNED_ITEM_FIELDS = ("id", "status", "history")
REVIEW_KEYS = ["status", "due", "note"]
REVIEW_KINDS = ("done", "moved", "dropped", "open")


@dataclass
class AnswerSheet:
    """What an answers file gives: maybe the customer and attendees, and checked answers."""

    customer: str | None = None
    attendees: list[Attendee] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    review: dict[str, Verdict] = field(default_factory=dict)  # action item id -> verdict


def read_answers(source: str) -> Located:
    """An answers file (YAML or JSON) by path, or standard input for '-'."""
    if source == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
        if len(text) > MAX_FILE_BYTES:
            raise UsageError(f"answers on stdin exceed {MAX_FILE_BYTES:,} bytes")
        return read_yaml(text, "<stdin>")
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"{source}: no such answers file")
    return read_yaml(read_text(path), source)


def check_sheet(
    located: Located,
    playbook: Playbook,
    today: date,
    *,
    complete: bool,
    follow_up: tuple[str, list[str]] | None = None,
) -> AnswerSheet:
    """The checked answers; AnswersInvalid listing every problem by question id.

    With `complete`, every question that applies must be settled: required ones answered,
    optional ones skipped when missing. `follow_up` is the session followed up on and the ids
    of its open action items, which a `review:` may settle.
    """
    problems: list[Problem] = []
    data = located.data
    if not isinstance(data, dict):
        raise AnswersInvalid([located.problem((), "expected a mapping with 'answers:' in it")])
    _unknown_keys(located, data, problems)
    sheet = AnswerSheet()
    sheet.customer = _customer(located, data.get("customer"), problems)
    sheet.attendees = _attendees(located, data.get("attendees"), problems)
    # Checked here too; `preview_day` reads it for a preview, and a real run is dated the day
    # it runs.
    _preview_date(located, data.get("preview_date"), problems)
    if data.get("review") is not None:
        sheet.review = _review(located, data["review"], follow_up, today, problems)
    raw = _raw_answers(located, data.get("answers", {}), problems)
    sheet.answers = _answers(located, playbook, raw, today, problems)
    _not_applying(located, playbook, sheet.answers, problems)
    if complete and not problems:
        _settle_the_rest(located, playbook, sheet.answers, raw, today, problems)
    if problems:
        raise AnswersInvalid(problems, hint="fix the answers file; nothing was written")
    return sheet


def _unknown_keys(located: Located, data: dict[Any, Any], problems: list[Problem]) -> None:
    for key in data:
        if key not in SHEET_KEYS:
            hint = did_you_mean(key, SHEET_KEYS) or f" (keys: {', '.join(SHEET_KEYS)})"
            problems.append(located.problem((key,), f"unknown key '{key}'{hint}"))


def _customer(located: Located, customer: Any, problems: list[Problem]) -> str | None:
    if customer is not None and not isinstance(customer, str):
        problems.append(located.problem(("customer",), "customer must be a name, as text"))
    elif isinstance(customer, str) and customer.strip():
        try:
            return check_name(customer.strip(), "customer")
        except UsageError as error:
            problems.append(located.problem(("customer",), error.message))
    return None


def _raw_answers(located: Located, raw: Any, problems: list[Problem]) -> dict[Any, Any]:
    """The `answers:` mapping as written; empty when it is missing, null or not a mapping."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(located.problem(("answers",), "answers must map question ids to answers"))
        return {}
    return raw


def _answers(
    located: Located,
    playbook: Playbook,
    raw: dict[Any, Any],
    today: date,
    problems: list[Problem],
) -> dict[str, Any]:
    """Each answer written checked against its question; null ones left to be asked."""
    answers: dict[str, Any] = {}
    ids = [question.id for _, question in playbook.questions()]
    for question_id, value in raw.items():
        where = ("answers", question_id)
        if question_id not in ids:
            what = f"no such question in playbook '{playbook.id}'"
            problems.append(_unknown_id(located, where, question_id, ids, what))
        elif value is None:
            continue  # null is no answer yet: asked, or settled below under --no-input
        elif assigned := _assigned_fields(value):
            problems.extend(
                located.problem(
                    (*where, index, name),
                    f"'{question_id}': an action item's '{name}' is assigned by resetkit, "
                    "not by an answers file; remove it",
                )
                for index, name in assigned
            )
        else:
            try:
                question = playbook.question(question_id)
                answers[question_id] = check_answer(question, value, today)
            except AnswerError as error:
                # The file names questions by id; the message names the prompt as well.
                problems.append(located.problem(where, f"'{question_id}': {error}"))
    return answers


def _not_applying(
    located: Located, playbook: Playbook, answers: dict[str, Any], problems: list[Problem]
) -> None:
    """A problem for each answer whose question does not apply given the other answers."""
    applying = {question.id for _, question in active(playbook, answers)}
    for question_id in answers:
        if question_id not in applying:
            question = playbook.question(question_id)
            condition = f" (only if {describe(question.when)})" if question.when else ""
            problems.append(
                located.problem(
                    ("answers", question_id),
                    f"'{question_id}' ({asked_as(question)}) does not apply given the other "
                    f"answers{condition}",
                )
            )


def _settle_the_rest(
    located: Located,
    playbook: Playbook,
    answers: dict[str, Any],
    raw: dict[Any, Any],
    today: date,
    problems: list[Problem],
) -> None:
    """Under --no-input: each question that applies and has no answer takes its default, is
    skipped when optional, or is a problem when required."""
    for _, question in active(playbook, answers):
        if question.id in answers:
            continue
        fallback = default_answer(question, today)
        if fallback is not None:
            answers[question.id] = fallback  # as if Enter was pressed at the prompt
        elif question.required:
            # At its own line when the file has it (null), as a template does.
            at: YamlPath = ("answers", question.id) if question.id in raw else ("answers",)
            problems.append(
                located.problem(
                    at, f"'{question.id}' ({asked_as(question)}) is required and has no answer"
                )
            )
        else:
            answers[question.id] = None


def _assigned_fields(value: Any) -> list[tuple[int, str]]:
    """(item index, field) for each field of an action item that only resetkit sets."""
    if not isinstance(value, list):
        return []
    return [
        (index, name)
        for index, item in enumerate(value)
        if isinstance(item, dict)
        for name in ASSIGNED_ITEM_FIELDS
        if name in item
    ]


def preview_day(located: Located) -> date | None:
    """The file's `preview_date:`, the day a preview is dated and counts `+14d` from; None
    without one. AnswersInvalid when it is not a day."""
    problems: list[Problem] = []
    data = located.data if isinstance(located.data, dict) else {}
    day = _preview_date(located, data.get("preview_date"), problems)
    if problems:
        raise AnswersInvalid(problems, hint="fix the answers file; nothing was written")
    return day


def _preview_date(located: Located, value: Any, problems: list[Problem]) -> date | None:
    if value is None:
        return None
    try:
        if isinstance(value, date) and not isinstance(value, datetime):
            return in_range(value)
        if isinstance(value, str) and len(value) == len("2026-11-24"):
            return in_range(date.fromisoformat(value))
    except DateOutOfRange as error:
        problems.append(located.problem(("preview_date",), f"preview_date {error}"))
        return None
    except ValueError:
        pass
    # Not `today` or `+14d`: a preview must render the same on any day.
    problems.append(
        located.problem(
            ("preview_date",),
            f"preview_date must be a day like 2026-11-24, found {value!r} (a preview renders "
            "the same on every day, so 'today' and '+14d' are not taken here)",
        )
    )
    return None


def _attendees(located: Located, value: Any, problems: list[Problem]) -> list[Attendee]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(located.problem(("attendees",), 'attendees must be a list of "Name:Role"'))
        return []
    attendees = []
    for index, item in enumerate(value):
        try:
            if isinstance(item, str):
                attendees.append(Attendee.parse(item))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                name = check_name(item["name"].strip(), "attendee")
                attendees.append(Attendee(name=name, role=str(item.get("role") or "")))
            else:
                raise UsageError('an attendee is "Name:Role" or {name, role}')
        except (UsageError, ValueError) as error:
            problems.append(located.problem(("attendees", index), str(error).split(" (")[0]))
    return attendees


def _unknown_id(
    located: Located, where: YamlPath, given: str, known: list[str], what: str
) -> Problem:
    """An id the file names that is not among `known`, with the nearest known one."""
    return located.problem(where, f"'{given}': {what}{did_you_mean(given, known)}")


def _review(
    located: Located,
    value: Any,
    follow_up: tuple[str, list[str]] | None,
    today: date,
    problems: list[Problem],
) -> dict[str, Verdict]:
    """`review:` maps the followed-up session's open action item ids to what became of them."""
    if follow_up is None:
        problems.append(
            located.problem(("review",), "review: goes with --follow-up SESSION, which is missing")
        )
        return {}
    if not isinstance(value, dict):
        problems.append(located.problem(("review",), "review must map action item ids to verdicts"))
        return {}
    verdicts: dict[str, Verdict] = {}
    for key, entry in value.items():
        item_id = _reviewed_item(located, key, follow_up, verdicts, problems)
        if item_id is None:
            continue
        verdict = _verdict(located, key, entry, today, problems)
        if verdict is not None:
            verdicts[item_id] = verdict
    return verdicts


def _reviewed_item(
    located: Located,
    key: str,
    follow_up: tuple[str, list[str]],
    verdicts: dict[str, Verdict],
    problems: list[Problem],
) -> str | None:
    """The open action item a `review:` key names, or None with a problem."""
    session_id, open_ids = follow_up
    where = ("review", key)
    # As with 'actions done', a unique start of an id is enough.
    matches = [key] if key in open_ids else [i for i in open_ids if i.startswith(key)]
    if not matches:
        what = f"no open action item with this id in {session_id}"
        problems.append(_unknown_id(located, where, key, open_ids, what))
        return None
    if len(matches) > 1:
        several = ", ".join(matches[:5])
        message = f"'{key}' matches several open action items ({several}): give more of it"
        problems.append(located.problem(where, message))
        return None
    if matches[0] in verdicts:
        problems.append(located.problem(where, f"'{key}': item {matches[0]} is reviewed twice"))
        return None
    return matches[0]


def _verdict(
    located: Located, key: str, entry: Any, today: date, problems: list[Problem]
) -> Verdict | None:
    """What became of one item: a status, or {status, due, note}; None with a problem."""
    where = ("review", key)
    spec = {"status": entry} if isinstance(entry, str) else entry
    if not isinstance(spec, dict):
        problems.append(located.problem(where, f"'{key}': write a status or {{status, due, note}}"))
        return None
    unknown = [name for name in spec if name not in REVIEW_KEYS]
    problems.extend(
        located.problem(
            (*where, name), f"unknown key '{name}'{did_you_mean(str(name), REVIEW_KEYS)}"
        )
        for name in unknown
    )
    kind = spec.get("status")
    if kind not in REVIEW_KINDS:
        problems.append(
            located.problem(where, f"'{key}': status must be one of {', '.join(REVIEW_KINDS)}")
        )
        return None
    due = spec.get("due")
    note = spec.get("note") or ""
    if not isinstance(note, str):
        problems.append(located.problem((*where, "note"), f"'{key}': the note must be text"))
        return None
    if (kind == "moved") != (due is not None):
        message = (
            "moved needs the new due date" if kind == "moved" else "due goes with status: moved"
        )
        problems.append(located.problem(where, f"'{key}': {message}"))
        return None
    new_due = None if due is None else _new_due(located, key, due, today, problems)
    if unknown or (due is not None and new_due is None):
        return None
    if kind in ("moved", "dropped") and not note.strip():  # as `actions move/drop --reason`
        why = "it slips" if kind == "moved" else "it is dropped"
        problems.append(located.problem(where, f"'{key}': {kind} needs a note saying why {why}"))
        return None
    return Verdict(kind=kind, due=new_due, note=note.strip())


def _new_due(
    located: Located, key: str, due: Any, today: date, problems: list[Problem]
) -> date | None:
    """The new due date of a moved item, or None with a problem."""
    where = ("review", key, "due")
    try:
        return resolve_date(due if isinstance(due, date) else str(due), today)
    except DateOutOfRange as error:
        problems.append(located.problem(where, f"'{key}': due {error}"))
    except ValueError:
        problems.append(
            located.problem(where, f"'{key}': due {due!r} is not a date: write 2026-12-01 or +14d")
        )
    return None


def missing(playbook: Playbook, answers: dict[str, Any]) -> list[AnyQuestion]:
    """Questions that apply and have no answer yet."""
    return [question for _, question in active(playbook, answers) if question.id not in answers]


def template(playbook: Playbook) -> str:
    """A commented answers file for the playbook, defaults filled in, ready to edit."""
    lines = [
        f"# Answers for the '{playbook.id}' playbook ({playbook.title}), version "
        f"{playbook.version}.",
        f"# Run: resetkit start {playbook.id} --answers THIS_FILE --no-input",
        "# null means no answer: asked when you run without --no-input, skipped with it.",
        "# A question whose 'only if' does not hold must stay null or be removed.",
        'customer: ""            # the customer, as written (or pass --customer)',
        _attendees_line(playbook),
        "# With --follow-up SESSION, review: settles that session's open action items by id",
        "# (see 'resetkit actions'); items left out stay open. Quote the ids:",
        "# review: {'0e12ab34': done, '7f3c9a10': {status: moved, due: +14d, note: Legal is slow}}",
        "# preview_date: 2026-11-24  # 'resetkit preview' only: the day +14d counts from",
        "answers:",
    ]
    sent = playbook.recap_answers
    for section in playbook.sections:
        lines.append(f"  # --- {section.title}")
        if section.when is not None:
            lines.append(f"  #     (section only if {describe(section.when)})")
        for question in section.questions:
            kind = KINDS[question.type]
            flags = [kind.label]
            if question.required:
                flags.append("required")
            if question.id in sent:
                flags.append("sent to the customer")
            lines.append(f"  # {question.prompt}  [{', '.join(flags)}]")
            comment = kind.template_comment(question)
            if comment:
                lines.append(f"  #   {comment}")
            value = kind.template_example(question)
            if question.when is not None or section.when is not None:
                # Filled in, a branch that does not apply would be refused: leave it null.
                if question.when is not None:
                    lines.append(f"  #   only if {describe(question.when)}")
                if value is not None:
                    lines.append(f"  #   default: {_flow(value)}")
                value = None
            lines.append(f"  {question.id}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _attendees_line(playbook: Playbook) -> str:
    """The top-level attendees, unless a question of the playbook asks for them.

    A second `attendees:` (one at the top, one under `answers:`) would ask for the same people
    twice; with such a question, they are written once, as its answer.
    """
    question = playbook.attendees_question
    if question is None:
        return (
            'attendees: []           # entries like "Dana Smith:CTO" or "Dana <dana@acme.com>:CTO"'
        )
    return (
        f"# The people on the call are the answer to '{question.id}' below "
        '(entries like "Dana Smith:CTO" or "Dana <dana@acme.com>:CTO"; --attendee adds more).'
    )


def _flow(value: Any) -> str:
    """A value as one line of YAML."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1 << 20).strip()
    return text.removesuffix("\n...").strip()
