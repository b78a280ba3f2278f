"""Timeboxes that learn from the meetings: `resetkit timing`, and `--suggest` applied with git."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from conftest import TODAY
from generate_history import generate
from resetkit.format.loader import load_file
from resetkit.history.timing import Held, apportion, suggest_minutes, timing_of
from resetkit.places import builtin_dir, customer_slug
from resetkit.record.session import Attendee, Session, playbook_hash
from resetkit.storage import RECORD_FILE

# A team's playbook, written by hand: comments, a quoted timebox with a comment after it, a
# section in flow style, preparation before the call and a section with a condition.
SYNC = """\
# yaml-language-server: $schema=playbook.schema.json
# A weekly sync with the customer: kept short on purpose.
id: sync
title: Weekly sync
version: 2
duration: 30m
sections:
  - id: prep
    title: Before the call
    timebox: 0m
    questions:
      - {id: agenda, type: text, prompt: Agenda?}
  - id: news
    title: News
    timebox: '5m'   # keep it short
    questions:
      - {id: news-notes, type: text, prompt: News?}
  - {id: issues, title: Issues, timebox: "10m", questions: [{id: il, type: list, prompt: I?}]}
  - id: plan
    title: Plan
    timebox: 15m
    questions:
      - id: extra
        type: yes_no
        prompt: Extra topic?
  - id: extra-topic
    title: Extra topic
    timebox: 5m
    when: {question: extra, equals: true}
    questions:
      - {id: extra-notes, type: text, prompt: Notes?}
"""


@pytest.fixture
def notes(isolated: Path) -> Path:
    return isolated / "notes"


@pytest.fixture
def sync(isolated: Path) -> Path:
    """The sync playbook in the project's playbooks/, the folder a git repository."""
    folder = isolated / "playbooks"
    folder.mkdir()
    path = folder / "sync.yaml"
    path.write_text(SYNC, "utf-8")
    return path


def write_session(
    notes: Path,
    number: int,
    minutes: dict[str, float],
    *,
    days_ago: int = 1,
    status: str = "complete",
    planned: int = 30,
    version: str = "2",
    playbook_id: str = "sync",
    scripted: bool = False,
) -> Path:
    """A session record as a run saves it, with the minutes spent in each section."""
    customer = f"Acme {number}"
    day = TODAY - timedelta(days=days_ago)
    folder = notes / customer_slug(customer) / f"{day.isoformat()}-{playbook_id}"
    begun = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    seconds = {key: value * 60 for key, value in minutes.items()}
    session = Session(
        id=f"{folder.parent.name}/{folder.name}",
        playbook_id=playbook_id,
        playbook_title="Weekly sync",
        playbook_version=version,
        playbook_hash=playbook_hash(SYNC),
        playbook_path="playbooks/sync.yaml",
        customer=customer,
        attendees=[Attendee(name="Dana", role="CTO")],
        started_at=begun,
        ended_at=begun + timedelta(seconds=sum(seconds.values())),
        planned_minutes=planned,
        section_seconds=seconds,
        meeting_seconds=sum(seconds.values()),
        status=status,  # type: ignore[arg-type]
        scripted=scripted,
    )
    folder.mkdir(parents=True)
    (folder / RECORD_FILE).write_text(session.model_dump_json() + "\n", "utf-8")
    return folder


def sections(run: Any, *args: str) -> dict[str, dict[str, Any]]:
    result = run("timing", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {section["id"]: section for section in json.loads(result.stdout)["sections"]}


def git(folder: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=folder, input=stdin, capture_output=True, text=True, check=False
    )


def git_repo(folder: Path) -> None:
    assert git(folder, "init", "-q").returncode == 0
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "playbooks")


def without_timeboxes(text: str) -> str:
    """The text with every timebox value blanked: what must not change."""
    return re.sub(r"(timebox:\s*['\"]?)[0-9hm ]+?(['\"]?(\s|,|$))", r"\1_\2", text, flags=re.M)


def planned_total(path: Path) -> int:
    playbook = load_file(path)
    return sum(section.minutes for section in playbook.sections if section.when is None)


# --- the figures ------------------------------------------------------------------------------


def test_median_p80_and_overrun_share_are_exact(run, notes: Path, sync: Path) -> None:
    for number, news in enumerate([2, 4, 6, 8, 10]):
        write_session(notes, number, {"prep": 3, "news": news, "issues": 10, "plan": 14})
    found = sections(run, "sync", "--notes-dir", str(notes))
    news = found["news"]
    assert (news["timebox_minutes"], news["sessions"], news["skipped"]) == (5, 5, 0)
    assert news["median_minutes"] == 6
    assert news["p80_minutes"] == 8.4  # 8 + 0.2 x (10 - 8), interpolated as PERCENTILE.INC
    assert (news["over"], news["over_share"]) == (3, 0.6)  # 6, 8 and 10 minutes
    # Exactly the timebox is not over it, as the clock of a run shows it.
    assert (found["issues"]["over"], found["issues"]["over_share"]) == (0, 0.0)
    assert found["plan"]["median_minutes"] == 14
    # Preparation is timed, and never over.
    assert found["prep"]["median_minutes"] == 3
    assert (found["prep"]["over"], found["prep"]["over_share"]) == (None, None)


def test_a_section_not_run_counts_as_skipped_not_as_zero(run, notes: Path, sync: Path) -> None:
    write_session(notes, 1, {"news": 4, "plan": 15, "extra-topic": 9})
    write_session(notes, 2, {"news": 6, "plan": 15, "extra-topic": 0})
    write_session(notes, 3, {"news": 8, "plan": 15})
    found = sections(run, "sync", "--notes-dir", str(notes))
    extra = found["extra-topic"]
    assert extra["conditional"] is True
    assert (extra["sessions"], extra["skipped"], extra["median_minutes"]) == (1, 2, 9)
    assert (extra["over"], extra["over_share"]) == (1, 1.0)
    assert (found["issues"]["sessions"], found["issues"]["skipped"]) == (0, 3)
    assert found["issues"]["median_minutes"] is None


def test_a_meeting_planned_longer_is_compared_with_its_scaled_timebox(
    run, notes: Path, sync: Path
) -> None:
    # An hour planned for this 30m playbook: every timebox was twice as long in that meeting.
    write_session(notes, 1, {"news": 9, "issues": 22, "plan": 29}, planned=60)
    result = run("timing", "sync", "--notes-dir", str(notes), "--format", "json")
    whole = json.loads(result.stdout)
    assert whole["scaled_sessions"] == 1
    found = {section["id"]: section for section in whole["sections"]}
    # Minutes are shown at the playbook's own length: 9 of a 10m timebox is 4.5 of 5m.
    assert found["news"]["median_minutes"] == 4.5
    assert found["news"]["over"] == 0
    assert found["issues"]["median_minutes"] == 11
    assert found["issues"]["over"] == 1  # 22 minutes against the 20 it had
    assert found["plan"]["over"] == 0


def test_sections_the_playbook_no_longer_has_are_ignored(run, notes: Path, sync: Path) -> None:
    write_session(notes, 1, {"news": 4, "old-section": 30}, version="1")
    write_session(notes, 2, {"news": 6})
    result = run("timing", "sync", "--notes-dir", str(notes), "--format", "json")
    whole = json.loads(result.stdout)
    assert whole["other_version_sessions"] == 1
    assert [s["id"] for s in whole["sections"]] == ["prep", "news", "issues", "plan", "extra-topic"]
    assert whole["sections"][1]["median_minutes"] == 5
    table = run("timing", "sync", "--notes-dir", str(notes))
    assert table.exit_code == 0
    assert "1 session ran another version of the playbook" in table.stderr


def test_only_complete_sessions_count(run, notes: Path, sync: Path) -> None:
    write_session(notes, 1, {"news": 4})
    write_session(notes, 2, {"news": 50}, status="in_progress")
    write_session(notes, 3, {"news": 50}, status="discarded")
    write_session(notes, 4, {"news": 50}, playbook_id="other")
    found = sections(run, "sync", "--notes-dir", str(notes))
    assert (found["news"]["sessions"], found["news"]["median_minutes"]) == (1, 4)


@pytest.mark.dated
def test_since_leaves_earlier_sessions_out(run, notes: Path, sync: Path) -> None:
    write_session(notes, 1, {"news": 2}, days_ago=40)
    write_session(notes, 2, {"news": 7}, days_ago=10)
    since = (TODAY - timedelta(days=30)).isoformat()
    assert (
        sections(run, "sync", "--since", since, "--notes-dir", str(notes))["news"]["median_minutes"]
        == 7
    )
    assert (
        sections(run, "sync", "--since", "30d", "--notes-dir", str(notes))["news"]["sessions"] == 1
    )
    assert sections(run, "sync", "--notes-dir", str(notes))["news"]["sessions"] == 2
    refused = run("timing", "sync", "--since", "last week", "--notes-dir", str(notes))
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1
    assert "--since 'last week' is not a date" in refused.stderr


def test_a_time_that_is_not_a_number_counts_as_not_recorded(run, notes: Path, sync: Path) -> None:
    folder = write_session(notes, 1, {"news": 4, "plan": 16})
    path = folder / RECORD_FILE
    path.write_text(path.read_text("utf-8").replace("240.0", "NaN"), "utf-8")
    found = sections(run, "sync", "--notes-dir", str(notes))
    assert (found["news"]["sessions"], found["news"]["skipped"]) == (0, 1)
    assert found["plan"]["median_minutes"] == 16


def test_no_complete_sessions_is_said_in_one_line(run, notes: Path, sync: Path) -> None:
    write_session(notes, 1, {"news": 4}, status="in_progress")
    result = run("timing", "sync", "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no complete sessions of sync\n"
    since = run("timing", "sync", "--since", "2026-01-01", "--notes-dir", str(notes))
    assert since.exit_code == 0
    assert since.stderr == "no complete sessions of sync since 2026-01-01\n"
    assert json.loads(run("timing", "sync", "--format", "json").stdout)["sessions"] == 0


def test_an_unknown_playbook_is_refused(run, notes: Path) -> None:
    result = run("timing", "nope", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert result.stderr.startswith("resetkit: no playbook 'nope'")


# --- the formats ------------------------------------------------------------------------------


def test_piped_table_csv_and_markdown_carry_the_same_figures(run, notes: Path, sync: Path) -> None:
    for number, news in enumerate([2, 4, 6, 8, 10]):
        write_session(notes, number, {"news": news, "issues": 10, "plan": 14})
    table = run("timing", "sync", "--notes-dir", str(notes))
    rows = [line.split("\t") for line in table.stdout.splitlines()]
    assert rows[0] == [
        "SECTION", "TIMEBOX", "HELD", "SKIPPED", "MEDIAN", "80% UNDER", "OVER"
    ]  # fmt: skip
    # The section's title, as the CSM reads it; minutes as a clock says them.
    assert rows[2] == ["News", "5m", "5", "0", "6:00", "8:24", "60% (3)"]
    assert rows[5][0].endswith(" (when)") and "-" not in rows[5][0]
    assert table.stderr.startswith("sync (version 2, 30m): 5 complete sessions")

    records = list(
        csv.DictReader(
            io.StringIO(run("timing", "sync", "--format", "csv", "--notes-dir", str(notes)).stdout)
        )
    )
    news = next(row for row in records if row["section"] == "news")
    assert (news["median_minutes"], news["p80_minutes"], news["over_share"]) == (
        "6.0",
        "8.4",
        "0.6",
    )

    markdown = run("timing", "sync", "--format", "md", "--notes-dir", str(notes)).stdout
    tokens = MarkdownIt().enable("table").parse(markdown)
    cells = [token.content for token in tokens if token.type == "inline"]
    row = cells[cells.index("News (`news`)") : cells.index("News (`news`)") + 7]
    assert row == ["News (`news`)", "5m", "5", "0", "6:00", "8:24", "60% (3)"]


def test_suggest_goes_without_another_format(run, notes: Path, sync: Path) -> None:
    result = run("timing", "sync", "--suggest", "--format", "json", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert "--format goes without --suggest" in result.stderr


# --- new timeboxes ----------------------------------------------------------------------------


def test_too_few_sessions_suggest_nothing(run, notes: Path, sync: Path) -> None:
    for number in range(4):
        write_session(notes, number, {"news": 9, "issues": 10, "plan": 11})
    result = run("timing", "sync", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "resetkit: only 4 complete sessions of sync held live: new timeboxes need at least 5"
    )
    assert result.stderr.count("\n") == 1


def test_the_suggested_diff_applies_with_git_and_keeps_the_playbook_valid(
    run, isolated: Path, notes: Path, sync: Path
) -> None:
    # News and issues run long, planning finishes early; a conditional section runs 8 minutes.
    for number in range(8):
        minutes = {"prep": 4, "news": 9 + number % 3, "issues": 12, "plan": 9, "extra-topic": 8}
        write_session(notes, number, minutes)
    git_repo(isolated)
    result = run("timing", "sync", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output
    diff = result.stdout
    assert diff.startswith("--- a/playbooks/sync.yaml\n+++ b/playbooks/sync.yaml\n")
    assert "apply it with: git apply" in result.stderr
    before = sync.read_text("utf-8")

    applied = git(isolated, "apply", "-", stdin=diff)
    assert applied.returncode == 0, applied.stderr
    after = sync.read_text("utf-8")
    assert run("validate", "playbooks/sync.yaml").exit_code == 0
    assert planned_total(sync) == 30
    # Only the timebox values changed; quoting, comments and the flow style stayed.
    assert without_timeboxes(after) == without_timeboxes(before)
    assert "    timebox: '10m'   # keep it short\n" in after
    assert '  - {id: issues, title: Issues, timebox: "11m", questions:' in after
    # Medians 10, 12 and 9 of 31 minutes: 9.68, 11.61 and 8.71 of 30, rounded down to 9, 11
    # and 8; the 2 minutes left go to the largest remainders, plan's then news'. The
    # conditional section, time on top of the plan, gets its own median; prep stays 0m.
    playbook = load_file(sync)
    timeboxes = {section.id: section.minutes for section in playbook.sections}
    assert timeboxes == {"prep": 0, "news": 10, "issues": 11, "plan": 9, "extra-topic": 8}


def test_suggest_keeps_the_total_and_gives_time_where_it_is_spent() -> None:
    playbook = load_file(builtin_dir() / "reset.yaml")
    held = [
        Held("1", 30, {"tone": 60 * 6, "capabilities": 60 * 7, "expectations": 60 * 8})
        for _ in range(6)
    ]
    new = suggest_minutes(timing_of(playbook, held))
    # offer-out and outcome were never run: they keep their 12 minutes, the rest share 18.
    assert new == {
        "prepare": 0,
        "tone": 5,
        "capabilities": 6,
        "expectations": 7,
        "offer-out": 7,
        "outcome": 5,
    }
    assert sum(new.values()) == playbook.minutes


def test_apportion_gives_at_least_a_minute_and_adds_up_exactly() -> None:
    assert apportion(30, {"a": 100.0, "b": 0.01, "c": 0.02}) == {"a": 28, "b": 1, "c": 1}
    assert apportion(10, {"a": 1.0, "b": 1.0, "c": 1.0}) == {"a": 4, "b": 3, "c": 3}
    shares = apportion(47, {"a": 3.3, "b": 7.1, "c": 2.9, "d": 11.0})
    assert sum(shares.values()) == 47
    assert all(share >= 1 for share in shares.values())


def test_timeboxes_that_already_fit_suggest_no_change(run, notes: Path, sync: Path) -> None:
    for number in range(5):
        write_session(notes, number, {"news": 4, "issues": 8, "plan": 12})
    result = run("timing", "sync", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "the timeboxes of sync already fit its sessions: no change\n"


def test_a_built_in_playbook_is_patched_as_the_copy_new_makes(
    run, isolated: Path, notes: Path
) -> None:
    for number in range(6):
        minutes = {"tone": 6, "capabilities": 7, "expectations": 8, "offer-out": 5, "outcome": 4}
        write_session(notes, number, minutes, playbook_id="reset", version="1")
    (isolated / "README").write_text("team repository\n", "utf-8")
    git_repo(isolated)
    result = run("timing", "reset", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("--- a/playbooks/reset.yaml\n+++ b/playbooks/reset.yaml\n")
    assert "copy it with 'resetkit new reset --from reset', then apply this diff" in result.stderr
    assert run("new", "reset", "--from", "reset").exit_code == 0
    applied = git(isolated, "apply", "-", stdin=result.stdout)
    assert applied.returncode == 0, applied.stderr
    copy = isolated / "playbooks" / "reset.yaml"
    assert run("validate", str(copy)).exit_code == 0
    assert planned_total(copy) == 30
    before = (builtin_dir() / "reset.yaml").read_text("utf-8")
    assert without_timeboxes(copy.read_text("utf-8")) == without_timeboxes(before)
    assert load_file(copy).sections[1].minutes == 6  # tone: 6 of 30 minutes spent


def test_a_playbook_outside_the_current_folder_is_patched_from_its_checkout(
    run, isolated: Path, notes: Path, sync: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(5):
        write_session(notes, number, {"news": 9, "issues": 10, "plan": 11})
    git_repo(isolated)
    elsewhere = isolated / "customers" / "acme"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    result = run("timing", "sync", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/playbooks/sync.yaml\n")
    assert f"apply it in {isolated.resolve()} with: git apply" in result.stderr
    assert git(isolated, "apply", "-", stdin=result.stdout).returncode == 0
    assert load_file(sync).sections[1].minutes == 9


def test_a_quarter_of_generated_sessions_gives_a_sensible_patch(
    run, isolated: Path, notes: Path
) -> None:
    generate(notes, 500, seed=11)
    recovery = isolated / "playbooks" / "recovery.yaml"
    recovery.parent.mkdir()
    shutil.copy(builtin_dir() / "recovery.yaml", recovery)
    git_repo(isolated)
    figures = run(
        "timing", "recovery", "--since", "13w", "--format", "json", "--notes-dir", str(notes)
    )
    whole = json.loads(figures.stdout)
    assert whole["sessions"] >= 15
    result = run("timing", "recovery", "--since", "13w", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output
    assert git(isolated, "apply", "-", stdin=result.stdout).returncode == 0
    assert run("validate", "recovery").exit_code == 0
    assert planned_total(recovery) == 60
    after = {section.id: section.minutes for section in load_file(recovery).sections}
    assert min(after.values()) >= 1
    # Proportional shares: a section that took more of the meeting than its timebox's share
    # of the plan never loses minutes, one that took less never gains any.
    spent = sum(section["median_minutes"] for section in whole["sections"])
    for section in whole["sections"]:
        ratio = section["median_minutes"] / spent - section["timebox_minutes"] / 60
        if ratio > 0:
            assert after[section["id"]] >= section["timebox_minutes"], section
        if ratio < 0:
            assert after[section["id"]] <= section["timebox_minutes"], section
    changed = [line for line in result.stdout.splitlines() if line.startswith(("+ ", "- "))]
    assert changed and all("timebox:" in line for line in changed)


def test_a_file_with_a_bom_crlf_lines_and_no_last_line_break_is_patched_byte_for_byte(
    run, isolated: Path, notes: Path, sync: Path
) -> None:
    tail = SYNC[SYNC.index("  - id: extra-topic") :]
    # The last line holds a timebox and no line break, so a hunk reaches the end of the file.
    last = (
        "  - id: extra-topic\n    title: Extra topic\n    when: {question: extra, equals: true}\n"
        "    questions: [{id: extra-notes, type: text, prompt: Notes?}]\n    timebox: 5m"
    )
    text = "\ufeff" + SYNC.replace(tail, last).replace("\n", "\r\n")
    original = text.encode("utf-8")
    sync.write_bytes(original)
    assert run("validate", str(sync)).exit_code == 0
    for number in range(5):
        write_session(notes, number, {"news": 5, "issues": 10, "plan": 15, "extra-topic": 7})
    git_repo(isolated)
    result = run("timing", "sync", "--suggest", "--notes-dir", str(notes))
    assert result.exit_code == 0, result.output
    # Click's Result.stdout turns CRLF into LF: the bytes are what a shell would pipe.
    diff = result.stdout_bytes
    assert diff.endswith(b"+    timebox: 7m\n\\ No newline at end of file\n")
    assert b"\n     title: Extra topic\r\n" in diff
    applied = subprocess.run(["git", "apply", "-"], cwd=isolated, input=diff, check=False)
    assert applied.returncode == 0, applied.stderr
    assert sync.read_bytes() == original.removesuffix(b"5m") + b"7m"


def test_runs_with_no_meeting_time_are_left_out_and_said(run, notes: Path, sync: Path) -> None:
    for number in range(1, 5):
        write_session(notes, number, {"news": 6})
    for number in range(5, 8):
        write_session(notes, number, {"news": 0.1})  # a run from an answers file: seconds
    found = json.loads(run("timing", "sync", "--format", "json", "--notes-dir", str(notes)).stdout)
    assert (found["sessions"], found["left_out_not_live"]) == (4, 3)
    assert found["sections"][1]["median_minutes"] == 6  # not pulled down by the scripted runs
    table = run("timing", "sync", "--notes-dir", str(notes))
    assert "3 sessions left out: run from an answers file" in table.stderr
    refused = run("timing", "sync", "--suggest", "--notes-dir", str(notes))
    assert refused.exit_code == 2  # 7 complete sessions, but only 4 held live
    assert "only 4 complete sessions of sync held live" in refused.stderr
    assert "(3 under a minute left out)" in refused.stderr


def test_a_run_marked_scripted_is_left_out_whatever_time_it_records(
    run, notes: Path, sync: Path
) -> None:
    for number in range(1, 6):
        write_session(notes, number, {"news": 6})
    write_session(notes, 6, {"news": 40}, scripted=True)  # a hand-made record, say
    found = json.loads(run("timing", "sync", "--format", "json", "--notes-dir", str(notes)).stdout)
    assert (found["sessions"], found["left_out_not_live"]) == (5, 1)
    assert found["sections"][1]["median_minutes"] == 6


def test_a_run_from_an_answers_file_with_no_input_is_marked_scripted(run, isolated: Path) -> None:
    from conftest import QUIET_RISK_CHECK

    answers = isolated / "answers.yaml"
    answers.write_text(json.dumps({"customer": "Acme", "answers": QUIET_RISK_CHECK}), "utf-8")
    notes = isolated / "notes"
    done = run(
        "start", "risk-check", "--answers", str(answers), "--no-input", "--notes-dir", str(notes)
    )
    assert done.exit_code == 0, done.output
    (record,) = notes.glob("*/*/session.json")
    assert json.loads(record.read_text("utf-8"))["scripted"] is True


def test_the_table_at_80_columns_keeps_every_figure_and_its_name_whole(
    notes: Path, sync: Path
) -> None:
    from typer.testing import CliRunner

    from resetkit.cli import app

    for number, news in enumerate([2, 4, 6, 8, 10]):
        write_session(notes, number, {"news": news, "issues": 10, "plan": 14})
    shown = CliRunner().invoke(
        app, ["timing", "sync", "--format", "table", "--notes-dir", str(notes)],
        env={"COLUMNS": "80", "NO_COLOR": "1"},
    ).stdout  # fmt: skip
    header = next(line for line in shown.splitlines() if line.startswith("SECTION"))
    assert header.split()[1:] == ["TIMEBOX", "HELD", "SKIPPED", "MEDIAN", "80%", "UNDER", "OVER"]
    assert "…" not in shown and all(len(line) <= 80 for line in shown.splitlines())
    assert any(line.split()[-2:] == ["60%", "(3)"] for line in shown.splitlines())
    assert "80% under: four sessions in five spent less" in " ".join(shown.split())
