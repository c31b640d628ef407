"""The repository's state, read from git: where it is (opening it), HEAD, branches, the
worktrees that have them checked out, git's config and the author it names, and what a
team's answers branch is read from. :class:`RepoState` only reads (and sets the odd config
key); committing is store/committing.py, pushing store/remotes.py.

What the other parts of the store use: :class:`RepoState` (committing and reading build on
it), :class:`Identity` and :func:`identity_from` (the author git's config and environment
name), :func:`git_bool` (a config value read as git reads a boolean), :func:`remote_names`,
:func:`plain_branch` (a branch name kundencheck passes to git as it is) and
``BLOCKING_STATES`` (the operations in progress during which nothing is committed).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import re
import subprocess
from typing import TYPE_CHECKING, Self

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import N_, _
from kundencheck.core.people import Person
from kundencheck.store.runner import (
    GitRunner,
    StartedGit,
    find_git,
    run_plain,
    start_finding_git,
)

if TYPE_CHECKING:  # only for the type checker: open() hands a plain dict over
    from typing import NotRequired, TypedDict

    class _Found(TypedDict):
        """What :meth:`RepoState.open` (or ``open_bare``) found out about the repository."""

        root: pathlib.Path
        exe: str
        options: NotRequired[tuple[str, ...]]
        git_dir: pathlib.Path
        common_dir: pathlib.Path
        shallow: bool
        state_paths: dict[str, pathlib.Path]
        index: pathlib.Path
        object_format: str


# (file under `git rev-parse --git-path`, what it means, how to get out of it); the texts are
# marked for the catalogs and translated where the message is made.
BLOCKING_STATES: tuple[tuple[str, str, str], ...] = (
    (
        "MERGE_HEAD",
        N_("a merge is in progress"),
        N_("finish it (resolve the conflicts, `git add` the files, `git commit`) or abort it with `git merge --abort`"),
    ),
    (
        "CHERRY_PICK_HEAD",
        N_("a cherry-pick is in progress"),
        N_("finish it with `git cherry-pick --continue` or abort it with `git cherry-pick --abort`"),
    ),
    (
        "REVERT_HEAD",
        N_("a revert is in progress"),
        N_("finish it with `git revert --continue` or abort it with `git revert --abort`"),
    ),
    (
        "rebase-merge",
        N_("a rebase is in progress"),
        N_("finish it with `git rebase --continue` or abort it with `git rebase --abort`"),
    ),
    (
        "rebase-apply",
        N_("a rebase (or `git am`) is in progress"),
        N_(
            "finish it with `git rebase --continue` (`git am --continue`) or abort it with "
            "`git rebase --abort` (`git am --abort`)"
        ),
    ),
    ("BISECT_LOG", N_("a bisect is in progress"), N_("end it with `git bisect reset`")),
    (
        "sequencer",
        N_("a multi-commit cherry-pick or revert is in progress"),
        N_(
            "finish it with `git cherry-pick --continue` (or `git revert --continue`) or abort it "
            "with `git cherry-pick --abort` (or `git revert --abort`)"
        ),
    ),
)

#: What git_config and _head ask git (and start_reading_state starts ahead).
_CONFIG_ARGS = ("config", "-z", "--list")
_HEAD_ARGS = ("rev-parse", "HEAD^{commit}", "--symbolic-full-name", "HEAD", "--")


#: The author git will record: a name and an e-mail address (``str()`` is ``Name <email>``).
Identity = Person


class RepoState(GitRunner):
    """What git says about the repository: opened with :meth:`open`."""

    def __init__(self, values: _Found, allow_detached: bool) -> None:
        # Use GitStore.open(); this only stores what open() found out.
        super().__init__(values["root"], values["exe"], values.get("options", ()))
        self.git_dir: pathlib.Path = values["git_dir"]
        self.common_dir: pathlib.Path = values["common_dir"]
        self.allow_detached = allow_detached
        self._shallow: bool = values["shallow"]
        self._state_paths: dict[str, pathlib.Path] = values["state_paths"]
        self._index: pathlib.Path = values["index"]
        self._index_lock = self._index.with_name(self._index.name + ".lock")
        self._object_format: str = values["object_format"]

    @classmethod
    def open(cls, path: str | os.PathLike[str] = ".", *, allow_detached: bool = False) -> Self:
        """Open the repository containing ``path`` (parent folders are searched)."""
        start = pathlib.Path(path).expanduser().absolute()
        if not start.exists():
            raise StoreError(_("{path} does not exist, so there is no repository to open there.").format(path=start))
        exe, check_version = start_finding_git(cls.timeout)  # finished below, once rev-parse has run alongside
        if not start.is_dir():
            start = start.parent
        state_names = [name for name, _, _ in BLOCKING_STATES] + ["index"]  # `index` honours GIT_INDEX_FILE
        args = [
            "rev-parse",
            "--path-format=absolute",
            "--is-bare-repository",
            "--is-shallow-repository",
            "--show-object-format",
            "--absolute-git-dir",
            "--git-common-dir",
        ]
        for name in state_names:
            args += ["--git-path", name]
        args.append("--show-toplevel")  # last: it fails outside a work tree, after the rest
        try:
            status, raw, err = run_plain([exe, *args], start, cls.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            check_version()  # a git that cannot run or is too old is said as such
            raise StoreError(
                _("Could not run git to open the repository at {path}: {error}").format(path=start, error=exc)
            ) from exc
        check_version()  # before reading rev-parse's answer: an old git's errors would mislead
        out = raw.decode("utf-8", "surrogateescape").rstrip("\n")
        lines = out.splitlines()
        if not lines:
            if "not a git repository" in err:
                raise StoreError(
                    _(
                        "{path} is not inside a git repository. kundencheck keeps the answers in "
                        "the project's git history: run `git init` in the project folder first (or "
                        "run kundencheck inside an existing repository), or try `kundencheck demo` "
                        "to look around in a throwaway repository."
                    ).format(path=start)
                )
            raise StoreError(
                _("git could not open the repository at {path}. git said: {error}").format(path=start, error=err.strip())
            )
        if lines[0] == "true":
            raise StoreError(
                _(
                    "{path} is a bare repository (it has no work tree to keep answers in). Run kundencheck "
                    "inside a clone of it instead, e.g. after `git clone` of that repository."
                ).format(path=lines[4] if len(lines) > 4 else start)
            )
        n_fixed = 5
        if status != 0 or len(lines) != n_fixed + len(state_names) + 1:
            git_dir = lines[3] if len(lines) > 3 else _("the .git folder")
            raise StoreError(
                _(
                    "{path} is inside {git_dir}, not in a work tree. Run kundencheck from the "
                    "project folder itself. git said: {error}"
                ).format(path=start, git_dir=git_dir, error=err.strip())
            )
        paths = dict(zip(state_names, lines[n_fixed : n_fixed + len(state_names)], strict=True))
        values: _Found = {
            "shallow": lines[1] == "true",
            "object_format": lines[2],
            "git_dir": pathlib.Path(lines[3]),
            "common_dir": pathlib.Path(lines[4]),
            "state_paths": {n: pathlib.Path(paths[n]) for n, _, _ in BLOCKING_STATES},
            "index": pathlib.Path(paths["index"]),
            "root": pathlib.Path(lines[-1]),
            "exe": exe,
        }
        return cls(values, allow_detached)

    @classmethod
    def init_repository(cls, path: str | os.PathLike[str]) -> Self:
        """``git init`` a new repository at ``path`` (used by the demo) and open it."""
        exe = find_git(cls.timeout)
        target = pathlib.Path(path)
        try:
            target.mkdir(parents=True, exist_ok=True)
            status, _out, err = run_plain([exe, "init", "-q"], target, cls.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            raise StoreError(_("Could not create a git repository in {path}: {error}").format(path=target, error=exc)) from exc
        if status != 0:
            raise StoreError(_("Could not create a git repository in {path}: {error}").format(path=target, error=err.strip()))
        return cls.open(target)

    @classmethod
    def open_bare(cls, path: str | os.PathLike[str], *, create: bool = False, options: tuple[str, ...] = ()) -> Self:
        """Open the bare repository at ``path`` (a portfolio's copy of a project,
        store/portfolio_cache.py) for reading, made first with ``create`` when it is not there:
        the readers of a work tree's store (list_blobs, read_blobs, read_committed, the history
        cache) work on it the same way; it has no work tree, so nothing is committed into it.
        ``options`` go to every git run in it (:attr:`GitRunner.options`)."""
        folder = pathlib.Path(path).absolute()
        exe, check_version = start_finding_git(cls.timeout)
        try:
            if create and not (folder / "HEAD").is_file():
                folder.parent.mkdir(parents=True, exist_ok=True)
                status, _out, err = run_plain([exe, *options, "init", "-q", "--bare", str(folder)], folder.parent, cls.timeout)
                if status != 0:
                    check_version()
                    raise StoreError(
                        _("Could not create a git repository in {path}: {error}").format(path=folder, error=err.strip())
                    )
            status, raw, err = run_plain(
                [
                    exe,
                    *options,
                    "rev-parse",
                    "--is-bare-repository",
                    "--is-shallow-repository",
                    "--show-object-format",
                    "--absolute-git-dir",
                ],
                folder,
                cls.timeout,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            check_version()
            raise StoreError(
                _("Could not run git to open the repository at {path}: {error}").format(path=folder, error=exc)
            ) from exc
        check_version()
        lines = raw.decode("utf-8", "surrogateescape").splitlines()
        if status != 0 or len(lines) != 4 or lines[0] != "true":
            raise StoreError(
                _(
                    "{path} is not a bare git repository (git said: {error}). It is a portfolio's copy "
                    "of a project: delete the folder and fetch again (`kundencheck portfolio fetch`)."
                ).format(path=folder, error=err.strip() or " ".join(lines[:1]))
            )
        git_dir = pathlib.Path(lines[3])
        values: _Found = {
            "shallow": lines[1] == "true",
            "object_format": lines[2],
            "git_dir": git_dir,
            "common_dir": git_dir,
            "state_paths": {},
            "index": git_dir / "index",
            "root": git_dir,
            "exe": exe,
            "options": options,
        }
        return cls(values, allow_detached=True)

    @property
    def repository_folder(self) -> pathlib.Path:
        """The repository's folder, the same for all its worktrees (the main worktree's): what
        per-repository choices in the user config are recorded under."""
        return self.common_dir.parent if self.common_dir.name == ".git" else self.common_dir

    @property
    def data_dir(self) -> pathlib.Path:
        """kundencheck's own folder (drafts, cache) inside the per-worktree git dir; not created."""
        return self.git_dir / "kundencheck"

    def is_shallow(self) -> bool:
        return self._shallow

    def is_sparse(self) -> bool:
        """Whether this work tree is a sparse checkout (it may lack files its commits hold)."""
        return (self.git_dir / "info" / "sparse-checkout").is_file()

    def set_local_config(self, key: str, value: str) -> None:
        """Set a key in this repository's own config (``git config KEY VALUE``)."""
        self.run_git(["config", key, value], what=_("set git config {key}").format(key=key))

    def start_reading_state(self) -> None:
        """Start what :meth:`identity` and :meth:`check_ready` read from git (its config and
        HEAD) in the background, so the caller can do other work while git runs (the TUI is
        imported meanwhile: some milliseconds of every start). Their next call takes the answer;
        each answer is taken once, later calls read afresh; :meth:`close` ends any not taken."""
        for args in (_CONFIG_ARGS, _HEAD_ARGS):
            if args not in self._started:
                try:
                    self._started[args] = StartedGit(self.argv(args), self.root, self.timeout)
                except OSError:
                    return  # no process to start (none left, no memory): the call itself says why

    def remotes(self) -> set[str]:
        """The names of the configured remotes (those with a url)."""
        return remote_names(self.git_config())

    def identity(self) -> Identity:
        """The author git will record, from the environment and git config, as `git commit` does."""
        return identity_from(self.git_config())

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
        out = self.run_git(["worktree", "list", "--porcelain", "-z"], what=_("list the worktrees"), quick=True)[1]
        admin_dirs = {self._worktree_path(self.common_dir): self.common_dir}
        for admin in (self.common_dir / "worktrees").iterdir():
            admin_dirs[self._worktree_path(admin)] = admin
        here = self._worktree_path(self.git_dir)
        for record in out.decode("utf-8", "surrogateescape").split("\0\0"):
            fields = dict(line.partition(" ")[::2] for line in record.split("\0") if line)
            if "worktree" not in fields or "bare" in fields:
                continue
            path = fields["worktree"]
            its_admin = admin_dirs.get(_real(path))
            if _real(path) == here or (its_admin is not None and _real(str(its_admin)) == _real(str(self.git_dir))):
                continue
            if fields.get("branch") != ref and not (its_admin is not None and _changing_branch(its_admin, ref)):
                continue
            branch = ref.removeprefix("refs/heads/")
            if "prunable" in fields:
                raise StoreError(
                    _(
                        "kundencheck will not commit now: the branch {branch} is already checked out at {path}, "
                        "a worktree whose folder is gone. `git worktree prune` forgets it; then try again."
                    ).format(branch=branch, path=path),
                    refused=True,
                )
            raise StoreError(
                _(
                    "kundencheck will not commit now: the branch {branch} is already checked out at {path} "
                    "(another worktree of this repository). Moving it would leave that worktree's index and "
                    "files behind, so its next commit would undo the answers; git refuses the same. Commit from "
                    "that worktree (`cd {quoted}`), switch it to another branch there, or set storage.branch in "
                    ".kundencheck/config.toml to a branch no worktree has checked out."
                ).format(branch=branch, path=path, quoted=_sh(path)),
                refused=True,
            )

    def _worktree_path(self, admin: pathlib.Path) -> str:
        """The work tree a git dir belongs to: the main one's parent folder, a linked one's
        ``gitdir`` file (the path of that worktree's ``.git`` file)."""
        if admin == self.common_dir:
            return _real(str(admin.parent if admin.name == ".git" else admin))
        try:
            return _real(str(pathlib.Path((admin / "gitdir").read_text().strip()).parent))
        except OSError:
            return str(admin)

    def _head(self) -> tuple[str | None, str | None]:
        """(full branch ref or None when detached, commit id or None when unborn): one call."""
        status, out, _err = self.run_git(list(_HEAD_ARGS), what=_("read HEAD"), ok=None, quick=True)
        if status == 0:
            sha, name = out.decode().split("\n")[:2]
            return (None if name == "HEAD" else name), sha
        symref = self._symbolic_head()
        if symref is None:
            raise StoreError(
                _(
                    "HEAD in {path} points to no commit and no branch; git cannot tell what is checked out. Check `git status`."
                ).format(path=self.root)
            )
        return symref, None  # unborn branch: the first commit has no parent

    def _symbolic_head(self) -> str | None:
        status, out, _err = self.run_git(["symbolic-ref", "-q", "HEAD"], what=_("read HEAD"), ok=(0, 1), quick=True)
        return out.decode().strip() if status == 0 else None

    def _resolve(self, rev: str) -> str | None:
        status, out, _err = self.run_git(
            ["rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}"],
            what=_("resolve {rev}").format(rev=rev),
            ok=(0, 1, 128),
        )
        return out.decode().strip() if status == 0 else None

    def git_config(self) -> dict[str, str | None]:
        """All of git's config as one dict (last value wins), read fresh with one call."""
        out = self.run_git(list(_CONFIG_ARGS), what=_("read git config"), quick=True)[1]
        config: dict[str, str | None] = {}
        for entry in out.decode("utf-8", "replace").split("\0"):
            if entry:
                key, sep, value = entry.partition("\n")
                config[key] = value if sep else None  # no "=": boolean true
        return config

    def _is_ancestor(self, older: str, newer: str) -> bool:
        status = self.run_git(
            ["merge-base", "--is-ancestor", older, newer], what=_("compare two commits"), ok=(0, 1), quick=True
        )[0]
        return status == 0

    def _cat_batch(self, names: list[str], *, replaced: bool = True) -> list[tuple[str | None, bytes]]:
        """(type or None if missing, content) per name, from one `git cat-file --batch`;
        ``replaced`` False: the objects as they are, not as `git replace` shows them."""
        args = ["cat-file", "--batch"] if replaced else ["--no-replace-objects", "cat-file", "--batch"]
        _status, out, _err = self.run_git(
            args, stdin="".join(n + "\n" for n in names).encode("utf-8", "surrogateescape"), what=_("read objects"), quick=True
        )
        result: list[tuple[str | None, bytes]] = []
        pos = 0
        for _name in names:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split(b" ")
            pos = eol + 1
            if len(header) == 3 and header[2].isdigit() and re.fullmatch(rb"[0-9a-f]+", header[0]):
                size = int(header[2])
                result.append((header[1].decode(), out[pos : pos + size]))
                pos += size + 1
            else:  # "<name> missing" / "<name> ambiguous"
                result.append((None, b""))
        return result

    def _tracking_ref(self, name: str, config: dict[str, str | None]) -> str | None:
        """The remote-tracking branch of a local branch ``name``: its upstream's, else
        ``refs/remotes/origin/NAME``; None without such a remote."""
        remote, merge = config.get(f"branch.{name}.remote"), config.get(f"branch.{name}.merge") or ""
        if not (remote and merge.startswith("refs/heads/")):
            remote, merge = "origin", f"refs/heads/{name}"
        if remote not in remote_names(config):
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
        if rev == "HEAD" or name.startswith("refs/") or not plain_branch(name):
            return rev
        tracking = self._tracking_ref(name, self.git_config())
        if tracking is None:
            return rev
        out = self.run_git(
            ["for-each-ref", "--format=%(refname) %(objectname)", f"refs/heads/{name}", tracking],
            what=_("find the answers branch"),
            quick=True,
        )[1]
        tips = dict(line.split(" ", 1) for line in out.decode().splitlines() if " " in line)
        mine, theirs = tips.get(f"refs/heads/{name}"), tips.get(tracking)
        if theirs is None or theirs == mine:
            return rev
        if mine is None or self._is_ancestor(mine, theirs):
            return tracking
        return rev

    def _track_remote_branch(self, name: str, tracking: str | None) -> None:
        """A team's answers branch created here from the remote's copy follows that copy (its
        upstream), as `git switch NAME` sets it up for a branch it creates from a remote's."""
        if tracking is not None:
            self.run_git(
                ["branch", "--quiet", f"--set-upstream-to={tracking.removeprefix('refs/remotes/')}", name],
                what=_("set the upstream of {branch}").format(branch=name),
                ok=None,
            )


# ---------------------------------------------------------------------- module helpers


def identity_from(config: dict[str, str | None]) -> Identity:
    """The author git would name for a commit; a StoreError saying how to set it when git
    knows none."""
    # Same precedence as git: environment, then author.*, then user.* (EMAIL as last resort).
    name = os.environ.get("GIT_AUTHOR_NAME") or config.get("author.name") or config.get("user.name")
    email = (
        os.environ.get("GIT_AUTHOR_EMAIL") or config.get("author.email") or config.get("user.email") or os.environ.get("EMAIL")
    )
    if name and email:
        return Identity(name.strip(), email.strip())
    missing = (" " + _("and") + " ").join(k for k, v in (("user.name", name), ("user.email", email)) if not v)
    raise StoreError(
        _(
            "git does not know who you are: {missing} is not set, and kundencheck commits the "
            "answers under your git identity. Set it once with `git config --global user.name "
            '"Your Name"` and `git config --global user.email "you@example.com"` (leave out '
            "--global to set it for this repository only), then try again."
        ).format(missing=missing)
    )


def git_bool(config: dict[str, str | None], key: str) -> bool:
    """The config value of ``key`` as git reads a boolean (unset: false; a value git would
    refuse: a StoreError saying how to fix it)."""
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
        raise StoreError(
            _(
                "git config {key} is {value}, which is not a boolean git understands. "
                "Fix it with `git config {key} true` or `false`."
            ).format(key=key, value=repr(value))
        ) from None


def remote_names(config: dict[str, str | None]) -> set[str]:
    """The names of the configured remotes (those with a url or pushurl)."""
    found = set()
    for key in config:
        if key.startswith("remote.") and key.endswith((".url", ".pushurl")):
            found.add(key[len("remote.") : key.rindex(".")])
    return found


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


def plain_branch(name: str) -> bool:
    """Whether ``name`` is a branch name kundencheck passes to git as it is (no option, no
    range, nothing a shell or a refspec reads otherwise)."""
    return bool(re.fullmatch(r"[A-Za-z0-9._/+@-]+", name)) and ".." not in name and not name.startswith("-")


def _sh(word: str) -> str:
    import shlex  # only when a message shows a command to run

    return shlex.quote(word)
