"""Where the notes go: --notes-dir, the environment, a team's resetkit.toml, or the user's data dir.

Kept apart from the session record so that history commands find the notes without importing
pydantic.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from resetkit.errors import UsageError

CONFIG_FILE = "resetkit.toml"


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
            return NotesDir(_notes_dir_from_config(config), f"notes_dir in {config}")
    import platformdirs

    return NotesDir(Path(platformdirs.user_data_dir("resetkit")) / "notes", "your data dir")


def _notes_dir_from_config(config: Path) -> Path:
    try:
        settings = tomllib.loads(config.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{config}: cannot read: {error}", hint="fix the TOML syntax") from None
    value = settings.get("notes_dir", "notes")
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{config}: notes_dir must be a folder path", hint='notes_dir = "notes"')
    return (config.parent / value).expanduser().resolve()
