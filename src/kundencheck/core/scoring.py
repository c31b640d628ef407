"""Counting a run's answers and scoring it.

The score counts traffic-light answers only: green 2 points, amber 1, red 0, not applicable
left out. It is written as points over the maximum (``13/18``) so nobody mistakes it for a
grade out of ten.
"""

from __future__ import annotations

from typing import NamedTuple

from kundencheck.core.answers import Run
from kundencheck.core.checklist import Checklist, Kind

_POINTS = {"green": 2, "amber": 1, "red": 0}


# A NamedTuple, not a frozen dataclass: cheaper to define at every start (see core/checklist.py).
class Tally(NamedTuple):
    """A run's answers counted by status, and how many of the visible items are answered."""

    green: int = 0
    amber: int = 0
    red: int = 0
    na: int = 0
    answered: int = 0
    total: int = 0

    @property
    def points(self) -> int:
        return 2 * self.green + self.amber

    @property
    def max_points(self) -> int:
        return 2 * (self.green + self.amber + self.red)

    @property
    def score(self) -> str:
        return f"{self.points}/{self.max_points}"


def tally(run: Run, checklist: Checklist) -> Tally:
    """Counts of the visible items' answers by status, and answered / total."""
    values = run.values()
    counts = dict.fromkeys(("green", "amber", "red", "na"), 0)
    answered = total = 0
    for item in checklist.visible_items(values):
        total += 1
        value = values.get(item.id)
        if value is None or value == "":
            continue
        answered += 1
        if item.kind is Kind.TRAFFIC_LIGHT and value in counts:
            counts[value] += 1
    return Tally(answered=answered, total=total, **counts)
