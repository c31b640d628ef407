"""The story kundencheck exists for, as answers to the shipped build checklist, sprint by
sprint: the client brings its own design, deviations go unannounced and no alternatives are
offered, contact shrinks to status mails, and the team's mood about the "stubborn" client falls
4 -> 3 -> 1. The notes call the client stubborn and pixel-perfect long before the mood item
turns red. ``replay`` commits it through `kundencheck answer --from`, as a team would."""

from __future__ import annotations

import datetime as dt
from typing import Any

GREEN = {"status": "green"}


def _red(note: str, what: str, owner: str = "Ana", due: str = "2026-04-30") -> dict[str, Any]:
    return {"status": "red", "note": note, "action": {"what": what, "owner": owner, "due": dt.date.fromisoformat(due)}}


#: Per sprint: its label and the answers that differ from "all green, own design".
SPRINTS: list[tuple[str, dict[str, dict[str, Any]]]] = [
    (
        "2026-W10",
        {
            "team-mood": {"value": 4},
            "good-faith": {"status": "amber", "note": "The client is stubborn about the header layout."},
            "deviations-announced": {"status": "amber", "note": "Two deviations are not announced yet."},
        },
    ),
    (
        "2026-W12",
        {
            "team-mood": {"value": 3},
            "client-contacted": {"status": "amber", "note": "Only status mails since the review."},
            "respectful-talk": {"status": "amber", "note": "'They want everything pixel-perfect' came up in the daily."},
            "alternatives-offered": _red("We said no to the sticky header, no alternative.", "Prepare two alternatives"),
        },
    ),
    (
        "2026-W14",
        {
            "team-mood": {
                "value": 1,
                "action": {"what": "Talk about the mood in the retro", "owner": "Lea", "due": dt.date(2026, 4, 10)},
            },
            "client-contacted": _red("Status mails only; the client's PO stopped answering.", "Call the PO"),
            "expectations-still-match": _red("Nobody wrote down what they can expect.", "Write it down with them"),
            "good-faith": {
                "status": "red",
                "note": "Hopeless, they never listen.",
                "action": {"what": "Ask why the spacing matters to them", "owner": "Jonas", "due": dt.date(2026, 4, 17)},
            },
        },
    ),
]


def filled(template: str, answers: dict[str, dict[str, Any]]) -> str:
    """The fill-in template of the shipped build checklist with the story's answers of a sprint."""
    import tomlkit

    doc = tomlkit.parse(template)
    for table in doc["answers"]:
        item = table["item"]
        if item in answers:
            chosen = answers[item]
        elif item == "own-design":
            chosen = {"value": "yes"}
        elif item == "advice-improve":
            chosen = {}
        else:
            chosen = GREEN
        for key, value in chosen.items():
            table[key] = value
    return tomlkit.dumps(doc)


def replay(invoke, sprints=None) -> None:
    """Commit the story's sprints (or the ``sprints`` given) through `answer --from -`;
    ``invoke(*args, input=...)`` runs the CLI in the repository and returns click's result."""
    template = invoke("answer", "build", "--template")
    assert template.exit_code == 0, template.output
    for sprint, answers in SPRINTS if sprints is None else sprints:
        result = invoke("answer", "build", "--from", "-", "--sprint", sprint, input=filled(template.output, answers))
        assert result.exit_code == 0, result.output
