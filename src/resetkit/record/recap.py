"""The customer copy: a recap written to the customer from only the answers its playbook names.

Pure functions of data: the recap as Markdown (or plain text), as HTML, and as an email draft.
Nothing here reads an answer that the playbook's `recap:` does not name; that is the whole
redaction guarantee, and tests/test_recap.py holds it to that with random playbooks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from resetkit import dates
from resetkit.attendees import name_and_address
from resetkit.controls import visible
from resetkit.errors import UsageError
from resetkit.format.conditions import evaluate, is_answered
from resetkit.format.model import AnyQuestion, Playbook, Recap, RecapItem
from resetkit.question_types import KINDS
from resetkit.record.session import ActionItem, Attendee, Session, action_items_in

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Only what would change the document's structure is neutralised, and only at the start of a
# line: headings, quotes, list markers, rules, code fences, setext underlines, table rows.
# Everything else in an answer shows exactly as typed, with no backslash in sight.
_BLOCK_START = re.compile(
    r"^(?:#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|=+[ \t]*$|-{2,}|(?:[*_][ \t]*){3,}$|`{3,}|~{3,}|\|"
    r"|\[[^\]]*\]:)"  # the last: a link reference definition, which hides its line
)
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_RULE = re.compile(r"^(?:(?:[-*_=][ \t]*)+)$")  # a rule or a setext underline, never content
_LIST_ITEM = re.compile(r"^(?:[-+*]|\d{1,9}[.)])[ \t]+\S")
_DELIMITER_ROW = re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def written_date(day: date) -> str:
    """A date as a person writes it in a letter: Wednesday 2 December 2026."""
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def neutralise(line: str, *, lists: bool = False) -> str:
    """One line of Markdown that stays a line of text: no heading, quote, table or tag.

    With `lists`, a line typed as a list item ('- one', '1. two') stays one: inside an answer
    of several lines it is a list, in plain text and in Markdown alike.
    """
    line = line.strip()  # four leading spaces would make it code
    if lists and _LIST_ITEM.match(line) and not _RULE.match(line):
        return _TAG_START.sub(r"\\<", line)
    ordered = _ORDERED_MARKER.match(line)
    if ordered:
        line = ordered.group(1) + "\\" + line[len(ordered.group(1)) :]
    elif _BLOCK_START.match(line) or ("|" in line and _DELIMITER_ROW.match(line)):
        line = "\\" + line
    return _TAG_START.sub(r"\\<", line)


def _as_typed(line: str, *, lists: bool = False) -> str:
    return line.strip()


class _Writer:
    """Builds the recap's blocks; `line` makes one line of text safe for the output format."""

    def __init__(self, line: Callable[..., str]) -> None:
        self.line = line

    def inline(self, text: str) -> str:
        return self.line(" ".join(text.split()))

    def prose(self, text: str) -> str:
        """Paragraphs as typed: blank lines part them, each line break is kept."""
        blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
        paragraphs = []
        for block in blocks:
            lines = [self.line(line, lists=True) for line in block.split("\n") if line.strip()]
            if lines:
                paragraphs.append("\n".join(lines))
        return "\n\n".join(paragraphs)

    def heading(self, text: str, underline: str) -> str:
        title = self.inline(text)
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in title)
        return f"{title}\n{underline * max(3, width)}"


def number_phrase(value: Any) -> str:
    """A number as the customer reads it: 12, not 12.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def day_phrase(value: Any) -> str:
    """A stored date as the customer reads it: 'Tuesday 8 December 2026'."""
    try:
        return written_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


OWNERS = {"us": "our team", "customer": "your team", "both": "both teams"}


def action_line(item: ActionItem) -> str:
    """Who, what, by when: 'Sam (our team): Send the plan, by Tuesday 8 December 2026'."""
    side = OWNERS[item.owner]
    name = " ".join(item.owner_name.split())
    who = f"{name} ({side})" if name else side[0].upper() + side[1:]
    line = f"{who}: {' '.join(item.what.split())}"
    if item.due is not None:
        line += f", by {written_date(item.due)}"
    if item.critical_path:
        line += " (a key milestone)"
    if item.status == "done":
        line += " (done)"
    return line


class RecapKit:
    """The customer copy's words the type table writes an answer with (question_types.RecapKit)."""

    def number_phrase(self, value: Any) -> str:
        """A number as the customer reads it."""
        return number_phrase(value)

    def day_phrase(self, value: Any) -> str:
        """A stored date as the customer reads it."""
        return day_phrase(value)

    def action_lines(self, entries: Any) -> list[str]:
        """A line for each stored action item but the dropped ones, which the customer is not
        told of; ValidationError for a damaged one, as when the record is read."""
        return [action_line(item) for item in action_items_in(entries) if item.status != "dropped"]


RECAP_KIT = RecapKit()


def _item_blocks(writer: _Writer, question: AnyQuestion, item: RecapItem, value: Any) -> list[str]:
    """The Markdown blocks of one answer: a short line, or a label over its own lines.

    A labelled short answer is one `_LabelledLine`, so that several in a row become a list.
    """
    label = " ".join(item.label.split()).rstrip(":")
    # A phrase, the lines of a list, or (None) paragraphs of text: see question_types/kinds.py.
    form = KINDS[question.type].recap(RECAP_KIT, question, value)
    if isinstance(form, str):
        if label:
            return [_LabelledLine(writer.inline(f"{label}: {form}"))]
        return [writer.inline(form)]
    head = [writer.inline(label + ":")] if label else []
    if isinstance(form, list):
        return [*head, "\n".join(f"- {writer.inline(line)}" for line in form)] if form else []
    text = writer.prose(str(value))
    return [*head, text] if text else []


def _part_blocks(writer: _Writer, recap: Recap, session: Session, playbook: Playbook) -> list[str]:
    questions = {question.id: question for _, question in playbook.questions()}
    out: list[str] = []
    for part in recap.parts:
        if not evaluate(part.when, session.answers):
            continue
        shown: list[str] = []
        for item in part.items:
            question = questions.get(item.answer)
            value = session.answers.get(item.answer)
            if question is None or question.internal or not is_answered(value):
                continue
            shown += _item_blocks(writer, question, item, value)
        if not shown and not part.text.strip():
            continue  # nothing to say: the part is left out, never shown as skipped
        out.append(writer.heading(part.heading, "-"))
        if part.text.strip():
            out.append(writer.prose(part.text))
        out += _group_lines(shown)
    return out


class _LabelledLine(str):
    """'Label: short answer', one line."""


def _group_lines(blocks: list[str]) -> list[str]:
    """Short 'Label: value' lines in a row become one list; other blocks stay as they are."""
    grouped: list[str] = []
    run: list[str] = []
    for block in blocks:
        if isinstance(block, _LabelledLine):
            run.append(block)
            continue
        if run:
            grouped.append(_as_list(run))
            run = []
        grouped.append(block)
    if run:
        grouped.append(_as_list(run))
    return grouped


def _as_list(lines: list[str]) -> str:
    return lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)


def recap_title(session: Session, recap: Recap) -> str:
    """The recap's title with the customer: the heading of the copy and the email's subject."""
    return " ".join(f"{recap.title}: {session.customer}".split())


def recap_markdown(session: Session, playbook: Playbook, *, plain: bool = False) -> str:
    """The customer copy as Markdown that reads as plain text; `plain` drops the neutralising.

    UsageError when the playbook has no recap: it is internal and has no customer copy.
    """
    recap = playbook.recap
    if recap is None:
        raise UsageError(
            f"playbook '{playbook.id}' has no recap, so its sessions have no customer copy",
            hint="add a 'recap:' to the playbook to say what the customer gets",
        )
    writer = _Writer(_as_typed if plain else neutralise)
    out = [writer.heading(recap_title(session, recap), "=")]
    when = f"Our conversation on {written_date(session.started_at.date())}"
    # Names only: a role typed after --attendee is a note for us, and not always a job title.
    people = [attendee.display_name for attendee in session.attendees]
    if people:
        joined = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
        when += f", with {joined}"
    out.append(writer.inline(when + "."))
    if recap.opening.strip():
        out.append(writer.prose(recap.opening))
    out += _part_blocks(writer, recap, session, playbook)
    if recap.closing.strip():
        out.append(writer.prose(recap.closing))
    # As typed, but for control characters: a terminal or a mail client would act on them.
    return visible("\n\n".join(out) + "\n")


def recap_html(markdown: str, title: str) -> str:
    """The recap as an HTML page; raw HTML in the Markdown is shown as text, never run."""
    import html

    from markdown_it import MarkdownIt

    # `breaks`: a line break typed in an answer stays a line break, as in the plain text.
    body = MarkdownIt("commonmark", {"html": False, "breaks": True}).render(markdown)
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def _as_letter(markdown: str, subject: str, session: Session, sender_name: str) -> str:
    """The recap as the body of a message: a greeting instead of the title (the subject
    carries it), the recap, and a sign-off."""
    writer = _Writer(neutralise)
    heading = writer.heading(subject, "=")
    body = markdown.removeprefix(heading).lstrip("\n") if markdown.startswith(heading) else markdown
    # First names of those the draft goes to (the attendees with an address), else of the
    # people on the call; a bare address names nobody.
    addressed = recipients(session.attendees)
    named = (
        [name for name, _ in addressed]
        if addressed
        else [attendee.display_name for attendee in session.attendees]
    )
    people = list(dict.fromkeys(name.split()[0] for name in named if "@" not in name and name))
    if not people or len(people) > 4:
        greeting = "Hello,"
    elif len(people) == 1:
        greeting = f"Hello {people[0]},"
    else:
        greeting = f"Hello {', '.join(people[:-1])} and {people[-1]},"
    closing = "Best regards," + (f"  \n{sender_name}" if sender_name else "")
    return f"{writer.inline(greeting)}\n\n{body.rstrip()}\n\n{writer.inline(closing)}\n"


def recipients(attendees: list[Attendee]) -> list[tuple[str, str]]:
    """(name, address) of each attendee given with an address, like 'Dana <dana@acme.com>'."""
    found = []
    for attendee in attendees:
        name, address = name_and_address(attendee.name)
        if address:
            found.append((name, address))
    return found


def _ascii_domain(addr_spec: str) -> str:
    """The address with an internationalised domain in its ASCII (IDNA) form, which every mail
    client reads; the email package would write it as an encoded-word, which none reads as an
    address. UnicodeError (a ValueError) for a domain IDNA cannot write."""
    local, at, domain = addr_spec.rpartition("@")
    if not at or domain.isascii():
        return addr_spec
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def recap_email(
    session: Session,
    playbook: Playbook,
    *,
    markdown: str | None = None,
    sender: str | None = None,
    written: datetime | None = None,
) -> bytes:
    """An RFC 5322 draft of the recap: plain text and HTML from the same Markdown.

    `markdown` is the recap to send (by default the one the record gives); the attendees
    with an address are its recipients, the recap's title and the customer its subject.
    """
    import email.policy
    from email.errors import HeaderParseError
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    if markdown is None:
        markdown = recap_markdown(session, playbook)
    assert playbook.recap is not None  # recap_markdown refused a playbook without one
    subject = recap_title(session, playbook.recap)

    def address(name: str, addr_spec: str, what: str) -> Address:
        try:
            return Address(display_name=name, addr_spec=_ascii_domain(addr_spec))
        except (ValueError, IndexError, HeaderParseError):
            raise UsageError(f"{what} {addr_spec!r} is not a valid email address") from None

    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    if sender:
        name, sender_address = name_and_address(sender)
        if not sender_address:
            raise UsageError(f"--from {sender!r} holds no email address: write 'Name <addr>'")
        message["From"] = address(name, sender_address, "--from")
    to = [address(name, addr, "attendee address") for name, addr in recipients(session.attendees)]
    if to:
        message["To"] = to
    message["Date"] = format_datetime(written or dates.now())
    message["Message-ID"] = make_msgid(domain="resetkit.invalid")
    message["X-Unsent"] = "1"  # Outlook opens the file as a draft to edit and send
    letter = _as_letter(markdown, subject, session, name_and_address(sender or "")[0])
    message.set_content(letter)
    message.add_alternative(recap_html(letter, subject), subtype="html")
    payload: bytes = message.as_bytes()
    return payload
