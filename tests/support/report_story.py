"""The story of the report's tests (tests/report/): a checklist with titles, key signals and
banded options in English and German, and three sprints going downhill."""

from __future__ import annotations

import datetime as dt

from kundencheck.core.answers import Action, Answer, Run
from kundencheck.core.checklist import Checklist
from tests.support import checklists

UTC = dt.UTC

#: The words of the story's checklist, per language.
WORDS = {
    "en": {
        "title": "Sprint start",
        "client-contacted": ("Talked to the client", "Did we speak with the client during the last sprint?", "Silence."),
        "team-mood": ("Team mood", "How is the team's mood?", "Mood."),
        "low-high": ("Dread", "Enjoy"),
        "design-source": ("Whose design", "Whose design do we build?", "Design."),
        "options": ("Our own", "The client's own"),
        "advice": ("What could we have advised better?", "Advice."),
    },
    "de": {
        "title": "Sprintstart",
        "client-contacted": ("Mit dem Kunden geredet", "Haben wir im letzten Sprint mit dem Kunden gesprochen?", "Funkstille."),
        "team-mood": ("Stimmung im Team", "Wie ist die Stimmung im Team?", "Stimmung."),
        "low-high": ("Graus", "Spaß"),
        "design-source": ("Wessen Design", "Wessen Design setzen wir um?", "Design."),
        "options": ("Unser eigenes", "Das des Kunden"),
        "advice": ("Was hätten wir besser raten können?", "Rat."),
    },
}


def checklist(language: str = "en") -> Checklist:
    """The story's checklist in ``language``: contact and mood (key signals), whose design (ours
    green, theirs amber), advice (optional text)."""
    words = WORDS[language]

    def titled(item_id: str, **keys):
        title, question, why = words[item_id]
        return checklists.item(item_id, title=title, question=question, why=why, **keys)

    (low, high), (ours, theirs), (question, why) = words["low-high"], words["options"], words["advice"]
    return checklists.checklist(
        titled("client-contacted", key_signal=True, kind="traffic-light"),
        titled("team-mood", key_signal=True, kind="scale", low=low, high=high),
        titled(
            "design-source",
            kind="choice",
            options=[{"id": "ours", "label": ours, "band": "green"}, {"id": "theirs", "label": theirs, "band": "amber"}],
        ),
        checklists.item("advice", question=question, why=why, kind="text", required=False),
        title=words["title"],
        language=language,
        version="1",
        source=f"build.{language}.toml",
    )


def run(n: int, sprint: int, author: str, *answers: Answer, language: str = "en") -> Run:
    """The ``n``th run, by ``author`` in sprint ``sprint`` (2026-S1 starts on 2 March, two weeks each)."""
    started = dt.datetime(2026, 3, 2, 9, n, tzinfo=UTC) + dt.timedelta(days=14 * (sprint - 1))
    return Run(
        id=f"{started:%Y%m%dT%H%M%SZ}-build-{author[:3].lower()}-{n:06x}",
        checklist="build",
        checklist_version="1",
        phase="build",
        language=language,
        sprint=f"2026-S{sprint}",
        author=f"{author} <{author.lower()}@example.com>",
        started=started,
        finished=started + dt.timedelta(minutes=5),
        answers=list(answers),
    )


def story_runs(language: str = "en") -> list[Run]:
    """Three sprints going downhill: contact yes -> partly -> no, mood 4 -> 3 -> 1."""
    return [
        run(
            1,
            1,
            "Ana",
            Answer("client-contacted", "green"),
            Answer("team-mood", 4),
            Answer("design-source", "ours"),
            language=language,
        ),
        run(
            2,
            2,
            "Ana",
            Answer("client-contacted", "amber", note="Only one call"),
            Answer("team-mood", 3),
            Answer("design-source", "theirs"),
            language=language,
        ),
        run(
            3,
            3,
            "Ana",
            Answer(
                "client-contacted", "red", note='Only "status" mails', action=Action("Call the PO", "Ana", dt.date(2026, 3, 20))
            ),
            Answer("team-mood", 1),
            Answer("design-source", "theirs"),
            Answer("advice", "Say no earlier."),
            language=language,
        ),
    ]
