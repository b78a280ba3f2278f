"""Typed answers in a real terminal: what a prompt refuses, and why it says so."""

from __future__ import annotations

import signal
from pathlib import Path

import pexpect
import pytest

from test_pty import answer, record, record_once_written, spawn  # noqa: F401  (a fixture)

pytestmark = pytest.mark.pty

BACKSPACE = "\x7f"


def test_a_number_prompt_refuses_infinity(spawn, isolated: Path) -> None:  # noqa: F811
    (isolated / "partial.yaml").write_text(
        "customer: Globex\nanswers:\n  last-contact: 2026-09-02\n  silence: silent\n"
        "  acquisition: no\n  champion-left: no\n  chronic: no\n",
        "utf-8",
    )
    child = spawn("start", "risk-check", "--answers", "partial.yaml")
    answer(child, "Hours spent on them last month", "inf\r")
    child.expect_exact("takes a finite number")
    child.send(BACKSPACE * 3 + "1e309\r")  # refused the same way: the message stays
    child.send(BACKSPACE * 5 + "12\r")
    child.expect_exact("What they pay us per month")
    assert record_once_written(isolated)["answers"]["hours-last-month"] == 12
    child.kill(signal.SIGKILL)
    assert pexpect  # the module drives the children spawned above


def test_a_required_answer_left_empty_is_named_by_its_prompt(spawn, isolated: Path) -> None:  # noqa: F811
    (isolated / "partial.yaml").write_text(
        "customer: Acme\nanswers:\n  attendees: [Dana]\n  call-length: 30m\n  gap: A CRM\n"
        "  first-reaction: Calm\n"
        "  can-do: [Dialing]\n  cannot-do: [CRM]\n  roadmap: None\n  expectations: Reports\n"
        "  concerns: []\n  problems-ours: []\n  problems-theirs: []\n",
        "utf-8",
    )
    child = spawn("start", "reset", "--answers", "partial.yaml")
    answer(child, "The one real problem", "\r")
    child.expect_exact('"The one real problem you both agree on" is required')
    child.kill(signal.SIGKILL)


def test_a_blank_customer_name_is_refused_with_the_reason(spawn, isolated: Path) -> None:  # noqa: F811
    child = spawn("start", "risk-check")
    answer(child, "Customer name?", "   \r")
    child.expect_exact("a blank name is refused: type the customer's name")
    child.send("Globex\r")
    child.expect_exact("Date of the last real conversation")
    assert record_once_written(isolated)["customer"] == "Globex"
    child.kill(signal.SIGKILL)


def test_a_terminal_asks_before_following_up_another_customer(spawn, isolated: Path) -> None:  # noqa: F811
    from conftest import drive

    earlier = drive("reset", notes_dir=isolated / "notes", customer="Globex")
    child = spawn("start", "risk-check", "--customer", "Acme", "--follow-up", earlier.session.id)
    child.expect_exact("was held with 'Globex', not 'Acme'")
    answer(child, "Follow it up anyway?", "n")
    child.expect_exact("nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [path.name for path in (isolated / "notes").iterdir()] == ["globex"]


def test_a_complete_answers_file_in_a_terminal_is_reviewed_before_saving(
    spawn,  # noqa: F811
    isolated: Path,
) -> None:
    (isolated / "full.yaml").write_text(
        "customer: Globex\nanswers:\n  last-contact: 2026-09-02\n  silence: silent\n"
        "  acquisition: no\n  champion-left: no\n  chronic: no\n  hours-last-month: 12\n"
        "  monthly-value: 2400\n  cost-vs-value: fair\n",
        "utf-8",
    )
    child = spawn("start", "risk-check", "--answers", "full.yaml")
    child.expect_exact("8 answers taken from full.yaml")
    child.expect_exact("Review")
    answer(child, "What now?", "\r")  # save
    child.expect_exact("action-plan.md")  # risk-check is internal: no customer copy
    child.expect(pexpect.EOF)
    assert "⏱" not in child.before  # no bare status line for questions nobody was asked
    saved = record(isolated)
    assert saved["status"] == "complete" and saved["answers"]["monthly-value"] == 2400


def test_a_partial_answers_file_prints_no_status_line_for_what_it_answers(
    spawn,  # noqa: F811
    isolated: Path,
) -> None:
    (isolated / "partial.yaml").write_text(
        "customer: Globex\nanswers:\n  last-contact: 2026-09-02\n  silence: silent\n"
        "  acquisition: no\n  champion-left: no\n  chronic: no\n",
        "utf-8",
    )
    child = spawn("start", "risk-check", "--answers", "partial.yaml")
    child.expect_exact("5 answers taken from partial.yaml")
    child.expect_exact("Hours spent on them last month")
    assert "⏱" not in child.before  # the clock shows in the toolbar of the first question asked
    child.expect_exact("⏱ section")
    child.kill(signal.SIGKILL)
