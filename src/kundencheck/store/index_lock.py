"""``index.lock``, held across a commit of answers the way `git commit` holds it, with a journal.

`git commit` takes ``index.lock`` first, writes the new index into it, moves the branch and then
renames the lock over ``index``: while the lock exists no other git can write the index, so
nobody can commit between the branch update and the index update (a commit there would record
the answers file as deleted). :class:`IndexLock` does the same for kundencheck, and keeps a
journal beside it (``<git dir>/kundencheck/commit.journal``, under an OS file lock that dies with
its process) saying what the lock is for. A kundencheck killed while it holds the lock leaves
lock and journal behind, as a killed git leaves its lock; the next kundencheck that finds them
(``GitStore._recover``) finishes the commit when the branch was moved (the lock holds the index
that goes with it) or undoes it when not. A lock without a journal, one whose journal's owner
still runs, and one that is not a file the journal names (someone deleted the lock and another
git made a new one) are never touched. See docs/security.md, "The commit protocol".
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

try:
    import fcntl
except ImportError:  # Windows: no flock; the lock works as git's does, without the journal
    fcntl = None  # type: ignore[assignment]


class IndexLock:
    """``index.lock`` created exclusively by this process, and its journal.

    :meth:`acquire` creates both; :meth:`start_from` puts the index to build on into a file of
    its own beside it (:attr:`build`, for ``GIT_INDEX_FILE``); :meth:`adopt` renames that over the
    lock once git has written it; :meth:`commit` renames the lock over the index;
    :meth:`release` removes what is still ours. Every file that is ever the lock is in the
    journal (by :func:`_identity`) before it becomes the lock, so an abandoned lock is always
    recognised, and a lock someone else made since never is. The journal names no path but
    the work-tree file's, relative to the work tree: the lock, the index and the build file
    are always the ones beside ``index``, wherever the repository is now.
    """

    def __init__(self, index: Path, journal: Path, root: Path) -> None:
        self.index = index
        self.path = index.with_name(index.name + ".lock")
        #: Where git builds the new index (next to the index: a split index's shared part is
        #: found there); only the holder of the lock uses it.
        self.build = index.with_name(index.name + ".kundencheck")
        self.journal_path = journal
        self.root = root
        self._fd: int | None = None
        self._journal_fd: int | None = None
        self._journal_size = 0
        self._state: dict[str, Any] = {}

    # ------------------------------------------------------------------ taking and leaving

    def acquire(self, wait: float, recover: Callable[[dict[str, Any]], None]) -> bool:
        """Create the lock; False when another process keeps it for ``wait`` seconds.

        A journal left by a dead kundencheck is handed to ``recover`` first (it finishes or
        undoes that commit and removes its lock), so its lock does not block this one. The
        journal's room on disk is taken before the lock exists: an OSError (a full disk, a
        journal that is a symbolic link) leaves no lock behind."""
        deadline = time.monotonic() + wait
        self._journal_fd = _open_journal(self.journal_path, deadline)
        if self._journal_fd is None and fcntl is not None:
            return False  # another live kundencheck is committing in this worktree
        if self._journal_fd is not None:
            self._journal_size = os.fstat(self._journal_fd).st_size
            left = _read_journal(self._journal_fd)
            if left:
                try:
                    recover(left)
                except BaseException:
                    self._close_journal(delete=False)  # still to be dealt with, by the next one
                    raise
        try:
            self._state = {"pid": os.getpid()}
            self._write_journal()
            while True:
                try:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                    break
                except FileExistsError:
                    if time.monotonic() > deadline:
                        self._close_journal(delete=True)
                        return False
                    time.sleep(0.02)
            self.note(locks=[_identity(os.fstat(self._fd))])
            _remove_build_files(self.build)  # a killed holder's, if any: only the lock holder uses them
        except BaseException:
            self.release(restore_file=False)
            raise
        return True

    def start_from(self, index: Path | None, empty: bytes) -> None:
        """Put the index to build on where git builds the new one: a hard link to ``index``
        (git never writes an index in place, it renames a new file over it, so the index stays
        as it is; and nothing is copied), else a copy; ``empty`` when there is no index yet."""
        if index is not None:
            try:
                os.link(index, self.build)
                return
            except FileNotFoundError:
                pass
            except OSError:  # a file system without hard links
                with open(index, "rb") as source, open(self.build, "wb") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
                return
        with open(self.build, "wb") as handle:
            handle.write(empty)

    def adopt(self) -> None:
        """git has written the new index: it becomes the lock's content (noted in the journal
        first, so that the lock is recognised as ours whatever happens next)."""
        self.note(locks=[*self._state["locks"], _identity(os.lstat(self.build))])
        os.replace(self.build, self.path)

    def note(self, **fields: object) -> None:
        """Record what the lock is for (branch, old and new commit, a work-tree file)."""
        self._state.update(fields)
        self._write_journal()

    def note_file(self, relpath: str, previous: bytes | None, written: bytes, new_folders: list[str]) -> None:
        """A work-tree file about to be written: what was there before (None: nothing), and
        the folders that will be made for it (relative paths, deepest last). A commit of
        several files notes each; the journal keeps them all (``files``), the first one also
        at the top as before."""
        record = {
            "file": relpath,
            "written": hashlib.sha256(written).hexdigest(),
            "folders": new_folders,
            "previous": None if previous is None else base64.b64encode(previous).decode("ascii"),
        }
        if self._state.get("file"):
            self.note(files=[*self._state.get("files", []), record])
        else:
            self.note(**record)

    def commit(self) -> None:
        """Make the lock the index (the branch has moved): as `git commit` ends."""
        os.replace(self.path, self.index)
        self._close()

    def release(self, *, restore_file: bool = True) -> None:
        """Remove the lock if it is still ours, git's lock on it, and the journal; put back a
        work-tree file this commit wrote (unless it was changed since)."""
        if self._fd is not None:  # the lock is (or was, until someone deleted it) ours
            ours = list(self._state.get("locks") or [])
            with contextlib.suppress(OSError):
                ours.append(_identity(os.fstat(self._fd)))  # the lock as created, noted or not
            _remove_lock_if_one_of(self.path, ours)
            _remove_build_files(self.build)
        if restore_file:
            restore_worktree_file(self.root, self._state)
        self._close()

    # ------------------------------------------------------------------ an abandoned lock

    def is_from(self, state: dict[str, Any]) -> bool:
        """Whether ``index.lock`` is still a file the journal's owner made (not one another git
        made after someone deleted it, even if it got the same inode number)."""
        return _is_one_of(self.path, state.get("locks"))

    def roll_forward(self) -> None:
        """The branch was moved: the lock holds the index that goes with it (it was built before
        the branch moved, so it is the lock's content already)."""
        os.replace(self.path, self.index)
        _remove_build_files(self.build)

    def roll_back(self, state: dict[str, Any]) -> None:
        """The branch was not moved: remove the lock and put back the work-tree file."""
        _remove_lock_if_one_of(self.path, state.get("locks"))
        _remove_build_files(self.build)
        restore_worktree_file(self.root, state)

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self._close_journal(delete=True)

    def _close_journal(self, *, delete: bool) -> None:
        if self._journal_fd is None:
            return
        if delete:
            with contextlib.suppress(OSError):
                os.unlink(self.journal_path)  # before the flock goes: no one reads a stale one
        with contextlib.suppress(OSError):
            os.close(self._journal_fd)
        self._journal_fd = None

    def _write_journal(self) -> None:
        """Write the journal over itself, in whole blocks padded with spaces (JSON allows them)
        and never shorter than before: no moment in which it is empty or cut, and once its
        first write has found room, a full disk cannot stop the next ones."""
        if self._journal_fd is None:
            return
        data = json.dumps(self._state).encode("utf-8")
        size = max(self._journal_size, -(-len(data) // _JOURNAL_BLOCK) * _JOURNAL_BLOCK)
        padded = data.ljust(size)
        try:
            written = 0
            while written < size:
                written += os.pwrite(self._journal_fd, padded[written:], written)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(self.journal_path)) from exc
        self._journal_size = size


# ---------------------------------------------------------------------- an abandoned lock


def abandoned_journal(journal: Path) -> tuple[int, dict[str, Any]] | None:
    """(descriptor holding its flock, contents) of a journal whose owner is gone; None when
    there is none, its owner still runs, or it cannot be read. The caller closes the descriptor
    (after deleting the journal)."""
    if fcntl is None:
        return None
    try:
        fd = _open_journal(journal, time.monotonic(), create=False)
    except OSError:  # not a file kundencheck made (a symbolic link): not a journal
        return None
    if fd is None:
        return None
    data = _read_journal(fd)
    if data is None:
        with contextlib.suppress(OSError):
            os.close(fd)
        return None
    return fd, data


def finish_abandoned(journal: Path, fd: int) -> None:
    """Delete an abandoned journal once it has been dealt with, and let go of it."""
    with contextlib.suppress(OSError):
        os.unlink(journal)
    with contextlib.suppress(OSError):
        os.close(fd)


def restore_worktree_file(root: Path, state: dict[str, Any]) -> None:
    """Put back what the journal says was at its work-tree file (each of them, for a commit of
    several), if the file still holds what kundencheck wrote there (a change made since is the
    user's and stays). The later files first: a folder made for them may be one the first needs."""
    for record in reversed(state.get("files") or []):
        if isinstance(record, dict):
            _restore_one(root, record)
    _restore_one(root, state)


def _restore_one(root: Path, state: dict[str, Any]) -> None:
    relpath = state.get("file")
    if not _is_answers_path(relpath):
        return
    path = root / relpath
    for stray in path.parent.glob(f".{path.name}.*.tmp"):  # atomic_write's, if it was cut short
        _remove_quietly(str(stray))
    try:
        if hashlib.sha256(path.read_bytes()).hexdigest() == state.get("written"):
            previous = state.get("previous")
            if previous is None:
                path.unlink()
            else:
                from kundencheck.store.atomic import atomic_write

                atomic_write(path, base64.b64decode(previous))
    except (OSError, ValueError):
        pass
    folders = state.get("folders")
    if not isinstance(folders, list):
        return
    for folder in reversed(folders):  # the ones made for it, when empty again
        if not (isinstance(folder, str) and relpath.startswith(folder + "/")):
            break
        try:
            (root / folder).rmdir()
        except OSError:
            break


# ---------------------------------------------------------------------- helpers

#: The journal is written in whole blocks of this size (see IndexLock._write_journal).
_JOURNAL_BLOCK = 4096


def _identity(stat: os.stat_result) -> list[int]:
    """What tells a file that was the lock from one that got its inode number later (ext4
    hands a freed number out again at once): the inode with the time its content was last
    written and its size; a rename changes none of them. A list: as JSON keeps it."""
    return [stat.st_ino, stat.st_mtime_ns, stat.st_size]


def _is_one_of(path: Path, identities: object) -> bool:
    try:
        found = _identity(os.lstat(path))
    except OSError:
        return False
    return isinstance(identities, list) and found in identities


def _is_answers_path(relpath: object) -> TypeGuard[str]:
    """A path below .kundencheck/ in the work tree, the only place a journal may name."""
    if not isinstance(relpath, str) or not relpath.startswith(".kundencheck/"):
        return False
    return not any(part in ("", ".", "..") for part in relpath.split("/"))


def _open_journal(journal: Path, deadline: float, *, create: bool = True) -> int | None:
    """The journal's descriptor, holding its flock; None when another process holds the flock
    until ``deadline`` (or, ``create`` False, when there is no journal). Never through a
    symbolic link (OSError)."""
    if fcntl is None:
        return None
    while True:
        try:
            if create:
                journal.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(journal, os.O_RDWR | os.O_NOFOLLOW | (os.O_CREAT if create else 0), 0o600)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.02)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(journal).st_ino
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)  # its owner finished and deleted it meanwhile: open the current one


def _read_journal(fd: int) -> dict[str, Any] | None:
    try:
        raw = os.pread(fd, 1 << 24, 0)
        data = json.loads(raw) if raw.strip() else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _remove_lock_if_one_of(path: Path, identities: object) -> None:
    if _is_one_of(path, identities):
        _remove_quietly(str(path))


def _remove_build_files(build: Path) -> None:
    """The file git builds the new index in, and git's own lock on it."""
    _remove_quietly(str(build))
    _remove_quietly(str(build) + ".lock")


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)
