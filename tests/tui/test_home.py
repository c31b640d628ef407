"""The home screen, the history screen and the action review, driven by keys on real
repositories with three sprints of history (tests/support/history.py): two people, actions
opened, closed, dropped and carried on, a disagreement in the latest sprint. "Today" is fixed
at 2026-04-10 (tests/support/apps.py)."""

from __future__ import annotations

import datetime as dt
import threading

from click.testing import CliRunner
from textual.coordinate import Coordinate
from textual.widgets import DataTable, OptionList

from kundencheck.core import answers_file
from kundencheck.session import Project, RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.actions import ActionsScreen
from kundencheck.tui.screens.dialogs import ResumeDraftScreen
from kundencheck.tui.screens.history import HistoryScreen
from kundencheck.tui.screens.home import HomeScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.apps import project_app
from tests.support.git import git
from tests.support.pilot import settle, text_shown
from tests.support.screen import folded, screen_text

SIZE = (100, 40)


async def review_shown(app, pilot, limit: float = 20.0) -> None:
    """Wait until the action review has drawn its rows (on a busy machine a pause is not always
    enough for the table's first frame)."""
    import time

    deadline = time.monotonic() + limit
    while not (isinstance(app.screen, ActionsScreen) and "Book a review" in screen_text(app)):
        assert time.monotonic() < deadline, "timed out waiting for the action review"
        await pilot.pause(0.05)


def thread_ids(runs) -> dict[str, str]:
    """The ids of the history's three open threads."""
    from kundencheck.core.history import thread_id

    return {
        "book": thread_id(runs["ana2"].id, "client-contacted"),
        "talk": thread_id(runs["ana3"].id, "team-mood"),
        "send": thread_id(runs["ana3"].id, "client-contacted"),
    }


def phase_options(app) -> list[str]:
    listing = app.screen.query_one("#phases", OptionList)
    return [listing.get_option_at_index(n).id for n in range(listing.option_count)]


async def test_home_lists_phases_with_last_runs_due_checks_actions_and_drafts(history_repo):
    path = history_repo["path"]
    project = open_project(path)
    draft = RunSession.start(project, "acceptance", sprint="2026-W15")
    first = draft.visible_items()[0]
    draft.set_value(first.id, "green")
    draft.release()
    project.close()
    clock = [dt.date(2026, 4, 10)]
    ids = thread_ids(history_repo["runs"])
    app, project = project_app(path, today=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await text_shown(app, pilot, "· not yet, 1 draft")
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2
        assert phase_options(app) == ["kickoff", "design", "build", "acceptance", "handover"]
        text = folded(screen_text(app))
        assert "kundencheck · Shop | relaunch" in text
        assert "2026-04-10 · 5 runs · a check is due every 14 days · ⚠ 2 overdue actions" in text
        # The list: the current phase and its verdict (what `kundencheck check` finds); a draft;
        # never checked.
        assert "build current" in text and "✘ 9 errors" in text and "✔ ok" not in text
        assert "· not yet, 1 draft" in text
        # The current phase in detail (it is in focus at the start).
        for part in (
            "build — Sprint start: how do we stand with the client?",
            "the project's current phase",
            "Last run 2026-03-30, sprint 2026-W14",
            "Jonas Berg, Ana Schäfer",
            "Answers ✔ 2 green ◐ 0 amber ✘ 1 red – 0 n/a",
            "Trend ↑ 2 better → 0 same ↓ 1 worse",
            "Check ✘ 9 errors",
            "next check 2026-04-13 (every 14 days)",
            "Actions 3 open, ⚠ 2 overdue",
            f"⚠ {ids['book']} Book a review (Ana, 2026-03-20)",
            f"⚠ {ids['talk']} Talk about workload (Lea, 2026-04-03)",
            f"· {ids['send']} Send the summary (Ana, 2026-04-30)",
            "Disagree ⚠ client-contacted, team-mood",
            "the team disagrees in sprint 2026-W14",
            "Drafts none",
            "Findings ✘ key signal red (key_signal_low): build/client-contacted",
        ):
            assert part in text, part
        assert text.index("Book a review") < text.index("Talk about workload") < text.index("Send the summary")

        await pilot.press("j")  # acceptance: never checked, one unfinished draft
        text = folded(screen_text(app))
        assert "Last run never" in text and "Check · not checked yet" in text and "Actions none open" in text
        assert "Drafts unfinished: sprint 2026-W15, 1 answer, saved" in text

        clock[0] = dt.date(2026, 4, 20)  # eleven days later the build check is due
        await pilot.press("k", "r")
        await settle(pilot)
        text = folded(screen_text(app))
        assert "Check ✘ 10 errors" in text and "due since 2026-04-13, last check 21 days ago" in text
        assert "Findings ✘ check due (due): The build check is due" in text
    project.close()


async def test_home_is_up_before_the_history_is_read(history_repo, monkeypatch):
    gate = threading.Event()
    read = Project.summary

    def slow_summary(self, *args, **kwargs):
        assert gate.wait(10), "the test never let the history be read"
        return read(self, *args, **kwargs)

    monkeypatch.setattr(Project, "summary", slow_summary)
    app, project = project_app(history_repo["path"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen) and screen.data is None
        assert any(w.group == "home" and not w.is_finished for w in app.workers)  # still reading
        text = folded(screen_text(app))
        assert "Reading history…" in text and "enter: start a run of build" in text
        assert phase_options(app) == ["kickoff", "design", "build", "acceptance", "handover"]
        gate.set()
        await settle(pilot)
        assert screen.data is not None
        text = folded(screen_text(app))
        assert "Reading history…" not in text and "3 open, ⚠ 2 overdue" in text
    project.close()


async def test_enter_starts_a_run_that_reviews_the_open_actions_first_and_commits_the_decisions(history_repo):
    path, runs = history_repo["path"], history_repo["runs"]
    app, project = project_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        # The home screen had the open actions: the review is there at once, before the checklist.
        assert isinstance(app.screen, ActionsScreen)
        await review_shown(app, pilot)
        screen = app.screen
        assert isinstance(screen, ActionsScreen)
        # One row per thread, the most overdue first.
        assert [a.what for a in screen.actions] == ["Book a review", "Talk about workload", "Send the summary"]
        ids = thread_ids(runs)
        text = folded(screen_text(app))
        assert "1 of 3 · 0 decided, 3 not yet" in text
        # The row: mark and decision, item (its short title), what, owner, due, raised by and when.
        assert "· Talked to the… Book a review Ana ⚠ 03-20 Ana 03-16" in text
        assert "· team-mood Talk about workload Lea ⚠ 04-03 Ana 03-30" in text
        assert f"{ids['book']} Talked to the client — Did we speak with the client during the last sprint?" in text
        assert "Owner: Ana, due 2026-03-20 ⚠ overdue by 21 days" in text
        assert "Raised 2026-03-16 by Ana Schäfer, sprint 2026-W12: Book a review (Ana, due 2026-03-20)" in text
        assert "Reviewed 2026-03-30 by Ana Schäfer: still open — Client on holiday" in text
        assert "This run: · not decided" in text
        await pilot.press("d")  # Book a review: done, and on to the next row
        assert screen.current.what == "Talk about workload"
        assert "2 of 3 · 1 decided, 2 not yet" in folded(screen_text(app))
        await pilot.press("x")  # Talk about workload: dropped, which asks for a note
        assert app.focused.id == "review-note"
        assert "A dropped action needs a note" in folded(screen_text(app))
        await pilot.press(*"Workload is fine [bold]again[/]", "enter")
        assert app.focused.id == "actions" and screen.current.what == "Send the summary"
        await pilot.press("o")  # Send the summary: still open
        text = folded(screen_text(app))
        assert "3 of 3 · 3 decided, 0 not yet" in text
        assert "✔ Talked to the… Book a review" in text and "✘ team-mood Talk about workload" in text
        assert "→ Talked to the… Send the summary" in text
        assert "This run: → still open" in text
        await pilot.press("escape")  # on to the checklist
        assert isinstance(app.screen, RunScreen)
        session = app.session
        assert [(r.run, r.item, r.decision, r.note) for r in session.run.reviews] == [
            (runs["ana2"].id, "client-contacted", "done", ""),
            (runs["ana3"].id, "team-mood", "dropped", "Workload is fine [bold]again[/]"),
            (runs["ana3"].id, "client-contacted", "open", ""),
        ]
        draft = path / ".git" / "kundencheck" / "drafts" / f"{session.run.id}.toml"
        assert len(answers_file.loads(draft.read_bytes()).reviews) == 3  # saved like every answer
        assert "not decided yet" not in folded(screen_text(app))
        await pilot.press("1", "4", "2", "1", "enter", *"We argued", "enter", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Actions reviewed:" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
    project.close()
    assert app.return_value is not None
    committed = answers_file.loads(git(path, "show", f"HEAD:{session.run.path}").encode())
    assert [(r.item, r.decision, r.note) for r in committed.reviews] == [
        ("client-contacted", "done", ""),
        ("team-mood", "dropped", "Workload is fine [bold]again[/]"),
        ("client-contacted", "open", ""),
    ]
    body = git(path, "log", "-1", "--format=%B")
    assert (
        f"Actions reviewed:\n"
        f"- client-contacted (from run {runs['ana2'].id}): done\n    Action: Book a review\n"
        f"- team-mood (from run {runs['ana3'].id}): dropped\n    Action: Talk about workload\n"
        f"    Note: Workload is fine [bold]again[/]\n"
        f"- client-contacted (from run {runs['ana3'].id}): still open\n    Action: Send the summary\n"
    ) in body


async def test_the_review_marks_rows_decides_them_at_once_and_filters(history_repo):
    """space marks rows, x drops every marked one with one note, / filters by owner or text,
    u takes a decision back."""
    path, runs = history_repo["path"], history_repo["runs"]
    app, project = project_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await review_shown(app, pilot)
        screen = app.screen
        await pilot.press("space")  # Book a review marked, on to the next row
        assert screen.current.what == "Talk about workload"
        await pilot.press("j", "space")  # Send the summary marked too
        text = folded(screen_text(app))
        assert "2 marked: d, o or x decides them" in text
        assert "● · Talked to the… Book a review" in text and "● · Talked to the… Send the summary" in text
        await pilot.press("x")  # both dropped: one note for the two
        assert app.focused.id == "review-note"
        assert "One note for the 2 dropped together" in folded(screen_text(app))
        await pilot.press(*"Client moved on", "enter")
        assert app.focused.id == "actions"
        session = app.session
        assert sorted((r.run, r.decision, r.note) for r in session.run.reviews) == sorted(
            [(runs["ana2"].id, "dropped", "Client moved on"), (runs["ana3"].id, "dropped", "Client moved on")]
        )
        text = folded(screen_text(app))
        assert "marked:" not in text and "2 decided, 1 not yet" in text
        # / filters by owner or text: only Lea's action is left, and decided on its own.
        await pilot.press("slash", *"lea", "enter")
        assert [t.what for t in screen.rows] == ["Talk about workload"]
        assert "1 of 1 · filter 'lea': 1 of 3 shown" in folded(screen_text(app))
        await pilot.press("o")
        await pilot.press("slash", "escape")  # escape in the filter clears it
        assert len(screen.rows) == 3
        # * marks every row shown; u takes their decisions back.
        await pilot.press("asterisk", "u")
        assert session.run.reviews == [] and "0 decided, 3 not yet" in folded(screen_text(app))
    project.close()


async def test_a_run_opens_first_and_g_makes_the_home_screen_and_goes_back(history_repo):
    """`kundencheck run` opens the run as the app's first screen, with no home screen under it
    (the first frame does not wait for one); ``g`` puts the home screen over the run, and the
    same run goes on from there, answers and all, on the same screen."""
    app, project = project_app(history_repo["path"], home=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The open actions were read in a worker and their review pushed over the run.
        assert [type(s) for s in app.screen_stack] == [RunScreen, ActionsScreen]
        await pilot.press("escape")
        run_screen = app.screen
        assert isinstance(run_screen, RunScreen) and app.screen_stack == [run_screen]
        assert "3 open actions from earlier runs not decided yet: press a." in folded(screen_text(app))
        assert "Home" in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("1")  # client-contacted: yes
        session = app.session
        await pilot.press("g")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen) and app.screen_stack == [run_screen, home]
        assert home.data is not None and home.query_one("#phases", OptionList).has_focus
        assert "Drafts a run in progress: enter goes back to it" in folded(screen_text(app))
        assert "kundencheck · Shop | relaunch" in folded(screen_text(app))
        assert "Home" not in [c.title for c in app.get_system_commands(home)]
        await pilot.press("enter")  # back into the same run, answers and all
        assert app.screen is run_screen and app.session is session and app.screen_stack == [run_screen]
        assert session.run.answer("client-contacted").value == "green"
        assert "Home" in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("a")  # the review again, by key
        assert isinstance(app.screen, ActionsScreen)
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        app.action_home()  # "Home" from the palette, on the review screen
        await pilot.pause()
        assert app.screen is home
    project.close()


async def test_home_from_the_review_of_a_run_started_straight_away(history_repo):
    """The palette's "Home" on a screen over a run with no home screen under it: the screens
    over the run are closed and the home screen goes over the run."""
    app, project = project_app(history_repo["path"], home=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "1", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        app.action_home()
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [RunScreen, HomeScreen]
        await pilot.press("enter")  # build is in focus: the same run again
        assert app.screen_stack == [app.screen] and isinstance(app.screen, RunScreen)
        assert app.session.run.answer("client-contacted").value == "green"
    project.close()


async def test_the_home_screen_is_built_at_once_under_a_draft_offered_at_the_start(history_repo):
    """The dialog offering a draft shows the home screen through it."""
    project = open_project(history_repo["path"])
    draft = RunSession.start(project, "build", sprint="2026-W15")
    draft.set_value("client-contacted", "amber")
    draft.release()
    offer = project.offerable_draft(project.checklist_for("build").id)
    app = build_app(
        lambda phase, run: RunSession.start(project, phase or "build", draft=run),
        project=project,
        phase="build",
        draft=offer,
        today=lambda: dt.date(2026, 4, 10),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDraftScreen)
        assert isinstance(app.screen_stack[1], HomeScreen) and app.screen_stack[1].query("#phases")
        await pilot.press("escape")
    project.close()


async def test_history_screen_shows_the_matrix_and_the_cell_in_focus(history_repo):
    app, project = project_app(history_repo["path"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#matrix", DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["2026-W10", "2026-W12", "2026-W14"]
        # By the short title where the item has one (the tests' checklist gives the first one).
        assert [str(r.label) for r in table.rows.values()] == ["Talked to the client", "team-mood", "expectations-match"]
        cells = [[str(table.get_cell_at(Coordinate(r, c))) for c in range(3)] for r in range(3)]
        assert cells == [
            ["✘ no ⚠", "✘ no →", "✘ no → ⚠"],
            ["✘ 2/5", "◐ 3/5 ↑", "✘ 1/5 ↓ ⚠"],
            ["✔ yes", "◐ partly ↓", "✘ no ↓"],
        ]
        assert table.get_cell_at(Coordinate(0, 2)).spans  # coloured as well, never only coloured
        assert table.cursor_coordinate == Coordinate(0, 2)  # the latest sprint
        text = folded(screen_text(app))
        for part in (
            "Talked to the client client-contacted · sprint 2026-W14",
            "Did we speak with the client during the last sprint?",
            "✘ no → same red for 3 sprints in a row ⚠ the team disagrees",
            "Ana Schäfer: ✘ no — # Client on holiday <b>really</b>",
            "Jonas Berg: ✔ yes",
            "✔ yes ◐ partly ✘ no – n/a · none ↑ better → same ↓ worse ⚠ disagree",
        ):
            assert part in text, part
        await pilot.press("down", "left")  # team-mood in 2026-W12
        text = folded(screen_text(app))
        assert "team-mood · sprint 2026-W12" in text and "◐ 3/5 ↑ better" in text and "Ana Schäfer: ◐ 3/5" in text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("k", "k", "h")  # kickoff: no runs yet
        await settle(pilot)
        assert "No runs of the kickoff phase yet" in folded(screen_text(app))
        assert not app.screen.query_one("#matrix", DataTable).display
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
    project.close()


async def test_starting_a_phase_with_a_draft_offers_it(history_repo):
    path = history_repo["path"]
    project = open_project(path)
    draft = RunSession.start(project, "build", sprint="2026-W15")
    draft.set_value("client-contacted", "amber")
    draft.release()
    project.close()
    app, project = project_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Drafts unfinished: sprint 2026-W15, 1 answer," in folded(screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResumeDraftScreen)
        await pilot.press("r")
        await pilot.pause()
        # Answers were given already: no review pushed over them; the hint says what is open.
        assert isinstance(app.screen, RunScreen)
        assert app.session.run.id == draft.run.id and app.session.run.answer("client-contacted").value == "amber"
        assert "3 open actions from earlier runs not decided yet: press a." in folded(screen_text(app))
    project.close()


async def test_a_phase_that_cannot_start_is_said_on_the_home_screen(history_repo):
    path = history_repo["path"]
    (path / ".kundencheck" / "config.toml").write_text('phase = "build"\n[checklists]\ndesign = "our-design"\n')
    app, project = project_app(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("k", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.is_running and app.session is None
        assert any("There is no checklist 'our-design'" in n.message for n in app._notifications)
    project.close()


async def test_a_run_that_cannot_start_straight_away_is_said_on_a_home_screen(history_repo):
    """`kundencheck run` whose checklist is missing: the home screen is made to say so, and
    the app keeps running."""
    path = history_repo["path"]
    (path / ".kundencheck" / "config.toml").write_text('phase = "build"\n[checklists]\nbuild = "our-build"\n')
    app, project = project_app(path, home=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen] and app.is_running and app.session is None
        assert any("There is no checklist 'our-build'" in n.message for n in app._notifications)
    project.close()


def test_home_command_opens_the_app_on_the_home_screen(history_repo, monkeypatch):
    from kundencheck.cli import main
    from kundencheck.tui.app import KundencheckApp

    seen = {}

    def fake_run(self, *args, **kwargs):
        seen.update(home=self.start_at_home, project=self.project.root, phase=self.phase)

    monkeypatch.setattr(KundencheckApp, "run", fake_run)
    result = CliRunner().invoke(main, ["-C", str(history_repo["path"]), "home"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen == {"home": True, "project": history_repo["path"], "phase": "build"}
    result = CliRunner().invoke(main, ["-C", str(history_repo["path"]), "run"], catch_exceptions=False)
    assert result.exit_code == 0 and seen["home"] is False  # a run opens first, home underneath
    assert "Examples:" in CliRunner().invoke(main, ["home", "--help"]).output


async def test_the_action_box_says_which_open_thread_an_action_joins_and_ctrl_t_makes_it_separate(history_repo):
    runs = history_repo["runs"]
    ids = thread_ids(runs)
    app, project = project_app(history_repo["path"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        await pilot.press("escape")  # nothing decided: on to the checklist
        await pilot.press("3", *"Still only mails", "enter")  # client-contacted: no, with a note
        assert app.focused.id == "action-what"
        text = folded(screen_text(app))

        # Two threads are open on the item; the action joins the one whose latest word is newest.
        def said() -> str:  # the hint wraps in the pane: its text
            return str(app.screen.query_one("#action-thread").render())

        assert said() == (
            f"Joins the open action {ids['send']}: Send the summary (Ana, due 2026-04-30); ctrl+t makes it a new, separate one."
        )
        assert f"Joins the open action {ids['send']}" in text
        await pilot.press(*"Call them", "ctrl+t")
        session = app.session
        assert session.run.answer("client-contacted").action.separate is True
        assert said() == f"A new, separate action; ctrl+t adds it to the open action {ids['send']} (Send the summary) instead."
        await pilot.press("ctrl+t")
        assert session.run.answer("client-contacted").action.separate is False
        # Deciding the thread done in this run means a new action starts a thread of its own.
        session.set_review(runs["ana3"].id, "client-contacted", "done")
        session.set_review(runs["ana2"].id, "client-contacted", "done")
        assert session.joined_thread("client-contacted") is None
    project.close()
