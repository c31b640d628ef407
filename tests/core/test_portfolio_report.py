"""The portfolio's outputs (core/portfolio_report.py), pure: projects judged from histories in
memory (tests/support/portfolio_histories.py) written as JSON, CSV, Markdown, HTML and GitHub
annotations. Each cell says what the gate says of the project's phase; text people typed is
cleaned and escaped; a token in a remote is never written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from kundencheck.core.answers import Action
from kundencheck.core.history import Trend
from kundencheck.core.portfolio import ProjectEntry
from kundencheck.core.portfolio_health import (
    FetchFacts,
    PhaseVerdict,
    check_portfolio,
    judge,
    judge_not_started,
    not_judged,
    worst_first,
)
from kundencheck.core.portfolio_report import (
    SCHEMA,
    cell_text,
    check_dict,
    check_json,
    due_words,
    github_annotations,
    legend,
    project_dict,
    render_status,
    status_csv,
    status_dict,
    status_html,
    status_json,
    status_markdown,
    verdict_level,
)
from tests.support.portfolio_histories import FETCHED, S1, S2, entry, healthy, run, summary

TODAY = dt.date(2026, 3, 20)
SINCE = dt.datetime(2026, 3, 20, 6, 0, tzinfo=dt.UTC)
FAILING = FetchFacts(fetched=FETCHED, failing_since=SINCE, problem="unreachable", reason="fatal: 'https://u:T0KEN@h/x'")


def verdict(errors: int = 0, warnings: int = 0) -> PhaseVerdict:
    return PhaseVerdict(not errors, errors, warnings, "", Trend.NONE, 1, [])


@pytest.fixture
def projects() -> list:
    """shop: one error (an overdue action), a hostile client name and a token in its remote;
    web: three errors, its remote unreachable since the 20th; blog: never fetched; plain: no
    .kundencheck/. The worst first."""
    shop = judge(
        ProjectEntry(
            "shop",
            "https://ana:T0KEN@git.example.com/shop.git",
            client="=cmd|'/C calc'!A0",
            owner="Ana",
            tags=("retainer", "+b2c"),
        ),
        FetchFacts(fetched=FETCHED),
        summary([run("S1", S1, "red", 2, action=Action("Call the PO", "Ana", dt.date(2026, 3, 9))), run("S2", S2)], TODAY),
        title="Shop <relaunch>",
    )
    web = healthy("web", [run("S1", S1, "red", 3)], TODAY, fetch=FAILING)
    blog = not_judged(entry("blog"), FetchFacts())
    plain = judge_not_started(entry("plain"), FetchFacts(fetched=FETCHED), TODAY)
    return worst_first([shop, web, blog, plain])


# --------------------------------------------------------------------------------- cells


def test_a_cell_is_the_verdict_in_symbols_and_counts_with_the_trend():
    assert [verdict_level(v) for v in (None, verdict(), verdict(warnings=1), verdict(2, 1))] == ["", "ok", "warning", "error"]
    assert cell_text(None) == "·" and cell_text(None, Trend.WORSE) == "·"
    assert cell_text(verdict(2, 1), Trend.WORSE) == "✘ 2 ⚠ 1 ↓"
    assert cell_text(verdict(0, 3), Trend.SAME) == "⚠ 3 →"
    assert cell_text(verdict(), Trend.BETTER) == "✔ ↑"
    assert cell_text(verdict(1)) == "✘ 1"
    assert "✘ errors, ⚠ warnings, ✔ nothing found, · no runs" in legend()


def test_the_due_check_in_words(projects):
    shop, web, blog, plain = (next(h for h in projects if h.name == n) for n in ("shop", "web", "blog", "plain"))
    assert due_words(shop) == "ok until 2026-03-30"
    assert due_words(web) == "due since 2026-03-16"
    assert due_words(blog) == "" and due_words(plain) == ""
    assert due_words(healthy("new", [], TODAY)) == "never checked"


# --------------------------------------------------------------------------------- JSON


def test_status_json_carries_each_project_for_programs(projects):
    data = json.loads(status_json(projects, TODAY, title="Agentur\x1b[31m Beispiel", unreachable="error"))
    assert {k: data[k] for k in ("schema", "title", "today", "unreachable", "phases")} == {
        "schema": SCHEMA,
        "title": "Agentur Beispiel",  # cleaned: no escape sequence reaches a terminal
        "today": "2026-03-20",
        "unreachable": "error",
        "phases": ["build"],
    }
    assert [p["name"] for p in data["projects"]] == ["blog", "web", "shop", "plain"]
    shop = data["projects"][2]
    assert shop["remote"] == "https://ana:***@git.example.com/shop.git"  # the token never written
    assert {k: shop[k] for k in ("branch", "client", "owner", "tags", "title", "state", "fetched", "unreachable_since")} == {
        "branch": None,
        "client": "=cmd|'/C calc'!A0",
        "owner": "Ana",
        "tags": ["retainer", "+b2c"],
        "title": "Shop <relaunch>",
        "state": "ok",
        "fetched": "2026-03-19T07:30:00+00:00",
        "unreachable_since": None,
    }
    assert {k: shop[k] for k in ("passed", "errors", "warnings", "open_actions", "overdue_actions", "runs", "last_run")} == {
        "passed": False,
        "errors": 1,
        "warnings": 0,
        "open_actions": 1,
        "overdue_actions": 1,
        "runs": 2,
        "last_run": "2026-03-16",
    }
    assert shop["due"]["due_on"] == "2026-03-30" and shop["current_phase"] == "build"
    assert set(shop["phases"]["build"]) == {"passed", "errors", "warnings", "trend", "runs", "findings"}
    assert shop["phases"]["build"]["trend"] == "better" and shop["phases"]["build"]["errors"] == 1
    assert shop["key_signals"][0] == {
        "item": "contacted",
        "title": "Talked to the client",
        "band": "green",
        "trend": "better",
        "sprint": "S2",
    }
    web = data["projects"][1]
    assert (web["state"], web["unreachable_since"], web["fetch_problem"]) == ("stale", "2026-03-20T06:00:00+00:00", "unreachable")
    assert web["fetch_reason"] == "fatal: 'https://u:***@h/x'"
    blog = data["projects"][0]
    assert (blog["state"], blog["passed"], blog["current_phase"], blog["due"], blog["phases"]) == (
        "not-fetched",
        None,
        None,
        None,
        {"build": None},
    )
    plain = data["projects"][3]
    assert (plain["state"], plain["passed"], plain["due"], plain["phases"]) == ("not-set-up", True, None, {"build": None})
    assert status_dict(projects, TODAY) == json.loads(status_json(projects, TODAY))
    assert (status_dict(projects, TODAY)["title"], status_dict(projects, TODAY)["unreachable"]) == ("", "warning")
    assert project_dict(projects[2], ["build"]) == {**shop, "title": "Shop <relaunch>"}


def test_check_json_is_each_projects_own_check_and_the_portfolios_findings(projects):
    result = check_portfolio(projects, TODAY, "error")
    data = json.loads(check_json(result))
    assert data == check_dict(result)
    assert {k: data[k] for k in ("schema", "passed", "exit_code", "today", "rules", "errors", "warnings")} == {
        "schema": SCHEMA,
        "passed": False,
        "exit_code": 1,
        "today": "2026-03-20",
        "rules": {"unreachable": "error"},
        "errors": 6,  # web's 3, shop's 1, web unreachable, blog not fetched
        "warnings": 0,
    }
    by_name = {p["name"]: p for p in data["projects"]}
    assert (
        by_name["shop"]["check"] == projects[2].check and by_name["shop"]["remote"] == "https://ana:***@git.example.com/shop.git"
    )
    assert [(f["rule"], f["level"], f["title"]) for f in by_name["web"]["findings"]] == [("unreachable", "error", "unreachable")]
    assert [f["rule"] for f in by_name["blog"]["findings"]] == ["not_fetched"] and by_name["blog"]["check"] is None
    assert [p["passed"] for p in data["projects"]] == [False, False, False, True]
    assert by_name["plain"]["check"]["started"] is False and by_name["plain"]["state"] == "not-set-up"
    warned = check_dict(check_portfolio(projects, TODAY, "warning"))
    assert {p["name"]: p["passed"] for p in warned["projects"]} == {"blog": True, "web": False, "shop": False, "plain": True}


def test_github_annotations_name_each_project(projects):
    lines = github_annotations(check_portfolio(projects, TODAY)).splitlines()
    blog = "blog has not been fetched yet: run `kundencheck portfolio fetch blog` first."
    assert lines[0] == "::warning title=kundencheck%3A blog%3A not fetched::" + blog
    assert lines[1].startswith(
        "::warning title=kundencheck%3A web%3A unreachable::web: the remote could not be reached since 2026-03-20"
    )
    assert [line.split("::")[1] for line in lines[2:5]] == [
        "error title=kundencheck%3A web%3A check due",
        "error title=kundencheck%3A web%3A key signal red",
        "error title=kundencheck%3A web%3A red answer without action",
    ]
    assert lines[5].startswith("::error title=kundencheck%3A shop%3A overdue action::shop: build/contacted: the action")
    assert lines[6].startswith("::notice title=kundencheck%3A plain::No .kundencheck/ folder here")
    assert lines[7] == "kundencheck portfolio check: failed, 2 of 4 projects (4 errors, 2 warnings)."
    assert len(lines) == 8
    escaped = github_annotations(check_portfolio([not_judged(entry("a"), FetchFacts(), error="50%\nbroken")], TODAY))
    assert escaped.splitlines()[
        0
    ] == "::error title=kundencheck%3A a%3A cannot be checked::a cannot be checked: 50% broken".replace("50%", "50%25")


# --------------------------------------------------------------------------------- CSV


def test_csv_one_row_per_project_for_a_spreadsheet(projects):
    text = status_csv(projects)
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "name",
        "title",
        "client",
        "owner",
        "tags",
        "state",
        "fetched",
        "unreachable_since",
        "current_phase",
        "passed",
        "errors",
        "warnings",
        "open_actions",
        "overdue_actions",
        "check_due",
        "due_on",
        "last_run",
        "build",
        "build_trend",
    ]
    assert rows[1] == ["blog", "blog", "", "", "", "not-fetched", "", "", "", "", "0", "0", "0", "0", "", "", "", "", ""]
    assert rows[2] == [
        "web",
        "web",
        "",
        "",
        "",
        "stale",
        "2026-03-19T07:30:00+00:00",
        "2026-03-20T06:00:00+00:00",
        "build",
        "no",
        "3",
        "0",
        "0",
        "0",
        "yes",
        "2026-03-16",
        "2026-03-02",
        "error",
        "none",
    ]
    # A client name a spreadsheet would run as a formula is quoted, and so is a tag.
    assert rows[3][:5] == ["shop", "Shop <relaunch>", "'=cmd|'/C calc'!A0", "Ana", "retainer;'+b2c"]
    assert rows[3][9:] == ["no", "1", "0", "1", "1", "no", "2026-03-30", "2026-03-16", "error", "better"]
    assert rows[4][5] == "not-set-up" and rows[4][9] == "yes" and rows[4][17:] == ["", ""]
    for hostile in ("+1", "-1", "@SUM(A1)"):
        quoted = status_csv([healthy("x", [], TODAY, title=hostile)])
        assert list(csv.reader(io.StringIO(quoted)))[1][1] == "'" + hostile


# --------------------------------------------------------------------------------- Markdown and HTML


def test_markdown_for_a_wiki(projects):
    text = status_markdown(projects, TODAY, title="Agentur *Beispiel*")
    lines = text.splitlines()
    assert lines[0] == "# Agentur \\*Beispiel\\*"
    assert lines[2] == "As of 2026-03-20, 4 projects, the worst first."
    assert lines[6] == "| Project | Client | Owner | build | Overdue | Check | Fetched |"
    assert lines[7] == "|---|---|---|---|---|---|---|"
    assert lines[8] == "| blog (blog) |  |  | · |  |  | **not fetched yet** |"
    assert lines[9] == "| web (web) |  |  | ✘ 3 \\* |  | due since 2026-03-16 | **unreachable since 2026-03-20** |"
    shop = "| shop (Shop &lt;relaunch&gt;) | \\=cmd\\|'/C calc'!A0 | Ana | ✘ 1 ↑ \\* | 1 |"
    assert lines[10] == shop + " ok until 2026-03-30 | fetched 2026-03-19 |"
    assert lines[11] == "| plain (plain) |  |  | · \\* |  |  | not set up for kundencheck |"  # not flagged: not bold
    assert "## web: web" in lines and "- unreachable since 2026-03-20" in lines
    assert any(line.startswith("- ✘ overdue action (overdue\\_action): build/contacted") for line in lines)
    assert "- not set up for kundencheck" in lines and any(line.startswith("- No .kundencheck/ folder here") for line in lines)
    assert status_markdown([], TODAY).startswith("# kundencheck portfolio\n")


def test_html_is_one_self_contained_page(projects):
    page = status_html(projects, TODAY, title="Agentur <Beispiel>")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and page.endswith("</html>\n")
    assert "<title>Agentur &lt;Beispiel&gt;</title>" in page and "<h1>Agentur &lt;Beispiel&gt;</h1>" in page
    assert "default-src 'none'" in page and "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert '<tr data-project="web" data-state="stale" class="stale">' in page
    assert '<tr data-project="shop" data-state="ok">' in page
    assert (
        '<td class="cell level-error current" data-phase="build" data-level="error" data-trend="better" '
        'title="build: ✘ 1 error, better">✘ 1 ↑ *</td>'
    ) in page
    assert '<td class="cell empty" data-phase="build" data-level="" data-trend="none" title="build">·</td>' in page  # blog
    assert '<td><span class="state">unreachable since 2026-03-20</span></td>' in page
    assert "<td>not set up for kundencheck</td>" in page and "<td>fetched 2026-03-19</td>" in page
    assert "Shop &lt;relaunch&gt;" in page and "<relaunch>" not in page
    assert '<section class="project" id="project-shop">' in page
    assert page.count("<li>") == 1 + 4 + 1 + 2  # blog's state; web's state and 3 findings; shop's finding; plain's state and note
    quiet = status_html([healthy("calm", [run("S2", S2)], TODAY)], TODAY)
    assert "<p>Nothing found.</p>" in quiet and "<h1>kundencheck portfolio</h1>" in quiet


def test_render_status_chooses_the_format(projects):
    assert render_status(projects, TODAY, "json", title="T", unreachable="off") == status_json(
        projects, TODAY, title="T", unreachable="off"
    )
    assert render_status(projects, TODAY, "md", title="T", unreachable="warning") == status_markdown(projects, TODAY, title="T")
    assert render_status(projects, TODAY, "html", title="T", unreachable="warning") == status_html(projects, TODAY, title="T")
    assert render_status(projects, TODAY, "csv", title="T", unreachable="warning") == status_csv(projects)
    with pytest.raises(ValueError, match="text"):
        render_status(projects, TODAY, "text", title="T", unreachable="warning")


# --------------------------------------------------------------------------------- whole


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_output_in_whole(projects, language):
    """Each format of the four projects above, compared whole with the files in
    tests/core/golden/ (KUNDENCHECK_UPDATE_GOLDEN=1 writes them anew: read the diff)."""
    from kundencheck.core.i18n import set_language
    from tests.support.golden import assert_golden

    set_language(language)
    try:
        assert_golden(f"portfolio.{language}.md", status_markdown(projects, TODAY, title="Agentur *Beispiel*"))
        assert_golden(f"portfolio.{language}.html", status_html(projects, TODAY, title="Agentur <Beispiel>"))
        result = check_portfolio(projects, TODAY, "error")
        assert_golden(f"portfolio-check.{language}.txt", github_annotations(result))
        if language == "en":
            assert_golden("portfolio.json", status_json(projects, TODAY, title="Agentur", unreachable="error"))
            assert_golden("portfolio-check.json", check_json(result))
            assert_golden("portfolio.csv", status_csv(projects).replace("\r\n", "\n"))
    finally:
        set_language("en")


def test_every_output_of_projects_whose_texts_are_too_long_in_whole():
    """Each text cut where it is shown (the portfolio's title, a project's title, client and
    owner, a broken project's error; whole in the JSON), a finding at level warning and a
    project's problems; compared whole with the golden files (words of seven characters with
    their space: a limit one off shows)."""
    from tests.support.golden import assert_golden

    words = "Kunden "
    late = Action("Call the PO", "Ana", dt.date(2026, 3, 9))
    long = judge(
        ProjectEntry("long", "git@git.example.com:long.git", client=words * 12, owner=words * 8),
        FetchFacts(fetched=FETCHED),
        summary([run("S1", S1, "red", 2, action=late), run("S2", S2)], TODAY),
        ["answers/S1.toml: item 'gone' is not in the checklist"],
        levels={"overdue_action": "warning"},
        title=words * 40,
    )
    broken = not_judged(entry("broken"), FetchFacts(fetched=FETCHED), error="config.toml: " + words * 150)
    projects = worst_first([long, broken])
    assert_golden("portfolio-long.md", status_markdown(projects, TODAY, title=words * 20))
    assert_golden("portfolio-long.html", status_html(projects, TODAY, title=words * 20))
    assert_golden("portfolio-long.csv", status_csv(projects).replace("\r\n", "\n"))
    assert_golden("portfolio-long.json", status_json(projects, TODAY, title=words * 40))
    assert_golden("portfolio-long-check.txt", github_annotations(check_portfolio(projects, TODAY)))
