"""Shared fixtures: an isolated home, config and working folder for every test."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from rich.console import Console
from typer.testing import CliRunner, Result

from resetkit.cli import app
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.question_types import Asking
from resetkit.record.session import Attendee, Session
from resetkit.record.store import begin
from resetkit.run.live import Run
from resetkit.run.prompts import ScriptedPrompter

# CI runs the same examples every time (a red build must be reproducible); a developer's run
# keeps exploring new ones, which is how the U+0085 front-matter bug was found. Neither has a
# deadline: a loaded machine makes one example slow now and then, and speed is bench/'s job.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent


# Tests of minutes each (on 2 cores): started first in a run of two processes.
LONGEST = ("test_two_clones_change_one_session_for_100_rounds",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Which tests share a worker process when the suite runs in two (`-n 2 --dist loadgroup`,
    pyproject.toml): those that drive a real terminal run one after another in one worker, so
    the other worker's load is all they share, never a second pty; and the tests of a module
    with a module-wide fixture (a 100,000-session history) stay together, so it is built once."""
    # The longest tests first, so that no worker starts one while the other has finished.
    items.sort(key=lambda item: not any(name in item.name for name in LONGEST))
    for item in items:
        if item.get_closest_marker("pty") is not None:
            item.add_marker(pytest.mark.xdist_group("terminal"))
            continue
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.values() if info is not None else []
        if any(d[-1].scope == "module" for d in definitions if d):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if item.module else ""))


sys.path.insert(0, str(REPO / "bench"))  # the history generator is shared with the benchmarks

# The day every test runs on, whatever the real date: resetkit reads it from RESETKIT_TODAY,
# which the autouse fixture `pinned_today` sets (so subprocesses and pty runs see it too).
# RESETKIT_TEST_TODAY picks another day; `.ci/run` runs the `dated` tests again at far days and
# in far time zones. The default is the day the fixed sessions of the tests start on
# (`drive`, `STARTED`): a meeting held today.
TODAY = date.fromisoformat(os.environ.get("RESETKIT_TEST_TODAY") or "2026-11-24")
# The start of the sessions `drive` runs. A run's "today" is the day it started, so what these
# sessions hold does not change with the pinned day; a test that asks the history commands what
# is due or late (marked `dated`) writes its dates as `day(offset)` from TODAY instead.
STARTED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def day(offset: int = 0) -> str:
    """The pinned day plus `offset` days, as an ISO date (a due date, a follow-up date)."""
    return (TODAY + timedelta(days=offset)).isoformat()


# A risk check with no warning signs: a complete answer sheet for scripted runs.
QUIET_RISK_CHECK = {
    "silence": "recent",
    "acquisition": False,
    "champion-left": False,
    "chronic": False,
    "cost-vs-value": "fair",
}


def read_expectations(corpus: Path) -> dict[str, list[str]]:
    """A corpus's expected.txt: 'file:line:col: message' lines, grouped by file."""
    expected: dict[str, list[str]] = {}
    for line in (corpus / "expected.txt").read_text("utf-8").splitlines():
        name, _, rest = line.partition(":")
        expected.setdefault(name, []).append(rest)
    return expected


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test runs in an empty folder with its own home: no real playbooks or notes leak in."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in (
        "RESETKIT_PLAYBOOKS",
        "RESETKIT_NOTES_DIR",
        "RESETKIT_CACHE_DIR",
        "RESETKIT_INDEX",
        "EDITOR",
        "VISUAL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(work)
    yield work


@pytest.fixture(autouse=True, scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home for the module fixtures, which run before the autouse `isolated` one: the
    commands they run remember their notes dir in the data dir, never the real user's."""
    home = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
        patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        yield home


@pytest.fixture(autouse=True, scope="session")
def pinned_today() -> Iterator[date]:
    """Every test runs on TODAY: no test depends on the real date or on midnight passing.
    Session-wide, so that module fixtures (a generated history, a subprocess's environment)
    are made on TODAY too; a test that sets RESETKIT_TODAY itself gets TODAY back after."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESETKIT_TODAY", TODAY.isoformat())
        yield TODAY


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke the resetkit CLI in-process, as a user would type it."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def synthetic_answer(question: Any) -> Any:
    """A plausible answer of the right type, carrying the question id so notes can be checked."""
    kind = question.type
    if kind == "text":
        return f"text for {question.id}"
    if kind == "long_text":
        return f"long text for {question.id}\nsecond line"
    if kind == "yes_no":
        return True
    if kind == "choice":
        return question.choices[0].value
    if kind == "multi_choice":
        return [choice.value for choice in question.choices]
    if kind == "number":
        return question.min if question.min is not None else 3
    if kind == "date":
        return "2026-11-01" if getattr(question, "past", False) else "2026-12-01"
    if kind == "list":
        return [f"item for {question.id}", "another item"]
    return [
        {
            "what": f"action for {question.id}",
            "owner": "customer",
            "owner_name": "Pat",
            "due": "+14d",
            "critical_path": True,
        }
    ]


class ClockReader(ScriptedPrompter):
    """Scripted answers; prints the toolbar's clock line before each, as a person sees it."""

    def __init__(self, answers: dict[str, Any], picks: list[str], console: Console) -> None:
        super().__init__(answers, picks)
        self.console = console

    def ask(self, question: Any, current: Any, today: Any, asking: Asking | None = None) -> Any:
        status = asking.status() if asking is not None and asking.status else None
        if status:
            self.console.print("".join(text for _, text in status), markup=False)
        return super().ask(question, current, today, asking)


@dataclass
class Driven:
    """What a scripted run left behind."""

    session: Session
    folder: Path
    paths: list[Path]
    screen: str


def drive(
    playbook_id: str,
    overrides: dict[str, Any] | None = None,
    picks: list[str] | None = None,
    notes_dir: Path | None = None,
    customer: str = "Acme Corp",
    seconds_per_tick: int = 30,
) -> Driven:
    """Run a built-in playbook end to end with scripted answers, as `resetkit start` would."""
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    answers = {q.id: synthetic_answer(q) for _, q in playbook.questions()}
    answers |= overrides or {}
    path = builtin_dir() / f"{playbook_id}.yaml"
    session, folder = begin(
        playbook,
        path,
        path.read_text("utf-8"),
        customer,
        [Attendee(name="Dana", role="CTO")],
        notes_dir or Path.cwd() / "notes",
        STARTED,
    )
    screen = io.StringIO()
    console = Console(file=screen, width=100, color_system=None)
    ticks = iter(range(0, 10_000_000, seconds_per_tick))
    run = Run(
        playbook,
        session,
        folder,
        ClockReader(answers, picks or ["save"], console),
        console,
        clock=lambda: float(next(ticks)),
    )
    run.walk()
    paths = run.finish(run.review())
    return Driven(session, folder, paths, screen.getvalue())


@pytest.fixture
def zoned() -> Iterator[None]:
    """A test that moves the process's time zone (TZ, then time.tzset) gets it put back, as the
    environment had it: TZ alone is not enough, the C library reads it at tzset."""
    import time

    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
