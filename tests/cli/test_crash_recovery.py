"""Drafts survive a killed kundencheck: kill -9 mid-run, start again, resume, commit.

A real `python -m kundencheck` runs in tmux, keys are typed, and the process is killed from
outside, as a crash, an OOM kill or a closed laptop lid would.
"""

from __future__ import annotations

import os
import shutil
import signal

import pytest

from kundencheck.core import answers_file
from tests.support.git import git
from tests.support.tmux import (
    answer_first_two,
    drafts_dir,
    is_alive,
    kundencheck_pid,
    saved_draft,
    start_kundencheck,
    wait_for_exit,
    wait_until,
)

pytestmark = pytest.mark.tmux

if shutil.which("tmux") is None:  # .ci/run installs it; a developer machine may lack it
    pytest.skip("tmux is not installed", allow_module_level=True)


def test_kill_9_then_resume_and_commit(project_repo, terminal):
    first = terminal()
    start_kundencheck(first, project_repo)
    draft = answer_first_two(first, project_repo)
    pid = kundencheck_pid(project_repo)

    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not is_alive(pid), "the killed process to be gone")
    assert wait_for_exit(first)[0] == 137
    assert git(project_repo, "log", "-1", "--format=%s").strip() == "Add our own build checklist"

    second = terminal()  # a fresh terminal, as after a crash
    start_kundencheck(second, project_repo)
    screen = second.wait_for("An unfinished run was found")
    assert draft.id in screen.replace("\n", "") or "2 answers" in screen
    second.keys("r")
    second.wait_for("Answered 2 of 6")
    second.keys("j")
    second.keys("j")
    second.wait_for("own design")
    second.keys("2")  # own-design: no
    second.wait_for("expectations still match")
    second.keys("1")
    second.wait_for("next review")
    second.type("2026-12-10")
    second.keys("Enter")
    second.wait_for("advised better")
    second.type("We argued")
    second.keys("Enter")
    second.wait_for("All answered")
    second.keys("F2")
    second.wait_for("Commit message")
    second.keys("Enter")
    status, screen = wait_for_exit(second)
    assert status == 0 and "Committed" in screen

    assert git(project_repo, "log", "-1", "--format=%s").strip() == "kundencheck(build): 3 green, 0 amber, 0 red"
    assert f"Kundencheck-Run: {draft.id}" in git(project_repo, "log", "-1", "--format=%B")
    committed = answers_file.loads((project_repo / draft.path).read_bytes())
    assert committed.answer("client-contacted").value == "green"  # given before the kill
    assert committed.answer("team-mood").value == 4  # given before the kill
    assert committed.answer("self-critical").value == "We argued"
    assert not list(drafts_dir(project_repo).glob("*"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_termination_keeps_the_draft_and_restores_the_terminal(project_repo, terminal, signum):
    tmux = terminal()
    start_kundencheck(tmux, project_repo)
    answer_first_two(tmux, project_repo)
    pid = kundencheck_pid(project_repo)
    assert tmux("display-message", "-p", "-t", tmux.name, "#{alternate_on}").strip() == "1"

    os.kill(pid, signum)
    status, screen = wait_for_exit(tmux)
    assert status == 0 and "No commit made" in screen and "kept as a draft" in screen, screen
    state = tmux("display-message", "-p", "-t", tmux.name, "#{alternate_on} #{mouse_any_flag}")
    assert state.split() == ["0", "0"]
    run = saved_draft(project_repo, {"client-contacted": "green", "team-mood": 4})
    assert run is not None
    assert not list(drafts_dir(project_repo).glob("*.lock"))  # released on the way out


def test_quitting_before_any_answer_says_so_and_leaves_nothing_behind(project_repo, terminal):
    """`q` on the first question: the message does not promise a draft that was never written,
    and neither a draft nor its lock stays in the drafts folder."""
    tmux = terminal()
    start_kundencheck(tmux, project_repo)
    tmux.wait_for("Question 1 of 6")
    tmux.keys("q")
    status, screen = wait_for_exit(tmux)
    assert status == 0 and "No commit made: nothing was answered." in screen, screen
    assert "kept as a draft" not in screen
    assert not list(drafts_dir(project_repo).glob("*"))
