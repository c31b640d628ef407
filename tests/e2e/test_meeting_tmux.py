"""A sprint meeting of four in a real terminal (tmux): the votes are typed, the agreed answers
committed, and afterwards the terminal's scrollback holds no person's name near their anonymous
vote (docs/anonymity.md: the screen closes, nothing of it is left to scroll back to)."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.support.git import git
from tests.support.meeting import ANA, BEN, CEM, KEYS, VOTES, leaks, meeting_repo

pytestmark = pytest.mark.tmux

if shutil.which("tmux") is None:  # .ci/run installs it; a developer machine may lack it
    pytest.skip("tmux is not installed", allow_module_level=True)


def test_a_meeting_in_a_real_terminal_leaves_no_vote_in_the_scrollback(repo, terminal):
    tmux = terminal()
    meeting_repo(repo)
    people = " ".join(f'--participant "{p}"' for p in (ANA, BEN, CEM))
    tmux.type(f"{sys.executable} -m kundencheck -C {repo} meeting {people}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Who is at the sprint meeting?")
    tmux.keys("Escape")
    tmux.wait_for("Erika Mustermann's turn")
    # Votes whose agreed answers need no note and no action: only keys are typed, never text that
    # could land in another field while the focus moves. mood-animal is voted as in the pilot's test.
    votes = {
        "client-contacted": ["green", "green", "amber", "green"],
        "team-mood": [4, 5, 3, 4],
        "mood-animal": list(VOTES["mood-animal"].values()),
    }
    for item, values in votes.items():
        for value in values:
            tmux.keys(KEYS.get(value, str(value)))
        tmux.wait_for("Suggested")
        tmux.keys("Enter")
        if item != "mood-animal":
            tmux.wait_for("Erika Mustermann's turn")
    tmux.wait_for("next review")
    tmux.keys("Enter")  # optional: left empty
    tmux.keys("F2")
    tmux.wait_for("Commit message")
    tmux.keys("Enter")
    screen = tmux.wait_for("EXIT=0")
    assert "Committed" in screen
    assert "agreed in a sprint meeting of 4" in git(repo, "log", "-1", "--format=%B")
    state = tmux("display-message", "-p", "-t", tmux.name, "#{alternate_on}")
    assert state.split() == ["0"]  # the meeting's screen is gone
    scrollback = tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", tmux.name)
    assert "The votes" not in scrollback and "have voted" not in scrollback  # nothing of the screen is left
    assert leaks([("the terminal's scrollback", scrollback.encode())]) == []
