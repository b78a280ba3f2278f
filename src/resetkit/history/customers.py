"""Customers across the history: a new name close to a known one caught before it splits a
customer's history in two, and a customer renamed in every record that names them."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from resetkit.errors import ResetkitError, UsageError
from resetkit.words import counted

# How alike two names must be (difflib's ratio, case ignored) to ask whether one is a typo.
CLOSE = 0.8


class NearCustomer(ResetkitError):
    """A new customer's name close to a known one: most likely a typo (Acme Crop)."""

    def __init__(self, typed: str, known: str) -> None:
        super().__init__(
            f"{typed!r} is a new customer, close to {known!r}",
            hint=f"pass --customer {known!r} for the known one, or --new-customer if "
            f"{typed!r} is new",
        )
        self.typed = typed
        self.known = known


def known_customers(notes_dir: Path) -> list[str]:
    """Every customer's name in the history, as last typed."""
    from resetkit.history.read import Filters, read_sessions

    stored, _ = read_sessions(notes_dir, Filters())
    latest: dict[str, str] = {}
    for item in sorted(stored, key=lambda found: found.started_at):
        latest[item.customer.casefold()] = item.customer
    return sorted(latest.values())


def near_customer(notes_dir: Path, name: str) -> str | None:
    """The known customer `name` most likely misspells, or None when `name` is known already
    (its folder name, so its words in any case) or close to none: a name much alike (Acme Crop
    for Acme Corp), or one that starts the other at a word (Acme for Acme Corp).

    Compared by folder name, which costs a listing of the notes dir: the history is read only
    when a folder is close, for the name as the sessions hold it."""
    from resetkit.places import customer_slug

    try:
        folders = [
            entry.name
            for entry in os.scandir(notes_dir)
            if entry.is_dir() and not entry.name.startswith(".")
        ]
    except OSError:
        return None
    slug = customer_slug(name)
    if slug in folders:
        # Its folder, but a rename may have given the folder's sessions another name since
        # (folders stay): 'Acme Corp' typed where the sessions now say 'Acme Corporation'.
        held = _names_in(notes_dir / slug)
        if not held or any(customer_slug(found) == slug for found in held):
            return None
        return held[-1]
    near = [
        folder
        for folder in folders
        if folder.startswith(f"{slug}-") or slug.startswith(f"{folder}-")
    ] or difflib.get_close_matches(slug, folders, n=1, cutoff=CLOSE)
    if not near:
        return None
    named = [found for found in known_customers(notes_dir) if customer_slug(found) == near[0]]
    return named[0] if named else near[0]


def _names_in(folder: Path) -> list[str]:
    """The customer names the sessions of one customer folder hold, the latest started last
    (records that cannot be read are left out: the history commands name them)."""
    import json

    found: list[tuple[str, str]] = []
    for record in folder.glob("*/session.json"):
        try:
            data = json.loads(record.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("customer"), str):
            found.append((str(data.get("started_at", "")), data["customer"]))
    return [name for _, name in sorted(found)]


def as_known(notes_dir: Path, name: str) -> str:
    """`name` as the history writes it when it names a known customer in other case, spacing
    or punctuation ('acme  corp.' is 'Acme Corp'): one customer, one spelling in every record.
    A name of no known customer is returned as typed."""
    from resetkit.history.read import Filters, read_sessions
    from resetkit.places import customer_slug

    slug = customer_slug(name)
    if not slug or not notes_dir.is_dir():
        return name
    # The customer's own sessions only (the index's filter), latest spelling last: by its
    # folder's name, or by its own (a renamed customer's sessions keep their first folder).
    stored, _ = read_sessions(notes_dir, Filters(customer=" ".join(name.split()).strip(" .")))
    named = [
        item.customer
        for item in sorted(stored, key=lambda found: found.started_at)
        if customer_slug(item.customer) == slug
    ]
    return named[-1] if named else name


@dataclass
class Renamed:
    """A customer renamed: the sessions changed, files left as edited by hand, the names the
    sessions held before (as written: 'Initech', when 'initech' was typed), and the sessions
    that already held the new name (a case fix typed twice, or another customer merged in)."""

    sessions: list[str]
    kept: list[Path]
    was: list[str]
    already: list[str]


def rename_customer(notes_dir: Path, old: str, new: str, *, merge: bool = False) -> Renamed:
    """Give every session held with `old` (its name in any case or spacing, or its folder
    name) the name `new`, each through the locked change path (record.session.change) with its
    notes files rebuilt. Folders and session ids stay as they are: follow-ups, other clones and
    git's history refer to them.

    UsageError when `new` is empty, when no session is held with `old`, and when `new` names
    another customer already (two histories made one) unless `merge`."""
    from resetkit.controls import check_name
    from resetkit.errors import did_you_mean
    from resetkit.places import customer_slug
    from resetkit.record.folders import session_folders
    from resetkit.record.store import load

    new = check_name(" ".join(new.split()), "the new name")
    if not new:
        raise UsageError("the new name is empty", hint='resetkit customer rename OLD "NEW NAME"')
    wanted = " ".join(old.split()).casefold()
    held: list[tuple[Path, str]] = []
    others: list[tuple[Path, str]] = []
    for folder in session_folders(notes_dir):
        try:
            customer = load(folder).customer
        except UsageError:
            continue  # a damaged record is named by the history commands, not renamed here
        if customer.casefold() == wanted or customer_slug(customer) == old.strip().strip("/"):
            held.append((folder, customer))
        elif customer.casefold() == new.casefold() or customer_slug(customer) == customer_slug(new):
            others.append((folder, customer))
    if not held:
        raise UsageError(
            f"no session is held with a customer named {old!r}"
            + did_you_mean(old, known_customers(notes_dir), names=True),
            hint="'resetkit sessions' lists the customers",
        )
    if others and not merge:
        raise UsageError(
            f"{others[-1][1]!r} is another customer already, with "
            f"{counted(len(others), 'session')}: renaming {held[-1][1]!r} to {new!r} would make "
            "their histories one",
            hint="pass --merge to make them one customer, or choose another name",
        )
    return _rename_held(held + others if merge else held, new)


def _rename_held(held: list[tuple[Path, str]], new: str) -> Renamed:
    """Rename each held session not yet named `new`, under its lock, rebuilding its notes."""
    from resetkit.record.notes import write_derived
    from resetkit.record.session import Session
    from resetkit.record.store import change, locked

    def rename(session: Session) -> Session:
        session.customer = new
        return session

    renamed: list[str] = []
    kept: list[Path] = []
    was: list[str] = []
    already: list[str] = []
    for folder, customer in held:
        if customer == new:
            already.append(f"{folder.parent.name}/{folder.name}")
            continue
        if customer not in was:
            was.append(customer)
        with locked(folder):
            session = change(folder, rename)
            kept += [folder / name for name in write_derived(session, folder)]
        renamed.append(session.id)
    return Renamed(renamed, kept, was, already)
