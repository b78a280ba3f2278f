"""The lock a run holds on its session folder, so that a second terminal neither overwrites
its answers nor is left guessing who holds it.

Plain files and the standard library only: `start` takes the lock before the models are built
(see headstart.py), so this module must not import pydantic.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from resetkit import dates
from resetkit.errors import ResetkitError, UsageError
from resetkit.places import session_id
from resetkit.storage import read_bytes_no_follow, write_text_atomic

LOCK_FILE = ".lock"


@dataclass(frozen=True)
class LockHolder:
    """Who runs a session: the machine, the process and since when."""

    host: str
    pid: int
    since: str  # ISO time with offset
    token: str = ""  # tells two locks of one process apart (in tests, or a thread)

    def describe(self) -> str:
        """'host H, pid P, since T', as a person reads it."""
        return f"host {self.host}, pid {self.pid}, since {self.since[:19].replace('T', ' ')}"


class SessionLocked(ResetkitError):
    """The session is being run by another process (another terminal, maybe another machine)."""

    def __init__(self, session_ref: str, holder: LockHolder | None, hint: str = "") -> None:
        self.holder = holder
        self.session_ref = session_ref
        who = holder.describe() if holder else "a lock file that cannot be read"
        super().__init__(
            f"session {session_ref} is open in another terminal ({who})",
            hint=hint
            or "finish it there, or pass --take-over to carry it on here; "
            "answers typed there after that are not saved",
        )


class SessionTakenOver(ResetkitError):
    """Another terminal took this run's session over; this run saves nothing more."""


class SessionLock:
    """The lock of a session folder while a run holds it: `.lock`, created exclusively.

    It holds the host, pid and start time of the run. A run that finds another's lock is told
    who holds it; a lock whose process has died on this same host is taken without asking.
    The lock is removed when the run ends (Ctrl-C included), and only by the run that holds it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self.mine = LockHolder(
            host=socket.gethostname(),
            pid=os.getpid(),
            since=dates.now().isoformat(timespec="seconds"),
            token=uuid.uuid4().hex[:12],
        )

    def acquire(self, *, take_over: bool = False) -> None:
        """Hold the lock; SessionLocked when a live run holds it, unless `take_over`."""
        for _ in range(3):  # a stale lock removed, then created again by a third run: retry
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self.holder()
                if take_over or (holder is not None and self._died(holder)):
                    self._replace()
                    return
                if holder is None and not self.path.exists():
                    continue  # released between the two looks
                raise SessionLocked(session_id(self.folder), holder) from None
            except OSError as error:
                raise UsageError(
                    f"cannot lock the session in {self.folder}: {error.strerror}",
                    hint="check that the folder is writable",
                ) from None
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(self._text())
            return
        raise SessionLocked(session_id(self.folder), self.holder())

    def holder(self) -> LockHolder | None:
        """Who holds the lock now; None when there is no lock or it cannot be read."""
        try:
            data = json.loads(read_bytes_no_follow(self.path))
            return LockHolder(
                host=str(data["host"]),
                pid=int(data["pid"]),
                since=str(data["since"]),
                token=str(data.get("token", "")),
            )
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def check(self) -> None:
        """SessionTakenOver when another run has taken the lock since this one acquired it."""
        holder = self.holder()
        if holder != self.mine:
            who = holder.describe() if holder else "someone who then released it"
            raise SessionTakenOver(
                f"session {session_id(self.folder)} was taken over in another terminal ({who}); "
                "this terminal's last answer is not saved",
                hint="carry on in that terminal",
            )

    def release(self) -> None:
        """Remove the lock if this run still holds it."""
        if self.holder() == self.mine:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def _text(self) -> str:
        mine = self.mine
        fields = {"host": mine.host, "pid": mine.pid, "since": mine.since, "token": mine.token}
        return json.dumps(fields) + "\n"

    def _replace(self) -> None:
        write_text_atomic(self.path, self._text(), durable=False)

    def _died(self, holder: LockHolder) -> bool:
        """Whether the holder's process is gone: only knowable for a process on this host."""
        if holder.host != self.mine.host:
            return False
        if holder.pid == self.mine.pid:
            return False  # this very process: a lock it holds is not stale
        if os.name == "nt":
            return False  # os.kill(pid, 0) would end the process there: ask instead
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # exists, run by another user
        return _zombie(holder.pid)


def _zombie(pid: int) -> bool:
    """Whether a process has ended but its parent has not yet collected it (Linux only)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("utf-8")
    except OSError:
        return False
    # The state follows the command name in parentheses, which may itself hold any character.
    return stat[stat.rfind(")") + 2 :].startswith(("Z", "X"))
