"""Tab completion at team scale: each completion against a history of N sessions (target: 150 ms
at 100,000), beside `resetkit --version`, `--help` and `python -c "import typer"`.

Run: .venv/bin/python bench/complete.py [--size 100000] [--data DIR] [--runs 21]

The history is the team's history `generate_history.py` writes, generated once into DATA/SIZE
and reused (100,000 sessions take a few minutes to write); its index is built first by one
`resetkit sessions`, as any history command leaves it. Each case is launched as the shell does
on a Tab (the completion environment variables); interleaved, so that all see the same load.
Prints the median and the fastest wall time of each, the ratio of the medians to
`import typer`, and the median CPU time (user + system: steadier than wall time on a busy
machine).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from history import history
from startup import bytecode_cached, resetkit_command

TARGET_MS = 150


def cases(notes: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """(command, extra environment) of each case, completions as bash asks for them."""
    base = resetkit_command()
    customer = sorted(folder.name for folder in notes.iterdir())[0]
    first_session = sorted(p.name for p in (notes / customer).iterdir())[0]

    def tab(words: str) -> tuple[list[str], dict[str, str]]:
        cword = str(len(words.split(" ")) - 1)
        env = {"_RESETKIT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}
        return base, env

    return {
        'python -c "import typer"': ([sys.executable, "-c", "import typer"], {}),
        "resetkit --version": ([*base, "--version"], {}),
        "resetkit --help": ([*base, "--help"], {}),
        "start <Tab> (playbooks)": tab("resetkit start "),
        "resume <Tab> (customers' folders)": tab("resetkit resume "),
        f"resume {customer[:3]}<Tab>": tab(f"resetkit resume {customer[:3]}"),
        "resume CUSTOMER/<Tab>": tab(f"resetkit resume {customer}/"),
        "share CUSTOMER/DAY<Tab>": tab(f"resetkit share {customer}/{first_session[:7]}"),
        "sessions --customer <Tab>": tab("resetkit sessions --customer "),
        "actions done <Tab> (open ids)": tab("resetkit actions done "),
        "due --owner <Tab>": tab("resetkit due --owner "),
        "export --format <Tab>": tab("resetkit export --format "),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=21)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as cache:
        data = arguments.data or Path(scratch)
        data.mkdir(parents=True, exist_ok=True)
        notes = history(data, arguments.size)
        environment = bytecode_cached(
            dict(os.environ, RESETKIT_NOTES_DIR=str(notes), RESETKIT_CACHE_DIR=cache)
        )
        subprocess.run([*resetkit_command(), "sessions"], env=environment, capture_output=True)
        measured = cases(notes)
        times: dict[str, list[float]] = {name: [] for name in measured}
        cpu: dict[str, list[float]] = {name: [] for name in measured}
        for _ in range(arguments.runs + 1):  # the first round warms the caches, not counted
            for name, (command, extra) in measured.items():
                used, started = _children_cpu(), time.perf_counter()
                subprocess.run(command, env={**environment, **extra}, capture_output=True)
                times[name].append(time.perf_counter() - started)
                cpu[name].append(_children_cpu() - used)
    base = statistics.median(times['python -c "import typer"'][1:])
    print(f"{arguments.size:,} sessions, {arguments.runs} runs each; target {TARGET_MS} ms")
    print(f"{'case':40} {'median ms':>10} {'fastest':>8} {'vs typer':>9} {'cpu ms':>7}")
    for name, seconds in times.items():
        median, fastest = statistics.median(seconds[1:]), min(seconds[1:])
        used = statistics.median(cpu[name][1:]) * 1000
        print(
            f"{name:40} {median * 1000:10.1f} {fastest * 1000:8.1f} {median / base:8.2f}x "
            f"{used:7.1f}"
        )


def _children_cpu() -> float:
    """CPU seconds (user and system) used so far by the processes this one waited for."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    main()
