"""The interactive flow in a real pseudo-terminal, driving the installed `resetkit`."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.pty

DOWN = "\x1b[B"
FINISH_LONG_TEXT = "\x1b\r"  # Esc then Enter submits a multi-line answer
TIMEOUT = 20


def resetkit_binary() -> str:
    script = Path(sys.executable).parent / "resetkit"
    if not script.exists():
        pytest.fail("resetkit is not installed beside this Python: pip install -e '.[test]'")
    return str(script)


@pytest.fixture
def spawn(isolated: Path):  # type: ignore[no-untyped-def]
    """Start resetkit in a pty with the test's own home and notes dir."""
    children: list[pexpect.spawn] = []
    env = {
        **os.environ,
        "HOME": str(isolated.parent / "home"),
        "RESETKIT_NOTES_DIR": str(isolated / "notes"),
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # pexpect does not answer cursor-position requests
        "COLUMNS": "120",
        "LINES": "40",
    }

    def start(*args: str) -> pexpect.spawn:
        child = pexpect.spawn(
            resetkit_binary(),
            list(args),
            env=env,
            cwd=str(isolated),
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(40, 120),
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.kill(signal.SIGKILL)


def record(isolated: Path) -> dict:  # type: ignore[type-arg]
    (path,) = (isolated / "notes").glob("*/*/session.json")
    return json.loads(path.read_text("utf-8"))


def record_once_written(isolated: Path) -> dict:  # type: ignore[type-arg]
    """The record, once it exists: a first prompt drawn from a kept screen comes before it,
    and the record follows while that question is open, before anything can be typed."""
    deadline = time.monotonic() + TIMEOUT
    while not list((isolated / "notes").glob("*/*/session.json")):
        assert time.monotonic() < deadline, "no session record while the first prompt is open"
        time.sleep(0.05)
    return record(isolated)


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def ctrl_c_at(child: pexpect.spawn, prompt: str) -> None:
    """Press Ctrl-C at a prompt; resetkit says everything is saved and exits 130."""
    child.expect_exact(prompt)
    child.send("\x03")
    child.expect_exact("interrupted: every answer so far is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def answer_opening(child: pexpect.spawn) -> None:
    answer(child, "Who will be on the call", "Dana:CTO\r")
    child.send("\r")  # an empty line ends the list
    answer(child, "How long is the call?", "\r")
    answer(
        child,
        "what gap is there",
        "They expect a CRM," + "\r" + "we sell a dialer" + FINISH_LONG_TEXT,
    )


def edited_copy_of_reset(isolated: Path) -> None:
    """A team's own copy of reset in its repository: no kept first screen yet, so its first
    start validates it before drawing anything (the built-in's first screen ships)."""
    from resetkit.places import builtin_dir

    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    text = (builtin_dir() / "reset.yaml").read_text("utf-8") + "\n# our copy\n"
    (isolated / "playbooks" / "reset.yaml").write_text(text, "utf-8")


@pytest.mark.parametrize("first_screen", ["validated-first", "kept"])
def test_a_whole_reset_conversation_writes_the_three_files(
    spawn, isolated: Path, first_screen: str
) -> None:
    if first_screen == "validated-first":
        edited_copy_of_reset(isolated)
    child = spawn("start", "reset", "--customer", "Acme Corp", "--attendee", "Dana:CTO")
    answer_opening(child)
    answer(child, "How did they react to the opener?", "Relieved\r")
    answer(child, "What did you confirm we can do", "Dialing at scale\r")
    child.send("\r")  # an empty line ends the list
    answer(child, "What did you say we cannot do?", "\r")
    answer(child, "Roadmap items", FINISH_LONG_TEXT)
    answer(child, "What do they want and expect", "Pipeline reports" + FINISH_LONG_TEXT)
    answer(child, "Questions or worries", "\r")
    answer(child, "Problems on our side", "\r")
    answer(child, "Problems on their side", "\r")
    answer(child, "The one real problem", "No reporting | none at all\r")
    answer(child, "Which case fits", DOWN + "\r")  # They worry about missing features
    answer(child, "What do they want most?", "Reports\r")
    child.send("\r")  # an empty line ends the list
    answer(child, "Details of their feature", FINISH_LONG_TEXT)
    answer(child, "How did the conversation end?", DOWN + DOWN + "\r")  # follow-up
    answer(child, "Date of the follow-up conversation", "\r")  # default: a week later
    answer(child, "What do they need before", "Budget sign-off" + FINISH_LONG_TEXT)
    answer(child, "What needs doing?", "Send the recap\r")
    answer(child, "Who owns it?", "\r")
    answer(child, "Owner's name", "Sam\r")
    answer(child, "Due", "\r")
    answer(child, "On the critical path?", "y")
    answer(child, "Done: keep", DOWN + "\r")  # Add another
    answer(child, "What needs doing?", "Approve budget\r")
    answer(child, "Who owns it?", DOWN + "\r")
    answer(child, "Owner's name", "\r")
    answer(child, "Due", "+14d\r")
    answer(child, "On the critical path?", "n")
    answer(child, "Done: keep", "\r")
    answer(child, "What now?", "\r")
    child.expect_exact("action-plan.md")
    # The command to send the copy on a line of its own, whole within 80 columns.
    child.expect_exact("Send the customer copy as an email draft:")
    child.expect(r"\r\n  (resetkit share acme-corp/\S+-reset --eml \S+\.eml)\r\n")
    assert len(child.match.group(1)) + 2 <= 80
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    saved = record(isolated)
    assert saved["status"] == "complete" and saved["outcome"] == "follow-up"
    assert saved["attendees"] == [{"name": "Dana", "role": "CTO"}]
    assert saved["answers"]["gap"] == "They expect a CRM,\nwe sell a dialer"
    assert saved["answers"]["case"] == "worried"
    assert [item["what"] for item in saved["answers"]["actions"]] == [
        "Send the recap",
        "Approve budget",
    ]
    folder = next((isolated / "notes").glob("acme-corp/*-reset"))
    kept = list((isolated.parent / "home" / ".cache" / "resetkit" / "first-screen").glob("*"))
    assert len(kept) == (1 if first_screen == "validated-first" else 0)
    notes = (folder / "notes.md").read_text("utf-8")
    assert "No reporting \\| none at all" in notes
    plan = (folder / "action-plan.md").read_text("utf-8")
    assert "| 1 | Send the recap | Us: Sam |" in plan
    assert "| 2 | Approve budget | Customer |" in plan
    assert "gap" not in (folder / "shared.md").read_text("utf-8").lower().split("---")[-1]


def test_ctrl_c_keeps_answers_and_resume_continues(spawn, isolated: Path) -> None:
    child = spawn("start", "reset", "--customer", "Acme Corp")
    answer_opening(child)
    ctrl_c_at(child, "How did they react to the opener?")
    assert "resetkit resume acme-corp/" in child.before
    kept = record(isolated)
    assert kept["status"] == "in_progress"
    assert kept["answers"]["call-length"] == "30m"
    assert "first-reaction" not in kept["answers"]

    resumed = spawn("resume")
    resumed.expect_exact("3 answers kept")
    resumed.expect_exact("How did they react to the opener?")
    resumed.send("Fine\r")
    resumed.expect_exact("What did you confirm we can do")
    resumed.kill(signal.SIGKILL)
    assert record(isolated)["answers"]["first-reaction"] == "Fine"


def test_kill_9_loses_at_most_the_answer_being_typed(spawn, isolated: Path) -> None:
    child = spawn("start", "reset", "--customer", "Acme Corp")
    answer(child, "Who will be on the call", "Dana\r")
    child.send("\r")  # an empty line ends the list
    answer(child, "How long is the call?", DOWN + "\r")
    child.expect_exact("what gap is there")
    child.send("half a thought")
    child.kill(signal.SIGKILL)
    child.wait()
    kept = record(isolated)
    assert kept["answers"] == {"attendees": ["Dana"], "call-length": "1h"}

    resumed = spawn("resume")
    resumed.expect_exact("what gap is there")
    resumed.send("whole thought" + FINISH_LONG_TEXT)
    resumed.expect_exact("How did they react to the opener?")
    resumed.kill(signal.SIGKILL)
    assert record(isolated)["answers"]["gap"] == "whole thought"


def test_start_asks_for_the_customer_when_not_given(spawn, isolated: Path) -> None:
    child = spawn("start", "risk-check")
    answer(child, "Customer name?", "Société Générale\r")
    child.expect_exact("Date of the last real conversation")
    assert record_once_written(isolated)["customer"] == "Société Générale"
    child.kill(signal.SIGKILL)


def test_answers_file_fills_what_it_has_and_the_terminal_asks_the_rest(
    spawn, isolated: Path
) -> None:
    (isolated / "partial.yaml").write_text(
        "customer: Globex\nanswers:\n  silence: silent\n  acquisition: no\n"
        "  champion-left: no\n  chronic: yes\n",
        "utf-8",
    )
    child = spawn("start", "risk-check", "--answers", "partial.yaml")
    answer(child, "Date of the last real conversation", "2026-09-02\r")
    answer(child, "Hours spent on them last month", "30\r")
    answer(child, "What they pay us per month", "\r")
    answer(child, "Is the time spent in proportion", DOWN + DOWN + "\r")
    answer(child, "What now?", "\r")
    child.expect_exact("action-plan.md")  # the last file: risk-check has no customer copy
    child.expect(pexpect.EOF)
    saved = record(isolated)
    assert saved["customer"] == "Globex"
    assert saved["answers"]["chronic"] is True and saved["answers"]["hours-last-month"] == 30
    assert saved["recommendation"]["playbook"] == "fire"


def test_follow_up_reviews_open_actions_before_the_walk(spawn, isolated: Path) -> None:
    from conftest import drive

    earlier = drive("reset", notes_dir=isolated / "notes")
    child = spawn(
        "start", "risk-check", "--customer", "Acme Corp", "--follow-up", earlier.session.id
    )
    child.expect_exact("1 open action item")
    answer(child, "What happened to it?", DOWN + "\r")  # Done (the cursor starts on open)
    answer(child, "Note (optional)", "Sent on Monday\r")
    answer(child, "Save this review?", "\r")
    child.expect_exact("Date of the last real conversation")
    child.kill(signal.SIGKILL)
    item = json.loads((earlier.folder / "session.json").read_text("utf-8"))["answers"]["actions"][0]
    assert item["status"] == "done" and item["history"][0]["note"] == "Sent on Monday"


def test_resume_of_a_damaged_record_keeps_what_it_can(spawn, isolated: Path) -> None:
    child = spawn("start", "reset", "--customer", "Acme Corp")
    answer_opening(child)
    answer(child, "How did they react to the opener?", "Calm\r")
    child.expect_exact("What did you confirm we can do")
    child.kill(signal.SIGKILL)
    (path,) = (isolated / "notes").glob("*/*/session.json")
    path.write_text(path.read_text("utf-8")[:150], "utf-8")  # truncated by something else

    resumed = spawn("resume")
    resumed.expect_exact("the session record is damaged")
    resumed.expect_exact("using the save before it")
    resumed.expect_exact("How did they react to the opener?")  # the last answer is lost
    resumed.send("Calm again\r")
    resumed.expect_exact("What did you confirm we can do")
    resumed.kill(signal.SIGKILL)
    kept = record(isolated)["answers"]
    assert kept["gap"] == "They expect a CRM,\nwe sell a dialer"
    assert kept["first-reaction"] == "Calm again"


def test_markup_in_a_customer_name_is_shown_as_typed(spawn, isolated: Path) -> None:
    child = spawn("start", "risk-check", "--customer", "[/]Acme [bold]Corp[")
    child.expect_exact("with [/]Acme [bold]Corp[")
    child.expect_exact("Date of the last real conversation")
    assert record_once_written(isolated)["customer"] == "[/]Acme [bold]Corp["
    child.kill(signal.SIGKILL)


TEAM_PLAYBOOK = """id: team-call
title: Team call
duration: 10m
sections:
  - id: main
    title: Main
    timebox: 10m
    questions:
      - id: mood
        type: choice
        prompt: How is the mood?
        choices: [good, tense]
      - id: topic
        type: text
        prompt: Main topic?
      - id: next
        type: text
        prompt: Next step?
"""


def test_resume_after_the_playbook_changed_keeps_what_still_fits(spawn, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    playbook = isolated / "playbooks" / "team-call.yaml"
    playbook.write_text(TEAM_PLAYBOOK, "utf-8")
    child = spawn("start", "team-call", "--customer", "Acme")
    answer(child, "How is the mood?", DOWN + "\r")  # tense
    answer(child, "Main topic?", "Pricing\r")
    child.expect_exact("Next step?")
    child.send("\x03")
    child.expect(pexpect.EOF)
    # The team edits the playbook: 'tense' is no longer a choice, 'topic' is gone.
    playbook.write_text(
        TEAM_PLAYBOOK.replace("[good, tense]", "[good, strained]").replace(
            "      - id: topic\n        type: text\n        prompt: Main topic?\n", ""
        ),
        "utf-8",
    )
    resumed = spawn("resume")
    resumed.expect_exact("changed since this session started")
    resumed.expect_exact("\"How is the mood?\" has no choice 'tense'")
    resumed.expect_exact('the answer "Pricing" is dropped: its question is no longer asked')
    resumed.expect_exact("How is the mood?")  # asked again: its old answer did not fit
    resumed.send("\r")
    answer(resumed, "Next step?", "Call Friday\r")
    answer(resumed, "What now?", "\r")
    resumed.expect(pexpect.EOF)
    saved = record(isolated)
    assert saved["answers"] == {"mood": "good", "next": "Call Friday"}
    assert saved["status"] == "complete"


def first_screen_text(child: pexpect.spawn, prompt: str) -> str:
    """What the terminal showed from the header to the first prompt, with the session's number
    left out (a second start asks first whether to resume the first: that is not compared,
    nor the modes the prompt of that question left the terminal in)."""
    child.expect_exact(prompt)
    shown = child.before.replace("team-call-2", "team-call")
    modes = r"\x1b\[\?[0-9;]*[hl]"
    return re.sub(modes, "", shown[shown.index("Team call") :])


def test_a_second_start_draws_its_first_screen_from_the_kept_copy(spawn, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    (isolated / "playbooks" / "team-call.yaml").write_text(TEAM_PLAYBOOK, "utf-8")
    first = spawn("start", "team-call", "--customer", "Acme")
    drawn = first_screen_text(first, "How is the mood?")
    first.send("\x03")
    first.expect(pexpect.EOF)
    (kept,) = (isolated.parent / "home" / ".cache" / "resetkit" / "first-screen").glob("*.json")

    second = spawn("start", "team-call", "--customer", "Acme")
    second.expect_exact("(in progress) exists already.")  # the first, interrupted
    second.send(DOWN + "\r")  # not resumed: a new one
    assert first_screen_text(second, "How is the mood?") == drawn
    assert "1/1 Main" in drawn and "· 10m" in drawn
    second.expect_exact("of 10:00")  # the clock in the toolbar under the prompt
    second.send(DOWN + "\r")  # tense, picked with the arrow keys
    answer(second, "Main topic?", "Pricing\r")
    ctrl_c_at(second, "Next step?")
    (saved,) = [
        json.loads(path.read_text("utf-8"))
        for path in (isolated / "notes").glob("acme/*-2/session.json")
    ]
    assert saved["answers"] == {"mood": "tense", "topic": "Pricing"}
    assert saved["section_seconds"]["main"] > 0

    # Proof that the second start drew from the kept copy, not from the playbook file.
    kept.write_text(kept.read_text("utf-8").replace("Team call", "Kept call"), "utf-8")
    third = spawn("start", "team-call", "--customer", "Acme")
    third.expect_exact("exist already.")
    third.send(DOWN + DOWN + "\r")  # past the two to resume: a new one
    third.expect_exact("Kept call")
    third.kill(signal.SIGKILL)


def resume_at_the_first_question(spawn, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    """`resume` asks the first question of reset; its answer is saved."""
    resumed = spawn("resume")
    answer(resumed, "Who will be on the call", "Dana\r")
    resumed.send("\r")  # an empty line ends the list
    resumed.expect_exact("How long is the call?")
    resumed.kill(signal.SIGKILL)
    assert record(isolated)["answers"] == {"attendees": ["Dana"]}


def test_ctrl_c_at_a_first_prompt_drawn_from_a_kept_screen_saves_the_session(
    spawn, isolated: Path
) -> None:
    child = spawn("start", "reset", "--customer", "Acme Corp")
    ctrl_c_at(child, "Who will be on the call")
    kept = record(isolated)
    assert kept["status"] == "in_progress" and kept["answers"] == {}
    assert set(kept["section_seconds"]) == {"prepare"}

    resume_at_the_first_question(spawn, isolated)


def test_kill_9_at_a_first_prompt_drawn_from_a_kept_screen_then_resume(
    spawn, isolated: Path
) -> None:
    child = spawn("start", "reset", "--customer", "Acme Corp")
    child.expect_exact("Who will be on the call")
    assert record_once_written(isolated)["status"] == "in_progress"
    child.send("Da")
    child.kill(signal.SIGKILL)
    child.wait()
    assert record(isolated)["answers"] == {}

    resume_at_the_first_question(spawn, isolated)
