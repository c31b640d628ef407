"""One band, defined once: a sprint answered with every kind of item shows the same counts in
every view: the commit subject and its Kundencheck-Score, `status` (text and JSON), `log`, the
home screen, the history matrix, `report --format md/json/html` and the gate.

The sprint: four traffic lights (yes, partly, no, n/a), three scale answers across the bands
(1, 3, 5), a choice whose option has a band, a choice whose option has none, a text and a date:
2 green, 3 amber, 2 red, 1 n/a; a score of 7/14.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable

from kundencheck.cli import main
from tests.support.apps import project_app
from tests.support.checklists import checklist_text, item
from tests.support.git import git
from tests.support.screen import screen_text

CHECKLIST = checklist_text(
    "contacted",
    "expectations",
    "alternatives",
    "deviations",
    "mood",
    "trust",
    "energy",
    item(
        "design",
        options=[{"id": "ours", "label": "We do", "band": "green"}, {"id": "theirs", "label": "The client", "band": "amber"}],
    ),
    "rhythm",
    "lesson",
    "next-review",
    version="every-kind",
)

ANSWERS = """\
schema = 1
checklist = "build"
phase = "build"
language = "en"
sprint = "2026-W15"

[[answers]]
item = "contacted"
status = "green"
[[answers]]
item = "expectations"
status = "amber"
[[answers]]
item = "alternatives"
status = "red"
[[answers]]
item = "deviations"
status = "na"
[[answers]]
item = "mood"
value = 1
[[answers]]
item = "trust"
value = 3
[[answers]]
item = "energy"
value = 5
[[answers]]
item = "design"
value = "theirs"
[[answers]]
item = "rhythm"
value = "weekly"
[[answers]]
item = "lesson"
value = "Propose options before saying no."
[[answers]]
item = "next-review"
value = 2026-04-20
"""

COUNTS = {"green": 2, "amber": 3, "red": 2, "na": 1}
TODAY = ("--today", "2026-04-10")


def invoke(repo: Path, *args: str, input: str | None = None):
    result = CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False, env={"COLUMNS": "200"})
    return result


@pytest.fixture
def answered(repo: Path, monkeypatch) -> Path:
    """One sprint of every kind, committed with `kundencheck answer --from` on 2026-04-10."""
    from kundencheck.core import answers as answers_mod

    own = repo / ".kundencheck" / "checklists"
    own.mkdir(parents=True)
    (own / "build.en.toml").write_text(CHECKLIST)
    (repo / ".kundencheck" / "config.toml").write_text('project = "Every kind"\nphase = "build"\n')
    git(repo, "add", ".kundencheck")
    git(repo, "commit", "-q", "-m", "Our checklist")
    moment = dt.datetime(2026, 4, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    monkeypatch.setattr(answers_mod, "now", lambda: moment)
    result = invoke(repo, "answer", "build", "--from", "-", input=ANSWERS)
    assert result.exit_code == 0, result.output
    return repo


def test_the_same_counts_in_every_command(answered):
    repo = answered
    # The commit: subject and score.
    assert git(repo, "log", "-1", "--format=%s").strip() == "kundencheck(build): 2 green, 3 amber, 2 red, 1 n/a"
    assert git(repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Score,valueonly)").strip() == "7/14"

    # status, text and JSON.
    status = invoke(repo, "status", *TODAY).output
    for words in ("✔ 2 green", "◐ 3 amber", "✘ 2 red", "– 1 n/a"):
        assert words in status, (words, status)
    data = json.loads(invoke(repo, "status", "--json", *TODAY).output)
    assert data["phases"][0]["last_run"]["counts"] == COUNTS

    # log, in its compact form.
    assert "✔2 ◐3 ✘2 –1" in invoke(repo, "log").output

    # The reports.
    report = json.loads(invoke(repo, "report", "--format", "json", *TODAY).output)
    [section] = report["checklists"]
    assert section["counts"] == COUNTS
    bands = [cell["band"] for row in section["matrix"]["rows"] for cell in row["cells"]]
    assert {band: bands.count(band) for band in COUNTS} == COUNTS  # the matrix has a cell per banded answer
    sentence = "Items: ✔ 2 green, ◐ 3 amber, ✘ 2 red, – 1 n/a."
    assert sentence in invoke(repo, "report", "--format", "md", *TODAY).output
    assert sentence in invoke(repo, "report", "--format", "html", *TODAY).output

    # The gate: its red answers are the two red ones, a scale answer of 1 among them (the
    # checklist asks for no action, so each is a red answer without one).
    check = json.loads(invoke(repo, "check", "--format", "json", *TODAY).output)
    reds = sorted(f["item"] for f in check["findings"] if f["rule"] == "red_without_action")
    assert reds == ["alternatives", "mood"]
    assert [a["band"] for f in check["findings"] if f["rule"] == "red_without_action" for a in f["details"]["answers"]] == [
        "red",
        "red",
    ]


async def test_the_same_counts_on_the_home_screen_and_in_the_history_matrix(answered):
    app, project = project_app(answered)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        home = " ".join(screen_text(app).split())
        assert "Answers ✔ 2 green ◐ 3 amber ✘ 2 red – 1 n/a" in home, home
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#matrix", DataTable)
        cells = [str(table.get_cell_at((row, 0))) for row in range(table.row_count)]
        symbols = {"green": "✔", "amber": "◐", "red": "✘", "na": "–"}
        assert {band: sum(c.startswith(symbols[band]) for c in cells) for band in COUNTS} == COUNTS, cells
        # Every banded item is a row: the traffic lights, the scales and the choice with bands.
        assert len(cells) == 8 and "◐ The client" in cells
    project.close()


def test_a_mood_of_one_is_red_in_the_subject_too(answered):
    """The issue's first finding: a mood of 1/5 committed as "0 red"."""
    subject = git(answered, "log", "-1", "--format=%s").strip()
    assert re.search(r"\b2 red\b", subject)
