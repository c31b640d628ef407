"""The band of an answer: red, amber, green, not applicable, or none. One definition for every view.

The commit subject and its ``Kundencheck-Score``, ``status`` (text and JSON), ``log``, the home
screen, the history matrix, the reports and the gate all ask :func:`answer_band`; nothing else
decides an answer's colour (docs/history.md, "Bands"):

- a traffic light is its own status: ``green``, ``amber``, ``red`` or ``na``;
- a scale value has the band its checklist gives it (``bands``), by default 1-2 red, 3 amber,
  4-5 green;
- a choice has the band of the option picked, if the checklist gives that option one;
- text and dates have none.

An item no longer in the checklist (removed since) is banded by the kind its value suggests: a
status is a traffic light, a whole number from 1 to 5 a scale with the default bands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from kundencheck.core.checklist import DEFAULT_SCALE_BANDS, STATUS_SYMBOLS, STATUSES, AnswerValue, Checklist, Item, Kind
from kundencheck.core.i18n import N_

if TYPE_CHECKING:
    from kundencheck.core.answers import Run  # (answers imports this module)

#: Every band, worst first; ``na`` is "not applicable" and has no rank.
BANDS = ("red", "amber", "green", "na")
#: The symbol of each band, the same as its traffic light's: colour never stands alone.
BAND_SYMBOLS = dict(STATUS_SYMBOLS)
#: English words, marked for the catalogs: shown translated with ``i18n.translate``.
BAND_WORDS = {"green": N_("green"), "amber": N_("amber"), "red": N_("red"), "na": N_("n/a")}
#: How good a band is, for trends and ties: higher is better.
RANK = {"red": 0, "amber": 1, "green": 2}
#: Points of a band in the score: green 2, amber 1, red 0 (not applicable is left out).
POINTS = {"green": 2, "amber": 1, "red": 0}


def guess_kind(value: AnswerValue | None) -> Kind | None:
    """The kind an answer's value suggests when its item is not known: a status is a traffic
    light, a whole number from 1 to 5 a scale; anything else has no band."""
    if type(value) is str and value in STATUSES:
        return Kind.TRAFFIC_LIGHT
    if type(value) is int and 1 <= value <= 5:
        return Kind.SCALE
    return None


def answer_band(item: Item | None, value: AnswerValue | None) -> str | None:
    """The band of ``value`` as an answer to ``item`` (None: an item the checklist no longer
    has): ``"red"``, ``"amber"``, ``"green"``, ``"na"``, or None for no band."""
    if value is None:
        return None
    kind = item.kind if item is not None else guess_kind(value)
    if kind is Kind.TRAFFIC_LIGHT:
        return value if type(value) is str and value in STATUSES else None
    if kind is Kind.SCALE:
        if type(value) is int and 1 <= value <= 5:
            return (item.scale_bands if item is not None else DEFAULT_SCALE_BANDS)[value - 1]
        return None
    if kind is Kind.CHOICE and item is not None:
        return item.option_band(value)
    return None


def answer_score(item: Item | None, value: AnswerValue | None) -> int | None:
    """A number to compare two answers to one item by (higher is better), or None when the
    answer cannot be compared: a traffic light by its band, a scale by its value (its bands
    run from red at 1 to green at 5), a choice by its option's band."""
    if value is None:
        return None
    kind = item.kind if item is not None else guess_kind(value)
    if kind is Kind.SCALE:
        return value if type(value) is int and 1 <= value <= 5 else None
    band = answer_band(item, value)
    return RANK.get(band) if band is not None else None


def item_of(checklist: Checklist | None, item_id: str) -> Item | None:
    """The checklist's item ``item_id``, None when there is no checklist or it has no such item."""
    return checklist.item(item_id) if checklist is not None else None


class BandCounts(NamedTuple):
    """How many answers have each band, and the score they make."""

    green: int = 0
    amber: int = 0
    red: int = 0
    na: int = 0

    @property
    def points(self) -> int:
        return 2 * self.green + self.amber

    @property
    def max_points(self) -> int:
        return 2 * (self.green + self.amber + self.red)

    @property
    def score(self) -> str:
        """Points over the maximum, ``13/18``: every banded answer but n/a counts."""
        return f"{self.points}/{self.max_points}"

    def as_dict(self) -> dict[str, int]:
        return {"green": self.green, "amber": self.amber, "red": self.red, "na": self.na}


def count_bands(bands: Iterable[str | None]) -> BandCounts:
    """Count ``bands`` (None, no band, is left out)."""
    counts = dict.fromkeys(("green", "amber", "red", "na"), 0)
    for band in bands:
        if band is not None:
            counts[band] += 1
    return BandCounts(**counts)


def run_bands(run: Run, checklist: Checklist | None) -> dict[str, str]:
    """Item id -> band of every answer of ``run`` that has one, in the run's order. With a
    checklist, answers to items its conditions hide are left out (a draft may still hold them)."""
    values = run.values()
    bands: dict[str, str] = {}
    for answer in run.answers:
        item = item_of(checklist, answer.item)
        if checklist is not None and item is not None and item.when is not None and not checklist.is_visible(item, values):
            continue
        band = answer_band(item, answer.value)
        if band is not None:
            bands[answer.item] = band
    return bands


def run_counts(run: Run, checklist: Checklist | None) -> BandCounts:
    """How many of ``run``'s answers are green, amber, red and n/a (see :func:`run_bands`)."""
    return count_bands(run_bands(run, checklist).values())
