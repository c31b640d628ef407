"""What users see, as SVG snapshots at 80x24 (update with --snapshot-update)."""

from __future__ import annotations

from tests.tui.conftest import offline_app

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
