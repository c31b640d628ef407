"""``index.lock``, held across a commit of answers the way `git commit` holds it, with a journal.

`git commit` takes ``index.lock`` first, writes the new index into it, moves the branch and then
renames the lock over ``index``: while the lock exists no other git can write the index, so
nobody can commit between the branch update and the index update (a commit there would record
the answers file as deleted). :class:`IndexLock` does the same for kundencheck, and keeps a
journal beside it (``<git dir>/kundencheck/commit.journal``, under an OS file lock that dies with
its process) saying what the lock is for. A kundencheck killed while it holds the lock leaves
lock and journal behind, as a killed git leaves its lock; the next kundencheck that finds them
(:func:`recover`) finishes the commit when the branch was moved (the lock holds the index that
goes with it) or undoes it when not. A lock without a journal, or whose journal's owner still
runs, is never touched. See docs/security.md, "The commit protocol".
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
from typing import Any

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
    journal (by inode) before it becomes the lock, so an abandoned lock is always recognised.
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
        self._state: dict[str, Any] = {}
        self.held = False

    # ------------------------------------------------------------------ taking and leaving

    def acquire(self, wait: float, recover: Callable[[dict[str, Any]], None]) -> bool:
        """Create the lock; False when another process keeps it for ``wait`` seconds.

        A journal left by a dead kundencheck is handed to ``recover`` first (it finishes or
        undoes that commit and removes its lock), so its lock does not block this one."""
        deadline = time.monotonic() + wait
        self._journal_fd = _open_journal(self.journal_path, deadline)
        if self._journal_fd is None and fcntl is not None:
            return False  # another live kundencheck is committing in this worktree
        if self._journal_fd is not None:
            left = _read_journal(self._journal_fd)
            if left:
                recover(left)
                os.ftruncate(self._journal_fd, 0)
        while True:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                if time.monotonic() > deadline:
                    self._close_journal(delete=True)
                    return False
                time.sleep(0.02)
            except BaseException:
                self._close_journal(delete=True)
                raise
        self.held = True
        self._state = {"pid": os.getpid(), "lock": str(self.path), "index": str(self.index),
                       "build": str(self.build), "inodes": [os.fstat(self._fd).st_ino]}
        self._write_journal()
        _remove_build_files(self._state)  # a killed holder's, if any: only the lock holder uses them
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
        self.note(inodes=[*self._state["inodes"], os.lstat(self.build).st_ino])
        os.replace(self.build, self.path)

    def note(self, **fields: Any) -> None:
        """Record what the lock is for (branch, old and new commit, a work-tree file)."""
        self._state.update(fields)
        self._write_journal()

    def note_file(self, relpath: str, previous: bytes | None, written: bytes, new_folders: list[str]) -> None:
        """A work-tree file about to be written: what was there before (None: nothing), and
        the folders that will be made for it (relative paths, deepest last). A commit of
        several files notes each; the journal keeps them all (``files``), the first one also
        at the top as before."""
        record = {"file": relpath, "written": hashlib.sha256(written).hexdigest(), "folders": new_folders,
                  "previous": None if previous is None else base64.b64encode(previous).decode("ascii")}
        if self._state.get("file"):
            self.note(files=[*self._state.get("files", []), record])
        else:
            self.note(**record)

    def commit(self) -> None:
        """Make the lock the index (the branch has moved): as `git commit` ends."""
        os.replace(self.path, self.index)
        self.held = False
        self._close()

    def release(self, *, restore_file: bool = True) -> None:
        """Remove the lock if it is still ours, git's lock on it, and the journal; put back a
        work-tree file this commit wrote (unless it was changed since)."""
        if self.held:
            _remove_our_lock(self.path, self._state.get("inodes", []))
            _remove_build_files(self._state)
            self.held = False
        if restore_file:
            restore_worktree_file(self.root, self._state)
        self._close()

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
        if self._journal_fd is None:
            return
        data = json.dumps(self._state).encode("utf-8")
        os.ftruncate(self._journal_fd, 0)
        os.pwrite(self._journal_fd, data, 0)  # one write of a few hundred bytes


# ---------------------------------------------------------------------- an abandoned lock


def abandoned_journal(journal: Path) -> tuple[int, dict[str, Any]] | None:
    """(descriptor holding its flock, contents) of a journal whose owner is gone; None when
    there is none, its owner still runs, or it cannot be read. The caller closes the descriptor
    (after deleting the journal)."""
    if fcntl is None:
        return None
    fd = _open_journal(journal, time.monotonic(), create=False)
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


def lock_is_from(state: dict[str, Any]) -> bool:
    """Whether ``index.lock`` is still the file the journal's owner made (not one another git
    made after someone deleted it)."""
    try:
        return os.lstat(state["lock"]).st_ino in state.get("inodes", [])
    except (OSError, KeyError, TypeError):
        return False


def roll_forward(state: dict[str, Any]) -> None:
    """The branch was moved: the lock holds the index that goes with it (it was built before
    the branch moved, so it is the lock's content already)."""
    os.replace(state["lock"], state["index"])
    _remove_build_files(state)


def roll_back(root: Path, state: dict[str, Any]) -> None:
    """The branch was not moved: remove the lock and put back the work-tree file."""
    _remove_our_lock(Path(state["lock"]), state.get("inodes", []))
    _remove_build_files(state)
    restore_worktree_file(root, state)


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
    if not isinstance(relpath, str) or not relpath:
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
    for folder in reversed(state.get("folders") or []):  # the ones made for it, when empty again
        try:
            (root / folder).rmdir()
        except OSError:
            break


# ---------------------------------------------------------------------- helpers


def _open_journal(journal: Path, deadline: float, *, create: bool = True) -> int | None:
    """The journal's descriptor, holding its flock; None when another process holds the flock
    until ``deadline`` (or, ``create`` False, when there is no journal)."""
    if fcntl is None:
        return None
    while True:
        try:
            if create:
                journal.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(journal, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
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
        raw = os.pread(fd, 1 << 20, 0)
        data = json.loads(raw) if raw.strip() else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("lock"), str) or not isinstance(data.get("index"), str):
        return None
    return data


def _remove_our_lock(path: Path, inodes: list[int]) -> None:
    try:
        if os.lstat(path).st_ino in inodes:
            os.unlink(path)
    except OSError:
        pass


def _remove_build_files(state: dict[str, Any]) -> None:
    """The file git builds the new index in, and git's own lock on it."""
    build = state.get("build")
    if isinstance(build, str) and build:
        _remove_quietly(build)
        _remove_quietly(build + ".lock")


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)
