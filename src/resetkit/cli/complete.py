"""What Tab completes in bash, zsh and fish: playbook ids, session ids, customers, action ids
and owners. Each is a small adapter over the playbook search path or history/names.py.

A completion runs the whole command line's parsing on every Tab: these import what they need
when called, read no record and never load pydantic (see history/names.py). Any failure
completes nothing rather than printing an error into the person's prompt.
"""

# No `from __future__ import annotations` here: typer reads these functions' annotations to
# know which argument is the context and which the text typed so far.
from collections.abc import Callable
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


def _from_history(ctx: typer.Context, incomplete: str, which: str) -> list[str]:
    """What history/names.py's `which` completes in this command line's notes dir."""
    try:
        from resetkit.history import names

        finder: Callable[[Path, str], list[str]] = getattr(names, which)
        return [_for_the_shell(value) for value in finder(_notes_dir(ctx), incomplete)]
    except Exception:
        return []


def _for_the_shell(value: str) -> str:
    """A completion as bash must insert it: bash puts what it is given on the command line as
    it is, so a customer named `Acme; rm -rf ~` would run `rm` at Enter. Every character but
    letters, digits and a few safe marks gets a backslash. zsh and fish quote by themselves."""
    import os
    import re

    if not os.environ.get("_RESETKIT_COMPLETE", "").endswith("bash"):
        return value
    return re.sub(r"([^\w./:@%+=,-])", r"\\\1", value)


def session_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Session ids (customer/date-playbook), by customer folder first."""
    return _from_history(ctx, incomplete, "session_ids")


def customer_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """Customers' names as written in their sessions (typer keeps those starting with what
    was typed, in the same case)."""
    return _from_history(ctx, incomplete, "customer_names")


def action_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids of the open action items."""
    return _from_history(ctx, incomplete, "action_ids")


def owners(ctx: typer.Context, incomplete: str) -> list[str]:
    """us, customer, both, and the names owning open items."""
    return _from_history(ctx, incomplete, "owners")
