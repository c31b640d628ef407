"""The sprint report's model and its writers, without git: the model holds values, kinds, bands
and option labels, and the Markdown and HTML writers turn them into words in the report's
language (nothing is translated back from an English display string)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from kundencheck.core.answers import Answer
from kundencheck.core.history import summarize
from kundencheck.core.report import (
    answer_parts,
    answer_words,
    build_report,
    md,
    report_html,
    report_json,
    report_markdown,
    verdict_model,
)
from tests.support import checklists
from tests.support.report_story import checklist, run, story_runs

UTC = dt.UTC


def report(language: str = "en", **kwargs):
    summary = summarize(story_runs(language), today=dt.date(2026, 4, 10), checklists={"build": checklist(language)})
    return build_report(summary, "2026-S3", project="Shop", client="Kunde GmbH", **kwargs)


def _scramble(node):
    """Every ``display`` of the model replaced: what the writers show must not come from it."""
    if isinstance(node, dict):
        return {key: ("??" if key == "display" else _scramble(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_scramble(value) for value in node]
    return node


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_writers_read_values_and_bands_not_display_strings(language, request):
    if language == "de":
        request.getfixturevalue("german")
    model = report(language)
    scrambled = _scramble(model)
    assert report_markdown(scrambled) == report_markdown(model)
    assert report_html(scrambled) == report_html(model)


def test_the_model_holds_values_kinds_bands_and_labels():
    model = report()
    [section] = model["checklists"]
    items = {item["item"]: item for item in section["items"]}
    assert {key: items["design-source"][key] for key in ("kind", "value", "band", "label", "title")} == {
        "kind": "choice",
        "value": "theirs",
        "band": "amber",
        "label": "The client's own",
        "title": "Whose design",
    }
    assert items["team-mood"]["value"] == 1 and items["team-mood"]["band"] == "red"
    rows = {row["item"]: row for row in section["matrix"]["rows"]}
    assert rows["team-mood"]["kind"] == "scale" and rows["team-mood"]["title"] == "Team mood"
    assert [cell["value"] for cell in rows["team-mood"]["cells"]] == [4, 3, 1]
    assert [cell["label"] for cell in rows["design-source"]["cells"]] == ["Our own", "The client's own", "The client's own"]
    # Actions name their item by its short title too.
    [action] = model["actions"]["open"]
    assert action["title"] == "Talked to the client"
    assert "; item Talked to the client `client-contacted`, raised 2026-03-30 by Ana" in report_markdown(model)
    assert '; item Talked to the client<small class="id">client-contacted</small>, raised' in report_html(model)
    # display stays in the JSON, English, for programs that printed it before.
    assert items["client-contacted"]["display"] == "✘ no"
    json.loads(report_json(model))


def test_a_matrix_cell_holds_the_symbol_and_the_words_apart():
    """The HTML matrix puts an answer's symbol and its words in spans of their own, both from
    the data (answer_parts), never cut out of the display text; a label of several words stays whole."""
    rhythm = checklists.checklist(
        checklists.item(
            "rhythm",
            options=[{"id": "often", "label": "Every two weeks", "band": "green"}, {"id": "rarely", "label": "Once a quarter"}],
        ),
        version="1",
    )
    runs = [run(1, 1, "Ana", Answer("rhythm", "often")), run(2, 2, "Ana", Answer("rhythm", "rarely"))]
    page = report_html(build_report(summarize(runs, today=dt.date(2026, 4, 10), checklists={"build": rhythm}), "2026-S2"))
    assert '<span class="symbol">✔</span><span class="word">Every two weeks</span>' in page
    assert answer_parts("often", "choice", "green", "Every two weeks") == ("✔", "Every two weeks")
    assert answer_parts("rarely", "choice", None, "Once a quarter") == ("", "Once a quarter")  # no band: no symbol
    assert answer_parts("red", "traffic-light") == ("✘", "no") and answer_parts(3, "scale") == ("", "3/5")
    assert answer_parts("maybe", "traffic-light") == ("?", "maybe") and answer_parts(None, "text") == ("", "")


def test_german_words_come_from_the_data(german):
    assert answer_words("red", "traffic-light") == "✘ nein"
    assert answer_words(2, "scale", "red") == "✘ 2/5"
    assert answer_words("theirs", "choice", "amber", "Das des Kunden") == "◐ Das des Kunden"
    model = report("de")
    [section] = model["checklists"]
    items = {item["item"]: item for item in section["items"]}
    assert items["client-contacted"]["display"] == "✘ no"  # the JSON's display stays English
    text = report_markdown(model)
    assert "✘ nein" in text and "◐ teilweise" in text and "◐ Das des Kunden" in text
    assert "✘ no " not in text and "partly" not in text


# --------------------------------------------------------------------------------- the headline


def _summary(runs, today=dt.date(2026, 4, 10), current_phase="build", language="en"):
    return summarize(runs, today=today, current_phase=current_phase, checklists={"build": checklist(language)})


def test_the_headline_comes_first_and_says_what_check_says():
    from kundencheck.core.gate import evaluate, summary_line, verdicts

    summary = _summary(story_runs())
    model = build_report(summary, "2026-S3")
    verdict = model["verdict"]
    check = evaluate(summary)
    assert (verdict["passed"], verdict["errors"], verdict["warnings"]) == (False, len(check.errors), len(check.warnings))
    [build] = verdict["phases"]
    judged = verdicts(summary)["build"]
    assert [f["rule"] for f in build["findings"]] == [f.rule for f in judged.findings]
    assert [(g["rule"], g["count"], g["since"], g["since_sprint"]) for g in build["rules"]] == [
        ("key_signal_low", 2, "2026-03-30", "2026-S3"),
        ("red_without_action", 1, "2026-03-30", "2026-S3"),
        ("overdue_action", 1, "2026-03-21", None),
    ]
    # The phase fails since the earliest of its findings: the action due 2026-03-20.
    assert build["current"] and build["since"] == "2026-03-21" and build["since_sprint"] is None
    assert [i["title"] for i in build["rules"][0]["items"]] == ["Talked to the client", "Team mood"]
    assert (verdict["open_actions"], verdict["overdue_actions"]) == (1, 1)

    text = report_markdown(model)
    lines = text.splitlines()
    headline = lines.index("## ✘ " + summary_line(check))
    assert headline < lines.index("## build: Sprint start") and lines.index("## build: Sprint start") < lines.index("## Actions")
    assert lines[headline + 2 : headline + 8] == [
        "- **build** (current phase): ✘ 4 errors, failing since 2026-03-21",
        "  - ✘ key signal red: Talked to the client, Team mood, since sprint 2026-S3 (2026-03-30)",
        "  - ✘ red answer without action: Team mood, since sprint 2026-S3 (2026-03-30)",
        "  - ✘ overdue action, since 2026-03-21",
        "- ⚠ Overdue actions: 1 of 1 open.",
        "- No check is due.",
    ]
    # Then each finding in the words of `kundencheck check`, before the legend and the details.
    found = text.index("### What the check found")
    assert found < text.index("Legend:")
    for finding in check.findings:
        assert md(finding.message, 1200) in text[found : text.index("Legend:")]

    page = report_html(model)
    assert page.index('<section class="verdict failed"') < page.index('<table class="matrix"')
    assert f'<h2 id="verdict">✘ {summary_line(check)}</h2>' in page
    assert '<li data-rule="overdue_action">✘ overdue action, since 2026-03-21</li>' in page
    assert "<details><summary>What the check found (4 findings)</summary>" in page


def test_due_checks_come_before_the_details_and_other_phases_follow_the_current_one():
    kickoff = dataclasses.replace(
        story_runs()[0],
        id="20260202T090000Z-kickoff-ana-000001",
        checklist="kickoff",
        phase="kickoff",
        sprint="2026-S0",
        started=dt.datetime(2026, 2, 2, 9, tzinfo=UTC),
        finished=dt.datetime(2026, 2, 2, 9, 5, tzinfo=UTC),
        answers=[Answer("contacted", "green")],
    )
    summary = _summary([kickoff, *story_runs()], today=dt.date(2026, 4, 20))
    model = build_report(
        summary, "2026-S3", levels={"overdue_action": "warning", "key_signal_low": "off", "red_without_action": "off"}
    )
    assert [p["phase"] for p in model["verdict"]["phases"]] == ["build", "kickoff"]
    text = report_markdown(model)
    head = text[: text.index("Legend:")]
    assert "- **build** (current phase): ✘ 1 error, 1 warning, failing since 2026-04-13" in head
    assert "  - ✘ check due, since 2026-04-13" in head and "  - ⚠ overdue action, since 2026-03-21" in head
    assert "- **kickoff**: ✘ 1 error, failing since 2026-02-16" in head  # judged as if it were current, as status does
    assert (
        "- Checks due: build (last checked 2026-03-30, due since 2026-04-13); kickoff (last checked 2026-02-02, "
        "due since 2026-02-16)."
    ) in head
    assert "## Checks due" not in text  # no longer at the end
    assert text.startswith(
        "# kundencheck report: sprint 2026-S3\n\nas of 2026-04-20.\n\n## ✘ kundencheck check: failed, 1 error, 1 warning.\n"
    )


def test_the_headline_judges_each_phase_once(monkeypatch):
    """The headline's counts (what `kundencheck check` finds) and each phase's verdict come from
    one judgement per phase: the current phase's findings are not found a second time."""
    from kundencheck.core import gate

    summary = summarize(story_runs(), today=dt.date(2026, 4, 10), checklists={"build": checklist()})
    alone = gate.evaluate(summary)
    judged: list[str] = []
    real = gate.phase_findings

    def counted(summary, phase, *args):
        judged.append(phase)
        return real(summary, phase, *args)

    monkeypatch.setattr(gate, "phase_findings", counted)
    model = verdict_model(summary)
    assert judged == [status.phase for status in summary.phases] == ["build"]
    assert (model["passed"], model["errors"], model["warnings"]) == (alone.passed, len(alone.errors), len(alone.warnings))
    assert model["errors"] > 0  # the story's last sprint is red: there is something to count


def test_a_healthy_history_passes_in_the_headline():
    runs = [
        run(1, 1, "Ana", Answer("client-contacted", "green"), Answer("team-mood", 4)),
        run(2, 2, "Ana", Answer("client-contacted", "green"), Answer("team-mood", 5)),
    ]
    model = build_report(_summary(runs, today=dt.date(2026, 3, 20)), "2026-S2")
    text = report_markdown(model)
    assert "## ✔ kundencheck check: passed, nothing found.\n\n- **build** (current phase): ✔ ok\n" in text
    assert "- Overdue actions: 0 of 0 open." in text and "What the check found" not in text
    assert '<section class="verdict passed"' in report_html(model)


def test_the_german_headline(german):
    text = report_markdown(report("de"))
    assert "## ✘ kundencheck check: nicht bestanden, 4 Fehler." in text
    assert "- **build** (aktuelle Phase): ✘ 4 Fehler, nicht bestanden seit 2026-03-21" in text
    assert "  - ✘ Schlüsselsignal rot: Mit dem Kunden geredet, Stimmung im Team, seit Sprint 2026-S3 (2026-03-30)" in text
    assert "- ⚠ Überfällige Maßnahmen: 1 von 1 offenen." in text and "- Kein Check ist fällig." in text


# --------------------------------------------------------------------------------- the charts


def _rows(model):
    [section] = model["checklists"]
    return {row["item"]: row | {"sprints": section["matrix"]["sprints"]} for row in section["matrix"]["rows"]}


def test_a_scale_item_is_charted_by_its_values_coloured_by_band():
    from kundencheck.core.report import CHART_HEIGHT, CHART_PAD, chart_svg

    svg = chart_svg(_rows(report())["team-mood"])
    label = "Team mood, sprint by sprint: 2026-S1: ✔ 4/5; 2026-S2: ◐ 3/5; 2026-S3: ✘ 1/5"
    assert svg.startswith(f'<svg class="chart" role="img" aria-label="{label}" ')
    assert f"<title>{label}</title>" in svg
    marks = re.findall(r'<circle class="mark mark-(\w+)" cx="([\d.]+)" cy="([\d.]+)"', svg)
    # 4 is three quarters up, 3 half way, 1 at the bottom; one sprint apart each.
    top = CHART_PAD
    assert marks == [
        ("green", "6", f"{top + CHART_HEIGHT / 4:g}"),
        ("amber", "24", f"{top + CHART_HEIGHT / 2:g}"),
        ("red", "42", f"{top + CHART_HEIGHT:g}"),
    ]
    assert svg.count("<polyline") == 1 and "<script" not in svg and "http" not in svg


def test_traffic_lights_and_choices_are_charted_by_band_with_gaps_and_na():
    from kundencheck.core.report import chart_svg

    runs = [
        run(1, 1, "Ana", Answer("client-contacted", "green"), Answer("design-source", "ours")),
        run(2, 2, "Ana", Answer("client-contacted", "na"), Answer("design-source", "theirs")),
        run(3, 3, "Ana", Answer("design-source", "theirs")),
        run(4, 4, "Ana", Answer("client-contacted", "red"), Answer("design-source", "theirs")),
    ]
    model = build_report(_summary(runs, today=dt.date(2026, 4, 25)), "2026-S4")
    rows = _rows(model)
    contact = chart_svg(rows["client-contacted"])
    assert re.findall(r'class="mark mark-(\w+)"', contact) == ["green", "na", "red"]  # S3 not answered: no mark
    assert "<polyline" not in contact  # no two answered sprints with a band in a row: nothing to join
    assert (
        'aria-label="Talked to the client, sprint by sprint: 2026-S1: ✔ yes; 2026-S2: – n/a; '
        '2026-S3: not answered; 2026-S4: ✘ no"'
    ) in contact
    design = chart_svg(rows["design-source"])
    assert re.findall(r'class="mark mark-(\w+)"', design) == ["green", "amber", "amber", "amber"]
    assert "2026-S2: ◐ The client&#x27;s own" in design and design.count("<polyline") == 1


def test_every_banded_item_has_a_chart_in_the_html_report_and_the_page_stays_self_contained():
    page = report_html(report())
    charts = re.findall(r'<svg class="chart"[^>]*data-item="([^"]+)"', page)
    assert charts == ["client-contacted", "team-mood", "design-source"]
    assert '<li data-item="advice"><span class="no-chart"' in page  # a text item keeps the place
    assert "<script" not in page and not re.search(r"https?://|<link|src=|@import|url\(|xmlns", page)


def test_raisers_of_an_action_dict_in_order_once_each():
    from kundencheck.core.report import raisers

    ana, jo = "Ana Lopez <ana@example.com>", "Jo Berg <jo@example.com>"
    a = {"author": jo, "raised_by": [{"author": ana}, {"author": jo}, {"author": ana}]}
    assert raisers(a) == ["Ana Lopez", "Jo Berg"]
    # an action dict without its raised_by (or with none): the thread's own author
    assert raisers({"author": jo}) == raisers({"author": jo, "raised_by": []}) == ["Jo Berg"]


def test_corrected_text_names_who_corrected_when_it_is_someone_else():
    from kundencheck.core.report import corrected_text

    corrected = {"on": "2026-03-16T10:15:00+01:00", "by": "Jo Berg <jo@example.com>", "note": "Mixed up\nthe items. " * 40}
    note = ("Mixed up the items. " * 40)[:299].rstrip() + "…"
    assert corrected_text(corrected, "Ana <ana@example.com>") == f"corrected on 2026-03-16 by Jo Berg: {note}"
    long_name = {**corrected, "by": "Jo " + "Maryam " * 20 + "<jo@example.com>"}
    assert corrected_text(long_name, "Ana <ana@example.com>").startswith(
        "corrected on 2026-03-16 by Jo " + ("Maryam " * 20)[:56].rstrip() + "…: Mixed up"
    )
    assert corrected_text(corrected, "Jo Berg <other@example.com>") == f"corrected on 2026-03-16: {note}"  # the author
    assert corrected_text(corrected) == f"corrected on 2026-03-16: {note}"  # nobody to tell apart
    assert corrected_text({}) == "corrected on : "


def test_a_chart_joins_two_answered_sprints_and_marks_na_with_a_dash_in_the_middle():
    from kundencheck.core.report import CHART_HEIGHT, CHART_PAD, CHART_STEP, chart_svg

    runs = [
        run(1, 1, "Ana", Answer("team-mood", 5), Answer("client-contacted", "green")),
        run(2, 2, "Ana", Answer("team-mood", 1), Answer("client-contacted", "na")),
        run(3, 3, "Ana", Answer("client-contacted", "green")),
        run(4, 4, "Ana", Answer("team-mood", 3), Answer("client-contacted", "green")),
    ]
    rows = _rows(build_report(_summary(runs, today=dt.date(2026, 4, 25)), "2026-S4"))
    mood = chart_svg(rows["team-mood"])
    top, bottom, middle = CHART_PAD, CHART_PAD + CHART_HEIGHT, CHART_PAD + CHART_HEIGHT / 2
    x = [CHART_PAD + n * CHART_STEP for n in range(4)]
    assert re.findall(r'<circle class="mark mark-(\w+)" cx="([\d.]+)" cy="([\d.]+)"', mood) == [
        ("green", f"{x[0]:g}", f"{top:g}"),
        ("red", f"{x[1]:g}", f"{bottom:g}"),
        ("amber", f"{x[3]:g}", f"{middle:g}"),
    ]
    assert re.findall(r'<polyline class="line" points="([^"]+)"', mood) == [f"{x[0]:g},{top:g} {x[1]:g},{bottom:g}"]
    contact = chart_svg(rows["client-contacted"])
    dash = f'<line class="mark mark-na" x1="{x[1] - 3:g}" y1="{middle:g}" x2="{x[1] + 3:g}" y2="{middle:g}"/>'
    assert dash in contact
    assert re.findall(r'<polyline class="line" points="([^"]+)"', contact) == [f"{x[2]:g},{top:g} {x[3]:g},{top:g}"]
