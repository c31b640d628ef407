"""The gate's rules (kundencheck check), pure: runs built in memory, summarised, judged."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer
from kundencheck.core.checklist import checklist_from_dict
from kundencheck.core.config import CHECK_RULES
from kundencheck.core.gate import (
    STATUS_CHECK_RULES,
    GateResult,
    escape_data,
    escape_property,
    evaluate,
    github_annotations,
    github_error,
    not_started,
    phase_findings,
    result_dict,
    result_json,
    rule_levels,
    summary_line,
    verdicts,
)
from kundencheck.core.history import summarize, thread_id
from tests.support.checklists import checklist, item
from tests.support.runs import ANA, CHECKLISTS, JONAS, run

MON = dt.date(2026, 3, 2)


def judge(runs, today=MON, levels=None, phase="build", cadence=14, problems=()) -> GateResult:
    summary = summarize(runs, today=today, cadence_days=cadence, current_phase=phase, checklists=CHECKLISTS)
    return evaluate(summary, levels, problems)


def rules(result: GateResult) -> list[tuple[str, str, str | None]]:
    return [(f.rule, f.level, f.item) for f in result.findings]


def green(sprint="W10", day=MON, author=ANA, **kw):
    return run(sprint, day, Answer("contacted", "green"), Answer("mood", 4), author=author, **kw)


def test_a_clean_history_passes():
    result = judge([green()])
    assert result.findings == [] and result.passed and result.exit_code == 0
    assert summary_line(result) == "kundencheck check: passed, nothing found."


def test_never_checked_is_due():
    result = judge([])
    assert rules(result) == [("due", "error", None)]
    assert "never been done" in result.findings[0].message and "kundencheck run build" in result.findings[0].message
    assert result.findings[0].file == ".kundencheck/config.toml"
    assert result.findings[0].details["never_checked"] is True
    assert not result.passed and result.exit_code == 1


def test_due_by_cadence():
    runs = [green()]
    assert judge(runs, today=MON + dt.timedelta(days=13)).findings == []
    late = judge(runs, today=MON + dt.timedelta(days=16))
    assert rules(late) == [("due", "error", None)]
    message = late.findings[0].message
    assert "last done on 2026-03-02, 16 days ago" in message and "every 14 days (since 2026-03-16)" in message
    assert late.findings[0].details["days_overdue"] == 2
    assert rules(judge(runs, today=MON + dt.timedelta(days=7), cadence=7)) == [("due", "error", None)]


def test_the_current_phase_is_judged_for_due():
    result = judge([green()], phase="acceptance")
    assert rules(result) == [("due", "error", None)] and "acceptance check has never been done" in result.findings[0].message


def test_red_without_action():
    red = run("W10", MON, Answer("contacted", "red", note="silence"), Answer("mood", 2), author=ANA)
    result = judge([red])
    assert rules(result) == [("red_without_action", "error", "contacted"), ("red_without_action", "error", "mood")]
    finding = result.findings[0]
    assert finding.run == red.id and finding.file == red.path
    assert "build/contacted: answered red in sprint W10 (Ana ✘ no)" in finding.message
    assert finding.details["answers"][0]["note"] == "silence"
    assert "Ana ✘ 2/5" in result.findings[1].message


def test_red_with_an_action_or_an_open_action_on_the_item_passes():
    due = MON + dt.timedelta(days=30)
    with_action = run("W10", MON, Answer("contacted", "red", action=Action("Call them", "Ana", due)), author=ANA)
    assert judge([with_action]).findings == []
    # Jonas says red too, without an action of his own: Ana's action is open for the item.
    jonas = run("W10", MON, Answer("contacted", "red"), author=JONAS, minute=10)
    assert judge([with_action, jonas]).findings == []
    # A later sprint: still red, the earlier action still open (not reviewed): covered (the
    # second red sprint in a row is red_streak's business, switched off here).
    later = run("W12", MON + dt.timedelta(days=14), Answer("contacted", "red"), author=ANA)
    assert judge([with_action, later], today=MON + dt.timedelta(days=14), levels={"red_streak": "off"}).findings == []
    # Closed as done in that later run, and red again without a new action: found.
    closing = run(
        "W12",
        MON + dt.timedelta(days=14),
        Answer("contacted", "red"),
        author=ANA,
        reviews=[ActionReview(with_action.id, "contacted", "done")],
    )
    assert rules(judge([with_action, closing], today=MON + dt.timedelta(days=14), levels={"red_streak": "off"})) == [
        ("red_without_action", "error", "contacted")
    ]


@pytest.mark.parametrize("what", ["", "   "])
def test_a_red_answer_whose_action_has_no_text_is_without_action(what):
    due = MON + dt.timedelta(days=30)
    red = run("W10", MON, Answer("contacted", "red", action=Action(what, "Ana", due)), author=ANA)
    result = judge([red])
    assert rules(result) == [("red_without_action", "error", "contacted")]
    assert result.findings[0].run == red.id


def test_red_without_action_looks_only_at_the_current_sprint_of_the_current_phase():
    old_red = run("W10", MON, Answer("contacted", "red"), author=ANA)
    assert rules(judge([old_red, green("W12", MON + dt.timedelta(days=14))], today=MON + dt.timedelta(days=14))) == []
    # A person who answers again in the same sprint replaces their earlier run.
    again = green("W10", author=ANA, minute=30)
    assert judge([old_red, again]).findings == []
    # Another phase's red answers do not hold up this phase's gate.
    other = run("W10", MON, Answer("contacted", "red"), author=ANA, phase="kickoff", checklist="kickoff")
    assert judge([other, green()]).findings == []


def test_overdue_actions():
    raised = run(
        "W10", MON, Answer("contacted", "red", action=Action("Call | them", "Ana", MON + dt.timedelta(days=4))), author=ANA
    )
    assert judge([raised], today=MON + dt.timedelta(days=4)).findings == []  # due today: not yet overdue
    result = judge([raised], today=MON + dt.timedelta(days=7))
    assert rules(result) == [("overdue_action", "error", "contacted")]
    finding = result.findings[0]
    assert finding.run == raised.id and finding.file == raised.path
    assert finding.message == (
        f'build/contacted: the action {thread_id(raised.id, "contacted")} "Call | them" (Ana, due 2026-03-06) is overdue '
        "by 3 days; raised on 2026-03-02 by Ana. Close it (done, or dropped with a note) in the next `kundencheck run "
        "build`, or give it a new date with a new action on the item."
    )
    assert finding.details["action"]["days_overdue"] == 3 and finding.details["action"]["state"] == "open"
    done = run(
        "W11",
        MON + dt.timedelta(days=7),
        Answer("contacted", "green"),
        author=ANA,
        reviews=[ActionReview(raised.id, "contacted", "done")],
    )
    assert judge([raised, done], today=MON + dt.timedelta(days=7)).findings == []


def test_overdue_actions_of_any_phase_count():
    kickoff = run(
        "W09",
        MON,
        Answer("contacted", "red", action=Action("Send minutes", "Ana", MON)),
        author=ANA,
        phase="kickoff",
        checklist="kickoff",
    )
    result = judge([kickoff, green(day=MON + dt.timedelta(days=2))], today=MON + dt.timedelta(days=3))
    assert rules(result) == [("overdue_action", "error", "contacted")] and result.findings[0].phase == "kickoff"
    runs = [kickoff, green(day=MON + dt.timedelta(days=2))]
    off = judge(runs, today=MON + dt.timedelta(days=3), levels={"overdue_action": "off"})
    assert off.findings == [] and off.more == []


def test_disagreement():
    ana = run("W10", MON, Answer("contacted", "green"), Answer("mood", 5), author=ANA)
    jonas = run(
        "W10",
        MON,
        Answer("contacted", "red", action=Action("Call", "Jonas", MON + dt.timedelta(days=9))),
        Answer("mood", 2, action=Action("Talk", "Jonas", MON + dt.timedelta(days=9))),
        author=JONAS,
        minute=10,
    )
    result = judge([ana, jonas])
    assert rules(result) == [("disagreement", "error", "contacted"), ("disagreement", "error", "mood")]
    assert "the team disagrees in sprint W10 (Ana ✔ yes, Jonas ✘ no)" in result.findings[0].message
    assert result.findings[0].details["spread"] == 2 and len(result.findings[0].details["answers"]) == 2
    # Resolved: Ana answers again and now agrees.
    ana_again = run("W10", MON, Answer("contacted", "red"), Answer("mood", 2), author=ANA, minute=20)
    assert judge([ana, jonas, ana_again]).findings == []


def test_levels_warning_and_off():
    ana = run("W10", MON, Answer("contacted", "green"), author=ANA)
    jonas = run("W10", MON, Answer("contacted", "red"), author=JONAS, minute=10)
    as_error = judge([ana, jonas])
    assert rules(as_error) == [("red_without_action", "error", "contacted"), ("disagreement", "error", "contacted")]
    warned = judge([ana, jonas], levels={"disagreement": "warning", "red_without_action": "warning"})
    assert [f.level for f in warned.findings] == ["warning", "warning"]
    assert warned.passed and warned.exit_code == 0
    assert summary_line(warned) == "kundencheck check: passed with 2 warnings."
    off = judge([ana, jonas], levels={"disagreement": "off", "red_without_action": "warning"})
    assert rules(off) == [("red_without_action", "warning", "contacted")]
    mixed = judge([], levels={"disagreement": "warning"})
    assert summary_line(mixed) == "kundencheck check: failed, 1 error."


def test_rule_levels():
    assert rule_levels() == dict.fromkeys(CHECK_RULES, "error")
    assert rule_levels({"due": "off", "nope": "off", "disagreement": "loud"})["due"] == "off"
    assert rule_levels({"disagreement": "loud"})["disagreement"] == "error"
    assert rule_levels({"due": "warning"}, only=STATUS_CHECK_RULES) == {
        "due": "warning",
        "key_signal_low": "off",
        "red_streak": "off",
        "decline": "off",
        "red_without_action": "off",
        "overdue_action": "error",
        "disagreement": "off",
        "perception_gap": "off",
    }


def test_status_check_is_the_gate_with_two_rules():
    ana = run("W10", MON, Answer("contacted", "green"), author=ANA)
    jonas = run("W10", MON, Answer("contacted", "red"), author=JONAS, minute=10)
    assert judge([ana, jonas], levels=rule_levels(only=STATUS_CHECK_RULES)).passed
    assert not judge([ana, jonas], today=MON + dt.timedelta(days=20), levels=rule_levels(only=STATUS_CHECK_RULES)).passed


def test_not_started_passes_with_a_note():
    result = not_started(MON)
    assert result.passed and not result.started and result.findings == []
    assert result.notes == [
        (
            "No .kundencheck/ folder here: this repository does not use kundencheck yet, so there is "
            "nothing to check. Start with `kundencheck init`."
        )
    ]
    assert result.today == MON and result.current_phase == "build" and result.levels == rule_levels(None)
    other = not_started(MON, "kickoff", {"due": "warning"}, note="no config")
    assert other.current_phase == "kickoff" and other.levels["due"] == "warning" and other.notes == ["no config"]
    assert result_dict(other)["notes"] == ["no config"] and result_dict(other)["started"] is False
    assert summary_line(result).startswith("kundencheck check: passed (nothing to check")


def test_unreadable_answers_files_are_notes_not_findings():
    result = judge([green()], problems=[".kundencheck/answers/2026/x.toml: not TOML\nline 2"])
    assert result.passed and result.notes == ["Left out, could not be read: .kundencheck/answers/2026/x.toml: not TOML line 2"]


def test_json_document():
    data = result_dict(judge([]))
    assert data["schema"] == 1 and data["passed"] is False and data["exit_code"] == 1 and data["started"] is True
    assert data["today"] == "2026-03-02" and data["current_phase"] == "build"
    assert data["rules"] == dict.fromkeys(CHECK_RULES, "error") and data["errors"] == 1 and data["warnings"] == 0
    [finding] = data["findings"]
    assert set(finding) == {
        "rule",
        "level",
        "title",
        "message",
        "phase",
        "item",
        "run",
        "file",
        "since",
        "since_sprint",
        "details",
    }
    assert finding["title"] == "check due"
    json.dumps(data)  # serialisable as is


@pytest.mark.parametrize(
    "text, data, prop",
    [
        ("plain", "plain", "plain"),
        ("50% done", "50%25 done", "50%25 done"),
        ("a\r\nb\nc", "a%0D%0Ab%0Ac", "a%0D%0Ab%0Ac"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),  # an escape sequence in the text stays text
    ],
)
def test_github_escaping(text, data, prop):
    assert escape_data(text) == data and escape_property(text) == prop


def test_github_annotations():
    ana = run("W10", MON, Answer("contacted", "green"), author=ANA)
    jonas = run("W10", MON, Answer("contacted", "red"), author=JONAS, minute=10)
    result = judge([ana, jonas], levels={"disagreement": "warning"}, problems=["broken: 100%"])
    lines = github_annotations(result).splitlines()
    assert lines[0].startswith(f"::error file={jonas.path},title=kundencheck%3A red answer without action::build/contacted")
    assert lines[1].startswith(f"::warning file={jonas.path},title=kundencheck%3A disagreement::build/contacted: the team")
    assert lines[2] == "::notice title=kundencheck::Left out, could not be read: broken: 100%25"
    assert lines[3] == "kundencheck check: failed, 1 error, 1 warning."
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_a_gate_that_could_not_judge_is_one_github_error_line():
    """The message cleaned of control characters (a terminal colour someone's file carried) and
    escaped as a workflow command's data: one line, whatever it holds."""
    line = github_error("kundencheck check", "bad\x1b[31m 50%\nnext: x, y")
    assert line == "::error title=kundencheck check::bad 50%25%0Anext: x, y"


# ------------------------------------------------------------------------------ health: key signals, streaks, decline

HEALTH = checklist(
    item("contacted", title="contact", key_signal=True),
    item("mood", title="mood", key_signal=True),
    item("alternatives", why="Deviations need them."),
    item("compromise", question="Did we propose a compromise early?", why="Positions harden.", kind="traffic-light"),
)
D = [MON + dt.timedelta(days=14 * n) for n in range(4)]


def sprint(n, contacted="green", mood=4, alternatives="green", compromise="green", author=ANA, **kw):
    answers = [
        Answer("contacted", contacted),
        Answer("mood", mood),
        Answer("alternatives", alternatives),
        Answer("compromise", compromise),
    ]
    for answer in answers:
        if answer.value == "red" or answer.value in (1, 2):
            answer.action = answer.action or Action("Do something", "Ana", D[n] + dt.timedelta(days=30))
    return run(f"W{10 + 2 * n}", D[n], *answers, author=author, **kw)


def health(runs, today=None, levels=None, parameters=None, phase="build") -> GateResult:
    summary = summarize(
        runs, today=today or D[len({r.sprint for r in runs}) - 1], current_phase=phase, checklists={"build": HEALTH}
    )
    return evaluate(summary, levels, parameters=parameters)


def test_a_red_key_signal_is_found_with_its_title():
    result = health([sprint(0, mood=1)])
    assert rules(result) == [("key_signal_low", "error", "mood")]
    message = result.findings[0].message
    assert "build/mood (mood), a key signal, is red in sprint W10: Ana ✘ 1/5" in message
    assert result.findings[0].details["answers"][0]["display"] == "✘ 1/5"
    # Amber is no finding, and a red item that is no key signal is not this rule's business.
    assert health([sprint(0, mood=3, alternatives="red")]).findings == []


def test_red_for_two_sprints_in_a_row_is_a_streak_whatever_became_of_its_actions():
    first = sprint(0, alternatives="red")
    # The action is dropped with a note, and the answer stays red with a new action.
    second = sprint(1, alternatives="red", reviews=[ActionReview(first.id, "alternatives", "dropped", "No time.")])
    result = health([first, second])
    assert rules(result) == [("red_streak", "error", "alternatives")]
    finding = result.findings[0]
    assert (
        "build/alternatives: red for 2 sprints in a row (since sprint W10; now Ana ✘ no), with 1 of its actions "
        "dropped and 0 done"
        in finding.message
        and "does not clear a red answer" in finding.message
    )
    assert finding.details["length"] == 2 and finding.details["since"] == "W10" and finding.details["dropped_actions"] == 1
    # Not answered in a sprint: the streak ends there.
    assert health([first, sprint(1, alternatives=None), sprint(2, alternatives="red")]).findings == []


def test_the_streak_length_is_a_parameter():
    runs = [sprint(0, alternatives="red"), sprint(1, alternatives="red")]
    assert health(runs, parameters={"red_streak": {"sprints": 3}}).findings == []
    runs.append(sprint(2, alternatives="red"))
    result = health(runs, parameters={"red_streak": {"sprints": 3}})
    assert rules(result) == [("red_streak", "error", "alternatives")] and result.findings[0].details["sprints"] == 3


def test_a_decline_of_three_items_is_found_once_for_the_sprint():
    before = sprint(0, contacted="green", mood=4, alternatives="green", compromise="green")
    now = sprint(1, contacted="amber", mood=3, alternatives="amber", compromise="green")
    result = health([before, now])
    assert rules(result) == [("decline", "error", None)]
    message = result.findings[0].message
    assert (
        "build: 3 items are worse in sprint W12 than in sprint W10: contacted ✔ yes → ◐ partly, "
        "mood ✔ 4/5 → ◐ 3/5, alternatives ✔ yes → ◐ partly."
    ) in message
    assert [w["item"] for w in result.findings[0].details["worse"]] == ["contacted", "mood", "alternatives"]
    # Two worse items are no decline by default; with items = 2 they are.
    two = sprint(1, contacted="amber", mood=3)
    assert health([before, two]).findings == []
    assert rules(health([before, two], parameters={"decline": {"items": 2}})) == [("decline", "error", None)]
    # The first sprint has nothing to decline from.
    assert health([now], today=D[1]).findings == []


def test_a_declining_choice_is_shown_by_its_options_labels():
    banded = checklist_from_dict(
        tomllib.loads("""
format = 1
id = "build"
title = "Sprint start"
phase = "build"
language = "en"
version = "1.0"

[[items]]
id = "contacted"
question = "Did we speak with the client?"
why = "Silence breeds surprises."
kind = "traffic-light"

[[items]]
id = "alternatives"
question = "Did we offer alternatives?"
why = "Deviations need them."
kind = "traffic-light"

[[items]]
id = "tone"
question = "How does the client sound?"
why = "Tone comes before trouble."
kind = "choice"
options = [{ id = "warm", label = "Warm", band = "green" }, { id = "cool", label = "Cool", band = "amber" }]
"""),
        "build.en.toml",
    )
    runs = [
        run("W10", D[0], Answer("contacted", "green"), Answer("alternatives", "green"), Answer("tone", "warm")),
        run(
            "W12", D[1], Answer("contacted", "amber", note="x"), Answer("alternatives", "amber", note="x"), Answer("tone", "cool")
        ),
    ]
    summary = summarize(runs, today=D[1], current_phase="build", checklists={"build": banded})
    (finding,) = evaluate(summary).findings
    assert finding.message.startswith(
        "build: 3 items are worse in sprint W12 than in sprint W10: contacted ✔ yes → "
        "◐ partly, alternatives ✔ yes → ◐ partly, tone ✔ Warm → ◐ Cool."
    )


def test_the_decline_is_judged_like_the_commit_subject():
    """The gate and the commit subject call the same function (history.changes)."""
    from kundencheck.core.history import Trend, changes, sprint_pictures

    before, now = sprint(0), sprint(1, contacted="amber", mood=2, alternatives="amber")
    pictures = sprint_pictures([before, now], {"build": HEALTH})
    worse = [c.item for c in changes(now.values(), pictures[0], HEALTH) if c.trend is Trend.WORSE]
    found = health([before, now]).findings
    decline = next(f for f in found if f.rule == "decline")
    assert [w["item"] for w in decline.details["worse"]] == worse == ["contacted", "mood", "alternatives"]


def test_levels_and_parameters_of_the_health_rules():
    runs = [sprint(0, mood=2), sprint(1, mood=1, contacted="amber", alternatives="amber")]
    every = health(runs)
    assert rules(every) == [("key_signal_low", "error", "mood"), ("red_streak", "error", "mood"), ("decline", "error", None)]
    quiet = health(runs, levels={"key_signal_low": "warning", "red_streak": "off", "decline": "warning"})
    assert rules(quiet) == [("key_signal_low", "warning", "mood"), ("decline", "warning", None)] and quiet.passed


def test_the_verdict_of_each_phase_holds_the_findings_check_would_report():
    kickoff = run(
        "W09",
        MON,
        Answer("contacted", "red", action=Action("Send minutes", "Ana", MON)),
        author=ANA,
        phase="kickoff",
        checklist="kickoff",
    )
    runs = [kickoff, sprint(0, mood=1)]
    summary = summarize(runs, today=MON + dt.timedelta(days=3), current_phase="build", checklists={"build": HEALTH})
    found = verdicts(summary)
    assert set(found) == {"kickoff", "build"}
    assert [(f.rule, f.item) for f in found["build"].findings] == [("key_signal_low", "mood")]
    assert [(f.rule, f.item) for f in found["kickoff"].findings] == [("overdue_action", "contacted")]
    assert not found["build"].passed and not found["kickoff"].passed
    check = evaluate(summary)
    # The check: the current phase's verdict and every other phase's overdue actions, in rule order.
    assert [(f.rule, f.phase) for f in check.findings] == [("key_signal_low", "build"), ("overdue_action", "kickoff")]
    assert [f.message for f in check.findings if f.phase == "build"] == [f.message for f in found["build"].findings]
    assert phase_findings(summary, "build") == found["build"].findings


# ------------------------------------------------------------------------------ time that cannot lie


def test_a_run_from_the_future_never_makes_a_phase_ok_nor_sets_the_sprint():
    today = D[1]
    mine = sprint(1, mood=1)  # today's answers: a red key signal
    ahead = run("2027-W22", dt.date(2027, 6, 1), Answer("contacted", "green"), Answer("mood", 5), author=JONAS)
    summary = summarize([sprint(0), mine, ahead], today=today, current_phase="build", checklists={"build": HEALTH})
    status = summary.phase("build")
    assert summary.future_runs == [ahead] and ahead not in summary.runs
    assert status.last_run is mine and status.current_sprint == "W12"
    result = evaluate(summary)
    assert [f.rule for f in result.findings] == ["key_signal_low"]  # today's answers are judged
    assert any("dated 2027-06-01, more than a day after today" in note and ahead.id in note for note in result.notes)
    # Alone, it leaves the phase due: it is no check.
    alone = summarize([ahead], today=today, current_phase="build", checklists={"build": HEALTH})
    assert [f.rule for f in evaluate(alone).findings] == ["due"]
    # A day ahead (time zones, a clock a little fast) still counts.
    tomorrow = run("W12", today + dt.timedelta(days=1), Answer("contacted", "green"), author=JONAS)
    assert summarize([tomorrow], today=today).future_runs == []


def test_runs_of_one_sprint_are_ordered_the_same_in_every_clone():
    """Two runs by one person finished in the same second: the later run id wins, whatever order
    the files were listed in."""
    first = run("W10", MON, Answer("contacted", "red"), author=ANA)
    second = run("W10", MON, Answer("contacted", "green"), author=ANA)
    second.started, second.finished = first.started, first.finished
    assert first.id < second.id
    for order in ([first, second], [second, first]):
        picture = summarize(order, today=MON, checklists={"build": HEALTH}).phase("build").current
        assert [r.id for r in picture.runs] == [second.id] and picture.items["contacted"].value == "green"


def test_each_finding_says_since_when_it_holds():
    """A finding's start, for the report's headline: a red streak's first sprint (however long
    ago), the day a check or an action fell due, the current sprint for the sprint's rules."""
    runs = [
        sprint(0, alternatives="amber"),
        sprint(1, mood=2, alternatives="red"),
        sprint(2, mood=1, alternatives="red", contacted="amber", compromise="amber"),
    ]
    late = D[2] + dt.timedelta(days=35)  # the check is due, and the actions (latest due date D[2] + 30) overdue
    found = {(f.rule, f.item): f for f in health(runs, today=late).findings}
    assert {key: (f.since, f.since_sprint) for key, f in found.items()} == {
        ("due", None): (D[2] + dt.timedelta(days=14), None),
        ("key_signal_low", "mood"): (D[1], "W12"),  # red since W12, not only in W14
        ("red_streak", "mood"): (D[1], "W12"),
        ("red_streak", "alternatives"): (D[1], "W12"),
        ("decline", None): (D[2], "W14"),
        # An action is overdue from the day after its due date.
        ("overdue_action", "mood"): (D[2] + dt.timedelta(days=31), None),
        ("overdue_action", "alternatives"): (D[2] + dt.timedelta(days=31), None),
    }
    document = result_dict(health(runs, today=late))
    streak = next(f for f in document["findings"] if f["rule"] == "red_streak")
    assert streak["since"] == D[1].isoformat() and streak["since_sprint"] == "W12"
    never = judge([]).findings[0]
    assert never.rule == "due" and never.since is None and result_dict(judge([]))["findings"][0]["since"] is None


def test_verdict_words():
    from kundencheck.core.gate import Finding, verdict_words

    def finding(level):
        return Finding("due", level, "m", "build")

    def words(*levels):
        return verdict_words(GateResult(MON, "build", {}, findings=[finding(x) for x in levels]))

    assert words() == "✔ ok"
    assert words("warning") == "⚠ 1 warning"
    assert words("warning", "warning") == "⚠ 2 warnings"
    assert words("error") == "✘ 1 error"
    assert words("error", "error", "warning") == "✘ 2 errors, 1 warning"
    assert words("error", "warning", "warning") == "✘ 1 error, 2 warnings"


def test_json_text():
    from kundencheck.core.gate import result_json

    result = judge([])
    text = result_json(result)
    assert text.endswith("}\n") and text.startswith('{\n  "schema": 1,\n')
    assert json.loads(text) == json.loads(json.dumps(result_dict(result)))
    red = run("W10", MON, Answer("contacted", "red", note="Schweigen – “nichts”"), Answer("mood", 4), author=ANA)
    assert "Schweigen – “nichts”" in result_json(judge([red]))  # not \u-escaped


def test_each_phases_verdict_counts_the_overdue_actions_it_does_not_show():
    late = [
        run(
            "W10",
            MON,
            Answer("contacted", "red", action=Action(f"Step {n}", "Ana", MON, separate=True)),
            author=f"P{n} <p{n}@example.com>",
            minute=n,
        )
        for n in range(7)
    ]
    summary = summarize(
        [*late, green("W10", MON, minute=30)], today=MON + dt.timedelta(days=3), current_phase="build", checklists=CHECKLISTS
    )
    verdict = verdicts(summary, {"red_without_action": "off"})["build"]
    assert (verdict.today, verdict.current_phase) == (MON + dt.timedelta(days=3), "build")
    assert verdict.levels["red_without_action"] == "off" and verdict.levels["overdue_action"] == "error"
    assert [f.rule for f in verdict.findings].count("overdue_action") == 7
    assert sum(f.shown for f in verdict.findings if f.rule == "overdue_action") == 5 and verdict.more == [
        ("overdue_action", "build", 2)
    ]
    assert verdicts(summary, {"overdue_action": "off", "red_without_action": "off"})["build"].more == []
    assert list(verdicts(summary)) == ["build"]


def test_the_overdue_actions_not_listed_are_counted_in_a_note():
    from kundencheck.core.gate import more_notes

    late = [
        run(
            "W10",
            MON,
            Answer("contacted", "red", action=Action(f"Step {n}", "" if n else "Ana", MON, separate=True)),
            author=f"P{n} <p{n}@example.com>",
            minute=n,
        )
        for n in range(7)
    ]
    result = judge(
        [*late, green("W10", MON, minute=30)],
        today=MON + dt.timedelta(days=3),
        levels={"red_without_action": "off", "key_signal_low": "off"},
    )
    assert result.more == [("overdue_action", "build", 2)]
    assert more_notes(result) == ["overdue action: and 2 more: kundencheck actions --phase build"]
    assert "::notice title=kundencheck::overdue action: and 2 more: kundencheck actions --phase build" in github_annotations(
        result
    )
    unowned = next(f for f in result.findings if "Step 1" in f.message)
    assert '"Step 1" (no owner, due 2026-03-02) is overdue by 3 days' in unowned.message


def test_red_without_action_looks_at_every_item_of_the_sprint():
    due = MON + dt.timedelta(days=30)
    # a green item, an item red with an action, then a red one without: only the last is found
    runs = [run("W10", MON, Answer("contacted", "red", action=Action("Call", "Ana", due)), Answer("mood", 1), author=ANA)]
    assert rules(judge(runs, levels={"key_signal_low": "off"})) == [("red_without_action", "error", "mood")]
    runs = [run("W10", MON, Answer("contacted", "green"), Answer("mood", 1), author=ANA)]
    assert rules(judge(runs, levels={"key_signal_low": "off"})) == [("red_without_action", "error", "mood")]
    earlier = run("W08", MON - dt.timedelta(days=14), Answer("contacted", "red", action=Action("Call", "Ana", due)), author=ANA)
    now = run("W10", MON, Answer("contacted", "red"), Answer("mood", 1), author=ANA)
    assert rules(judge([earlier, now], levels={"key_signal_low": "off", "red_streak": "off"})) == [
        ("red_without_action", "error", "mood")
    ]  # contacted is covered by the open action
    long_sprint = run("Sprint " + "s" * 50, MON, Answer("contacted", "red"), author=ANA)
    [finding] = judge([long_sprint], levels={"key_signal_low": "off"}).findings
    assert f"answered red in sprint Sprint {'s' * 32}… (Ana" in finding.message


def test_an_overdue_actions_long_texts_are_cut_in_its_finding():
    late = run(
        "W10", MON, Answer("contacted", "red", action=Action("w" * 300, "o" * 100, MON)), author="A" * 100 + " <a@example.com>"
    )  # fmt: skip
    result = judge([late, green("W10", MON, minute=30)], today=MON + dt.timedelta(days=3), levels={"key_signal_low": "off"})
    [finding] = [f for f in result.findings if f.rule == "overdue_action"]
    thread = finding.details["action"]["id"]
    assert finding.message == (
        f'build/contacted: the action {thread} "{"w" * 119}…" ({"o" * 39}…, due 2026-03-02) is overdue by 3 '
        f"days; raised on 2026-03-02 by {'A' * 39}…. Close it (done, or dropped with a note) in the next `kundencheck run "
        "build`, or give it a new date with a new action on the item."
    )


def test_the_health_findings_of_sprints_with_long_names_word_for_word():
    """Each health rule's finding whole (tests/core/golden/check-health.json): a red key signal,
    a red streak, a decline of three items and a disagreement, in sprints whose names are cut
    to forty characters in the messages (and kept whole in the details)."""
    from tests.support.golden import assert_golden
    from tests.support.runs import made_run

    def long_sprint(n, author=ANA, **values):
        answers = {"contacted": "green", "mood": 4, "alternatives": "green", "compromise": "green", **values}
        action = Action("Do it", "Ana", D[n] + dt.timedelta(days=30))
        return made_run(
            f"{D[n]:%Y%m%d}T09{10 * (author == JONAS):02d}00Z-build-{author.split()[0].lower()}-00000{n}",
            f"Sprint {n} of the long migration for the client",
            dt.datetime.combine(D[n], dt.time(9, 10 * (author == JONAS)), dt.UTC),
            *(Answer(item_id, value, action=action if value in ("red", 1) else None) for item_id, value in answers.items()),
            author=author,
        )

    runs = [
        long_sprint(0),
        long_sprint(1, alternatives="red"),
        long_sprint(2, contacted="green", mood=1, alternatives="red", compromise="amber"),
        long_sprint(2, JONAS, contacted="red", mood=1, alternatives="red", compromise="amber"),
    ]
    assert_golden("check-health.json", result_json(health(runs)))


def test_a_meetings_red_key_signal_and_streak_name_its_anonymous_votes_and_agreed_answer():
    from kundencheck.core.answers import ItemVotes

    def meeting(n):
        held = sprint(n, contacted="red", mood=1)
        held.meeting = True
        held.participants = [ANA, JONAS, "Lea <lea@example.com>"]
        held.votes = [
            ItemVotes("contacted", anonymous=(("red", 1), ("amber", 1), ("green", 1))),
            ItemVotes("mood", anonymous=((2, 1), (1, 2))),
        ]
        return held

    result = health([meeting(0), meeting(1)])
    assert rules(result)[:2] == [("key_signal_low", "error", "contacted"), ("key_signal_low", "error", "mood")]
    assert rules(result)[2:4] == [("red_streak", "error", "contacted"), ("red_streak", "error", "mood")]
    said = {
        "contacted": "anonymous votes: ✔ yes × 1, ◐ partly × 1, ✘ no × 1, agreed in the sprint meeting: ✘ no",
        "mood": "anonymous votes: ✘ 1/5 × 2, ✘ 2/5 × 1, agreed in the sprint meeting: ✘ 1/5",
    }
    for finding in result.findings[:4]:
        assert said[finding.item] in finding.message, finding.message


def test_a_perception_gap_is_found_for_the_current_phase_only_with_the_sprint_cut_and_the_replys_file():
    from kundencheck.core.mirror import ClientAnswer, ClientReply

    long_name = "Sprint 2 of the long migration for the client"
    runs = [
        run(long_name, MON, Answer("contacted", "green"), Answer("mood", 4)),
        run("K1", MON, Answer("contacted", "green"), phase="kickoff", checklist="kickoff"),
    ]
    answered = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)

    def reply(invitation, phase, sprint):
        answers = (ClientAnswer("contacted", "red", "Only mails"),)
        return ClientReply(invitation, phase, phase, "1.0", sprint, "en", "Jane", answered, answered, ANA, answers)

    replies = [reply("inv-build", "build", long_name), reply("inv-kickoff", "kickoff", "K1")]
    summary = summarize(runs, today=MON, current_phase="build", checklists=CHECKLISTS, client_replies=replies)
    (gap,) = [f for f in evaluate(summary).findings if f.rule == "perception_gap"]
    assert gap.message.startswith(
        "build/contacted: in sprint Sprint 2 of the long migration for the… the team answered ✔ yes (Ana ✔ yes), "
        'the client ✘ no (Jane: "Only mails").'
    )
    assert (gap.run, gap.file) == (runs[0].id, ".kundencheck/client/inv-build.toml")


def test_an_unreadable_files_problem_is_cut_to_300_characters_in_its_note():
    problem = "broken.toml: " + "x" * 288  # 301 characters
    result = judge([green()], problems=[problem, problem[:300]])
    assert result.notes == [
        "Left out, could not be read: " + problem[:299] + "…",
        "Left out, could not be read: " + problem[:300],
    ]
