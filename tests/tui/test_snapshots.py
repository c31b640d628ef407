"""What users see: every screen as an SVG snapshot at 80x24 and 120x40, in English and in German,
in the default theme (update with --snapshot-update and look at each changed SVG).

The run, review and dialog screens are the offline app of tests/support/apps.py (fixed run, fixed
today); home, history, the action review and the participants picker run on the shared history
repository (tests/support/history.py) with fixed run ids, a fixed sprint label and a fixed today.
German is chosen as a team does: ``language = "de"`` in the project config (the offline app sets
the language the same way opening such a project does) with the German twin of the tests'
checklist. At 80x24 nothing a person needs may be cut off: long lines wrap, a pane scrolls.
"""

from __future__ import annotations

import itertools
import shutil

import pytest

from kundencheck.core import answers as answers_mod
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from tests.support.apps import FIXED_START, TODAY, offline_app, project_app
from tests.support.history import build_history
from tests.support.paths import DATA
from tests.support.pilot import on_screen, settle, until

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
VARIANTS = [(size, language) for size in SIZES for language in ("en", "de")]
IDS = [f"{size}-{language}" for size, language in VARIANTS]

variants = pytest.mark.parametrize("size, language", VARIANTS, ids=IDS)


def _matrix_shown(pilot) -> bool:
    """The history screen has filled its matrix and laid it out (a dialog pushed before that
    would show the screen under it as it was before)."""
    if not on_screen(pilot, "HistoryScreen"):
        return False
    table = pilot.app.screen.query_one("DataTable")
    return table.row_count > 0 and table.display and table.region.height > 0


# ----------------------------------------------------------------------------- offline screens


@variants
def test_run_screen_first_item(snap_compare, size, language):
    """You should see the title with phase and sprint whole (wrapped onto a second line where it
    does not fit), "Answered 0 of 6" with an empty bar, the item list with every id on one line,
    and the first question with its why, last time's ✘ no with its note and the four choices, each
    choice whole on one line (in German "0 – n. z." is never split); the note field below."""
    app, _ = offline_app({"client-contacted": ("red", "Only status mails [bold]since[/] May")}, language=language)
    assert snap_compare(app, terminal_size=SIZES[size])


@variants
def test_run_screen_asks_for_note_and_action(snap_compare, size, language):
    """You should see client-contacted answered ✘ no (highlighted), the hint that a note is needed
    and that the action still misses what, owner and due date, the note field focused, and the
    whole action form in view: its heading, What, and Owner with Due beside it."""
    app, _ = offline_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["3"])


@variants
def test_run_screen_action_filled(snap_compare, size, language):
    """You should see the note, the action's what and owner filled in and the due date typed as
    "fr" with what it was understood as below it (→ Fri 2026-12-04, in German → Fr 2026-12-04),
    and no hint left asking for the action."""
    app, _ = offline_app(language=language)
    keys = ["3", *"Only mails", "enter", *"Call the PO", "enter", *"Ana", "enter", *"fr"]
    assert snap_compare(app, terminal_size=SIZES[size], press=keys)


@variants
def test_run_screen_scale_with_last_time(snap_compare, size, language):
    """You should see the team-mood question with last time's answer as ✘ 2/5 with its note (the
    scale's range, not a bare 2), both ends of the scale whole and the values 1 to 5 below."""
    app, _ = offline_app({"team-mood": (2, "Tired of late changes")}, language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["1"])


@variants
def test_review_screen(snap_compare, size, language):
    """You should see the title whole, every answer with symbol and word (team-mood as ✔ 4/5), the
    long free-text answer whole (wrapped, not cut), and the exact commit message in its box."""
    app, _ = offline_app(language=language)
    # yes, mood 4, own design: no (hides deviations), expectations yes, skip the optional
    # date, type the self-critical text, review.
    text = "Proposed two options for the checkout and explained why we cannot match the design pixel for pixel"
    keys = ["1", "4", "2", "1", "enter", *text, "enter", "ctrl+s"]
    assert snap_compare(app, terminal_size=SIZES[size], press=keys)


@variants
def test_help_dialog(snap_compare, size, language):
    """You should see, over the run screen, a bordered box headed "Keys on the run screen" with
    every key and what it does; at 80x24 the box keeps its top and bottom border and scrolls."""
    app, _ = offline_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["question_mark"])


@variants
def test_quit_dialog(snap_compare, size, language):
    """You should see, over the run screen, a bordered box in the middle asking "Quit without
    committing?", saying the answers are kept as a draft, and the keys y and n / escape."""
    app, _ = offline_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["1", "q"])


@variants
def test_resume_dialog(snap_compare, size, language):
    """You should see a bordered box saying an unfinished run was found, the draft's id, sprint,
    time and 2 answers, and the keys r (resume), d (discard) and s / escape (start fresh)."""
    app, _ = offline_app(language=language, draft=True)
    assert snap_compare(app, terminal_size=SIZES[size])


# ----------------------------------------------------------------------------- screens on a history


@pytest.fixture
def history(project_repo, monkeypatch):
    """The shared history repository, with run ids that do not change from run to run."""

    counter = itertools.count()
    monkeypatch.setattr(answers_mod, "random_hex", lambda n: f"{next(counter):06x}")
    return build_history(project_repo)["path"]


def _project_app(path, language: str, *, home: bool):
    """The app as `kundencheck home` (or `run`) builds it; German as a team sets it: in the
    project config, with the German twin of the tests' checklist."""
    if language == "de":
        config = path / ".kundencheck" / "config.toml"
        config.write_text('language = "de"\n' + config.read_text())
        shutil.copy(DATA / "sprint.de.toml", path / ".kundencheck" / "checklists" / "build.de.toml")
    opened = open_project(path)
    app = build_app(
        lambda phase, draft: RunSession.start(opened, phase or "build", draft=draft, sprint="2026-W15"),
        project=opened,
        phase="build",
        home=home,
        today=lambda: TODAY,
    )
    return app, opened


def _snapshot(snap_compare, history, size, language, *, home: bool, run_before):
    app, opened = _project_app(history, language, home=home)
    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
    finally:
        opened.close()


@variants
def test_home_screen(snap_compare, history, size, language):
    """You should see the status line whole (wrapped where needed: today, 5 runs, the cadence, ⚠ 2
    overdue actions), the five phases on the left (build current, ✔ ok with 2 overdue) and build in
    detail: last run 2026-03-30 in sprint 2026-W14 by Jonas Berg and Ana Schäfer, the answer
    counts and trends each whole (never "– 0" on one line and "n/a" on the next), ok until
    2026-04-13, three open actions (two ⚠ overdue, owner and date kept together), the
    disagreement on client-contacted and team-mood, no drafts."""

    async def ready(pilot) -> None:
        await until(pilot, lambda: getattr(pilot.app.screen, "data", None) is not None, "the history")

    _snapshot(snap_compare, history, size, language, home=True, run_before=ready)


@variants
def test_history_screen(snap_compare, history, size, language):
    """You should see the build checklist's health matrix: client-contacted, team-mood and
    expectations-match down, sprints 2026-W10, W12, W14 across, each cell a symbol and word with
    its trend arrow and ⚠ where the team disagreed; the latest cell of client-contacted in focus,
    with Ana's ✘ no and note and Jonas's ✔ yes below, and the legend whole (wrapped by its parts)."""

    async def open_history(pilot) -> None:
        await until(pilot, lambda: getattr(pilot.app.screen, "data", None) is not None, "the history")
        await pilot.press("h")
        await until(pilot, lambda: _matrix_shown(pilot), "the matrix")

    _snapshot(snap_compare, history, size, language, home=True, run_before=open_history)


@variants
def test_history_help(snap_compare, history, size, language):
    """You should see, over the history screen, the help headed "Keys on the history screen" with
    the history's keys (arrows move between cells, escape goes back), not the run screen's."""

    async def open_help(pilot) -> None:
        await until(pilot, lambda: getattr(pilot.app.screen, "data", None) is not None, "the history")
        await pilot.press("h")
        await until(pilot, lambda: _matrix_shown(pilot), "the matrix")
        await pilot.press("question_mark")
        await settle(pilot)

    _snapshot(snap_compare, history, size, language, home=True, run_before=open_help)


@variants
def test_actions_review(snap_compare, history, size, language):
    """You should see the run start with the review of the phase's open actions: the intro with d,
    o, x, the three actions (two ⚠ overdue), the first in detail with owner, due date, overdue by
    21 days, the run that raised it and its earlier review, the note field and the hint."""

    async def ready(pilot) -> None:
        await until(pilot, lambda: on_screen(pilot, "ActionsScreen"), "the action review")

    _snapshot(snap_compare, history, size, language, home=False, run_before=ready)


@variants
def test_participants_dialog(snap_compare, history, size, language):
    """You should see, over the run screen, who is answering together: the two recent authors,
    Ana picked ([✔] and the word picked) and Erika not ([ ]), in a list with a whole border, and
    the field for typing anyone else as Name <email>."""

    async def pick(pilot) -> None:
        from textual.widgets import SelectionList

        await until(pilot, lambda: on_screen(pilot, "ActionsScreen"), "the action review")
        await pilot.press("escape", "p")
        await until(
            pilot,
            lambda: on_screen(pilot, "ParticipantsScreen") and pilot.app.screen.query_one(SelectionList).option_count > 0,
            "the recent authors",
        )
        pilot.app.screen.query_one(SelectionList).highlighted = 0
        await pilot.press("space")
        await settle(pilot)

    _snapshot(snap_compare, history, size, language, home=False, run_before=pick)


# ----------------------------------------------------------------------------- the action review after keys


def _action_review(keys=()):
    async def open_review(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")  # a run of build: its open actions come first
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return open_review


@pytest.fixture
def fixed_now(monkeypatch):
    """Runs started now start at FIXED_START: the sprint in the title stays 2026-W48."""
    from kundencheck.core import answers as answers_mod

    monkeypatch.setattr(answers_mod, "now", lambda: FIXED_START)


def test_action_review_80x24(snap_compare, history_repo, fixed_now):
    """You should see the three open actions of build as rows, the most overdue first: a mark
    and decision column (● marked, ✔ done, · not decided), the item (the short title
    "Talked to the c…" or the id team-mood), what, owner, due (⚠ 03-20 and ⚠ 04-03 overdue,
    04-30 not), raised by and when (+1 for a second text); "2 of 3 · 1 decided, 2 not yet ·
    1 marked" above; below, the row in focus (Talk about workload) in detail with its id, owner,
    due and "overdue by 7 days", who raised it, and the footer's d, o, x, space, / keys."""

    app, project = project_app(history_repo["path"])
    try:
        assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=_action_review(["d", "j", "space", "k"]))
    finally:
        project.close()


def test_action_review_120x40(snap_compare, history_repo, fixed_now):
    """You should see the same rows with a wider "what" column; Book a review decided ✔ done,
    Talk about workload ✘ dropped with the note field focused and the hint that a dropped
    action needs a note; the detail shows who raised it, the answer then and "This run:
    ✘ dropped"."""

    app, project = project_app(history_repo["path"])
    try:
        assert snap_compare(app, terminal_size=(120, 40), run_before=_action_review(["d", "x"]))
    finally:
        project.close()


# ----------------------------------------------------------------------------- the sprint meeting


@variants
def test_meeting_people(snap_compare, size, language):
    """You should see the people picker titled "Who is at the sprint meeting?", saying that you
    (Erika Mustermann) are there anyway and that escape starts the meeting, with Ana, Ben and Cem
    picked ([✔] … · picked), the field to type someone else, and that no other recent authors were
    found (the offline app has no repository)."""
    from tests.support.apps import offline_meeting_app

    app, _ = offline_meeting_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size])


@variants
def test_meeting_voting(snap_compare, size, language):
    """You should see the meeting screen ("Agreed 0 of 4", "meeting of 4" in the title) on
    client-contacted: the question and its four choices, then the people in a row (✔ Erika, ✔ Ana,
    ▸ Ben highlighted, · Cem), "2 of 4 have voted. Ana Schäfer has voted.", that it is Ben's turn
    and that s skips and backspace takes back; no value anywhere, no note field; the footer with
    Skip and Back."""
    from tests.support.apps import offline_meeting_app

    app, _ = offline_meeting_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["escape", "3", "1"])


@variants
def test_meeting_reveal(snap_compare, size, language):
    """You should see client-contacted revealed: "The votes:" with each person's name and vote in
    two columns (Erika ✘ no, Ana ✔ yes, Ben ◐ partly, Cem ✘ no), "⚠ The votes disagree", the
    suggestion ✘ no (the worse of the two middle votes) chosen among the choices, the hints that a
    note and an action are needed, and (at 120x40; at 80x24 the pane scrolls to it) the note field
    and the action box; ✘ before client-contacted in the list, "Agreed 1 of 4"."""
    from tests.support.apps import offline_meeting_app

    app, _ = offline_meeting_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["escape", "3", "1", "2", "3"])


@variants
def test_meeting_anonymous_reveal(snap_compare, size, language):
    """You should see team-mood revealed anonymously: the line that each vote is entered unseen
    and only counts are kept, "The votes, anonymous:" with ✘ 1/5 × 1, ✘ 2/5 × 1, ✔ 4/5 × 2 and no
    name beside any of them, the votes 3 apart (⚠ disagree) and, at 120x40 (80x24 scrolls), the
    suggestion ✘ 2/5; 2 chosen on the scale."""
    from tests.support.apps import offline_meeting_app

    app, _ = offline_meeting_app(language=language)
    assert snap_compare(app, terminal_size=SIZES[size], press=["escape", "down", "2", "4", "1", "4"])
