"""One whole check in a real terminal: tmux runs kundencheck, keys are typed, git log is read."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.support.git import git
from tests.support.history import build_history

pytestmark = pytest.mark.tmux

if shutil.which("tmux") is None:  # .ci/run installs it; a developer machine may lack it
    pytest.skip("tmux is not installed", allow_module_level=True)


@pytest.fixture
def tmux(terminal):
    """One terminal (the ``terminal`` fixture opens them)."""
    return terminal()


def test_whole_check_in_a_real_terminal(project_repo, tmux):
    tmux.type(f"{sys.executable} -m kundencheck -C {project_repo}; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("Question 1 of 6")
    tmux.keys("3")
    tmux.wait_for("needs a note")
    tmux.type("No call")
    tmux.keys("Enter")
    tmux.type("Call")
    tmux.keys("Enter")
    tmux.type("Ana")
    tmux.keys("Enter")
    tmux.type("2026-12-04")
    tmux.keys("Enter")
    tmux.wait_for("team's mood")
    tmux.keys("4")
    tmux.wait_for("own design")
    tmux.keys("1")
    tmux.wait_for("deviates")
    tmux.keys("2")
    tmux.type("Two")
    tmux.keys("Enter")
    tmux.wait_for("expectations still match")
    tmux.keys("1")
    tmux.wait_for("next review")
    tmux.type("2026-12-10")
    tmux.keys("Enter")
    tmux.wait_for("advised better")
    tmux.type("We argued")
    tmux.keys("Enter")
    tmux.wait_for("All answered")
    tmux.keys("F2")
    tmux.wait_for("Commit message")
    tmux.keys("Enter")
    screen = tmux.wait_for("EXIT=0")
    assert "Committed" in screen and "kundencheck(build): 2 green, 1 amber, 1 red; Talked to the client no" in screen

    # The terminal is back to normal: no alternate screen, no mouse reporting left on.
    state = tmux("display-message", "-p", "-t", tmux.name, "#{alternate_on} #{mouse_any_flag} #{cursor_flag}")
    assert state.split() == ["0", "0", "1"]

    subject = git(project_repo, "log", "-1", "--format=%s").strip()
    assert subject == "kundencheck(build): 2 green, 1 amber, 1 red; Talked to the client no"
    files = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and files[0].startswith(".kundencheck/answers/")


def test_amend_in_a_real_terminal(project_repo, tmux):
    """`kundencheck amend`: the last run's answers open, one is changed, the review asks why,
    and a correction is committed (three sprints of history, the repository's user is Jonas)."""

    runs = build_history(project_repo)["runs"]
    tmux.type(f"{sys.executable} -m kundencheck -C {project_repo} amend; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("A correction of the answers of Jonas Berg")
    tmux.keys("j")
    tmux.wait_for("team's mood")
    tmux.keys("4")
    tmux.keys("F2")
    tmux.wait_for("Why are these answers corrected?")
    tmux.type("Mood was 4, not 5")
    tmux.keys("Enter")
    screen = tmux.wait_for("EXIT=0")
    assert "Committed" in screen and "kundencheck(build): correction, 2 green, 0 amber, 1 red" in screen
    assert git(project_repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Corrects,valueonly)").strip() == runs["jonas3"].id


def test_init_asks_in_german_once_german_is_chosen(repo, tmux):
    """`kundencheck init` in a real terminal whose LANG is English: the first question is the
    language; after "de", every question, the answer to a mistake and the report are German."""
    tmux.type(f"{sys.executable} -m kundencheck -C {repo} init; echo EXIT=$?")
    tmux.keys("Enter")
    tmux.wait_for("(de, en) [en]:")
    tmux.type("de")
    tmux.keys("Enter")
    tmux.wait_for("Projektname [project]:")
    tmux.type("Shop")
    tmux.keys("Enter")
    tmux.wait_for("Kunde:")
    tmux.type("Kunde AG")
    tmux.keys("Enter")
    tmux.wait_for("Name der Agentur")
    tmux.type("Pixelwerk")
    tmux.keys("Enter")
    tmux.wait_for("Aktuelle Phase (kickoff, design, build, acceptance, handover) [build]:")
    tmux.type("bau")
    tmux.keys("Enter")
    tmux.wait_for("Fehler: 'bau' ist keine der Möglichkeiten")
    tmux.keys("Enter")  # the default, build
    tmux.wait_for("(ja, nein) [")
    tmux.keys("Enter")
    screen = tmux.wait_for("EXIT=0")
    asked = screen.split("(de, en) [en]:", 1)[1]
    assert "committet: kundencheck: Projekt einrichten" in asked
    for english in ("Project name", "Client", "Current phase", "Suggest", "Error", "Committed"):
        assert english not in asked, (english, screen)
    assert git(repo, "log", "-1", "--format=%s").strip() == "kundencheck: Projekt einrichten"
    assert 'language = "de"' in (repo / ".kundencheck" / "config.toml").read_text()
