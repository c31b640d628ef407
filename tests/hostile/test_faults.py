"""Faults while a run is open: a disk that fills up while the draft is saved, a git hook that
never ends. The run goes on, nothing typed is lost, and the person is told what happened.
"""

from __future__ import annotations

import asyncio
import errno
import subprocess
import time
from pathlib import Path

import pytest

from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from kundencheck.store.git_store import GitStore
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.dialogs import HelpScreen
from kundencheck.tui.screens.review import ReviewScreen
from tests.support.git import git
from tests.support.screen import flat, screen_text


def app_for(project):
    """The app on the project's build checklist (works with either factory signature)."""

    def make(*args):
        draft = args[-1] if args else None
        return RunSession.start(project, "build", draft=draft)

    return build_app(make)


# ----------------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(project_repo):
    """A 64 KiB tmpfs mounted over the repository's drafts folder; unmounted afterwards."""
    drafts = project_repo / ".git" / "kundencheck" / "drafts"
    drafts.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(drafts)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield drafts
    finally:
        subprocess.run(["umount", "-l", str(drafts)], capture_output=True, check=False)


def fill_up(folder: Path) -> Path:
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


async def test_a_full_disk_keeps_the_last_draft_says_so_and_the_run_goes_on(project_repo, small_disk):
    project = open_project(project_repo)
    app = app_for(project)
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.session
        await pilot.press("1")  # client-contacted: yes -> saved
        draft = small_disk / f"{session.run.id}.toml"
        saved = draft.read_bytes()
        assert answers_file.loads(saved).answer("client-contacted").value == "green"

        filler = fill_up(small_disk)
        await pilot.press("4")  # team mood: the save fails
        await pilot.pause()
        assert session.run.answer("team-mood").value == 4  # kept in memory
        assert draft.read_bytes() == saved  # the previous draft is intact (atomic write)
        assert not [p for p in small_disk.iterdir() if p.name.endswith(".tmp")]  # no torn temp file
        hint = flat(screen_text(app))
        assert "Could not save the draft" in hint and "No space left on device" in hint, hint
        assert "previous draft is unchanged" in hint

        await pilot.press("2")  # the run goes on: own design no
        assert session.run.answer("own-design").value == "no"
        filler.unlink()  # space again: the next answer saves everything, the warning goes
        await pilot.press("1")
        await pilot.pause()
        back = answers_file.loads(draft.read_bytes())
        assert [back.answer(i).value for i in ("client-contacted", "team-mood", "own-design", "expectations-match")] == [
            "green",
            4,
            "no",
            "green",
        ]
        assert "Could not save the draft" not in flat(screen_text(app))
        assert app.is_running
        await pilot.press("ctrl+q", "y")
    project.close()


# ----------------------------------------------------------------------------- a hanging git


SLEEP = "37.5"  # an unusual duration, to find the hook's process afterwards


def sleepers() -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if (proc / "cmdline").read_bytes().split(b"\0")[:2] == [b"sleep", SLEEP.encode()]:
                found.append(proc.name)
        except OSError:
            continue
    return found


async def test_a_hanging_commit_hook_is_stopped_the_tui_stays_responsive_and_the_draft_kept(project_repo, monkeypatch):
    monkeypatch.setattr(GitStore, "timeout", 4.0)
    hook = project_repo / ".git" / "hooks" / "commit-msg"
    hook.write_text(f"#!/bin/sh\nsleep {SLEEP}\n")
    hook.chmod(0o755)
    project = open_project(project_repo)
    app = app_for(project)
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.session
        for item, value in (
            ("client-contacted", "green"),
            ("team-mood", 4),
            ("own-design", "no"),
            ("expectations-match", "green"),
            ("self-critical", "ok"),
        ):
            session.set_value(item, value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        review = app.screen
        started = time.monotonic()
        await pilot.press("enter")
        await pilot.pause(0.3)
        committing = [w for w in review.workers if w.name == "_commit"]
        assert committing and committing[0].is_running, "the commit runs in a worker"
        # While git waits, keys are still handled: help opens and closes.
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert committing[0].is_running and time.monotonic() - started < 4.0
        await pilot.press("escape")
        assert app.screen is review
        while committing[0].is_running and time.monotonic() - started < 30:
            await pilot.pause(0.1)
        await pilot.pause()
        elapsed = time.monotonic() - started
        assert elapsed < 15, f"the commit was stopped only after {elapsed:.1f} s"
        error = flat(str(review.query_one("#review-error").render()))
        assert "did not finish within 4 seconds" in error and "commit-msg hook" in error, error
        assert f"kundencheck drafts commit {session.run.id}" in error
        assert app.is_running and session.committed is None
    project.close()
    draft = project_repo / ".git" / "kundencheck" / "drafts" / f"{session.run.id}.toml"
    assert answers_file.loads(draft.read_bytes()).answer("self-critical").value == "ok"
    assert "kundencheck(" not in git(project_repo, "log", "--format=%s")
    assert not list(project_repo.glob(".git/KUNDENCHECK_MSG.*"))  # its temporary message file is gone
    deadline = time.monotonic() + 5
    while sleepers() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not sleepers(), "the hook's process was left running"
