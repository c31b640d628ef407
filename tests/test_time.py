"""Time that cannot lie: a teammate whose clock ran ahead commits a run "finished" on
2027-06-01. Every view flags it; it neither makes the phase look checked, nor starts a sprint,
nor hides today's answers from the gate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from kundencheck.cli import main
from kundencheck.core.catalog import load_catalog
from kundencheck.store.git_store import GitStore
from tests.support.apps import project_app
from tests.support.history import ANA, CET, JONAS, base_answers, commit_run
from tests.support.screen import screen_text

TODAY = dt.date(2026, 4, 10)
NOTE = "is dated 2027-06-01, more than a day after today: a clock ran ahead"


def invoke(repo: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo), *args], catch_exceptions=False, env={"COLUMNS": "250"})


@pytest.fixture
def ahead(project_repo: Path) -> dict:
    """Two sprints by Ana, the second this week with a mood of 1/5; Jonas's run from 2027."""
    (project_repo / ".kundencheck" / "config.toml").write_text('project = "Shop"\nphase = "build"\n')
    checklist = load_catalog(project_repo).find("build", "en")
    with GitStore.open(project_repo) as store:
        commit_run(
            store, checklist, ANA, "2026-W13", dt.datetime(2026, 3, 23, 9, 0, tzinfo=CET), base_answers("green", 4, "green")
        )
        today = commit_run(store, checklist, ANA, "2026-W15", dt.datetime(2026, 4, 8, 9, 0, tzinfo=CET), _mood_one())
        future = commit_run(
            store, checklist, JONAS, "2027-W22", dt.datetime(2027, 6, 1, 9, 0, tzinfo=CET), base_answers("green", 5, "green")
        )
    return {"path": project_repo, "today": today, "future": future}


def _mood_one():
    from kundencheck.core.answers import Action

    return base_answers("green", 1, "green", mood_action=Action("Talk it through", "Ana", dt.date(2026, 4, 20)))


def test_every_command_flags_the_run_and_judges_todays_answers(ahead):
    repo, future, today = ahead["path"], ahead["future"], ahead["today"]
    day = ("--today", TODAY.isoformat())

    status = invoke(repo, "status", *day).output
    assert NOTE in " ".join(status.split()) and future.id in status
    data = json.loads(invoke(repo, "status", "--json", *day).output)
    [flagged] = data["future_runs"]
    assert flagged["id"] == future.id and flagged["finished"].startswith("2027-06-01") and NOTE in flagged["note"]
    build = data["phases"][0]
    # The current sprint and the last run are today's, not the one from the future.
    assert build["current_sprint"] == "2026-W15" and build["last_run"]["id"] == today.id
    assert data["runs"] == 2

    log = invoke(repo, "log").output
    assert "⚠ future, left out" in log and NOTE in " ".join(log.split())

    for fmt in ("md", "html"):
        assert NOTE in " ".join(invoke(repo, "report", "--format", fmt, *day).output.split()), fmt
    report = json.loads(invoke(repo, "report", "--format", "json", *day).output)
    assert report["sprint"] == "2026-W15" and [r["id"] for r in report["future_runs"]] == [future.id]

    check = json.loads(invoke(repo, "check", "--format", "json", *day).output)
    assert any(NOTE in note for note in check["notes"])
    # Today's red mood is judged: Jonas's 5/5 from "2027" does not replace or outvote it.
    assert [(f["rule"], f["item"]) for f in check["findings"]] == [("key_signal_low", "team-mood")]


def test_a_run_from_the_future_is_no_check(project_repo):
    """Alone, it leaves the phase due: nobody checked this sprint."""
    (project_repo / ".kundencheck" / "config.toml").write_text('project = "Shop"\nphase = "build"\n')
    checklist = load_catalog(project_repo).find("build", "en")
    with GitStore.open(project_repo) as store:
        commit_run(
            store, checklist, JONAS, "2027-W22", dt.datetime(2027, 6, 1, 9, 0, tzinfo=CET), base_answers("green", 5, "green")
        )
    check = invoke(project_repo, "check", "--format", "json", "--today", TODAY.isoformat())
    data = json.loads(check.output)
    assert check.exit_code == 1 and [f["rule"] for f in data["findings"]] == ["due"]
    assert "never been done" in data["findings"][0]["message"]


async def test_the_home_and_history_screens_flag_it(ahead):
    app, project = project_app(ahead["path"], today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#home-status", Static).render())
        assert "⚠ runs dated in the future, left out: 1 (kundencheck status)" in status
        text = " ".join(screen_text(app).split())
        assert "Last run 2026-04-08, sprint 2026-W15" in text
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = str(app.screen.query_one("#history-status", Static).render())
        assert "⚠ runs dated in the future, left out: 1" in line and "2 sprints" in line
    project.close()


def test_a_report_of_runs_that_are_all_from_the_future_says_why_it_is_empty(ahead):
    result = invoke(ahead["path"], "report", "--today", "2026-03-01")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "every run in this repository is dated more than a day after today (2026-03-01)" in said
    assert "no runs in this repository yet" not in said
