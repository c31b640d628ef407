"""The HTML sprint report opened in a real browser (headless Chromium): the health matrix is
rendered as a table with the expected cells, and the cells get their colours from the inline
style sheet although the page loads nothing and runs no script."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer, Run
from kundencheck.core.history import summarize
from kundencheck.core.report import build_report, report_html
from tests.support.browsers import chromium, needs_chromium
from tests.support.report_story import checklist

pytestmark = needs_chromium
UTC = dt.UTC


def _run(n: int, sprint: str, author: str, *answers: Answer, reviews=()) -> Run:
    started = dt.datetime(2026, 3, 2, 9, n, tzinfo=UTC) + dt.timedelta(days=14 * int(sprint[-1]))
    return Run(
        id=f"{started:%Y%m%dT%H%M%SZ}-build-{author[:3].lower()}-{n:06x}",
        checklist="build",
        checklist_version="1.0",
        phase="build",
        language="en",
        sprint=sprint,
        author=f"{author} <{author.lower()}@example.com>",
        started=started,
        finished=started + dt.timedelta(minutes=5),
        answers=list(answers),
        reviews=list(reviews),
    )


def report_page() -> str:
    first = _run(
        1,
        "S1",
        "Ana",
        Answer(
            "contacted", "red", note='Only mails "quoted" & <b>tags</b>', action=Action("Call them", "Ana", dt.date(2026, 3, 20))
        ),
        Answer("mood", 4),
    )
    runs = [
        first,
        _run(
            2,
            "S2",
            "Ana",
            Answer("contacted", "amber", note="One call"),
            Answer("mood", 3),
            reviews=[ActionReview(first.id, "contacted", "done")],
        ),
        _run(3, "S3", "Ana", Answer("contacted", "green"), Answer("mood", 1)),
        _run(4, "S3", "Jonas", Answer("contacted", "red", note="Not with the PO | only the PM"), Answer("mood", 5)),
    ]
    summary = summarize(runs, today=dt.date(2026, 4, 30))
    return report_html(build_report(summary, "S3", project="Shop <relaunch>"))


class Matrix(HTMLParser):
    """Collects the cells of ``table.matrix``: (row item, sprint) -> (classes, text, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_matrix = False
        self.row: str | None = None
        self.cell: dict | None = None
        self.cells: dict[tuple[str, str], dict] = {}
        self.headers: list[str] = []
        self.in_header = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "matrix" in (attrs.get("class") or "").split():
            self.in_matrix = True
        elif self.in_matrix and tag == "tr" and attrs.get("data-item"):
            self.row = attrs["data-item"]
        elif self.in_matrix and tag == "th" and attrs.get("scope") == "col":
            self.in_header = True
            self.headers.append("")
        elif self.in_matrix and tag == "td" and self.row:
            self.cell = {"class": attrs.get("class", ""), "text": "", **attrs}
            self.cells[(self.row, attrs.get("data-sprint", ""))] = self.cell

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_matrix = False
        elif tag == "td":
            self.cell = None
        elif tag == "th":
            self.in_header = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        elif self.in_header:
            self.headers[-1] += data


def test_the_matrix_renders_in_chromium(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report_page(), encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    matrix = Matrix()
    matrix.feed(dom)
    assert matrix.headers == ["Item", "S1", "S2", "S3"]
    assert set(matrix.cells) == {(item, s) for item in ("contacted", "mood") for s in ("S1", "S2", "S3")}
    first, second, third = (matrix.cells[("contacted", s)] for s in ("S1", "S2", "S3"))
    assert "band-red" in first["class"] and first["text"].startswith("✘") and "no" in first["text"]
    assert "band-amber" in second["class"] and second["text"].startswith("◐↑")
    # S3: Ana green, Jonas red: a tie shows the worse answer, with the disagreement flag.
    assert "band-red" in third["class"] and third["text"].startswith("✘↓⚠")
    assert "Jonas: ✘ no: Not with the PO | only the PM" in third["title"] and "Ana: ✔ yes" in third["title"]
    assert 'Only mails "quoted" & <b>tags</b>' in first["title"]  # escaped text comes back as text
    mood = matrix.cells[("mood", "S3")]
    # Scale 1 and 5: the lower of the two middle values, and a spread of 4 is a disagreement.
    assert mood["text"] == "✘↓⚠1/5" and mood["data-band"] == "red" and mood["data-trend"] == "worse"
    assert "<b>tags</b>" not in dom.split("<body>")[1].replace("&lt;b&gt;tags&lt;/b&gt;", "")


def test_the_cells_get_their_colours(tmp_path):
    """The report itself has no script; a copy with a probe script (and without the CSP that
    would block it) writes each cell's computed background into the DOM."""
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", report_page())
    probe = probe.replace(
        "</body>",
        """<script>
for (const td of document.querySelectorAll("table.matrix td.cell")) {
  td.setAttribute("data-bg", getComputedStyle(td).backgroundColor);
}
</script></body>""",
    )
    page = tmp_path / "probe.html"
    page.write_text(probe, encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    matrix = Matrix()
    matrix.feed(dom)
    colours = {key: cell.get("data-bg") for key, cell in matrix.cells.items()}
    assert colours[("contacted", "S1")] == "rgb(247, 181, 181)"  # red
    assert colours[("contacted", "S2")] == "rgb(255, 225, 166)"  # amber
    assert colours[("mood", "S1")] == "rgb(185, 228, 192)"  # green (4/5)


# --------------------------------------------------------------------------------- charts, widths


def wide_page() -> str:
    """Eight sprints of three people with titled items, long typed texts without a space and a
    failing verdict: the report a narrow screen has the most trouble with."""

    long_word = "Kundenzufriedenheitsrückmeldungsauswertung" * 4
    runs = []
    for sprint in range(1, 9):
        for n, author in enumerate(("Ana Schäfer", "Jonas Berg", "Lea Wagner-Oberhausen")):
            mood = max(1, 5 - sprint // 2 - n)
            contact = ("green", "amber", "red")[min(2, (sprint + n) // 4)]
            note = f"{long_word} <b>{sprint}</b>" if contact == "red" else ""
            action = Action(f"Call the product owner {long_word}", author, dt.date(2026, 3, 1)) if contact == "red" else None
            started = dt.datetime(2026, 1, 5, 9, n, tzinfo=UTC) + dt.timedelta(days=14 * sprint)
            runs.append(
                Run(
                    id=f"{started:%Y%m%dT%H%M%SZ}-build-{author[:3].lower()}-{sprint:03x}{n:03x}",
                    checklist="build",
                    checklist_version="1",
                    phase="build",
                    language="en",
                    sprint=f"Sprint 2026-W{2 * sprint:02d} relaunch",
                    author=f"{author} <{author[:3].lower()}@example.com>",
                    started=started,
                    finished=started + dt.timedelta(minutes=5),
                    answers=[
                        Answer("client-contacted", contact, note=note, action=action),
                        Answer("team-mood", mood),
                        Answer("design-source", "theirs" if sprint > 4 else "ours"),
                        Answer("advice", long_word),
                    ],
                )
            )
    summary = summarize(runs, today=dt.date(2026, 5, 15), checklists={"build": checklist()})
    return report_html(build_report(summary, project="Shop relaunch " + long_word, client="Kunde GmbH"))


def framed(page: str, width: int, height: int) -> str:
    """``page`` in a frame exactly ``width`` CSS pixels wide: headless Chromium makes no window
    narrower than 500 px, a frame can be a phone's 390. ``srcdoc`` keeps it one file, of the
    host's origin, so a probe in the frame can write into the host's DOM."""
    return (
        "<!DOCTYPE html><html><head><style>html, body { margin: 0; background: #fff; } "
        "iframe { border: 0; display: block; }</style></head><body>"
        f'<iframe width="{width}" height="{height}" srcdoc="{html.escape(page, quote=True)}"></iframe></body></html>'
    )


#: Writes what the page measures into the host's DOM, for --dump-dom: added to a copy of the
#: report only (the report itself runs no script, and its CSP would block this one).
MEASURE = """<script>
const root = document.documentElement, host = parent.document.documentElement;
host.setAttribute("data-scroll-width", root.scrollWidth);
host.setAttribute("data-client-width", root.clientWidth);
const matrix = document.querySelector(".scroll");
host.setAttribute("data-matrix-scrolls", matrix.scrollWidth > matrix.clientWidth);
let widest = 0;
for (const element of document.body.querySelectorAll("*")) {
  if (!element.closest(".scroll")) widest = Math.max(widest, element.getBoundingClientRect().right);
}
host.setAttribute("data-widest", Math.ceil(widest));
const charts = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.getBoundingClientRect();
  const fills = [...svg.querySelectorAll("circle")].map(c => getComputedStyle(c).fill);
  charts.push([svg.dataset.item, Math.round(box.width), Math.round(box.height), fills.join(";"),
               svg.getAttribute("aria-label")].join("|"));
}
host.setAttribute("data-charts", charts.join("\\n"));
</script></body>"""


def _measured(page: str, width: int, tmp_path: Path) -> dict[str, str]:
    """What MEASURE finds in ``page`` shown ``width`` CSS pixels wide."""
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page).replace("</body>", MEASURE)
    path = tmp_path / f"probe-{width}.html"
    path.write_text(framed(probe, width, 900), encoding="utf-8")
    dom = chromium(
        "--dump-dom",
        f"--window-size={max(width, 500)},900",
        "--hide-scrollbars",
        path.as_uri(),
        profile=tmp_path / f"profile-{width}",
    )
    return {key: html.unescape(value) for key, value in re.findall(r'data-([a-z-]+)="([^"]*)"', dom.split("<head")[0])}


@pytest.mark.parametrize("width", [1280, 390])
def test_no_horizontal_overflow(width, tmp_path):
    """At a laptop's 1280 px and a phone's 390 px the page is no wider than its window: long
    words wrap, and the matrix of eight sprints scrolls inside its own box on the phone."""
    measured = _measured(wide_page(), width, tmp_path)
    assert int(measured["client-width"]) == width, measured
    assert int(measured["scroll-width"]) <= width and int(measured["widest"]) <= width, measured
    assert measured["matrix-scrolls"] == ("true" if width == 390 else "false")


def test_the_charts_render_small_with_their_band_colours(tmp_path):
    charts = _measured(wide_page(), 1280, tmp_path)["charts"].splitlines()
    assert [chart.split("|")[0] for chart in charts] == ["client-contacted", "team-mood", "design-source"]
    for chart in charts:
        _item, width, height, fills, label = chart.split("|")
        assert (int(width), int(height)) == (138, 34), chart  # eight sprints, 18 px apart, about two lines high
        assert set(fills.split(";")) <= {"rgb(46, 155, 69)", "rgb(240, 168, 0)", "rgb(211, 47, 47)"}, chart
        assert label.count("Sprint 2026-W") == 8, chart
    assert "Team mood, sprint by sprint: Sprint 2026-W02 relaunch: ✔ 4/5;" in charts[1]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_screenshot_shows_the_verdict_first_and_nothing_beyond_the_right_edge(width, tmp_path):
    """The page as a person sees it, as pixels: the verdict's box is on the first screen, the
    charts are drawn, and nothing reaches the right margin (content wider than the window
    would run into it)."""
    from PIL import Image

    height = 3200
    page = tmp_path / "report.html"
    page.write_text(framed(wide_page(), width, height), encoding="utf-8")
    shot = tmp_path / f"report-{width}.png"
    chromium(
        f"--screenshot={shot}",
        f"--window-size={max(width, 500)},{height}",
        "--hide-scrollbars",
        page.as_uri(),
        profile=tmp_path / "profile",
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (max(width, 500), height)
    image = image.crop((0, 0, width, height))
    margin = _colours(image.crop((width - 6, 0, width, height)))
    assert set(margin) == {(255, 255, 255)}, "something is drawn at the right edge"
    verdict_box = _colours(image.crop((0, 0, width, 700))).get((251, 234, 234), 0)  # .verdict's background
    assert verdict_box > width * 40, "the verdict is not on the first screen"
    assert _colours(image).get((211, 47, 47), 0) > 20, "no chart drawn"  # the charts' red marks


def _colours(image) -> dict[tuple[int, int, int], int]:
    """How many pixels of ``image`` have each colour."""
    return {colour: count for count, colour in image.getcolors(maxcolors=image.width * image.height)}
