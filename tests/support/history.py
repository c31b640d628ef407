"""A repository with history, built the way teams build it: real runs committed through the store.

Three sprints, two people, actions opened, closed, dropped and carried on, and a disagreement in
the latest sprint; used by the history commands' and the gate's tests (fixture ``history_repo``
in tests/conftest.py). ``commit_run`` and ``base_answers`` add more runs in a test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, ActionReview, Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.message import build_message
from kundencheck.core.people import Person
from kundencheck.store.git_store import GitStore

CET = dt.timezone(dt.timedelta(hours=1))
ANA = ("Ana Schäfer", "ana@example.com")
JONAS = ("Jonas Berg", "jonas@example.com")


def commit_run(
    store: GitStore, checklist, who, sprint: str, started: dt.datetime, answers: list[Answer], reviews=()
) -> answers_mod.Run:
    """Commit one run by ``who`` (name, email), finished seven minutes after ``started``."""
    name, email = who
    store.set_local_config("user.name", name)
    store.set_local_config("user.email", email)
    run = answers_mod.new_run(checklist, Person(name, email), sprint=sprint, started=started)
    run.answers = answers
    run.reviews = list(reviews)
    run.finished = started + dt.timedelta(minutes=7)
    assert answers_mod.problems_with(run, checklist) == []
    store.commit_file(run.path, answers_mod.dumps(run, checklist).encode("utf-8"), build_message(run, checklist))
    return run


def base_answers(
    contacted: str,
    mood: int,
    expectations: str,
    *,
    note: str = "",
    action: Action | None = None,
    mood_action: Action | None = None,
    expectations_note: str = "",
) -> list[Answer]:
    """Answers to the tests' build checklist (tests/data/sprint.en.toml)."""
    return [
        Answer("client-contacted", contacted, note=note, action=action),
        Answer("team-mood", mood, action=mood_action),
        Answer("own-design", "no"),
        Answer("expectations-match", expectations, note=expectations_note),
        Answer("self-critical", "We could have called earlier."),
    ]


def build_history(project_repo: Path) -> dict:
    """Write a config and commit five runs into ``project_repo``; returns {"path", "runs"}."""
    checklist = load_catalog(project_repo).find("build", "en")
    (project_repo / ".kundencheck" / "config.toml").write_text(
        'project = "Shop | relaunch"\nclient = "Kunde GmbH"\nphase = "build"\n'
    )
    runs = {}
    with GitStore.open(project_repo) as store:
        s1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CET)
        runs["ana1"] = commit_run(
            store,
            checklist,
            ANA,
            "2026-W10",
            s1,
            base_answers(
                "red", 4, "green", note="Only status mails", action=Action("Call the product owner", "Ana", dt.date(2026, 3, 9))
            ),
        )
        runs["jonas1"] = commit_run(
            store,
            checklist,
            JONAS,
            "2026-W10",
            s1 + dt.timedelta(minutes=30),
            base_answers("green", 2, "green", mood_action=Action("Team lunch with the client", "Jonas", dt.date(2026, 3, 10))),
        )
        s2 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=CET)
        runs["ana2"] = commit_run(
            store,
            checklist,
            ANA,
            "2026-W12",
            s2,
            base_answers(
                "red",
                3,
                "amber",
                note="Still only mails | no call",
                expectations_note="Scope grows",
                action=Action("Book a review", "Ana", dt.date(2026, 3, 20)),
            ),
            reviews=[
                ActionReview(runs["ana1"].id, "client-contacted", "done"),
                ActionReview(runs["jonas1"].id, "team-mood", "dropped", "Mood recovered after the workshop"),
            ],
        )
        s3 = dt.datetime(2026, 3, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        runs["ana3"] = commit_run(
            store,
            checklist,
            ANA,
            "2026-W14",
            s3,
            base_answers(
                "red",
                1,
                "red",
                note="# Client on holiday <b>really</b>",
                expectations_note="Scope | money",
                # A second action on the item, asked for as a separate one: without it, it would join
                # the open "Book a review" thread (docs/history.md, "Actions").
                action=Action("Send the summary", "Ana", dt.date(2026, 4, 30), separate=True),
                mood_action=Action("Talk about workload", "Lea", dt.date(2026, 4, 3)),
            ),
            reviews=[ActionReview(runs["ana2"].id, "client-contacted", "open", "Client on holiday")],
        )
        runs["jonas3"] = commit_run(
            store,
            checklist,
            JONAS,
            "2026-W14",
            s3 + dt.timedelta(minutes=20),
            base_answers("green", 5, "red", expectations_note="They want more"),
        )
    return {"path": project_repo, "runs": runs, "checklist": checklist}
