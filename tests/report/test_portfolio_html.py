"""The portfolio's HTML report (`kundencheck portfolio report -o FILE.html`) opened in headless
Chromium: one page that loads nothing and runs no script, with a row per project (the worst
first), a cell per phase holding the verdict of the project's own rules in symbol and count,
coloured by the inline style sheet, and each project's findings below."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from click.testing import CliRunner

from kundencheck.cli import main
from tests.support.browsers import chromium, needs_chromium
from tests.support.portfolio import TODAY, agency

pytestmark = needs_chromium


class Rows(HTMLParser):
    """project -> {"state": ..., "cells": {phase: (attributes, text)}} of ``table.portfolio``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict] = {}
        self.row: str | None = None
        self.cell: dict | None = None
        self.findings: dict[str, list[str]] = {}
        self.section: str | None = None
        self.item: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("data-project"):
            self.row = attrs["data-project"]
            self.rows[self.row] = {"state": attrs.get("data-state"), "cells": {}}
        elif tag == "td" and self.row and attrs.get("data-phase"):
            self.cell = {**attrs, "text": ""}
            self.rows[self.row]["cells"][attrs["data-phase"]] = self.cell
        elif tag == "section" and (attrs.get("id") or "").startswith("project-"):
            self.section = attrs["id"][len("project-") :]
            self.findings[self.section] = []
        elif tag == "li" and self.section:
            self.item = []

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "li" and self.item is not None:
            self.findings[self.section].append("".join(self.item))
            self.item = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        if self.item is not None:
            self.item.append(data)


def page(tmp_path) -> str:
    folder = agency(tmp_path)["folder"]
    out = tmp_path / "index.html"
    result = CliRunner().invoke(
        main, ["-C", str(folder), "portfolio", "report", "-o", str(out), "--today", TODAY], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_the_portfolio_renders_in_chromium(tmp_path):
    html = page(tmp_path)
    path = tmp_path / "index.html"
    dom = chromium("--dump-dom", path.as_uri(), profile=tmp_path / "profile")
    rows = Rows()
    rows.feed(dom)
    assert list(rows.rows) == ["web", "shop", "intranet"]
    assert rows.rows["web"]["state"] == "stale"
    web, shop, intranet = (rows.rows[name]["cells"]["build"] for name in ("web", "shop", "intranet"))
    assert web["text"] == "✘ 3 *" and web["data-level"] == "error"
    assert shop["text"] == "✘ 1 ↑ *" and shop["data-trend"] == "better" and "current" in shop["class"]
    assert intranet["text"] == "⚠ 1 ↑ *" and intranet["data-level"] == "warning"
    assert shop["title"] == "build: ✘ 1 error, better"
    assert any(
        f.startswith("✘ overdue action (overdue_action): build/client-contacted: the action") for f in rows.findings["shop"]
    )
    assert rows.findings["web"][0] == "unreachable since 2026-03-20"
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_the_cells_get_their_colours(tmp_path):
    """A copy of the page with a probe script (and without the CSP that would block it) writes
    each cell's computed background into the DOM."""
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page(tmp_path))
    probe = probe.replace(
        "</body>",
        """<script>
for (const td of document.querySelectorAll("table.portfolio td.cell")) {
  td.setAttribute("data-bg", getComputedStyle(td).backgroundColor);
}
</script></body>""",
    )
    path = tmp_path / "probe.html"
    path.write_text(probe, encoding="utf-8")
    rows = Rows()
    rows.feed(chromium("--dump-dom", path.as_uri(), profile=tmp_path / "profile"))
    colours = {name: row["cells"]["build"].get("data-bg") for name, row in rows.rows.items()}
    assert colours == {"web": "rgb(247, 181, 181)", "shop": "rgb(247, 181, 181)", "intranet": "rgb(255, 225, 166)"}
