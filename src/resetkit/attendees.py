"""People as typed: 'NAME:ROLE' after --attendee, and 'Name <address>' for an email draft.

A leaf: plain text in, plain text out, so the first prompt of a run and the session record
both use it without importing each other.
"""

from __future__ import annotations

import re

from resetkit.controls import check_name
from resetkit.errors import UsageError


def split_attendee(text: str) -> tuple[str, str]:
    """The name and role in 'NAME:ROLE' or 'NAME', as typed after --attendee.

    UsageError when it has no name or holds a control character.
    """
    check_name(text.strip(), "attendee")
    name, _, role = text.partition(":")
    if not name.strip():
        raise UsageError(f"attendee {text!r} has no name", hint="write it as NAME or NAME:ROLE")
    return name.strip(), role.strip()


_NAMED_ADDRESS = re.compile(r"(?P<name>[^<>]*)<(?P<address>[^<>\s]+@[^<>\s]+)>")
_BARE_ADDRESS = re.compile(r"[^<>\s]+@[^<>\s]+")


def name_and_address(text: str) -> tuple[str, str]:
    """(display name, address) from 'Name <addr>' or a bare address; (name, '') for a name.

    Only these two plain forms count: whatever else a name holds stays part of the name.
    """
    text = " ".join(text.split())
    named = _NAMED_ADDRESS.fullmatch(text)
    if named:
        return named.group("name").strip().strip('"').strip(), named.group("address")
    if _BARE_ADDRESS.fullmatch(text):
        return "", text
    return text, ""
