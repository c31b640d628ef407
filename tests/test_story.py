"""The story kundencheck exists for, replayed through `kundencheck answer --from` on the shipped
build checklist in a real repository, three sprints two weeks apart:

- the expectations were never written down, so they never match;
- the client brings its own design, and the team offers no alternatives to it;
- contact shrinks to status mails;
- the team's mood towards the client falls 4 → 3 → 1;
- every open action is dropped at the next sprint with the same boilerplate note.

`kundencheck check` must fail by the third sprint, naming the health rules; `git log --oneline`
alone must show the decline from the second sprint on; and the home screen must never show a
phase as ok while the gate fails it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers as answers_mod
from tests.support.apps import project_app
from tests.support.git import git
from tests.support.screen import screen_text

CEST = dt.timezone(dt.timedelta(hours=1))
SPRINTS = [("2026-W10", dt.date(2026, 3, 2)), ("2026-W12", dt.date(2026, 3, 16)), ("2026-W14", dt.date(2026, 3, 30))]
BOILERPLATE = "No time this sprint."

#: Per sprint: item -> answer (status or value); notes and actions are added where the checklist asks.
STORY = [
    {
        "client-contacted": "amber",
        "expectations-still-match": "red",
        "own-design": "yes",
        "deviations-announced": "amber",
        "alternatives-offered": "red",
        "compromise-early": "green",
        "good-faith": "green",
        "open-decisions-shared": "amber",
        "team-mood": 4,
        "respectful-talk": "green",
        "self-critical-advice": "amber",
    },
    {
        "client-contacted": "red",
        "expectations-still-match": "red",
        "own-design": "yes",
        "deviations-announced": "red",
        "alternatives-offered": "red",
        "compromise-early": "amber",
        "good-faith": "amber",
        "open-decisions-shared": "red",
        "team-mood": 3,
        "respectful-talk": "amber",
        "self-critical-advice": "amber",
    },
    {
        "client-contacted": "red",
        "expectations-still-match": "red",
        "own-design": "yes",
        "deviations-announced": "red",
        "alternatives-offered": "red",
        "compromise-early": "red",
        "good-faith": "red",
        "open-decisions-shared": "red",
        "team-mood": 1,
        "respectful-talk": "red",
        "self-critical-advice": "red",
    },
]
NOTES = {
    "client-contacted": "Only status mails.",
    "expectations-still-match": "We never wrote them down.",
    "alternatives-offered": "They insist on their design anyway.",
}


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False, env={"COLUMNS": "250"})


def answers_file(sprint: str, day: dt.date, answers: dict, reviews: list[tuple[str, str]]) -> str:
    lines = ["schema = 1", 'checklist = "build"', 'phase = "build"', 'language = "en"', f'sprint = "{sprint}"', ""]
    for item, value in answers.items():
        lines += ["[[answers]]", f'item = "{item}"']
        lines.append(
            f"value = {value}" if isinstance(value, int) else f'{"value" if item == "own-design" else "status"} = "{value}"'
        )
        if value in ("amber", "red"):
            lines.append(f'note = "{NOTES.get(item, "It came up in the planning.")}"')
        if value == "red" or (item == "team-mood" and value <= 2):
            lines.append(
                f'action = {{ what = "Talk about {item} with the client", owner = "Ana", due = {day + dt.timedelta(days=5)} }}'
            )
        lines.append("")
    for run, item in reviews:
        lines += ["[[reviews]]", f'run = "{run}"', f'item = "{item}"', 'decision = "dropped"', f'note = "{BOILERPLATE}"', ""]
    return "\n".join(lines)


@pytest.fixture
def story(repo: Path, monkeypatch):
    """Replays the story sprint by sprint; yields a function that plays the next sprint and
    returns (subject, check result) as of that sprint's day."""
    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "config.toml").write_text('project = "Webshop relaunch"\nphase = "build"\nlanguage = "en"\n')
    git(repo, "add", ".kundencheck")
    git(repo, "commit", "-q", "-m", "Start the project")
    played: list[str] = []

    def play():
        n = len(played)
        sprint, day = SPRINTS[n]
        moment = dt.datetime.combine(day, dt.time(9, 30), CEST)
        monkeypatch.setattr(answers_mod, "now", lambda: moment)
        status = json.loads(invoke(repo, "status", "--json", "--today", day.isoformat()).output)
        reviews = [(a["run"], a["item"]) for a in status["open_actions"]]  # every open action: dropped
        result = invoke(repo, "answer", "build", "--from", "-", input=answers_file(sprint, day, STORY[n], reviews))
        assert result.exit_code == 0, result.output
        played.append(sprint)
        check = invoke(repo, "check", "--today", day.isoformat())
        return git(repo, "log", "-1", "--format=%s").strip(), check

    return repo, play


def test_the_story_fails_the_gate_and_git_log_shows_the_decline(story):
    repo, play = story
    first, check1 = play()
    # The first sprint: the red key signal is named; nothing can have got worse yet.
    assert first == "kundencheck(build): 4 green, 5 amber, 2 red; Expectations still match no"
    assert "(key_signal_low)" in check1.output

    second, check2 = play()
    # From the second sprint the decline is in the subject: contact went from partly to no.
    assert second.startswith("kundencheck(build): 0 green, 6 amber, 5 red; Talked to the client no ↓")
    assert len(second) <= 72
    assert check2.exit_code == 1

    third, check3 = play()
    assert third.startswith("kundencheck(build): 0 green, 1 amber, 10 red; Team mood 1/5 ↓")
    assert len(third) <= 72
    assert check3.exit_code == 1
    out = check3.output
    for rule in ("key_signal_low", "red_streak", "decline"):
        assert f"({rule})" in out, (rule, out)
    assert "build/team-mood (Team mood), a key signal, is red in sprint 2026-W14" in out
    assert "build/expectations-still-match: red for 3 sprints in a row (since sprint 2026-W10" in out
    assert "items are worse in sprint 2026-W14 than in sprint 2026-W12" in out and "team-mood ◐ 3/5 → ✘ 1/5" in out

    # git log --oneline alone tells the story, newest first.
    oneline = [line.split(" ", 1)[1] for line in git(repo, "log", "--oneline", "-3").splitlines()]
    assert oneline == [third, second, first]
    assert "↓" in oneline[1] and "↓" in oneline[0]


def test_dropping_the_actions_with_a_boilerplate_note_never_clears_the_red(story):
    repo, play = story
    for _sprint in SPRINTS:
        play()
    data = json.loads(invoke(repo, "check", "--format", "json", "--today", "2026-03-30").output)
    assert data["passed"] is False
    streaks = {f["item"]: f["details"] for f in data["findings"] if f["rule"] == "red_streak"}
    # The expectations were red in all three sprints and both earlier actions were dropped.
    assert streaks["expectations-still-match"]["length"] == 3
    assert streaks["expectations-still-match"]["dropped_actions"] == 2
    assert "alternatives-offered" in streaks
    # Every action was dropped with a note, and each new red answer has its own action: the
    # process rules are satisfied, the health rules are not.
    assert not [f for f in data["findings"] if f["rule"] in ("red_without_action", "overdue_action", "due")]
    assert {f["rule"] for f in data["findings"]} == {"key_signal_low", "red_streak", "decline"}


async def test_the_home_screen_never_shows_ok_while_the_gate_fails(story):
    repo, play = story
    for _sprint in SPRINTS:
        play()
    # Ten days after the third sprint: the check is not due yet, but every action is overdue.
    day = dt.date(2026, 4, 9)
    data = json.loads(invoke(repo, "check", "--format", "json", "--today", day.isoformat()).output)
    errors = data["errors"]
    assert errors > 0 and not any(f["rule"] == "due" for f in data["findings"])
    app, project = project_app(repo, today=lambda: day)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        from textual.widgets import OptionList

        label = str(app.screen.query_one("#phases", OptionList).get_option("build").prompt)
        assert " ".join(label.split()) == f"build current ✘ {errors} errors"
        text = " ".join(screen_text(app).split())
        assert "✔ ok" not in text
        assert f"Check ✘ {errors} errors" in text and "next check 2026-04-13" in text
        assert "Findings ✘ key signal red (key_signal_low): build/client-contacted" in text
    project.close()
