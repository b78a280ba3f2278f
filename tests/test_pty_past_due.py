"""A past due date typed in a real terminal at 80x24: the question shows under the field, the
date stays as typed, and a second Enter takes it (tests/test_past_due_prompts.py has the rest)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from conftest import TODAY
from screen import Terminal, environment

pytestmark = [pytest.mark.pty, pytest.mark.dated]

PLAYBOOK = {
    "id": "due-call",
    "title": "Due call",
    "duration": "10m",
    "sections": [
        {
            "id": "main",
            "title": "Main",
            "timebox": "10m",
            "questions": [{"id": "actions", "type": "action_items", "prompt": "Next steps"}],
        }
    ],
}


def test_a_past_due_date_in_a_terminal_asks_for_a_second_enter(isolated: Path) -> None:
    (isolated / ".git").mkdir()
    (isolated / "playbooks").mkdir()
    (isolated / "playbooks" / "due-call.yaml").write_text(yaml.safe_dump(PLAYBOOK), "utf-8")
    past = TODAY - timedelta(days=22)
    term = Terminal(["start", "due-call", "--customer", "Acme"], isolated, environment(isolated))
    try:
        for prompt, keys in [
            ("What needs doing?", "Send the plan\r"),
            ("Who owns it?", "\r"),
            ("Owner's name", "\r"),
            ("Due", past.isoformat() + "\r"),
        ]:
            term.wait_for_prompt(prompt)
            term.send(keys)
        term.wait_for(f"{past:%a %b} {past.day} is 22 days ago — Enter again keeps it")
        assert f"› {past.isoformat()}" in term.lines()  # the text typed is kept as it was
        assert "critical path" not in term.text()
        term.send("\r")
        term.wait_for_prompt("On the critical path?")
        term.send("n")
        term.wait_for("Done: keep 1 item")
        term.send("\r")  # the item saved with its answer; the review of answers comes next
        term.wait_for(f"due {past.isoformat()}")
        term.send("\x03")
        assert term.wait_for_exit() == 130
        (record,) = (isolated / "notes").glob("acme/*/session.json")
        assert past.isoformat() in record.read_text("utf-8")
    finally:
        term.close()
