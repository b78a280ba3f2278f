"""Filters that match nothing: a typo in a customer, owner or playbook is said, never read as
"nothing to do"; and an empty notes dir is named, with the command that starts a session.

Each filter is asked of the whole history on its own (a customer with no session of the
playbook asked for is an answer, not a typo), through the index's indexed columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resetkit.errors import NothingMatched, did_you_mean

if TYPE_CHECKING:
    from resetkit.history.actions import Owner
    from resetkit.history.read import Filters, History

# How many names a message lists before "…".
SHOWN = 5

START = "resetkit start reset --customer NAME"


def listing(names: list[str]) -> str:
    """'Sam Rivera, Priya Shah, …': the first few names, and an ellipsis when there are more."""
    shown = ", ".join(names[:SHOWN])
    return shown + (", …" if len(names) > SHOWN else "")


def is_empty(history: History) -> bool:
    """Whether the notes dir holds no session at all (damaged records aside)."""
    found = history.index.connection.execute("SELECT 1 FROM records LIMIT 1").fetchone()
    return found is None


def empty_note(history: History) -> str:
    """What an empty notes dir says: where it looked, and how to start."""
    return f"no sessions in {history.notes_dir} yet; start one with '{START}'"


def _customers(history: History) -> list[str]:
    rows = history.index.connection.execute(
        "SELECT customer FROM records WHERE customer IS NOT NULL AND problem IS NULL"
        " GROUP BY customer_key ORDER BY customer_key"
    )
    return [name for (name,) in rows]


def _playbooks(history: History) -> list[str]:
    rows = history.index.connection.execute(
        "SELECT DISTINCT playbook_id FROM records WHERE problem IS NULL ORDER BY playbook_id"
    )
    return [name for (name,) in rows if name]


def _owners(history: History) -> list[str]:
    """The names owning action items, as typed, the most items first."""
    rows = history.index.connection.execute(
        "SELECT json_extract(item, '$.owner_name') AS name FROM actions"
        " WHERE owner_key != '' GROUP BY owner_key ORDER BY count(*) DESC, owner_key"
    )
    return [" ".join(str(name).split()) for (name,) in rows if name]


def refuse_unmatched(history: History, filters: Filters, owner: Owner | None = None) -> None:
    """NothingMatched when the customer, playbook or owner asked for has no session or item
    anywhere in the history, with the closest names and a few of those there are."""
    connection = history.index.connection
    if filters.customer is not None:
        found = connection.execute(
            "SELECT 1 FROM customers WHERE instr(customer_key, ?) > 0 LIMIT 1",
            (filters.customer.casefold(),),
        ).fetchone()
        if found is None:
            names = _customers(history)
            raise NothingMatched(
                f"no customer matches '{filters.customer}'"
                f"{did_you_mean(filters.customer, names, names=True)}",
                hint=f"customers: {listing(names)}",
            )
    if filters.playbook is not None:
        found = connection.execute(
            "SELECT 1 FROM records WHERE playbook_id = ? LIMIT 1", (filters.playbook,)
        ).fetchone()
        if found is None:
            ids = _playbooks(history)
            raise NothingMatched(
                f"no session of a playbook '{filters.playbook}'"
                f"{did_you_mean(filters.playbook, ids)}",
                hint=f"playbooks in the history: {listing(ids)}",
            )
    if owner is not None and not owner.side:
        found = connection.execute(
            "SELECT 1 FROM actions WHERE instr(owner_key, ?) > 0 LIMIT 1", (owner.wanted,)
        ).fetchone()
        if found is None:
            names = _owners(history)
            raise NothingMatched(
                f"no action item is owned by '{owner.wanted}'"
                f"{did_you_mean(owner.wanted, names, names=True)}",
                hint=f"owners: us, customer, both, {listing(names)}"
                if names
                else "owners: us, customer or both (no item names a person)",
            )
