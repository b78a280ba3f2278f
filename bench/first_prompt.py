"""Time from launching `resetkit start reset` to its first prompt on screen, through a pty.

Run: .venv/bin/python bench/first_prompt.py [--runs N]
Compares with `python -c "import typer, rich, prompt_toolkit, pydantic, yaml"`, the stack's own
import floor (target: first prompt within 1.3x of it). Needs pexpect (installed with [test]).

Three cases: the built-in reset (its first screen ships with resetkit: drawn at once, the models
built while the first answer is typed); a team's edited copy of it on its first start (a fresh
cache dir: it is validated before anything is drawn); and that copy started before (its first
screen kept in the cache dir). Two more lines answer the first question the moment it shows and
time the second prompt, so the work moved past the first prompt is seen too. The last line times
the echo of a key pressed the moment the first prompt shows, while the models are being built.
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

from resetkit.places import builtin_dir
from startup import bytecode_cached, resetkit_command

STACK = "import typer, rich, prompt_toolkit, pydantic, yaml"
FIRST = "Who will be on the call"
SECOND = "How long is the call?"


def prompt_seconds(
    command: list[str], env: dict[str, str], cwd: Path, answer_first: bool = False
) -> tuple[float, float]:
    """Seconds from spawn to the first question on screen (or the second, answering the first
    at once), and the process's peak resident MB then."""
    start = time.perf_counter()
    child = pexpect.spawn(
        command[0],
        command[1:],
        env=env,
        cwd=str(cwd),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect_exact(FIRST)
    if answer_first:
        child.send("Dana\r\r")  # one item, then an empty line ends the list
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


def measure(runs: int, case: str = "built-in", answer_first: bool = False) -> tuple[float, float]:
    """Median seconds to the first prompt of `start reset` over `runs` runs, and peak MB.

    `case`: "built-in", "team, first start" or "team, started before" (see the module doc).
    """
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        if case != "built-in":  # a team repository with its own, edited, reset playbook
            (project / ".git").mkdir(parents=True)
            (project / "playbooks").mkdir()
            text = (builtin_dir() / "reset.yaml").read_text("utf-8") + "\n# our copy\n"
            (project / "playbooks" / "reset.yaml").write_text(text, "utf-8")
        project.mkdir(exist_ok=True)
        env = {
            **bytecode_cached(os.environ),
            "RESETKIT_NOTES_DIR": str(Path(folder) / "notes"),
            "RESETKIT_CACHE_DIR": str(Path(folder) / "cache"),
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        command = [*resetkit_command(), "start", "reset", "--customer", "Bench Corp"]
        prompt_seconds(command, env, project)  # warm-up: bytecode caches (and a kept screen)
        results = []
        for run in range(runs):
            if case != "team, started before":
                env["RESETKIT_CACHE_DIR"] = str(Path(folder) / f"cache-{run}")
            results.append(prompt_seconds(command, env, project, answer_first))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def echo_seconds(runs: int) -> float:
    """Median seconds from a key pressed as the first prompt of `start reset` shows to its echo."""
    delays = []
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **bytecode_cached(os.environ),
            "RESETKIT_NOTES_DIR": folder,
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        command = [*resetkit_command(), "start", "reset", "--customer", "Bench Corp"]
        for _ in range(runs):
            child = pexpect.spawn(
                command[0], command[1:], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
            )
            child.delaybeforesend = None  # pexpect otherwise waits 50 ms before sending
            child.expect_exact("empty line: done")  # the toolbar, drawn last
            start = time.perf_counter()
            child.send("Q")
            child.expect_exact("Q")
            delays.append(time.perf_counter() - start)
            child.kill(signal.SIGKILL)
            child.close()
    return statistics.median(delays)


def stack_floor(runs: int) -> float:
    """Median seconds of `python -c "import typer, rich, prompt_toolkit, pydantic, yaml"`."""
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
        "first prompt, built-in reset": measure(runs)[0],
        "first prompt, team copy, first start": measure(runs, "team, first start")[0],
        "first prompt, team copy, started before": measure(runs, "team, started before")[0],
        "second prompt at once, built-in reset": measure(runs, answer_first=True)[0],
        "second prompt at once, team copy, first": measure(runs, "team, first start", True)[0],
    }
    print(f"{'measure':<44} {'median ms':>10} {'vs floor':>9}")
    print(f"{'python -c ' + repr(STACK):<44} {floor * 1000:>10.1f} {1.0:>8.2f}x")
    for name, seconds in cases.items():
        print(f"{name:<44} {seconds * 1000:>10.1f} {seconds / floor:>8.2f}x")
    print(f"{'echo of a key pressed at the first prompt':<44} {echo_seconds(runs) * 1000:>10.1f}")


if __name__ == "__main__":
    main()
