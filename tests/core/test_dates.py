"""Dates as people type them (core/dates.py): every accepted form, and what is not a date."""

from __future__ import annotations

import datetime as dt

import pytest

from kundencheck.core.dates import date_shown, due_date_words, parse_typed_date
from kundencheck.core.i18n import set_language

#: A Friday.
TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("  2027-1-5 ", dt.date(2027, 1, 5)),
        ("31.12.2026", dt.date(2026, 12, 31)),
        ("31.12.26", dt.date(2026, 12, 31)),
        ("1.2.2027", dt.date(2027, 2, 1)),
        ("31.12.", dt.date(2026, 12, 31)),
        ("31.12", dt.date(2026, 12, 31)),
        ("4.12.", dt.date(2026, 12, 4)),  # today, without a year: this year's
        ("3.12.", dt.date(2027, 12, 3)),  # passed: next year's
        ("29.2.", dt.date(2028, 2, 29)),  # the next year that has the day
        ("+7", dt.date(2026, 12, 11)),
        ("+ 14", dt.date(2026, 12, 18)),
        ("+0", TODAY),
        ("fr", dt.date(2026, 12, 11)),  # on a Friday, the next Friday
        ("Fri", dt.date(2026, 12, 11)),
        ("friday", dt.date(2026, 12, 11)),
        ("Freitag", dt.date(2026, 12, 11)),
        ("mo", dt.date(2026, 12, 7)),
        ("montag", dt.date(2026, 12, 7)),
        ("Mon.", dt.date(2026, 12, 7)),
        ("di", dt.date(2026, 12, 8)),
        ("tuesday", dt.date(2026, 12, 8)),
        ("mi", dt.date(2026, 12, 9)),
        ("do", dt.date(2026, 12, 10)),
        ("thursday", dt.date(2026, 12, 10)),
        ("sa", dt.date(2026, 12, 5)),
        ("samstag", dt.date(2026, 12, 5)),
        ("so", dt.date(2026, 12, 6)),
        ("sunday", dt.date(2026, 12, 6)),
        ("today", TODAY),
        ("heute", TODAY),
        ("morgen", dt.date(2026, 12, 5)),
        ("tomorrow", dt.date(2026, 12, 5)),
    ],
)
def test_typed_dates(typed, expected):
    assert parse_typed_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "soon",
        "31.13.",
        "32.12.2026",
        "2026-02-30",
        "2026-13-01",
        "+",
        "+-3",
        "+99999",
        "12/31/2026",
        "31.12.202",
        "fr fr",
        "2026-12-31T10:00",
        "7",
    ],
)
def test_not_dates(typed):
    assert parse_typed_date(typed, TODAY) is None


def test_weekday_is_never_today():
    for offset in range(7):
        today = TODAY + dt.timedelta(days=offset)
        for name in ("mo", "di", "mi", "do", "fr", "sa", "so"):
            found = parse_typed_date(name, today)
            assert 1 <= (found - today).days <= 7


def test_date_shown_names_the_weekday_in_the_language():
    assert date_shown(dt.date(2026, 12, 11)) == "Fri 2026-12-11"
    set_language("de")
    try:
        assert date_shown(dt.date(2026, 12, 11)) == "Fr 2026-12-11"
        assert date_shown(dt.date(2026, 12, 13)) == "So 2026-12-13"
    finally:
        set_language("en")


def test_typed_dates_at_the_edges():
    friday = dt.date(2026, 12, 11)
    assert parse_typed_date("Fr,", friday) == dt.date(2026, 12, 18)  # a comma typed after a word
    assert parse_typed_date(",fr", friday) is None
    assert parse_typed_date(" fr. ", friday) == dt.date(2026, 12, 18)
    assert parse_typed_date("+ 7", friday) == dt.date(2026, 12, 18)
    assert parse_typed_date("+3660", friday) == friday + dt.timedelta(days=3660)  # ten years ahead at most
    assert parse_typed_date("+3661", friday) is None
    assert parse_typed_date("29.2.", dt.date(2028, 3, 1)) == dt.date(2032, 2, 29)  # the next year that has it
    assert parse_typed_date("30.2.", friday) is None


def test_due_date_words_name_the_day_or_say_there_is_none():
    assert due_date_words(dt.date(2026, 12, 11)) == due_date_words("2026-12-11") == "due 2026-12-11"
    assert due_date_words(None) == due_date_words("") == "no due date"
    set_language("de")
    try:
        assert (due_date_words(dt.date(2026, 12, 11)), due_date_words(None)) == ("fällig 2026-12-11", "ohne Fälligkeit")
    finally:
        set_language("en")
