"""Which answers of a session record hold action items: one rule for every reader.

The index (history/fresh.py), the record's model (record/session.py), the merge of two clones
(record/merge.py), the notes and the customer copy (the `action_items` type, kinds.py) all
ask this, so that on a damaged or mixed list they see the same items. Only an `action_items`
question stores mappings in a list, so a list holding any mapping is a list of action items,
and every entry of it must then be a valid item (the model refuses the record otherwise, and
names it damaged): one entry turned into text by a hand edit never makes the other items
vanish unseen.

No pydantic here: the index asks this on the path of every history command.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeGuard


def holds_action_items(value: Any) -> TypeGuard[list[Any]]:
    """Whether an answer is a list of action items: a list with a mapping in it."""
    # `dict in map(type, ...)` is a loop in C: the index asks this of every answer of every
    # record it reads (a generator of isinstance cost a tenth of a first build's validation).
    return type(value) is list and dict in map(type, value)


def action_item_entries(answers: Mapping[str, Any]) -> Iterator[Any]:
    """Every entry of every answer that holds action items, in the order of the answers."""
    for value in answers.values():
        if holds_action_items(value):
            yield from value
