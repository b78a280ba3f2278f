"""Startup of `resetkit --help` and `--version` against the CLI framework's own import cost.

Run: .venv/bin/python bench/startup.py [--runs N]
Prints medians of N runs each, and ratios to `python -c "import typer"` (target: <= 1.3x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path


def bytecode_cached(environment: Mapping[str, str]) -> dict[str, str]:
    """The environment, letting Python cache compiled modules as it does on a user's machine.

    With PYTHONDONTWRITEBYTECODE set (some sandboxes and CI images set it), an editable install
    compiles every one of our modules on every launch, which no installed copy does.
    """
    return {k: v for k, v in environment.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    """Median wall time of `runs` launches of `command`, after one warm-up launch."""
    environment = bytecode_cached(os.environ)
    subprocess.run(command, capture_output=True, check=True, env=environment)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=environment)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def resetkit_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m resetkit`."""
    script = Path(sys.executable).parent / "resetkit"
    if script.exists():
        return [str(script)]
    found = shutil.which("resetkit")
    return [found] if found else [sys.executable, "-m", "resetkit"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    python = sys.executable
    cases = {
        'python -c "pass"': [python, "-c", "pass"],
        'python -c "import typer"': [python, "-c", "import typer"],
        "resetkit --version": [*resetkit_command(), "--version"],
        "resetkit --help": [*resetkit_command(), "--help"],
    }
    medians = {name: median_seconds(command, runs) for name, command in cases.items()}
    floor = medians['python -c "import typer"']
    print(f"{'command':<28} {'median ms':>10} {'vs import typer':>16}")
    for name, seconds in medians.items():
        print(f"{name:<28} {seconds * 1000:>10.1f} {seconds / floor:>15.2f}x")


if __name__ == "__main__":
    main()
