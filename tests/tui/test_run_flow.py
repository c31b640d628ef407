"""The whole run, driven by keys through Textual's pilot, ending in a real commit."""

from __future__ import annotations

import subprocess

from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.dialogs import ConfirmQuitScreen, HelpScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.apps import offline_app, project_app
from tests.support.git import git
from tests.support.screen import flat, screen_text


def _user_changes(repo):
    (repo / "README.md").write_text("# Client project\n\nStaged line.\n")
    git(repo, "add", "README.md")
    (repo / "README.md").write_text("# Client project\n\nStaged line.\nUnstaged line.\n")
    (repo / "notes.txt").write_text("untracked\n")
    return {
        "cached": git(repo, "diff", "--cached"),
        "unstaged": git(repo, "diff"),
        "status": git(repo, "status", "--porcelain"),
    }


async def test_answer_whole_checklist_by_keys_and_commit(project_repo):
    before = _user_changes(project_repo)
    project = open_project(project_repo)
    app = build_app(lambda _phase, draft: RunSession.start(project, "build", draft=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        await pilot.press("3")  # client-contacted: no -> asks for a note, then an action
        assert app.focused.id == "note-input"
        await pilot.press(*"No call", "enter")
        assert app.focused.id == "action-what"
        await pilot.press(*"Call", "enter", *"Ana", "enter", *"2026-12-04", "enter")
        await pilot.press("4")  # team mood
        await pilot.press("1")  # own design: yes -> the deviations item appears
        assert "deviations-announced" in [i.id for i in app.screen.session.visible_items()]
        await pilot.press("2", *"Two", "enter")
        await pilot.press("1")  # expectations match
        assert app.focused.id == "value-input"  # the date item takes typing
        await pilot.press(*"2026-12-10", "enter")
        await pilot.press(*"We argued", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    result = app.return_value
    project.close()
    assert result is not None
    assert result.subject == "kundencheck(build): 2 green, 1 amber, 1 red; Talked to the client no"

    # One commit, holding the answers file and nothing else.
    files = git(project_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and files[0].startswith(".kundencheck/answers/2026/")
    # The user's own work is exactly as it was: staged stays staged, unstaged stays unstaged.
    assert git(project_repo, "diff", "--cached") == before["cached"]
    assert git(project_repo, "diff") == before["unstaged"]
    assert git(project_repo, "status", "--porcelain") == before["status"]

    run = answers_file.loads((project_repo / files[0]).read_bytes())
    assert run.answer("client-contacted").action.owner == "Ana"
    assert str(run.answer("next-review").value) == "2026-12-10"
    assert run.answer("self-critical").value.startswith("We argued")

    message = git(project_repo, "log", "-1", "--format=%B")
    trailers = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=message,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert f"Kundencheck-Run: {run.id}" in trailers
    assert "Kundencheck-Phase: build" in trailers
    assert "Kundencheck-Score: 5/8" in trailers
    assert "No call" in message


async def test_review_blocks_commit_until_required_items_are_answered():
    app, session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        problems = str(app.screen.query_one("#review-problems").render())
        assert "required items not answered" in problems
        assert "team-mood" in problems
        await pilot.press("enter")  # refused: nothing to commit with
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and session.committed is None
        await pilot.press("escape")
        assert isinstance(app.screen, RunScreen)


async def test_navigation_keys_and_conditions():
    app, session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.current.id == "client-contacted"
        await pilot.press("j", "j")
        assert screen.current.id == "own-design"
        await pilot.press("k")
        assert screen.current.id == "team-mood"
        await pilot.press("down", "2")  # own-design: no -> no deviations item
        assert "deviations-announced" not in [i.id for i in session.visible_items()]
        await pilot.press("up", "1")  # yes -> it appears right after
        assert screen.current.id == "deviations-announced"
        await pilot.press("9")  # not an answer of a traffic-light item: nothing happens
        assert session.run.answer("deviations-announced") is None or session.run.answer("deviations-announced").value is None


async def test_note_by_key_and_escape_back():
    app, session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"[bold]not markup[/]", "escape")
        assert session.run.answer("client-contacted").note == "[bold]not markup[/]"
        assert app.focused.id == "items"


async def test_help_and_quit_confirmation():
    app, _session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("1", "q")
        assert isinstance(app.screen, ConfirmQuitScreen)
        await pilot.press("n")
        assert isinstance(app.screen, RunScreen)
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert app.return_value is None


async def test_quit_without_answers_needs_no_confirmation():
    app, _session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_refused_commit_shows_why_and_keeps_the_draft(project_repo):
    project = open_project(project_repo)
    app = build_app(lambda _phase, draft: RunSession.start(project, "build", draft=draft))
    lock = project_repo / ".git" / "index.lock"
    async with app.run_test(size=(80, 24)) as pilot:
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
        lock.write_text("")  # another git is busy
        await pilot.press("enter")
        error_panel = app.screen.query_one("#review-error")
        for _ in range(100):  # the commit runs in a worker thread
            if error_panel.display:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ReviewScreen)
        error = str(app.screen.query_one("#review-error").render())
        assert "index.lock" in error and f"kundencheck drafts commit {session.run.id}" in error
        assert app.is_running
    project.close()
    assert lock.exists()  # never deleted
    draft = project_repo / ".git" / "kundencheck" / "drafts" / f"{session.run.id}.toml"
    assert answers_file.loads(draft.read_bytes()).answer("self-critical").value == "ok"
    assert "kundencheck(" not in git(project_repo, "log", "--format=%s")


async def test_last_times_answer_appears_once_history_is_read(project_repo):
    project = open_project(project_repo)
    first = RunSession.start(project, "build")
    for item, value in (
        ("client-contacted", "amber"),
        ("team-mood", 4),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "ok"),
    ):
        first.set_value(item, value)
    first.set_note("client-contacted", "Only [bold]mails[/]")
    first.commit()
    app = build_app(lambda _phase, draft: RunSession.start(project, "build", draft=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        last = str(app.screen.query_one("#question").parts["last"])
        assert "◐ partly" in last and "Only [bold]mails[/]" in last
        assert last in str(app.screen.query_one("#question").render())
    project.close()


async def test_the_note_field_made_after_the_first_frame_shows_the_notes(project_repo):
    """The note field is mounted just after the first frame (or at once when a key needs it):
    made either way, it shows the note of the item in focus."""
    project = open_project(project_repo)

    def with_a_note(_phase, draft):
        session = RunSession.start(project, "build", draft=draft)
        first = session.visible_items()[0].id
        session.set_value(first, "amber")
        session.set_note(first, "Asked twice, no answer")
        return session

    app = build_app(with_a_note)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert screen.query_one("#note-input").value == "Asked twice, no answer"
        assert [w.id for w in screen.query_one("#item-pane").children][-2:] == ["hint", "note-input"]
        await screen.query_one("#note-input").remove()
        await pilot.press("n")  # made on demand, in its place, with the note
        assert app.focused.id == "note-input" and app.focused.value == "Asked twice, no answer"
        assert [w.id for w in screen.query_one("#item-pane").children][-2:] == ["hint", "note-input"]
        await pilot.press(*" again", "escape")
        assert screen.session.run.answer(screen.current.id).note == "Asked twice, no answer again"
        await pilot.press("q", "y")
    project.close()


async def test_a_title_over_two_lines_is_shown_whole_on_one_line(project_repo):
    """The run screen's header showed only a title's first line while the reports joined it:
    now every place shows the whole title on one line (checklist.py folds it when loading)."""
    import re

    from click.testing import CliRunner

    from kundencheck.cli import main

    path = project_repo / ".kundencheck" / "checklists" / "build.en.toml"
    path.write_text(re.sub(r"(?m)^title = .*$", 'title = """Sprint start\nhow do we stand?"""', path.read_text(), count=1))
    joined = "Sprint start how do we stand?"
    project = open_project(project_repo)
    app = build_app(lambda *args: RunSession.start(project, "build", draft=args[-1]))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert joined in flat(screen_text(app).splitlines()[0])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and joined in flat(screen_text(app).splitlines()[0])
        await pilot.press("escape", "q", "y")
    project.close()
    assert CliRunner().invoke(main, ["-C", str(project_repo), "validate"]).exit_code == 0
    template = CliRunner().invoke(main, ["-C", str(project_repo), "answer", "build", "--template"]).output
    assert joined in template.splitlines()[0]


def test_the_draft_lock_is_released_however_the_app_ends(project_repo):
    """Not only `q` and the signals release the run's lock: an app ended any other way (here by
    app.exit, as a crash in Textual or an embedding would) leaves no lock file behind either.
    Before, every such run left one in the drafts folder, and they piled up."""

    app, project = project_app(project_repo, home=False)
    drafts = project_repo / ".git" / "kundencheck" / "drafts"
    held = []

    async def end_it(pilot):
        await pilot.pause()
        held.extend(drafts.glob("*.lock"))
        pilot.app.exit()

    try:
        app.run(headless=True, size=(80, 24), auto_pilot=end_it)
    finally:
        project.close()
    assert len(held) == 1  # the run held its lock while it was open
    assert not list(drafts.glob("*.lock"))
