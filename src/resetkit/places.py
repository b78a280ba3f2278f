"""Where things are: the notes dir and its session folders, the playbook search path, the cache.

Kept apart from the models so that history commands and the first screen of a run find their
files without importing pydantic.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from resetkit.controls import check_name
from resetkit.errors import (
    InputInvalid,
    PlaybookNotFound,
    Problem,
    StorageError,
    UsageError,
    did_you_mean,
)

CONFIG_FILE = "resetkit.toml"
MAX_FILE_BYTES = 1024 * 1024
PLAYBOOK_SUFFIXES = (".yaml", ".yml")
MAX_SLUG = 60
# Names Windows keeps for devices: never a folder name, never an id.
WINDOWS_DEVICES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(10)),
    *(f"lpt{n}" for n in range(10)),
}


DATA_DIR_REASON = "your data dir"


@dataclass(frozen=True)
class NotesDir:
    """Where notes go, and why that folder was chosen."""

    path: Path
    why: str


def find_notes_dir(option: Path | None, cwd: Path | None = None) -> NotesDir:
    """--notes-dir, else $RESETKIT_NOTES_DIR, else a resetkit.toml up the tree, else user data."""
    if option is not None:
        return NotesDir(option.expanduser().resolve(), "--notes-dir")
    from_env = os.environ.get("RESETKIT_NOTES_DIR", "").strip()
    if from_env:
        return NotesDir(Path(from_env).expanduser().resolve(), "$RESETKIT_NOTES_DIR")
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        config = folder / CONFIG_FILE
        if config.is_file():
            return NotesDir(notes_dir_from_config(config), f"notes_dir in {config}")
    import platformdirs

    return NotesDir(Path(platformdirs.user_data_dir("resetkit")) / "notes", DATA_DIR_REASON)


def _places_file() -> Path:
    """Where resetkit remembers the notes dir used last and the team repositories set up."""
    import platformdirs

    return Path(platformdirs.user_data_dir("resetkit")) / "places.json"


def _remembered() -> dict[str, Any]:
    import json

    try:
        found = json.loads(_places_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}  # never set, or damaged: it only ever adds a line of warning
    return found if isinstance(found, dict) else {}


def _remember(**changes: Any) -> None:
    import json

    from resetkit.storage import write_text_atomic

    path = _places_file()
    with contextlib.suppress(OSError):  # a read-only home: the warning is lost, not the command
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(_remembered() | changes, indent=2), durable=False)


def notes_dir_change(found: NotesDir) -> str | None:
    """A line naming the notes dir when it is not the one the last command used (the user
    moved between a team repository and elsewhere), and every time it is the personal folder
    while a team repository is set up here: an empty answer from there must not read as the
    team's. Remembers the folder either way, and a team's as the one used last."""
    remembered = _remembered()
    last = remembered.get("last_notes_dir")
    teams = registered_teams()
    if str(found.path) in teams and teams[-1] != str(found.path):
        _remember(teams=[*(t for t in teams if t != str(found.path)), str(found.path)])
    if last != str(found.path):
        _remember(last_notes_dir=str(found.path))
    if found.why == DATA_DIR_REASON and teams and str(found.path) not in teams:
        return f"notes in {found.path} (your data dir), not your team's ({teams[-1]})"
    if last == str(found.path) or not isinstance(last, str) or found.why == "--notes-dir":
        return None  # the same as before, the first command ever, or named on the command line
    return f"notes in {found.path} ({found.why}); the last command used {last}"


def register_team(notes_dir: Path) -> None:
    """Remember a team repository's notes dir, so a start outside it is not silently lost."""
    teams = [team for team in registered_teams() if team != str(notes_dir)]
    _remember(teams=[*teams, str(notes_dir)])


def registered_teams() -> list[str]:
    """The notes dirs of the team repositories set up here that still exist."""
    teams = _remembered().get("teams")
    if not isinstance(teams, list):
        return []
    return [team for team in teams if isinstance(team, str) and Path(team).is_dir()]


def refuse_beside_a_team(found: NotesDir) -> None:
    """UsageError when a session would go into the personal data folder while this user has
    a team repository: it would be out of the team's sight, and nobody would know."""
    teams = registered_teams()
    if found.why != DATA_DIR_REASON or not teams:
        return
    raise UsageError(
        f"not inside your team's repository ({teams[-1]}): this session would go to your "
        f"personal notes ({found.path})",
        hint=f"cd into the repository and start there, or pass '--notes-dir {found.path}' "
        "to keep it to yourself",
    )


def cache_dir() -> Path:
    """Where resetkit keeps what it can always rebuild: $RESETKIT_CACHE_DIR, else the user's."""
    base = os.environ.get("RESETKIT_CACHE_DIR")
    if not base:
        import platformdirs

        base = platformdirs.user_cache_dir("resetkit")
    return Path(base)


# me: who makes changes, in a team repository; plain: ask line by line (run/plain.py)
def index_path(notes_dir: Path) -> Path:
    """Where the history index of this notes dir lives: one file per notes dir, in the cache
    dir (history/index.py builds it; completion reads it without loading the rest)."""
    key = hashlib.sha256(os.fsencode(os.path.realpath(notes_dir))).hexdigest()[:20]
    return cache_dir() / "index" / f"{key}.sqlite"


CONFIG_KEYS = ["notes_dir", "me", "plain"]


def check_config(config: Path) -> tuple[dict[str, Any], list[Problem]]:
    """The settings in a resetkit.toml, and every problem in it at file:line:col."""
    shown = str(config)
    try:
        text = config.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return {}, [Problem(shown, 1, 1, f"cannot read: {error}")]
    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        if where:
            line, column = int(where.group(1)), int(where.group(2))
        else:  # at the end of the document: its last line, after its last character
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        message = re.sub(r" \(at (line \d+, column \d+|end of document)\)", "", str(error))
        return {}, [Problem(shown, line, column, f"invalid TOML: {message}")]

    def at(key: str) -> tuple[int, int]:
        # tomllib gives no positions: the line that assigns the key is where it stands.
        pattern = re.compile(rf"^(\s*)[\"']?{re.escape(key)}[\"']?\s*=")
        for number, line in enumerate(text.splitlines(), start=1):
            found = pattern.match(line)
            if found:
                return number, len(found.group(1)) + 1
        return 1, 1

    problems = []
    for key in settings:
        if key not in CONFIG_KEYS:
            hint = did_you_mean(key, CONFIG_KEYS) or f" (keys: {', '.join(CONFIG_KEYS)})"
            problems.append(Problem(shown, *at(key), f"unknown key '{key}'{hint}"))
    value = settings.get("notes_dir", "notes")
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem(shown, *at("notes_dir"), 'notes_dir must be a folder path, like "notes"')
        )
    if "me" in settings and not isinstance(settings["me"], str):
        problems.append(Problem(shown, *at("me"), 'me must be your name as text, like "Sam"'))
    if "plain" in settings and not isinstance(settings["plain"], bool):
        problems.append(Problem(shown, *at("plain"), "plain must be true or false"))
    return settings, sorted(problems, key=lambda problem: (problem.line, problem.column))


def plain_in_config(cwd: Path | None = None) -> bool | None:
    """`plain` in the first resetkit.toml up the tree from `cwd`; None when it is not set."""
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        config = folder / CONFIG_FILE
        if config.is_file():
            settings, problems = check_config(config)
            if problems:
                raise InputInvalid(problems)
            plain = settings.get("plain")
            return plain if isinstance(plain, bool) else None
    return None


def notes_dir_from_config(config: Path) -> Path:
    settings, problems = check_config(config)
    if problems:
        raise InputInvalid(problems)
    notes_dir: str = settings.get("notes_dir", "notes")
    return (config.parent / notes_dir).expanduser().resolve()


# --- a playbook file's text -------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A YAML file's text; InputInvalid for a file too large or not UTF-8."""
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputInvalid(
                [
                    Problem(
                        shown,
                        1,
                        1,
                        f"file is {size:,} bytes; resetkit reads at most {MAX_FILE_BYTES:,}",
                    )
                ]
            )
        raw = path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{shown} is a folder, not a playbook file") from None
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except OSError as error:
        raise UsageError(f"{shown}: cannot read: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise InputInvalid(
            [
                Problem(
                    shown,
                    line,
                    column,
                    f"byte 0x{raw[error.start]:02x} is not UTF-8: save the file as UTF-8",
                )
            ]
        ) from None


def playbook_stem(path: Path) -> str:
    """The id a playbook file's name promises."""
    return path.name.rsplit(".", 1)[0]


# --- where playbooks come from ----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A folder of playbooks on the search path, and why it is there."""

    kind: str
    directory: Path
    why: str


@dataclass
class Entry:
    """A playbook file found on the search path."""

    id: str
    path: Path
    source: Source
    overrides: list[Entry] = field(default_factory=list)
    same_as: list[Entry] = field(default_factory=list)  # later copies identical to this file


def builtin_dir() -> Path:
    """The folder of playbooks that ship inside the package."""
    return Path(__file__).resolve().parent / "playbooks"


def user_playbook_dir() -> Path:
    """The per-user playbook folder in the platform's config dir."""
    import platformdirs

    return Path(platformdirs.user_config_dir("resetkit")) / "playbooks"


def search_path(cwd: Path | None = None, environ: dict[str, str] | None = None) -> list[Source]:
    """The folders searched for playbooks, first hit wins."""
    cwd = (cwd or Path.cwd()).resolve()
    environ = dict(os.environ) if environ is None else environ
    sources = [
        Source("project", directory, f"playbooks/ of the project ({directory.parent})")
        for directory in _project_dirs(cwd)
    ]
    for item in environ.get("RESETKIT_PLAYBOOKS", "").split(os.pathsep):
        if item.strip():
            sources.append(Source("env", Path(item).expanduser(), "$RESETKIT_PLAYBOOKS"))
    sources.append(Source("user", user_playbook_dir(), "your config dir"))
    sources.append(Source("built-in", builtin_dir(), "shipped with resetkit"))
    # A folder reached twice (a symlink, a repeated entry) counts once, and the built-ins
    # keep their name even when a project links its playbooks/ to them.
    builtin = builtin_dir().resolve()
    unique: list[Source] = []
    seen: set[Path] = set()
    for source in sources:
        real = source.directory.resolve()
        if real not in seen and (real != builtin or source.kind == "built-in"):
            seen.add(real)
            unique.append(source)
    return unique


def _project_dirs(cwd: Path) -> list[Path]:
    """./playbooks of the current folder and of each parent up to the git root."""
    found: list[Path] = []
    for folder in (cwd, *cwd.parents):
        if (folder / "playbooks").is_dir():
            found.append(folder / "playbooks")
        if (folder / ".git").exists():
            return found
    # Outside a git checkout only the current folder counts: parents are someone else's.
    return found[:1] if found and found[0].parent == cwd else []


def discover(sources: list[Source]) -> list[Entry]:
    """Every playbook file on the search path, the first of each id winning over later ones."""
    winners: dict[str, Entry] = {}
    for source in sources:
        if not source.directory.is_dir():
            continue
        for path in sorted(source.directory.iterdir()):
            if path.suffix not in PLAYBOOK_SUFFIXES or not path.is_file():
                continue
            entry = Entry(playbook_stem(path), path, source)
            winner = winners.get(entry.id)
            if winner is None:
                winners[entry.id] = entry
            elif _same_bytes(winner.path, path):
                winner.same_as.append(entry)  # a copy, e.g. a checkout's own playbooks/
            else:
                winner.overrides.append(entry)
    return list(winners.values())


def _same_bytes(first: Path, second: Path) -> bool:
    try:
        return first.read_bytes() == second.read_bytes()
    except OSError:
        return False


def looks_like_path(reference: str) -> bool:
    """Whether a playbook reference names a file rather than an id."""
    return reference.endswith(PLAYBOOK_SUFFIXES) or "/" in reference or os.sep in reference


def resolve(reference: str, sources: list[Source]) -> Path:
    """The file of a playbook given by id or by path; PlaybookNotFound with a hint otherwise."""
    if looks_like_path(reference):
        path = Path(reference).expanduser()
        if not path.is_file():
            raise PlaybookNotFound(f"{reference}: no such playbook file")
        return path
    for source in sources:
        for suffix in PLAYBOOK_SUFFIXES:
            candidate = source.directory / f"{reference}{suffix}"
            if candidate.is_file():
                return candidate
    known = [entry.id for entry in discover(sources)]
    # An id typed in another case or with spaces around ('Reset ') is the one id it names.
    same = {found for found in known if found.casefold() == reference.strip().casefold()}
    if len(same) == 1 and reference not in same:
        return resolve(same.pop(), sources)
    raise PlaybookNotFound(
        f"no playbook '{reference}'{did_you_mean(reference, known)}",
        hint="'resetkit list' shows the playbooks on the search path",
    )


# --- session folders -------------------------------------------------------------------------


BUILT_IN_MARK = "<built-in>"


def repository_top(folder: Path) -> Path | None:
    """The folder of the repository (or project) holding `folder`: the nearest parent with a
    resetkit.toml or a .git; None outside one."""
    for parent in folder.resolve().parents:
        if (parent / CONFIG_FILE).is_file() or (parent / ".git").exists():
            return parent
    return None


def portable_path(path: Path, near: Path) -> str:
    """How a record names a file (its playbook) so that every clone reads it alike: relative
    to the repository holding `near` (the session folder) when the file is in it, as
    `<built-in>/NAME` for resetkit's own playbooks, else as it is here."""
    real = path.resolve()
    if real.parent == builtin_dir().resolve():
        return f"{BUILT_IN_MARK}/{real.name}"
    top = repository_top(near)
    if top is not None and real.is_relative_to(top):
        return real.relative_to(top).as_posix()
    return str(real)


def local_path(recorded: str, near: Path) -> Path:
    """The file a record names (see portable_path), in this clone."""
    if recorded.startswith(f"{BUILT_IN_MARK}/"):
        return builtin_dir() / recorded.removeprefix(f"{BUILT_IN_MARK}/")
    path = Path(recorded)
    if path.is_absolute():
        return path
    top = repository_top(near)
    return (top / path) if top is not None else path


def customer_slug(name: str) -> str:
    """A folder name for any customer name: ASCII, no separators, bounded, never reserved."""
    from slugify import slugify

    slug = slugify(name, max_length=MAX_SLUG)
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    if not slug:
        return f"customer-{digest}"
    if slug in WINDOWS_DEVICES:
        return f"{slug}-{digest}"
    return slug


def reserve_folder(notes_dir: Path, customer: str, day: date, playbook_id: str) -> Path:
    """Create and return a new, empty session folder; two sessions never share one."""
    if not customer.strip():
        raise UsageError("the customer name is empty", hint='pass --customer "NAME"')
    check_name(customer.strip(), "customer name")
    parent = notes_dir / customer_slug(customer.strip())
    if parent.is_symlink():
        # A linked customer folder would put this session outside the notes dir.
        raise StorageError(
            f"{parent} is a symbolic link; resetkit writes only inside {notes_dir}",
            hint="replace the link with a real folder",
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"cannot create {parent}: {error.strerror}",
            hint="choose another folder with --notes-dir or fix its permissions",
        ) from None
    base = folder_name(day, playbook_id)
    for number in range(1, 10_000):
        folder = parent / (base if number == 1 else f"{base}-{number}")
        try:
            folder.mkdir()  # exclusive: of two terminals racing for a name, one gets the next
            return folder
        except FileExistsError:
            continue
        except OSError as error:
            raise StorageError(f"cannot create {folder}: {error.strerror}") from None
    raise StorageError(f"too many sessions named {base} in {parent}")


def folder_name(day: date, playbook_id: str) -> str:
    """The name of a session's folder before any -2 that keeps two sessions apart."""
    return f"{day.isoformat()}-{playbook_id}"


def session_id(folder: Path) -> str:
    """A session's id: its customer folder and its own, as in acme-corp/2026-11-24-reset."""
    return f"{folder.parent.name}/{folder.name}"
