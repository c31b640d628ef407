"""Projects' histories in memory for the portfolio's pure tests (tests/core/test_portfolio_health.py,
test_portfolio_report.py): runs of a small checklist with two key signals, summarised as
``kundencheck status`` and ``check`` summarise a project's history, and judged into a
:class:`ProjectHealth` as ``portfolio status`` judges a fetched project."""

from __future__ import annotations

import datetime as dt

from kundencheck.core.answers import Action, Answer, Run
from kundencheck.core.history import HistorySummary, summarize
from kundencheck.core.portfolio import ProjectEntry
from kundencheck.core.portfolio_health import FetchFacts, ProjectHealth, judge
from tests.support.checklists import checklist, item
from tests.support.runs import made_run

UTC = dt.UTC
CHECKLIST = checklist(
    item("contacted", title="Talked to the client", key_signal=True, note_when=["amber", "red"], action_when=["red"]),
    item("mood", key_signal=True),
    "design",
)
CHECKLISTS = {"build": CHECKLIST}
ANA = "Ana <ana@example.com>"
#: Mondays two weeks apart: the sprints' starts.
S1, S2, S3 = dt.date(2026, 3, 2), dt.date(2026, 3, 16), dt.date(2026, 3, 30)
FETCHED = dt.datetime(2026, 3, 19, 7, 30, tzinfo=UTC)


def run(
    sprint: str, day: dt.date, contacted: str = "green", mood: int = 4, *, action: Action | None = None, phase="build"
) -> Run:
    return made_run(
        f"{day:%Y%m%d}T090000Z-{phase}-ana-{sprint.lower()}",
        sprint,
        dt.datetime.combine(day, dt.time(9, 0), UTC),
        Answer("contacted", contacted, note="Only mails" if contacted != "green" else "", action=action),
        Answer("mood", mood),
        Answer("design", "no"),
        author=ANA,
        phase=phase,
        checklist="build",
    )


def summary(runs: list[Run], today: dt.date, *, cadence: int = 14, phase: str = "build") -> HistorySummary:
    return summarize(runs, today=today, cadence_days=cadence, current_phase=phase, checklists=CHECKLISTS)


def entry(name: str, **kw) -> ProjectEntry:
    return ProjectEntry(name, kw.pop("remote", f"git@git.example.com:clients/{name}.git"), **kw)


def healthy(name: str, runs: list[Run], today: dt.date, *, fetch: FetchFacts | None = None, **kw) -> ProjectHealth:
    """``name`` judged by its own rules (``levels``, ``parameters``, ``title``, ``client`` as
    its config has them), fetched on :data:`FETCHED` unless ``fetch`` says otherwise."""
    phase = kw.pop("phase", "build")
    cadence = kw.pop("cadence", 14)
    return judge(
        entry(name),
        fetch or FetchFacts(fetched=FETCHED),
        summary(runs, today, cadence=cadence, phase=phase),
        kw.pop("problems", ()),
        **kw,
    )
