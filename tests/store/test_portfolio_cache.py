"""A portfolio's copy of a project (store/portfolio_cache.py) over file:// remotes: it holds the
project's config, checklists and answers and nothing of its code or history, reads like a
clone's store, fetches only what is new, and keeps its last complete state when a fetch fails,
runs out of time or is interrupted."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kundencheck.store.history_cache import load_runs
from kundencheck.store.portfolio_cache import (
    ANSWERS_REF,
    CONFIG_REF,
    FetchError,
    FetchProblem,
    ProjectCache,
)
from tests.support.portfolio import CODE_FILE, add_run, client_project, git


def objects(cache: ProjectCache) -> dict[str, str]:
    """Every object in the cache: id -> type."""
    out = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch-check"], cwd=cache.path, capture_output=True, text=True, check=True
    ).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines()}


def blob_of(work: Path, rev: str, path: str) -> str:
    return git(work, "rev-parse", f"{rev}:{path}")


def fetch(cache: ProjectCache, info: dict, **kwargs):
    kwargs.setdefault("branch", None)
    return cache.fetch(info["remote"].as_uri(), local=True, timeout=60, **kwargs)


@pytest.mark.parametrize("dedicated", [False, True], ids=["answers-on-main", "answers-branch"])
def test_the_cache_holds_the_answers_and_nothing_of_the_code(tmp_path, dedicated):
    info = client_project(tmp_path, "shop", dedicated=dedicated, runs=3)
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    fetched = fetch(cache, info)
    assert fetched.changed and fetched.new_files == 3
    assert fetched.answers_branch == ("kundencheck" if dedicated else "")
    runs, errors = load_runs(cache.store, rev=ANSWERS_REF)
    assert errors == [] and sorted(r.id for r in runs) == sorted(r.id for r in info["runs"])
    assert ".kundencheck/config.toml" in cache.store.read_committed(".kundencheck", rev=CONFIG_REF)
    held = objects(cache)
    # Not the code, not the README: only what kundencheck reads, and the tip commits (depth 1).
    assert blob_of(info["work"], "main", CODE_FILE) not in held
    assert blob_of(info["work"], "main", "README.md") not in held
    commits = [oid for oid, kind in held.items() if kind == "commit"]
    assert len(commits) == (2 if dedicated else 1)
    assert cache.read_state().fetched is not None and not cache.read_state().failing


def test_nothing_new_fetches_nothing_and_a_new_run_only_its_objects(tmp_path):
    info = client_project(tmp_path, "shop", runs=2)
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    fetch(cache, info)
    before = objects(cache)
    again = fetch(cache, info)
    assert not again.changed and again.new_files == 0 and objects(cache) == before
    run = add_run(info)
    third = fetch(cache, info)
    assert third.changed and third.new_files == 1
    new = {oid: kind for oid, kind in objects(cache).items() if oid not in before}
    # The new commit, the folder trees on the new file's path (root, .kundencheck, answers,
    # the year) and the answers file itself.
    assert sorted(new.values()) == ["blob", "commit"] + ["tree"] * 4
    assert blob_of(info["work"], "main", run.path) in new


def test_an_explicit_branch_and_the_config_of_the_default_branch(tmp_path):
    """portfolio.toml names the answers branch: the config still comes from the default branch
    (the answers branch holds answers only)."""
    info = client_project(tmp_path, "shop", dedicated=True)
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    fetched = fetch(cache, info, branch="kundencheck")
    assert fetched.answers_branch == "kundencheck"
    assert (
        b'project = "Shop"' in cache.store.read_committed(".kundencheck/config.toml", rev=CONFIG_REF)[".kundencheck/config.toml"]
    )
    assert len(load_runs(cache.store, rev=ANSWERS_REF)[0]) == 2


def test_an_answers_branch_nobody_pushed_yet_is_no_answers(tmp_path):
    info = client_project(tmp_path, "shop", dedicated=True, runs=0)
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    assert fetch(cache, info).answers_branch is None
    assert load_runs(cache.store, rev=ANSWERS_REF) == ([], [])


@pytest.mark.parametrize(
    "case, problem", [("deleted", FetchProblem.UNREACHABLE), ("no-branch", FetchProblem.NO_BRANCH), ("empty", FetchProblem.EMPTY)]
)
def test_a_failed_fetch_keeps_the_last_state_and_says_since_when(tmp_path, case, problem):
    info = client_project(tmp_path, "shop")
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    fetch(cache, info)
    ready = git(cache.path, "rev-parse", ANSWERS_REF)
    branch = None
    if case == "deleted":
        import shutil

        shutil.rmtree(info["remote"])
    elif case == "no-branch":
        branch = "gone"
    else:
        git(tmp_path, "init", "-q", "--bare", "--initial-branch=main", str(tmp_path / "empty.git"))
        info = {**info, "remote": tmp_path / "empty.git"}
    for attempt in range(2):
        with pytest.raises(FetchError) as raised:
            fetch(cache, info, branch=branch)
        assert raised.value.problem is problem
        state = cache.read_state()
        if attempt == 0:
            first = state.failing_since
        assert state.failing_since == first and state.failed >= first and state.problem == problem.value
    assert git(cache.path, "rev-parse", ANSWERS_REF) == ready
    assert len(load_runs(cache.store, rev=ANSWERS_REF)[0]) == 2
    if case == "no-branch":
        assert raised.value.branch == "gone"


def hanging_git(folder: Path, hanging: Path, after: Path) -> Path:
    """A git that hangs where a fetch asks for the answers files (the batched `fetch --stdin`),
    saying so in ``hanging``; ``after``: written only if it is not stopped. Every other command
    is the real git's."""
    real = shutil.which("git")
    wrapper = folder / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        'case " $* " in\n'
        f'  *" fetch "*" --stdin "*) touch "{hanging}"; sleep 30; touch "{after}" ;;\n'
        "esac\n"
        f'exec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


def test_an_interrupted_fetch_is_taken_up_by_the_next(tmp_path, monkeypatch):
    """Stopped (as ctrl+c stops it) after the tips came in, while git hangs fetching the answers
    files: the refs the views read stay where they were, what git started is killed, and the
    next fetch asks only for the files still missing."""
    info = client_project(tmp_path, "shop", runs=1)
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    fetch(cache, info)
    before_ready = git(cache.path, "rev-parse", CONFIG_REF)
    add_run(info)
    add_run(info)
    hanging, after = tmp_path / "hanging", tmp_path / "after"
    monkeypatch.setenv("GIT_PYTHON_GIT_EXECUTABLE", str(hanging_git(tmp_path, hanging, after)))
    interrupted = ProjectCache(cache.path)  # opened anew: its git is the one that hangs
    cancel = threading.Event()

    def ctrl_c() -> None:
        deadline = time.monotonic() + 30
        while not hanging.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        cancel.set()

    pressing = threading.Thread(target=ctrl_c)
    pressing.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as raised:
            fetch(interrupted, info, cancel=cancel)
    finally:
        pressing.join()
        interrupted.close()
    assert raised.value.problem is FetchProblem.INTERRUPTED and time.monotonic() - started < 20
    assert hanging.exists()  # stopped there: the tips in, the answers files not
    assert git(cache.path, "rev-parse", CONFIG_REF) == before_ready
    assert not cache.read_state().failing  # the user stopped it: no failure of the remote
    assert len(load_runs(cache.store, rev=ANSWERS_REF)[0]) == 1
    monkeypatch.delenv("GIT_PYTHON_GIT_EXECUTABLE")
    taken_up = fetch(cache, info)
    assert taken_up.changed and taken_up.new_files == 2
    assert len(load_runs(cache.store, rev=ANSWERS_REF)[0]) == 3
    time.sleep(0.5)
    assert not after.exists()  # the hanging git was killed, not left to finish


def test_the_cache_never_runs_a_program_named_in_the_url(tmp_path):
    """portfolio.toml refuses an ext:: remote already; the cache refuses it itself too, also where
    the user's own git config allows every transport."""
    marker = tmp_path / "ran"
    git(tmp_path, "config", "--global", "protocol.allow", "always")
    cache = ProjectCache(tmp_path / "cache" / "evil.git")
    with pytest.raises(FetchError):
        cache.fetch(f"ext::sh -c touch% {marker}", branch=None, local=False, timeout=30)
    cache.close()
    assert not marker.exists()
    assert "transport 'ext' not allowed" in cache.read_state().reason


def test_a_remote_that_does_not_answer_is_stopped_at_the_time_limit(tmp_path):
    """An ssh remote whose connection hangs: stopped after the project's time limit, with the
    programs git started (here: the 'ssh' that sleeps)."""
    marker = tmp_path / "still-running"
    ssh = tmp_path / "slow-ssh"
    ssh.write_text(f"#!/bin/sh\nsleep 30\ntouch {marker}\n")
    ssh.chmod(0o755)
    cache = ProjectCache(tmp_path / "cache" / "slow.git")
    os.environ["GIT_SSH_COMMAND"] = str(ssh)
    try:
        started = time.monotonic()
        with pytest.raises(FetchError) as raised:
            cache.fetch("ssh://git.example.invalid/slow.git", branch=None, local=False, timeout=1.5)
        took = time.monotonic() - started
    finally:
        del os.environ["GIT_SSH_COMMAND"]
    assert raised.value.problem is FetchProblem.TIMEOUT and took < 10
    assert cache.read_state().problem == "timeout"
    time.sleep(0.5)
    assert not marker.exists()


def test_two_fetches_of_one_project_at_once(tmp_path):
    info = client_project(tmp_path, "shop", runs=1)
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    fetch(cache, info)
    with cache.locked(), pytest.raises(FetchError) as raised:
        fetch(cache, info)
    assert raised.value.problem is FetchProblem.BUSY


def test_over_ssh_the_cache_holds_what_it_holds_over_file(tmp_path, ssh_server, monkeypatch):
    """A real sshd on this machine: git fetches over ssh:// with the user's own settings (here
    the login key in GIT_SSH_COMMAND), and the cache ends up with the same answers, config and
    nothing of the code, as over file://."""
    info = client_project(tmp_path, "shop", dedicated=True, runs=3)
    git(info["remote"], "config", "uploadpack.allowFilter", "true")  # as a hosted server does
    over_file = ProjectCache(tmp_path / "file-cache" / "shop.git")
    fetch(over_file, info)
    monkeypatch.setenv("GIT_SSH_COMMAND", ssh_server.ssh_command)
    over_ssh = ProjectCache(tmp_path / "ssh-cache" / "shop.git")
    fetched = over_ssh.fetch(ssh_server.url(info["remote"]), branch=None, local=False, timeout=60)
    assert fetched.new_files == 3 and fetched.answers_branch == "kundencheck"
    assert over_ssh.snapshot()._replace(tips={}) == over_file.snapshot()._replace(tips={})
    assert load_runs(over_ssh.store, rev=ANSWERS_REF) == load_runs(over_file.store, rev=ANSWERS_REF)
    assert blob_of(info["work"], "main", CODE_FILE) not in objects(over_ssh)
    add_run(info)
    again = over_ssh.fetch(ssh_server.url(info["remote"]), branch=None, local=False, timeout=60)
    assert again.changed and again.new_files == 1


def test_over_ssh_a_key_the_server_refuses_is_said_as_such(tmp_path, ssh_server, monkeypatch):
    info = client_project(tmp_path, "shop", runs=1)
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    monkeypatch.setenv("GIT_SSH_COMMAND", ssh_server.ssh_command.replace(str(ssh_server.key), str(stranger)))
    cache = ProjectCache(tmp_path / "cache" / "shop.git")
    with pytest.raises(FetchError) as raised:
        cache.fetch(ssh_server.url(info["remote"]), branch=None, local=False, timeout=60)
    assert raised.value.problem is FetchProblem.AUTH
