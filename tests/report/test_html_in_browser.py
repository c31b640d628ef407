"""The HTML sprint report opened in a real browser (headless Chromium): the health matrix is
rendered as a table with the expected cells, and the cells get their colours from the inline
style sheet although the page loads nothing and runs no script."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer, Run
from kundencheck.core.history import summarize
from kundencheck.core.report import build_report, report_html

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="`chromium` is not on PATH: install Debian's chromium package (`apt-get install -y chromium`) to open the HTML report in a browser",
)

UTC = dt.UTC


def _run(n: int, sprint: str, author: str, *answers: Answer, reviews=()) -> Run:
    started = dt.datetime(2026, 3, 2, 9, n, tzinfo=UTC) + dt.timedelta(days=14 * int(sprint[-1]))
    return Run(id=f"{started:%Y%m%dT%H%M%SZ}-build-{author[:3].lower()}-{n:06x}", checklist="build",
               checklist_version="1.0", phase="build", language="en", sprint=sprint, author=f"{author} <{author.lower()}@example.com>",
               started=started, finished=started + dt.timedelta(minutes=5), answers=list(answers), reviews=list(reviews))


def report_page() -> str:
    first = _run(1, "S1", "Ana", Answer("contacted", "red", note='Only mails "quoted" & <b>tags</b>',
                                        action=Action("Call them", "Ana", dt.date(2026, 3, 20))), Answer("mood", 4))
    runs = [
        first,
        _run(2, "S2", "Ana", Answer("contacted", "amber", note="One call"), Answer("mood", 3),
             reviews=[ActionReview(first.id, "contacted", "done")]),
        _run(3, "S3", "Ana", Answer("contacted", "green"), Answer("mood", 1)),
        _run(4, "S3", "Jonas", Answer("contacted", "red", note="Not with the PO | only the PM"), Answer("mood", 5)),
    ]
    summary = summarize(runs, today=dt.date(2026, 4, 30))
    return report_html(build_report(summary, "S3", project="Shop <relaunch>"))


def chromium(*args: str, profile: Path) -> str:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=90,
                            env={**os.environ, "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


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
    probe = probe.replace("</body>", """<script>
for (const td of document.querySelectorAll("table.matrix td.cell")) {
  td.setAttribute("data-bg", getComputedStyle(td).backgroundColor);
}
</script></body>""")
    page = tmp_path / "probe.html"
    page.write_text(probe, encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    matrix = Matrix()
    matrix.feed(dom)
    colours = {key: cell.get("data-bg") for key, cell in matrix.cells.items()}
    assert colours[("contacted", "S1")] == "rgb(247, 181, 181)"  # red
    assert colours[("contacted", "S2")] == "rgb(255, 225, 166)"  # amber
    assert colours[("mood", "S1")] == "rgb(185, 228, 192)"  # green (4/5)
