"""`kundencheck check`, the gate for CI and hooks, on real repositories.

The repository with history (tests/support/history.py, fixture ``history_repo``) has, as of
2026-04-10: three key signals red in the latest sprint (client-contacted, team-mood,
expectations-match), client-contacted red for three sprints in a row, two overdue actions, a
red answer without action (expectations-match, by both) and two disagreements in the latest
sprint (client-contacted, team-mood); its build check is due from 2026-04-13.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core.answers import Action
from kundencheck.core.catalog import load_catalog
from kundencheck.core.config import CHECK_RULES, CONFIG_PATH, load_config
from kundencheck.core.history import thread_id
from kundencheck.store.git_store import GitStore
from tests.support.git import git
from tests.support.history import CET, JONAS, base_answers, commit_run

TODAY = ("--today", "2026-04-10")
ONLY = {rule: "\n".join(f'{r} = "{"error" if r == rule else "off"}"' for r in CHECK_RULES) for rule in CHECK_RULES}


def invoke(repo: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo), "check", *args], catch_exceptions=False, env={"COLUMNS": "250"})


def configure(repo: Path, check: str = "", extra: str = "") -> None:
    (repo / CONFIG_PATH).write_text(f'project = "Shop"\nphase = "build"\n{extra}\n[check]\n{check}\n')


def findings(repo: Path, *args: str) -> list[tuple[str, str, str | None]]:
    result = invoke(repo, "--format", "json", *args)
    data = json.loads(result.stdout)
    assert result.exit_code == data["exit_code"]
    return [(f["rule"], f["level"], f["item"]) for f in data["findings"]]


def test_everything_found_in_the_history_repository(history_repo):
    repo = history_repo["path"]
    result = invoke(repo, *TODAY)
    assert result.exit_code == 1, result.output
    out = result.output
    assert out.startswith("kundencheck check of Shop | relaunch on 2026-04-10 (current phase: build)")
    assert (
        "✘ error    red answer without action (red_without_action): build/expectations-match: answered red in sprint 2026-W14 "
        "(Ana Schäfer ✘ no, Jonas Berg ✘ no) and no action is open for it." in out
    )
    runs = history_repo["runs"]
    book, talk = thread_id(runs["ana2"].id, "client-contacted"), thread_id(runs["ana3"].id, "team-mood")
    assert (
        f"overdue action (overdue_action): build/client-contacted: "
        f'the action {book} "Book a review" (Ana, due 2026-03-20) is overdue by 21 days' in out
    )
    assert f'the action {talk} "Talk about workload" (Lea, due 2026-04-03) is overdue by 7 days' in out
    assert (
        "disagreement (disagreement): build/client-contacted: "
        "the team disagrees in sprint 2026-W14 (Ana Schäfer ✘ no, Jonas Berg ✔ yes)" in out
    )
    assert "disagreement (disagreement): build/team-mood:" in out and "check due" not in out
    assert (
        "✘ error    key signal red (key_signal_low): build/team-mood, a key signal, is red in sprint 2026-W14: "
        "Ana Schäfer ✘ 1/5, Jonas Berg ✔ 5/5." in out
    )
    assert "✘ error    red streak (red_streak): build/client-contacted: red for 3 sprints in a row (since sprint 2026-W10;" in out
    assert out.index("key signal red") < out.index("red streak") < out.index("red answer without action")
    assert "decline" not in out  # two items are worse than in 2026-W12: fewer than three
    assert "✘ kundencheck check: failed, 9 errors." in out
    assert "Traceback" not in out


def test_due(history_repo):
    repo = history_repo["path"]
    configure(repo, ONLY["due"])
    assert invoke(repo, *TODAY).exit_code == 0  # checked on 2026-03-30, due from 2026-04-13
    result = invoke(repo, "--today", "2026-04-20")
    assert result.exit_code == 1
    assert (
        "check due (due): The build check is due: it was last done on 2026-03-30, 21 days ago, and is due every 14 days "
        "(since 2026-04-13). Answer it with `kundencheck run build`."
    ) in result.output


def test_never_done(project_repo):
    result = invoke(project_repo)
    assert result.exit_code == 1
    assert "✘ error    check due (due): The build check has never been done in this repository." in result.output
    configure(project_repo, extra="cadence_days = 7", check="")
    assert findings(project_repo) == [("due", "error", None)]


def test_overdue_action(history_repo):
    repo = history_repo["path"]
    configure(repo, ONLY["overdue_action"])
    assert findings(repo, *TODAY) == [("overdue_action", "error", "client-contacted"), ("overdue_action", "error", "team-mood")]
    assert findings(repo, "--today", "2026-03-20") == []  # "Book a review" is due that day: not yet overdue
    assert findings(repo, "--today", "2026-03-21") == [("overdue_action", "error", "client-contacted")]


def test_red_without_action(history_repo):
    repo = history_repo["path"]
    configure(repo, ONLY["red_without_action"])
    result = invoke(repo, "--format", "json", *TODAY)
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    jonas3 = history_repo["runs"]["jonas3"]
    assert finding["item"] == "expectations-match" and finding["run"] == jonas3.id and finding["file"] == jonas3.path
    assert [(a["author"], a["value"], a["note"]) for a in finding["details"]["answers"]] == [
        ("Ana Schäfer <ana@example.com>", "red", "Scope | money"),
        ("Jonas Berg <jonas@example.com>", "red", "They want more"),
    ]
    # Jonas answers again in the same sprint, now with an action: an action is open for the item.
    answers = base_answers("green", 5, "red", expectations_note="They want more")
    answers[3].action = Action("Write down the scope with the client", "Jonas", dt.date(2026, 4, 17))
    with GitStore.open(repo) as store:
        commit_run(store, history_repo["checklist"], JONAS, "2026-W14", dt.datetime(2026, 4, 1, 9, 0, tzinfo=CET), answers)
    assert findings(repo, *TODAY) == []


def test_disagreement_on_warning_and_off(history_repo):
    repo = history_repo["path"]
    configure(repo, ONLY["disagreement"])
    assert findings(repo, *TODAY) == [("disagreement", "error", "client-contacted"), ("disagreement", "error", "team-mood")]
    configure(
        repo,
        'due = "off"\nred_without_action = "off"\noverdue_action = "off"\ndisagreement = "warning"\n'
        'key_signal_low = "off"\nred_streak = "off"',
    )
    result = invoke(repo, *TODAY)
    assert result.exit_code == 0
    assert "⚠ warning  disagreement (disagreement): build/client-contacted" in result.output
    assert "✔ kundencheck check: passed with 2 warnings." in result.output
    configure(repo, ONLY["due"])
    result = invoke(repo, *TODAY)
    assert result.exit_code == 0 and "disagree" not in result.output
    assert "✔ kundencheck check: passed, nothing found." in result.output


def test_a_clean_project_passes(project_repo):
    configure(project_repo)
    checklist = load_catalog(project_repo).find("build", "en")
    with GitStore.open(project_repo) as store:
        commit_run(
            store,
            checklist,
            JONAS,
            "2026-W15",
            dt.datetime(2026, 4, 6, 9, 0, tzinfo=CET),
            base_answers("green", 4, "amber", expectations_note="One open question"),
        )
    result = invoke(project_repo, *TODAY)
    assert result.exit_code == 0, result.output
    assert "✔ kundencheck check: passed, nothing found." in result.output
    data = json.loads(invoke(project_repo, "--format", "json", *TODAY).stdout)
    assert data["passed"] is True and data["exit_code"] == 0 and data["findings"] == []
    assert invoke(project_repo, "--format", "github", *TODAY).stdout == "kundencheck check: passed, nothing found.\n"


def test_a_repository_without_kundencheck_passes_with_a_note(repo):
    result = invoke(repo)
    assert result.exit_code == 0
    assert "No .kundencheck/ folder here" in result.output and "kundencheck init" in result.output
    data = json.loads(invoke(repo, "--format", "json").stdout)
    assert data["started"] is False and data["passed"] is True and data["findings"] == []
    github = invoke(repo, "--format", "github").stdout.splitlines()
    assert github[0].startswith("::notice title=kundencheck::No .kundencheck/ folder here")


def test_outside_a_repository_is_a_usage_error(tmp_path):
    result = invoke(tmp_path)
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.output and "Traceback" not in result.output
    github = invoke(tmp_path, "--format", "github")
    assert github.exit_code == 2 and github.stdout.startswith("::error title=kundencheck check::")
    assert "is not inside a git repository" in github.stdout


def test_a_broken_config_is_a_usage_error(history_repo):
    repo = history_repo["path"]
    configure(repo, 'due = "fatal"')
    result = invoke(repo, *TODAY)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f'{repo / CONFIG_PATH}, line 5, key \'check.due\': must be "error", "warning" or "off".' in message
    configure(repo, 'overdue = "off"')
    message = " ".join(invoke(repo, "--format", "json", *TODAY).output.split())
    assert (
        "key 'check.overdue': unknown rule. Allowed keys: decline, disagreement, due, key_signal_low, overdue_action, "
        "perception_gap, red_streak, red_without_action."
    ) in message


def test_json_format(history_repo):
    repo = history_repo["path"]
    configure(repo, 'disagreement = "warning"')
    result = invoke(repo, "--format", "json", *TODAY)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["schema"] == 1 and data["passed"] is False and data["started"] is True
    assert data["today"] == "2026-04-10" and data["current_phase"] == "build"
    assert data["rules"] == {
        "due": "error",
        "key_signal_low": "error",
        "red_streak": "error",
        "decline": "error",
        "red_without_action": "error",
        "overdue_action": "error",
        "disagreement": "warning",
        "perception_gap": "error",
    }
    assert data["errors"] == 7 and data["warnings"] == 2 and data["notes"] == []
    streak = next(f for f in data["findings"] if f["rule"] == "red_streak")
    assert streak["item"] == "client-contacted" and streak["details"]["length"] == 3 and streak["details"]["since"] == "2026-W10"
    assert streak["details"]["sprints"] == 2 and streak["details"]["done_actions"] == 1
    overdue = [f for f in data["findings"] if f["rule"] == "overdue_action"]
    assert overdue[0]["details"]["action"]["what"] == "Book a review" and overdue[0]["details"]["action"]["days_overdue"] == 21
    assert overdue[0]["file"] == history_repo["runs"]["ana2"].path
    disagreement = next(f for f in data["findings"] if f["rule"] == "disagreement")
    assert disagreement["level"] == "warning" and disagreement["details"]["spread"] == 2
    assert disagreement["details"]["question"] == "Did we speak with the client during the last sprint?"


def test_github_format(history_repo):
    repo = history_repo["path"]
    configure(repo, 'disagreement = "warning"')
    result = invoke(repo, "--format", "github", *TODAY)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    ana2 = history_repo["runs"]["ana2"]
    assert lines[0].startswith("::error file=.kundencheck/answers/2026/") and ",title=kundencheck%3A key signal red::" in lines[0]
    assert any(",title=kundencheck%3A red answer without action::build/expectations-match" in line for line in lines)
    assert any(
        line.startswith(
            f"::error file={ana2.path},title=kundencheck%3A overdue action::build/client-contacted: "
            f'the action {thread_id(ana2.id, "client-contacted")} "Book a review"'
        )
        for line in lines
    )
    assert sum(line.startswith("::warning file=") and "title=kundencheck%3A disagreement::" in line for line in lines) == 2
    assert lines[-1] == "kundencheck check: failed, 7 errors, 2 warnings."
    assert len(lines) == 10


def test_github_format_escapes_what_people_typed(history_repo):
    repo = history_repo["path"]
    configure(repo, ONLY["overdue_action"])
    with GitStore.open(repo) as store:
        answers = base_answers("green", 5, "green")
        answers[1].action = Action("Fix 100%\r\n::error::fake", "Jo, Ann", dt.date(2026, 4, 2))
        commit_run(store, history_repo["checklist"], JONAS, "2026-W14", dt.datetime(2026, 4, 1, 9, 0, tzinfo=CET), answers)
    lines = invoke(repo, "--format", "github", *TODAY).stdout.splitlines()
    fake = next(line for line in lines if "fake" in line)
    assert fake.startswith("::error file=") and '"Fix 100%25 ::error::fake" (Jo, Ann, due 2026-04-02)' in fake
    assert not any(line.startswith("::error::fake") for line in lines)


def test_the_answers_branch_is_read_from_origin_in_a_fresh_clone(history_repo):
    repo = history_repo["path"]
    # The answers live on the team's branch, and this clone has it only as origin's.
    git(repo, "update-ref", "refs/remotes/origin/kundencheck", "HEAD")
    git(repo, "reset", "-q", "--hard", "HEAD~5")
    configure(repo, ONLY["overdue_action"], extra='[storage]\nbranch = "kundencheck"')
    result = invoke(repo, *TODAY)
    assert result.exit_code == 1
    assert "No local branch kundencheck with answers: read them from origin/kundencheck." in result.output
    assert "overdue by 21 days" in result.output


def test_status_check_uses_the_gate_rules_and_their_levels(history_repo):
    repo = history_repo["path"]

    def status_check(*args):
        return CliRunner().invoke(main, ["-C", str(repo), "status", "--check", *args], catch_exceptions=False).exit_code

    assert status_check(*TODAY) == 1  # overdue actions; red answers and disagreements are not its business
    configure(repo, 'overdue_action = "warning"')
    assert status_check(*TODAY) == 0
    assert status_check("--today", "2026-04-20") == 1  # due
    configure(repo, 'overdue_action = "off"\ndue = "off"')
    assert status_check("--today", "2026-04-20") == 0


def test_init_writes_the_check_table(repo):
    result = CliRunner().invoke(main, ["-C", str(repo), "init", "--project", "Shop"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = (repo / CONFIG_PATH).read_text()
    table = tomllib.loads(text)["check"]
    assert table == {
        **dict.fromkeys(CHECK_RULES, "error"),
        "red_streak": {"level": "error", "sprints": 2},
        "decline": {"level": "error", "items": 3},
    }
    config = load_config(repo)
    assert config.check == dict.fromkeys(CHECK_RULES, "error")
    assert config.check_parameters == {"red_streak": {"sprints": 2}, "decline": {"items": 3}}
    assert '"error" (reported, and the check fails), "warning" (reported only) or "off"' in text
    assert invoke(repo).exit_code == 1  # started, never checked


def test_help_has_examples():
    result = CliRunner().invoke(main, ["check", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "Exit status: 0" in result.output
