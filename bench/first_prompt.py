"""Time from launching `resetkit start reset` to its first prompt on screen, through a pty.

Run: .venv/bin/python bench/first_prompt.py [--runs N]
Compares with `python -c "import typer, rich, questionary, pydantic, yaml"`, the stack's own
import floor (target: first prompt within 1.3x of it). Needs pexpect (installed with [test]).

Two cases: the playbook was started before (its first screen is kept in the cache dir and the
models build while the first answer is typed) and its first start (a fresh cache dir: the
playbook is validated before anything is drawn). A third line answers the first question the
moment it shows and times the second prompt, so the work moved past the first prompt is seen.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

from startup import bytecode_cached, resetkit_command

STACK = "import typer, rich, questionary, pydantic, yaml"
FIRST = "Who will be on the call"
SECOND = "How long is the call?"


def prompt_seconds(
    command: list[str], env: dict[str, str], answer_first: bool = False
) -> tuple[float, float]:
    """Seconds from spawn to the first question on screen (or the second, answering the first
    at once), and the process's peak resident MB then."""
    start = time.perf_counter()
    child = pexpect.spawn(
        command[0], command[1:], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )
    child.expect_exact(FIRST)
    if answer_first:
        child.send("Dana\r")
        child.expect_exact("and")
        child.send("\r")
        child.expect_exact(SECOND)
    elapsed = time.perf_counter() - start
    status = Path(f"/proc/{child.pid}/status")
    peak = 0.0
    if status.exists():  # Linux: the high-water mark of resident memory
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
        peak = int(line.split()[1]) / 1024
    child.kill(signal.SIGKILL)
    child.close()
    return elapsed, peak


def measure(runs: int, seen_before: bool = True, answer_first: bool = False) -> tuple[float, float]:
    """Median seconds to the first prompt of `start reset` over `runs` runs, and peak MB."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **bytecode_cached(os.environ),
            "RESETKIT_NOTES_DIR": str(Path(folder) / "notes"),
            "RESETKIT_CACHE_DIR": str(Path(folder) / "cache"),
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        command = [*resetkit_command(), "start", "reset", "--customer", "Bench Corp"]
        prompt_seconds(command, env)  # warm-up: bytecode caches, and the kept first screen
        results = []
        for run in range(runs):
            if not seen_before:
                env["RESETKIT_CACHE_DIR"] = str(Path(folder) / f"cache-{run}")
            results.append(prompt_seconds(command, env, answer_first))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def stack_floor(runs: int) -> float:
    """Median seconds of `python -c "import typer, rich, questionary, pydantic, yaml"`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", STACK], check=True, env=bytecode_cached(os.environ))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    floor = stack_floor(runs)
    cases = {
        "first prompt, playbook started before": measure(runs)[0],
        "first prompt, first start of the playbook": measure(runs, seen_before=False)[0],
        "second prompt, first answered at once": measure(runs, answer_first=True)[0],
        "second prompt, same, first start": measure(runs, False, answer_first=True)[0],
    }
    print(f"{'measure':<44} {'median ms':>10} {'vs floor':>9}")
    print(f"{'python -c ' + repr(STACK):<44} {floor * 1000:>10.1f} {1.0:>8.2f}x")
    for name, seconds in cases.items():
        print(f"{name:<44} {seconds * 1000:>10.1f} {seconds / floor:>8.2f}x")


if __name__ == "__main__":
    main()
