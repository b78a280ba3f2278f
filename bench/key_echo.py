"""How fast a key echoes while a person types a long answer, against a plain prompt_toolkit prompt.

Run: .venv/bin/python bench/key_echo.py [--keys N] [--length 5000]

Target: a key echoes within one frame (16 ms) at the 95th percentile in a 5,000-character
answer while the clock in the toolbar redraws every second, and within 1.2x of the floor: a
plain multi-line `prompt_toolkit.prompt` holding the same text, started in the same run. Both
run in an 80x24 pty; each key is sent once the one before has echoed, as a typist would.
Needs pexpect (installed with [test]).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

from startup import resetkit_command

PLAYBOOK = """id: long-answer
title: Long answer
duration: 10m
sections:
  - id: main
    title: Main
    timebox: 10m
    questions:
      - id: notes
        type: long_text
        prompt: What did they say about the last quarter, in their own words?
"""
FLOOR = (
    "from prompt_toolkit import prompt\n"
    "prompt('? What did they say about the last quarter, in their own words?\\n', multiline=True)\n"
)
LETTERS = "qwertyuiopasdfghjklzxcvbnm"


def echo_times(child: pexpect.spawn, length: int, keys: int) -> list[float]:
    """Type `length` characters, then time the echo of `keys` more, one at a time."""
    filler = ("They said the reports came late and nobody called. " * 200)[:length]
    for start in range(0, len(filler), 200):
        child.send(filler[start : start + 200])
        time.sleep(0.05)
    time.sleep(1.0)
    _drain(child)
    times = []
    for number in range(keys):
        letter = LETTERS[number % len(LETTERS)]
        sent = time.perf_counter()
        child.send(letter)
        seen = ""
        while letter not in seen:
            seen += child.read_nonblocking(65536, timeout=5)
        times.append(time.perf_counter() - sent)
        time.sleep(0.01)
    return times


def _drain(child: pexpect.spawn) -> None:
    while True:
        try:
            child.read_nonblocking(65536, timeout=0.2)
        except pexpect.TIMEOUT:
            return


def spawn(command: list[str], cwd: Path, env: dict[str, str]) -> pexpect.spawn:
    child = pexpect.spawn(
        command[0], command[1:], cwd=str(cwd), env=env, encoding="utf-8", dimensions=(24, 80)
    )
    child.delaybeforesend = None  # pexpect waits 50 ms before each send unless told not to
    return child


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--length", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / ".git").mkdir()
        (work / "playbooks").mkdir()
        (work / "playbooks" / "long-answer.yaml").write_text(PLAYBOOK, "utf-8")
        env = {
            **os.environ,
            "HOME": str(work),
            "RESETKIT_NOTES_DIR": str(work / "notes"),
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        floor = spawn([sys.executable, "-c", FLOOR], work, env)
        floor.expect_exact("own words?")
        floor_times = echo_times(floor, args.length, args.keys)
        floor.terminate(force=True)

        ours = spawn([*resetkit_command(), "start", "long-answer", "--customer", "Acme"], work, env)
        ours.expect_exact("own words?")
        our_times = echo_times(ours, args.length, args.keys)
        ours.terminate(force=True)

    def p95(times: list[float]) -> float:
        return statistics.quantiles(times, n=20)[-1] * 1000

    print(f"key echo in a {args.length:,}-character answer, {args.keys} keys, 80x24 pty")
    print(f"{'measure':<52} {'median ms':>10} {'p95 ms':>8} {'ratio':>7}")
    floor_p95 = p95(floor_times)
    rows = [
        ("plain prompt_toolkit prompt (floor)", floor_times),
        ("resetkit long_text, clock redrawing", our_times),
    ]
    for label, times in rows:
        median = statistics.median(times) * 1000
        print(f"{label:<52} {median:>10.1f} {p95(times):>8.1f} {p95(times) / floor_p95:>6.2f}x")
    print("target: p95 within 16 ms and within 1.2x of the floor")


if __name__ == "__main__":
    main()
