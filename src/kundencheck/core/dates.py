"""Dates as people type them: ``2026-12-31``, ``31.12.2026``, ``31.12.``, ``+7``, ``fr``, ``friday``.

:func:`parse_typed_date` turns what was typed into a date, :func:`date_shown` says back what was
understood (``Fri 2026-12-11``). Pure: "today" is passed in by the caller, never read here.
The action form and the date items of the run screen use them, and ``kundencheck answer --from``
for a date written in quotes.
"""

from __future__ import annotations

import datetime as dt
import re

from kundencheck.core.i18n import N_, _, translate

#: What each weekday may be typed as, in English and German, lower case: the full name and every
#: usual abbreviation. Monday is 0, as in :meth:`datetime.date.weekday`. ``so`` is the German
#: Sunday (English has no such abbreviation); ``sa`` is Saturday in both.
WEEKDAY_NAMES: dict[str, int] = {
    **dict.fromkeys(("mo", "mon", "monday", "montag"), 0),
    **dict.fromkeys(("tu", "tue", "tues", "tuesday", "di", "die", "dienstag"), 1),
    **dict.fromkeys(("we", "wed", "wednesday", "mi", "mit", "mittwoch"), 2),
    **dict.fromkeys(("th", "thu", "thur", "thurs", "thursday", "do", "don", "donnerstag"), 3),
    **dict.fromkeys(("fr", "fri", "friday", "fre", "freitag"), 4),
    **dict.fromkeys(("sa", "sat", "saturday", "sam", "samstag", "sonnabend"), 5),
    **dict.fromkeys(("su", "sun", "sunday", "so", "son", "sonntag"), 6),
}

#: Words for today and tomorrow, in English and German.
RELATIVE_WORDS = {"today": 0, "heute": 0, "tomorrow": 1, "morgen": 1}

#: The weekdays' short names, Monday first; translated where shown (:func:`date_shown`).
WEEKDAY_SHORT = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))

#: How far ahead ``+N`` may reach, in days (ten years: a typo such as +20261231 is no date).
MAX_DAYS_AHEAD = 3660

_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4})?)?")
_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_DAYS = re.compile(r"\+\s*(\d{1,4})")


def parse_typed_date(text: str, today: dt.date) -> dt.date | None:
    """The date ``text`` means, as of ``today``; None when it is not a date.

    Accepted, in any language (spaces around are ignored, case does not matter):

    - ``2026-12-31`` (ISO, also ``2026-1-5``);
    - ``31.12.2026``, ``31.12.26``, ``31.12.`` and ``31.12`` (day and month as written in German;
      without a year, the next 31 December from today on, today included);
    - ``+7``: seven days from today (``+0`` is today);
    - a weekday, English or German, whole or abbreviated (``fr``, ``fri``, ``friday``,
      ``freitag``; ``so`` is Sunday): the next such day after today, so on a Friday ``fr``
      is the Friday a week later;
    - ``today``/``heute`` and ``tomorrow``/``morgen``.
    """
    typed = " ".join(text.split()).lower().removesuffix(",")
    if not typed:
        return None
    if typed in RELATIVE_WORDS:
        return today + dt.timedelta(days=RELATIVE_WORDS[typed])
    weekday = WEEKDAY_NAMES.get(typed.removesuffix("."))  # "fr." as "fr"
    if weekday is not None:
        ahead = (weekday - today.weekday() - 1) % 7 + 1  # 1 to 7: never today itself
        return today + dt.timedelta(days=ahead)
    days = _DAYS.fullmatch(typed)
    if days:
        count = int(days.group(1))
        return today + dt.timedelta(days=count) if count <= MAX_DAYS_AHEAD else None
    if _ISO.fullmatch(typed):
        year, month, day = (int(part) for part in typed.split("-"))
        return _date_or_none(year, month, day)
    dotted = _DOTTED.fullmatch(typed)
    if dotted:
        day, month, year_text = int(dotted.group(1)), int(dotted.group(2)), dotted.group(3)
        if year_text is None:
            this_year = _date_or_none(today.year, month, day)
            if this_year is not None and this_year >= today:
                return this_year
            # Passed this year (or 29.2. in a year without it): the next year that has the day.
            for year in range(today.year + 1, today.year + 9):  # pragma: no mutate (a 29.2. comes within 8 years)
                found = _date_or_none(year, month, day)
                if found is not None:
                    return found
            return None
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000
        return _date_or_none(year, month, day)
    return None


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_shown(date: dt.date) -> str:
    """``Fri 2026-12-11``: the weekday's short name in the chosen language and the ISO date, to
    show what a typed date was understood as."""
    return f"{translate(WEEKDAY_SHORT[date.weekday()])} {date.isoformat()}"


def due_date_words(due: dt.date | str | None) -> str:
    """An action's due date as the texts name it: ``due 2026-12-11`` (from a date or its ISO
    text), or ``no due date`` for an action without one."""
    if not due:
        return _("no due date")
    return _("due {day}").format(day=due if isinstance(due, str) else due.isoformat())
