"""The sprint meeting the tests hold: four people and their votes on the meeting tests' checklist
(tests/data/meeting.LANG.toml) in a real repository, the pilot's steps through the meeting, and
the scan for a name near its anonymous vote (tests/hostile/test_anonymity.py)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from kundencheck.core import answers_file
from kundencheck.core.checklist import load_checklist
from kundencheck.core.people import parse_person
from kundencheck.session import MeetingSession
from kundencheck.tui.app import build_meeting_app
from kundencheck.tui.screens.meeting import MeetingScreen
from kundencheck.tui.screens.participants import ParticipantsScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.widgets.flow import FlowStatic
from tests.support.git import git
from tests.support.paths import DATA

ERIKA = "Erika Mustermann <erika@example.com>"  # the git identity of the tests: the facilitator
ANA = "Ana Schäfer <ana@example.com>"
BEN = "Ben Okafor <ben@example.com>"
CEM = "Cem Yılmaz <cem@example.com>"
FOUR = [ERIKA, ANA, BEN, CEM]
TODAY = dt.date(2026, 11, 27)
SPRINT = "2026-W48"

#: Everyone's votes, in the order they vote (the facilitator first). On mood-animal each votes a
#: value nobody else does, and not in the order of the options, so a scan can tell whose vote it
#: is and a stored order would show (tests/hostile/test_anonymity.py).
VOTES: dict[str, dict[str, Any]] = {
    "client-contacted": {ERIKA: "red", ANA: "green", BEN: "amber", CEM: "red"},
    "team-mood": {ERIKA: 2, ANA: 4, BEN: 1, CEM: 4},
    "mood-animal": {ERIKA: "dingo", ANA: "bison", BEN: "aardvark", CEM: "capybara"},
}
KEYS = {"green": "1", "amber": "2", "red": "3", "na": "0", "aardvark": "1", "bison": "2", "capybara": "3", "dingo": "4"}
#: What the team agrees on after the talk: notes and actions where the answer needs them.
AGREED = {
    "client-contacted": ("Only status mails since the review", "Call the product owner", "Ana", "2026-12-01"),
    "team-mood": ("Deadline pressure, not the client", "Move the deadline talk up", "Erika", "2026-12-02"),
}


def meeting_repo(repo: Path) -> Path:
    """``repo`` with the meeting tests' checklist as its build checklist, committed."""
    target = repo / ".kundencheck" / "checklists"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "meeting.en.toml", target / "build.en.toml")
    git(repo, "add", ".kundencheck")
    git(repo, "commit", "-q", "-m", "Our build checklist")
    return repo


def app_for(project, people=()):
    identity = project.store.identity()

    def make(present, resume):
        return MeetingSession.start_meeting(
            project, "build", [parse_person(p) for p in present or []], sprint=SPRINT, draft=resume, identity=identity
        )

    draft = project.offerable_draft("build", meeting=True)
    return build_meeting_app(
        make,
        project=project,
        phase="build",
        facilitator=identity,
        picked=people,
        draft=draft,
        discard_draft=project.drafts.discard,
        today=lambda: TODAY,
    )


def plain(app, selector: str) -> str:
    """What a widget shows, as plain text."""
    widget = app.screen.query_one(selector, Static)
    content = widget.render() if isinstance(widget, FlowStatic) else widget.content
    return content.plain if hasattr(content, "plain") else str(content)


def key(value) -> str:
    return KEYS.get(value, str(value))


async def pick(app, pilot, people=(ANA, BEN, CEM)) -> MeetingScreen:
    """Say who is here in the people picker (typed), then start the meeting."""
    await pilot.pause()
    assert isinstance(app.screen, ParticipantsScreen)
    field = app.screen.query_one("#participant-input", Input)
    for person in people:
        field.focus()
        await pilot.press(*person, "enter")
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, MeetingScreen)
    return app.screen


async def vote_on(app, pilot, item: str, votes: dict) -> None:
    """Everyone votes on ``item``: before the last vote the panel says only how many have, and
    nothing is answered or kept; with the last one everything is revealed."""
    screen = app.screen
    assert screen.current.id == item
    session = screen.session
    for n, (person, value) in enumerate(votes.items()):
        panel = plain(app, "#vote-panel")
        assert f"{parse_person(person).name}'s turn" in panel and f"{n} of {len(votes)} have voted." in panel
        await pilot.press(key(value))
        if n < len(votes) - 1:
            panel = plain(app, "#vote-panel")
            assert f"{n + 1} of {len(votes)} have voted." in panel
            assert not any(v in panel for v in ("The votes", "Suggested", " × ")), panel
            answer = session.run.answer(item)
            assert answer is None or answer.value is None  # nothing answered before the reveal
            assert session.meeting.recorded() == [] or item not in {v.item for v in session.meeting.recorded()}
    assert "The votes" in plain(app, "#vote-panel")


async def agree(pilot, item: str) -> None:
    """The note and the action the agreed answer needs, then on to the next item."""
    note, what, owner, due = AGREED[item]
    await pilot.press("n", *note, "enter")
    await pilot.press(*what, "enter", *owner, "enter", *due, "enter")


async def run_meeting(app, pilot) -> None:
    """The whole meeting of four, as in :data:`VOTES`, up to the commit."""
    await pick(app, pilot)
    await vote_on(app, pilot, "client-contacted", VOTES["client-contacted"])
    panel = plain(app, "#vote-panel")
    words = {"green": "yes", "amber": "partly", "red": "no"}
    for person, value in VOTES["client-contacted"].items():  # side by side, with names
        assert re.search(rf"{parse_person(person).name}\s+\S {words[value]}", panel)
    assert "⚠ The votes disagree" in panel and "Suggested: ✘ no" in panel
    await agree(pilot, "client-contacted")

    await vote_on(app, pilot, "team-mood", VOTES["team-mood"])
    panel = plain(app, "#vote-panel")
    assert "anonymous" in panel and not any(parse_person(p).name in panel.split("anonymous:")[-1] for p in FOUR)
    assert re.search(r"1/5\s+× 1", panel) and re.search(r"2/5\s+× 1", panel) and re.search(r"4/5\s+× 2", panel)
    assert "Suggested: ✘ 2/5" in panel
    await agree(pilot, "team-mood")

    await vote_on(app, pilot, "mood-animal", VOTES["mood-animal"])
    await pilot.press("enter")  # the suggestion (a tie: the first option) is agreed
    assert app.screen.current.id == "next-review" and app.focused.id == "value-input"
    assert "Not voted on" in plain(app, "#vote-panel")
    await pilot.press(*"2026-12-04", "enter")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


def committed_run(repo: Path):
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and files[0].startswith(".kundencheck/answers/")
    return files[0], answers_file.loads((repo / files[0]).read_bytes())


#: How near a name and its vote may not be, in bytes, either way: a vote written with its name
#: (`{person = "Ana …", value = "bison"}`, `Ana: bison`, a JSON pair) lies well within it, while the
#: names at the top of an answers file lie far from the votes at its end.
WINDOW = 48


def secret_votes() -> dict[str, list[bytes]]:
    """Each person's anonymous vote on mood-animal, as every text could hold it: the option's id
    and its label in each language."""
    labels: dict[str, list[str]] = {}
    for language in ("en", "de"):
        item = load_checklist(DATA / f"meeting.{language}.toml").item("mood-animal")
        for option in item.options:
            labels.setdefault(option.id, []).append(option.label)
    return {
        person: [value.encode(), *(label.encode() for label in labels[value])] for person, value in VOTES["mood-animal"].items()
    }


def who(person: str) -> list[bytes]:
    """How a person's name can be written: the whole ``Name <email>``, the name, the address."""
    found = parse_person(person)
    return [found.name.encode(), found.email.encode()]


def leaks(places: list[tuple[str, bytes]], votes: dict[str, list[bytes]] | None = None) -> list[str]:
    """Where a person's name lies within WINDOW bytes of their own anonymous vote."""
    votes = secret_votes() if votes is None else votes
    found = []
    for where, data in places:
        for person, values in votes.items():
            for needle in who(person):
                start = data.find(needle)
                while start != -1:
                    near = data[max(0, start - WINDOW) : start + len(needle) + WINDOW]
                    for value in values:
                        if value in near:
                            found.append(f"{where}: {needle.decode()} near {value.decode()}: {near!r}")
                    start = data.find(needle, start + 1)
    return found
