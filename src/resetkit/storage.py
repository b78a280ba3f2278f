"""Files written atomically: a temp file in the same folder, fsync, then rename over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from resetkit.errors import StorageError

RECORD_FILE = "session.json"
SCHEMA_VERSION = 1  # of the session record; history reads only records of this version


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace `path` with `text` so a reader sees the old file or the new one, never half."""
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable)


def write_bytes_atomic(path: Path, payload: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `payload` atomically; StorageError keeps the old file intact.

    `durable` waits until the file and its folder entry are on the disk (fsync), so a power
    cut cannot lose it either; a crash or kill cannot lose it once this returns in any case.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise StorageError(
            f"cannot write in {folder}: {error.strerror}",
            hint="check that the folder exists, is writable and the disk is not full",
        ) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(payload)
            temp.flush()
            if durable:
                os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise StorageError(
            f"cannot write {path}: {error.strerror}; the previous version is unchanged",
            hint="free some disk space or fix the permissions, then try again",
        ) from None
    if durable:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder entry itself reaches the disk.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
