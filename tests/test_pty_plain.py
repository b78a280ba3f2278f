"""The plain mode in a real terminal: every built-in walked line by line, nothing redrawn, and
the same record as a scripted run with the same answers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

import pexpect
import pytest

from conftest import TODAY, synthetic_answer
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.question_types import check_answer
from resetkit.run.walk import next_step
from screen import resetkit_binary

pytestmark = pytest.mark.pty

TIMEOUT = 20
BUILT_INS = ["reset", "fire", "postmortem", "recovery", "risk-check"]
# What moves the cursor or erases: CSI A/B/C/D (up, down, right, left), H (to a place), J and K
# (erase the screen, a line); and hiding the cursor, which a redrawing prompt does first.
REDRAWS = re.compile(rb"\x1b\[[0-9;?]*[ABCDHJK]|\x1b\[\?25l")
# Fields a record holds that depend on when and where it was made, not on the answers.
CIRCUMSTANCES = {
    "id",
    "started_at",
    "ended_at",
    "section_seconds",
    "meeting_seconds",
    "scripted",  # how it was run, not what was said
    "written",
    "written_before",
}


def environment(work: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL", "RESETKIT_PLAIN")}
    return env | {
        "HOME": str(work.parent / "home"),
        "XDG_CACHE_HOME": str(work.parent / "home" / ".cache"),
        "XDG_DATA_HOME": str(work.parent / "home" / ".local" / "share"),
        "RESETKIT_NOTES_DIR": str(work / "notes"),
        "TERM": "xterm-256color",
        **more,
    }


def spawn(work: Path, args: list[str], **env: str) -> pexpect.spawn:
    return pexpect.spawn(
        resetkit_binary(),
        args,
        env=environment(work, **env),
        cwd=str(work),
        timeout=TIMEOUT,
        dimensions=(24, 80),
    )


def typed_lines(question: Any, value: Any) -> list[str]:
    """The lines a person types in plain mode to give `value` (a synthetic answer)."""
    kind = question.type
    if kind == "long_text":
        return [*str(value).split("\n"), "."]
    if kind == "yes_no":
        return ["y" if value else "n"]
    if kind == "choice":
        values = [choice.value for choice in question.choices]
        return [str(values.index(value) + 1)]
    if kind == "multi_choice":
        values = [choice.value for choice in question.choices]
        return [",".join(str(values.index(v) + 1) for v in value)]
    if kind == "list":
        return [*value, ""]
    if kind == "action_items":
        lines: list[str] = []
        for item in value:
            critical = "y" if item["critical_path"] else "n"
            lines += [item["what"], item["owner"], item["owner_name"], item["due"], critical]
            lines += ["1"]  # Done: keep them
        return lines
    return [str(value)]


def plain_walk(playbook_id: str) -> tuple[list[tuple[str, list[str]]], dict[str, Any]]:
    """Each prompt of a whole walk with synthetic answers, as (its text, the lines typed), and
    the answers file that gives the same answers."""
    playbook = load_file(builtin_dir() / f"{playbook_id}.yaml")
    answers: dict[str, Any] = {}
    given: dict[str, Any] = {}
    passed: list[str] = []
    script: list[tuple[str, list[str]]] = []
    while (step := next_step(playbook, answers, passed)) is not None:
        section, question = step
        if question is None:
            passed.append(section.id)
            script.append((f"? {section.title}: read it out", [""]))
            continue
        value = synthetic_answer(question)
        given[question.id] = value
        answers[question.id] = check_answer(question, value, TODAY)
        # An action item is asked field by field, from "What needs doing?".
        shown = "What needs doing?" if question.type == "action_items" else question.prompt
        script.append((f"? {shown}", typed_lines(question, value)))
    script.append(("? What now?", ["1"]))  # save and write the notes
    return script, {"customer": "Acme Corp", "answers": given}


def comparable(record_path: Path) -> dict[str, Any]:
    record = json.loads(record_path.read_text("utf-8"))
    for item in [i for v in record["answers"].values() if isinstance(v, list) for i in v]:
        if isinstance(item, dict):
            item.pop("id", None)
    return {key: value for key, value in record.items() if key not in CIRCUMSTANCES}


@pytest.mark.parametrize(
    ("playbook_id", "team_copy"), [*((p, False) for p in BUILT_INS), ("risk-check", True)]
)
def test_a_plain_walk_redraws_nothing_and_keeps_the_scripted_record(
    isolated: Path, playbook_id: str, team_copy: bool
) -> None:
    if team_copy:  # a team's edited copy: validated before its first screen, not recalled
        (isolated / ".git").mkdir()
        (isolated / "playbooks").mkdir()
        text = (builtin_dir() / f"{playbook_id}.yaml").read_text("utf-8") + "\n# our copy\n"
        (isolated / "playbooks" / f"{playbook_id}.yaml").write_text(text, "utf-8")
    script, sheet = plain_walk(playbook_id)
    child = spawn(isolated, ["start", playbook_id, "--plain", "--customer", "Acme Corp"])
    transcript = b""
    for prompt, lines in script:
        child.expect_exact(prompt.encode("utf-8"))
        transcript += child.before + child.after
        for line in lines:
            child.send((line + "\r").encode("utf-8"))
    child.expect(pexpect.EOF)
    transcript += child.before
    child.close()
    assert child.exitstatus == 0, transcript.decode("utf-8", "replace")[-2000:]
    assert REDRAWS.findall(transcript) == []
    assert b"\xe2\x94" not in transcript and b"\xe2\x95" not in transcript  # box drawing
    assert b"Notes:" in transcript
    # Words a screen reader says well: no symbol read out as its name, nothing said twice.
    spoken = transcript.split(b"Notes:")[0].decode("utf-8")
    read_out = [c for c in "›·⏱⚑" if c in spoken]
    assert read_out == [], [spoken[max(0, spoken.index(c) - 150) :][:200] for c in read_out]
    assert "before the call, before the call" not in spoken.lower()

    (isolated / "answers.json").write_text(json.dumps(sheet), "utf-8")
    scripted = subprocess.run(
        [resetkit_binary(), "start", playbook_id, "--answers", "answers.json", "--no-input"],
        env=environment(isolated, RESETKIT_NOTES_DIR=str(isolated / "scripted")),
        cwd=isolated,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "complete" in scripted.stderr
    (plain_record,) = (isolated / "notes").glob("*/*/session.json")
    (scripted_record,) = (isolated / "scripted").glob("*/*/session.json")
    assert comparable(plain_record) == comparable(scripted_record)


def test_plain_mode_goes_back_with_a_typed_lt_and_says_the_time(isolated: Path) -> None:
    child = spawn(isolated, ["start", "risk-check", "--customer", "Globex"], RESETKIT_PLAIN="1")
    child.expect_exact(b"Time: section 0:00 of 3:00")  # said as the section starts
    child.expect_exact(b"? Date of the last real conversation")
    child.send(b"today\r")
    child.expect_exact(b"? How long since that conversation?")
    child.send(b"time\r")
    child.expect_exact(b"Time: section")
    child.send(b"<\r")
    child.expect_exact(b"? Date of the last real conversation")
    child.expect_exact(b"Enter alone: ")  # the earlier answer, kept
    child.send(b"\r")
    child.expect_exact(b"? How long since that conversation?")
    child.send(b"Over three months\r")  # a label is as good as its number
    child.expect_exact(b"Answer: Over three months")
    child.kill(signal.SIGKILL)


def test_term_dumb_chooses_plain_mode_and_ctrl_d_keeps_the_answers(isolated: Path) -> None:
    child = spawn(isolated, ["start", "risk-check", "--customer", "Globex"], TERM="dumb")
    child.expect_exact(b"? Date of the last real conversation")
    child.send(b"today\r")
    child.expect_exact(b"? How long since that conversation?")
    child.sendeof()
    child.expect_exact(b"interrupted: every answer so far is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (record,) = (isolated / "notes").glob("*/*/session.json")
    assert json.loads(record.read_text("utf-8"))["answers"]["last-contact"] == str(TODAY)

    resumed = spawn(isolated, ["resume"], TERM="dumb")
    resumed.expect_exact(b"1 answer kept")
    resumed.expect_exact(b"? How long since that conversation?")
    resumed.send(b"1\r")
    resumed.expect_exact(b"Answer: Under a month")
    resumed.expect_exact(b"? Any news of an acquisition")
    resumed.kill(signal.SIGKILL)
    assert REDRAWS.findall(resumed.before) == []


def test_the_full_prompts_do_redraw_so_the_check_above_can_fail(isolated: Path) -> None:
    child = spawn(isolated, ["start", "risk-check", "--customer", "Globex"])
    child.expect_exact(b"Date of the last real conversation")
    child.expect(REDRAWS)
    child.kill(signal.SIGKILL)


# An SGR sequence's parameters; a colour is 30-38, 40-48, 90-97 or 100-107 among them.
SGR = re.compile(rb"\x1b\[([0-9;]*)m")
COLOURS = re.compile(r"^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$")


def colours(transcript: bytes) -> list[str]:
    params = [p for found in SGR.findall(transcript) for p in found.decode().split(";")]
    return [p for p in params if COLOURS.match(p)]


@pytest.mark.parametrize("no_color", ["1", ""])
def test_no_color_leaves_the_full_prompts_without_colour(isolated: Path, no_color: str) -> None:
    child = spawn(isolated, ["start", "risk-check", "--customer", "Globex"], NO_COLOR=no_color)
    child.expect_exact(b"Date of the last real conversation")
    child.expect_exact(b"Enter: done")
    seen = child.before + child.after
    child.kill(signal.SIGKILL)
    assert bool(colours(seen)) == (not no_color)


def test_force_color_reaches_rich_and_the_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    from prompt_toolkit.output.color_depth import ColorDepth

    from resetkit.cli.output import make_console

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("PROMPT_TOOLKIT_COLOR_DEPTH", raising=False)
    console = make_console()
    assert console.color_system is not None
    assert ColorDepth.from_env() == ColorDepth.DEPTH_8_BIT
