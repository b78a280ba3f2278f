"""What parsed of a playbook that does not fit its model, so that the cross-checks still run.

A value that does not fit is replaced by a stand-in (dropped, or a plain value that fits); a
list element no stand-in can mend (a question of an unknown type, a condition with no test) is
left out. The paths of the result then differ from the file's, so `Salvaged.original` maps
them back, and `Salvaged.is_noise` says which cross-check problems are about the mending
rather than about what was written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from resetkit.format.model import YamlPath

_DROP = object()
# What a value that does not fit is replaced with, to cross-check the rest: the first that fits.
_STAND_INS: tuple[Any, ...] = (_DROP, "0m", "x", 0, False, [], {})
# Every failing value gets its next stand-in each round, and a list element with none left is
# left out the round after: rounds enough for the deepest chain of both, and then some.
_ROUNDS = 2 * len(_STAND_INS) + 4


def walk(loc: tuple[int | str, ...], data: Any) -> tuple[YamlPath, Any, list[Any]]:
    """The part of `loc` that exists in the data, the value there, and the values passed."""
    path: list[str | int] = []
    trail: list[Any] = [data]
    node = data
    for part in loc:
        in_mapping = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
        else:
            # Union tags ('choice', 'compare') and keys that are missing are not in the data.
            continue
        path.append(part)
        trail.append(node)
    return tuple(path), node, trail


@dataclass
class Salvaged:
    """A model built from what parsed, and how its paths relate to those of the file."""

    model: Any
    data: Any  # as mended
    source: Any  # as written
    # In the file's paths: values replaced by a stand-in, and list elements left out.
    repaired: list[YamlPath] = field(default_factory=list)
    left_out: list[YamlPath] = field(default_factory=list)
    # Question ids of the questions left out, which conditions may still name.
    left_out_ids: set[str] = field(default_factory=set)
    # For each list with elements left out (by its path in the file): the indices kept.
    kept: dict[YamlPath, list[int]] = field(default_factory=dict)

    def original(self, path: YamlPath) -> YamlPath:
        """The path in the file of a path in the salvaged model."""
        result: tuple[str | int, ...] = ()
        for part in path:
            if isinstance(part, int) and result in self.kept:
                kept = self.kept[result]
                part = kept[part] if 0 <= part < len(kept) else part
            result = (*result, part)
        return result

    def is_noise(self, path: YamlPath) -> bool:
        """Whether a cross-check problem at `path` (of the model) comes from the mending: it is
        about a stand-in, names a question left out, or sums up a whole that lost a part."""
        where = self.original(path)
        if any(_overlaps(where, mended) for mended in [*self.repaired, *self.left_out]):
            return True
        if self.left_out and len(path) == 1:
            return True  # the sum of timeboxes, the outcome setter: a part of them is missing
        if path == ("duration",) and any(p[-1] in ("timebox", "duration") for p in self.repaired):
            return True  # the sum of timeboxes when one could not be read
        named = walk(path, self.data)[1] if path[-1] in ("question", "answer") else None
        return isinstance(named, str) and named in self.left_out_ids


def _overlaps(path: YamlPath, other: YamlPath) -> bool:
    shorter = min(len(path), len(other))
    return path[:shorter] == other[:shorter]


def salvage(data: Any, error: ValidationError, model: type[BaseModel]) -> Salvaged | None:
    """The model built from `data` with each value that does not fit mended or left out; None
    when nothing makes it valid.

    Every failing value gets its next stand-in at once, then the whole is validated again: a
    handful of validations, however many problems a file has.
    """
    salvaged = Salvaged(None, copy.deepcopy(data), data)
    tried: dict[YamlPath, int] = {}  # path in the file -> index of the stand-in put there
    errors = error.errors()
    for _ in range(_ROUNDS):
        leave_out: set[YamlPath] = set()
        for detail in errors:
            path = walk(detail["loc"], salvaged.data)[0]
            if detail["type"] == "missing":
                path = (*path, detail["loc"][-1])
            parent_path, parent, _ = walk(path[:-1], salvaged.data)
            mended = path and parent_path == path[:-1]
            if mended and _put_next(parent, path[-1], salvaged.original(path), tried):
                continue
            element = _element_around(path, salvaged.data)
            if element is None:
                return None
            leave_out.add(element)
        # The deepest and last first, so that the paths of the others still hold.
        for element in sorted(leave_out, reverse=True):
            _leave_out(salvaged, element)
        try:
            salvaged.model = model.model_validate(salvaged.data)
        except ValidationError as again:
            errors = again.errors()
        else:
            salvaged.repaired = list(tried)
            return salvaged
    return None


def _put_next(parent: Any, key: str | int, where: YamlPath, tried: dict[YamlPath, int]) -> bool:
    """Put the next stand-in at `parent[key]`; False when none is left to try."""
    if isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
        fits_drop = False
    elif isinstance(parent, dict) and isinstance(key, str):
        fits_drop = True
    else:
        return False
    index = tried.get(where, -1) + 1
    if index < len(_STAND_INS) and _STAND_INS[index] is _DROP and not fits_drop:
        index += 1
    if index >= len(_STAND_INS):
        return False
    tried[where] = index
    candidate = _STAND_INS[index]
    if candidate is _DROP:
        parent.pop(key, None)
    else:
        parent[key] = _copy_of(candidate)
    return True


def _copy_of(value: Any) -> Any:
    if isinstance(value, list | dict):
        return type(value)(value)
    return value


def _element_around(path: YamlPath, data: Any) -> YamlPath | None:
    """The path of the innermost list element that holds `path`, if any."""
    for end in range(len(path), 0, -1):
        if isinstance(path[end - 1], int) and isinstance(walk(path[: end - 1], data)[1], list):
            return path[:end]
    return None


def _leave_out(salvaged: Salvaged, element: YamlPath) -> None:
    """Take the list element at `element` out of the salvaged data, remembering where it was."""
    container_path, index = element[:-1], element[-1]
    container = walk(container_path, salvaged.data)[1]
    if not isinstance(index, int) or not isinstance(container, list):
        return
    where = salvaged.original(container_path)
    kept = salvaged.kept.setdefault(where, list(range(len(container))))
    container.pop(index)
    written = (*where, kept.pop(index))
    salvaged.left_out.append(written)
    # What was written there: a stand-in may have taken its place meanwhile.
    found, removed, _ = walk(written, salvaged.source)
    if found != written:
        return  # inside a stand-in: nothing written there
    if container_path[-1:] == ("sections",) and isinstance(removed, dict):
        questions = removed.get("questions")
        removed_questions = questions if isinstance(questions, list) else []
    elif container_path[-1:] == ("questions",):
        removed_questions = [removed]
    else:
        removed_questions = []
    salvaged.left_out_ids |= {
        q["id"] for q in removed_questions if isinstance(q, dict) and isinstance(q.get("id"), str)
    }
