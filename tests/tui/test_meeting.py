"""The sprint meeting through Textual's pilot on a real repository: who is here, votes hidden until
the last, the reveal, the agreed answers committed; skipping, going back, quitting into a draft
and resuming; and `kundencheck meeting --from` committing the same result for the same votes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

from kundencheck.core import answers_file
from kundencheck.core.people import parse_person
from kundencheck.session import open_project
from kundencheck.tui.screens.dialogs import ConfirmQuitScreen, ResumeDraftScreen
from kundencheck.tui.screens.meeting import MeetingScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.git import git
from tests.support.meeting import (
    AGREED,
    ANA,
    BEN,
    CEM,
    ERIKA,
    FOUR,
    SPRINT,
    VOTES,
    agree,
    app_for,
    committed_run,
    key,
    meeting_repo,
    pick,
    plain,
    run_meeting,
)
from tests.support.screen import screen_text


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


async def test_changing_the_agreed_answer_stays_on_the_item_until_enter(repo):
    """After the reveal the answer keys change the agreed answer and the item stays, its votes in
    sight (docs/meeting.md: the keys change it, n writes a note, enter goes on)."""
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await pick(app, pilot)
        for value in VOTES["client-contacted"].values():
            await pilot.press(key(value))
        await pilot.press("2")  # partly, in place of the suggested no
        assert screen.current.id == "client-contacted"
        assert screen.session.run.answer("client-contacted").value == "amber"
        assert "The votes" in plain(app, "#vote-panel") and "⚠ The votes disagree" in plain(app, "#vote-panel")
        await pilot.press("1")  # and yes after all
        assert screen.current.id == "client-contacted" and screen.session.run.answer("client-contacted").value == "green"
        await pilot.press("2", "enter")  # enter goes on: partly needs a note, so the note field first
        assert screen.current.id == "client-contacted" and app.focused.id == "note-input"
        await pilot.press(*"Only mails", "enter")
        await pilot.pause()
        assert screen.current.id == "team-mood"
    project.close()


async def test_quitting_with_no_item_being_voted_on_does_not_say_one_is_asked_again(repo):
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(app, pilot)
        for value in VOTES["client-contacted"].values():
            await pilot.press(key(value))
        await agree(pilot, "client-contacted")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuitScreen)
        shown = " ".join(screen_text(app).split())
        assert "The agreed answers and the revealed votes are kept." in shown and "asked again" not in shown
        await pilot.press("y")
        await pilot.pause()
    draft = project.offerable_draft("build", meeting=True)
    assert draft is not None and "The item that was being voted on" not in draft[1]
    assert "If an item was still being voted on, it is asked again" in draft[1]
    project.close()


async def test_the_history_shows_a_correction_of_a_meeting_on_its_agreed_answer_not_on_the_votes(repo):
    """Corrected after the meeting (the agreed answer to client-contacted red -> amber): the
    history's cell names the correction beside the agreed answer; each vote stays as it was voted."""
    from kundencheck.session import RunSession
    from tests.support.apps import project_app
    from tests.support.pilot import settle
    from tests.support.screen import folded

    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(100, 34)) as pilot:
        await run_meeting(app, pilot)
    _path, run = committed_run(repo)
    session = RunSession.start_correction(project, project.run_to_amend(run.id))
    session.set_value("client-contacted", "amber")
    session.set_correction_note("We agreed on amber after all")
    session.commit()
    project.close()
    app, project = project_app(repo, today=dt.date.today)  # the runs were committed today
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        text = folded(screen_text(app))
    project.close()
    agreed = "Agreed in the sprint meeting (recorded by Erika Mustermann): ◐ partly — Only status mails since the review"
    assert f"{agreed}\n✎ corrected on " in text and ": We agreed on amber after all\nErika Mustermann: ✘ no\n" in text
    assert text.count("✎ corrected") == 1  # the votes of Ana, Ben and Cem are not marked
