"""core/action_list.py: the list of actions as JSON, CSV and iCalendar, and its filters. Whole
outputs are compared, so a changed word, date or count in any of them is seen (the commands
that print them are tested in tests/cli/test_actions_command.py)."""

from __future__ import annotations

import datetime as dt
import json

from kundencheck import __version__
from kundencheck.core import action_list as al
from kundencheck.core.answers import Action, ActionReview, Answer
from kundencheck.core.history import DueCheck, summarize
from kundencheck.core.people import Person
from tests.support.runs import CHECKLISTS, made_run

UTC = dt.UTC
MON = dt.date(2026, 3, 2)
TODAY = MON + dt.timedelta(days=30)
ANA = "Ana <ana@example.com>"
JONAS = "Jonas <jonas@example.com>"
STAMP = dt.datetime(2026, 1, 1, tzinfo=UTC)


def make(run_id, day, *answers, author=ANA, phase="build", sprint="W10", reviews=()):
    started = dt.datetime.combine(day, dt.time(9, 0), UTC)
    return made_run(run_id, sprint, started, *answers, author=author, phase=phase, reviews=list(reviews))


def history(today=TODAY, current_phase="build", extra=()):
    """Ana raises two actions in W10 (call the client, due in a week; a team lunch for Jonas);
    in W12 Jonas calls for a new try of the call (the thread goes on) and closes the lunch."""
    first = make(
        "r1",
        MON,
        Answer("contacted", "red", action=Action("Call the client", "Ana", MON + dt.timedelta(days=7))),
        Answer("mood", 2, action=Action('Team lunch, with "pizza", wine', JONAS, MON + dt.timedelta(days=20))),
    )
    second = make(
        "r2",
        MON + dt.timedelta(days=14),
        Answer("contacted", "red", action=Action("Call again", "Ana", MON + dt.timedelta(days=21))),
        author=JONAS,
        sprint="W12",
        reviews=[ActionReview("r1", "mood", "done", "lunch was fine")],
    )
    return summarize([first, second, *extra], today=today, cadence_days=14, current_phase=current_phase, checklists=CHECKLISTS)


def unfolded(ics: bytes) -> list[str]:
    return ics.decode().replace("\r\n ", "").split("\r\n")


def test_csv_has_a_row_per_thread_as_rfc_4180_has_it():
    summary = history()
    everything = al.ActionFilter()
    text = al.actions_csv(summary, al.select(summary, everything) + al.closed(summary, everything))
    assert text == (
        "id,phase,item,question,what,owner,due,overdue,days_overdue,raised_on,raised_by,actions,reviews,"
        "last_review,first_run,latest_run\r\n"
        "mk8st7,build,contacted,Did we speak with the client?,Call again,Ana,2026-03-23,true,9,2026-03-02,"
        "Ana; Jonas,2,0,,r1,r2\r\n"
        'shk5b7,build,mood,How is the team\'s mood?,"Team lunch, with ""pizza"", wine",Jonas <jonas@example.com>,'
        "2026-03-22,false,0,2026-03-02,Ana,1,1,done,r1,r1\r\n"
    )


def test_csv_of_a_thread_without_a_due_date():
    summary = history(extra=[make("r3", MON, Answer("design", "no", action=Action("Ask for one", "", None)), author=JONAS)])
    rows = al.actions_csv(summary, [t for t in summary.actions if t.item == "design"]).split("\r\n")
    assert rows[1].split(",")[4:10] == ["Ask for one", "", "", "false", "0", "2026-03-02"]


def test_json_document():
    summary = history()
    selection = al.ActionFilter(phase="build", owner="ana", overdue=True)
    document = json.loads(al.actions_json(summary, al.select(summary, selection), selection))
    assert document["schema"] == 1 and document["today"] == "2026-04-01"
    assert document["filter"] == {"phase": "build", "owner": "ana", "mine": False, "overdue": True}
    assert [a["id"] for a in document["actions"]] == ["mk8st7"]
    assert document["actions"][0]["days_overdue"] == 9 and document["actions"][0]["what"] == "Call again"
    assert document["actions"][0]["question"] == "Did we speak with the client?"  # from the checklists
    greeting = make("r3", MON, Answer("design", "no", action=Action("Grüße an den Kunden", "Jörg", MON)), author=JONAS)
    summary = history(extra=[greeting])
    text = al.actions_json(summary, al.select(summary, al.ActionFilter(owner="jörg")), al.ActionFilter(owner="jörg"))
    assert '"what": "Grüße an den Kunden",' in text and '"owner": "Jörg",' in text  # UTF-8, not \\u escapes
    mine = al.ActionFilter(mine=Person("Ana", "ana@example.com"))
    assert json.loads(al.actions_json(summary, [], mine))["filter"] == {
        "phase": None,
        "owner": None,
        "mine": True,
        "overdue": False,
    }
    assert al.actions_json(summary, [], mine).endswith("}\n") and '\n  "schema": 1,' in al.actions_json(summary, [], mine)


def test_filters():
    summary = history()

    def ids(selection):
        return [t.id for t in al.select(summary, selection)]

    assert ids(al.ActionFilter()) == ["mk8st7"]  # the lunch is closed
    assert ids(al.ActionFilter(phase="build")) == ["mk8st7"]
    assert ids(al.ActionFilter(phase="kickoff")) == []
    assert ids(al.ActionFilter(owner="ana")) == ["mk8st7"]
    assert ids(al.ActionFilter(owner="jonas")) == []
    assert ids(al.ActionFilter(mine=Person("Ana", "ana@example.com"))) == ["mk8st7"]
    assert ids(al.ActionFilter(mine=Person("Jonas", "jonas@example.com"))) == []
    assert ids(al.ActionFilter(overdue=True)) == ["mk8st7"]
    early = history(today=MON + dt.timedelta(days=15))
    assert [t.id for t in al.select(early, al.ActionFilter(overdue=True))] == []
    assert [t.id for t in al.select(early, al.ActionFilter())] == ["mk8st7"]
    lunch = next(t for t in summary.actions if t.item == "mood")
    assert al.ActionFilter(owner="jonas").concerns(lunch) and not al.ActionFilter(owner="jonas").holds(lunch, TODAY)
    assert not al.ActionFilter(phase="kickoff", owner="jonas").concerns(lunch)
    assert al.ActionFilter(owner="x").by_person and al.ActionFilter(mine=Person("a", "b")).by_person
    assert not al.ActionFilter(phase="build", overdue=True).by_person


def test_closed_threads_stay_in_the_calendar_for_90_days():
    closed_on = MON + dt.timedelta(days=14)
    for days, shown in ((90, True), (91, False)):
        summary = history(today=closed_on + dt.timedelta(days=days))
        assert [t.item for t in al.closed(summary, al.ActionFilter())] == (["mood"] if shown else [])
    summary = history()
    assert [t.item for t in al.closed(summary, al.ActionFilter(owner="jonas"))] == ["mood"]
    assert al.closed(summary, al.ActionFilter(owner="ana")) == []
    assert al.closed(summary, al.ActionFilter(phase="kickoff")) == []


def test_due_checks():
    summary = history(current_phase="kickoff")  # kickoff never checked, but the current phase

    def phases(selection):
        return [c.phase for c in al.due_checks(summary, selection)]

    assert sorted(phases(al.ActionFilter())) == ["build", "kickoff"]
    assert phases(al.ActionFilter(phase="build")) == ["build"]
    assert phases(al.ActionFilter(owner="ana")) == [] and phases(al.ActionFilter(mine=Person("Ana", "a@b"))) == []
    assert sorted(phases(al.ActionFilter(overdue=True))) == ["build", "kickoff"]
    fresh = history(today=MON + dt.timedelta(days=20), current_phase="kickoff")
    assert [c.phase for c in al.due_checks(fresh, al.ActionFilter(overdue=True))] == ["kickoff"]
    # a phase that is neither checked nor current has no check to show
    assert [c.phase for c in al.due_checks(history(), al.ActionFilter())] == ["build"]
    # kickoff checked lately, build due: only build's check is overdue
    kickoff = make("k1", MON + dt.timedelta(days=25), Answer("contacted", "green"), phase="kickoff")
    assert [c.phase for c in al.due_checks(history(extra=[kickoff]), al.ActionFilter(overdue=True))] == ["build"]


def test_calendar_file():
    summary = history()
    everything = al.ActionFilter()
    ics = al.actions_ics(
        summary,
        al.select(summary, everything),
        al.due_checks(summary, everything),
        project="Shop",
        stamp=STAMP,
        done=al.closed(summary, everything),
    )
    assert unfolded(ics) == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//kundencheck//kundencheck {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:kundencheck actions of Shop",
        "BEGIN:VEVENT",
        "SUMMARY:Call again (Ana)\\, action mk8st7",
        "DTSTART;VALUE=DATE:20260323",
        "DTEND;VALUE=DATE:20260324",
        "DTSTAMP:20260316T090500Z",
        "UID:action-r1-contacted@kundencheck",
        "SEQUENCE:1",
        "CATEGORIES:kundencheck,build",
        (
            "DESCRIPTION:Action mk8st7 on build/contacted\\nDid we speak with the client?\\n\\n2026-03-02\\, Ana: "
            "Call the client (Ana\\, due 2026-03-09)\\n2026-03-16\\, Jonas: Call again (Ana\\, due 2026-03-23)\\n\\n"
            "Close it (done\\, or dropped with a note) in `kundencheck run build`."
        ),
        "LAST-MODIFIED:20260316T090500Z",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "BEGIN:VEVENT",
        'SUMMARY:Team lunch\\, with "pizza"\\, wine (Jonas <jonas@example.com>)\\, action shk5b7',
        "DTSTART;VALUE=DATE:20260322",
        "DTEND;VALUE=DATE:20260323",
        "DTSTAMP:20260316T090500Z",
        "UID:action-r1-mood@kundencheck",
        "SEQUENCE:1",
        "CATEGORIES:kundencheck,build",
        (
            "DESCRIPTION:Action shk5b7 on build/mood\\nHow is the team's mood?\\n\\n2026-03-02\\, Ana: Team lunch\\, "
            'with "pizza"\\, wine (Jonas <jonas@example.com>\\, due 2026-03-22)\\n2026-03-16\\, Jonas reviewed it: '
            "done: lunch was fine\\n\\nClose it (done\\, or dropped with a note) in `kundencheck run build`."
        ),
        "LAST-MODIFIED:20260316T090500Z",
        "STATUS:CANCELLED",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "SUMMARY:kundencheck: the build check is due",
        "DTSTART;VALUE=DATE:20260330",
        "DTEND;VALUE=DATE:20260331",
        "DTSTAMP:20260316T090500Z",
        "UID:check-build-r1@kundencheck",
        "SEQUENCE:2",
        "CATEGORIES:kundencheck,build",
        (
            "DESCRIPTION:The build check is due every 14 days\\; it was last done on 2026-03-16. Answer it with "
            "`kundencheck run build`."
        ),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]


def test_calendar_of_a_phase_never_checked_and_of_actions_without_owner_or_due_date():
    no_due = make("r3", MON, Answer("design", "no", action=Action("Ask for a design", "", None)), author=JONAS)
    no_owner = make(
        "r4", MON, Answer("contacted", "red", action=Action("Write to them", " ", MON)), author=JONAS, phase="kickoff"
    )
    summary = summarize([no_due, no_owner], today=MON, cadence_days=14, current_phase="acceptance", checklists=CHECKLISTS)
    everything = al.ActionFilter()
    threads = al.select(summary, everything)
    assert sorted(t.item for t in threads) == ["contacted", "design"]
    checks = al.due_checks(summary, al.ActionFilter(phase="acceptance"))
    lines = unfolded(al.actions_ics(summary, threads, checks, project="  ", stamp=STAMP))
    assert "X-WR-CALNAME:kundencheck actions" in lines
    assert [line for line in lines if line.startswith("SUMMARY:")] == [
        "SUMMARY:Write to them (no owner)\\, action " + next(t.id for t in threads if t.item == "contacted"),
        "SUMMARY:kundencheck: the acceptance check is due",
    ]
    event = lines[lines.index("SUMMARY:kundencheck: the acceptance check is due") :]
    assert event[:7] == [
        "SUMMARY:kundencheck: the acceptance check is due",
        "DTSTART;VALUE=DATE:20260302",
        "DTEND;VALUE=DATE:20260303",
        "DTSTAMP:20260101T000000Z",
        "UID:check-acceptance-anon@kundencheck",
        "SEQUENCE:0",
        "CATEGORIES:kundencheck,acceptance",
    ]
    assert event[7] == ("DESCRIPTION:The acceptance check has never been done. Answer it with `kundencheck run acceptance`.")
    description = next(line for line in lines if line.startswith("DESCRIPTION:Action"))
    assert "(no owner\\, due 2026-03-02)" in description and description.count("\\n\\n") == 2
    named = unfolded(al.actions_ics(summary, [], checks, project="Web Shop!", stamp=STAMP))
    assert "UID:check-acceptance-web-shop@kundencheck" in named
    long = unfolded(al.actions_ics(summary, [], checks, project="Ü" + "x" * 39 + "yz", stamp=STAMP))
    assert "UID:check-acceptance-u" + "x" * 39 + "@kundencheck" in long  # 40 characters of the name
    assert "X-WR-CALNAME:kundencheck actions of Web Shop!" in named
    assert "X-WR-CALNAME:kundencheck actions" in unfolded(al.actions_ics(summary, [], [], stamp=STAMP))  # no project


def test_csv_cuts_long_texts_to_their_limits():
    long = make(
        "r9", MON, Answer("design", "no", action=Action("w" * 2500, "o" * 300, MON)), author="A" * 250 + " <a@example.com>"
    )
    summary = history(extra=[long])
    [row] = al.actions_csv(summary, [t for t in summary.actions if t.item == "design"]).split("\r\n")[1:2]
    fields = row.split(",")
    assert fields[4] == "w" * 1999 + "…" and fields[5] == "o" * 199 + "…" and fields[10] == "A" * 199 + "…"


def test_calendar_cuts_long_texts_to_their_limits():
    raised = make(
        "r9", MON, Answer("design", "no", action=Action("w" * 500, "o" * 100, MON)), author="A" * 100 + " <a@example.com>"
    )
    review = make(
        "r10", MON + dt.timedelta(days=1), author="B" * 100 + " <b@example.com>",
        reviews=[ActionReview("r9", "design", "done", "n" * 500)],
    )  # fmt: skip
    summary = history(extra=[raised, review])
    [thread] = [t for t in summary.actions if t.item == "design"]
    lines = unfolded(al.actions_ics(summary, [], [], project="P" * 100, stamp=STAMP, done=[thread]))
    assert "X-WR-CALNAME:kundencheck actions of " + "P" * 79 + "…" in lines
    assert f"SUMMARY:{'w' * 119}… ({'o' * 59}…)\\, action {thread.id}" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description == (
        f"DESCRIPTION:Action {thread.id} on build/design\\nDoes the client supply a design?\\n\\n"
        f"2026-03-02\\, {'A' * 59}…: {'w' * 299}… ({'o' * 59}…\\, due 2026-03-02)\\n"
        f"2026-03-03\\, {'B' * 59}… reviewed it: done: {'n' * 299}…\\n\\n"
        "Close it (done\\, or dropped with a note) in `kundencheck run build`."
    )


def test_calendar_description_of_a_word_without_due_date_and_a_review_without_note():
    first = make("r1", MON, Answer("design", "no", action=Action("Ask", "Ana", None)))
    again = make(
        "r2", MON + dt.timedelta(days=1), Answer("design", "no", action=Action("Ask again", "Ana", MON + dt.timedelta(days=9))),
        reviews=[ActionReview("r1", "design", "open")], author=JONAS,
    )  # fmt: skip
    summary = history(extra=[first, again])
    [thread] = [t for t in summary.actions if t.item == "design"]
    [description] = [line for line in unfolded(al.actions_ics(summary, [thread], [], stamp=STAMP)) if "DESCRIPTION" in line]
    assert description == (
        f"DESCRIPTION:Action {thread.id} on build/design\\nDoes the client supply a design?\\n\\n"
        "2026-03-02\\, Ana: Ask (Ana\\, no due date)\\n2026-03-03\\, Jonas: Ask again (Ana\\, due 2026-03-11)\\n"
        "2026-03-03\\, Jonas reviewed it: open\\n\\nClose it (done\\, or dropped with a note) in `kundencheck run build`."
    )


def test_calendar_stamps_in_utc_and_skips_only_the_threads_without_due_date():
    """A run started in another time zone is stamped in UTC (RFC 5545 wants DTSTAMP and
    LAST-MODIFIED so); a thread without a due date has no event, and the threads after it do."""
    cest = dt.timezone(dt.timedelta(hours=2))
    no_due = made_run(
        "r1", "W10", dt.datetime(2026, 3, 2, 9, 0, tzinfo=cest), Answer("design", "no", action=Action("Ask", "Ana", None))
    )
    due = made_run(
        "r2", "W10", dt.datetime(2026, 3, 2, 9, 30, tzinfo=cest), Answer("mood", 2, action=Action("Lunch", "Ana", MON)), minutes=5
    )
    summary = summarize([no_due, due], today=MON, cadence_days=14, current_phase="build", checklists=CHECKLISTS)
    [first] = [t for t in summary.actions if t.item == "design"]
    [second] = [t for t in summary.actions if t.item == "mood"]
    lines = unfolded(al.actions_ics(summary, [first, second], [], stamp=STAMP))
    assert [line for line in lines if line.startswith(("SUMMARY:", "DTSTAMP:", "LAST-MODIFIED:"))] == [
        f"SUMMARY:Lunch (Ana)\\, action {second.id}",
        "DTSTAMP:20260302T073500Z",
        "LAST-MODIFIED:20260302T073500Z",
    ]
    [check] = [line for line in unfolded(al.actions_ics(summary, [], al.due_checks(summary, al.ActionFilter()), stamp=STAMP))
               if line.startswith("DTSTAMP:")]  # fmt: skip
    assert check == "DTSTAMP:20260302T073500Z"  # the build phase's latest run, finished at 09:35 CEST


def test_calendar_of_a_check_of_a_phase_the_history_does_not_know():
    """A check of a phase without runs and not the current one (the summary has no status of
    it): dated by ``stamp``, at sequence 0."""
    summary = history()
    check = DueCheck("design", 14, None, None, True, None)
    lines = unfolded(al.actions_ics(summary, [], [check], project="Shop", stamp=STAMP))
    event = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
    assert event == [
        "SUMMARY:kundencheck: the design check is due",
        "DTSTART;VALUE=DATE:20260401",
        "DTEND;VALUE=DATE:20260402",
        "DTSTAMP:20260101T000000Z",
        "UID:check-design-shop@kundencheck",
        "SEQUENCE:0",
        "CATEGORIES:kundencheck,design",
        "DESCRIPTION:The design check has never been done. Answer it with `kundencheck run design`.",
    ]
