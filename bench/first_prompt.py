"""Time from launching `resetkit start reset` to its first prompt on screen, through a pty.

Run: .venv/bin/python bench/first_prompt.py [--runs N]
Compares with `python -c "import typer, rich, questionary, pydantic, yaml"`, the stack's own
import floor (target: first prompt within 1.3x of it). Needs pexpect (installed with [test]).
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


def first_prompt_seconds(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn to the first question on screen, and the process's peak MB then."""
    start = time.perf_counter()
    child = pexpect.spawn(
        command[0], command[1:], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )
    child.expect_exact("Who will be on the call")
    elapsed = time.perf_counter() - start
    status = Path(f"/proc/{child.pid}/status")
    peak = 0.0
    if status.exists():  # Linux: the high-water mark of resident memory
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
        peak = int(line.split()[1]) / 1024
    child.kill(signal.SIGKILL)
    child.close()
    return elapsed, peak


def measure(runs: int) -> tuple[float, float]:
    """Median seconds to the first prompt of `start reset` over `runs` runs, and peak MB."""
    with tempfile.TemporaryDirectory() as notes:
        env = {
            **bytecode_cached(os.environ),
            "RESETKIT_NOTES_DIR": notes,
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        command = [*resetkit_command(), "start", "reset", "--customer", "Bench Corp"]
        first_prompt_seconds(command, env)  # warm-up: bytecode caches
        results = [first_prompt_seconds(command, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    prompt, _ = measure(runs)
    floor_times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", STACK], check=True, env=bytecode_cached(os.environ))
        floor_times.append(time.perf_counter() - start)
    floor = statistics.median(floor_times)
    print(f"{'measure':<44} {'median ms':>10} {'vs floor':>9}")
    print(f"{'python -c ' + repr(STACK):<44} {floor * 1000:>10.1f} {1.0:>8.2f}x")
    print(
        f"{'resetkit start reset -> first prompt':<44} {prompt * 1000:>10.1f} "
        f"{prompt / floor:>8.2f}x"
    )


if __name__ == "__main__":
    main()
