"""Sharing with the team: pushing a branch to its upstream, only where a plain `git push`
would and never creating a branch on a remote; fetching and merging a team's answers branch
that other clones pushed to; bringing the remote's commits into the checked-out branch when
kundencheck's answers commits are all it lacks.

What a push did is data (store/push.py: :class:`PushResult`, :class:`PushFailure`); the CLI
and the TUI say it in words (kundencheck/push_texts.py).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from typing import Any, NamedTuple

from kundencheck.core.errors import StoreError
from kundencheck.core.i18n import _
from kundencheck.core.people import parse_person
from kundencheck.store.committing import ANSWERS_ROOT, Committer, write_failed
from kundencheck.store.push import (
    GATE_REPORT_ENV,
    Attempt,
    BringIn,
    NotBroughtIn,
    PushFailure,
    PushRefusal,
    PushResult,
    Unpushable,
    classify,
    hook_run,
    output_of,
    read_gate_report,
)
from kundencheck.store.runner import git_reason
from kundencheck.store.state import git_bool, plain_branch, remote_names


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
    """A fast-forward git refused: ``changed_files`` are the user's changes in its way, ``reason``
    is git's."""

    def __init__(self, message: str, changed_files: tuple[str, ...], reason: str) -> None:
        super().__init__(message)
        self.changed_files = changed_files
        self.reason = reason


class _Moved(StoreError):
    """The checked-out branch moved while the remote's commits were brought in: nothing was changed."""


class PushError(StoreError):
    """A push that did not go through or did not finish in time. The commit is kept.

    ``failure`` says why, as data (store/push.py); the CLI and the TUI say it in words
    (kundencheck/push_texts.py). The message is a short fallback for logs."""

    def __init__(self, failure: PushFailure) -> None:
        refusal = failure.refusal.value + (f": {failure.why.value}" if failure.why else "")
        fallback = failure.detail or _("Pushing {branch} to {remote} did not go through ({refusal}).").format(
            branch=failure.branch, remote=failure.remote, refusal=refusal
        )
        super().__init__(fallback)
        self.failure = failure


def _not_pushable(why: Unpushable, branch: str, **fields: Any) -> PushError:
    """Nothing was pushed because there is nothing to push to: ``why``, with the fields of
    :class:`PushFailure` it needs."""
    return PushError(PushFailure(PushRefusal.NOT_PUSHABLE, branch, why=why, **fields))


class RemoteSync(Committer):
    """Pushing to the team's remote, and bringing its commits in."""

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
        config = self.git_config()
        head = self._symbolic_head()
        branch_ref = head if ref is None else (ref if ref.startswith("refs/") else "refs/heads/" + ref)
        if branch_ref is None:
            raise _not_pushable(Unpushable.DETACHED, "", path=str(self.root))
        name = branch_ref.removeprefix("refs/heads/")
        if name == branch_ref or not plain_branch(name):
            raise _not_pushable(Unpushable.NOT_A_BRANCH, branch_ref)
        if self._resolve(branch_ref) is None:
            raise _not_pushable(Unpushable.NO_COMMITS, name, path=str(self.root))
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
                return PushResult(
                    name,
                    remote,
                    short,
                    up_to_date=bool(flags) and all(f == "=" for f in flags),
                    merged=merged,
                    brought_in=brought,
                    moved=moved,
                )
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
                    why = BringIn(False, detail=exc.message, why=NotBroughtIn.STORE_ERROR)
                if why is not None:
                    raise PushError(failure._replace(refusal=PushRefusal.BEHIND, remote_reason=reason, bring_in=why))
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
            pause = random.uniform(0.0, min(2.0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not a secret
            if time.monotonic() + pause >= deadline:
                raise PushError(failure._replace(refusal=PushRefusal.TIMEOUT))
            time.sleep(pause)

    def _push_once(self, remote: str, branch_ref: str, dest: str, config: dict[str, str | None], deadline: float) -> Attempt:
        """One `git push --porcelain`, with git's trace2 events going to a file of our own (they
        say whether the pre-push hook ran and how it ended) and KUNDENCHECK_GATE_REPORT naming
        where `kundencheck check` leaves its verdict should it run in that hook."""
        folder = tempfile.mkdtemp(prefix="kundencheck-push-")
        trace, report = os.path.join(folder, "trace2.json"), os.path.join(folder, "gate.json")
        try:
            status, lines, err = self._network(
                ["push", "--porcelain", remote, f"{branch_ref}:{dest}"],
                config,
                deadline,
                env={"GIT_TRACE2_EVENT": trace, GATE_REPORT_ENV: report},
            )
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
        return base._replace(
            refusal=refusal,
            remote_reason=reason,
            output=output,
            output_left_out=left_out,
            hook=hook.path if hook else "",
            hook_status=hook.status if hook else None,
            gate=tried.gate if refusal is PushRefusal.HOOK else None,
        )

    def _follow_remote_answers_branch(self, name: str, config: dict[str, str | None], deadline: float) -> dict[str, str | None]:
        """A team's answers branch without an upstream (made here before the remote had it, or
        before this clone fetched it): when the remote (origin, or the only one) has a branch of
        that name, ours follows it from now on, as it would had it been made from it; returns
        the config as it is then. Never creates anything on the remote."""
        remotes = remote_names(config)
        remote = "origin" if "origin" in remotes else (next(iter(remotes)) if len(remotes) == 1 else None)
        if remote is None:
            return config
        status, _lines, _err = self._network(
            ["fetch", "--no-tags", "--no-write-fetch-head", remote, f"+refs/heads/{name}:refs/remotes/{remote}/{name}"],
            config,
            deadline,
        )
        if status != 0:
            return config  # the remote has no such branch (or cannot be reached): said by _push_target
        self._track_remote_branch(name, f"refs/remotes/{remote}/{name}")
        return self.git_config()

    def _push_target(
        self, name: str, config: dict[str, str | None], deadline: float, *, dedicated: bool = False
    ) -> tuple[str, str]:
        """(remote, destination ref) for branch ``name``, chosen as `git push` would, or a
        PushError when pushing would create a branch on a remote: the branch needs an upstream
        (``branch.NAME.remote`` and ``.merge``), and the branch it pushes to must exist there
        (as the remote-tracking branches say, or for a remote given as a URL, as it says)."""
        remotes = remote_names(config)
        upstream_remote = config.get(f"branch.{name}.remote") or ""
        merge = config.get(f"branch.{name}.merge") or ""
        if not remotes and not _is_url(upstream_remote):
            raise _not_pushable(Unpushable.NO_REMOTE, name, path=str(self.root), dedicated=dedicated)
        if not upstream_remote or upstream_remote == "." or not merge.startswith("refs/heads/"):
            guess = "origin" if "origin" in remotes or not remotes else min(remotes)
            has_it = self._resolve(f"refs/remotes/{guess}/{name}") is not None
            raise _not_pushable(
                Unpushable.NO_UPSTREAM_REMOTE_HAS_IT if has_it else Unpushable.NO_UPSTREAM,
                name,
                remote=guess,
                dedicated=dedicated,
            )
        remote = upstream_remote
        for candidate in (config.get(f"branch.{name}.pushremote"), config.get("remote.pushdefault")):
            if candidate and candidate != ".":
                remote = candidate
                break
        if remote not in remotes and not _is_url(remote):
            raise _not_pushable(
                Unpushable.NO_SUCH_REMOTE, name, remote=remote, remotes=tuple(sorted(remotes)), dedicated=dedicated
            )
        if remote.startswith("-"):
            raise _not_pushable(Unpushable.REMOTE_LIKE_AN_OPTION, name, remote=remote, dedicated=dedicated)
        mode = (config.get("push.default") or "simple").strip().lower()
        dest = _git_push_destination(name, remote, upstream_remote, merge, mode)
        if dest is None:
            raise _not_pushable(
                Unpushable.PUSH_DEFAULT,
                name,
                remote=remote,
                dedicated=dedicated,
                push_default=mode,
                upstream=merge.removeprefix("refs/heads/"),
                upstream_remote=upstream_remote,
            )
        target = dest.removeprefix("refs/heads/")
        if remote not in remotes:  # a URL: no remote-tracking branch says what it has, so ask it
            status, lines, err = self._network(["ls-remote", "--exit-code", remote, dest], config, deadline)
            if status == 0:
                return remote, dest
            if status == 2:
                raise _not_pushable(Unpushable.URL_LACKS_BRANCH, name, remote=remote, target=target, dedicated=dedicated)
            # It could not be asked: nothing is pushed, for the reason a push would have failed.
            asked = Attempt(status, lines, err)
            refusal, reason = classify(asked, dest)
            base = PushFailure(PushRefusal.FAILED, name, remote, target, dedicated, seconds=self.push_timeout)
            raise PushError(self._failure(base, refusal, reason, asked))
        if self._resolve(f"refs/remotes/{remote}/{target}") is None:
            # As far as this clone knows, the branch is not on that remote: a push would create it.
            raise _not_pushable(Unpushable.NO_REMOTE_BRANCH, name, remote=remote, target=target, dedicated=dedicated)
        return remote, dest

    def _merge_remote_branch(
        self, branch_ref: str, remote: str, dest: str, config: dict[str, str | None], deadline: float
    ) -> BringIn | None:
        """Bring the remote's copy of a team's answers branch into ours without a work tree.

        Fetches it, merges by plumbing (`git merge-tree`, no index, no work tree) or fast-
        forwards, moves our branch by compare-and-swap. Returns None when the branch can be
        pushed again, else a :class:`BringIn` saying why not.
        """
        if remote not in remote_names(config):
            return BringIn(False, why=NotBroughtIn.URL_REMOTE)
        if self.git_version()[:2] < (2, 38):  # merge-tree --write-tree
            return BringIn(False, why=NotBroughtIn.GIT_TOO_OLD)
        try:
            self._check_not_checked_out_elsewhere(branch_ref)
        except StoreError as exc:
            return BringIn(False, detail=exc.message, why=NotBroughtIn.STORE_ERROR)
        tracking = f"refs/remotes/{remote}/{dest.removeprefix('refs/heads/')}"
        status, _out, err = self._network(
            ["fetch", "--no-tags", "--no-write-fetch-head", remote, f"+{dest}:{tracking}"], config, deadline
        )
        if status != 0:
            if status is None:
                raise _OutOfTime
            return BringIn(False, detail=git_reason(err), why=NotBroughtIn.FETCH_FAILED)
        ours, theirs = self._resolve(branch_ref), self._resolve(tracking)
        if ours is None or theirs is None or self._is_ancestor(theirs, ours):
            return None
        if self._is_ancestor(ours, theirs):
            merge = theirs  # nothing of ours is missing there: fast-forward
            subject = _("kundencheck: fast-forward to {remote}").format(remote=remote)
        else:
            status, out, err = self.run_git(
                ["merge-tree", "--write-tree", "--allow-unrelated-histories", ours, theirs],
                what=_("merge the answers branches"),
                ok=None,
            )
            if status != 0:
                return BringIn(False, why=NotBroughtIn.SAME_FILES_CHANGED)
            tree = out.decode().split("\n", 1)[0].strip()
            subject = _("kundencheck: merge answers from {remote}").format(remote=remote)
            args = ["commit-tree", tree, "-p", ours, "-p", theirs, "-m", subject]
            if git_bool(config, "commit.gpgsign"):
                args.insert(-2, "-S")
            merge = self.run_git(args, what=_("create the merge commit"), user_locale=True)[1].decode().strip()
        # Compare-and-swap: a commit of this clone made meanwhile makes it fail; the caller's
        # next round fetches and merges again.
        self.run_git(
            ["update-ref", "-m", subject, branch_ref, merge, ours],
            what=_("move {branch} to the merge").format(branch=branch_ref.removeprefix("refs/heads/")),
            ok=None,
        )
        return None

    def _bring_in_remote_commits(
        self, branch_ref: str, remote: str, dest: str, config: dict[str, str | None], deadline: float, *, apply: bool
    ) -> BringIn | _BroughtIn | None:
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
        if remote not in remote_names(config):
            return BringIn(False, why=NotBroughtIn.URL_REMOTE)
        tracking = f"refs/remotes/{remote}/{dest.removeprefix('refs/heads/')}"
        status, _out, err = self._network(
            ["fetch", "--no-tags", "--no-write-fetch-head", remote, f"+{dest}:{tracking}"], config, deadline
        )
        if status is None:
            return None
        if status != 0:
            return BringIn(False, detail=git_reason(err), why=NotBroughtIn.FETCH_FAILED)
        try:
            with self._within(deadline):
                return self._bring_in_fetched(branch_ref, tracking, config, apply=apply)
        except _InTheWay as exc:
            return BringIn(False, changed_files=exc.changed_files, detail=exc.reason, why=NotBroughtIn.CHANGES_IN_THE_WAY)
        except _Moved:
            return BringIn(False, why=NotBroughtIn.BRANCH_MOVED)
        except StoreError as exc:  # git failed or was stopped on the way: nothing was changed
            return BringIn(False, detail=exc.message, why=NotBroughtIn.STORE_ERROR)

    def _bring_in_fetched(
        self, branch_ref: str, tracking: str, config: dict[str, str | None], *, apply: bool
    ) -> BringIn | _BroughtIn:
        """:meth:`_bring_in_remote_commits` once the remote's branch is fetched into ``tracking``."""
        ours, theirs = self._resolve(branch_ref), self._resolve(tracking)
        if ours is None or theirs is None or self._is_ancestor(theirs, ours):
            return _BroughtIn(0, 0)  # nothing to bring in (any more): push again
        if self._is_ancestor(ours, theirs):
            return _BroughtIn(0, 0, nothing_to_push=True)
        local = self._local_commits(theirs, ours)
        own = [c for c in local if c.answers is None]
        if own:
            return BringIn(
                False,
                own_commits=tuple(f"{c.sha[:10]} {c.subject}" for c in own[:3]),
                own_total=len(own),
                why=NotBroughtIn.OWN_COMMITS,
            )
        changed = self._changes_in_the_way(ours, theirs)
        if changed:
            return BringIn(False, changed_files=changed, why=NotBroughtIn.CHANGES_IN_THE_WAY)
        if not apply:
            return BringIn(True)
        brought = int(
            self.run_git(["rev-list", "--count", f"{ours}..{theirs}"], what=_("count the remote's commits"))[1].decode().strip()
            or 0
        )
        tip = theirs
        for commit in local:
            tip = self._replay(commit, tip, config)
        self._fast_forward_head(branch_ref, ours, tip, theirs)
        return _BroughtIn(brought, len(local))

    def _local_commits(self, theirs: str, ours: str) -> list[_LocalCommit]:
        """The commits of ``ours`` that ``theirs`` lacks, oldest first; ``answers`` is the
        (path, blob) an answers commit of kundencheck's adds, None for any other commit."""
        fmt = "%H%x1f%P%x1f%(trailers:key=Kundencheck-Run,valueonly,separator=%x1d)%x1f%s%x1e"
        out = self.run_git(
            [
                "log",
                "--reverse",
                "--no-show-signature",
                "--no-color",
                "--encoding=UTF-8",
                f"--format={fmt}",
                f"{theirs}..{ours}",
                "--",
            ],
            what=_("list your commits"),
        )[1]
        found = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            sha, parents, runs, subject = record.split("\x1f", 3)
            answers = None
            run_ids = [r.strip() for r in runs.split("\x1d") if r.strip()]
            if len(parents.split()) == 1 and len(run_ids) == 1:
                raw = self.run_git(
                    ["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", "--raw", parents, sha],
                    what=_("read what a commit changed"),
                )[1].split(b"\0")
                entries = [(raw[i], raw[i + 1]) for i in range(0, len(raw) - 1, 2)]
                if len(entries) == 1:
                    meta, path = entries[0][0].decode(), entries[0][1].decode("utf-8", "surrogateescape")
                    _old_mode, new_mode, _old, blob, change = meta.lstrip(":").split(" ")
                    if (
                        change == "A"
                        and new_mode == "100644"
                        and path.startswith(ANSWERS_ROOT + "answers/")
                        and path.endswith(f"/{run_ids[0]}.toml")
                    ):
                        answers = (path, blob)
            found.append(_LocalCommit(sha, subject, answers))
        return found

    def _changes_in_the_way(self, ours: str, theirs: str) -> tuple[str, ...]:
        """Files the remote's commits change in which the user has changes of their own
        (staged, unstaged, or an untracked file where the remote adds one): a fast-forward
        would have to overwrite them, so kundencheck does not bring the remote's commits in."""
        base = self.run_git(["merge-base", ours, theirs], what=_("find where the branches part"))[1].decode().strip()

        def names(args: list[str]) -> set[str]:
            out = self.run_git(args, what=_("list the remote's changes"))[1].decode("utf-8", "surrogateescape")
            return {p for p in out.split("\0") if p}

        changed = names(["diff-tree", "-r", "-z", "--no-renames", "--name-only", base, theirs])
        if not changed:
            return ()
        added = names(["diff-tree", "-r", "-z", "--no-renames", "--name-only", "--diff-filter=A", base, theirs])
        # What the user changed, as `git status` sees it (stat data refreshed in memory only).
        out = (
            self.run_git(
                ["--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=no"], what=_("list your changes")
            )[1]
            .decode("utf-8", "surrogateescape")
            .split("\0")
        )
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
        assert commit.answers is not None  # noqa: S101 - a commit without answers stopped the bring-in before
        path, blob = commit.answers
        tree = self._build_tree(onto, path, blob, replace=False)
        raw = self._cat_batch([commit.sha])[0][1]
        headers, _sep, message = raw.partition(b"\n\n")
        env = {}
        for line in headers.decode("utf-8", "replace").split("\n"):
            if line.startswith("author "):
                who, when, zone = line[len("author ") :].rsplit(" ", 2)
                name, email = parse_person(who)
                env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": f"@{when} {zone}"}
        sign = git_bool(config, "commit.gpgsign")  # as `git rebase` signs what it makes again
        args = ["commit-tree", tree, "-p", onto, *(["-S"] if sign else [])]
        status, out, err = self.run_git(
            args, stdin=message, env=env, what=_("make your answers commit again"), ok=None, user_locale=sign
        )
        if status != 0:
            raise StoreError(
                _("git could not make the answers commit {commit} again on the remote's branch. git said: {error}").format(
                    commit=commit.sha[:10], error=err.strip() or _("(nothing)")
                )
            )
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
                raise _Moved(
                    _(
                        "{branch} moved while kundencheck brought in the remote's commits; nothing was "
                        "changed. Run `kundencheck push` again."
                    ).format(branch=branch_ref.removeprefix("refs/heads/"))
                )
            self._check_ready((symref, head), lock_held=True)
            self._check_not_checked_out_elsewhere(branch_ref)
            lock.note(ref=branch_ref, old=old, new=new, fast_forward=[old, new])
            header = b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big")
            lock.start_from(self._index, header + self._hash(header).digest())
            updated = True  # from here on, whatever happens, the files are put back unless the branch moves
            status, _out, err = self.run_git(
                ["read-tree", "-m", "-u", old, new], what=_("update your files"), env={"GIT_INDEX_FILE": str(lock.build)}, ok=None
            )
            if status != 0:
                raise _InTheWay(
                    _("git would not update your files to the remote's commits: {reason}").format(reason=git_reason(err)),
                    self._changes_in_the_way(old, theirs),
                    git_reason(err),
                )
            lock.adopt()
            subject = _("kundencheck push: your answers commits moved onto {tip}").format(tip=theirs[:10])
            status = self.run_git(["update-ref", "-m", subject, "HEAD", new, old], what=_("move the branch"), ok=None)[0]
            if status != 0 and not self._landed([(new, old)], "HEAD"):  # not git moving it, then dying
                raise _Moved(
                    _(
                        "{branch} moved while kundencheck brought in the remote's commits; nothing was "
                        "changed. Run `kundencheck push` again."
                    ).format(branch=branch_ref.removeprefix("refs/heads/"))
                )
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
                raise write_failed(exc, self.git_dir) from exc
            raise


# ---------------------------------------------------------------------- module helpers


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
