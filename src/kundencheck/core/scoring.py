"""Counting a run's answers and scoring it.

The counts and the score are of every answer with a band (:mod:`kundencheck.core.bands`):
traffic lights, scale values and choice options the checklist gives a band. The score is green
2 points, amber 1, red 0, not applicable left out, written as points over the maximum
(``13/18``) so nobody mistakes it for a grade out of ten.
"""

from __future__ import annotations

from typing import NamedTuple

from kundencheck.core.answers import Run
from kundencheck.core.bands import BandCounts, run_counts
from kundencheck.core.checklist import Checklist


class Tally(NamedTuple):
    """A run's answers counted by band, and how many of the visible items are answered."""

    green: int = 0
    amber: int = 0
    red: int = 0
    na: int = 0
    answered: int = 0
    total: int = 0

    @property
    def counts(self) -> BandCounts:
        return BandCounts(self.green, self.amber, self.red, self.na)

    @property
    def points(self) -> int:
        return self.counts.points

    @property
    def max_points(self) -> int:
        return self.counts.max_points

    @property
    def score(self) -> str:
        return self.counts.score


def tally(run: Run, checklist: Checklist) -> Tally:
    """Counts of the run's answers by band (:func:`~kundencheck.core.bands.run_counts`), and
    how many of the visible items are answered, of how many."""
    values = run.values()
    visible = checklist.visible_items(values)
    answered = sum(1 for item in visible if values.get(item.id) not in (None, ""))
    return Tally(*run_counts(run, checklist), answered=answered, total=len(visible))
