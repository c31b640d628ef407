"""What a push did, as data, and how it is read from git.

A push that does not go through is one of the :class:`PushRefusal` kinds, read from what git
itself reports: its exit status, the ``--porcelain`` line of the ref (``[rejected] (fetch
first)``, ``[remote rejected] (pre-receive hook declined)``), its error lines for a remote it
could not reach or that did not let us in, and, for the pre-push hook, git's own trace2 record
of the hook's run (``child_start`` with ``hook_name`` ``pre-push`` and its ``child_exit``): git
prints nothing of its own when that hook refuses, only "failed to push some refs". When the
hook is the team's gate, ``kundencheck check`` running in it leaves its verdict in the file
``KUNDENCHECK_GATE_REPORT`` names (the document of ``check --format json``), read back here as
a :class:`GateReport`.

Data only: the CLI and the TUI turn these into sentences (``kundencheck/push_texts.py``).
"""

from __future__ import annotations

import os
from enum import StrEnum
from typing import NamedTuple

#: Set for `git push`: `kundencheck check` writes its verdict there when it runs in a hook.
GATE_REPORT_ENV = "KUNDENCHECK_GATE_REPORT"
#: At most this many lines of a hook's or a remote's output are kept, each at most this long.
OUTPUT_LINES = 12
OUTPUT_WIDTH = 200
_REPORT_LIMIT = 1 << 20  # bytes of a gate report read; it is a few kilobytes


class PushRefusal(StrEnum):
    """Why a push did not go through."""

    #: The repository's pre-push hook exited non-zero (perhaps the team's gate in it).
    HOOK = "pre-push-hook"
    #: The remote's branch has commits ours lacks (non-fast-forward, "fetch first").
    BEHIND = "remote-ahead"
    #: The remote did not let us in: no or wrong credentials, an ssh key it refuses.
    AUTH = "authentication"
    #: The remote could not be reached, or has no repository there.
    UNREACHABLE = "unreachable"
    #: The remote refused the branch: a hook on the server, a protected branch.
    REMOTE_REJECTED = "remote-rejected"
    #: Not done within the push time limit.
    TIMEOUT = "timeout"
    #: git push failed some other way.
    FAILED = "failed"
    #: Nothing was tried: no remote, no upstream, a detached HEAD (``PushFailure.why`` says which).
    NOT_PUSHABLE = "not-pushable"


class Unpushable(StrEnum):
    """Why nothing was pushed (:attr:`PushRefusal.NOT_PUSHABLE`), each with the fields of
    :class:`PushFailure` that say the rest."""

    #: HEAD is detached, so there is no branch to push (``path``: the work tree).
    DETACHED = "detached-head"
    #: What was asked to be pushed (``branch``: the ref as given) is not a branch kundencheck pushes.
    NOT_A_BRANCH = "not-a-branch"
    #: ``branch`` has no commit yet (``path``).
    NO_COMMITS = "no-commits"
    #: The repository has no remote (``path``).
    NO_REMOTE = "no-remote"
    #: ``branch`` has no upstream; ``remote`` is the one to set it up with.
    NO_UPSTREAM = "no-upstream"
    #: ``branch`` has no upstream, and ``remote`` has a branch of the same name it could follow.
    NO_UPSTREAM_REMOTE_HAS_IT = "no-upstream-remote-has-it"
    #: The remote ``branch`` pushes to, ``remote``, is not configured (``remotes``: those that are).
    NO_SUCH_REMOTE = "no-such-remote"
    #: ``remote`` starts with '-' (git would read it as an option).
    REMOTE_LIKE_AN_OPTION = "remote-like-an-option"
    #: A plain `git push` would push nothing here: ``push_default``, and the branch's upstream
    #: ``upstream`` on ``upstream_remote`` (``remote``: where it would push).
    PUSH_DEFAULT = "push-default"
    #: ``remote`` has no branch ``target`` as far as this clone knows (its remote-tracking branches).
    NO_REMOTE_BRANCH = "no-remote-branch"
    #: ``remote``, given as a URL, said it has no branch ``target``.
    URL_LACKS_BRANCH = "url-lacks-branch"


class NotBroughtIn(StrEnum):
    """Why kundencheck did not bring the remote's commits in (:attr:`BringIn.why`)."""

    #: The branch has commits of the user's own the remote lacks (``own_commits``, ``own_total``).
    OWN_COMMITS = "own-commits"
    #: The remote's commits change files the user has changed (``changed_files``; ``detail``:
    #: git's reason when it refused and no such file could be named).
    CHANGES_IN_THE_WAY = "changes-in-the-way"
    #: The remote is given as a URL: this clone keeps no copy of its branches.
    URL_REMOTE = "url-remote"
    #: Fetching the remote's branch failed (``detail``: git's reason).
    FETCH_FAILED = "fetch-failed"
    #: Merging a team's answers branch without a work tree needs git 2.38 (merge-tree --write-tree).
    GIT_TOO_OLD = "git-too-old"
    #: The remote's copy of a team's answers branch and ours changed the same files.
    SAME_FILES_CHANGED = "same-files-changed"
    #: The branch moved while the remote's commits were brought in; nothing was changed.
    BRANCH_MOVED = "branch-moved"
    #: The store refused or git failed on the way (``detail``: the store's message).
    STORE_ERROR = "store-error"


class GateFinding(NamedTuple):
    """One finding of the gate, as ``check --format json`` wrote it."""

    rule: str
    level: str
    title: str
    message: str
    phase: str = ""


class GateReport(NamedTuple):
    """What ``kundencheck check`` found when it ran in the pre-push hook."""

    #: 0 passed, 1 a rule at level error found something, 2 it could not check.
    exit_code: int
    findings: tuple[GateFinding, ...] = ()
    #: Why it could not check (exit status 2).
    error: str = ""

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


class BringIn(NamedTuple):
    """The remote's branch is ahead: whether its commits can be brought in by kundencheck
    (``kundencheck push``), and when not, why not."""

    #: kundencheck can bring them in: every local commit the remote lacks is an answers commit.
    possible: bool
    #: Local commits the remote lacks that are not kundencheck's answers commits ("abc1234 subject").
    own_commits: tuple[str, ...] = ()
    own_total: int = 0
    #: Files with changes of the user's that the remote's commits would overwrite.
    changed_files: tuple[str, ...] = ()
    #: git's reason, or the store's message, where ``why`` says so.
    detail: str = ""
    #: Why not (None when ``possible``).
    why: NotBroughtIn | None = None


class PushFailure(NamedTuple):
    """Why a push did not go through, for the CLI and the TUI to say."""

    refusal: PushRefusal
    branch: str
    remote: str = ""
    #: The remote's branch pushed to (short name).
    target: str = ""
    #: A team's answers branch (storage.branch), not the checked-out branch.
    dedicated: bool = False
    #: The hook's or the remote's own output, cleaned of terminal control and shortened.
    output: tuple[str, ...] = ()
    #: Lines of that output left out.
    output_left_out: int = 0
    #: The pre-push hook as git ran it (e.g. ``.git/hooks/pre-push``), when it ran.
    hook: str = ""
    #: Its exit status; None when it had not finished (a time-out).
    hook_status: int | None = None
    #: The reason the remote gave for refusing the ref ("pre-receive hook declined").
    remote_reason: str = ""
    #: The push time limit (for a time-out).
    seconds: float = 0.0
    #: The team's gate's verdict, when `kundencheck check` ran in the pre-push hook.
    gate: GateReport | None = None
    #: BEHIND: whether and why (not) kundencheck can bring the remote's commits in.
    bring_in: BringIn | None = None
    #: FAILED: what went wrong before git push could run, as the one who saw it said it.
    detail: str = ""
    #: NOT_PUSHABLE: why nothing was tried; the fields below (and ``remote``, ``target``) say the rest.
    why: Unpushable | None = None
    #: The repository's work tree.
    path: str = ""
    #: The configured remotes.
    remotes: tuple[str, ...] = ()
    #: The branch's upstream (its short name on ``upstream_remote``) and push.default, where a
    #: plain `git push` would push nothing.
    upstream: str = ""
    upstream_remote: str = ""
    push_default: str = ""


class PushResult(NamedTuple):
    """A push that went through."""

    branch: str
    remote: str
    target: str
    #: The remote had it all already.
    up_to_date: bool = False
    #: A team's answers branch: runs other clones pushed meanwhile were merged in.
    merged: bool = False
    #: The checked-out branch: the remote's commits brought in, and the answers commits moved on top.
    brought_in: int = 0
    moved: int = 0


class HookRun(NamedTuple):
    """The pre-push hook's run, as git's trace2 recorded it."""

    path: str
    #: Its exit status; None when it had not finished.
    status: int | None


class Attempt(NamedTuple):
    """One `git push --porcelain`: exit status (None: stopped at the time limit), stdout lines,
    stderr, the pre-push hook's run and the gate's report."""

    status: int | None
    lines: list[str]
    err: str
    hook: HookRun | None = None
    gate: GateReport | None = None


# ---------------------------------------------------------------------- reading git's answer


def hook_run(trace: str) -> HookRun | None:
    """The pre-push hook's run from a trace2 event stream, or None when it did not run.

    Only the events of the push itself count (a session id without ``/``); git programs the hook
    runs write to the same stream with session ids below it."""
    import json

    started: dict[object, str] = {}
    exited: dict[object, int] = {}
    for line in trace.splitlines():
        if '"child_' not in line:
            continue  # most events of a push (and of the git programs a hook runs) are others
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut short when the push was stopped
        if not isinstance(event, dict) or "/" in str(event.get("sid", "/")):
            continue
        kind = event.get("event")
        if kind == "child_start" and event.get("child_class") == "hook" and event.get("hook_name") == "pre-push":
            argv = event.get("argv") or ["pre-push"]
            started[event.get("child_id")] = str(argv[0])
        elif kind == "child_exit" and isinstance(event.get("code"), int):
            exited[event.get("child_id")] = event["code"]
    for child, path in started.items():
        return HookRun(path, exited.get(child))
    return None


def ref_line(lines: list[str], dest: str) -> tuple[str, str, str] | None:
    """(flag, summary, reason) of the porcelain line for ``dest``: ``!``, ``[rejected]``,
    ``fetch first``; None when git printed none (it did not get as far as the ref)."""
    for line in lines:
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].rpartition(":")[2] == dest:
            summary, _sep, reason = parts[2].partition(" (")
            return parts[0], summary.strip(), reason.rstrip(")").strip()
    return None


#: git's error lines (C locale) for a remote that did not let us in, and one it could not reach.
_AUTH_SIGNS = (
    "authentication failed",
    "permission denied",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "returned error: 401",
    "returned error: 403",
    "host key verification failed",
    "invalid username or password",
    "access denied",
    "denied to ",
)
_UNREACHABLE_SIGNS = (
    "does not appear to be a git repository",
    "could not resolve",
    "connection refused",
    "connection timed out",
    "no route to host",
    "network is unreachable",
    "failed to connect",
    "couldn't connect",
    "not found",
    "returned error: 404",
    "unable to access",
    "could not read from remote repository",
    "connection closed",
    "no such file or directory",
    "name or service not known",
    "temporary failure in name resolution",
)


def classify(attempt: Attempt, dest: str) -> tuple[PushRefusal, str]:
    """Which refusal a failed push is, and the reason the remote gave for the ref (if any)."""
    if attempt.status is None:
        return PushRefusal.TIMEOUT, ""
    if attempt.hook is not None and attempt.hook.status not in (0, None):
        return PushRefusal.HOOK, ""
    found = ref_line(attempt.lines, dest)
    if found is not None and found[0] == "!":
        _flag, summary, reason = found
        if summary == "[rejected]" and reason in ("fetch first", "non-fast-forward"):
            return PushRefusal.BEHIND, reason
        if summary == "[remote rejected]" and (
            reason in ("failed to update ref", "failed to lock") or reason.startswith("cannot lock ref")
        ):
            return PushRefusal.BEHIND, reason  # another push to the branch at the same moment won
        if summary in ("[remote rejected]", "[remote failure]"):
            return PushRefusal.REMOTE_REJECTED, reason
        return PushRefusal.FAILED, reason
    return said_refusal(attempt.err) or PushRefusal.FAILED, ""


def said_refusal(err: str) -> PushRefusal | None:
    """What git's error output (C locale) says of a remote: that it did not let us in
    (:attr:`PushRefusal.AUTH`), or could not be reached or has no repository there
    (:attr:`PushRefusal.UNREACHABLE`); None when it says neither. Pushes and a portfolio's
    fetches read git's answer this way."""
    said = err.lower()
    if any(sign in said for sign in _AUTH_SIGNS):
        return PushRefusal.AUTH
    if any(sign in said for sign in _UNREACHABLE_SIGNS):
        return PushRefusal.UNREACHABLE
    return None


def output_of(err: str, refusal: PushRefusal) -> tuple[tuple[str, ...], int]:
    """The hook's or the remote's own output in git's stderr, without git's summary lines, each
    line cleaned of terminal control; (at most OUTPUT_LINES lines, how many more there were).
    For a ref the remote refused, only what the remote said (its ``remote:`` lines)."""
    from kundencheck.core.text import clean_text, one_line

    kept = []
    for raw in clean_text(err).splitlines():
        line = raw.rstrip()
        if refusal is PushRefusal.REMOTE_REJECTED:
            if not line.startswith("remote:"):
                continue
            line = line[len("remote:") :].strip()
        if not line.strip() or line.startswith(("hint:", "error: failed to push some refs", "To ")):
            continue
        if refusal is not PushRefusal.HOOK:
            line = line.strip()
        kept.append(one_line(line, OUTPUT_WIDTH) if len(line) > OUTPUT_WIDTH else line)
    return tuple(kept[:OUTPUT_LINES]), max(len(kept) - OUTPUT_LINES, 0)


def read_gate_report(path: str) -> GateReport | None:
    """The verdict ``kundencheck check`` left in ``path`` (the document of ``check --format
    json``, or ``{"exit_code": 2, "error": ...}``); None when there is none or it is unreadable."""
    import json

    from kundencheck.core.text import one_line

    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(_REPORT_LIMIT))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exit_code"), int):
        return None
    findings = []
    for found in data.get("findings") or []:
        if isinstance(found, dict):
            findings.append(
                GateFinding(*(one_line(str(found.get(key) or ""), 400) for key in ("rule", "level", "title", "message", "phase")))
            )
    return GateReport(data["exit_code"], tuple(findings), one_line(str(data.get("error") or ""), 600))


def remove_quietly(*paths: str) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass
