"""SIGINT during a run, in a real terminal (tmux): ctrl+c typed, and `kill -INT` from outside.

tests/cli/test_crash_recovery.py covers SIGTERM, SIGHUP and kill -9. A Textual app reads
ctrl+c as a key (the terminal is in raw mode, so no signal is sent): kundencheck stays open,
says how to quit, and the draft already holds every answer. `kill -INT` is a real signal: the
draft is saved, the process ends cleanly, and the terminal is restored (no alternate screen, no
mouse reporting left on).
"""

from __future__ import annotations

import os
import shutil
import signal

import pytest

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

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed", allow_module_level=True)


def terminal_state(tmux) -> list[str]:
    return tmux("display-message", "-p", "-t", tmux.name, "#{alternate_on} #{mouse_any_flag}").split()


def test_ctrl_c_keeps_the_run_open_and_the_draft_complete(project_repo, terminal):
    tmux = terminal()
    start_kundencheck(tmux, project_repo)
    answer_first_two(tmux, project_repo)
    pid = kundencheck_pid(project_repo)
    tmux.keys("C-c")
    tmux.wait_for("to quit")  # Textual's own hint: ctrl+c no longer quits
    assert is_alive(pid) and terminal_state(tmux)[0] == "1"
    assert saved_draft(project_repo, {"client-contacted": "green", "team-mood": 4}) is not None
    tmux.keys("q")
    tmux.wait_for("Quit without committing?")
    tmux.keys("y")
    status, screen = wait_for_exit(tmux)
    assert status == 0 and "kept as a draft" in screen
    assert terminal_state(tmux) == ["0", "0"]


def test_kill_int_saves_the_draft_and_restores_the_terminal(project_repo, terminal):
    tmux = terminal()
    start_kundencheck(tmux, project_repo)
    answer_first_two(tmux, project_repo)
    pid = kundencheck_pid(project_repo)
    assert terminal_state(tmux)[0] == "1"
    os.kill(pid, signal.SIGINT)
    status, screen = wait_for_exit(tmux)
    wait_until(lambda: not is_alive(pid), "the interrupted process to end")
    assert "Traceback" not in screen, screen
    assert status in (0, 130) and "kept as a draft" in screen, screen
    assert terminal_state(tmux) == ["0", "0"]
    assert saved_draft(project_repo, {"client-contacted": "green", "team-mood": 4}) is not None
    assert not list(drafts_dir(project_repo).glob("*.lock"))  # released on the way out
