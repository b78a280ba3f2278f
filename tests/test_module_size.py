"""The CLI stays a thin layer: each of its modules under 400 lines (agreed in issue 20), so
that behaviour goes into the module that owns it rather than into a command."""

from __future__ import annotations

from pathlib import Path

import pytest

CLI = Path(__file__).parent.parent / "src" / "resetkit" / "cli"


@pytest.mark.parametrize("module", sorted(CLI.glob("*.py")), ids=lambda path: path.name)
def test_each_cli_module_is_under_400_lines(module: Path) -> None:
    assert len(module.read_text("utf-8").splitlines()) < 400
