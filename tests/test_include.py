"""Playbooks made of parts: `include` of shared sections, `extends` of another playbook."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import QUIET_RISK_CHECK
from resetkit.format.loader import load_file

OPENING = """\
sections:
  - id: opening
    title: Opening
    timebox: 5m
    guidance: Thank them for their time and agree the agenda.
    questions:
      - id: mood
        type: text
        prompt: How do they sound?
  - id: close
    title: Close
    timebox: 5m
    guidance: Summarise what was agreed.
"""

KICKOFF = """\
id: kickoff
title: Kickoff
duration: 20m
sections:
  - include: common/opening.yaml#opening
  - id: goals
    title: Goals
    timebox: 10m
    questions:
      - id: goals
        type: long_text
        prompt: What are their goals?
  - include: common/opening.yaml#close
"""

BASE = """\
id: base
title: Base conversation
version: 1
duration: 15m
sections:
  - id: first
    title: First
    timebox: 5m
    guidance: One.
  - id: second
    title: Second
    timebox: 5m
    guidance: Two.
  - id: third
    title: Third
    timebox: 5m
    guidance: Three.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def playbooks(isolated: Path) -> Path:
    """./playbooks of a git checkout, with a shared opener in common/."""
    (isolated / ".git").mkdir()
    folder = isolated / "playbooks"
    write(folder, "common/opening.yaml", OPENING)
    return folder


def section_ids(path: Path) -> list[str]:
    return [section.id for section in load_file(path).sections]


def problems(run, *args: str) -> list[str]:
    result = run("validate", *args)
    assert result.exit_code == 1, result.output
    return result.stdout.splitlines()


# --- include ----------------------------------------------------------------------------------


def test_include_takes_one_section_by_id_in_place(playbooks: Path) -> None:
    kickoff = write(playbooks, "kickoff.yaml", KICKOFF)
    playbook = load_file(kickoff)
    assert [s.id for s in playbook.sections] == ["opening", "goals", "close"]
    assert playbook.sections[0].questions[0].prompt == "How do they sound?"


def test_include_without_an_id_takes_every_section_and_nests(playbooks: Path) -> None:
    write(
        playbooks,
        "common/all.yaml",
        "sections:\n  - include: opening.yaml\n  - id: extra\n    title: Extra\n"
        "    timebox: 5m\n    guidance: More.\n",
    )
    team = write(
        playbooks,
        "team.yaml",
        "id: team\ntitle: Team\nduration: 15m\nsections:\n  - include: common/all.yaml\n",
    )
    assert section_ids(team) == ["opening", "close", "extra"]


def test_composed_playbook_validates_and_shows_as_one(run, playbooks: Path) -> None:
    write(playbooks, "kickoff.yaml", KICKOFF)
    assert run("validate", str(playbooks / "kickoff.yaml")).exit_code == 0
    shown = run("show", "kickoff", "--format", "md")
    assert shown.exit_code == 0
    tokens = MarkdownIt().parse(shown.stdout)
    headings = [
        tokens[index + 1].content
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2"
    ]
    assert headings == [
        "1. Opening (5m, minute 0 to 5)",
        "2. Goals (10m, minute 5 to 15)",
        "3. Close (5m, minute 15 to 20)",
        "What the customer gets",
    ]


def test_error_in_an_included_file_is_at_its_line_with_the_include_chain(
    run, playbooks: Path
) -> None:
    write(playbooks, "common/opening.yaml", OPENING.replace("type: text", "type: txt"))
    write(playbooks, "kickoff.yaml", KICKOFF)
    lines = problems(run, str(playbooks / "kickoff.yaml"))
    assert lines == [
        f"{playbooks}/common/opening.yaml:7:9: question 'mood': unknown question type 'txt' "
        f"(did you mean 'text'?) (included from {playbooks}/kickoff.yaml:5:14)"
    ]


def test_error_through_nested_includes_names_every_step(run, playbooks: Path) -> None:
    write(playbooks, "common/opening.yaml", OPENING.replace("timebox: 5m", "timebox: 5 min", 1))
    write(playbooks, "common/all.yaml", "sections:\n  - include: opening.yaml#opening\n")
    write(
        playbooks,
        "team.yaml",
        "id: team\ntitle: Team\nduration: 5m\nsections:\n  - include: common/all.yaml\n",
    )
    [line] = problems(run, str(playbooks / "team.yaml"))
    assert line.startswith(f"{playbooks}/common/opening.yaml:4:14: section 'opening': ")
    assert line.endswith(
        f"(included from {playbooks}/common/all.yaml:2:14, "
        f"included from {playbooks}/team.yaml:5:14)"
    )


def test_a_lint_rule_applies_across_files(run, playbooks: Path) -> None:
    # The opener's question id used again in the playbook itself: one playbook, one id space.
    write(
        playbooks,
        "kickoff.yaml",
        KICKOFF.replace("id: goals\n        type", "id: mood\n        type"),
    )
    [line] = problems(run, str(playbooks / "kickoff.yaml"))
    assert line.startswith(f"{playbooks}/kickoff.yaml:10:13: question 'mood': id 'mood' is already")


def test_missing_file_is_one_line_at_the_include(run, playbooks: Path) -> None:
    write(
        playbooks,
        "kickoff.yaml",
        KICKOFF.replace("common/opening.yaml#close", "common/openin.yaml"),
    )
    assert problems(run, str(playbooks / "kickoff.yaml")) == [
        f"{playbooks}/kickoff.yaml:13:14: include 'common/openin.yaml': no such file "
        "(did you mean 'common/opening.yaml'?)"
    ]


def test_missing_section_is_one_line_at_the_include(run, playbooks: Path) -> None:
    write(playbooks, "kickoff.yaml", KICKOFF.replace("#close", "#clse"))
    assert problems(run, str(playbooks / "kickoff.yaml")) == [
        f"{playbooks}/kickoff.yaml:13:14: include 'common/opening.yaml#clse': no section 'clse' "
        f"in {playbooks}/common/opening.yaml (did you mean 'close'?)"
    ]


def test_include_cycle_is_refused_at_the_include_that_closes_it(run, playbooks: Path) -> None:
    write(playbooks, "common/a.yaml", "sections:\n  - include: b.yaml\n")
    write(playbooks, "common/b.yaml", "sections:\n  - include: a.yaml#x\n")
    write(
        playbooks,
        "team.yaml",
        "id: team\ntitle: Team\nduration: 5m\nsections:\n  - include: common/a.yaml\n",
    )
    assert problems(run, str(playbooks / "team.yaml")) == [
        f"{playbooks}/common/b.yaml:2:14: include cycle: {playbooks}/common/a.yaml -> "
        f"{playbooks}/common/b.yaml -> {playbooks}/common/a.yaml (included from "
        f"{playbooks}/common/a.yaml:2:14, included from {playbooks}/team.yaml:5:14)"
    ]


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("../outside.yaml", "leads outside the folder of"),
        ("common/../../outside.yaml", "leads outside the folder of"),
        ("/etc/passwd.yaml", "is not a relative path"),
        ("C:/team/x.yaml", "is not a relative path"),
        ("common\\\\opening.yaml", "is not a relative path"),
        ("common/opening.txt", "is not a .yaml or .yml file"),
        ("link/opening.yaml", "leads outside the folder of"),
    ],
)
def test_include_never_leaves_the_playbook_folder(
    run, playbooks: Path, isolated: Path, target: str, why: str
) -> None:
    write(isolated, "outside.yaml", OPENING)
    outside = isolated / "elsewhere"
    write(outside, "opening.yaml", OPENING)
    (playbooks / "link").symlink_to(outside, target_is_directory=True)
    write(
        playbooks,
        "team.yaml",
        f'id: team\ntitle: Team\nduration: 5m\nsections:\n  - include: "{target}#close"\n',
    )
    [line] = problems(run, str(playbooks / "team.yaml"))
    assert line.startswith(f"{playbooks}/team.yaml:5:14: include ")
    assert why in line


def test_a_symlink_inside_the_folder_is_followed(playbooks: Path) -> None:
    (playbooks / "shared").symlink_to(playbooks / "common", target_is_directory=True)
    team = write(
        playbooks,
        "team.yaml",
        "id: team\ntitle: Team\nduration: 5m\nsections:\n  - include: shared/opening.yaml#close\n",
    )
    assert section_ids(team) == ["close"]


def test_includes_repeated_inside_includes_are_bounded(run, playbooks: Path) -> None:
    # Each level takes the one below it twenty times: 20**4 sections if nothing stopped it.
    write(playbooks, "common/l0.yaml", OPENING)
    for level in range(1, 5):
        items = "".join(f"  - include: l{level - 1}.yaml\n" for _ in range(20))
        write(playbooks, f"common/l{level}.yaml", "sections:\n" + items)
    write(
        playbooks,
        "team.yaml",
        "id: team\ntitle: Team\nduration: 5m\nsections:\n  - include: common/l4.yaml\n",
    )
    result = run("validate", str(playbooks / "team.yaml"))
    assert result.exit_code == 1
    assert "the playbook grows past 500 sections" in result.stdout


def test_after_and_remove_only_apply_when_extending(run, playbooks: Path) -> None:
    write(
        playbooks,
        "team.yaml",
        "id: team\ntitle: Team\nduration: 5m\nsections:\n"
        "  - {include: common/opening.yaml#close, after: x}\n",
    )
    [line] = problems(run, str(playbooks / "team.yaml"))
    assert "'after' places a section only in a playbook that extends another" in line


# --- extends ----------------------------------------------------------------------------------


def test_extends_overrides_adds_removes_and_changes_a_timebox(playbooks: Path) -> None:
    write(playbooks, "base.yaml", BASE)
    team = write(
        playbooks,
        "team.yaml",
        """\
extends: base
id: team
title: Team conversation
duration: 20m
sections:
  - {id: first, timebox: 2m}
  - {id: second, remove: true}
  - id: third
    title: The third, our way
    guidance: Three, said our way.
  - id: new
    title: New
    timebox: 8m
    guidance: Added after the first.
    after: first
  - {include: common/opening.yaml#close}
""",
    )
    playbook = load_file(team)
    assert playbook.title == "Team conversation" and playbook.version == "1"
    assert [s.id for s in playbook.sections] == ["first", "new", "third", "close"]
    first, _, third, _ = playbook.sections
    assert (first.timebox, first.title, first.guidance) == ("2m", "First", "One.")
    assert (third.title, third.timebox) == ("The third, our way", "5m")


def test_extends_a_builtin_by_id(run, playbooks: Path) -> None:
    team = write(
        playbooks,
        "team-risk.yaml",
        "extends: risk-check\nid: team-risk\ntitle: Our risk check\nduration: 6m\n"
        "sections:\n  - {id: signals, timebox: 4m}\n",
    )
    playbook = load_file(team)
    assert [s.id for s in playbook.sections] == ["signals", "cost"]
    assert playbook.sections[0].timebox == "4m" and playbook.recommendations
    listed = json.loads(run("list", "--format", "json").stdout)
    assert next(row for row in listed if row["id"] == "team-risk")["valid"] is True


def test_a_team_copy_of_reset_may_extend_the_builtin_of_the_same_id(playbooks: Path) -> None:
    reset = write(playbooks, "reset.yaml", "extends: reset\ntitle: Our reset\n")
    playbook = load_file(reset)
    assert playbook.id == "reset" and playbook.title == "Our reset"
    assert len(playbook.sections) == 6


def test_an_inherited_id_that_does_not_fit_the_file_points_at_extends(run, playbooks: Path) -> None:
    write(playbooks, "base.yaml", BASE)
    write(playbooks, "team.yaml", "title: Ours\nextends: base\n")
    assert problems(run, str(playbooks / "team.yaml")) == [
        f"{playbooks}/team.yaml:2:10: id 'base' comes from the playbook extended and does not "
        "match the file name: set id: team"
    ]


def test_a_problem_in_the_result_points_into_the_base_and_says_through_which_extends(
    run, playbooks: Path
) -> None:
    write(playbooks, "base.yaml", BASE)
    write(
        playbooks, "team.yaml", "extends: base\nid: team\nsections:\n  - {id: first, timebox: 1m}\n"
    )
    assert problems(run, str(playbooks / "team.yaml")) == [
        f"{playbooks}/base.yaml:4:11: sections' timeboxes add up to 11m but duration is 15m: "
        f"make them agree (extended by {playbooks}/team.yaml:1:10)"
    ]


def test_unknown_playbook_to_extend_is_one_line(run, playbooks: Path) -> None:
    write(playbooks, "team.yaml", "extends: resett\nid: team\n")
    assert problems(run, str(playbooks / "team.yaml")) == [
        f"{playbooks}/team.yaml:1:10: extends 'resett': no playbook 'resett' on the search path "
        "(did you mean 'reset'?) ('resetkit list' shows them)"
    ]


def test_extends_cycle_is_refused(run, playbooks: Path) -> None:
    write(playbooks, "a.yaml", "extends: b\nid: a\n")
    write(playbooks, "b.yaml", "extends: a\nid: b\n")
    [line] = problems(run, str(playbooks / "a.yaml"))
    assert line == (
        f"{playbooks}/b.yaml:1:10: extends cycle: {playbooks}/a.yaml -> {playbooks}/b.yaml -> "
        f"{playbooks}/a.yaml (extended by {playbooks}/a.yaml:1:10)"
    )


def test_removing_or_placing_by_an_unknown_id_is_refused(run, playbooks: Path) -> None:
    write(playbooks, "base.yaml", BASE)
    write(
        playbooks,
        "team.yaml",
        "extends: base\nid: team\nsections:\n  - {id: secnd, remove: true}\n"
        "  - {id: x, title: X, timebox: 0m, guidance: G, before: thrid}\n",
    )
    assert problems(run, str(playbooks / "team.yaml")) == [
        f"{playbooks}/team.yaml:4:10: remove: the playbook extended has no section 'secnd' "
        "(did you mean 'second'?)",
        f"{playbooks}/team.yaml:5:57: before: no section 'thrid' to place this one before "
        "(did you mean 'third'?)",
    ]


# --- show, list, validate ---------------------------------------------------------------------


def test_show_sources_says_where_each_section_comes_from(run, playbooks: Path) -> None:
    write(playbooks, "base.yaml", BASE)
    write(
        playbooks,
        "team.yaml",
        "extends: base\nid: team\nsections:\n  - {id: first, timebox: 0m}\n"
        "  - {include: common/opening.yaml#opening, before: first}\n",
    )
    result = run("show", "team", "--sources")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0] == "team: 4 sections from 3 files"
    assert lines[1:7] == [
        "SECTIONS",
        f"opening {playbooks}/common/opening.yaml:2:5 (included from {playbooks}/team.yaml:5:15)",
        f"first {playbooks}/base.yaml:6:5 (extended by {playbooks}/team.yaml:1:10)",
        f"timebox {playbooks}/team.yaml:4:26",
        f"second {playbooks}/base.yaml:10:5 (extended by {playbooks}/team.yaml:1:10)",
        f"third {playbooks}/base.yaml:14:5 (extended by {playbooks}/team.yaml:1:10)",
    ]
    assert f"title {playbooks}/base.yaml:2:8 (extended by {playbooks}/team.yaml:1:10)" in lines
    assert f"id {playbooks}/team.yaml:2:5" in lines


def test_shared_parts_in_a_subfolder_are_not_playbooks(run, playbooks: Path) -> None:
    write(playbooks, "kickoff.yaml", KICKOFF)
    listed = [row["id"] for row in json.loads(run("list", "--format", "json").stdout)]
    assert "kickoff" in listed and "opening" not in listed
    result = run("validate", str(playbooks), "--format", "json")
    assert result.exit_code == 0
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [
        str(playbooks / "kickoff.yaml")
    ]
    everything = run("validate")
    assert everything.exit_code == 0 and "6 playbooks checked: all valid" in everything.stderr


def test_validate_a_shared_part_by_name_checks_its_sections(run, playbooks: Path) -> None:
    part = playbooks / "common" / "opening.yaml"
    result = run("validate", str(part))
    assert result.exit_code == 0
    assert f"{part}: a shared part (sections that playbooks include), not a playbook" in (
        result.stderr
    )
    write(playbooks, "common/opening.yaml", OPENING.replace("    title: Close\n", ""))
    assert problems(run, str(part)) == [
        f"{part}:10:5: section 'close': missing required key 'title'"
    ]


def test_a_shared_part_among_the_playbooks_is_named_for_what_it_is(run, playbooks: Path) -> None:
    write(playbooks, "opening.yaml", OPENING)
    [line] = problems(run, str(playbooks))
    assert "this file holds only sections: it is a shared part, not a playbook" in line


def test_validate_json_names_the_file_of_a_problem_in_an_included_file(
    run, playbooks: Path
) -> None:
    write(playbooks, "kickoff.yaml", KICKOFF.replace("#close", "#clse"))
    write(playbooks, "common/opening.yaml", OPENING.replace("type: text", "type: txt"))
    result = run("validate", str(playbooks / "kickoff.yaml"), "--format", "json")
    found = json.loads(result.stdout)["files"][0]["problems"]
    assert found[0] == {
        "line": 13,
        "column": 14,
        "message": f"include 'common/opening.yaml#clse': no section 'clse' in "
        f"{playbooks}/common/opening.yaml (did you mean 'close'?)",
    }
    assert found[1]["file"] == f"{playbooks}/common/opening.yaml" and found[1]["line"] == 7


# --- a run ------------------------------------------------------------------------------------


def test_a_composed_playbook_runs_end_to_end_from_an_answers_file(run, playbooks: Path) -> None:
    write(
        playbooks,
        "team-risk.yaml",
        "extends: risk-check\nid: team-risk\ntitle: Our risk check\nduration: 10m\n"
        "sections:\n  - {include: common/opening.yaml#opening, before: signals}\n",
    )
    answers = write(
        playbooks.parent,
        "answers.yaml",
        yaml.safe_dump({"customer": "Acme Corp", "answers": {"mood": "Calm", **QUIET_RISK_CHECK}}),
    )
    notes = playbooks.parent / "notes"
    template = run("answers-template", "team-risk")
    assert "mood: null" in template.stdout
    result = run(
        "start", "team-risk", "--answers", str(answers), "--no-input", "--notes-dir", str(notes)
    )
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.splitlines()]
    notes_md = next(path for path in written if path.name == "notes.md").read_text("utf-8")
    text = "".join(
        token.content for token in MarkdownIt().parse(notes_md) if token.type == "inline"
    )
    assert "Opening" in text and "Calm" in text and "Warning signs" in text
    record = json.loads((written[0].parent / "session.json").read_text("utf-8"))
    assert record["playbook_id"] == "team-risk" and record["status"] == "complete"

    # What the session records as run changes with the shared part, not only with the file.
    write(playbooks, "common/opening.yaml", OPENING.replace("How do they sound?", "Tone?"))
    again = run(
        "start", "team-risk", "--answers", str(answers), "--no-input", "--notes-dir", str(notes)
    )
    assert again.exit_code == 0, again.output
    second = Path(again.stdout.splitlines()[0]).parent / "session.json"
    assert json.loads(second.read_text("utf-8"))["playbook_hash"] != record["playbook_hash"]


def test_the_hash_of_a_plain_playbook_is_that_of_its_text(playbooks: Path) -> None:
    from resetkit.record.session import playbook_hash
    from resetkit.run.start import playbook_text

    base = write(playbooks, "base.yaml", BASE)
    assert playbook_hash(playbook_text(base, BASE)) == playbook_hash(BASE)
    kickoff = write(playbooks, "kickoff.yaml", KICKOFF)
    assert playbook_text(kickoff, KICKOFF) == KICKOFF + "\0" + OPENING
    assert os.path.exists(kickoff)


def test_changing_a_section_the_base_lacks_says_so(run, playbooks: Path) -> None:
    write(playbooks, "base.yaml", BASE)
    write(
        playbooks, "team.yaml", "extends: base\nid: team\nsections:\n  - {id: secnd, timebox: 1m}\n"
    )
    assert problems(run, str(playbooks / "team.yaml")) == [
        f"{playbooks}/team.yaml:4:10: the playbook extended has no section 'secnd' "
        "(did you mean 'second'?); a new section needs a title"
    ]


def test_a_hostile_include_value_never_reaches_the_terminal_raw(run, playbooks: Path) -> None:
    write(
        playbooks,
        "team.yaml",
        'id: team\ntitle: Team\nduration: 5m\nsections:\n  - include: "\\e[2Jx.yaml"\n',
    )
    [line] = problems(run, str(playbooks / "team.yaml"))
    assert "\x1b" not in line and "include '\\x1b[2Jx.yaml': no such file" in line
