"""The import contracts in pyproject.toml cover what they say: a module added to the run wing
is checked for terminal imports unless it is one of the two that draw."""

from __future__ import annotations

import tomllib

from conftest import REPO

DRAWING = {"resetkit.run.terminal", "resetkit.run.screen"}


def test_every_run_module_but_the_two_that_draw_is_kept_from_the_terminal() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert all("ignore_imports" not in contract for contract in contracts)
    (forbidden,) = [c for c in contracts if c["type"] == "forbidden"]
    run = {
        f"resetkit.run.{path.stem}"
        for path in (REPO / "src" / "resetkit" / "run").glob("*.py")
        if path.stem != "__init__"
    }
    assert run - DRAWING <= set(forbidden["source_modules"])
    assert not DRAWING & set(forbidden["source_modules"])
    leaves = {
        f"resetkit.{path.stem}"
        for path in (REPO / "src" / "resetkit").glob("*.py")
        if path.stem not in ("__init__", "__main__")
    }
    assert leaves <= set(forbidden["source_modules"])
