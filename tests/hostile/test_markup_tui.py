"""Markup and terminal control in every text the TUI shows: printed literally, never parsed,
never executed, never sent to the terminal.

A project checklist carries ``[bold]``, ``[/]``, ``[/foo]``, ``[link=x]`` and
``[@click=app.quit]`` (and escape sequences) in its title, description, questions, whys, scale
labels and option labels; the git author name and the earlier run's notes, actions and sprint
carry them too. The pilot walks every screen: run (each kind of item, last time's answer), the
note and action fields, help, the quit dialog, review with the commit message, and the
resume-draft dialog; on each the literal text must be on screen and the app still running,
also after clicking right on ``[@click=app.quit]``.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
from textual import events

import kundencheck
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.actions import ActionsScreen
from kundencheck.tui.screens.dialogs import ConfirmQuitScreen, HelpScreen, ResumeDraftScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.git import git
from tests.support.hostile import (
    CONTROL,
    MARKUP,
    MARKUP_LINE,
    add_checklist,
    assert_no_control,
    commit_hand_written,
    hand_written_run,
    hostile_checklist,
    set_author,
    toml_str,
)
from tests.support.screen import flat, screen_text

HOSTILE = MARKUP_LINE + " " + CONTROL
SRC = Path(kundencheck.__file__).resolve().parent


@pytest.fixture
def markup_repo(repo: Path) -> Path:
    add_checklist(repo, hostile_checklist(HOSTILE))
    set_author(repo, "Mallory " + HOSTILE.replace("\x00", ""))
    run_id = "20261113T080000Z-build-m-000001"
    commit_hand_written(
        repo, hand_written_run(run_id, "S " + HOSTILE, "M " + HOSTILE + " <m@example.com>", "Vorher " + HOSTILE), run_id
    )
    return repo


def assert_shows_literally(app, *, min_tokens: int = 5, where: str = "") -> str:
    text = screen_text(app)
    assert_no_control(text, f"the {where or type(app.screen).__name__} screen")
    shown = flat(text)
    found = [token for token in MARKUP if token in shown]
    assert len(found) >= min_tokens, f"{where}: only {found} of {MARKUP} shown literally:\n{text}"
    assert app.is_running and app.return_value is None
    return text


async def click_on(pilot, text: str, token: str = "[@click=app.quit]") -> None:
    """Click right on ``token`` where it is drawn: parsed as markup, this would quit."""
    for row, line in enumerate(text.splitlines()):
        col = line.find(token)
        if col >= 0:
            await pilot.click(offset=(col + 3, row))
            await pilot.pause()
            return


async def test_every_screen_shows_markup_literally_and_never_runs_it(markup_repo):
    project = open_project(markup_repo)
    app = build_app(lambda _phase, draft: RunSession.start(project, "build", draft=draft, sprint="Sprint " + HOSTILE))
    async with app.run_test(size=(160, 48)) as pilot:
        # Last time's answers and open actions are read in workers that start after the first
        # frame; on a busy machine they may not have started at the first pause.
        deadline = time.monotonic() + 20
        while not (isinstance(app.screen, ActionsScreen) and "Tun Vorher" in screen_text(app)):
            assert time.monotonic() < deadline, "the action review did not come"
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)  # last time's open action comes first
        text = assert_shows_literally(app, min_tokens=4, where="action review")
        assert "Tun Vorher Mk [bold]fett[/]" in flat(text)
        await click_on(pilot, text)
        await pilot.press("o", "n", *"Noch [bold]offen[/]", "enter", "escape")
        assert isinstance(app.screen, RunScreen)
        text = assert_shows_literally(app, where="run: traffic light with last time")
        assert "Vorher Mk [bold]fett[/]" in flat(text) and "Titel Mk" in text
        await click_on(pilot, text)
        assert app.is_running

        await pilot.press("3")  # red: note field, then the action fields
        await pilot.press(*"Notiz [bold]x[/] [@click=app.quit]", "enter")
        await pilot.press(*"Tun [/foo]", "enter", *"Ana [link=x]", "enter", *"2026-12-04", "enter")
        text = assert_shows_literally(app, min_tokens=4, where="run: scale")
        assert "Tief Mk [bold]fett[/]" in flat(text) and "Hoch Mk" in text
        await pilot.press("2")  # mood 2
        text = assert_shows_literally(app, where="run: choice")
        assert "Ja Mk [bold]fett[/]" in flat(text)
        await click_on(pilot, text)
        await pilot.press("1", "enter")  # design yes; skip the optional date
        await pilot.press(*"Rat [/] [@click=app.quit]", "enter")
        assert_shows_literally(app, min_tokens=4, where="run: text item")

        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = assert_shows_literally(app, where="review")
        assert "Notiz [bold]x[/] [@click=app.quit]" in flat(text)  # the note as typed
        assert "Mallory Mk [bold]fett[/]" in flat(text)  # the author, in the commit message
        await click_on(pilot, text)
        await pilot.press("escape")

        await pilot.press("q")
        assert isinstance(app.screen, ConfirmQuitScreen)
        assert app.is_running
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value is None
    session = app.session
    assert session.run.answer("light").note == "Notiz [bold]x[/] [@click=app.quit]"
    assert session.run.answer("advice").value == "Rat [/] [@click=app.quit]"
    assert [(r.decision, r.note) for r in session.run.reviews] == [("open", "Noch [bold]offen[/]")]

    # The resume dialog describes the draft (its sprint label is hostile).
    draft = project.offerable_draft("build")
    assert draft is not None
    again = build_app(lambda _phase, d: RunSession.start(project, "build", draft=d), draft=draft)
    async with again.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ResumeDraftScreen)
        text = assert_shows_literally(again, min_tokens=2, where="resume draft")
        assert "Sprint Mk [bold]fett[/]" in flat(text)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(again.screen, RunScreen)
        assert again.session.run.answer("light").note.startswith("Notiz [bold]")
        assert_shows_literally(again, min_tokens=4, where="run after resume")
        await pilot.press("ctrl+q", "y")
    project.close()


async def test_home_history_and_participants_show_markup_literally(markup_repo):
    """The home screen (project and client names, sprint, authors), the history matrix and a
    cell's notes, the action review and the participants picker (recent git authors)."""
    import datetime as dt

    from kundencheck.tui.screens.actions import ActionsScreen
    from kundencheck.tui.screens.history import HistoryScreen
    from kundencheck.tui.screens.home import HomeScreen
    from kundencheck.tui.screens.participants import ParticipantsScreen

    (markup_repo / ".kundencheck" / "config.toml").write_text(
        f"project = {toml_str('Projekt ' + HOSTILE)}\nclient = {toml_str('Kunde ' + HOSTILE)}\n"
    )
    run_id = "20261120T080000Z-build-m-000002"
    commit_hand_written(
        markup_repo,
        hand_written_run(
            run_id, "T " + HOSTILE, "N " + HOSTILE + " <n@example.com>", "Danach " + HOSTILE, started="2026-11-20T09:00:00+01:00"
        ),
        run_id,
    )
    (markup_repo / "work.txt").write_text("work\n")  # a commit by someone else: a recent author
    git(markup_repo, "add", "work.txt")
    git(markup_repo, "commit", "-q", "-m", "Work", f"--author=Eve {MARKUP_LINE} <eve@example.com>")
    project = open_project(markup_repo)
    app = build_app(
        lambda phase, draft: RunSession.start(project, phase or "build", draft=draft),
        project=project,
        phase="build",
        home=True,
        today=lambda: dt.date(2026, 11, 27),
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = assert_shows_literally(app, min_tokens=3, where="home")
        assert "Projekt Mk [bold]fett[/]" in flat(text)
        await click_on(pilot, text)
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = assert_shows_literally(app, min_tokens=3, where="history")
        await click_on(pilot, text)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, ActionsScreen):  # the open actions of the earlier runs first
            text = assert_shows_literally(app, min_tokens=3, where="action review from home")
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ParticipantsScreen)
        text = assert_shows_literally(app, min_tokens=3, where="participants")
        assert "Eve Mk [bold]fett[/]" in flat(text)
        await click_on(pilot, text)
        assert app.is_running
        await pilot.press("escape", "ctrl+q")
        await pilot.pause()
        if app.is_running:
            await pilot.press("y")
    project.close()


async def test_drafted_and_pasted_terminal_control_never_reaches_the_screen(markup_repo):
    """A draft (or a paste) holding escape sequences: the fields show it cleaned."""
    project = open_project(markup_repo)
    app = build_app(lambda _phase, draft: RunSession.start(project, "build", draft=draft))
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.session
        session.set_value("light", "red")
        session.set_note("light", "Entwurf " + CONTROL)
        session.set_action("light", what="Tun " + CONTROL, owner="Ana " + CONTROL)
        await pilot.press("j", "k")  # show the item again: its note and action fill the fields
        assert_no_control(screen_text(app), "run screen with a drafted note")
        await pilot.press("n")
        app.focused.post_message(events.Paste("eingefügt " + CONTROL))
        await pilot.pause()
        assert_no_control(screen_text(app), "run screen after a paste")
        assert_no_control(session.run.answer("light").note, "the note kept in the session")
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        assert_no_control(screen_text(app), "review screen")
        await pilot.press("escape", "ctrl+q", "y")
    project.close()


def _notify_calls():
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "notify":
                yield path, node


def test_every_notify_call_has_markup_off():
    """notify() parses markup by default; every call in the package passes markup=False."""
    calls = list(_notify_calls())
    bad = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path, node in calls
        if not any(k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords)
    ]
    assert not bad, f"notify() without markup=False: {', '.join(bad)}"


def _widget_calls(names: set[str]):
    for path in sorted((SRC / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in names:
                    yield path, node


def test_every_static_and_label_has_markup_off_or_plain_text():
    """Static and Label parse a plain string as markup: each one in the TUI either has
    markup=False or is given a Text/Content object, never a string built from people's text
    (an f-string, a concatenation, a translated string)."""
    bad = []
    for path, node in _widget_calls({"Static", "Label"}):
        if any(k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords):
            continue
        first = node.args[0] if node.args else None
        if first is None or (isinstance(first, ast.Call) and getattr(first.func, "id", "") in ("Text", "Content")):
            continue
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and "[" not in first.value:
            continue
        if isinstance(first, ast.Name):
            continue  # a renderable built elsewhere (a rich Table); the pilot tests see what it shows
        bad.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not bad, f"Static/Label that may parse markup: {', '.join(bad)}"
