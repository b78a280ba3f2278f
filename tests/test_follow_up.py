"""Following up on an earlier session: its open action items reviewed, both sessions linked."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import Result

from conftest import QUIET_RISK_CHECK, drive
from resetkit.format.loader import load_file
from resetkit.places import builtin_dir
from resetkit.record.session import Session, Verdict
from resetkit.record.store import begin, load
from resetkit.run.follow_up import review_follow_up
from resetkit.run.prompts import ScriptedPrompter


def second_session(notes: Path, playbook_id: str) -> tuple[Session, Path]:
    """A new session for the same customer a week later, as 'start --follow-up' begins one."""
    path = builtin_dir() / f"{playbook_id}.yaml"
    started = datetime(2026, 12, 1, 9, tzinfo=UTC)
    return begin(load_file(path), path, path.read_text("utf-8"), "Acme Corp", [], notes, started)


def test_review_moves_an_item_records_why_and_links_both_ways(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    session, folder = second_session(notes, "recovery")
    prompter = ScriptedPrompter(
        {"review-due": "2026-12-20", "review-note": "Legal is slow"}, picks=["moved"]
    )
    screen = io.StringIO()
    changed = review_follow_up(
        earlier.folder, session, folder, prompter, Console(file=screen, width=100)
    )
    assert len(changed.changed) == 1
    assert "Following up on acme-corp/2026-11-24-reset: 1 open action item." in screen.getvalue()
    # The change said as it is made, with both dates.
    assert "moved to Sun 2026-12-20 (was Tue 2026-12-08, +12 days)" in screen.getvalue()
    previous = load(earlier.folder)
    (item,) = previous.action_items()
    assert item.due.isoformat() == "2026-12-20" and item.status == "open"
    assert item.history[0].note == "Legal is slow"
    assert previous.followed_by == [session.id]
    assert load(folder).follows == earlier.session.id
    assert "Legal is slow" in (earlier.folder / "action-plan.md").read_text("utf-8")


def test_still_open_items_are_left_unchanged(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    session, folder = second_session(notes, "risk-check")
    changed = review_follow_up(
        earlier.folder,
        session,
        folder,
        ScriptedPrompter({"review-note": ""}, ["open"]),
        Console(file=io.StringIO()),
    )
    assert len(changed.changed) == 0
    assert load(earlier.folder).action_items()[0].history == []


def test_a_note_on_an_item_left_open_is_kept_and_settles_nothing(isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    session, folder = second_session(notes, "risk-check")
    prompter = ScriptedPrompter({"review-note": "Waiting for their IT"})  # Enter: the first
    changed = review_follow_up(
        earlier.folder, session, folder, prompter, Console(file=io.StringIO())
    )
    assert len(changed.changed) == 0
    (item,) = load(earlier.folder).action_items()
    assert item.status == "open"
    assert [(e.kind, e.note) for e in item.history] == [("noted", "Waiting for their IT")]
    plan = (earlier.folder / "action-plan.md").read_text("utf-8")
    assert "#1 noted: Waiting for their IT" in plan


def test_a_scripted_follow_up_links_the_sessions(run, isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    result = scripted_follow_up(run, isolated, "", earlier.session.id)
    assert result.exit_code == 0, result.stderr
    assert f"linked to {earlier.session.id}" in result.stderr
    new_folder = Path(result.stdout.splitlines()[0]).parent
    record = json.loads((new_folder / "session.json").read_text("utf-8"))
    assert record["follows"] == earlier.session.id
    assert load(earlier.folder).followed_by == [record["id"]]
    matter = (new_folder / "notes.md").read_text("utf-8").split("---")[1]
    assert yaml.safe_load(matter)["follows"] == earlier.session.id


def test_follow_up_of_an_unknown_session_is_refused_before_anything_is_written(
    run, isolated: Path
) -> None:
    result = run(
        "start",
        "reset",
        "--customer",
        "Acme",
        "--follow-up",
        "nope/nothing",
        "--notes-dir",
        str(isolated / "notes"),
    )
    assert result.exit_code == 2
    assert "no session 'nope/nothing'" in result.stderr


def earlier_with_three_items(notes: Path) -> tuple[Path, list[str]]:
    """A reset session whose action plan has three open items; their ids."""
    items = [
        {"what": "Send the recap", "owner": "us", "due": "2026-12-01"},
        {"what": "Share the roadmap", "owner": "us", "due": "2026-12-05"},
        {"what": "Name an admin", "owner": "customer", "due": "2026-12-08"},
    ]
    earlier = drive("reset", {"actions": items}, notes_dir=notes)
    return earlier.folder, [item["id"] for item in earlier.session.answers["actions"]]


def scripted_follow_up(run, isolated: Path, review: str, earlier: str) -> Result:
    answers = isolated / "answers.yaml"
    sheet = yaml.safe_dump({"customer": "Acme Corp", "answers": QUIET_RISK_CHECK})
    answers.write_text(sheet + review, "utf-8")
    return run(
        "start",
        "risk-check",
        "--answers",
        str(answers),
        "--no-input",
        "--follow-up",
        earlier,
        "--notes-dir",
        str(isolated / "notes"),
    )


def test_a_scripted_follow_up_settles_the_items_its_review_names(run, isolated: Path) -> None:
    folder, (first, second, third) = earlier_with_three_items(isolated / "notes")
    review = (
        f"review:\n  '{first}': done\n"
        f"  '{second}': {{status: moved, due: 2027-01-10, note: Legal is slow}}\n"
    )
    result = scripted_follow_up(run, isolated, review, "acme-corp/2026-11-24-reset")
    assert result.exit_code == 0, result.stderr
    said = result.stderr.splitlines()
    at = next(n for n, line in enumerate(said) if "the review changed" in line)
    assert said[at].endswith("the review changed 2 of its 3 open action items; 1 stays open")
    assert said[at + 1 : at + 3] == [
        f"{first} done: Send the recap",
        f"{second} moved to Sun 2027-01-10 (was Sat 2026-12-05, +36 days): Share the roadmap",
    ]
    items = {item.id: item for item in load(folder).action_items()}
    assert items[first].status == "done"
    assert items[second].status == "open" and items[second].due.isoformat() == "2027-01-10"
    assert items[second].history[0].note == "Legal is slow"
    assert items[third].status == "open" and items[third].history == []
    plan = (folder / "action-plan.md").read_text("utf-8")
    assert "moved from 2026-12-05 to 2027-01-10" in plan and "Legal is slow" in plan


def test_a_bad_review_is_refused_line_by_line_before_anything_is_written(
    run, isolated: Path
) -> None:
    notes = isolated / "notes"
    folder, (first, second, third) = earlier_with_three_items(notes)
    before = (folder / "session.json").read_bytes()
    review = (
        "review:\n"
        f"  '{first[:-1]}x': done\n"  # no such item
        f"  '{second}': moved\n"  # no date
        f"  '{third}': {{status: finished, when: today}}\n"
    )
    result = scripted_follow_up(run, isolated, review, "acme-corp/2026-11-24-reset")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    sheet_lines = len(
        yaml.safe_dump({"customer": "Acme Corp", "answers": QUIET_RISK_CHECK}).splitlines()
    )
    at = sheet_lines + 2  # the first item's line
    assert any(f"answers.yaml:{at}:" in line and "no open action item" in line for line in lines)
    assert any(f":{at + 1}:" in line and "moved needs the new due date" in line for line in lines)
    assert any(f":{at + 2}:" in line and "unknown key 'when'" in line for line in lines)
    assert any(f":{at + 2}:" in line and "status must be one of" in line for line in lines)
    assert (folder / "session.json").read_bytes() == before
    assert sorted(p.name for p in (notes / "acme-corp").iterdir()) == ["2026-11-24-reset"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("[done]", "write a status or {status, due, note}"),
        ("{status: done, due: 2027-01-10}", "due goes with status: moved"),
        ("{status: moved, due: soon}", "due 'soon' is not a date: write 2026-12-01 or +14d"),
        ("{status: moved, due: 9999-01-01}", "due 9999-01-01 is outside the dates"),
        ("{status: done, note: [a, b]}", "the note must be text"),
    ],
)
def test_a_verdict_that_cannot_be_recorded_is_refused_at_its_line(
    run, isolated: Path, entry: str, message: str
) -> None:
    notes = isolated / "notes"
    folder, (first, *_) = earlier_with_three_items(notes)
    before = (folder / "session.json").read_bytes()
    review = f"review:\n  '{first}': {entry}\n"
    result = scripted_follow_up(run, isolated, review, "acme-corp/2026-11-24-reset")
    assert result.exit_code == 2, result.stderr
    sheet_lines = len(
        yaml.safe_dump({"customer": "Acme Corp", "answers": QUIET_RISK_CHECK}).splitlines()
    )
    at = sheet_lines + 2
    assert any(
        f"answers.yaml:{at}:" in line and f"'{first}': {message}" in line
        for line in result.stderr.splitlines()
    ), result.stderr
    assert (folder / "session.json").read_bytes() == before


def test_a_review_without_follow_up_is_refused(run, isolated: Path) -> None:
    answers = isolated / "answers.yaml"
    sheet = {"customer": "Acme Corp", "answers": QUIET_RISK_CHECK, "review": {"ab": "done"}}
    answers.write_text(yaml.safe_dump(sheet), "utf-8")
    result = run("start", "risk-check", "--answers", str(answers), "--no-input")
    assert result.exit_code == 2
    assert "review: goes with --follow-up SESSION" in result.stderr


def test_an_id_read_as_a_number_must_be_quoted(run, isolated: Path) -> None:
    earlier_with_three_items(isolated / "notes")
    result = scripted_follow_up(
        run, isolated, "review:\n  12345678: done\n", "acme-corp/2026-11-24-reset"
    )
    assert result.exit_code == 2
    assert "key '12345678' is read as a number, not a word: quote it" in result.stderr


def test_items_the_review_settles_are_not_asked_again(isolated: Path) -> None:
    folder, (first, *_) = earlier_with_three_items(isolated / "notes")
    session, new_folder = second_session(isolated / "notes", "risk-check")
    prompter = ScriptedPrompter({"review-note": "No longer needed"}, picks=["dropped", "open"])
    given = {first: Verdict(kind="done", note="Sent")}
    changed = review_follow_up(
        folder, session, new_folder, prompter, Console(file=io.StringIO()), given
    )
    assert len(changed.changed) == 2
    assert [i.status for i in load(folder).action_items()] == ["done", "dropped", "open"]
    assert prompter.picks == []  # exactly two questions were asked, for the other two items


def test_a_review_settles_items_but_leaves_an_action_plan_edited_by_hand_and_says_so_once(
    isolated: Path,
) -> None:
    folder, (first, second, _) = earlier_with_three_items(isolated / "notes")
    plan = folder / "action-plan.md"
    edited = plan.read_text("utf-8") + "\nCall Dana before the steering meeting.\n"
    plan.write_text(edited, "utf-8")
    session, new_folder = second_session(isolated / "notes", "risk-check")
    screen = io.StringIO()
    given = {first: Verdict(kind="done"), second: Verdict(kind="dropped")}
    changed = review_follow_up(
        folder, session, new_folder, None, Console(file=screen, width=200), given
    )
    assert len(changed.changed) == 2
    assert [i.status for i in load(folder).action_items()] == ["done", "dropped", "open"]
    assert plan.read_text("utf-8") == edited
    assert screen.getvalue().count("was edited by hand and is left as it is") == 1


def test_a_review_names_items_by_a_unique_start_of_their_id(run, isolated: Path) -> None:
    folder, (first, second, _) = earlier_with_three_items(isolated / "notes")
    review = (
        f"review:\n  '{first[:7]}': done\n  '{second[:7]}': {{status: dropped, note: Not needed}}\n"
    )
    result = scripted_follow_up(run, isolated, review, "acme-corp/2026-11-24-reset")
    assert result.exit_code == 0, result.stderr
    assert [i.status for i in load(folder).action_items()] == ["done", "dropped", "open"]


@pytest.mark.parametrize("dropped", ["dropped", "{status: dropped, note: '  '}"])
def test_a_drop_in_a_review_needs_its_reason_as_actions_drop_does(
    run, isolated: Path, dropped: str
) -> None:
    folder, (first, *_) = earlier_with_three_items(isolated / "notes")
    before = (folder / "session.json").read_bytes()
    review = f"review:\n  '{first}': {dropped}\n"
    result = scripted_follow_up(run, isolated, review, "acme-corp/2026-11-24-reset")
    assert result.exit_code == 2
    assert f"'{first}': dropped needs a note saying why it is dropped" in result.stderr
    assert (folder / "session.json").read_bytes() == before


def test_a_review_refuses_ambiguous_and_repeated_items(run, isolated: Path) -> None:
    folder, (first, *_) = earlier_with_three_items(isolated / "notes")
    before = (folder / "session.json").read_bytes()
    review = f"review:\n  '': done\n  '{first}': done\n  '{first[:7]}': dropped\n"
    result = scripted_follow_up(run, isolated, review, "acme-corp/2026-11-24-reset")
    assert result.exit_code == 2
    assert "'' matches several open action items" in result.stderr
    assert f"item {first} is reviewed twice" in result.stderr
    assert (folder / "session.json").read_bytes() == before


def test_a_script_cannot_follow_up_another_customers_session(run, isolated: Path) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes, customer="Globex")
    refused = scripted_follow_up(run, isolated, "", earlier.session.id)
    assert refused.exit_code == 2
    assert f"session {earlier.session.id} was held with 'Globex', not 'Acme Corp'" in refused.stderr
    assert "--other-customer" in refused.stderr
    assert [path.name for path in notes.iterdir()] == ["globex"]  # nothing written
    assert load(earlier.folder).followed_by == []
    answers = isolated / "answers.yaml"
    allowed = run(
        "start", "risk-check", "--answers", str(answers), "--no-input",
        "--follow-up", earlier.session.id, "--other-customer", "--notes-dir", str(notes),
    )  # fmt: skip
    assert allowed.exit_code == 0, allowed.stderr
    assert len(load(earlier.folder).followed_by) == 1


def test_the_same_customer_written_otherwise_is_no_other_customer(run, isolated: Path) -> None:
    earlier = drive("reset", notes_dir=isolated / "notes", customer="ACME corp")
    assert scripted_follow_up(run, isolated, "", earlier.session.id).exit_code == 0


def test_a_resumed_review_skips_items_settled_elsewhere_meanwhile(run, isolated: Path) -> None:
    notes = isolated / "notes"
    folder, (_, second, third) = earlier_with_three_items(notes)
    session, new_folder = second_session(notes, "risk-check")
    session.review_pending = [second, third]  # as an interrupted review leaves it
    assert run("actions", "done", third, "--notes-dir", str(notes)).exit_code == 0
    prompter = ScriptedPrompter({"review-note": "Not needed"}, picks=["dropped"])
    screen = io.StringIO()
    review_follow_up(folder, session, new_folder, prompter, Console(file=screen, width=100))
    assert "1 open action item left to review" in screen.getvalue()
    assert [i.status for i in load(folder).action_items()] == ["open", "dropped", "done"]
    assert load(new_folder).review_pending is None


def test_a_move_in_the_review_needs_a_reason_as_actions_move_does(run, isolated: Path) -> None:
    notes = isolated / "notes"
    folder, (_, second, _) = earlier_with_three_items(notes)
    (isolated / "a.yaml").write_text(
        yaml.safe_dump(
            {"answers": QUIET_RISK_CHECK, "review": {second: {"status": "moved", "due": "+7d"}}}
        ),
        "utf-8",
    )
    earlier_id = f"{folder.parent.name}/{folder.name}"
    result = run(
        "start", "risk-check", "--customer", "Acme Corp", "--follow-up", earlier_id,
        "--answers", "a.yaml", "--no-input", "--notes-dir", str(notes),
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"'{second}': moved needs a note saying why it slips" in result.stderr
    assert [i.status for i in load(folder).action_items()] == ["open", "open", "open"]


@pytest.mark.parametrize(
    ("owner", "name", "days", "said"),
    [
        ("us", "Sam  Rivera", 17, "Sam Rivera (us), due Tue 2026-11-17, 17 days late"),
        ("customer", "", 1, "them, due Tue 2026-11-17, 1 day late"),
        ("both", "Priya", 0, "Priya (both), due Tue 2026-11-17"),
        ("us", "", -3, "us, due Tue 2026-11-17"),
    ],
)
def test_each_reviewed_item_says_who_owns_it_and_how_late_it_is(
    owner: str, name: str, days: int, said: str
) -> None:
    from datetime import date, timedelta

    from resetkit.record.session import ActionItem
    from resetkit.run.follow_up import _item_context

    due = date(2026, 11, 17)
    item = ActionItem(id="a1", what="x", owner=owner, owner_name=name, due=due)  # type: ignore[arg-type]
    assert _item_context(item, due + timedelta(days=days)) == said


def test_the_summary_before_saving_hangs_a_wrapped_line_under_its_first_word(
    isolated: Path,
) -> None:
    notes = isolated / "notes"
    earlier = drive("reset", notes_dir=notes)
    session, folder = second_session(notes, "recovery")
    note = "Waiting on the identity provider fix, which their IT promised for next week"
    prompter = ScriptedPrompter({"review-note": note}, picks=["open"])
    screen = io.StringIO()
    review_follow_up(earlier.folder, session, folder, prompter, Console(file=screen, width=60))
    lines = screen.getvalue().split("Before anything is saved:")[1].splitlines()[1:]
    first = next(n for n, line in enumerate(lines) if line.lstrip().startswith("1."))
    text_at = lines[first].index("1.") + 3
    assert lines[first + 1][:text_at].strip() == "" and lines[first + 1][text_at:].strip()
