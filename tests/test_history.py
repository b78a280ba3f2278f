"""History across sessions: sessions, export, actions (done, move), render; as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import day, drive
from generate_history import generate


@pytest.fixture
def history(isolated: Path) -> Path:
    """A notes dir with 60 generated sessions over the last year."""
    notes = isolated / "history"
    generate(notes, 60, seed=3)
    return notes


def test_sessions_json_lists_every_record_oldest_first(run, history: Path) -> None:
    result = run("sessions", "--format", "json", "--notes-dir", str(history))
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 60
    starts = [r["started_at"] for r in records]
    assert starts == sorted(starts)
    assert all(r["schema_version"] == 1 for r in records)


@pytest.mark.dated
def test_filters_combine(run, history: Path) -> None:
    every = json.loads(run("sessions", "--format", "json", "--notes-dir", str(history)).stdout)
    since = day(-90)
    wanted = [
        r
        for r in every
        if r["playbook_id"] == "reset"
        and r["status"] == "complete"
        and r["started_at"][:10] >= since
    ]
    result = run(
        "sessions",
        "--format",
        "json",
        "--playbook",
        "reset",
        "--status",
        "complete",
        "--since",
        "90d",
        "--notes-dir",
        str(history),
    )
    assert [r["id"] for r in json.loads(result.stdout)] == [r["id"] for r in wanted]
    name = every[0]["customer"].split()[0].lower()
    by_customer = json.loads(
        run("sessions", "--format", "json", "--customer", name, "--notes-dir", str(history)).stdout
    )
    assert by_customer and all(name in r["customer"].lower() for r in by_customer)


def test_bad_filter_values_are_usage_errors(run, history: Path) -> None:
    assert (
        "is not a date"
        in run("sessions", "--since", "last week", "--notes-dir", str(history)).stderr
    )
    assert run("sessions", "--status", "done", "--notes-dir", str(history)).exit_code == 2


def test_sessions_table_when_piped_is_tab_separated(run, history: Path) -> None:
    lines = run("sessions", "--notes-dir", str(history)).stdout.splitlines()
    assert lines[0].split("\t") == [
        "SESSION",
        "DATE",
        "CUSTOMER",
        "PLAYBOOK",
        "STATUS",
        "OUTCOME",
        "MINUTES",
    ]
    assert len(lines) == 61 and all(len(line.split("\t")) == 7 for line in lines)


def test_export_json_is_exactly_the_records(run, history: Path) -> None:
    exported = json.loads(run("export", "--format", "json", "--notes-dir", str(history)).stdout)
    on_disk = {json.loads(p.read_text("utf-8"))["id"] for p in history.glob("*/*/session.json")}
    assert {r["id"] for r in exported} == on_disk


def test_export_csv_one_row_per_session_with_answers(run, history: Path) -> None:
    result = run(
        "export", "--format", "csv", "--playbook", "risk-check", "--notes-dir", str(history)
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(row["playbook"] == "risk-check" for row in rows)
    assert "answer.cost-vs-value" in rows[0]


def test_export_csv_actions_one_row_per_action_item(run, history: Path) -> None:
    result = run("export", "--format", "csv", "--actions", "--notes-dir", str(history))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    records = [json.loads(p.read_text("utf-8")) for p in history.glob("*/*/session.json")]
    count = sum(
        len(v)
        for r in records
        for v in r["answers"].values()
        if isinstance(v, list) and v and isinstance(v[0], dict)
    )
    assert len(rows) == count
    assert set(rows[0]) >= {"action_id", "what", "owner", "due", "critical_path", "status"}


def test_export_markdown_joins_notes_with_a_contents_list(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("postmortem", notes_dir=notes, customer="Initech")
    drive("postmortem", notes_dir=notes, customer="Globex")
    drive("reset", notes_dir=notes)
    output = isolated / "postmortems.md"
    result = run(
        "export",
        "--format",
        "md",
        "--playbook",
        "postmortem",
        "-o",
        str(output),
        "--notes-dir",
        str(notes),
    )
    assert result.exit_code == 0 and result.stdout == ""
    text = output.read_text("utf-8")
    assert "2 sessions." in text
    assert "1. [Globex: Postmortem after a cancellation, 2026-11-24](#session-1)" in text
    assert (
        '<a id="session-2"></a>' in text and "## Postmortem after a cancellation: Initech" in text
    )
    tokens = MarkdownIt("commonmark").parse(text)
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1


@pytest.mark.dated
def test_actions_lists_open_items_overdue_first(run, history: Path) -> None:
    found = json.loads(run("actions", "--format", "json", "--notes-dir", str(history)).stdout)
    assert found and all(item["status"] == "open" for item in found)
    dues = [item["due"] for item in found if item["due"]]
    assert dues == sorted(dues)
    overdue = json.loads(
        run("actions", "--overdue", "--format", "json", "--notes-dir", str(history)).stdout
    )
    assert overdue and all(item["overdue_days"] > 0 for item in overdue)
    soon = json.loads(
        run("actions", "--due-within", "7d", "--format", "json", "--notes-dir", str(history)).stdout
    )
    limit = day(7)
    assert all(item["due"] <= limit for item in soon)
    ours = json.loads(
        run(
            "actions", "--owner", "customer", "--format", "json", "--notes-dir", str(history)
        ).stdout
    )
    assert ours and all(item["owner"] in ("customer", "both") for item in ours)
    assert {"customer", "both"} <= {item["owner"] for item in ours}  # theirs, and shared ones
    only = json.loads(
        run(
            "actions",
            "--owner",
            "customer",
            "--only",
            "--format",
            "json",
            "--notes-dir",
            str(history),
        ).stdout
    )
    assert only and {item["owner"] for item in only} == {"customer"}


@pytest.mark.dated
def test_actions_done_and_move_update_record_and_action_plan(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    (item,) = driven.session.answers["actions"]
    moved = run(
        "actions",
        "move",
        item["id"][:4],
        "--due",
        day(52),
        "--reason",
        "Their admin is on leave",
        "--notes-dir",
        str(notes),
    )
    assert moved.exit_code == 0, moved.stderr
    plan = (driven.folder / "action-plan.md").read_text("utf-8")
    # The item was due 14 days after the fixed start of `drive`; the new date is ahead of TODAY.
    assert f"moved from 2026-12-08 to {day(52)}" in plan
    assert "Their admin is on leave" in plan
    done = run("actions", "done", item["id"], "--note", "Sent", "--notes-dir", str(notes))
    assert done.exit_code == 0
    record = json.loads((driven.folder / "session.json").read_text("utf-8"))
    kinds = [event["kind"] for event in record["answers"]["actions"][0]["history"]]
    assert kinds == ["moved", "done"] and record["answers"]["actions"][0]["status"] == "done"
    again = run("actions", "done", item["id"], "--notes-dir", str(notes))
    assert again.exit_code == 2 and "already done" in again.stderr


def test_actions_move_needs_a_reason_and_a_date(run, isolated: Path) -> None:
    notes = isolated / "notes"
    item = drive("reset", notes_dir=notes).session.answers["actions"][0]
    assert (
        "--reason must say why"
        in run(
            "actions",
            "move",
            item["id"],
            "--due",
            "+7d",
            "--reason",
            " ",
            "--notes-dir",
            str(notes),
        ).stderr
    )
    assert (
        "is not a date"
        in run(
            "actions",
            "move",
            item["id"],
            "--due",
            "soon",
            "--reason",
            "x",
            "--notes-dir",
            str(notes),
        ).stderr
    )
    assert "no action item 'zzz'" in run("actions", "done", "zzz", "--notes-dir", str(notes)).stderr


def test_a_hand_edited_action_plan_is_not_overwritten(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    plan = driven.folder / "action-plan.md"
    plan.write_text(plan.read_text("utf-8") + "\nMy own note.\n", "utf-8")
    item = driven.session.answers["actions"][0]
    result = run("actions", "done", item["id"], "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert "edited by hand" in result.stderr
    assert plan.read_text("utf-8").endswith("My own note.\n")


def test_render_rebuilds_notes_and_refuses_hand_edits_without_force(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    original = (driven.folder / "notes.md").read_text("utf-8")
    (driven.folder / "notes.md").unlink()
    result = run("render", driven.session.id, "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert (driven.folder / "notes.md").read_text("utf-8") == original
    (driven.folder / "shared.md").write_text("edited", "utf-8")
    refused = run("render", driven.session.id, "--notes-dir", str(notes))
    assert refused.exit_code == 2 and "changed since resetkit wrote it" in refused.stderr
    assert (driven.folder / "shared.md").read_text("utf-8") == "edited"
    forced = run("render", driven.session.id, "--force", "--notes-dir", str(notes))
    assert forced.exit_code == 0 and (driven.folder / "shared.md").read_text("utf-8") != "edited"


def test_a_damaged_record_is_skipped_with_a_warning(run, history: Path) -> None:
    victim = next(history.glob("*/*/session.json"))
    victim.write_text('{"truncated', "utf-8")
    result = run("sessions", "--format", "json", "--notes-dir", str(history))
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 59
    assert f"skipped {victim}: not valid JSON" in result.stderr


def test_report_totals_meetings_minutes_and_outcomes(run, isolated: Path) -> None:
    notes = isolated / "notes"
    drive("reset", {"outcome": "terminate"}, notes_dir=notes, customer="Acme", seconds_per_tick=60)
    drive("reset", {"outcome": "continue"}, notes_dir=notes, customer="Acme", seconds_per_tick=60)
    drive("risk-check", notes_dir=notes, customer="Globex", seconds_per_tick=60)
    drive("risk-check", picks=["discard", "discard"], notes_dir=notes, customer="Globex")
    result = run("report", "--format", "json", "--notes-dir", str(notes))
    tallies = json.loads(result.stdout)
    acme = next(t for t in tallies["customers"] if t["name"] == "Acme")
    assert acme["meetings"] == 2
    assert acme["outcomes"] == {"continue": 1, "terminate": 1}
    records = [json.loads(p.read_text("utf-8")) for p in notes.glob("acme/*/session.json")]
    assert acme["minutes"] == round(sum(r["meeting_seconds"] for r in records) / 60, 1)
    globex = next(t for t in tallies["customers"] if t["name"] == "Globex")
    assert globex["meetings"] == 1  # the discarded session does not count
    assert [t["name"] for t in tallies["playbooks"]] == ["reset", "risk-check"]


def test_report_csv_and_chart(run, history: Path) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(run("report", "--format", "csv", "--notes-dir", str(history)).stdout)
        )
    )
    assert {row["grouped_by"] for row in rows} == {"customer", "playbook"}
    chart = run("report", "--notes-dir", str(history)).stdout
    assert "Time spent by customer" in chart and "Time spent by playbook" in chart
    assert "█" in chart


def test_piped_tables_keep_one_row_per_line_whatever_the_text(run, isolated: Path) -> None:
    notes = isolated / "notes"
    driven = drive("reset", notes_dir=notes)
    record_file = driven.folder / "session.json"
    record = json.loads(record_file.read_text("utf-8"))
    record["answers"]["actions"][0]["what"] = "Call\tthem\nback\u2028soon"
    record_file.write_text(json.dumps(record), "utf-8")
    lines = run("actions", "--notes-dir", str(notes)).stdout.splitlines()
    assert len(lines) == 2 and all(
        len(line.split("\t")) == 6 for line in lines
    )  # the mark is one column
    assert "Call them back soon" in lines[1]
    listed = json.loads(run("actions", "--format", "json", "--notes-dir", str(notes)).stdout)
    assert listed[0]["what"] == "Call\tthem\nback\u2028soon"
