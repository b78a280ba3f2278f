"""Exports of many sessions: one JSON array, CSV rows, one Markdown document.

JSON and CSV are written as the rows come out of the index (chunks of bytes), so that memory
stays flat however many sessions are exported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from resetkit.controls import visible
from resetkit.history.cells import (
    ACTION_COLUMNS,
    FORMULA_START,
    SESSION_COLUMNS,
    action_row,
    csv_line,
    session_row,
)
from resetkit.history.read import Filters, History, Stored
from resetkit.words import counted

__all__ = [
    "ACTION_COLUMNS",
    "FORMULA_START",
    "SESSION_COLUMNS",
    "action_row",
    "csv_line",
    "export_csv",
    "export_json",
    "export_markdown",
    "session_row",
]

_BATCH = 2000  # lines joined into one chunk of output


def export_json(history: History, filters: Filters) -> Iterator[bytes]:
    """A JSON array of session records, each carrying its schema_version, one per line."""
    # The records on disk are JSON already: joining them costs nothing, re-encoding seconds.
    yield b"[\n"
    batch: list[bytes] = []
    first = True
    for raw in history.raws(filters):
        batch.append(raw)
        if len(batch) == _BATCH:
            yield (b"" if first else b",\n") + b",\n".join(batch)
            first, batch = False, []
    if batch:
        yield (b"" if first else b",\n") + b",\n".join(batch)
    yield b"\n]\n"


def export_csv(
    history: History, filters: Filters, *, actions: bool = False, raw: bool = False
) -> Iterator[bytes]:
    """One row per session with its answers flattened, or one row per action item.

    Text cells that a spreadsheet would run as formulas are prefixed with `'`, unless `raw`.
    """
    if actions:
        yield csv_line(ACTION_COLUMNS).encode("utf-8")
        yield from _chunks(history.action_lines(filters, raw=raw))
        return
    answer_ids = history.shapes(filters)
    yield csv_line(SESSION_COLUMNS + [f"answer.{i}" for i in answer_ids]).encode("utf-8")
    yield from _chunks(_session_lines(history, filters, answer_ids, raw))


def _session_lines(
    history: History, filters: Filters, answer_ids: list[str], raw: bool
) -> Iterator[str]:
    # Each shape (a session's answer ids, in its order) picks its cells into the columns once.
    pickers: dict[str, Any] = {}
    fixed = list(range(len(SESSION_COLUMNS)))
    for values, keys in history.cells(filters, raw=raw):
        pick = pickers.get(keys)
        if pick is None:
            at = {key: len(fixed) + n for n, key in enumerate(keys.split("\x1f") if keys else [])}
            # -1: the empty cell appended to every row, for an answer this session lacks.
            pick = pickers[keys] = itemgetter(*fixed, *(at.get(key, -1) for key in answer_ids))
        values.append("")
        yield ",".join(pick(values)) + "\n"


def _chunks(lines: Iterator[str]) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == _BATCH:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def export_markdown(stored: list[Stored], title: str, problems: list[str] | None = None) -> str:
    """The sessions' notes joined into one document, with a table of contents.

    A notes.md that is a symbolic link is never followed (it could point at any file the user
    can read): it is skipped, and so is one that cannot be read; each is named in `problems`.
    """
    from resetkit.record.render import escape
    from resetkit.storage import LinkRefused, read_bytes_no_follow

    texts: list[tuple[Stored, str]] = []
    for item in stored:
        path = item.folder / "notes.md"
        try:
            texts.append((item, read_bytes_no_follow(path).decode("utf-8")))
        except FileNotFoundError:
            continue
        except LinkRefused:
            if problems is not None:
                problems.append(
                    f"skipped {path}: a symbolic link; resetkit reads only inside the notes dir"
                )
        except (OSError, UnicodeDecodeError) as error:
            if problems is not None:
                problems.append(f"skipped {path}: cannot read it ({error})")
    out = [f"# {escape(title)}", "", f"{counted(len(texts), 'session')}.", "", "## Contents", ""]
    for number, (item, _) in enumerate(texts, start=1):
        record = item.record
        out.append(
            f"{number}. [{escape(record['customer'])}: {escape(record['playbook_title'])}"
            f", {record['started_at'][:10]}](#session-{number})"
        )
    for number, (_, text) in enumerate(texts, start=1):
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        # One level deeper, so each session sits under the document's title.
        body = re.sub(r"^(#{1,5}) ", r"#\1 ", body.strip(), flags=re.MULTILINE)
        out += ["", f'<a id="session-{number}"></a>', "", body]
    # Notes written by an older resetkit may hold raw control characters: `cat` would run them.
    return visible("\n".join(out) + "\n")
