"""The only code in kundencheck that talks to git.

Answers are committed into the team's own repository without disturbing anything the user
is doing there: the new commit is built from HEAD's tree with plumbing commands (no index is
used to build it); index.lock is held, as `git commit` holds it, while HEAD moves by
compare-and-swap and the answers file's entry is added to the index; the commit is read back
before it counts. The user's staged, unstaged and untracked changes are never touched. The
steps and why each is there: docs/security.md, "The commit protocol".

Every git call goes through GitPython's ``Git`` command wrapper (the object ``Repo.git`` is),
i.e. the git CLI: GitPython's own index and ref writers sweep staged changes into commits,
ignore ``commit.gpgsign`` and lose commits under concurrency.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from kundencheck.core.errors import KundencheckError, StoreError
from kundencheck.core.i18n import N_, _, translate
from kundencheck.store.push import (
    GATE_REPORT_ENV,
    Attempt,
    BringIn,
    PushFailure,
    PushRefusal,
    PushResult,
    classify,
    hook_run,
    output_of,
    read_gate_report,
)

__all__ = ["ANSWERS_ROOT", "CommitResult", "GitStore", "Identity", "MIN_GIT_VERSION", "PushError", "PushFailure",
           "PushRefusal", "PushResult", "Unfetched"]

#: `git hook run --ignore-missing` appeared in git 2.36.
MIN_GIT_VERSION = (2, 36)
#: Every path kundencheck commits lives below this folder of the work tree.
ANSWERS_ROOT = ".kundencheck/"

# (file under `git rev-parse --git-path`, what it means, how to get out of it); the texts are
# marked for the catalogs and translated where the message is made.
_BLOCKING_STATES: tuple[tuple[str, str, str], ...] = (
    ("MERGE_HEAD", N_("a merge is in progress"),
     N_("finish it (resolve the conflicts, `git add` the files, `git commit`) or abort it with "
        "`git merge --abort`")),
    ("CHERRY_PICK_HEAD", N_("a cherry-pick is in progress"),
     N_("finish it with `git cherry-pick --continue` or abort it with `git cherry-pick --abort`")),
    ("REVERT_HEAD", N_("a revert is in progress"),
     N_("finish it with `git revert --continue` or abort it with `git revert --abort`")),
    ("rebase-merge", N_("a rebase is in progress"),
     N_("finish it with `git rebase --continue` or abort it with `git rebase --abort`")),
    ("rebase-apply", N_("a rebase (or `git am`) is in progress"),
     N_("finish it with `git rebase --continue` (`git am --continue`) or abort it with "
        "`git rebase --abort` (`git am --abort`)")),
    ("BISECT_LOG", N_("a bisect is in progress"),
     N_("end it with `git bisect reset`")),
    ("sequencer", N_("a multi-commit cherry-pick or revert is in progress"),
     N_("finish it with `git cherry-pick --continue` (or `git revert --continue`) or abort it "
        "with `git cherry-pick --abort` (or `git revert --abort`)")),
)

_MESSAGE_PREFIX = "KUNDENCHECK_MSG."  # the commit message's temporary file in the git dir
_CAS_TRIES = 20  # HEAD moved by someone else: rebuild on the new tip this many times
_LOCK_WAIT = 1.0  # seconds to wait for another git's index.lock to go away before refusing
_TURN_WAIT = 30.0  # seconds to wait for another kundencheck process's turn (see _writer_turn)
_GIT_VERSIONS: dict[str, tuple[int, ...]] = {}  # executable -> version, checked once


# A NamedTuple, not a frozen dataclass: cheaper to define at every start (see core/checklist.py).
class Identity(NamedTuple):
    """The author git will record: name and email."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class CommitResult(NamedTuple):
    """What a commit of answers made: the commit, its branch and subject, and any warnings."""

    sha: str
    #: Short branch name ("main"), the full ref for refs outside refs/heads, None if detached.
    branch: str | None
    subject: str
    warnings: tuple[str, ...]
    #: After a push (see RunSession.push): what was pushed, or why it did not go through (data
    #: the CLI and the TUI say in words). Both None when no push was asked for.
    pushed: PushResult | None = None
    push_failure: PushFailure | None = None
    #: The project suggests pushing (storage.push) and the person has not accepted or declined
    #: it yet, so nothing was pushed (see RunSession.push_decision).
    push_suggested: bool = False


class _Commit(NamedTuple):
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


class _LocalCommit(NamedTuple):
    """A commit of the checked-out branch that the remote's lacks (see _local_commits)."""

    sha: str
    subject: str
    #: (path, blob) of the answers file it adds, when it is an answers commit of kundencheck's.
    answers: tuple[str, str] | None


class _BroughtIn(NamedTuple):
    """The remote's commits brought into the checked-out branch (see _bring_in_remote_commits)."""

    commits: int
    moved: int
    #: The remote has every commit of ours already: nothing to push, nothing brought in.
    nothing_to_push: bool = False


class _OutOfTime(Exception):
    """The push time limit ran out while fetching."""


class _InTheWay(StoreError):
    """A fast-forward git refused: ``changed_files`` are the user's changes in its way."""

    def __init__(self, message: str, changed_files: tuple[str, ...]) -> None:
        super().__init__(message)
        self.changed_files = changed_files


class Unfetched(NamedTuple):
    """Blobs a partial clone lacks and could not fetch (see GitStore.fetch_missing)."""

    oids: frozenset[str]
    #: The promisor remote asked, and why it did not give them.
    remote: str
    reason: str


class PushError(StoreError):
    """A push that did not go through or did not finish in time. The commit is kept.

    ``failure`` says why, as data (store/push.py); the CLI and the TUI say it in words
    (kundencheck/push_texts.py). The message is a short fallback for logs."""

    def __init__(self, failure: PushFailure) -> None:
        fallback = failure.detail or _("Pushing {branch} to {remote} did not go through ({refusal}).").format(
            branch=failure.branch, remote=failure.remote, refusal=failure.refusal.value)
        super().__init__(fallback)
        self.failure = failure


def _not_pushable(branch: str, detail: str) -> PushError:
    """Nothing was pushed because there is nothing to push to (``detail`` says what is missing
    and the command that sets it up)."""
    return PushError(PushFailure(PushRefusal.NOT_PUSHABLE, branch, detail=detail))


class GitStore:
    """One repository's work tree, opened with :meth:`open`; a context manager."""

    #: Seconds after which any single git call is killed (a hook or gpg waiting forever).
    timeout: float = 60.0
    #: Seconds a push may take, with the fetch and second push a team's answers branch may need
    #: (a slow network, a server that does not answer); then it is stopped. Never prompts.
    push_timeout: float = 60.0

    def __init__(self, values: dict[str, Any], allow_detached: bool) -> None:
        # Use GitStore.open(); this only stores what open() found out.
        self._gitmod: Any = None
        self._git_cmd: Any = None
        self.root: pathlib.Path = values["root"]
        self.git_dir: pathlib.Path = values["git_dir"]
        self.common_dir: pathlib.Path = values["common_dir"]
        self.allow_detached = allow_detached
        self._shallow: bool = values["shallow"]
        self._state_paths: dict[str, pathlib.Path] = values["state_paths"]
        self._index: pathlib.Path = values["index"]
        self._index_lock = self._index.with_name(self._index.name + ".lock")
        self._object_format: str = values["object_format"]
        self._exe: str = values["exe"]
        #: Quick reads started ahead (start_reading_state), by their git arguments; each is
        #: taken by the first _run of the same arguments, so it is never read twice.
        self._started: dict[tuple[str, ...], _StartedGit] = {}

    def _hash(self, data: bytes = b"") -> Any:
        """A hash of the repository's object format (hashlib: loaded to commit, not to start)."""
        import hashlib

        return hashlib.sha256(data) if self._object_format == "sha256" else hashlib.sha1(data)

    @property
    def _git(self) -> Any:
        """GitPython's command wrapper, imported on first use.

        Importing GitPython costs about as much as a third of Textual's import, so the calls
        made before the first screen (opening, HEAD, identity) run git directly and GitPython
        is loaded when the store first commits or reads history, usually in a worker thread.
        """
        if self._git_cmd is None:
            self._gitmod = _import_gitpython()
            self._git_cmd = self._gitmod.Git(str(self.root))
            self._git_cmd.update_environment(GIT_TERMINAL_PROMPT="0")
        return self._git_cmd

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(cls, path: str | os.PathLike[str] = ".", *, allow_detached: bool = False) -> GitStore:
        """Open the repository containing ``path`` (parent folders are searched)."""
        start = pathlib.Path(path).expanduser().absolute()
        if not start.exists():
            raise StoreError(_("{path} does not exist, so there is no repository to open there.").format(path=start))
        exe, check_version = _start_finding_git()  # finished below, once rev-parse has run alongside
        if not start.is_dir():
            start = start.parent
        state_names = [name for name, _, _ in _BLOCKING_STATES] + ["index"]  # `index` honours GIT_INDEX_FILE
        args = ["rev-parse", "--path-format=absolute", "--is-bare-repository",
                "--is-shallow-repository", "--show-object-format", "--absolute-git-dir",
                "--git-common-dir"]
        for name in state_names:
            args += ["--git-path", name]
        args.append("--show-toplevel")  # last: it fails outside a work tree, after the rest
        try:
            status, raw, err = _run_plain([exe, *args], start, cls.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            check_version()  # a git that cannot run or is too old is said as such
            raise StoreError(_("Could not run git to open the repository at {path}: {error}").format(path=start, error=exc)) from exc
        check_version()  # before reading rev-parse's answer: an old git's errors would mislead
        out = raw.decode("utf-8", "surrogateescape").rstrip("\n")
        lines = out.splitlines()
        if not lines:
            if "not a git repository" in err:
                raise StoreError(_(
                    "{path} is not inside a git repository. kundencheck keeps the answers in "
                    "the project's git history: run `git init` in the project folder first (or "
                    "run kundencheck inside an existing repository), or try `kundencheck demo` "
                    "to look around in a throwaway repository.").format(path=start))
            raise StoreError(_("git could not open the repository at {path}. git said: {error}").format(
                path=start, error=err.strip()))
        if lines[0] == "true":
            raise StoreError(_(
                "{path} is a bare repository (it has no work tree to keep answers in). Run kundencheck "
                "inside a clone of it instead, e.g. after `git clone` of that repository.").format(
                path=lines[4] if len(lines) > 4 else start))
        n_fixed = 5
        if status != 0 or len(lines) != n_fixed + len(state_names) + 1:
            git_dir = lines[3] if len(lines) > 3 else _("the .git folder")
            raise StoreError(_(
                "{path} is inside {git_dir}, not in a work tree. Run kundencheck from the "
                "project folder itself. git said: {error}").format(path=start, git_dir=git_dir, error=err.strip()))
        paths = dict(zip(state_names, lines[n_fixed:n_fixed + len(state_names)]))
        values = {
            "shallow": lines[1] == "true",
            "object_format": lines[2],
            "git_dir": pathlib.Path(lines[3]),
            "common_dir": pathlib.Path(lines[4]),
            "state_paths": {n: pathlib.Path(paths[n]) for n, _, _ in _BLOCKING_STATES},
            "index": pathlib.Path(paths["index"]),
            "root": pathlib.Path(lines[-1]),
            "exe": exe,
        }
        return cls(values, allow_detached)

    def close(self) -> None:
        """End any helper processes GitPython keeps, and reads started ahead but never taken."""
        while self._started:
            self._started.popitem()[1].abandon()
        if self._git_cmd is not None:
            self._git_cmd.clear_cache()

    def __enter__(self) -> GitStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GitStore({str(self.root)!r})"

    @property
    def repository_folder(self) -> pathlib.Path:
        """The repository's folder, the same for all its worktrees (the main worktree's): what
        per-repository choices in the user config are recorded under."""
        return self.common_dir.parent if self.common_dir.name == ".git" else self.common_dir

    @property
    def data_dir(self) -> pathlib.Path:
        """kundencheck's own folder (drafts, cache) inside the per-worktree git dir; not created."""
        return self.git_dir / "kundencheck"

    @property
    def _journal(self) -> pathlib.Path:
        """What a commit holding index.lock is for (store/index_lock.py)."""
        return self.data_dir / "commit.journal"

    # ------------------------------------------------------------------ state

    def is_shallow(self) -> bool:
        return self._shallow

    @classmethod
    def init_repository(cls, path: str | os.PathLike[str]) -> GitStore:
        """``git init`` a new repository at ``path`` (used by the demo) and open it."""
        exe = _find_git()
        target = pathlib.Path(path)
        try:
            target.mkdir(parents=True, exist_ok=True)
            status, _out, err = _run_plain([exe, "init", "-q"], target, cls.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            raise StoreError(_("Could not create a git repository in {path}: {error}").format(path=target, error=exc)) from exc
        if status != 0:
            raise StoreError(_("Could not create a git repository in {path}: {error}").format(path=target, error=err.strip()))
        return cls.open(target)

    def set_local_config(self, key: str, value: str) -> None:
        """Set a key in this repository's own config (``git config KEY VALUE``)."""
        self._run(["config", key, value], what=_("set git config {key}").format(key=key))

    def start_reading_state(self) -> None:
        """Start what :meth:`identity` and :meth:`check_ready` read from git (its config and
        HEAD) in the background, so the caller can do other work while git runs (the TUI is
        imported meanwhile: some milliseconds of every start). Their next call takes the answer;
        each answer is taken once, later calls read afresh; :meth:`close` ends any not taken."""
        for args in (_CONFIG_ARGS, _HEAD_ARGS):
            if args not in self._started:
                try:
                    self._started[args] = _StartedGit([self._exe, *args], self.root, self.timeout)
                except OSError:
                    return  # no process to start (none left, no memory): the call itself says why

    def remotes(self) -> set[str]:
        """The names of the configured remotes (those with a url)."""
        return _remotes(self._config())

    def identity(self) -> Identity:
        """The author git will record, from the environment and git config, as `git commit` does."""
        return _identity_from(self._config())

    def check_ready(self, ref: str | None = None) -> list[str]:
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

    def _refusals(self, ref: str | None) -> tuple[str | None, list[str]]:
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

    def _check_ready(self, head: tuple[str | None, str | None], *, lock_held: bool = False) -> list[str]:
        for name, state, remedy in _BLOCKING_STATES:
            if self._state_paths[name].exists():
                raise StoreError(
                    _("kundencheck will not commit now: {state} in {path}. First {remedy}.").format(
                        state=translate(state), path=self.root, remedy=translate(remedy)), refused=True)
        symref, old = head
        if symref is None and not self.allow_detached:
            raise StoreError(
                _("kundencheck will not commit now: HEAD is detached (not on a branch) at {commit} in {path}. "
                  "Switch to a branch with `git switch BRANCH` (or create one here with `git switch -c NAME`).").format(
                    commit=(old or "")[:12], path=self.root), refused=True)
        if not lock_held:
            # A running git holds index.lock for milliseconds; a crashed one leaves it forever.
            deadline = time.monotonic() + _LOCK_WAIT
            while self._index_lock.exists():
                if self._recover_abandoned_commit():
                    continue
                if time.monotonic() > deadline:
                    raise self._locked_error()
                time.sleep(0.02)
        return self._shallow_warning()

    def _locked_error(self) -> StoreError:
        return StoreError(_(
            "kundencheck will not commit now: {lock} exists, so another git "
            "process is using this repository. Wait for it to finish; if no git is "
            "running, a crashed git left the lock behind and you can delete that file "
            "yourself (kundencheck never deletes it).").format(lock=self._index_lock), refused=True)

    def _shallow_warning(self) -> list[str]:
        if not self._shallow:
            return []
        return [_("This repository is a shallow clone, so its history is incomplete: the answers "
                  "are committed normally, but older runs are missing from history views. Run "
                  "`git fetch --unshallow` to fetch the full history.")]

    def _check_not_checked_out_elsewhere(self, ref: str) -> None:
        """Refuse, as git does, to move a branch that another worktree of this repository has
        checked out (or is rebasing or bisecting): that worktree's index and files would stay
        behind, and its next commit would undo the answers."""
        if not ref.startswith("refs/heads/"):
            return
        try:
            if not any((self.common_dir / "worktrees").iterdir()):
                return
        except OSError:
            return  # no linked worktrees: the only work tree is this one
        out = self._run(["worktree", "list", "--porcelain", "-z"], what=_("list the worktrees"), quick=True)[1]
        admin_dirs = {self._worktree_path(self.common_dir): self.common_dir}
        for admin in (self.common_dir / "worktrees").iterdir():
            admin_dirs[self._worktree_path(admin)] = admin
        here = self._worktree_path(self.git_dir)
        for record in out.decode("utf-8", "surrogateescape").split("\0\0"):
            fields = dict((line.split(" ", 1) + [""])[:2] for line in record.split("\0") if line)
            if "worktree" not in fields or "bare" in fields:
                continue
            path = fields["worktree"]
            admin = admin_dirs.get(_real(path))
            if _real(path) == here or (admin is not None and _real(str(admin)) == _real(str(self.git_dir))):
                continue
            if fields.get("branch") != ref and not (admin is not None and _changing_branch(admin, ref)):
                continue
            branch = ref.removeprefix("refs/heads/")
            if "prunable" in fields:
                raise StoreError(_(
                    "kundencheck will not commit now: the branch {branch} is already checked out at {path}, "
                    "a worktree whose folder is gone. `git worktree prune` forgets it; then try again.").format(
                    branch=branch, path=path), refused=True)
            raise StoreError(_(
                "kundencheck will not commit now: the branch {branch} is already checked out at {path} "
                "(another worktree of this repository). Moving it would leave that worktree's index and "
                "files behind, so its next commit would undo the answers; git refuses the same. Commit from "
                "that worktree (`cd {quoted}`), switch it to another branch there, or set storage.branch in "
                ".kundencheck/config.toml to a branch no worktree has checked out.").format(
                branch=branch, path=path, quoted=_sh(path)), refused=True)

    def _worktree_path(self, admin: pathlib.Path) -> str:
        """The work tree a git dir belongs to: the main one's parent folder, a linked one's
        ``gitdir`` file (the path of that worktree's ``.git`` file)."""
        if admin == self.common_dir:
            return _real(str(admin.parent if admin.name == ".git" else admin))
        try:
            return _real(str(pathlib.Path((admin / "gitdir").read_text().strip()).parent))
        except OSError:
            return str(admin)

    # ------------------------------------------------------------------ committing

    def commit_files(self, files: Mapping[str, bytes], message: str, *,
                     run_commit_msg_hook: bool = True, ref: str | None = None) -> CommitResult:
        """Commit several new files (``relpath`` below ``.kundencheck/`` -> content) in one
        commit, by the same protocol as :meth:`commit_file` (``kundencheck init
        --copy-checklists``): every file is written into the work tree and the index, read back,
        and put back as it was when the commit does not happen."""
        if not files:
            raise ValueError("commit_files needs at least one file")
        (relpath, content), *more = files.items()
        return self.commit_file(relpath, content, message, run_commit_msg_hook=run_commit_msg_hook, ref=ref,
                                more=dict(more))

    def commit_file(self, relpath: str, content: bytes, message: str, *,
                    run_commit_msg_hook: bool = True, ref: str | None = None, replace: bool = False,
                    check: Callable[[bytes], object] | None = None,
                    more: Mapping[str, bytes] | None = None) -> CommitResult:
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
        config = self._config()
        ref = self._target(ref)  # the checked-out branch: committed the normal way, keeping the index right
        symref, warnings = self._refusals(ref)
        if ref is None:
            for path in (relpath, *(more or {})):
                _refuse_symlinks(self.root, path)
        _identity_from(config)  # a clear message instead of git's "Please tell me who you are"
        sign = _git_bool(config, "commit.gpgsign")
        # The blob is exactly the bytes given: no clean filter, encoding or line-ending rule
        # of .gitattributes may change what is committed (it would not read back).
        blobs = {}
        for path, data in {relpath: content, **(more or {})}.items():
            blobs[path] = self._run(["hash-object", "-w", "--no-filters", "--stdin"], stdin=data,
                                    what=_("store the answers file in git"))[1].decode().strip()
            if ref is None and self._run(["check-ignore", "-q", "--no-index", "--", path],
                                         what=_("check .gitignore"), ok=(0, 1))[0] == 0:
                warnings.append(_(
                    "{path} is ignored by .gitignore; committed anyway. `git check-ignore -v "
                    "{path}` shows the rule; add a `!` rule for .kundencheck/ to see the "
                    "answers in `git status`.").format(path=path))
        msg_name, subject, msg_fd = self._prepare_message(body, run_commit_msg_hook)
        commit = _Commit(relpath, content, blobs[relpath], msg_name, sign, subject, replace, check,
                         tuple((path, data, blobs[path]) for path, data in (more or {}).items()))
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

    def _take_index_lock(self) -> Any:
        """index.lock, created as `git commit` creates it, with its journal (an IndexLock of
        store/index_lock.py); a journal left by a killed kundencheck is dealt with first."""
        from kundencheck.store.index_lock import IndexLock

        lock = IndexLock(self._index, self._journal, self.root)
        try:
            taken = lock.acquire(_LOCK_WAIT, self._recover)
        except OSError as exc:  # the journal cannot be written: a full disk, a symbolic link
            raise _write_failed(exc, self.data_dir) from exc
        if not taken:
            raise self._locked_error()
        return lock

    def _commit_onto_head(self, commit: _Commit, config: dict[str, str | None], warnings: list[str],
                          checked: str | None) -> tuple[str, str | None]:
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
                raise _write_failed(exc, self.git_dir) from exc
            raise

    def _commit_onto_branch(self, commit: _Commit, ref: str, config: dict[str, str | None]) -> str:
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
            new = self._swap_loop(commit, old, ref, base_for=base_for,
                                  on_try=lambda sha, expected: tried.__setitem__(slice(None), [(sha, expected)]))
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

    def _create_commit(self, commit: _Commit, base: str | None) -> str:
        tree = self._build_tree(base, commit.relpath, commit.blob, commit.replace)
        for relpath, _content, blob in commit.more:  # a tree id reads like a commit there
            tree = self._build_tree(tree, relpath, blob, commit.replace)
        return self._commit_tree(tree, base, commit.msg_name, commit.sign)

    def _stage(self, commit: _Commit, lock: Any, config: dict[str, str | None]) -> list[str]:
        """Write the answers file into the work tree as `git checkout` would (smudge filter,
        working-tree-encoding, line endings) and build the new index in the lock: the user's
        index with the answers file's entry added, its stat data recorded where the file in
        the work tree cleans back to the committed blob (so `git status` stays clean). The
        further files of a commit of several are staged alike."""
        header = b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big")  # an empty index, for a new repository
        try:
            lock.start_from(self._index, header + self._hash(header).digest())
        except OSError as exc:
            raise StoreError(_("Could not read the index {path}: {reason}.").format(
                path=self._index, reason=_os_reason(exc))) from exc
        for relpath, _content, blob in commit.files():
            # The entry is always set to the committed blob first: `update-index --add PATH`
            # alone keeps an entry git takes as unchanged (assume-unchanged, skip-worktree,
            # core.ignoreStat) and then writes no new index at all.
            args = ["update-index", "--add", "--cacheinfo", f"100644,{blob},{relpath}"]
            if not self._in_sparse_checkout(relpath, config):
                # Outside the sparse checkout: no file in the work tree, the entry skips it.
                args += ["--skip-worktree", "--", relpath]
            else:
                worktree = self._run(["cat-file", "--filters", f"--path={relpath}", blob],
                                     what=_("convert the answers file for the work tree"))[1]
                self._write_worktree_file(relpath, worktree, lock)
                try:  # what `git add` would store from that file: the same blob, or not
                    cleaned = self._run(["hash-object", "--stdin", f"--path={relpath}"], stdin=worktree,
                                        what=_("check the answers file in the work tree"), ok=None)
                except StoreError:
                    cleaned = (1, b"", "")
                if cleaned[0] == 0 and cleaned[1].decode().strip() == blob:
                    args += ["--", relpath]  # re-adds it from the file: records its stat data
                # else a filter that does not give back what it was given: the entry as committed
            self._run(args, what=_("update the index"), env={"GIT_INDEX_FILE": str(lock.build)})
        lock.adopt()
        return []

    def _write_worktree_file(self, relpath: str, data: bytes, lock: Any) -> None:
        from kundencheck.store.atomic import atomic_write  # at the first commit, not at every start

        path = self.root / relpath
        _refuse_symlinks(self.root, relpath)
        try:
            previous: bytes | None = path.read_bytes()
        except FileNotFoundError:
            previous = None
        except OSError as exc:
            raise StoreError(_("Could not read {path}: {reason}.").format(path=path, reason=_os_reason(exc))) from exc
        new_folders = []
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
        if not (_git_bool(config, "core.sparsecheckout") and _git_bool(config, "core.sparsecheckoutcone")):
            return True
        status, out, _err = self._run(["sparse-checkout", "list"], what=_("read the sparse checkout"),
                                      ok=None, quick=True)
        if status != 0:
            return True
        parent = relpath.rsplit("/", 1)[0]
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            folder = line.strip().strip('"').strip("/")
            if folder and (parent == folder or parent.startswith(folder + "/") or folder.startswith(parent + "/")):
                return True
        return False

    def _read_back(self, new: str, commit: _Commit) -> None:
        """Read the answers file (every file of a commit of several) from the new commit, as
        every reader will, and check that it is what was committed and can be read."""
        read = self._cat_batch([f"{new}:{relpath}" for relpath, _content, _blob in commit.files()])
        for (relpath, content, _blob), (kind, data) in zip(commit.files(), read):
            if kind != "blob" or data != content:
                raise StoreError(_(
                    "The commit of {path} did not read back as written (git gave {size} bytes of a {kind} "
                    "instead of the {expected} bytes committed), so it was undone. Check the repository with "
                    "`git fsck` and any `git replace` refs.").format(
                    path=relpath, size=len(data), kind=kind or _("missing object"), expected=len(content)))
        if commit.check is not None:
            try:
                commit.check(read[0][1])
            except KundencheckError as exc:
                raise StoreError(_("The commit of {path} did not read back as a valid file, so it was undone: {problem}").format(
                    path=commit.relpath, problem=exc)) from exc

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
            return self._run(args, what=_("undo the commit"), ok=None)[0] == 0
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
        if moved and tip == new and not self._reads_back(new, state):
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
            raise _write_failed(exc, self.git_dir) from exc

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

    def _track_remote_branch(self, name: str, tracking: str | None) -> None:
        """A team's answers branch created here from the remote's copy follows that copy (its
        upstream), as `git switch NAME` sets it up for a branch it creates from a remote's."""
        if tracking is not None:
            self._run(["branch", "--quiet", f"--set-upstream-to={tracking.removeprefix('refs/remotes/')}", name],
                      what=_("set the upstream of {branch}").format(branch=name), ok=None)

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
            raise StoreError(_("Could not write the commit message into {path}: {reason}.").format(
                path=self.git_dir, reason=_os_reason(exc))) from exc
        try:
            _flock(fd)
            os.write(fd, body.encode("utf-8"))
            if run_hook:
                self._run_commit_msg_hook(msg_name)
                body = pathlib.Path(msg_name).read_bytes().decode("utf-8", "replace")
                if not body.strip():
                    raise StoreError(_("The commit-msg hook emptied the commit message, so there "
                                       "is nothing to commit with. Check the hook."))
        except OSError as exc:
            _unlink_quietly(msg_name)
            os.close(fd)
            raise StoreError(_("Could not write the commit message into {path}: {reason}.").format(
                path=self.git_dir, reason=_os_reason(exc))) from exc
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
                if _flock(fd, wait=False):
                    _unlink_quietly(str(stale))
            finally:
                os.close(fd)

    def _swap_loop(self, commit: _Commit, old: str | None, target: str, *, base_for: Any = None,
                   first: str | None = None, on_try: Callable[[str, str | None], None] | None = None) -> str:
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
            status, _out, err = self._run(["update-ref", "-m", reflog, target, new, old or ""],
                                          what=_("move the branch"), ok=None)
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
                raise StoreError(_("Could not move {ref} to the new commit {commit}. git said: {error}").format(
                    ref=target, commit=new[:12], error=err.strip() or _("(nothing)")))
            # else: only the ref's lock was busy; retry the same swap
            _backoff(attempt)
        raise StoreError(_("{ref} kept moving (or stayed locked) while kundencheck tried to "
                           "commit, {n} times; another program is committing busily. "
                           "Try again in a moment.").format(ref=target, n=_CAS_TRIES))

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
        status, _out, err = self._run(["hook", "run", "--ignore-missing", "commit-msg", "--",
                                    msg_name], what=_("run the commit-msg hook"), ok=None,
                                   user_locale=True)
        if status != 0:
            raise StoreError(_("The repository's commit-msg hook rejected the commit (exit status "
                               "{status}). It said: {output}. Fix what it "
                               "complains about, or the hook itself.").format(status=status, output=err.strip() or _("(nothing)")))

    def _commit_tree(self, tree: str, old: str | None, msg_name: str, sign: bool) -> str:
        args = ["commit-tree", tree]
        if old:
            args += ["-p", old]
        if sign:  # commit-tree does not read commit.gpgsign itself
            args.append("-S")
        args += ["-F", msg_name]
        status, out, err = self._run(args, what=_("create the commit"), ok=None, user_locale=sign)
        if status == 0:
            return out.decode().strip()
        if sign:
            raise StoreError(_(
                "Signing the commit failed (commit.gpgsign is true, so kundencheck signs as "
                "`git commit` would). git said: {error}. Check your signing setup "
                "(user.signingKey, gpg.program, gpg.format; `git commit --allow-empty -S -m test` "
                "in a scratch repository shows the same error), or switch signing off for this "
                "repository with `git config commit.gpgsign false`.").format(error=err.strip()))
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
            raise StoreError(_("{path} is already committed (in {commit}); kundencheck never replaces a "
                               "committed answers file (`kundencheck amend` corrects one with a new file).").format(
                path=relpath, commit=(base or "")[:12]), refused=True)
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
                    message = _("{name} is a submodule (another repository inside this one), so {path} cannot be "
                                "stored there. Move the submodule elsewhere (`git mv`) or remove it.")
                else:
                    message = _("{name} already exists in the repository as a file, so {path} cannot be stored there.")
                raise StoreError(message.format(name="/".join(parts[:i + 1]), path=relpath))
            levels[i][name] = (child_mode, child_id)
            raw, listing = self._serialise_tree(levels[i])
            child_mode, child_id = 0o40000, self._hash(b"tree %d\0" % len(raw) + raw).digest()
            stream.append(listing + b"\0")
            ids.append(child_id.hex())
        status, out, err = self._run(["mktree", "-z", "--batch"], stdin=b"".join(stream),
                                     what=_("write the new folder trees"), ok=None)
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
            entries[data[space + 1:nul]] = (int(data[pos:space], 8), data[nul + 1:nul + 1 + size])
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

    # ------------------------------------------------------------------ reading

    def read_files(self, prefix: str = ".kundencheck/answers", *,
                   rev: str = "HEAD") -> dict[str, tuple[str, bytes]]:
        """path -> (blob id, content) for every blob under ``prefix`` in ``rev``'s tree.

        Empty when ``rev`` does not exist yet (unborn branch) or has nothing under ``prefix``.
        In a partial clone the missing blobs are fetched in one batch first (see
        :meth:`fetch_missing`); those that cannot be fetched are left out.
        """
        wanted = self.list_blobs(prefix, rev=rev)
        if not wanted:
            return {}
        unreachable = self.fetch_missing(wanted.values(), rev=rev, prefix=prefix).oids
        contents = self.read_blobs(oid for oid in wanted.values() if oid not in unreachable)
        return {path: (oid, contents[oid]) for path, oid in wanted.items() if oid in contents}

    def list_blobs(self, prefix: str = ".kundencheck/answers", *, rev: str = "HEAD") -> dict[str, str]:
        """path -> blob id under ``prefix`` in ``rev``'s tree, from one ``git ls-tree``.

        A team's answers branch (a branch name other than HEAD) is read from the remote's copy
        when this clone has none of its own or has one that is behind it (see _read_rev).
        """
        _check_rev(rev)
        rev = self._read_rev(rev)
        prefix = prefix.strip("/")
        args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", rev]
        if prefix:
            args += ["--", prefix]
        listing = (_("list {prefix} in {rev}").format(prefix=prefix, rev=rev) if prefix
                   else _("list the files in {rev}").format(rev=rev))
        status, out, err = self._run(args, what=listing, ok=None, quick=True)
        if status != 0:
            return self._missing_rev(rev, err, {})
        wanted: dict[str, str] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _tab, path = record.partition(b"\t")
            _mode, kind, oid = meta.split(b" ")
            name = path.decode("utf-8", "surrogateescape")
            if kind == b"blob" and (not prefix or name == prefix or name.startswith(prefix + "/")):
                wanted[name] = oid.decode()
        return wanted

    def fetch_missing(self, oids: Iterable[str], *, rev: str, prefix: str,
                      on_fetch: Callable[[int, str], None] | None = None) -> Unfetched:
        """Make sure the blobs ``oids`` (under ``prefix`` in ``rev``'s tree) are in this clone.

        A blobless partial clone (``git clone --filter=blob:none``) leaves file contents on its
        promisor remote, and git fetches a missing blob when it is read, one process per blob:
        150 answers files, 150 fetches. Here the missing ones are found first without fetching
        anything (``git rev-list --objects --missing=print`` over the tree), then fetched in one
        batch the way git fetches a batch itself; ``on_fetch(count, remote)`` is called first, so
        the caller can say what is happening. Returns the blobs still missing (the remote could
        not be reached) with the reason: reading them would make git try again, blob by blob.
        Nothing happens in a clone without promisor packs, where nothing can be missing.
        """
        wanted = set(oids)
        if not wanted or not self._has_promisor_packs():
            return Unfetched(frozenset(), "", "")
        rev = self._read_rev(rev)
        status, out, _err = self._run(["rev-list", "--objects", "--missing=print", f"{rev}:{prefix.strip('/')}"],
                                      what=_("find the files this partial clone lacks"), ok=None, quick=True)
        if status != 0:
            return Unfetched(frozenset(), "", "")
        absent = {line[1:] for line in out.decode("ascii", "replace").splitlines() if line.startswith("?")} & wanted
        if not absent:
            return Unfetched(frozenset(), "", "")
        config = self._config()
        remote = _promisor_remote(config)
        if remote is None:
            return Unfetched(frozenset(absent), "", _("this partial clone names no promisor remote"))
        if on_fetch is not None:
            on_fetch(len(absent), remote)
        env = {"GCM_INTERACTIVE": "never"}
        if not (os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH") or config.get("core.sshcommand")):
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        try:
            status, _out, err = _StartedGit(
                [self._exe, "-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags", "--no-write-fetch-head",
                 "--recurse-submodules=no", "--filter=blob:none", "--stdin"],
                self.root, self.push_timeout, stdin="".join(oid + "\n" for oid in sorted(absent)).encode("ascii"),
                env=env).result()
        except (OSError, subprocess.SubprocessError) as exc:
            return Unfetched(frozenset(absent), remote, str(exc))
        if status != 0:
            return Unfetched(frozenset(absent), remote, _git_reason(err) or _("git fetch ended with exit status {status}").format(
                status=status))
        return Unfetched(frozenset(), remote, "")

    def _has_promisor_packs(self) -> bool:
        try:
            return any(name.endswith(".promisor") for name in os.listdir(self.common_dir / "objects" / "pack"))
        except OSError:
            return False

    def is_sparse(self) -> bool:
        """Whether this work tree is a sparse checkout (it may lack files its commits hold)."""
        return (self.git_dir / "info" / "sparse-checkout").is_file()

    def read_committed(self, prefix: str, *, rev: str = "HEAD") -> dict[str, bytes | None]:
        """path -> content of every file under ``prefix`` in ``rev``'s tree, whatever the work
        tree holds (a sparse checkout may lack them); None for a symbolic link, which is never
        followed. Empty when ``rev`` does not exist (yet) or has nothing there."""
        _check_rev(rev)
        rev = self._read_rev(rev)
        status, out, err = self._run(["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", rev, "--",
                                      prefix.strip("/")], what=_("list {prefix} in {rev}").format(prefix=prefix, rev=rev),
                                     ok=None, quick=True)
        if status != 0:
            return self._missing_rev(rev, err, {})
        files: dict[str, str] = {}
        found: dict[str, bytes | None] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _tab, path = record.partition(b"\t")
            mode, kind, oid = meta.split(b" ")
            name = path.decode("utf-8", "surrogateescape")
            if kind != b"blob":
                continue
            if mode == b"120000":
                found[name] = None
            else:
                files[name] = oid.decode()
        contents = self.read_blobs(files.values())
        found.update((name, contents[oid]) for name, oid in files.items() if oid in contents)
        return found

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """blob id -> content, from one ``git cat-file --batch``; unknown ids are left out."""
        unique = sorted(set(oids))
        if not unique:
            return {}
        return {oid: data for oid, (kind, data) in zip(unique, self._cat_batch(unique)) if kind is not None}

    def log_runs(self, prefix: str = ".kundencheck/answers", rev: str = "HEAD") -> list[dict]:
        """Commits touching ``prefix``, newest first, with their Kundencheck-Run trailers."""
        _check_rev(rev)
        rev = self._read_rev(rev)
        fmt = ("%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f"
               "%(trailers:key=Kundencheck-Run,valueonly,separator=%x1d)%x1e")
        args = ["--literal-pathspecs", "log", "--no-show-signature", "--no-color",
                "--encoding=UTF-8", f"--format={fmt}", rev, "--"]
        if prefix.strip("/"):
            args.append(prefix.strip("/"))
        status, out, err = self._run(args, what=_("read the history of {prefix}").format(prefix=prefix), ok=None, quick=True)
        if status != 0:
            return self._missing_rev(rev, err, [])
        runs = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            sha, name, email, date, subject, trailers = record.split("\x1f", 5)
            runs.append({"sha": sha, "author_name": name, "author_email": email, "date": date,
                         "subject": subject,
                         "runs": [v.strip() for v in trailers.split("\x1d") if v.strip()]})
        return runs

    def recent_authors(self, limit: int = 20) -> list[Identity]:
        """Distinct authors (by e-mail, mailmap applied) of the last 500 commits, newest first."""
        args = ["log", "-n", "500", "--no-show-signature", "--no-color", "--encoding=UTF-8",
                "--format=%aN%x1f%aE%x1e", "HEAD", "--"]
        status, out, err = self._run(args, what=_("read recent authors"), ok=None)
        if status != 0:
            return self._missing_rev("HEAD", err, [])
        seen: set[str] = set()
        authors: list[Identity] = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            name, email = record.split("\x1f", 1)
            key = email.lower() or name
            if key not in seen:
                seen.add(key)
                authors.append(Identity(name, email))
                if len(authors) >= limit:
                    break
        return authors

    def _missing_rev(self, rev: str, err: str, empty: Any) -> Any:
        # A rev that does not exist (yet) reads as empty: an unborn HEAD, or a team's dedicated
        # answers branch before its first commit. Anything else is a real failure.
        if self._resolve(rev) is None:
            return empty
        raise StoreError(_("Could not read {rev} from the repository. git said: {error}").format(rev=rev, error=err.strip()))

    # ------------------------------------------------------------------ sharing with the team

    def push(self, ref: str | None = None, *, bring_in: bool = False) -> PushResult:
        """Push the checked-out branch, or the branch ``ref`` (a team's answers branch), to its
        upstream; return what was pushed (:class:`PushResult`).

        Only a branch with an upstream is pushed, and only to a branch that exists there: a
        remote branch is never created implicitly. Never prompts and never waits longer than
        :attr:`push_timeout`: no terminal prompt for a password (GIT_TERMINAL_PROMPT=0), ssh in
        batch mode unless the user set their own ssh command, no controlling terminal for any
        program git starts. A team's answers branch that other clones push to meanwhile is
        fetched and merged by plumbing (answers files never conflict) and pushed again, with
        backoff, until it goes through or the time is up. With ``bring_in`` (`kundencheck
        push`), a checked-out branch the remote is ahead of gets the remote's commits first
        when every local commit the remote lacks is an answers commit of kundencheck's: those
        are moved onto the remote's tip by plumbing and the branch fast-forwarded (see
        :meth:`_bring_in_remote_commits`).

        Raises :class:`PushError` otherwise, its ``failure`` saying why as data (store/push.py);
        the commit is kept.
        """
        deadline = time.monotonic() + self.push_timeout
        config = self._config()
        head = self._symbolic_head()
        branch_ref = head if ref is None else (ref if ref.startswith("refs/") else "refs/heads/" + ref)
        if branch_ref is None:
            raise _not_pushable("", _("HEAD is detached (not on a branch) in {path}, so there is no branch to push. "
                                      "Push by hand with `git push REMOTE HEAD:BRANCH`.").format(path=self.root))
        name = branch_ref.removeprefix("refs/heads/")
        if name == branch_ref or not _plain_branch(name):
            raise _not_pushable(name, _("{ref} is not a branch kundencheck can push.").format(ref=repr(branch_ref)))
        if self._resolve(branch_ref) is None:
            raise _not_pushable(name, _("There is no branch {branch} in {path} yet, so there is nothing to push.").format(
                branch=name, path=self.root))
        dedicated = branch_ref != head
        if dedicated and not config.get(f"branch.{name}.merge"):
            config = self._follow_remote_answers_branch(name, config, deadline)
        remote, dest = self._push_target(name, config, deadline, dedicated=dedicated)
        short = dest.removeprefix("refs/heads/")
        failure = PushFailure(PushRefusal.FAILED, name, remote, short, dedicated, seconds=self.push_timeout)
        merged, brought, moved = False, 0, 0
        attempt = 0
        while True:
            tried = self._push_once(remote, branch_ref, dest, config, deadline)
            if tried.status == 0:
                flags = [line.split("\t")[0] for line in tried.lines if "\t" in line]
                return PushResult(name, remote, short, up_to_date=bool(flags) and all(f == "=" for f in flags),
                                  merged=merged, brought_in=brought, moved=moved)
            refusal, reason = classify(tried, dest)
            if refusal is not PushRefusal.BEHIND:
                raise PushError(self._failure(failure, refusal, reason, tried))
            # The remote's branch has commits ours lacks (another clone pushed first).
            if dedicated:  # a team's answers branch, not checked out: merge them in by plumbing
                try:
                    why = self._merge_remote_branch(branch_ref, remote, dest, config, deadline)
                except _OutOfTime:
                    raise PushError(failure._replace(refusal=PushRefusal.TIMEOUT)) from None
                except StoreError as exc:  # git failed while merging: the commit stands, say why
                    why = exc.message
                if why is not None:
                    raise PushError(failure._replace(refusal=PushRefusal.BEHIND, remote_reason=reason,
                                                     bring_in=BringIn(False, detail=why)))
                merged = True
            else:
                outcome = self._bring_in_remote_commits(branch_ref, remote, dest, config, deadline, apply=bring_in)
                if isinstance(outcome, BringIn):
                    raise PushError(failure._replace(refusal=PushRefusal.BEHIND, remote_reason=reason, bring_in=outcome))
                if outcome is None:
                    raise PushError(failure._replace(refusal=PushRefusal.TIMEOUT))
                if outcome.nothing_to_push:  # the remote has all of ours: not even the work tree is touched
                    return PushResult(name, remote, short, up_to_date=True)
                brought, moved = brought + outcome.commits, max(moved, outcome.moved)
            attempt += 1
            pause = random.uniform(0.0, min(2.0, 0.05 * 2 ** attempt))
            if time.monotonic() + pause >= deadline:
                raise PushError(failure._replace(refusal=PushRefusal.TIMEOUT))
            time.sleep(pause)

    def _push_once(self, remote: str, branch_ref: str, dest: str, config: dict[str, str | None],
                   deadline: float) -> Attempt:
        """One `git push --porcelain`, with git's trace2 events going to a file of our own (they
        say whether the pre-push hook ran and how it ended) and KUNDENCHECK_GATE_REPORT naming
        where `kundencheck check` leaves its verdict should it run in that hook."""
        folder = tempfile.mkdtemp(prefix="kundencheck-push-")
        trace, report = os.path.join(folder, "trace2.json"), os.path.join(folder, "gate.json")
        try:
            status, lines, err = self._network(["push", "--porcelain", remote, f"{branch_ref}:{dest}"], config, deadline,
                                               env={"GIT_TRACE2_EVENT": trace, GATE_REPORT_ENV: report})
            try:
                with open(trace, encoding="utf-8", errors="replace") as handle:
                    hook = hook_run(handle.read())
            except OSError:
                hook = None
            return Attempt(status, lines, err, hook, read_gate_report(report) if hook is not None else None)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _failure(self, base: PushFailure, refusal: PushRefusal, reason: str, tried: Attempt) -> PushFailure:
        hook = tried.hook
        said = tried.err
        if hook is not None:  # git gives the hook its own stdout (git prints nothing there before the hook ends)
            said = "\n".join([*tried.lines, said])
        output, left_out = output_of(said, refusal)
        return base._replace(refusal=refusal, remote_reason=reason, output=output, output_left_out=left_out,
                             hook=hook.path if hook else "", hook_status=hook.status if hook else None,
                             gate=tried.gate if refusal is PushRefusal.HOOK else None)

    def _follow_remote_answers_branch(self, name: str, config: dict[str, str | None],
                                      deadline: float) -> dict[str, str | None]:
        """A team's answers branch without an upstream (made here before the remote had it, or
        before this clone fetched it): when the remote (origin, or the only one) has a branch of
        that name, ours follows it from now on, as it would had it been made from it; returns
        the config as it is then. Never creates anything on the remote."""
        remotes = _remotes(config)
        remote = "origin" if "origin" in remotes else (next(iter(remotes)) if len(remotes) == 1 else None)
        if remote is None:
            return config
        status, _lines, _err = self._network(["fetch", "--no-tags", "--no-write-fetch-head", remote,
                                              f"+refs/heads/{name}:refs/remotes/{remote}/{name}"], config, deadline)
        if status != 0:
            return config  # the remote has no such branch (or cannot be reached): said by _push_target
        self._track_remote_branch(name, f"refs/remotes/{remote}/{name}")
        return self._config()

    def _push_target(self, name: str, config: dict[str, str | None], deadline: float, *,
                     dedicated: bool = False) -> tuple[str, str]:
        """(remote, destination ref) for branch ``name``, chosen as `git push` would, or a
        PushError when pushing would create a branch on a remote: the branch needs an upstream
        (``branch.NAME.remote`` and ``.merge``), and the branch it pushes to must exist there
        (as the remote-tracking branches say, or for a remote given as a URL, as it says)."""
        remotes = _remotes(config)
        upstream_remote = config.get(f"branch.{name}.remote") or ""
        merge = config.get(f"branch.{name}.merge") or ""
        if not remotes and not _is_url(upstream_remote):
            raise _not_pushable(name, _(
                "The answers were committed, but there is nothing to push them to: {path} "
                "has no remote (`git remote -v` lists none). Add the team's with `git remote "
                "add origin URL`, then push with `git push -u origin {branch}`.").format(path=self.root, branch=_sh(name)))
        if not upstream_remote or upstream_remote == "." or not merge.startswith("refs/heads/"):
            guess = "origin" if "origin" in remotes or not remotes else sorted(remotes)[0]
            if self._resolve(f"refs/remotes/{guess}/{name}") is not None:
                command = f"git branch --set-upstream-to={_sh(guess + '/' + name)} {_sh(name)}"
                then = "kundencheck push" if dedicated else "git push"
                raise _not_pushable(name, _(
                    "The answers were committed but not pushed: your branch {branch} has no upstream, and "
                    "kundencheck pushes only to a branch's upstream. {remote} has a branch {branch}; if yours "
                    "should follow it, set it with `{command}`, then push with `{then}`.").format(
                    branch=name, remote=guess, command=command, then=then))
            raise _not_pushable(name, _(
                "The answers were committed but not pushed: your branch {branch} has no upstream, and kundencheck "
                "never creates a branch on a remote by itself. To share the branch, push it once with "
                "`git push -u {remote} {quoted}` (that sets the upstream; kundencheck pushes there from then on).").format(
                branch=name, remote=_sh(guess), quoted=_sh(name)))
        remote = upstream_remote
        for candidate in (config.get(f"branch.{name}.pushremote"), config.get("remote.pushdefault")):
            if candidate and candidate != ".":
                remote = candidate
                break
        if remote not in remotes and not _is_url(remote):
            raise _not_pushable(name, _(
                "The answers were committed, but there is no remote named {remote} to push "
                "them to (the remotes here: {remotes}). Push them with `git "
                "push REMOTE {branch}`, or set the upstream once with `git push -u REMOTE "
                "{branch}`.").format(remote=repr(remote), remotes=", ".join(sorted(remotes)), branch=_sh(name)))
        if remote.startswith("-"):
            raise _not_pushable(name, _("{remote} is not a remote kundencheck pushes to.").format(remote=repr(remote)))
        mode = (config.get("push.default") or "simple").strip().lower()
        dest = _git_push_destination(name, remote, upstream_remote, merge, mode)
        if dest is None:
            raise _not_pushable(name, _(
                "The answers were committed but not pushed: a plain `git push` would not push {branch} here "
                "(push.default is {mode}, and the branch's upstream is {upstream} on {upstream_remote}), and "
                "kundencheck pushes only where `git push` would. Push it by hand to where you mean it to go "
                "(`git push {quoted_remote} {quoted_branch}:BRANCH`), or let `git push` push each branch to its "
                "upstream, whatever its name, with `git config push.default upstream`.").format(
                branch=name, mode=mode, upstream=merge.removeprefix("refs/heads/"), upstream_remote=upstream_remote,
                quoted_remote=_sh(remote), quoted_branch=_sh(name)))
        target = dest.removeprefix("refs/heads/")
        quoted_branch = _sh(name if target == name else f"{name}:{target}")
        if remote not in remotes:  # a URL: no remote-tracking branch says what it has, so ask it
            status, lines, err = self._network(["ls-remote", "--exit-code", remote, dest], config, deadline)
            if status == 0:
                return remote, dest
            if status == 2:
                raise _not_pushable(name, _(
                    "The answers were committed but not pushed: {remote} has no branch {target}, and kundencheck "
                    "never creates a branch on a remote by itself. Push it once by hand with `git push "
                    "{quoted_remote} {quoted_branch}`, if that is what you want.").format(
                    remote=remote, target=target, quoted_remote=_sh(remote), quoted_branch=quoted_branch))
            # It could not be asked: nothing is pushed, for the reason a push would have failed.
            asked = Attempt(status, lines, err)
            refusal, reason = classify(asked, dest)
            base = PushFailure(PushRefusal.FAILED, name, remote, target, dedicated, seconds=self.push_timeout)
            raise PushError(self._failure(base, refusal, reason, asked))
        if self._resolve(f"refs/remotes/{remote}/{target}") is None:
            # As far as this clone knows, the branch is not on that remote: a push would create it.
            raise _not_pushable(name, _(
                "The answers were committed but not pushed: {remote} has no branch {target} as far as this "
                "clone knows (`git fetch {quoted_remote}` updates what it knows), and kundencheck never creates "
                "a branch on a remote by itself. Push it once by hand with `git push {quoted_remote} "
                "{quoted_branch}`, if that is what you want.").format(
                remote=remote, target=target, quoted_remote=_sh(remote), quoted_branch=quoted_branch))
        return remote, dest

    def _merge_remote_branch(self, branch_ref: str, remote: str, dest: str,
                             config: dict[str, str | None], deadline: float) -> str | None:
        """Bring the remote's copy of a team's answers branch into ours without a work tree.

        Fetches it, merges by plumbing (`git merge-tree`, no index, no work tree) or fast-
        forwards, moves our branch by compare-and-swap. Returns None when the branch can be
        pushed again, else why not (a reason for the user).
        """
        if remote not in _remotes(config):
            return _("the remote has runs this clone does not have yet")
        if _GIT_VERSIONS.get(self._exe, (0,))[:2] < (2, 38):  # merge-tree --write-tree
            return _("the remote has runs this clone does not have yet (git 2.38 or newer would "
                     "let kundencheck merge them)")
        try:
            self._check_not_checked_out_elsewhere(branch_ref)
        except StoreError as exc:
            return str(exc)
        tracking = f"refs/remotes/{remote}/{dest.removeprefix('refs/heads/')}"
        status, _out, err = self._network(["fetch", "--no-tags", "--no-write-fetch-head", remote,
                                           f"+{dest}:{tracking}"], config, deadline)
        if status != 0:
            if status is None:
                raise _OutOfTime
            return _("fetching the remote's runs to merge them failed ({reason})").format(reason=_git_reason(err))
        ours, theirs = self._resolve(branch_ref), self._resolve(tracking)
        if ours is None or theirs is None or self._is_ancestor(theirs, ours):
            return None
        if self._is_ancestor(ours, theirs):
            merge = theirs  # nothing of ours is missing there: fast-forward
            subject = _("kundencheck: fast-forward to {remote}").format(remote=remote)
        else:
            status, out, err = self._run(["merge-tree", "--write-tree", "--allow-unrelated-histories",
                                          ours, theirs], what=_("merge the answers branches"), ok=None)
            if status != 0:
                return _("the remote's {branch} and yours changed the same files, so kundencheck did not merge them").format(
                    branch=dest.removeprefix("refs/heads/"))
            tree = out.decode().split("\n", 1)[0].strip()
            subject = _("kundencheck: merge answers from {remote}").format(remote=remote)
            args = ["commit-tree", tree, "-p", ours, "-p", theirs, "-m", subject]
            if _git_bool(config, "commit.gpgsign"):
                args.insert(-2, "-S")
            merge = self._run(args, what=_("create the merge commit"), user_locale=True)[1].decode().strip()
        # Compare-and-swap: a commit of this clone made meanwhile makes it fail; the caller's
        # next round fetches and merges again.
        self._run(["update-ref", "-m", subject, branch_ref, merge, ours],
                  what=_("move {branch} to the merge").format(branch=branch_ref.removeprefix("refs/heads/")), ok=None)
        return None

    def _bring_in_remote_commits(self, branch_ref: str, remote: str, dest: str, config: dict[str, str | None],
                                 deadline: float, *, apply: bool) -> BringIn | _BroughtIn | None:
        """The checked-out branch was refused because the remote's has commits it lacks: fetch
        them and see whether kundencheck can bring them in. It can when every local commit the
        remote lacks is an answers commit of kundencheck's (one new answers file, its run's
        trailer, one parent): those are made again on the remote's tip by plumbing (answers
        files never conflict; author, date and message kept) and the branch, its index and the
        work tree fast-forwarded to the result (:meth:`_fast_forward_head`), as `git pull
        --rebase` would, without touching anything else of the user's.

        With ``apply`` it does so and says how many commits it brought in and moved; without,
        it only looks. Returns a :class:`BringIn` saying why not (or, without ``apply``, that
        it is possible), None when the time ran out.
        """
        if remote not in _remotes(config):
            return BringIn(False, detail=_("{remote} is a URL, not a named remote, so kundencheck has no copy of its "
                                           "branch to bring in").format(remote=remote))
        tracking = f"refs/remotes/{remote}/{dest.removeprefix('refs/heads/')}"
        status, _out, err = self._network(["fetch", "--no-tags", "--no-write-fetch-head", remote,
                                           f"+{dest}:{tracking}"], config, deadline)
        if status is None:
            return None
        if status != 0:
            return BringIn(False, detail=_("fetching it failed: {reason}").format(reason=_git_reason(err)))
        try:
            with self._within(deadline):
                return self._bring_in_fetched(branch_ref, tracking, config, apply=apply)
        except _InTheWay as exc:
            return BringIn(False, changed_files=exc.changed_files, detail=exc.message)
        except StoreError as exc:  # git failed or was stopped on the way: nothing was changed
            return BringIn(False, detail=exc.message)

    def _bring_in_fetched(self, branch_ref: str, tracking: str, config: dict[str, str | None], *,
                          apply: bool) -> BringIn | _BroughtIn:
        """:meth:`_bring_in_remote_commits` once the remote's branch is fetched into ``tracking``."""
        ours, theirs = self._resolve(branch_ref), self._resolve(tracking)
        if ours is None or theirs is None or self._is_ancestor(theirs, ours):
            return _BroughtIn(0, 0)  # nothing to bring in (any more): push again
        if self._is_ancestor(ours, theirs):
            return _BroughtIn(0, 0, nothing_to_push=True)
        local = self._local_commits(theirs, ours)
        own = [c for c in local if c.answers is None]
        if own:
            return BringIn(False, own_commits=tuple(f"{c.sha[:10]} {c.subject}" for c in own[:3]), own_total=len(own))
        changed = self._changes_in_the_way(ours, theirs)
        if changed:
            return BringIn(False, changed_files=changed)
        if not apply:
            return BringIn(True)
        brought = int(self._run(["rev-list", "--count", f"{ours}..{theirs}"],
                                what=_("count the remote's commits"))[1].decode().strip() or 0)
        tip = theirs
        for commit in local:
            tip = self._replay(commit, tip, config)
        self._fast_forward_head(branch_ref, ours, tip, theirs)
        return _BroughtIn(brought, len(local))

    def _local_commits(self, theirs: str, ours: str) -> list[_LocalCommit]:
        """The commits of ``ours`` that ``theirs`` lacks, oldest first; ``answers`` is the
        (path, blob) an answers commit of kundencheck's adds, None for any other commit."""
        fmt = "%H%x1f%P%x1f%(trailers:key=Kundencheck-Run,valueonly,separator=%x1d)%x1f%s%x1e"
        out = self._run(["log", "--reverse", "--no-show-signature", "--no-color", "--encoding=UTF-8",
                         f"--format={fmt}", f"{theirs}..{ours}", "--"], what=_("list your commits"))[1]
        found = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            sha, parents, runs, subject = record.split("\x1f", 3)
            answers = None
            run_ids = [r.strip() for r in runs.split("\x1d") if r.strip()]
            if len(parents.split()) == 1 and len(run_ids) == 1:
                raw = self._run(["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", "--raw", parents, sha],
                                what=_("read what a commit changed"))[1].split(b"\0")
                entries = [(raw[i], raw[i + 1]) for i in range(0, len(raw) - 1, 2)]
                if len(entries) == 1:
                    meta, path = entries[0][0].decode(), entries[0][1].decode("utf-8", "surrogateescape")
                    _old_mode, new_mode, _old, blob, change = meta.lstrip(":").split(" ")
                    if (change == "A" and new_mode == "100644" and path.startswith(ANSWERS_ROOT + "answers/")
                            and path.endswith(f"/{run_ids[0]}.toml")):
                        answers = (path, blob)
            found.append(_LocalCommit(sha, subject, answers))
        return found

    def _changes_in_the_way(self, ours: str, theirs: str) -> tuple[str, ...]:
        """Files the remote's commits change in which the user has changes of their own
        (staged, unstaged, or an untracked file where the remote adds one): a fast-forward
        would have to overwrite them, so kundencheck does not bring the remote's commits in."""
        base = self._run(["merge-base", ours, theirs], what=_("find where the branches part"))[1].decode().strip()

        def names(args: list[str]) -> set[str]:
            out = self._run(args, what=_("list the remote's changes"))[1].decode("utf-8", "surrogateescape")
            return {p for p in out.split("\0") if p}

        changed = names(["diff-tree", "-r", "-z", "--no-renames", "--name-only", base, theirs])
        if not changed:
            return ()
        added = names(["diff-tree", "-r", "-z", "--no-renames", "--name-only", "--diff-filter=A", base, theirs])
        # What the user changed, as `git status` sees it (stat data refreshed in memory only).
        out = self._run(["--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=no"],
                        what=_("list your changes"))[1].decode("utf-8", "surrogateescape").split("\0")
        mine, i = set(), 0
        while i < len(out):
            entry = out[i]
            if len(entry) > 3:
                mine.add(entry[3:])
                if entry[0] in "RC":
                    i += 1  # the name it was renamed or copied from follows
                    mine.add(out[i] if i < len(out) else "")
            i += 1
        in_the_way = (mine & changed) | {p for p in added if os.path.lexists(self.root / p)}
        return tuple(sorted(in_the_way))

    def _replay(self, commit: _LocalCommit, onto: str, config: dict[str, str | None]) -> str:
        """An answers commit made again on ``onto``: the same file, message, author and date."""
        assert commit.answers is not None
        path, blob = commit.answers
        tree = self._build_tree(onto, path, blob, replace=False)
        raw = self._cat_batch([commit.sha])[0][1]
        headers, _sep, message = raw.partition(b"\n\n")
        env = {}
        for line in headers.decode("utf-8", "replace").split("\n"):
            if line.startswith("author "):
                who, when, zone = line[len("author "):].rsplit(" ", 2)
                name, _lt, email = who.partition(" <")
                env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"), "GIT_AUTHOR_DATE": f"@{when} {zone}"}
        sign = _git_bool(config, "commit.gpgsign")  # as `git rebase` signs what it makes again
        args = ["commit-tree", tree, "-p", onto, *(["-S"] if sign else [])]
        status, out, err = self._run(args, stdin=message, env=env, what=_("make your answers commit again"),
                                     ok=None, user_locale=sign)
        if status != 0:
            raise StoreError(_("git could not make the answers commit {commit} again on the remote's branch. git "
                               "said: {error}").format(commit=commit.sha[:10], error=err.strip() or _("(nothing)")))
        return out.decode().strip()

    def _fast_forward_head(self, branch_ref: str, old: str, new: str, theirs: str) -> None:
        """Move the checked-out branch from ``old`` to ``new`` (the remote's tip with the answers
        commits made again on it), with the index and the work tree, as the commit protocol
        moves it: index.lock held from before the branch moves until the index goes with it, a
        journal for a kundencheck killed meanwhile, compare-and-swap. The index and the work
        tree change as `git read-tree -m -u OLD NEW` (a two-tree merge, what a fast-forward
        does) changes them in a copy of the index: only files that differ between the two, and
        none that has changes of the user's (git refuses, nothing is written)."""
        lock = self._take_index_lock()
        updated = moved = False
        try:
            symref, head = self._head()
            if symref != branch_ref or head != old:
                raise StoreError(_("{branch} moved while kundencheck brought in the remote's commits; nothing was "
                                   "changed. Run `kundencheck push` again.").format(branch=branch_ref.removeprefix("refs/heads/")))
            self._check_ready((symref, head), lock_held=True)
            self._check_not_checked_out_elsewhere(branch_ref)
            lock.note(ref=branch_ref, old=old, new=new, fast_forward=[old, new])
            header = b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big")
            lock.start_from(self._index, header + self._hash(header).digest())
            updated = True  # from here on, whatever happens, the files are put back unless the branch moves
            status, _out, err = self._run(["read-tree", "-m", "-u", old, new], what=_("update your files"),
                                          env={"GIT_INDEX_FILE": str(lock.build)}, ok=None)
            if status != 0:
                raise _InTheWay(_("git would not update your files to the remote's commits: {reason}").format(
                    reason=_git_reason(err)), self._changes_in_the_way(old, theirs))
            lock.adopt()
            subject = _("kundencheck push: your answers commits moved onto {tip}").format(tip=theirs[:10])
            status = self._run(["update-ref", "-m", subject, "HEAD", new, old], what=_("move the branch"), ok=None)[0]
            if status != 0 and not self._landed([(new, old)], "HEAD"):  # not git moving it, then dying
                raise StoreError(_("{branch} moved while kundencheck brought in the remote's commits; nothing was "
                                   "changed. Run `kundencheck push` again.").format(branch=branch_ref.removeprefix("refs/heads/")))
            moved = True
            lock.commit()
        except BaseException as exc:
            if moved:
                pass  # only renaming the lock over the index failed: as after `git commit`
            elif self._landed([(new, old)], "HEAD"):
                lock.commit()  # the branch is there after all: the index and the files go with it
            else:
                if updated:
                    self._undo_fast_forward(lock.path, lock.build, new, old)
                lock.release()
            if isinstance(exc, OSError):  # writing the journal or renaming the lock
                raise _write_failed(exc, self.git_dir) from exc
            raise

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
            self._run(["read-tree", "-m", "-u", new, old], what=_("put your files back"),
                      env={"GIT_INDEX_FILE": str(build)}, ok=None)
        except (OSError, StoreError):
            pass  # the files stay as the fast-forward left them; the index and the branch are as before

    @contextlib.contextmanager
    def _within(self, deadline: float) -> Iterator[None]:
        """Each git call made meanwhile is stopped at ``deadline`` at the latest."""
        before = self.__dict__.get("timeout")
        self.timeout = max(min(self.timeout, deadline - time.monotonic()), 1.0)
        try:
            yield
        finally:
            if before is None:
                del self.timeout
            else:
                self.timeout = before

    def _network(self, args: list[str], config: dict[str, str | None], deadline: float, *,
                 env: dict[str, str] | None = None) -> tuple[int | None, list[str], str]:
        """Run a git command that talks to a remote: (exit status or None when it was stopped
        at the deadline, porcelain stdout lines, stderr, what of it there was when stopped).

        It runs in a session of its own (no controlling terminal, so nothing it starts can
        open /dev/tty and prompt inside the TUI) and is killed with everything it started.
        git's own messages are in the C locale (they are read); LANGUAGE names the language
        kundencheck speaks, which programs in a hook that honour it use (git ignores it in
        the C locale), so `kundencheck check` in a pre-push hook speaks it too.
        """
        from kundencheck.core.i18n import current_language

        environ = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never",
                   "LC_ALL": "C", "LANGUAGE": current_language(), **(env or {})}
        environ.pop("GIT_TRACE2_PARENT_SID", None)  # run from a git hook: the push's events are its own
        if not (environ.get("GIT_SSH_COMMAND") or environ.get("GIT_SSH") or config.get("core.sshcommand")):
            environ["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        posix = os.name == "posix"
        try:
            proc = subprocess.Popen([self._exe, *args], cwd=self.root, env=environ,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=posix)
        except OSError as exc:
            raise StoreError(_("Could not run git to reach the remote: {error}.").format(error=exc)) from exc
        status: int | None
        try:
            out, err = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
            status = proc.returncode
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                if posix:
                    os.killpg(proc.pid, 9)  # git, ssh and whatever they started
                else:
                    proc.kill()
            out, err, status = b"", b"", None
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                out, err = proc.communicate(timeout=5)  # what a hook said before it was stopped
        lines = out.decode("utf-8", "replace").splitlines()
        return status, lines, err.decode("utf-8", "replace")

    def _tracking_ref(self, name: str, config: dict[str, str | None]) -> str | None:
        """The remote-tracking branch of a local branch ``name``: its upstream's, else
        ``refs/remotes/origin/NAME``; None without such a remote."""
        remote, merge = config.get(f"branch.{name}.remote"), config.get(f"branch.{name}.merge") or ""
        if not (remote and merge.startswith("refs/heads/")):
            remote, merge = "origin", f"refs/heads/{name}"
        if remote not in _remotes(config):
            return None
        return f"refs/remotes/{remote}/{merge.removeprefix('refs/heads/')}"

    def _dedicated_base(self, name: str, tip: str | None, config: dict[str, str | None]) -> str | None:
        """What a commit on a team's answers branch builds on: our tip, or the remote's when
        ours is missing or behind it, so a fresh clone joins the team's branch (after `git
        fetch`) instead of starting a branch of its own that could never be pushed."""
        tracking = self._tracking_ref(name, config)
        theirs = self._resolve(tracking) if tracking else None
        if theirs is None or theirs == tip:
            return tip
        if tip is None or self._is_ancestor(tip, theirs):
            return theirs
        return tip

    def _read_rev(self, rev: str) -> str:
        """``rev``, or for a team's answers branch the remote's copy of it when this clone's
        own is missing or behind it (the team's runs fetched but not yet built upon)."""
        name = rev.removeprefix("refs/heads/")
        if rev == "HEAD" or name.startswith("refs/") or not _plain_branch(name):
            return rev
        tracking = self._tracking_ref(name, self._config())
        if tracking is None:
            return rev
        out = self._run(["for-each-ref", "--format=%(refname) %(objectname)", f"refs/heads/{name}",
                         tracking], what=_("find the answers branch"), quick=True)[1]
        tips = dict(line.split(" ", 1) for line in out.decode().splitlines() if " " in line)
        mine, theirs = tips.get(f"refs/heads/{name}"), tips.get(tracking)
        if theirs is None or theirs == mine:
            return rev
        if mine is None or self._is_ancestor(mine, theirs):
            return tracking
        return rev

    def _is_ancestor(self, older: str, newer: str) -> bool:
        status = self._run(["merge-base", "--is-ancestor", older, newer],
                           what=_("compare two commits"), ok=(0, 1), quick=True)[0]
        return status == 0

    # ------------------------------------------------------------------ git plumbing helpers

    def _run(self, args: list[str], *, what: str, stdin: bytes | None = None,
             ok: tuple[int, ...] | None = (0,), user_locale: bool = False, quick: bool = False,
             env: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        """Run git; return (status, stdout bytes, stderr). ok=None: caller checks status.

        GitPython runs git with LC_ALL=C; ``user_locale`` gives the user's locale back to
        programs the user wrote or reads (hooks, gpg's pinentry). Empty LC_ALL means unset.
        ``env``: more environment variables for this call (not with ``quick``).
        """
        if quick:  # a read (before the first screen, or of history): git directly, no GitPython import
            started = self._started.pop(tuple(args), None) if stdin is None else None
            try:
                if started is not None:
                    status, out, err = started.result()
                else:
                    status, out, err = _run_plain([self._exe, *args], self.root, self.timeout, stdin)
            except (OSError, subprocess.SubprocessError) as exc:
                raise StoreError(_("Could not {what}: running git failed ({error}).").format(what=what, error=exc)) from exc
            if ok is not None and status not in ok:
                raise StoreError(_git_failed(what, args, status, err))
            return status, out, err
        env = dict(env or {})
        if user_locale:
            env.update({k: os.environ.get(k, "") for k in ("LC_ALL", "LANGUAGE")})
        git_cmd = self._git  # imports GitPython on first use
        stream = None
        try:
            if stdin is not None:
                # GitPython wants a real file as stdin; a pipe could deadlock on big output.
                stream = tempfile.TemporaryFile()
                stream.write(stdin)
                stream.seek(0)
            timers = _kill_timers()
            try:
                status, out, err = git_cmd.execute(
                    [self._exe, *args], istream=stream, with_extended_output=True,
                    with_exceptions=False, stdout_as_string=False, strip_newline_in_stdout=False,
                    kill_after_timeout=_timeout(self.timeout), env=env or None)
            except BaseException:
                # Interrupted (ctrl+c): GitPython leaves git running and its time-limit timer
                # pending (the interpreter would wait for it); end both now.
                for timer in _kill_timers() - timers:
                    timer.cancel()
                    with contextlib.suppress(Exception):
                        timer.function(*timer.args)
                raise
        except (self._gitmod.exc.GitError, OSError) as exc:
            raise StoreError(_("Could not {what}: running git failed ({error}).").format(what=what, error=exc)) from exc
        finally:
            if stream is not None:
                stream.close()
        if status is not None and status < 0 and "Timeout:" in err:
            # GitPython killed git (and a hook it ran) after self.timeout seconds.
            raise StoreError(_("Could not {what}: git did not finish within {seconds:g} seconds "
                               "and was stopped. Something it ran (a hook, a signing program, a password "
                               "prompt) was waiting, perhaps for input kundencheck cannot give; a `git "
                               "commit` by hand in a terminal shows what waits.").format(what=what, seconds=self.timeout))
        if ok is not None and status not in ok:
            raise StoreError(_git_failed(what, args, status, err))
        return status, out, err

    def _cat_batch(self, names: list[str], *, replaced: bool = True) -> list[tuple[str | None, bytes]]:
        """(type or None if missing, content) per name, from one `git cat-file --batch`;
        ``replaced`` False: the objects as they are, not as `git replace` shows them."""
        args = ["cat-file", "--batch"] if replaced else ["--no-replace-objects", "cat-file", "--batch"]
        _status, out, _err = self._run(args, stdin="".join(n + "\n" for n in names)
                                       .encode("utf-8", "surrogateescape"), what=_("read objects"), quick=True)
        result: list[tuple[str | None, bytes]] = []
        pos = 0
        for _name in names:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split(b" ")
            pos = eol + 1
            if len(header) == 3 and header[2].isdigit() and re.fullmatch(rb"[0-9a-f]+", header[0]):
                size = int(header[2])
                result.append((header[1].decode(), out[pos:pos + size]))
                pos += size + 1
            else:  # "<name> missing" / "<name> ambiguous"
                result.append((None, b""))
        return result

    def _head(self) -> tuple[str | None, str | None]:
        """(full branch ref or None when detached, commit id or None when unborn): one call."""
        status, out, _err = self._run(list(_HEAD_ARGS), what=_("read HEAD"), ok=None, quick=True)
        if status == 0:
            sha, name = out.decode().split("\n")[:2]
            return (None if name == "HEAD" else name), sha
        symref = self._symbolic_head()
        if symref is None:
            raise StoreError(_("HEAD in {path} points to no commit and no branch; git "
                               "cannot tell what is checked out. Check `git status`.").format(path=self.root))
        return symref, None  # unborn branch: the first commit has no parent

    def _symbolic_head(self) -> str | None:
        status, out, _err = self._run(["symbolic-ref", "-q", "HEAD"], what=_("read HEAD"), ok=(0, 1), quick=True)
        return out.decode().strip() if status == 0 else None

    def _resolve(self, rev: str) -> str | None:
        status, out, _err = self._run(["rev-parse", "-q", "--verify", "--end-of-options",
                                    f"{rev}^{{commit}}"], what=_("resolve {rev}").format(rev=rev), ok=(0, 1, 128))
        return out.decode().strip() if status == 0 else None

    def _config(self) -> dict[str, str | None]:
        """All of git's config as one dict (last value wins), read fresh with one call."""
        out = self._run(list(_CONFIG_ARGS), what=_("read git config"), quick=True)[1]
        config: dict[str, str | None] = {}
        for entry in out.decode("utf-8", "replace").split("\0"):
            if entry:
                key, sep, value = entry.partition("\n")
                config[key] = value if sep else None  # no "=": boolean true
        return config


# ---------------------------------------------------------------------- module helpers

def _find_git() -> str:
    """The git executable, checked once per process to be new enough."""
    exe, check_version = _start_finding_git()
    check_version()
    return exe


def _start_finding_git() -> tuple[str, Callable[[], None]]:
    """The git executable, and a call that finishes checking its version (it raises when git is
    too old or cannot run). The check runs meanwhile: opening a repository starts it, runs its
    own first git command alongside (each git start is some milliseconds of every kundencheck
    start) and finishes it before reading that command's answer."""
    wanted = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"
    found = shutil.which(wanted)
    needed = ".".join(map(str, MIN_GIT_VERSION))
    if found is None:
        raise StoreError(_(
            "git was not found (looked for `{program}` on PATH). kundencheck keeps the answers in "
            "your project's git history and needs git {needed} or newer: install it "
            "(https://git-scm.com/downloads, or your system's package manager) and try again.").format(
            program=wanted, needed=needed))

    def cannot_run(exc: BaseException) -> StoreError:
        return StoreError(_("Could not run `{program} version` ({error}). kundencheck needs git {needed} or newer.").format(
            program=found, error=exc, needed=needed))

    proc: subprocess.Popen | None = None
    if found not in _GIT_VERSIONS:
        try:
            proc = subprocess.Popen([found, "version"], cwd=pathlib.Path.cwd() if os.path.isdir(os.curdir) else pathlib.Path("/"),
                                    env=_plain_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            raise cannot_run(exc) from exc

    def check_version() -> None:
        if proc is not None:
            try:
                out, _err = proc.communicate(timeout=_timeout(GitStore.timeout))
            except (OSError, subprocess.SubprocessError) as exc:
                proc.kill()
                proc.wait()
                raise cannot_run(exc) from exc
            match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out.decode("ascii", "replace"))
            _GIT_VERSIONS[found] = tuple(int(p) for p in match.groups(default="0")) if match and proc.returncode == 0 else (0,)
        if _GIT_VERSIONS[found][:2] < MIN_GIT_VERSION:
            found_version = ".".join(map(str, _GIT_VERSIONS[found]))
            raise StoreError(_("git {version} is too old ({program}): kundencheck needs git {needed} "
                               "or newer (for `git hook run`). Please upgrade git and try again.").format(
                version=found_version, program=found, needed=needed))

    return found, check_version


def _import_gitpython() -> Any:
    needed = ".".join(map(str, MIN_GIT_VERSION))
    try:
        import git as gitmod
    except ImportError as exc:
        raise StoreError(_("git could not be used from Python ({error}). Check that `git --version` "
                           "works in this terminal; kundencheck needs git {needed} or newer.").format(
            error=exc, needed=needed)) from exc
    return gitmod


def _plain_env() -> dict[str, str]:
    """git's environment: C locale (its messages are parsed), never prompting."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"}


#: What _config and _head ask git (and start_reading_state starts ahead).
_CONFIG_ARGS = ("config", "-z", "--list")
_HEAD_ARGS = ("rev-parse", "HEAD^{commit}", "--symbolic-full-name", "HEAD", "--")


class _StartedGit:
    """A git command run without GitPython, the way GitPython would (C locale, never
    prompting), started now and answered by :meth:`result`."""

    def __init__(self, argv: list[str], cwd: pathlib.Path, timeout: float, stdin: bytes | None = None,
                 env: dict[str, str] | None = None) -> None:
        self._timeout = _timeout(timeout)
        self._stdin = stdin
        self._proc = subprocess.Popen(argv, cwd=cwd, env={**_plain_env(), **(env or {})},
                                      stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def result(self) -> tuple[int, bytes, str]:
        """(exit status, stdout, stderr); raises subprocess.TimeoutExpired after the timeout,
        having stopped git."""
        # communicate() writes the input while it reads the output: no pipe deadlock.
        try:
            out, err = self._proc.communicate(self._stdin, timeout=self._timeout)
        except BaseException:
            self.abandon()
            raise
        return self._proc.returncode, out, err.decode("utf-8", "replace")

    def abandon(self) -> None:
        """Stop git if it still runs, and reap it."""
        with contextlib.suppress(OSError):
            self._proc.kill()
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            self._proc.communicate(timeout=5)


def _run_plain(argv: list[str], cwd: pathlib.Path, timeout: float, stdin: bytes | None = None) -> tuple[int, bytes, str]:
    """Run git without GitPython, the way GitPython would (C locale, never prompting)."""
    return _StartedGit(argv, cwd, timeout, stdin).result()


def _git_failed(what: str, args: list[str], status: int, err: str) -> str:
    return _("Could not {what}: `git {args}` failed (exit status {status}). git said: {error}").format(
        what=what, args=" ".join(args), status=status, error=err.strip() or _("(nothing)"))


def _real(path: str) -> str:
    """``path`` with symbolic links resolved, to compare two names of one folder."""
    return os.path.realpath(path)


def _changing_branch(admin: pathlib.Path, ref: str) -> bool:
    """Whether the worktree whose git dir is ``admin`` is rebasing or bisecting branch ``ref``
    (its HEAD is detached meanwhile, but the branch is its own, as git counts it)."""
    for name in ("rebase-merge/head-name", "rebase-apply/head-name"):
        with contextlib.suppress(OSError):
            if (admin / name).read_text().strip() == ref:
                return True
    with contextlib.suppress(OSError):
        return "refs/heads/" + (admin / "BISECT_START").read_text().strip() == ref
    return False


def _check_relpath(relpath: str) -> None:
    if not isinstance(relpath, str):
        raise StoreError(_("Refusing to store answers at {path}: the path must be a string.").format(path=repr(relpath)))
    parts = relpath.split("/")
    bad = (not relpath.startswith(ANSWERS_ROOT)
           or relpath.startswith("/") or "\\" in relpath
           or any(c < " " for c in relpath)  # NUL, newlines: unrepresentable or confusing
           or any(p in ("", ".", "..") or p.lower() == ".git" for p in parts))
    if bad:
        raise StoreError(_("Refusing to store answers at {path}: the path must be a plain "
                           "relative path inside {folder} (forward slashes, no '..', no "
                           "empty or '.git' parts).").format(path=repr(relpath), folder=ANSWERS_ROOT))


def _remotes(config: dict[str, str | None]) -> set[str]:
    """The names of the configured remotes (those with a url or pushurl)."""
    found = set()
    for key in config:
        if key.startswith("remote.") and key.endswith((".url", ".pushurl")):
            found.add(key[len("remote."):key.rindex(".")])
    return found


def _promisor_remote(config: dict[str, str | None]) -> str | None:
    """The remote a partial clone fetches missing objects from, as git chooses it."""
    named = config.get("extensions.partialclone")
    if named:
        return named
    for key, value in config.items():
        if key.startswith("remote.") and key.endswith(".promisor") and _git_bool(config, key):
            return key[len("remote."):-len(".promisor")]
    return None


def _is_url(remote: str) -> bool:
    return "/" in remote or ":" in remote


def _git_push_destination(name: str, remote: str, upstream_remote: str, merge: str, mode: str) -> str | None:
    """The branch on ``remote`` a plain `git push` pushes branch ``name`` to, as push.default
    (``mode``) makes git choose it; None where git pushes nothing: ``nothing``; ``simple`` (the
    default) to an upstream of another name, such as the origin/main a `git switch -c feature
    origin/main` follows; ``upstream`` to a remote other than the upstream's."""
    own = f"refs/heads/{name}"
    to_upstream = remote == upstream_remote
    if mode in ("current", "matching"):
        return own
    if mode in ("upstream", "tracking"):
        return merge if to_upstream else None
    if mode == "nothing":
        return None
    if not to_upstream:  # simple, pushing to another remote than the one it pulls from: as current
        return own
    return merge if merge == own else None


def _plain_branch(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9._/+@-]+", name)) and ".." not in name and not name.startswith("-")


def _sh(word: str) -> str:
    import shlex  # only when a message shows a command to run

    return shlex.quote(word)


def _git_reason(err: str) -> str:
    """git's error output as one short paragraph, without hints and progress lines."""
    from kundencheck.core.text import one_line

    kept = []
    for line in err.splitlines():
        line = line.strip()
        if not line or line.startswith(("hint:", "To ", "Done")):
            continue
        bare = re.sub(r"^(fatal|error|remote): ", "", line)
        new_sentence = bare != line or bare[:1].isupper()
        if kept and new_sentence and not kept[-1].endswith((".", "!", "?", ":")):
            kept[-1] += "."
        kept.append(bare)
    return one_line(" ".join(kept), 400).rstrip(".")


def _check_rev(rev: str) -> None:
    if not rev or rev.startswith("-") or any(c < " " for c in rev):
        raise StoreError(_("{rev} is not a revision kundencheck can read from.").format(rev=repr(rev)))


def _refuse_symlinks(root: pathlib.Path, relpath: str) -> None:
    # Writing through a symlinked folder would put the answers outside the repository.
    path = root
    for part in relpath.split("/"):
        path = path / part
        if path.is_symlink():
            raise StoreError(_("{path} is a symbolic link; kundencheck only writes answers into "
                               "real folders of the work tree. Replace the link with a folder.").format(path=path))


def _normalise_message(message: str) -> str:
    body = message.strip("\n")
    if not body.strip():
        raise StoreError(_("The commit message is empty; kundencheck needs a subject line to "
                           "commit the answers."))
    return body + "\n"


def _identity_from(config: dict[str, str | None]) -> Identity:
    # Same precedence as git: environment, then author.*, then user.* (EMAIL as last resort).
    name = os.environ.get("GIT_AUTHOR_NAME") or config.get("author.name") or config.get("user.name")
    email = (os.environ.get("GIT_AUTHOR_EMAIL") or config.get("author.email")
             or config.get("user.email") or os.environ.get("EMAIL"))
    if name and email:
        return Identity(name.strip(), email.strip())
    missing = (" " + _("and") + " ").join(k for k, v in (("user.name", name), ("user.email", email)) if not v)
    raise StoreError(_(
        "git does not know who you are: {missing} is not set, and kundencheck commits the "
        "answers under your git identity. Set it once with `git config --global user.name "
        "\"Your Name\"` and `git config --global user.email \"you@example.com\"` (leave out "
        "--global to set it for this repository only), then try again.").format(missing=missing))


def _git_bool(config: dict[str, str | None], key: str) -> bool:
    if key not in config:
        return False
    value = config[key]
    if value is None:
        return True
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off", ""):
        return False
    try:
        return int(lowered, 0) != 0
    except ValueError:
        raise StoreError(_("git config {key} is {value}, which is not a boolean git understands. "
                           "Fix it with `git config {key} true` or `false`.").format(key=key, value=repr(value))) from None


def _os_reason(exc: OSError) -> str:
    import errno
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return _("{reason} (the disk is full; free some space and try again)").format(reason=reason)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _("{reason} (the repository is read-only for you; check its permissions)").format(reason=reason)
    if exc.errno == errno.ELOOP:
        return _("{reason} (a symbolic link where kundencheck keeps a file of its own, which it never "
                 "writes through; delete the link and try again)").format(reason=reason)
    return reason


def _write_failed(exc: OSError, where: pathlib.Path) -> StoreError:
    """An OSError of kundencheck's own files while committing (the journal, the lock), as the
    StoreError it is: nothing was committed (``where``: the folder, when the error names no file)."""
    return StoreError(_("Could not write {path}: {reason}.").format(path=exc.filename or where, reason=_os_reason(exc)))


def _kill_timers() -> set[Any]:
    """The pending timers GitPython starts to stop a git call at its time limit."""
    import threading

    return {thread for thread in threading.enumerate()
            if isinstance(thread, threading.Timer) and getattr(thread.function, "__name__", "") == "kill_process"}


def _flock(fd: int, *, wait: bool = True) -> bool:
    """Take an exclusive flock on ``fd`` (False when ``wait`` is off and another process holds
    it). Without flock (Windows), True and nothing held."""
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


def _timeout(seconds: float) -> float | None:
    # GitPython refuses kill_after_timeout on Windows instead of ignoring it.
    return None if sys.platform == "win32" else seconds


def _backoff(attempt: int) -> None:
    # Exponential with full jitter, capped: busy committers must not keep colliding in lockstep,
    # and one that lost several times in a row waits long enough to get a clear turn.
    time.sleep(random.uniform(0.0, min(0.5, 0.01 * 2 ** attempt)))
