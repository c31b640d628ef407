"""Drafts: a run's answers saved after every change, inside the git directory.

A draft lives in ``<git dir>/kundencheck/drafts/<run id>.toml`` (per worktree, never in the work
tree, so it never shows up in ``git status``). Writes are atomic (temporary file, fsync,
rename), so a crash or a full disk leaves the previous draft intact. A lock file holding the
owner's process id keeps a second kundencheck off the same draft; a lock whose process is gone
is taken over.
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
    def __init__(self, path: Path) -> None:
        self.path = path

    def release(self) -> None:
        try:
            if self.path.read_text().strip() == str(os.getpid()):
                self.path.unlink()
        except OSError:
            pass


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, run_id: str) -> Path:
        return self.folder / f"{run_id}.toml"

    def save(self, run: Run, checklist: Checklist | None = None) -> Path:
        from kundencheck.store.atomic import atomic_write  # not needed until the first answer

        path = self._path(run.id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, answers_mod.dumps(run, checklist).encode("utf-8"))
        except OSError as exc:
            raise StoreError(
                _("Could not save the draft {path} ({reason}). The previous draft is unchanged; your answers are "
                  "still open in kundencheck. Free some disk space or fix the folder's permissions.").format(
                    path=path, reason=exc.strerror or exc)
            ) from None
        return path

    def load(self, run_id: str) -> Run:
        path = self._path(run_id)
        if not path.exists() and not path.is_symlink():
            raise StoreError(_("There is no draft {id}. `kundencheck drafts` lists the drafts there are.").format(id=repr(run_id)))
        return answers_mod.loads(_read(path), str(path))

    def list(self) -> tuple[list[DraftInfo], list[AnswersError]]:
        infos: list[DraftInfo] = []
        errors: list[AnswersError] = []
        if not self.folder.is_dir():
            return infos, errors
        for path in sorted(self.folder.glob("*.toml")):
            try:
                run = answers_mod.loads(_read(path), str(path))
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
        """Remove the locks of runs that have no draft and whose process is gone (a killed
        kundencheck that had not saved anything yet), so they do not pile up. A lock without a
        process id yet (being written this moment) is left alone."""
        for lock in self.folder.glob("*.lock"):
            try:
                pid = int(lock.read_text().strip())
            except (OSError, ValueError):
                continue
            if pid != os.getpid() and not _alive(pid) and not self._path(lock.stem).exists():
                lock.unlink(missing_ok=True)

    def discard(self, run_id: str) -> None:
        for path in (self._path(run_id), self.folder / f"{run_id}.lock"):
            try:
                path.unlink()
            except FileNotFoundError:
                pass

    # ----------------------------------------------------------------------------- locking

    def holder(self, run_id: str) -> int | None:
        """The process id of a live kundencheck working on this draft, if any."""
        lock = self.folder / f"{run_id}.lock"
        try:
            pid = int(lock.read_text().strip())
        except (OSError, ValueError):
            return None
        if pid == os.getpid():
            return None
        return pid if _alive(pid) else None

    def lock(self, run_id: str) -> DraftLock:
        """Take the draft's lock, or raise StoreError naming the live process that holds it."""
        lock = self.folder / f"{run_id}.lock"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for _attempt in range(2):
                try:
                    fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
                except FileExistsError:
                    holder = self.holder(run_id)
                    if holder is not None:
                        raise StoreError(
                            _("The draft {id} is in use by another kundencheck (process {pid}). "
                              "Finish or quit that one first; if it is gone, this lock clears itself.").format(
                                id=run_id, pid=holder)
                        ) from None
                    lock.unlink(missing_ok=True)  # left behind by a process that died
                    continue
                with os.fdopen(fd, "w") as handle:
                    handle.write(str(os.getpid()))
                return DraftLock(lock)
        except OSError as exc:
            raise StoreError(_("Could not lock the draft {id} in {folder} ({reason}).").format(
                id=run_id, folder=self.folder, reason=exc.strerror or exc)) from None
        raise StoreError(_("Could not lock the draft {id}: another process keeps taking it.").format(id=run_id))


def _read(path: Path) -> bytes:
    """A draft's bytes; AnswersError naming it when it is a folder, a named pipe (reading would
    block forever) or unreadable."""
    return read_file_bytes(path, AnswersError, what=N_("a draft"), limit=None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
