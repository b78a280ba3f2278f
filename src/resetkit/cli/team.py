"""Commands for a team's notes repository in git: team init, team repair, and the two merge
drivers git calls (merge-record, merge-derived)."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at each start (twice), which was most of the time it takes to build the commands.
import sys
from pathlib import Path
from typing import Annotated

import typer

from resetkit.cli.app import Commands, app
from resetkit.cli.output import NotesDirOption, notes_dir_path

team_app = typer.Typer(
    cls=Commands,
    help="Share the notes dir with a team in git: set it up, repair a merge made without it.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(team_app, name="team")


@team_app.command("init")
def team_init(notes_dir: NotesDirOption = None) -> None:
    """Set up this git repository to share notes (in notes/ unless told); harmless to repeat."""
    from resetkit.places import DATA_DIR_REASON, find_notes_dir, register_team
    from resetkit.record.team import init, team_notes_dir

    found = find_notes_dir(notes_dir)
    chosen = None if found.why == DATA_DIR_REASON else found.path
    notes, said = team_notes_dir(chosen, Path.cwd())
    for line in [*said, *init(notes)]:
        sys.stderr.write(f"{line}\n")
    register_team(notes.resolve())


@team_app.command("repair")
def team_repair(notes_dir: NotesDirOption = None) -> None:
    """Merge the session records a git merge left in conflict, then rebuild their notes."""
    from resetkit.record.team import repair_and_rebuild

    done = repair_and_rebuild(notes_dir_path(notes_dir))
    for path in done.repaired:
        sys.stderr.write(f"merged {path}\n")
    for kept, moved in done.split:
        sys.stderr.write(f"two sessions in one folder: kept {kept}, the later one is now {moved}\n")
    for path in done.rebuilt:
        sys.stdout.write(f"{path}\n")
    for line in [*done.said, *done.left]:
        sys.stderr.write(f"resetkit: {line}\n")
    if not done.set_up:
        sys.stderr.write(
            "resetkit: this clone is not set up, so every pull can leave records in conflict: "
            "run 'resetkit team init' once\n"
        )
    if done.left:
        raise typer.Exit(1)
    if not done.repaired and not done.split:
        sys.stderr.write("no session record was left in conflict\n")
    elif done.next_step:
        sys.stderr.write(f"{done.next_step}\n")


Side = Annotated[Path, typer.Argument()]


@app.command("merge-record", hidden=True)
def merge_record(
    base: Side, ours: Side, theirs: Side, name: Annotated[str, typer.Argument()] = ""
) -> None:
    """git's merge driver for session.json (%O %A %B %P): the merged record replaces %A."""
    from resetkit.record.team import merge_record_files

    merge_record_files(base, ours, theirs, name)


@app.command("merge-derived", hidden=True)
def merge_derived(
    base: Side, ours: Side, theirs: Side, name: Annotated[str, typer.Argument()] = ""
) -> None:
    """git's merge driver for notes files (%O %A %B %P): a hand edit on either side is kept
    (both sides': merged by line, or a conflict named); files resetkit wrote are rebuilt from
    the merged record by the post-merge or post-rewrite hook."""
    from resetkit.record.team import merge_derived_files

    merge_derived_files(base, ours, theirs, name)
