"""Playbooks and sessions to Markdown; pure functions of data."""

from __future__ import annotations

import re
from typing import Any

from resetkit.controls import visible
from resetkit.dates import format_minutes
from resetkit.format.conditions import describe
from resetkit.format.model import AnyQuestion, Playbook
from resetkit.question_types import KINDS
from resetkit.record.session import ActionItem, Session, action_items_in

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^(\s*\d*)([#>+=.)-])")


def escape(text: str) -> str:
    """Text that Markdown shows as typed: no emphasis, links, HTML, tables or headings, and
    no raw control character (`cat` would replay an escape sequence): `\\x1b` instead."""
    lines = []
    # Markdown breaks lines only at \n and \r; splitlines() would also split at U+0085 and U+2028.
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = visible(_INLINE_SPECIAL.sub(r"\\\1", line))
        line = _BLOCK_START.sub(lambda match: match.group(1) + "\\" + match.group(2), line)
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text: str, *, keep_lines: bool = False) -> str:
    """Text as Markdown paragraphs; `keep_lines` keeps each line break as typed."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    joiner = "  \n" if keep_lines else "\n"
    return "\n\n".join(
        joiner.join(escape(line.strip()) for line in block.splitlines()) for block in blocks
    )


def reflow(text: str) -> str:
    """Plain text with each paragraph's wrapped lines joined, for a terminal to wrap again."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())


def _question_line(question: AnyQuestion) -> str:
    kind = KINDS[question.type]
    flags = [kind.label]
    if question.required:
        flags.append("required")
    if question.internal:
        flags.append("internal")
    line = f"- **{escape(question.prompt)}** ({', '.join(flags)})"
    if question.help:
        line += f" — {escape(question.help)}"
    details = kind.agenda(NOTES_KIT, question)
    if question.when is not None:
        details.append(f"only if {escape(describe(question.when))}")
    return "\n".join([line, *(f"  - {detail}" for detail in details)])


def agenda_markdown(playbook: Playbook) -> str:
    """The playbook as an agenda a CSM can paste into an invite or print."""
    out = [f"# {escape(playbook.title)}", ""]
    out.append(
        f"*{format_minutes(playbook.minutes)} · {len(playbook.sections)} sections · "
        f"playbook `{playbook.id}` version {escape(playbook.version)}*"
    )
    if playbook.summary:
        out += ["", paragraphs(playbook.summary)]
    if playbook.when_to_use:
        out += ["", "**When to use it.** " + paragraphs(playbook.when_to_use)]
    elapsed = 0
    for number, section in enumerate(playbook.sections, start=1):
        if section.when is not None:
            timing = f"{section.timebox}, extra"
        elif section.minutes == 0:
            timing = "untimed, before the call"
        else:
            timing = f"{section.timebox}, minute {elapsed} to {elapsed + section.minutes}"
        out += ["", f"## {number}. {escape(section.title)} ({timing})"]
        if section.when is None:
            elapsed += section.minutes
        else:
            out += ["", f"*Only if {escape(describe(section.when))}.*"]
        if section.guidance:
            out += ["", paragraphs(section.guidance)]
        if section.talking_points:
            out += ["", "Talking points:", ""]
            out += [f"- {escape(point)}" for point in section.talking_points]
        if section.questions:
            out += ["", "Questions:", ""]
            out += [_question_line(question) for question in section.questions]
    if playbook.outcomes:
        out += ["", "## Possible outcomes", ""]
        for outcome in playbook.outcomes:
            line = f"- **{escape(outcome.label)}** (`{outcome.id}`)"
            if outcome.description:
                line += f": {escape(outcome.description)}"
            out.append(line)
    out += _recap_agenda(playbook)
    if playbook.recommendations:
        out += ["", "## What to run next", "", "The first rule that holds is recommended:", ""]
        for rule in playbook.recommendations:
            target = f"run `{rule.playbook}`" if rule.playbook else "no playbook needed"
            condition = f"if {describe(rule.when)}" if rule.when else "otherwise"
            out.append(f"- {escape(condition)}: **{target}**. {escape(rule.because)}")
    return "\n".join(out) + "\n"


def _recap_agenda(playbook: Playbook) -> list[str]:
    """What the customer copy holds, so the CSM knows before the call which answers go out."""
    recap = playbook.recap
    if recap is None:
        return ["", "## What the customer gets", "", "Nothing: this playbook is internal."]
    prompts = {question.id: question.prompt for _, question in playbook.questions()}
    out = [
        "",
        "## What the customer gets",
        "",
        f"A recap titled *{escape(recap.title)}*; only these answers go into it:",
        "",
    ]
    for part in recap.parts:
        line = f"- **{escape(part.heading)}**"
        if part.when is not None:
            line += f" (only if {escape(describe(part.when))})"
        named = [escape(prompts.get(item.answer, item.answer)) for item in part.items]
        out.append(line + (": " + "; ".join(named) if named else ": fixed text"))
    if playbook.attendees_question is not None:
        asked = escape(playbook.attendees_question.prompt)
        out.append(f"- its first line names the people on the call (names only): {asked}")
    return out


# --- session notes ----------------------------------------------------------------------------

ACTION_PLAN_HEADER = "| # | Action | Owner | Due | Critical path | Status |"


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and markup escaped."""
    return escape(" ".join(text.split())) or " "


def front_matter(session: Session) -> dict[str, Any]:
    """The YAML front matter of the notes, as data (it must parse back to exactly this)."""
    matter: dict[str, Any] = {
        "customer": session.customer,
        "date": session.started_at.date().isoformat(),
        "playbook": session.playbook_id,
        "playbook_version": session.playbook_version,
        "attendees": [a.name + (f" ({a.role})" if a.role else "") for a in session.attendees],
        "outcome": session.outcome,
        "planned_minutes": session.planned_minutes,
        "actual_minutes": round(session.meeting_minutes, 1),
        "session": session.id,
        "status": session.status,
    }
    if session.follows:
        matter["follows"] = session.follows
    return matter


def _answer_markdown(question: AnyQuestion, value: Any) -> str:
    if value is None:
        return "*(skipped)*"
    return KINDS[question.type].markdown(NOTES_KIT, question, value)


def action_table(items: list[ActionItem]) -> str:
    """The action items as a Markdown table, every cell escaped."""
    rows = [ACTION_PLAN_HEADER, "|---:|---|---|---|---|---|"]
    for number, item in enumerate(items, start=1):
        owner = {"us": "Us", "customer": "Customer", "both": "Both"}[item.owner]
        if item.owner_name:
            owner += f": {item.owner_name}"
        due = item.due.isoformat() if item.due else "no date"
        critical = "yes" if item.critical_path else "no"
        cells = [str(number), cell(item.what), cell(owner), due, critical, item.status]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


class NotesKit:
    """The Markdown the type table writes an answer with (question_types.NotesKit)."""

    def escape(self, text: str) -> str:
        """Text that Markdown shows as typed."""
        return escape(text)

    def paragraphs(self, text: str, *, keep_lines: bool = False) -> str:
        """Text as Markdown paragraphs."""
        return paragraphs(text, keep_lines=keep_lines)

    def action_table(self, entries: list[Any]) -> str:
        """The stored action items as a table; ValidationError for a damaged one."""
        return action_table(action_items_in(entries))


NOTES_KIT = NotesKit()


def front_matter_yaml(matter: dict[str, Any]) -> str:
    """The front matter as YAML that reads back exactly as `matter`, accents kept readable."""
    import yaml

    def dump(readable: bool) -> str:
        text: str = yaml.safe_dump(
            matter, sort_keys=False, allow_unicode=readable, width=float("inf")
        )
        return text

    text = dump(readable=True)
    # A few characters (NEL, U+0085) are folded into spaces when read back; escape them then.
    return text if yaml.safe_load(text) == matter else dump(readable=False)


def notes_markdown(session: Session, playbook: Playbook) -> str:
    """The meeting notes, for us: every answer given (the customer copy is recap.py's)."""
    matter = front_matter_yaml(front_matter(session))
    out = ["---", matter.rstrip("\n"), "---", ""]
    out.append(f"# {escape(playbook.title)}: {escape(session.customer)}")
    out.append("")
    facts = [f"**Date:** {session.started_at.date().isoformat()}"]
    if session.attendees:
        facts.append(
            "**Attendees:** "
            + ", ".join(
                escape(a.name + (f" ({a.role})" if a.role else "")) for a in session.attendees
            )
        )
    if session.outcome:
        labels = {outcome.id: outcome.label for outcome in playbook.outcomes}
        facts.append(f"**Outcome:** {escape(labels.get(session.outcome, session.outcome))}")
    facts.append(
        f"**Time:** {round(session.meeting_minutes)} of {session.planned_minutes} planned minutes"
    )
    out.append("  \n".join(facts))
    for section in playbook.sections:
        asked = [q for q in section.questions if q.id in session.answers]
        if not asked:
            continue
        out += ["", f"## {escape(section.title)}"]
        for question in asked:
            out += [
                "",
                f"**{escape(question.prompt)}**",
                "",
                _answer_markdown(question, session.answers[question.id]),
            ]
    if session.recommendation:
        target = session.recommendation.playbook
        out += [
            "",
            "## Recommended next step",
            "",
            (f"Run the `{target}` playbook. " if target else "")
            + escape(" ".join(session.recommendation.because.split())),
        ]
    return "\n".join(out) + "\n"


def action_plan_markdown(session: Session) -> str:
    """The action plan: one table of every action item in the session."""
    items = session.action_items()
    out = [
        f"# Action plan: {escape(session.customer)}",
        "",
        f"From the {escape(session.playbook_title)} session on "
        f"{session.started_at.date().isoformat()}.",
        "",
    ]
    out.append(action_table(items) if items else "No action items were recorded.")
    changes = [
        (number, event) for number, item in enumerate(items, start=1) for event in item.history
    ]
    numbers = {item.id: number for number, item in enumerate(items, start=1)}
    if changes:
        out += ["", "## Changes since the meeting", ""]
        for number, event in changes:
            when = event.at.date().isoformat()
            if event.kind == "moved":
                old = event.from_due.isoformat() if event.from_due else "no date"
                new = event.to_due.isoformat() if event.to_due else "no date"
                line = f"- {when}: #{number} moved from {old} to {new}"
                if event.caused_by in numbers:
                    line += f" with #{numbers[event.caused_by]}"
            else:
                line = f"- {when}: #{number} {event.kind}"
            if event.note:
                line += f": {escape(' '.join(event.note.split()))}"
            out.append(line)
    return "\n".join(out) + "\n"
