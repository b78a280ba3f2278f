"""`resetkit export --format json` and `resetkit actions` over generated histories of N sessions.

Run: .venv/bin/python bench/history.py [--sizes 1000,10000] [--runs 3]
Generates each history once into a temp dir (100,000 sessions take a few minutes and ~1 GB),
then prints the median wall time and peak memory of each command per size.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from generate_history import generate
from startup import resetkit_command

COMMANDS = {
    "export --format json": ["export", "--format", "json"],
    "actions": ["actions"],
}


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median seconds and peak resident memory (MB) of `runs` runs, output thrown away."""
    times, peaks = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    return statistics.median(times), max(peaks) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    print(f"{'command':<22} {'sessions':>9} {'median s':>9} {'peak MB':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            notes = Path(folder) / "notes"
            generate(notes, size)
            for name, args in COMMANDS.items():
                command = [*resetkit_command(), *args, "--notes-dir", str(notes)]
                seconds, peak = measure(command, arguments.runs)
                print(f"{name:<22} {size:>9,} {seconds:>9.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
