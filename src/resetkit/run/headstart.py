"""The first screen of `resetkit start`, drawn before the playbook's models are built.

Importing pydantic and building the playbook models takes about half as long again as starting
Python with the whole stack. A playbook seen before needs neither for its first screen: the run
that last validated its exact text kept that screen as plain data in the user cache dir (its
title, first section and first question). The next run draws it with the same code as every
other screen (screen.py, prompts.py and checks.py need no models) and builds the models on a
thread while the person reads and types. The key covers the playbook's text, its file name and
the installed resetkit's own files, so an edited playbook or an upgrade is validated before
anything is shown: a stale screen is never drawn. The built-in playbooks' first screens ship
with resetkit (matched by their text), so a new user's first start is as quick.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from resetkit.places import builtin_dir, cache_dir
from resetkit.question_types import Asking, default_answer
from resetkit.run.screen import SectionView, draw_section, plain_clock, status_fragments
from resetkit.run.terminal import GoBack, Interrupted

if TYPE_CHECKING:
    from datetime import date

    from rich.console import Console

    from resetkit.format.model import AnyQuestion
    from resetkit.run.prompts import TerminalPrompter

# Bump when FirstScreen changes shape; the code's own files are part of the key as well.
FORMAT = 1
# Screens kept at most: one per playbook text and resetkit build, so old ones pile up slowly.
MAX_KEPT = 200
SCREENS_FOLDER = "first-screen"
# The built-in playbooks' first screens, beside them; tests/test_head_start.py keeps it current.
SHIPPED_FILE = "first-screens.json"

T = TypeVar("T")


@dataclass(frozen=True)
class FirstScreen:
    """What `start` shows before its first answer, as plain data."""

    playbook_id: str
    title: str
    section_id: str
    view: SectionView
    budget: float  # the section's timebox in seconds; 0 when it is not timed
    planned: float  # the meeting's planned length in seconds
    question: dict[str, Any]  # the first question's fields; each choice also has `shown`


def _code_stamp() -> str:
    """Size and mtime of each of resetkit's own files: a new build or an edit changes it."""
    package = Path(__file__).parent.parent  # the package root: every wing's files count
    files: list[tuple[str, os.stat_result]] = []
    folders = [package]
    while folders:  # os.scandir, not rglob: this runs before every first prompt
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    files.append((entry.path, entry.stat()))
                elif entry.is_dir() and entry.name not in ("__pycache__", "playbooks"):
                    folders.append(Path(entry.path))
    return ";".join(f"{name}:{stat.st_size}:{stat.st_mtime_ns}" for name, stat in sorted(files))


def cache_file(path: Path, text: str) -> Path:
    """Where the first screen of this playbook text, read from this file name, is kept."""
    key = hashlib.sha256(
        "\0".join([str(FORMAT), _code_stamp(), path.name, text]).encode("utf-8")
    ).hexdigest()[:32]
    return cache_dir() / SCREENS_FOLDER / f"{key}.json"


def recall(path: Path, text: str) -> FirstScreen | None:
    """The first screen kept (or shipped) for this playbook text, or None: never seen, or
    unreadable."""
    try:
        data = json.loads(cache_file(path, text).read_bytes())
    except (OSError, ValueError):
        data = _shipped(path, text)
    if data is None:
        return None
    try:
        return FirstScreen(**{**data, "view": SectionView(**data["view"])})
    except (ValueError, TypeError, KeyError):
        return None


def _shipped(path: Path, text: str) -> Any:
    try:
        shipped = json.loads((builtin_dir() / SHIPPED_FILE).read_bytes())
        entry = shipped["screens"][path.name]
        if shipped["format"] == FORMAT and entry["text"] == _digest(text):
            return entry["screen"]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return None


def shipped_screens(screens: dict[str, tuple[str, FirstScreen]]) -> str:
    """The file of built-in first screens, from each playbook file's name, text and screen."""
    entries = {
        name: {"text": _digest(text), "screen": asdict(screen)}
        for name, (text, screen) in sorted(screens.items())
    }
    return json.dumps({"format": FORMAT, "screens": entries}, ensure_ascii=False, indent=1) + "\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember(path: Path, text: str, screen: FirstScreen) -> None:
    """Keep the first screen of a playbook text that was just validated; best effort."""
    from resetkit.errors import StorageError
    from resetkit.storage import write_text_atomic

    target = cache_file(path, text)
    with contextlib.suppress(OSError, StorageError):
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, json.dumps(asdict(screen), ensure_ascii=False), durable=False)
        kept = sorted(target.parent.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-MAX_KEPT]:
            old.unlink(missing_ok=True)


def stand_in(question: dict[str, Any]) -> AnyQuestion:
    """A question the prompts and checks can use as they would the model it was copied from."""
    fields = dict(question)
    if "choices" in fields:
        fields["choices"] = [SimpleNamespace(**choice) for choice in fields["choices"]]
    return cast("AnyQuestion", SimpleNamespace(**fields))


class Background(Generic[T]):
    """Work run on a thread from the moment the first prompt is on screen; its result on demand.

    Started any earlier, the thread would compete with drawing that prompt for the interpreter.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._outcome: tuple[T] | BaseException | None = None
        self._follow: Callable[[T], None] | None = None

    def start(self) -> None:
        """Start the work, once; later calls do nothing."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="resetkit-models", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (self._work(),)
            if self._follow is not None:
                self._follow(self._outcome[0])
        except BaseException as error:  # handed to the main thread by result()
            self._outcome = error

    def then(self, follow: Callable[[T], None]) -> None:
        """Call `follow` with the result on the work's thread once it has finished well."""
        self._follow = follow

    def ready(self) -> T | None:
        """The result if the work has finished well; None while it runs or if it failed."""
        if self._thread is None or self._thread.is_alive():
            return None
        return (
            None
            if isinstance(self._outcome, BaseException) or self._outcome is None
            else self._outcome[0]
        )

    def wait(self) -> None:
        """Wait for the work if it started, whatever its outcome (see _start_from_first_screen)."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> T:
        """The work's result, waiting for it (or doing it now, if it never started)."""
        if self._thread is None:
            self._run()
        else:
            self._thread.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        assert self._outcome is not None
        return self._outcome[0]


def ask_first(
    screen: FirstScreen,
    person: TerminalPrompter,
    console: Console,
    today: date,
    background: Background[Any],
) -> tuple[float, tuple[str, Any] | None, Any]:
    """Draw the first section and ask its first question; `background` starts once it shows.

    Returns when the section was entered (time.monotonic), the answer as (question id, value)
    or None when the person interrupted, and the items of an unfinished list answer (or None).
    """
    entered = time.monotonic()
    question = stand_in(screen.question)
    current = default_answer(question, today)
    draft: list[Any] = [None]

    def status() -> list[tuple[str, str]] | None:
        if not screen.budget:
            return None
        spent = time.monotonic() - entered
        return status_fragments(spent, screen.budget, spent, screen.planned)

    plain = bool(getattr(person, "plain", False))  # as Run reads it: any prompter will do
    said = status() if plain else None
    draw_section(console, screen.view, plain, plain_clock(said) if said else "")

    saving = threading.Lock()

    def save_draft(run: Any) -> None:
        # From the prompt (each item) and from the model thread (once the record exists):
        # whichever saves last saves the newest items.
        with saving:
            if draft[0]:
                run.keep_early_draft(question.id, draft[0])

    def keep(items: Any) -> None:
        draft[0] = items
        run = background.ready()
        if run is not None:  # the record exists: keep the items there, as a run does
            save_draft(run)

    background.then(save_draft)

    person.on_first_draw = background.start
    try:
        while True:
            try:
                value = person.ask(question, current, today, Asking(status=status, keep=keep))
            except GoBack:  # nothing before the first question
                continue
            return entered, (question.id, value), None
    except Interrupted:
        return entered, None, draft[0]
    finally:
        person.on_first_draw = None
