"""Issue 26: every record field, every wrong kind, through every command that reads records.

The damages are derived from the record's models (their `model_fields`, walked into the nested
models), so a new field is covered without a new test: each field missing, and given null, a
number, a string, a list, an object or a boolean. Each answer of the record is damaged the same
way. pydantic is the judge of each damaged record: what the model accepts, every command
accepts (shows it, or refuses it as it refuses a good record, with a one-line reason); what it
refuses, every command names on stderr and goes on with the rest. Never an internal error.

One history holds every damaged record (434 sessions of one customer today), so each command
runs once per way of reading it; when a run fails, each case is run alone to name the culprits.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from conftest import QUIET_RISK_CHECK, drive
from resetkit.errors import UsageError
from resetkit.history import fresh
from resetkit.history.index import index_path
from resetkit.question_types.item_entries import holds_action_items
from resetkit.record.merge import DamagedSide, merge_texts
from resetkit.record.session import ActionItem, Session
from resetkit.record.store import load

WRONG_KINDS: dict[str, Any] = {
    "null": None,
    "a number": 12,
    "a string": "12",
    "a list": ["12"],
    "an object": {"12": "12"},
    "a boolean": True,
}
MISSING = object()
ACTIONS = "actions"  # reset's action-items question
CUSTOMER = "Acme Corp"

# --- the damages, from the models --------------------------------------------------------------

Place = tuple[str | int, ...]


def models_in(annotation: Any) -> Iterator[tuple[Place, type[BaseModel]]]:
    """The models a field's type holds, and the step to one of them (0: a list's first)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield (), annotation
        return
    step: Place = (0,) if get_origin(annotation) is list else ()
    for argument in get_args(annotation):
        for steps, model in models_in(argument):
            yield step + steps, model


def model_places(model: type[BaseModel], place: Place) -> Iterator[Place]:
    """Every field of a model (at `place` in the record) and of the models it nests."""
    for name, info in model.model_fields.items():
        yield (*place, name)
        for steps, nested in models_in(info.annotation):
            yield from model_places(nested, (*place, name, *steps))


def record_places(record: dict[str, Any]) -> list[Place]:
    """The record's fields, its action items' (the answers' type is Any: the one rule says which
    answers hold items), and each answer."""
    places = list(model_places(Session, ()))
    places += model_places(ActionItem, ("answers", ACTIONS, 0))
    places += [("answers", question_id) for question_id in record["answers"]]
    return places


def damaged(record: dict[str, Any], place: Place, value: Any) -> dict[str, Any]:
    """A copy of the record with the field at `place` removed (MISSING) or set to `value`."""
    copy = json.loads(json.dumps(record))
    parent = copy
    for step in place[:-1]:
        parent = parent[step]
    if value is MISSING:
        parent.pop(place[-1], None)
    else:
        parent[place[-1]] = value
    return copy


def accepted(record: dict[str, Any]) -> bool:
    """Whether the model takes the record, as the index reads it and as `load` reads it; both
    ways agree, or history and `render` would disagree about one record."""
    try:
        Session.model_validate(record)
        as_mapping = True
    except ValidationError:
        as_mapping = False
    try:
        Session.model_validate_json(json.dumps(record))
        as_text = True
    except ValidationError:
        as_text = False
    assert as_mapping == as_text, record
    return as_mapping


@dataclass
class Case:
    """One damaged record in the history."""

    name: str  # e.g. "answers.actions.0.history.0.at: a string"
    folder: Path
    accepted: bool

    @property
    def record(self) -> Path:
        return self.folder / "session.json"

    @property
    def id(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"


@dataclass
class History:
    notes: Path
    base: Path  # the good session every case is a copy of
    cases: list[Case]


def base_record(notes: Path) -> tuple[Path, dict[str, Any]]:
    """A complete reset session with every nested model filled: an attendee, an action item with
    a slip in its history, a recommendation, a follow-up date."""
    driven = drive("reset", notes_dir=notes)
    record = json.loads((driven.folder / "session.json").read_text("utf-8"))
    item = record["answers"][ACTIONS][0]
    item["history"] = [
        {
            "at": "2026-11-25T09:00:00Z",
            "kind": "moved",
            "note": "their admin is away",
            "from_due": item["due"],
            "to_due": "2026-12-20",
            "by": "sam",
            "caused_by": None,
        }
    ]
    item["due"] = "2026-12-20"
    item["flag"] = ""
    record["recommendation"] = {"playbook": "recovery", "because": "they are unhappy"}
    Session.model_validate(record)  # the base itself is good
    (driven.folder / "session.json").write_text(json.dumps(record), "utf-8")
    return driven.folder, record


def build_history(notes: Path) -> History:
    """One customer's history: the good session, then a copy of it per damage."""
    base, record = base_record(notes)
    assert holds_action_items(record["answers"][ACTIONS])
    cases = []
    for place in record_places(record):
        for kind, value in {"missing": MISSING, **WRONG_KINDS}.items():
            number = len(cases) + 2
            folder = base.with_name(f"{base.name}-{number}")
            shutil.copytree(base, folder)
            good = record | {"id": f"{folder.parent.name}/{folder.name}"}
            bad = damaged(good, place, value)
            name = ".".join(str(step) for step in place) + f": {kind}"
            cases.append(Case(name, folder, accepted(bad)))
            cases[-1].record.write_text(json.dumps(bad), "utf-8")
    return History(notes, base, cases)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """Built once for the module (drive needs no notes of its own; the copies are the cost)."""
    notes = tmp_path_factory.mktemp("damaged") / "notes"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(notes.parent)
        yield build_history(notes)


def test_the_damages_cover_every_field_of_every_model(history: History) -> None:
    names = {case.name.split(":")[0] for case in history.cases}
    assert {"meeting_seconds", "started_at", "attendees.0.name", "recommendation.because"} <= names
    assert {"answers.actions.0.due", "answers.actions.0.history.0.to_due"} <= names
    refused = [case for case in history.cases if not case.accepted]
    assert len(refused) > 200 and len(history.cases) - len(refused) > 100
    assert not next(c for c in history.cases if c.name == "meeting_seconds: a string").accepted


# --- every history command over the whole history --------------------------------------------

HISTORY_COMMANDS = [
    ["sessions"],
    ["sessions", "--format", "json"],
    ["actions"],
    ["actions", "--format", "json"],
    ["export", "--format", "md"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "csv", "--actions"],
    ["report"],
    ["report", "--format", "json"],
    ["report", "--format", "csv"],
    ["due", "--within", "365d"],
    ["due", "--format", "md", "--within", "365d"],
    ["calendar"],
    ["ledger"],
    ["ledger", "--format", "md"],
    ["brief", CUSTOMER],
    ["brief", CUSTOMER, "--format", "json"],
    ["timing", "reset"],
    ["render", "--all-changed"],
]
# Reading the history: the index's first build; the index built from good records, then each
# record damaged by hand in place (a small history compares every record's signature); the
# same above the full-check threshold with RESETKIT_INDEX=exact; no index of its own.
CRASHED = "crashed:"
WAYS = ["first build", "edited after build", "exact, above the full check", "index off"]


def problems_of(result: Any, command: list[str], cases: list[Case]) -> list[str]:
    """What is wrong with a command's run over these cases ([] when nothing)."""
    said = result.stdout + result.stderr
    if "internal error" in said or "Traceback" in said or result.exit_code != 0:
        where = cases[0].name if len(cases) == 1 else f"{len(cases)} cases"
        return [f"{CRASHED} {where}: {' '.join(command)}: exit {result.exit_code}: {said[-300:]}"]
    found = []
    for case in cases:
        named = result.stderr.count(str(case.record))
        if not case.accepted and named != 1:
            found.append(f"{' '.join(command)}: {case.name} refused, named {named} times")
        if case.accepted and named:
            found.append(f"{' '.join(command)}: {case.name} accepted, yet named on stderr")
    if command == ["sessions", "--format", "json"]:
        listed = {record.get("id") for record in json.loads(result.stdout)}
        for case in cases:
            record_id = json.loads(case.record.read_text("utf-8")).get("id")
            if case.accepted != (isinstance(record_id, str) and record_id in listed):
                found.append(f"{' '.join(command)}: {case.name} accepted {case.accepted}")
    return found


@pytest.fixture
def damaged_notes(history: History, isolated: Path) -> Callable[[list[Case]], Path]:
    """A notes dir holding the good session and these damaged ones (a fresh copy each call)."""
    copies = iter(range(1_000_000))

    def make(cases: list[Case]) -> Path:
        notes = isolated / f"notes-{next(copies)}"
        customer = notes / history.base.parent.name
        customer.mkdir(parents=True)
        shutil.copytree(history.base, customer / history.base.name)
        for case in cases:
            shutil.copytree(case.folder, customer / case.folder.name)
        return notes

    return make


def on_copy(case: Case, notes: Path) -> Case:
    """The same case in another notes dir."""
    return Case(case.name, notes / case.folder.parent.name / case.folder.name, case.accepted)


# `render --all-changed` reads each record itself, not through the index: one way is enough.
RUNS = [
    pytest.param(command, way, id=f"{' '.join(command)}-{way}")
    for command in HISTORY_COMMANDS
    for way in WAYS
    if command[0] != "render" or way == WAYS[0]
]


@pytest.mark.parametrize(("command", "way"), RUNS)
def test_every_history_command_names_each_refused_record_and_goes_on(
    run,
    history: History,
    damaged_notes: Callable[[list[Case]], Path],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    way: str,
) -> None:
    if way == "index off":
        monkeypatch.setenv("RESETKIT_INDEX", "off")
    if way.startswith("exact"):
        monkeypatch.setenv("RESETKIT_INDEX", "exact")
        monkeypatch.setattr(fresh, "FULL_CHECK_LIMIT", 0)

    def problems(cases: list[Case]) -> list[str]:
        notes = damaged_notes(cases)
        copies = [on_copy(case, notes) for case in cases]
        if way in ("edited after build", "exact, above the full check"):
            good = (history.base / "session.json").read_text("utf-8")
            texts = [case.record.read_text("utf-8") for case in copies]
            for case in copies:
                record = json.loads(good) | {"id": case.id}
                case.record.write_text(json.dumps(record), "utf-8")
            built = run("sessions", "--notes-dir", str(notes))
            assert built.exit_code == 0, built.stderr
            assert index_path(notes).exists()
            for case, text in zip(copies, texts, strict=True):
                case.record.write_text(text, "utf-8")
        return problems_of(run(*command, "--notes-dir", str(notes)), command, copies)

    def narrow(cases: list[Case]) -> list[str]:
        # A crash names no record: halves are run until each crash has its case.
        found = problems(cases)
        if not found or len(cases) == 1 or not found[0].startswith(CRASHED):
            return found
        middle = len(cases) // 2
        return narrow(cases[:middle]) + narrow(cases[middle:])

    found = narrow(history.cases)
    assert not found, "\n".join(found[:40])


# --- one rule for which answers are action items -----------------------------------------------


def _item(item_id: str) -> dict[str, Any]:
    return {"id": item_id, "what": f"do {item_id}", "owner": "us", "due": "2026-12-20"}


MIXED_LISTS: dict[str, list[Any]] = {
    "items": [_item("a1"), _item("b2")],
    "texts": ["call them", "send the plan"],
    "an item, then a text": [_item("a1"), "send the plan"],
    "a text, then an item": ["send the plan", _item("a1")],
    "a mapping without what": [{"id": "a1", "owner": "us"}],
    "an item without an id": [{"what": "call them"}],
    "an item with a field of the wrong kind": [_item("a1"), _item("b2") | {"due": 12}],
    "an item and a list": [_item("a1"), ["b2"]],
    "nothing": [],
}
REFUSED = "refused"


def seen_by_the_index(folder: Path) -> Any:
    parsed = fresh.parse_record(str(folder / "session.json"))
    assert parsed is not None
    if parsed.problem is not None:
        return REFUSED
    return [json.loads(item[6])["id"] for item in parsed.items]


def seen_by_the_merge(base: str, ours: str) -> Any:
    # The other clone holds the same list, and changed something else.
    theirs = json.loads(ours) | {"outcome": "changed in the other clone"}
    try:
        merged = merge_texts(base, ours, json.dumps(theirs))
    except DamagedSide:
        return REFUSED
    return [item.id for item in Session.model_validate_json(merged).action_items()]


def seen_by_the_renderer(folder: Path) -> Any:
    from resetkit.format.loader import load_file
    from resetkit.places import builtin_dir
    from resetkit.question_types import KINDS
    from resetkit.record.recap import RECAP_KIT
    from resetkit.record.render import NOTES_KIT

    try:
        session = load(folder)
    except UsageError:
        return REFUSED
    question = next(
        q for _, q in load_file(builtin_dir() / "reset.yaml").questions() if q.id == ACTIONS
    )
    shown = KINDS["action_items"].recap(RECAP_KIT, question, session.answers[ACTIONS])
    table = KINDS["action_items"].markdown(NOTES_KIT, question, session.answers[ACTIONS])
    ids = [item.id for item in session.action_items()]
    assert len(shown) == len(ids) and all(f"`{i}`" in table or i in table for i in ids)
    return ids


@pytest.mark.parametrize("kind", MIXED_LISTS)
def test_the_index_the_merge_and_the_renderer_see_the_same_action_items(
    isolated: Path, kind: str
) -> None:
    driven = drive("reset", notes_dir=isolated / "notes")
    record_file = driven.folder / "session.json"
    base = record_file.read_text("utf-8")
    record = json.loads(base)
    record["answers"][ACTIONS] = MIXED_LISTS[kind]
    ours = json.dumps(record)
    record_file.write_text(ours, "utf-8")
    views = {
        "index": seen_by_the_index(driven.folder),
        "merge": seen_by_the_merge(base, ours),
        "renderer": seen_by_the_renderer(driven.folder),
    }
    answer = MIXED_LISTS[kind]
    if not accepted(record):
        expected: Any = REFUSED
    else:
        expected = [entry["id"] for entry in answer] if holds_action_items(answer) else []
    assert views == dict.fromkeys(views, expected)


# --- the commands that read one session --------------------------------------------------------


def follow_up(notes: Path, session_id: str) -> list[str]:
    answers = notes.parent / "answers.yaml"
    answers.write_text(yaml.safe_dump({"customer": CUSTOMER, "answers": QUIET_RISK_CHECK}), "utf-8")
    return [
        "start",
        "risk-check",
        "--answers",
        str(answers),
        "--no-input",
        "--follow-up",
        session_id,
    ]


ONE_SESSION_COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "render": lambda notes, session_id: ["render", session_id, "--force"],
    "share": lambda notes, session_id: ["share", session_id, "--format", "md"],
    "resume": lambda notes, session_id: ["resume", session_id],
    "start --follow-up": follow_up,
}


@pytest.mark.parametrize("command", ONE_SESSION_COMMANDS)
def test_a_command_on_one_damaged_session_names_it_or_reads_it(
    run, history: History, damaged_notes: Callable[[list[Case]], Path], command: str
) -> None:
    notes = damaged_notes(history.cases)
    good = f"{history.base.parent.name}/{history.base.name}"
    done = run(*ONE_SESSION_COMMANDS[command](notes, good), "--notes-dir", str(notes))
    # The good session: done, but `resume` (it is complete; with no terminal it would stop).
    assert done.exit_code == (2 if command == "resume" else 0), done.stderr
    found = []
    # Each run costs a command's start: `render` takes every case, the others every third
    # (7 damages a field: a stride of 3 gives each damage a third of the fields, in turn).
    for case in history.cases[:: 1 if command == "render" else 3]:
        copy = on_copy(case, notes)
        arguments = ONE_SESSION_COMMANDS[command](notes, copy.id)
        result = run(*arguments, "--notes-dir", str(notes))
        said = result.stdout + result.stderr
        # Refused or read: exit 2 with one line (a refusal, or a status this command does not
        # take, or no terminal for `resume`), or done; never an internal error.
        if "internal error" in said or result.exit_code not in (0, 2):
            found.append(f"{case.name}: exit {result.exit_code}: {said[-200:]}")
        elif not case.accepted and str(copy.record) not in said:
            found.append(f"{case.name}: refused, but not named: {said[-200:]}")
    assert not found, "\n".join(found[:40])
