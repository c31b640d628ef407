"""The app as the tests build it: on the tests' checklist with a fixed run and a fixed today,
not connected to any repository (deterministic screens for snapshots), or on a real
repository as `kundencheck home` and `kundencheck run` build it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kundencheck.core import answers as answers_mod
from kundencheck.core.checklist import load_checklist
from kundencheck.core.people import Person
from kundencheck.session import RunSession
from kundencheck.tui.app import build_app
from tests.support.paths import DATA

FIXED_START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


#: "Today" of the offline app: the run's start (a Friday), so typed dates are understood the same every time.
OFFLINE_TODAY = FIXED_START.date()


def offline_app(
    previous_answers: dict | None = None, *, language: str | None = None, draft: bool = False, theme: str | None = None
):
    """The app on the tests' checklist with a fixed run and a fixed today, not connected to any
    repository: deterministic screens for snapshots. ``language``: chosen as opening a project in
    that language does, with tests/data/sprint.LANG.toml (default: the language as it is, the
    English checklist). ``draft``: offered as a draft to resume, with two answers."""
    from kundencheck.core.i18n import ngettext, set_language

    if language is not None:
        set_language(language)  # the conftest's fixture switches back to English after the test
    checklist = load_checklist(DATA / f"sprint.{language or 'en'}.toml")
    run = answers_mod.new_run(checklist, Person("Erika Mustermann", "erika@example.com"), sprint="2026-W48", started=FIXED_START)
    run.id = "20261127T083000Z-build-erika-000000"  # the random part would change every snapshot
    previous = None
    if previous_answers:
        previous = answers_mod.new_run(
            checklist,
            Person("Erika Mustermann", "erika@example.com"),
            sprint="2026-W46",
            started=FIXED_START - dt.timedelta(days=14),
        )
        previous.answers = [answers_mod.Answer(item=k, value=v[0], note=v[1]) for k, v in previous_answers.items()]
    session = RunSession(None, checklist, run, previous)
    offer = None
    if draft:
        run.answers = [answers_mod.Answer("client-contacted", "green"), answers_mod.Answer("team-mood", 4)]
        offer = (
            run,
            ngettext(
                "Draft {id} of the {checklist} checklist, sprint {sprint}, last saved {when}, {n} answer.",
                "Draft {id} of the {checklist} checklist, sprint {sprint}, last saved {when}, {n} answers.",
                2,
            ).format(id=run.id, checklist="build", sprint="2026-W48", when="2026-11-27 10:15", n=2),
        )  # as Project.offerable_draft says it
    return build_app(lambda _phase, _draft: session, draft=offer, theme=theme, today=lambda: OFFLINE_TODAY), session


#: "Today" of the apps built on the shared history repository (tests/support/history.py).
TODAY = dt.date(2026, 4, 10)


def project_app(path: Path, *, home: bool = True, phase: str = "build", today=lambda: TODAY):
    """The app as `kundencheck home` (``home``) or `kundencheck run PHASE` builds it, on a real
    repository, with "today" fixed: returns (app, project); close the project after the test."""
    from kundencheck.session import open_project

    project = open_project(path)
    app = build_app(
        lambda run_phase, draft: RunSession.start(project, run_phase or phase, draft=draft),
        project=project,
        phase=phase,
        home=home,
        today=today,
        discard_draft=project.drafts.discard,
    )
    return app, project


#: The people of the offline sprint meeting, the facilitator first.
MEETING_PEOPLE = (
    "Erika Mustermann <erika@example.com>",
    "Ana Schäfer <ana@example.com>",
    "Ben Okafor <ben@example.com>",
    "Cem Yılmaz <cem@example.com>",
)


def offline_meeting_app(*, language: str | None = None, theme: str | None = None):
    """A sprint meeting of four on the meeting tests' checklist (tests/data/meeting.LANG.toml),
    not connected to any repository, with a fixed run: the people picker first (the three others
    picked already), escape starts the meeting. Returns (app, session)."""
    from kundencheck.core.i18n import set_language
    from kundencheck.core.people import parse_person
    from kundencheck.session import MeetingSession
    from kundencheck.tui.app import build_meeting_app

    if language is not None:
        set_language(language)
    checklist = load_checklist(DATA / f"meeting.{language or 'en'}.toml")
    facilitator = parse_person(MEETING_PEOPLE[0])
    run = answers_mod.new_run(checklist, facilitator, sprint="2026-W48", started=FIXED_START)
    run.id = "20261127T083000Z-build-erika-000000"
    session = MeetingSession.offline(checklist, run, [parse_person(p) for p in MEETING_PEOPLE])
    app = build_meeting_app(
        lambda _people, _draft: session,
        project=None,
        phase="build",
        facilitator=facilitator,
        picked=MEETING_PEOPLE[1:],
        today=lambda: OFFLINE_TODAY,
        theme=theme,
    )
    return app, session
