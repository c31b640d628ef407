"""The portfolio's outputs: ``portfolio status|report`` as JSON, Markdown, a self-contained HTML
page and CSV, and ``portfolio check`` as JSON and GitHub annotations. Pure: the projects'
health (:mod:`kundencheck.core.portfolio_health`) in, text out.

Every cell says what the gate says of that project's phase (:func:`kundencheck.core.gate.verdicts`)
in symbol and count (✘ errors, ⚠ warnings, ✔ ok) with the phase's trend arrow; colour only
underlines it. JSON and CSV are for programs: keys and values stay English. Markdown and HTML
are for people and follow the language. Text people typed is cleaned and escaped as in the
sprint report (core/report.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from typing import Any

from kundencheck.core.gate import escape_data, escape_property
from kundencheck.core.history import TREND_ARROWS, Trend
from kundencheck.core.i18n import _, current_language, ngettext, translate
from kundencheck.core.portfolio_health import (
    PhaseVerdict,
    PortfolioResult,
    ProjectHealth,
    phases_of,
    state_words,
    summary_line,
)
from kundencheck.core.report import TREND_WORDS, md
from kundencheck.core.text import clean_text, hide_credentials, one_line

SCHEMA = 1


# --------------------------------------------------------------------------------- cells


def verdict_level(verdict: PhaseVerdict | None) -> str:
    """ "error", "warning", "ok", or "" (not judged)."""
    if verdict is None:
        return ""
    return "error" if verdict.errors else "warning" if verdict.warnings else "ok"


def cell_text(verdict: PhaseVerdict | None, trend: Trend = Trend.NONE) -> str:
    """A phase's verdict in a cell: ``✘ 2 ⚠ 1 ↓``, ``⚠ 1 →``, ``✔ ↑``; ``·`` without one."""
    if verdict is None:
        return "·"
    errors, warnings = verdict.errors, verdict.warnings
    parts = []
    if errors:
        parts.append(f"✘ {errors}")
    if warnings:
        parts.append(f"⚠ {warnings}")
    if not parts:
        parts.append("✔")
    arrow = TREND_ARROWS[trend]
    if arrow:
        parts.append(arrow)
    return " ".join(parts)


def legend() -> str:
    return _(
        "Each cell is the verdict of the project's own rules on the phase, as `kundencheck check` and `status` "
        "give it there: ✘ errors, ⚠ warnings, ✔ nothing found, · no runs; ↑ better, → same, ↓ worse than the "
        "sprint before. * the project's current phase."
    )


def due_words(health: ProjectHealth) -> str:
    due = health.due()
    if due is None:
        return ""
    if due.last_checked is None:
        return _("never checked")
    if due.is_due:
        return _("due since {day}").format(day=due.due_on.isoformat() if due.due_on else "?")
    return _("ok until {day}").format(day=due.due_on.isoformat() if due.due_on else "?")


# --------------------------------------------------------------------------------- JSON


def _moment(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def project_dict(health: ProjectHealth, phases: list[str]) -> dict[str, Any]:
    """One project as ``portfolio status --format json`` carries it (docs/portfolio.md)."""
    entry = health.entry
    document = health.document or {}
    cells = {}
    for phase in phases:
        verdict = document.get("phases", {}).get(phase)
        cells[phase] = (
            None
            if verdict is None
            else {key: verdict[key] for key in ("passed", "errors", "warnings", "trend", "runs", "findings")}
        )
    return {
        "name": entry.name,
        "remote": hide_credentials(entry.remote),
        "branch": entry.branch,
        "client": clean_text(health.client),
        "owner": clean_text(entry.owner),
        "tags": [clean_text(t) for t in entry.tags],
        "title": clean_text(health.title),
        "state": health.state,
        "fetched": _moment(health.fetch.fetched),
        "unreachable_since": _moment(health.fetch.failing_since),
        "fetch_problem": health.fetch.problem or None,
        "fetch_reason": clean_text(hide_credentials(health.fetch.reason)) or None,
        "error": clean_text(hide_credentials(health.error)) or None,
        "current_phase": health.current_phase,
        "passed": health.passed,
        "errors": health.errors,
        "warnings": health.warnings,
        "open_actions": health.open_actions,
        "overdue_actions": health.overdue,
        "due": document.get("due"),
        "last_run": document.get("last_run"),
        "runs": health.runs,
        "problems": [clean_text(p) for p in health.problems],
        "phases": cells,
        "key_signals": [
            {**signal, "title": clean_text(signal["title"]), "sprint": clean_text(signal["sprint"])}
            for signal in document.get("key_signals", [])
        ],
    }


def status_dict(healths: list[ProjectHealth], today: dt.date, *, title: str = "", unreachable: str = "warning") -> dict[str, Any]:
    phases = phases_of(healths)
    return {
        "schema": SCHEMA,
        "title": clean_text(title),
        "today": today.isoformat(),
        "unreachable": unreachable,
        "phases": phases,
        "projects": [project_dict(h, phases) for h in healths],
    }


def status_json(healths: list[ProjectHealth], today: dt.date, **kwargs: Any) -> str:
    return json.dumps(status_dict(healths, today, **kwargs), ensure_ascii=False, indent=2) + "\n"


def check_dict(result: PortfolioResult) -> dict[str, Any]:
    """The document ``portfolio check --format json`` prints: per project the document
    ``kundencheck check --format json`` prints in it, and the portfolio's own findings."""
    projects = []
    for health in result.healths:
        projects.append(
            {
                "name": health.name,
                "remote": hide_credentials(health.entry.remote),
                "state": health.state,
                "fetched": _moment(health.fetch.fetched),
                "unreachable_since": _moment(health.fetch.failing_since),
                "passed": not health.errors and not any(f.level == "error" for f in result.of(health)),
                "check": health.check,
                "findings": [
                    {"rule": f.rule, "level": f.level, "title": f.title, "message": f.message} for f in result.of(health)
                ],
            }
        )
    return {
        "schema": SCHEMA,
        "passed": result.passed,
        "exit_code": result.exit_code,
        "today": result.today.isoformat(),
        "rules": {"unreachable": result.unreachable},
        "errors": result.errors,
        "warnings": result.warnings,
        "projects": projects,
    }


def check_json(result: PortfolioResult) -> str:
    return json.dumps(check_dict(result), ensure_ascii=False, indent=2) + "\n"


def github_annotations(result: PortfolioResult) -> str:
    """GitHub Actions workflow commands, as ``kundencheck check --format github`` writes them,
    each finding's title and message naming its project (the file it names is in the project's
    repository, not the portfolio's, so none is given)."""
    lines = []
    for health in result.healths:
        for finding in result.of(health):
            command = "error" if finding.level == "error" else "warning"
            title = escape_property(f"kundencheck: {health.name}: {finding.title}")
            lines.append(f"::{command} title={title}::{escape_data(finding.message)}")
        for view in [v for v in health.findings() if v.shown]:
            command = "error" if view.level == "error" else "warning"
            title = escape_property(f"kundencheck: {health.name}: {view.title}")
            lines.append(f"::{command} title={title}::{escape_data(f'{health.name}: {view.message}')}")
        for note in health.more_notes() + health.notes:
            lines.append(f"::notice title={escape_property('kundencheck: ' + health.name)}::{escape_data(note)}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- CSV


def status_csv(healths: list[ProjectHealth]) -> str:
    """One row per project for a spreadsheet: English column names and values; per phase its
    verdict (error, warning, ok, or empty without runs) and trend."""
    phases = phases_of(healths)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [
        "name",
        "title",
        "client",
        "owner",
        "tags",
        "state",
        "fetched",
        "unreachable_since",
        "current_phase",
        "passed",
        "errors",
        "warnings",
        "open_actions",
        "overdue_actions",
        "check_due",
        "due_on",
        "last_run",
    ]
    for phase in phases:
        header += [phase, f"{phase}_trend"]
    writer.writerow(header)
    for health in healths:
        due = health.due()
        row = [
            health.name,
            _csv_text(health.title),
            _csv_text(health.client),
            _csv_text(health.entry.owner),
            ";".join(_csv_text(t) for t in health.entry.tags),
            health.state,
            _moment(health.fetch.fetched) or "",
            _moment(health.fetch.failing_since) or "",
            health.current_phase or "",
            "" if health.passed is None else ("yes" if health.passed else "no"),
            health.errors,
            health.warnings,
            health.open_actions,
            health.overdue,
            "" if due is None else ("yes" if due.is_due else "no"),
            due.due_on.isoformat() if due is not None and due.due_on else "",
            health.last_run.isoformat() if health.last_run else "",
        ]
        for phase in phases:
            verdict = health.verdict(phase)
            row += [verdict_level(verdict), verdict.trend.value if verdict is not None else ""]
        writer.writerow(row)
    return out.getvalue()


def _csv_text(text: str) -> str:
    """Typed text for a spreadsheet cell: one line, and never read as a formula (a leading =,
    +, - or @ is what spreadsheets take for one)."""
    text = one_line(text, 200)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --------------------------------------------------------------------------------- Markdown


def _as_of(today: dt.date, n: int) -> str:
    return ngettext("As of {today}, {n} project, the worst first.", "As of {today}, {n} projects, the worst first.", n).format(
        today=today.isoformat(), n=n
    )


def status_markdown(healths: list[ProjectHealth], today: dt.date, *, title: str = "") -> str:
    phases = phases_of(healths)
    heading = md(title, 100) if title else _("kundencheck portfolio")
    out = [
        f"# {heading}",
        "",
        _as_of(today, len(healths)),
        "",
        legend(),
        "",
    ]
    out.append("| " + " | ".join([_("Project"), _("Client"), _("Owner"), *phases, _("Overdue"), _("Check"), _("Fetched")]) + " |")
    out.append("|---" * (len(phases) + 6) + "|")
    for health in healths:
        cells = []
        for phase in phases:
            text = cell_text(health.verdict(phase), health.trend(phase))
            cells.append(text + (" \\*" if phase == health.current_phase else ""))
        fetched = state_words(health)
        if health.flagged:
            fetched = f"**{fetched}**"
        out.append(
            "| "
            + " | ".join(
                [
                    f"{md(health.name)} ({md(health.title, 60)})",
                    md(health.client, 60),
                    md(health.entry.owner, 40),
                    *cells,
                    str(health.overdue) if health.overdue else "",
                    due_words(health),
                    fetched,
                ]
            )
            + " |"
        )
    for health in healths:
        lines = _details(health)
        if lines:
            out += ["", f"## {md(health.name)}: {md(health.title, 100)}", ""]
            out += [f"- {md(line, 1000)}" for line in lines]
    return "\n".join(out) + "\n"


def _details(health: ProjectHealth) -> list[str]:
    """What to know about a project beyond its cells, as lines for people: why it is not
    judged, its findings in the words of `kundencheck check`, its notes."""
    lines = []
    if health.state != "ok":
        lines.append(state_words(health) + (f": {one_line(health.error, 600)}" if health.error else ""))
    for finding in health.findings():
        if finding.shown:
            lines.append(f"{'✘' if finding.level == 'error' else '⚠'} {finding.title} ({finding.rule}): {finding.message}")
    lines += [f"… {note}" for note in health.more_notes()]
    lines += health.notes
    return lines


# --------------------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       background: #fff; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
.about, .legend { color: #444; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.cell { text-align: center; white-space: nowrap; min-width: 4.5rem; }
td.cell.current { font-weight: 700; }
.level-error { background: #f7b5b5; color: #6b0d0d; }
.level-warning { background: #ffe1a6; color: #5c3d00; }
.level-ok { background: #b9e4c0; color: #0d4a1a; }
.cell.empty { color: #888; }
tr.stale td, tr.stale th { font-style: italic; }
.state { color: #8a0000; font-weight: 600; }
.title { color: #444; font-weight: normal; }
ul.findings li { margin-bottom: .3rem; }
"""


def _h(text: Any, limit: int | None = None) -> str:
    return html.escape(one_line(str(text), limit) if limit is not None else clean_text(str(text)))  # (quotes too, by default)


def status_html(healths: list[ProjectHealth], today: dt.date, *, title: str = "") -> str:
    """One self-contained page (no network, no scripts): the projects down, the phases across,
    then each project's findings. Fit to publish as a static page."""
    phases = phases_of(healths)
    heading = title or _("kundencheck portfolio")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(current_language())}">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(heading, 100)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(heading, 100)}</h1>",
        '<p class="about">' + _h(_as_of(today, len(healths))) + "</p>",
        f'<p class="legend">{_h(legend())}</p>',
        '<table class="portfolio">',
        "<thead><tr>",
    ]
    columns = [_("Project"), _("Client"), _("Owner"), *phases, _("Overdue"), _("Check"), _("Fetched")]
    out.append("".join(f'<th scope="col">{_h(c)}</th>' for c in columns) + "</tr></thead><tbody>")
    for health in healths:
        row = [
            f'<tr data-project="{_h(health.name)}" data-state="{_h(health.state)}"'
            + (' class="stale"' if health.state == "stale" else "")
            + ">",
            (
                f'<th scope="row"><a href="#project-{_h(health.name)}">{_h(health.name)}</a>'
                f'<br><span class="title">{_h(health.title, 60)}</span></th>'
            ),
            f"<td>{_h(health.client, 60)}</td>",
            f"<td>{_h(health.entry.owner, 40)}</td>",
        ]
        for phase in phases:
            verdict = health.verdict(phase)
            level = verdict_level(verdict)
            classes = ["cell", f"level-{level}" if level else "empty"] + (["current"] if phase == health.current_phase else [])
            trend = health.trend(phase)
            hover = (
                phase
                if verdict is None
                else f"{phase}: {verdict.words}" + (f", {translate(TREND_WORDS[trend])}" if TREND_WORDS[trend] else "")
            )
            star = " *" if phase == health.current_phase else ""
            row.append(
                f'<td class="{" ".join(classes)}" data-phase="{_h(phase)}" data-level="{_h(level)}" '
                f'data-trend="{_h(trend.value)}" title="{_h(hover)}">{_h(cell_text(verdict, trend))}{star}</td>'
            )
        row.append(f"<td>{health.overdue or ''}</td><td>{_h(due_words(health))}</td>")
        fetched = _h(state_words(health))
        row.append(f'<td><span class="state">{fetched}</span></td>' if health.flagged else f"<td>{fetched}</td>")
        out.append("".join(row) + "</tr>")
    out.append("</tbody></table>")
    for health in healths:
        lines = _details(health)
        out.append(f'<section class="project" id="project-{_h(health.name)}">')
        out.append(f'<h2>{_h(health.name)} <span class="title">{_h(health.title, 100)}</span></h2>')
        if lines:
            out.append('<ul class="findings">' + "".join(f"<li>{_h(line, 1000)}</li>" for line in lines) + "</ul>")
        else:
            out.append("<p>" + _h(_("Nothing found.")) + "</p>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_status(healths: list[ProjectHealth], today: dt.date, fmt: str, *, title: str, unreachable: str) -> str:
    """``portfolio status|report`` in ``fmt`` (json, md, html, csv); text is drawn by the CLI."""
    if fmt == "json":
        return status_json(healths, today, title=title, unreachable=unreachable)
    if fmt == "md":
        return status_markdown(healths, today, title=title)
    if fmt == "html":
        return status_html(healths, today, title=title)
    if fmt == "csv":
        return status_csv(healths)
    raise ValueError(fmt)
