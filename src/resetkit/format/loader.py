"""YAML text to a playbook model, with every error at path:line:col."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from resetkit.errors import InputInvalid, PlaybookInvalid, Problem, did_you_mean
from resetkit.format.compose import (
    Composed,
    Origin,
    SectionSource,
    SourceMark,
    compose,
    compose_part,
    composes,
    is_shared_part,
    part_folder,
)
from resetkit.format.lint import problems_in_playbook, problems_in_shared_part
from resetkit.format.model import (
    QUESTION_TYPES,
    ActionItemSpec,
    Choice,
    Compare,
    Outcome,
    Playbook,
    Recap,
    RecapItem,
    RecapPart,
    Recommendation,
    Section,
    SharedPart,
    YamlPath,
)
from resetkit.format.salvage import Salvaged, salvage
from resetkit.format.salvage import walk as _walk
from resetkit.places import (
    PLAYBOOK_SUFFIXES,
    Source,
    discover,
    looks_like_path,
    playbook_stem,
    read_text,
    resolve,
    search_path,
)

MAX_NODES = 100_000
MAX_DEPTH = 64

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_KINDS = {bool: "true/false", int: "a number", float: "a number", type(None): "null"}
_SEQ_TAG = "tag:yaml.org,2002:seq"


# --- YAML nodes to plain data, remembering where each piece stands ----------------------------


class _Stop(Exception):
    """Reading the document cannot go on (too large, too deep); carries the problem."""

    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


# A composed playbook's marks also say which file they are in (compose.SourceMark).
_Mark = yaml.Mark | SourceMark


@dataclass
class _Document:
    """Plain data of a YAML document, with the marks of its keys and values by path."""

    data: Any = None
    key_marks: dict[YamlPath, _Mark] = field(default_factory=dict)
    value_marks: dict[YamlPath, _Mark] = field(default_factory=dict)
    problems: list[tuple[yaml.Mark | None, str]] = field(default_factory=list)
    refused: set[YamlPath] = field(default_factory=set)
    nodes: int = 0


class _Builder:
    """Builds plain data from composed nodes; nothing but plain YAML types is ever constructed."""

    def __init__(self, document: _Document) -> None:
        self.document = document
        self.scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        document = self.document
        document.nodes += 1
        if document.nodes > MAX_NODES:
            raise _Stop(
                node.start_mark,
                f"document expands to more than {MAX_NODES:,} values (nested aliases?); "
                "only plain data is read",
            )
        if len(path) > MAX_DEPTH:
            raise _Stop(node.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        document.value_marks.setdefault(path, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._refuse_tag(node, path)
                return None
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if node.tag not in _PLAIN_TAGS:
            self._refuse_tag(node, path)
            return None
        try:
            return self.scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as error:
            document.problems.append((node.start_mark, f"cannot read value: {error}"))
            document.refused.add(path)
            return None

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any] | None:
        if node.tag != _MAP_TAG:
            self._refuse_tag(node, path)
            return None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            if key in result:
                first = self.document.key_marks[(*path, key)]
                self.document.problems.append(
                    (
                        key_node.start_mark,
                        f"key '{key}' appears twice (first at line {first.line + 1}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            self.document.key_marks[(*path, key)] = key_node.start_mark
            result[key] = self.build(value_node, (*path, key))
        return result

    def _key(self, node: yaml.Node) -> str | None:
        if node.tag == "tag:yaml.org,2002:merge":
            self.document.problems.append(
                (node.start_mark, "merge keys (<<) are not supported: write the keys out")
            )
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _PLAIN_TAGS:
            self.document.problems.append((node.start_mark, "keys must be plain words"))
            return None
        key = self.scalars.construct_object(node)
        if not isinstance(key, str):
            self.document.problems.append(
                (
                    node.start_mark,
                    f"key {node.value!r} is read as {_KINDS.get(type(key), 'a value')}, "
                    "not a word: quote it",
                )
            )
            return None
        return key

    def _refuse_tag(self, node: yaml.Node, path: YamlPath) -> None:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        self.document.problems.append(
            (node.start_mark, f"tag '{tag}' is not allowed: only plain YAML data is read")
        )
        self.document.refused.add(path)


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree, composed by libyaml when PyYAML has it (ten times faster).

    Errors always come from the pure-Python parser: its messages and positions are the ones the
    tests pin down, and a file with an error is read twice at no cost worth counting.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        # A lone surrogate (from stdin) makes libyaml raise UnicodeEncodeError, a ValueError.
        with contextlib.suppress(yaml.YAMLError, ValueError):
            root = yaml.compose(text, Loader=fast)
            # An empty document ('---' alone) is the one node libyaml places differently: it
            # reads a missing final line break as if it were there. Pure Python says where.
            if not (isinstance(root, yaml.ScalarNode) and root.value == "" and not root.style):
                return root
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _read_document(text: str) -> _Document:
    document = _Document()
    try:
        root = _compose(text)
        if root is not None:
            document.data = _Builder(document).build(root, ())
    except yaml.MarkedYAMLError as error:
        message = str(error.problem or "invalid YAML")
        if error.context:
            message += f" ({error.context})"
        document.problems.append((error.problem_mark, f"invalid YAML: {message}"))
    except yaml.reader.ReaderError as error:
        mark = yaml.Mark("", error.position, *_line_column(text, error.position), "", 0)
        document.problems.append(
            (mark, f"character {error.character!r} is not allowed in YAML: remove it")
        )
    except yaml.YAMLError as error:
        document.problems.append((None, f"invalid YAML: {error}"))
    except _Stop as stop:
        document.problems.append((stop.mark, stop.message))
    except RecursionError:
        document.problems.append((None, "nested too deep to read"))
    return document


def _line_column(text: str, position: int) -> tuple[int, int]:
    """0-based line and column of a character offset, as a YAML mark counts them."""
    before = text[:position]
    return before.count("\n"), position - (before.rfind("\n") + 1)


# --- pydantic errors to messages at marks -----------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a true/false value (in YAML, yes/no/on/off are booleans: quote the word)"
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value) if isinstance(value, str) else type(value).__name__


def _subject(path: YamlPath, trail: list[Any]) -> str:
    """'question 'x': ' or 'section 'y': ' for the innermost named thing on the path."""
    for index in range(len(path), 0, -1):
        container = path[index - 2] if index >= 2 else None
        item = trail[index]
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if container == "questions":
                return f"question '{item['id']}': "
            if container == "sections":
                return f"section '{item['id']}': "
            if container == "outcomes":
                return f"outcome '{item['id']}': "
        if container == "parts" and isinstance(item, dict) and isinstance(item.get("heading"), str):
            return f"recap part '{' '.join(item['heading'].split())[:40]}': "
    return ""


def _known_keys(path: YamlPath, data_at: Any) -> tuple[list[str], str]:
    """The keys allowed in the mapping at `path`, and what that mapping is."""
    parent = path[-2] if len(path) >= 2 else None
    if not path:
        return _fields(Playbook), "a playbook"
    if "when" in path:
        return [*_fields(Compare), "all", "any", "not"], "a condition"
    if path == ("recap",):
        return _fields(Recap), "a recap"
    if parent == "parts":
        return _fields(RecapPart), "a recap part"
    if parent == "items":
        return _fields(RecapItem), "a recap item"
    if parent == "sections":
        return _fields(Section), "a section"
    if parent == "outcomes":
        return _fields(Outcome), "an outcome"
    if parent == "recommendations":
        return _fields(Recommendation), "a recommendation"
    if parent == "choices":
        return _fields(Choice), "a choice"
    if parent == "default":
        return _fields(ActionItemSpec), "an action item"
    if parent == "questions":
        kind = data_at.get("type") if isinstance(data_at, dict) else None
        model = QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
        if model is not None:
            return _fields(model), f"a {kind} question"
        return sorted({name for m in QUESTION_TYPES.values() for name in _fields(m)}), "a question"
    return [], "this mapping"


def _fields(model: type[Any]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _message(error: Any, value: Any, path: YamlPath, container: Any) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    loc = error["loc"]
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed, what = _known_keys(path[:-1], container)
        every_type = {n for m in QUESTION_TYPES.values() for n in _fields(m)}
        if what.endswith("question") and key in every_type:
            return f"key '{key}' does not apply to {what}"
        hint = did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
        return f"unknown key '{key}' in {what}{hint}"
    if kind == "union_tag_invalid":
        tags = [tag.strip("'") for tag in str(ctx.get("expected_tags", "")).split(", ")]
        tag = str(ctx.get("tag"))
        hint = did_you_mean(tag, tags) or f" (types: {', '.join(tags)})"
        return f"unknown question type '{tag}'{hint}"
    if kind == "union_tag_not_found":
        return f"question needs a 'type': one of {', '.join(QUESTION_TYPES)}"
    if kind == "string_type":
        return f"expected text, found {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_describe(value)}"
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing"):
        return f"expected a number, found {_describe(value)}"
    if kind == "list_type":
        return f"expected a list, found {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of keys to values, found {_describe(value)}"
    if kind in ("too_short", "string_too_short"):
        return f"'{path[-1]}' must not be empty" if path else "must not be empty"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, found {value!r}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date like 2026-12-01, found {_describe(value)}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _problems_from_validation(
    error: ValidationError, document: _Document, file: str, *, quiet: bool = False
) -> list[Problem]:
    """Each validation error at its mark; `quiet`: not those about the list of sections
    itself (sections that could not be included leave it short)."""
    problems: dict[YamlPath, Problem] = {}
    for detail in error.errors():
        path, value, trail = _walk(detail["loc"], document.data)
        if quiet and tuple(detail["loc"]) == ("sections",):
            continue
        if any(path[: len(refused)] == refused for refused in document.refused):
            continue  # already reported as a value that could not be read
        mark = _mark_for(document, path, key=detail["type"] == "extra_forbidden")
        parent = trail[-2] if detail["type"] == "extra_forbidden" and len(trail) > 1 else value
        message = _subject(path, trail) + _message(detail, value, path, parent)
        key = (*path, detail["loc"][-1]) if detail["type"] == "missing" else path
        # A union reports once per member it tried; the first says it best.
        problems.setdefault(key, _problem(file, mark, message))
    return list(problems.values())


def _mark_for(document: _Document, path: YamlPath, *, key: bool = False) -> _Mark | None:
    if key and path in document.key_marks:
        return document.key_marks[path]
    while path not in document.value_marks and path:
        path = path[:-1]
    return document.value_marks.get(path)


def _problem(file: str, mark: _Mark | None, message: str) -> Problem:
    if isinstance(mark, SourceMark):  # in a composed playbook: its own file, and how reached
        file, message = mark.file, message + mark.via
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(file, line, column, " ".join(message.split()))


# --- loading a file ---------------------------------------------------------------------------


def parse_playbook(text: str, file: str, expected_id: str | None = None) -> Playbook:
    """The playbook in `text`; PlaybookInvalid listing every problem, each at its line:col.

    A playbook that includes or extends others is put together first (compose.py), relative
    to `file`; each problem is then at the line of the file it is written in.
    """
    return _parse(text, file, expected_id)[0]


def _parse(text: str, file: str, expected_id: str | None) -> tuple[Playbook, Composed | None]:
    document = _read_document(text)
    problems = [_problem(file, mark, message) for mark, message in document.problems]
    _refuse_no_playbook(document.data, file, problems)
    composed = None
    if composes(document.data):
        composed = compose(file, text, document, _read_source)
        problems += composed.problems
        if composed.data is None:
            raise PlaybookInvalid(_ordered(problems, file), file)
        document = _Document(
            composed.data,
            dict(composed.key_marks),
            dict(composed.value_marks),
            [],
            composed.refused,
        )
    # Sections an include or extends could not bring would make the rest noise: an empty list
    # of sections, timeboxes that do not add up, questions named but missing.
    broken = composed is not None and bool(composed.problems)
    playbook, salvaged = _validated(document, file, problems, quiet=broken)
    if not broken:
        problems += _cross_check_problems(problems_in_playbook(playbook), document, file, salvaged)
    repaired = salvaged.repaired if salvaged is not None else []
    if expected_id is not None and playbook.id != expected_id and ("id",) not in repaired:
        problems.append(_id_problem(playbook.id, expected_id, document, file, composed))
    if problems:
        raise PlaybookInvalid(_ordered(problems, file), file)
    return playbook, composed


def _refuse_no_playbook(data: Any, file: str, problems: list[Problem]) -> None:
    """PlaybookInvalid, with the problems so far, for a file that holds no playbook: YAML that
    did not parse, an empty file, something other than a mapping, or a shared part."""
    if problems and data is None:
        raise PlaybookInvalid(problems)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else _describe(data)
        raise PlaybookInvalid(
            [*problems, Problem(file, 1, 1, f"expected a playbook, found {found}")]
        )
    if is_shared_part(data):
        message = (
            "this file holds only sections: it is a shared part, not a playbook; keep shared "
            "parts in a subfolder (such as common/), which 'resetkit list' and 'validate' pass "
            "over, and take them into playbooks with include"
        )
        raise PlaybookInvalid([*problems, Problem(file, 1, 1, message)])


def _validated(
    document: _Document, file: str, problems: list[Problem], *, quiet: bool
) -> tuple[Playbook, Salvaged | None]:
    """The model of the document; where it does not validate, its problems added and the model
    salvaged from what parsed, so that the cross-checks still run (PlaybookInvalid when none
    can be)."""
    try:
        return Playbook.model_validate(document.data), None
    except ValidationError as error:
        problems += _problems_from_validation(error, document, file, quiet=quiet)
        # The cross-checks still run on everything that parsed: one bad timebox must not hide
        # a dangling reference. A playbook that cannot be patched stops here.
        salvaged = salvage(document.data, error, Playbook)
        if salvaged is None:
            raise PlaybookInvalid(_ordered(problems, file), file) from None
        return salvaged.model, salvaged


def _id_problem(
    found: str, expected: str, document: _Document, file: str, composed: Composed | None
) -> Problem:
    """A playbook whose id is not its file's name, at the line that sets it."""
    if composed is not None and composed.id_inherited_at is not None:
        return Problem(
            file,
            *composed.id_inherited_at,
            f"id '{found}' comes from the playbook extended and does not match the file name: "
            f"set id: {expected}",
        )
    return _problem(
        file,
        _mark_for(document, ("id",)),
        f"id '{found}' does not match the file name: rename the file to '{found}.yaml' or set "
        f"id: {expected}",
    )


def _cross_check_problems(
    found: list[tuple[YamlPath, str]], document: _Document, file: str, salvaged: Salvaged | None
) -> list[Problem]:
    """The lint's findings at their file:line:col; on a salvaged model, those about what was
    written only (not about a stand-in or a part left out)."""
    problems: list[Problem] = []
    for path, message in found:
        if salvaged is not None:
            if salvaged.is_noise(path):
                continue
            path = salvaged.original(path)
        _, _, trail = _walk(path, document.data)
        problems.append(_problem(file, _mark_for(document, path), _subject(path, trail) + message))
    return problems


def _ordered(problems: list[Problem], file: str) -> list[Problem]:
    """The playbook's own file first, then each file it is made of; by line in each; once."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file != file, p.file, *_order(p)))


def _read_source(path: Path) -> tuple[str, _Document]:
    """A file a playbook includes or extends: its text and document (compose.Reader)."""
    text = read_text(path)
    return text, _read_document(text)


@dataclass
class Located:
    """Plain data read from a YAML (or JSON) file, able to say where any part of it stands."""

    data: Any
    file: str
    document: _Document

    def problem(self, path: YamlPath, message: str) -> Problem:
        """A problem at the YAML node at `path` (or its nearest parent)."""
        return _problem(self.file, _mark_for(self.document, path), message)


def read_yaml(text: str, file: str) -> Located:
    """Plain data from YAML or JSON text, read as safely as a playbook; InputInvalid if not."""
    document = _read_document(text)
    problems = [_problem(file, mark, message) for mark, message in document.problems]
    if problems:
        raise InputInvalid(sorted(problems, key=_order))
    return Located(document.data, file, document)


def _order(problem: Problem) -> tuple[int, int, str]:
    return (problem.line, problem.column, problem.message)


def load_file(path: Path, text: str | None = None) -> Playbook:
    """The playbook in a file whose name must be its id (`text`: the file's, already read)."""
    text = read_text(path) if text is None else text
    return parse_playbook(text, str(path), expected_id=playbook_stem(path))


def playbook_text(path: Path, text: str) -> str:
    """What a run's playbook_hash and kept first screen stand for: the file's text, followed
    by that of every file it includes or extends, so that a change to any of them counts."""
    document = _read_document(text)
    if not composes(document.data):
        return text
    return "\0".join(compose(str(path), text, document, _read_source).texts)


def sources(path: Path) -> tuple[Playbook, list[SectionSource], list[tuple[str, Origin]]]:
    """A valid playbook with where each section and top-level key comes from."""
    text = read_text(path)
    playbook, composed = _parse(text, str(path), playbook_stem(path))
    if composed is None:
        composed = compose(str(path), text, _read_document(text), _read_source)
    return playbook, composed.sections, list(composed.fields)


def check_file(path: Path) -> str:
    """Check a file named on the command line: a playbook, or a shared part of playbooks;
    what it is. PlaybookInvalid lists its problems."""
    text = read_text(path)
    document = _read_document(text)
    if not is_shared_part(document.data):
        load_file(path, text)
        return "playbook"
    file = str(path)
    problems = [_problem(file, mark, message) for mark, message in document.problems]
    composed = compose_part(file, text, document, _read_source, part_folder(path))
    problems += composed.problems
    if composed.data is not None:
        located = _Document(
            composed.data,
            dict(composed.key_marks),
            dict(composed.value_marks),
            [],
            composed.refused,
        )
        salvaged: Salvaged | None = None
        part: SharedPart | None
        try:
            part = SharedPart.model_validate(composed.data)
        except ValidationError as error:
            problems += _problems_from_validation(error, located, file)
            salvaged = salvage(composed.data, error, SharedPart)
            part = None if salvaged is None else salvaged.model
        if part is not None:
            found = problems_in_shared_part(part.sections)
            problems += _cross_check_problems(found, located, file, salvaged)
    if problems:
        raise PlaybookInvalid(_ordered(problems, file), file)
    return "shared part"


def validation_targets(paths: list[str]) -> list[tuple[Path, bool]]:
    """The files `validate` checks for these paths (files, folders or ids; none: the search
    path, overridden playbooks too), each with whether it was named itself (then it may be a
    shared part); the files of a folder or of the search path must be playbooks."""
    if not paths:
        targets: list[tuple[Path, bool]] = []
        for entry in discover(search_path()):
            targets += [(entry.path, False)] + [(other.path, False) for other in entry.overrides]
        return targets
    targets = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            targets += [
                (child, False)
                for child in sorted(path.iterdir())
                if child.suffix in PLAYBOOK_SUFFIXES and child.is_file()
            ]
        elif path.exists() or looks_like_path(item):
            targets.append((path, True))
        else:
            targets.append((resolve(item, search_path()), False))
    return targets


def load(reference: str, sources: list[Source] | None = None) -> tuple[Playbook, Path]:
    """The playbook an id or path names, and its file."""
    path = resolve(reference, search_path() if sources is None else sources)
    return load_file(path), path
