"""Commands on playbooks: list, show, validate, schema, new, where, answers-template, preview."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from resetkit.cli.complete import playbook_ids
from resetkit.errors import EXIT_INVALID
from resetkit.words import counted

if TYPE_CHECKING:
    from resetkit.places import Entry
from resetkit.cli.app import app, fail
from resetkit.cli.output import (
    CheckFormat,
    ListFormat,
    NotesDirOption,
    OutputFormat,
    make_console,
    write_json,
)


def _source_label(entry: "Entry") -> str:
    label = entry.source.kind
    if entry.overrides:
        label += " (overrides " + ", ".join(o.source.kind for o in entry.overrides) + ")"
    if entry.same_as:
        label += " (same as " + ", ".join(o.source.kind for o in entry.same_as) + ")"
    return label


@app.command("list")
def list_playbooks(
    output: Annotated[
        ListFormat, typer.Option("--format", help="table or json.")
    ] = ListFormat.table,
) -> None:
    """List the playbooks on the search path: id, title, length, sections, where from."""
    from resetkit.errors import InputInvalid
    from resetkit.format.loader import load_file
    from resetkit.places import discover, search_path

    rows = []
    for entry in discover(search_path()):
        row: dict[str, Any] = {
            "id": entry.id,
            "path": str(entry.path),
            "source": entry.source.kind,
            "overrides": [str(other.path) for other in entry.overrides],
            "same_as": [str(other.path) for other in entry.same_as],
        }
        try:
            playbook = load_file(entry.path)
            row |= {
                "title": playbook.title,
                "duration": playbook.duration,
                "sections": len(playbook.sections),
                "valid": True,
            }
        except InputInvalid as error:
            row |= {
                "title": f"invalid: {counted(len(error.problems), 'problem')}, see "
                f"'resetkit validate {entry.path}'",
                "duration": "",
                "sections": None,
                "valid": False,
            }
        row["label"] = _source_label(entry)
        rows.append(row)
    if output is ListFormat.json:
        write_json([{k: v for k, v in row.items() if k != "label"} for row in rows])
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("ID", "TITLE", "LENGTH", "SECTIONS", "FROM"):
        table.add_column(column, no_wrap=column != "TITLE")
    for row in rows:
        sections = "" if row["sections"] is None else str(row["sections"])
        table.add_row(row["id"], escape(row["title"]), row["duration"], sections, row["label"])
    make_console().print(table)


@app.command()
def show(
    playbook: Annotated[
        str,
        typer.Argument(
            help="A playbook id or a path to a .yaml file.", autocompletion=playbook_ids
        ),
    ],
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="auto (rich in a terminal, Markdown when piped), rich, md."),
    ] = OutputFormat.auto,
    sources: Annotated[
        bool,
        typer.Option(
            "--sources",
            help="Instead of the agenda, where each section and key comes from: file:line, "
            "and through which include or extends.",
        ),
    ] = False,
) -> None:
    """Show a playbook's agenda: sections, timeboxes, guidance, questions and branches."""
    from resetkit.format.loader import load
    from resetkit.record.render import agenda_markdown

    if sources:
        _show_sources(playbook)
        return
    markdown = agenda_markdown(load(playbook)[0])
    as_rich = output is OutputFormat.rich or (output is OutputFormat.auto and sys.stdout.isatty())
    if not as_rich:
        sys.stdout.write(markdown)
        return
    from rich.markdown import Markdown

    make_console().print(Markdown(markdown))


def _show_sources(reference: str) -> None:
    """Each section of a playbook, then each top-level key, with the place it comes from."""
    from resetkit.controls import visible_line
    from resetkit.format.loader import sources
    from resetkit.places import resolve, search_path

    path = resolve(reference, search_path())
    playbook, sections, keys = sources(path)
    files = {origin.file for _, origin in keys}
    files |= {section.origin.file for section in sections}
    files |= {origin.file for section in sections for _, origin in section.changed}
    lines = [
        f"{playbook.id}: {counted(len(sections), 'section')} from {counted(len(files), 'file')}",
        "SECTIONS",
    ]
    for section in sections:
        lines.append(f"  {section.id:<20} {section.origin}")
        lines += [f"    {key:<18} {origin}" for key, origin in section.changed]
    lines.append("KEYS")
    lines += [f"  {key:<20} {origin}" for key, origin in keys]
    sys.stdout.write("".join(visible_line(line) + "\n" for line in lines))


@app.command()
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or ids; default: every playbook on the search path."),
    ] = None,
    output: Annotated[
        CheckFormat, typer.Option("--format", help="text or json.")
    ] = CheckFormat.text,
) -> None:
    """Check playbooks; print every problem as file:line:col. Exit 0 if all valid, 1 if not."""
    from resetkit.errors import InputInvalid, Problem
    from resetkit.format.loader import check_file, load_file, validation_targets
    from resetkit.places import CONFIG_FILE, check_config

    results: list[dict[str, Any]] = []
    for path, named in validation_targets(paths or []):
        problems: list[Problem] = []
        kind = "playbook"
        try:
            if path.name == CONFIG_FILE:
                kind = "config"
                problems = check_config(path)[1]
            elif named:
                kind = check_file(path)
            else:
                load_file(path)
        except InputInvalid as error:
            problems = error.problems
        if kind == "shared part" and output is CheckFormat.text:
            sys.stderr.write(
                f"{path}: a shared part (sections that playbooks include), not a playbook: "
                "its sections are checked on their own, and again in each playbook that "
                "includes them\n"
            )
        results.append({"path": str(path), "valid": not problems, "problems": problems})
    invalid = [result for result in results if not result["valid"]]
    if output is CheckFormat.json:
        write_json(
            {
                "valid": not invalid,
                "files": [
                    {
                        "path": r["path"],
                        "valid": r["valid"],
                        "problems": [
                            # `file` only for a problem in a file the playbook includes or extends
                            ({"file": p.file} if p.file != r["path"] else {})
                            | {"line": p.line, "column": p.column, "message": p.message}
                            for p in r["problems"]
                        ],
                    }
                    for r in results
                ],
            }
        )
    else:
        from resetkit.controls import visible

        for result in results:
            for problem in result["problems"]:
                sys.stdout.write(f"{visible(str(problem))}\n")
        count = sum(len(r["problems"]) for r in results)
        summary = f"{counted(len(results), 'playbook')} checked: " + (
            f"{len(invalid)} invalid, {counted(count, 'problem')}" if invalid else "all valid"
        )
        sys.stderr.write(summary + "\n")
    if invalid:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the playbook format (for editors and CI)."""
    from resetkit.format.authoring import schema_text
    from resetkit.storage import write_text_atomic

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)
        sys.stderr.write(f"wrote {output}\n")


@app.command()
def new(
    playbook_id: Annotated[str, typer.Argument(metavar="ID", help="The new playbook's id.")],
    source: Annotated[
        str | None, typer.Option("--from", help="Start from a copy of this playbook (id or path).")
    ] = None,
) -> None:
    """Create ./playbooks/ID.yaml, valid as created, ready to edit."""
    from resetkit.format.authoring import create_playbook

    path = create_playbook(Path.cwd() / "playbooks", playbook_id, source)
    sys.stdout.write(f"{path}\n")
    sys.stderr.write(f"created {path}; check it with 'resetkit validate {path}'\n")


@app.command()
def where(notes_dir: NotesDirOption = None) -> None:
    """Show the notes dir and the playbook search path in use, and why."""
    from resetkit.history.index import index_path
    from resetkit.places import cache_dir, find_notes_dir, search_path
    from resetkit.run.headstart import SCREENS_FOLDER

    notes = find_notes_dir(notes_dir)
    sys.stdout.write(f"notes      {notes.path}  [{notes.why}]\n")
    for source in search_path():
        present = "" if source.directory.is_dir() else " (not there)"
        sys.stdout.write(f"playbooks  {source.directory}{present}  [{source.why}]\n")
    why = "$RESETKIT_CACHE_DIR" if os.environ.get("RESETKIT_CACHE_DIR") else "your cache dir"
    if os.environ.get("RESETKIT_INDEX") == "off":
        sys.stdout.write("index      off  [$RESETKIT_INDEX]\n")
    else:
        sys.stdout.write(f"index      {index_path(notes.path)}  [{why}; a cache, safe to delete]\n")
    sys.stdout.write(
        f"screens    {cache_dir() / SCREENS_FOLDER}  [{why}; first screens of playbooks "
        "started before, safe to delete]\n"
    )


@app.command("answers-template")
def answers_template(
    playbook: Annotated[
        str,
        typer.Argument(
            help="A playbook id or a path to a .yaml file.", autocompletion=playbook_ids
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print a commented answers file for a playbook, to fill in for 'start --answers'."""
    from resetkit.format.loader import load
    from resetkit.run.answers import template
    from resetkit.storage import write_text_atomic

    text = template(load(playbook)[0])
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists():
        fail(f"{output} already exists: choose another name or remove it first")
    write_text_atomic(output, text)
    sys.stderr.write(f"wrote {output}\n")


@app.command()
def preview(
    playbooks: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PLAYBOOK]...",
            help="A playbook id or path; with --check or --update, any number of ids, files or "
            "folders (default: every playbook on the search path).",
        ),
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="The answers file, as for 'start --answers' ('-': stdin).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR", help="Write here; default: a folder beside the answers file."
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if any example's committed copy is stale.")
    ] = False,
    update: Annotated[
        bool, typer.Option("--update", help="Rewrite every example's committed copy.")
    ] = False,
) -> None:
    """Write the notes, action plan and customer copy an answers file makes, with no session."""
    from resetkit.run import preview as previews

    if check and update:
        fail("--check and --update go one at a time")
    if check or update:
        if answers is not None or out is not None:
            fail("--check and --update render the examples beside each playbook: drop --answers")
        _examples(previews.check(playbooks or []), update)
        return
    if answers is None or len(playbooks or []) != 1:
        fail("give one PLAYBOOK and --answers FILE, or --check / --update for the examples")
    assert playbooks is not None and answers is not None
    written, day = previews.preview(playbooks[0], answers, out)
    for path in written:
        sys.stdout.write(f"{previews.shown(path)}\n")
    sys.stderr.write(
        f"dated {day:%A} {day.day} {day:%B %Y} ('preview_date:' in the answers file sets "
        "another day); no session was created: the notes dir is untouched\n"
    )


def _examples(examples: "list[Any]", update: bool) -> None:
    """Print what --check found (or what --update wrote); exit 1 when anything stays wrong."""
    from resetkit.controls import visible
    from resetkit.run import preview as previews

    broken = [example for example in examples if example.problems]
    stale = [example for example in examples if example.differs and not example.problems]
    for example in broken:
        for problem in example.problems:
            sys.stdout.write(visible(f"{problem}\n"))
    if update:
        for path in previews.update(stale):
            done = "wrote" if path.is_file() else "removed"
            sys.stdout.write(visible(f"{done} {previews.shown(path)}\n"))
    else:
        for example in stale:
            for name, diff in example.differs.items():
                where = previews.shown(example.folder / name)
                answers = previews.shown(example.answers)
                if name not in example.files:
                    said = f"{where} is no longer made from {answers}: --update removes it"
                elif not (example.folder / name).is_file():
                    said = f"{where} is missing: {answers} makes it"
                else:
                    said = f"{where} differs from what {answers} renders now"
                sys.stdout.write(visible(said + "\n"))
                sys.stdout.write(f"{diff}\n")
    summary = f"{counted(len(examples), 'example')} checked"
    if broken:
        summary += f"; {len(broken)} cannot be rendered (fix its answers or the playbook)"
    if stale:
        what = "rewritten" if update else "out of date: run 'resetkit preview --update'"
        summary += f"; {len(stale)} {what}"
    if not broken and not stale:
        summary += ": all up to date"
    sys.stderr.write(summary + "\n")
    if broken or (stale and not update):
        raise typer.Exit(EXIT_INVALID)
