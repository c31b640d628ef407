"""The commit journal beside index.lock (store/index_lock.py) when things are not as they
should be: a full disk, a journal left by a killed kundencheck whose lock someone deleted since,
a repository moved after a kill, a journal that is a symbolic link. Real repositories and a
real killed kundencheck throughout (docs/security.md, "Killed while holding the lock")."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import pytest

from kundencheck.core.errors import StoreError
from kundencheck.store import GitStore
from tests.support.git import ANSWERS, git
from tests.support.paths import PYTHON, python_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock, a POSIX shell wrapper and signals")

REL = f"{ANSWERS}/20261204T120000Z-build-ada-0c0ffe.toml"
CONTENT = b'schema = 1\nchecklist = "build"\n'
MESSAGE = "kundencheck(build): answers\n\nKundencheck-Run: r1\n"

#: git for a child kundencheck: does its work at update-ref, then kills that kundencheck.
KILLING_GIT = """#!/bin/sh
sub=""
for a in "$@"; do case "$a" in -*) ;; *) sub="$a"; break;; esac; done
if [ "$sub" = update-ref ]; then "{git}" "$@"; kill -9 $PPID; exit 0; fi
exec "{git}" "$@"
"""

CHILD = """
import sys
from kundencheck.store import GitStore
with GitStore.open(sys.argv[1]) as store:
    store.commit_file(sys.argv[2], sys.argv[3].encode(), sys.argv[4])
"""


def state(repo: pathlib.Path) -> dict[str, str]:
    return {
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "index": git(repo, "ls-files", "--stage"),
        "status": git(repo, "status", "--porcelain=v1", "--untracked-files=all"),
    }


def killed_after_moving_the_branch(repo: pathlib.Path, tmp_path: pathlib.Path) -> str:
    """A kundencheck killed right after its update-ref: the branch holds the answers commit,
    index.lock holds the index that goes with it, the journal says so. Returns the commit."""
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    wrapper = tmp_path / "killing-git"
    wrapper.write_text(KILLING_GIT.format(git=shutil.which("git")))
    wrapper.chmod(0o755)
    before = git(repo, "rev-parse", "HEAD")
    child = subprocess.run(
        [PYTHON, "-c", CHILD, str(repo), REL, CONTENT.decode(), MESSAGE],
        env=python_env(GIT_PYTHON_GIT_EXECUTABLE=str(wrapper)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert (repo / ".git" / "index.lock").exists() and (repo / ".git" / "kundencheck" / "commit.journal").exists()
    new = git(repo, "rev-parse", "HEAD")
    assert new != before
    return new


def test_a_lock_deleted_by_hand_then_taken_by_another_git_is_never_touched(repo, tmp_path):
    """After a kill, the user deletes index.lock by hand (git's own message says to), and
    another git takes a new one, which the file system gives the inode number the killed
    kundencheck's lock had (ext4 hands a freed inode number out again at once). The journal
    is stale: the next kundencheck must neither rename that git's lock over the index nor
    delete it."""
    killed_after_moving_the_branch(repo, tmp_path)
    lock = repo / ".git" / "index.lock"
    lock.unlink()  # by hand
    index_before = (repo / ".git" / "index").read_bytes()
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL)  # the other git's lock, being written
    os.write(fd, b"DIRC half written")
    journal = repo / ".git" / "kundencheck" / "commit.journal"
    journal.write_text(json.dumps(_inode_reused(json.loads(journal.read_text()), os.fstat(fd).st_ino)))
    try:
        with GitStore.open(repo) as store, pytest.raises(StoreError, match=r"index\.lock exists"):
            store.check_ready()
        assert lock.read_bytes() == b"DIRC half written"
        assert (repo / ".git" / "index").read_bytes() == index_before
    finally:
        os.close(fd)
    lock.unlink()  # the other git is done
    git(repo, "status", "--porcelain")


def _inode_reused(journal: dict, inode: int) -> dict:
    """The journal as it reads once the file system has given ``inode`` out again: every
    inode number it names (in whatever form it keeps them) is that one."""
    if "inodes" in journal:
        journal["inodes"] = [inode for _ in journal["inodes"]]
    for entry in journal.get("locks") or []:
        entry[0] = inode
    return journal


def test_a_repository_moved_after_a_kill_is_recovered_where_it_is_now(repo, tmp_path):
    """The journal names no folder: a repository moved (`mv`) after a kundencheck was killed in
    it is finished where it is now, instead of leaving a lock only a hand can remove."""
    new = killed_after_moving_the_branch(repo, tmp_path)
    moved = tmp_path / "moved"
    repo.rename(moved)
    with GitStore.open(moved) as store:
        store.check_ready()
    assert not (moved / ".git" / "index.lock").exists()
    assert not (moved / ".git" / "kundencheck" / "commit.journal").exists()
    assert git(moved, "rev-parse", "HEAD") == new
    assert git(moved, "diff", "--cached", "--name-status") == "A\tstaged.txt"
    assert git(moved, "ls-files", "--stage", "--", REL).split()[1] == git(moved, "rev-parse", f"HEAD:{REL}")


def test_a_journal_that_is_a_symbolic_link_is_not_written_through(repo, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n")
    journal = repo / ".git" / "kundencheck" / "commit.journal"
    journal.parent.mkdir()
    journal.symlink_to(precious)
    before = state(repo)
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert str(journal) in str(caught.value) and "symbolic link" in str(caught.value)
    assert precious.read_text() == "the user's own file\n"
    assert journal.is_symlink()
    assert state(repo) == before
    assert not (repo / ".git" / "index.lock").exists()


@pytest.fixture
def full_journal_folder(repo):
    """A tmpfs with no space left mounted over kundencheck's folder in the git dir (where the
    journal goes); everything else has room."""
    folder = repo / ".git" / "kundencheck"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        filler = folder / "filler.bin"
        with filler.open("wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield filler
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def test_a_full_disk_where_the_journal_goes_is_an_error_that_leaves_no_lock(repo, full_journal_folder):
    """The journal could not be written: a clear error (not a traceback, not exit 70), and no
    index.lock left behind that git would refuse to work with and nobody would recognise."""
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    before = state(repo)
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert "the disk is full" in str(caught.value)
    assert not (repo / ".git" / "index.lock").exists()
    assert state(repo) == before
    full_journal_folder.unlink()  # space again: the next commit goes through
    with GitStore.open(repo) as store:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert git(repo, "diff", "--cached", "--name-status") == "A\tstaged.txt"


def test_a_journal_naming_a_file_outside_kundencheck_is_not_believed(repo, tmp_path, monkeypatch):
    """A journal is only ever about a file below .kundencheck/: one that names another (a
    corrupt or planted journal) makes no file go, however well its checksum fits."""
    import hashlib

    from kundencheck.store import committing

    monkeypatch.setattr(committing, "LOCK_WAIT", 0.2)
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n")
    (repo / "notes.txt").write_text("notes\n")
    journal = repo / ".git" / "kundencheck" / "commit.journal"
    journal.parent.mkdir()
    for name in ("../precious.txt", "notes.txt"):
        target = (repo / name).resolve()
        journal.write_text(
            json.dumps(
                {
                    "pid": 1,
                    "lock": str(repo / ".git" / "index.lock"),
                    "index": str(repo / ".git" / "index"),
                    "file": name,
                    "folders": [],
                    "previous": None,
                    "written": hashlib.sha256(target.read_bytes()).hexdigest(),
                }
            )
        )
        (repo / ".git" / "index.lock").write_bytes(b"")  # a lock the journal does not name
        with GitStore.open(repo) as store, pytest.raises(StoreError, match=r"index\.lock exists"):
            store.check_ready()
        assert target.exists()
        (repo / ".git" / "index.lock").unlink()


@pytest.mark.parametrize("new", ["1234567890123456789012345678901234567890", "--not-a-commit", 42])
def test_a_journal_naming_no_commit_does_not_stop_every_commit_after_it(repo, new):
    """A corrupt journal whose commit does not exist: nothing moved, so there is nothing to
    finish; it used to fail every commit after it ("Could not compare two commits")."""
    journal = repo / ".git" / "kundencheck" / "commit.journal"
    journal.parent.mkdir()
    journal.write_text(json.dumps({"pid": 1, "ref": "HEAD", "new": new}))
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)
    assert git(repo, "rev-parse", "HEAD") == result.sha
    assert not journal.exists()
