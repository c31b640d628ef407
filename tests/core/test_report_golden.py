"""The reports and the status of one rich history, compared whole with the files in
tests/core/golden/: every word, symbol, escape and number of the Markdown, HTML and JSON
reports and of ``status --json``. The other tests say what each part means; these see any change
to the outputs at all (scripts/mutation.py found most of the report's texts unchecked).

After an intended change of a report, write the files anew and read the diff before committing::

    KUNDENCHECK_UPDATE_GOLDEN=1 python -m pytest tests/core/test_report_golden.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer, Run
from kundencheck.core.history import summarize
from kundencheck.core.i18n import set_language
from kundencheck.core.report import (
    build_report,
    report_html,
    report_json,
    report_markdown,
    status_json,
)
from tests.support.golden import assert_golden
from tests.support.runs import CHECKLISTS, made_run

UTC = dt.UTC
W10, W12, W14 = dt.date(2026, 3, 2), dt.date(2026, 3, 16), dt.date(2026, 3, 30)
TODAY = dt.date(2026, 4, 9)
ANA = "Ana Lopez <ana@example.com>"
#: A name longer than the 40 and 60 characters the views cut names to.
JONAS = "Jonas " + "von und zu " * 6 + "Berg <jonas@example.com>"


def make(
    run_id: str, sprint: str, day: dt.date, *answers: Answer, author: str = ANA, phase: str = "build", minute: int = 0, **fields
) -> Run:
    started = dt.datetime.combine(day, dt.time(9, minute), UTC)
    return made_run(run_id, sprint, started, *answers, author=author, phase=phase, minutes=7, **fields)


#: A tone phrase longer than the 60 characters a report shows of it.
LONG_PHRASE = "they never ever read what we send them before the meeting starts at all"


def history(current_phase: str = "build", checklists: bool = True):
    r1 = make(
        "r1",
        "W10",
        W10,
        Answer(
            "contacted", "red", "no reply | <b>twice</b>", Action("Call the product owner", "Ana", W10 + dt.timedelta(days=7))
        ),
        Answer("mood", 2, "tired"),
        Answer("design", "yes"),
    )
    r2 = make(
        "r2",
        "W10",
        W10,
        Answer("contacted", "amber", "some"),
        Answer("mood", 4),
        Answer("design", "yes"),
        author=JONAS,
        minute=20,
        participants=[JONAS, "Lea <lea@example.com>"],
    )
    r3 = make(
        "r3",
        "W12",
        W12,
        Answer("contacted", "red", "# still nothing"),
        Answer(
            "mood",
            3,
            "",
            Action("Team event", "Jonas and the whole product team of the client, who agreed on it", W12 + dt.timedelta(days=30)),
        ),
        Answer("design", ""),
        reviews=[ActionReview("r1", "contacted", "open", "still waiting")],
    )
    r4 = make(
        "r4",
        "W14",
        W14,
        Answer("contacted", "green"),
        Answer("mood", 5),
        Answer("design", "no"),
        reviews=[ActionReview("r3", "mood", "done", "went well"), ActionReview("r1", "contacted", "done")],
    )
    r5 = make(
        "r5",
        "W14",
        W14,
        Answer("contacted", "red", "the client is stubborn"),
        Answer("mood", 1, "*sigh*: " + LONG_PHRASE, Action("Escalate", "", None, separate=True)),
        author=JONAS,
        minute=30,
        participants=[JONAS, "Lea <lea@example.com>"],
    )
    fixed = make(
        "c2",
        "W10",
        W12,
        Answer("contacted", "amber", "some"),
        Answer("mood", 3),
        Answer("design", "yes"),
        author=JONAS,
        minute=40,
        corrects="r2",
        correction_note="typed 4 for 3",
    )
    stray = make("s1", "W14", W14, Answer("contacted", "green"), minute=50, corrects="gone", correction_note="?")
    kickoff = make("k1", "K1", W10 - dt.timedelta(days=20), Answer("contacted", "green"), phase="kickoff")
    future = dataclasses.replace(make("f1", "W16", TODAY + dt.timedelta(days=5), Answer("contacted", "green")))
    runs = [r1, r2, r3, r4, r5, fixed, stray, kickoff, future]
    return summarize(
        runs,
        today=TODAY,
        cadence_days=14,
        current_phase=current_phase,
        checklists=CHECKLISTS if checklists else None,
        tone_words=["stubborn", LONG_PHRASE],
    )


@pytest.fixture(params=["en", "de"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def test_reports(language):
    report = build_report(history(), "W14", project="Shop | relaunch", client="<Kunde>")
    assert_golden(f"report.{language}.md", report_markdown(report))
    assert_golden(f"report.{language}.html", report_html(report))
    if language == "en":
        assert_golden("report.json", report_json(report))


def test_status():
    assert_golden("status.json", status_json(history(), ["broken.toml: bad"]))
    # a current phase with no run yet: nothing of its own to show
    assert_golden("status-acceptance.json", status_json(history("acceptance")))


def test_report_of_a_sprint_with_a_correction():
    report = build_report(history(), "W10", max_sprints=2)
    assert_golden("report-w10.en.md", report_markdown(report))
    assert_golden("report-w10.en.html", report_html(report))


def test_render_report_by_format():
    from kundencheck.core.errors import UsageError
    from kundencheck.core.report import render_report

    report = build_report(history(), "W14")
    assert render_report(report, "md") == report_markdown(report)
    assert render_report(report, "html") == report_html(report)
    assert render_report(report, "json") == report_json(report)
    with pytest.raises(UsageError) as info:
        render_report(report, "pdf")
    assert str(info.value) == "Unknown report format 'pdf'. Use md, json or html."


def test_a_report_lists_five_actions_a_phase_and_counts_the_rest():
    from kundencheck.core.report import more_text

    assert more_text(37, "build") == "and 37 more: kundencheck actions --phase build"
    # seven people answer red, each with a separate action: seven open threads in one phase
    runs = [
        make(
            f"m{n}",
            "W10",
            W10,
            Answer("contacted", "red", "", Action(f"Step {n}", "Ana", W10 + dt.timedelta(days=n), separate=True)),
            author=f"P{n} <p{n}@example.com>",
            minute=n,
        )
        for n in range(7)
    ]
    report = build_report(summarize(runs, today=TODAY, checklists=CHECKLISTS), "W10")
    text = report_markdown(report)
    assert text.count("and 2 more: kundencheck actions --phase build") == 3  # overdue, open, raised this sprint
    assert "and 2 more: kundencheck actions --phase build" in report_html(report)
    # the check's findings past the first five overdue actions, named by their rule's title
    assert "\n- … overdue action: and 2 more: kundencheck actions --phase build\n" in text
    assert text.count("\n- ✘ overdue action (overdue\\_action): ") == 5  # the first five, then the count
    assert report_html(report).count("overdue action (overdue_action): build/contacted: the action") == 5
    assert '<li class="more">… overdue action: and 2 more: kundencheck actions --phase build</li>' in report_html(report)


def test_stray_corrections_in_words():
    from kundencheck.core.corrections import StrayCorrection
    from kundencheck.core.report import stray_correction_text

    said = {
        reason: stray_correction_text(StrayCorrection("c1", "r1", reason))
        for reason in ("missing", "other-checklist", "loop", "odd")
    }
    assert said == {
        "missing": "run c1 corrects run r1, which is not in the history; it is read as a run of its own",
        "other-checklist": "run c1 corrects run r1, which is a run of another checklist; it is read as a run of its own",
        "loop": "run c1 corrects run r1, in a loop of corrections; it is read as a run of its own",
        "odd": "run c1 corrects run r1, odd; it is read as a run of its own",
    }


def test_status_json_judges_with_the_levels_and_parameters_given():
    import json

    summary = history()
    plain = json.loads(status_json(summary))
    assert json.loads(status_json(summary, levels={"red_streak": "off"})) != plain
    assert json.loads(status_json(summary, parameters={"red_streak": {"sprints": 5}})) != plain
    one_line = status_json(summary, indent=None)
    assert json.loads(one_line) == plain and one_line.count("\n") == 1 and one_line.endswith("}\n")


def test_nothing_to_report():
    from kundencheck.core.errors import UsageError
    from kundencheck.core.report import default_sprint

    assert default_sprint(history()) == "W14"
    with pytest.raises(UsageError) as info:
        build_report(summarize([], today=TODAY))
    assert str(info.value) == (
        "There are no runs in this repository yet, so there is nothing to report. Answer a checklist first: `kundencheck run`."
    )
    ahead = summarize([make("f1", "W16", TODAY + dt.timedelta(days=5), Answer("contacted", "green"))], today=TODAY)
    with pytest.raises(UsageError) as info:
        default_sprint(ahead)
    assert str(info.value) == (
        "There is nothing to report yet: every run in this repository is dated more than a day after today "
        "(2026-04-09), from a clock that ran ahead (kundencheck status lists them). Fix that computer's clock and "
        "answer again."
    )
    with pytest.raises(UsageError) as info:
        build_report(history(), "W99")
    assert str(info.value) == "There are no runs in sprint 'W99'. Sprints with runs: K1, W10, W12, W14."


def long_history():
    """Every text longer than what a report shows of it: sprint, names, notes, actions, a
    correction's note, a tone phrase. Words of seven characters with their space: a cut one
    character longer or shorter would show (with "do " a cut at 300 and at 301 look alike)."""
    sprint = "Sprint " + "longer " * 12
    who = "Ann " + "Maryam " * 20 + "<ann@example.com>"
    note = "remark " * 110
    first = make(
        "l1",
        sprint,
        W10,
        Answer("contacted", "amber", note, Action("do it! " * 90, "owners " * 30, W12)),
        Answer("mood", 2, note),
        Answer("design", "no"),
        author=who,
    )
    fixed = make(
        "l2",
        sprint,
        W12,
        Answer("contacted", "amber", note, Action("do it! " * 90, "owners " * 30, W12)),
        Answer("mood", 1, note + " stubborn"),
        Answer("design", "no"),
        author=who,
        minute=30,
        corrects="l1",
        correction_note="since, " * 100,
    )
    # The action reviewed (kept open) with a note longer than shown; "not applicable", an answer without a trend.
    later = make(
        "l3",
        sprint + "2",
        W14,
        Answer("contacted", "na", "R&D <team> & more"),
        Answer("mood", 3),
        author=who,
        reviews=[ActionReview("l2", "contacted", "open", "reason " * 60)],
    )
    return summarize(
        [first, fixed, later],
        today=W14,
        current_phase="build",
        checklists=CHECKLISTS,
        tone_words=["stubborn", ("remark " * 14).strip()],
    )


def test_reports_cut_every_text_to_its_length():
    summary = long_history()
    report = build_report(summary, summary.sprints()[0], project="Portal " * 20, client="Client " * 20)
    assert_golden("report-long.en.md", report_markdown(report))
    assert_golden("report-long.en.html", report_html(report))
    later = build_report(summary, project="R&D")
    assert_golden("report-long-later.en.md", report_markdown(later))
    assert_golden("report-long-later.en.html", report_html(later))


def test_a_report_without_the_checklists_guesses_the_kinds():
    report = build_report(history(checklists=False), "W14")
    assert_golden("report-no-checklists.en.md", report_markdown(report))
    assert_golden("report-no-checklists.en.html", report_html(report))


def test_many_sprints():
    from kundencheck.core.errors import UsageError

    runs = [
        make(
            f"n{n:02d}",
            f"Sprint number {n:02d} of the long relaunch project",
            W10 + dt.timedelta(days=7 * n),
            Answer("contacted", ("red", "amber", "green")[n % 3]),
            Answer("mood", 1 + n % 5),
        )
        for n in range(14)
    ]
    summary = summarize(runs, today=W10 + dt.timedelta(days=7 * 14), checklists=CHECKLISTS)
    assert_golden("report-many-sprints.en.md", report_markdown(build_report(summary)))
    with pytest.raises(UsageError) as info:
        build_report(summary, "Sprint " + "x" * 60)
    assert str(info.value) == (
        "There are no runs in sprint 'Sprint xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'. Sprints with runs: "
        + ", ".join(f"Sprint number {n:02d} of the long…" for n in range(2, 14))
        + "."
    )
    assert len(build_report(summary, max_sprints=3)["checklists"][0]["matrix"]["sprints"]) == 3
    assert len(build_report(summary, max_sprints=0)["checklists"][0]["matrix"]["sprints"]) == 1


def test_check():
    from kundencheck.core.gate import (
        evaluate,
        github_annotations,
        result_json,
        verdicts,
    )

    summary = history()
    result = evaluate(summary, None, ["broken.toml: bad"])
    assert_golden("check.json", result_json(result))
    assert_golden("check.github.txt", github_annotations(result))
    assert_golden("check-long.json", result_json(evaluate(long_history())))
    assert_golden(
        "verdicts.txt",
        "".join(
            f"{phase}: {verdict.exit_code} {[f.rule for f in verdict.findings]}\n" for phase, verdict in verdicts(summary).items()
        ),
    )


def choice_history():
    """A checklist of every kind, with a banded choice whose labels have several words and one
    longer than a report's matrix cell, answered by two people who disagree, a sprint where
    only the text item is answered."""
    from kundencheck.core.checklist import checklist_from_dict

    checklist = checklist_from_dict(
        {
            "format": 1,
            "id": "care",
            "title": "Client care & more",
            "phase": "care",
            "language": "en",
            "version": "2",
            "items": [
                {
                    "id": "contact",
                    "question": "Did we talk?",
                    "why": "Talk.",
                    "kind": "traffic-light",
                    "key_signal": True,
                    "title": "contact",
                },
                {
                    "id": "handover",
                    "question": "Is the handover done?",
                    "why": "Handover.",
                    "kind": "choice",
                    "options": [
                        {"id": "yes", "label": "Yes, fully done", "band": "green"},
                        {"id": "partly", "label": "Only partly", "band": "amber"},
                        {"id": "no", "label": "Not at all, the client never answered our mails", "band": "red"},
                    ],
                },
                {"id": "lesson", "question": "What did we learn?", "why": "Learn.", "kind": "text", "required": False},
                {"id": "next", "question": "When is the next review?", "why": "Plan.", "kind": "date", "required": False},
            ],
        },
        "care.en.toml",
    )
    w = [W10, W12, W14]
    runs = [
        make(
            "c1",
            "S1",
            w[0],
            Answer("contact", "green"),
            Answer("handover", "no", "mails unanswered"),
            Answer("next", W12),
            phase="care",
        ),
        make(
            "c2",
            "S1",
            w[0],
            Answer("contact", "red", "nobody called"),
            Answer("handover", "yes"),
            Answer("lesson", "Call more\tOften\x1b[31m"),
            author=JONAS,
            minute=10,
            phase="care",
        ),
        make("c3", "S2", w[1], Answer("lesson", "only text this time"), phase="care"),
        make("c4", "S3", w[2], Answer("contact", "amber", "once"), Answer("handover", "partly"), phase="care"),
        make("c5", "S3", w[2], Answer("contact", "green"), Answer("handover", "no"), author=JONAS, minute=10, phase="care"),
    ]
    for run in runs:
        run.checklist = "care"
    return summarize(runs, today=W14 + dt.timedelta(days=1), current_phase="care", checklists={"care": checklist})


def test_reports_of_every_kind_of_item():
    from kundencheck.core.gate import evaluate, result_json

    summary = choice_history()
    for sprint in ("S1", "S2", "S3"):
        report = build_report(summary, sprint)
        assert_golden(f"care-{sprint}.en.md", report_markdown(report))
        assert_golden(f"care-{sprint}.en.html", report_html(report))
    assert_golden("care.status.json", status_json(summary))
    assert_golden("care.check.json", result_json(evaluate(summary)))


def test_a_report_of_text_answers_only_has_no_matrix():
    from kundencheck.core.checklist import checklist_from_dict

    notes = checklist_from_dict(
        {
            "format": 1,
            "id": "notes",
            "title": "Notes",
            "phase": "notes",
            "language": "en",
            "version": "1",
            "items": [{"id": "lesson", "question": "Learnt?", "why": "W.", "kind": "text"}],
        },
        "notes.en.toml",
    )
    run = make("t1", "S1", W10, Answer("lesson", "much"), phase="notes")
    report = build_report(summarize([run], today=W10, current_phase="notes", checklists={"notes": notes}))
    assert "\n<p>No traffic-light or scale items answered.</p>\n" in report_html(report)
    assert "| item |" not in report_markdown(report)


def test_a_rules_items_that_began_at_different_times_each_say_since_when_longest_standing_first():
    runs = [
        make("a1", "W10", W10, Answer("contacted", "green"), Answer("mood", 1)),
        make("a2", "W12", W12, Answer("contacted", "red"), Answer("mood", 1)),
        make("a3", "W14", W14, Answer("contacted", "red"), Answer("mood", 1)),
    ]
    report = build_report(summarize(runs, today=W14, checklists=CHECKLISTS), "W14")
    streak = "red streak: mood since sprint W10 (2026-03-02), contacted since sprint W12 (2026-03-16)"
    assert f"\n  - ✘ {streak}\n" in report_markdown(report)
    assert f"✘ {streak}<" in report_html(report)
