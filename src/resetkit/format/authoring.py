"""Writing playbooks: the JSON Schema of the format, and new playbooks that are valid as created."""

from __future__ import annotations

import json
import re
from pathlib import Path

from resetkit.errors import UsageError
from resetkit.format.loader import load, parse_playbook
from resetkit.format.model import IDENTIFIER_PATTERN, Playbook
from resetkit.storage import write_text_atomic

SCHEMA_FILE = "playbook.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
_TOP_LEVEL_ID = re.compile(r"^id:.*$", re.MULTILINE)

_TEMPLATE = """{modeline}
id: {id}
title: {title}
summary: One sentence on what this conversation is for.
version: 1
duration: 30m
when_to_use: >-
  When to open this playbook, in a sentence or two.
outcomes:
  - id: continue
    label: Continue as agreed
  - id: follow-up
    label: Another conversation is needed
sections:
  - id: opening
    title: Opening
    timebox: 5m
    guidance: >-
      Say why you asked for the call and what you hope both sides leave with.
    talking_points:
      - "Thanks for making the time. I'd like us to leave with a clear next step."
    questions:
      - id: attendees
        type: list
        prompt: Who is on the call?
        help: one at a time, as Name or Name:Role
        sets_attendees: true
  - id: discussion
    title: Discussion
    timebox: 20m
    questions:
      - id: concerns
        type: long_text
        prompt: What are their main concerns?
        required: true
  - id: close
    title: Close
    timebox: 5m
    questions:
      - id: outcome
        type: choice
        prompt: How did it end?
        sets_outcome: true
        required: true
        choices:
          - value: continue
            label: Continue as agreed
          - value: follow-up
            label: Another conversation is needed
      - id: next-date
        type: date
        prompt: When is the next conversation?
        default: +7d
        when:
          question: outcome
          equals: follow-up
      - id: actions
        type: action_items
        prompt: Action items
"""


def schema_text() -> str:
    """The JSON Schema of the playbook format, as resetkit prints and ships it."""
    schema = Playbook.model_json_schema(by_alias=True)
    schema = {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "resetkit playbook",
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def create_playbook(folder: Path, playbook_id: str, source: str | None) -> Path:
    """Write folder/ID.yaml (from the template, or a copy of `source`) and the schema beside it."""
    if not re.match(IDENTIFIER_PATTERN, playbook_id):
        raise UsageError(
            f"'{playbook_id}' is not a valid id",
            hint="use 1 to 64 lowercase letters, digits, '-' or '_'",
        )
    target = folder / f"{playbook_id}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists", hint="pick another id or edit that file")
    if source is None:
        text = _TEMPLATE.format(
            modeline=MODELINE, id=playbook_id, title=playbook_id.replace("-", " ").capitalize()
        )
    else:
        _, source_path = load(source)
        text = _TOP_LEVEL_ID.sub(f"id: {playbook_id}", source_path.read_text("utf-8"), count=1)
        if MODELINE not in text:
            text = f"{MODELINE}\n{text}"
    parse_playbook(text, str(target), expected_id=playbook_id)
    write_text_atomic(target, text)
    write_text_atomic(folder / SCHEMA_FILE, schema_text())
    return target
