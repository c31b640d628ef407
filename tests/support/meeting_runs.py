"""Sprint meetings in memory, on the history tests' checklist (tests/support/runs.py) with its
mood item anonymous: a meeting of Erika (facilitator), Ana, Jonas and Lea."""

from __future__ import annotations

import dataclasses
import datetime as dt

from kundencheck.core.answers import Action, Answer, ItemVotes, Vote
from tests.support.runs import ANA, CHECKLIST, JONAS, LEA, run

ERIKA = "Erika <erika@example.com>"
DAY = dt.date(2026, 3, 2)


def anonymous_checklist():
    """The history tests' checklist with its mood item anonymous."""
    items = [item._replace(anonymous=True) if item.id == "mood" else item for item in CHECKLIST.items]
    return dataclasses.replace(CHECKLIST, items=tuple(items))


MEETING_CHECKLIST = anonymous_checklist()
CHECKLISTS = {"build": MEETING_CHECKLIST}


def meeting(
    *,
    day=DAY,
    sprint="W10",
    contacted=("red", "green", "red", "amber"),
    mood=((1, 1), (2, 2), (5, 1)),
    agreed_contacted="red",
    agreed_mood=2,
    action=True,
    minute=30,
):
    """A meeting of Erika (facilitator), Ana, Jonas and Lea."""
    meeting_run = run(
        sprint,
        day,
        Answer("contacted", agreed_contacted, "Only mails", Action("Call them", "Ana", dt.date(2026, 3, 9)) if action else None),
        Answer("mood", agreed_mood),
        Answer("design", "no"),
        author=ERIKA,
        minute=minute,
    )
    meeting_run.meeting = True
    meeting_run.participants = [ERIKA, ANA, JONAS, LEA]
    meeting_run.votes = [
        ItemVotes("contacted", named=tuple(Vote(p, v) for p, v in zip((ERIKA, ANA, JONAS, LEA), contacted, strict=True))),
        ItemVotes("mood", anonymous=mood),
    ]
    return meeting_run
