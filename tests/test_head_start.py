"""The first screen of `start`, drawn from a kept plain copy before the models are built."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from resetkit.format.loader import load_file
from resetkit.format.model import AnyQuestion
from resetkit.places import builtin_dir
from resetkit.question_types import AnswerError, check_answer, default_answer
from resetkit.record.store import begin
from resetkit.run import headstart
from resetkit.run.headstart import Background, ask_first, cache_file, recall, remember, stand_in
from resetkit.run.live import Run, SessionInterrupted, first_screen, plain_question
from resetkit.run.terminal import Interrupted

BUILTINS = sorted(builtin_dir().glob("*.yaml"))
TODAY = date(2026, 11, 24)
EVERY_QUESTION = [question for path in BUILTINS for _, question in load_file(path).questions()]


@pytest.fixture(params=[p.stem for p in BUILTINS])
def builtin(request: pytest.FixtureRequest) -> Path:
    return builtin_dir() / f"{request.param}.yaml"


def team_copy(isolated: Path, builtin: Path) -> tuple[Path, str]:
    """A team's edited copy of a built-in playbook: no first screen ships for it."""
    path = isolated / builtin.name
    text = builtin.read_text("utf-8") + "\n# our own copy\n"
    path.write_text(text, "utf-8")
    return path, text


def test_a_first_screen_is_kept_and_read_back(builtin: Path, isolated: Path) -> None:
    path, text = team_copy(isolated, builtin)
    screen = first_screen(load_file(path))
    assert screen is not None
    assert recall(path, text) is None
    remember(path, text, screen)
    assert recall(path, text) == screen


def test_the_builtin_first_screens_ship_with_resetkit_and_are_current(isolated: Path) -> None:
    """Set RESETKIT_REGENERATE=1 to rewrite the shipped file after changing a built-in."""
    screens = {}
    for path in BUILTINS:
        text = path.read_text("utf-8")
        screen = first_screen(load_file(path))
        assert screen is not None
        screens[path.name] = (text, screen)
    shipped = builtin_dir() / headstart.SHIPPED_FILE
    if os.environ.get("RESETKIT_REGENERATE") == "1":
        shipped.write_text(headstart.shipped_screens(screens), "utf-8")
    assert shipped.read_text("utf-8") == headstart.shipped_screens(screens), (
        "regenerate it: RESETKIT_REGENERATE=1 pytest tests/test_head_start.py"
    )
    for name, (text, screen) in screens.items():
        assert recall(builtin_dir() / name, text) == screen  # with an empty cache dir


def test_an_edited_playbook_a_renamed_file_or_a_new_build_is_not_recalled(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, text = team_copy(isolated, builtin_dir() / "reset.yaml")
    screen = first_screen(load_file(path))
    assert screen is not None
    remember(path, text, screen)
    assert recall(path, text + "\n# edited again\n") is None
    assert recall(isolated / "my-reset.yaml", text) is None  # its id must match the file name
    monkeypatch.setattr(headstart, "_code_stamp", lambda: "another build")
    assert recall(path, text) is None


def test_a_builtin_edited_in_place_is_not_drawn_from_the_shipped_screen(isolated: Path) -> None:
    path = builtin_dir() / "reset.yaml"
    assert recall(path, path.read_text("utf-8") + "\n# edited\n") is None


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"title": "x"}', b'{"view": 1}'])
def test_a_damaged_kept_screen_is_ignored(isolated: Path, content: bytes) -> None:
    path, text = team_copy(isolated, builtin_dir() / "reset.yaml")
    kept = cache_file(path, text)
    kept.parent.mkdir(parents=True)
    kept.write_bytes(content)
    assert recall(path, text) is None


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"format": 1, "screens": []}'])
def test_a_damaged_shipped_file_is_ignored(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    path = builtin_dir() / "reset.yaml"
    (isolated / headstart.SHIPPED_FILE).write_bytes(content)
    monkeypatch.setattr(headstart, "builtin_dir", lambda: isolated)
    assert recall(path, path.read_text("utf-8")) is None


def test_an_unusable_cache_dir_costs_nothing(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = isolated / "not-a-folder"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv("RESETKIT_CACHE_DIR", str(blocker))
    path, text = team_copy(isolated, builtin_dir() / "reset.yaml")
    screen = first_screen(load_file(path))
    assert screen is not None
    remember(path, text, screen)  # no error
    assert recall(path, text) is None


def test_only_the_newest_screens_are_kept(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headstart, "MAX_KEPT", 2)
    path = builtin_dir() / "reset.yaml"
    screen = first_screen(load_file(path))
    assert screen is not None
    for edit in range(4):
        remember(path, f"# {edit}\n", screen)
    assert len(list(cache_file(path, "").parent.glob("*.json"))) == 2
    assert recall(path, "# 3\n") == screen


class FirstAsk:
    """A person who is asked one question, then presses Ctrl-C; remembers what was asked."""

    def __init__(self) -> None:
        self.on_first_draw: Any = None
        self.asked: tuple[Any, Any] | None = None

    def ask(self, question: AnyQuestion, current: Any, today: date, asking: Any = None) -> Any:
        status = asking.status() if asking and asking.status else None
        clock = "".join(text for _, text in status) if status else None
        self.asked = (plain_question_of(question), current, clock)
        raise Interrupted()

    def pick(self, message: str, options: list[tuple[str, str]]) -> str:
        raise Interrupted()


def plain_question_of(question: Any) -> dict[str, Any]:
    if isinstance(question, AnyQuestion):
        return plain_question(question)
    fields = dict(vars(question))
    if "choices" in fields:
        fields["choices"] = [vars(choice) for choice in fields["choices"]]
    return fields


def console() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, width=100, color_system=None), screen


def test_the_kept_screen_draws_and_asks_exactly_what_the_models_would(
    builtin: Path, isolated: Path
) -> None:
    playbook = load_file(builtin)
    text = builtin.read_text("utf-8")
    started = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    session, folder = begin(playbook, builtin, text, "Acme", [], isolated / "notes", started)
    slow, slow_screen = console()
    slow_person = FirstAsk()
    with pytest.raises(SessionInterrupted):
        Run(playbook, session, folder, slow_person, slow).walk()

    screen = first_screen(playbook)
    assert screen is not None
    fast, fast_screen = console()
    fast_person = FirstAsk()
    _, answered, _ = ask_first(
        screen,
        fast_person,  # type: ignore[arg-type]
        fast,
        TODAY,
        Background(lambda: None),
    )
    assert answered is None
    assert fast_screen.getvalue() == slow_screen.getvalue()
    assert fast_person.asked == slow_person.asked


def test_background_work_starts_once_and_hands_back_its_result() -> None:
    calls: list[int] = []
    work = Background(lambda: calls.append(1) or len(calls))
    work.start()
    work.start()
    assert work.result() == 1 and calls == [1]


def test_background_work_never_started_is_done_when_its_result_is_needed() -> None:
    assert Background(lambda: "built").result() == "built"


def test_background_work_hands_its_error_to_the_caller() -> None:
    def fail() -> None:
        raise OSError("disk gone")

    work = Background(fail)
    work.start()
    with pytest.raises(OSError, match="disk gone"):
        work.result()


def test_waiting_for_background_work_lets_it_finish_whatever_its_outcome() -> None:
    finished: list[str] = []

    def fail() -> None:
        time.sleep(0.05)
        finished.append("yes")
        raise OSError("disk gone")

    work = Background(fail)
    work.wait()  # never started: nothing to wait for
    assert finished == []
    work.start()
    work.wait()
    assert finished == ["yes"]


def test_the_first_screen_is_drawn_and_checked_without_pydantic(isolated: Path) -> None:
    path = builtin_dir() / "reset.yaml"  # its first screen ships with resetkit
    script = f"""
import io, sys
from pathlib import Path
from rich.console import Console
from resetkit.question_types import check_answer
from resetkit.run.headstart import recall, stand_in
from resetkit.run.screen import draw_section
screen = recall(Path({str(path)!r}), Path({str(path)!r}).read_text("utf-8"))
draw_section(Console(file=io.StringIO()), screen.view)
check_answer(stand_in(screen.question), ["Dana"], None)
print(sorted(m for m in sys.modules if m.startswith(("pydantic", "yaml", "resetkit.format.model"))))
"""
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


ANSWERS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["yes", "no", "y", "today", "+3d", "+2w", "2026-12-01", "12,000", " 7 "]),
    st.lists(st.text(max_size=10), max_size=3),
    st.lists(
        st.fixed_dictionaries(
            {"what": st.text(max_size=10)},
            optional={
                "owner": st.sampled_from(["us", "customer", "both", "them"]),
                "due": st.sampled_from(["+7d", "2026-12-01", "soon", None]),
                "id": st.just("fixed"),
            },
        ),
        max_size=2,
    ),
)


def outcome(question: Any, value: Any) -> Any:
    try:
        checked = check_answer(question, value, TODAY)
    except AnswerError as error:
        return ("refused", str(error))
    if isinstance(checked, list) and checked and isinstance(checked[0], dict):
        return [{**item, "id": item["id"] if item["id"] == "fixed" else "new"} for item in checked]
    return checked


@given(question=st.sampled_from(EVERY_QUESTION), value=ANSWERS)
def test_a_plain_copy_checks_every_answer_as_its_model_does(question: Any, value: Any) -> None:
    copy = stand_in(json.loads(json.dumps(plain_question(question))))
    assert outcome(copy, value) == outcome(question, value)


@pytest.mark.parametrize("question", EVERY_QUESTION, ids=lambda q: q.id)
def test_a_plain_copy_has_the_same_default_as_its_model(question: Any) -> None:
    copy = stand_in(json.loads(json.dumps(plain_question(question))))
    ours, theirs = default_answer(copy, TODAY), default_answer(question, TODAY)
    if question.type == "action_items" and theirs:
        ours = [{**item, "id": ""} for item in ours]
        theirs = [{**item, "id": ""} for item in theirs]
    assert ours == theirs


@pytest.mark.parametrize("question", EVERY_QUESTION, ids=lambda q: q.id)
def test_a_plain_copy_reads_like_its_model(question: Any) -> None:
    """Every field the prompts may read, and each choice's shown text, as the model has them."""
    copy = stand_in(json.loads(json.dumps(plain_question(question))))
    for name in type(question).model_fields:
        if name in ("choices", "when", "default"):
            continue  # compared below, never read by a prompt, compared through default_answer
        assert getattr(copy, name) == getattr(question, name), name
    if hasattr(question, "choices"):
        assert [(c.value, c.label, c.shown) for c in copy.choices] == [
            (c.value, c.label, c.shown) for c in question.choices
        ]


def test_an_edit_in_any_wing_of_the_package_gives_first_screens_a_new_key() -> None:
    import os

    from resetkit.record import notes

    path, text = Path("reset.yaml"), "id: reset\n"
    before = cache_file(path, text)
    module = Path(notes.__file__)
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert cache_file(path, text) != before  # record/notes.py: a subpackage counts too
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache_file(path, text) == before
