"""Drafts: a run's answers saved after every change, inside the git directory.

A draft lives in ``<git dir>/kundencheck/drafts/<run id>.toml`` (per worktree, never in the work
tree, so it never shows up in ``git status``). Writes are atomic (temporary file, fsync,
rename), so a crash or a full disk leaves the previous draft intact.

A second kundencheck is kept off a draft by an operating-system lock on ``<run id>.lock``
(``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows), held as long as the process that
took it has the file open: the operating system releases it when that process ends, however it
ends, so a lock can never outlive its process, and a process id used again by an unrelated
program holds nothing. The process id written into the file is information for people only.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import NamedTuple

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Run
from kundencheck.core.checklist import Checklist, read_file_bytes
from kundencheck.core.errors import AnswersError, StoreError
from kundencheck.core.i18n import N_, _


# A NamedTuple, not a dataclass: cheaper to define at every start (see core/checklist.py).
class DraftInfo(NamedTuple):
    """A draft found in the drafts folder, with when it was saved and who is working on it."""

    run: Run
    path: Path
    modified: dt.datetime
    in_use_by: int | None


class DraftLock:
    """This process's hold on a draft; :meth:`release` ends it (ending the process does too)."""

    def __init__(self, path: Path, held: _Held) -> None:
        self.path = path
        self._held: _Held | None = held

    def release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.release()


class _Held:
    """An open, OS-locked lock file; shared by the DraftLocks this process took on one draft."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd, self.users = path, fd, 1

    def release(self) -> None:
        self.users -= 1
        if self.users > 0:
            return
        _HELD.pop(str(self.path), None)
        try:
            if _is_same_file(self.fd, self.path):
                self.path.unlink()  # while still locked: nobody can take the file being removed
        except OSError:
            pass
        finally:
            _close(self.fd)


#: The draft locks this process holds, by lock file path.
_HELD: dict[str, _Held] = {}


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, run_id: str) -> Path:
        return self.folder / f"{run_id}.toml"

    def save(self, run: Run, checklist: Checklist | None = None) -> Path:
        # Not needed until the first answer.
        from kundencheck.store.atomic import atomic_write

        path = self._path(run.id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, answers_mod.dumps(run, checklist).encode("utf-8"))
        except OSError as exc:
            raise StoreError(
                _(
                    "Could not save the draft {path} ({reason}). The previous draft is unchanged; your answers are "
                    "still open in kundencheck. Free some disk space or fix the folder's permissions."
                ).format(path=path, reason=exc.strerror or exc)
            ) from None
        return path

    def load(self, run_id: str) -> Run:
        path = self._path(run_id)
        if not path.exists() and not path.is_symlink():
            raise StoreError(
                _("There is no draft {id}. `kundencheck drafts` lists the drafts there are.").format(id=repr(run_id))
            )
        return _loads(_read(path), path)

    def list(self) -> tuple[list[DraftInfo], list[AnswersError]]:
        infos: list[DraftInfo] = []
        errors: list[AnswersError] = []
        if not self.folder.is_dir():
            return infos, errors
        for path in sorted(self.folder.glob("*.toml")):
            try:
                run = _loads(_read(path), path)
            except AnswersError as exc:
                errors.append(exc)
                continue
            except OSError:
                continue
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
            infos.append(DraftInfo(run, path, modified, self.holder(run.id)))
        infos.sort(key=lambda d: d.modified)
        self._sweep_locks()
        return infos, errors

    def _sweep_locks(self) -> None:
        """Remove the lock files of runs that have no draft and that no process holds (a
        kundencheck killed before it saved anything), so they do not pile up."""
        for lock in self.folder.glob("*.lock"):
            if str(lock) not in _HELD and not self._path(lock.stem).exists():
                _remove_unheld(lock)

    def discard(self, run_id: str) -> None:
        try:
            self._path(run_id).unlink()
        except FileNotFoundError:
            pass
        lock = self._lock_path(run_id)
        held = _HELD.get(str(lock))
        if held is not None:
            _HELD.pop(str(lock), None)  # this process's own: the file goes now, the lock with release()
            try:
                if _is_same_file(held.fd, lock):
                    lock.unlink()
            except OSError:
                pass
        else:
            _remove_unheld(lock)

    # ----------------------------------------------------------------------------- locking

    def _lock_path(self, run_id: str) -> Path:
        return self.folder / f"{run_id}.lock"

    def holder(self, run_id: str) -> int | None:
        """The process id of another live kundencheck holding this draft's lock, if one does
        (0 when it has not written its id yet); None when no other process holds it."""
        lock = self._lock_path(run_id)
        if str(lock) in _HELD:
            return None
        try:
            fd = os.open(lock, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return None
        try:
            if _try_lock(fd, shared=True):
                return None  # nobody holds it (the file is left for its owner or the sweep)
            return _pid_in(fd)
        finally:
            _close(fd)

    def lock(self, run_id: str) -> DraftLock:
        """Take the draft's lock, or raise StoreError naming the process that holds it and the
        lock file."""
        lock = self._lock_path(run_id)
        held = _HELD.get(str(lock))
        if held is not None:  # this process has it already (a second session on the same draft)
            held.users += 1
            return DraftLock(lock, held)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for _attempt in range(10):
                fd = os.open(lock, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
                if not _try_lock(fd):
                    pid = _pid_in(fd)
                    _close(fd)
                    raise StoreError(
                        _(
                            "The draft {id} is in use by another kundencheck (process {pid}), which holds its lock {lock}. "
                            "Finish or quit that kundencheck first. The lock ends with that process, whichever way it ends: "
                            "if it hangs, ending it (`kill {pid}`) frees the draft."
                        ).format(id=run_id, pid=pid or "?", lock=lock)
                    ) from None
                if not _is_same_file(fd, lock):
                    _close(fd)  # removed by its last holder while we waited for it: take the new one
                    continue
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode("ascii"))
                held = _HELD[str(lock)] = _Held(lock, fd)
                return DraftLock(lock, held)
        except OSError as exc:
            raise StoreError(
                _("Could not lock the draft {id} in {folder} ({reason}).").format(
                    id=run_id, folder=self.folder, reason=exc.strerror or exc
                )
            ) from None
        raise StoreError(_("Could not lock the draft {id}: another process keeps taking it.").format(id=run_id))


def _read(path: Path) -> bytes:
    """A draft's bytes; AnswersError naming it when it is a folder, a named pipe (reading would
    block forever) or unreadable."""
    return read_file_bytes(path, AnswersError, what=N_("a draft"), limit=None)


def _loads(data: bytes, path: Path) -> Run:
    """A draft's bytes as a run; the answers reader is imported at the first draft read
    (startup.DEFERRED)."""
    from kundencheck.core.answers_file import loads

    return loads(data, str(path))


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _try_lock(fd: int, shared: bool = False) -> bool:
    """Lock ``fd`` without waiting; False when another process holds a lock on the file."""
    try:
        import fcntl
    except ImportError:  # Windows: a byte range lock, released by the system when the process ends
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows only; mypy checks for Linux
        except OSError:
            return False
        if shared:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]  # Windows only, as above
        return True
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    if shared:
        fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def _pid_in(fd: int) -> int:
    """The process id written in a lock file (0 when there is none yet)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return int(os.read(fd, 32).decode("ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def _is_same_file(fd: int, path: Path) -> bool:
    """Whether the open ``fd`` is the file at ``path`` now (not one removed meanwhile)."""
    try:
        mine, there = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _remove_unheld(lock: Path) -> None:
    """Remove ``lock`` if no process holds it: taken first, so its owner cannot be mid-way."""
    try:
        fd = os.open(lock, os.O_RDWR | _NOFOLLOW)
    except OSError:
        return
    try:
        if _try_lock(fd) and _is_same_file(fd, lock):
            lock.unlink()
    except OSError:
        pass
    finally:
        _close(fd)


def _close(fd: int) -> None:
    try:
        os.close(fd)  # ends the flock this descriptor held
    except OSError:
        pass
