"""New timeboxes written into a playbook file as a unified diff that `git apply` accepts.

The file is never dumped again as YAML: each `timebox:` value is rewritten in place, at the
position the loader's marks give, so comments, order, quoting and every other byte stay.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

from resetkit.dates import format_minutes, parse_duration
from resetkit.errors import InputInvalid, UsageError
from resetkit.format.compose import SourceMark
from resetkit.format.loader import read_yaml

_BOM = "\ufeff"
# A plain (unquoted) duration as a playbook writes it: digits, h, m and spaces (`1h 30m`).
_PLAIN_DURATION = re.compile(r"[0-9hm ]+")
_SPACED = re.compile(r"h\s+\d")


def timebox_patch(text: str, file: str, minutes: Mapping[str, int], shown: str) -> str:
    """A unified diff (`a/SHOWN`, `b/SHOWN`) of `text` with the timebox of each section named
    in `minutes` rewritten to that many minutes; '' when no value changes.

    `file` names the file in problems. A section named but not written in this file, or a
    timebox written in a way this cannot rewrite safely, is refused (InputInvalid, exit 2).
    """
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    edits = sorted(_edits(body, file, minutes))
    patched, position = [], 0
    for start, end, value in edits:
        patched += [body[position:start], value]
        position = end
    patched.append(body[position:])
    return unified_diff(text, bom + "".join(patched), shown)


def _edits(text: str, file: str, minutes: Mapping[str, int]) -> list[tuple[int, int, str]]:
    """(start, end, new text) of each timebox value to rewrite, from the loader's marks."""
    located = read_yaml(text, file)
    sections = located.data.get("sections") if isinstance(located.data, dict) else None
    found: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for index, section in enumerate(sections if isinstance(sections, list) else []):
        section_id = section.get("id") if isinstance(section, dict) else None
        if not isinstance(section_id, str) or section_id not in minutes:
            continue
        seen.add(section_id)
        path = ("sections", index, "timebox")
        # The loader keeps the mark of every value it read (its start, counted in characters).
        mark = located.document.value_marks.get(path)
        written = section.get("timebox")
        # A SourceMark: the value comes from an included or extended file, not this text.
        written_here = mark is not None and not isinstance(mark, SourceMark)
        span = _scalar_span(text, mark.index) if written_here else None  # type: ignore[union-attr]
        if span is None or not isinstance(written, str) or span[1] != written:
            raise InputInvalid(
                [
                    located.problem(
                        path,
                        f"section '{section_id}': cannot rewrite this timebox in place: "
                        "write it plainly, like `timebox: 5m`",
                    )
                ]
            )
        start, end = span[0], span[2]
        if parse_duration(written) != minutes[section_id]:
            found.append((start, end, _written_like(written, minutes[section_id])))
    missing = sorted(set(minutes) - seen)
    if missing:
        raise UsageError(
            f"{file}: section '{missing[0]}' is not written in this file",
            hint="its timebox is in the file it comes from: change it there",
        )
    return found


def _scalar_span(text: str, start: int) -> tuple[int, str, int] | None:
    """The scalar at `start`: where its value starts, the value and where it ends, inside
    the quotes if any; None for anything but a duration on one line."""
    quote = text[start : start + 1]
    if quote in ("'", '"'):
        end = text.find(quote, start + 1)
        newline = text.find("\n", start + 1)
        if end < 0 or (0 <= newline < end) or "\\" in text[start + 1 : end]:
            return None
        return start + 1, text[start + 1 : end], end
    match = _PLAIN_DURATION.match(text, start)
    if match is None:
        return None
    value = match.group().rstrip(" ")
    return start, value, start + len(value)


def _written_like(old: str, minutes: int) -> str:
    """`minutes` in the notation of the value it replaces: `45m`/`1h30m`, or minutes alone
    (`90m`) when the old value had no hours; `1h 30m` keeps its space."""
    if "h" not in old:
        return f"{minutes}m"
    written = format_minutes(minutes)
    if _SPACED.search(old) and "h" in written and written.endswith("m"):
        written = written.replace("h", "h ", 1)
    return written


def unified_diff(old: str, new: str, shown: str) -> str:
    """The changes from `old` to `new` as a unified diff with git's `a/` and `b/` prefixes;
    lines are split at LF only (as git does), a last line without one is marked so."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        _lines(old), _lines(new), f"a/{shown}", f"b/{shown}", n=3, lineterm="\n"
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def patch_base(file: Path, cwd: Path) -> tuple[Path, str]:
    """The folder a diff of `file` is applied from, and the file's path from there: the current
    folder when the file is inside it, else the top of the git checkout holding it, else the
    folder above the file's own (`playbooks/x.yaml`)."""
    file, cwd = file.resolve(), cwd.resolve()
    if file.is_relative_to(cwd):
        return cwd, file.relative_to(cwd).as_posix()
    for folder in file.parents:
        if (folder / ".git").exists():
            return folder, file.relative_to(folder).as_posix()
    base = file.parent.parent
    return base, file.relative_to(base).as_posix()
