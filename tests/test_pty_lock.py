"""Two terminals on one session: the lock says who holds it; taking over is a choice."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pexpect
import pytest

from test_pty import DOWN, answer, ctrl_c_at, record, record_once_written, spawn  # noqa: F401

pytestmark = pytest.mark.pty


def lock_files(isolated: Path) -> list[Path]:
    return list((isolated / "notes").glob("*/*/.lock"))


def test_a_second_terminal_is_told_who_holds_the_session_and_may_take_it_over(
    spawn,  # noqa: F811
    isolated: Path,
) -> None:
    first = spawn("start", "risk-check", "--customer", "Acme")
    answer(first, "Date of the last real conversation", "2026-09-02\r")
    first.expect_exact("How long since that conversation?")
    (lock,) = lock_files(isolated)
    assert json.loads(lock.read_text("utf-8"))["pid"] == first.pid

    declined = spawn("resume")
    declined.expect_exact("is open in another terminal")
    declined.expect_exact(f"pid {first.pid}, since ")
    answer(declined, "Take it over here?", "n")
    declined.expect_exact("nothing changed")
    declined.expect(pexpect.EOF)
    declined.close()
    assert declined.exitstatus == 0
    assert json.loads(lock.read_text("utf-8"))["pid"] == first.pid

    taking = spawn("resume")
    answer(taking, "Take it over here?", "y")
    taking.expect_exact("How long since that conversation?")
    assert json.loads(lock.read_text("utf-8"))["pid"] == taking.pid

    first.send("\r")  # the first terminal answers: it is told, and saves nothing
    first.expect_exact("was taken over in another terminal")
    first.expect_exact(f"pid {taking.pid}")
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 2
    assert "silence" not in record(isolated)["answers"]

    taking.send(DOWN + "\r")
    taking.expect_exact("Any news of an acquisition")
    assert record(isolated)["answers"]["silence"] == "quiet"  # the second choice
    taking.send("\x03")
    taking.expect(pexpect.EOF)
    assert lock_files(isolated) == []


def test_take_over_needs_no_question(spawn, isolated: Path) -> None:  # noqa: F811
    first = spawn("start", "risk-check", "--customer", "Acme")
    answer(first, "Date of the last real conversation", "2026-09-02\r")
    first.expect_exact("How long since that conversation?")
    taking = spawn("resume", "--take-over")
    taking.expect_exact("How long since that conversation?")
    assert "Take it over" not in taking.before
    taking.kill(signal.SIGKILL)


def test_a_lock_left_by_a_killed_run_is_taken_without_asking(spawn, isolated: Path) -> None:  # noqa: F811
    first = spawn("start", "risk-check", "--customer", "Acme")
    answer(first, "Date of the last real conversation", "2026-09-02\r")
    first.expect_exact("How long since that conversation?")
    first.kill(signal.SIGKILL)
    first.wait()
    assert len(lock_files(isolated)) == 1

    resumed = spawn("resume")
    resumed.expect_exact("How long since that conversation?")
    assert "another terminal" not in resumed.before
    resumed.kill(signal.SIGKILL)


def test_ctrl_c_and_the_end_of_a_run_remove_the_lock(spawn, isolated: Path) -> None:  # noqa: F811
    interrupted = spawn("start", "reset", "--customer", "Acme Corp")
    ctrl_c_at(interrupted, "Who will be on the call")
    assert record(isolated)["status"] == "in_progress"
    assert lock_files(isolated) == []
