"""The sprint meeting through Textual's pilot on a real repository: who is here, votes hidden until
the last, the reveal, the agreed answers committed; skipping, going back, quitting into a draft
and resuming; and `kundencheck meeting --from` committing the same result for the same votes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from kundencheck.core import answers_file
from kundencheck.core.people import parse_person
from kundencheck.session import MeetingSession, open_project
from kundencheck.tui.app import build_meeting_app
from kundencheck.tui.screens.dialogs import ConfirmQuitScreen, ResumeDraftScreen
from kundencheck.tui.screens.meeting import MeetingScreen
from kundencheck.tui.screens.participants import ParticipantsScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from kundencheck.tui.widgets.flow import FlowStatic
from tests.conftest import git
from tests.tui.conftest import screen_text

DATA = Path(__file__).resolve().parents[1] / "data"
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


async def test_a_meeting_of_four_votes_hidden_until_the_last_then_revealed_and_committed(repo):
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(100, 34)) as pilot:
        await run_meeting(app, pilot)
    project.close()
    assert app.return_value is not None
    _path, run = committed_run(repo)
    assert run.meeting and run.author == ERIKA and run.participants == FOUR
    assert run.values() == {
        "client-contacted": "red",
        "team-mood": 2,
        "mood-animal": "aardvark",
        "next-review": dt.date(2026, 12, 4),
    }
    assert run.answer("client-contacted").action.owner == "Ana"
    contacted = run.votes_on("client-contacted")
    assert [(v.person, v.value) for v in contacted.named] == list(VOTES["client-contacted"].items())
    assert run.votes_on("team-mood").anonymous == ((1, 1), (2, 1), (4, 2)) and not run.votes_on("team-mood").named
    # in the options' order, not the order of the votes (dingo, bison, aardvark, capybara)
    assert run.votes_on("mood-animal").anonymous == (("aardvark", 1), ("bison", 1), ("capybara", 1), ("dingo", 1))
    message = git(repo, "log", "-1", "--format=%B")
    for person in (ANA, BEN, CEM):
        assert f"Co-authored-by: {person}" in message
    assert "agreed in a sprint meeting of 4" in message
    assert "Votes: Erika Mustermann no, Ana Schäfer yes, Ben Okafor partly, Cem Yılmaz no" in message
    assert "Votes (anonymous): 1 × 1/5, 1 × 2/5, 2 × 4/5" in message
    assert not (repo / ".git" / "kundencheck" / "drafts" / f"{run.id}.toml").exists()  # the draft is gone


def normalised(text: str, run_id: str) -> str:
    """An answers file or commit message without what differs between two runs of the same
    meeting: the run id and the times."""
    text = text.replace(run_id, "RUN")
    return re.sub(r"(?m)^(started|finished) = .*$", r"\1 = TIME", text)


async def test_meeting_from_files_commits_the_same_result_as_the_tui(repo, tmp_path):
    meeting_repo(repo)
    twin = tmp_path / "twin"
    shutil.copytree(repo, twin)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(100, 34)) as pilot:
        await run_meeting(app, pilot)
    project.close()
    path, run = committed_run(repo)

    # The same meeting from files: one per person, each naming its author, and the agreed notes.
    files = []
    for person in FOUR:
        lines = [f'author = "{person}"', "schema = 1", 'checklist = "build"']
        for item, votes in VOTES.items():
            value = votes[person]
            key_name = "status" if item == "client-contacted" else "value"
            shown = f'"{value}"' if isinstance(value, str) else str(value)
            lines += ["", "[[answers]]", f'item = "{item}"', f"{key_name} = {shown}"]
        if person == ERIKA:
            lines += ["", "[[answers]]", 'item = "next-review"', "value = 2026-12-04"]
        sheet = tmp_path / f"{parse_person(person).email.split('@')[0]}.toml"
        sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files += ["--from", str(sheet)]
    agreed = tmp_path / "agreed.toml"
    agreed.write_text(
        "".join(
            f'[[answers]]\nitem = "{item}"\nnote = "{note}"\naction = {{what = "{what}", owner = "{owner}", due = {due}}}\n\n'
            for item, (note, what, owner, due) in AGREED.items()
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kundencheck",
            "meeting",
            "build",
            *files,
            "--agreed",
            str(agreed),
            "--sprint",
            SPRINT,
        ],
        cwd=twin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    twin_path, twin_run = committed_run(twin)
    assert normalised((twin / twin_path).read_text(), twin_run.id) == normalised((repo / path).read_text(), run.id)
    assert normalised(git(twin, "log", "-1", "--format=%B"), twin_run.id) == normalised(
        git(repo, "log", "-1", "--format=%B"), run.id
    )


async def test_skipping_a_person_and_taking_back_a_vote(repo):
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pick(app, pilot)
        await pilot.press("1")  # Erika
        await pilot.press("s")  # Ana is skipped
        assert "– Ana Schäfer (skipped)" in plain(app, "#vote-panel") and "1 of 3 have voted." in plain(app, "#vote-panel")
        await pilot.press("backspace")  # the skip taken back: Ana's turn again
        assert "Ana Schäfer's turn" in plain(app, "#vote-panel") and "1 of 4 have voted." in plain(app, "#vote-panel")
        await pilot.press("backspace")  # and Erika's vote: she votes again
        assert "Erika Mustermann's turn" in plain(app, "#vote-panel") and "0 of 4" in plain(app, "#vote-panel")
        await pilot.press("3", "1", "s", "1")  # Erika no, Ana yes, Ben skipped, Cem yes: revealed
        panel = plain(app, "#vote-panel")
        assert "Ben Okafor" not in panel and "Cem Yılmaz" in panel and "⚠ The votes disagree" in panel
        assert screen.session.run.answer("client-contacted").value == "green"  # the middle one of no, yes, yes
        await pilot.press("r")  # vote again: nothing revealed, nothing answered
        assert "Erika Mustermann's turn" in plain(app, "#vote-panel")
        assert screen.session.run.answer("client-contacted").value is None
    project.close()


async def test_an_anonymous_item_with_a_skip_below_three_is_asked_openly_and_says_why(repo):
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(100, 34)) as pilot:
        await pick(app, pilot, people=(ANA, BEN))  # three people: the anonymous items are anonymous
        await pilot.press("down")
        assert "Anonymous: each vote is entered unseen" in plain(app, "#vote-panel")
        await pilot.press("2", "5", "s")  # Erika, Ana vote; Ben is skipped: two voters left
        panel = plain(app, "#vote-panel")
        assert "Asked openly now" in panel and "thrown away" in panel and "0 of 2 have voted." in panel
        await pilot.press("2", "5")
        panel = plain(app, "#vote-panel")
        assert re.search(r"Erika Mustermann\s+✘ 2/5", panel) and re.search(r"Ana Schäfer\s+✔ 5/5", panel)
    project.close()


async def test_quitting_keeps_a_draft_without_hidden_votes_and_resuming_asks_that_item_again(repo):
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await pick(app, pilot)
        for value in VOTES["client-contacted"].values():
            await pilot.press(key(value))
        await agree(pilot, "client-contacted")
        await pilot.press("2", "4")  # team mood: two of four have voted, unseen
        run_id = screen.session.run.id
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuitScreen)
        assert "asked again" in " ".join(screen_text(app).split())
        await pilot.press("y")
        await pilot.pause()
    draft = (repo / ".git" / "kundencheck" / "drafts" / f"{run_id}.toml").read_text(encoding="utf-8")
    saved = answers_file.loads(draft)
    assert saved.meeting and saved.answer("client-contacted").value == "red"
    assert [v.item for v in saved.votes] == ["client-contacted"]  # the hidden team-mood votes are not there
    assert saved.answer("team-mood") is None

    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDraftScreen)
        shown = " ".join(screen_text(app).split())
        assert "An unfinished sprint meeting was found" in shown and "asked again" in shown
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        session = app.screen.session
        assert session.people() == [parse_person(p) for p in FOUR]
        assert session.meeting.state("client-contacted").is_revealed
        await pilot.press("down")
        assert "Erika Mustermann's turn" in plain(app, "#vote-panel") and "0 of 4 have voted." in plain(app, "#vote-panel")
    project.close()


async def test_a_run_says_that_an_anonymous_answer_carries_the_name(repo):
    meeting_repo(repo)
    project = open_project(repo)
    app = __import__("kundencheck.tui.app", fromlist=["build_app"]).build_app(
        lambda _phase, draft: __import__("kundencheck.session", fromlist=["RunSession"]).RunSession.start(
            project, "build", draft=draft
        )
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert "Anonymous in the sprint meeting only" not in plain(app, "#hint")
        await pilot.press("down")  # team mood: anonymous in a meeting
        hint = plain(app, "#hint")
        assert "answered here, your answer carries your name" in hint and "kundencheck meeting" in hint
    project.close()
