"""The client's answers in the terminal UI: their own row under the team's in the history
screen's matrix, and on the run screen an action offered on an item the client sees otherwise
(a perception gap), which, recorded, answers the gap."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from kundencheck.core.answers import Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.mirror import ClientAnswer, encode_block, payload_bytes, read_invitation
from kundencheck.store.git_store import GitStore
from kundencheck.tui.screens.history import HistoryScreen
from kundencheck.tui.screens.home import HomeScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.apps import project_app
from tests.support.git import git
from tests.support.history import CET, commit_run
from tests.support.pilot import settle, text_shown
from tests.support.screen import folded, screen_text

SIZE = (110, 44)
TODAY = dt.date(2026, 11, 30)


def kc(repo, *args, input=None):
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args], capture_output=True, text=True, input=input, check=False
    )


@pytest.fixture
def gap_repo(repo, tmp_path):
    """The team answered sprint 2026-W48 green; the client, asked, answered contact red."""
    assert kc(repo, "init", "--project", "Webshop", "--agency", "Pixelwerk", "--language", "en").returncode == 0
    checklist = load_catalog(repo).find("build", "en")
    answers = [
        Answer("client-contacted", "green"),
        Answer("expectations-still-match", "green"),
        Answer("own-design", "no"),
        Answer("compromise-early", "green"),
        Answer("good-faith", "green"),
        Answer("open-decisions-shared", "green"),
        Answer("team-mood", 4),
        Answer("respectful-talk", "green"),
        Answer("self-critical-advice", "green"),
    ]
    with GitStore.open(repo) as store:
        commit_run(
            store,
            checklist,
            ("Erika Mustermann", "erika@example.com"),
            "2026-W48",
            dt.datetime(2026, 11, 23, 9, 0, tzinfo=CET),
            answers,
        )
    assert kc(repo, "mirror", "invite", "-o", str(tmp_path / "page.html")).returncode == 0
    path = git(repo, "show", "--name-only", "--format=", "HEAD").strip()
    invitation = read_invitation((repo / path).read_bytes(), path)
    payload = payload_bytes(
        invitation.id,
        [ClientAnswer("client-contacted", "red", "We only get status mails")],
        name="Jane Doe",
        answered="2026-11-28T09:00:00.000Z",
    )
    done = kc(repo, "mirror", "import", "-", input=encode_block(invitation.id, payload, invitation.secret))
    assert done.returncode == 0, done.stderr
    return repo


async def test_the_history_matrix_has_the_clients_row_under_the_teams(gap_repo):
    app, project = project_app(gap_repo, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#matrix", DataTable)
        labels = [str(r.label) for r in table.rows.values()]
        assert labels[:2] == ["Talked to the client", "↳ client"]  # the item by its short title
        assert str(table.get_cell_at(Coordinate(0, 0))) == "✔ yes"
        assert str(table.get_cell_at(Coordinate(1, 0))) == "✘ no ≠"
        assert labels.count("↳ client") == 1  # the client answered one item
        await pilot.press("down")
        text = folded(screen_text(app))
        for part in (
            "Talked to the client client-contacted · sprint 2026-W48 · the client's view",
            "In the last weeks, did we really talk with you, beyond status mails?",
            "≠ perception gap: the team answered green",
            "client (Jane Doe): ✘ no — We only get status mails",
            "≠ perception gap: team green, client red or amber",
        ):
            assert part in text, (part, text)
    project.close()


async def test_the_run_screen_offers_an_action_on_a_gap_and_it_answers_the_gap(gap_repo):
    assert kc(gap_repo, "check").returncode == 1
    app, project = project_app(gap_repo, home=False, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)
        await text_shown(app, pilot, "≠ The client answered")
        text = folded(screen_text(app))
        assert "≠ The client answered ✘ no in sprint 2026-W48, the team ✔ yes: an action" in text
        assert "≠ The client sees this item otherwise: record an action on it (n, then" in text
        await pilot.press("1")  # yes, still: the team sees it so, and acts all the same
        await pilot.press("k", "n", "enter")  # back to it, its note (none), on to the action
        assert app.focused.id == "action-what"
        await pilot.press(*"Call Jane every week", "enter", *"Erika", "enter", *"+14", "enter")
        answers = {
            "expectations-still-match": "1",
            "own-design": "2",
            "compromise-early": "1",
            "good-faith": "1",
            "open-decisions-shared": "1",
            "team-mood": "4",
            "respectful-talk": "1",
            "self-critical-advice": "1",
        }
        screen = app.screen
        for item in screen.session.visible_items()[1:]:
            if item.id in answers:
                screen._select([i.id for i in screen.session.visible_items()].index(item.id))
                await pilot.press(answers[item.id])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
    project.close()
    message = git(gap_repo, "log", "-1", "--format=%B")
    assert "Needs attention:" in message and "Action (Erika, due 2026-12-14): Call Jane every week" in message
    run_file = git(gap_repo, "show", "--name-only", "--format=", "HEAD").strip()
    assert run_file.startswith(".kundencheck/answers/")
    assert 'what = "Call Jane every week"' in git(gap_repo, "show", f"HEAD:{run_file}")
    check = kc(gap_repo, "check")
    assert "perception_gap" not in check.stdout, check.stdout
