"""The commit protocol against the cases git itself guards against (issue 16): a branch checked
out in another worktree, a commit racing with kundencheck's, index formats, a file committed
twice, and .gitattributes that would change what is stored. Real repositories throughout."""

from __future__ import annotations

import base64
import os
import pathlib
import stat
import subprocess
import tomllib

import pytest

from kundencheck.core.errors import StoreError
from kundencheck.store import GitStore
from tests.support.git import ANSWERS, commit_all, git, tree_paths

REL = f"{ANSWERS}/20261127T091500Z-build-ada-3f9a1c.toml"
CONTENT = 'schema = 1\nchecklist = "build"\nnote = "Grüße, straße ✓"\n'.encode()
MESSAGE = "kundencheck(build): answers\n\nKundencheck-Run: r1\n"


def state(repo: pathlib.Path) -> dict[str, str]:
    """Everything of a repository's state a refused commit must leave as it was."""
    return {
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(repo, "rev-parse", "-q", "--verify", "HEAD", check=False),
        "index": git(repo, "ls-files", "--stage"),
        "status": git(repo, "status", "--porcelain=v1", "--untracked-files=all"),
    }


def script(path: pathlib.Path, body: str) -> pathlib.Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


# ------------------------------------------------------------------ 1. a branch checked out elsewhere


def test_a_team_branch_checked_out_in_a_linked_worktree_is_refused_as_git_does(tmp_path, repo):
    """The issue's case: storage.branch is checked out in a linked worktree. Moving it there
    would make that worktree's next plain `git commit` delete the answers file."""
    git(repo, "branch", "kundencheck")
    linked = tmp_path / "answers-wt"
    git(repo, "worktree", "add", "-q", str(linked), "kundencheck")
    before, linked_before = state(repo), state(linked)
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE, ref="refs/heads/kundencheck")
    message = str(caught.value)
    assert caught.value.refused
    assert f"the branch kundencheck is already checked out at {linked}" in message
    assert "storage.branch" in message and f"cd {linked}" in message
    assert state(repo) == before and state(linked) == linked_before
    # What it protects: a commit in that worktree keeps the answers once they are committed there.
    with GitStore.open(linked) as store:
        store.commit_file(REL, CONTENT, MESSAGE, ref="refs/heads/kundencheck")  # checked out here: normal
    commit_all(linked, "work in the answers worktree", **{"notes.txt": "x\n"})
    assert REL in tree_paths(linked)


def test_the_branch_of_the_main_worktree_is_refused_from_a_linked_one(tmp_path, repo):
    linked = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "feature", str(linked))
    before = state(repo)
    with GitStore.open(linked) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE, ref="main")
    assert f"the branch main is already checked out at {repo}" in str(caught.value)
    assert state(repo) == before


def test_the_checked_out_branch_also_checked_out_elsewhere_by_force(tmp_path, repo):
    twin = tmp_path / "twin"
    git(repo, "worktree", "add", "-q", "-f", str(twin), "main")  # git allows it only with --force
    before = state(repo)
    with GitStore.open(repo) as store:
        with pytest.raises(StoreError, match=f"already checked out at {twin}"):
            store.check_ready()
        with pytest.raises(StoreError, match=f"already checked out at {twin}"):
            store.commit_file(REL, CONTENT, MESSAGE)
    assert state(repo) == before


def test_a_branch_being_rebased_or_bisected_in_another_worktree_counts_as_checked_out(tmp_path, repo):
    commit_all(repo, "base", **{"f.txt": "base\n"})
    git(repo, "branch", "kundencheck")
    linked = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(linked), "kundencheck")
    commit_all(linked, "theirs", **{"f.txt": "theirs\n"})
    commit_all(repo, "ours", **{"f.txt": "ours\n"})
    git(linked, "rebase", "main", check=False)  # stops at the conflict: HEAD detached there
    assert git(linked, "symbolic-ref", "-q", "HEAD", check=False) == ""
    with GitStore.open(repo) as store, pytest.raises(StoreError, match=f"already checked out at {linked}"):
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck")
    git(linked, "rebase", "--abort")
    git(linked, "switch", "-q", "--detach")
    git(linked, "bisect", "start")
    (pathlib.Path(git(linked, "rev-parse", "--absolute-git-dir")) / "BISECT_START").write_text("kundencheck\n")
    with GitStore.open(repo) as store, pytest.raises(StoreError, match=f"already checked out at {linked}"):
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck")


def test_a_worktree_whose_folder_is_gone_says_how_to_prune_it(tmp_path, repo):
    git(repo, "branch", "kundencheck")
    gone = tmp_path / "gone"
    git(repo, "worktree", "add", "-q", str(gone), "kundencheck")
    subprocess.run(["rm", "-rf", str(gone)], check=True)
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck")
    assert "`git worktree prune`" in str(caught.value)
    git(repo, "worktree", "prune")
    with GitStore.open(repo) as store:
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck")
    assert REL in tree_paths(repo, "kundencheck")


def test_the_first_look_at_a_team_branch_checks_what_its_commit_checks(tmp_path, repo):
    """check_ready (run when a run or a correction starts) for a team's answers branch refuses
    what committing onto it refuses, and only that: it said "HEAD is detached" (or a merge is
    in progress) for a commit that does not touch HEAD, and let a run start whose commit would
    be refused because another worktree has the answers branch checked out."""
    git(repo, "branch", "kundencheck")
    git(repo, "switch", "-q", "--detach")
    (repo / ".git" / "MERGE_HEAD").write_text(git(repo, "rev-parse", "HEAD") + "\n")
    with GitStore.open(repo) as store:
        with pytest.raises(StoreError, match=r"HEAD is detached|merge is in progress"):
            store.check_ready()
        assert store.check_ready("kundencheck") == []
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck")
    linked = tmp_path / "answers-wt"
    git(repo, "worktree", "add", "-q", str(linked), "kundencheck")
    with GitStore.open(repo) as store, pytest.raises(StoreError, match=f"already checked out at {linked}"):
        store.check_ready("kundencheck")
    with GitStore.open(linked) as store:  # there, it is the checked-out branch: HEAD's checks
        assert store.check_ready("kundencheck") == []


def test_other_branches_and_worktrees_do_not_stop_a_commit(tmp_path, repo):
    git(repo, "worktree", "add", "-q", "-b", "feature", str(tmp_path / "wt"))
    with GitStore.open(repo) as store:
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck")
        store.commit_file(f"{ANSWERS}/two.toml", CONTENT, MESSAGE)
    assert tree_paths(repo, "kundencheck") == [REL]
    assert git(repo, "status", "--porcelain") == ""


# ------------------------------------------------------------------ 2. the index race


RACER = """
set -e
sub=""
for a in "$@"; do case "$a" in -*) ;; *) sub="$a"; break;; esac; done
if [ "$sub" = update-ref ] && [ ! -e "{marker}" ]; then
  : > "{marker}"
  "{git}" "$@"
  # The user's editor commits right after kundencheck moved the branch.
  set +e
  (cd "{repo}" && "{git}" commit -q -m "the user's commit" > "{marker}.out" 2>&1; echo $? > "{marker}.status")
  exit 0
fi
exec "{git}" "$@"
"""


@pytest.mark.parametrize("index", ["plain", "v4", "split", "sparse"])
def test_a_commit_between_the_branch_update_and_the_index_write_fails_on_the_lock(tmp_path, repo, monkeypatch, index):
    """A user's `git commit` that runs between kundencheck's ref update and its index write
    (here: right after update-ref, from the git kundencheck runs) fails on index.lock, as it
    would during a `git commit`; it can no longer record the answers file as deleted. The
    same with an index in version 4, a split index and a sparse index."""
    commit_all(repo, "more", **{"src__a.txt": "a\n", "docs__b.txt": "b\n"})
    if index == "v4":
        git(repo, "update-index", "--index-version", "4")
    elif index == "split":
        git(repo, "update-index", "--split-index")
    elif index == "sparse":
        git(repo, "sparse-checkout", "set", "--cone", "src")
        git(repo, "config", "index.sparse", "true")
        git(repo, "sparse-checkout", "reapply")
    (repo / "src" / "a.txt").write_text("a staged\n")
    git(repo, "add", "src/a.txt")
    marker = tmp_path / "raced"
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    racer = script(tmp_path / "racing-git", RACER.format(marker=marker, git=real, repo=repo))
    monkeypatch.setenv("GIT_PYTHON_GIT_EXECUTABLE", str(racer))

    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE)

    assert marker.with_suffix(".status").read_text().strip() != "0", "the racing commit got through"
    assert "index.lock" in marker.with_suffix(".out").read_text()
    assert git(repo, "rev-parse", "HEAD") == result.sha
    assert REL in git(repo, "ls-files", "--stage", "--", REL)
    assert git(repo, "diff", "--cached", "--name-only") == "src/a.txt"  # the user's staged change, nothing else
    # The user commits again, as they would: the answers stay in the tree.
    git(repo, "commit", "-q", "-m", "the user's commit")
    assert REL in tree_paths(repo)
    assert git(repo, "show", "--name-status", "--format=", "HEAD") == "M\tsrc/a.txt"
    if index == "sparse":
        assert not (repo / REL).exists()  # outside the sparse checkout: no file, the entry skips it
        assert git(repo, "ls-files", "-t", "--", REL).startswith("S ")
    else:
        assert (repo / REL).read_bytes() == CONTENT
    if index == "v4":
        assert (repo / ".git" / "index").read_bytes()[4:8] == (4).to_bytes(4, "big")
    assert git(repo, "status", "--porcelain") == ""
    git(repo, "fsck", "--no-dangling", "--no-progress")
    assert not (repo / ".git" / "index.lock").exists()


def test_another_kundencheck_holding_the_lock_is_waited_for_then_refused(repo, monkeypatch):
    from kundencheck.store import committing

    monkeypatch.setattr(committing, "LOCK_WAIT", 0.3)
    (repo / ".git" / "index.lock").write_bytes(b"")  # no journal: a lock kundencheck never touches
    before = state(repo)
    with GitStore.open(repo) as store, pytest.raises(StoreError, match=r"index\.lock exists"):
        store.commit_file(REL, CONTENT, MESSAGE)
    assert (repo / ".git" / "index.lock").exists()
    (repo / ".git" / "index.lock").unlink()
    assert state(repo) == before


# ------------------------------------------------------------------ 3. a file committed twice


def test_a_committed_file_is_never_replaced(repo):
    with GitStore.open(repo) as store:
        first = store.commit_file(REL, CONTENT, MESSAGE)
        before = state(repo)
        with pytest.raises(StoreError) as caught:
            store.commit_file(REL, b"schema = 1\n# rewritten\n", MESSAGE)
        assert caught.value.refused and "already committed" in str(caught.value)
        assert state(repo) == before
        with pytest.raises(StoreError, match="already committed"):
            store.commit_file(REL, b"x = 2\n", MESSAGE, ref="refs/heads/main")
        # The project config is meant to be replaced, and says so.
        store.commit_file(".kundencheck/config.toml", b"a = 1\n", "config")
        store.commit_file(".kundencheck/config.toml", b"a = 2\n", "config", replace=True)
    assert git(repo, "show", f"HEAD:{REL}").encode() + b"\n" == CONTENT
    assert git(repo, "rev-list", "--count", f"{first.sha}..HEAD") == "2"


@pytest.mark.parametrize("flag", ["assume-unchanged", "core.ignoreStat", "skip-worktree"])
def test_a_file_git_takes_as_unchanged_gets_the_committed_entry_and_the_lock_goes(repo, flag):
    """The project config committed again (`init`, `phase`) while git takes its index entry as
    unchanged: marked `--assume-unchanged` or `--skip-worktree`, or every entry with
    core.ignoreStat. `update-index --add PATH` then writes no new index, so the lock was left
    behind after a commit that worked, and the index kept the old config: a staged revert of
    kundencheck's change, which the user's next commit would have made."""
    path = ".kundencheck/config.toml"
    commit_all(repo, "config", **{".kundencheck__config.toml": "cadence_days = 14\n"})
    if flag == "core.ignoreStat":
        git(repo, "config", "core.ignoreStat", "true")
        git(repo, "update-index", "--really-refresh")
    else:
        git(repo, "update-index", f"--{flag}", path)
    with GitStore.open(repo) as store:
        result = store.commit_file(path, b"cadence_days = 7\n", "kundencheck: configure project", replace=True)
    assert not (repo / ".git" / "index.lock").exists()
    assert git(repo, "ls-files", "--stage", "--", path).split()[1] == git(repo, "rev-parse", f"{result.sha}:{path}")
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert (repo / path).read_bytes() == b"cadence_days = 7\n"
    commit_all(repo, "the user's next commit", **{"notes.txt": "x\n"})
    assert git(repo, "show", f"HEAD:{path}") == "cadence_days = 7"


# ------------------------------------------------------------------ 5. filters and encodings


FAKE_LFS = """
# A stand-in for git-lfs: the clean side stores the content and leaves a pointer, the smudge
# side puts the content back for a pointer and passes anything else through.
store="{store}"
mkdir -p "$store"
case "$1" in
  clean)
    tmp="$store/in.$$"; cat > "$tmp"
    oid=$(sha256sum "$tmp" | cut -d' ' -f1); size=$(wc -c < "$tmp" | tr -d ' ')
    mv "$tmp" "$store/$oid"
    printf 'version https://git-lfs.github.com/spec/v1\\noid sha256:%s\\nsize %s\\n' "$oid" "$size";;
  smudge)
    tmp="$store/out.$$"; cat > "$tmp"
    oid=$(sed -n 's/^oid sha256://p' "$tmp")
    if [ -n "$oid" ] && [ -f "$store/$oid" ]; then cat "$store/$oid"; else cat "$tmp"; fi
    rm -f "$tmp";;
esac
"""


def _attributes(repo: pathlib.Path, tmp_path: pathlib.Path, case: str) -> None:
    if case == "clean-filter":
        git(repo, "config", "filter.shout.clean", "tr a-z A-Z")
        git(repo, "config", "filter.shout.smudge", "cat")
        rules = "*.toml filter=shout\n"
    elif case == "utf-16":
        rules = "*.toml working-tree-encoding=UTF-16 text\n"
    elif case == "lfs":
        lfs = script(tmp_path / "fake-lfs", FAKE_LFS.format(store=tmp_path / "lfs-store"))
        git(repo, "config", "filter.lfs.clean", f"{lfs} clean")
        git(repo, "config", "filter.lfs.smudge", f"{lfs} smudge")
        git(repo, "config", "filter.lfs.required", "true")
        rules = "*.toml filter=lfs diff=lfs merge=lfs -text\n"
    elif case == "crlf":
        rules = "*.toml text eol=crlf\n"
    elif case == "autocrlf":
        git(repo, "config", "core.autocrlf", "true")
        rules = ""
    else:
        raise AssertionError(case)
    commit_all(repo, "attributes", **{".gitattributes": rules})


def _smudged(case: str) -> bytes:
    if case == "utf-16":
        return CONTENT.decode("utf-8").encode("utf-16")  # with a byte-order mark, as git writes it
    if case in ("crlf", "autocrlf"):
        return CONTENT.replace(b"\n", b"\r\n")
    return CONTENT


@pytest.mark.parametrize("case", ["clean-filter", "utf-16", "lfs", "crlf", "autocrlf"])
@pytest.mark.parametrize("branch", ["checked-out", "team branch"])
def test_the_committed_blob_is_exactly_what_was_written_whatever_the_attributes(tmp_path, repo, case, branch):
    _attributes(repo, tmp_path, case)
    ref = "refs/heads/kundencheck" if branch == "team branch" else None
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE, ref=ref, check=lambda data: tomllib.loads(data.decode()))
        read = store.read_files(rev=result.sha)
    rev = "kundencheck" if ref else "HEAD"
    blob = git(repo, "rev-parse", f"{rev}:{REL}")
    raw = subprocess.run(["git", "cat-file", "blob", blob], cwd=repo, capture_output=True, check=True).stdout
    assert raw == CONTENT  # the UTF-8 TOML itself, no pointer, no shouting, no UTF-16, LF
    assert blob == git(repo, "hash-object", "--no-filters", "--stdin", input=CONTENT)
    assert read[REL][1] == CONTENT
    if ref:
        assert not (repo / ".kundencheck" / "answers").exists()
        assert git(repo, "status", "--porcelain") == ""
        return
    assert (repo / REL).read_bytes() == _smudged(case)  # what `git checkout` would have written
    assert git(repo, "ls-files", "--stage", "--", REL).split()[1] == blob
    assert git(repo, "diff", "--cached", "--name-only") == ""  # nothing staged against HEAD
    if case in ("utf-16", "crlf", "autocrlf"):
        assert git(repo, "status", "--porcelain") == ""  # git can keep these clean: it does


def test_a_commit_that_does_not_read_back_is_undone(repo):
    """A `git replace` of the answers blob: what readers would get is not what was written, so
    the commit is undone (HEAD, index and work tree as before) and the error says why."""
    blob = git(repo, "hash-object", "-w", "--no-filters", "--stdin", input=CONTENT)
    other = git(repo, "hash-object", "-w", "--stdin", input=b"something else\n")
    git(repo, "replace", blob, other)
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    before = state(repo)
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE)
    assert "did not read back as written" in str(caught.value) and "git replace" in str(caught.value)
    after = state(repo)
    assert after == before
    assert not (repo / REL).exists() and not (repo / ANSWERS).exists()
    assert not (repo / ".git" / "index.lock").exists()
    assert git(repo, "reflog", "-1", "--format=%gs", "main") == "kundencheck: undo an unfinished commit"


@pytest.mark.parametrize("branch", ["checked-out", "team branch"])
def test_a_replaced_commit_is_built_on_as_it_really_is(repo, branch):
    """`git replace` of the branch's tip by a commit with another tree (here: without
    README.md): the new commit is built on the tip's real tree, as `git commit` builds on the
    index, so it adds the answers file and changes nothing else in the history that is pushed
    and cloned (which has no replace refs)."""
    commit_all(repo, "work", **{"src__app.py": "print()\n"})
    git(repo, "branch", "kundencheck")
    target = "kundencheck" if branch == "team branch" else "main"
    tip = git(repo, "rev-parse", target)
    bare = git(repo, "mktree", input=b"")
    git(repo, "replace", tip, git(repo, "commit-tree", "-p", f"{tip}~1", "-m", "replacement", bare))
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    with GitStore.open(repo) as store:
        result = store.commit_file(REL, CONTENT, MESSAGE, ref="refs/heads/kundencheck" if branch == "team branch" else None)
    real = ["--no-replace-objects"]
    assert git(repo, *real, "diff", "--name-status", tip, result.sha) == f"A\t{REL}"
    if branch == "checked-out":
        assert git(repo, *real, "diff", "--cached", "--name-status") == "A\tstaged.txt"


def test_a_check_that_fails_undoes_the_commit_on_a_team_branch(repo):
    def refuse(data: bytes) -> None:
        from kundencheck.core.errors import AnswersError

        raise AnswersError("not an answers file")

    before = state(repo)
    with GitStore.open(repo) as store, pytest.raises(StoreError, match="not an answers file"):
        store.commit_file(REL, CONTENT, MESSAGE, ref="kundencheck", check=refuse)
    assert state(repo) == before  # the branch was made and removed again
    assert git(repo, "rev-parse", "-q", "--verify", "kundencheck", check=False) == ""


def test_message_files_of_a_killed_kundencheck_are_removed(repo):
    stale = repo / ".git" / "KUNDENCHECK_MSG.abc123"
    stale.write_text("left behind\n")
    held = repo / ".git" / "KUNDENCHECK_MSG.live42"
    held.write_text("in use\n")
    import fcntl

    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a kundencheck still working with it
    try:
        with GitStore.open(repo) as store:
            store.commit_file(REL, CONTENT, MESSAGE)
    finally:
        os.close(fd)
    assert not stale.exists() and held.exists()


@pytest.mark.parametrize("thing", ["submodule", "file"])
def test_a_submodule_or_a_file_where_the_answers_folder_goes_is_named_as_what_it_is(repo, thing):
    if thing == "submodule":  # its commit is in another repository (or, here, in this one)
        sub = git(repo, "commit-tree", "-m", "another repository's commit", git(repo, "mktree", input=b""))
        git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sub},{ANSWERS}")
        git(repo, "commit", "-q", "-m", "a submodule")
    else:
        commit_all(repo, "a file", **{ANSWERS.replace("/", "__"): "not a folder\n"})
    before = state(repo)
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(REL, CONTENT, MESSAGE)
    said = {"submodule": f"{ANSWERS} is a submodule", "file": f"{ANSWERS} already exists in the repository as a file"}
    assert said[thing] in str(caught.value)
    assert state(repo) == before


def test_a_killed_commit_of_several_files_puts_each_back(tmp_path):
    """The journal of a commit of several files names each work-tree file written; when the
    commit did not happen, each is put back (or removed, with the folders made for it), and a
    file changed since by the user stays."""
    import hashlib

    from kundencheck.store import index_lock

    root = tmp_path / "work"
    folder = root / ".kundencheck"  # the only place a journal may name
    (folder / "kept").mkdir(parents=True)
    (folder / "kept" / "old.toml").write_bytes(b"mine, changed by kundencheck\n")
    (folder / "new" / "deep").mkdir(parents=True)
    (folder / "new" / "deep" / "a.toml").write_bytes(b"a\n")
    (folder / "new" / "b.toml").write_bytes(b"changed by the user since\n")

    def digest(data):
        return hashlib.sha256(data).hexdigest()

    state = {
        "file": ".kundencheck/kept/old.toml",
        "written": digest(b"mine, changed by kundencheck\n"),
        "folders": [],
        "previous": base64.b64encode(b"mine\n").decode("ascii"),
        "files": [
            {
                "file": ".kundencheck/new/deep/a.toml",
                "written": digest(b"a\n"),
                "folders": [".kundencheck/new", ".kundencheck/new/deep"],
                "previous": None,
            },
            {"file": ".kundencheck/new/b.toml", "written": digest(b"b\n"), "folders": [], "previous": None},
        ],
    }
    index_lock.restore_worktree_file(root, state)
    assert (folder / "kept" / "old.toml").read_bytes() == b"mine\n"
    assert not (folder / "new" / "deep").exists()  # a.toml removed, and the folder made for it
    assert (folder / "new" / "b.toml").read_bytes() == b"changed by the user since\n"  # the user's stays
