"""The tone signal on a real repository: the story (tests/support/story.py) replayed sprint by sprint
through `kundencheck answer --from`, with `status` (text and JSON) and `report` asked after each
sprint; and the hint in the run screen when the story's first note is typed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers as answers_mod
from tests.support.git import git
from tests.support.story import SPRINTS, replay


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False, env={"COLUMNS": "200"})


def story_repo(repo: Path, config: str = "") -> Path:
    (repo / ".kundencheck").mkdir(exist_ok=True)
    (repo / ".kundencheck" / "config.toml").write_text('project = "Shop"\nphase = "build"\n' + config)
    git(repo, "add", ".kundencheck")
    git(repo, "commit", "-q", "-m", "kundencheck config")
    return repo


def test_the_tone_signal_fires_a_sprint_before_the_mood_turns_red(repo, monkeypatch):
    story_repo(repo)
    # Each sprint two weeks after the last, so the runs are in the story's order (answer --from
    # takes the time from the clock).
    clock = iter(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC) + dt.timedelta(days=7 * n) for n in range(10))
    monkeypatch.setattr(answers_mod, "now", lambda: next(clock))
    tone, mood = [], []
    for sprint, answers in SPRINTS:  # one sprint at a time, the status asked after each
        replay(lambda *args, input=None: invoke(repo, *args, input=input), [(sprint, answers)])
        data = json.loads(invoke(repo, "status", "--json").output)
        build = data["phases"][0]
        assert build["current_sprint"] == sprint
        tone.append([word for finding in build["tone"] for word in finding["words"]])
        mood.append(build["last_run"]["items"]["team-mood"]["value"])
    assert tone[0] == ["stubborn"] and mood[0] == 4
    assert tone[1] == ["pixel-perfect"] and mood[1] == 3
    assert tone[2] == ["Hopeless", "they never listen"] and mood[2] == 1
    first_tone = next(i for i, words in enumerate(tone) if words)
    first_red = next(i for i, value in enumerate(mood) if value <= 2)
    assert first_tone + 1 <= first_red  # heard at least one sprint earlier


def test_status_and_the_report_show_the_tone_and_a_project_can_switch_it_off(repo):
    story_repo(repo)
    replay(lambda *args, input=None: invoke(repo, *args, input=input), SPRINTS[:1])
    status = invoke(repo, "status").output
    assert "⚠ 'stubborn'" in status
    assert "Tone in sprint 2026-W10 (build): words about the client worth a second look" in status
    assert "  'stubborn' (Erika Mustermann, note on good-faith)" in status
    report = invoke(repo, "report").output
    assert "Tone: words about the client worth a second look (is the client being judged?):" in report
    html = invoke(repo, "report", "--format", "html").output
    assert '<div class="tone">' in html and "note on good-faith" in html
    assert json.loads(invoke(repo, "report", "--format", "json").output)["checklists"][0]["tone"][0]["words"] == ["stubborn"]

    config = repo / ".kundencheck" / "config.toml"
    config.write_text(config.read_text() + '[tone]\nignore = ["stubborn*"]\nwords = ["header layout"]\n')
    data = json.loads(invoke(repo, "status", "--json").output)
    assert data["phases"][0]["tone"][0]["words"] == ["header layout"]
    config.write_text('phase = "build"\n[tone]\nenabled = false\n')
    data = json.loads(invoke(repo, "status", "--json").output)
    assert data["phases"][0]["tone"] == []
    assert "Tone" in invoke(repo, "status").output and "Tone in sprint" not in invoke(repo, "status").output
    config.write_text('[tone]\nenabled = "no"\n')
    broken = invoke(repo, "status")
    assert broken.exit_code == 2 and "key 'tone.enabled': must be true or false." in broken.output
