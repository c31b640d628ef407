"""``kundencheck demo``: a throwaway repository with a few sprints of plausible answers.

The story is the one kundencheck exists for: a client who brought its own design, a team
whose mood slowly turns, and a build checklist that shows it sprint by sprint.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.checklist import AnswerValue, Checklist, Kind
from kundencheck.core.history import previous_sprint
from kundencheck.core.i18n import (
    N_,
    _,
    language_from_environment,
    set_language,
    translate,
)
from kundencheck.core.message import build_message
from kundencheck.core.people import Person

if TYPE_CHECKING:
    from kundencheck.store.git_store import GitStore

#: Three past sprints of the build checklist, worst last: the early warning kundencheck gives.
_MOODS = [4, 3, 2]
_STATUS_BY_SPRINT = ["green", "amber", "red"]
# The sample notes and actions are written in the demo's language (translated where used).
_NOTES = {
    "client-contacted": N_("Only status mails since the design review."),
    "deviations-announced": N_("Two deviations from their mock-ups are not announced yet."),
    "alternatives-offered": N_("We said no to the sticky header without offering another way."),
    "respectful-talk": N_("'They want it pixel-perfect' came up twice in the daily."),
    "compromise-early": N_("Both sides are holding their position on the checkout layout."),
}
_ACTIONS = {
    "client-contacted": (N_("Call the client's product owner this week"), "Ana"),
    "alternatives-offered": (N_("Prepare two alternatives for the sticky header"), "Jonas"),
    "deviations-announced": (N_("Send the list of deviations with reasons"), "Ana"),
    "good-faith": (N_("Ask the client why the exact spacing matters to them"), "Lea"),
    "respectful-talk": (N_("Talk about how we speak of the client in the retro"), "Jonas"),
    "self-critical-advice": (N_("Bring one proposal to every client meeting"), "Ana"),
    "team-mood": (N_("Pair with the client's designer for an afternoon"), "Lea"),
}
_PEOPLE = [("Ana Schäfer", "ana@example.com"), ("Jonas Berg", "jonas@example.com"), ("Lea Yıldız", "lea@example.com")]


def create_demo(language: str | None = None, parent: Path | None = None) -> Path:
    from kundencheck.store.git_store import GitStore

    language = language or language_from_environment() or "en"
    # The demo's texts (notes, actions, commit messages) are in its language, as the project's would be.
    set_language(language)
    path = Path(tempfile.mkdtemp(prefix="kundencheck-demo-", dir=parent))
    project_name = _("Webshop relaunch")
    config = (
        "# " + _("kundencheck demo project") + "\n"
        f'project = "{project_name}"\nclient = "Kunde GmbH"\n'
        f'language = "{language}"\nphase = "build"\n'
    )
    checklist = load_catalog(path).find("build", language)
    today = dt.datetime.now().astimezone().replace(microsecond=0)
    with GitStore.init_repository(path) as store:
        _become(store, *_PEOPLE[0])
        store.commit_file(".kundencheck/config.toml", config.encode("utf-8"), _("Start the webshop relaunch project") + "\n")
        earlier: list[answers_mod.Run] = []
        committed: list[answers_mod.Run] = []
        for sprint_index, weeks_ago in enumerate((6, 4, 2)):
            started = today - dt.timedelta(weeks=weeks_ago)
            this_sprint = []
            for person_index, (name, email) in enumerate(_PEOPLE[:2]):
                run = answers_mod.new_run(
                    checklist, Person(name, email), started=started + dt.timedelta(minutes=5 * person_index)
                )
                run.answers = _sample_answers(checklist, sprint_index, person_index, started.date())
                run.finished = run.started + dt.timedelta(minutes=7)
                if person_index == 0:
                    run.reviews = _reviews_of(earlier)
                this_sprint.append(run)
                _become(store, name, email)
                # As a session does: the subject names key signals that got worse since the sprint before.
                before = previous_sprint(committed, checklist, run.sprint, today.date())
                store.commit_file(
                    run.path, answers_mod.dumps(run, checklist).encode("utf-8"), build_message(run, checklist, before=before)
                )
                committed.append(run)
            earlier = this_sprint
        _become(store, *_PEOPLE[2])  # the newcomer answering this sprint
    return path


def _reviews_of(runs: list[answers_mod.Run]) -> list[answers_mod.ActionReview]:
    """The first person of a sprint reviews the last sprint's actions: some done, some not."""
    reviews = []
    for run in runs:
        for n, answer in enumerate(a for a in run.answers if a.action is not None):
            decision = "done" if n % 2 == 0 else "open"
            reviews.append(answers_mod.ActionReview(run=run.id, item=answer.item, decision=decision))
    return reviews


def _become(store: GitStore, name: str, email: str) -> None:
    store.set_local_config("user.name", name)
    store.set_local_config("user.email", email)


def _sample_answers(checklist: Checklist, sprint: int, person: int, day: dt.date) -> list[Answer]:
    answers: list[Answer] = []
    values: dict[str, AnswerValue | None] = {}
    for n, item in enumerate(checklist.items):
        if not checklist.is_visible(item, values):
            continue
        answer = Answer(item=item.id)
        if item.kind is Kind.TRAFFIC_LIGHT:
            # Items drift from green towards red over the sprints; the second person is more
            # worried about some items, which shows up as a disagreement.
            level = 0 if sprint == 0 else (1 if n % 3 < sprint else 0)
            if sprint == 2 and n % 4 == 0:
                level = 2
            if person and n % 5 == 0:
                level = min(level + 2, 2)
            answer.value = _STATUS_BY_SPRINT[level]
        elif item.kind is Kind.SCALE:
            answer.value = _MOODS[sprint] - (1 if person else 0) or 1
        elif item.kind is Kind.CHOICE:
            answer.value = item.options[0].id
        elif item.kind is Kind.DATE:
            answer.value = day + dt.timedelta(days=7)
        else:
            answer.value = _("We argued about pixels instead of proposing options.") if sprint == 2 else _("Nothing stands out.")
        if item.needs_note(answer.value):
            answer.note = translate(_NOTES.get(item.id, N_("Came up in the sprint planning; not settled yet.")))
        if item.needs_action(answer.value):
            what, owner = _ACTIONS.get(item.id, (N_("Raise it with the client in the next review"), "Jonas"))
            answer.action = Action(what=translate(what), owner=owner, due=day + dt.timedelta(days=5 + n % 4))
        values[item.id] = answer.value
        answers.append(answer)
    return answers
