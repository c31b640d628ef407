"""A portfolio's copy of one client project: a bare repository holding only what kundencheck reads.

``kundencheck portfolio fetch`` keeps one bare repository per project in the portfolio's cache
folder (``NAME.git``; portfolio_session.py says where that folder is: never among the files of
the portfolio's own repository, since git runs what a repository holds) and fetches into it only
what the views need, never the project's code or its history:

1. the tip commit of the remote's default branch (``HEAD``, where the project's config is) and of
   the branch the answers live on, with their folder trees but no file contents: one ``git fetch
   --depth=1 --filter=blob:none``;
2. the files kundencheck reads from those trees (``.kundencheck/config.toml``, the project's own
   checklists, the answers files) that the cache lacks: one batched fetch of just those blobs.

When the project's config names a branch of its own for the answers (``storage.branch``) and
``portfolio.toml`` does not, that branch's tip is fetched the same way once the config is read.
The refs the views read (``refs/kundencheck/config`` and ``refs/kundencheck/answers``) move only
once everything they need is in, so a fetch that is interrupted or runs out of time leaves the
last complete state readable, and the next fetch takes up what is missing: git keeps every pack
it received, and asks only for objects the cache lacks. Later fetches receive the new tip commits,
the folder trees that changed and the new answers files.

git does the transport with the user's own credentials and settings (ssh keys, credential
helpers, ``url.insteadOf``); kundencheck never prompts (no terminal, ssh in batch mode unless the
user set an ssh command) and stops each project's fetch at its time limit, killing what git
started. A remote on this machine (a path or ``file://``) is asked to filter as a hosted one
does (``uploadpack.allowFilter``), through ``remote.origin.uploadpack`` of the cache.

A complete fetch writes what it brought into ``kundencheck/snapshot.json``: the tips it came
from, the config's and the project's own checklists' bytes and the answers files' blob ids, so
the views read a project without running git, and the next fetch first asks the remote for its
tips (one ``git ls-remote``) and ends there when they are the same.

The cache remembers its last fetch in ``kundencheck/portfolio.json`` (when it last succeeded,
since when it fails and why), which the views show as "unreachable since <date>"; the views
keep each project's judged health in ``kundencheck/health.json`` (portfolio_session.py).

Every git run in a cache runs with :data:`GIT_OPTIONS`: no hook of the cache runs, and no URL
runs a program (``ext::``), whatever the user's config says.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pathlib
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any, NamedTuple

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import _, ngettext
from kundencheck.core.text import hide_credentials
from kundencheck.store.atomic import atomic_write
from kundencheck.store.committing import flock
from kundencheck.store.git_store import GitStore
from kundencheck.store.runner import GitRunner, find_git, git_reason, run_plain

#: The refs the views read: the commit whose tree holds the project's config, and the one whose
#: tree holds its answers. They move only once a fetch has everything they need.
CONFIG_REF = "refs/kundencheck/config"
ANSWERS_REF = "refs/kundencheck/answers"
#: Where a fetch puts the remote's tips before they are complete.
INCOMING = "refs/kundencheck/incoming/"
#: The paths of a tree kundencheck reads (the rest of a project is never fetched).
READ_PATHS = (".kundencheck/config.toml", ".kundencheck/checklists", ".kundencheck/answers")
CONFIG_PATH = ".kundencheck/config.toml"
STATE_FILE = "portfolio.json"
SNAPSHOT_FILE = "snapshot.json"
#: The version of what snapshot.json holds; one of another version is fetched anew.
SNAPSHOT_VERSION = 2
ANSWERS_DIR = ".kundencheck/answers/"
CHECKLISTS_DIR = ".kundencheck/checklists/"
#: Given to every git run in a cache (before the command): hooks off (a cache is data; git runs
#: the hooks of the repository it works in, reference-transaction for every ref a fetch moves),
#: and no transport that runs a program named in the URL (``ext::``), whatever the user allows.
GIT_OPTIONS = ("-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never")
#: The upload-pack a remote on this machine runs for the cache: filtering, as hosted ones do.
LOCAL_UPLOAD_PACK = "git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack"


class FetchProblem(StrEnum):
    """Why a project's fetch did not complete."""

    #: The remote could not be reached, or has no repository there (deleted, moved).
    UNREACHABLE = "unreachable"
    #: The remote did not let us in: no or wrong credentials, an ssh key it refuses.
    AUTH = "authentication"
    #: The branch portfolio.toml names is not on the remote.
    NO_BRANCH = "no-branch"
    #: The remote has no commits yet.
    EMPTY = "empty"
    #: Not done within the project's time limit.
    TIMEOUT = "timeout"
    #: Stopped by the user (ctrl+c): not the remote's fault, so not recorded as a failure.
    INTERRUPTED = "interrupted"
    #: Another kundencheck is fetching this project right now.
    BUSY = "busy"
    #: git failed some other way.
    FAILED = "failed"


class FetchError(StoreError):
    """A project's fetch did not complete: :attr:`problem` says which way, :attr:`reason` what
    git said (cleaned, one paragraph). The views say it in words."""

    def __init__(self, problem: FetchProblem, reason: str = "", *, branch: str = "", seconds: float = 0.0) -> None:
        super().__init__(reason or problem.value)
        self.problem = problem
        self.reason = reason
        self.branch = branch
        self.seconds = seconds


class CacheState(NamedTuple):
    """What the cache remembers of its fetches (``kundencheck/portfolio.json``)."""

    #: The remote fetched from.
    remote: str = ""
    #: When the last fetch completed (UTC); None: never.
    fetched: dt.datetime | None = None
    #: The branch the config was read from ("" for the remote's default branch).
    config_branch: str = ""
    #: The branch the answers were read from ("" for the default branch; None: no answers branch
    #: on the remote yet).
    answers_branch: str | None = ""
    #: Since when fetches fail (the first failure after the last success), and the last one.
    failing_since: dt.datetime | None = None
    failed: dt.datetime | None = None
    #: The last failure: a FetchProblem value, and what git said.
    problem: str = ""
    reason: str = ""
    #: The branch a NO_BRANCH failure is about.
    branch: str = ""
    #: The remote (and whether it is on this machine) the repository is set up for.
    prepared: str = ""
    #: The answers branch the project's config names (storage.branch), fetched along next time,
    #: also while the remote does not have it yet ("": none named).
    configured_branch: str = ""

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


class Snapshot(NamedTuple):
    """What the last complete fetch brought, as the views read it without running git: the
    project's config and own checklists (their bytes) and the list of its answers files (path
    -> blob id, whose contents the history cache or one ``cat-file --batch`` gives). Written in
    ``kundencheck/snapshot.json`` after the refs it describes have moved."""

    #: The remote tips it was made from (local incoming ref -> commit): a fetch that brings the
    #: same tips has nothing new.
    tips: dict[str, str]
    config_commit: str
    answers_commit: str | None
    #: The config file's bytes; None when the project has none (not set up for kundencheck).
    config: bytes | None
    #: The config is a symbolic link in git (refused when the project is opened).
    config_link: bool
    #: The project's own checklist files (name -> bytes, None for a symbolic link).
    checklists: dict[str, bytes | None]
    #: Which commit they are from: "config" or "answers" (where the views name them).
    checklists_from: str
    #: path -> blob id of every answers file.
    answers: dict[str, str]
    #: Whether the config commit's tree has a ``.kundencheck/`` folder: without one the project
    #: does not use kundencheck, and is judged as ``kundencheck check`` judges such a repository.
    started: bool = True

    def to_json(self) -> dict[str, Any]:
        def text(raw: bytes | None) -> str | None:
            return None if raw is None else raw.decode("utf-8", "surrogateescape")

        return {
            "version": SNAPSHOT_VERSION,
            "tips": self.tips,
            "config_commit": self.config_commit,
            "answers_commit": self.answers_commit,
            "config": text(self.config),
            "config_link": self.config_link,
            "checklists": {name: text(raw) for name, raw in self.checklists.items()},
            "checklists_from": self.checklists_from,
            "answers": self.answers,
            "started": self.started,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        """The snapshot in ``data``; raises ValueError (or TypeError, KeyError) for anything
        kundencheck did not write."""

        def raw(text: object) -> bytes | None:
            if text is None:
                return None
            if not isinstance(text, str):
                raise TypeError("not a text")
            return text.encode("utf-8", "surrogateescape")

        def strings(mapping: object) -> dict[str, str]:
            if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
                raise TypeError("not a table of texts")
            return mapping

        if data.get("version") != SNAPSHOT_VERSION:
            raise ValueError("another version")
        if not isinstance(data["started"], bool):
            raise TypeError("not a yes or no")
        checklists = data["checklists"]
        if not isinstance(checklists, dict):
            raise TypeError("not a table")
        answers_commit = data["answers_commit"]
        if not isinstance(data["config_commit"], str) or not (answers_commit is None or isinstance(answers_commit, str)):
            raise TypeError("not a commit")
        answers = strings(data["answers"])
        if not all(path.startswith(".kundencheck/answers/") for path in answers):
            raise ValueError("not an answers file")
        return cls(
            tips=strings(data["tips"]),
            config_commit=data["config_commit"],
            answers_commit=answers_commit,
            config=raw(data["config"]),
            config_link=data["config_link"] is True,
            checklists={str(name): raw(text) for name, text in checklists.items()},
            checklists_from=str(data["checklists_from"]),
            answers=answers,
            started=data["started"],
        )


class Fetched(NamedTuple):
    """A project's fetch that completed."""

    #: Whether anything changed since the last complete fetch (a new tip on either branch).
    changed: bool
    #: Answers files received this time.
    new_files: int
    #: The branch the answers came from ("" the default branch, None: none on the remote yet).
    answers_branch: str | None
    #: The remote ignored the filter (an old server): the tips' files came whole.
    unfiltered: bool = False
    seconds: float = 0.0
    #: The answers branch the project's config names ("": none).
    configured_branch: str = ""


class ProjectCache:
    """The bare repository of one project of a portfolio."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = pathlib.Path(path)
        self._store: GitStore | None = None
        #: git's config as the cache sees it (read once per fetch: whether the user set an ssh command).
        self._settings: dict[str, str | None] | None = None

    # ----------------------------------------------------------------------------- opening

    @property
    def exists(self) -> bool:
        return (self.path / "HEAD").is_file()

    @property
    def store(self) -> GitStore:
        """The cache as a store, to read with (list_blobs, read_committed, the history cache)."""
        if self._store is None:
            self._store = GitStore.open_bare(self.path, options=GIT_OPTIONS)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def snapshot(self) -> Snapshot | None:
        """What the last complete fetch brought (None: none completed, or the file is not one
        kundencheck wrote: then the next fetch writes it again)."""
        try:
            data = json.loads((self.path / "kundencheck" / SNAPSHOT_FILE).read_bytes())
            return Snapshot.from_json(data)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def read_document(self, name: str, key: dict[str, object]) -> dict[str, Any] | None:
        """A document the views keep here (``kundencheck/NAME.json``) when it was made from
        ``key``; None otherwise, or when it cannot be read. What is in it is the reader's to
        check."""
        try:
            data = json.loads((self.path / "kundencheck" / f"{name}.json").read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        document = data.get("document")
        return document if isinstance(document, dict) else None

    def write_document(self, name: str, key: dict[str, object], document: dict[str, Any]) -> None:
        """Keep ``document``, made from ``key``, for the next reader; a cache that cannot be
        written is simply not written (the document is made again next time)."""
        try:
            atomic_write(
                self.path / "kundencheck" / f"{name}.json",
                json.dumps({"key": key, "document": document}, ensure_ascii=False).encode("utf-8"),
                sync=False,
            )
        except OSError:
            pass

    def _write_snapshot(self, snapshot: Snapshot) -> None:
        try:
            atomic_write(self.path / "kundencheck" / SNAPSHOT_FILE, json.dumps(snapshot.to_json()).encode("ascii"))
        except OSError as exc:
            raise FetchError(
                FetchProblem.FAILED,
                _("could not write {file}: {reason}").format(
                    file=self.path / "kundencheck" / SNAPSHOT_FILE, reason=exc.strerror or exc
                ),
            ) from exc

    def prepare(self, remote: str, *, local: bool) -> None:
        """Create the bare repository if it is not there, and point its ``origin`` at ``remote``
        (a partial clone's promisor remote: git keeps the objects it leaves out there)."""
        if self.exists and self.read_state().prepared == f"{int(local)} {remote}":
            return  # set up for this remote by an earlier fetch
        if self._store is None:
            self._store = GitStore.open_bare(self.path, create=True, options=GIT_OPTIONS)
        wanted = {
            "remote.origin.url": remote,
            "remote.origin.promisor": "true",
            "remote.origin.partialclonefilter": "blob:none",
            "core.repositoryformatversion": "1",
            "extensions.partialclone": "origin",
            "gc.auto": "0",  # a cache of a few hundred objects; git's own upkeep would only cost time
            "core.logallrefupdates": "false",
        }
        if local:
            wanted["remote.origin.uploadpack"] = LOCAL_UPLOAD_PACK
        current = self._config()
        for key, value in wanted.items():
            if current.get(key) != value:
                self._git(["config", key, value], what=_("set up the portfolio's copy in {path}").format(path=self.path))
        if not local and "remote.origin.uploadpack" in current:
            self._git(
                ["config", "--unset", "remote.origin.uploadpack"],
                what=_("set up the portfolio's copy in {path}").format(path=self.path),
            )

    # ----------------------------------------------------------------------------- state

    def read_state(self) -> CacheState:
        """What the cache remembers; an empty state when there is none or it cannot be read."""
        try:
            data = json.loads((self.path / "kundencheck" / STATE_FILE).read_bytes())
            if not isinstance(data, dict) or data.get("version") != 1:
                return CacheState()
            answers = data.get("answers_branch", "")
            return CacheState(
                remote=str(data.get("remote", "")),
                fetched=_moment(data.get("fetched")),
                config_branch=str(data.get("config_branch", "")),
                answers_branch=None if answers is None else str(answers),
                failing_since=_moment(data.get("failing_since")),
                failed=_moment(data.get("failed")),
                problem=str(data.get("problem", "")),
                reason=str(data.get("reason", "")),
                branch=str(data.get("branch", "")),
                prepared=str(data.get("prepared", "")),
                configured_branch=str(data.get("configured_branch", "")),
            )
        except (OSError, ValueError, TypeError):
            return CacheState()

    def write_state(self, state: CacheState) -> None:
        data = {"version": 1, **state._asdict()}
        for key in ("fetched", "failing_since", "failed"):
            data[key] = data[key].isoformat() if data[key] is not None else None
        try:
            # Not synced: it says when fetches ran; a crash loses at most the last one's time.
            atomic_write(self.path / "kundencheck" / STATE_FILE, json.dumps(data, indent=1).encode("utf-8"), sync=False)
        except OSError as exc:
            raise StoreError(
                _("Could not write {file}: {reason}. Check that you may write in the portfolio folder.").format(
                    file=self.path / "kundencheck" / STATE_FILE, reason=exc.strerror or exc
                )
            ) from exc

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held while a fetch runs: a second kundencheck fetching the same project is told so."""
        folder = self.path / "kundencheck"
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / "fetch.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not flock(fd, wait=False) and os.name == "posix":
                raise FetchError(FetchProblem.BUSY)
            yield
        finally:
            os.close(fd)

    # ----------------------------------------------------------------------------- fetching

    def fetch(
        self,
        remote: str,
        *,
        branch: str | None,
        local: bool,
        timeout: float,
        cancel: threading.Event | None = None,
        now: dt.datetime | None = None,
    ) -> Fetched:
        """Bring the project's config and answers in (see the module's description) and record
        the outcome; ``branch``: where the answers live, as portfolio.toml says (None: the
        project's config says, else the default branch). Raises :class:`FetchError` when it
        does not complete; the last complete state stays readable then."""
        started = time.monotonic()
        deadline = started + timeout
        now = now or dt.datetime.now(dt.UTC)
        with self.locked():
            self.prepare(remote, local=local)
            before = self.read_state()
            prepared = f"{int(local)} {remote}"
            try:
                fetched = self._fetch(branch, before, deadline, cancel)
            except FetchError as exc:
                exc.seconds = time.monotonic() - started
                if exc.problem is not FetchProblem.INTERRUPTED:
                    self.write_state(
                        before._replace(
                            remote=remote,
                            failing_since=before.failing_since or now,
                            failed=now,
                            problem=exc.problem.value,
                            reason=exc.reason,
                            branch=exc.branch,
                            prepared=prepared,
                        )
                    )
                raise
            self.write_state(
                CacheState(
                    remote=remote,
                    fetched=now,
                    config_branch=branch or "",
                    answers_branch=fetched.answers_branch,
                    prepared=prepared,
                    configured_branch=fetched.configured_branch,
                )
            )
            return fetched._replace(seconds=time.monotonic() - started)

    def _fetch(self, branch: str | None, before: CacheState, deadline: float, cancel: threading.Event | None) -> Fetched:
        last = self.snapshot()
        # What the answers branch was last time (the project's config said so) is fetched
        # along, to save a round trip; if the remote no longer has it, it is asked again below.
        remembered = before.configured_branch if branch is None and before.configured_branch else None
        wanted = {"HEAD": f"{INCOMING}HEAD"}
        for name in (branch, remembered):
            if name:
                wanted[f"refs/heads/{name}"] = f"{INCOMING}heads/{name}"
        if (
            last is not None
            and (remote := self._remote_tips(wanted, deadline, cancel)) == last.tips
            and len(remote) == len(wanted)
        ):
            # The remote has every ref asked for, at the tips the last complete fetch brought:
            # nothing new, and nothing to fetch (one ls-remote instead of a fetch).
            return Fetched(
                changed=False, new_files=0, answers_branch=before.answers_branch, configured_branch=before.configured_branch
            )
        gone = None
        try:
            unfiltered = self._fetch_tips(wanted, deadline, cancel, branch=branch)
        except FetchError as exc:
            if remembered is None or exc.problem is not FetchProblem.NO_BRANCH or exc.branch != remembered:
                raise
            del wanted[f"refs/heads/{remembered}"]
            gone = remembered
            unfiltered = self._fetch_tips(wanted, deadline, cancel, branch=branch)
        tips = self._tips(wanted.values())
        if last is not None and last.tips == {ref: commit for ref, commit in tips.items() if commit}:
            # The same tips: nothing new.
            return Fetched(
                changed=False, new_files=0, answers_branch=before.answers_branch, configured_branch=before.configured_branch
            )
        head = tips[f"{INCOMING}HEAD"]
        if head is None:  # a fetch that went through brought the remote's HEAD: never believed otherwise
            raise FetchError(FetchProblem.FAILED)
        named = tips.get(f"{INCOMING}heads/{branch}") if branch else None
        # The config: from the named branch when it holds one (answers on a main branch), else
        # from the default branch (a branch of answers only holds answers).
        config_commit = named if named and self._has_path(named, CONFIG_PATH) else head
        answers_branch: str | None = branch or ""
        configured = ""
        if branch is None:
            answers_branch = configured = self._storage_branch(config_commit, deadline, cancel) or ""
            ref = f"{INCOMING}heads/{answers_branch}"
            if answers_branch == gone:
                answers_branch = None  # not on the remote (asked just now)
            elif answers_branch and ref not in wanted.values():
                try:
                    unfiltered |= self._fetch_tips({f"refs/heads/{answers_branch}": ref}, deadline, cancel, branch=answers_branch)
                    tips.update(self._tips([ref]))
                except FetchError as exc:
                    if exc.problem is not FetchProblem.NO_BRANCH:
                        raise
                    answers_branch = None  # the config names it, nobody has pushed it yet: no answers
        answers_commit = (
            head if answers_branch == "" else tips.get(f"{INCOMING}heads/{answers_branch}") if answers_branch else None
        )
        listings = {commit: self._list(commit) for commit in dict.fromkeys(c for c in (config_commit, answers_commit) if c)}
        new = self._complete(listings, deadline, cancel)
        snapshot = self._snapshot(tips, config_commit, answers_commit, listings)
        self._set_ready(config_commit, answers_commit)
        self._write_snapshot(snapshot)
        return Fetched(
            changed=last is None or (last.config_commit, last.answers_commit) != (config_commit, answers_commit),
            new_files=new,
            answers_branch=answers_branch,
            unfiltered=unfiltered,
            configured_branch=configured,
        )

    def _snapshot(
        self,
        tips: dict[str, str | None],
        config_commit: str,
        answers_commit: str | None,
        listings: dict[str, dict[str, tuple[str, str]]],
    ) -> Snapshot:
        """The snapshot of the commits just completed: their files' bytes read in one batch."""
        config_files = listings[config_commit]
        answers_files = listings.get(answers_commit, {}) if answers_commit else {}
        source, checklists = "config", {p: e for p, e in config_files.items() if _own_checklist(p)}
        if not checklists and answers_files:
            source, checklists = "answers", {p: e for p, e in answers_files.items() if _own_checklist(p)}
        config = config_files.get(CONFIG_PATH)
        wanted = [oid for mode, oid in (*checklists.values(), *([config] if config else [])) if mode != "120000"]
        contents = self.store.read_blobs(wanted)
        missing = [oid for oid in wanted if oid not in contents]
        if missing:  # a fetch that says it succeeded but left a file out: never believed
            raise FetchError(
                FetchProblem.FAILED,
                ngettext(
                    "{n} file was not in the fetched objects", "{n} files were not in the fetched objects", len(missing)
                ).format(n=len(missing)),
            )
        return Snapshot(
            tips={ref: commit for ref, commit in tips.items() if commit},
            config_commit=config_commit,
            answers_commit=answers_commit,
            config=contents[config[1]] if config and config[0] != "120000" else None,
            config_link=config is not None and config[0] == "120000",
            checklists={path: (None if mode == "120000" else contents[oid]) for path, (mode, oid) in checklists.items()},
            checklists_from=source,
            answers={path: oid for path, (_mode, oid) in answers_files.items() if path.startswith(ANSWERS_DIR)},
            started=self._has_path(config_commit, ".kundencheck"),
        )

    def _fetch_tips(self, refs: dict[str, str], deadline: float, cancel: threading.Event | None, *, branch: str | None) -> bool:
        """Fetch the tip commits of ``refs`` (remote ref -> local ref) with their trees, no
        file contents; True when the remote did not filter (and sent the files whole)."""
        args = [
            "fetch",
            "--depth=1",
            "--filter=blob:none",
            "--no-tags",
            "--no-write-fetch-head",
            "--recurse-submodules=no",
            "--no-auto-gc",
            "--no-show-forced-updates",
            "origin",
            *(f"+{source}:{target}" for source, target in refs.items()),
        ]
        err = self._network(args, deadline, cancel, branch=branch)
        return "filtering not recognized by server" in err

    def _remote_tips(self, refs: dict[str, str], deadline: float, cancel: threading.Event | None) -> dict[str, str]:
        """The remote's tips of ``refs`` (remote ref -> local incoming ref), keyed by the local
        ref as a snapshot keeps them: one ``git ls-remote``; a ref the remote lacks is left out."""
        out = self._network(["ls-remote", "origin", *refs], deadline, cancel, stdout=True)
        found = {}
        for line in out.splitlines():
            oid, _tab, name = line.partition("\t")
            if name in refs:
                found[refs[name]] = oid
        return found

    def _complete(self, listings: dict[str, dict[str, tuple[str, str]]], deadline: float, cancel: threading.Event | None) -> int:
        """Fetch, in one batch, the files kundencheck reads from these commits' trees (commit
        -> its listing) that the cache lacks; returns how many of them were answers files."""
        wanted: dict[str, str] = {}
        for commit, listed in listings.items():
            if not listed:
                continue
            missing = self._missing(commit)
            wanted.update((oid, path) for path, (_mode, oid) in listed.items() if oid in missing)
        if wanted:
            self._fetch_objects(wanted, deadline, cancel)
        return sum(1 for path in wanted.values() if path.startswith(ANSWERS_DIR))

    def _fetch_objects(self, oids: Iterable[str], deadline: float, cancel: threading.Event | None) -> None:
        """Fetch these objects by id, in one batch, the way a partial clone fetches what it lacks."""
        self._network(
            [
                "-c",
                "fetch.negotiationAlgorithm=noop",
                "fetch",
                "--no-tags",
                "--no-write-fetch-head",
                "--recurse-submodules=no",
                "--no-auto-gc",
                "--filter=blob:none",
                "--stdin",
                "origin",
            ],
            deadline,
            cancel,
            stdin="".join(oid + "\n" for oid in sorted(oids)).encode("ascii"),
        )

    def _list(self, commit: str) -> dict[str, tuple[str, str]]:
        """path -> (mode, blob id) of what kundencheck reads in ``commit``'s tree."""
        status, out, _err = self._run(["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--", *READ_PATHS])
        found: dict[str, tuple[str, str]] = {}
        if status != 0:
            return found
        for record in out.split(b"\0"):
            meta, _tab, path = record.partition(b"\t")
            parts = meta.split(b" ")
            if len(parts) == 3 and parts[1] == b"blob":
                found[path.decode("utf-8", "surrogateescape")] = (parts[0].decode(), parts[2].decode())
        return found

    def _missing(self, commit: str) -> set[str]:
        """The objects below ``.kundencheck`` in ``commit``'s tree the cache lacks (listed,
        never fetched: ``--missing=print``)."""
        status, out, _err = self._run(["rev-list", "--objects", "--missing=print", f"{commit}:.kundencheck"])
        if status != 0:
            return set()
        return {line[1:] for line in out.decode("ascii", "replace").splitlines() if line.startswith("?")}

    def _has_path(self, commit: str, path: str) -> bool:
        return bool(self._run(["--literal-pathspecs", "ls-tree", "--full-tree", "--name-only", commit, "--", path])[1].strip())

    def _storage_branch(self, commit: str, deadline: float, cancel: threading.Event | None) -> str | None:
        """The answers branch the project's config in ``commit`` names (``storage.branch``),
        its blob fetched first; None when it names none or cannot be read (opening the project
        says why)."""
        from kundencheck.core.config import config_from_bytes
        from kundencheck.core.errors import KundencheckError

        mode, oid = self._list(commit).get(CONFIG_PATH, ("", ""))
        if not oid or mode == "120000":
            return None
        if oid in self._missing(commit):
            self._fetch_objects([oid], deadline, cancel)
        raw = self.store.read_blobs([oid]).get(oid)
        if raw is None:
            return None
        try:
            return config_from_bytes(raw, CONFIG_PATH).branch
        except KundencheckError:
            return None

    def _set_ready(self, config_commit: str, answers_commit: str | None) -> None:
        lines = [
            f"update {CONFIG_REF} {config_commit}\n",
            f"update {ANSWERS_REF} {answers_commit}\n" if answers_commit else f"delete {ANSWERS_REF}\n",
        ]
        status, _out, err = self._run(["update-ref", "--stdin"], stdin="".join(lines).encode("ascii"))
        if status != 0:
            raise FetchError(FetchProblem.FAILED, git_reason(err))

    def _tips(self, refs: Iterable[str]) -> dict[str, str | None]:
        names = list(refs)
        status, out, _err = self._run(["for-each-ref", "--format=%(refname) %(objectname)", *names])
        found = dict(line.split(" ", 1) for line in out.decode().splitlines() if " " in line) if status == 0 else {}
        return {name: found.get(name) for name in names}

    # ----------------------------------------------------------------------------- running git

    def _run(self, args: list[str], *, stdin: bytes | None = None) -> tuple[int, bytes, str]:
        """A local git command in the cache (C locale, never prompting, never fetching: what is
        read here is in the cache, or listed as missing)."""
        try:
            return self.store.run_git(args, what=_("read the portfolio's copy of a project"), stdin=stdin, ok=None, quick=True)
        except StoreError as exc:
            raise FetchError(FetchProblem.FAILED, str(exc)) from exc

    def _git(self, args: list[str], *, what: str) -> None:
        status, _out, err = self.store.run_git(args, what=what, ok=None, quick=True)
        if status != 0:
            raise StoreError(_("Could not {what}. git said: {error}").format(what=what, error=git_reason(err)))

    def _config(self) -> dict[str, str]:
        status, out, _err = self._run(["config", "-z", "--local", "--list"])
        config: dict[str, str] = {}
        for entry in out.decode("utf-8", "replace").split("\0") if status == 0 else ():
            key, _sep, value = entry.partition("\n")
            if key:
                config[key] = value
        return config

    def _network(
        self,
        args: list[str],
        deadline: float,
        cancel: threading.Event | None,
        *,
        stdin: bytes | None = None,
        branch: str | None = None,
        stdout: bool = False,
    ) -> str:
        """Run a git command that talks to the remote, stopped at ``deadline`` or when ``cancel``
        is set (with everything it started: ssh, a credential helper; store/runner.py); returns
        its stderr (with ``stdout``, its output). Raises FetchError saying why it did not succeed."""
        if self._settings is None:
            self._settings = self.store.git_config()  # the user's core.sshCommand counts as theirs
        try:
            status, out, err, stopped = self.store.run_in_session(args, self._settings, deadline, stdin=stdin, cancel=cancel)
        except StoreError as exc:
            raise FetchError(FetchProblem.FAILED, str(exc)) from exc
        if stopped:
            raise FetchError(FetchProblem.INTERRUPTED)
        if status is None:
            raise FetchError(FetchProblem.TIMEOUT)
        if status == 0:
            return out.decode("utf-8", "replace") if stdout else err
        raise _failure(err, branch)


def tracked_by_git(folder: pathlib.Path) -> pathlib.Path | None:
    """The work tree of the git repository that tracks files in ``folder`` (a cache that came
    with a clone, or was committed by mistake), or None: when nothing there is tracked, or no
    repository holds it. The repository is the nearest folder above ``folder`` with a ``.git``
    (git checks out no ``.git`` of a repository's own, so a clone cannot plant one), and git runs
    there with hooks and fsmonitor off, never in ``folder`` itself (which could pose as a bare
    repository)."""
    folder = folder.resolve()
    top = next((parent for parent in folder.parents if (parent / ".git").exists()), None)
    if top is None:
        return None
    argv = [
        find_git(GitRunner.timeout),
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "core.fsmonitor=false",
        "--literal-pathspecs",
        "ls-files",
        "-z",
        "--",
        str(folder.relative_to(top)),
    ]
    try:
        status, out, _err = run_plain(argv, top, GitRunner.timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return top if status == 0 and out.strip(b"\0") else None


def _own_checklist(path: str) -> bool:
    """A checklist file of the project's own: a .toml directly in .kundencheck/checklists/."""
    return path.startswith(CHECKLISTS_DIR) and path.endswith(".toml") and "/" not in path[len(CHECKLISTS_DIR) :]


def _failure(err: str, branch: str | None) -> FetchError:
    """What a failed fetch was, from git's error output (C locale)."""
    from kundencheck.store.push import PushRefusal, said_refusal

    reason = git_reason(hide_credentials(err))  # git and ssh may echo the URL's password
    lowered = err.lower()
    if "couldn't find remote ref head" in lowered:
        return FetchError(FetchProblem.EMPTY, reason)
    if "couldn't find remote ref" in lowered:
        missing = err[lowered.index("couldn't find remote ref") + len("couldn't find remote ref") :].strip().splitlines()
        name = missing[0].strip().removeprefix("refs/heads/") if missing else (branch or "")
        return FetchError(FetchProblem.NO_BRANCH, reason, branch=name)
    refusal = said_refusal(err)
    if refusal is PushRefusal.AUTH:
        return FetchError(FetchProblem.AUTH, reason)
    if refusal is PushRefusal.UNREACHABLE:
        return FetchError(FetchProblem.UNREACHABLE, reason)
    return FetchError(FetchProblem.FAILED, reason)


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
