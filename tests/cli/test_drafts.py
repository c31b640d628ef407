"""`kundencheck drafts` and the draft lock, on real repositories."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers_file
from kundencheck.core.errors import StoreError
from kundencheck.session import RunSession, open_project
from tests.support.git import git

COMPLETE = (
    ("client-contacted", "green"),
    ("team-mood", 4),
    ("own-design", "no"),
    ("expectations-match", "amber"),
    ("self-critical", "We argued"),
)


def invoke(repo: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo), *args], catch_exceptions=False)


def drafts_dir(repo: Path) -> Path:
    return repo / ".git" / "kundencheck" / "drafts"


def make_draft(repo: Path, answers=COMPLETE, *, sprint: str = "2026-W48") -> str:
    """A draft as the TUI leaves it when it is closed (or dies): saved after every answer."""
    project = open_project(repo)
    session = RunSession.start(project, "build", sprint=sprint)
    for item, value in answers:
        session.set_value(item, value)
    if dict(answers).get("expectations-match") == "amber":
        session.set_note("expectations-match", "Scope grew")
    session.release()
    project.close()
    return session.run.id


#: A second kundencheck process that takes a draft's lock the way a run does, says so, and waits.
HOLDER = """
import sys, time
from kundencheck.store.drafts import DraftStore
lock = DraftStore(__import__("pathlib").Path(sys.argv[1])).lock(sys.argv[2])
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holding(project_repo):
    """Start another process that holds the lock of a draft (by run id); returns the process.
    Every such process is killed at the end of the test."""
    started = []

    def hold(run_id: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(drafts_dir(project_repo)), run_id], stdout=subprocess.PIPE, text=True
        )
        started.append(process)
        assert process.stdout.readline().strip() == "holding"
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait()


@pytest.fixture
def live_pid():
    """A live process that has nothing to do with kundencheck: what a reused process id names."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.fixture
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: the pid belongs to no process now
    return process.pid


# ------------------------------------------------------------------------------ listing


def test_no_drafts(project_repo):
    result = invoke(project_repo, "drafts")
    assert result.exit_code == 0 and "No drafts" in result.output


def test_listing_shows_id_checklist_sprint_progress_and_time(project_repo, holding):
    complete = make_draft(project_repo)
    partial = make_draft(project_repo, COMPLETE[:2], sprint="Sprint \x1b[31m7")
    live_pid = holding(partial).pid
    result = invoke(project_repo, "drafts")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "checklist", "sprint", "answered", "last", "saved"]
    row = {line.split()[0]: line for line in lines[1:3]}
    today = dt.date.today().isoformat()
    assert "build (en)" in row[complete] and "2026-W48" in row[complete] and "5/6" in row[complete] and today in row[complete]
    assert "2/6" in row[partial] and f"in use by process {live_pid}" in row[partial]
    assert "in use" not in row[complete]
    assert "\x1b" not in result.output and "Sprint [31m7" not in result.output  # user text is cleaned
    assert "2 drafts." in result.output
    assert invoke(project_repo, "drafts", "list").output == result.output


def test_a_broken_draft_is_reported_and_skipped(project_repo):
    good = make_draft(project_repo)
    drafts_dir(project_repo).joinpath("20260101T000000Z-build-x-000000.toml").write_text("schema = 1\n")
    result = invoke(project_repo, "drafts")
    assert result.exit_code == 0
    assert good in result.output and "cannot be read" in result.output and "1 draft." in result.output


# ------------------------------------------------------------------------------ commit


def test_commit_a_complete_draft_exactly_as_the_tui_would(project_repo):
    run_id = make_draft(project_repo)
    before = int(git(project_repo, "rev-list", "--count", "HEAD"))
    result = invoke(project_repo, "drafts", "commit", run_id[:22])  # a unique start of the id is enough
    assert result.exit_code == 0, result.output
    assert "Committed" in result.output
    assert int(git(project_repo, "rev-list", "--count", "HEAD")) == before + 1
    assert git(project_repo, "log", "-1", "--format=%s").strip() == "kundencheck(build): 2 green, 1 amber, 0 red"
    assert f"Kundencheck-Run: {run_id}" in git(project_repo, "log", "-1", "--format=%B")
    files = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and files[0].endswith(f"/{run_id}.toml")
    run = answers_file.loads((project_repo / files[0]).read_bytes())
    assert run.answer("expectations-match").note == "Scope grew" and run.finished is not None
    assert not list(drafts_dir(project_repo).glob("*"))  # draft and lock are gone
    assert "No drafts" in invoke(project_repo, "drafts").output


def test_an_incomplete_draft_is_refused_and_kept(project_repo):
    run_id = make_draft(project_repo, (*COMPLETE[:1], ("expectations-match", "red")))
    draft = drafts_dir(project_repo) / f"{run_id}.toml"
    saved = draft.read_bytes()
    before = git(project_repo, "rev-parse", "HEAD")
    result = invoke(project_repo, "drafts", "commit", run_id)
    assert result.exit_code == 1
    assert "not complete" in result.output and "the draft is kept" in result.output
    assert "item 'expectations-match': the answer 'no' needs a note saying why." in result.output
    assert "required items not answered: team-mood, own-design, self-critical." in result.output
    assert git(project_repo, "rev-parse", "HEAD") == before
    assert draft.read_bytes() == saved
    assert not (drafts_dir(project_repo) / f"{run_id}.lock").exists()  # the lock is not left behind


def test_commit_refused_by_git_keeps_the_draft(project_repo):
    run_id = make_draft(project_repo)
    git(project_repo, "checkout", "-q", "--detach")
    result = invoke(project_repo, "drafts", "commit", run_id)
    assert result.exit_code == 1 and "detached" in result.output
    assert (drafts_dir(project_repo) / f"{run_id}.toml").exists()
    assert invoke(project_repo, "drafts", "commit", run_id, "--allow-detached").exit_code == 0


def test_unknown_ambiguous_and_unsafe_ids(project_repo):
    make_draft(project_repo)
    make_draft(project_repo)
    unknown = invoke(project_repo, "drafts", "commit", "19990101T000000Z")
    assert unknown.exit_code == 1 and "There is no draft '19990101T000000Z'" in unknown.output
    ambiguous = invoke(project_repo, "drafts", "commit", "2")
    assert ambiguous.exit_code == 2 and "starts 2 draft ids" in ambiguous.output
    unsafe = invoke(project_repo, "drafts", "discard", "../../HEAD")
    assert unsafe.exit_code == 2 and "is not a draft id" in unsafe.output
    assert (project_repo / ".git" / "HEAD").exists()


# ------------------------------------------------------------------------------ discard


def test_discard(project_repo):
    run_id = make_draft(project_repo, COMPLETE[:2])
    result = invoke(project_repo, "drafts", "discard", run_id)
    assert result.exit_code == 0 and f"Discarded draft {run_id} (2 answers)." in result.output
    assert not list(drafts_dir(project_repo).glob("*"))
    again = invoke(project_repo, "drafts", "discard", run_id)
    assert again.exit_code == 1 and "There is no draft" in again.output


# ------------------------------------------------------------------------------ the lock


def test_a_draft_held_by_a_live_process_is_not_opened_twice(project_repo, holding):
    run_id = make_draft(project_repo)
    lock = drafts_dir(project_repo) / f"{run_id}.lock"
    live_pid = holding(run_id).pid
    assert lock.read_text() == str(live_pid)  # information for people; the lock is the OS's
    project = open_project(project_repo)
    try:
        with pytest.raises(StoreError, match=f"in use by another kundencheck \\(process {live_pid}\\)") as info:
            RunSession.start(project, "build", draft=project.drafts.load(run_id))
    finally:
        project.close()
    # The message names the lock file and how it ends, and never promises that it clears itself.
    assert str(lock) in str(info.value) and f"kill {live_pid}" in str(info.value)
    assert "clears itself" not in str(info.value)
    assert lock.read_text() == str(live_pid)
    # Neither the CLI commits it nor discards it from under the other process.
    committed = invoke(project_repo, "drafts", "commit", run_id)
    assert committed.exit_code == 1 and "in use" in committed.output
    discarded = invoke(project_repo, "drafts", "discard", run_id)
    assert discarded.exit_code == 1 and "in use" in discarded.output
    assert (drafts_dir(project_repo) / f"{run_id}.toml").exists()


def test_the_lock_ends_with_the_process_that_held_it(project_repo, holding):
    """A kundencheck killed with SIGKILL (no chance to clean up) leaves its lock file, with its
    process id in it; the lock itself ended with the process, so the draft is free at once."""
    run_id = make_draft(project_repo)
    lock = drafts_dir(project_repo) / f"{run_id}.lock"
    holder = holding(run_id)
    assert "in use" in invoke(project_repo, "drafts").output
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock.read_text() == str(holder.pid)  # left behind, as a killed process leaves it
    assert "in use" not in invoke(project_repo, "drafts").output
    project = open_project(project_repo)
    session = RunSession.start(project, "build", draft=project.drafts.load(run_id))
    assert lock.read_text() == str(os.getpid())
    session.release()
    project.close()
    assert not lock.exists()
    result = invoke(project_repo, "drafts", "commit", run_id)
    assert result.exit_code == 0, result.output


def test_a_process_id_used_again_by_another_program_holds_nothing(project_repo, live_pid):
    """The lock file names a process that is alive, but that process never took the lock (its
    id was used again after the kundencheck that wrote it ended): the draft is free. Before, it
    stayed blocked for as long as that unrelated program ran."""
    run_id = make_draft(project_repo)
    lock = drafts_dir(project_repo) / f"{run_id}.lock"
    lock.write_text(str(live_pid))
    assert "in use" not in invoke(project_repo, "drafts").output
    project = open_project(project_repo)
    session = RunSession.start(project, "build", draft=project.drafts.load(run_id))
    assert lock.read_text() == str(os.getpid())
    session.release()
    project.close()
    lock.write_text(str(live_pid))
    result = invoke(project_repo, "drafts", "commit", run_id)
    assert result.exit_code == 0, result.output


def test_one_process_may_take_a_draft_it_holds_again(project_repo):
    run_id = make_draft(project_repo)
    lock = drafts_dir(project_repo) / f"{run_id}.lock"
    project = open_project(project_repo)
    first = RunSession.start(project, "build", draft=project.drafts.load(run_id))
    second = RunSession.start(project, "build", draft=project.drafts.load(run_id))
    first.release()
    assert lock.exists() and project.drafts.holder(run_id) is None
    # Still held against other processes until the second session lets go too.
    held = subprocess.run(
        [sys.executable, "-c", HOLDER, str(drafts_dir(project_repo)), run_id],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert held.returncode != 0 and "in use by another kundencheck" in held.stderr
    second.release()
    project.close()
    assert not lock.exists()


def test_help_has_examples():
    for args in (["drafts"], ["drafts", "commit"], ["drafts", "discard"]):
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, args


def test_listing_sweeps_the_locks_of_dead_runs_that_saved_nothing(project_repo, holding, live_pid, dead_pid):
    """A kundencheck killed before its first answer leaves a lock file and no draft. Listing
    the drafts removes such files when no process holds them (whatever process id they name);
    a held lock and a lock with a draft stay."""
    folder = drafts_dir(project_repo)
    with_draft = make_draft(project_repo)
    folder.joinpath(f"{with_draft}.lock").write_text(str(dead_pid))
    folder.joinpath("20261127T090000Z-build-dead-000001.lock").write_text(str(dead_pid))
    holding("20261127T090000Z-build-live-000002")
    folder.joinpath("20261127T090000Z-build-reused-000003.lock").write_text(str(live_pid))
    folder.joinpath("20261127T090000Z-build-empty-000004.lock").write_text("")
    assert invoke(project_repo, "drafts").exit_code == 0
    assert sorted(p.name for p in folder.glob("*.lock")) == ["20261127T090000Z-build-live-000002.lock", f"{with_draft}.lock"]
