"""A run's answers counted by band, and how many of the visible items are answered (core/scoring.py)."""

from __future__ import annotations

import datetime as dt

from kundencheck.core.answers import Answer
from kundencheck.core.bands import BandCounts
from kundencheck.core.scoring import Tally, tally
from tests.support.checklists import checklist, item
from tests.support.runs import made_run

#: Five items, one of them shown only when the client supplies a design.
CHECKLIST = checklist(
    "contacted",
    "mood",
    "design",
    item("deviations", when={"item": "design", "equals": "yes"}),
    item("review", like="next-review", required=False),
    item("self-critical", like="lesson"),
)


def make_run(*answers: Answer):
    return made_run("20261127T091500Z-build-erika-3f9a1c", "2026-W48", dt.datetime(2026, 11, 27, 9, 15, tzinfo=dt.UTC), *answers)


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
