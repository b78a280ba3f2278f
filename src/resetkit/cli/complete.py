"""What Tab completes in bash, zsh and fish: playbook ids, session ids, customers, action ids
and owners. Each is a small adapter over the playbook search path or history/names.py.

A completion runs the whole command line's parsing on every Tab: these import what they need
when called, read no record and never load pydantic (see history/names.py). Any failure
completes nothing rather than printing an error into the person's prompt.
"""

# No `from __future__ import annotations` here: typer reads these functions' annotations to
# know which argument is the context and which the text typed so far.
from pathlib import Path

import typer


def _notes_dir(ctx: typer.Context) -> Path:
    """The notes dir this command line names (--notes-dir), else the usual one."""
    from resetkit.places import find_notes_dir

    given = ctx.params.get("notes_dir")
    return find_notes_dir(Path(given) if given else None).path


def playbook_ids(incomplete: str) -> list[str]:
    """Ids of the playbooks on the search path, built-in and the team's."""
    try:
        from resetkit.places import discover, search_path

        return sorted(e.id for e in discover(search_path()) if e.id.startswith(incomplete))
    except Exception:
        return []


def session_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Session ids (customer/date-playbook), by customer folder first."""
    try:
        from resetkit.history.names import session_ids as found

        return found(_notes_dir(ctx), incomplete)
    except Exception:
        return []


def customer_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """Customers' names as written in their sessions (typer keeps those starting with what
    was typed, in the same case)."""
    try:
        from resetkit.history.names import customer_names as found

        return found(_notes_dir(ctx), incomplete)
    except Exception:
        return []


def action_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids of the open action items."""
    try:
        from resetkit.history.names import action_ids as found

        return found(_notes_dir(ctx), incomplete)
    except Exception:
        return []


def owners(ctx: typer.Context, incomplete: str) -> list[str]:
    """us, customer, both, and the names owning open items."""
    try:
        from resetkit.history.names import owners as found

        return found(_notes_dir(ctx), incomplete)
    except Exception:
        return ["us", "customer", "both"]
