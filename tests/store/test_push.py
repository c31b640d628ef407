"""GitStore.push: real bare remotes; only to an upstream, never creating a remote branch; a team's
answers branch merged and pushed by many clones. Each kind of refusal, with hooks, remotes that
refuse, do not exist or hang: tests/store/test_push_refusals.py; bringing the remote's commits
into the checked-out branch: tests/store/test_push_bring_in.py."""

from __future__ import annotations

import subprocess
import time

import pytest

from kundencheck.push_texts import Committed, failure_text, pushed_text
from kundencheck.store.git_store import GitStore, PushError
from kundencheck.store.push import PushRefusal, PushResult, Unpushable
from tests.support.git import ANSWERS, commit_all, git, tree_paths
from tests.support.paths import PYTHON, python_env
from tests.support.pushing import commit_answers as _commit_answers
from tests.support.pushing import script as _script
from tests.support.pushing import upstream_at as _upstream_at

# ------------------------------------------------------------------------------ success


def test_push_to_a_bare_remote(repo, remote):
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store:
        said = store.push()
    assert said == PushResult("main", "origin", "main")
    assert pushed_text(said) == "Pushed main to origin."
    assert git(remote, "rev-parse", "refs/heads/main") == sha
    assert f"{ANSWERS}/a.toml" in tree_paths(remote, "main")


def test_push_when_nothing_is_new_says_so(repo, remote):
    with GitStore.open(repo) as store:
        said = store.push()
    assert said.up_to_date and "already up to date" in pushed_text(said)


def test_push_goes_to_the_configured_upstream_branch_where_git_push_would(repo, remote):
    git(repo, "push", "-q", "origin", "main:trunk")
    git(repo, "config", "branch.main.merge", "refs/heads/trunk")
    git(repo, "config", "push.default", "upstream")
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store:
        said = store.push()
    assert said == PushResult("main", "origin", "trunk") and pushed_text(said) == "Pushed main to origin (trunk)."
    assert git(remote, "rev-parse", "refs/heads/trunk") == sha


def test_a_feature_branch_following_main_is_not_pushed_into_main(repo, remote):
    """`git switch -c feature origin/main` makes origin/main the new branch's upstream. A plain
    `git push` (push.default simple, git's default) refuses to push it there, because the
    names differ; kundencheck pushed it, and so put the private work on it into the team's
    main. Now it pushes only where `git push` would: nowhere with simple and nothing, to the
    upstream with upstream, to a branch of the same name with current."""
    main_before = git(remote, "rev-parse", "main")
    git(repo, "switch", "-q", "-c", "feature", "origin/main")
    assert git(repo, "config", "branch.feature.merge") == "refs/heads/main"
    commit_all(repo, "private work", **{"secret.txt": "not for main\n"})
    sha = _commit_answers(repo)
    for mode in (None, "simple", "nothing"):
        if mode:
            git(repo, "config", "push.default", mode)
        with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
            store.push()
        failure = caught.value.failure
        assert (failure.why, failure.push_default, failure.upstream, failure.upstream_remote) == (
            Unpushable.PUSH_DEFAULT,
            mode or "simple",
            "main",
            "origin",
        )
        said = failure_text(failure, committed=True)
        assert said.startswith(
            "The answers were committed but not pushed: a plain `git push` would not push feature "
            f"here (push.default is {mode or 'simple'}, and the branch's upstream is main on origin)"
        )
        assert "`git push origin feature:BRANCH`" in said
        assert "`git config push.default upstream`" in said
        assert git(remote, "rev-parse", "main") == main_before
    git(repo, "config", "push.default", "current")
    git(repo, "push", "-q", "origin", "origin/main:refs/heads/feature")  # a feature branch there to push to
    with GitStore.open(repo) as store:
        assert store.push() == PushResult("feature", "origin", "feature")
    assert git(remote, "rev-parse", "feature") == sha and git(remote, "rev-parse", "main") == main_before
    git(repo, "config", "push.default", "upstream")  # the user says: to the upstream, whatever its name
    with GitStore.open(repo) as store:
        said = store.push()
    assert said == PushResult("feature", "origin", "main") and pushed_text(said) == "Pushed feature to origin (main)."
    assert git(remote, "rev-parse", "main") == sha


def test_an_upstream_branch_the_remote_does_not_have_is_not_created(repo, remote):
    git(repo, "config", "branch.main.merge", "refs/heads/trunk")  # trunk is not on the remote
    git(repo, "config", "push.default", "upstream")
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    failure = caught.value.failure
    assert (failure.why, failure.remote, failure.target) == (Unpushable.NO_REMOTE_BRANCH, "origin", "trunk")
    said = failure_text(failure)
    assert said.startswith("Not pushed: origin has no branch trunk as far as this clone knows")
    assert "never creates a branch" in said and "`git push origin main:trunk`" in said
    assert git(remote, "for-each-ref", "--format=%(refname)") == "refs/heads/main"


@pytest.mark.parametrize("where", ["branch.main.remote", "branch.main.pushRemote", "remote.pushDefault"])
def test_a_remote_given_as_a_url_gets_no_branch_it_does_not_have(repo, remote, tmp_path, where):
    """git lets a URL stand where a remote's name goes; no remote-tracking branch then says
    what that remote has, so kundencheck asks it (`git ls-remote`) before pushing: a branch it
    lacks is never created there, one it has is pushed to."""
    other = tmp_path / "other.git"
    git(tmp_path, "init", "-q", "--bare", str(other))
    git(repo, "config", where, f"file://{other}")
    if where == "branch.main.remote":  # an upstream of another name, which push.default upstream pushes to
        git(repo, "config", "branch.main.merge", "refs/heads/trunk")
        git(repo, "config", "push.default", "upstream")
    target = "trunk" if where == "branch.main.remote" else "main"
    sha = _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    failure = caught.value.failure
    assert (failure.why, failure.remote, failure.target) == (Unpushable.URL_LACKS_BRANCH, f"file://{other}", target)
    said = failure_text(failure)
    assert f"has no branch {target}" in said and "never creates a branch" in said
    assert git(other, "for-each-ref", "--format=%(refname)") == ""
    git(repo, "push", "-q", f"file://{other}", f"{sha}~1:refs/heads/{target}")  # now it has one
    with GitStore.open(repo) as store:
        store.push()
    assert git(other, "rev-parse", f"refs/heads/{target}") == sha


@pytest.mark.parametrize("kind", ["nothing there", "pushes only"])
def test_a_url_remote_that_cannot_be_asked_gets_nothing(repo, remote, tmp_path, kind):
    """A URL remote that does not answer `git ls-remote` gets no push, not even one that would
    go through and create the branch: "pushes only" lets pushes in but no reads (git's ext::
    transport runs receive-pack, never upload-pack). It is refused as a push to it would be,
    and the advice is to try kundencheck push again, never a `git push` that could create the
    branch."""
    other = tmp_path / "other.git"
    if kind == "nothing there":
        url = f"file://{tmp_path / 'gone.git'}"
    else:
        git(tmp_path, "init", "-q", "--bare", str(other))
        git(repo, "config", "protocol.ext.allow", "always")
        url = f"ext::sh -c test% %s% =% receive-pack% &&% exec% git-%s% {other}"
    git(repo, "config", "remote.pushDefault", url)
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    failure = caught.value.failure
    assert (failure.refusal, failure.remote, failure.target) == (PushRefusal.UNREACHABLE, url, "main")
    said = failure_text(failure)
    assert f"{url} could not be reached" in said and "`kundencheck push`" in said and "git push" not in said
    if kind == "nothing there":
        assert "does not appear to be a git repository" in said
    else:
        assert git(other, "for-each-ref", "--format=%(refname)") == ""


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
    failure = caught.value.failure
    assert failure.why is (Unpushable.NO_UPSTREAM_REMOTE_HAS_IT if remote_has_it else Unpushable.NO_UPSTREAM)
    assert failure.remote == "origin"
    message = failure_text(failure)
    assert message.startswith("Not pushed: your branch private has no upstream")
    assert git(remote, "for-each-ref", "--format=%(refname) %(objectname)") == refs  # nothing pushed
    command = message.split("`")[1]
    if remote_has_it:
        assert command == "git branch --set-upstream-to=origin/private private"
    else:
        assert command == "git push -u origin private"
    subprocess.run(command.split(), cwd=repo, check=True, capture_output=True)
    if remote_has_it:
        with GitStore.open(repo) as store:
            assert store.push() == PushResult("private", "origin", "private")
    assert git(remote, "rev-parse", "private") == git(repo, "rev-parse", "private")


def test_push_a_dedicated_branch_leaves_the_checked_out_one_alone(repo, remote):
    main_before = git(remote, "rev-parse", "refs/heads/main")
    commit_all(repo, "local work, not to be pushed", **{"work.txt": "mine\n"})
    _commit_answers(repo, ref="refs/heads/kundencheck")
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push(ref="kundencheck")  # the remote does not have it: never created implicitly
    failure = caught.value.failure
    assert (failure.why, failure.branch, failure.dedicated) == (Unpushable.NO_UPSTREAM, "kundencheck", True)
    assert "`git push -u origin kundencheck`" in failure_text(failure)
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    sha = _commit_answers(repo, "b", ref="refs/heads/kundencheck")
    with GitStore.open(repo) as store:
        assert store.push(ref="kundencheck") == PushResult("kundencheck", "origin", "kundencheck")
    assert git(remote, "rev-parse", "refs/heads/kundencheck") == sha
    assert git(remote, "rev-parse", "refs/heads/main") == main_before
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"


# ------------------------------------------------------------------------------ failures keep the commit


def test_no_remote_at_all(repo):
    _commit_answers(repo)
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push()
    failure = caught.value.failure
    assert (failure.refusal, failure.why, failure.branch, failure.path) == (
        PushRefusal.NOT_PUSHABLE,
        Unpushable.NO_REMOTE,
        "main",
        str(repo),
    )
    assert failure_text(failure, committed=True) == (
        f"The answers were committed but not pushed: {repo} has no remote (`git remote -v` lists none). Add the "
        "team's with `git remote add origin URL`, then push with `git push -u origin main`."
    )
    assert failure_text(failure).startswith(f"Not pushed: {repo} has no remote")


@pytest.mark.parametrize("case", ["a tag", "an option", "no commits yet", "no such remote", "a remote like an option"])
def test_what_is_not_pushed_is_said_as_data_and_in_words(repo, remote, case):
    """Nothing is tried where there is nothing to push to: the refusal says why as data
    (``why`` and the names it needs), and push_texts says it, with the command that helps, to
    fit what was just committed (nothing, a run's answers, the project's setup)."""
    ref, branch, fields, words = None, "main", {}, ""
    if case == "a tag":
        git(repo, "tag", "v1")
        ref, branch, why = "refs/tags/v1", "refs/tags/v1", Unpushable.NOT_A_BRANCH
        words = "'refs/tags/v1' is not a branch kundencheck can push."
    elif case == "an option":
        ref, branch, why = "refs/heads/--force", "refs/heads/--force", Unpushable.NOT_A_BRANCH
        words = "'refs/heads/--force' is not a branch kundencheck can push."
    elif case == "no commits yet":
        ref, branch, why, fields = "kundencheck", "kundencheck", Unpushable.NO_COMMITS, {"path": str(repo)}
        words = f"there is no branch kundencheck in {repo} yet, so there is nothing to push."
    elif case == "no such remote":
        git(repo, "config", "branch.main.pushRemote", "upstream")
        why, fields = Unpushable.NO_SUCH_REMOTE, {"remote": "upstream", "remotes": ("origin",)}
        words = (
            "there is no remote named 'upstream' (the remotes here: origin). Push with `git push REMOTE main`, "
            "or set the upstream once with `git push -u REMOTE main`."
        )
    else:
        git(repo, "config", "branch.main.pushRemote", "--receive-pack=x:y")  # a URL to git, an option to its push
        why, fields = Unpushable.REMOTE_LIKE_AN_OPTION, {"remote": "--receive-pack=x:y"}
        words = "'--receive-pack=x:y' is not a remote kundencheck pushes to."
    refs = git(remote, "for-each-ref")
    with GitStore.open(repo) as store, pytest.raises(PushError) as caught:
        store.push(ref=ref)
    failure = caught.value.failure
    assert (failure.refusal, failure.why, failure.branch) == (PushRefusal.NOT_PUSHABLE, why, branch)
    assert {key: getattr(failure, key) for key in fields} == fields
    assert failure_text(failure) == "Not pushed: " + words
    assert failure_text(failure, committed=True) == "The answers were committed but not pushed: " + words
    assert failure_text(failure, committed=Committed.SETUP) == "The project's setup was committed but not pushed: " + words
    assert git(remote, "for-each-ref") == refs


def test_detached_head_has_nothing_to_push(repo, remote):
    git(repo, "switch", "-q", "--detach")
    with GitStore.open(repo, allow_detached=True) as store, pytest.raises(PushError) as caught:
        store.push()
    failure = caught.value.failure
    assert (failure.why, failure.path) == (Unpushable.DETACHED, str(repo))
    assert failure_text(failure) == (
        f"Not pushed: HEAD is detached (not on a branch) in {repo}, so there is no "
        "branch to push. Push by hand with `git push REMOTE HEAD:BRANCH`."
    )


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
        said = store.push(ref="kundencheck")
    assert said == PushResult("kundencheck", "origin", "kundencheck", merged=True)
    assert pushed_text(said) == "Merged in the runs other clones had pushed to origin. Pushed kundencheck to origin."
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
        assert pushed_text(store.push(ref="kundencheck")) == "Pushed kundencheck to origin."
    assert git(remote, "rev-parse", "kundencheck") == second


_RACE_SCRIPT = """
import os, sys, time
from kundencheck.push_texts import failure_text, pushed_text
from kundencheck.store.git_store import GitStore, PushError
clone, name, go = sys.argv[1:4]
with GitStore.open(clone) as store:
    store.commit_file(f".kundencheck/answers/2026/{name}.toml", b"x = 1\\n", f"kundencheck: {name}\\n",
                      ref="refs/heads/kundencheck")
    while not os.path.exists(go):  # all start pushing at once
        time.sleep(0.005)
    try:
        print(pushed_text(store.push(ref="kundencheck")))
    except PushError as exc:
        print("FAILED:", failure_text(exc.failure))
        sys.exit(1)
"""


def test_six_clones_pushing_the_answers_branch_at_once_all_get_through(tmp_path, repo, remote):
    """Six clones commit to the team's answers branch and push at the same moment: each one
    whose push is refused fetches, merges (plumbing) and pushes again, with backoff, within
    the push time limit; all six runs end up on the remote."""

    _commit_answers(repo, "first", ref="refs/heads/kundencheck")
    git(repo, "push", "-q", "-u", "origin", "kundencheck")
    clones = []
    for i in range(6):
        clone = tmp_path / f"clone{i}"
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        clones.append(clone)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [PYTHON, "-c", _RACE_SCRIPT, str(clone), f"person{i}", str(go)],
            env=python_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, clone in enumerate(clones)
    ]
    time.sleep(1.0)
    go.write_text("")
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
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
    with GitStore.open(repo) as store:
        store.push_timeout = 0.0  # no time for a second round
        with pytest.raises(PushError) as caught:
            store.push(ref="kundencheck")
    assert caught.value.failure.refusal is PushRefusal.TIMEOUT
    assert "Try again with `kundencheck push`." in failure_text(caught.value.failure, committed=True)
    (repo / ".kundencheck").mkdir(exist_ok=True)
    (repo / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    result = CliRunner().invoke(main, ["-C", str(repo), "push"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Pushed kundencheck to origin." in result.stdout
    assert {f"{ANSWERS}/ours.toml", f"{ANSWERS}/theirs.toml"} <= set(tree_paths(remote, "kundencheck"))
