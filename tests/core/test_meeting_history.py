"""A sprint meeting's run in the answers format (schema 2), the history, the gate, the reports and
the history cache: named votes count like separate runs' answers, anonymous votes only as counts,
the agreed answer is the sprint's."""

from __future__ import annotations

import dataclasses
import json

import pytest

from kundencheck.core.answers import Answer, ItemVotes, Vote, dumps, problems_with, schema_of
from kundencheck.core.answers_csv import ANSWER_COLUMNS, answer_rows
from kundencheck.core.answers_file import loads, run_is_sound
from kundencheck.core.checklist import checklist_from_dict, language_differences
from kundencheck.core.errors import AnswersError, ChecklistError
from kundencheck.core.gate import evaluate
from kundencheck.core.history import summarize
from kundencheck.core.message import build_message
from kundencheck.core.report import build_report, report_markdown
from tests.support.meeting_runs import CHECKLISTS, DAY, ERIKA, MEETING_CHECKLIST, meeting
from tests.support.runs import ANA, CHECKLIST, JONAS, LEA, run

# ----------------------------------------------------------------------------- the format


def test_a_meeting_is_written_as_schema_2_and_read_back_whole():
    written = dumps(meeting(), MEETING_CHECKLIST)
    assert "schema = 2\n" in written and "meeting = true\n" in written
    back = loads(written, "m.toml")
    assert back.meeting and back.votes == meeting().votes and run_is_sound(back)
    ordinary = run("W10", DAY, Answer("contacted", "green"))
    assert schema_of(ordinary) == 1 and "schema = 1\n" in dumps(ordinary, CHECKLIST)  # older kundencheck reads it


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda t: t.replace("schema = 2", "schema = 1"), "needs schema = 2"),
        (lambda t: t.replace("meeting = true", "meeting = 1"), "'meeting' must be true or false"),
        (
            lambda t: t.replace('{person = "Ana <ana@example.com>"', '{person = "Zoe <zoe@example.com>"'),
            "is not among the participants",
        ),
        (lambda t: t.replace('{person = "Ana <ana@example.com>"', '{person = "Erika <erika@example.com>"'), "voted twice"),
        (lambda t: t.replace("{value = 2, count = 2}", "{value = 2, count = 0}"), "a whole number of 1 or more"),
        (
            lambda t: t.replace("{value = 1, count = 1},\n", "").replace("{value = 5, count = 1},\n", ""),
            "fewer than 3 votes is never stored",
        ),
        (lambda t: t.replace("{value = 5, count = 1}", "{value = 2, count = 1}"), "counted twice"),
        (lambda t: t.replace("anonymous = [", "named = []\nanonymous = ["), "either 'named'"),
        (lambda t: t.replace('status = "green"}', "status = 3}"), "'status' must be a string"),
    ],
)
def test_votes_that_no_meeting_writes_are_not_read(change, problem):
    text = change(dumps(meeting(), MEETING_CHECKLIST))
    with pytest.raises(AnswersError) as error:
        loads(text, "m.toml")
    assert problem in str(error.value)


def test_a_meeting_cannot_be_committed_with_names_on_an_anonymous_item():
    named = meeting()
    named.votes[1] = ItemVotes("mood", named=tuple(Vote(p, 2) for p in (ERIKA, ANA, JONAS)))
    assert any("'mood' is anonymous and 3 people voted" in p for p in problems_with(named, MEETING_CHECKLIST))
    few = meeting()
    few.votes[1] = ItemVotes("mood", named=(Vote(ERIKA, 2), Vote(ANA, 3)))  # asked openly: fine
    assert problems_with(few, MEETING_CHECKLIST) == []
    unanswered = meeting()
    unanswered.answers = unanswered.answers[:1]
    assert any("the meeting voted on it, but no agreed answer" in p for p in problems_with(unanswered, MEETING_CHECKLIST))


def test_the_anonymous_key_of_a_checklist_item():
    base = {
        "format": 1,
        "id": "build",
        "title": "t",
        "phase": "build",
        "language": "en",
        "version": "1",
        "items": [{"id": "mood", "question": "q", "why": "w", "kind": "scale", "low": "l", "high": "h", "anonymous": True}],
    }
    assert checklist_from_dict(base).item("mood").anonymous
    for value, problem in (("yes", "must be true or false"), (True, "cannot be anonymous")):
        broken = json.loads(json.dumps(base))
        broken["items"][0] = {"id": "idea", "question": "q", "why": "w", "kind": "text", "anonymous": value}
        with pytest.raises(ChecklistError) as error:
            checklist_from_dict(broken)
        assert problem in str(error.value)
    german = dataclasses.replace(CHECKLIST, language="de")
    assert [(d.what, d.item, d.language) for d in language_differences(MEETING_CHECKLIST, german)] == [
        ("anonymous", "mood", "en")
    ]


# ----------------------------------------------------------------------------- the history


def test_named_votes_count_like_separate_runs_anonymous_ones_only_as_counts():
    summary = summarize([meeting()], today=DAY, checklists=CHECKLISTS)
    picture = summary.pictures[0]
    contacted = picture.items["contacted"]
    assert [(e.author, e.value) for e in contacted.entries] == [(ERIKA, "red"), (ANA, "green"), (JONAS, "red"), (LEA, "amber")]
    assert contacted.disagreement and contacted.value == "red" and contacted.agreed.value == "red"
    assert contacted.counts() == {"green": 1, "amber": 1, "red": 2}
    mood = picture.items["mood"]
    assert mood.entries == [] and mood.anonymous == {1: 1, 2: 2, 5: 1} and mood.voices == 4
    assert mood.spread == 4 and mood.disagreement and mood.value == 2  # the agreed answer is the sprint's
    assert mood.counts() == {1: 1, 2: 2, 5: 1}


def test_the_agreed_answer_is_the_sprints_whatever_the_votes():
    agreed_green = meeting(contacted=("red", "red", "red", "green"), agreed_contacted="green", action=False)
    item = summarize([agreed_green], today=DAY, checklists=CHECKLISTS).pictures[0].items["contacted"]
    assert item.value == "green" and item.band == "green"  # the votes' majority said no


def test_a_vote_replaces_the_voters_earlier_run_and_a_later_run_replaces_the_vote():
    before = run("W10", DAY, Answer("contacted", "green"), author=JONAS, minute=0)
    after = run("W10", DAY, Answer("contacted", "green"), author=LEA, minute=50)
    picture = summarize([before, meeting(), after], today=DAY, checklists=CHECKLISTS).pictures[0]
    entries = {e.author: e.value for e in picture.items["contacted"].entries}
    assert entries == {ERIKA: "red", ANA: "green", JONAS: "red", LEA: "green"}  # Jonas's vote, Lea's later run


def test_the_facilitators_own_runs_in_the_sprint_do_not_replace_the_meeting():
    """The meeting's run is the team's, not the facilitator's own: a run Erika makes alone in
    the sprint, before or after the meeting, replaces only her vote, never the agreed answers
    and everyone else's votes (nor does the meeting replace her own run's answers elsewhere)."""
    own_before = run("W10", DAY, Answer("design", "yes"), author=ERIKA, minute=0)
    own_after = run("W10", DAY, Answer("contacted", "green"), author=ERIKA, minute=50)
    picture = summarize([own_before, meeting(), own_after], today=DAY, checklists=CHECKLISTS).pictures[0]
    contacted = picture.items["contacted"]
    assert contacted.agreed is not None and contacted.agreed.value == "red" and contacted.value == "red"
    assert {e.author: e.value for e in contacted.entries} == {ERIKA: "green", ANA: "green", JONAS: "red", LEA: "amber"}
    assert picture.items["mood"].anonymous == {1: 1, 2: 2, 5: 1}
    assert len(picture.runs) == 2 and picture.superseded == [own_before]  # her own later run replaced her own earlier one
    assert picture.authors == [ERIKA, ANA, JONAS, LEA]  # everyone at the meeting answered, Erika once
    twice = summarize([meeting(), meeting(agreed_contacted="amber", minute=45)], today=DAY, checklists=CHECKLISTS)
    assert [len(twice.pictures[0].runs), len(twice.pictures[0].superseded)] == [1, 1]  # a meeting held again replaces it
    assert twice.pictures[0].items["contacted"].value == "amber"


def test_a_run_of_someone_at_the_meeting_does_not_count_beside_the_anonymous_counts():
    """Their vote is among the counts and cannot be taken out: a run of theirs, before or after
    the meeting, would count them twice and show as their changed vote."""
    before = run("W10", DAY, Answer("mood", 1), author=JONAS, minute=0)
    after = run("W10", DAY, Answer("mood", 4), Answer("contacted", "green"), author=ANA, minute=50)
    stranger = run("W10", DAY, Answer("mood", 3), author="Mia <mia@example.com>", minute=55)
    picture = summarize([before, meeting(), after, stranger], today=DAY, checklists=CHECKLISTS).pictures[0]
    mood = picture.items["mood"]
    assert [(e.author, e.value) for e in mood.entries] == [("Mia <mia@example.com>", 3)]  # not at the meeting
    assert mood.anonymous == {1: 1, 2: 2, 5: 1} and mood.voices == 5
    assert {e.author: e.value for e in picture.items["contacted"].entries}[ANA] == "green"  # a named vote is replaced
    result = evaluate(summarize([meeting(), after], today=DAY, checklists=CHECKLISTS), {"disagreement": "warning"})
    mood_finding = next(f for f in result.findings if f.rule == "disagreement" and f.item == "mood")
    assert "Ana" not in mood_finding.message  # her named 4/5 is not shown beside the counts


def test_an_anonymous_disagreement_is_resolved_by_holding_the_meeting_again():
    result = evaluate(summarize([meeting()], today=DAY, checklists=CHECKLISTS), {"disagreement": "warning"})
    found = {f.item: f.message for f in result.findings if f.rule == "disagreement"}
    assert "hold the meeting again with `kundencheck meeting build`" in found["mood"]
    assert "kundencheck run" not in found["mood"]
    assert "answers again with `kundencheck run build`" in found["contacted"]  # named: a run replaces the vote
    again = meeting(mood=((2, 3), (3, 1)), minute=59)
    result = evaluate(summarize([meeting(), again], today=DAY, checklists=CHECKLISTS), {"disagreement": "warning"})
    assert not any(f.rule == "disagreement" and f.item == "mood" for f in result.findings)


def test_the_agreed_answer_alone_is_judged_for_a_red_answer_without_action():
    """A named red vote beside an agreed amber needs no action; an anonymous red count neither.
    An agreed red without one is found, named or anonymous alike."""
    amber = meeting(contacted=("red", "green", "amber", "amber"), agreed_contacted="amber", agreed_mood=3, action=False)
    result = evaluate(summarize([amber], today=DAY, checklists=CHECKLISTS))
    assert [f.item for f in result.findings if f.rule == "red_without_action"] == []
    red = meeting(action=False)
    result = evaluate(summarize([red], today=DAY, checklists=CHECKLISTS))
    assert sorted(f.item for f in result.findings if f.rule == "red_without_action") == ["contacted", "mood"]


def test_the_gate_names_the_votes_but_never_a_name_with_an_anonymous_vote():
    result = evaluate(summarize([meeting()], today=DAY, checklists=CHECKLISTS), {"disagreement": "warning"})
    disagreement = {f.item: f for f in result.findings if f.rule == "disagreement"}
    assert "Ana ✔ yes" in disagreement["contacted"].message
    mood = disagreement["mood"].message
    assert "anonymous votes: ✘ 1/5 × 1, ✘ 2/5 × 2, ✔ 5/5 × 1" in mood and "agreed in the sprint meeting: ✘ 2/5" in mood
    for person in ("Erika", "Ana", "Jonas", "Lea"):
        assert person not in mood


def test_a_red_agreed_answer_without_an_action_is_found():
    result = evaluate(summarize([meeting(action=False)], today=DAY, checklists=CHECKLISTS))
    found = {f.item: f for f in result.findings if f.rule == "red_without_action"}
    assert sorted(found) == ["contacted", "mood"]  # the mood agreed red (2/5) has no action either
    assert "agreed in the sprint meeting: ✘ no" in found["contacted"].message
    assert any(answer["agreed"] for answer in found["contacted"].details["answers"])
    assert "(agreed in the sprint meeting: ✘ 2/5)" in found["mood"].message
    assert "Erika" not in found["mood"].message


def test_the_reports_show_the_spread_and_the_agreed_answer():
    summary = summarize([meeting()], today=DAY, checklists=CHECKLISTS)
    report = build_report(summary)
    items = {item["item"]: item for item in report["checklists"][0]["items"]}
    assert items["mood"]["votes"] == [
        {"value": 1, "display": "✘ 1/5", "band": "red", "label": None, "count": 1},
        {"value": 2, "display": "✘ 2/5", "band": "red", "label": None, "count": 2},
        {"value": 5, "display": "✔ 5/5", "band": "green", "label": None, "count": 1},
    ]
    assert items["mood"]["anonymous_votes"] == 4 and items["mood"]["answers"] == []
    assert items["contacted"]["agreed"]["recorded_by"] == ERIKA and items["contacted"]["agreed"]["note"] == "Only mails"
    text = report_markdown(report)
    assert "Spread: ✘ 1/5 × 1, ✘ 2/5 × 2, ✔ 5/5 × 1 (4 of them anonymous votes)" in text
    assert "Agreed in the sprint meeting (recorded by Erika): ✘ no: Only mails" in text
    assert "  - Ana: ✔ yes" in text  # a named vote with its name, as separate runs' answers are shown


def test_the_csv_rows_carry_the_votes():
    summary = summarize([meeting()], today=DAY, checklists=CHECKLISTS)
    rows = {row[5]: dict(zip(ANSWER_COLUMNS, row, strict=True)) for row in answer_rows(summary, summary.runs)}
    assert rows["contacted"]["votes"] == "green 1; amber 1; red 2"
    assert rows["contacted"]["voters"] == (
        "Erika <erika@example.com>: red; Ana <ana@example.com>: green; "
        "Jonas <jonas@example.com>: red; Lea <lea@example.com>: amber"
    )
    assert rows["mood"]["votes"] == "1 1; 2 2; 5 1" and rows["mood"]["voters"] == ""


def test_the_commit_message_names_named_votes_and_counts_anonymous_ones():
    message = build_message(meeting(), MEETING_CHECKLIST)
    assert "Sprint W10, agreed in a sprint meeting of 4, recorded by Erika <erika@example.com>." in message
    assert "  Votes: Erika no, Ana yes, Jonas no, Lea partly" in message
    assert "  Votes (anonymous): 1 × 1/5, 2 × 2/5, 1 × 5/5" in message
    mood_lines = [line for line in message.splitlines() if "1/5" in line]
    assert all(name not in line for line in mood_lines for name in ("Erika", "Ana", "Jonas", "Lea"))


def test_the_history_cache_keeps_a_meeting_and_believes_no_forged_one(tmp_path):
    from kundencheck.store.history_cache import read_cache, write_cache

    path = tmp_path / "runs.json"
    write_cache(path, {"abc": meeting()})
    assert read_cache(path)["abc"] == meeting_like(read_cache(path)["abc"])
    data = json.loads(path.read_bytes())
    entry = data["runs"]["abc"]
    strings = data["strings"]
    # A named vote put on the anonymous item by hand: still readable as a run (names ok), but a
    # count of two anonymous votes is something no answers file holds.
    entry[-1][1][1][1] = [[[1], 1], [[2], 1]]
    data["strings"] = strings
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_cache(path) == {}


def meeting_like(run):
    expected = meeting()
    assert (run.meeting, run.votes, run.participants, run.values()) == (
        expected.meeting,
        expected.votes,
        expected.participants,
        expected.values(),
    )
    return run


def test_every_problem_with_a_meetings_votes_word_for_word():
    from kundencheck.core.answers import vote_problems

    run = meeting()
    run.answers = [a for a in run.answers if a.item != "contacted"]
    run.votes = [
        ItemVotes("gone", named=(Vote(ERIKA, "red"),)),  # an item the checklist no longer has: not judged further
        ItemVotes("contacted", named=(Vote(ERIKA, "purple"), Vote(ANA, "red"))),
        ItemVotes("mood", named=tuple(Vote(p, 2) for p in (ERIKA, ANA, JONAS))),
    ]
    problems = vote_problems(run, MEETING_CHECKLIST)
    assert problems[:2] == [
        "item 'gone': the meeting voted on it, but no agreed answer is recorded.",
        "item 'contacted': the meeting voted on it, but no agreed answer is recorded.",
    ]
    assert problems[2:] == [
        "item 'contacted': a vote: status 'purple' is not one of green, amber, red, na.",
        "item 'mood' is anonymous and 3 people voted: only how many voted for each value may be stored, not who voted what.",
    ]


#: One change each to a meeting's answers file, and what is said of it: every refusal of the
#: meeting's keys and votes, word for word (tests/core/golden/meeting-file-errors.en.txt).
FILE_CHANGES = [
    ("schema = 2", "schema = 1"),
    ("meeting = true", "meeting = 1"),
    ("meeting = true", "meeting = false"),
    ("meeting = true\n", ""),
    ('[[votes]]\n# Did we speak with the client?\nitem = "contacted"', '[[votes]]\nitem = "Contacted!"'),
    ('[[votes]]\n# Did we speak with the client?\nitem = "contacted"', '[[votes]]\nitem = "mood"'),
    ('[[votes]]\n# Did we speak with the client?\nitem = "contacted"', '[[votes]]\nitem = "gone"'),
    ('[[votes]]\n# Did we speak with the client?\nitem = "contacted"\n', "[[votes]]\n"),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Zoe <zoe@example.com>", status = "green"}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Erika <erika@example.com>", status = "green"}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = " ", status = "green"}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = 7, status = "green"}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '"Ana"'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Ana <ana@example.com>", status = 3}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Ana <ana@example.com>", value = [1]}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Ana <ana@example.com>", value = ""}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Ana <ana@example.com>"}'),
    ('{person = "Ana <ana@example.com>", status = "green"}', '{person = "Ana <ana@example.com>", status = "green", value = 1}'),
    ("{value = 2, count = 2}", "{value = 2, count = 0}"),
    ("{value = 2, count = 2}", "{value = 2, count = true}"),
    ("{value = 2, count = 2}", "{value = 2}"),
    ("{value = 2, count = 2}", "7"),
    ("{value = 5, count = 1}", "{value = 2, count = 1}"),
    ("{value = 1, count = 1},\n", ""),
    ("{value = 2, count = 2},\n    {value = 5, count = 1},\n", ""),
    ("anonymous = [", "named = []\nanonymous = ["),
    ("anonymous = [\n", "anonymous = 3\nx = [\n"),
    ('status = "green"}', "status = 3}"),
]


def test_every_refusal_of_a_meetings_file_word_for_word():
    from tests.support.golden import assert_golden

    text = dumps(meeting(), MEETING_CHECKLIST)
    said = []
    for old, new in FILE_CHANGES:
        assert old in text, old
        try:
            loaded = loads(text.replace(old, new, 1), "m.toml")
            result = f"read: meeting={loaded.meeting}, votes={loaded.votes!r}"
        except AnswersError as error:
            result = str(error)
        said.append(f"{old!r} -> {new!r}\n  {result}\n")
    assert_golden("meeting-file-errors.en.txt", "".join(said))
    no_tables = text[: text.index("[[votes]]")].replace("meeting = true\n", "meeting = true\nvotes = 3\n")
    with pytest.raises(AnswersError) as refused:
        loads(no_tables, "m.toml")
    assert str(refused.value) == "m.toml: key 'votes' must be an array of [[votes]] tables."


def test_a_meetings_votes_as_the_answers_file_writes_them():
    """The [[votes]] tables whole (golden meeting-votes.toml): each item's question above them
    (one longer than the 200 characters shown), named votes on a choice, counts of a traffic
    light in the item's order, and the same run written without its checklist."""
    from tests.support.golden import assert_golden

    long_question = "Did we " + "really " * 40 + "speak with the client?"
    items = tuple(i._replace(question=long_question) if i.id == "contacted" else i for i in MEETING_CHECKLIST.items)
    checklist = dataclasses.replace(MEETING_CHECKLIST, items=items)
    run = meeting()
    run.votes = [
        ItemVotes("contacted", anonymous=(("red", 2), ("green", 1), ("na", 1))),
        ItemVotes("design", named=(Vote(ERIKA, "yes"), Vote(ANA, "no"), Vote(JONAS, "yes"))),
    ]
    with_checklist, without = dumps(run, checklist), dumps(run, None)
    assert_golden(
        "meeting-votes.toml",
        with_checklist[with_checklist.index("[[votes]]") :] + "~~~~\n" + without[without.index("[[votes]]") :],
    )
    for text in (with_checklist, without):
        assert [(v.item, v.counts()) for v in loads(text, "m.toml").votes] == [(v.item, v.counts()) for v in run.votes]


def corrected_meeting():
    """The sprint of a meeting whose run was corrected: the agreed answer to contacted red ->
    amber, with a note (the votes as they were)."""
    first = dataclasses.replace(meeting(), id="20260302T093000Z-build-erika-000001")  # not the counter's: any order
    fixed = dataclasses.replace(
        meeting(agreed_contacted="amber", action=False, minute=45),
        id="20260302T094500Z-build-erika-0000ff",
        corrects=first.id,
        correction_note="We agreed on amber.",
    )
    return summarize([first, fixed], today=DAY, checklists=CHECKLISTS)


def test_the_reports_of_a_meeting_in_whole():
    """A sprint's reports with a meeting's named votes, anonymous counts and agreed answers, and
    a correction of the meeting's run (golden meeting-report.json and .md)."""
    from kundencheck.core.report import report_html, report_json
    from tests.support.golden import assert_golden

    summary = corrected_meeting()
    report = build_report(summary, "W10", project="Shop", client="Kunde")
    assert_golden("meeting-report.json", report_json(report))
    assert_golden("meeting-report.md", report_markdown(report))
    assert_golden("meeting-report.html", report_html(report))


def test_a_correction_of_a_meeting_corrects_its_agreed_answer_never_the_votes():
    """Who voted what stays as it was voted; the correction is the agreed answer's, and the
    matrix cell is marked as corrected for it."""
    summary = corrected_meeting()
    contacted = summary.pictures[-1].items["contacted"]
    assert contacted.agreed is not None and contacted.entries and all(e.vote for e in contacted.entries)
    assert summary.entry_correction(contacted.agreed, "contacted").note == "We agreed on amber."
    assert [summary.entry_correction(e, "contacted") for e in contacted.entries] == [None] * len(contacted.entries)
    assert summary.item_corrected(contacted)
    mood = summary.pictures[-1].items["mood"]  # not changed by the correction
    assert summary.entry_correction(mood.agreed, "mood") is None and not summary.item_corrected(mood)
    unmet = summarize([run("W10", DAY, Answer("contacted", "green"), author=ANA)], today=DAY, checklists=CHECKLISTS)
    assert [e.vote for e in unmet.pictures[-1].items["contacted"].entries] == [False]
