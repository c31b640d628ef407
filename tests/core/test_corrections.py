"""Corrections: the answers-file keys, the commit message, and how a correction stands for the
run it corrects in the history model, the reports and the gate. Pure: runs built in memory
(tests/cli/test_amend.py and tests/tui/test_amend_flow.py do the same on real repositories)."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib

import pytest

from kundencheck.core.answers import (
    Action,
    ActionReview,
    Answer,
    Run,
    dumps,
    problems_with,
)
from kundencheck.core.answers_file import loads
from kundencheck.core.corrections import (
    AmendRefusal,
    changed_items,
    find_run_to_amend,
    resolve,
)
from kundencheck.core.errors import AnswersError
from kundencheck.core.gate import evaluate
from kundencheck.core.history import summarize
from kundencheck.core.message import CORRECTS_TRAILER, build_message, subject, trailers
from kundencheck.core.people import person_key
from kundencheck.core.report import build_report, report_markdown, status_dict
from tests.support.runs import ANA, CHECKLIST, CHECKLISTS, D1, D2, D3, JONAS, run


def correction(
    of: Run, day: dt.date, *answers: Answer, note: str = "Typed the wrong value", author: str | None = None, minute: int = 30
) -> Run:
    """A correction of ``of`` made on ``day``: its answers replaced by ``answers``."""
    fixed = run(of.sprint, day, *answers, author=author or of.author, minute=minute)
    fixed.corrects, fixed.correction_note = of.id, note
    fixed.reviews = copy.deepcopy(of.reviews)
    return fixed


LATER = dt.date(2026, 4, 8)


# --------------------------------------------------------------------------------- the file


def test_a_correction_is_written_and_read_back_with_corrects_and_its_note():
    original = run("W10", D1, Answer("contacted", "green"), Answer("mood", 4))
    fixed = correction(
        original,
        D2,
        Answer("contacted", "red", note="No call", action=Action("Call", "Ana", D3)),
        Answer("mood", 2),
        note="Mixed up the two items.\nSorry.",
    )
    text = dumps(fixed, CHECKLIST)
    assert f'corrects = "{original.id}"' in text and 'correction_note = """Mixed up the two items.\nSorry."""' in text
    assert text.index("corrects =") < text.index("started =")
    back = loads(text)
    assert back.corrects == original.id and back.correction_note == "Mixed up the two items.\nSorry."
    assert back == fixed
    assert dumps(fixed, CHECKLIST, note_hint="why?") == text  # a note written: no hint beside it


def test_an_empty_correction_note_gets_the_callers_hint_beside_it():
    """What `amend --template` shows: the words are the caller's; the file reads the same."""
    original = run("W10", D1, Answer("contacted", "green"))
    empty = correction(original, D2, Answer("contacted", "red"), note="")
    text = dumps(empty, CHECKLIST, note_hint="required: why\n# forged = 1")
    assert '\ncorrection_note = ""  # required: why # forged = 1\n' in text  # one line, never a key of its own
    assert loads(text) == loads(dumps(empty, CHECKLIST)) and "forged" not in tomllib.loads(text)
    plain = loads(dumps(original, CHECKLIST))
    assert "corrects" not in dumps(original, CHECKLIST) and plain.corrects == "" and plain.correction_note == ""


@pytest.mark.parametrize(
    "extra, problem",
    [
        ("corrects = 12\n", "key 'corrects' must be the id of the run"),
        ('corrects = "not a run id!"\n', "key 'corrects' must be the id of the run"),
        ('correction_note = "why"\n', "'correction_note' is set but 'corrects' is not"),
        ('corrects = "20260302T090000Z-build-ana-000001"\ncorrection_note = 3\n', "key 'correction_note' must be a string"),
    ],
)
def test_a_broken_correction_key_names_the_file_and_the_key(extra, problem):
    text = dumps(run("W10", D1, Answer("contacted", "green")), CHECKLIST)
    text = text.replace("started =", extra + "started =", 1)
    with pytest.raises(AnswersError, match=problem) as caught:
        loads(text, "answers/x.toml")
    assert str(caught.value).startswith("answers/x.toml: ")


def test_a_correction_needs_a_note_and_cannot_correct_itself():
    original = run("W10", D1, Answer("contacted", "green"), Answer("mood", 4), Answer("design", "no"))
    fixed = correction(original, D2, Answer("contacted", "green"), Answer("mood", 3), Answer("design", "no"), note=" ")
    assert problems_with(fixed, CHECKLIST) == [
        f"a correction needs a note saying why the answers of run {original.id} are corrected."
    ]
    fixed.correction_note = "Mood was 3"
    assert problems_with(fixed, CHECKLIST) == []
    fixed.corrects = fixed.id
    assert "corrects itself" in problems_with(fixed, CHECKLIST)[0]


def test_the_commit_message_says_it_is_a_correction_with_a_trailer():
    original = run("W10", D1, Answer("contacted", "green"), Answer("mood", 4), Answer("design", "no"))
    fixed = correction(
        original,
        D2,
        Answer("contacted", "amber", note="Only a mail"),
        Answer("mood", 4),
        Answer("design", "no"),
        note="Forgot that the call was cancelled",
    )
    assert subject(fixed, CHECKLIST) == "kundencheck(build): correction, 1 green, 1 amber, 0 red"
    assert subject(original, CHECKLIST) == "kundencheck(build): 2 green, 0 amber, 0 red"
    assert trailers(fixed, CHECKLIST)[-1] == (CORRECTS_TRAILER, original.id)
    assert CORRECTS_TRAILER not in dict(trailers(original, CHECKLIST))
    message = build_message(fixed, CHECKLIST)
    assert (
        f"Corrects run {original.id}; it stands for that run in its sprint.\n    Why: Forgot that the call was cancelled"
        in message
    )
    assert message.rstrip().endswith(f"Kundencheck-Corrects: {original.id}")


# --------------------------------------------------------------------------------- the history


def test_a_correction_stands_for_the_run_it_corrects_in_its_place():
    w10 = run("W10", D1, Answer("contacted", "green"), Answer("mood", 4))
    w12 = run("W12", D2, Answer("contacted", "green"), Answer("mood", 4))
    fixed = correction(w10, LATER, Answer("contacted", "red", note="No call"), Answer("mood", 2), note="It was red", author=JONAS)
    fixed.sprint = "W14"  # made in a later sprint
    resolved = resolve([w12, fixed, w10])
    assert [r.id for r in resolved.runs] == [fixed.id, w12.id]  # the correction, in W10's place
    effective = resolved.runs[0]
    assert effective.sprint == "W10" and effective.finished == w10.finished  # not a new check on LATER
    assert effective.author == ANA  # still Ana's voice in W10; Jonas corrected it
    assert effective.answers == fixed.answers and effective.corrects == "" and effective.correction_note == ""
    info = resolved.corrections[fixed.id]
    assert (info.original, info.chain, info.author, info.note) == (w10.id, (w10.id, fixed.id), JONAS, "It was red")
    assert info.when == fixed.finished and info.by_other and info.original_author == ANA
    assert info.changed == {"contacted", "mood"} and info.path == fixed.path
    assert resolved.aliases == {w10.id: fixed.id} and resolved.strays == []

    summary = summarize([w10, w12, fixed], today=dt.date(2026, 4, 10), checklists=CHECKLISTS)
    first = summary.pictures[0]
    assert first.sprint == "W10" and [r.id for r in first.runs] == [fixed.id] and first.superseded == []
    assert first.items["contacted"].value == "red" and first.items["mood"].value == 2
    assert summary.pictures[1].items["mood"].trend.value == "better"  # W12 compared with the corrected W10
    assert summary.correction(fixed.id) == info and summary.correction(w12.id) is None
    assert summary.correction(fixed.id, "contacted") == info and summary.correction(fixed.id, "design") is None
    status = summary.phase("build")
    assert status.last_run.id == w12.id and status.due.last_checked == D2  # the correction moved nothing
    assert len(summary.runs) == 2


def test_a_correction_of_a_correction_resolves_to_the_latest():
    original = run("W10", D1, Answer("contacted", "green"), Answer("mood", 4))
    first = correction(original, D2, Answer("contacted", "amber", note="x"), Answer("mood", 4), note="first")
    second = correction(first, D3, Answer("contacted", "red", note="y"), Answer("mood", 4), note="second", minute=40)
    resolved = resolve([second, original, first])
    [effective] = resolved.runs
    assert effective.id == second.id and effective.answer("contacted").value == "red"
    info = resolved.corrections[second.id]
    assert info.chain == (original.id, first.id, second.id) and info.note == "second" and info.original == original.id
    assert resolved.aliases == {original.id: second.id, first.id: second.id}
    assert resolved.corrected_by == {original.id: [first.id], first.id: [second.id]}


def test_a_correction_of_a_correction_made_in_the_same_second_still_comes_after_it():
    original = run("W10", D1, Answer("contacted", "green"))
    for smaller in (False, True):  # run ids end in random digits: the correction's may sort first
        first = correction(original, D2, Answer("contacted", "amber", note="x"), note="first")
        second = correction(first, D2, Answer("contacted", "red", note="y"), note="second")
        if smaller:
            second.id = first.id[:-6] + "000000"
        assert first.finished == second.finished and (second.id < first.id) is smaller
        resolved = resolve([second, original, first])
        assert [r.id for r in resolved.runs] == [second.id]
        assert resolved.corrections[second.id].chain == (original.id, first.id, second.id)


def test_two_corrections_of_one_run_made_on_two_clones_the_later_one_counts():
    original = run("W10", D1, Answer("contacted", "green"))
    mine = correction(original, D2, Answer("contacted", "amber", note="x"), note="mine")
    theirs = correction(original, D3, Answer("contacted", "red", note="y"), note="theirs", author=JONAS)
    resolved = resolve([theirs, mine, original])
    assert [r.id for r in resolved.runs] == [theirs.id]
    assert resolved.aliases == {original.id: theirs.id, mine.id: theirs.id}
    # The one that lost corrects nothing any more and nothing corrected it: amend still points at theirs.
    assert mine.id not in resolved.corrected_by
    assert find_run_to_amend([theirs, mine, original], mine.id, phase="build", author_key=person_key(ANA)) == (
        AmendRefusal("corrected", ref=mine.id, runs=(theirs.id,), phase="build", sprint="W10")
    )


def test_corrections_that_cannot_be_applied_are_strays_read_as_runs_of_their_own():
    original = run("W10", D1, Answer("contacted", "green"))
    missing = correction(original, D2, Answer("contacted", "red", note="x"))
    missing.corrects = "20250101T000000Z-build-gone-000000"
    kickoff = run("K1", D1, Answer("contacted", "green"), phase="kickoff", checklist="kickoff")
    other = correction(kickoff, D2, Answer("contacted", "red", note="x"), minute=50)
    other.checklist, other.phase = "build", "build"
    other_list = correction(kickoff, D2, Answer("contacted", "red", note="x"), minute=51)
    other_list.checklist, other_list.phase = "build", "kickoff"  # of the kickoff phase, but another checklist
    loop_a = run("W12", D2, Answer("contacted", "green"), minute=1)
    loop_b = run("W12", D2, Answer("contacted", "red"), minute=2)
    loop_a.corrects, loop_b.corrects = loop_b.id, loop_a.id
    resolved = resolve([original, missing, kickoff, other, other_list, loop_a, loop_b])
    assert set(resolved.strays) == {
        (missing.id, "20250101T000000Z-build-gone-000000", "missing"),
        (other.id, kickoff.id, "other-checklist"),
        (other_list.id, kickoff.id, "other-checklist"),
        (loop_a.id, loop_b.id, "loop"),
        (loop_b.id, loop_a.id, "loop"),
    }
    everyone = {original.id, missing.id, kickoff.id, other.id, other_list.id, loop_a.id, loop_b.id}
    assert {r.id for r in resolved.runs} == everyone
    summary = summarize([original, missing, kickoff, other, loop_a, loop_b], today=D3)
    problems = status_dict(summary)["problems"]
    assert (
        f"run {missing.id} corrects run {missing.corrects}, which is not in the history; it is read as a run of its own"
        in problems
    )
    assert sum("corrects run" in p for p in problems) == 4


def test_actions_and_reviews_follow_the_correction():
    """An action the original raised and a later run reviewed (by the original's id) is the
    same action after the correction; one the correction adds is open; one it removes is gone."""
    w10 = run(
        "W10",
        D1,
        Answer("contacted", "red", note="No call", action=Action("Call them", "Ana", D2)),
        Answer("mood", 2, action=Action("Lunch", "Ana", D2)),
    )
    w12 = run("W12", D2, Answer("contacted", "green"), reviews=[ActionReview(w10.id, "contacted", "done")])
    fixed = correction(
        w10,
        LATER,
        Answer("contacted", "red", note="No call", action=Action("Call them", "Ana", D2)),
        Answer("mood", 4),
        Answer("design", "no"),
    )
    summary = summarize([w10, w12, fixed], today=dt.date(2026, 4, 10), checklists=CHECKLISTS)
    assert [(a.run, a.item, a.state.value) for a in summary.actions] == [(fixed.id, "contacted", "done")]
    assert summary.stray_reviews == []
    # The correction of the W12 run that reviewed it keeps the review, and it still applies.
    w12_fixed = correction(w12, LATER, Answer("contacted", "amber", note="Only mails"), minute=45)
    assert w12_fixed.reviews == w12.reviews
    summary = summarize([w10, w12, fixed, w12_fixed], today=dt.date(2026, 4, 10), checklists=CHECKLISTS)
    assert [a.state.value for a in summary.actions] == ["done"] and summary.stray_reviews == []


def test_the_gate_and_the_reports_judge_the_corrected_answer():
    ana = run("W14", D3, Answer("contacted", "green"), Answer("mood", 4))
    fixed = correction(
        ana, LATER, Answer("contacted", "red", note="Only mails"), Answer("mood", 4), note="Nobody called them after all"
    )
    before = evaluate(summarize([ana], today=LATER, checklists=CHECKLISTS))
    assert "red_without_action" not in {f.rule for f in before.findings}
    summary = summarize([ana, fixed], today=LATER, checklists=CHECKLISTS)
    result = evaluate(summary)
    [finding] = [f for f in result.findings if f.rule == "red_without_action"]
    assert finding.item == "contacted" and finding.run == fixed.id and finding.file == fixed.path
    report = build_report(summary)
    section = report["checklists"][0]
    assert section["corrections"][0]["note"] == "Nobody called them after all"
    assert section["corrections"][0]["author"] == ANA and section["corrections"][0]["changed"] == ["contacted"]
    contacted = next(i for i in section["items"] if i["item"] == "contacted")
    assert contacted["band"] == "red" and contacted["answers"][0]["corrected"]["on"] == fixed.finished.isoformat()
    mood = next(i for i in section["items"] if i["item"] == "mood")
    assert mood["answers"][0]["corrected"] is None  # the correction did not change it
    cell = section["matrix"]["rows"][0]["cells"][-1]
    assert cell["corrected"] is True and cell["display"] == "✘ no"
    text = report_markdown(report)
    assert f"Answers of Ana: corrected on {LATER.isoformat()}: Nobody called them after all" in text
    assert f"Ana: ✘ no: Only mails (corrected on {LATER.isoformat()}: Nobody called them after all)" in text
    data = status_dict(summary)
    assert data["phases"][0]["last_run"]["id"] == fixed.id
    assert data["phases"][0]["last_run"]["corrected"]["original"] == ana.id
    assert data["phases"][0]["corrections"][0]["run"] == fixed.id


def test_someone_else_correcting_my_run_is_named():
    ana = run("W14", D3, Answer("contacted", "green"))
    by_jonas = correction(ana, LATER, Answer("contacted", "amber", note="x"), note="Ana was away", author=JONAS)
    report = build_report(summarize([ana, by_jonas], today=LATER, checklists=CHECKLISTS))
    text = report_markdown(report)
    assert f"Answers of Ana: corrected on {LATER.isoformat()} by Jonas: Ana was away" in text
    assert report["checklists"][0]["authors"] == [ANA]  # the answers stay Ana's in her sprint


def test_changed_items_compares_answers_notes_and_actions():
    a = run("W10", D1, Answer("contacted", "red", note="x", action=Action("Call", "Ana", D2)), Answer("mood", 3))
    b = run(
        "W10",
        D1,
        Answer("contacted", "red", note="x", action=Action("Call", "Ana", D3)),
        Answer("mood", 3),
        Answer("design", "yes"),
    )
    assert changed_items(a, b) == {"contacted", "design"} and changed_items(a, a) == frozenset()


# --------------------------------------------------------------------------------- which run to amend


def test_which_run_amend_corrects():
    ana10 = run("W10", D1, Answer("contacted", "green"))
    jonas14 = run("W14", D3, Answer("contacted", "green"), author=JONAS)
    ana14 = run("W14", D3, Answer("contacted", "red"), minute=20)
    runs = [ana10, jonas14, ana14]
    me = person_key(ANA)
    assert find_run_to_amend(runs, None, phase="build", author_key=me) is ana14  # mine, the current sprint
    assert find_run_to_amend(runs, None, phase="build", author_key="lea@example.com") == AmendRefusal(
        "none-of-mine", phase="build", sprint="W14"
    )
    assert find_run_to_amend(runs, None, phase="kickoff", author_key=me) == AmendRefusal("none-of-mine", phase="kickoff")
    assert find_run_to_amend(runs, ana10.id, phase="build", author_key=me) is ana10  # any run by its id
    assert find_run_to_amend(runs, ana10.id[:18], phase="build", author_key=me) is ana10  # or its beginning
    ambiguous = find_run_to_amend(runs, "2026", phase="build", author_key=me)
    assert ambiguous.reason == "ambiguous" and len(ambiguous.runs) == 3
    assert find_run_to_amend(runs, "nope", phase="build", author_key=me) == AmendRefusal("not-found", ref="nope")
    assert find_run_to_amend(runs, ana10.id, phase="build", author_key=me, expected_phase="kickoff") == AmendRefusal(
        "other-phase", ref=ana10.id, phase="build", other_phase="kickoff"
    )
    fixed = correction(ana14, LATER, Answer("contacted", "amber", note="x"))
    again = correction(fixed, LATER, Answer("contacted", "green"), minute=50)
    runs += [fixed, again]
    # The corrected run and the first correction are refused, pointing at the latest.
    for old in (ana14, fixed):
        assert find_run_to_amend(runs, old.id, phase="build", author_key=me) == AmendRefusal(
            "corrected", ref=old.id, runs=(again.id,), phase="build", sprint="W14"
        )
    assert find_run_to_amend(runs, None, phase="build", author_key=me) is again
    assert find_run_to_amend(runs, again.id, phase="build", author_key=me) is again


def test_which_run_amend_corrects_at_the_edges():
    import dataclasses

    from kundencheck.core.corrections import latest_of

    me = person_key(ANA)
    ana10 = run("W10", D1, Answer("contacted", "green"))
    ana12 = run("W12", D2, Answer("contacted", "green"))
    lea14 = run("W14", D3, Answer("contacted", "green"), author="Lea <lea@example.com>")
    # the current sprint is the latest run's (W14): Ana has none there, whatever she did before
    assert find_run_to_amend([ana10, ana12, lea14], None, phase="build", author_key=me) == AmendRefusal(
        "none-of-mine", phase="build", sprint="W14"
    )
    assert find_run_to_amend([ana10, ana12], None, phase="build", author_key=me) is ana12
    ambiguous = find_run_to_amend([ana10, ana12, lea14], "2026", phase="build", author_key=me)
    assert ambiguous == AmendRefusal("ambiguous", ref="2026", runs=(ana10.id, ana12.id, lea14.id))
    assert find_run_to_amend([ana10, ana12], "2026", phase="build", author_key=me) == AmendRefusal(
        "ambiguous", ref="2026", runs=(ana10.id, ana12.id)
    )
    assert find_run_to_amend([ana10], "  ", phase="build", author_key=me) == AmendRefusal("not-found", ref="")
    assert find_run_to_amend([ana10], f" {ana10.id} ", phase="build", author_key=me) is ana10
    # a whole id wins over the longer ids it begins
    short = dataclasses.replace(ana10, id="20260302T090000Z-build-ana-1")
    longer = dataclasses.replace(ana12, id="20260302T090000Z-build-ana-10")
    assert find_run_to_amend([short, longer], short.id, phase="build", author_key=me) is short
    resolved = resolve([ana10, correction(ana10, LATER, Answer("contacted", "red"))])
    assert latest_of(ana12.id, resolved) == ana12.id and latest_of(ana10.id, resolved) != ana10.id
