"""A CS team's notes repository in git: set up once, merged by resetkit, repaired in one step.

`init` declares two merge drivers in the notes dir's `.gitattributes` and registers them in the
clone's git config: session records merge by identity (merge.py), and the notes files made
from them keep this clone's side, to be rebuilt from the merged record (`render_changed`,
which a post-merge hook runs after every `git pull`). Machine-local files stay out of git. A
clone without the drivers gets git's conflict markers in a record; resetkit names such a file
and `repair` merges it from the three versions git keeps.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from resetkit.errors import EXIT_INVALID, ResetkitError, UsageError
from resetkit.places import CONFIG_FILE, check_config, session_id
from resetkit.storage import RECORD_FILE, write_bytes_atomic, write_text_atomic
from resetkit.words import counted

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
# Tracked by an earlier setup, perhaps: untracked by `init` (the lock files are the change lock
# of record/store.py and the run lock of record/lock.py).
MACHINE_FILES = ("session.prev.json", "session.lock", ".lock")
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


def team_notes_dir(chosen: Path | None, cwd: Path) -> tuple[Path, list[str]]:
    """The notes dir `team init` sets up, and a line saying why when it chose it itself.

    `chosen` is a notes dir the user named (--notes-dir, $RESETKIT_NOTES_DIR or a
    resetkit.toml); without one, the repository holding `cwd` gets `notes/` at its top. Never
    the personal data folder: a team's notes live in the team's repository.
    """
    if chosen is not None:
        return chosen, []
    top = _top_of(cwd)
    if top is None:
        raise UsageError(
            f"{cwd} is not inside a git repository",
            hint="clone the team's repository ('git clone URL') or make one ('git init'), "
            "then run 'resetkit team init' inside it",
        )
    notes = top / "notes"
    return notes, [f"using {notes} as the team's notes dir ('--notes-dir DIR' picks another)"]


def _top_of(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder` (or its nearest existing parent)."""
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        raise UsageError("git is not installed", hint="install git to share notes") from None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip()).resolve()


def init(notes_dir: Path, command: list[str] | None = None) -> list[str]:
    """Set up the git repository holding `notes_dir` for a team; a line for each thing done.

    Running it again changes nothing that is already in place.
    """
    quoted = shlex.join(command or resetkit_command())
    top, notes_dir, relative = _notes_in_repository(notes_dir)
    _refuse_other_notes_dir(top / CONFIG_FILE, notes_dir)
    notes_dir.mkdir(parents=True, exist_ok=True)
    done = _write_files(top, notes_dir, relative)
    done += _register_drivers(top, quoted)
    done += _install_hooks(top, quoted, relative)
    done += _untrack_machine_files(top, notes_dir)
    return done or ["nothing to do: this repository is set up already"]


def _notes_in_repository(notes_dir: Path) -> tuple[Path, Path, str]:
    """The top of the work tree, the notes dir made absolute, and its path from the top;
    UsageError when it is not inside a git work tree."""
    top = _top_of(notes_dir)
    if top is None:
        raise UsageError(
            f"{notes_dir} is not inside a git repository",
            hint="run 'resetkit team init' inside a clone of the team's repository, or pass "
            "'--notes-dir' a folder inside one",
        )
    notes_dir = notes_dir.resolve() if notes_dir.exists() else notes_dir.absolute()
    relative = os.path.relpath(notes_dir, top)
    if relative == ".." or relative.startswith(f"..{os.sep}"):
        raise UsageError(f"{notes_dir} is outside the repository {top}")
    return top, notes_dir, relative


def _write_files(top: Path, notes_dir: Path, relative: str) -> list[str]:
    """.gitattributes and .gitignore in the notes dir, resetkit.toml at the top."""
    done: list[str] = []
    for name, lines in ((".gitattributes", ATTRIBUTES), (".gitignore", IGNORED)):
        if _add_lines(notes_dir / name, lines):
            done.append(f"wrote {notes_dir / name}")
    config = top / CONFIG_FILE
    if not config.exists():
        posix = Path(relative).as_posix()
        write_text_atomic(config, f"notes_dir = {_toml_string(posix)}\n")
        done.append(f"wrote {config} (notes_dir = {posix!r})")
    return done


def _register_drivers(top: Path, quoted: str) -> list[str]:
    """The merge drivers of records and notes files, in the clone's git config."""
    drivers = {
        RECORD_DRIVER: ("resetkit session records", f"{quoted} merge-record %O %A %B %P"),
        DERIVED_DRIVER: ("resetkit notes files", f"{quoted} merge-derived %O %A %B %P"),
    }
    done = []
    for driver, (name, line) in drivers.items():
        current = _git(top, "config", "--local", "--get", f"merge.{driver}.driver", check=False)
        if current.strip() != line:
            _git(top, "config", "--local", f"merge.{driver}.name", name)
            _git(top, "config", "--local", f"merge.{driver}.driver", line)
            done.append(f"registered the merge driver {driver} in {top / '.git' / 'config'}")
    return done


def _install_hooks(top: Path, quoted: str, relative: str) -> list[str]:
    """The hooks that rebuild the notes files after a merge, a rebase, a cherry-pick or a
    revert."""
    # Found from the top of the work tree when the hook runs, so that a clone moved or renamed
    # keeps rebuilding its notes; a failure is said, never hidden.
    rebuild = "\n".join(
        [
            'top="$(git rev-parse --show-toplevel)"',
            f'out=$({quoted} render --all-changed --notes-dir "$top"/{shlex.quote(relative)} '
            '2>&1 >/dev/null) || echo "resetkit: the notes were not rebuilt ($out); run '
            "'resetkit render --all-changed' in the repository, and 'resetkit team init' "
            'again if resetkit moved" >&2',
        ]
    )
    done = []
    for hook in ("post-merge", "post-rewrite"):  # post-rewrite: a pull with rebase, an amend
        done += _install_hook(top, hook, rebuild)
    # A cherry-pick or a revert merges through the drivers too, and runs only post-commit: the
    # notes are rebuilt after those commits, not after every commit (the reflog says which).
    picked = "\n".join(
        [
            'case "$(git reflog -1 --format=%gs 2>/dev/null)" in',
            "cherry-pick*|revert*)",
            rebuild,
            ";;",
            "esac",
        ]
    )
    return done + _install_hook(top, "post-commit", picked)


def _untrack_machine_files(top: Path, notes_dir: Path) -> list[str]:
    """Files of one machine (previous saves, lock files) no longer tracked by git: a clone
    set up before they were ignored may have committed them. Each clone keeps its own."""
    done = []
    for name in MACHINE_FILES:
        tracked = _git(top, "ls-files", "-z", "--", f"{notes_dir}/*/*/{name}").split("\0")
        tracked = [path for path in tracked if path]
        if tracked:
            _git(top, "rm", "--cached", "-q", "--", *tracked)
            done.append(f"stopped tracking {counted(len(tracked), f'{name} file')} (kept on disk)")
    return done


def _refuse_other_notes_dir(config: Path, notes_dir: Path) -> None:
    """UsageError when the repository's resetkit.toml names another notes dir: hooks set up
    for one folder while every command uses the other would rebuild nothing."""
    from resetkit.places import notes_dir_from_config

    if not config.is_file():
        return
    named = notes_dir_from_config(config)
    if named.resolve() != notes_dir.resolve():
        raise UsageError(
            f"{config} says the notes are in {named}, not {notes_dir}",
            hint="run 'resetkit team init' without --notes-dir, or change notes_dir there first",
        )


def _toml_string(text: str) -> str:
    """`text` as a TOML basic string (a folder name may hold quotes or backslashes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


CHAINED_SUFFIX = ".before-resetkit"


def _install_hook(top: Path, name: str, rebuild: str) -> list[str]:
    """Install resetkit's `name` hook where git looks for hooks (core.hooksPath included).

    A hook already there, in any language, is kept beside it as NAME.before-resetkit and run
    first, with the same arguments and standard input; its exit status is the hook's.
    """
    hooks = top / _git(top, "rev-parse", "--git-path", "hooks").strip()
    hook = hooks / name
    chained = hooks / f"{name}{CHAINED_SUFFIX}"
    script = "\n".join(
        [
            "#!/bin/sh",
            HOOK_MARK,
            f"# A {name} hook that was here before is kept as {chained.name} and runs first.",
            "status=0",
            f'chained="$(dirname "$0")/{chained.name}"',
            'if [ -x "$chained" ]; then "$chained" "$@" || status=$?; fi',
            rebuild,
            'exit "$status"',
            "",
        ]
    )
    existing = _read(hook) if hook.exists() else None
    if existing == script:
        return []
    said = []
    hooks.mkdir(parents=True, exist_ok=True)
    if existing is not None and HOOK_MARK in existing:
        # An earlier resetkit appended its lines to the hook it found: what came before
        # them was that hook, which is kept and chained like any other.
        before = existing.split(HOOK_MARK, 1)[0]
        existing = before if before.strip() not in ("", "#!/bin/sh") else None
        if existing is not None and not chained.exists():
            write_text_atomic(chained, before)
            chained.chmod(0o755)
            said.append(f"kept your {name} hook as {chained}; it runs first, as before")
    elif existing is not None:
        if chained.exists():
            raise UsageError(
                f"{hook} is not resetkit's, and {chained.name} is taken",
                hint=f"merge the two into {chained.name}, remove {hook.name}, then run "
                "'resetkit team init' again",
            )
        os.replace(hook, chained)
        said.append(f"kept your {name} hook as {chained}; it runs first, as before")
    write_text_atomic(hook, script)
    hook.chmod(0o755)
    custom = _git(top, "config", "--get", "core.hooksPath", check=False).strip()
    where = f"{hook}, in core.hooksPath" if custom else str(hook)
    said.append(f"installed a {name} hook ({where}) that rebuilds notes files")
    git_dir = Path(_git(top, "rev-parse", "--absolute-git-dir").strip())
    if hooks.resolve().is_relative_to(top) and not hooks.resolve().is_relative_to(git_dir):
        said.append(
            f"note: {hooks} is inside the repository; the hooks name this clone's resetkit "
            f"({sys.executable}), so each teammate runs 'resetkit team init' in their clone"
        )
    return said


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
    "run 'resetkit team repair': it keeps both, the earlier where it is and the later in a "
    "folder of its own (the same name with -2), with an id of its own"
)


def merge_record_files(base: Path, ours: Path, theirs: Path, name: str = "") -> None:
    """git's merge driver for session.json: the merged record written over `ours`. `name`
    is the record's path in the repository (git's %P), to name it when a side is damaged."""
    from resetkit.record.merge import DamagedSide, TwoSessions, merge_texts

    def text(path: Path) -> str | None:
        try:
            content = path.read_bytes().decode("utf-8")  # "UTF-8" the same: equivalent
        except UnicodeDecodeError:
            raise DamagedSide(
                f"{name or ours}: {'ours' if path == ours else 'theirs'} is not UTF-8 text",
                hint="take one side whole with 'git checkout --ours' or '--theirs', then "
                "'git add' it",
            ) from None
        except OSError:
            content = ""
        return content if content.strip() else None

    ours_text, theirs_text = text(ours), text(theirs)
    if ours_text is None or theirs_text is None:
        raise UsageError(f"{name or ours}: one side of the merge has no record")
    try:
        merged = merge_texts(text(base), ours_text, theirs_text)
    except TwoSessions as two:
        # This clone's record stays (git marks the file in conflict, its other version kept
        # at stage 3): nothing is merged into the wrong conversation, nothing is lost.
        raise UsageError(str(two), hint=TWO_SESSIONS_HINT) from None
    except DamagedSide as damaged:
        raise DamagedSide(f"{name or ours}: {damaged.message}", hint=damaged.hint) from None
    write_text_atomic(ours, merged)


class HandEditsInConflict(ResetkitError):
    """Both clones edited one notes file by hand, on the same lines: git stops on it."""

    exit_code = EXIT_INVALID


def merge_derived_files(base: Path, ours: Path, theirs: Path, name: str = "") -> None:
    """git's merge driver for notes files: the merged file written over `ours`.

    A file resetkit wrote (its hash is in that side's record) is rebuilt after the merge from
    the merged record, so either side's will do. A file edited by hand is kept: the other
    side's unless this side's is edited too; both sides' edits merge by line, and edits to
    the same lines stop the merge on that file (exit 1), with both kept in conflict markers.
    """
    original, mine, other = (_bytes(path) for path in (base, ours, theirs))
    if mine == other or other == original:
        return
    if mine == original:
        write_bytes_atomic(ours, other)
        return
    mine_by_hand = not _rendered(mine, ["HEAD"], name)
    other_by_hand = not _rendered(other, _other_side(), name) and not _rendered(
        other, _commits_holding(other, name), name
    )
    if not other_by_hand:
        return  # this side's stays: its hand edit, or a file the hooks rebuild
    if not mine_by_hand:
        write_bytes_atomic(ours, other)
        return
    merged = subprocess.run(
        ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", "-p", "--", str(ours),
         str(base), str(theirs)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    write_bytes_atomic(ours, merged.stdout)
    if merged.returncode != 0:
        raise HandEditsInConflict(
            f"{name or ours}: edited by hand in both clones, on the same lines",
            hint="both edits are in the file between conflict markers: keep what is right, "
            "then 'git add' it",
        )


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _other_side() -> list[str]:
    """Commits that may hold the other side's record: the side git names in GITHEAD_<sha>
    during a merge, ORIG_HEAD, the branch being replayed during a rebase, and the commit being
    picked or reverted (CHERRY_PICK_HEAD, REVERT_HEAD), which git names in no variable."""
    named = [key.removeprefix("GITHEAD_") for key in os.environ if key.startswith("GITHEAD_")]
    return [*named, "ORIG_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"]


def _commits_holding(content: bytes, name: str) -> list[str]:
    """Recent commits on any branch where `name` holds exactly `content`: in a cherry-pick or a
    revert git names no other side, so the picked commit is found by what it holds."""
    if not name:
        return []
    blob = subprocess.run(
        ["git", "hash-object", "--stdin"], input=content, capture_output=True, check=False
    )
    listed = subprocess.run(
        ["git", "log", "--all", "-n", "50", "--format=%H", "--raw", "--no-abbrev", "--", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if blob.returncode != 0 or listed.returncode != 0:
        return []
    wanted, commits, commit = blob.stdout.decode().strip(), [], ""
    for line in listed.stdout.splitlines():
        if line.startswith(":"):
            fields = line.split(maxsplit=5)
            if len(fields) > 3 and fields[3] == wanted and commit not in commits:
                commits.append(commit)
        elif line.strip():
            commit = line.strip()
    return commits


def _rendered(content: bytes, refs: list[str], name: str) -> bool:
    """Whether `content` is what resetkit wrote at `name` (a notes file): its hash is in the
    record of that folder in one of the commits `refs` point to, or that lie between them and
    HEAD. False when nothing says so: the file is then kept as a hand edit, never dropped."""
    import hashlib

    if "/" not in name:
        return False
    folder, file = name.rsplit("/", 1)
    record = f"{folder}/{RECORD_FILE}"
    digest = hashlib.sha256(content).hexdigest()
    for ref in refs:
        listed = subprocess.run(
            ["git", "log", "--format=%H", "-n", "50", ref, "--not", "HEAD", "--", record],
            capture_output=True,
            text=True,
            check=False,
        )
        commits = [ref, *listed.stdout.split()] if listed.returncode == 0 else [ref]
        for commit in commits:
            shown = subprocess.run(
                ["git", "show", f"{commit}:{record}"], capture_output=True, check=False
            )
            if shown.returncode != 0:
                continue
            try:
                data = json.loads(shown.stdout)
                known = {data["written"].get(file), data.get("written_before", {}).get(file)}
            except (ValueError, AttributeError, KeyError, TypeError):
                continue
            if digest in known:
                return True
    return False


@dataclass
class Repair:
    """What `repair` did: the files it merged, the sessions it split in two (the one kept,
    the one moved), those it left for a person (with why), the notes it rebuilt, and what
    the person does next."""

    repaired: list[Path] = field(default_factory=list)
    split: list[tuple[Path, Path]] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    rebuilt: list[Path] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    next_step: str = ""
    set_up: bool = True


def repair_and_rebuild(notes_dir: Path) -> Repair:
    """`repair`, then rebuild the notes that no longer match their records, and stage all of
    it, so that what git commits next is whole; says what to run next."""
    done = repair(notes_dir)
    done.rebuilt, done.said = render_changed(notes_dir)
    top = _top_of(notes_dir)
    if top is None:
        return done
    folders = {path.parent for path in [*done.repaired, *done.rebuilt]}
    folders |= {path.parent for pair in done.split for path in pair}
    # A record left in conflict for a person stays unmerged, its folder untouched: staging it
    # would mark the conflict settled.
    listing = _git(top, "ls-files", "-u", "-z", "--", str(notes_dir)).split("\0")
    unsettled = {(top / entry.split("\t", 1)[1]).parent for entry in listing if "\t" in entry}
    staged = [
        str(folder / name)
        for folder in sorted(folders - unsettled)
        for name in (RECORD_FILE, *DERIVED_FILES)
        if (folder / name).is_file()
    ]
    if staged:
        _git(top, "add", "--", *staged)
    done.set_up = bool(
        _git(top, "config", "--get", f"merge.{RECORD_DRIVER}.driver", check=False).strip()
    )
    git_dir = Path(_git(top, "rev-parse", "--absolute-git-dir").strip())
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        done.next_step = "staged; go on with 'git rebase --continue'"
    elif (git_dir / "MERGE_HEAD").exists():
        done.next_step = "staged; finish the merge with 'git commit'"
    elif staged:
        done.next_step = "staged; commit it"
    return done


def repair(notes_dir: Path) -> Repair:
    """Merge every session record git left in conflict below `notes_dir`, from the three
    versions it keeps; notes files in conflict keep this clone's side. A record deleted on
    one side and changed on the other is left in conflict and named: only a person knows
    which is right."""
    top = _top_of(notes_dir)
    if top is None:
        raise UsageError(f"{notes_dir} is not inside a git repository")
    listing = _git(top, "ls-files", "-u", "-z", "--", str(notes_dir)).split("\0")
    unmerged = sorted({entry.split("\t", 1)[1] for entry in listing if "\t" in entry})
    done = Repair()
    for name in unmerged:
        path = top / name
        if path.name == RECORD_FILE:
            outcome = _repair_record(top, name)
            if isinstance(outcome, Path):
                _git(top, "add", "--", name)
                done.split.append((path, outcome / RECORD_FILE))
                continue
            if outcome:
                done.left.append(f"{path}: {outcome}")
                continue
        elif path.name in DERIVED_FILES:
            _git(top, "checkout", "--ours", "--", name)
        else:
            continue
        _git(top, "add", "--", name)
        done.repaired.append(path)
    return done


def _staged(top: Path, stage: int, name: str) -> str | None:
    """The text git keeps of `name` at a merge stage (1 base, 2 ours, 3 theirs); None if none."""
    done = subprocess.run(
        ["git", "show", f":{stage}:{name}"], cwd=top, capture_output=True, check=False
    )
    return done.stdout.decode("utf-8") or None if done.returncode == 0 else None


def _repair_record(top: Path, name: str) -> str | Path:
    """Merge one record in conflict from git's three stages: '' when merged, the new folder
    when it held two sessions and was split, else why it could not be."""
    from resetkit.record.merge import DamagedSide, TwoSessions, merge_texts
    from resetkit.record.store import tell_the_index

    try:
        base, ours, theirs = (_staged(top, stage, name) for stage in (1, 2, 3))
    except UnicodeDecodeError:
        return "a side is not UTF-8 text: take one whole with 'git checkout --ours' or '--theirs'"
    if ours is None or theirs is None:
        side = "this clone" if ours is None else "the other clone"
        return (
            f"deleted in {side} and changed in the other: keep it with 'git add {name}' or "
            f"delete it with 'git rm {name}', then commit"
        )
    path = top / name
    try:
        merged = merge_texts(base, ours, theirs)
    except TwoSessions:
        return _split(top, path, ours, theirs)
    except DamagedSide as damaged:
        return str(damaged)
    write_text_atomic(path, merged)
    tell_the_index(path.parent)
    return ""


def _split(top: Path, path: Path, ours: str, theirs: str) -> Path:
    """Two clones each saved a session in one folder: the one that started first keeps it, the
    other goes to the next free folder of the same name (-2, -3) with an id of its own. Every
    clone decides alike, so the split made in one merges cleanly into the others."""
    from resetkit.record.merge import started_first
    from resetkit.record.store import tell_the_index

    first, later = (ours, theirs) if started_first(ours, theirs) else (theirs, ours)
    folder = path.parent
    for number in range(2, 10_000):
        moved = folder.with_name(f"{folder.name}-{number}")
        try:
            moved.mkdir()
            break
        except FileExistsError:
            continue
    else:
        raise UsageError(f"too many sessions named {folder.name} in {folder.parent}")
    from resetkit.record.session import Session
    from resetkit.record.store import record_text

    record = Session.model_validate_json(later)
    record.id = session_id(moved)
    write_text_atomic(moved / RECORD_FILE, record_text(record))  # as every record is written
    write_text_atomic(path, first)
    for changed in (folder, moved):
        tell_the_index(changed)
    _git(top, "add", "--", str(moved / RECORD_FILE))
    return moved


def render_changed(notes_dir: Path) -> tuple[list[Path], list[str]]:
    """Rebuild the notes files of every complete session whose files no longer match its
    record (after a merge); files edited by hand are kept. (files written, lines said)."""
    from resetkit.record.folders import session_folders
    from resetkit.record.notes import rewrite_stale
    from resetkit.record.store import load, locked
    from resetkit.record.which_playbook import playbook_of

    written: list[Path] = []
    said: list[str] = []
    for folder in session_folders(notes_dir):
        if _notes_newer_than_record(folder):
            continue  # a merge rewrites the record, never the notes (merge-derived keeps ours)
        try:
            with locked(folder):
                session = load(folder)
                if session.status != "complete":
                    continue
                found = playbook_of(session, folder)
                # Only the files that differ: an untouched file, or the invite (stamped when
                # written), rewritten would be a change in git that nobody made.
                paths = rewrite_stale(session, found.playbook, folder)
            written += paths
            if paths and found.notice:
                said.append(found.notice)
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
