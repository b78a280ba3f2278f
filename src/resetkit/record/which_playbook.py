"""The playbook a session ran, found again in this clone: by its content hash first, and never
another playbook that merely shares its id.

The customer copy and the notes are rendered with the playbook's questions (which answers are
internal, how each is shown). Rendered with a different playbook of the same id (the built-in
`reset` instead of the team's own, whose answers it marks internal) they could carry internal
notes to the customer. A session's record keeps the path it started from and the hash of the
playbook's text (with every file it includes or extends); another clone has the file at another
path, and a later edit changes the hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from resetkit.errors import ResetkitError, UsageError

if TYPE_CHECKING:
    from resetkit.format.model import Playbook
    from resetkit.record.session import Session


@dataclass(frozen=True)
class Found:
    """The playbook to render a session with; `notice` says why it is not the very file the
    session ran ('' when it is)."""

    playbook: Playbook
    path: Path
    notice: str = ""


def playbook_of(session: Session, folder: Path) -> Found:
    """The playbook `session` (saved in `folder`) ran: a file with its content hash (where it
    was, in this repository at any path, or on the search path); else that same file edited
    since, or a newer resetkit's built-in of the same name, said in `notice`. UsageError
    rather than another playbook of the same id."""
    return playbook_recorded(
        Recorded(session.id, session.playbook_id, session.playbook_path, session.playbook_hash),
        folder,
    )


@dataclass(frozen=True)
class Recorded:
    """What a record says of its playbook (the history reads it without the model)."""

    session_id: str
    playbook_id: str
    path: str
    hash: str


def playbook_recorded(session: Recorded, folder: Path) -> Found:
    """`playbook_of` for what a record says of its playbook."""
    from resetkit.format.loader import load_file
    from resetkit.places import local_path, repository_top

    recorded = local_path(session.path, folder)
    twins = _same_file_here(recorded, repository_top(folder))
    for path in _candidates(session.playbook_id, [recorded, *twins], folder):
        if _hash_of(path) == session.hash:
            return Found(load_file(path), path)
    for path in [recorded, *twins]:
        if path.is_file():
            return Found(
                load_file(path),
                path,
                f"the playbook {path} changed since session {session.session_id} ran; "
                "rendering with its current version",
            )
    if _was_built_in(recorded):
        from resetkit.places import builtin_dir

        built_in = builtin_dir() / recorded.name
        if built_in.is_file():
            return Found(
                load_file(built_in),
                built_in,
                f"resetkit's built-in playbook '{session.playbook_id}' changed since session "
                f"{session.session_id} ran; rendering with this version's",
            )
    raise UsageError(
        f"session {session.session_id} ran the playbook '{session.playbook_id}' from {recorded} "
        f"(content {session.hash}), which is neither there nor anywhere resetkit looks",
        hint="run this inside the team's repository, or restore that playbook file; another "
        "playbook with the same id is never used in its place",
    )


def _same_file_here(recorded: Path, top: Path | None) -> list[Path]:
    """Where the file at `recorded`, a path of another clone, would be in this repository:
    its trailing parts below `top`, longest first (…/ann/team/playbooks/reset.yaml is
    playbooks/reset.yaml here)."""
    if top is None or not recorded.is_absolute():
        return []
    parts = recorded.parts[1:]
    found = []
    for start in range(len(parts) - 1):
        candidate = top.joinpath(*parts[start:])
        if candidate != recorded and candidate.is_file():
            found.append(candidate)
    return found


def _candidates(playbook_id: str, first: list[Path], folder: Path) -> list[Path]:
    """Files that may hold the playbook: `first`, then every file of its id on the search path
    as seen from the session's repository and from here."""
    from resetkit.places import PLAYBOOK_SUFFIXES, repository_top, search_path

    top = repository_top(folder)
    sources = [*(search_path(top) if top is not None else []), *search_path()]
    paths = list(first)
    for source in sources:
        for suffix in PLAYBOOK_SUFFIXES:
            paths.append(source.directory / f"{playbook_id}{suffix}")
    unique: list[Path] = []
    for path in paths:
        if path.is_file() and path not in unique:
            unique.append(path)
    return unique


def _hash_of(path: Path) -> str | None:
    """The hash a session records for the playbook in `path` (its text with every file it
    includes or extends); None when it cannot be read."""
    from resetkit.format.loader import playbook_text
    from resetkit.places import read_text
    from resetkit.record.session import playbook_hash

    try:
        return playbook_hash(playbook_text(path, read_text(path)))
    except ResetkitError:
        return None  # unreadable or invalid: not the file the session ran


def _was_built_in(recorded: Path) -> bool:
    """Whether the session ran one of resetkit's own playbooks (from any install of it)."""
    return recorded.parent.name == "playbooks" and recorded.parent.parent.name == "resetkit"
