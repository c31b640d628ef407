"""The client's own view (mirror invitations) in every output of a history, compared whole with
the files in tests/core/golden/: the reports' client rows, answers, replies and perception gaps
(Markdown, HTML, JSON, in English and German), ``status --json``, the gate's findings and the
answers as CSV. The other tests say what each part means (tests/core/test_mirror.py); these see
any change to the outputs at all.

After an intended change, write the files anew and read the diff before committing::

    KUNDENCHECK_UPDATE_GOLDEN=1 python -m pytest tests/core/test_client_golden.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from kundencheck.core.answers import Action, Answer
from kundencheck.core.answers_csv import answers_csv, client_rows
from kundencheck.core.catalog import load_catalog
from kundencheck.core.gate import evaluate, github_annotations, result_json
from kundencheck.core.history import summarize
from kundencheck.core.i18n import set_language
from kundencheck.core.mirror import ClientAnswer, ClientReply
from kundencheck.core.report import build_report, report_html, report_json, report_markdown, status_json
from tests.support.golden import assert_golden
from tests.support.runs import made_run

UTC = dt.UTC
S1, S2, S3 = dt.date(2026, 3, 2), dt.date(2026, 3, 16), dt.date(2026, 3, 30)
TODAY = dt.date(2026, 4, 2)
ANA = "Ana Lopez <ana@example.com>"
ERIKA = "Erika Mustermann <erika@example.com>"
#: A client's name longer than the 40 and 60 characters the views cut names to.
LONG_NAME = "Jane " + "van der " * 9 + "Doe"
#: A client's comment longer than the 160 and 600 characters the gate and the reports show of it.
LONG_COMMENT = "We only ever get status mails, " + "and nobody calls us back when we ask about the plan, " * 12


@pytest.fixture(scope="module")
def build_en():
    return load_catalog(None).find("build", "en")


def make(run_id: str, sprint: str, day: dt.date, *answers: Answer, author: str = ANA, minute: int = 0):
    return made_run(run_id, sprint, dt.datetime.combine(day, dt.time(9, minute), UTC), *answers, author=author)


def reply(
    invitation: str, sprint: str, respondent: str, answered: dt.datetime | None, *answers: ClientAnswer, day: dt.date
) -> ClientReply:
    imported = dt.datetime.combine(day, dt.time(15, 30), UTC)
    return ClientReply(invitation, "build", "build", "1.3", sprint, "en", respondent, answered, imported, ERIKA, answers)


def replies() -> list[ClientReply]:
    return [
        reply(
            "build-aaaa1111",
            "S1",
            LONG_NAME,
            dt.datetime(2026, 3, 4, 8, 15, tzinfo=UTC),
            ClientAnswer("client-contacted", "red", "Mostly | *mails*"),
            ClientAnswer("expectations-still-match", "amber", LONG_COMMENT),
            ClientAnswer("respectful-talk", "green"),
            ClientAnswer("team-mood", 2, "<b>tired</b>"),
            day=S1 + dt.timedelta(days=3),
        ),
        # Nobody named, and no time of answering: the views fall back on the import.
        reply(
            "build-bbbb2222",
            "S1",
            "",
            None,
            ClientAnswer("client-contacted", "amber", "now and then"),
            ClientAnswer("expectations-still-match", "amber", "now and then"),
            day=S1 + dt.timedelta(days=4),
        ),
        # An item the team did not answer in S2 (deviations-announced): a client row of its own.
        reply(
            "build-cccc3333",
            "S2",
            "Jane",
            dt.datetime(2026, 3, 18, 10, tzinfo=UTC),
            ClientAnswer("client-contacted", "green"),
            ClientAnswer("deviations-announced", "red", "We learned of it in the demo."),
            ClientAnswer("expectations-still-match", "red"),
            day=S2 + dt.timedelta(days=3),
        ),
        reply(
            "build-dddd4444",
            "S2",
            "",
            dt.datetime(2026, 3, 19, 10, tzinfo=UTC),
            ClientAnswer("expectations-still-match", "red"),
            day=S2 + dt.timedelta(days=4),
        ),
    ]


def history(build_en, last: str = "S3"):
    """The runs of S1 to ``last`` and the client's replies."""
    runs = [
        make(
            "r1",
            "S1",
            S1,
            Answer("client-contacted", "green"),
            Answer("expectations-still-match", "green"),
            Answer("team-mood", 5),
            Answer("respectful-talk", "green"),
        ),
        make("r2", "S1", S1, Answer("client-contacted", "green", "weekly calls"), author=ERIKA, minute=20),
        make(
            "r3",
            "S2",
            S2,
            # The action on the item answers S1's gap of client-contacted; the other gaps stay open.
            Answer("client-contacted", "green", action=Action("Call Jane's PO every week", "Ana", S2 + dt.timedelta(days=14))),
            Answer("expectations-still-match", "green"),
            Answer("team-mood", 4, action=Action("Talk about the load", "", None)),
        ),
        make("r4", "S3", S3, Answer("client-contacted", "green"), Answer("expectations-still-match", "amber", "unsure")),
    ]
    runs = [r for r in runs if r.sprint <= last]
    return summarize(runs, today=TODAY, checklists={"build": build_en}, client_replies=replies())


@pytest.fixture(params=["en", "de"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("en")


@pytest.mark.parametrize("sprint", ["S1", "S2", "S3"])
def test_the_reports_with_the_clients_view(build_en, language, sprint):
    report = build_report(history(build_en), sprint, project="Shop", client="Kunde GmbH")
    assert_golden(f"client-{sprint}.{language}.md", report_markdown(report))
    assert_golden(f"client-{sprint}.{language}.html", report_html(report))
    if language == "en":
        assert_golden(f"client-{sprint}.json", report_json(report))


def test_the_status_and_the_gate_with_the_clients_view(build_en):
    summary = history(build_en)
    assert_golden("client.status.json", status_json(summary))
    # The current sprint with the client's answers (S2): its items and gaps in the phase.
    assert_golden("client-S2.status.json", status_json(history(build_en, last="S2")))
    result = evaluate(summary)
    assert_golden("client.check.json", result_json(result))
    assert_golden("client.check.github.txt", github_annotations(result))


def read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_clients_answers_as_csv(build_en):
    summary = history(build_en)
    text = answers_csv(summary, summary.runs, replies=replies())
    assert text.count("\r\n") == text.count("\n")  # RFC 4180's line ends; the golden file has LF
    assert_golden("client.answers.csv", text.replace("\r\n", "\n"))
    only = client_rows(summary, replies(), item="expectations-still-match")
    assert [(row[0], row[8], row[9]) for row in only] == [
        ("build-aaaa1111", "amber", "amber"),
        ("build-bbbb2222", "amber", "amber"),
        ("build-cccc3333", "red", "red"),
        ("build-dddd4444", "red", "red"),
    ]
    # The item asked for: the team's rows and the client's of it alone.
    asked = read_back(answers_csv(summary, summary.runs, item="team-mood", replies=replies()))
    assert [(row["run"], row["source"], row["value"]) for row in asked] == [
        ("r1", "team", "5"),
        ("r3", "team", "4"),
        ("build-aaaa1111", "client", "2"),
    ]


def test_the_clients_rows_judged_by_their_checklists_bands():
    """A client's scale answer is banded by the item's own bands (2 is amber here, red by
    default); an item or a checklist the summary does not know is judged by its value alone; an
    answer the item no longer takes (a 3 to an item made a traffic light since) has the item's
    kind and no band."""
    from tests.support.checklists import checklist, item

    own = checklist(item("mood", bands={"red": [1], "amber": [2, 3, 4], "green": [5]}), "contacted")
    summary = summarize([], today=TODAY, checklists={"build": own})
    asked = reply(
        "build-eeee5555",
        "S1",
        "Jane",
        None,
        ClientAnswer("mood", 2),
        ClientAnswer("gone", 2),
        ClientAnswer("contacted", 3),
        day=S1,
    )
    other = asked._replace(invitation="design-ffff6666", checklist="design", answers=(ClientAnswer("mood", 2),))
    rows = client_rows(summary, [asked, other])
    assert [(r[0], r[5], r[6], r[7], r[8], r[9], r[1]) for r in rows] == [
        ("build-eeee5555", "mood", "", "scale", 2, "amber", "2026-03-02"),
        ("build-eeee5555", "gone", "", "scale", 2, "red", "2026-03-02"),
        ("build-eeee5555", "contacted", "", "traffic-light", 3, "", "2026-03-02"),
        ("design-ffff6666", "mood", "", "scale", 2, "red", "2026-03-02"),
    ]
