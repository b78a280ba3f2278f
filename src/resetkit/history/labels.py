"""Words for the ids a record keeps: an outcome's label from its playbook ("Another
conversation" for `follow-up`), for the tables a person reads; JSON and CSV keep the ids."""

from __future__ import annotations

from collections.abc import Iterable


def outcome_labels(playbook_ids: Iterable[str]) -> dict[tuple[str, str], str]:
    """The label of each outcome of the playbooks named, by (playbook id, outcome id), from the
    playbook search path, each playbook loaded once. A playbook not found or not valid gives
    none: its sessions show the outcome's id."""
    from resetkit.errors import ResetkitError
    from resetkit.format.loader import load_file
    from resetkit.places import resolve, search_path

    sources = search_path()
    labels: dict[tuple[str, str], str] = {}
    for playbook_id in sorted(set(playbook_ids)):
        try:
            playbook = load_file(resolve(playbook_id, sources))
        except (ResetkitError, OSError, ValueError):
            continue
        labels |= {(playbook_id, outcome.id): str(outcome.label) for outcome in playbook.outcomes}
    return labels
