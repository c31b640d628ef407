"""Committing answers into the team's own repository without disturbing anything the user is
doing there.

The new commit is built from HEAD's tree with plumbing commands (no index is used to build
it); index.lock is held, as `git commit` holds it, while HEAD moves by compare-and-swap and
the answers file's entry is added to the index; the commit is read back before it counts.
The user's staged, unstaged and untracked changes are never touched. What a commit holding
index.lock is for is kept in a journal (store/index_lock.py), so a kundencheck killed
meanwhile is finished or undone by the next one. The steps and why each is there:
docs/security.md, "The commit protocol".

What the other parts of the store use: :class:`Committer` (store/remotes.py builds on it),
``ANSWERS_ROOT``, :func:`flock` (the portfolio's cache takes its lock the same way),
:func:`write_failed` (an OSError of kundencheck's own files as the StoreError it is) and the
records of a commit (:class:`CommitResult`, :class:`CommitWarning`, :class:`Caveat`).
``LOCK_WAIT`` and :class:`CommitParts` are public for the tests, which shorten the wait and
drive the compare-and-swap step directly.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from kundencheck.core.errors import KundencheckError, StoreError
from kundencheck.core.i18n import _, translate
from kundencheck.store.push import PushFailure, PushResult
from kundencheck.store.state import (
    BLOCKING_STATES,
    RepoState,
    git_bool,
    identity_from,
)

if TYPE_CHECKING:
    from _hashlib import HASH

    from kundencheck.store.index_lock import IndexLock

#: Every path kundencheck commits lives below this folder of the work tree.
ANSWERS_ROOT = ".kundencheck/"

_MESSAGE_PREFIX = "KUNDENCHECK_MSG."  # the commit message's temporary file in the git dir
_CAS_TRIES = 20  # HEAD moved by someone else: rebuild on the new tip this many times
#: Seconds to wait for another git's index.lock to go away before refusing.
LOCK_WAIT = 1.0
_TURN_WAIT = 30.0  # seconds to wait for another kundencheck process's turn (see _writer_turn)


class Caveat(StrEnum):
    """What a commit of answers went ahead despite (CommitWarning.kind)."""

    #: The repository is a shallow clone: the answers are committed, but older runs are missing
    #: from the history views.
    SHALLOW = "shallow"
    #: The file is ignored by .gitignore: committed anyway, but `git status` does not show it.
    IGNORED = "ignored"


class CommitWarning(NamedTuple):
    """What a commit of answers went ahead despite, as data; the CLI and the TUI say it in words
    (kundencheck/commit_texts.py)."""

    kind: Caveat
    #: The file it is about (IGNORED), else "".
    path: str = ""


class CommitResult(NamedTuple):
    """What a commit of answers made: the commit, its branch and subject, and any warnings."""

    sha: str
    #: Short branch name ("main"), the full ref for refs outside refs/heads, None if detached.
    branch: str | None
    subject: str
    warnings: tuple[CommitWarning, ...]
    #: After a push (see RunSession.push): what was pushed, or why it did not go through (data
    #: the CLI and the TUI say in words). Both None when no push was asked for.
    pushed: PushResult | None = None
    push_failure: PushFailure | None = None
    #: The project suggests pushing (storage.push) and the person has not accepted or declined
    #: it yet, so nothing was pushed (see RunSession.push_decision).
    push_suggested: bool = False


class CommitParts(NamedTuple):
    """What one commit of a file is made of, passed along the commit protocol's steps."""

    relpath: str
    content: bytes
    blob: str
    msg_name: str
    sign: bool
    subject: str
    replace: bool
    check: Callable[[bytes], object] | None
    #: Further files of the same commit (commit_files): (relpath, content, blob) each.
    more: tuple[tuple[str, bytes, str], ...] = ()

    def files(self) -> list[tuple[str, bytes, str]]:
        """Every file of the commit, (relpath, content, blob) each, the first one first."""
        return [(self.relpath, self.content, self.blob), *self.more]


class Committer(RepoState):
    """The commit protocol: :meth:`commit_file` and what it takes to do it safely."""

    @property
    def _journal(self) -> pathlib.Path:
        """What a commit holding index.lock is for (store/index_lock.py)."""
        return self.data_dir / "commit.journal"

    def _hash(self, data: bytes = b"") -> HASH:
        """A hash of the repository's object format (hashlib: loaded to commit, not to start)."""
        import hashlib

        return hashlib.sha256(data) if self._object_format == "sha256" else hashlib.sha1(data, usedforsecurity=False)

    def check_ready(self, ref: str | None = None) -> list[CommitWarning]:
        """Raise StoreError (``refused``) if committing now would be wrong, onto HEAD or onto the
        branch ``ref`` (a team's answers branch, as :meth:`commit_file` takes it); return
        warnings. A lock left by a kundencheck that was killed while committing is finished or
        undone here (see :mod:`kundencheck.store.index_lock`)."""
        self._sweep_message_files()
        return self._refusals(self._target(ref))[1]

    def _target(self, ref: str | None) -> str | None:
        """The full name of the branch a commit onto ``ref`` moves when that is not the
        checked-out branch; None: the commit goes onto HEAD (and the index, the work tree)."""
        if ref is None:
            return None
        ref = ref if ref.startswith("refs/") else "refs/heads/" + ref
        return None if ref == self._symbolic_head() else ref

    def _refusals(self, ref: str | None) -> tuple[str | None, list[CommitWarning]]:
        """Step 1 of the protocol, before anything is written: raise StoreError (``refused``) if
        committing onto HEAD (``ref`` None) or onto the branch ``ref`` would be wrong now; return
        (HEAD's branch, or None when detached or not committing onto HEAD; warnings)."""
        if ref is not None:  # no index, no work tree: only the worktrees that have it matter
            self._check_not_checked_out_elsewhere(ref)
            return None, self._shallow_warning()
        symref, old = self._head()
        warnings = self._check_ready((symref, old))
        if symref is not None:
            self._check_not_checked_out_elsewhere(symref)
        return symref, warnings

    def _check_ready(self, head: tuple[str | None, str | None], *, lock_held: bool = False) -> list[CommitWarning]:
        for name, state, remedy in BLOCKING_STATES:
            if self._state_paths[name].exists():
                raise StoreError(
                    _("kundencheck will not commit now: {state} in {path}. First {remedy}.").format(
                        state=translate(state), path=self.root, remedy=translate(remedy)
                    ),
                    refused=True,
                )
        symref, old = head
        if symref is None and not self.allow_detached:
            raise StoreError(
                _(
                    "kundencheck will not commit now: HEAD is detached (not on a branch) at {commit} in {path}. "
                    "Switch to a branch with `git switch BRANCH` (or create one here with `git switch -c NAME`)."
                ).format(commit=(old or "")[:12], path=self.root),
                refused=True,
            )
        if not lock_held:
            # A running git holds index.lock for milliseconds; a crashed one leaves it forever.
            deadline = time.monotonic() + LOCK_WAIT
            while self._index_lock.exists():
                if self._recover_abandoned_commit():
                    continue
                if time.monotonic() > deadline:
                    raise self._locked_error()
                time.sleep(0.02)
        return self._shallow_warning()

    def _locked_error(self) -> StoreError:
        return StoreError(
            _(
                "kundencheck will not commit now: {lock} exists, so another git "
                "process is using this repository. Wait for it to finish; if no git is "
                "running, a crashed git left the lock behind and you can delete that file "
                "yourself (kundencheck never deletes it)."
            ).format(lock=self._index_lock),
            refused=True,
        )

    def _shallow_warning(self) -> list[CommitWarning]:
        return [CommitWarning(Caveat.SHALLOW)] if self._shallow else []

    def commit_files(
        self, files: Mapping[str, bytes], message: str, *, run_commit_msg_hook: bool = True, ref: str | None = None
    ) -> CommitResult:
        """Commit several new files (``relpath`` below ``.kundencheck/`` -> content) in one
        commit, by the same protocol as :meth:`commit_file` (``kundencheck init
        --copy-checklists``): every file is written into the work tree and the index, read back,
        and put back as it was when the commit does not happen."""
        if not files:
            raise ValueError("commit_files needs at least one file")
        (relpath, content), *more = files.items()
        return self.commit_file(relpath, content, message, run_commit_msg_hook=run_commit_msg_hook, ref=ref, more=dict(more))

    def commit_file(
        self,
        relpath: str,
        content: bytes,
        message: str,
        *,
        run_commit_msg_hook: bool = True,
        ref: str | None = None,
        replace: bool = False,
        check: Callable[[bytes], object] | None = None,
        more: Mapping[str, bytes] | None = None,
    ) -> CommitResult:
        """Commit one file (``relpath`` below ``.kundencheck/``) on top of HEAD, or of ``ref``.

        With ``ref`` (e.g. ``refs/heads/kundencheck``) the commit goes onto that branch and
        HEAD, the index and the work tree are left alone. The committed blob is ``content``
        byte for byte, whatever .gitattributes says; it is read back from the new commit and
        compared (and given to ``check``, which raises a KundencheckError for content it cannot
        read) before this returns. A file that is already in the tree is refused unless
        ``replace`` (answers files are written once). Raises StoreError on any refusal or
        failure, and then nothing has changed: no new commit, the branch, index and work tree
        as they were (docs/security.md, "The commit protocol").
        """
        for path in (relpath, *(more or {})):
            _check_relpath(path)
        body = _normalise_message(message)
        config = self.git_config()
        ref = self._target(ref)  # the checked-out branch: committed the normal way, keeping the index right
        symref, warnings = self._refusals(ref)
        if ref is None:
            for path in (relpath, *(more or {})):
                _refuse_symlinks(self.root, path)
        identity_from(config)  # a clear message instead of git's "Please tell me who you are"
        sign = git_bool(config, "commit.gpgsign")
        # The blob is exactly the bytes given: no clean filter, encoding or line-ending rule
        # of .gitattributes may change what is committed (it would not read back).
        blobs = {}
        for path, data in {relpath: content, **(more or {})}.items():
            blobs[path] = (
                self.run_git(
                    ["hash-object", "-w", "--no-filters", "--stdin"], stdin=data, what=_("store the answers file in git")
                )[1]
                .decode()
                .strip()
            )
            if (
                ref is None
                and self.run_git(["check-ignore", "-q", "--no-index", "--", path], what=_("check .gitignore"), ok=(0, 1))[0] == 0
            ):
                warnings.append(CommitWarning(Caveat.IGNORED, path))
        msg_name, subject, msg_fd = self._prepare_message(body, run_commit_msg_hook)
        commit = CommitParts(
            relpath,
            content,
            blobs[relpath],
            msg_name,
            sign,
            subject,
            replace,
            check,
            tuple((path, data, blobs[path]) for path, data in (more or {}).items()),
        )
        try:
            with self._writer_turn():
                if ref is None:
                    new, symref = self._commit_onto_head(commit, config, warnings, symref)
                else:
                    new, symref = self._commit_onto_branch(commit, ref, config), ref
        finally:
            _unlink_quietly(msg_name)  # our own temporary file, not the user's data
            os.close(msg_fd)
        branch = None if symref is None else symref.removeprefix("refs/heads/")
        return CommitResult(sha=new, branch=branch, subject=subject, warnings=tuple(warnings))

    def _take_index_lock(self) -> IndexLock:
        """index.lock, created as `git commit` creates it, with its journal (an IndexLock of
        store/index_lock.py); a journal left by a killed kundencheck is dealt with first."""
        from kundencheck.store.index_lock import IndexLock

        lock = IndexLock(self._index, self._journal, self.root)
        try:
            taken = lock.acquire(LOCK_WAIT, self._recover)
        except OSError as exc:  # the journal cannot be written: a full disk, a symbolic link
            raise write_failed(exc, self.data_dir) from exc
        if not taken:
            raise self._locked_error()
        return lock

    def _commit_onto_head(
        self, commit: CommitParts, config: dict[str, str | None], warnings: list[CommitWarning], checked: str | None
    ) -> tuple[str, str | None]:
        """The commit protocol for the checked-out branch, as `git commit` runs it: take
        index.lock, build the commit and the new index (in the lock), move HEAD by
        compare-and-swap, read the commit back, rename the lock over the index. Until the
        rename no other git can write the index, so none can commit in between."""
        lock = self._take_index_lock()
        tried: list[tuple[str, str | None]] = []  # the last (new, old) given to update-ref

        def trying(new: str, old: str | None) -> None:
            if not tried or tried[0][0] != new:
                lock.note(new=new)  # before HEAD can point at it: the journal says what to finish
            tried[:] = [(new, old)]

        moved = None
        try:
            symref, old = self._head()  # afresh: nothing but plumbing moves it while we hold the lock
            self._check_ready((symref, old), lock_held=True)
            if symref is not None and symref != checked:  # switched meanwhile: check that branch too
                self._check_not_checked_out_elsewhere(symref)
            lock.note(ref=symref or "HEAD", old=old, path=commit.relpath, blob=commit.blob)
            new = self._create_commit(commit, old)
            warnings += self._stage(commit, lock, config)
            new = self._swap_loop(commit, old, "HEAD", first=new, on_try=trying)
            moved = (new, old)
            self._read_back(new, commit)
            lock.commit()
            return new, symref
        except BaseException as exc:
            moved = moved or self._landed(tried, "HEAD")
            if moved is not None and not self._undo(*moved, "HEAD"):
                lock.commit()  # HEAD keeps the commit (it could not be undone): the index goes with it
            else:
                lock.release()
            if isinstance(exc, OSError):  # writing the journal or renaming the lock
                raise write_failed(exc, self.git_dir) from exc
            raise

    def _commit_onto_branch(self, commit: CommitParts, ref: str, config: dict[str, str | None]) -> str:
        """The commit protocol for a branch that is not checked out (a team's answers branch):
        no index and no work tree; build, compare-and-swap, read back."""
        old = self._resolve(ref)
        base_for = None
        joined: list[str] = []
        name = ref.removeprefix("refs/heads/")
        if name != ref:  # a team's answers branch: build on the newest runs this clone knows

            def base_for(tip: str | None) -> str | None:
                base = self._dedicated_base(name, tip, config)
                if tip is None and base is not None:
                    joined.append(base)
                return base

        tried: list[tuple[str, str | None]] = []
        moved = None
        try:
            new = self._swap_loop(
                commit,
                old,
                ref,
                base_for=base_for,
                on_try=lambda sha, expected: tried.__setitem__(slice(None), [(sha, expected)]),
            )
            moved = (new, old)
            self._read_back(new, commit)
        except BaseException:
            moved = moved or self._landed(tried, ref)
            if moved is not None:
                self._undo(*moved, ref)
            raise
        if old is None and joined:
            self._track_remote_branch(name, self._tracking_ref(name, config))
        return new

    def _create_commit(self, commit: CommitParts, base: str | None) -> str:
        tree = self._build_tree(base, commit.relpath, commit.blob, commit.replace)
        for relpath, _content, blob in commit.more:  # a tree id reads like a commit there
            tree = self._build_tree(tree, relpath, blob, commit.replace)
        return self._commit_tree(tree, base, commit.msg_name, commit.sign)

    def _stage(self, commit: CommitParts, lock: IndexLock, config: dict[str, str | None]) -> list[CommitWarning]:
        """Write the answers file into the work tree as `git checkout` would (smudge filter,
        working-tree-encoding, line endings) and build the new index in the lock: the user's
        index with the answers file's entry added, its stat data recorded where the file in
        the work tree cleans back to the committed blob (so `git status` stays clean). The
        further files of a commit of several are staged alike."""
        header = b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big")  # an empty index, for a new repository
        try:
            lock.start_from(self._index, header + self._hash(header).digest())
        except OSError as exc:
            raise StoreError(
                _("Could not read the index {path}: {reason}.").format(path=self._index, reason=_os_reason(exc))
            ) from exc
        for relpath, _content, blob in commit.files():
            # The entry is always set to the committed blob first: `update-index --add PATH`
            # alone keeps an entry git takes as unchanged (assume-unchanged, skip-worktree,
            # core.ignoreStat) and then writes no new index at all.
            args = ["update-index", "--add", "--cacheinfo", f"100644,{blob},{relpath}"]
            if not self._in_sparse_checkout(relpath, config):
                # Outside the sparse checkout: no file in the work tree, the entry skips it.
                args += ["--skip-worktree", "--", relpath]
            else:
                worktree = self.run_git(
                    ["cat-file", "--filters", f"--path={relpath}", blob], what=_("convert the answers file for the work tree")
                )[1]
                self._write_worktree_file(relpath, worktree, lock)
                try:  # what `git add` would store from that file: the same blob, or not
                    cleaned = self.run_git(
                        ["hash-object", "--stdin", f"--path={relpath}"],
                        stdin=worktree,
                        what=_("check the answers file in the work tree"),
                        ok=None,
                    )
                except StoreError:
                    cleaned = (1, b"", "")
                if cleaned[0] == 0 and cleaned[1].decode().strip() == blob:
                    args += ["--", relpath]  # re-adds it from the file: records its stat data
                # else a filter that does not give back what it was given: the entry as committed
            self.run_git(args, what=_("update the index"), env={"GIT_INDEX_FILE": str(lock.build)})
        lock.adopt()
        return []

    def _write_worktree_file(self, relpath: str, data: bytes, lock: IndexLock) -> None:
        # Imported at the first commit, not at every start.
        from kundencheck.store.atomic import atomic_write

        path = self.root / relpath
        _refuse_symlinks(self.root, relpath)
        try:
            previous: bytes | None = path.read_bytes()
        except FileNotFoundError:
            previous = None
        except OSError as exc:
            raise StoreError(_("Could not read {path}: {reason}.").format(path=path, reason=_os_reason(exc))) from exc
        new_folders: list[str] = []
        parent = pathlib.PurePosixPath(relpath).parent
        while str(parent) != "." and not (self.root / parent).exists():
            new_folders.insert(0, str(parent))
            parent = parent.parent
        lock.note_file(relpath, previous, data, new_folders)
        try:
            atomic_write(path, data, sync=False)  # a copy of the blob just stored, as `git checkout` writes it
        except OSError as exc:
            raise StoreError(_("Could not write {path}: {reason}.").format(path=path, reason=_os_reason(exc))) from exc

    def _in_sparse_checkout(self, relpath: str, config: dict[str, str | None]) -> bool:
        """Whether ``relpath`` belongs in the work tree of a sparse checkout (cone mode: the
        listed folders, everything below them and the files directly in their parents)."""
        if not (git_bool(config, "core.sparsecheckout") and git_bool(config, "core.sparsecheckoutcone")):
            return True
        status, out, _err = self.run_git(["sparse-checkout", "list"], what=_("read the sparse checkout"), ok=None, quick=True)
        if status != 0:
            return True
        parent = relpath.rsplit("/", 1)[0]
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            folder = line.strip().strip('"').strip("/")
            if folder and (parent == folder or parent.startswith(folder + "/") or folder.startswith(parent + "/")):
                return True
        return False

    def _read_back(self, new: str, commit: CommitParts) -> None:
        """Read the answers file (every file of a commit of several) from the new commit, as
        every reader will, and check that it is what was committed and can be read."""
        read = self._cat_batch([f"{new}:{relpath}" for relpath, _content, _blob in commit.files()])
        for (relpath, content, _blob), (kind, data) in zip(commit.files(), read, strict=True):
            if kind != "blob" or data != content:
                raise StoreError(
                    _(
                        "The commit of {path} did not read back as written (git gave {size} bytes of a {kind} "
                        "instead of the {expected} bytes committed), so it was undone. Check the repository with "
                        "`git fsck` and any `git replace` refs."
                    ).format(path=relpath, size=len(data), kind=kind or _("missing object"), expected=len(content))
                )
        if commit.check is not None:
            try:
                commit.check(read[0][1])
            except KundencheckError as exc:
                raise StoreError(
                    _("The commit of {path} did not read back as a valid file, so it was undone: {problem}").format(
                        path=commit.relpath, problem=exc
                    )
                ) from exc

    def _landed(self, tried: list[tuple[str, str | None]], target: str) -> tuple[str, str | None] | None:
        """After a failure: (new, old) when ``target`` points at the commit last given to
        update-ref after all (git moved it, then failed or was stopped before saying so)."""
        if not tried:
            return None
        with contextlib.suppress(StoreError):
            if self._resolve(target) == tried[0][0]:
                return tried[0]
        return None

    def _undo(self, new: str, old: str | None, target: str) -> bool:
        """Move ``target`` back from ``new`` to ``old`` (compare-and-swap); False when it has
        moved on since or git fails."""
        if old:
            args = ["update-ref", "-m", "kundencheck: undo an unfinished commit", target, old, new]
        else:
            args = ["update-ref", "-d", target, new]  # the branch did not exist (unborn) before
        try:
            return self.run_git(args, what=_("undo the commit"), ok=None)[0] == 0
        except StoreError:
            return False

    def _recover(self, state: dict[str, Any]) -> None:
        """Finish or undo the commit of a kundencheck that was killed while it held index.lock
        (its journal says what for): its branch holds that commit, so the lock's index goes
        with it; else the lock and the work-tree file it wrote are removed."""
        from kundencheck.store.index_lock import IndexLock, restore_worktree_file

        new, ref, old = state.get("new"), state.get("ref"), state.get("old")
        if not (ref == "HEAD" or (isinstance(ref, str) and ref.startswith("refs/heads/"))):
            ref = "HEAD"
        moved = False
        if isinstance(new, str) and self._resolve(new) is not None:  # else a journal that is not one
            tip = self._resolve(ref)
            moved = tip is not None and (tip == new or self._is_ancestor(new, tip))
        if moved and isinstance(new, str) and tip == new and not self._reads_back(new, state):
            # Killed before it had read the commit back, and it does not read back: undo it.
            moved = not self._undo(new, old if isinstance(old, str) else None, ref)
        lock = IndexLock(self._index, self._journal, self.root)
        forward = state.get("fast_forward")
        try:
            if lock.is_from(state):
                if not moved and isinstance(forward, list) and len(forward) == 2:
                    # Killed while bringing in the remote's commits (`kundencheck push`), before
                    # the branch moved: the files it updated go back as they were.
                    self._undo_fast_forward(lock.path, lock.build, *map(str, forward[::-1]))
                if moved:
                    lock.roll_forward()
                else:
                    lock.roll_back(state)
            elif not moved:
                restore_worktree_file(self.root, state)
        except OSError as exc:
            raise write_failed(exc, self.git_dir) from exc

    def _reads_back(self, new: str, state: dict[str, Any]) -> bool:
        """Whether the file a journal names reads back from ``new`` as the blob it committed."""
        path, blob = state.get("path"), state.get("blob")
        if not (isinstance(path, str) and isinstance(blob, str)):
            return True  # nothing to compare with
        kind, data = self._cat_batch([f"{new}:{path}"])[0]
        return kind == "blob" and self._hash(b"blob %d\0" % len(data) + data).hexdigest() == blob

    def _recover_abandoned_commit(self) -> bool:
        """Deal with a journal left by a kundencheck killed while committing; True if there was one."""
        from kundencheck.store import index_lock

        found = index_lock.abandoned_journal(self._journal)
        if found is None:
            return False
        fd, state = found
        try:
            self._recover(state)
        except BaseException:
            os.close(fd)
            raise
        index_lock.finish_abandoned(self._journal, fd)
        return True

    def _undo_fast_forward(self, lock: pathlib.Path, build: pathlib.Path, new: str, old: str) -> None:
        """Put the files a fast-forward to ``new`` updated back as they were at ``old``: a two-tree
        merge back, on the index it wrote (in ``build``, or adopted into the lock: then a copy in
        ``build``, so the lock stays the file it is); a file changed since is the user's and stays."""
        try:
            if not build.exists():
                try:
                    os.link(lock, build)
                except OSError:
                    shutil.copyfile(lock, build)
            self.run_git(
                ["read-tree", "-m", "-u", new, old], what=_("put your files back"), env={"GIT_INDEX_FILE": str(build)}, ok=None
            )
        except (OSError, StoreError):
            pass  # the files stay as the fast-forward left them; the index and the branch are as before

    def _prepare_message(self, body: str, run_hook: bool) -> tuple[str, str, int]:
        """Write the message to a file in git_dir and run the commit-msg hook on it.

        Returns (file name, subject, its descriptor); the caller deletes the file, then closes
        the descriptor. While it is open it holds a flock on the file: a message file nobody
        holds was left by a kundencheck that was killed, and is removed here.
        """
        self._sweep_message_files()
        try:
            fd, msg_name = tempfile.mkstemp(dir=self.git_dir, prefix=_MESSAGE_PREFIX)
        except OSError as exc:
            raise StoreError(
                _("Could not write the commit message into {path}: {reason}.").format(path=self.git_dir, reason=_os_reason(exc))
            ) from exc
        try:
            flock(fd)
            os.write(fd, body.encode("utf-8"))
            if run_hook:
                self._run_commit_msg_hook(msg_name)
                body = pathlib.Path(msg_name).read_bytes().decode("utf-8", "replace")
                if not body.strip():
                    raise StoreError(
                        _("The commit-msg hook emptied the commit message, so there is nothing to commit with. Check the hook.")
                    )
        except OSError as exc:
            _unlink_quietly(msg_name)
            os.close(fd)
            raise StoreError(
                _("Could not write the commit message into {path}: {reason}.").format(path=self.git_dir, reason=_os_reason(exc))
            ) from exc
        except BaseException:
            _unlink_quietly(msg_name)
            os.close(fd)
            raise
        return msg_name, body.strip().split("\n", 1)[0].strip(), fd

    def _sweep_message_files(self) -> None:
        """Remove message files of killed kundencheck processes (no flock held on them)."""
        for stale in self.git_dir.glob(_MESSAGE_PREFIX + "*"):
            try:
                fd = os.open(stale, os.O_RDONLY)
            except OSError:
                continue
            try:
                if flock(fd, wait=False):
                    _unlink_quietly(str(stale))
            finally:
                os.close(fd)

    def _swap_loop(
        self,
        commit: CommitParts,
        old: str | None,
        target: str,
        *,
        base_for: Callable[[str | None], str | None] | None = None,
        first: str | None = None,
        on_try: Callable[[str, str | None], None] | None = None,
    ) -> str:
        """Build the commit on ``old``, compare-and-swap ``target``; rebuild if it moved.

        ``base_for(old)``, when given, names the commit to build on instead of ``old`` (a
        descendant of it, or ``old`` itself); the swap still expects ``target`` at ``old``.
        ``first``: the commit already built on ``old``. ``on_try(new, old)`` is told before
        every update-ref. Returns the new commit's id.
        """
        new: str | None = first
        base = old
        for attempt in range(_CAS_TRIES):
            if new is None:
                base = base_for(old) if base_for is not None else old
                new = self._create_commit(commit, base)
            if on_try is not None:
                on_try(new, old)
            reflog = f"commit{'' if base else ' (initial)'}: {commit.subject}"
            status, _out, err = self.run_git(
                ["update-ref", "-m", reflog, target, new, old or ""], what=_("move the branch"), ok=None
            )
            if status == 0:
                return new
            now = self._head()[1] if target == "HEAD" else self._resolve(target)
            if now == new:
                return new  # git moved it and then failed (or was stopped) before saying so
            if now != old:
                old, new = now, None  # someone committed meanwhile: rebuild on top of theirs
                if attempt == 0:
                    continue  # typically a commit made while we waited for our turn
            elif ".lock" not in err:
                raise StoreError(
                    _("Could not move {ref} to the new commit {commit}. git said: {error}").format(
                        ref=target, commit=new[:12], error=err.strip() or _("(nothing)")
                    )
                )
            # else: only the ref's lock was busy; retry the same swap
            _backoff(attempt)
        raise StoreError(
            _(
                "{ref} kept moving (or stayed locked) while kundencheck tried to "
                "commit, {n} times; another program is committing busily. "
                "Try again in a moment."
            ).format(ref=target, n=_CAS_TRIES)
        )

    @contextlib.contextmanager
    def _writer_turn(self) -> Iterator[None]:
        """Take turns with other kundencheck processes on this repository.

        For fairness only: under heavy parallel use the compare-and-swap alone let some
        writers lose 20 times in a row. Correctness never depends on this lock (other git
        programs don't take it), so if it cannot be had in time we go ahead without it.
        """
        try:
            import fcntl
        except ImportError:  # Windows: no flock; the compare-and-swap still holds
            yield
            return
        try:
            folder = self.common_dir / "kundencheck"
            folder.mkdir(exist_ok=True)
            fd = os.open(folder / "commit.flock", os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            yield
            return
        try:
            deadline = time.monotonic() + _TURN_WAIT
            while time.monotonic() < deadline:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # releases the flock; the file stays (deleting it would race)

    def _run_commit_msg_hook(self, msg_name: str) -> None:
        status, _out, err = self.run_git(
            ["hook", "run", "--ignore-missing", "commit-msg", "--", msg_name],
            what=_("run the commit-msg hook"),
            ok=None,
            user_locale=True,
        )
        if status != 0:
            raise StoreError(
                _(
                    "The repository's commit-msg hook rejected the commit (exit status "
                    "{status}). It said: {output}. Fix what it "
                    "complains about, or the hook itself."
                ).format(status=status, output=err.strip() or _("(nothing)"))
            )

    def _commit_tree(self, tree: str, old: str | None, msg_name: str, sign: bool) -> str:
        args = ["commit-tree", tree]
        if old:
            args += ["-p", old]
        if sign:  # commit-tree does not read commit.gpgsign itself
            args.append("-S")
        args += ["-F", msg_name]
        status, out, err = self.run_git(args, what=_("create the commit"), ok=None, user_locale=sign)
        if status == 0:
            return out.decode().strip()
        if sign:
            raise StoreError(
                _(
                    "Signing the commit failed (commit.gpgsign is true, so kundencheck signs as "
                    "`git commit` would). git said: {error}. Check your signing setup "
                    "(user.signingKey, gpg.program, gpg.format; `git commit --allow-empty -S -m test` "
                    "in a scratch repository shows the same error), or switch signing off for this "
                    "repository with `git config commit.gpgsign false`."
                ).format(error=err.strip())
            )
        raise StoreError(_("git could not create the commit. git said: {error}").format(error=err.strip() or _("(nothing)")))

    def _build_tree(self, base: str | None, relpath: str, blob: str, replace: bool = True) -> str:
        """Root tree of ``base`` with ``relpath`` set to ``blob``; no index involved.

        One `cat-file --batch` reads every tree on the path, one `mktree --batch` writes the
        new ones bottom-up (their ids are computed here so a parent can name its child; mktree
        verifies each child exists, and its ids are compared with ours). A file already at
        ``relpath`` is refused unless ``replace``.
        """
        parts = relpath.split("/")
        dirs = ["/".join(parts[:i]) for i in range(len(parts))]  # "", ".kundencheck", ...
        levels: list[dict[bytes, tuple[int, bytes]]] = [{} for _ in dirs]
        if base is not None:
            queries = [f"{base}^{{tree}}"] + [f"{base}:{d}" for d in dirs[1:]]
            # As the objects are, not as `git replace` shows them: the commit's parent is the
            # real one, so its tree must be too, else the commit would change other files.
            for i, (kind, data) in enumerate(self._cat_batch(queries, replaced=False)):
                if kind != "tree":
                    # Missing: it and everything below start empty. Not a folder (a file, a
                    # submodule): its entry in the folder above is refused below, by its mode.
                    break
                levels[i] = self._parse_tree(data)
        leaf = levels[-1].get(parts[-1].encode("utf-8"))
        if leaf is not None and leaf[0] != 0o40000 and not replace:
            raise StoreError(
                _(
                    "{path} is already committed (in {commit}); kundencheck never replaces a "
                    "committed answers file (`kundencheck amend` corrects one with a new file)."
                ).format(path=relpath, commit=(base or "")[:12]),
                refused=True,
            )
        child_mode, child_id = 0o100644, bytes.fromhex(blob)
        stream: list[bytes] = []
        ids: list[str] = []
        for i in range(len(dirs) - 1, -1, -1):
            name = parts[i].encode("utf-8")
            existing = levels[i].get(name)
            if existing and (existing[0] == 0o40000) != (child_mode == 0o40000):
                if existing[0] == 0o40000:
                    message = _("{name} already exists in the repository as a folder, so {path} cannot be stored there.")
                elif existing[0] == 0o160000:
                    message = _(
                        "{name} is a submodule (another repository inside this one), so {path} cannot be "
                        "stored there. Move the submodule elsewhere (`git mv`) or remove it."
                    )
                else:
                    message = _("{name} already exists in the repository as a file, so {path} cannot be stored there.")
                raise StoreError(message.format(name="/".join(parts[: i + 1]), path=relpath))
            levels[i][name] = (child_mode, child_id)
            raw, listing = self._serialise_tree(levels[i])
            child_mode, child_id = 0o40000, self._hash(b"tree %d\0" % len(raw) + raw).digest()
            stream.append(listing + b"\0")
            ids.append(child_id.hex())
        status, out, err = self.run_git(
            ["mktree", "-z", "--batch"], stdin=b"".join(stream), what=_("write the new folder trees"), ok=None
        )
        written = out.decode().split()
        if status != 0 or written != ids:
            said = err.strip() or _("unexpected tree ids {ids}").format(ids=" ".join(written))
            raise StoreError(_("git could not write the trees for {path}. git said: {error}").format(path=relpath, error=said))
        return ids[-1]

    def _parse_tree(self, data: bytes) -> dict[bytes, tuple[int, bytes]]:
        size = self._hash().digest_size
        entries: dict[bytes, tuple[int, bytes]] = {}
        pos = 0
        while pos < len(data):
            space = data.index(b" ", pos)
            nul = data.index(b"\0", space)
            entries[data[space + 1 : nul]] = (int(data[pos:space], 8), data[nul + 1 : nul + 1 + size])
            pos = nul + 1 + size
        return entries

    @staticmethod
    def _serialise_tree(entries: dict[bytes, tuple[int, bytes]]) -> tuple[bytes, bytes]:
        """(raw tree object body, `mktree -z` input) in git's tree order."""
        # git sorts a folder as if its name ended in "/".
        order = sorted(entries, key=lambda n: n + b"/" if entries[n][0] == 0o40000 else n)
        raw, listing = [], []
        for name in order:
            mode, oid = entries[name]
            kind = b"tree" if mode == 0o40000 else b"commit" if mode == 0o160000 else b"blob"
            raw.append(b"%o %s\0%s" % (mode, name, oid))
            listing.append(b"%06o %s %s\t%s\0" % (mode, kind, oid.hex().encode(), name))
        return b"".join(raw), b"".join(listing)


# ---------------------------------------------------------------------- module helpers


def _check_relpath(relpath: str) -> None:
    if not isinstance(relpath, str):
        raise StoreError(_("Refusing to store answers at {path}: the path must be a string.").format(path=repr(relpath)))
    parts = relpath.split("/")
    bad = (
        not relpath.startswith(ANSWERS_ROOT)
        or relpath.startswith("/")
        or "\\" in relpath
        or any(c < " " for c in relpath)  # NUL, newlines: unrepresentable or confusing
        or any(p in ("", ".", "..") or p.lower() == ".git" for p in parts)
    )
    if bad:
        raise StoreError(
            _(
                "Refusing to store answers at {path}: the path must be a plain "
                "relative path inside {folder} (forward slashes, no '..', no "
                "empty or '.git' parts)."
            ).format(path=repr(relpath), folder=ANSWERS_ROOT)
        )


def _refuse_symlinks(root: pathlib.Path, relpath: str) -> None:
    # Writing through a symlinked folder would put the answers outside the repository.
    path = root
    for part in relpath.split("/"):
        path = path / part
        if path.is_symlink():
            raise StoreError(
                _(
                    "{path} is a symbolic link; kundencheck only writes answers into "
                    "real folders of the work tree. Replace the link with a folder."
                ).format(path=path)
            )


def _normalise_message(message: str) -> str:
    body = message.strip("\n")
    if not body.strip():
        raise StoreError(_("The commit message is empty; kundencheck needs a subject line to commit the answers."))
    return body + "\n"


def _os_reason(exc: OSError) -> str:
    import errno

    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return _("{reason} (the disk is full; free some space and try again)").format(reason=reason)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _("{reason} (the repository is read-only for you; check its permissions)").format(reason=reason)
    if exc.errno == errno.ELOOP:
        return _(
            "{reason} (a symbolic link where kundencheck keeps a file of its own, which it never "
            "writes through; delete the link and try again)"
        ).format(reason=reason)
    return reason


def write_failed(exc: OSError, where: pathlib.Path) -> StoreError:
    """An OSError of kundencheck's own files while committing (the journal, the lock), as the
    StoreError it is: nothing was committed (``where``: the folder, when the error names no file)."""
    return StoreError(_("Could not write {path}: {reason}.").format(path=exc.filename or where, reason=_os_reason(exc)))


def flock(fd: int, *, wait: bool = True) -> bool:
    """Take an exclusive flock on ``fd`` (False when ``wait`` is off and another process holds
    it). Without flock (Windows), False and nothing held."""
    try:
        import fcntl
    except ImportError:
        return False  # unknown: a sweep then removes nothing
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _unlink_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def _backoff(attempt: int) -> None:
    # Exponential with full jitter, capped: busy committers must not keep colliding in lockstep,
    # and one that lost several times in a row waits long enough to get a clear turn.
    time.sleep(random.uniform(0.0, min(0.5, 0.01 * 2**attempt)))  # noqa: S311 - jitter, not a secret
