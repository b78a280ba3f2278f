"""Previews: the notes, action plan and customer copy an answers file would make, with no session.

A preview walks the playbook exactly as `start --answers FILE --no-input` does (the same checks
of the answers file, the same walk, the same renderers and the same bytes on disk), but keeps
the record in memory: nothing goes into the notes dir, no index entry, no lock. It is dated
by the file's `preview_date:` (else PREVIEW_DAY), so it renders the same on every day and can
be committed and diffed.

Examples live beside a playbook: `examples/ID/NAME.yaml` (an answers file) and, next to it,
`examples/ID/NAME/` holding its rendered copy. `check` re-renders them and reports what
differs; `update` rewrites them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from resetkit.controls import visible
from resetkit.errors import AnswersInvalid, InputInvalid, Problem, StorageError, UsageError
from resetkit.format.loader import Located, load_file
from resetkit.format.model import Playbook
from resetkit.places import (
    PLAYBOOK_SUFFIXES,
    customer_slug,
    discover,
    folder_name,
    playbook_stem,
    read_text,
    resolve,
    search_path,
)
from resetkit.record.notes import file_bytes, rendered_texts
from resetkit.record.session import new_record
from resetkit.run.answers import check_sheet, preview_day, read_answers
from resetkit.run.live import Run
from resetkit.run.prompts import ScriptedPrompter
from resetkit.storage import write_bytes_atomic
from resetkit.words import counted

# A Monday; the day of a preview whose answers file gives no `preview_date:`.
PREVIEW_DAY = date(2026, 1, 5)
# Every file a preview writes; a folder holding anything else is not a preview's.
PREVIEW_FILES = ("notes.md", "action-plan.md", "shared.md")
EXAMPLES_FOLDER = "examples"
DIFF_LINES = 40  # of the unified diff shown per file that differs


class _InMemory(Run):
    """A run whose record is never saved: a preview creates no session."""

    def _save(self) -> None:
        return None


def render(playbook: Playbook, path: Path, text: str, answers: Located) -> dict[str, bytes]:
    """The files (name -> bytes) a scripted run with these answers would write that day."""
    day = preview_day(answers) or PREVIEW_DAY
    sheet = check_sheet(answers, playbook, day, complete=True)
    if sheet.customer is None:
        where = (
            ("customer",) if isinstance(answers.data, dict) and "customer" in answers.data else ()
        )
        raise AnswersInvalid(
            [answers.problem(where, "a preview needs the customer: add 'customer: NAME'")],
            hint="fix the answers file; nothing was written",
        )
    record_id = f"{customer_slug(sheet.customer)}/{folder_name(day, playbook.id)}"
    started = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    session = new_record(playbook, path, text, sheet.customer, sheet.attendees, record_id, started)
    from resetkit.run.screen import quiet_console

    # No clock: like a scripted run, which takes no time, it records none.
    run = _InMemory(
        playbook, session, Path(), ScriptedPrompter(sheet.answers), quiet_console(), lambda: 0.0
    )
    run.walk()
    run.settle()
    session.status = "complete"
    return file_bytes(rendered_texts(session, playbook))


def preview(reference: str, answers: str, out: Path | None) -> tuple[list[Path], date]:
    """Render a playbook (id or path) with an answers file into `out`; the files written and
    the day they are dated (the file's `preview_date:`, else PREVIEW_DAY).

    Without `out`, the folder beside the answers file named after it (`a.yaml` -> `a/`).
    """
    if out is None:
        if answers == "-":
            raise UsageError("answers from stdin need --out DIR: there is no file to write beside")
        out = _rendered_folder(Path(answers))
    path = resolve(reference, search_path())
    text = read_text(path)
    located = read_answers(answers)
    files = render(load_file(path, text), path, text, located)
    return write_preview(out, files), preview_day(located) or PREVIEW_DAY


def write_preview(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write a preview's files into `folder`, removing a preview file it no longer makes."""
    _refuse_other_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"cannot create {folder}: {error.strerror}") from None
    for name in PREVIEW_FILES:
        if name not in files and (folder / name).is_file():
            (folder / name).unlink()  # shared.md of a playbook whose recap was removed
    written = []
    for name, payload in files.items():
        write_bytes_atomic(folder / name, payload)
        written.append(folder / name)
    return written


def _refuse_other_folder(folder: Path) -> None:
    """A folder a preview may write into: new, or holding a preview's files and nothing else."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{folder} is not a folder a preview can write into: choose another --out")
    if not folder.is_dir():
        return
    others = sorted(entry.name for entry in folder.iterdir() if entry.name not in PREVIEW_FILES)
    if "session.json" in others:
        raise UsageError(
            f"{folder} is a session's folder; a preview never writes into the notes",
            hint="choose another --out",
        )
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise UsageError(
            f"{folder} holds files a preview does not write ({shown}); nothing was written",
            hint="choose another --out, or an empty folder",
        )
    links = [name for name in PREVIEW_FILES if (folder / name).is_symlink()]
    if links:
        raise UsageError(f"{folder / links[0]} is a symbolic link; a preview replaces only files")


def _rendered_folder(answers: Path) -> Path:
    """Where an answers file's rendered copy goes: beside it, named after it."""
    name = playbook_stem(answers)
    if not name.strip("."):  # '..yaml' would name the folder it is in, '...yaml' its parent
        raise UsageError(
            f"an answers file named {answers.name!r} leaves no name for the folder of its preview",
            hint="rename it, like churn-risk.yaml",
        )
    return answers.with_name(name)


# --- examples kept beside playbooks -----------------------------------------------------------


@dataclass
class Example:
    """One example of a playbook and what re-rendering it found."""

    playbook: Path
    answers: Path
    folder: Path
    problems: list[Problem] = field(default_factory=list)  # it cannot be rendered
    differs: dict[str, str] = field(default_factory=dict)  # file name -> a short unified diff
    files: dict[str, bytes] = field(default_factory=dict)  # as rendered now


def examples_folder(playbook: Path) -> Path:
    """Where the examples of a playbook file are kept: examples/ID/ beside it."""
    return playbook.parent / EXAMPLES_FOLDER / playbook_stem(playbook)


def check(references: list[str]) -> list[Example]:
    """Every example of the playbooks given (ids, files or folders; default: the search
    path), rendered again and compared with its committed copy."""
    return [_compare(playbook, answers) for playbook, answers in _examples(references)]


def update(examples: list[Example]) -> list[Path]:
    """Rewrite the committed copy of each example that renders and differs; the files changed
    (written, or removed when the playbook no longer makes them)."""
    changed: list[Path] = []
    for example in examples:
        if example.problems or not example.differs:
            continue
        write_preview(example.folder, example.files)
        changed += [example.folder / name for name in example.differs]
    return changed


def _examples(references: list[str]) -> Iterator[tuple[Path, Path]]:
    """(playbook file, answers file) of each example, playbooks in order, examples by name."""
    for playbook in _playbooks(references):
        folder = examples_folder(playbook)
        if not folder.is_dir():
            continue
        for answers in sorted(folder.iterdir()):
            if answers.suffix in PLAYBOOK_SUFFIXES and answers.is_file():
                yield playbook, answers


def _playbooks(references: list[str]) -> list[Path]:
    sources = search_path()
    if not references:
        return [entry.path for entry in discover(sources)]
    found: list[Path] = []
    for reference in references:
        path = Path(reference)
        if path.is_dir():
            found += [
                child
                for child in sorted(path.iterdir())
                if child.suffix in PLAYBOOK_SUFFIXES and child.is_file()
            ]
        else:
            found.append(resolve(reference, sources))
    return found


def _compare(playbook: Path, answers: Path) -> Example:
    try:
        example = Example(playbook, answers, _rendered_folder(answers))
        _refuse_link(playbook.parent, example.folder)
    except UsageError as error:  # no folder to compare with, nor to write into
        return Example(
            playbook, answers, answers.parent, [Problem(shown(answers), 1, 1, str(error))]
        )
    try:
        text = read_text(playbook)
        example.files = render(
            load_file(playbook, text), playbook, text, read_answers(shown(answers))
        )
    except InputInvalid as error:  # AnswersInvalid too: the playbook or the answers
        example.problems = error.problems
        return example
    except UsageError as error:
        example.problems = [Problem(str(answers), 1, 1, error.message)]
        return example
    for name in PREVIEW_FILES:
        committed = _committed(example.folder / name)
        rendered = example.files.get(name)
        if committed != rendered:
            example.differs[name] = _diff(example.folder / name, committed, rendered)
    return example


def _refuse_link(base: Path, folder: Path) -> None:
    """UsageError when a folder on the way from `base` to `folder` is a symbolic link: an
    example's copy is written beside its playbook, never where a link leads."""
    parts = folder.relative_to(base).parts
    for depth in range(1, len(parts) + 1):
        if base.joinpath(*parts[:depth]).is_symlink():
            link = Path(shown(base)).joinpath(*parts[:depth])  # the link, not where it leads
            raise UsageError(
                f"{link} is a symbolic link: an example is rendered only into the "
                "folders beside its playbook",
                hint="replace the link with the folder itself",
            )


def shown(path: Path) -> str:
    """A path as a person reads it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _committed(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _diff(path: Path, committed: bytes | None, rendered: bytes | None) -> str:
    """A unified diff from the committed copy to the rendered one, cut at DIFF_LINES lines;
    control characters shown as escapes, so a committed file cannot drive the terminal."""
    old = [] if committed is None else committed.decode("utf-8", "replace").splitlines()
    new = [] if rendered is None else rendered.decode("utf-8", "replace").splitlines()
    lines = list(
        difflib.unified_diff(
            old,
            new,
            f"{shown(path)} (committed)" if committed is not None else "/dev/null",
            f"{shown(path)} (rendered)" if rendered is not None else "/dev/null",
            lineterm="",
        )
    )
    if len(lines) > DIFF_LINES:
        lines = [
            *lines[:DIFF_LINES],
            f"... {counted(len(lines) - DIFF_LINES, 'more line')} of diff",
        ]
    return "\n".join(visible(line) for line in lines)
