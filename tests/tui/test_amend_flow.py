"""Correcting a run in the TUI (``e`` on the home screen, `kundencheck amend`), and the tone
hint under the note field, driven by keys through Textual's pilot on real repositories
(tests/support/history.py: three sprints; the repository's git user is Jonas; "today" is
2026-04-10)."""

from __future__ import annotations

from textual.widgets import Input, Static

from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.home import HomeScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.apps import offline_app, project_app
from tests.support.git import git
from tests.support.pilot import settle
from tests.support.screen import folded, screen_text
from tests.support.story import SPRINTS

SIZE = (100, 40)


def answers_files(path) -> list[str]:
    return git(path, "ls-tree", "-r", "--name-only", "HEAD", ".kundencheck/answers").split()


async def test_e_on_the_home_screen_corrects_my_last_run_and_the_review_asks_why(history_repo):
    path, runs = history_repo["path"], history_repo["runs"]
    jonas3 = runs["jonas3"]
    app, project = project_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "e: correct your last run" in folded(screen_text(app))
        await pilot.press("e")  # build is in focus: Jonas's run of sprint 2026-W14
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RunScreen)
        session = app.session
        assert session.run.corrects == jonas3.id and session.corrected.id == jonas3.id
        assert session.run.sprint == "2026-W14" and session.open_actions == []
        assert screen.sub_title == "build · 2026-W14 · correction"
        text = folded(screen_text(app))
        assert "A correction of the answers of Jonas Berg (run" in text and jonas3.id in text
        # The run's answers are there to edit: team-mood 5 becomes 4.
        assert session.run.answer("team-mood").value == 5
        await pilot.press("j", "4")
        assert session.run.answer("team-mood").value == 4
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert app.focused.id == "correction-note"
        text = folded(screen_text(app))
        assert "Why are these answers corrected? (required; enter commits)" in text
        assert "a correction needs a note saying why" in text
        await pilot.press("enter")  # no note yet: nothing happens
        await pilot.pause()
        assert app.screen is review and app.return_value is None
        await pilot.press(*"Mood is 4, not 5; they are stubborn though")
        await pilot.pause()
        text = folded(screen_text(app))
        assert "a correction needs a note" not in text
        assert "tone: 'stubborn' — is the client being judged?" in text
        assert "kundencheck(build): correction, 2 green, 0 amber, 1 red" in text
        assert f"Kundencheck-Corrects: {jonas3.id}" in text
        await pilot.press("enter")
        await settle(pilot)
    project.close()
    assert app.return_value is not None and "correction" in app.return_value.subject
    assert len(answers_files(path)) == 6
    committed = answers_file.loads(git(path, "show", f"HEAD:{session.run.path}").encode())
    assert committed.corrects == jonas3.id and committed.correction_note == "Mood is 4, not 5; they are stubborn though"
    assert committed.answer("team-mood").value == 4 and committed.answer("client-contacted").value == "green"
    assert git(path, "show", f"HEAD:{jonas3.path}").count("value = 5") == 1  # the original as it was


async def test_e_with_nothing_to_correct_says_why_and_stays_home(history_repo):
    app, project = project_app(history_repo["path"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("j", "e")  # acceptance: never answered
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.session is None
        [told] = list(app._notifications)
        assert told.title == "Nothing to correct" and told.severity == "warning"
        assert "The acceptance phase has no runs yet: there is nothing to correct" in told.message
    project.close()


async def test_amend_opens_the_correction_at_once_and_g_and_enter_go_back_to_it(history_repo):
    """`kundencheck amend RUN` builds the app with ``correct``: the correction is the first
    screen; the home screen and a new run started there are ordinary, the correction stays."""
    path, runs = history_repo["path"], history_repo["runs"]
    project = open_project(path)
    target = project.run_to_amend(runs["ana3"].id)
    app = build_app(
        lambda phase, draft: RunSession.start(project, phase or "build", draft=draft),
        project=project,
        phase="build",
        correct=target,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run_screen = app.screen
        assert isinstance(run_screen, RunScreen) and app.session.run.corrects == runs["ana3"].id
        correction = app.session
        await pilot.press("n", *" (until the 14th)", "escape")
        assert correction.run.answer("client-contacted").note == "# Client on holiday <b>really</b> (until the 14th)"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "a run in progress: enter goes back to it" in folded(screen_text(app))
        await pilot.press("enter")
        assert app.screen is run_screen and app.session is correction
        await pilot.press("q", "y")
    # Left unfinished, the correction is a draft, offered when that run is corrected again.
    offered = project.offerable_draft("build", corrects=runs["ana3"].id)
    assert offered is not None and offered[0].id == correction.run.id and "a correction of run" in offered[1]
    assert project.offerable_draft("build") is None  # never offered as a new run
    project.close()


async def test_the_tone_hint_shows_under_the_note_while_typing_and_never_blocks(project_repo):
    app, session = offline_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#tone-hint")  # made only when a note needs it
        await pilot.press("3")  # client-contacted: no, which asks for a note
        assert app.focused.id == "note-input"
        await pilot.press(*"Only mails. The client is so STUBBORN")
        await pilot.pause()
        hint = app.screen.query_one("#tone-hint", Static)
        assert hint.display and str(hint.render()) == "tone: 'STUBBORN' — is the client being judged?"
        children = [w.id for w in app.screen.query_one("#item-pane").children]
        assert children.index("tone-hint") == children.index("note-input") + 1  # under the note field
        await pilot.press(*" and wants it pixel-perfect")
        await pilot.pause()
        assert str(hint.render()) == "tone: 'STUBBORN', 'pixel-perfect' — is the client being judged?"
        assert session.run.answer("client-contacted").note == "Only mails. The client is so STUBBORN and wants it pixel-perfect"
        await pilot.press("escape", "j")  # another item, no note: the hint goes
        await pilot.pause()
        assert not hint.display
        await pilot.press("k")
        await pilot.pause()
        assert hint.display
        app.screen.query_one("#note-input", Input).value = "Only mails, the client was away"
        await pilot.pause()
        assert not hint.display


async def test_the_history_matrix_and_the_home_screen_show_the_correction(history_repo):
    path, runs = history_repo["path"], history_repo["runs"]
    project = open_project(path)
    session = RunSession.start_correction(project, project.run_to_amend(runs["ana3"].id))
    session.set_value("team-mood", 3)
    session.set_action("team-mood", what="", owner="")
    session.set_correction_note("Mood 3 [b]really[/b]")
    session.commit()
    project.close()
    app, project = project_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = folded(screen_text(app))
        assert "✎ Ana Schäfer's answers corrected on" in text and "Mood 3 [b]really[/b]" in text
        await pilot.press("h")
        await settle(pilot)
        text = folded(screen_text(app))
        assert "◐ 3/5 → ✎" in text  # W14's team-mood: the median of 3 and 5
        await pilot.press("down")  # team-mood, the latest sprint
        await pilot.pause()
        text = folded(screen_text(app))
        assert "Ana Schäfer: ◐ 3/5" in text
        assert "✎ corrected on" in text and "Mood 3 [b]really[/b]" in text
    project.close()


async def test_the_story_s_first_note_fires_the_hint_in_a_real_run(repo):
    """The story (tests/support/story.py): its first sprint's note, typed in the run screen, is heard."""

    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "config.toml").write_text('phase = "build"\n')
    note = SPRINTS[0][1]["good-faith"]["note"]
    app, project = project_app(repo, home=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        while screen.current.id != "good-faith":
            await pilot.press("j")
        await pilot.press("2")  # partly: asks for a note
        assert app.focused.id == "note-input"
        await pilot.press(*note)
        await pilot.pause()
        assert "tone: 'stubborn' — is the client being judged?" in folded(screen_text(app))
        await pilot.press("q", "y")
    project.close()
