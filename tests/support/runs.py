"""Runs built in memory, without git, on the small checklist of the history's tests (contact,
mood, design): for the history model, the gate, corrections, the tone signal and the reports."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from kundencheck.core.answers import Action, ActionReview, Answer, Run
from kundencheck.core.history import HistorySummary, summarize
from tests.support.checklists import checklist, item

UTC = dt.UTC
CHECKLIST = checklist(item("contacted", note_when=["amber", "red"], action_when=["red"]), "mood", "design")
CHECKLISTS = {"build": CHECKLIST}

ANA, JONAS, LEA = "Ana <ana@example.com>", "Jonas <jonas@example.com>", "Lea <lea@example.com>"
#: The first days of three sprints, two weeks apart.
D1, D2, D3 = dt.date(2026, 3, 2), dt.date(2026, 3, 16), dt.date(2026, 3, 30)

_numbers = itertools.count(1)


def made_run(
    run_id: str,
    sprint: str,
    started: dt.datetime,
    *answers: Answer,
    author: str = ANA,
    phase: str = "build",
    checklist: str | None = None,
    minutes: int = 5,
    **fields: Any,
) -> Run:
    """A run as an answers file holds it: its id, sprint and start given, its checklist (by
    default the phase's own) at version 1.0, in English, finished ``minutes`` after it started;
    ``fields`` (reviews, participants, a correction's) as given."""
    return Run(
        id=run_id,
        checklist=checklist or phase,
        checklist_version="1.0",
        phase=phase,
        language="en",
        sprint=sprint,
        author=author,
        started=started,
        finished=started + dt.timedelta(minutes=minutes),
        answers=list(answers),
        **fields,
    )


def run(
    sprint: str,
    day: dt.date,
    *answers: Answer,
    author: str = ANA,
    phase: str = "build",
    checklist: str = "build",
    reviews: list[ActionReview] | None = None,
    minute: int = 0,
) -> Run:
    """A run by ``author`` in ``sprint``, started at 9:``minute`` UTC on ``day``; its id is unique
    (a counter in place of the random part)."""
    return made_run(
        f"{day:%Y%m%d}T09{minute:02d}00Z-{phase}-{author.split()[0].lower()}-{next(_numbers):06x}",
        sprint,
        dt.datetime.combine(day, dt.time(9, minute), UTC),
        *answers,
        author=author,
        phase=phase,
        checklist=checklist,
        reviews=list(reviews or []),
    )


#: The first action of :func:`action_runs`.
A1 = Action("Call the product owner", "Ana", dt.date(2026, 3, 9))


def action_runs() -> tuple[Run, Run, Run]:
    """Three sprints of Ana's: W10 opens two actions, W12 closes one, drops the other and opens a
    third, W14 keeps that one open."""
    r1 = run(
        "W10",
        D1,
        Answer("contacted", "red", note="silence", action=A1),
        Answer("mood", 2, action=Action("Team lunch", "Jonas", dt.date(2026, 3, 10))),
    )
    r2 = run(
        "W12",
        D2,
        Answer("contacted", "red", action=Action("Book a review", "Ana", dt.date(2026, 3, 20))),
        reviews=[ActionReview(r1.id, "contacted", "done"), ActionReview(r1.id, "mood", "dropped", "Mood is fine again")],
    )
    r3 = run("W14", D3, Answer("contacted", "amber"), reviews=[ActionReview(r2.id, "contacted", "open", "Client on holiday")])
    return r1, r2, r3


def report_summary() -> HistorySummary:
    """:func:`action_runs` with text that Markdown and HTML must neutralise, and Jonas in W14."""
    r1, r2, r3 = action_runs()
    r3.answers[0].note = "a | b\n# not a heading <b>bold</b> [link](http://x) *x*"
    jonas = run("W14", D3, Answer("contacted", "green"), Answer("mood", 5), author="Jonas <jonas|x@example.com>", minute=20)
    r3.answers.append(Answer("mood", 1))
    return summarize([r1, r2, r3, jonas], today=dt.date(2026, 4, 10), checklists=CHECKLISTS)
