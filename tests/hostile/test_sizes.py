"""Big inputs: a 500-item checklist, a 1,000-character question, a 1 MB note, 10,000 runs in
the history. Everything loads, the TUI stays responsive (each key is timed against RESPONSIVE,
a guard against hangs on a shared CI machine; benchmarks/bench_keys.py has the real figures),
and what is written stays bounded where it must be.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events

from kundencheck.core import answers as answers_mod
from kundencheck.core import answers_file
from kundencheck.core.catalog import load_catalog
from kundencheck.core.checklist import load_checklist
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.git import git
from tests.support.hostile import GERMAN, add_checklist, hostile_checklist
from tests.support.paths import ROOT
from tests.support.pilot import settle
from tests.support.screen import flat, screen_text

RESPONSIVE = 5.0  # seconds: a guard against hangs only (CI machines are shared); benchmarks/bench_keys.py has the real figures


def app_for(project, phase: str = "build"):
    def make(*args):
        return RunSession.start(project, phase, draft=args[-1] if args else None)

    return build_app(make)


async def timed_press(pilot, *keys: str) -> float:
    """How long ``keys`` took. Settle first (tests/support/pilot.py): pilot.press waits until the
    whole process is idle, so a key timed while the workers read history would count their work."""
    started = time.perf_counter()
    await pilot.press(*keys)
    await pilot.pause()
    return time.perf_counter() - started


async def confirm_commit(app, pilot) -> None:
    """``enter`` on the review screen, then wait (at most 10 s) until the app has committed and quit."""
    await pilot.press("enter")
    for _ in range(200):
        if not app.is_running:
            break
        await pilot.pause(0.05)


def committed_run(repo: Path, app, session) -> answers_mod.Run:
    """The run the app committed, read back from HEAD."""
    assert app.return_value is not None, "the app quit without a commit"
    return answers_file.loads(git(repo, "show", f"HEAD:{session.run.path}").encode("utf-8"))


async def latency(pilot, key: str, done, limit: float = 10.0) -> float:
    """Seconds from sending ``key`` until ``done()`` holds. pilot.press waits until the whole
    process is idle, which a busy worker thread (reading history) never is; this does not."""
    app = pilot.app
    started = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    while not done() and time.perf_counter() - started < limit:
        await asyncio.sleep(0.002)
    return time.perf_counter() - started


async def test_a_500_item_checklist_loads_and_the_tui_handles_it(repo):
    path = add_checklist(repo, hostile_checklist(GERMAN, items=495))
    assert len(load_checklist(path).items) == 500
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)
        assert "Answered 0 of 500" in screen_text(app)
        slowest = max([await timed_press(pilot, "1")] + [await timed_press(pilot, key) for key in "jjkk"])
        assert await timed_press(pilot, "end") < RESPONSIVE
        assert app.screen.current.id == "extra-494"
        slowest = max(slowest, await timed_press(pilot, "3"))  # the last item: no
        assert app.screen.current.id == "extra-494"
        await pilot.press("n", *"Zu spät", "escape")
        assert await timed_press(pilot, "home") < RESPONSIVE and app.screen.current.id == "light"
        assert slowest < RESPONSIVE, f"a key took {slowest:.2f} s with 500 items"
        assert await timed_press(pilot, "ctrl+s") < 3 * RESPONSIVE
        assert isinstance(app.screen, ReviewScreen)
        shown = flat(screen_text(app))
        assert "light ✔ yes" in shown and "mood not answered" in shown
        await pilot.press("escape", "ctrl+q", "y")
    project.close()
    draft = next((repo / ".git/kundencheck/drafts").glob("*.toml"))
    run = answers_file.loads(draft.read_bytes())
    assert run.answer("extra-494").note == "Zu spät"


@pytest.mark.parametrize("size", [(80, 24), (40, 15)])
async def test_a_1000_character_question(repo, size):
    question = " ".join(["Übermäßig"] * 60 + ["[bold]lang[/]"] * 40)[:1000]
    assert len(question) == 1000
    add_checklist(repo, hostile_checklist(GERMAN, question_extra=" " + question))
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = flat(screen_text(app))
        assert "Ampel Größe" in shown and "Übermäßig" in shown
        assert await timed_press(pilot, "2") < RESPONSIVE  # partly: needs a note
        await pilot.press(*"kurz", "enter", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.is_running
        await pilot.press("escape", "ctrl+q", "y")
    project.close()


async def test_a_1_mb_note_keeps_the_tui_responsive_and_the_message_bounded(project_repo, monkeypatch):
    note = ("Der Kunde hat am Telefon gesagt, dass er die Änderung nicht möchte. " * 15_000)[:1_000_000]
    from kundencheck.tui import editor

    monkeypatch.setattr(editor, "edit_in_app", lambda app, text: note)
    project = open_project(project_repo)
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        session = app.session
        await pilot.press("3")  # client-contacted: no -> note field
        took = await timed_press(pilot, "ctrl+e")  # the long note comes back from the editor
        assert session.run.answer("client-contacted").note == note
        field = app.screen.query_one("#note-input")
        assert field.value.startswith("(1,000,000 characters, ctrl+e edits them) Der Kunde") and field.disabled
        await pilot.press("escape")
        slowest = max([took] + [await timed_press(pilot, key) for key in ("j", "k", "j", "4", "k", "k")])
        assert slowest < RESPONSIVE, f"a key took {slowest:.2f} s with a 1 MB note"
        await pilot.press("n", *"x", "escape")  # the field is read-only: typing cannot cut the note
        assert session.run.answer("client-contacted").note == note
        session.set_action("client-contacted", what="Anrufen", owner="Ana", due=answers_mod.now().date())
        for item, value in (("own-design", "no"), ("expectations-match", "green"), ("self-critical", "ok")):
            session.set_value(item, value)
        assert await timed_press(pilot, "ctrl+s") < 2 * RESPONSIVE
        assert isinstance(app.screen, ReviewScreen)
        message = session.message()
        assert len(message) < 5_000 and "…" in message
        await confirm_commit(app, pilot)
    project.close()
    committed = committed_run(project_repo, app, session)
    assert committed.answer("client-contacted").note == note.strip()
    assert len(git(project_repo, "log", "-1", "--format=%B")) < 5_000


async def test_a_1_mb_action_and_text_answer_stay_bounded_everywhere(project_repo):
    """A 1 MB action (what), a 100 KB owner and a 1 MB text answer, as a paste could leave them:
    the run screen stays responsive and its layout whole, and the commit message, status, log and
    the Markdown and HTML reports show them shortened to a line (JSON, for programs, has them whole)."""
    from click.testing import CliRunner

    from kundencheck.cli import main

    what = ("Den Kunden anrufen und alle offenen Abweichungen durchgehen. " * 20_000)[:1_000_000]
    owner = ("Jürgen Groß " * 10_000)[:100_000]
    text = ("Früher widersprechen, öfter nachfragen. " * 30_000)[:1_000_000]
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    session.set_value("client-contacted", "red")
    session.set_note("client-contacted", "Nur Statusmails.")
    session.set_action("client-contacted", what=what, owner=owner, due=answers_mod.now().date() - dt.timedelta(days=3))
    for item, value in (("team-mood", 3), ("own-design", "no"), ("expectations-match", "green"), ("self-critical", text)):
        session.set_value(item, value)
    app = build_app(lambda *args: session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Question 1 of" in shown
        assert max(len(line) for line in shown.splitlines()) <= 80
        slowest = max([await timed_press(pilot, key) for key in ("j", "k", "end", "home")])
        assert slowest < RESPONSIVE, f"a key took {slowest:.2f} s with a 1 MB action"
        assert "Den Kunden anrufen" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await confirm_commit(app, pilot)
    project.close()
    committed = committed_run(project_repo, app, session)
    assert committed.answer("client-contacted").action.what == what.strip()
    assert committed.answer("self-critical").value == text
    assert len(git(project_repo, "log", "-1", "--format=%B")) < 5_000

    def output(*args: str) -> str:
        result = CliRunner().invoke(main, ["-C", str(project_repo), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    for args in (["status"], ["log"], ["log", "--item", "self-critical"], ["report"], ["report", "--format", "html"]):
        shown = output(*args)
        assert len(shown) < 20_000, (args, len(shown))
        assert max(len(line) for line in shown.splitlines()) < 2_000, args
        assert "…" in shown or args[0] == "log", args
    assert what.strip() in output("report", "--format", "json")


# ----------------------------------------------------------------------------- 10,000 runs


@pytest.fixture(scope="module")
def big_history(tmp_path_factory) -> Path:
    """10,000 runs in 100 commits of 100 answers files each, built with git fast-import (the
    benchmarks' synthetic answers: several authors and phases, notes, actions and their reviews)."""
    spec = importlib.util.spec_from_file_location("synthetic_repo", ROOT / "benchmarks" / "synthetic_repo.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    path = tmp_path_factory.mktemp("big") / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    checklists = {phase: load_catalog(None).find(phase, "en") for phase, _ in synthetic.PHASE_WEIGHTS}
    rng = random.Random(10_000)
    start = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    stream = []
    open_actions: dict[str, list[Any]] = {phase: [] for phase, _ in synthetic.PHASE_WEIGHTS}  # each run reviews its phase's
    for commit in range(100):
        moment = start + dt.timedelta(days=7 * commit)
        stream.append(
            f"commit refs/heads/main\ncommitter A <a@example.com> {int(moment.timestamp())} +0100\ndata 8\nanswers\n".encode()
        )
        for n in range(100):
            phase = rng.choices([p for p, _ in synthetic.PHASE_WEIGHTS], [w for _, w in synthetic.PHASE_WEIGHTS])[0]
            author = synthetic.AUTHORS[n % len(synthetic.AUTHORS)]
            rel, text, open_actions[phase] = synthetic._answers_file(
                checklists[phase], author, moment + dt.timedelta(minutes=n), rng, open_actions[phase]
            )
            blob = text.encode()
            stream.append(f"M 100644 inline {rel}\ndata {len(blob)}\n".encode() + blob + b"\n")
        stream.append(b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=b"".join(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)
    git(path, "config", "user.name", "Erika Mustermann")
    git(path, "config", "user.email", "erika@example.com")
    return path


async def test_ten_thousand_runs_in_the_history(big_history):
    assert len(git(big_history, "ls-tree", "-r", "--name-only", "HEAD", ".kundencheck/answers").split()) == 10_000
    project = open_project(big_history)
    app = app_for(project)
    started = time.perf_counter()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - started
        assert first < 5, f"the first screen took {first:.1f} s"
        assert isinstance(app.screen, RunScreen) or app.screen.__class__.__name__ in ("ActionsScreen", "HomeScreen")
        if not isinstance(app.screen, RunScreen):
            await pilot.press("escape")
            await pilot.pause()
        # Keys are handled while last time's answers and open actions are read in workers.
        busy = [w for w in app.workers if w.is_running]
        screen = app.screen
        slowest = 0.0
        for key, expected in (("j", 1), ("k", 0), ("j", 1), ("k", 0)):
            slowest = max(
                slowest, await latency(pilot, key, lambda expected=expected: screen.query_one("#items").highlighted == expected)
            )
        assert slowest < RESPONSIVE, f"a key took {slowest:.2f} s while {len(busy)} workers read the history"
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        if app.is_running:
            await pilot.press("y")
    project.close()
