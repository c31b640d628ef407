"""GitStore.push: real bare remotes, a remote that refuses, one that does not exist and one that
hangs; never a prompt, never longer than the push timeout, the commit always kept."""

from __future__ import annotations

import os
import pathlib
import stat
import subprocess
import time

import pytest

from kundencheck.store.git_store import GitStore, PushError
from tests.store.conftest import ANSWERS, commit_all, git, tree_paths


def _commit_answers(path: pathlib.Path, name: str = "a", *, ref: str | None = None) -> str:
    with GitStore.open(path) as store:
        return store.commit_file(f"{ANSWERS}/{name}.toml", b"x = 1\n", f"kundencheck: {name}\n", ref=ref).sha


@pytest.fixture
def remote(tmp_path: pathlib.Path, repo: pathlib.Path) -> pathlib.Path:
    """A bare remote `origin` of ``repo``, main pushed and set as upstream."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "-u", "origin", "main")
    return bare


def _upstream_at(repo: pathlib.Path, url: str) -> None:
    """``origin`` at ``url``, main's upstream, as a clone of it knows it (without reaching it)."""
    git(repo, "remote", "add", "origin", url)
    git(repo, "config", "branch.main.remote", "origin")
    git(repo, "config", "branch.main.merge", "refs/heads/main")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")


def _script(path: pathlib.Path, body: str) -> pathlib.Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# ------------------------------------------------------------------------------ success


def test_push_to_a_bare_remote(repo, remote):
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store:
        said = store.push()
    assert said == "Pushed main to origin."
    assert git(remote, "rev-parse", "refs/heads/main") == sha
    assert f"{ANSWERS}/a.toml" in tree_paths(remote, "main")


def test_push_when_nothing_is_new_says_so(repo, remote):
    with GitStore.open(repo) as store:
        assert "already up to date" in store.push()


def test_push_goes_to_the_configured_upstream_branch(repo, remote):
    git(repo, "push", "-q", "origin", "main:trunk")
    git(repo, "config", "branch.main.merge", "refs/heads/trunk")
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store:
        assert store.push() == "Pushed main to origin (trunk)."
    assert git(remote, "rev-parse", "refs/heads/trunk") == sha


def test_an_upstream_branch_the_remote_does_not_have_is_not_created(repo, remote):
    git(repo, "config", "branch.main.merge", "refs/heads/trunk")  # trunk is not on the remote
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    assert "origin has no branch trunk" in str(caught.value) and "never creates a branch" in str(caught.value)
    assert "`git push origin main:trunk`" in str(caught.value)
    assert git(remote, "for-each-ref", "--format=%(refname)") == "refs/heads/main"


@pytest.mark.parametrize("remote_has_it", [False, True], ids=["new", "on-the-remote"])
def test_a_branch_without_an_upstream_is_never_pushed(tmp_path, repo, remote, remote_has_it):
    """A private branch (no upstream) holding a secret: no push creates it on the remote, and
    the message's command sets the upstream and works."""
    if remote_has_it:
        git(repo, "push", "-q", "origin", "main:private")
        git(repo, "fetch", "-q", "origin")
    git(repo, "switch", "-q", "-c", "private", "--no-track")
    commit_all(repo, "a secret", **{"secret.txt": "password\n"})
    _commit_answers(repo)
    refs = git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    message = str(caught.value)
    assert "has no upstream" in message
    assert git(remote, "for-each-ref", "--format=%(refname) %(objectname)") == refs  # nothing pushed
    command = message.split("`")[1]
    if remote_has_it:
        assert command == "git branch --set-upstream-to=origin/private private"
    else:
        assert command == "git push -u origin private"
    subprocess.run(command.split(), cwd=repo, check=True, capture_output=True)
    if remote_has_it:
        with GitStore.open(repo) as store:
            assert store.push() == "Pushed private to origin."
    assert git(remote, "rev-parse", "private") == git(repo, "rev-parse", "private")


def test_push_a_dedicated_branch_leaves_the_checked_out_one_alone(repo, remote):
    main_before = git(remote, "rev-parse", "refs/heads/main")
    commit_all(repo, "local work, not to be pushed", **{"work.txt": "mine\n"})
    _commit_answers(repo, ref="refs/heads/kundencheck")
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push(ref="kundencheck")  # the remote does not have it: never created implicitly
    assert "`git push -u origin kundencheck`" in str(caught.value)
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    sha = _commit_answers(repo, "b", ref="refs/heads/kundencheck")
    with GitStore.open(repo) as store:
        assert store.push(ref="kundencheck") == "Pushed kundencheck to origin."
    assert git(remote, "rev-parse", "refs/heads/kundencheck") == sha
    assert git(remote, "rev-parse", "refs/heads/main") == main_before
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"


# ------------------------------------------------------------------------------ failures keep the commit


def test_rejected_push_keeps_the_commit_and_says_how_to_push_later(tmp_path, repo, remote):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    commit_all(other, "someone else's work", **{"theirs.txt": "x\n"})
    git(other, "push", "-q", "origin", "main")
    sha = _commit_answers(repo)  # the clone lacks the remote's new commit

    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    message = str(caught.value)
    assert "has commits that your main does not have yet" in message
    assert "`git pull --rebase origin main`" in message and "`git push origin main`" in message
    assert git(repo, "rev-parse", "HEAD") == sha  # the commit is kept
    assert git(remote, "rev-parse", "main") != sha


def test_remote_path_that_does_not_exist(tmp_path, repo):
    _upstream_at(repo, str(tmp_path / "no-such-remote.git"))
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    message = str(caught.value)
    assert message.startswith("The answers were committed, but pushing main to origin failed:")
    assert "does not appear to be a git repository" in message
    assert message.endswith("push it later with `git push origin main`.")
    assert "\n" not in message
    assert git(repo, "rev-parse", "HEAD") == sha


def test_no_remote_at_all(repo):
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    assert "has no remote" in str(caught.value)
    assert "`git remote add origin URL`" in str(caught.value)


def test_detached_head_has_nothing_to_push(repo, remote):
    git(repo, "switch", "-q", "--detach")
    with GitStore.open(repo, allow_detached=True) as store, pytest.raises(PushError, match="detached"):
        store.push()


# ------------------------------------------------------------------------------ never hangs, never prompts


def test_a_hanging_remote_is_given_up_promptly(tmp_path, repo, monkeypatch):
    # An ssh that never answers (a server that swallows packets, or a prompt nobody sees).
    sleeper = _script(tmp_path / "slow-ssh", "sleep 30\n")
    monkeypatch.setenv("GIT_SSH_COMMAND", str(sleeper))
    _upstream_at(repo, "ssh://example.invalid/x")
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store:
        store.push_timeout = 1.0
        started = time.monotonic()
        with pytest.raises(PushError) as caught:
            store.push()
        took = time.monotonic() - started
    assert took < 10, f"push took {took:.1f} s"
    message = str(caught.value)
    assert "did not finish within 1 seconds" in message
    assert "push it later with `git push origin main`" in message
    assert git(repo, "rev-parse", "HEAD") == sha


def test_ssh_runs_in_batch_mode_without_a_terminal_prompt(tmp_path, repo, monkeypatch):
    # A fake `ssh` on PATH records how git runs it, then fails like an unreachable host.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "ssh.log"
    _script(bin_dir / "ssh", f'echo "args: $*" >> "{log}"\necho "prompt: $GIT_TERMINAL_PROMPT" >> "{log}"\n'
                             f'(: < /dev/tty) 2>/dev/null && echo "tty: yes" >> "{log}" || echo "tty: no" >> "{log}"\n'
                             'echo "ssh: connect to host example.invalid: unreachable" >&2\nexit 255\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    _upstream_at(repo, "ssh://example.invalid/x")
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    recorded = log.read_text()
    assert "BatchMode=yes" in recorded
    assert "prompt: 0" in recorded
    assert "tty: no" in recorded  # its own session: nothing it starts can prompt on the terminal
    assert "unreachable" in str(caught.value)


def test_the_users_own_ssh_command_is_kept(tmp_path, repo):
    log = tmp_path / "mine.log"
    mine = _script(tmp_path / "my-ssh", f'echo "mine: $*" >> "{log}"\nexit 255\n')
    git(repo, "config", "core.sshCommand", str(mine))
    _upstream_at(repo, "ssh://example.invalid/x")
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError):
        store.push()
    assert "mine:" in log.read_text() and "BatchMode" not in log.read_text()


# ------------------------------------------------------------------------------ a team's answers branch


def test_dedicated_branch_pushed_by_two_clones_is_merged_without_conflict(tmp_path, repo, remote):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    theirs = _commit_answers(other, "theirs", ref="refs/heads/kundencheck")
    git(other, "push", "-q", "-u", "origin", "kundencheck")  # made on the remote by hand, once
    ours = _commit_answers(repo, "ours", ref="refs/heads/kundencheck")  # before fetching theirs
    head_before = git(repo, "rev-parse", "HEAD")

    with GitStore.open(repo) as store:
        assert store.push(ref="kundencheck") == "Pushed kundencheck to origin."
    tip = git(remote, "rev-parse", "refs/heads/kundencheck")
    assert git(repo, "rev-parse", "refs/heads/kundencheck") == tip
    assert set(git(remote, "rev-list", "--parents", "-n", "1", tip).split()[1:]) == {ours, theirs}
    assert {f"{ANSWERS}/ours.toml", f"{ANSWERS}/theirs.toml"} <= set(tree_paths(remote, "kundencheck"))
    assert git(repo, "rev-parse", "HEAD") == head_before  # the checked-out branch never moved


def test_a_fresh_clone_builds_on_and_reads_the_teams_answers_branch(tmp_path, repo, remote):
    first = _commit_answers(repo, "first", ref="refs/heads/kundencheck")
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))  # only origin/kundencheck, no local branch

    with GitStore.open(clone) as store:
        assert list(store.list_blobs(rev="kundencheck")) == [f"{ANSWERS}/first.toml"]
        assert [r["sha"] for r in store.log_runs(rev="kundencheck")] == [first]
    second = _commit_answers(clone, "second", ref="refs/heads/kundencheck")
    assert git(clone, "rev-parse", f"{second}^") == first  # joined the team's branch
    assert git(clone, "rev-parse", "--abbrev-ref", "kundencheck@{upstream}") == "origin/kundencheck"
    with GitStore.open(clone) as store:
        assert store.push(ref="kundencheck") == "Pushed kundencheck to origin."
    assert git(remote, "rev-parse", "kundencheck") == second


_RACE_SCRIPT = """
import os, sys, time
from kundencheck.store.git_store import GitStore, PushError
clone, name, go = sys.argv[1:4]
with GitStore.open(clone) as store:
    store.commit_file(f".kundencheck/answers/2026/{name}.toml", b"x = 1\\n", f"kundencheck: {name}\\n",
                      ref="refs/heads/kundencheck")
    while not os.path.exists(go):  # all start pushing at once
        time.sleep(0.005)
    try:
        print(store.push(ref="kundencheck"))
    except PushError as exc:
        print("FAILED:", exc)
        sys.exit(1)
"""


def test_six_clones_pushing_the_answers_branch_at_once_all_get_through(tmp_path, repo, remote):
    """Six clones commit to the team's answers branch and push at the same moment: each one
    whose push is refused fetches, merges (plumbing) and pushes again, with backoff, within
    the push time limit; all six runs end up on the remote."""
    from .conftest import PYTHON, python_env

    _commit_answers(repo, "first", ref="refs/heads/kundencheck")
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    clones = []
    for i in range(6):
        clone = tmp_path / f"clone{i}"
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        clones.append(clone)
    go = tmp_path / "go"
    procs = [subprocess.Popen([PYTHON, "-c", _RACE_SCRIPT, str(clone), f"person{i}", str(go)], env=python_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, clone in enumerate(clones)]
    time.sleep(1.0)
    go.write_text("")
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, out + err
        assert "Pushed kundencheck to origin." in out
    on_remote = tree_paths(remote, "kundencheck")
    assert {f"{ANSWERS}/person{i}.toml" for i in range(6)} | {f"{ANSWERS}/first.toml"} <= set(on_remote)
    git(remote, "fsck", "--no-dangling", "--no-progress")


def test_when_the_answers_branch_cannot_be_pushed_in_time_the_advice_works(tmp_path, repo, remote, monkeypatch):
    """Someone else's push keeps winning until the time is up: the message's command
    (`kundencheck push`) then fetches, merges and pushes."""
    from click.testing import CliRunner

    from kundencheck.cli import main

    _commit_answers(repo, "first", ref="refs/heads/kundencheck")
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    _commit_answers(other, "theirs", ref="refs/heads/kundencheck")
    git(other, "push", "-q", "origin", "kundencheck")
    _commit_answers(repo, "ours", ref="refs/heads/kundencheck")
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push_timeout = 0.0  # no time for a second round
        store.push(ref="kundencheck")
    message = str(caught.value)
    assert "push it later with `kundencheck push`" in message
    (repo / ".kundencheck").mkdir(exist_ok=True)
    (repo / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    result = CliRunner().invoke(main, ["-C", str(repo), "push"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Pushed kundencheck to origin." in result.stdout
    assert {f"{ANSWERS}/ours.toml", f"{ANSWERS}/theirs.toml"} <= set(tree_paths(remote, "kundencheck"))
