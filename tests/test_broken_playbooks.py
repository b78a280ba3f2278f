"""A corpus of broken playbooks: each reports exactly the expected problems at line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import read_expectations
from resetkit.errors import PlaybookInvalid
from resetkit.format.loader import load_file

CORPUS = Path(__file__).parent / "broken"


EXPECTED = read_expectations(CORPUS)


def test_corpus_is_large_and_every_file_has_expectations() -> None:
    files = sorted(path.name for path in CORPUS.glob("*.yaml"))
    assert len(files) >= 25
    assert sorted(EXPECTED) == files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_playbook_reports_exact_problems(name: str) -> None:
    with pytest.raises(PlaybookInvalid) as raised:
        load_file(CORPUS / name)
    assert [f"{p.line}:{p.column}: {p.message}" for p in raised.value.problems] == EXPECTED[name]
    assert all(p.file == str(CORPUS / name) for p in raised.value.problems)


def test_validate_prints_every_problem_of_every_file(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", str(CORPUS))
    assert result.exit_code == 1
    printed = result.stdout.splitlines()
    wanted = [f"{CORPUS / name}:{rest}" for name, rests in EXPECTED.items() for rest in rests]
    assert sorted(printed) == sorted(wanted)
    assert "Traceback" not in result.output
