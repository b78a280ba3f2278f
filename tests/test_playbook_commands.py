"""The playbook commands as a user runs them: list, show, validate, schema, new, where."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from resetkit import __version__
from resetkit.places import builtin_dir

BUILT_INS = ["fire", "postmortem", "recovery", "reset", "risk-check"]

SMALL = """id: {id}
title: {title}
duration: 5m
sections:
  - id: only
    title: Only
    timebox: 5m
    guidance: Talk.
"""


def write_playbook(folder: Path, playbook_id: str, title: str = "Local one") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{playbook_id}.yaml"
    path.write_text(SMALL.format(id=playbook_id, title=title), "utf-8")
    return path


def test_version_prints_the_package_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"resetkit {__version__}\n"


def test_list_shows_every_builtin(run) -> None:
    result = run("list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == BUILT_INS
    assert all(row["source"] == "built-in" and row["valid"] for row in rows)
    reset = next(row for row in rows if row["id"] == "reset")
    assert reset["duration"] == "30m" and reset["sections"] == 6


def test_list_table_names_columns_and_sources(run) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "ID" in result.stdout and "FROM" in result.stdout
    assert "Reset the relationship" in result.stdout
    assert result.stdout.count("built-in") == 5


def test_project_playbook_overrides_builtin_and_list_says_so(run, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    write_playbook(isolated / "playbooks", "reset", title="Our own reset")
    rows = {row["id"]: row for row in json.loads(run("list", "--format", "json").stdout)}
    assert rows["reset"]["title"] == "Our own reset"
    assert rows["reset"]["source"] == "project"
    assert rows["reset"]["overrides"] == [str(builtin_dir() / "reset.yaml")]
    assert "project (overrides built-in)" in run("list").stdout


def test_project_playbooks_are_found_from_a_subfolder_up_to_the_git_root(
    run, isolated: Path
) -> None:
    (isolated / ".git").mkdir()
    write_playbook(isolated / "playbooks", "team-call")
    (isolated / "deep" / "er").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "resetkit", "list", "--format", "json"],
        cwd=isolated / "deep" / "er",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "team-call" in [row["id"] for row in json.loads(result.stdout)]


def test_env_playbook_dirs_are_searched_in_order(run, isolated: Path, monkeypatch) -> None:
    first, second = isolated / "one", isolated / "two"
    write_playbook(first, "shared", title="From one")
    write_playbook(second, "shared", title="From two")
    monkeypatch.setenv("RESETKIT_PLAYBOOKS", f"{first}:{second}")
    rows = {row["id"]: row for row in json.loads(run("list", "--format", "json").stdout)}
    assert rows["shared"]["title"] == "From one"
    assert rows["shared"]["overrides"] == [str(second / "shared.yaml")]


def test_user_config_dir_playbooks_are_listed(run, isolated: Path) -> None:
    home = isolated.parent / "home"
    write_playbook(home / ".config" / "resetkit" / "playbooks", "mine")
    rows = {row["id"]: row for row in json.loads(run("list", "--format", "json").stdout)}
    assert rows["mine"]["source"] == "user"


def test_list_marks_an_invalid_playbook_without_failing(run, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    (isolated / "playbooks" / "bad.yaml").write_text("id: bad\n", "utf-8")
    result = run("list")
    assert result.exit_code == 0
    assert "invalid" in result.stdout


def test_show_prints_markdown_when_piped(run) -> None:
    result = run("show", "reset")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Reset the relationship\n")
    assert "## 6. Agree on the outcome (5m, minute 25 to 30)" in result.stdout
    assert "only if outcome is terminate" in result.stdout
    assert "## Possible outcomes" in result.stdout
    assert "## What the customer gets" in result.stdout
    assert "- **Next steps**: Action items, each with an owner and a due date" in result.stdout


def test_show_says_an_internal_playbook_sends_nothing(run) -> None:
    result = run("show", "postmortem")
    assert "## What the customer gets\n\nNothing: this playbook is internal." in result.stdout


def test_show_rich_renders_for_a_terminal(run) -> None:
    result = run("show", "risk-check", "--format", "rich")
    assert result.exit_code == 0
    assert "Five-minute account risk check" in result.stdout
    assert "# Five-minute" not in result.stdout


def test_show_accepts_a_path(run, isolated: Path) -> None:
    path = write_playbook(isolated / "drafts", "draft")
    result = run("show", str(path), "--format", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Local one")


def test_show_unknown_id_suggests_the_closest(run) -> None:
    result = run("show", "rest")
    assert result.exit_code == 2
    assert "no playbook 'rest' (did you mean 'reset'?)" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("typed", ["Reset", "RESET", " reset", "reSet "])
@pytest.mark.parametrize("command", ["show", "timing"])
def test_a_playbook_id_in_another_case_names_that_playbook(run, typed: str, command: str) -> None:
    result = run(command, typed, *(["--format", "md"] if command == "show" else []))
    assert result.exit_code == 0, result.stderr
    assert "no playbook" not in result.stderr


@pytest.mark.parametrize(("typed", "meant"), [("risk", "risk-check"), ("post", "postmortem")])
def test_the_start_of_one_playbook_id_is_offered_as_that_playbook(
    run, typed: str, meant: str
) -> None:
    result = run("timing", typed)
    assert result.exit_code == 2
    assert f"no playbook '{typed}' (did you mean '{meant}'?)" in result.stderr


def test_show_invalid_playbook_prints_its_problems_and_exits_2(run, isolated: Path) -> None:
    path = isolated / "bad.yaml"
    path.write_text("id: bad\ntitle: x\n", "utf-8")
    result = run("show", str(path))
    assert result.exit_code == 2
    assert f"{path}:1:1: missing required key 'duration'" in result.stderr


def test_validate_all_builtins_passes(run) -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert "5 playbooks checked: all valid" in result.stderr


def test_validate_json_reports_problems_with_positions(run, isolated: Path) -> None:
    bad = isolated / "bad.yaml"
    bad.write_text(SMALL.format(id="bad", title="x").replace("guidance", "guidanse"), "utf-8")
    good = write_playbook(isolated, "good")
    result = run("validate", str(bad), str(good), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["files"][1] == {"path": str(good), "valid": True, "problems": []}
    assert report["files"][0]["problems"] == [
        {
            "line": 8,
            "column": 5,
            "message": "section 'only': unknown key 'guidanse' in a section "
            "(did you mean 'guidance'?)",
        },
    ]


def test_validate_missing_file_is_a_usage_error(run, isolated: Path) -> None:
    result = run("validate", str(isolated / "nope.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_schema_is_json_schema_of_the_format(run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "resetkit playbook"
    assert {"id", "title", "duration", "sections"} <= set(schema["required"])


def test_shipped_schema_file_matches_the_schema_command(run) -> None:
    shipped = (builtin_dir() / "playbook.schema.json").read_text("utf-8")
    assert shipped == run("schema").stdout, "regenerate it: resetkit schema -o " + str(
        builtin_dir() / "playbook.schema.json"
    )


def test_new_writes_a_valid_playbook_with_schema_beside_it(run, isolated: Path) -> None:
    result = run("new", "renewal-call")
    assert result.exit_code == 0
    path = isolated / "playbooks" / "renewal-call.yaml"
    assert result.stdout.strip() == str(path)
    assert path.read_text("utf-8").startswith(
        "# yaml-language-server: $schema=playbook.schema.json"
    )
    assert (isolated / "playbooks" / "playbook.schema.json").is_file()
    assert run("validate", str(path)).exit_code == 0
    assert run("show", "renewal-call").exit_code == 0


def test_new_from_existing_copies_it_under_the_new_id(run, isolated: Path) -> None:
    result = run("new", "our-reset", "--from", "reset")
    assert result.exit_code == 0
    text = (isolated / "playbooks" / "our-reset.yaml").read_text("utf-8")
    assert "\nid: our-reset\n" in text and "title: Reset the relationship" in text
    assert run("validate", str(isolated / "playbooks" / "our-reset.yaml")).exit_code == 0


def test_new_refuses_to_overwrite_and_rejects_bad_ids(run, isolated: Path) -> None:
    assert run("new", "call").exit_code == 0
    again = run("new", "call")
    assert again.exit_code == 2 and "already exists" in again.stderr
    bad = run("new", "Bad/Id")
    assert bad.exit_code == 2 and "not a valid id" in bad.stderr
    assert not (isolated / "playbooks" / "Bad").exists()


def test_where_lists_the_search_path_in_order(run, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    lines = run("where").stdout.splitlines()
    assert lines[0].startswith("notes      ") and "[your data dir]" in lines[0]
    assert lines[1].startswith(f"playbooks  {isolated / 'playbooks'}")
    assert "shipped with resetkit" in lines[-3]
    assert lines[-2].startswith("index      ") and "a cache, safe to delete" in lines[-2]
    assert lines[-1].startswith("screens    ") and "first screens of playbooks" in lines[-1]


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "resetkit", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"resetkit {__version__}\n"


def test_help_and_version_do_not_import_pydantic_or_prompt_toolkit() -> None:
    probe = (
        "import sys\n"
        "from resetkit.cli import main\n"
        "for args in (['--help'], ['--version']):\n"
        "    sys.argv = ['resetkit', *args]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "names = ('pydantic', 'prompt_toolkit', 'rich', 'yaml')\n"
        "heavy = sorted(m for m in names if m in sys.modules)\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stderr == "[]"


def test_an_identical_copy_of_a_builtin_is_not_an_override(run, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    source = builtin_dir() / "reset.yaml"
    (isolated / "playbooks" / "reset.yaml").write_bytes(source.read_bytes())
    rows = {row["id"]: row for row in json.loads(run("list", "--format", "json").stdout)}
    assert rows["reset"]["overrides"] == []
    assert rows["reset"]["same_as"] == [str(source)]
    assert "project (same as built-in)" in run("list").stdout


def test_list_shows_a_title_with_markup_as_written(run, isolated: Path) -> None:
    (isolated / ".git").mkdir()
    write_playbook(isolated / "playbooks", "odd", title="'[/]Odd [bold]one'")
    result = run("list")
    assert result.exit_code == 0
    assert "[/]Odd [bold]one" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["start", "reset", "--bogus"], "no such option: --bogus (see 'resetkit start -h')"),
        (["export", "--format", "xml"], "invalid value for '--format'"),
        (["actions", "move", "abc", "--due", "+1d"], "missing option '--reason'"),
        (["nonsense"], "no such command 'nonsense'"),
    ],
)
def test_a_bad_option_or_command_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    script = Path(sys.executable).parent / "resetkit"
    done = subprocess.run([str(script), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("resetkit: ") and says in line
