"""The only code in kundencheck that talks to git.

Answers are committed into the team's own repository without disturbing anything the user
is doing there: the new commit is built from HEAD's tree with plumbing commands (no index is
used to build it), HEAD moves by compare-and-swap, and only the answers file's index entry is
updated afterwards. The user's staged, unstaged and untracked changes are never touched.
See /work/shared/notes/git-storage.md for the measurements behind each step.

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
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import N_, _, translate

__all__ = ["ANSWERS_ROOT", "DRAFT_HINT", "CommitResult", "GitStore", "Identity", "MIN_GIT_VERSION", "PushError"]

#: `git hook run --ignore-missing` appeared in git 2.36.
MIN_GIT_VERSION = (2, 36)
#: Every path kundencheck commits lives below this folder of the work tree.
ANSWERS_ROOT = ".kundencheck/"

#: Added to a refusal to commit. English, marked for the catalogs: messages carry it translated
#: (``translate(DRAFT_HINT)``); every translation keeps the command `kundencheck drafts commit ID`.
DRAFT_HINT = N_(
    " Your answers are kept as a draft: once this is sorted out, commit them with "
    "`kundencheck drafts commit ID`."
)

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

_CAS_TRIES = 20  # HEAD moved by someone else: rebuild on the new tip this many times
_LOCK_WAIT = 1.0  # seconds to wait for another git's index.lock to go away before refusing
_TURN_WAIT = 30.0  # seconds to wait for another kundencheck process's turn (see _writer_turn)
_INDEX_TRIES = 20  # update-index attempts while another git holds index.lock (a few seconds)
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
    #: After a push (see RunSession.push): what was pushed, or why the push failed and how to
    #: push later. Both None when no push was asked for.
    pushed: str | None = None
    push_failed: str | None = None


class PushError(StoreError):
    """A push failed or did not finish in time. The commit is kept; the message says why and
    which command pushes it later."""


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
        self._index_lock: pathlib.Path = values["index_lock"]
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
        state_names = [name for name, _, _ in _BLOCKING_STATES] + ["index.lock"]
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
            "index_lock": pathlib.Path(paths["index.lock"]),
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
    def data_dir(self) -> pathlib.Path:
        """kundencheck's own folder (drafts, cache) inside the per-worktree git dir; not created."""
        return self.git_dir / "kundencheck"

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

    def identity(self) -> Identity:
        """The author git will record, from the environment and git config, as `git commit` does."""
        return _identity_from(self._config())

    def check_ready(self) -> list[str]:
        """Raise StoreError if committing onto HEAD now would be wrong; return warnings."""
        return self._check_ready(self._head())

    def _check_ready(self, head: tuple[str | None, str | None]) -> list[str]:
        for name, state, remedy in _BLOCKING_STATES:
            if self._state_paths[name].exists():
                raise StoreError(
                    _("kundencheck will not commit now: {state} in {path}. First {remedy}.").format(
                        state=translate(state), path=self.root, remedy=translate(remedy))
                    + translate(DRAFT_HINT))
        symref, old = head
        if symref is None and not self.allow_detached:
            raise StoreError(
                _("kundencheck will not commit now: HEAD is detached (not on a branch) at {commit} in {path}. "
                  "Switch to a branch with `git switch BRANCH` (or create one here with `git switch -c NAME`).").format(
                    commit=(old or "")[:12], path=self.root) + translate(DRAFT_HINT))
        # A running git holds index.lock for milliseconds; a crashed one leaves it forever.
        deadline = time.monotonic() + _LOCK_WAIT
        while self._index_lock.exists():
            if time.monotonic() > deadline:
                raise StoreError(_(
                    "kundencheck will not commit now: {lock} exists, so another git "
                    "process is using this repository. Wait for it to finish; if no git is "
                    "running, a crashed git left the lock behind and you can delete that file "
                    "yourself (kundencheck never deletes it).").format(lock=self._index_lock) + translate(DRAFT_HINT))
            time.sleep(0.02)
        return self._shallow_warning()

    def _shallow_warning(self) -> list[str]:
        if not self._shallow:
            return []
        return [_("This repository is a shallow clone, so its history is incomplete: the answers "
                  "are committed normally, but older runs are missing from history views. Run "
                  "`git fetch --unshallow` to fetch the full history.")]

    # ------------------------------------------------------------------ committing

    def commit_file(self, relpath: str, content: bytes, message: str, *,
                    run_commit_msg_hook: bool = True, ref: str | None = None) -> CommitResult:
        """Commit one file (``relpath`` below ``.kundencheck/``) on top of HEAD, or of ``ref``.

        With ``ref`` (e.g. ``refs/heads/kundencheck``) the commit goes onto that branch and
        HEAD, the index and the work tree are left alone. Raises StoreError on any refusal or
        failure; nothing is ever deleted, so the caller's draft stays valid.
        """
        _check_relpath(relpath)
        body = _normalise_message(message)
        try:
            return self._commit_file(relpath, content, body, run_commit_msg_hook, ref)
        except StoreError as exc:
            hint = translate(DRAFT_HINT)
            if hint in exc.message:
                raise
            raise StoreError(exc.message + hint) from exc

    def _commit_file(self, relpath: str, content: bytes, body: str, run_hook: bool,
                     ref: str | None) -> CommitResult:
        config = self._config()
        if ref is not None:
            ref = ref if ref.startswith("refs/") else "refs/heads/" + ref
            if ref == self._symbolic_head():
                ref = None  # the checked-out branch: commit the normal way, keeping the index right
        base_for = None
        if ref is None:
            target = "HEAD"
            symref, old = self._head()
            warnings = self._check_ready((symref, old))
        else:
            target = symref = ref
            old = self._resolve(ref)
            warnings = self._shallow_warning()
            name = ref.removeprefix("refs/heads/")
            if name != ref:  # a team's answers branch: build on the newest runs this clone knows
                def base_for(tip: str | None) -> str | None:
                    return self._dedicated_base(name, tip, config)
        _identity_from(config)  # a clear message instead of git's "Please tell me who you are"
        sign = _git_bool(config, "commit.gpgsign")

        if ref is None:
            blob = self._write_worktree_blob(relpath, content)
            if self._run(["check-ignore", "-q", "--no-index", "--", relpath],
                         what=_("check .gitignore"), ok=(0, 1))[0] == 0:
                warnings.append(_(
                    "{path} is ignored by .gitignore; committed anyway. `git check-ignore -v "
                    "{path}` shows the rule; add a `!` rule for .kundencheck/ to see the "
                    "answers in `git status`.").format(path=relpath))
        else:
            blob = self._run(["hash-object", "-w", "--stdin", "--path", relpath], stdin=content,
                             what=_("store the answers file in git"))[1].decode().strip()

        msg_name, subject = self._prepare_message(body, run_hook)
        try:
            with self._writer_turn():
                new = self._swap_loop(relpath, blob, old, msg_name, sign, target, subject,
                                      base_for)
                if ref is None:
                    warnings += self._update_index(relpath)
        finally:
            _unlink_quietly(msg_name)  # our own temporary file, not the user's data
        branch = None if symref is None else symref.removeprefix("refs/heads/")
        return CommitResult(sha=new, branch=branch, subject=subject, warnings=tuple(warnings))

    def _write_worktree_blob(self, relpath: str, content: bytes) -> str:
        path = self.root / relpath
        _refuse_symlinks(self.root, relpath)
        from kundencheck.store.atomic import atomic_write  # at the first commit, not at every start

        try:
            atomic_write(path, content)
        except OSError as exc:
            raise StoreError(_("Could not write {path}: {reason}.").format(path=path, reason=_os_reason(exc))) from exc
        # From the work-tree file, so .gitattributes filters apply exactly as `git add` would.
        out = self._run(["hash-object", "-w", "--", relpath], what=_("store the answers file in git"))
        return out[1].decode().strip()

    def _prepare_message(self, body: str, run_hook: bool) -> tuple[str, str]:
        """Write the message to a file in git_dir and run the commit-msg hook on it.

        Returns (file name, subject); the caller deletes the file.
        """
        try:
            fd, msg_name = tempfile.mkstemp(dir=self.git_dir, prefix="KUNDENCHECK_MSG.")
            with os.fdopen(fd, "wb") as handle:
                handle.write(body.encode("utf-8"))
        except OSError as exc:
            raise StoreError(_("Could not write the commit message into {path}: {reason}.").format(
                path=self.git_dir, reason=_os_reason(exc))) from exc
        try:
            if run_hook:
                self._run_commit_msg_hook(msg_name)
                body = pathlib.Path(msg_name).read_bytes().decode("utf-8", "replace")
                if not body.strip():
                    raise StoreError(_("The commit-msg hook emptied the commit message, so there "
                                       "is nothing to commit with. Check the hook."))
        except OSError as exc:
            _unlink_quietly(msg_name)
            raise StoreError(_("Could not read the commit message back after the commit-msg hook: {reason}.").format(
                reason=_os_reason(exc))) from exc
        except BaseException:
            _unlink_quietly(msg_name)
            raise
        return msg_name, body.strip().split("\n", 1)[0].strip()

    def _swap_loop(self, relpath: str, blob: str, old: str | None, msg_name: str, sign: bool,
                   target: str, subject: str, base_for: Any = None) -> str:
        """Build the commit on ``old``, compare-and-swap ``target``; rebuild if it moved.

        ``base_for(old)``, when given, names the commit to build on instead of ``old`` (a
        descendant of it, or ``old`` itself); the swap still expects ``target`` at ``old``.
        Returns the new commit's id.
        """
        new: str | None = None
        base = old
        for attempt in range(_CAS_TRIES):
            if new is None:
                base = base_for(old) if base_for is not None else old
                new = self._commit_tree(self._build_tree(base, relpath, blob), base, msg_name, sign)
            reflog = f"commit{'' if base else ' (initial)'}: {subject}"
            status, _out, err = self._run(["update-ref", "-m", reflog, target, new, old or ""],
                                       what=_("move the branch"), ok=None)
            if status == 0:
                return new
            now = self._head()[1] if target == "HEAD" else self._resolve(target)
            if now != old:
                old, new = now, None  # someone committed meanwhile: rebuild on top of theirs
                if attempt == 0:
                    continue  # typically a commit made while we waited for our turn
            elif ".lock" not in err:
                raise StoreError(_("Could not move {ref} to the new commit {commit}. git said: {error}").format(
                    ref=target, commit=new[:12], error=err.strip()))
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
        raise StoreError(_("git could not create the commit. git said: {error}").format(error=err.strip()))

    def _build_tree(self, base: str | None, relpath: str, blob: str) -> str:
        """Root tree of ``base`` with ``relpath`` set to ``blob``; no index involved.

        One `cat-file --batch` reads every tree on the path, one `mktree --batch` writes the
        new ones bottom-up (their ids are computed here so a parent can name its child; mktree
        verifies each child exists, and its ids are compared with ours).
        """
        parts = relpath.split("/")
        dirs = ["/".join(parts[:i]) for i in range(len(parts))]  # "", ".kundencheck", ...
        levels: list[dict[bytes, tuple[int, bytes]]] = [{} for _ in dirs]
        if base is not None:
            queries = [f"{base}^{{tree}}"] + [f"{base}:{d}" for d in dirs[1:]]
            for i, (kind, data) in enumerate(self._cat_batch(queries)):
                if kind is None:
                    break  # missing folder: it and everything below start empty
                if kind != "tree":
                    raise StoreError(_("{folder} is a {kind}, not a folder, in commit {commit}, so {path} cannot be "
                                       "stored there.").format(folder=dirs[i], kind=kind, commit=base[:12], path=relpath))
                levels[i] = self._parse_tree(data)
        child_mode, child_id = 0o100644, bytes.fromhex(blob)
        stream: list[bytes] = []
        ids: list[str] = []
        for i in range(len(dirs) - 1, -1, -1):
            name = parts[i].encode("utf-8")
            existing = levels[i].get(name)
            if existing and (existing[0] == 0o40000) != (child_mode == 0o40000):
                message = (_("{name} already exists in the repository as a folder, so {path} cannot be stored there.")
                           if existing[0] == 0o40000 else
                           _("{name} already exists in the repository as a file, so {path} cannot be stored there."))
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

    def _update_index(self, relpath: str) -> list[str]:
        """Record the committed file in the index so `git status` is clean for it."""
        for attempt in range(_INDEX_TRIES):
            status, _out, err = self._run(["update-index", "--add", "--", relpath],
                                       what=_("update the index"), ok=None)
            if status == 0:
                return []
            if ".lock" not in err:
                break
            _backoff(attempt)  # a `git status` in an editor holds index.lock for a moment
        return [_("The answers were committed, but the index could not be updated for {path} "
                  "(git said: {error}), so `git status` may list it. `git reset -q -- "
                  "{path}` fixes that.").format(path=relpath, error=err.strip())]

    # ------------------------------------------------------------------ reading

    def read_files(self, prefix: str = ".kundencheck/answers", *,
                   rev: str = "HEAD") -> dict[str, tuple[str, bytes]]:
        """path -> (blob id, content) for every blob under ``prefix`` in ``rev``'s tree.

        Empty when ``rev`` does not exist yet (unborn branch) or has nothing under ``prefix``.
        """
        wanted = self.list_blobs(prefix, rev=rev)
        if not wanted:
            return {}
        contents = self.read_blobs(wanted.values())
        return {path: (oid, contents[oid]) for path, oid in wanted.items()}

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

    def push(self, ref: str | None = None) -> str:
        """Push the checked-out branch, or the branch ``ref`` (a team's answers branch), to its
        upstream (else ``origin``); return one line saying what was pushed.

        Never prompts and never waits longer than :attr:`push_timeout`: no terminal prompt for
        a password (GIT_TERMINAL_PROMPT=0), ssh in batch mode unless the user set their own ssh
        command, no controlling terminal for any program git starts. A team's answers branch
        that another clone pushed to meanwhile is fetched and merged by plumbing (answers
        files never conflict) and pushed again. Raises :class:`PushError` otherwise; the commit
        is kept and the message names the command that pushes it later.
        """
        deadline = time.monotonic() + self.push_timeout
        config = self._config()
        head = self._symbolic_head()
        branch_ref = head if ref is None else (ref if ref.startswith("refs/") else "refs/heads/" + ref)
        if branch_ref is None:
            raise PushError(_("HEAD is detached (not on a branch) in {path}, so there is no "
                              "branch to push. Push by hand with `git push REMOTE HEAD:BRANCH`.").format(path=self.root))
        name = branch_ref.removeprefix("refs/heads/")
        if name == branch_ref or not _plain_branch(name):
            raise PushError(_("{ref} is not a branch kundencheck can push.").format(ref=repr(branch_ref)))
        if self._resolve(branch_ref) is None:
            raise PushError(_("There is no branch {branch} in {path} yet, so there is nothing to push.").format(
                branch=name, path=self.root))
        remote, dest = self._push_target(name, config)
        short = dest.removeprefix("refs/heads/")
        later = "git push " + _sh(remote) + " " + _sh(name if short == name else f"{name}:{short}")
        status, lines, err = self._network(["push", "--porcelain", remote, f"{branch_ref}:{dest}"],
                                           config, deadline)
        rejected = status not in (None, 0) and any(line.startswith("!") for line in lines)
        if rejected and branch_ref != head:
            # A team's answers branch that is not checked out: the user cannot simply pull.
            merged = self._merge_remote_branch(branch_ref, remote, dest, config, deadline)
            if merged is None:
                status, lines, err = self._network(
                    ["push", "--porcelain", remote, f"{branch_ref}:{dest}"], config, deadline)
                rejected = status not in (None, 0) and any(line.startswith("!") for line in lines)
            else:
                err = merged
        if status == 0:
            flags = [line.split("\t")[0] for line in lines if "\t" in line]
            if flags and all(flag == "=" for flag in flags):
                return _("{branch} was already up to date on {remote}; nothing to push.").format(branch=name, remote=remote)
            if short != name:
                return _("Pushed {branch} to {remote} ({target}).").format(branch=name, remote=remote, target=short)
            return _("Pushed {branch} to {remote}.").format(branch=name, remote=remote)
        keep = _("The commit is kept in your repository; push it later with `{command}`.").format(command=later)
        if status is None:
            raise PushError(_(
                "The answers were committed, but pushing {branch} to {remote} did not finish within {seconds:g} "
                "seconds (a slow network, a server that does not answer, or git waiting for a password or passphrase, "
                "which kundencheck never lets it ask for).").format(branch=name, remote=remote, seconds=self.push_timeout)
                + " " + keep)
        if rejected and branch_ref == head:
            raise PushError(_(
                "The answers were committed, but pushing {branch} to {remote} was refused: {remote} has commits "
                "that your {branch} does not have yet. The commit is kept in your repository; bring those in with "
                "`git pull --rebase {quoted_remote} {quoted_target}` (answers files never conflict), then push with "
                "`{command}`.").format(branch=name, remote=remote, quoted_remote=_sh(remote), quoted_target=_sh(short),
                                        command=later))
        reason = _git_reason(err) or _("git push ended with exit status {status}").format(status=status)
        raise PushError(_("The answers were committed, but pushing {branch} to {remote} failed: {reason}.").format(
            branch=name, remote=remote, reason=reason) + " " + keep)

    def _push_target(self, name: str, config: dict[str, str | None]) -> tuple[str, str]:
        """(remote, destination ref) for branch ``name``, chosen as `git push` would."""
        remotes = _remotes(config)
        for candidate in (config.get(f"branch.{name}.pushremote"), config.get("remote.pushdefault"),
                          config.get(f"branch.{name}.remote"), "origin"):
            if candidate and candidate != ".":
                remote = candidate
                break
        if remote not in remotes and not _is_url(remote):
            if not remotes:
                raise PushError(_(
                    "The answers were committed, but there is nothing to push them to: {path} "
                    "has no remote (`git remote -v` lists none). Add the team's with `git remote "
                    "add origin URL`, then push with `git push -u origin {branch}`.").format(path=self.root, branch=_sh(name)))
            raise PushError(_(
                "The answers were committed, but there is no remote named {remote} to push "
                "them to (the remotes here: {remotes}). Push them with `git "
                "push REMOTE {branch}`, or set the upstream once with `git push -u REMOTE "
                "{branch}`.").format(remote=repr(remote), remotes=", ".join(sorted(remotes)), branch=_sh(name)))
        if remote.startswith("-"):
            raise PushError(_("{remote} is not a remote kundencheck pushes to.").format(remote=repr(remote)))
        merge = config.get(f"branch.{name}.merge") or ""
        if config.get(f"branch.{name}.remote") == remote and merge.startswith("refs/heads/"):
            return remote, merge
        return remote, f"refs/heads/{name}"

    def _merge_remote_branch(self, branch_ref: str, remote: str, dest: str,
                             config: dict[str, str | None], deadline: float) -> str | None:
        """Bring the remote's copy of a team's answers branch into ours without a work tree.

        Fetches it, merges by plumbing (`git merge-tree`, no index, no work tree), moves our
        branch by compare-and-swap. Returns None when the branch can be pushed again, else
        why not (a reason for the user).
        """
        if remote not in _remotes(config):
            return _("the remote has runs this clone does not have yet")
        if _GIT_VERSIONS.get(self._exe, (0,))[:2] < (2, 38):  # merge-tree --write-tree
            return _("the remote has runs this clone does not have yet (git 2.38 or newer would "
                     "let kundencheck merge them)")
        tracking = f"refs/remotes/{remote}/{dest.removeprefix('refs/heads/')}"
        status, _out, err = self._network(["fetch", "--no-tags", "--no-write-fetch-head", remote,
                                        f"+{dest}:{tracking}"], config, deadline)
        if status != 0:
            if status is None:
                return _("fetching the remote's runs to merge them took too long")
            return _("fetching the remote's runs to merge them failed ({reason})").format(reason=_git_reason(err))
        ours, theirs = self._resolve(branch_ref), self._resolve(tracking)
        if ours is None or theirs is None or self._is_ancestor(theirs, ours):
            return None
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
        self._run(["update-ref", "-m", subject, branch_ref, merge, ours],
                  what=_("move {branch} to the merge").format(branch=branch_ref.removeprefix("refs/heads/")))
        return None

    def _network(self, args: list[str], config: dict[str, str | None],
                 deadline: float) -> tuple[int | None, list[str], str]:
        """Run a git command that talks to a remote: (exit status or None when it was stopped
        at the deadline, porcelain stdout lines, stderr).

        It runs in a session of its own (no controlling terminal, so nothing it starts can
        open /dev/tty and prompt inside the TUI) and is killed with everything it started.
        """
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never",
               "LC_ALL": "C", "LANGUAGE": "C"}
        if not (env.get("GIT_SSH_COMMAND") or env.get("GIT_SSH") or config.get("core.sshcommand")):
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        posix = os.name == "posix"
        try:
            proc = subprocess.Popen([self._exe, *args], cwd=self.root, env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=posix)
        except OSError as exc:
            raise PushError(_("Could not run git to reach the remote: {error}.").format(error=exc)) from exc
        try:
            out, err = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                if posix:
                    os.killpg(proc.pid, 9)  # git, ssh and whatever they started
                else:
                    proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                proc.communicate(timeout=5)
            return None, [], ""
        lines = out.decode("utf-8", "replace").splitlines()
        return proc.returncode, lines, err.decode("utf-8", "replace")

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
             ) -> tuple[int, bytes, str]:
        """Run git; return (status, stdout bytes, stderr). ok=None: caller checks status.

        GitPython runs git with LC_ALL=C; ``user_locale`` gives the user's locale back to
        programs the user wrote or reads (hooks, gpg's pinentry). Empty LC_ALL means unset.
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
        env = None
        if user_locale:
            env = {k: os.environ.get(k, "") for k in ("LC_ALL", "LANGUAGE")}
        git_cmd = self._git  # imports GitPython on first use
        stream = None
        try:
            if stdin is not None:
                # GitPython wants a real file as stdin; a pipe could deadlock on big output.
                stream = tempfile.TemporaryFile()
                stream.write(stdin)
                stream.seek(0)
            status, out, err = git_cmd.execute(
                [self._exe, *args], istream=stream, with_extended_output=True,
                with_exceptions=False, stdout_as_string=False, strip_newline_in_stdout=False,
                kill_after_timeout=_timeout(self.timeout), env=env)
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

    def _cat_batch(self, names: list[str]) -> list[tuple[str | None, bytes]]:
        """(type or None if missing, content) per name, from one `git cat-file --batch`."""
        _status, out, _err = self._run(["cat-file", "--batch"], stdin="".join(n + "\n" for n in names)
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

    def __init__(self, argv: list[str], cwd: pathlib.Path, timeout: float, stdin: bytes | None = None) -> None:
        self._timeout = _timeout(timeout)
        self._stdin = stdin
        self._proc = subprocess.Popen(argv, cwd=cwd, env=_plain_env(),
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


def _is_url(remote: str) -> bool:
    return "/" in remote or ":" in remote


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
    return reason


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
