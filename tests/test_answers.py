"""Scripted runs from an answers file: checked first, nothing written on error, never a hang."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TODAY
from resetkit.errors import AnswersInvalid
from resetkit.format.loader import load_file, read_yaml
from resetkit.places import builtin_dir
from resetkit.run.answers import check_sheet

FILLED = {
    "customer": "Initech",
    "attendees": ["Bill Lumbergh:VP", {"name": "Peter"}],
    "answers": {
        "complaint": "Reports were late three months running",
        "final-straw": "The CFO missed a board deadline",
        "asked-customer": False,
        "changes": [
            {"what": "Weekly report check", "owner": "us", "due": "+14d", "critical_path": True}
        ],
        "icp-review": "review",
        "parting": "neutral",
    },
}


def start_postmortem(run, isolated: Path, answers: str | Path, no_input: bool = True):  # type: ignore[no-untyped-def]
    """`resetkit start postmortem --answers FILE [--no-input]` into the test's notes dir."""
    flags = ["--no-input"] if no_input else []
    return run(
        "start",
        "postmortem",
        "--answers",
        str(answers),
        *flags,
        "--notes-dir",
        str(isolated / "notes"),
    )


def write_answers(folder: Path, content: Any, name: str = "answers.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(content, sort_keys=False), "utf-8")
    return path


def test_template_then_no_input_run_writes_the_notes(run, isolated: Path) -> None:
    template = run("answers-template", "postmortem")
    assert template.exit_code == 0
    sheet = yaml.safe_load(template.stdout)
    assert sheet["customer"] == "" and "final-straw" in sheet["answers"]
    sheet["customer"] = "Initech"
    sheet["answers"] |= FILLED["answers"]
    path = write_answers(isolated, sheet)
    result = start_postmortem(run, isolated, str(path))
    assert result.exit_code == 0, result.stderr
    written = result.stdout.splitlines()
    # The postmortem is internal: it has no recap, so no customer copy.
    assert [Path(p).name for p in written] == ["notes.md", "action-plan.md"]
    record = json.loads((Path(written[0]).parent / "session.json").read_text("utf-8"))
    assert record["status"] == "complete" and record["outcome"] == "neutral"
    cancelled = date.fromisoformat(record["answers"]["cancelled-on"])
    assert record["answers"]["ask-by"] == (cancelled + timedelta(days=7)).isoformat()
    assert "The CFO missed a board deadline" in Path(written[0]).read_text("utf-8")


def test_json_answers_from_stdin(run, isolated: Path) -> None:
    result = run(
        "start",
        "postmortem",
        "--answers",
        "-",
        "--no-input",
        "--notes-dir",
        str(isolated / "notes"),
        input=json.dumps(FILLED),
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(next((isolated / "notes").glob("*/*/session.json")).read_text("utf-8"))
    assert record["customer"] == "Initech"
    assert [a["name"] for a in record["attendees"]] == ["Bill Lumbergh", "Peter"]


def test_every_problem_is_reported_by_question_id_and_nothing_is_written(
    run, isolated: Path
) -> None:
    bad = json.loads(json.dumps(FILLED))
    bad["answers"] |= {
        "icp-review": "maybe",
        "bogus": 1,
        "customer-feedback": "x",
        "cancelled-on": "someday",
    }
    del bad["answers"]["complaint"]
    path = write_answers(isolated, bad)
    result = start_postmortem(run, isolated, str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any("'icp-review': " in line and "has no choice 'maybe'" in line for line in lines)
    assert any("'bogus': no such question in playbook 'postmortem'" in line for line in lines)
    assert any(
        "'customer-feedback' (" in line and "does not apply given the other answers" in line
        for line in lines
    )
    assert any("'cancelled-on': " in line and "takes a date" in line for line in lines)
    assert all(line.startswith(f"resetkit: {path}:") for line in lines)
    assert not (isolated / "notes").exists()


def test_a_missing_required_answer_is_named(run, isolated: Path) -> None:
    sheet = json.loads(json.dumps(FILLED))
    del sheet["answers"]["parting"]
    result = start_postmortem(run, isolated, str(write_answers(isolated, sheet)))
    assert result.exit_code == 2
    assert "'parting' (" in result.stderr
    assert "is required and has no answer" in result.stderr


def test_a_required_answer_left_null_is_named_at_its_own_line(run, isolated: Path) -> None:
    template = run("answers-template", "postmortem").stdout
    lines = template.splitlines()
    at = next(n for n, line in enumerate(lines, start=1) if line.startswith("  parting:"))
    answers = isolated / "template.yaml"
    answers.write_text(template.replace('customer: ""', 'customer: "Initech"'), "utf-8")
    result = start_postmortem(run, isolated, str(answers))
    assert result.exit_code == 2
    assert any(
        f":{at}:" in line and "'parting' (" in line and "is required" in line
        for line in result.stderr.splitlines()
    )


def test_missing_answers_without_a_terminal_fail_instead_of_hanging(run, isolated: Path) -> None:
    sheet = json.loads(json.dumps(FILLED))
    del sheet["answers"]["parting"]
    result = start_postmortem(run, isolated, str(write_answers(isolated, sheet)), no_input=False)
    assert result.exit_code == 2
    assert "answers missing for" in result.stderr and "no terminal" in result.stderr
    assert not (isolated / "notes").exists()


def test_no_input_needs_an_answers_file(run) -> None:
    result = run("start", "reset", "--customer", "Acme", "--no-input")
    assert result.exit_code == 2
    assert "--no-input needs --answers FILE" in result.stderr


def test_no_input_without_a_customer_is_an_error(run, isolated: Path) -> None:
    sheet = {k: v for k, v in FILLED.items() if k != "customer"}
    result = start_postmortem(run, isolated, str(write_answers(isolated, sheet)))
    assert result.exit_code == 2
    assert "no customer" in result.stderr


def test_answers_file_with_unsafe_yaml_is_refused(run, isolated: Path) -> None:
    path = isolated / "answers.yaml"
    path.write_text("answers: !!python/object/apply:os.system [echo hi]\n", "utf-8")
    result = run("start", "postmortem", "--answers", str(path), "--no-input")
    assert result.exit_code == 2
    assert "tag '!!python/object/apply:os.system' is not allowed" in result.stderr


POSTMORTEM = load_file(builtin_dir() / "postmortem.yaml")
ANSWER_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["what", "owner", "due", "x"]), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([q.id for _, q in POSTMORTEM.questions()] + ["nope"]),
        ANSWER_VALUES,
        max_size=8,
    )
)
def test_any_answers_are_either_accepted_or_refused_cleanly(answers: dict[str, Any]) -> None:
    located = read_yaml(yaml.safe_dump({"customer": "X", "answers": answers}), "a.yaml")
    try:
        check_sheet(located, POSTMORTEM, date(2026, 11, 24), complete=True)
    except AnswersInvalid as error:
        assert error.problems
        assert all(p.line >= 1 and "\n" not in p.message for p in error.problems)


def test_a_choice_written_like_a_yaml_boolean_is_that_choice() -> None:
    """`icp-review: no` reaches us as False: the choice 'no' is what the person meant."""
    playbook = load_file(builtin_dir() / "postmortem.yaml")
    text = "answers:\n  icp-review: no\n"
    sheet = check_sheet(read_yaml(text, "a.yaml"), playbook, date(2026, 11, 24), complete=False)
    assert sheet.answers["icp-review"] == "no"
    wrong = "answers:\n  parting: yes\n"
    try:
        check_sheet(read_yaml(wrong, "b.yaml"), playbook, date(2026, 11, 24), complete=False)
    except AnswersInvalid as error:
        assert "'parting': " in str(error.problems[0])
        assert "has no choice True" in str(error.problems[0])
    else:
        raise AssertionError("a yes that is no choice of 'parting' was accepted")


def test_a_second_scripted_start_on_the_same_day_goes_on_and_says_so(run, isolated: Path) -> None:
    path = write_answers(isolated, FILLED)
    first = start_postmortem(run, isolated, path)
    assert first.exit_code == 0, first.stderr
    assert "already" not in first.stderr
    second = start_postmortem(run, isolated, path)
    assert second.exit_code == 0, second.stderr
    earlier = f"initech/{TODAY.isoformat()}-postmortem"
    said = [line for line in second.stderr.splitlines() if "already" in line]
    assert said == [
        f"resetkit: {earlier} (complete) exists already; this is a second session: {earlier}-2"
    ]
    assert Path(second.stdout.splitlines()[0]).parent.name.endswith("-postmortem-2")
    third = start_postmortem(run, isolated, path)
    assert f"{earlier}-2 (complete) exist already; this is a third session: {earlier}-3" in (
        third.stderr
    )
