"""A CS team's notes repository in git: set up once, merged by resetkit, repaired in one step.

`init` declares two merge drivers in the notes dir's `.gitattributes` and registers them in the
clone's git config: session records merge by identity (merge.py), and the notes files made
from them keep this clone's side, to be rebuilt from the merged record (`render_changed`,
which a post-merge hook runs after every `git pull`). Machine-local files stay out of git. A
clone without the drivers gets git's conflict markers in a record; resetkit names such a file
and `repair` merges it from the three versions git keeps.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from resetkit.errors import UsageError
from resetkit.places import CONFIG_FILE, check_config
from resetkit.storage import RECORD_FILE, write_text_atomic

RECORD_DRIVER = "resetkit-record"
DERIVED_DRIVER = "resetkit-derived"
DERIVED_FILES = ("notes.md", "action-plan.md", "shared.md", "follow-up.ics")
ATTRIBUTES = [
    "# Written by 'resetkit team init': records merge by identity, notes files are rebuilt.",
    f"{RECORD_FILE} merge={RECORD_DRIVER}",
    *(f"{name} merge={DERIVED_DRIVER}" for name in DERIVED_FILES),
]
# Machine-local: the save before the last one (for resume), run locks, temporary files.
IGNORED = [
    "# Written by 'resetkit team init': files of one machine.",
    "session.prev.json",
    ".lock",
    "*.lock",
    ".*.tmp",
    "*.tmp",
]
HOOK_MARK = "# resetkit: rebuild notes files from merged records"


def _git(folder: Path, *args: str, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:
        raise UsageError("git is not installed", hint="install git to share notes") from None
    if check and done.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed in {folder}: {done.stderr.strip()}")
    return done.stdout


def resetkit_command() -> list[str]:
    """How git should call this resetkit: the same Python, so no PATH is needed."""
    return [sys.executable, "-m", "resetkit"]


def init(notes_dir: Path, command: list[str] | None = None) -> list[str]:
    """Set up the git repository holding `notes_dir` for a team; a line for each thing done.

    Running it again changes nothing that is already in place.
    """
    command = command or resetkit_command()
    notes_dir.mkdir(parents=True, exist_ok=True)
    top = Path(_git(notes_dir, "rev-parse", "--show-toplevel").strip())
    done: list[str] = []
    for name, lines in ((".gitattributes", ATTRIBUTES), (".gitignore", IGNORED)):
        if _add_lines(notes_dir / name, lines):
            done.append(f"wrote {notes_dir / name}")
    config = top / CONFIG_FILE
    if not config.exists():
        relative = os.path.relpath(notes_dir, top)
        write_text_atomic(config, f'notes_dir = "{relative}"\n')
        done.append(f"wrote {config} (notes_dir = {relative!r})")
    quoted = shlex.join(command)
    drivers = {
        RECORD_DRIVER: ("resetkit session records", f"{quoted} merge-record %O %A %B"),
        DERIVED_DRIVER: ("resetkit notes files", f"{quoted} merge-derived %O %A %B"),
    }
    for driver, (name, line) in drivers.items():
        current = _git(top, "config", "--local", "--get", f"merge.{driver}.driver", check=False)
        if current.strip() != line:
            _git(top, "config", "--local", f"merge.{driver}.name", name)
            _git(top, "config", "--local", f"merge.{driver}.driver", line)
            done.append(f"registered the merge driver {driver} in {top / '.git' / 'config'}")
    hooks = Path(_git(top, "rev-parse", "--git-path", "hooks").strip())
    hook = (top / hooks) / "post-merge"
    if not hook.exists() or HOOK_MARK not in hook.read_text("utf-8", errors="replace"):
        hook.parent.mkdir(parents=True, exist_ok=True)
        previous = hook.read_text("utf-8") if hook.exists() else "#!/bin/sh\n"
        hook.write_text(
            previous.rstrip("\n") + f"\n{HOOK_MARK}\n{quoted} render --all-changed "
            f"--notes-dir {shlex.quote(str(notes_dir))} >/dev/null || true\n",
            "utf-8",
        )
        hook.chmod(0o755)
        done.append(f"installed a post-merge hook ({hook}) that rebuilds notes files")
    tracked = _git(top, "ls-files", "--", f"{notes_dir}/*/*/session.prev.json").split()
    if tracked:
        _git(top, "rm", "--cached", "-q", "--", *tracked)
        done.append(f"stopped tracking {len(tracked)} session.prev.json file(s) (kept on disk)")
    return done or ["nothing to do: this repository is set up already"]


def _add_lines(path: Path, lines: list[str]) -> bool:
    """Add the lines `path` lacks; whether it changed."""
    existing = path.read_text("utf-8").splitlines() if path.exists() else []
    missing = [line for line in lines if line not in existing]
    if not missing:
        return False
    text = "\n".join([*existing, *missing]) + "\n"
    write_text_atomic(path, text)
    return True


def who(notes_dir: Path) -> str:
    """Who makes a change: `me` in resetkit.toml, else git's user.name there; '' if neither."""
    for folder in (notes_dir, *notes_dir.parents):
        config = folder / CONFIG_FILE
        if config.is_file():
            settings, _ = check_config(config)  # problems are told by the command that reads it
            me = settings.get("me")
            if isinstance(me, str) and me.strip():
                return me.strip()
            break
    if not notes_dir.is_dir():
        return ""
    try:
        return _git(notes_dir, "config", "user.name", check=False).strip()
    except UsageError:
        return ""


TWO_SESSIONS_HINT = (
    "'git show :3:PATH > other.json' saves the other clone's, then move it into a folder of its "
    "own (the same name with -2) and 'git add' both"
)


def merge_record_files(base: Path, ours: Path, theirs: Path) -> None:
    """git's merge driver for session.json: the merged record written over `ours`."""
    from resetkit.record.merge import TwoSessions, merge_texts

    def text(path: Path) -> str | None:
        # "UTF-8", or None under a UTF-8 locale (as where the mutation run is): equivalent.
        content = path.read_text("utf-8") if path.exists() else ""
        return content if content.strip() else None

    ours_text, theirs_text = text(ours), text(theirs)
    if ours_text is None or theirs_text is None:
        raise UsageError(f"{ours}: one side of the merge has no record")
    try:
        merged = merge_texts(text(base), ours_text, theirs_text)
    except TwoSessions as two:
        # This clone's record stays (git marks the file in conflict, its other version kept
        # at stage 3): nothing is merged into the wrong conversation, nothing is lost.
        raise UsageError(str(two), hint=f"keep both: {TWO_SESSIONS_HINT}") from None
    write_text_atomic(ours, merged)


def repair(notes_dir: Path) -> list[Path]:
    """Merge every session record git left in conflict below `notes_dir`, from the three
    versions it keeps; notes files in conflict keep this clone's side. The files repaired."""
    from resetkit.record.merge import TwoSessions, merge_texts
    from resetkit.record.session import tell_the_index

    top = Path(_git(notes_dir, "rev-parse", "--show-toplevel").strip())
    unmerged = sorted(
        {
            line.split("\t", 1)[1]
            for line in _git(top, "ls-files", "-u", "--", str(notes_dir)).splitlines()
        }
    )
    repaired = []
    for name in unmerged:
        path = top / name
        if path.name == RECORD_FILE:
            versions = [
                _git(top, "show", f":{stage}:{name}", check=False) or None for stage in (1, 2, 3)
            ]
            if versions[1] is None or versions[2] is None:
                continue
            try:
                merged = merge_texts(versions[0], versions[1], versions[2])
            except TwoSessions as two:
                raise UsageError(f"{path}: {two}", hint=f"keep both: {TWO_SESSIONS_HINT}") from None
            write_text_atomic(path, merged)
            tell_the_index(path.parent)
        elif path.name in DERIVED_FILES:
            _git(top, "checkout", "--ours", "--", name)
        else:
            continue
        _git(top, "add", "--", name)
        repaired.append(path)
    return repaired


def render_changed(notes_dir: Path) -> tuple[list[Path], list[str]]:
    """Rebuild the notes files of every complete session whose files no longer match its
    record (after a merge); files edited by hand are kept. (files written, lines said)."""
    from resetkit.record.notes import render_session, rendered_texts
    from resetkit.record.session import load, playbook_of, session_folders

    written: list[Path] = []
    said: list[str] = []
    for folder in session_folders(notes_dir):
        if _notes_newer_than_record(folder):
            continue  # a merge rewrites the record, never the notes (merge-derived keeps ours)
        try:
            session = load(folder)
            if session.status != "complete":
                continue
            playbook, _ = playbook_of(session)
            stale = [
                name
                for name, text in rendered_texts(session, playbook).items()
                if _read(folder / name) != text
            ]
            if stale:
                written += render_session(notes_dir, str(folder))  # by path: no search
        except UsageError as problem:
            said.append(f"{folder}: {problem}")
    return written, said


def _notes_newer_than_record(folder: Path) -> bool:
    """Whether the notes were written after the record last changed: a stat, where reading
    and rendering every record would make each pull cost the whole history."""
    try:
        return (folder / "notes.md").stat().st_mtime_ns > (folder / RECORD_FILE).stat().st_mtime_ns
    except OSError:
        return False


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
