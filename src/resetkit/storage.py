"""Files written atomically: a temp file in the same folder, fsync, then rename over the target."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from resetkit.errors import StorageError

RECORD_FILE = "session.json"
SCHEMA_VERSION: Final = 1  # of the session record; history reads only records of this version

# O_NOFOLLOW where the platform has it: a file that is a symbolic link is refused, not followed.
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Opening a named pipe for reading without this waits for a writer.
NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)


class LinkRefused(OSError):
    """A path that is a symbolic link where resetkit reads or writes only real files."""


def read_bytes_no_follow(path: Path | str) -> bytes:
    """The bytes of a file that is not a symbolic link; LinkRefused when it is one."""
    return read_file_no_follow(path)[1]


def read_file_no_follow(path: Path | str) -> tuple[os.stat_result, bytes]:
    """A regular file's status, taken before its bytes are read, and its bytes.

    LinkRefused when it is a symbolic link. Anything else (a folder, a named pipe that would
    wait for a writer for ever) is refused with an OSError: a notes dir is read, never waited on.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | NO_FOLLOW | NON_BLOCKING)
    except OSError as error:
        if error.errno == errno.ELOOP or (not NO_FOLLOW and os.path.islink(path)):
            raise LinkRefused(errno.ELOOP, "a symbolic link", str(path)) from None
        raise
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        # One read for a file of the size it had when opened (a byte more tells it ended); a
        # history's first build reads a million of them.
        wanted = max(info.st_size + 1, 1 << 12)
        chunks = [os.read(descriptor, wanted)]
        if len(chunks[0]) == wanted:
            while chunk := os.read(descriptor, 1 << 17):
                chunks.append(chunk)
        return info, chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(descriptor)


# Held locks of this process, by lock file: a lock taken again by the same process (a change
# that saves through `save`) is already held, and flock would wait for itself.
_HELD: dict[str, int] = {}
_HELD_GUARD = threading.RLock()


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created if need be) until the block ends.

    Between processes: fcntl.flock (msvcrt.locking on Windows). Within this process the lock
    is re-entrant, and threads take turns. The file is never followed if it is a link.
    """
    key = os.path.abspath(path)
    with _HELD_GUARD:
        if key in _HELD:
            _HELD[key] += 1
            try:
                yield
            finally:
                _HELD[key] -= 1
            return
        descriptor = _open_locked(path)
        try:
            _HELD[key] = 1
            try:
                yield
            finally:
                del _HELD[key]
                _remove_held(path)
                _unlock(descriptor)
        finally:
            os.close(descriptor)


def _open_locked(path: Path) -> int:
    """A descriptor of the lock file `path`, locked: the file that is at `path` now.

    Its holder removes the file when done, so a process that waited on it may be given a lock
    on a removed file, while a third has created a new one: it tries again on what is there.
    """
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | NO_FOLLOW, 0o666)
        except OSError as error:
            raise StorageError(
                f"cannot lock {path}: {error.strerror}",
                hint="check that the folder is writable and is not a symbolic link",
            ) from None
        try:
            _lock(descriptor)
            if _still_at(path, descriptor):
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)


def _still_at(path: Path, descriptor: int) -> bool:
    """Whether the open file `descriptor` is still the one at `path` (not removed, replaced)."""
    if sys.platform == "win32":  # pragma: no cover - an open file cannot be removed there
        return True
    try:
        there = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(descriptor)
    return (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino)


def _remove_held(path: Path) -> None:
    """Remove the lock file while still holding it: no empty lock file is left in a folder
    after the work is done, and no one can lock the removed file unnoticed (`_open_locked`)."""
    if sys.platform == "win32":  # pragma: no cover - an open file cannot be removed there
        return
    with contextlib.suppress(OSError):
        os.unlink(path)


def _lock(descriptor: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        while True:
            try:
                msvcrt.locking(descriptor, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue  # LK_LOCK gives up after ten seconds: keep waiting
    import fcntl

    fcntl.flock(descriptor, fcntl.LOCK_EX)


def _unlock(descriptor: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(descriptor, fcntl.LOCK_UN)


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace `path` with `text` so a reader sees the old file or the new one, never half."""
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable)


def write_bytes_atomic(
    path: Path, payload: bytes | Iterable[bytes], *, durable: bool = True
) -> None:
    """Replace `path` with `payload` (bytes, or chunks written as they come) atomically;
    StorageError keeps the old file intact.

    `durable` waits until the file and its folder entry are on the disk (fsync), so a power
    cut cannot lose it either; a crash or kill cannot lose it once this returns in any case.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = _new_temp_file(folder, path.name)
    except OSError as error:
        raise StorageError(
            f"cannot write in {folder}: {error.strerror}",
            hint="check that the folder exists, is writable and the disk is not full",
        ) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            for chunk in [payload] if isinstance(payload, bytes) else payload:
                temp.write(chunk)
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
    except BaseException:  # the chunks failed to come (an error, Ctrl-C): no half file left
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    if durable:
        _sync_folder(folder)


def _new_temp_file(folder: Path, name: str) -> tuple[int, str]:
    """A new, empty temp file beside `name`, opened for writing, and its path.

    Not tempfile.mkstemp: it makes files 0600, and the file it makes becomes the notes file a
    person shares. Created with 0666 the user's umask applies, as to any file they save.
    """
    for _ in range(100):
        temp_name = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(temp_name, flags, 0o666), temp_name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder entry itself reaches the disk.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
