"""`validate` lists every problem of a file in one run, resetkit.toml included."""

from __future__ import annotations

from pathlib import Path

BROKEN_IN_FIVE_WAYS = """\
id: five-ways
title: Broken five ways
duration: 10m
sections:
  - id: main
    title: Main
    timebox: 3 min
    questions:
      - id: name
        type: text
        prompt: Name?
        when: {question: nowhere, answered: true}
      - id: name
        type: text
        prompt: Again?
  - id: main
    title: Second
    timebox: 5m
    guidance: Talk.
    questions:
      - id: size
        type: number
        prompt: How many?
        colour: blue
"""


def test_a_bad_timebox_hides_no_other_problem(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    path = isolated / "five-ways.yaml"
    path.write_text(BROKEN_IN_FIVE_WAYS, "utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    found = [line.removeprefix(f"{path}:") for line in lines]
    assert found[0] == (
        "7:14: section 'main': '3 min' is not a duration: write it like 30m, 1h or 1h30m"
    )
    assert any(line.startswith("12:26:") and "'nowhere'" in line for line in found), found
    assert any(line.startswith("13:13:") and "already used" in line for line in found), found
    assert any(line.startswith("16:9:") and "already used" in line for line in found), found
    assert any(line.startswith("24:9:") and "colour" in line for line in found), found
    # The sum of the timeboxes, one of which could not be read, would be noise.
    assert not any("add up" in line for line in found), found
    assert len(found) == 5


def test_an_unknown_key_in_resetkit_toml_is_reported_where_it_stands(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    config = isolated / "resetkit.toml"
    config.write_text('# team notes\nnotes_dri = "team-notes"\n', "utf-8")
    checked = run("validate", str(config))
    assert checked.exit_code == 1
    assert f"{config}:2:1: unknown key 'notes_dri' (did you mean 'notes_dir'?)" in checked.stdout
    # Every command that reads it refuses it, rather than put notes where nobody meant.
    used = run("sessions")
    assert used.exit_code == 2
    assert "resetkit.toml:2:1: unknown key 'notes_dri'" in used.output


def test_resetkit_toml_syntax_and_values_are_reported_at_line_and_column(
    run, isolated: Path
) -> None:  # type: ignore[no-untyped-def]
    config = isolated / "resetkit.toml"
    config.write_text("notes_dir = 3\n", "utf-8")
    assert f"{config}:1:1: notes_dir must be a folder path" in run("validate", str(config)).stdout
    config.write_text("\nnotes_dir = \n", "utf-8")
    result = run("validate", str(config))
    assert f"{config}:2:13: invalid TOML: Invalid value" in result.stdout
