"""A fault at every step of the commit protocol, as git's own test suite injects them.

git is replaced (``GIT_PYTHON_GIT_EXECUTABLE``, which the store honours) by a wrapper that
misbehaves on the Nth call of one subcommand: it fails (non-zero exit), hangs past the store's
time limit, is killed before doing anything, does its work and is killed before saying so, or
kills kundencheck itself (SIGKILL) before or after doing its work. The steps: the read of the
target tree, hash-object, the commit-msg hook, the tree reads, mktree, commit-tree, the
work-tree conversion, the index write, update-ref, the read-back and the push (with the fetch,
merge and second push of a team's answers branch).

After each, the invariants of docs/security.md ("The commit protocol"): the user's branch,
index (entries and staged content) and work tree are as before or hold exactly one new answers
commit; the answers are committed or kept as a draft (and a refusal names that draft); no lock,
journal or temporary file is left once the next kundencheck has looked (a killed one leaves a
lock that git itself respects until then); nothing else changed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers as answers_mod
from kundencheck.core import answers_file
from kundencheck.core.errors import KundencheckError
from kundencheck.push_texts import failure_text
from kundencheck.session import RunSession, open_project
from kundencheck.store.git_store import GitStore
from kundencheck.store.push import PushRefusal
from tests.support.faults import assert_hung_git_is_gone, fault_env, make_wrapper
from tests.support.git import git

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell wrapper and signals")

ANSWERS = (
    ("client-contacted", "green"),
    ("team-mood", 4),
    ("own-design", "no"),
    ("expectations-match", "green"),
    ("self-critical", "Fault-tolerant"),
)

#: (subcommand, which call of it) for each step, in the order the protocol runs them.
HEAD_STEPS = [
    ("ls-tree", 1),
    ("hash-object", 1),
    ("hook", 1),
    ("cat-file", 1),
    ("mktree", 1),
    ("commit-tree", 1),
    ("cat-file", 2),
    ("hash-object", 2),
    ("update-index", 1),
    ("update-ref", 1),
    ("cat-file", 3),
]
BRANCH_STEPS = [
    ("ls-tree", 1),
    ("hash-object", 1),
    ("hook", 1),
    ("cat-file", 1),
    ("mktree", 1),
    ("commit-tree", 1),
    ("update-ref", 1),
    ("cat-file", 2),
]
IN_PROCESS = ["fail", "hang", "killed", "done-then-killed"]
KILLING = ["kill-kundencheck", "done-then-kill-kundencheck"]
TIMEOUT = 2.0

CHILD = f"""
import sys
from kundencheck.core.errors import KundencheckError
from kundencheck.store.git_store import GitStore
GitStore.timeout = GitStore.push_timeout = float(sys.argv[2])
from kundencheck.session import RunSession, open_project
project = open_project(sys.argv[1])
session = RunSession.start(project, "build", push=sys.argv[3] == "push")
for item, value in {ANSWERS!r}:
    session.set_value(item, value)
print("RUN", session.run.id, flush=True)
try:
    result = session.commit()
    if session.wants_push():
        result = session.push()
    print("COMMITTED", result.sha, result.push_failure and result.push_failure.refusal, flush=True)
except KundencheckError as exc:
    print("REFUSED", exc.draft_id, flush=True)
"""


# ---------------------------------------------------------------------- the repository and its state


@pytest.fixture
def busy_repo(project_repo: Path) -> Path:
    """The project with a user in the middle of their work: a staged, an unstaged and an
    untracked change, and a staged file that is new."""
    (project_repo / "README.md").write_text("# Client project\n\nstaged\n")
    git(project_repo, "add", "README.md")
    (project_repo / "README.md").write_text("# Client project\n\nstaged\nunstaged\n")
    (project_repo / "new.txt").write_text("new and staged\n")
    git(project_repo, "add", "new.txt")
    (project_repo / "scratch.txt").write_text("untracked\n")
    return project_repo


def worktree_files(repo: Path) -> dict[str, bytes]:
    files = {}
    for path in repo.rglob("*"):
        relative = path.relative_to(repo)
        if relative.parts[0] == ".git" or path.is_dir():
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def snapshot(repo: Path) -> dict:
    return {
        "head": git(repo, "rev-parse", "HEAD").strip(),
        "branch": git(repo, "symbolic-ref", "HEAD").strip(),
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "index": git(repo, "ls-files", "--stage").splitlines(),
        "staged": git(repo, "diff", "--cached", "--binary"),
        "files": worktree_files(repo),
    }


def next_kundencheck_looks(repo: Path) -> None:
    """What the next kundencheck run does first: finish or undo a commit left half-done by a
    killed one, sweep its files. Before that, git itself respects the lock it left."""
    if (repo / ".git" / "index.lock").exists():
        attempt = subprocess.run(
            ["git", "commit", "-q", "-m", "the user's commit"], cwd=repo, capture_output=True, text=True, check=False
        )
        assert attempt.returncode != 0 and "index.lock" in attempt.stderr
    with GitStore.open(repo) as store:
        store.check_ready()


def assert_invariants(repo: Path, before: dict, run_id: str, *, team_branch: str | None = None) -> str:
    """The invariants after a fault; returns "committed" or "draft"."""
    after = snapshot(repo)
    git_dir = repo / ".git"
    stray = [
        p.name
        for p in [
            git_dir / "index.lock",
            git_dir / "index.kundencheck",
            git_dir / "index.kundencheck.lock",
            git_dir / "kundencheck" / "commit.journal",
            *git_dir.glob("KUNDENCHECK_MSG.*"),
        ]
        if p.exists()
    ]
    stray += [name for name in after["files"] if name.endswith(".tmp")]
    assert not stray, f"left behind: {stray}"
    assert after["branch"] == before["branch"]
    draft = git_dir / "kundencheck" / "drafts" / f"{run_id}.toml"
    target = f"refs/heads/{team_branch}" if team_branch else before["branch"]
    old = next((line.split()[1] for line in before["refs"].splitlines() if line.split()[0] == target), None)
    new = next((line.split()[1] for line in after["refs"].splitlines() if line.split()[0] == target), None)

    # Other refs stay; a push moves the remote-tracking branch of the target, to the commit.
    def other_refs(refs):
        return [line for line in refs.splitlines() if line.split()[0] != target and not line.startswith("refs/remotes/")]

    assert other_refs(after["refs"]) == other_refs(before["refs"])
    if new == old:
        outcome = "draft"
        assert after["index"] == before["index"]
        assert after["staged"] == before["staged"]
        assert after["files"] == before["files"]
        assert answers_file.loads(draft.read_bytes()).answer("self-critical").value == "Fault-tolerant"
    else:
        outcome = "committed"
        parents = git(repo, "rev-list", "--parents", "-n", "1", new).split()
        assert parents[1:] == ([old] if old else []), "not exactly one commit on top"
        added = git(repo, "diff", "--name-status", old or "4b825dc642cb6eb9a060e54bf8d69288fbee4904", new).strip()
        path = f"{answers_mod.ANSWERS_DIR}/"
        assert added.startswith("A\t" + path) and added.endswith(f"/{run_id}.toml") and "\n" not in added, added
        relpath = added.split("\t")[1]
        committed = subprocess.run(["git", "show", f"{new}:{relpath}"], cwd=repo, capture_output=True, check=True).stdout
        assert answers_file.loads(committed).answer("self-critical").value == "Fault-tolerant"
        if team_branch:
            assert after["index"] == before["index"] and after["files"] == before["files"]
        else:
            entry = git(repo, "ls-files", "--stage", "--", relpath).strip()
            assert sorted(after["index"]) == sorted([*before["index"], entry])
            assert entry.split()[1] == git(repo, "rev-parse", f"{new}:{relpath}").strip()
            assert after["files"] == {**before["files"], relpath: committed}
            assert git(repo, "diff", "--cached", "--binary", "--", ".", f":!{relpath}") == before["staged"]
            assert git(repo, "diff", "--cached", "--name-only", "--", relpath) == ""
    git(repo, "fsck", "--no-dangling", "--no-progress")
    return outcome


# ---------------------------------------------------------------------- git failing in kundencheck's process


def _commit_in_process(repo: Path, monkeypatch, env: dict[str, str], *, push: bool = False):
    """A run answered and committed (and pushed) through a RunSession, as the CLI does, with
    the faulty git: (run id, the result or the error)."""
    monkeypatch.setattr(GitStore, "timeout", TIMEOUT)
    monkeypatch.setattr(GitStore, "push_timeout", TIMEOUT)
    for name, setting in env.items():
        monkeypatch.setenv(name, setting)
    project = open_project(repo)
    session = RunSession.start(project, "build", push=push)
    for item, value in ANSWERS:
        session.set_value(item, value)
    outcome: object
    try:
        outcome = session.commit()
        if session.wants_push():
            outcome = session.push()
    except KundencheckError as exc:
        outcome = exc
    finally:
        session.release()
        project.close()
        for key in env:
            monkeypatch.delenv(key)
    return session.run.id, outcome


@pytest.mark.parametrize("mode", IN_PROCESS)
@pytest.mark.parametrize("sub, nth", HEAD_STEPS, ids=[f"{s}#{n}" for s, n in HEAD_STEPS])
def test_git_misbehaving_at_a_step_of_a_commit_onto_the_checked_out_branch(busy_repo, tmp_path, monkeypatch, sub, nth, mode):
    wrapper, folder = make_wrapper(tmp_path)
    before = snapshot(busy_repo)
    started = time.monotonic()
    run_id, outcome = _commit_in_process(busy_repo, monkeypatch, fault_env(wrapper, sub, nth, mode))
    assert (folder / "hit").exists(), "the fault was not reached"
    assert time.monotonic() - started < TIMEOUT * 4 + 10
    next_kundencheck_looks(busy_repo)
    result = assert_invariants(busy_repo, before, run_id)
    if result == "draft":  # a refusal, naming the draft it really kept
        assert isinstance(outcome, KundencheckError) and outcome.draft_id == run_id, outcome
    else:
        assert not isinstance(outcome, KundencheckError), outcome
        # git moved the branch, then died: that counts; the check whether the work-tree file
        # cleans back to the blob only decides whether its stat data is recorded.
        assert (sub, mode) == ("update-ref", "done-then-killed") or (sub, nth) == ("hash-object", 2)
    assert_hung_git_is_gone(folder)


@pytest.mark.parametrize("mode", ["fail", "hang", "done-then-killed"])
@pytest.mark.parametrize("sub, nth", BRANCH_STEPS, ids=[f"{s}#{n}" for s, n in BRANCH_STEPS])
def test_git_misbehaving_at_a_step_of_a_commit_onto_a_team_branch(busy_repo, tmp_path, monkeypatch, sub, nth, mode):
    (busy_repo / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    git(busy_repo, "branch", "kundencheck")
    wrapper, folder = make_wrapper(tmp_path)
    before = snapshot(busy_repo)
    run_id, outcome = _commit_in_process(busy_repo, monkeypatch, fault_env(wrapper, sub, nth, mode))
    assert (folder / "hit").exists(), "the fault was not reached"
    next_kundencheck_looks(busy_repo)
    result = assert_invariants(busy_repo, before, run_id, team_branch="kundencheck")
    if result == "draft":
        assert isinstance(outcome, KundencheckError) and outcome.draft_id == run_id, outcome
    assert_hung_git_is_gone(folder)


# ---------------------------------------------------------------------- kundencheck itself killed


def _commit_in_child(repo: Path, env: dict[str, str], *, push: bool = False) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(repo), str(TIMEOUT), "push" if push else "no"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stdout


@pytest.mark.parametrize("mode", KILLING)
@pytest.mark.parametrize("sub, nth", HEAD_STEPS, ids=[f"{s}#{n}" for s, n in HEAD_STEPS])
def test_kundencheck_killed_at_a_step_of_a_commit(busy_repo, tmp_path, sub, nth, mode):
    wrapper, _folder = make_wrapper(tmp_path)
    before = snapshot(busy_repo)
    status, out = _commit_in_child(busy_repo, fault_env(wrapper, sub, nth, mode))
    assert status == -signal.SIGKILL, out
    run_id = out.split()[1]
    next_kundencheck_looks(busy_repo)
    outcome = assert_invariants(busy_repo, before, run_id)
    # Once the branch has moved, the next kundencheck finishes the commit (the index in the
    # lock goes with it); before, it undoes what was begun.
    moved = (sub, nth) == ("cat-file", 3) or ((sub, nth) == ("update-ref", 1) and mode.startswith("done"))
    assert outcome == ("committed" if moved else "draft")


@pytest.mark.parametrize("mode", KILLING)
@pytest.mark.parametrize(
    "sub, nth", [("commit-tree", 1), ("update-ref", 1), ("cat-file", 2)], ids=["commit-tree", "update-ref", "read-back"]
)
def test_kundencheck_killed_at_a_step_of_a_commit_onto_a_team_branch(busy_repo, tmp_path, sub, nth, mode):
    (busy_repo / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    git(busy_repo, "branch", "kundencheck")
    wrapper, _folder = make_wrapper(tmp_path)
    before = snapshot(busy_repo)
    status, out = _commit_in_child(busy_repo, fault_env(wrapper, sub, nth, mode))
    assert status == -signal.SIGKILL, out
    next_kundencheck_looks(busy_repo)
    outcome = assert_invariants(busy_repo, before, out.split()[1], team_branch="kundencheck")
    moved = sub == "cat-file" or (sub == "update-ref" and mode.startswith("done"))
    assert outcome == ("committed" if moved else "draft")


# ---------------------------------------------------------------------- the push


@pytest.fixture
def shared(busy_repo: Path, tmp_path: Path) -> Path:
    """A bare remote of the project, main pushed and set as upstream."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(busy_repo, "remote", "add", "origin", str(remote))
    git(busy_repo, "push", "-q", "-u", "origin", "main")
    return remote


@pytest.mark.parametrize("mode", [*IN_PROCESS, *KILLING])
def test_a_push_that_fails_hangs_or_is_killed_keeps_the_commit_and_says_what_works(
    busy_repo, shared, tmp_path, monkeypatch, mode
):
    wrapper, folder = make_wrapper(tmp_path)
    before = snapshot(busy_repo)
    remote_before = git(shared, "rev-parse", "main").strip()
    env = fault_env(wrapper, "push", 1, mode)
    if mode in KILLING:
        status, out = _commit_in_child(busy_repo, env, push=True)
        assert status == -signal.SIGKILL, out
        run_id, result = out.split()[1], None
    else:
        run_id, result = _commit_in_process(busy_repo, monkeypatch, env, push=True)
        assert not isinstance(result, KundencheckError), result
    assert (folder / "hit").exists()
    next_kundencheck_looks(busy_repo)
    assert assert_invariants(busy_repo, before, run_id) == "committed"  # a push never undoes the commit
    head = git(busy_repo, "rev-parse", "HEAD").strip()
    assert git(shared, "rev-parse", "main").strip() in (remote_before, head)
    if result is not None and mode != "done-then-killed":
        assert result.pushed is None
        assert result.push_failure.refusal is (PushRefusal.TIMEOUT if mode == "hang" else PushRefusal.FAILED)
        assert "Try again with `kundencheck push`." in failure_text(result.push_failure, committed=True)
    assert_hung_git_is_gone(folder)
    advice = CliRunner().invoke(main, ["-C", str(busy_repo), "push"], catch_exceptions=False)  # the advice works
    assert advice.exit_code == 0, advice.output
    assert git(shared, "rev-parse", "main").strip() == head


TEAM_PUSH_STEPS = [("push", 1), ("fetch", 1), ("merge-tree", 1), ("commit-tree", 2), ("update-ref", 2), ("push", 2)]


@pytest.mark.parametrize("mode", ["fail", "hang", "done-then-killed", "kill-kundencheck"])
@pytest.mark.parametrize("sub, nth", TEAM_PUSH_STEPS, ids=[f"{s}#{n}" for s, n in TEAM_PUSH_STEPS])
def test_a_team_branch_push_racing_another_clone_with_a_fault_at_each_step(
    busy_repo, shared, tmp_path, monkeypatch, sub, nth, mode
):
    """Another clone pushed to the answers branch first: kundencheck fetches, merges and pushes
    again, and a fault at any of those steps keeps the commit, leaves the branch at the
    commit or a merge holding it, and `kundencheck push` (the advice) finishes the job."""
    config = '[storage]\nbranch = "kundencheck"\n'
    (busy_repo / ".kundencheck" / "config.toml").write_text(config)
    git(busy_repo, "branch", "kundencheck", "main")
    git(busy_repo, "push", "-q", "-u", "origin", "kundencheck")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(shared), str(other))
    (other / ".kundencheck" / "config.toml").write_text(config)
    with GitStore.open(other) as store:
        store.commit_file(
            f"{answers_mod.ANSWERS_DIR}/2026/theirs.toml", b"schema = 1\n", "kundencheck: theirs", ref="refs/heads/kundencheck"
        )
        store.push(ref="kundencheck")
    theirs = git(shared, "rev-parse", "kundencheck").strip()
    wrapper, folder = make_wrapper(tmp_path)
    env = fault_env(wrapper, sub, nth, mode)
    if mode in KILLING:
        status, out = _commit_in_child(busy_repo, env, push=True)
        assert status == -signal.SIGKILL, out
        run_id = out.split()[1]
    else:
        run_id, result = _commit_in_process(busy_repo, monkeypatch, env, push=True)
        assert not isinstance(result, KundencheckError), result
        if result.push_failure:
            assert "`kundencheck push`" in failure_text(result.push_failure, committed=True)
    assert (folder / "hit").exists(), "the fault was not reached"
    next_kundencheck_looks(busy_repo)
    ours = [line.split("\t")[1] for line in git(busy_repo, "ls-tree", "-r", "kundencheck").splitlines() if run_id in line]
    assert len(ours) == 1, "our run is on the answers branch, once"
    stray = [p.name for p in (busy_repo / ".git").glob("KUNDENCHECK_MSG.*")] + [
        p.name for p in (busy_repo / ".git").glob("index.*")
    ]
    assert not stray
    result = CliRunner().invoke(main, ["-C", str(busy_repo), "push"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    remote_files = git(shared, "ls-tree", "-r", "--name-only", "kundencheck").splitlines()
    assert ours[0] in remote_files and f"{answers_mod.ANSWERS_DIR}/2026/theirs.toml" in remote_files
    assert subprocess.run(["git", "merge-base", "--is-ancestor", theirs, "kundencheck"], cwd=shared, check=False).returncode == 0
    git(shared, "fsck", "--no-dangling", "--no-progress")
