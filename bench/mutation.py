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
    "question_types/checks.py": "resetkit.question_types.checks.*",
    "history/cells.py": "resetkit.history.cells.*",
    "record/team.py merge_record_files (the driver)": "resetkit.record.team.x_merge_record_files*",
}


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


def changed_line(mutant: str) -> tuple[Path, str]:
    """The file of a mutant and the line it changes (from `mutmut show`)."""
    shown = subprocess.run([*MUTMUT, "show", mutant], cwd=REPO, capture_output=True, text=True)
    path = Path()
    for line in shown.stdout.splitlines():
        if line.startswith("--- "):
            path = REPO / line[4:].strip()
        elif line.startswith("-"):
            return path, line[1:].strip()
    return path, ""


def named_equivalent(path: Path, changed: str) -> bool:
    """Whether a comment on the changed line, or in the comment block just above it, says
    equivalent (any line of the file that reads the same)."""
    lines = path.read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        if not changed or line.strip() != changed:
            continue
        block, above = [line], number - 1
        while above >= 0 and lines[above].strip().startswith("#"):
            block.append(lines[above])
            above -= 1
        if any("equivalent" in text for text in block):
            return True
    return False


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
        equivalent: list[tuple[str, str, str]] = []
        left: list[tuple[str, str, str]] = []
        for name in sorted(survivors):
            path, line = changed_line(name)
            named = mine[name] == "survived" and named_equivalent(path, line)
            (equivalent if named else left).append((name, mine[name], line))
        print(f"{label:<50} {killed:>7} {len(equivalent):>7} {len(left):>5} {len(mine):>6}")
        for name, status, line in left:
            print(f"    {status}: {name}: {line}")
        unexplained += len(left)
    return 1 if unexplained else 0


if __name__ == "__main__":
    if "--report" not in sys.argv:
        run()
    sys.exit(report())
