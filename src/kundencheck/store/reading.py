"""Reading history: the answers files in a ref's tree, the commits that added them and their
authors, and the blobs a partial clone lacks, fetched in one batch. The history cache
(store/history_cache.py) is built from these reads.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import _
from kundencheck.store.runner import StartedGit, git_reason
from kundencheck.store.state import Identity, RepoState, git_bool

if TYPE_CHECKING:  # only for the type checker: the entries stay the plain dicts json would make
    from typing import TypedDict

    class LoggedCommit(TypedDict):
        """A commit :meth:`HistoryReader.log_runs` read: its id, author, date (ISO 8601) and
        subject, and the values of the trailer asked for."""

        sha: str
        author_name: str
        author_email: str
        date: str
        subject: str
        runs: list[str]


class FetchFailure(StrEnum):
    """Why the blobs a partial clone lacks were not fetched (Unfetched.why)."""

    #: The clone names no promisor remote to fetch them from.
    NO_PROMISOR = "no-promisor"
    #: git could not be started (``said``: the system's reason).
    NOT_STARTED = "not-started"
    #: git fetch failed (``said``: what git said, cleaned; ``status``: its exit status).
    FAILED = "failed"


class Unfetched(NamedTuple):
    """Blobs a partial clone lacks and could not fetch (see GitStore.fetch_missing), as data;
    the CLI and the TUI say it in words (kundencheck/fetch_texts.py)."""

    oids: frozenset[str]
    #: The promisor remote asked ("" when there is none or nothing was missing).
    remote: str
    #: Why it did not give them (None: nothing is missing).
    why: FetchFailure | None = None
    #: What git or the system said, cleaned of terminal control ("" when nothing).
    said: str = ""
    #: git fetch's exit status (FAILED).
    status: int | None = None


class HistoryReader(RepoState):
    """The answers files and commits of a ref, read without a work tree."""

    def read_files(self, prefix: str = ".kundencheck/answers", *, rev: str = "HEAD") -> dict[str, tuple[str, bytes]]:
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
        return {
            name: oid
            for _mode, name, oid in self._tree_blobs(rev, prefix)
            if not prefix or name == prefix or name.startswith(prefix + "/")
        }

    def fetch_missing(
        self, oids: Iterable[str], *, rev: str, prefix: str, on_fetch: Callable[[int, str], None] | None = None
    ) -> Unfetched:
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
            return Unfetched(frozenset(), "")
        rev = self._read_rev(rev)
        status, out, _err = self.run_git(
            ["rev-list", "--objects", "--missing=print", f"{rev}:{prefix.strip('/')}"],
            what=_("find the files this partial clone lacks"),
            ok=None,
            quick=True,
        )
        if status != 0:
            return Unfetched(frozenset(), "")
        absent = {line[1:] for line in out.decode("ascii", "replace").splitlines() if line.startswith("?")} & wanted
        if not absent:
            return Unfetched(frozenset(), "")
        config = self.git_config()
        remote = _promisor_remote(config)
        if remote is None:
            return Unfetched(frozenset(absent), "", FetchFailure.NO_PROMISOR)
        if on_fetch is not None:
            on_fetch(len(absent), remote)
        env = {"GCM_INTERACTIVE": "never"}
        if not (os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH") or config.get("core.sshcommand")):
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        try:
            status, _out, err = StartedGit(
                self.argv(
                    [
                        "-c",
                        "fetch.negotiationAlgorithm=noop",
                        "fetch",
                        remote,
                        "--no-tags",
                        "--no-write-fetch-head",
                        "--recurse-submodules=no",
                        "--filter=blob:none",
                        "--stdin",
                    ]
                ),
                self.root,
                self.push_timeout,
                stdin="".join(oid + "\n" for oid in sorted(absent)).encode("ascii"),
                env=env,
            ).result()
        except (OSError, subprocess.SubprocessError) as exc:
            return Unfetched(frozenset(absent), remote, FetchFailure.NOT_STARTED, str(exc))
        if status != 0:
            return Unfetched(frozenset(absent), remote, FetchFailure.FAILED, git_reason(err), status)
        return Unfetched(frozenset(), remote)

    def _has_promisor_packs(self) -> bool:
        try:
            return any(name.endswith(".promisor") for name in os.listdir(self.common_dir / "objects" / "pack"))
        except OSError:
            return False

    def read_committed(self, prefix: str, *, rev: str = "HEAD") -> dict[str, bytes | None]:
        """path -> content of every file under ``prefix`` in ``rev``'s tree, whatever the work
        tree holds (a sparse checkout may lack them); None for a symbolic link, which is never
        followed. Empty when ``rev`` does not exist (yet) or has nothing there."""
        _check_rev(rev)
        rev = self._read_rev(rev)
        files: dict[str, str] = {}
        found: dict[str, bytes | None] = {}
        for mode, name, oid in self._tree_blobs(rev, prefix.strip("/")):
            if mode == b"120000":
                found[name] = None
            else:
                files[name] = oid
        contents = self.read_blobs(files.values())
        found.update((name, contents[oid]) for name, oid in files.items() if oid in contents)
        return found

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """blob id -> content, from one ``git cat-file --batch``; unknown ids are left out."""
        unique = sorted(set(oids))
        if not unique:
            return {}
        return {oid: data for oid, (kind, data) in zip(unique, self._cat_batch(unique), strict=True) if kind is not None}

    def log_runs(
        self, prefix: str = ".kundencheck/answers", rev: str = "HEAD", *, trailer: str = "Kundencheck-Run"
    ) -> list[LoggedCommit]:
        """Commits touching ``prefix``, newest first, with the values of their ``trailer``
        (Kundencheck-Run: the runs they added) in ``runs``."""
        _check_rev(rev)
        rev = self._read_rev(rev)
        fmt = f"%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%(trailers:key={trailer},valueonly,separator=%x1d)%x1e"
        args = [
            "--literal-pathspecs",
            "log",
            "--no-show-signature",
            "--no-color",
            "--encoding=UTF-8",
            f"--format={fmt}",
            rev,
            "--",
        ]
        if prefix.strip("/"):
            args.append(prefix.strip("/"))
        status, out, err = self.run_git(args, what=_("read the history of {prefix}").format(prefix=prefix), ok=None, quick=True)
        if status != 0:
            self._fail_unless_missing(rev, err)
            return []
        runs: list[LoggedCommit] = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            sha, name, email, date, subject, trailers = record.split("\x1f", 5)
            runs.append(
                {
                    "sha": sha,
                    "author_name": name,
                    "author_email": email,
                    "date": date,
                    "subject": subject,
                    "runs": [v.strip() for v in trailers.split("\x1d") if v.strip()],
                }
            )
        return runs

    def recent_authors(self, limit: int = 20) -> list[Identity]:
        """Distinct authors (by e-mail, mailmap applied) of the last 500 commits, newest first."""
        args = [
            "log",
            "-n",
            "500",
            "--no-show-signature",
            "--no-color",
            "--encoding=UTF-8",
            "--format=%aN%x1f%aE%x1e",
            "HEAD",
            "--",
        ]
        status, out, err = self.run_git(args, what=_("read recent authors"), ok=None)
        if status != 0:
            self._fail_unless_missing("HEAD", err)
            return []
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

    def _tree_blobs(self, rev: str, prefix: str) -> list[tuple[bytes, str, str]]:
        """(mode, path, blob id) of every file under ``prefix`` (the whole tree when empty) in
        ``rev``'s tree, from one ``git ls-tree``; none when ``rev`` does not exist (yet)."""
        args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", rev]
        if prefix:
            args += ["--", prefix]
        status, out, err = self.run_git(
            args,
            what=_("list {prefix} in {rev}").format(prefix=prefix, rev=rev)
            if prefix
            else _("list the files in {rev}").format(rev=rev),
            ok=None,
            quick=True,
        )
        if status != 0:
            self._fail_unless_missing(rev, err)
            return []
        blobs = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _tab, path = record.partition(b"\t")
            mode, kind, oid = meta.split(b" ")
            if kind == b"blob":
                blobs.append((mode, path.decode("utf-8", "surrogateescape"), oid.decode()))
        return blobs

    def _fail_unless_missing(self, rev: str, err: str) -> None:
        """Raise for a read of ``rev`` that failed, unless ``rev`` does not exist (yet): an unborn
        HEAD, or a team's dedicated answers branch before its first commit, reads as empty (the
        caller returns its empty result). Anything else is a real failure."""
        if self._resolve(rev) is not None:
            raise StoreError(_("Could not read {rev} from the repository. git said: {error}").format(rev=rev, error=err.strip()))


# ---------------------------------------------------------------------- module helpers


def _check_rev(rev: str) -> None:
    if not rev or rev.startswith("-") or any(c < " " for c in rev):
        raise StoreError(_("{rev} is not a revision kundencheck can read from.").format(rev=repr(rev)))


def _promisor_remote(config: dict[str, str | None]) -> str | None:
    """The remote a partial clone fetches missing objects from, as git chooses it."""
    named = config.get("extensions.partialclone")
    if named:
        return named
    for key in config:
        if key.startswith("remote.") and key.endswith(".promisor") and git_bool(config, key):
            return key[len("remote.") : -len(".promisor")]
    return None
