"""A number answer is a finite number within the question's min and max, however it comes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import QUIET_RISK_CHECK


@pytest.mark.parametrize("given", [".inf", "-.inf", ".nan", "'inf'", "'1e309'", "'nan'", "1e309"])
def test_an_answers_file_with_an_endless_number_is_refused(run, isolated: Path, given: str) -> None:
    lines = [f"  {key}: {str(value).lower()}" for key, value in QUIET_RISK_CHECK.items()]
    (isolated / "answers.yaml").write_text(
        "customer: Globex\nanswers:\n"
        + "\n".join(lines)
        + f"\n  hours-last-month: {given}\n  monthly-value: 2400\n",
        "utf-8",
    )
    result = run(
        "start", "risk-check", "--answers", "answers.yaml", "--no-input",
        "--notes-dir", str(isolated / "notes"),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "answers.yaml:8:" in result.stderr
    assert "takes a finite number" in result.stderr
    assert not (isolated / "notes").exists()


def test_a_playbook_number_question_with_endless_bounds_is_invalid(run, isolated: Path) -> None:
    (isolated / "endless.yaml").write_text(
        "id: endless\ntitle: Endless\nduration: 5m\nsections:\n  - id: s\n    title: S\n"
        "    timebox: 5m\n    questions:\n      - id: hours\n        type: number\n"
        "        prompt: Hours?\n        max: .inf\n        default: .nan\n        unti: h\n",
        "utf-8",
    )
    result = run("validate", "endless.yaml")
    assert result.exit_code == 1
    assert "endless.yaml:12:14: question 'hours': Input should be a finite number" in result.stdout
    assert "endless.yaml:13:18: question 'hours': Input should be a finite number" in result.stdout
    assert "unknown key 'unti'" in result.stdout  # the question's other rules still hold
