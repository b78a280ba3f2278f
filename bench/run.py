"""Every figure in one table: startup, first prompt, validation, history commands, peak memory.

Run: .venv/bin/python bench/run.py [--runs N] [--sizes 1000,10000,100000]
100,000 sessions take a minute to generate and about 1 GB of disk; the default stops at
10,000 (bench/history.py measures up to a million). Needs pexpect (installed with [test]).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from first_prompt import measure as first_prompt
from generate_history import generate
from history import age
from history import measure as history_measure
from resetkit.places import builtin_dir
from startup import median_seconds, resetkit_command

PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
    " stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_mb(command: list[str]) -> float:
    """Peak resident memory of one run of `command`, in MB."""
    out = subprocess.run([sys.executable, "-c", PEAK, *command], capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Median seconds (output discarded) and peak MB of a command."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times), peak_mb(command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1000,10000")
    arguments = parser.parse_args()
    runs = arguments.runs
    resetkit = resetkit_command()
    python = sys.executable
    rows: list[tuple[str, float, str, float]] = []

    floor = median_seconds([python, "-c", "pass"], runs)
    rows.append(('python -c "pass"', floor, "1.00x", peak_mb([python, "-c", "pass"])))
    typer_floor = median_seconds([python, "-c", "import typer"], runs)
    rows.append(
        (
            'python -c "import typer"',
            typer_floor,
            "1.00x (typer)",
            peak_mb([python, "-c", "import typer"]),
        )
    )
    for flag in ("--version", "--help"):
        seconds = median_seconds([*resetkit, flag], runs)
        rows.append(
            (
                f"resetkit {flag}",
                seconds,
                f"{seconds / typer_floor:.2f}x (typer)",
                peak_mb([*resetkit, flag]),
            )
        )

    stack = [python, "-c", "import typer, rich, prompt_toolkit, pydantic, yaml"]
    stack_seconds = median_seconds(stack, runs)
    rows.append(("import of the stack", stack_seconds, "1.00x (stack)", peak_mb(stack)))
    for case in ("built-in", "team, first start", "team, started before"):
        seconds, peak = first_prompt(runs, case)  # bench/first_prompt.py
        ratio = f"{seconds / stack_seconds:.2f}x (stack)"
        rows.append((f"start reset -> first prompt, {case}", seconds, ratio, peak))

    with tempfile.TemporaryDirectory() as folder:
        playbooks = Path(folder)
        sources = sorted(builtin_dir().glob("*.yaml"))
        for number in range(100):
            source = sources[number % len(sources)]
            copy_id = f"{source.stem}-{number}"
            text = source.read_text("utf-8").replace(f"\nid: {source.stem}\n", f"\nid: {copy_id}\n")
            (playbooks / f"{copy_id}.yaml").write_text(text, "utf-8")
        seconds, peak = timed([*resetkit, "validate", str(playbooks)], runs)
        rows.append(("validate 100 playbooks", seconds, "", peak))

    for size in [int(s) for s in arguments.sizes.split(",")]:
        folder = tempfile.mkdtemp()
        try:
            notes = Path(folder) / "notes"
            generate(notes, size, team=True)
            age(notes)
            measured = history_measure(notes, max(3, runs // 2), False)
            floor = measured[0][1]
            for name, seconds, peak, _, _ in measured[1:]:
                ratio = f"{seconds / floor:.1f}x (resetkit --version)"
                rows.append((f"{name}, {size:,} sessions", seconds, ratio, peak))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    print("| measure | median | ratio | peak memory |")
    print("| --- | --- | --- | --- |")
    for name, seconds, ratio, peak in rows:
        shown = f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
        print(f"| {name} | {shown} | {ratio} | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
