"""What users see, as SVG snapshots at 80x24 (update with --snapshot-update)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import FIXED_START, offline_app

SIZE = (80, 24)


def test_run_screen_first_item(snap_compare):
    """You should see the first question with its why, last time's answer (✘ no with its note),
    the four traffic-light choices with symbols and words, and the item list on the left."""
    app, _ = offline_app({"client-contacted": ("red", "Only status mails [bold]since[/] May")})
    assert snap_compare(app, terminal_size=SIZE)


def test_run_screen_asks_for_note_and_action(snap_compare):
    """You should see client-contacted answered ✘ no, the note field focused, the action box
    (what, owner, due) shown, and a hint that a note and an action are needed."""
    app, _ = offline_app()
    assert snap_compare(app, terminal_size=SIZE, press=["3"])


def test_review_screen(snap_compare):
    """You should see every answer with symbol and word, the problems list (nothing missing),
    and the start of the exact commit message."""
    app, _ = offline_app()
    # yes, mood 4, own design: no (hides deviations), expectations yes, skip the optional
    # date, type the self-critical text, review.
    keys = ["1", "4", "2", "1", "enter", *"Proposed two options", "enter", "ctrl+s"]
    assert snap_compare(app, terminal_size=SIZE, press=keys)


async def _history_read(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_home_screen(snap_compare, history_repo):
    """You should see the five phases on the left (build current, ✔ ok with 2 overdue actions,
    the others not yet checked) and build in detail on the right: last run 2026-03-30 in sprint
    2026-W14 by Jonas Berg and Ana Schäfer, answers ✔ 1 yes ◐ 0 partly ✘ 1 no – 0 n/a, trend
    arrows, ok until 2026-04-13, three open actions (two ⚠ overdue), the disagreement on
    client-contacted and team-mood, no drafts; enter and h in the footer."""
    from tests.tui.conftest import project_app

    app, project = project_app(history_repo["path"])
    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=_history_read)
    finally:
        project.close()


def test_history_screen(snap_compare, history_repo):
    """You should see the build checklist's health matrix: client-contacted, team-mood and
    expectations-match down, sprints 2026-W10, W12, W14 across, each cell a symbol and word
    (✘ no, ◐ 3/5, ✔ yes) with its trend arrow and ⚠ where the team disagreed; the latest cell of
    client-contacted in focus, with Ana's ✘ no and note and Jonas's ✔ yes below, and the legend."""
    from tests.tui.conftest import project_app

    app, project = project_app(history_repo["path"])

    async def open_history(pilot) -> None:
        await _history_read(pilot)
        await pilot.press("h")
        await _history_read(pilot)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=open_history)
    finally:
        project.close()


def test_quit_dialog(snap_compare):
    """You should see, over the run screen, a bordered box in the middle asking "Quit without
    committing?", saying the answers are kept as a draft, and the keys y and n / escape."""
    app, _ = offline_app()
    assert snap_compare(app, terminal_size=SIZE, press=["1", "q"])


def _action_review(keys=()):
    async def open_review(pilot) -> None:
        await _history_read(pilot)
        await pilot.press("enter")  # a run of build: its open actions come first
        await _history_read(pilot)
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
    from tests.tui.conftest import project_app

    app, project = project_app(history_repo["path"])
    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=_action_review(["d", "j", "space", "k"]))
    finally:
        project.close()


def test_action_review_120x40(snap_compare, history_repo, fixed_now):
    """You should see the same rows with a wider "what" column; Book a review decided ✔ done,
    Talk about workload ✘ dropped with the note field focused and the hint that a dropped
    action needs a note; the detail shows who raised it, the answer then and "This run:
    ✘ dropped"."""
    from tests.tui.conftest import project_app

    app, project = project_app(history_repo["path"])
    try:
        assert snap_compare(app, terminal_size=(120, 40), run_before=_action_review(["d", "x"]))
    finally:
        project.close()
