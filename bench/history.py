"""The history commands (export, actions, due, calendar, ledger, brief) over N sessions.

Run: .venv/bin/python bench/history.py [--sizes 1000,10000] [--runs 5]
Generates each history once into a temp dir (100,000 sessions take about two minutes and 1 GB),
then times each command three ways:
- cold: no index yet (the first run after an upgrade, or on a new machine); it builds the index;
- warm: the index is up to date (the usual case: sessions change a few at a time);
- 1% changed: after 1% of the records were rewritten since the last run.
Prints the median wall time and peak memory of each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate_history import generate
from startup import resetkit_command

COMMANDS = {
    "export --format json": ["export", "--format", "json"],
    "actions": ["actions"],
    "due --format md": ["due", "--format", "md"],
    "calendar": ["calendar"],
    "ledger": ["ledger"],
    "brief CUSTOMER": ["brief", "{customer}", "--format", "md"],
}
# Run in a child of its own, so that the peak memory is this command's alone.
PROBE = (
    "import resource, subprocess, sys, time; start = time.perf_counter();"
    " subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
    " print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def once(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one run, its output thrown away."""
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *command],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    seconds, peak = probe.stdout.split()
    return float(seconds), int(peak) / 1024


def age(records: list[Path]) -> None:
    """Date records a minute back, as records saved before the run being timed are."""
    past = time.time() - 60
    for record in records:
        os.utime(record, (past, past))


def rewrite_some(notes: Path, share: float, rng: random.Random) -> None:
    """Rewrite a share of the records as a save does (a new file renamed over the old one)."""
    records = sorted(notes.glob("*/*/session.json"))
    chosen = rng.sample(records, max(1, int(len(records) * share)))
    for record in chosen:
        temporary = record.with_name(".bench.tmp")
        temporary.write_bytes(record.read_bytes())
        os.replace(temporary, record)
    age(chosen)


def busiest_customer(notes: Path) -> str:
    """The name of the customer with the most sessions, for `brief`."""
    folder = max(notes.iterdir(), key=lambda customer: len(list(customer.iterdir())))
    record = next(folder.glob("*/session.json"))
    return str(json.loads(record.read_text("utf-8"))["customer"])


def measure(notes: Path, runs: int) -> list[tuple[str, str, float, float]]:
    """(command, situation, median seconds, peak MB) for each command and situation."""
    rows = []
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as cache:
        environment = dict(os.environ, RESETKIT_CACHE_DIR=cache)
        customer = busiest_customer(notes)
        for name, args in COMMANDS.items():
            args = [arg.replace("{customer}", customer) for arg in args]
            command = [*resetkit_command(), *args, "--notes-dir", str(notes)]
            cold, warm, changed = [], [], []
            for _ in range(max(1, runs // 3)):
                shutil.rmtree(cache)
                os.mkdir(cache)
                cold.append(once(command, environment))
            for _ in range(runs):
                warm.append(once(command, environment))
            for _ in range(max(1, runs // 3)):
                rewrite_some(notes, 0.01, rng)
                changed.append(once(command, environment))
            for situation, found in (("cold", cold), ("warm", warm), ("1% changed", changed)):
                seconds = statistics.median(t for t, _ in found)
                rows.append((name, situation, seconds, max(p for _, p in found)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    print(f"{'command':<22} {'sessions':>9} {'index':<11} {'median s':>9} {'peak MB':>8}")
    for size in [int(size) for size in arguments.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as folder:
            notes = Path(folder) / "notes"
            generate(notes, size)
            age(list(notes.glob("*/*/session.json")))
            for name, situation, seconds, peak in measure(notes, arguments.runs):
                print(f"{name:<22} {size:>9,} {situation:<11} {seconds:>9.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
