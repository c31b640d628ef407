"""Statuses, answer counts and trends as Rich text, the same in the CLI's tables and the TUI.

Every status is a symbol and a word (or a symbol with a legend nearby), colour only on top:
red and green look alike to many people, and NO_COLOR terminals show no colour at all.
"""

from __future__ import annotations

from rich.text import Text

from kundencheck.core.checklist import STATUS_SYMBOLS
from kundencheck.core.i18n import N_, _, translate

STATUS_STYLES = {"green": "green", "amber": "yellow", "red": "bold red", "na": "dim"}
TREND_STYLES = {"better": "green", "worse": "bold red", "same": "", "new": "dim", "none": ""}
#: How many answers moved which way, e.g. "↑ 2 better"; translated where shown.
TREND_COUNTS = {"better": N_("{arrow} {count} better"), "same": N_("{arrow} {count} same"), "worse": N_("{arrow} {count} worse")}
#: The symbols of the compact forms, for a line under a table or matrix that uses them.
LEGEND = N_("✔ yes  ◐ partly  ✘ no  – n/a  · none  ↑ better → same ↓ worse  ⚠ disagree")


def counts_parts(counts: dict[str, int], *, words: bool = True) -> list[Text]:
    """Answers counted by band (:func:`kundencheck.core.bands.run_counts`): ``✔ 6 green``,
    ``◐ 2 amber``, ``✘ 2 red``, ``– 1 n/a``: one part per band, each to be kept on one line;
    ``words=False`` gives ``✔6`` ... for narrow tables (with :data:`LEGEND` shown nearby)."""
    from kundencheck.core.bands import BAND_WORDS

    parts = []
    for status in ("green", "amber", "red", "na"):
        count = counts.get(status, 0)
        shown = (
            f"{STATUS_SYMBOLS[status]} {count} {translate(BAND_WORDS[status])}" if words else f"{STATUS_SYMBOLS[status]}{count}"
        )
        parts.append(Text(shown, style=STATUS_STYLES[status]))
    return parts


def counts_text(counts: dict[str, int], *, words: bool = True, separator: str = "  ") -> Text:
    """``✔ 6 green  ◐ 2 amber  ✘ 2 red  – 1 n/a``; ``words=False`` gives ``✔6 ◐2 ✘2 –1``."""
    return Text(separator).join(counts_parts(counts, words=words))


def trend_parts(trend: dict[str, int], *, words: bool = True) -> list[Text]:
    """``↑ 2 better``, ``→ 0 same``, ``↓ 1 worse`` (and ``2 new`` when there are new items), one
    part each; ``words=False`` gives ``↑2`` ... ``+2``."""
    from kundencheck.core.history import TREND_ARROWS, Trend

    parts = []
    for key in ("better", "same", "worse"):
        count = trend.get(key, 0)
        shown = (
            translate(TREND_COUNTS[key]).format(arrow=TREND_ARROWS[Trend(key)], count=count)
            if words
            else f"{TREND_ARROWS[Trend(key)]}{count}"
        )
        parts.append(Text(shown, style=TREND_STYLES[key]))
    if trend.get("new"):
        parts.append(Text(_("{count} new").format(count=trend["new"]) if words else f"+{trend['new']}", style="dim"))
    return parts


def trend_text(trend: dict[str, int], *, words: bool = True, separator: str = "  ") -> Text:
    """``↑ 2 better  → 0 same  ↓ 1 worse`` (and ``2 new``); ``words=False`` gives ``↑2 →0 ↓1 +2``."""
    return Text(separator).join(trend_parts(trend, words=words))


def first_use_text() -> str:
    """What a repository without a project config is told, in one line (the TUI and `status`)."""
    from kundencheck.core.config import CONFIG_PATH

    return _("Not set up: `kundencheck init` writes {file} and commits it.").format(file=CONFIG_PATH)


def legend_text() -> Text:
    return Text(translate(LEGEND), style="dim")


def legend_parts() -> list[Text]:
    """The legend in parts that belong together (``✔ yes``, ``↑ better → same ↓ worse``), for a
    layout that keeps each on one line."""
    return [Text(part, style="dim") for part in translate(LEGEND).split("  ") if part.strip()]
