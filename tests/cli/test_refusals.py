"""Refused commits keep the answers in a draft whose real id they name, or claim none; a run
that is already committed is never committed again (issue 16, items 3 and 4). Real
repositories, the real commands."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers as answers_mod
from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from tests.support.git import git
from tests.support.template import COMPLETE, fill, template

KEPT = re.compile(r"Your answers are kept as draft ([A-Za-z0-9-]+)")


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False)


def drafts_dir(repo: Path) -> Path:
    return repo / ".git" / "kundencheck" / "drafts"


def _lock(repo: Path):
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    return lock.unlink


def _merge(repo: Path):
    git(repo, "branch", "other")
    (repo / "c.txt").write_text("main\n")
    git(repo, "add", "c.txt")
    git(repo, "commit", "-q", "-m", "main side")
    git(repo, "switch", "-q", "other")
    (repo / "c.txt").write_text("other\n")
    git(repo, "add", "c.txt")
    git(repo, "commit", "-q", "-m", "other side")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "other", check=False)
    assert (repo / ".git" / "MERGE_HEAD").exists()
    return lambda: git(repo, "merge", "--abort")


def _detached(repo: Path):
    git(repo, "switch", "-q", "--detach")
    return lambda: git(repo, "switch", "-q", "main")


@pytest.fixture(autouse=True)
def quick_lock(monkeypatch):
    from kundencheck.store import committing

    monkeypatch.setattr(committing, "LOCK_WAIT", 0.2)


@pytest.mark.parametrize("source", ["stdin", "file"])
@pytest.mark.parametrize("block", [_lock, _merge, _detached], ids=["index.lock", "merge", "detached"])
def test_answer_from_refused_keeps_a_draft_and_names_its_real_id(project_repo, tmp_path, source, block):
    text = fill(template(project_repo), COMPLETE)
    unblock = block(project_repo)
    before = git(project_repo, "rev-parse", "HEAD")
    if source == "stdin":
        result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    else:
        filled = tmp_path / "filled.toml"
        filled.write_text(text)
        result = invoke(project_repo, "answer", "build", "--from", str(filled))
    assert result.exit_code == 1, result.output
    assert "will not commit now" in result.stderr and "Traceback" not in result.output
    found = KEPT.findall(result.stderr)
    assert len(found) == 1, result.stderr
    run_id = found[0]
    assert f"`kundencheck drafts commit {run_id}`" in result.stderr
    draft = drafts_dir(project_repo) / f"{run_id}.toml"
    kept = answers_file.loads(draft.read_bytes())
    assert kept.answer("self-critical").value == "We argued" and kept.answer("client-contacted").action.what == "Call"
    assert git(project_repo, "rev-parse", "HEAD") == before
    assert run_id in invoke(project_repo, "drafts").stdout

    unblock()
    committed = invoke(project_repo, "drafts", "commit", run_id)  # what the message said works
    assert committed.exit_code == 0, committed.output
    assert git(project_repo, "show", "--name-only", "--format=%s", "HEAD").startswith("kundencheck(build)")
    assert not draft.exists()
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").strip()
    assert path.endswith(f"/{run_id}.toml")


@pytest.mark.parametrize("block", [_lock, _merge, _detached], ids=["index.lock", "merge", "detached"])
def test_drafts_commit_refused_names_the_same_draft(project_repo, block):
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 4),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "ok"),
    ):
        session.set_value(item, value)
    session.release()
    project.close()
    run_id = session.run.id
    unblock = block(project_repo)
    result = invoke(project_repo, "drafts", "commit", run_id)
    assert result.exit_code == 1
    assert KEPT.findall(result.stderr) == [run_id]
    assert "once this is sorted out" in result.stderr
    unblock()
    assert invoke(project_repo, "drafts", "commit", run_id).exit_code == 0


def test_no_draft_is_claimed_when_none_could_be_saved(project_repo):
    """The drafts folder is on a full disk: the refusal says nothing about a draft (the answers
    file given is still there to try again)."""
    # A draft of some pages: it cannot be written, the draft's small lock file can.
    text = fill(template(project_repo), {**COMPLETE, "self-critical": {"value": "We argued. " * 1500}})
    folder = drafts_dir(project_repo)
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        with (folder / "filler").open("wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:
                pass
        with (folder / "filler").open("r+b") as handle:
            handle.truncate((folder / "filler").stat().st_size - 8192)  # room for a lock file
        _lock(project_repo)
        result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
    assert result.exit_code == 1
    assert "index.lock" in result.stderr and not KEPT.search(result.stderr) and "drafts commit" not in result.stderr


def test_a_draft_of_a_run_already_committed_is_refused_with_what_to_do(project_repo):
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 4),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "ok"),
    ):
        session.set_value(item, value)
    stale = drafts_dir(project_repo) / f"{session.run.id}.toml"
    copy = stale.read_bytes()
    session.commit()
    project.close()
    stale.write_bytes(copy)  # a draft left over from that commit (a crash right after it)
    head = git(project_repo, "rev-parse", "HEAD")
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").strip()
    committed = git(project_repo, "show", f"HEAD:{path}")

    result = invoke(project_repo, "drafts", "commit", session.run.id)
    assert result.exit_code == 1
    message = result.stderr
    assert f"Run {session.run.id} is already committed ({path} on the checked-out branch)" in message
    assert f"`kundencheck drafts discard {session.run.id}`" in message
    assert f"`kundencheck amend {session.run.id}`" in message
    assert "drafts commit" not in message  # committing it again is exactly what does not work
    assert git(project_repo, "rev-parse", "HEAD") == head
    assert git(project_repo, "show", f"HEAD:{path}") == committed
    assert invoke(project_repo, "drafts", "discard", session.run.id).exit_code == 0


def test_answer_from_with_a_run_id_already_committed_rewrites_nothing(project_repo, monkeypatch):
    text = fill(template(project_repo), COMPLETE)
    # The same second and the same random part: the same run id twice.
    monkeypatch.setattr(answers_mod, "random_hex", lambda nbytes: "abcdef")
    moment = answers_mod.now()
    monkeypatch.setattr(answers_mod, "now", lambda: moment)
    assert invoke(project_repo, "answer", "build", "--from", "-", input=text).exit_code == 0
    head = git(project_repo, "rev-parse", "HEAD")
    changed = text.replace('"We argued"', '"Rewritten"')
    result = invoke(project_repo, "answer", "build", "--from", "-", input=changed)
    assert result.exit_code == 1 and "is already committed" in result.stderr
    assert git(project_repo, "rev-parse", "HEAD") == head
    assert "Rewritten" not in git(project_repo, "log", "-p", "-1")


def test_a_team_branch_in_another_worktree_is_refused_with_the_draft_kept(project_repo, tmp_path):
    (project_repo / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    git(project_repo, "branch", "kundencheck")
    linked = tmp_path / "answers"
    git(project_repo, "worktree", "add", "-q", str(linked), "kundencheck")
    text = fill(template(project_repo), COMPLETE)
    result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert result.exit_code == 1
    assert f"already checked out at {linked}" in result.stderr
    assert len(KEPT.findall(result.stderr)) == 1
    shutil.rmtree(linked)
    git(project_repo, "worktree", "prune")
    run_id = KEPT.findall(result.stderr)[0]
    assert invoke(project_repo, "drafts", "commit", run_id).exit_code == 0
    assert git(project_repo, "ls-tree", "-r", "--name-only", "kundencheck").count(run_id) == 1


def test_a_run_onto_a_team_branch_is_checked_for_that_branch_before_anything_is_asked(project_repo, tmp_path, monkeypatch):
    """`kundencheck run` looks at the branch its commit will go onto before the UI opens: the
    team's answers branch checked out in another worktree refuses it there (the look checked
    HEAD's branch only, so the run started and was refused after every answer); a detached
    HEAD or a merge in this worktree does not stop a run whose commit does not touch them."""
    (project_repo / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    git(project_repo, "branch", "kundencheck")
    linked = tmp_path / "answers"
    git(project_repo, "worktree", "add", "-q", str(linked), "kundencheck")
    from kundencheck.tui import app

    def no_ui(*_args, **_kwargs):
        raise AssertionError("the UI was started")

    monkeypatch.setattr(app, "build_app", no_ui)
    result = invoke(project_repo, "run", "build")
    assert result.exit_code == 1 and f"already checked out at {linked}" in result.stderr
    shutil.rmtree(linked)
    git(project_repo, "worktree", "prune")
    _detached(project_repo)
    (project_repo / ".git" / "MERGE_HEAD").write_text(git(project_repo, "rev-parse", "HEAD") + "\n")
    project = open_project(project_repo)
    try:
        assert project.check_ready() == []
    finally:
        project.close()


def test_ctrl_c_during_the_commit_names_the_draft_that_keeps_the_answers(project_repo, tmp_path):
    import os
    import signal
    import sys
    import time

    text = fill(template(project_repo), COMPLETE)
    started = tmp_path / "hook-started"
    hook = project_repo / ".git" / "hooks" / "commit-msg"
    hook.write_text(f'#!/bin/sh\n: > "{started}"\nsleep 20\n')
    hook.chmod(0o755)
    source = tmp_path / "filled.toml"
    source.write_text(text)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kundencheck", "-C", str(project_repo), "answer", "build", "--from", "-"],
        stdin=source.open("rb"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Interrupted; nothing was committed." in err and "Traceback" not in err
    found = KEPT.findall(err)
    assert len(found) == 1
    assert (drafts_dir(project_repo) / f"{found[0]}.toml").is_file()
    assert "kundencheck(" not in git(project_repo, "log", "--format=%s")
    hook.unlink()
    assert invoke(project_repo, "drafts", "commit", found[0]).exit_code == 0
