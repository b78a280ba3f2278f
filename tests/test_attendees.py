"""The people on the call: --attendee, an answers file and a question that names them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml


def notes_front_matter(stdout: str) -> dict:  # type: ignore[type-arg]
    notes = next(Path(line) for line in stdout.splitlines() if line.endswith("notes.md"))
    return yaml.safe_load(notes.read_text("utf-8").split("---\n")[1])  # type: ignore[no-any-return]


def test_the_attendees_question_fills_the_notes_attendees(run, isolated: Path) -> None:
    sheet = yaml.safe_load(run("answers-template", "reset").stdout)
    sheet["customer"] = "Acme"
    sheet["answers"] |= {
        "attendees": ["Dana:CTO", "Sam", "  dana  "],
        "expectations": "Reports",
        "real-problem": "No reporting",
        "case": "worried",
        "outcome": "continue",
        "aligned-expectations": "Weekly reports",
        "actions": [{"what": "Send the recap", "owner": "us", "due": "+7d"}],
    }
    (isolated / "answers.yaml").write_text(yaml.safe_dump(sheet), "utf-8")
    result = run(
        "start", "reset", "--answers", "answers.yaml", "--no-input",
        "--attendee", "Lee:VP Sales", "--attendee", "sam:Buyer",
        "--notes-dir", str(isolated / "notes"),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert notes_front_matter(result.stdout)["attendees"] == [
        "Lee (VP Sales)",
        "sam (Buyer)",
        "Dana (CTO)",
    ]
    notes = next(Path(line) for line in result.stdout.splitlines() if line.endswith("notes.md"))
    assert "**Attendees:** Lee (VP Sales), sam (Buyer), Dana (CTO)" in notes.read_text("utf-8")


def test_an_attendee_without_a_name_is_refused(run, isolated: Path) -> None:
    (isolated / "answers.yaml").write_text(
        "customer: Acme\nanswers:\n  attendees: [':CTO']\n", "utf-8"
    )
    result = run("start", "reset", "--answers", "answers.yaml", "--no-input")
    assert result.exit_code == 2
    assert "answers.yaml:3:" in result.stderr and "':CTO' has no name" in result.stderr


def test_the_answers_template_asks_for_the_attendees_once(run) -> None:
    for playbook in ("reset", "risk-check"):
        template = run("answers-template", playbook).stdout
        assert len(re.findall(r"^\s*attendees:", template, re.MULTILINE)) == 1, playbook


PLAYBOOK = """id: two-lists
title: Two lists
duration: 5m
sections:
  - id: s
    title: S
    timebox: 5m
    questions:
      - id: people
        type: list
        prompt: Who is there?
        sets_attendees: true
      - id: more
        type: list
        prompt: Who else?
        sets_attendees: true
"""


def test_validate_allows_one_attendees_question_and_only_a_list(run, isolated: Path) -> None:
    (isolated / "two-lists.yaml").write_text(PLAYBOOK, "utf-8")
    result = run("validate", "two-lists.yaml")
    assert result.exit_code == 1
    assert (
        "two-lists.yaml:16:25: question 'more': only one list question may set 'sets_attendees'"
        in result.stdout
    )
    text = PLAYBOOK.replace("two-lists", "on-text").replace("type: list", "type: text", 1)
    (isolated / "on-text.yaml").write_text(text, "utf-8")
    result = run("validate", "on-text.yaml")
    assert result.exit_code == 1
    assert (
        "on-text.yaml:12:9: question 'people': key 'sets_attendees' does not apply to a text "
        "question" in result.stdout
    )


def test_an_attendee_given_with_an_address_and_named_again_is_one_person() -> None:
    from resetkit.record.session import Attendee, merge_attendees

    given = [Attendee.parse("Dana Smith <dana@acme.com>:CTO")]
    people = merge_attendees(given, ["Dana Smith", "bob jones", "Bob Jones <bob@acme.com>"])
    assert people == [
        Attendee(name="Dana Smith <dana@acme.com>", role="CTO"),
        Attendee(name="Bob Jones <bob@acme.com>", role=""),
    ]
    assert [person.display_name for person in people] == ["Dana Smith", "Bob Jones"]
