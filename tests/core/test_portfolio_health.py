"""Each project of a portfolio judged by its own rules, and the portfolio's gate
(core/portfolio_health.py), pure: histories in memory (tests/support/portfolio_histories.py). A
project's health is what the gate says in the project: the same documents, the same verdicts."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from kundencheck.core.answers import Action
from kundencheck.core.gate import evaluate, not_started, result_dict, verdict_words, verdicts
from kundencheck.core.history import Trend
from kundencheck.core.portfolio_health import (
    BROKEN,
    NOT_FETCHED,
    NOT_SET_UP,
    OK,
    STALE,
    FetchFacts,
    FindingView,
    KeySignal,
    PortfolioFinding,
    ProjectHealth,
    by_name,
    check_document,
    check_portfolio,
    health_document,
    judge_not_started,
    not_judged,
    not_started_document,
    phases_of,
    state_words,
    summary_line,
    worst_first,
)
from tests.support.portfolio_histories import FETCHED, S1, S2, entry, healthy, run, summary

TODAY = dt.date(2026, 3, 20)
LATE = Action("Call the PO", "Ana", dt.date(2026, 3, 9))  # overdue on TODAY
FAILING = FetchFacts(
    fetched=FETCHED,
    failing_since=dt.datetime(2026, 3, 20, 6, 0, tzinfo=dt.UTC),
    problem="unreachable",
    reason="fatal: unable to access 'https://ana:T0KEN@host/x/'",
)


def shop(**kw) -> ProjectHealth:
    """Red with an overdue action in the first sprint, green in the second: one error."""
    return healthy("shop", [run("S1", S1, "red", 2, action=LATE), run("S2", S2)], TODAY, **kw)


def web(**kw) -> ProjectHealth:
    """Red without an action in its only sprint, a month ago: due, a key signal low, no action."""
    return healthy("web", [run("S1", S1, "red", 3)], TODAY, **kw)


def clean(name: str = "intranet", **kw) -> ProjectHealth:
    return healthy(name, [run("S2", S2)], TODAY, **kw)


# --------------------------------------------------------------------------------- the document


def test_the_document_holds_what_check_and_status_say_in_the_project():
    runs = [run("S1", S1, "red", 2, action=LATE), run("S2", S2)]
    history = summary(runs, TODAY)
    document = health_document(history, ["a broken file"], title="Shop relaunch", client="Kunde GmbH")
    assert document["check"] == result_dict(evaluate(history, None, ["a broken file"], None))
    (phase,) = verdicts(history).items()
    assert document["phases"]["build"] == {
        "passed": phase[1].passed,
        "errors": 1,
        "warnings": 0,
        "words": verdict_words(phase[1]),
        "trend": "better",
        "runs": 2,
        "findings": document["check"]["findings"],
    }
    assert {k: document[k] for k in ("version", "title", "client", "current_phase", "today", "runs", "last_run")} == {
        "version": 2,
        "title": "Shop relaunch",
        "client": "Kunde GmbH",
        "current_phase": "build",
        "today": "2026-03-20",
        "runs": 2,
        "last_run": "2026-03-16",
    }
    assert (document["open_actions"], document["overdue_actions"], document["problems"]) == (1, 1, ["a broken file"])
    assert document["due"] == {
        "is_due": False,
        "cadence_days": 14,
        "last_checked": "2026-03-16",
        "due_on": "2026-03-30",
        "days_since": 4,
        "days_overdue": 0,
    }
    assert document["shown"] == [True] and document["more"] == []
    assert document["key_signals"] == [
        {"item": "contacted", "title": "Talked to the client", "band": "green", "trend": "better", "sprint": "S2"},
        {"item": "mood", "title": "mood", "band": "green", "trend": "better", "sprint": "S2"},
    ]
    check_document(document)  # what health_document makes passes its own check


def test_the_levels_and_parameters_of_the_projects_own_config_count():
    runs = [run("S1", S1, "red", 2, action=LATE), run("S2", S2)]
    history = summary(runs, TODAY)
    levels = {"overdue_action": "warning"}
    document = health_document(history, levels=levels)
    assert document["check"] == result_dict(evaluate(history, levels))
    assert (document["check"]["errors"], document["check"]["warnings"]) == (0, 1)
    assert document["phases"]["build"]["warnings"] == 1 and document["phases"]["build"]["passed"]
    off = health_document(history, levels={"overdue_action": "off"})
    assert off["check"]["findings"] == [] and off["phases"]["build"]["findings"] == []


def test_without_runs_the_current_phase_has_no_check_and_is_due():
    document = health_document(summary([], TODAY, phase="acceptance"))
    assert document["current_phase"] == "acceptance" and document["runs"] == 0 and document["last_run"] is None
    assert document["due"]["is_due"] is True and document["due"]["last_checked"] is None
    assert document["phases"]["acceptance"]["runs"] == 0 and document["phases"]["acceptance"]["trend"] == "none"
    assert document["key_signals"] == []
    assert [f["rule"] for f in document["check"]["findings"]] == ["due"]


@pytest.mark.parametrize(
    "before, now, trend",
    [
        (("red", 2), ("green", 4), "better"),
        (("green", 4), ("red", 2), "worse"),
        (("green", 4), ("green", 4), "same"),
        (("green", 2), ("red", 4), "same"),  # one better, one worse: the same on the whole
    ],
)
def test_a_phases_trend_is_more_answers_worse_than_better_or_the_other_way(before, now, trend):
    runs = [run("S1", S1, before[0], before[1]), run("S2", S2, now[0], now[1], action=Action("Call", "Ana", S2))]
    assert health_document(summary(runs, S2))["phases"]["build"]["trend"] == trend


def test_a_project_without_kundencheck_is_judged_as_check_judges_such_a_repository():
    health = judge_not_started(entry("plain"), FetchFacts(fetched=FETCHED), TODAY)
    assert health.check == result_dict(not_started(TODAY))
    assert health.state == NOT_SET_UP and not health.flagged
    assert (health.passed, health.errors, health.warnings, health.overdue, health.runs) == (True, 0, 0, 0, 0)
    assert health.due() is None and health.phases == [] and health.findings() == [] and health.key_signals() == []
    assert health.title == "plain" and health.current_phase == "build"
    assert health.notes == result_dict(not_started(TODAY))["notes"]
    document = not_started_document(TODAY, current_phase="acceptance", levels={"due": "warning"}, title="T", client="C")
    assert document["check"] == result_dict(not_started(TODAY, "acceptance", {"due": "warning"}))
    assert (document["title"], document["client"], document["current_phase"]) == ("T", "C", "acceptance")
    check_document(document)
    # Its remote unreachable since: stale, as any project whose last fetch failed.
    assert judge_not_started(entry("plain"), FAILING, TODAY).state == STALE


# --------------------------------------------------------------------------------- a project's health


def test_a_judged_project_shows_its_documents_facts():
    health = shop(title="Shop relaunch", client="Kunde GmbH")
    assert (health.name, health.title, health.client) == ("shop", "Shop relaunch", "Kunde GmbH")
    assert health.state == OK and not health.flagged and health.judged
    assert (health.passed, health.errors, health.warnings) == (False, 1, 0)
    assert (health.overdue, health.open_actions, health.runs) == (1, 1, 2)
    assert health.last_run == dt.date(2026, 3, 16) and health.current_phase == "build" and health.phases == ["build"]
    verdict = health.verdict("build")
    assert (verdict.passed, verdict.errors, verdict.warnings, verdict.words, verdict.trend, verdict.runs) == (
        False,
        1,
        0,
        "✘ 1 error",
        Trend.BETTER,
        2,
    )
    assert health.verdict("acceptance") is None and health.trend("acceptance") is Trend.NONE
    assert health.trend("build") is Trend.BETTER
    assert health.due() == (False, dt.date(2026, 3, 16), dt.date(2026, 3, 30), 4, 14)
    (finding,) = health.findings()
    assert finding == FindingView(
        "overdue_action", "error", "overdue action", health.check["findings"][0]["message"], "build", True
    )
    assert health.key_signals()[0] == KeySignal("contacted", "Talked to the client", "green", Trend.BETTER, "S2")
    assert health.problems == [] and health.notes == [] and health.more_notes() == []


def test_the_entrys_client_wins_and_the_name_stands_in_for_a_missing_title():
    health = ProjectHealth(entry("shop", client="Kunde AG"), FetchFacts(), clean(client="Kunde GmbH").document)
    assert health.client == "Kunde AG"
    untitled = clean()
    untitled.document["title"] = ""
    assert untitled.title == "intranet"
    assert not_judged(entry("blog"), FetchFacts()).title == "blog"


def test_a_project_not_fetched_or_broken_has_nothing_to_show():
    never = not_judged(entry("blog"), FetchFacts())
    broken = not_judged(entry("blog"), FetchFacts(fetched=FETCHED), error="blog:.kundencheck/config.toml, line 3: ...")
    for health in (never, broken):
        assert not health.judged and health.flagged
        assert (health.passed, health.check, health.current_phase, health.due()) == (None, None, None, None)
        assert (health.errors, health.warnings, health.overdue, health.open_actions, health.runs) == (0, 0, 0, 0, 0)
        assert health.phases == [] and health.problems == [] and health.findings() == [] and health.notes == []
        assert health.key_signals() == [] and health.more_notes() == [] and health.last_run is None
        assert health.client == "" and health.verdict("build") is None
    assert (never.state, broken.state) == (NOT_FETCHED, BROKEN)
    assert not_judged(entry("blog"), FetchFacts(), error="https://ana:T0KEN@host/x: bad").error == "https://ana:***@host/x: bad"


def test_the_states():
    assert shop().state == OK
    assert shop(fetch=FAILING).state == STALE and shop(fetch=FAILING).flagged
    assert not_judged(entry("x"), FAILING).state == NOT_FETCHED  # never completed: not stale
    assert not_judged(entry("x"), FAILING, error="broken").state == BROKEN  # the error first


def test_more_findings_than_shown_are_a_note_naming_the_command():
    late = [Action(f"Call {n}", "Ana", dt.date(2026, 3, 9), separate=True) for n in range(6)]
    runs = [
        run("S1", S1, "red", 2, action=late[0]),
        *(run(f"S1{n}", S1 + dt.timedelta(days=n), "red", 2, action=late[n]) for n in range(1, 6)),
    ]
    health = healthy("shop", runs, TODAY, cadence=60)
    overdue = [f for f in health.findings() if f.rule == "overdue_action"]
    assert len(overdue) == 6 and 0 < sum(f.shown for f in overdue) < 6
    (note,) = health.more_notes()
    assert note.startswith("overdue action: and ") and "kundencheck actions" in note


# --------------------------------------------------------------------------------- kept documents


def test_a_document_that_is_not_what_health_document_makes_is_refused():
    good = shop().document
    check_document(good)
    # Each change, and the part of the document whose check refuses it.
    changes = [
        (lambda d: d.update(version=1), "version"),
        (lambda d: d.update(title=None), "title"),
        (lambda d: d.update(runs="2"), "runs"),
        (lambda d: d.update(due=[]), "due"),
        (lambda d: d["due"].update(is_due="no"), "the due check"),
        (lambda d: d["due"].update(cadence_days=None), "the due check"),
        (lambda d: d["due"].update(due_on="someday"), None),
        (lambda d: d.update(last_run="yesterday"), None),
        (lambda d: d["check"].update(errors="1"), "the check"),
        (lambda d: d["check"].update(started="yes"), "the check"),
        (lambda d: d["check"]["findings"].append({"rule": "x"}), "findings"),
        (lambda d: d["check"]["findings"].__setitem__(0, "x"), "a finding"),
        (lambda d: d["check"]["findings"][0].update(phase=None), "a finding"),
        (lambda d: d.update(shown=[]), "findings"),
        (lambda d: d["phases"]["build"].update(trend="sideways"), "a phase"),
        (lambda d: d["phases"].update(build=[]), "a phase"),
        (lambda d: d["key_signals"].append({"trend": "up"}), "a key signal"),
        (lambda d: d["more"].append(["overdue_action", "build", "3"]), "more"),
        (lambda d: d.pop("phases"), "phases"),
    ]
    for change, part in changes:
        bad = copy.deepcopy(good)
        change(bad)
        refused = f"^not a health document: {part}$" if part else "Invalid isoformat"
        with pytest.raises(ValueError, match=refused):
            check_document(bad)
        with pytest.raises(ValueError, match=refused):
            ProjectHealth(entry("shop"), FetchFacts(), bad)  # a kept one is never believed
    without_due = copy.deepcopy(good)
    without_due["due"] = None
    check_document(without_due)  # a project whose phase was never due
    with pytest.raises(ValueError, match="not a health document: version"):
        check_document([])


# --------------------------------------------------------------------------------- order


def test_the_worst_first():
    healths = [
        clean("alpha"),
        clean("beta", fetch=FAILING),
        shop(),
        web(),
        not_judged(entry("zeta"), FetchFacts()),
        not_judged(entry("omega"), FetchFacts(), error="broken"),
        healthy("warned", [run("S1", S1, "red", 2, action=LATE), run("S2", S2)], TODAY, levels={"overdue_action": "warning"}),
        healthy("due", [run("S1", S1)], TODAY, levels={"due": "off"}),
    ]
    order = [h.name for h in worst_first(healths)]
    # Not judged (by name), then errors (web 3, shop 1), warnings, overdue actions, a due check,
    # stale before fresh, then by name.
    assert order == ["omega", "zeta", "web", "shop", "warned", "due", "beta", "alpha"]
    assert [h.name for h in by_name(healths)] == ["alpha", "beta", "due", "omega", "shop", "warned", "web", "zeta"]


def test_the_phases_worth_a_column():
    accepted = healthy("acc", [run("S1", S1, phase="acceptance")], TODAY, phase="acceptance")
    assert phases_of([shop(), accepted]) == ["build", "acceptance"]
    assert phases_of([not_judged(entry("x"), FetchFacts())]) == ["build"]
    assert phases_of([]) == ["build"]
    launch = healthy("next", [run("S1", S1)], TODAY, phase="launch")  # current phase without runs
    assert phases_of([launch]) == ["build", "launch"]


# --------------------------------------------------------------------------------- the gate


def test_the_portfolios_gate_is_every_projects_own_and_its_own_findings():
    healths = [shop(), clean(), clean("gone", fetch=FAILING), not_judged(entry("blog"), FetchFacts())]
    result = check_portfolio(healths, TODAY)
    assert result.findings == [
        PortfolioFinding(
            "gone",
            "unreachable",
            "warning",
            "gone: the remote could not be reached since 2026-03-20; its answers as fetched on 2026-03-19 are "
            "judged. Make `git ls-remote git@git.example.com:clients/gone.git` work where the portfolio is "
            "fetched, or remove the project from portfolio.toml.",
        ),
        PortfolioFinding(
            "blog",
            "not_fetched",
            "warning",
            "blog has not been fetched yet: run `kundencheck portfolio fetch blog` first.",
        ),
    ]
    assert result.findings[0].title == "unreachable" and result.findings[1].title == "not fetched"
    assert (result.errors, result.warnings, result.passed, result.exit_code) == (1, 2, False, 1)
    assert [h.name for h in result.failing] == ["shop"]
    assert result.of(healths[2]) == [result.findings[0]] and result.of(healths[0]) == []
    assert summary_line(result) == "kundencheck portfolio check: failed, 1 of 4 projects (1 error, 2 warnings)."


@pytest.mark.parametrize("level", ["error", "warning", "off"])
def test_unreachable_is_at_the_level_portfolio_toml_says(level):
    never = not_judged(entry("blog", remote="https://ana:T0KEN@host/blog.git"), FAILING)
    result = check_portfolio([clean(fetch=FAILING), never], TODAY, level)
    if level == "off":
        assert result.findings == [] and result.passed
        return
    assert [(f.project, f.rule, f.level) for f in result.findings] == [
        ("intranet", "unreachable", level),
        ("blog", "not_fetched", level),
    ]
    assert result.findings[1].message == (
        "blog has never been fetched: the remote could not be reached (since 2026-03-20). Make `git ls-remote "
        "https://ana:***@host/blog.git` work where the portfolio is fetched, then `kundencheck portfolio fetch blog`."
    )
    assert result.passed is (level == "warning") and result.exit_code == (1 if level == "error" else 0)
    assert [h.name for h in result.failing] == ([] if level == "warning" else ["intranet", "blog"])


def test_a_project_that_cannot_be_judged_is_always_an_error():
    broken = not_judged(entry("blog"), FetchFacts(fetched=FETCHED), error="blog:.kundencheck/config.toml: bad\nsecond line")
    result = check_portfolio([broken], TODAY, "off")
    assert result.findings == [
        PortfolioFinding(
            "blog", "cannot_check", "error", "blog cannot be checked: blog:.kundencheck/config.toml: bad second line"
        )
    ]
    assert result.findings[0].title == "cannot be checked" and result.exit_code == 1


def test_the_gates_summary_line():
    assert summary_line(check_portfolio([clean()], TODAY)) == "kundencheck portfolio check: passed, 1 project, nothing found."
    warned = check_portfolio([clean(), clean("gone", fetch=FAILING)], TODAY)
    assert summary_line(warned) == "kundencheck portfolio check: passed with 1 warning in 2 projects."
    two = check_portfolio([clean("a", fetch=FAILING), clean("b", fetch=FAILING)], TODAY)
    assert summary_line(two) == "kundencheck portfolio check: passed with 2 warnings in 2 projects."
    failed = check_portfolio([web(), shop()], TODAY)
    assert summary_line(failed) == "kundencheck portfolio check: failed, 2 of 2 projects (4 errors)."
    one = check_portfolio([shop()], TODAY)
    assert summary_line(one) == "kundencheck portfolio check: failed, 1 of 1 project (1 error)."


# --------------------------------------------------------------------------------- words


def test_a_projects_state_in_words():
    assert state_words(shop()) == "fetched 2026-03-19"
    assert state_words(shop(fetch=FAILING)) == "unreachable since 2026-03-20"
    assert state_words(not_judged(entry("x"), FetchFacts())) == "not fetched yet"
    assert state_words(not_judged(entry("x"), FAILING)) == "never fetched: the remote could not be reached"
    assert state_words(not_judged(entry("x"), FetchFacts(), error="bad")) == "cannot be checked"
    assert state_words(judge_not_started(entry("x"), FetchFacts(fetched=FETCHED), TODAY)) == "not set up for kundencheck"


@pytest.mark.parametrize(
    "problem, branch, words",
    [
        ("unreachable", "", "the remote could not be reached"),
        ("authentication", "", "the remote did not let us in"),
        ("no-branch", "answers", "the remote has no branch answers"),
        ("no-branch", "", "the remote has no branch ?"),
        ("empty", "", "the remote has no commits"),
        ("timeout", "", "the fetch ran out of time"),
        ("busy", "", "another fetch was running"),
        ("failed", "", "git could not fetch"),
        ("", "", "fatal: unable to access 'https://ana:***@host/x/'"),  # git's own words, the token hidden
    ],
)
def test_a_fetch_problem_in_a_few_words(problem, branch, words):
    assert FetchFacts(problem=problem, branch=branch, reason=FAILING.reason).problem_words() == words


def test_a_project_is_judged_by_its_own_levels_and_parameters():
    late = [run("S1", S1, "red", 2, action=LATE), run("S2", S2)]
    assert (shop().errors, shop().warnings) == (1, 0)
    warned = healthy("warned", late, TODAY, levels={"overdue_action": "warning"})
    assert (warned.errors, warned.warnings) == (0, 1)
    streak = [run("S1", S1, "red", 2, action=LATE), run("S2", S2, "red", 2, action=LATE)]
    rules = {f.rule for f in healthy("streak", streak, TODAY).findings()}
    assert "red_streak" in rules
    longer = healthy("streak", streak, TODAY, parameters={"red_streak": {"sprints": 3}})
    assert "red_streak" not in {f.rule for f in longer.findings()}
    document = health_document(summary(late, TODAY))
    assert (document["title"], document["client"]) == ("", "")
    assert judge_not_started(entry("plain"), FetchFacts(fetched=FETCHED), TODAY).document["title"] == "plain"


def test_more_overdue_actions_come_first_and_one_warning_is_one():
    quiet = [run("S1", S1, "red", 2, action=LATE), run("S2", S2)]
    one = healthy("b-one", quiet, TODAY, levels={"overdue_action": "off"})
    none = healthy("a-none", [run("S2", S2)], TODAY)
    assert (one.errors, one.warnings, one.overdue) == (0, 0, 1) and (none.errors, none.warnings, none.overdue) == (0, 0, 0)
    assert [h.name for h in worst_first([none, one])] == ["b-one", "a-none"]
    warned = healthy("warned", quiet, TODAY, levels={"overdue_action": "warning"})
    result = check_portfolio([shop(), warned], TODAY)
    assert summary_line(result) == "kundencheck portfolio check: failed, 1 of 2 projects (1 error, 1 warning)."


def test_each_phases_verdict_follows_the_projects_parameters():
    streak = [run("S1", S1, "red", 2, action=LATE), run("S2", S2, "red", 2, action=LATE)]
    rules = [f["rule"] for f in health_document(summary(streak, TODAY))["phases"]["build"]["findings"]]
    assert "red_streak" in rules
    longer = health_document(summary(streak, TODAY), parameters={"red_streak": {"sprints": 3}})
    assert "red_streak" not in [f["rule"] for f in longer["phases"]["build"]["findings"]]


def test_a_judged_projects_problems_and_its_phases_findings_are_kept():
    health = shop(problems=["S1.toml: item 'x' is unknown"])
    assert health.problems == ["S1.toml: item 'x' is unknown"]
    assert health.verdict("build").findings == health.document["phases"]["build"]["findings"]
    assert [f["rule"] for f in health.verdict("build").findings] == ["overdue_action"]


def test_a_project_without_kundencheck_has_this_document():
    assert not_started_document(TODAY) == {
        "version": 2,
        "title": "",
        "client": "",
        "current_phase": "build",
        "today": "2026-03-20",
        "runs": 0,
        "last_run": None,
        "open_actions": 0,
        "overdue_actions": 0,
        "problems": [],
        "due": None,
        "phases": {},
        "check": result_dict(not_started(TODAY)),
        "shown": [],
        "more": [],
        "key_signals": [],
    }


def test_a_kept_document_with_a_due_check_of_no_date_is_refused():
    for key in ("last_checked", "due_on"):
        document = copy.deepcopy(shop().document)
        document["due"][key] = "the 30th"
        with pytest.raises(ValueError, match="isoformat"):
            check_document(document)


def test_the_more_notes_name_the_rule_the_count_and_the_phase():
    health = shop()
    health.document["more"] = [["overdue_action", "build", 37], ["a_later_rule", "acceptance", 2]]
    assert health.more_notes() == [
        "overdue action: and 37 more: kundencheck actions --phase build",
        "a_later_rule: and 2 more: kundencheck actions --phase acceptance",  # a rule this version does not know
    ]


def test_long_errors_and_fetch_problems_are_cut_on_one_line():
    error = "blog:.kundencheck/config.toml: " + "broken " * 120
    (finding,) = check_portfolio([not_judged(entry("blog"), FetchFacts(fetched=FETCHED), error=error)], TODAY).findings
    said = finding.message.removeprefix("blog cannot be checked: ")
    assert len(said) == 600 and said.endswith(" b…")
    assert FetchFacts(reason="fatal: " + "x" * 300).problem_words() == "fatal: " + "x" * 192 + "…"  # 200 in all


def test_a_stale_project_never_fetched_whole_reads_as_fetched_on_a_question_mark():
    lost = FetchFacts(failing_since=FAILING.failing_since, problem="timeout")
    (finding,) = check_portfolio([clean(fetch=lost)], TODAY).findings
    assert finding.message.startswith(
        "intranet: the fetch ran out of time since 2026-03-20; its answers as fetched on ? are judged."
    )
