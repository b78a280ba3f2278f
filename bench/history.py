"""The history commands at team scale: time and peak memory at 10,000 to 1,000,000 sessions.

Run: .venv/bin/python bench/history.py [--sizes 10000,100000,1000000] [--data DIR] [--runs 3]
     [--more]

Each history is the team's history `generate_history.py` writes (1,000 sessions a week over
2,500 customers). It is generated once into DATA/SIZE (default: a folder in the temp dir, removed
after) and reused when it is there: a million sessions take about 10 minutes and 8 GB. Each size
is measured with a fresh index cache:
- cold build: `sessions --customer X` with no index (a new clone, an upgrade): it builds it
  (each run on an empty cache of its own);
- then, warm (nothing changed since), each target of issue 14: `sessions --customer X`,
  `actions --overdue`, `report`, and exports of everything as CSV and as JSON;
- the floor: `resetkit --version`, the start of any command, measured in the same run.
`--more` adds `due`, `calendar`, `ledger` and `brief`. Prints the median wall time, its ratio to
the floor, and the peak resident memory of each (the command's process alone).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate_history import generate
from startup import resetkit_command

TARGETS = {
    "sessions --customer X": (["sessions", "--customer", "{customer}"], 0.3, None),
    "actions --overdue": (["actions", "--overdue"], 0.3, None),
    "report": (["report", "--format", "json"], 1.0, None),
    "export --format csv": (["export", "--format", "csv"], 10.0, 100),
    "export --format json": (["export", "--format", "json"], 10.0, 100),
}
# The first build's targets, by history size (issue 14).
COLD_TARGETS = {100_000: 5.0, 1_000_000: 60.0}
MORE = {
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


def age(notes: Path) -> None:
    """Date records a minute back, as records saved before the run being timed are."""
    past = time.time() - 60
    for record in notes.glob("*/*/session.json"):
        os.utime(record, (past, past))
    for folder in notes.iterdir():
        os.utime(folder, (past, past))


def busiest_customer(notes: Path) -> str:
    """The name of the customer with the most sessions."""
    folder = max(notes.iterdir(), key=lambda customer: len(os.listdir(customer)))
    record = next(folder.glob("*/session.json"))
    return str(json.loads(record.read_text("utf-8"))["customer"])


def history(data: Path, size: int) -> Path:
    """The generated history of this size, written first if it is not there yet."""
    notes = data / str(size)
    done = data / f"{size}.done"
    if not done.exists():
        shutil.rmtree(notes, ignore_errors=True)
        started = time.perf_counter()
        generate(notes, size, team=True)
        age(notes)
        done.write_text(f"{time.perf_counter() - started:.0f} s\n", "utf-8")
    return notes


def measure(
    notes: Path, size: int, runs: int, more: bool
) -> list[tuple[str, float, float, float | None, int | None]]:
    """(measure, median seconds, peak MB, target seconds, target MB) for one history."""
    found: list[tuple[str, float, float, float | None, int | None]] = []
    customer = busiest_customer(notes)
    base = resetkit_command()
    with tempfile.TemporaryDirectory() as cache:
        environment = dict(os.environ, RESETKIT_CACHE_DIR=cache)
        floor = [once([*base, "--version"], environment) for _ in range(runs)]
        found.append(
            ("floor: resetkit --version", statistics.median(t for t, _ in floor), 0, None, None)
        )
        command = [*base, "sessions", "--customer", customer, "--notes-dir", str(notes)]
        # Each cold run on an empty cache of its own; the first one's is kept for the warm runs.
        cold = [once(command, environment)]
        for _ in range(runs - 1):
            with tempfile.TemporaryDirectory() as empty:
                cold.append(once(command, dict(environment, RESETKIT_CACHE_DIR=empty)))
        found.append(
            (
                "cold build (sessions --customer X)",
                statistics.median(t for t, _ in cold),
                max(p for _, p in cold),
                COLD_TARGETS.get(size),
                None,
            )
        )
        every = {name: (args, limit, memory) for name, (args, limit, memory) in TARGETS.items()}
        if more:
            every |= {name: (args, None, None) for name, args in MORE.items()}
        for name, (args, limit, memory) in every.items():
            args = [arg.replace("{customer}", customer) for arg in args]
            timed = [
                once([*base, *args, "--notes-dir", str(notes)], environment) for _ in range(runs)
            ]
            found.append(
                (
                    name,
                    statistics.median(t for t, _ in timed),
                    max(p for _, p in timed),
                    limit,
                    memory,
                )
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--more", action="store_true")
    arguments = parser.parse_args()
    print(f"{'measure':<36} {'sessions':>9} {'median s':>9} {'x floor':>8} {'peak MB':>8}  target")
    with tempfile.TemporaryDirectory() as scratch:
        data = arguments.data or Path(scratch)
        data.mkdir(parents=True, exist_ok=True)
        for size in [int(size) for size in arguments.sizes.split(",")]:
            notes = history(data, size)
            rows = measure(notes, size, arguments.runs, arguments.more)
            floor = rows[0][1]
            for name, seconds, peak, limit, memory in rows:
                target = ""
                if limit is not None:
                    target = f"< {limit:g} s" + (f", < {memory} MB" if memory else "")
                    met = seconds < limit and (memory is None or peak < memory)
                    target += " ok" if met else " MISSED"
                shown = f"{peak:>8.0f}" if peak else " " * 8
                print(
                    f"{name:<36} {size:>9,} {seconds:>9.2f} {seconds / floor:>7.1f}x"
                    f" {shown}  {target}"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
