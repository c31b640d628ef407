"""`kundencheck push` on a checked-out branch the remote is ahead of (someone pushed first): the
remote's commits are brought in without touching the user's work when kundencheck's answers
commits are all the remote lacks (made again on the remote's tip, the branch fast-forwarded as
the commit protocol moves it); otherwise nothing changes and the words say exactly which `git
pull --rebase` to run, and why. Real repositories: a bare remote, two clones, the user's staged,
unstaged and untracked work; kundencheck killed in the middle of the fast-forward."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.push_texts import failure_text, pushed_text
from kundencheck.store.git_store import GitStore, PushError
from kundencheck.store.push import (
    BringIn,
    NotBroughtIn,
    PushFailure,
    PushRefusal,
    PushResult,
)
from tests.support.faults import assert_hung_git_is_gone, fault_env, make_wrapper
from tests.support.git import ANSWERS, commit_all, git, tree_paths
from tests.support.pushing import another_clone_pushes, commit_answers, commit_run


@pytest.fixture
def busy(repo: Path, remote: Path) -> Path:
    """The clone with work of the user's in progress: a staged change, an unstaged one, a new
    staged file and an untracked one (none of them in a file the remote's commits change)."""
    commit_all(repo, "the user's files", **{"notes.txt": "one\n", "plan.txt": "a\n"})
    git(repo, "push", "-q", "origin", "main")
    (repo / "notes.txt").write_text("one\nstaged\n")
    git(repo, "add", "notes.txt")
    (repo / "notes.txt").write_text("one\nstaged\nunstaged\n")
    (repo / "plan.txt").write_text("a\nunstaged\n")
    (repo / "new.txt").write_text("new and staged\n")
    git(repo, "add", "new.txt")
    (repo / "scratch.txt").write_text("untracked\n")
    return repo


def user_state(repo: Path) -> dict:
    files = {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    return {
        "head": git(repo, "rev-parse", "HEAD"),
        "branch": git(repo, "symbolic-ref", "HEAD"),
        "index": git(repo, "ls-files", "--stage"),
        "staged": git(repo, "diff", "--cached", "--binary"),
        "unstaged": git(repo, "diff", "--binary"),
        "files": files,
    }


def push(repo: Path, *, bring_in: bool = True):
    with GitStore.open(repo) as store:
        return store.push(bring_in=bring_in)


def refused(repo: Path, *, bring_in: bool = True):
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push(bring_in=bring_in)
    return caught.value.failure


def no_leftovers(repo: Path) -> None:
    git_dir = repo / ".git"
    left = [
        p.name
        for p in [
            git_dir / "index.lock",
            git_dir / "index.kundencheck",
            git_dir / "index.kundencheck.lock",
            git_dir / "kundencheck" / "commit.journal",
        ]
        if p.exists()
    ]
    assert not left, left
    git(repo, "fsck", "--no-dangling", "--no-progress")


# ------------------------------------------------------------------------------ brought in


def test_answers_commits_are_moved_onto_the_remotes_commits_and_the_users_work_is_kept(tmp_path, busy, remote):
    other = another_clone_pushes(tmp_path, remote, **{"theirs.txt": "theirs\n", "docs__guide.md": "# Guide\n"})
    theirs = git(other, "rev-parse", "HEAD")
    first = commit_run(busy, "20261201T0900-build-ada-aaaa")
    second = commit_run(busy, "20261202T0900-build-ada-bbbb")
    before = user_state(busy)
    assert git(busy, "rev-parse", "HEAD") == second

    result = push(busy)
    assert result == PushResult("main", "origin", "main", brought_in=1, moved=2)
    assert pushed_text(result) == (
        "Brought in 1 new commit from origin and moved your 2 answers commits on top (the "
        "rest of your work as it was). Pushed main to origin."
    )
    head = git(busy, "rev-parse", "HEAD")
    assert git(remote, "rev-parse", "main") == head
    # The answers commits, made again on the remote's tip: the same files, messages, authors, dates.
    chain = git(busy, "rev-list", "--parents", f"{theirs}..{head}").splitlines()
    assert len(chain) == 2 and chain[-1].split()[1] == theirs
    for old, new in zip((second, first), (line.split()[0] for line in chain), strict=True):
        for fmt in ("%an <%ae> %ad", "%B", "%s"):
            assert git(busy, "log", "-1", f"--format={fmt}", old) == git(busy, "log", "-1", f"--format={fmt}", new)
        assert git(busy, "diff-tree", "-r", "--no-commit-id", "--name-status", old) == git(
            busy, "diff-tree", "-r", "--no-commit-id", "--name-status", new
        )
    # The work tree and the index gained exactly the remote's files; the user's work is as it was.
    after = user_state(busy)
    assert after["files"] == {**before["files"], "theirs.txt": b"theirs\n", "docs/guide.md": b"# Guide\n"}
    assert after["staged"] == before["staged"] and after["unstaged"] == before["unstaged"]
    assert sorted(after["index"].splitlines()) == sorted(
        before["index"].splitlines() + git(busy, "ls-files", "--stage", "--", "theirs.txt", "docs/guide.md").splitlines()
    )
    assert git(busy, "status", "--porcelain", "--", "theirs.txt", "docs").strip() == ""
    assert "kundencheck push: your answers commits moved onto" in git(busy, "reflog", "-1", "--format=%gs")
    no_leftovers(busy)


def test_without_bring_in_nothing_moves_and_the_words_name_kundencheck_push(tmp_path, busy, remote):
    another_clone_pushes(tmp_path, remote)
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    before = user_state(busy)
    failure = refused(busy, bring_in=False)  # the push right after a commit
    assert failure.refusal is PushRefusal.BEHIND and failure.bring_in == BringIn(True)
    said = failure_text(failure, committed=True)
    assert said.startswith(
        "Not pushed: origin's main has commits your main does not have yet (someone pushed "
        "first). `kundencheck push` brings them in and pushes: it moves your answers commits on top "
        "of them (answers files never conflict) and leaves the rest of your work as it is."
    )
    assert user_state(busy) == before
    result = CliRunner().invoke(main, ["-C", str(busy), "push"], catch_exceptions=False)  # the advice works
    assert result.exit_code == 0, result.output
    assert git(remote, "rev-parse", "main") == git(busy, "rev-parse", "HEAD")


def test_a_branch_the_remote_already_has_all_of_is_not_touched(tmp_path, repo, remote):
    other = another_clone_pushes(tmp_path, remote)
    before = user_state(repo)
    assert push(repo).up_to_date  # behind, with nothing of its own: nothing to push, nothing pulled
    assert user_state(repo) == before
    assert git(repo, "rev-parse", "origin/main") == git(other, "rev-parse", "HEAD")


# ------------------------------------------------------------------------------ not brought in: what to run instead


def test_commits_of_the_users_own_are_not_moved_and_the_words_say_which_pull_to_run(tmp_path, busy, remote):
    another_clone_pushes(tmp_path, remote)
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    git(busy, "stash", "-q", "--include-untracked")
    own = commit_all(busy, "Fix the login form", **{"login.txt": "fixed\n"})
    unmarked = commit_answers(busy, "no-trailer")  # an answers file, but not a run's commit
    before = user_state(busy)
    failure = refused(busy)
    assert failure.refusal is PushRefusal.BEHIND
    assert failure.bring_in == BringIn(
        False,
        own_commits=(f"{own[:10]} Fix the login form", f"{unmarked[:10]} kundencheck: no-trailer"),
        own_total=2,
        why=NotBroughtIn.OWN_COMMITS,
    )
    said = failure_text(failure)
    assert said == (
        "Not pushed: origin's main has commits your main does not have yet, and your main has commits of "
        f"your own that origin lacks ({own[:10]} Fix the login form; {unmarked[:10]} kundencheck: "
        "no-trailer); kundencheck moves only its own answers commits. Bring origin's commits in with `git "
        "pull --rebase origin main`, then push with `kundencheck push`."
    )
    assert user_state(busy) == before
    subprocess.run(["git", "pull", "-q", "--rebase", "origin", "main"], cwd=busy, check=True)  # the advice works
    assert push(busy).branch == "main"
    assert git(remote, "rev-parse", "main") == git(busy, "rev-parse", "HEAD")


@pytest.mark.parametrize("in_the_way", ["unstaged", "staged", "untracked"])
def test_changes_of_the_users_where_the_remote_changed_files_stop_it_and_nothing_changes(tmp_path, busy, remote, in_the_way):
    if in_the_way == "untracked":
        another_clone_pushes(tmp_path, remote, **{"scratch.txt": "theirs\n"})  # the user's untracked file
        shared = "scratch.txt"
    else:
        another_clone_pushes(
            tmp_path, remote, **{"plan.txt": "a\ntheirs\n"} if in_the_way == "unstaged" else {"notes.txt": "theirs\n"}
        )
        shared = "plan.txt" if in_the_way == "unstaged" else "notes.txt"
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    before = user_state(busy)
    failure = refused(busy)
    assert failure.refusal is PushRefusal.BEHIND
    assert failure.bring_in == BringIn(False, changed_files=(shared,), why=NotBroughtIn.CHANGES_IN_THE_WAY)
    said = failure_text(failure)
    assert (
        f"and they change files you have changed and not committed ({shared}), so kundencheck did not bring them "
        "in. Commit or stash those changes (`git stash`), then `git pull --rebase origin main` (and `git stash "
        "pop`), then push with `kundencheck push`."
    ) in said
    assert user_state(busy) == before
    no_leftovers(busy)


def test_a_merge_in_progress_stops_it_and_nothing_changes(tmp_path, busy, remote):
    another_clone_pushes(tmp_path, remote)
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    (busy / ".git" / "MERGE_HEAD").write_text(git(busy, "rev-parse", "HEAD") + "\n")
    before = user_state(busy)
    failure = refused(busy)
    assert failure.refusal is PushRefusal.BEHIND and not failure.bring_in.possible
    assert failure.bring_in.why is NotBroughtIn.STORE_ERROR and "a merge is in progress" in failure.bring_in.detail
    assert "could not bring them in: kundencheck will not commit now: a merge is in progress" in failure_text(failure)
    assert user_state(busy) == before
    no_leftovers(busy)


def test_a_remote_given_as_a_url_is_not_brought_in_and_the_words_say_why(tmp_path, busy, remote):
    """A URL where the remote's name goes (remote.pushDefault): this clone keeps no copy of its
    branches, so nothing is brought in; said as data (NotBroughtIn.URL_REMOTE), in words by
    push_texts."""
    another_clone_pushes(tmp_path, remote)
    url = f"file://{remote}"
    git(busy, "config", "remote.pushDefault", url)
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    before = user_state(busy)
    failure = refused(busy)
    assert failure.refusal is PushRefusal.BEHIND and failure.bring_in == BringIn(False, why=NotBroughtIn.URL_REMOTE)
    assert failure_text(failure) == (
        f"Not pushed: {url}'s main has commits your main does not have yet, and kundencheck could not bring them in: "
        f"{url} is a URL, not a named remote, so kundencheck has no copy of its branch to bring in. Bring them in "
        f"with `git pull --rebase {url} main`, then push with `kundencheck push`."
    )
    assert user_state(busy) == before


def test_a_teams_answers_branch_whose_runs_changed_the_same_file_is_not_merged(tmp_path, repo, remote):
    """Two clones committed the same answers file differently to the team's answers branch:
    merge-tree cannot merge them, nothing moves, and the words say so (data:
    NotBroughtIn.SAME_FILES_CHANGED)."""
    commit_answers(repo, "first", ref="refs/heads/kundencheck")
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    with GitStore.open(other) as store:
        store.commit_file(f"{ANSWERS}/same.toml", b"x = 'theirs'\n", "kundencheck: theirs\n", ref="refs/heads/kundencheck")
    git(other, "push", "-q", "origin", "kundencheck")
    with GitStore.open(repo) as store:
        ours = store.commit_file(f"{ANSWERS}/same.toml", b"x = 'ours'\n", "kundencheck: ours\n", ref="refs/heads/kundencheck").sha
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push(ref="kundencheck")
    failure = caught.value.failure
    assert (failure.refusal, failure.dedicated) == (PushRefusal.BEHIND, True)
    assert failure.bring_in == BringIn(False, why=NotBroughtIn.SAME_FILES_CHANGED)
    assert failure_text(failure) == (
        "Not pushed: origin's kundencheck has runs this clone does not have yet, and kundencheck could not merge them "
        "in: origin's kundencheck and yours changed the same files. Try again with `kundencheck push`."
    )
    assert git(repo, "rev-parse", "refs/heads/kundencheck") == ours


@pytest.mark.parametrize(
    "why, detail, words",
    [
        (NotBroughtIn.GIT_TOO_OLD, "", "merging them without touching your work tree needs git 2.38 or newer"),
        (
            NotBroughtIn.FETCH_FAILED,
            "Could not read from remote repository.",
            "fetching it failed: Could not read from remote repository",
        ),
        (
            NotBroughtIn.CHANGES_IN_THE_WAY,
            "Entry 'a.txt' not uptodate. Cannot merge.",
            "git would not update your files to the remote's commits: Entry 'a.txt' not uptodate. Cannot merge",
        ),
        (NotBroughtIn.BRANCH_MOVED, "", "your main moved meanwhile (nothing was changed)"),
        (
            NotBroughtIn.STORE_ERROR,
            "kundencheck will not commit now: a merge is in progress.",
            "kundencheck will not commit now: a merge is in progress",
        ),
    ],
)
def test_every_reason_not_to_bring_the_commits_in_has_words(why, detail, words):
    """Each NotBroughtIn is said by push_texts (git's reason or the store's message in it),
    for a team's answers branch and for the checked-out branch."""
    bring = BringIn(False, detail=detail, why=why)
    dedicated = PushFailure(PushRefusal.BEHIND, "main", "origin", "main", True, bring_in=bring)
    assert failure_text(dedicated) == (
        "Not pushed: origin's main has runs this clone does not have yet, and "
        f"kundencheck could not merge them in: {words}. Try again with `kundencheck "
        "push`."
    )
    checked_out = failure_text(dedicated._replace(dedicated=False))
    if why is NotBroughtIn.BRANCH_MOVED:
        assert checked_out == (
            "Not pushed: origin's main has commits your main does not have yet, and your main moved "
            "while kundencheck brought them in (nothing was changed). Try again with `kundencheck "
            "push`."
        )
    else:
        assert checked_out == (
            "Not pushed: origin's main has commits your main does not have yet, and kundencheck could "
            f"not bring them in: {words}. Bring them in with `git pull --rebase origin main`, then "
            "push with `kundencheck push`."
        )


# ------------------------------------------------------------------------------ killed in the middle

WRAPPER = """#!/bin/sh
sub=""
for a in "$@"; do case "$a" in -*) ;; *) sub="$a"; break;; esac; done
if [ "$sub" = "$FAULT_SUB" ]; then
  case "$FAULT_MODE" in
    kill-kundencheck) kill -9 $PPID; exit 1;;
    done-then-kill-kundencheck) "{real}" "$@"; status=$?; kill -9 $PPID; exit $status;;
  esac
fi
exec "{real}" "$@"
"""
CHILD = """
import sys
from kundencheck.store.git_store import GitStore
with GitStore.open(sys.argv[1]) as store:
    store.push(bring_in=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell wrapper and signals")
@pytest.mark.parametrize(
    "sub, mode",
    [
        ("read-tree", "done-then-kill-kundencheck"),
        ("update-ref", "kill-kundencheck"),
        ("update-ref", "done-then-kill-kundencheck"),
    ],
    ids=["after-the-files", "before-the-branch", "after-the-branch"],
)
def test_killed_during_the_fast_forward_the_next_kundencheck_finishes_or_undoes_it(tmp_path, busy, remote, sub, mode):
    """kundencheck killed (SIGKILL) after it updated the files, before or after it moved the
    branch: git respects the lock it left; the next kundencheck undoes the files (the branch did
    not move) or lets the index go with the branch (it moved), and `kundencheck push` then works."""
    import shutil

    another_clone_pushes(tmp_path, remote, **{"theirs.txt": "theirs\n"})
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    before = user_state(busy)
    wrapper = tmp_path / "fault-git"
    wrapper.write_text(WRAPPER.replace("{real}", shutil.which("git")))
    wrapper.chmod(0o755)
    env = {**os.environ, "GIT_PYTHON_GIT_EXECUTABLE": str(wrapper), "FAULT_SUB": sub, "FAULT_MODE": mode}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(busy)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    assert (busy / ".git" / "index.lock").exists()
    attempt = subprocess.run(
        ["git", "commit", "-q", "-m", "the user's commit"], cwd=busy, capture_output=True, text=True, check=False
    )
    assert attempt.returncode != 0 and "index.lock" in attempt.stderr
    with GitStore.open(busy) as store:  # the next kundencheck looks
        store.check_ready()
    no_leftovers(busy)
    after = user_state(busy)
    if mode == "done-then-kill-kundencheck" and sub == "update-ref":  # the branch moved: the index went with it
        assert after["head"] != before["head"]
        assert after["files"] == {**before["files"], "theirs.txt": b"theirs\n"}
        assert after["staged"] == before["staged"] and after["unstaged"] == before["unstaged"]
    else:  # the branch did not move: the files are back as they were
        assert after == before
    result = CliRunner().invoke(main, ["-C", str(busy), "push"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert git(remote, "rev-parse", "main") == git(busy, "rev-parse", "HEAD")
    assert {f"{ANSWERS}/20261201T0900-build-ada-aaaa.toml", "theirs.txt"} <= set(tree_paths(remote, "main"))
    assert user_state(busy)["staged"] == before["staged"]


#: (subcommand, which call of it) for each step of `kundencheck push` bringing the remote's commits in.
BRING_IN_STEPS = [
    ("fetch", 1),
    ("log", 1),
    ("diff-tree", 1),
    ("status", 1),
    ("rev-list", 1),
    ("mktree", 1),
    ("commit-tree", 1),
    ("read-tree", 1),
    ("update-ref", 1),
    ("push", 2),
]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell wrapper")
@pytest.mark.parametrize("mode", ["fail", "hang", "done-then-killed"])
@pytest.mark.parametrize("sub, nth", BRING_IN_STEPS, ids=[f"{s}#{n}" for s, n in BRING_IN_STEPS])
def test_git_misbehaving_at_a_step_of_bringing_the_remotes_commits_in(tmp_path, busy, remote, monkeypatch, sub, nth, mode):
    """git fails, hangs past the time limit, or does its work and is killed, at each step: the
    branch, index and work tree are as before, or fast-forwarded with the user's work kept;
    nothing is left behind; nothing waits past the push time limit; `kundencheck push` then works."""
    import time

    another_clone_pushes(tmp_path, remote, **{"theirs.txt": "theirs\n"})
    commit_run(busy, "20261201T0900-build-ada-aaaa")
    before = user_state(busy)
    wrapper, folder = make_wrapper(tmp_path)
    monkeypatch.setattr(GitStore, "timeout", 2.0)
    monkeypatch.setattr(GitStore, "push_timeout", 6.0)
    for key, value in fault_env(wrapper, sub, nth, mode).items():
        monkeypatch.setenv(key, value)
    started = time.monotonic()
    try:
        outcome = push(busy)
    except PushError as exc:
        outcome = exc.failure
    took = time.monotonic() - started
    for key in ("GIT_PYTHON_GIT_EXECUTABLE", "FAULT_SUB", "FAULT_NTH", "FAULT_MODE"):
        monkeypatch.delenv(key)
    assert (folder / "hit").exists(), "the fault was not reached"
    assert took < 6.0 + 3, f"took {took:.1f} s"
    with GitStore.open(busy) as store:
        store.check_ready()  # the next kundencheck looks
    no_leftovers(busy)
    after = user_state(busy)
    if after["head"] == before["head"]:
        assert after == before
    else:  # fast-forwarded: the remote's file came in, the user's work is as it was
        assert after["files"] == {**before["files"], "theirs.txt": b"theirs\n"}
        assert after["staged"] == before["staged"] and after["unstaged"] == before["unstaged"]
    if isinstance(outcome, PushResult):
        assert (sub, mode) in (("update-ref", "done-then-killed"), ("push", "done-then-killed"))
    assert_hung_git_is_gone(folder)
    result = CliRunner().invoke(main, ["-C", str(busy), "push"], catch_exceptions=False)  # the advice works
    assert result.exit_code == 0, result.output
    assert git(remote, "rev-parse", "main") == git(busy, "rev-parse", "HEAD")
    assert user_state(busy)["staged"] == before["staged"]
