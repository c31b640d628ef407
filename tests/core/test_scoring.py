"""A run's answers counted by band, and how many of the visible items are answered (core/scoring.py)."""

from __future__ import annotations

from kundencheck.core.answers import Answer
from kundencheck.core.bands import BandCounts
from kundencheck.core.scoring import Tally, tally
from tests.core.test_answers import CHECKLIST, make_run


def test_a_tally_counts_bands_and_the_visible_items_answered():
    # deviations is only asked when design is "yes": hidden here; an empty text is no answer
    run = make_run(Answer("contacted", "red"), Answer("mood", 4), Answer("design", "no"), Answer("self-critical", ""))
    result = tally(run, CHECKLIST)
    assert result == Tally(green=1, amber=0, red=1, na=0, answered=3, total=5)
    assert result.counts == BandCounts(1, 0, 1, 0)
    assert (result.points, result.max_points, result.score) == (2, 4, "2/4")


def test_a_tally_with_every_band_and_a_conditional_item_shown():
    run = make_run(
        Answer("contacted", "amber"),
        Answer("mood", 3),
        Answer("design", "yes"),
        Answer("deviations", "na"),
        Answer("review", None),
        Answer("self-critical", "We argued"),
    )
    result = tally(run, CHECKLIST)
    assert result == Tally(green=0, amber=2, red=0, na=1, answered=5, total=6)
    assert (result.points, result.max_points, result.score) == (2, 4, "2/4")


def test_an_empty_tally():
    assert tuple(Tally()) == (0, 0, 0, 0, 0, 0)
    assert Tally().score == "0/0"
