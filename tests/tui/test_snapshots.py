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
