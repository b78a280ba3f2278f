"""What a person reads in an 80x24 terminal while running a playbook: every question and
everything typed is on the screen, at 60x20 too, after a resize, and going back works."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from screen import BACK, CTRL_B, DOWN, FINISH, Terminal, environment, flat

pytestmark = pytest.mark.pty

BUILT_INS = ["reset", "recovery", "fire", "postmortem", "risk-check"]
SUB_PROMPTS = ("What needs doing?", "Who owns it?", "Owner's name", "Due", "On the critical path?")


@pytest.fixture
def terminal(isolated: Path) -> Iterator[Callable[..., Terminal]]:
    """Start resetkit in a pty read through a VT100 screen (80x24 unless asked otherwise)."""
    started: list[Terminal] = []

    def start(*args: str, rows: int = 24, columns: int = 80) -> Terminal:
        term = Terminal(list(args), isolated, environment(isolated), rows, columns)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()


def records(isolated: Path) -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text("utf-8"))
        for path in sorted((isolated / "notes").glob("*/*/session.json"))
    ]


def prompt_drawn(term: Terminal) -> bool:
    """Whether the open prompt is drawn down to its keys: every prompt's toolbar names what
    Enter does, on a line of its own that starts with one space (the answers of prompts done
    start with two), and it is the last thing drawn."""
    return any(
        line.startswith(" ") and not line.startswith("  ") and "Enter" in line
        for line in term.prompt_block()
    )


def next_prompt(term: Terminal, before: str) -> None:
    """Wait until a prompt other than the one whose first line was `before` is drawn."""
    term.wait_until(
        lambda t: bool(t.prompt_block()) and t.prompt_block()[0] != before and prompt_drawn(t),
        f"a prompt after {before!r}",
    )


def open_head(term: Terminal) -> str:
    """The first line of the prompt open now."""
    block = term.prompt_block()
    return block[0] if block else ""


def open_question(term: Terminal, prompts: dict[str, Any]) -> tuple[str, Any]:
    """The prompt open now: ('question', the question), ('pass', None), ('review', None) or
    ('item', sub-prompt) / ('items', question) inside an action-items question."""
    head = flat(" ".join(term.prompt_block()))
    if head.startswith("? What now?"):
        return "review", None
    if "read it out, then go on" in head:
        return "pass", None
    for sub in SUB_PROMPTS:
        if head.startswith(f"? {sub}"):
            return "item", sub
    matches = [text for text in prompts if head.startswith(f"? {text}")]
    assert matches, f"no question of the playbook is open on the screen:\n{term.text()}"
    question = prompts[max(matches, key=len)]
    if question.type == "action_items" and "Done: keep" in head:
        return "items", question
    return "question", question


def wanted_values(playbook: Any, unseen: set[str]) -> dict[str, list[Any]]:
    """For each question, the values that conditions of questions not yet asked test for."""
    wanted: dict[str, list[Any]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "question" in node:
                values = [node["equals"]] if "equals" in node else node.get("one_of") or []
                wanted.setdefault(node["question"], []).extend(values)
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    for section, question in playbook.questions():
        if question.id in unseen:
            for condition in (section.when, question.when):
                if condition is not None:
                    visit(condition.model_dump(by_alias=True, exclude_none=True))
    return wanted


def answer_by_type(term: Terminal, question: Any, variant: int, wanted: list[Any]) -> None:
    """Answer as a person would, checking that what is typed shows, in order."""
    kind = question.type
    typed = ""
    if kind == "text":
        typed = f"text for {question.id}"
    elif kind == "long_text":
        typed = f"A long answer for {question.id}, typed while talking: " + "word " * 30
        typed = typed.strip()
    elif kind == "list":
        typed = f"item for {question.id}"
    elif kind == "number":
        typed = str(int(question.min) if question.min is not None else 3)
    elif kind == "date":
        typed = "-14d" if getattr(question, "past", False) else "+14d"
    if typed:
        term.send(typed)
        term.wait_for_field(typed)
        term.send({"long_text": FINISH, "list": "\r\r"}.get(kind, "\r"))
        return
    # Each run takes other branches: a value that an unasked question waits for, else the
    # variant mixed with the question's own id.
    mixed = variant + sum(map(ord, question.id))
    if kind == "yes_no":
        yes = wanted[variant % len(wanted)] if wanted else mixed % 2 == 0
        term.send("y" if yes is True else "n")
    elif kind == "choice":
        values = [choice.value for choice in question.choices]
        pick = [v for v in wanted if v in values]
        index = values.index(pick[variant % len(pick)]) if pick else mixed % len(values)
        term.send(DOWN * index + "\r")
    elif kind == "multi_choice":
        term.send((" " + DOWN) * len(question.choices) + "\r")  # tick every one
    else:  # action_items: first field opens
        raise AssertionError(f"unexpected question type {kind}")


def walk(term: Terminal, playbook: Any, variant: int, seen: set[str]) -> None:
    """Answer every prompt the run shows until the review, then save."""
    prompts = {flat(q.prompt): q for _, q in playbook.questions()}
    term.wait_until(prompt_drawn, "the first prompt")
    for _ in range(400):
        before = open_head(term)
        kind, what = open_question(term, prompts)
        if kind == "review":
            term.send("\r")
            return
        if kind == "pass":
            term.send("\r")
        elif kind == "items":
            seen.add(what.id)
            term.send("\r")  # Done: keep the items
        elif kind == "item":
            term.send(
                {"What needs doing?": "Send the plan\r", "On the critical path?": "n"}.get(
                    what, "\r"
                )
            )
        else:
            seen.add(what.id)
            if what.type == "action_items":
                term.send("\r")  # a default item list opens on its menu; else 'What' opens
            else:
                unseen = {q.id for _, q in playbook.questions()} - seen
                wanted = wanted_values(playbook, unseen).get(what.id, [])
                answer_by_type(term, what, variant, wanted)
        next_prompt(term, before)
    raise AssertionError("the walk never reached the review")


@pytest.mark.parametrize("playbook_id", BUILT_INS)
def test_every_question_of_a_built_in_is_readable_at_80x24(
    terminal: Callable[..., Terminal], isolated: Path, playbook_id: str
) -> None:
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    wanted = {q.id for _, q in playbook.questions()}
    seen: set[str] = set()
    for variant in range(10):
        term = terminal("start", playbook_id, "--customer", f"Acme {variant}", "--new-customer")
        walk(term, playbook, variant, seen)
        assert term.wait_for_exit() == 0, term.text()
        if seen >= wanted:
            break
    assert wanted - seen == set(), f"never asked: {sorted(wanted - seen)}"
    assert all(r["status"] == "complete" for r in records(isolated))


def test_a_long_question_and_a_long_answer_read_whole_at_60x20(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = terminal("start", "fire", "--customer", "Acme", rows=20, columns=60)
    term.wait_for("What were they hoping to achieve with us?")
    answer = " ".join(f"word{number}" for number in range(120))
    term.type_slowly(answer)
    assert flat(term.field_text()) == flat(answer)
    assert "What were they hoping to achieve with us?" in flat(term.text())
    assert all(len(line) <= 60 for line in term.lines())


def test_the_question_stays_readable_after_the_window_is_resized(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = terminal("start", "reset", "--customer", "Acme")
    term.wait_for("Who will be on the call")
    term.send("Dana Scully, CTO\r")
    term.send("\r")
    term.wait_for("How long is the call?")
    term.send("\r")
    term.wait_for("what gap is there")
    term.send("They expect a CRM with pipeline reports and")
    term.wait_for_field("They expect a CRM with pipeline reports and")
    term.resize(24, 60)
    term.send(" forecasting")
    term.wait_for_field("They expect a CRM with pipeline reports and forecasting")
    prompt = flat(" ".join(term.prompt_block()))
    assert "what gap is there" in prompt
    assert flat(term.field_text()) == "They expect a CRM with pipeline reports and forecasting"
    term.resize(30, 100)
    # Its keys fit on one line only at this width: the prompt was drawn again.
    term.wait_for("Enter: new line · Esc Enter or Ctrl-S: done · :e or Ctrl-X Ctrl-E: editor")
    assert "what gap is there" in flat(" ".join(term.prompt_block()))
    assert flat(term.field_text()) == "They expect a CRM with pipeline reports and forecasting"


def test_going_back_across_a_section_shows_the_answer_and_goes_forward_again(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = terminal("start", "risk-check", "--customer", "Globex")
    term.wait_for("Date of the last real conversation with them")
    term.send("2026-09-02\r")
    term.wait_for("How long since that conversation?")
    term.send("\r")  # the first choice
    term.wait_for("Any news of an acquisition or merger?")
    term.send(BACK)
    term.wait_for("How long since that conversation?")
    term.send(CTRL_B)  # Ctrl-B goes back as well
    term.wait_for("Enter alone: 2026-09-02")  # the earlier answer is what Enter keeps
    term.send("2026-10-01\r")
    term.wait_for("How long since that conversation?")
    term.send("\r")
    term.wait_for("Any news of an acquisition or merger?")
    term.send("n")
    term.wait_for("Has our champion left or changed roles?")
    term.send("\x03")
    assert term.wait_for_exit() == 130
    (record,) = records(isolated)
    assert record["answers"]["last-contact"] == "2026-10-01"
    assert record["answers"]["acquisition"] is False


def test_items_typed_into_a_list_survive_ctrl_c_and_come_back_on_resume(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = terminal("start", "reset", "--customer", "Acme")
    term.wait_for("Who will be on the call")
    term.send("Dana Scully, CTO\r")
    term.send("Fox Mulder, buyer\r")
    # The second item is kept when Enter takes it, before the new line is drawn under it.
    term.wait_until(
        lambda t: (
            "• Fox Mulder, buyer" in t.lines()
            and t.lines()[t.lines().index("• Fox Mulder, buyer") + 1] == "•"
        ),
        "an empty item under the second",
    )
    term.send("\x03")
    assert term.wait_for_exit() == 130
    (record,) = records(isolated)
    assert record["drafts"]["attendees"] == ["Dana Scully, CTO", "Fox Mulder, buyer"]
    again = terminal("resume")
    again.wait_for("Who will be on the call")
    assert "Dana Scully, CTO" in again.text() and "Fox Mulder, buyer" in again.text()


TEAM_PLAYBOOK = """id: team-review
title: Team review
duration: 10m
sections:
  - id: main
    title: Main
    timebox: 10m
    questions:
      - id: topics
        type: multi_choice
        prompt: Which topics came up?
        required: true
        choices: [pricing, support, roadmap]
      - id: summary
        type: long_text
        prompt: Summary of the call
        help: Two or three sentences for the notes.
      - id: next
        type: action_items
        prompt: Next steps
"""


def team_playbook(isolated: Path) -> None:
    (isolated / ".git").mkdir(exist_ok=True)
    (isolated / "playbooks").mkdir(exist_ok=True)
    (isolated / "playbooks" / "team-review.yaml").write_text(TEAM_PLAYBOOK, "utf-8")


def add_item(term: Terminal, what: str, owner_downs: int = 0) -> None:
    term.wait_for_prompt("What needs doing?")
    term.send(what + "\r")
    term.wait_for_prompt("Who owns it?")
    term.send(DOWN * owner_downs + "\r")
    term.wait_for_prompt("Owner's name")
    term.send("\r")
    term.wait_for_prompt("Due")
    term.send("+14d\r")
    term.wait_for_prompt("On the critical path?")
    term.send("n")


def first_item_entered(terminal: Callable[..., Terminal], isolated: Path) -> Terminal:
    """A team review up to its action items, with one item entered."""
    team_playbook(isolated)
    term = terminal("start", "team-review", "--customer", "Acme")
    term.wait_for_prompt("Which topics came up?")
    term.send(" \r")
    term.wait_for_prompt("Summary of the call")
    term.send("Short call." + FINISH)
    add_item(term, "Send the price sheet")
    term.wait_for_prompt("Done: keep 1 item")
    return term


def test_a_required_multiple_choice_left_empty_says_so_and_waits(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    team_playbook(isolated)
    term = terminal("start", "team-review", "--customer", "Acme")
    term.wait_for_prompt("Which topics came up?")
    term.send("\r")  # nothing ticked
    term.wait_for_prompt("is required")
    assert term.child.isalive()
    term.send(DOWN + " \r")  # support
    term.wait_for_prompt("Summary of the call")
    assert "Two or three sentences for the notes." in flat(term.text())  # help shows
    term.send("\x03")
    assert term.wait_for_exit() == 130
    (record,) = records(isolated)
    assert record["answers"]["topics"] == ["support"]


def test_the_review_can_change_remove_and_reorder_action_items(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = first_item_entered(terminal, isolated)
    term.send(DOWN + "\r")  # Add another
    add_item(term, "Book the training", owner_downs=1)
    term.wait_for_prompt("Done: keep 2 items")
    term.send(DOWN + DOWN + DOWN + "\r")  # Change 2.
    term.wait_for_prompt("Move it up")
    term.send(DOWN + DOWN + "\r")  # Change it, Remove it, Move it up
    term.wait_for_prompt("Done: keep 2 items")
    term.send("\r")
    term.wait_for_prompt("What now?")
    term.send(DOWN + "\r")  # Change an answer
    term.wait_for_prompt("Which answer?")
    term.send(DOWN + DOWN + "\r")  # Next steps
    term.wait_for_prompt("Done: keep 2 items")
    assert "Item 1: Book the training" in flat(term.text())
    term.send(DOWN + DOWN + DOWN + "\r")  # Change 2. Send the price sheet
    term.wait_for_prompt("Remove it")
    term.send(DOWN + "\r")
    term.wait_for_prompt("Done: keep 1 item")
    term.send(DOWN + DOWN + "\r")  # Change 1. Book the training
    term.wait_for_prompt("Change it")
    term.send("\r")
    term.wait_for_prompt("What needs doing?")
    assert "Book the training" in flat(term.field_text())
    term.send(" for three people\r\r\r\r")  # what, owner, name, due kept
    term.wait_for_prompt("On the critical path?")
    term.send("y")
    term.wait_for_prompt("Done: keep 1 item")
    term.send("\r")
    term.wait_for_prompt("What now?")
    term.send("\r")  # save
    assert term.wait_for_exit() == 0
    (record,) = records(isolated)
    (item,) = record["answers"]["next"]
    assert item["what"] == "Book the training for three people"
    assert item["owner"] == "customer" and item["critical_path"] is True


def editor_script(isolated: Path) -> Path:
    script = isolated / "fake-editor"
    script.write_text(
        "#!/bin/sh\nprintf 'Written in the editor\\nsecond line\\n' > \"$1\"\n", "utf-8"
    )
    script.chmod(0o755)
    return script


def test_colon_e_opens_the_editor_and_its_text_comes_back_to_check(isolated: Path) -> None:
    team_playbook(isolated)
    term = Terminal(
        ["start", "team-review", "--customer", "Acme"],
        isolated,
        {**environment(isolated), "EDITOR": str(editor_script(isolated))},
    )
    try:
        term.wait_for("Which topics came up?")
        term.send(" \r")
        term.wait_for("Summary of the call")
        term.send(":e\r")
        term.wait_for("Written in the editor")
        assert flat(term.field_text()) == "Written in the editor second line"
        term.send(FINISH)
        term.wait_for("What needs doing?")
        assert "Written in the editor (and 1 more line)" in flat(term.text())
        term.send("\x03")
        assert term.wait_for_exit() == 130
    finally:
        term.close()
    (record,) = records(isolated)
    assert record["answers"]["summary"] == "Written in the editor\nsecond line"


def test_colon_e_without_any_editor_says_so_and_saves_nothing(isolated: Path) -> None:
    team_playbook(isolated)
    bare = isolated / "bin"
    bare.mkdir()
    env = {**environment(isolated), "PATH": str(bare)}  # no editor anywhere on it
    term = Terminal(["start", "team-review", "--customer", "Acme"], isolated, env)
    try:
        term.wait_for("Which topics came up?")
        term.send(" \r")
        term.wait_for("Summary of the call")
        term.send(":e\r")
        term.wait_for("no editor found")
        assert ":e" not in flat(term.field_text())
        term.send("Typed instead" + FINISH)
        term.wait_for("What needs doing?")
        term.send("\x03")
        assert term.wait_for_exit() == 130
    finally:
        term.close()
    (record,) = records(isolated)
    assert record["answers"]["summary"] == "Typed instead"


def test_an_action_item_entered_survives_ctrl_c_at_the_item_list_and_resume_offers_it(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = first_item_entered(terminal, isolated)
    term.send("\x03")
    assert term.wait_for_exit() == 130
    (record,) = records(isolated)
    assert [item["what"] for item in record["drafts"]["next"]] == ["Send the price sheet"]
    again = terminal("resume")
    again.wait_for("Done: keep 1 item")
    assert "Item 1: Send the price sheet" in flat(again.text())


def test_kill_9_in_the_middle_of_a_list_keeps_the_items_entered(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = terminal("start", "reset", "--customer", "Acme")
    term.wait_for("Who will be on the call")
    term.send("Dana Scully:CTO\r")
    term.send("Fox Mulder:buyer\r")
    # The record is written a fraction of a second after the first question shows (README,
    # "The first screen comes up quickly"); until then the items are only in memory.
    term.wait_until(lambda _: bool(records(isolated)), "the session record")
    term.send("Walter Sk")  # typing the third when the window dies
    term.wait_for_field("Walter Sk")
    term.child.kill(9)
    term.wait_for_exit()
    (record,) = records(isolated)
    assert record["drafts"]["attendees"] == ["Dana Scully:CTO", "Fox Mulder:buyer"]


def test_an_item_moved_up_keeps_the_cursor_on_it_and_an_empty_line_ends_the_list(
    terminal: Callable[..., Terminal], isolated: Path
) -> None:
    term = terminal("start", "reset", "--customer", "Acme")
    term.wait_for("Who will be on the call")
    term.send("Fox Mulder\rDana Scully")
    term.wait_for_field("Dana Scully")
    term.send("\x1b\x1b[A")  # Alt-Up: Dana goes first
    term.wait_until(
        lambda t: (
            t.lines().index("• Dana Scully") < t.lines().index("• Fox Mulder")
            if "• Dana Scully" in t.lines() and "• Fox Mulder" in t.lines()
            else False
        ),
        "Dana Scully moved above Fox Mulder",
    )
    term.send(":CTO\r\r")  # typing goes on at the end of the moved item; then done
    term.wait_for("How long is the call?")
    term.send("\x03")
    assert term.wait_for_exit() == 130
    (record,) = records(isolated)
    assert record["answers"]["attendees"] == ["Dana Scully:CTO", "Fox Mulder"]


@pytest.mark.parametrize("columns", [80, 60])
def test_a_session_whose_id_is_longer_than_the_terminal_is_shown_by_a_shorter_one(
    isolated: Path, columns: int
) -> None:
    from conftest import drive

    customer = "The Very Long International Customer Holdings Corporation Limited"
    long = drive("risk-check", notes_dir=isolated / "notes", customer=customer).session
    short = drive("reset", notes_dir=isolated / "notes", customer="Initech").session
    term = Terminal(["sessions"], isolated, environment(isolated), 24, columns)
    try:
        assert term.wait_for_exit() == 0
    finally:
        term.close()
    rows = "".join(term.screen.display)  # a line the terminal wrapped reads on across rows
    # Each id in the shortest form commands take (the customers start with other letters).
    assert len(long.id) > columns and f"t/{long.id.partition('/')[2]} " in rows, term.text()
    assert f"i/{short.id.partition('/')[2]} " in rows


def test_plain_mode_says_the_notes_without_their_markdown_marks(isolated: Path) -> None:
    """What a screen reader reads after a plain run: the words of the notes, no `**`, no
    backslash escapes, no backticks, no table pipes; every word of the text is still there."""
    from conftest import drive
    from resetkit.run.screen import spoken

    ran = drive("reset", notes_dir=isolated / "notes")
    notes = (ran.folder / "notes.md").read_text("utf-8").split("---\n", 2)[-1]
    said = spoken(notes)
    for mark in ("**", "\\", "`", "|", " · "):
        assert mark not in said, mark
    assert not [line for line in said.splitlines() if line.startswith("# ")]  # no heading mark
    title = next(line for line in notes.splitlines() if line.strip())
    assert said.splitlines()[0] == title.lstrip("# ").replace(" · ", ", ")
    words = {word.strip("*`\\|#:;,.()") for word in notes.split()} - {""}
    heard = {word.strip("*`\\|#:;,.()") for word in said.split()}
    lost = {word for word in words - heard if word.strip("-:|·")}  # table rules, bullets
    assert lost == set()
