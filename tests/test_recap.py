"""The customer copy: only what the recap names, written as a message, and its email draft."""

from __future__ import annotations

import email.policy
import os
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import REPO, drive
from resetkit.errors import UsageError
from resetkit.format.conditions import evaluate, is_answered
from resetkit.format.loader import load_file, parse_playbook
from resetkit.format.model import Playbook
from resetkit.places import builtin_dir
from resetkit.record.recap import neutralise, recap_email, recap_markdown, written_date
from resetkit.record.session import Attendee, Session
from resetkit.record.store import load, save

WHEN = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def builtin(playbook_id: str) -> Playbook:
    return load_file(builtin_dir() / f"{playbook_id}.yaml")


def parse_eml(payload: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(payload)
    assert isinstance(message, EmailMessage)
    return message


def parts_of(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a draft (its lines end in CRLF, as RFC 5322 says)."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return (
        str(plain.get_content()).replace("\r\n", "\n"),
        str(html.get_content()).replace("\r\n", "\n"),
    )


def headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        tokens[index + 1].content
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def text_tokens(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "text"
    ]


def shared(playbook_id: str, overrides: dict[str, Any] | None = None) -> str:
    return (drive(playbook_id, overrides).folder / "shared.md").read_text("utf-8")


def assert_reads_as_a_message(copy: str) -> None:
    assert not copy.startswith("---")
    assert "skipped" not in copy.lower() and "(empty)" not in copy
    assert not any("\\" in text for text in text_tokens(copy))
    assert "2026-" not in copy  # every date is written out


# --- what each built-in's copy holds -----------------------------------------------------------


def test_reset_continue_copy_holds_the_agreement_and_what_we_do_and_do_not() -> None:
    copy = shared("reset", {"outcome": "continue"})
    assert headings(copy) == [
        "Where we go from here: Acme Corp",
        "What we agreed",
        "The problem we agreed to solve first",
        "What you can count on from us",
        "What we do not do",
        "On our roadmap",
        "Next steps",
    ]
    assert "long text for aligned-expectations" in copy
    assert "- item for can-do" in copy and "- item for cannot-do" in copy
    assert "Our conversation on Tuesday 24 November 2026, with Dana, item for attendees" in copy
    assert "- Pat (your team): action for actions, by Tuesday 8 December 2026" in copy
    for private in ("first-reaction", "problems-theirs", "concerns", "gap", "case"):
        assert f"for {private}" not in copy
    assert "Which case" not in copy and "How did they react" not in copy
    assert_reads_as_a_message(copy)


def test_reset_terminate_copy_holds_the_terms_and_the_open_door() -> None:
    copy = shared("reset", {"outcome": "terminate", "refund-amount": 1200.5})
    assert headings(copy)[1:] == ["Ending our work together", "Next steps", "Our door stays open"]
    assert "long text for termination-terms" in copy
    assert "Amount we will refund: 1200.5" in copy
    assert "decision to end" not in copy and "We did" not in copy
    assert "parting ways" not in copy.lower()
    assert "can-do" not in copy  # what we can do matters no more once it ends
    assert_reads_as_a_message(copy)


def test_reset_follow_up_copy_holds_the_date_to_decide() -> None:
    copy = shared("reset", {"outcome": "follow-up", "follow-up-date": "2026-12-02"})
    assert "Time to decide" in headings(copy)
    assert "We speak again on: Wednesday 2 December 2026" in copy
    assert "What you need from us before you decide:" in copy
    assert_reads_as_a_message(copy)


def test_reset_compromise_copy_holds_the_arrangement() -> None:
    copy = shared(
        "reset",
        {"outcome": "compromise", "compromise-until": "2027-03-31"},
    )
    assert "The arrangement we agreed" in headings(copy)
    assert "long text for compromise-terms" in copy
    assert "It holds until: Wednesday 31 March 2027" in copy
    assert_reads_as_a_message(copy)


def test_recovery_copy_holds_problem_plan_rhythm_and_slip_rule() -> None:
    copy = shared("recovery", {"customer-agrees": True, "status-cadence": "biweekly"})
    assert headings(copy) == [
        "Our recovery plan: Acme Corp",
        "The problem we agreed on",
        "The action plan",
        "If a date slips",
        "Status meetings",
        "Who is involved on our side",
        "Looking ahead",
    ]
    assert "text for root-cause" in copy
    assert "- Pat (your team): action for actions, by Tuesday 8 December 2026 (a key" in copy
    assert "we will call you rather than write" in copy
    assert "How often we meet: Every two weeks" in copy
    assert "First meeting: Tuesday 1 December 2026" in copy
    for private in ("our-mistakes", "problems-ours", "behaviour-details", "symptoms"):
        assert f"for {private}" not in copy
    assert_reads_as_a_message(copy)


def test_recovery_copy_does_not_call_a_disputed_problem_agreed() -> None:
    copy = shared("recovery", {"customer-agrees": False})
    assert "The problem we agreed on" not in headings(copy)
    assert "text for root-cause" not in copy and "long text for disagreement" not in copy


def test_fire_copy_is_the_transition_plan_and_the_open_door() -> None:
    copy = shared("fire", {"refund-amount": 5000, "reaction": "Angry, then calm"})
    assert headings(copy) == [
        "Your transition plan: Acme Corp",
        "Timeline",
        "The contract",
        "Refund",
        "Support until the last day",
        "Your data",
        "Questions we still owe you an answer on",
        "Next steps",
        "Providers that may suit you better",
        "Our door stays open",
    ]
    assert "Time to move to another provider: text for transition-time" in copy
    assert "Last day of service: Tuesday 1 December 2026" in copy
    assert "Amount we will refund: 5000" in copy
    assert "long text for data-export" in copy
    assert "Angry" not in copy and "owe them money" not in copy
    for private in ("main-contact", "signing-executive", "reasons-given", "their-goals"):
        assert f"for {private}" not in copy
    assert_reads_as_a_message(copy)


def test_fire_without_a_refund_shows_no_refund() -> None:
    copy = shared("fire", {"refund-owed": False})
    assert "Refund" not in headings(copy)


def test_a_part_with_nothing_answered_is_left_out() -> None:
    copy = shared("fire", {"open-questions": [], "referrals-offered": False})
    assert "Questions we still owe you an answer on" not in headings(copy)
    assert "Providers that may suit you better" not in headings(copy)


def test_typed_punctuation_shows_as_typed_with_no_backslash() -> None:
    typed = "Launch on 2026-12-02, budget 1200.5 (a | b), *not* bold_ish & 3 < 4; C:\\temp"
    copy = shared("reset", {"aligned-expectations": typed})
    assert typed.replace("C:\\temp", "C:") in copy
    assert "\\" not in copy.replace("C:\\temp", "")


def test_only_what_would_break_the_markdown_is_neutralised() -> None:
    hostile = (
        "# not a heading\n---\n> not a quote\n<script>alert(1)</script>\n| a |\n|---|\n"
        "[1]: https://example.com\n\n    not code\n```\n"
    )
    copy = shared("reset", {"aligned-expectations": hostile})
    tokens = MarkdownIt("commonmark").enable("table").parse(copy)
    kinds = {token.type for token in tokens}
    assert not kinds & {"blockquote_open", "table_open", "html_block", "hr", "fence", "code_block"}
    assert "not a heading" not in headings(copy)
    assert "[1]: https://example.com" in "\n".join(text_tokens(copy))
    html = MarkdownIt("commonmark", {"html": False}).render(copy)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_list_typed_in_an_answer_stays_a_list() -> None:
    copy = shared("reset", {"aligned-expectations": "We agreed:\n- weekly calls\n- a report"})
    assert "We agreed:\n- weekly calls\n- a report" in copy


def test_neutralise_keeps_ordinary_lines_and_defuses_block_starts() -> None:
    assert neutralise("Budget 1200.5 on 2026-12-02") == "Budget 1200.5 on 2026-12-02"
    assert neutralise("## Title") == "\\## Title"
    assert neutralise("2026. A year") == "2026\\. A year"
    assert neutralise("- item") == "\\- item"
    assert neutralise("- item", lists=True) == "- item"
    assert neutralise("---", lists=True) == "\\---"
    assert neutralise(":--|--") == "\\:--|--"
    assert neutralise("[1]: https://example.com") == "\\[1]: https://example.com"


def test_dates_are_written_out() -> None:
    assert written_date(date(2026, 12, 2)) == "Wednesday 2 December 2026"


@pytest.mark.parametrize("playbook_id", ["postmortem", "risk-check"])
def test_internal_playbooks_have_no_customer_copy(playbook_id: str) -> None:
    driven = drive(playbook_id)
    assert not (driven.folder / "shared.md").exists()
    assert "shared.md" not in driven.session.written


GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("playbook_id", ["fire", "recovery", "reset"])
def test_recap_of_a_real_conversation_matches_its_golden_file(playbook_id: str) -> None:
    """Set RESETKIT_REGENERATE=1 to rewrite tests/golden/recap-*.md; review the diff like code."""
    sheet = yaml.safe_load((GOLDEN / f"recap-{playbook_id}.answers.yaml").read_text("utf-8"))
    playbook = builtin(playbook_id)
    session = make_session(playbook, sheet["answers"], sheet["customer"])
    session.attendees = [Attendee.parse(text) for text in sheet["attendees"]]
    copy = recap_markdown(session, playbook)
    golden = GOLDEN / f"recap-{playbook_id}.md"
    if os.environ.get("RESETKIT_REGENERATE") == "1":
        golden.write_text(copy, "utf-8")
    assert copy == golden.read_text("utf-8"), "regenerate: RESETKIT_REGENERATE=1 pytest " + str(
        Path(__file__).relative_to(REPO)
    )
    assert_reads_as_a_message(copy)


# --- the email draft ---------------------------------------------------------------------------


def session_with(playbook_id: str, attendees: list[Attendee], **overrides: Any) -> Session:
    driven = drive(playbook_id, overrides or None)
    session = load(driven.folder)
    session.attendees = attendees
    save(session, driven.folder)
    return session


def test_email_draft_has_subject_recipients_and_both_parts() -> None:
    people = [
        Attendee(name="Dana Smith <dana@acme.example>", role="CTO"),
        Attendee(name="Lee", role="Ops"),
        Attendee(name="pat@acme.example"),
    ]
    session = session_with("fire", people, **{"transition-support": "<b>Two</b> & more"})
    message = parse_eml(recap_email(session, builtin("fire"), written=WHEN))
    assert message["Subject"] == "Your transition plan: Acme Corp"
    assert [str(a) for a in message["To"].addresses] == [
        "Dana Smith <dana@acme.example>",
        "pat@acme.example",
    ]
    assert message["X-Unsent"] == "1" and message["From"] is None
    plain, html = parts_of(message)
    copy = recap_markdown(session, builtin("fire"))
    _, body = copy.split("\n\n", 1)  # the title is the subject, not a heading of the mail
    # Greeted: those it goes to (Lee has no address: not a reader of this draft).
    assert plain == f"Hello Dana,\n\n{body.rstrip()}\n\nBest regards,\n"
    assert "with Dana Smith, Lee and pat@acme.example." in plain
    assert "<title>Your transition plan: Acme Corp</title>" in html and "<h1>" not in html
    assert "&lt;b&gt;Two&lt;/b&gt; &amp; more" in html and "<b>Two" not in html
    assert "poor-fit" not in plain + html and "text for reaction" not in plain + html


def test_email_draft_sender_is_optional_and_checked() -> None:
    session = session_with("fire", [])
    message = parse_eml(recap_email(session, builtin("fire"), sender="Sam <sam@us.example>"))
    assert str(message["From"]) == "Sam <sam@us.example>" and message["To"] is None


def test_a_customer_name_cannot_inject_a_header() -> None:
    session = session_with("fire", [Attendee(name="Eve\r\nBcc: x@evil.example <e@acme.example>")])
    session.customer = "Acme\r\nBcc: boss@evil.example\nX-Evil: 1"
    message = parse_eml(recap_email(session, builtin("fire"), written=WHEN))
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Your transition plan: Acme Bcc: boss@evil.example X-Evil: 1"
    assert [a.addr_spec for a in message["To"].addresses] == ["e@acme.example"]


# --- the redaction property --------------------------------------------------------------------


def marker(index: int) -> str:
    """A string no renderer changes and nothing else contains."""
    return f"qmark{index}x"


def marked_answer(kind: str, index: int, noise: str) -> tuple[Any, str | None]:
    """An answer of a question type carrying the question's marker, and the marker to look for."""
    tag = marker(index)
    if kind == "text":
        return f"{noise}{tag}{noise}", tag
    if kind == "long_text":
        return f"{noise}\n{tag}\n\n{noise}", tag
    if kind == "list":
        return [noise or "x", tag], tag
    if kind == "action_items":
        item = {"id": f"a{index}", "what": f"{noise} {tag}", "owner": "both", "due": "2026-12-09"}
        return [item | {"owner_name": tag}], tag
    if kind == "number":
        return 900_000_000 + index * 7, str(900_000_000 + index * 7)
    if kind == "date":
        return f"{3000 + index}-12-02", f"December {3000 + index}"
    return None, None


MARKABLE = ["text", "long_text", "list", "action_items", "number", "date"]


def make_session(playbook: Playbook, answers: dict[str, Any], customer: str) -> Session:
    return Session(
        id="acme/2026-11-24-x",
        playbook_id=playbook.id,
        playbook_title=playbook.title,
        playbook_version=playbook.version,
        playbook_hash="0" * 16,
        playbook_path="/nowhere.yaml",
        customer=customer,
        attendees=[Attendee(name="Dana <dana@acme.example>", role="CTO")],
        started_at=WHEN,
        planned_minutes=playbook.minutes,
        answers=answers,
        status="complete",
    )


def everything_sent(session: Session, playbook: Playbook) -> str:
    """Every text the customer could see: both copies, and each header and body of the draft."""
    message = parse_eml(recap_email(session, playbook, written=WHEN))
    plain, html = parts_of(message)
    headers = "\n".join(f"{key}: {value}" for key, value in message.items())
    markdown = recap_markdown(session, playbook)
    return "\n".join(
        [markdown, recap_markdown(session, playbook, plain=True), headers, plain, html]
    )


def named(playbook: Playbook) -> set[str]:
    assert playbook.recap is not None
    return {item.answer for part in playbook.recap.parts for item in part.items}


def check_redaction(playbook: Playbook, answers: dict[str, Any], markers: dict[str, str]) -> None:
    session = make_session(playbook, answers, "Acme Corp")
    if playbook.recap is None:  # an internal playbook: there is no customer copy to send
        with pytest.raises(UsageError, match="has no recap"):
            recap_markdown(session, playbook)
        with pytest.raises(UsageError, match="has no recap"):
            recap_email(session, playbook)
        return
    sent = everything_sent(session, playbook)
    for question_id, tag in markers.items():
        if question_id not in named(playbook):
            assert tag not in sent, f"{question_id} is not in the recap but its answer was sent"
    # The property could pass by sending nothing: each named answer in a part that applies shows.
    assert playbook.recap is not None
    for part in playbook.recap.parts:
        if evaluate(part.when, answers):
            for item in part.items:
                if item.answer in markers and is_answered(answers.get(item.answer)):
                    assert markers[item.answer] in sent, item.answer


NOISE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
).filter(lambda text: "qmark" not in text)


@pytest.mark.parametrize("playbook_id", ["fire", "postmortem", "recovery", "reset", "risk-check"])
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_answer_outside_the_recap_reaches_the_customer(playbook_id: str, data: Any) -> None:
    playbook = builtin(playbook_id)
    answers: dict[str, Any] = {}
    markers: dict[str, str] = {}
    for index, (_, question) in enumerate(playbook.questions()):
        if question.type in MARKABLE and data.draw(st.booleans()):
            value, tag = marked_answer(question.type, index, data.draw(NOISE))
            answers[question.id], markers[question.id] = value, str(tag)
        elif question.type == "choice":
            choices = [choice.value for choice in question.choices]  # type: ignore[union-attr]
            answers[question.id] = data.draw(st.sampled_from(choices))
        elif question.type == "yes_no":
            answers[question.id] = data.draw(st.booleans())
    check_redaction(playbook, answers, markers)


TYPES = ["text", "long_text", "list", "action_items", "number", "date", "yes_no"]


@st.composite
def random_playbooks(draw: st.DrawFn) -> tuple[Playbook, dict[str, Any], dict[str, str]]:
    """A valid playbook with a recap naming some of its questions, and answers to it."""
    count = draw(st.integers(1, 8))
    kinds = [draw(st.sampled_from(TYPES)) for _ in range(count)]
    internal = [draw(st.booleans()) for _ in range(count)]
    questions = [
        {"id": f"q{i}", "type": kind, "prompt": f"Q{i}?", "internal": internal[i]}
        for i, kind in enumerate(kinds)
    ]
    shareable = [f"q{i}" for i in range(count) if not internal[i]]
    parts = []
    for number in range(draw(st.integers(1, 3))):
        items = (
            [
                {"answer": answer, "label": draw(st.sampled_from(["", "What we agreed"]))}
                for answer in draw(st.lists(st.sampled_from(shareable), max_size=3))
            ]
            if shareable
            else []
        )
        part: dict[str, Any] = {"heading": f"Part {number}", "items": items}
        if not items:
            part["text"] = "Fixed words to the customer."
        if shareable and draw(st.booleans()):
            part["when"] = {"question": draw(st.sampled_from(shareable)), "answered": True}
        parts.append(part)
    document = {
        "id": "random",
        "title": "Random",
        "duration": "10m",
        "sections": [{"id": "s", "title": "S", "timebox": "10m", "questions": questions}],
        "recap": {"title": "Recap", "parts": parts},
    }
    playbook = parse_playbook(yaml.safe_dump(document), "random.yaml")
    answers: dict[str, Any] = {}
    markers: dict[str, str] = {}
    for index, kind in enumerate(kinds):
        if kind == "yes_no":
            answers[f"q{index}"] = draw(st.booleans())
        elif draw(st.integers(0, 4)):
            value, tag = marked_answer(kind, index, draw(NOISE))
            answers[f"q{index}"], markers[f"q{index}"] = value, str(tag)
    return playbook, answers, markers


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(random_playbooks())
def test_random_playbooks_send_only_what_their_recap_names(
    case: tuple[Playbook, dict[str, Any], dict[str, str]],
) -> None:
    check_redaction(*case)


# --- the command -------------------------------------------------------------------------------


def complete_session(playbook_id: str, notes: Path, **overrides: Any) -> str:
    return drive(playbook_id, overrides or None, notes_dir=notes).session.id


def test_share_prints_the_recap_when_piped(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    session_id = complete_session("recovery", notes)
    result = run("share", session_id, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (notes / session_id / "shared.md").read_text("utf-8")


def test_share_text_format_shows_answers_exactly_as_typed(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    session_id = complete_session("reset", notes, **{"aligned-expectations": "# Goals <b>"})
    markdown = run("share", session_id, "--notes-dir", str(notes)).stdout
    text = run("share", session_id, "--format", "text", "--notes-dir", str(notes)).stdout
    assert "\\# Goals \\<b>" in markdown
    assert "\n# Goals <b>\n" in text


def test_share_writes_an_email_draft_and_never_overwrites(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    session_id = complete_session("reset", notes)
    draft = isolated / "draft.eml"
    result = run("share", session_id, "--eml", str(draft), "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and f"wrote {draft}" in result.stderr
    message = parse_eml(draft.read_bytes())
    assert message["Subject"] == "Where we go from here: Acme Corp"
    plain, _ = parts_of(message)
    _, body = (notes / session_id / "shared.md").read_text("utf-8").split("\n\n", 1)
    assert plain.startswith("Hello") and body.rstrip() in plain
    assert plain.endswith("Best regards,\n")
    draft.write_bytes(b"mine")
    again = run("share", session_id, "--eml", str(draft), "--notes-dir", str(notes))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert draft.read_bytes() == b"mine"
    other = isolated / "other.eml"
    text = run(
        "share", session_id, "--eml", str(other), "--format", "text", "--notes-dir", str(notes)
    )
    assert text.exit_code == 2 and not other.exists()


def test_share_sends_a_hand_edited_copy_as_edited(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    session_id = complete_session("fire", notes)
    (notes / session_id / "shared.md").write_text("Edited by me.\n", "utf-8")
    result = run("share", session_id, "--notes-dir", str(notes))
    assert result.exit_code == 0
    assert result.stdout == "Edited by me.\n" and "as you edited it" in result.stderr


def test_share_of_an_internal_playbook_says_in_one_line_there_is_nothing_to_send(
    run, isolated: Path
) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    session_id = complete_session("postmortem", notes)
    result = run("share", session_id, "--notes-dir", str(notes))
    assert result.exit_code == 0 and result.stdout == ""
    assert f"are internal: nothing to send ({session_id})" in result.stderr
    assert "has no recap" not in result.stderr  # words for the playbook's author, not the CSM
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_share_refuses_a_session_in_progress(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    folder = drive("fire", notes_dir=notes, picks=["discard"]).folder
    session = load(folder)
    session.status = "in_progress"
    save(session, folder)
    result = run("share", session.id, "--notes-dir", str(notes))
    assert result.exit_code == 2 and "in progress; this needs one complete" in result.stderr
    assert f"('resetkit resume {session.id}' finishes it first)" in result.stderr


def test_share_from_needs_an_email_draft(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    session_id = complete_session("fire", notes)
    result = run("share", session_id, "--from", "sam@us.example", "--notes-dir", str(notes))
    assert result.exit_code == 2 and "--from goes with --eml" in result.stderr


def test_attendee_with_an_address_on_the_command_line_becomes_a_recipient(
    run, isolated: Path
) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    answers = isolated / "answers.yaml"
    sheet = yaml.safe_load(run("answers-template", "recovery").stdout)
    sheet["answers"] |= {
        "our-mistakes": ["Reports were late"],
        "root-cause": "No one owned the weekly report",
        "customer-agrees": True,
        "actions": [{"what": "Own the report", "owner": "us", "due": "+7d"}],
        "slip-rule-agreed": True,
        "status-cadence": "weekly",
        "outcome": "plan-agreed",
    }
    answers.write_text(yaml.safe_dump(sheet), "utf-8")
    started = run(
        "start", "recovery", "--customer", "Acme Corp", "--answers", str(answers), "--no-input",
        "--attendee", "Dana Smith <dana@acme.example>:CTO", "--attendee", "Lee:Ops",
        "--notes-dir", str(notes),
    )  # fmt: skip
    assert started.exit_code == 0, started.stderr
    session_id = started.stderr.split(" complete\n")[0].split("session ")[-1]
    draft_name = session_id.replace("/", "-") + ".eml"
    assert f"resetkit share {session_id} --eml {draft_name}" in started.stderr
    draft = isolated / "d.eml"
    assert run("share", session_id, "--eml", str(draft), "--notes-dir", str(notes)).exit_code == 0
    message = parse_eml(draft.read_bytes())
    assert str(message["To"]) == "Dana Smith <dana@acme.example>"
    plain, _ = parts_of(message)
    assert "with Dana Smith and Lee." in plain
    assert "Reports were late" not in plain  # owned on the call, kept out of the copy
    assert "CTO" not in plain  # a role is our note, not the customer's
    assert "No one owned the weekly report" in plain


def test_render_of_an_internal_playbook_does_not_miss_a_customer_copy(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    notes = isolated / "notes"
    driven = drive("risk-check", notes_dir=notes)
    result = run("render", driven.session.id, "--notes-dir", str(notes))
    assert result.exit_code == 0, result.stderr
    assert [Path(line).name for line in result.stdout.splitlines()] == [
        "notes.md",
        "action-plan.md",
    ]


def test_render_removes_a_customer_copy_an_older_version_wrote(run, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    notes = isolated / "notes"
    driven = drive("postmortem", notes_dir=notes)
    old = "---\ncustomer: Acme\n---\nan internal answer\n"
    (driven.folder / "shared.md").write_text(old, "utf-8")
    session = load(driven.folder)
    session.written["shared.md"] = hashlib.sha256(old.encode()).hexdigest()
    save(session, driven.folder)
    assert run("render", session.id, "--notes-dir", str(notes)).exit_code == 0
    assert not (driven.folder / "shared.md").exists()
    assert "shared.md" not in load(driven.folder).written
