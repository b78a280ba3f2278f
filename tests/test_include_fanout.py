"""Parts that include each other many times over: however they are shaped, a playbook made of
them is put together or refused fast, with one line saying where and through which includes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resetkit.errors import PlaybookInvalid
from resetkit.format.compose import MAX_INCLUDES
from resetkit.format.loader import load_file

LEAVES = {
    "no sections": "sections: []\n",
    "one section": "sections:\n  - {id: leaf, title: Leaf, timebox: 1m, guidance: g}\n",
}


def _chain(folder: Path, fan: int, depth: int, leaf: str, wanted: str = "") -> Path:
    """A playbook including part 1 `fan` times, each part including the next `fan` times."""
    common = folder / "playbooks" / "common"
    common.mkdir(parents=True, exist_ok=True)
    for level in range(1, depth + 1):
        text = "sections:\n" + f"  - include: p{level + 1}.yaml{wanted}\n" * fan
        (common / f"p{level}.yaml").write_text(text, "utf-8")
    (common / f"p{depth + 1}.yaml").write_text(LEAVES[leaf], "utf-8")
    playbook = folder / "playbooks" / "fan.yaml"
    includes = "  - include: common/p1.yaml\n" * fan
    playbook.write_text(f"id: fan\ntitle: Fan\nduration: 1m\nsections:\n{includes}", "utf-8")
    return playbook


def _load_time(playbook: Path) -> tuple[float, list[str]]:
    started = time.perf_counter()
    try:
        load_file(playbook)
        problems = []
    except PlaybookInvalid as invalid:
        problems = [str(problem) for problem in invalid.problems]
    return time.perf_counter() - started, problems


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fan=st.integers(1, 20),
    depth=st.integers(1, 7),
    leaf=st.sampled_from(sorted(LEAVES)),
    wanted=st.sampled_from(["", "#leaf", "#nowhere"]),
)
def test_any_fan_out_of_includes_is_put_together_or_refused_fast(
    tmp_path_factory: pytest.TempPathFactory, fan: int, depth: int, leaf: str, wanted: str
) -> None:
    playbook = _chain(tmp_path_factory.mktemp("fan"), fan, depth, leaf, wanted)
    took, problems = _load_time(playbook)
    assert took < 5, (fan, depth, leaf, wanted, took)
    if fan**depth > 10 * MAX_INCLUDES:
        assert problems  # too large or too many includes: never a playbook
    for problem in problems:
        assert "\n" not in problem
    # A wrong include is said once, however many ways lead to it.
    said = [problem.split(" (included from")[0] for problem in problems if ": include '" in problem]
    assert len(said) == len(set(said)), said[:5]


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_twenty_includes_eight_levels_deep_are_refused_at_the_include_with_its_chain(
    isolated: Path, leaf: str
) -> None:
    playbook = _chain(isolated, 20, 7, leaf)
    took, problems = _load_time(playbook)
    assert took < 5
    [problem] = problems
    assert "included from" in problem and "playbooks/fan.yaml:" in problem
    assert (
        "the playbook takes more than 2,000 includes" in problem
        or "the playbook grows past 500 sections" in problem
    )


def test_validate_list_and_start_answer_at_once(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    _chain(isolated, 20, 7, "no sections")
    for args, code in (
        (["validate", "playbooks/fan.yaml"], 1),
        (["list"], 0),
        (["start", "fan"], 2),
    ):
        started = time.perf_counter()
        result = (
            run(*args, "--notes-dir", str(isolated / "notes")) if args[0] == "start" else run(*args)
        )
        assert time.perf_counter() - started < 5, args
        assert result.exit_code == code, (args, result.output)
        assert "internal error" not in result.output
