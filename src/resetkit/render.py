"""Playbooks and sessions to Markdown; pure functions of data."""

from __future__ import annotations

import re

from resetkit.conditions import describe
from resetkit.model import (
    AnyQuestion,
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    Playbook,
    format_minutes,
)

TYPE_NAMES = {
    "text": "short text",
    "long_text": "long text",
    "yes_no": "yes/no",
    "choice": "pick one",
    "multi_choice": "pick any",
    "number": "number",
    "date": "date",
    "list": "list",
    "action_items": "action items",
}

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^(\s*\d*)([#>+=.)-])")


def escape(text: str) -> str:
    """Text that Markdown shows as typed: no emphasis, links, HTML, tables or headings."""
    lines = []
    for line in text.splitlines() or [""]:
        line = _INLINE_SPECIAL.sub(r"\\\1", line)
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


def _number_range(question: NumberQuestion) -> str:
    unit = f" {question.unit}" if question.unit else ""
    if question.min is not None and question.max is not None:
        return f"between {question.min} and {question.max}{unit}"
    if question.min is not None:
        return f"at least {question.min}{unit}"
    return f"at most {question.max}{unit}"


def _question_line(question: AnyQuestion) -> str:
    flags = [TYPE_NAMES[question.type]]
    if question.required:
        flags.append("required")
    if question.internal:
        flags.append("internal")
    line = f"- **{escape(question.prompt)}** ({', '.join(flags)})"
    if question.help:
        line += f" — {escape(question.help)}"
    details = []
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        details.append("choices: " + "; ".join(escape(choice.shown) for choice in question.choices))
    if isinstance(question, NumberQuestion) and (
        question.min is not None or question.max is not None
    ):
        details.append(escape(_number_range(question)))
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
    if playbook.recommendations:
        out += ["", "## What to run next", "", "The first rule that holds is recommended:", ""]
        for rule in playbook.recommendations:
            target = f"run `{rule.playbook}`" if rule.playbook else "no playbook needed"
            condition = f"if {describe(rule.when)}" if rule.when else "otherwise"
            out.append(f"- {escape(condition)}: **{target}**. {escape(rule.because)}")
    return "\n".join(out) + "\n"
