"""The band of an answer (core/bands.py): one definition, for every kind of item."""

from __future__ import annotations

import datetime as dt

import pytest

from kundencheck.core.answers import Answer, Run
from kundencheck.core.bands import (
    BandCounts,
    answer_band,
    answer_score,
    count_bands,
    run_bands,
    run_counts,
)
from tests.support.checklists import checklist, item

CHECKLIST = checklist(
    "contacted",
    "mood",
    item("trust", bands={"red": [1], "amber": [2, 3, 4], "green": [5]}),
    item(
        "design",
        question="Who supplies the design?",
        why="A client's own design needs deviations announced.",
        options=[
            {"id": "ours", "label": "We do", "band": "green"},
            {"id": "theirs", "label": "The client", "band": "amber"},
            {"id": "nobody", "label": "Nobody yet", "band": "red"},
        ],
    ),
    item(
        "rhythm",
        question="How often do we meet?",
        options=[{"id": "weekly", "label": "Weekly"}, {"id": "monthly", "label": "Monthly", "band": "amber"}],
    ),
    item("design-detail", like="deviations", when={"item": "design", "equals": "theirs"}),
    item("next-review", required=False),
    "lesson",
)


@pytest.mark.parametrize(
    "item, value, band",
    [
        ("contacted", "green", "green"),
        ("contacted", "amber", "amber"),
        ("contacted", "red", "red"),
        ("contacted", "na", "na"),
        ("contacted", 3, None),
        ("contacted", None, None),
        ("mood", 1, "red"),
        ("mood", 2, "red"),
        ("mood", 3, "amber"),
        ("mood", 4, "green"),
        ("mood", 5, "green"),
        ("mood", True, None),
        ("mood", 6, None),
        ("mood", "red", None),
        ("trust", 1, "red"),
        ("trust", 2, "amber"),
        ("trust", 4, "amber"),
        ("trust", 5, "green"),
        ("design", "ours", "green"),
        ("design", "theirs", "amber"),
        ("design", "nobody", "red"),
        ("design", "other", None),
        ("rhythm", "weekly", None),
        ("rhythm", "monthly", "amber"),
        ("next-review", dt.date(2026, 12, 1), None),
        ("lesson", "red", None),
    ],
)
def test_every_kind_has_its_band(item, value, band):
    assert answer_band(CHECKLIST.item(item), value) == band


@pytest.mark.parametrize(
    "value, band",
    [
        ("red", "red"),
        ("na", "na"),
        (2, "red"),
        (3, "amber"),
        (5, "green"),
        ("theirs", None),
        (dt.date(2026, 1, 1), None),
        (True, None),
        (9, None),
    ],
)
def test_an_item_no_longer_in_the_checklist_is_banded_by_the_kind_its_value_suggests(value, band):
    assert answer_band(None, value) == band


def test_scores_compare_within_an_item_higher_is_better():
    mood, design = CHECKLIST.item("mood"), CHECKLIST.item("design")
    assert [answer_score(mood, v) for v in (1, 3, 5)] == [1, 3, 5]
    assert answer_score(design, "nobody") < answer_score(design, "theirs") < answer_score(design, "ours")
    assert answer_score(CHECKLIST.item("rhythm"), "weekly") is None
    assert answer_score(CHECKLIST.item("contacted"), "na") is None


def test_which_items_can_have_a_band():
    assert [i.id for i in CHECKLIST.items if i.can_have_band()] == [
        "contacted",
        "mood",
        "trust",
        "design",
        "rhythm",
        "design-detail",
    ]


def run_of(*answers: Answer) -> Run:
    started = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    return Run(
        id="20260302T090000Z-build-ana-000001",
        checklist="build",
        checklist_version="1.0",
        phase="build",
        language="en",
        sprint="W10",
        author="Ana <ana@example.com>",
        started=started,
        answers=list(answers),
    )


def test_run_counts_every_banded_answer_and_leaves_hidden_ones_out():
    run = run_of(
        Answer("contacted", "na"),
        Answer("mood", 1),
        Answer("trust", 3),
        Answer("design", "ours"),
        Answer("rhythm", "weekly"),
        Answer("design-detail", "red"),
        Answer("lesson", "Call earlier."),
        Answer("removed-item", "red"),
    )
    # design-detail is only asked when the client supplies the design: a draft may still hold it.
    assert run_bands(run, CHECKLIST) == {
        "contacted": "na",
        "mood": "red",
        "trust": "amber",
        "design": "green",
        "removed-item": "red",
    }
    counts = run_counts(run, CHECKLIST)
    assert counts == BandCounts(green=1, amber=1, red=2, na=1)
    assert counts.score == "3/8"
    assert counts.as_dict() == {"green": 1, "amber": 1, "red": 2, "na": 1}


def test_count_bands():
    assert count_bands(["red", None, "green", "red", "na"]) == BandCounts(green=1, amber=0, red=2, na=1)
    assert count_bands([]).score == "0/0"


@pytest.mark.parametrize(
    "value, kind",
    [
        ("green", "traffic-light"),
        ("na", "traffic-light"),
        ("blue", None),
        ("", None),
        (None, None),
        (1, "scale"),
        (5, "scale"),
        (0, None),
        (6, None),
        (True, None),
        ("3", None),
        (3.0, None),
    ],
)
def test_guess_kind(value, kind):
    from kundencheck.core.bands import guess_kind

    guessed = guess_kind(value)
    assert (guessed.value if guessed else None) == kind
