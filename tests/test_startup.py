"""The garbage collector paused while kundencheck starts (kundencheck/startup.py)."""

from __future__ import annotations

import gc

import pytest
from click.testing import CliRunner

from kundencheck import startup
from kundencheck.cli import main


@pytest.fixture(autouse=True)
def collector_restored():
    enabled = gc.isenabled()
    yield
    startup._paused = False
    (gc.enable if enabled else gc.disable)()


def test_a_pause_is_resumed_and_only_a_pause_it_made():
    startup.pause_collector()
    assert not gc.isenabled()
    startup.resume_collector()
    assert gc.isenabled()
    gc.disable()  # a host's own choice
    startup.pause_collector()
    startup.resume_collector()
    assert not gc.isenabled()


def test_commands_without_a_screen_resume_the_collector(project_repo):
    """Only `run` and `home` wait for a first frame to resume it; `status` and the rest would
    otherwise do all their work (years of history) with it paused."""
    startup.pause_collector()
    result = CliRunner().invoke(main, ["-C", str(project_repo), "validate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
