"""GitStore against real repositories, one test per situation a team's repository can be in."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import threading
import time

import pytest

from kundencheck.commit_texts import warning_text
from kundencheck.core.errors import StoreError
from kundencheck.store import CommitResult, GitStore, Identity, committing, git_store
from kundencheck.store.committing import Caveat, CommitWarning
from tests.support.git import ANSWERS, commit_all, git, tree_paths, write_hook
from tests.support.paths import PYTHON, python_env

REL = f"{ANSWERS}/sprint-ada-x1.toml"
CONTENT = b'checklist = "sprint"\n[answers]\nq1 = "yes"\n'
MESSAGE = "Answers: sprint review\n\nKundencheck-Run: run-1\n"


def snapshot(repo: pathlib.Path) -> dict[str, str]:
    """Everything of the user's state that a commit of answers must leave alone."""
    return {
        "staged": git(repo, "diff", "--cached", "--binary"),
        "unstaged": git(repo, "diff", "--binary"),
        "status": git(repo, "status", "--porcelain=v1", "--untracked-files=all"),
    }


def assert_refused(repo: pathlib.Path, *needles: str, refused: bool | None = None, **open_kwargs) -> StoreError:
    """commit_file must raise, mention every needle, and change nothing at all: no commit, the
    index, the work tree and the branch exactly as before (no answers file left behind either:
    the caller keeps the answers as a draft). ``refused``: what the error's field must say."""
    head = git(repo, "rev-parse", "-q", "--verify", "HEAD", check=False)
    before = snapshot(repo)
    index = git(repo, "ls-files", "--stage")
    with GitStore.open(repo, **open_kwargs) as store, pytest.raises(StoreError) as info:
        store.commit_file(REL, CONTENT, MESSAGE)
    message = str(info.value)
    for needle in needles:
        assert needle in message
    assert "draft" not in message  # the store keeps no draft; the session says where its draft is
    assert info.value.draft_id is None
    if refused is not None:
        assert info.value.refused is refused
    assert git(repo, "rev-parse", "-q", "--verify", "HEAD", check=False) == head
    assert snapshot(repo) == before
    assert git(repo, "ls-files", "--stage") == index
    assert not (repo / REL).exists()
    assert not (repo / ".git" / "index.lock").exists() or needles == ("index.lock", "never deletes it")
    return info.value


# ---------------------------------------------------------------------- opening


def test_not_a_repository(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(StoreError) as info:
        GitStore.open(folder)
    message = str(info.value)
    assert "not inside a git repository" in message
    assert "`git init`" in message and "kundencheck demo" in message


def test_bare_repository(tmp_path):
    git(tmp_path, "init", "-q", "--bare", "bare.git")
    with pytest.raises(StoreError) as info:
        GitStore.open(tmp_path / "bare.git")
    assert "bare repository" in str(info.value)
    assert "git clone" in str(info.value)


def test_open_finds_the_top_from_a_subfolder_and_a_file(repo):
    sub = repo / "src" / "deep"
    sub.mkdir(parents=True)
    with GitStore.open(sub) as store:
        assert store.root == repo
        assert store.git_dir == repo / ".git"
        assert store.common_dir == repo / ".git"
        assert store.data_dir == repo / ".git" / "kundencheck"
        assert store.is_shallow() is False
    with GitStore.open(repo / "README.md") as store:
        assert store.root == repo


def test_inside_the_git_dir_is_refused(repo):
    with pytest.raises(StoreError) as info:
        GitStore.open(repo / ".git" / "refs")
    assert "not in a work tree" in str(info.value)


def test_missing_git_binary_gives_a_message_not_a_traceback(tmp_path):
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    script = (
        "from kundencheck.store import GitStore\n"
        "from kundencheck.core.errors import StoreError\n"
        "try:\n"
        "    GitStore.open('.')\n"
        "except StoreError as exc:\n"
        "    print('STORE-ERROR:', exc)\n"
    )
    proc = subprocess.run(
        [PYTHON, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False, env=python_env(PATH=str(empty))
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("STORE-ERROR: git was not found")
    assert "2.36 or newer" in proc.stdout


def test_too_old_git_names_both_versions(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "git"
    fake.write_text("#!/bin/sh\necho 'git version 2.20.1'\n")
    fake.chmod(0o755)
    script = (
        "from kundencheck.store import GitStore\n"
        "from kundencheck.core.errors import StoreError\n"
        "try:\n"
        "    GitStore.open('.')\n"
        "except StoreError as exc:\n"
        "    print('STORE-ERROR:', exc)\n"
    )
    proc = subprocess.run(
        [PYTHON, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=python_env(PATH=f"{fake_bin}{os.pathsep}/usr/bin:/bin"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "git 2.20.1 is too old" in proc.stdout and "git 2.36 or newer" in proc.stdout


# ---------------------------------------------------------------------- identity


def test_identity_from_config_and_environment(repo, monkeypatch):
    with GitStore.open(repo) as store:
        assert store.identity() == Identity("Ada Tester", "ada@example.com")
        assert str(store.identity()) == "Ada Tester <ada@example.com>"
        monkeypatch.setenv("GIT_AUTHOR_NAME", "Env Person")
        monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.com")
        assert store.identity() == Identity("Env Person", "env@example.com")


def test_no_identity_configured(repo, isolated_git):
    (isolated_git / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    with GitStore.open(repo) as store:
        with pytest.raises(StoreError) as info:
            store.identity()
        message = str(info.value)
        assert "user.name" in message and "user.email" in message
        assert 'git config --global user.name "Your Name"' in message
        assert 'git config --global user.email "you@example.com"' in message
    assert_refused(repo, 'git config --global user.name "Your Name"', refused=False)


def test_config_and_head_read_ahead_are_taken_once(repo, unborn):
    """start_reading_state runs the reads of identity() and check_ready() in the background
    (the CLI imports the TUI meanwhile): they give what they would have read, each answer is
    taken once (a later call reads git afresh), and close() ends a read never taken."""
    with GitStore.open(repo) as store:
        store.start_reading_state()
        assert store.identity() == Identity("Ada Tester", "ada@example.com")
        assert store.check_ready() == []
        git(repo, "config", "user.name", "Ada Renamed")
        assert store.identity() == Identity("Ada Renamed", "ada@example.com")  # afresh
        git(repo, "checkout", "-q", "--detach")
        with pytest.raises(StoreError, match="HEAD is detached"):
            store.check_ready()  # afresh: the HEAD read ahead was taken by the first call
        store.start_reading_state()
        started = list(store._started.values())
        assert len(started) == 2
    assert all(read._proc.returncode is not None for read in started)  # ended and reaped by close()
    with GitStore.open(unborn) as store:  # an unborn branch: the read ahead fails as git's own would
        store.start_reading_state()
        assert store.check_ready() == []
        assert store.commit_file(REL, CONTENT, MESSAGE).sha == git(unborn, "rev-parse", "HEAD")


def test_a_read_ahead_that_cannot_start_leaves_the_error_to_the_call(repo):
    """Starting git ahead is only a head start: when no process can be started, nothing is
    raised there, and the call itself reports it as a store error (one paragraph, no traceback)."""
    with GitStore.open(repo) as store:
        store._exe = str(repo / "no-such-git")
        store.start_reading_state()
        assert store._started == {}
        with pytest.raises(StoreError, match="running git failed"):
            store.identity()


# ---------------------------------------------------------------------- committing


def test_first_commit_on_an_unborn_branch(unborn):
    with GitStore.open(unborn) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert isinstance(result, CommitResult)
    assert result.branch == "main"
    assert result.subject == "Answers: sprint review"
    assert result.warnings == ()
    assert git(unborn, "rev-parse", "HEAD") == result.sha
    assert git(unborn, "rev-list", "--parents", "-n", "1", "HEAD") == result.sha  # no parent
    assert tree_paths(unborn) == [REL]
    assert git(unborn, "show", f"HEAD:{REL}").encode() + b"\n" == CONTENT
    assert git(unborn, "status", "--porcelain", "--", REL) == ""
    assert git(unborn, "status", "--porcelain") == ""
    assert git(unborn, "log", "-1", "--format=%an <%ae>|%cn|%B") == (
        "Ada Tester <ada@example.com>|Ada Tester|" + MESSAGE.rstrip("\n")
    )
    assert git(unborn, "reflog", "-1", "--format=%gs", "main") == ("commit (initial): Answers: sprint review")


def test_users_staged_unstaged_and_untracked_changes_are_untouched(repo):
    commit_all(repo, "more files", **{"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c1\nc2\n"})
    (repo / "a.txt").write_text("a staged\n")
    git(repo, "add", "a.txt")
    (repo / "b.txt").write_text("b unstaged\n")
    (repo / "c.txt").write_text("c1 staged\nc2\n")  # partly staged, partly not
    git(repo, "add", "c.txt")
    (repo / "c.txt").write_text("c1 staged\nc2 unstaged\n")
    (repo / "new-staged.txt").write_text("new\n")
    git(repo, "add", "new-staged.txt")
    (repo / "untracked.txt").write_text("mine\n")
    old_head = git(repo, "rev-parse", "HEAD")
    before = snapshot(repo)

    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)

    assert snapshot(repo) == before  # staged stays staged, unstaged stays unstaged
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == REL
    assert git(repo, "rev-parse", "HEAD~1") == old_head == git(repo, "rev-parse", f"{result.sha}^")
    assert git(repo, "diff", "--cached", "--name-only").splitlines() == ["a.txt", "c.txt", "new-staged.txt"]
    assert git(repo, "reflog", "-1", "--format=%gs", "HEAD") == "commit: Answers: sprint review"


def test_second_answers_file_keeps_the_first(repo):
    with GitStore.open(repo) as store:
        first = store.commit_file(f"{ANSWERS}/one.toml", b"one\n", "one")
        second = store.commit_file(f"{ANSWERS}/two.toml", b"two\n", "two")
    assert git(repo, "rev-parse", "HEAD~1") == first.sha
    assert git(repo, "rev-parse", "HEAD") == second.sha
    assert tree_paths(repo) == [f"{ANSWERS}/one.toml", f"{ANSWERS}/two.toml", "README.md"]
    assert git(repo, "status", "--porcelain") == ""


def test_several_files_in_one_commit(repo, unborn):
    """commit_files puts several files, in one folder and in others, into one commit, leaving the
    user's staged and unstaged work alone; on an unborn branch too, and onto a team's branch."""
    (repo / "README.md").write_text("# changed, unstaged\n")
    before = snapshot(repo)
    files = {
        ".kundencheck/checklists/build.de.toml": b"build\n",
        ".kundencheck/checklists/kickoff.de.toml": b"kickoff\n",
        ".kundencheck/config.toml": b"x = 1\n",
    }
    with GitStore.open(repo) as store:
        result = store.commit_files(files, "kundencheck: copy\n\nbody\n")
        assert result.subject == "kundencheck: copy"
        # One commit on top of the old HEAD with exactly these files added.
        assert git(repo, "show", "--name-only", "--format=", "HEAD").splitlines() == sorted(files)
        assert git(repo, "rev-list", "--count", "HEAD") == "2"
        for path, content in files.items():
            assert git(repo, "show", f"HEAD:{path}") + "\n" == content.decode()
        assert snapshot(repo) == before  # the README stays unstaged; the new files are in the index
        assert git(repo, "status", "--porcelain", "--", ".kundencheck") == ""
        team = store.commit_files({f"{ANSWERS}/a.toml": b"a\n", f"{ANSWERS}/b.toml": b"b\n"}, "two", ref="refs/heads/team")
        assert git(repo, "show", "--name-only", "--format=", "team").splitlines() == [f"{ANSWERS}/a.toml", f"{ANSWERS}/b.toml"]
        assert git(repo, "rev-parse", "team") == team.sha and not (repo / f"{ANSWERS}/a.toml").exists()
    git(repo, "fsck", "--no-dangling", "--no-progress")
    with GitStore.open(unborn) as store:
        store.commit_files({".kundencheck/a.toml": b"a\n", ".kundencheck/b/c.toml": b"c\n"}, "first")
    assert tree_paths(unborn) == [".kundencheck/a.toml", ".kundencheck/b/c.toml"]


def test_several_files_that_do_not_commit_leave_nothing_behind(repo, monkeypatch):
    """A commit of several files that fails after they were written into the work tree (here:
    they do not read back) is undone: no commit, the index and the work tree as they were, the
    new files and the folders made for them gone."""
    before = snapshot(repo)
    head = git(repo, "rev-parse", "HEAD")
    files = {".kundencheck/checklists/a.toml": b"a\n", ".kundencheck/checklists/b.toml": b"b\n"}

    def fails(self, new, commit):
        assert all((repo / path).read_bytes() == content for path, content in files.items())  # they were written
        raise StoreError("did not read back")

    monkeypatch.setattr(git_store.GitStore, "_read_back", fails)
    with GitStore.open(repo) as store, pytest.raises(StoreError, match="did not read back"):
        store.commit_files(files, "copy")
    assert git(repo, "rev-parse", "HEAD") == head and snapshot(repo) == before
    assert not (repo / ".kundencheck").exists()


def test_odd_neighbours_in_the_tree_survive(repo):
    """Symlinks, executables, submodule entries and odd names next to the answers round-trip."""
    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "tool.sh").write_text("#!/bin/sh\n")
    (repo / ".kundencheck" / "tool.sh").chmod(0o755)
    os.symlink("tool.sh", repo / ".kundencheck" / "link")
    (repo / ".kundencheck" / "tab\tand ünïcode name").write_text("x\n")
    git(repo, "add", ".kundencheck")
    fake_commit = git(repo, "rev-parse", "HEAD")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{fake_commit},.kundencheck/sub")
    git(repo, "commit", "-q", "-m", "neighbours")
    before = git(repo, "ls-tree", "-r", "HEAD", "--", ".kundencheck")
    with GitStore.open(repo) as store:
        store.commit_file(REL, CONTENT, MESSAGE)
    after = git(repo, "ls-tree", "-r", "HEAD", "--", ".kundencheck").splitlines()
    assert [line for line in after if REL not in line] == before.splitlines()
    git(repo, "fsck", "--no-dangling", "--no-progress")


def test_sha256_repository(tmp_path):
    repo = tmp_path / "sha256"
    git(tmp_path, "init", "-q", "--object-format=sha256", str(repo))
    commit_all(repo, "initial", **{"README.md": "hello\n", "docs__a.md": "a\n"})
    with GitStore.open(repo) as store:
        first = store.commit_file(f"{ANSWERS}/one.toml", b"one\n", "one")
        store.commit_file(f"{ANSWERS}/two.toml", b"two\n", "two")
        assert len(first.sha) == 64
        assert set(store.read_files()) == {f"{ANSWERS}/one.toml", f"{ANSWERS}/two.toml"}
    assert git(repo, "status", "--porcelain") == ""
    git(repo, "fsck", "--no-dangling", "--no-progress")


def test_detached_head_refused_unless_allowed(repo):
    git(repo, "checkout", "-q", "--detach")
    assert_refused(repo, "HEAD is detached", "git switch", refused=True)

    main_before = git(repo, "rev-parse", "main")
    with GitStore.open(repo, allow_detached=True) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert result.branch is None
    assert git(repo, "rev-parse", "HEAD") == result.sha
    assert git(repo, "symbolic-ref", "-q", "HEAD", check=False) == ""  # still detached
    assert git(repo, "rev-parse", "main") == main_before
    assert git(repo, "status", "--porcelain") == ""


def _diverge(repo: pathlib.Path) -> None:
    """main and other both change conflict.txt differently."""
    commit_all(repo, "base", **{"conflict.txt": "base\n"})
    git(repo, "branch", "other")
    commit_all(repo, "main side", **{"conflict.txt": "main\n"})
    git(repo, "checkout", "-q", "other")
    commit_all(repo, "other side", **{"conflict.txt": "other\n"})
    commit_all(repo, "other second", **{"second.txt": "2\n"})
    git(repo, "checkout", "-q", "main")


def _start_merge(repo):
    git(repo, "merge", "other", check=False)


def _start_rebase(repo):
    git(repo, "checkout", "-q", "other")
    git(repo, "rebase", "main", check=False)


def _start_cherry_pick(repo):
    git(repo, "cherry-pick", "other~1", check=False)


def _start_revert(repo):
    commit_all(repo, "main again", **{"conflict.txt": "main again\n"})
    git(repo, "revert", "--no-edit", "HEAD~1", check=False)


def _start_bisect(repo):
    git(repo, "bisect", "start")


def _start_sequencer(repo):
    # A multi-commit pick stopped at a conflict, resolved and committed by hand but not
    # continued: CHERRY_PICK_HEAD is gone, the sequencer's todo list is still there.
    git(repo, "cherry-pick", "other~1", "other", check=False)
    (repo / "conflict.txt").write_text("resolved\n")
    git(repo, "add", "conflict.txt")
    git(repo, "commit", "-q", "--no-edit")


@pytest.mark.parametrize(
    "start, marker, needles",
    [
        (_start_merge, "MERGE_HEAD", ("a merge is in progress", "git merge --abort")),
        (_start_rebase, "rebase-merge", ("a rebase is in progress", "git rebase --abort")),
        (_start_cherry_pick, "CHERRY_PICK_HEAD", ("a cherry-pick is in progress", "git cherry-pick --abort")),
        (_start_revert, "REVERT_HEAD", ("a revert is in progress", "git revert --abort")),
        (_start_bisect, "BISECT_LOG", ("a bisect is in progress", "git bisect reset")),
        (_start_sequencer, "sequencer", ("multi-commit cherry-pick or revert", "git cherry-pick --continue")),
    ],
    ids=["merge", "rebase", "cherry-pick", "revert", "bisect", "sequencer"],
)
def test_operation_in_progress_is_refused(repo, start, marker, needles):
    _diverge(repo)
    start(repo)
    assert (repo / ".git" / marker).exists(), f"setup did not leave {marker}"
    assert_refused(repo, *needles, refused=True)


def test_index_lock_refused_and_kept(repo, monkeypatch):
    monkeypatch.setattr(committing, "LOCK_WAIT", 0.1)
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    assert_refused(repo, "index.lock", "never deletes it", refused=True)
    assert lock.exists()


def test_index_lock_held_briefly_is_waited_for(repo):
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    remover = threading.Timer(0.2, lock.unlink)
    remover.start()
    try:
        with GitStore.open(repo) as store:
            store.commit_file(REL, CONTENT, MESSAGE)
    finally:
        remover.join()
    assert tree_paths(repo) == [REL, "README.md"]
    assert git(repo, "status", "--porcelain") == ""


def test_index_locked_meanwhile_is_a_refusal_that_changes_nothing(repo, monkeypatch):
    """Another git takes index.lock after kundencheck's first look (here: while the commit-msg
    hook runs): kundencheck waits for it, then refuses; the lock is not its own, so it stays."""
    monkeypatch.setattr(committing, "LOCK_WAIT", 0.2)
    write_hook(repo, "commit-msg", "touch .git/index.lock\n")
    head = git(repo, "rev-parse", "HEAD")
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert info.value.refused and "index.lock exists" in str(info.value)
    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / ".git" / "index.lock").exists()  # never deleted
    assert not (repo / REL).exists()
    (repo / ".git" / "index.lock").unlink()
    assert git(repo, "status", "--porcelain") == ""


def test_ignored_answers_are_committed_with_a_warning(repo):
    commit_all(repo, "ignore", **{".gitignore": ".kundencheck/\n"})
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert result.warnings == (CommitWarning(Caveat.IGNORED, REL),)  # data: the words are commit_texts'
    assert warning_text(result.warnings[0]).startswith(f"{REL} is ignored by .gitignore; committed anyway.")
    assert REL in tree_paths(repo)
    assert git(repo, "status", "--porcelain", "--ignored") == ""


def test_shallow_clone_works_with_a_warning(tmp_path, repo):
    for i in range(3):
        commit_all(repo, f"c{i}", **{f"f{i}.txt": f"{i}\n"})
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "shallow")
    clone = tmp_path / "shallow"
    with GitStore.open(clone) as store:
        assert store.is_shallow() is True
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert result.warnings == (CommitWarning(Caveat.SHALLOW),)
    assert "shallow clone" in warning_text(result.warnings[0]) and "git fetch --unshallow" in warning_text(result.warnings[0])
    assert git(clone, "rev-list", "--count", "HEAD") == "2"
    assert REL in tree_paths(clone)
    assert git(clone, "status", "--porcelain") == ""


def test_linked_worktree(tmp_path, repo):
    git(repo, "worktree", "add", "-q", "-b", "wt-branch", str(tmp_path / "wt"))
    wt = tmp_path / "wt"
    main_head = git(repo, "rev-parse", "main")
    with GitStore.open(wt) as store, GitStore.open(repo) as main_store:
        assert store.root == wt
        assert store.git_dir == repo / ".git" / "worktrees" / "wt"
        assert store.common_dir == repo / ".git"
        assert store.data_dir == repo / ".git" / "worktrees" / "wt" / "kundencheck"
        assert store.data_dir != main_store.data_dir
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert result.branch == "wt-branch"
    assert git(repo, "rev-parse", "wt-branch") == result.sha
    assert git(repo, "rev-parse", "main") == main_head
    assert git(wt, "status", "--porcelain") == ""
    assert git(repo, "status", "--porcelain") == ""


def test_commit_inside_a_submodule(tmp_path, repo):
    sup = tmp_path / "super"
    git(tmp_path, "init", "-q", str(sup))
    commit_all(sup, "super initial", **{"top.txt": "top\n"})
    git(sup, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(repo), "sub")
    git(sup, "commit", "-q", "-m", "add sub")
    sub = sup / "sub"
    if git(sub, "symbolic-ref", "-q", "HEAD", check=False) == "":
        git(sub, "checkout", "-q", "main")
    with GitStore.open(sub) as store:
        assert store.root == sub
        assert store.git_dir == sup / ".git" / "modules" / "sub"
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert git(sub, "rev-parse", "HEAD") == result.sha
    assert REL in tree_paths(sub)
    assert git(sub, "status", "--porcelain") == ""
    assert REL not in tree_paths(sup)  # the superproject only sees a moved submodule
    assert git(sup, "status", "--porcelain") == " M sub"


def test_index_version_4(repo):
    git(repo, "update-index", "--index-version", "4")
    with GitStore.open(repo) as store:
        store.commit_file(REL, CONTENT, MESSAGE)
    header = (repo / ".git" / "index").read_bytes()[:8]
    assert header == b"DIRC\0\0\0\x04"  # still version 4 (--show-index-version needs git 2.41)
    assert REL in git(repo, "ls-files").splitlines()
    assert git(repo, "status", "--porcelain") == ""


def test_head_moved_during_the_commit_keeps_both(repo):
    # The hook runs between reading HEAD and moving it: it commits behind our back, once.
    write_hook(
        repo,
        "commit-msg",
        (
            "if [ ! -e .git/intruded ]; then\n"
            "  touch .git/intruded\n"
            "  git commit -q --no-verify --allow-empty -m intruder || exit 1\n"
            "fi\n"
        ),
    )
    old = git(repo, "rev-parse", "HEAD")
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert git(repo, "log", "--format=%s", f"{old}..HEAD").splitlines() == ["Answers: sprint review", "intruder"]
    assert git(repo, "rev-parse", "HEAD") == result.sha
    assert git(repo, "rev-parse", "HEAD~2") == old
    assert REL in tree_paths(repo)
    assert git(repo, "status", "--porcelain") == ""


def test_stale_parent_is_retried_not_overwritten(repo, monkeypatch):
    """Drive the compare-and-swap step directly with an OLD that is no longer HEAD's tip."""
    with GitStore.open(repo) as store:
        stale = git(repo, "rev-parse", "HEAD")
        newer = commit_all(repo, "newer", **{"n.txt": "n\n"})
        blob = git(repo, "hash-object", "-w", "--stdin", input=CONTENT)
        msg = repo / ".git" / "test-msg"
        msg.write_text(MESSAGE)
        commit = committing.CommitParts(REL, CONTENT, blob, str(msg), False, "Answers", False, None)
        sha = store._swap_loop(commit, stale, "HEAD")
    assert git(repo, "rev-parse", "HEAD") == sha
    assert git(repo, "rev-parse", "HEAD~1") == newer
    assert sorted(tree_paths(repo)) == sorted(["README.md", "n.txt", REL])


def test_update_ref_refused_for_another_reason_than_a_lock_is_said_at_once(repo):
    """git refusing to move the branch for a reason other than a busy lock (here the
    reference-transaction hook) is said with git's words on the first try, never as the branch
    "kept moving" after retrying; the commit changes nothing."""
    tries = repo / ".git" / "tries"
    write_hook(
        repo,
        "reference-transaction",
        ('if [ "$1" = prepared ]; then echo try >> .git/tries; echo "refs are frozen" >&2; exit 1; fi\n'),
    )
    error = assert_refused(repo, "Could not move", "refs are frozen")
    assert "kept moving" not in str(error)
    assert tries.read_text().splitlines() == ["try"]


def test_read_only_objects_fail_cleanly(repo):
    """Real read-only object store (immutable attribute, so it holds for root too)."""
    objects = repo / ".git" / "objects"
    head = git(repo, "rev-parse", "HEAD")
    if subprocess.run(["chattr", "-R", "+i", str(objects)], capture_output=True, check=False).returncode:
        if os.geteuid() == 0:
            pytest.skip("chattr +i is not supported here, and as root chmod does not stop writes")
        subprocess.run(["chmod", "-R", "a-w", str(objects)], check=True)
    try:
        with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
            store.commit_file(REL, CONTENT, MESSAGE)
    finally:
        subprocess.run(["chattr", "-R", "-i", str(objects)], capture_output=True, check=False)
        subprocess.run(["chmod", "-R", "u+w", str(objects)], check=True)
    message = str(info.value)
    assert "store the answers file in git" in message and "git said:" in message
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / REL).exists()  # the caller keeps the answers (as a draft)
    git(repo, "fsck", "--no-dangling", "--no-progress")


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """Mount a 1 MiB tmpfs (needs root with CAP_SYS_ADMIN); skip where mounting is refused."""
    mounts: list[pathlib.Path] = []

    def mount(point: pathlib.Path) -> pathlib.Path:
        point.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs to fill up: {proc.stderr.strip()}")
        mounts.append(point)
        return point

    yield mount
    for point in reversed(mounts):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def _fill(folder: pathlib.Path) -> None:
    with open(folder / "filler", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    assert shutil.disk_usage(folder).free < 8192


def test_full_disk_in_the_work_tree(tmp_path, tiny_tmpfs):
    # Only the work tree is on the full disk: its git dir (objects, index) is elsewhere.
    repo = tiny_tmpfs(tmp_path / "mnt") / "repo"
    git(tmp_path, "init", "-q", f"--separate-git-dir={tmp_path / 'repo.git'}", str(repo))
    commit_all(repo, "initial", **{"README.md": "hello\n"})
    head = git(repo, "rev-parse", "HEAD")
    _fill(tmp_path / "mnt")
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(REL, CONTENT * 200, MESSAGE)
    assert "the disk is full" in str(info.value)
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / ".kundencheck").exists()  # no file, no temporary file, no folder made for them
    assert git(repo, "status", "--porcelain") == ""


def test_full_disk_in_the_object_store(repo, tmp_path, tiny_tmpfs):
    objects = repo / ".git" / "objects"
    saved = tmp_path / "objects-saved"
    shutil.copytree(objects, saved)
    tiny_tmpfs(objects)
    shutil.copytree(saved, objects, dirs_exist_ok=True)
    head = git(repo, "rev-parse", "HEAD")
    _fill(objects)
    big = os.urandom(256 * 1024)  # incompressible, so the object cannot fit
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(REL, big, MESSAGE)
    assert "git said:" in str(info.value)
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / REL).exists()
    assert git(repo, "status", "--porcelain") == ""


def test_signing_is_requested_and_failure_reported(repo, tmp_path):
    args_file = tmp_path / "gpg-args"
    failing = tmp_path / "failing-gpg"
    failing.write_text(f'#!/bin/sh\necho "$@" > "{args_file}"\necho "no secret key" >&2\nexit 1\n')
    failing.chmod(0o755)
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "gpg.program", str(failing))
    error = assert_refused(repo, "Signing the commit failed", "git config commit.gpgsign false")
    assert "gpg failed to sign" in str(error)
    assert "-bsau" in args_file.read_text()  # git asked gpg for a detached signature


def test_signed_commit_with_a_fake_gpg(repo, tmp_path):
    fake = tmp_path / "fake-gpg"
    fake.write_text(
        "#!/bin/sh\ncat > /dev/null\n"
        'echo "[GNUPG:] SIG_CREATED D 1 8 00 1700000000 FAKEFINGERPRINT" >&2\n'
        "printf -- '-----BEGIN PGP SIGNATURE-----\\n\\nZmFrZQ==\\n'\n"
        "printf -- '-----END PGP SIGNATURE-----\\n'\n"
    )
    fake.chmod(0o755)
    git(repo, "config", "commit.gpgsign", "yes")
    git(repo, "config", "gpg.program", str(fake))
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    raw = git(repo, "cat-file", "commit", result.sha)
    assert "gpgsig -----BEGIN PGP SIGNATURE-----" in raw


def test_commit_msg_hook_edits_the_message(repo):
    write_hook(repo, "commit-msg", 'printf "Change-Id: I123\\n" >> "$1"\n')
    with GitStore.open(repo) as store:
        with_hook = store.commit_file(f"{ANSWERS}/a.toml", b"a\n", MESSAGE)
        without = store.commit_file(f"{ANSWERS}/b.toml", b"b\n", MESSAGE, run_commit_msg_hook=False)
    assert git(repo, "log", "-1", "--format=%B", with_hook.sha) == (MESSAGE + "Change-Id: I123\n").rstrip("\n")
    assert "Change-Id" not in git(repo, "log", "-1", "--format=%B", without.sha)
    assert git(repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Run,valueonly)", with_hook.sha) == "run-1"


def test_failing_commit_msg_hook_is_reported(repo):
    write_hook(repo, "commit-msg", 'echo "subject must mention a ticket" >&2\nexit 1\n')
    head = git(repo, "rev-parse", "HEAD")
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert "commit-msg hook rejected" in str(info.value)
    assert "subject must mention a ticket" in str(info.value)
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / REL).exists()  # never written: the caller keeps the answers


def test_dedicated_branch_leaves_head_index_and_work_tree_alone(repo):
    (repo / "README.md").write_text("edited\n")
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    head = git(repo, "rev-parse", "HEAD")
    before = snapshot(repo)
    index_before = git(repo, "ls-files", "-s")
    with GitStore.open(repo) as store:
        branch = "refs/heads/kundencheck"
        first = store.commit_file(f"{ANSWERS}/one.toml", b"one\n", "one", ref=branch)
        second = store.commit_file(f"{ANSWERS}/two.toml", b"two\n", "two", ref=branch)
        assert set(store.read_files(rev="refs/heads/kundencheck")) == {f"{ANSWERS}/one.toml", f"{ANSWERS}/two.toml"}
    assert first.branch == second.branch == "kundencheck"
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert snapshot(repo) == before
    assert git(repo, "ls-files", "-s") == index_before
    assert not (repo / ".kundencheck").exists()
    assert git(repo, "rev-parse", "kundencheck") == second.sha
    assert git(repo, "rev-parse", "kundencheck~1") == first.sha
    assert git(repo, "rev-list", "--count", "kundencheck") == "2"  # the first has no parent
    assert tree_paths(repo, "kundencheck") == [f"{ANSWERS}/one.toml", f"{ANSWERS}/two.toml"]


def test_dedicated_branch_that_is_checked_out_commits_normally(repo):
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE, ref="refs/heads/main")
    assert result.branch == "main"
    assert git(repo, "status", "--porcelain") == ""  # index and work tree follow the commit


@pytest.mark.parametrize(
    "bad",
    [
        "/abs/.kundencheck/x.toml",
        ".kundencheck/../x.toml",
        ".kundencheck\\x.toml",
        ".kundencheck/a\0b.toml",
        "answers/x.toml",
        ".kundencheck/",
        ".kundencheck//x.toml",
        ".kundencheck/./x.toml",
        ".kundencheck/.git/x",
        ".kundencheck/a\nb.toml",
        "../.kundencheck/x",
        # git reads .GIT as .git on a case-insensitive file system (macOS, Windows)
        ".kundencheck/.GIT/x",
        ".kundencheck/answers/.Git/config",
    ],
)
def test_bad_paths_are_refused(repo, bad):
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(bad, CONTENT, MESSAGE)
    assert "Refusing to store answers" in str(info.value)
    assert git(repo, "rev-list", "--count", "HEAD") == "1"
    assert not (repo / ".kundencheck").exists()


def test_symlinked_answers_folder_is_refused(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, repo / ".kundencheck")
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert "symbolic link" in str(info.value)
    assert list(outside.iterdir()) == []


_PARALLEL_SCRIPT = """
import sys
from kundencheck.store import GitStore
name = sys.argv[1]
with GitStore.open(sys.argv[2]) as store:
    for i in range(10):
        store.commit_file(f".kundencheck/answers/2026/{name}-{i}.toml", b"n = %d\\n" % i,
                          f"Answers {name} {i}")
print("done", name)
"""


def test_two_processes_committing_in_parallel_lose_nothing(repo):
    env = python_env()
    procs = [
        subprocess.Popen(
            [PYTHON, "-c", _PARALLEL_SCRIPT, name, str(repo)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name in ("p1", "p2")
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    assert git(repo, "rev-list", "--count", "HEAD") == "21"
    expected = {f"{ANSWERS}/{p}-{i}.toml" for p in ("p1", "p2") for i in range(10)}
    assert expected <= set(tree_paths(repo))
    assert git(repo, "status", "--porcelain") == ""
    git(repo, "fsck", "--no-dangling", "--no-progress")


# ---------------------------------------------------------------------- reading


def test_reading_on_an_unborn_branch_is_empty(unborn):
    with GitStore.open(unborn) as store:
        assert store.read_files() == {}
        assert store.log_runs() == []
        assert store.recent_authors() == []
        assert store.read_files(rev="refs/heads/kundencheck") == {}


def test_read_files_log_runs_and_recent_authors(repo, monkeypatch):
    with GitStore.open(repo) as store:
        monkeypatch.setenv("GIT_AUTHOR_NAME", "Bo Second")
        monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bo@example.com")
        first = store.commit_file(f"{ANSWERS}/a.toml", b"same\n", "Answers a\n\nKundencheck-Run: r1\nKundencheck-Run: r2\n")
        monkeypatch.setenv("GIT_AUTHOR_NAME", "Cy Third")
        monkeypatch.setenv("GIT_AUTHOR_EMAIL", "cy@example.com")
        second = store.commit_file(f"{ANSWERS}/sub/b.toml", b"same\n", "Answers b")
        store.commit_file(".kundencheck/answers-old/c.toml", b"old\n", "Old c\n\nKundencheck-Run: r9")
        monkeypatch.setenv("GIT_AUTHOR_NAME", "Bo Again")
        monkeypatch.setenv("GIT_AUTHOR_EMAIL", "BO@example.com")
        third = store.commit_file(f"{ANSWERS}/d.toml", b"d\n", "Answers d\n\nKundencheck-Run: r3")
        monkeypatch.delenv("GIT_AUTHOR_NAME")
        monkeypatch.delenv("GIT_AUTHOR_EMAIL")

        files = store.read_files()
        blob_same = git(repo, "rev-parse", f"HEAD:{ANSWERS}/a.toml")
        assert files == {
            f"{ANSWERS}/a.toml": (blob_same, b"same\n"),
            f"{ANSWERS}/sub/b.toml": (blob_same, b"same\n"),
            f"{ANSWERS}/d.toml": (git(repo, "rev-parse", f"HEAD:{ANSWERS}/d.toml"), b"d\n"),
        }
        assert set(store.read_files(".kundencheck")) == set(files) | {".kundencheck/answers-old/c.toml"}
        assert store.read_files(rev=first.sha) == {f"{ANSWERS}/a.toml": (blob_same, b"same\n")}
        assert store.read_files("no/such/folder") == {}

        runs = store.log_runs()
        assert [r["sha"] for r in runs] == [third.sha, second.sha, first.sha]
        assert runs[2] == {
            "sha": first.sha,
            "author_name": "Bo Second",
            "author_email": "bo@example.com",
            "date": git(repo, "log", "-1", "--format=%aI", first.sha),
            "subject": "Answers a",
            "runs": ["r1", "r2"],
        }
        assert runs[1]["runs"] == [] and runs[0]["runs"] == ["r3"]
        assert runs[0]["author_name"] == "Bo Again"

        assert store.recent_authors() == [
            Identity("Bo Again", "BO@example.com"),
            Identity("Cy Third", "cy@example.com"),
            Identity("Ada Tester", "ada@example.com"),
        ]
        assert store.recent_authors(limit=1) == [Identity("Bo Again", "BO@example.com")]

        assert store.read_files(rev="not-created-yet") == {}  # e.g. a dedicated branch
        assert store.log_runs(rev="not-created-yet") == []
        with pytest.raises(StoreError):
            store.log_runs(rev="--output=/tmp/x")


def test_no_git_processes_left_behind(repo):
    def children() -> set[int]:
        path = pathlib.Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
        return set(map(int, path.read_text().split())) if path.exists() else set()

    before = children()
    with GitStore.open(repo) as store:
        store.commit_file(REL, CONTENT, MESSAGE)
        store.read_files()
        store.log_runs()
    time.sleep(0.05)
    assert children() - before == set()


def test_a_branch_locked_for_a_moment_is_retried(repo):
    """Another git holding the branch's ref lock (refs/heads/main.lock) for a moment: update-ref
    fails with "cannot lock ref"; kundencheck tries again and commits once the lock is gone."""
    lock = repo / ".git" / "refs" / "heads" / "main.lock"
    lock.write_text("")
    threading.Timer(0.5, lock.unlink).start()
    old = git(repo, "rev-parse", "HEAD")
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert git(repo, "rev-parse", "HEAD") == result.sha and git(repo, "rev-parse", "HEAD~1") == old
    assert not lock.exists()


def test_a_path_that_is_no_text_is_refused(repo):
    with GitStore.open(repo) as store, pytest.raises(StoreError) as info:
        store.commit_file(b".kundencheck/x.toml", CONTENT, MESSAGE)
    assert str(info.value) == "Refusing to store answers at b'.kundencheck/x.toml': the path must be a string."
    assert git(repo, "rev-list", "--count", "HEAD") == "1"
