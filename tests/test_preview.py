"""Previews: what a playbook makes of an answers file, written with no session, and the
examples kept beside playbooks, checked so a pull request shows their Markdown diff."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import TODAY
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.run.preview import PREVIEW_FILES

BUILTINS = ["fire", "postmortem", "recovery", "reset", "risk-check"]
FILES = ["notes.md", "action-plan.md", "shared.md"]

RISK_CHECK = {
    "customer": "Globex Corporation",
    "preview_date": "2026-11-24",
    "answers": {
        "silence": "silent",
        "acquisition": True,
        "champion-left": True,
        "other-contacts": False,
        "chronic": False,
        "hours-last-month": 6,
        "monthly-value": 1800,
        "cost-vs-value": "fair",
    },
}


def write_yaml(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def builtin_examples() -> list[Path]:
    return sorted((builtin_dir() / "examples").glob("*/*.yaml"))


def headings(markdown: str) -> list[str]:
    """The text of every heading, as a CommonMark parser reads the file."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        tokens[index + 1].content
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def list_items(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        tokens[index + 2].content
        for index, token in enumerate(tokens)
        if token.type == "list_item_open" and tokens[index + 2].type == "inline"
    ]


def project_with_reset(isolated: Path) -> tuple[Path, Path]:
    """A team's playbooks/ holding a copy of reset and one example of it, not yet rendered."""
    playbook = isolated / "playbooks" / "reset.yaml"
    playbook.parent.mkdir()
    shutil.copyfile(builtin_dir() / "reset.yaml", playbook)
    example = isolated / "playbooks" / "examples" / "reset" / "feature.yaml"
    example.parent.mkdir(parents=True)
    shutil.copyfile(builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml", example)
    return playbook, example


# --- one preview ------------------------------------------------------------------------------


def test_preview_writes_the_three_files_beside_the_answers_and_creates_no_session(
    run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = isolated / "notes"
    cache = isolated / "cache"
    monkeypatch.setenv("RESETKIT_NOTES_DIR", str(notes))
    monkeypatch.setenv("RESETKIT_CACHE_DIR", str(cache))
    answers = builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml"
    shutil.copyfile(answers, isolated / "feature.yaml")
    result = run("preview", "reset", "--answers", "feature.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"feature/{name}" for name in FILES]
    for name in FILES:
        assert (isolated / "feature" / name).read_bytes()
    assert not notes.exists() and not cache.exists()
    assert "no session was created" in result.stderr
    assert "dated Tuesday 24 November 2026" in result.stderr  # its preview_date


def test_a_preview_without_a_date_says_which_day_it_is_dated(run, isolated: Path) -> None:
    answers = builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml"
    text = answers.read_text("utf-8").replace("preview_date: 2026-11-24\n", "")
    (isolated / "undated.yaml").write_text(text, "utf-8")
    result = run("preview", "reset", "--answers", "undated.yaml")
    assert result.exit_code == 0, result.stderr
    assert "dated Monday 5 January 2026 ('preview_date:' in the answers file" in result.stderr


def test_preview_of_an_internal_playbook_writes_no_customer_copy(run, isolated: Path) -> None:
    write_yaml(isolated / "check.yaml", RISK_CHECK)
    result = run("preview", "risk-check", "--answers", "check.yaml", "--out", "out")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (isolated / "out").iterdir()) == ["action-plan.md", "notes.md"]


@pytest.mark.dated
@pytest.mark.parametrize("example", builtin_examples(), ids=lambda path: path.stem)
def test_a_preview_is_byte_identical_to_what_a_real_run_writes(
    run, isolated: Path, example: Path
) -> None:
    # The real run is dated today: the preview is set on the same day.
    content = yaml.safe_load(example.read_text("utf-8"))
    content["preview_date"] = TODAY.isoformat()
    answers = write_yaml(isolated / "answers.yaml", content)
    playbook = example.parent.name
    # --allow-past: an example's due dates are fixed, and the suite may run years later.
    real = run(
        "start", playbook, "--answers", str(answers), "--no-input", "--allow-past",
        "--notes-dir", "notes",
    )  # fmt: skip
    assert real.exit_code == 0, real.stderr
    folder = Path(real.stdout.splitlines()[0]).parent
    previewed = run("preview", playbook, "--answers", str(answers), "--out", "preview")
    assert previewed.exit_code == 0, previewed.stderr
    made = sorted(path.name for path in (isolated / "preview").iterdir())
    assert made == sorted(name for name in PREVIEW_FILES if (folder / name).exists())
    for name in made:
        assert (isolated / "preview" / name).read_bytes() == (folder / name).read_bytes(), name


def test_relative_dates_count_from_the_preview_date_whatever_day_it_is(run, isolated: Path) -> None:
    content = yaml.safe_load(
        (builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml").read_text("utf-8")
    )
    content["preview_date"] = "2030-03-04"  # +1w in the file: 2030-03-11
    write_yaml(isolated / "later.yaml", content)
    assert run("preview", "reset", "--answers", "later.yaml").exit_code == 0
    plan = (isolated / "later" / "action-plan.md").read_text("utf-8")
    assert "From the Reset the relationship session on 2030-03-04." in plan
    assert "| 2030-03-11 |" in plan
    assert "Monday 4 March 2030" in (isolated / "later" / "shared.md").read_text("utf-8")


def test_without_a_preview_date_a_preview_is_dated_a_fixed_day(run, isolated: Path) -> None:
    content = {k: v for k, v in RISK_CHECK.items() if k != "preview_date"}
    write_yaml(isolated / "check.yaml", content)
    assert run("preview", "risk-check", "--answers", "check.yaml", "--out", "a").exit_code == 0
    notes = (isolated / "a" / "notes.md").read_text("utf-8")
    assert "**Date:** 2026-01-05" in notes
    assert run("preview", "risk-check", "--answers", "check.yaml", "--out", "b").exit_code == 0
    assert (isolated / "b" / "notes.md").read_text("utf-8") == notes


def test_the_files_read_as_markdown_with_the_sections_answers_and_next_steps(
    run, isolated: Path
) -> None:
    answers = builtin_dir() / "examples" / "recovery" / "missed-go-live.yaml"
    assert run("preview", "recovery", "--answers", str(answers), "--out", "p").exit_code == 0
    notes = (isolated / "p" / "notes.md").read_text("utf-8").split("---\n", 2)[2]
    assert headings(notes)[0] == "Recover a troubled account: Contoso Pharma"
    assert {"Own our mistakes", "The action plan", "Status meetings"} <= set(headings(notes))
    shared = (isolated / "p" / "shared.md").read_text("utf-8")
    assert headings(shared)[:3] == [
        "Our recovery plan: Contoso Pharma",
        "The problem we agreed on",
        "The action plan",
    ]
    assert any(
        item.startswith("Omar Haddad (your team): Agree one list of mandatory product fields")
        and "by Tuesday 1 December 2026" in item
        for item in list_items(shared)
    )
    plan = (isolated / "p" / "action-plan.md").read_text("utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(plan)
    cells = [t.content for t in tokens if t.type == "inline"]
    assert "Test import of the full catalogue in the staging site" in cells


def test_the_customer_copy_never_carries_what_the_recap_does_not_name(run, isolated: Path) -> None:
    playbook = load_file(builtin_dir() / "reset.yaml")
    content = yaml.safe_load(
        (builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml").read_text("utf-8")
    )
    unnamed = [
        question_id
        for question_id, value in content["answers"].items()
        if question_id not in playbook.recap_answers and isinstance(value, str)
    ]
    assert len(unnamed) >= 2  # the gap, their first reaction: ours alone
    for question_id in unnamed:
        if playbook.question(question_id).type in ("text", "long_text"):
            content["answers"][question_id] = f"MARKER-{question_id}"
    write_yaml(isolated / "marked.yaml", content)
    assert run("preview", "reset", "--answers", "marked.yaml").exit_code == 0
    notes = (isolated / "marked" / "notes.md").read_text("utf-8")
    shared = (isolated / "marked" / "shared.md").read_text("utf-8")
    markers = [f"MARKER-{q}" for q in unnamed if f"MARKER-{q}" in content["answers"].values()]
    assert markers and all(marker in notes for marker in markers)
    assert not any(marker in shared for marker in markers)


def test_control_characters_in_answers_do_not_reach_the_files_raw(run, isolated: Path) -> None:
    content = yaml.safe_load(
        (builtin_dir() / "examples" / "reset" / "waiting-for-a-feature.yaml").read_text("utf-8")
    )
    hostile = "Fine\x1b]0;pwned\x07 then\x1b[2J cleared\x9b31m\x00"
    content["answers"]["real-problem"] = hostile  # sent to the customer
    content["answers"]["first-reaction"] = hostile  # ours only
    content["answers"]["actions"][0]["what"] = hostile
    write_yaml(isolated / "hostile.yaml", content)
    result = run("preview", "reset", "--answers", "hostile.yaml")
    assert result.exit_code == 0, result.stderr
    for name in FILES:
        text = (isolated / "hostile" / name).read_text("utf-8")
        assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text)
        assert "\\x1b" in text, name


def test_a_bad_answers_file_is_one_line_at_file_line_col_and_nothing_is_written(
    run, isolated: Path
) -> None:
    content = {**RISK_CHECK, "answers": {**RISK_CHECK["answers"], "silense": "quiet"}}
    write_yaml(isolated / "bad.yaml", content)
    result = run("preview", "risk-check", "--answers", "bad.yaml")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("resetkit: bad.yaml:12:12: 'silense': no such question")
    assert "(did you mean 'silence'?)" in lines[0]
    assert not (isolated / "bad").exists()


def test_a_relative_preview_date_is_refused_at_its_line(run, isolated: Path) -> None:
    write_yaml(isolated / "rel.yaml", {**RISK_CHECK, "preview_date": "+14d"})
    result = run("preview", "risk-check", "--answers", "rel.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("resetkit: rel.yaml:2:15: preview_date must be a day")


def test_a_preview_needs_the_customer(run, isolated: Path) -> None:
    write_yaml(isolated / "who.yaml", {k: v for k, v in RISK_CHECK.items() if k != "customer"})
    result = run("preview", "risk-check", "--answers", "who.yaml")
    assert result.exit_code == 2
    assert "who.yaml:1:1: a preview needs the customer" in result.stderr


@pytest.mark.dated
def test_start_takes_an_example_as_it_is_dated_today(run, isolated: Path) -> None:
    example = builtin_dir() / "examples" / "risk-check" / "champion-left.yaml"
    result = run(
        "start", "risk-check", "--answers", str(example), "--no-input", "--notes-dir", "notes"
    )
    assert result.exit_code == 0, result.stderr
    assert Path(result.stdout.splitlines()[0]).parent.name.startswith(TODAY.isoformat())


def test_out_is_refused_when_it_holds_anything_but_a_preview(run, isolated: Path) -> None:
    write_yaml(isolated / "check.yaml", RISK_CHECK)
    (isolated / "mine").mkdir()
    (isolated / "mine" / "todo.txt").write_text("keep me", "utf-8")
    result = run("preview", "risk-check", "--answers", "check.yaml", "--out", "mine")
    assert result.exit_code == 2
    assert "holds files a preview does not write (todo.txt)" in result.stderr
    assert sorted(p.name for p in (isolated / "mine").iterdir()) == ["todo.txt"]

    session = isolated / "notes" / "globex" / "2026-11-24-risk-check"
    session.mkdir(parents=True)
    (session / "session.json").write_text("{}", "utf-8")
    result = run("preview", "risk-check", "--answers", "check.yaml", "--out", str(session))
    assert result.exit_code == 2
    assert "is a session's folder" in result.stderr

    # A folder a preview wrote is rewritten, and a customer copy it no longer makes goes.
    (isolated / "again").mkdir()
    (isolated / "again" / "shared.md").write_text("an old customer copy", "utf-8")
    result = run("preview", "risk-check", "--answers", "check.yaml", "--out", "again")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (isolated / "again").iterdir()) == [
        "action-plan.md",
        "notes.md",
    ]


def test_answers_on_stdin_need_out(run, isolated: Path) -> None:
    text = yaml.safe_dump(RISK_CHECK)
    result = run("preview", "risk-check", "--answers", "-", input=text)
    assert result.exit_code == 2 and "need --out" in result.stderr
    result = run("preview", "risk-check", "--answers", "-", "--out", "o", input=text)
    assert result.exit_code == 0, result.stderr
    assert (isolated / "o" / "notes.md").is_file()


def test_preview_without_answers_or_check_is_a_usage_error(run) -> None:
    result = run("preview", "reset")
    assert result.exit_code == 2
    assert "--answers FILE, or --check / --update" in result.stderr


# --- examples beside playbooks ----------------------------------------------------------------


def test_builtin_examples_are_up_to_date(run) -> None:
    """CI fails until `resetkit preview --update` is run after a change to a built-in."""
    assert sorted({path.parent.name for path in builtin_examples()}) == BUILTINS
    result = run("preview", "--check", *BUILTINS)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == f"{len(builtin_examples())} examples checked: all up to date\n"


def test_check_fails_after_a_playbook_change_and_passes_after_update(run, isolated: Path) -> None:
    playbook, _ = project_with_reset(isolated)
    result = run("preview", "--check", "reset")
    assert result.exit_code == 1  # never rendered: every file is missing
    assert result.stdout.splitlines()[0] == (
        "playbooks/examples/reset/feature/notes.md is missing: "
        "playbooks/examples/reset/feature.yaml makes it"
    )
    assert run("preview", "--update", "reset").exit_code == 0
    assert run("preview", "--check").exit_code == 0
    rendered = isolated / "playbooks" / "examples" / "reset" / "feature"
    assert sorted(p.name for p in rendered.iterdir()) == sorted(FILES)

    text = playbook.read_text("utf-8")
    changed = text.replace("title: Where we go from here", "title: Our way forward")
    assert changed != text
    playbook.write_text(changed, "utf-8")
    result = run("preview", "--check")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0] == (
        "playbooks/examples/reset/feature/shared.md differs from what "
        "playbooks/examples/reset/feature.yaml renders now"
    )
    assert "-Where we go from here: Northwind Logistics" in out
    assert "+Our way forward: Northwind Logistics" in out
    assert "out of date: run 'resetkit preview --update'" in result.stderr
    assert "Where we go from here" in (rendered / "shared.md").read_text("utf-8")

    result = run("preview", "--update")
    assert result.exit_code == 0
    assert result.stdout == "wrote playbooks/examples/reset/feature/shared.md\n"
    assert run("preview", "--check", "playbooks/reset.yaml").exit_code == 0


def test_check_names_an_example_whose_answers_no_longer_fit(run, isolated: Path) -> None:
    playbook, _ = project_with_reset(isolated)
    assert run("preview", "--update").exit_code == 0
    playbook.write_text(
        playbook.read_text("utf-8").replace("id: first-reaction", "id: their-reaction"), "utf-8"
    )
    for flag in ("--check", "--update"):
        result = run("preview", flag)
        assert result.exit_code == 1
        assert "playbooks/examples/reset/feature.yaml:" in result.stdout
        assert "'first-reaction': no such question in playbook 'reset'" in result.stdout
        assert "1 cannot be rendered" in result.stderr


def test_list_and_validate_do_not_take_examples_for_playbooks(run, isolated: Path) -> None:
    project_with_reset(isolated)
    assert run("preview", "--update").exit_code == 0
    listed = run("list", "--format", "json")
    assert sorted(row["id"] for row in yaml.safe_load(listed.stdout)) == BUILTINS
    result = run("validate")
    assert result.exit_code == 0
    assert result.stderr == "5 playbooks checked: all valid\n"  # our reset is a copy
    assert run("validate", "playbooks").stderr == "1 playbook checked: all valid\n"


def test_the_pre_commit_hooks_validate_playbooks_only_and_check_the_examples() -> None:
    import re

    from conftest import REPO

    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    validate = hooks["resetkit-validate"]

    def validated(path: str) -> bool:
        return bool(re.search(validate["files"], path)) and not re.search(validate["exclude"], path)

    assert validated("playbooks/renewal.yaml")
    assert not validated("playbooks/examples/renewal/churn.yaml")
    assert hooks["resetkit-preview-check"]["entry"] == "resetkit preview --check"


def test_a_customer_copy_the_playbook_no_longer_makes_is_stale_and_removed(
    run, isolated: Path
) -> None:
    playbook = isolated / "playbooks" / "risk-check.yaml"
    playbook.parent.mkdir()
    shutil.copyfile(builtin_dir() / "risk-check.yaml", playbook)
    write_yaml(isolated / "playbooks" / "examples" / "risk-check" / "quiet.yaml", RISK_CHECK)
    assert run("preview", "--update", "risk-check").exit_code == 0
    rendered = isolated / "playbooks" / "examples" / "risk-check" / "quiet"
    (rendered / "shared.md").write_text("a recap from before it went internal\n", "utf-8")
    result = run("preview", "--check", "risk-check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "playbooks/examples/risk-check/quiet/shared.md is no longer made from "
        "playbooks/examples/risk-check/quiet.yaml: --update removes it",
        "--- playbooks/examples/risk-check/quiet/shared.md (committed)",
        "+++ /dev/null",
    ]
    result = run("preview", "--update", "risk-check")
    assert result.stdout == "removed playbooks/examples/risk-check/quiet/shared.md\n"
    assert not (rendered / "shared.md").exists()
