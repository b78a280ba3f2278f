"""Playbooks made of parts: sections included from shared files, and playbooks that extend
another playbook.

Composition works on the plain data the loader reads from each file, before any model is
built. Its result is the data of one playbook, with the place of every key and value in the
file it was written in and the includes or extends it was reached through: every check of the
playbook format then runs on the whole, and reports each problem where it was written. Files
read are hostile: an include never leaves the folder of the playbook that started it (no
absolute path, no `..` out of it, no symbolic link out of it), and nesting, the number of
files and the size of the result are bounded.

Kept free of pydantic and yaml at import: `start` asks `may_compose` before its first screen.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Protocol

from resetkit.controls import visible_line
from resetkit.errors import InputInvalid, Problem, ResetkitError, did_you_mean
from resetkit.places import PLAYBOOK_SUFFIXES, Source, discover, looks_like_path, search_path

# A path into the YAML document: mapping keys and sequence indexes (model.YamlPath).
YamlPath = tuple[str | int, ...]

MAX_NESTING = 8  # includes and extends, one inside the other
MAX_FILES = 64  # files one playbook is made of
MAX_SECTIONS = 500  # sections of the composed playbook
MAX_VALUES = 100_000  # values of the composed playbook, as for one file
# Includes put together for one playbook, each counted where it is taken. Parts that include
# each other many times over, yet bring few sections or none (`sections: []`, or `#id` of one
# section), would otherwise take time growing as 20 ** 8 with no section to stop them.
MAX_INCLUDES = 2_000

# Whether a text could include or extend anything, without parsing it. A false alarm costs a
# parse; the parse, not this, decides.
_MAY_COMPOSE = re.compile(r"""(?:include|extends)["']?\s*:""")
_PLACES = ("after", "before")


def may_compose(text: str) -> bool:
    """Whether a playbook's text may include or extend other files (cheap; may say yes wrongly)."""
    return _MAY_COMPOSE.search(text) is not None


def composes(data: Any) -> bool:
    """Whether a playbook's data extends another playbook or includes sections."""
    if not isinstance(data, dict):
        return False
    sections = data.get("sections")
    return "extends" in data or (
        isinstance(sections, list)
        and any(isinstance(item, dict) and "include" in item for item in sections)
    )


def is_shared_part(data: Any) -> bool:
    """Whether a file's data is a shared part: a mapping whose only key is `sections`."""
    return isinstance(data, dict) and list(data) == ["sections"]


class _Mark(Protocol):
    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class SourceDocument(Protocol):
    """What the loader reads from one file: plain data and the marks of its keys and values."""

    @property
    def data(self) -> Any: ...

    @property
    def key_marks(self) -> dict[YamlPath, Any]: ...

    @property
    def value_marks(self) -> dict[YamlPath, Any]: ...

    @property
    def problems(self) -> list[tuple[Any, str]]: ...

    @property
    def refused(self) -> set[YamlPath]: ...


# Reads a file: its text and document; raises a ResetkitError when it cannot.
Reader = Callable[[Path], tuple[str, SourceDocument]]


@dataclass(frozen=True)
class SourceMark:
    """Where a value of a composed playbook is written: the file, the line and column (0-based,
    as a YAML mark counts them) and the includes or extends it was reached through."""

    file: str
    line: int
    column: int
    via: str = ""  # " (included from team.yaml:6:5)", or nothing for the playbook's own file


@dataclass(frozen=True)
class Link:
    """One step from a file to the part it takes: an include or an extends, where written."""

    verb: str  # "included from" or "extended by"
    file: str
    line: int  # 1-based
    column: int

    def __str__(self) -> str:
        return f"{self.verb} {self.file}:{self.line}:{self.column}"


def via_text(chain: tuple[Link, ...]) -> str:
    """' (included from a.yaml:2:5, extended by b.yaml:3:10)': the innermost step first."""
    return f" ({', '.join(str(link) for link in reversed(chain))})" if chain else ""


@dataclass(frozen=True)
class Origin:
    """Where a part of the composed playbook comes from, as shown to a person."""

    file: str
    line: int  # 1-based
    column: int
    via: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}{self.via}"


@dataclass(frozen=True)
class SectionSource:
    """Where one section of a composed playbook comes from, and the keys changed over it."""

    id: str
    origin: Origin
    changed: tuple[tuple[str, Origin], ...] = ()


@dataclass
class Composed:
    """One playbook made of its parts; `data` is None when it cannot be put together."""

    data: Any
    key_marks: dict[YamlPath, SourceMark] = field(default_factory=dict)
    value_marks: dict[YamlPath, SourceMark] = field(default_factory=dict)
    refused: set[YamlPath] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # every file read, the playbook's own first
    sections: list[SectionSource] = field(default_factory=list)
    fields: list[tuple[str, Origin]] = field(default_factory=list)
    # Where the playbook's own `extends:` is written (1-based), when its id is inherited.
    id_inherited_at: tuple[int, int] | None = None


# --- the parts ------------------------------------------------------------------------------


@dataclass
class _File:
    """A file read: the path it is read from, its name as shown, its document."""

    path: Path
    shown: str
    real: str
    document: SourceDocument
    _groups: dict[YamlPath, list[YamlPath]] | None = None

    def at(self, path: YamlPath, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value (or key) at `path`, or its nearest parent's."""
        marks = self.document.key_marks if key and path in self.document.key_marks else None
        marks = marks or self.document.value_marks
        while path not in marks and path:
            path = path[:-1]
        mark: _Mark | None = marks.get(path)
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def under(self, prefix: YamlPath) -> list[YamlPath]:
        """Every path with a mark (or refused) at `prefix` or below it; 1 to 3 parts long."""
        if self._groups is None:
            groups: dict[YamlPath, list[YamlPath]] = {}
            document = self.document
            for path in {*document.value_marks, *document.key_marks, *document.refused}:
                for size in range(1, min(len(path), 3) + 1):
                    groups.setdefault(path[:size], []).append(path)
            self._groups = groups
        return self._groups.get(prefix, [])


@dataclass(frozen=True)
class _Tree:
    """The folder an include must stay in: that of the playbook it started from."""

    real: str
    playbook: str  # the playbook's file, as shown


@dataclass(frozen=True)
class _Where:
    """A place in a file, reached through a chain of includes and extends."""

    file: _File
    path: YamlPath
    chain: tuple[Link, ...]

    def origin(self) -> Origin:
        line, column = self.file.at(self.path)
        return Origin(self.file.shown, line, column, via_text(self.chain))


@dataclass
class _Piece:
    """One section of the playbook being put together."""

    data: Any
    where: _Where
    patches: dict[str, _Where] = field(default_factory=dict)  # keys an extends changed

    @property
    def id(self) -> str | None:
        found = self.data.get("id") if isinstance(self.data, dict) else None
        return found if isinstance(found, str) else None


@dataclass(frozen=True)
class _Place:
    kind: str  # "after" or "before"
    target: str
    where: _Where


@dataclass
class _Entry:
    """An item of a `sections:` list: a section (or the part of one to change), or a removal."""

    piece: _Piece | None
    where: _Where
    place: _Place | None = None
    removes: str | None = None


@dataclass
class _Whole:
    """A playbook put together: its top-level keys and its sections, each with its place."""

    where: _Where
    fields: dict[str, tuple[Any, _Where]]
    sections: list[_Piece] | None  # None: `sections` is no list, and stays in `fields`
    sections_key: _Where | None


def _shown_value(value: str) -> str:
    shown = visible_line(value)
    return shown if len(shown) <= 80 else shown[:80] + "…"


class _Composer:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.problems: list[Problem] = []
        self.texts: list[str] = []
        self.files: dict[str, _File] = {}
        self.sections = 0
        self.values = 0
        self.includes = 0
        self.full = False
        self._search: list[Source] | None = None
        self._checked_parts: set[str] = set()
        self._said: set[tuple[str, int, int, str]] = set()

    def problem(self, where: _Where, message: str, *, key: bool = False) -> None:
        line, column = where.file.at(where.path, key=key)
        # Once per place: a part included many times over has one problem, not one per way in.
        place = (where.file.shown, line, column, message)
        if place in self._said:
            return
        self._said.add(place)
        # A file name or a value quoted from a file never acts on a terminal.
        text = visible_line(" ".join((message + via_text(where.chain)).split()))
        self.problems.append(Problem(where.file.shown, line, column, text))

    # --- files ------------------------------------------------------------------------------

    def add(self, path: Path, shown: str, text: str, document: SourceDocument) -> _File:
        file = _File(path, shown, os.path.realpath(path), document)
        self.files[file.real] = file
        self.texts.append(text)
        return file

    def open(
        self, path: Path, shown: str, asked: _Where, what: str, inner: tuple[Link, ...]
    ) -> _File | None:
        real = os.path.realpath(path)
        if real in self.files:
            return self.files[real]
        if len(self.files) >= MAX_FILES:
            self.problem(asked, f"{what}: a playbook may be made of at most {MAX_FILES} files")
            return None
        try:
            text, document = self.reader(path)
        except InputInvalid as error:  # too large, not UTF-8: where it is, and how reached
            via = via_text(inner)
            self.problems += [
                Problem(shown, p.line, p.column, p.message + via) for p in error.problems
            ]
            return None
        except ResetkitError as error:
            self.problem(asked, f"{what}: {error.message}")
            return None
        file = self.add(path, shown, text, document)
        for mark, message in document.problems:
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            self.problems.append(Problem(shown, line, column, message + via_text(inner)))
        return file

    def locate(self, asked: _Where, target: str, tree: _Tree, what: str) -> tuple[Path, str] | None:
        """The file a relative path in `asked`'s file names, kept inside `tree`."""
        if (
            "\\" in target
            or PurePosixPath(target).is_absolute()
            or PureWindowsPath(target).drive
            or target.startswith("~")
        ):
            self.problem(
                asked,
                f"{what}: '{_shown_value(target)}' is not a relative path; write it relative to "
                "this file's folder, with '/'",
            )
            return None
        if not target.endswith(PLAYBOOK_SUFFIXES):
            self.problem(asked, f"{what}: '{_shown_value(target)}' is not a .yaml or .yml file")
            return None
        path = asked.file.path.parent / target
        shown = os.path.normpath(path)
        real = os.path.realpath(path)
        try:
            inside = os.path.commonpath([real, tree.real]) == tree.real
        except ValueError:  # another drive
            inside = False
        if not inside:
            self.problem(
                asked,
                f"{what}: '{_shown_value(target)}' leads outside the folder of {tree.playbook}; "
                "shared parts must be in that folder or below it",
            )
            return None
        if not os.path.exists(real):
            folder = path.parent
            names = []
            if folder.is_dir():
                prefix = str(PurePosixPath(target).parent)
                names = [
                    name if prefix == "." else f"{prefix}/{name}"
                    for name in sorted(os.listdir(folder))
                    if name.endswith(PLAYBOOK_SUFFIXES)
                ]
            self.problem(asked, f"{what}: no such file{did_you_mean(target, names)}")
            return None
        if not os.path.isfile(real):
            self.problem(asked, f"{what}: {shown} is not a file")
            return None
        return path, shown

    # --- playbooks --------------------------------------------------------------------------

    def playbook(
        self,
        file: _File,
        tree: _Tree,
        chain: tuple[Link, ...],
        seen: tuple[tuple[str, str], ...],
        depth: int,
    ) -> _Whole | None:
        data = file.document.data
        if not isinstance(data, dict):
            return None
        here = _Where(file, (), chain)
        fields = {
            key: (value, _Where(file, (key,), chain))
            for key, value in data.items()
            if key not in ("extends", "sections")
        }
        sections = data.get("sections")
        sections_key = _Where(file, ("sections",), chain) if "sections" in data else None
        extending = "extends" in data
        entries: list[_Entry] = []
        if "sections" in data and not isinstance(sections, list):
            fields["sections"] = (sections, _Where(file, ("sections",), chain))
        elif isinstance(sections, list):
            entries = self.entries(
                file, ("sections",), sections, tree, chain, seen, depth, extending=extending
            )
        if not extending:
            pieces = [e.piece for e in entries if e.piece] if isinstance(sections, list) else None
            return _Whole(here, fields, pieces, sections_key)
        base = self.base(file, data["extends"], tree, chain, seen, depth)
        if base is None:
            return None
        merged = {**base.fields, **fields}
        if "sections" in fields:
            return _Whole(here, merged, None, sections_key)
        if base.sections is None:
            return _Whole(here, merged, None, base.sections_key)
        sections_key = sections_key or base.sections_key
        return _Whole(here, merged, self.extend(base.sections, entries), sections_key)

    def base(
        self,
        file: _File,
        reference: Any,
        tree: _Tree,
        chain: tuple[Link, ...],
        seen: tuple[tuple[str, str], ...],
        depth: int,
    ) -> _Whole | None:
        """The playbook `extends:` names, put together."""
        asked = _Where(file, ("extends",), chain)
        if not isinstance(reference, str) or not reference.strip():
            self.problem(
                asked,
                "extends takes a playbook id (extends: reset) or the path of a playbook file "
                "relative to this one",
            )
            return None
        what = f"extends '{_shown_value(reference)}'"
        if depth >= MAX_NESTING:
            self.problem(asked, f"{what}: includes and extends nest more than {MAX_NESTING} deep")
            return None
        if looks_like_path(reference):
            found = self.locate(asked, reference, tree, what)
        else:
            found = self.find_id(asked, file, reference, what)
        if found is None:
            return None
        path, shown = found
        real = os.path.realpath(path)
        if self.cycle(asked, real, shown, seen, "extends"):
            return None
        link = Link("extended by", file.shown, *file.at(("extends",)))
        inner = (*chain, link)
        base_file = self.open(path, shown, asked, what, inner)
        if base_file is None:
            return None
        data = base_file.document.data
        if is_shared_part(data):
            self.problem(
                asked,
                f"{what}: {shown} is a shared part, not a playbook: take its sections with "
                "include instead",
            )
            return None
        if not isinstance(data, dict):
            self.problem(asked, f"{what}: {shown} is not a playbook")
            return None
        base_tree = _Tree(os.path.realpath(path.parent), shown)
        return self.playbook(base_file, base_tree, inner, (*seen, (real, shown)), depth + 1)

    def find_id(
        self, asked: _Where, file: _File, reference: str, what: str
    ) -> tuple[Path, str] | None:
        """A playbook id on the search path; the extending file itself is passed over, so
        that a team's `reset.yaml` may extend the built-in reset."""
        from resetkit.format.model import IDENTIFIER_PATTERN

        if not re.match(IDENTIFIER_PATTERN, reference):
            self.problem(
                asked,
                f"{what} is neither a playbook id nor a path: a path ends in .yaml or holds a '/'",
            )
            return None
        if self._search is None:
            self._search = search_path()
        for source in self._search:
            for suffix in PLAYBOOK_SUFFIXES:
                candidate = source.directory / f"{reference}{suffix}"
                if candidate.is_file() and os.path.realpath(candidate) != file.real:
                    return candidate, str(candidate)
        known = [entry.id for entry in discover(self._search)]
        self.problem(
            asked,
            f"{what}: no playbook '{reference}' on the search path{did_you_mean(reference, known)}"
            " ('resetkit list' shows them)",
        )
        return None

    def cycle(
        self, asked: _Where, real: str, shown: str, seen: tuple[tuple[str, str], ...], verb: str
    ) -> bool:
        reals = [item[0] for item in seen]
        if real not in reals:
            return False
        names = [item[1] for item in seen[reals.index(real) :]]
        self.problem(asked, f"{verb} cycle: {' -> '.join([*names, shown])}")
        return True

    # --- sections ---------------------------------------------------------------------------

    def entries(
        self,
        file: _File,
        list_path: YamlPath,
        items: list[Any],
        tree: _Tree,
        chain: tuple[Link, ...],
        seen: tuple[tuple[str, str], ...],
        depth: int,
        *,
        extending: bool,
    ) -> list[_Entry]:
        found: list[_Entry] = []
        for index, item in enumerate(items):
            if self.full:
                break
            at = _Where(file, (*list_path, index), chain)
            place = self.place(at, item, extending)
            if isinstance(item, dict) and "include" in item:
                allowed = ["include", *(_PLACES if extending else ())]
                for key in item:
                    if key not in allowed and key not in _PLACES:
                        self.problem(
                            _Where(file, (*at.path, key), chain),
                            f"unknown key '{_shown_value(str(key))}' in an include "
                            f"(allowed: {', '.join(allowed)})",
                            key=True,
                        )
                pieces = self.include(at, item["include"], tree, seen, depth)
                found += [_Entry(piece, at, place) for piece in pieces]
                continue
            if isinstance(item, dict) and "remove" in item:
                removed = self.removal(at, item, extending)
                if removed is not None:
                    found.append(_Entry(None, at, None, removed))
                    continue
            data = item
            if isinstance(item, dict):
                data = {k: v for k, v in item.items() if k not in (*_PLACES, "remove")}
            piece = _Piece(data, at)
            if self.count(at, len(file.under(at.path))):
                found.append(_Entry(piece, at, place))
        return found

    def count(self, at: _Where, values: int) -> bool:
        """Count a section into the playbook; False (once, with a problem) when it grows past
        the limits, as includes repeated inside includes would make it."""
        self.sections += 1
        self.values += values
        if self.sections <= MAX_SECTIONS and self.values <= MAX_VALUES:
            return True
        self.full = True
        self.problem(
            at,
            f"the playbook grows past {MAX_SECTIONS} sections or {MAX_VALUES:,} values "
            "(the same parts included again and again?)",
        )
        return False

    def place(self, at: _Where, item: Any, extending: bool) -> _Place | None:
        if not isinstance(item, dict):
            return None
        given = [key for key in _PLACES if key in item]
        if not given:
            return None
        if not extending:
            for key in given:
                self.problem(
                    _Where(at.file, (*at.path, key), at.chain),
                    f"'{key}' places a section only in a playbook that extends another "
                    "(extends: ID); here the order of the list is the order of the meeting",
                    key=True,
                )
            return None
        if len(given) == 2:
            self.problem(
                _Where(at.file, (*at.path, "before"), at.chain),
                "give 'after' or 'before', not both",
                key=True,
            )
            return None
        kind = given[0]
        where = _Where(at.file, (*at.path, kind), at.chain)
        target = item[kind]
        if not isinstance(target, str) or not target:
            self.problem(where, f"'{kind}' takes the id of a section")
            return None
        return _Place(kind, target, where)

    def removal(self, at: _Where, item: dict[str, Any], extending: bool) -> str | None:
        where = _Where(at.file, (*at.path, "remove"), at.chain)
        if not extending:
            self.problem(
                where,
                "'remove' takes out a section of the playbook extended; this playbook extends "
                "none (extends: ID)",
                key=True,
            )
            return None
        section_id = item.get("id")
        if item["remove"] is not True:
            self.problem(where, "remove takes true: {id: ID, remove: true}")
        for key in item:
            if key not in ("id", "remove"):
                self.problem(
                    _Where(at.file, (*at.path, key), at.chain),
                    f"a section removed takes only 'id' and 'remove: true', not "
                    f"'{_shown_value(str(key))}'",
                    key=True,
                )
        if not isinstance(section_id, str):
            self.problem(
                at, "remove needs the id of the section to take out: {id: ID, remove: true}"
            )
            return ""
        return section_id

    def include(
        self,
        at: _Where,
        value: Any,
        tree: _Tree,
        seen: tuple[tuple[str, str], ...],
        depth: int,
    ) -> list[_Piece]:
        """The sections an `include:` takes, put together in turn."""
        asked = _Where(at.file, (*at.path, "include"), at.chain)
        named = self.include_target(asked, value)
        if named is None or not self.room_for_include(asked, value, depth):
            return []
        target, wanted = named
        what = f"include '{_shown_value(value)}'"
        found = self.locate(asked, target, tree, what)
        if found is None:
            return []
        path, shown = found
        real = os.path.realpath(path)
        if self.cycle(asked, real, shown, seen, "include"):
            return []
        link = Link("included from", at.file.shown, *at.file.at(asked.path))
        inner = (*at.chain, link)
        part = self.open(path, shown, asked, what, inner)
        if part is None or not self.shared_part(part, asked, what, shown, inner):
            return []
        entries = self.entries(
            part,
            ("sections",),
            part.document.data["sections"],
            tree,
            inner,
            (*seen, (real, shown)),
            depth + 1,
            extending=False,
        )
        pieces = [entry.piece for entry in entries if entry.piece is not None]
        return self.wanted_section(asked, what, shown, pieces, wanted) if wanted else pieces

    def include_target(self, asked: _Where, value: Any) -> tuple[str, str] | None:
        """The file an `include:` names and the section wanted from it (empty for all), or
        None with a problem."""
        usage = "include: common/opening.yaml (every section) or common/opening.yaml#opening"
        if not isinstance(value, str) or not value.strip():
            self.problem(asked, f"include takes the path of a file: {usage}")
            return None
        target, hashmark, wanted = value.strip().partition("#")
        if not target or (hashmark and not wanted):
            self.problem(asked, f"include '{_shown_value(value)}': {usage}")
            return None
        return target, wanted

    def room_for_include(self, asked: _Where, value: str, depth: int) -> bool:
        """Whether one more include keeps within the nesting and the count allowed (a problem
        when not; the count's only once)."""
        what = f"include '{_shown_value(value)}'"
        if depth >= MAX_NESTING:
            self.problem(asked, f"{what}: includes and extends nest more than {MAX_NESTING} deep")
            return False
        self.includes += 1
        if self.includes <= MAX_INCLUDES:
            return True
        if not self.full:
            self.full = True
            self.problem(
                asked,
                f"{what}: the playbook takes more than {MAX_INCLUDES:,} includes "
                "(the same parts included again and again?)",
            )
        return False

    def shared_part(
        self, part: _File, asked: _Where, what: str, shown: str, inner: tuple[Link, ...]
    ) -> bool:
        """Whether an included file has sections to take, with a problem when not; a shared
        part's keys other than 'sections' are named once."""
        data = part.document.data
        if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
            self.problem(asked, f"{what}: {shown} has no 'sections:' list to take sections from")
            return False
        if "extends" in data:
            self.problem(
                asked,
                f"{what}: {shown} extends another playbook; include from the files it is made of",
            )
            return False
        if "id" not in data and part.real not in self._checked_parts:
            self._checked_parts.add(part.real)
            for key in data:
                if key != "sections":
                    self.problem(
                        _Where(part, (key,), inner),
                        f"unknown key '{_shown_value(str(key))}' in a shared part: a shared part "
                        "holds only 'sections' (a playbook also has an id)",
                        key=True,
                    )
        return True

    def wanted_section(
        self, asked: _Where, what: str, shown: str, pieces: list[_Piece], wanted: str
    ) -> list[_Piece]:
        """The one section `file#id` names, or none with a problem."""
        chosen = [piece for piece in pieces if piece.id == wanted]
        if not chosen:
            ids = [piece.id for piece in pieces if piece.id]
            self.problem(
                asked,
                f"{what}: no section '{_shown_value(wanted)}' in {shown}"
                + did_you_mean(wanted, ids),
            )
        return chosen[:1]

    def extend(self, base: list[_Piece], entries: list[_Entry]) -> list[_Piece]:
        """The base's sections with an extending playbook's entries applied, in order."""
        sections = list(base)
        given: set[str] = set()
        last: tuple[_Place, str] | None = None  # an include's sections stay together
        for entry in entries:
            if entry.removes is not None:
                if entry.removes:
                    self.apply_removal(sections, entry)
                continue
            piece = entry.piece
            assert piece is not None
            section_id = piece.id
            if section_id is not None:
                if section_id in given:
                    self.problem(
                        _Where(piece.where.file, (*piece.where.path, "id"), piece.where.chain),
                        f"section '{section_id}' is given twice in the sections of this playbook",
                    )
                    continue
                given.add(section_id)
            place = entry.place
            if (
                place is not None
                and last is not None
                and last[0] is place
                and place.kind == "after"
            ):
                place = _Place("after", last[1], place.where)
            index = _index(sections, section_id)
            if index is not None:
                piece = _merge(sections[index], piece)
                if place is None:
                    sections[index] = piece
                else:
                    del sections[index]
                    self.insert(sections, piece, place)
            elif (
                piece.where.file is entry.where.file  # written here, not included
                and isinstance(piece.data, dict)
                and "title" not in piece.data
            ):
                ids = [other.id for other in sections if other.id]
                self.problem(
                    _Where(piece.where.file, (*piece.where.path, "id"), piece.where.chain),
                    f"the playbook extended has no section '{section_id}'"
                    f"{did_you_mean(section_id or '', ids)}; a new section needs a title",
                )
                continue
            else:
                self.insert(sections, piece, place)
            if entry.place is not None and section_id is not None:
                last = (entry.place, section_id)
        return sections

    def apply_removal(self, sections: list[_Piece], entry: _Entry) -> None:
        assert entry.removes is not None
        index = _index(sections, entry.removes)
        if index is None:
            ids = [piece.id for piece in sections if piece.id]
            where = entry.where
            self.problem(
                _Where(where.file, (*where.path, "id"), where.chain),
                f"remove: the playbook extended has no section '{_shown_value(entry.removes)}'"
                f"{did_you_mean(entry.removes, ids)}",
            )
            return
        del sections[index]

    def insert(self, sections: list[_Piece], piece: _Piece, place: _Place | None) -> None:
        if place is None:
            sections.append(piece)
            return
        index = _index(sections, place.target)
        if index is None:
            ids = [other.id for other in sections if other.id]
            self.problem(
                place.where,
                f"{place.kind}: no section '{_shown_value(place.target)}' to place this one "
                f"{place.kind}{did_you_mean(place.target, ids)}",
            )
            sections.append(piece)
            return
        sections.insert(index + 1 if place.kind == "after" else index, piece)

    # --- the result -------------------------------------------------------------------------

    def result(self, whole: _Whole, root: _File) -> Composed:
        composed = Composed(data={}, problems=self.problems, texts=self.texts)
        self.graft(composed, whole.where, (), exact=True)
        for key, (value, where) in whole.fields.items():
            composed.data[key] = copy.deepcopy(value)
            self.graft(composed, where, (key,))
            composed.fields.append((key, where.origin()))
        if whole.sections is not None:
            if whole.sections_key is not None:
                self.graft(composed, whole.sections_key, ("sections",), exact=True)
            composed.data["sections"] = []
            for index, piece in enumerate(whole.sections):
                composed.data["sections"].append(copy.deepcopy(piece.data))
                target = ("sections", index)
                self.graft(composed, piece.where, target, skip=set(piece.patches))
                for key, where in piece.patches.items():
                    self.graft(composed, where, (*target, key))
                composed.sections.append(
                    SectionSource(
                        piece.id or f"#{index + 1}",
                        piece.where.origin(),
                        tuple((key, where.origin()) for key, where in piece.patches.items()),
                    )
                )
        id_where = whole.fields.get("id", (None, None))[1]
        if (
            id_where is not None
            and id_where.file is not root
            and "extends" in (root.document.data or {})
        ):
            composed.id_inherited_at = root.at(("extends",))
        return composed

    def graft(
        self,
        composed: Composed,
        where: _Where,
        target: YamlPath,
        *,
        skip: set[str] | None = None,
        exact: bool = False,
    ) -> None:
        """Copy the marks at `where` (and below it, unless `exact`) to `target` in the result."""
        file, source = where.file, where.path
        document = file.document
        via = via_text(where.chain)
        paths = [source] if exact or not source else file.under(source)
        for path in paths:
            rest = path[len(source) :]
            if skip and rest and rest[0] in skip:
                continue
            moved = (*target, *rest)
            for marks, into in (
                (document.value_marks, composed.value_marks),
                (document.key_marks, composed.key_marks),
            ):
                mark = marks.get(path)
                if mark is not None:
                    into[moved] = SourceMark(file.shown, mark.line, mark.column, via)
            if path in document.refused:
                composed.refused.add(moved)


def _index(sections: list[_Piece], section_id: str | None) -> int | None:
    if section_id is None:
        return None
    for index, piece in enumerate(sections):
        if piece.id == section_id:
            return index
    return None


def _merge(base: _Piece, patch: _Piece) -> _Piece:
    """A section of the base with the keys an extending playbook gives for it."""
    if not isinstance(base.data, dict) or not isinstance(patch.data, dict):
        return patch
    data = dict(base.data)
    patches = dict(base.patches)
    for key, value in patch.data.items():
        if key == "id":
            continue
        data[key] = value
        patches[key] = _Where(patch.where.file, (*patch.where.path, key), patch.where.chain)
    return _Piece(data, base.where, patches)


# --- entry points ---------------------------------------------------------------------------


def compose(file: str, text: str, document: SourceDocument, reader: Reader) -> Composed:
    """The playbook in `document` (read from `file`) with its includes and extends resolved."""
    composer = _Composer(reader)
    path = Path(file)
    root = composer.add(path, file, text, document)
    tree = _Tree(os.path.realpath(path.parent), file)
    whole = composer.playbook(root, tree, (), ((root.real, file),), 0)
    if whole is None:
        return Composed(data=None, problems=composer.problems, texts=composer.texts)
    return composer.result(whole, root)


def compose_part(
    file: str, text: str, document: SourceDocument, reader: Reader, folder: Path
) -> Composed:
    """A shared part checked on its own: its sections, includes resolved inside `folder`."""
    composer = _Composer(reader)
    path = Path(file)
    root = composer.add(path, file, text, document)
    tree = _Tree(os.path.realpath(folder), str(folder))
    data = document.data
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list):
        return Composed(data=None, problems=composer.problems, texts=composer.texts)
    where = _Where(root, (), ())
    entries = composer.entries(
        root, ("sections",), sections, tree, (), ((root.real, file),), 0, extending=False
    )
    pieces = [entry.piece for entry in entries if entry.piece is not None]
    whole = _Whole(where, {}, pieces, _Where(root, ("sections",), ()))
    return composer.result(whole, root)


def part_folder(path: Path) -> Path:
    """The folder a shared part's includes must stay in when it is checked on its own: the
    playbook folder on the search path that holds it, else its own folder."""
    real = os.path.realpath(path)
    for source in search_path():
        folder = os.path.realpath(source.directory)
        try:
            if os.path.commonpath([real, folder]) == folder:
                return Path(folder)
        except ValueError:
            continue
    return path.parent
