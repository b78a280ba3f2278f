"""Session ids as a person types them: the whole id or a unique prefix of it, in any case, with
or without a trailing slash, as action ids are taken; candidates named when it is not one.

A session id is `customer-folder/session-folder` (acme-corp/2026-11-24-reset). What is typed
is read in two parts at its first slash: the customer part must start the customer folder and
the rest must start the session folder. A customer part that is a whole customer folder wins
over longer ones (`acme/` means acme, not acme-corp, when both exist).
"""

from __future__ import annotations

from collections.abc import Collection

from resetkit.errors import UsageError

# How many candidates an error names before it says how many more there are.
NAMED = 6


def typed_form(typed: str) -> str:
    """What was typed, as it is compared: no surrounding blanks or trailing slashes, lower case."""
    return typed.strip().rstrip("/").lower()


def matching_ids(ids: list[str], typed: str) -> list[str]:
    """The session ids `typed` may mean, sorted: the one it names exactly, or those it starts."""
    wanted = typed_form(typed)
    if not wanted:
        return []
    exact = [found for found in ids if found.lower() == wanted]
    if exact:
        return exact
    customer, _, rest = wanted.partition("/")
    started = [
        found
        for found in ids
        if found.lower().partition("/")[0].startswith(customer)
        and found.lower().partition("/")[2].startswith(rest)
    ]
    whole = [found for found in started if found.lower().partition("/")[0] == customer]
    return sorted(whole or started)


def resolve_session_id(ids: list[str], typed: str, where: str) -> str:
    """The one session id in `ids` that `typed` means; UsageError naming the candidates when
    it means several, or the closest ids when it means none (`where` is the notes dir)."""
    found = matching_ids(ids, typed)
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(
            f"'{typed}' matches {len(found)} sessions in {where}: {_named(found)}",
            hint="give more of the id",
        )
    close = _closest(ids, typed_form(typed))
    raise UsageError(
        f"no session '{typed}' in {where}" + (f"; did you mean {_named(close)}?" if close else ""),
        hint="'resetkit sessions' lists them with their ids"
        if ids
        else "start one with 'resetkit start PLAYBOOK'",
    )


def _named(ids: list[str]) -> str:
    more = len(ids) - NAMED
    return ", ".join(ids[:NAMED]) + (f" and {more} more" if more > 0 else "")


def _closest(ids: list[str], wanted: str) -> list[str]:
    """The ids nearest to what was typed: by the whole id, then by the customer part."""
    import difflib

    lowered = {found.lower(): found for found in ids}
    close = difflib.get_close_matches(wanted, list(lowered), n=3, cutoff=0.6)
    if not close:
        customers = {found.partition("/")[0] for found in lowered}
        typed = wanted.partition("/")[0]
        near = difflib.get_close_matches(typed, list(customers), n=1)
        if not near:
            # 'globx' for globex-corporation: the customer's first word, as people shorten it.
            first = {customer.split("-")[0]: customer for customer in customers}
            words = difflib.get_close_matches(typed, list(first), n=1, cutoff=0.75)
            near = [first[words[0]]] if words else []
        close = sorted(found for found in lowered if near and found.startswith(f"{near[0]}/"))
    return [lowered[found] for found in close]


def short_form(session_id: str, customer_folders: Collection[str], alike: Collection[str]) -> str:
    """The shortest form of a session id that `resolve_session_id` still takes as this one, for
    a table's narrow column: the customer folder cut to the fewest letters no other customer
    folder starts with, then the session folder whole (`glob/2026-11-01-reset`). `alike`: the
    other session ids whose session folder starts with this one's, in its customer folder
    (`...-reset-2`): with any, the id stays whole, the only form that names it alone."""
    customer, _, rest = session_id.partition("/")
    if any(other.lower() != session_id.lower() for other in alike):
        return session_id
    others = {folder.lower() for folder in customer_folders} - {customer.lower()}
    for size in range(1, len(customer)):
        prefix = customer[:size].lower()
        if not any(folder.startswith(prefix) for folder in others):
            return f"{customer[:size]}/{rest}"
    return session_id
