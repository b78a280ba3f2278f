"""Mutation testing of the core modules: mutmut changes one thing at a time in each and runs the
tests that reach it; a mutant the tests do not notice is a test missing, or an equivalent
mutant that a comment beside the code names (a line holding, or just under, "equivalent").

    .venv/bin/python bench/mutation.py            # run, then the table and every survivor
    .venv/bin/python bench/mutation.py --report   # the table of the last run, without running

The modules and the test files are in pyproject.toml ([tool.mutmut]); the functions below are
the part of record/team.py that is the merge driver. Not part of CI: it takes tens of minutes
on 2 cores (one mutant at a time, so it leaves the machine's other core free).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MUTMUT = [sys.executable, "-m", "mutmut"]
# Module and function patterns as mutmut names its mutants.
TARGETS = {
    "record/merge.py": "resetkit.record.merge.*",
    "format/conditions.py": "resetkit.format.conditions.*",
    "run/checks.py": "resetkit.run.checks.*",
    "history/cells.py": "resetkit.history.cells.*",
    "record/team.py merge_record_files (the driver)": "resetkit.record.team.x_merge_record_files*",
}
_HUNK = re.compile(r"^@@ -(\d+)")


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(".", r"\.").replace("*", ".*"))


def run() -> None:
    """One mutmut run over every target, one mutant at a time."""
    subprocess.run([*MUTMUT, "run", "--max-children", "1", *TARGETS.values()], cwd=REPO)


def results() -> dict[str, str]:
    """Every mutant of the targets and what became of it (killed, survived, timeout...)."""
    done = subprocess.run(
        [*MUTMUT, "results", "--all", "true"], cwd=REPO, capture_output=True, text=True
    )
    found = {}
    for line in done.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if any(_regex(pattern).fullmatch(name) for pattern in TARGETS.values()):
            found[name] = status
    return found


def source_line(mutant: str) -> tuple[Path, int, str]:
    """The file, line number and changed line of a mutant (from `mutmut show`)."""
    shown = subprocess.run([*MUTMUT, "show", mutant], cwd=REPO, capture_output=True, text=True)
    path, number, offset = Path(), 0, 0
    for line in shown.stdout.splitlines():
        if line.startswith("--- "):
            path = REPO / line[4:].strip()
        elif match := _HUNK.match(line):
            number, offset = int(match.group(1)), 0
        elif line.startswith("-") and not line.startswith("---"):
            return path, number + offset, line[1:].strip()
        elif not line.startswith("+"):
            offset += 1
    return path, number, ""


def named_equivalent(path: Path, number: int) -> bool:
    """Whether a comment on the line, or in the comment block just above it, says equivalent."""
    lines = path.read_text("utf-8").splitlines()
    above = number - 2
    block = [lines[number - 1]] if 0 < number <= len(lines) else []
    while above >= 0 and lines[above].strip().startswith("#"):
        block.append(lines[above])
        above -= 1
    return any("equivalent" in line for line in block)


def report() -> int:
    """The score per target and each survivor; 1 if a survivor is not named equivalent."""
    found = results()
    unexplained = 0
    print(f"{'module':<50} {'killed':>7} {'equiv.':>7} {'left':>5} {'total':>6}")
    for label, pattern in TARGETS.items():
        mine = {name: status for name, status in found.items() if _regex(pattern).fullmatch(name)}
        counts = Counter(mine.values())
        killed = counts["killed"] + counts["timeout"]
        survivors = [name for name, status in mine.items() if status not in ("killed", "timeout")]
        equivalent, left = [], []
        for name in sorted(survivors):
            path, number, line = source_line(name)
            named = mine[name] == "survived" and named_equivalent(path, number)
            (equivalent if named else left).append((name, mine[name], number, line))
        print(f"{label:<50} {killed:>7} {len(equivalent):>7} {len(left):>5} {len(mine):>6}")
        for name, status, number, line in left:
            print(f"    {status}: {name} (line {number}: {line})")
        unexplained += len(left)
    return 1 if unexplained else 0


if __name__ == "__main__":
    if "--report" not in sys.argv:
        run()
    sys.exit(report())
