"""A portfolio's copy of one client project: a bare repository holding only what kundencheck reads.

``kundencheck portfolio fetch`` keeps one bare repository per project in the portfolio folder
(``.kundencheck-cache/NAME.git``) and fetches into it only what the views need, never the
project's code or its history:

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

The cache remembers its last fetch in ``kundencheck/portfolio.json`` (when it last succeeded,
since when it fails and why), which the views show as "unreachable since <date>".
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
from typing import NamedTuple

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import _
from kundencheck.store.atomic import atomic_write
from kundencheck.store.git_store import (
    GitStore,
    _flock,
    _git_reason,
    _plain_env,
    _run_plain,
)

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

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


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


class ProjectCache:
    """The bare repository of one project of a portfolio."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = pathlib.Path(path)
        self._store: GitStore | None = None
        self._git_exe: str | None = None

    # ----------------------------------------------------------------------------- opening

    @property
    def exists(self) -> bool:
        return (self.path / "HEAD").is_file()

    @property
    def store(self) -> GitStore:
        """The cache as a store, to read with (list_blobs, read_committed, the history cache)."""
        if self._store is None:
            self._store = GitStore.open_bare(self.path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def has_answers(self) -> bool:
        """Whether a fetch ever completed (the views have something to read)."""
        return (self.path / ANSWERS_REF).is_file() or (self.path / CONFIG_REF).is_file() or self._packed(CONFIG_REF)

    def _packed(self, ref: str) -> bool:
        with contextlib.suppress(OSError):
            return f" {ref}\n".encode() in (self.path / "packed-refs").read_bytes()
        return False

    def prepare(self, remote: str, *, local: bool) -> None:
        """Create the bare repository if it is not there, and point its ``origin`` at ``remote``
        (a partial clone's promisor remote: git keeps the objects it leaves out there)."""
        if not self.exists:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._git(["init", "-q", "--bare", str(self.path)], cwd=self.path.parent,
                      what=_("create the portfolio's copy of a project in {path}").format(path=self.path))
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
            self._git(["config", "--unset", "remote.origin.uploadpack"], what=_("set up the portfolio's copy in {path}").format(
                path=self.path))

    # ----------------------------------------------------------------------------- state

    def read_state(self) -> CacheState:
        """What the cache remembers; an empty state when there is none or it cannot be read."""
        try:
            data = json.loads((self.path / "kundencheck" / STATE_FILE).read_bytes())
            if not isinstance(data, dict) or data.get("version") != 1:
                return CacheState()
            answers = data.get("answers_branch", "")
            return CacheState(
                remote=str(data.get("remote", "")), fetched=_moment(data.get("fetched")),
                config_branch=str(data.get("config_branch", "")),
                answers_branch=None if answers is None else str(answers),
                failing_since=_moment(data.get("failing_since")), failed=_moment(data.get("failed")),
                problem=str(data.get("problem", "")), reason=str(data.get("reason", "")), branch=str(data.get("branch", "")))
        except (OSError, ValueError, TypeError):
            return CacheState()

    def write_state(self, state: CacheState) -> None:
        data = {"version": 1, **state._asdict()}
        for key in ("fetched", "failing_since", "failed"):
            data[key] = data[key].isoformat() if data[key] is not None else None
        try:
            atomic_write(self.path / "kundencheck" / STATE_FILE, json.dumps(data, indent=1).encode("utf-8"))
        except OSError as exc:
            raise StoreError(_("Could not write {file}: {reason}. Check that you may write in the portfolio "
                               "folder.").format(file=self.path / "kundencheck" / STATE_FILE, reason=exc.strerror or exc)) from exc

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held while a fetch runs: a second kundencheck fetching the same project is told so."""
        folder = self.path / "kundencheck"
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / "fetch.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not _flock(fd, wait=False) and os.name == "posix":
                raise FetchError(FetchProblem.BUSY)
            yield
        finally:
            os.close(fd)

    # ----------------------------------------------------------------------------- fetching

    def fetch(self, remote: str, *, branch: str | None, local: bool, timeout: float,
              cancel: threading.Event | None = None, now: dt.datetime | None = None) -> Fetched:
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
            try:
                fetched = self._fetch(branch, before, deadline, cancel)
            except FetchError as exc:
                exc.seconds = time.monotonic() - started
                if exc.problem is not FetchProblem.INTERRUPTED:
                    self.write_state(before._replace(
                        remote=remote, failing_since=before.failing_since or now, failed=now, problem=exc.problem.value,
                        reason=exc.reason, branch=exc.branch))
                raise
            self.write_state(CacheState(remote=remote, fetched=now, config_branch=branch or "",
                                        answers_branch=fetched.answers_branch))
            return fetched._replace(seconds=time.monotonic() - started)

    def _fetch(self, branch: str | None, before: CacheState, deadline: float,
               cancel: threading.Event | None) -> Fetched:
        old = self._tips([CONFIG_REF, ANSWERS_REF])
        # What the answers branch was last time (the project's config said so) is fetched
        # along, to save a round trip; if the remote no longer has it, it is asked again below.
        remembered = before.answers_branch if branch is None and before.answers_branch else None
        wanted = {"HEAD": f"{INCOMING}HEAD"}
        for name in (branch, remembered):
            if name:
                wanted[f"refs/heads/{name}"] = f"{INCOMING}heads/{name}"
        try:
            unfiltered = self._fetch_tips(wanted, deadline, cancel, branch=branch)
        except FetchError as exc:
            if remembered is None or exc.problem is not FetchProblem.NO_BRANCH or exc.branch != remembered:
                raise
            del wanted[f"refs/heads/{remembered}"]
            remembered = None
            unfiltered = self._fetch_tips(wanted, deadline, cancel, branch=branch)
        tips = self._tips(wanted.values())
        head = tips[f"{INCOMING}HEAD"]
        named = tips.get(f"{INCOMING}heads/{branch}") if branch else None
        # The config: from the named branch when it holds one (answers on a main branch), else
        # from the default branch (a branch of answers only holds answers).
        config_commit = named if named and self._has_path(named, CONFIG_PATH) else head
        answers_branch: str | None = branch or ""
        if branch is None:
            answers_branch = self._storage_branch(config_commit, deadline, cancel) or ""
            if answers_branch and answers_branch != remembered:
                ref = f"refs/heads/{answers_branch}"
                try:
                    unfiltered |= self._fetch_tips({ref: f"{INCOMING}heads/{answers_branch}"}, deadline, cancel,
                                                   branch=answers_branch)
                except FetchError as exc:
                    if exc.problem is not FetchProblem.NO_BRANCH:
                        raise
                    answers_branch = None  # the config names it, nobody has pushed it yet: no answers
                tips.update(self._tips([f"{INCOMING}heads/{answers_branch}"]) if answers_branch else {})
        answers_commit = (head if answers_branch == "" else
                          tips.get(f"{INCOMING}heads/{answers_branch}") if answers_branch else None)
        new = self._complete([c for c in (config_commit, answers_commit) if c], deadline, cancel)
        self._set_ready(config_commit, answers_commit)
        changed = old != {CONFIG_REF: config_commit, ANSWERS_REF: answers_commit}
        return Fetched(changed=changed, new_files=new, answers_branch=answers_branch, unfiltered=unfiltered)

    def _fetch_tips(self, refs: dict[str, str], deadline: float, cancel: threading.Event | None, *,
                    branch: str | None) -> bool:
        """Fetch the tip commits of ``refs`` (remote ref -> local ref) with their trees, no
        file contents; True when the remote did not filter (and sent the files whole)."""
        args = ["fetch", "--depth=1", "--filter=blob:none", "--no-tags", "--no-write-fetch-head",
                "--recurse-submodules=no", "--no-auto-gc", "--no-show-forced-updates", "origin",
                *(f"+{source}:{target}" for source, target in refs.items())]
        err = self._network(args, deadline, cancel, branch=branch)
        return "filtering not recognized by server" in err

    def _complete(self, commits: list[str], deadline: float, cancel: threading.Event | None) -> int:
        """Fetch, in one batch, the files kundencheck reads from ``commits``' trees that the
        cache lacks; returns how many of them were answers files."""
        wanted: dict[str, str] = {}
        for commit in dict.fromkeys(commits):
            listed = self._list(commit)
            if not listed:
                continue
            missing = self._missing(commit)
            wanted.update((oid, path) for path, oid in listed.items() if oid in missing)
        if wanted:
            self._network(["-c", "fetch.negotiationAlgorithm=noop", "fetch", "--no-tags", "--no-write-fetch-head",
                           "--recurse-submodules=no", "--no-auto-gc", "--filter=blob:none", "--stdin", "origin"],
                          deadline, cancel, stdin="".join(oid + "\n" for oid in sorted(wanted)).encode("ascii"))
        return sum(1 for path in wanted.values() if path.startswith(".kundencheck/answers/"))

    def _list(self, commit: str) -> dict[str, str]:
        """path -> blob id of what kundencheck reads in ``commit``'s tree."""
        status, out, _err = self._run(["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--",
                                       *READ_PATHS])
        found: dict[str, str] = {}
        if status != 0:
            return found
        for record in out.split(b"\0"):
            meta, _tab, path = record.partition(b"\t")
            parts = meta.split(b" ")
            if len(parts) == 3 and parts[1] == b"blob":
                found[path.decode("utf-8", "surrogateescape")] = parts[2].decode()
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

        oid = self._list(commit).get(CONFIG_PATH)
        if oid is None:
            return None
        if oid in self._missing(commit):
            self._network(["-c", "fetch.negotiationAlgorithm=noop", "fetch", "--no-tags", "--no-write-fetch-head",
                           "--recurse-submodules=no", "--no-auto-gc", "--filter=blob:none", "--stdin", "origin"],
                          deadline, cancel, stdin=(oid + "\n").encode("ascii"))
        raw = self.store.read_blobs([oid]).get(oid)
        if raw is None:
            return None
        try:
            return config_from_bytes(raw, CONFIG_PATH).branch
        except KundencheckError:
            return None

    def _set_ready(self, config_commit: str, answers_commit: str | None) -> None:
        lines = [f"update {CONFIG_REF} {config_commit}\n",
                 f"update {ANSWERS_REF} {answers_commit}\n" if answers_commit else f"delete {ANSWERS_REF}\n"]
        status, _out, err = self._run(["update-ref", "--stdin"], stdin="".join(lines).encode("ascii"))
        if status != 0:
            raise FetchError(FetchProblem.FAILED, _git_reason(err))

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
            return _run_plain([self._exe, *args], self.path, GitStore.timeout, stdin)
        except (OSError, subprocess.SubprocessError) as exc:
            raise FetchError(FetchProblem.FAILED, str(exc)) from exc

    def _git(self, args: list[str], *, what: str, cwd: pathlib.Path | None = None) -> None:
        try:
            status, _out, err = _run_plain([self._exe, *args], cwd or self.path, GitStore.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            raise StoreError(_("Could not {what}: running git failed ({error}).").format(what=what, error=exc)) from exc
        if status != 0:
            raise StoreError(_("Could not {what}. git said: {error}").format(what=what, error=_git_reason(err)))

    def _config(self) -> dict[str, str]:
        status, out, _err = self._run(["config", "-z", "--local", "--list"])
        config: dict[str, str] = {}
        for entry in out.decode("utf-8", "replace").split("\0") if status == 0 else ():
            key, _sep, value = entry.partition("\n")
            if key:
                config[key] = value
        return config

    @property
    def _exe(self) -> str:
        if self._git_exe is None:
            from kundencheck.store.git_store import _find_git

            self._git_exe = _find_git()
        return self._git_exe

    def _network(self, args: list[str], deadline: float, cancel: threading.Event | None, *,
                 stdin: bytes | None = None, branch: str | None = None) -> str:
        """Run a git command that talks to the remote, stopped at ``deadline`` or when ``cancel``
        is set (with everything it started: ssh, a credential helper); returns its stderr.
        Raises FetchError saying why it did not succeed."""
        env = {**_plain_env(), "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
        env.pop("GIT_TRACE2_PARENT_SID", None)
        if not (env.get("GIT_SSH_COMMAND") or env.get("GIT_SSH") or self._ssh_command_set()):
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        posix = os.name == "posix"
        try:
            proc = subprocess.Popen([self._exe, "-c", "protocol.ext.allow=never", *args], cwd=self.path, env=env,
                                    stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=posix)
        except OSError as exc:
            raise FetchError(FetchProblem.FAILED, str(exc)) from exc
        given = stdin
        err = b""
        while True:
            if cancel is not None and cancel.is_set():
                _kill(proc, posix)
                raise FetchError(FetchProblem.INTERRUPTED)
            left = deadline - time.monotonic()
            if left <= 0:
                _kill(proc, posix)
                raise FetchError(FetchProblem.TIMEOUT)
            try:
                _out, err = proc.communicate(given, timeout=min(left, 0.2))
                break
            except subprocess.TimeoutExpired:
                given = None  # sent with the first call; later calls only wait
        said = err.decode("utf-8", "replace")
        if proc.returncode == 0:
            return said
        raise _failure(said, branch)

    def _ssh_command_set(self) -> bool:
        status, out, _err = self._run(["config", "--get", "core.sshCommand"])
        return status == 0 and bool(out.strip())


def _kill(proc: subprocess.Popen, posix: bool) -> None:
    with contextlib.suppress(OSError):
        if posix:
            os.killpg(proc.pid, 9)  # git, ssh and whatever they started
        else:
            proc.kill()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        proc.communicate(timeout=5)


def _failure(err: str, branch: str | None) -> FetchError:
    """What a failed fetch was, from git's error output (C locale)."""
    from kundencheck.store.push import PushRefusal, said_refusal

    reason = _git_reason(err)
    lowered = err.lower()
    if "couldn't find remote ref head" in lowered:
        return FetchError(FetchProblem.EMPTY, reason)
    if "couldn't find remote ref" in lowered:
        missing = err[lowered.index("couldn't find remote ref") + len("couldn't find remote ref"):].strip().splitlines()
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
