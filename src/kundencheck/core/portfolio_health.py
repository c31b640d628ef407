"""Every project of a portfolio judged by its own rules, and the portfolio's gate (docs/portfolio.md).

Pure: each project's history summary, its ``[check]`` levels and parameters, and what its
cache remembers of the fetches come in; the views' data go out. A project's health is what the
gate says in the project itself, from the same functions: :func:`kundencheck.core.gate.evaluate`
(what ``kundencheck check`` says in its repository: ``portfolio check``) and
:func:`kundencheck.core.gate.verdicts` (the verdict per phase ``status`` and the home screen
show: the portfolio's cells). Nothing here judges anything a second way.

A project is in one of these states:

- ``ok``: fetched and judged;
- ``stale``: its last fetch failed (the remote is unreachable, refused us, ran out of time):
  judged on the state the last complete fetch brought, and marked "unreachable since <date>";
- ``not-fetched``: no fetch has completed yet;
- ``broken``: fetched, but it cannot be judged (its config is broken): the error says why;
- ``not-set-up``: the project has no ``.kundencheck/config.toml`` and no answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kundencheck.core.checklist import KNOWN_PHASES
from kundencheck.core.gate import GateResult, evaluate, verdicts
from kundencheck.core.history import (
    HistorySummary,
    Trend,
    changes,
    order_phases,
    previous_picture,
    run_time,
)
from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.portfolio import ProjectEntry
from kundencheck.core.text import one_line

OK, STALE, NOT_FETCHED, BROKEN, NOT_SET_UP = "ok", "stale", "not-fetched", "broken", "not-set-up"
#: How the fetch problems (store/portfolio_cache.py, FetchProblem) read in a few words.
FETCH_PROBLEM_WORDS = {
    "unreachable": N_("the remote could not be reached"),
    "authentication": N_("the remote did not let us in"),
    "no-branch": N_("the remote has no branch {branch}"),
    "empty": N_("the remote has no commits"),
    "timeout": N_("the fetch ran out of time"),
    "busy": N_("another fetch was running"),
    "failed": N_("git could not fetch"),
}
#: The portfolio's own rules, besides each project's: a project that could not be fetched or
#: judged. ``unreachable`` is at the level of ``[check] unreachable`` in portfolio.toml.
PORTFOLIO_RULE_TITLES = {
    "unreachable": N_("unreachable"),
    "not_fetched": N_("not fetched"),
    "cannot_check": N_("cannot be checked"),
}


@dataclass(frozen=True)
class FetchFacts:
    """What a project's cache remembers of its fetches."""

    #: When the last complete fetch was (None: never).
    fetched: dt.datetime | None = None
    #: Since when fetches fail (None: the last one succeeded).
    failing_since: dt.datetime | None = None
    #: The last failure: a FetchProblem value, git's words, the branch it is about.
    problem: str = ""
    reason: str = ""
    branch: str = ""

    def problem_words(self) -> str:
        words = FETCH_PROBLEM_WORDS.get(self.problem)
        return translate(words).format(branch=self.branch or "?") if words else one_line(self.reason, 200)


@dataclass
class ProjectHealth:
    """One project of the portfolio as the views show it."""

    entry: ProjectEntry
    fetch: FetchFacts
    #: The project's name for people: its config's ``project``, else the portfolio's name.
    title: str = ""
    client: str = ""
    summary: HistorySummary | None = None
    #: Answers files that could not be read (left out, as in the project itself).
    problems: list[str] = field(default_factory=list)
    #: What ``kundencheck check`` says in the project (None: not judged).
    result: GateResult | None = None
    #: The verdict per phase (gate.verdicts), the cells of the portfolio.
    verdicts: dict[str, GateResult] = field(default_factory=dict)
    #: Why it could not be judged (a broken config), one paragraph.
    error: str = ""
    set_up: bool = True

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def state(self) -> str:
        if self.error:
            return BROKEN
        if self.summary is None:
            return NOT_FETCHED
        if not self.set_up and not self.summary.runs:
            return NOT_SET_UP
        return STALE if self.fetch.failing_since is not None else OK

    @property
    def judged(self) -> bool:
        return self.result is not None

    @property
    def current_phase(self) -> str | None:
        return self.summary.current_phase if self.summary is not None else None

    @property
    def errors(self) -> int:
        return len(self.result.errors) if self.result is not None else 0

    @property
    def warnings(self) -> int:
        return len(self.result.warnings) if self.result is not None else 0

    @property
    def overdue(self) -> int:
        return len(self.summary.overdue_actions()) if self.summary is not None else 0

    @property
    def open_actions(self) -> int:
        return len(self.summary.open_actions()) if self.summary is not None else 0

    @property
    def last_run(self) -> dt.date | None:
        if self.summary is None or not self.summary.runs:
            return None
        return max(run_time(run) for run in self.summary.runs).date()

    def due(self):
        """The current phase's due check (history.DueCheck), None when not judged."""
        if self.summary is None:
            return None
        status = self.summary.phase(self.summary.current_phase)
        if status is not None:
            return status.due
        from kundencheck.core.history import due_check

        return due_check([], self.summary.current_phase, self.summary.today, self.summary.cadence_days)

    def trend(self, phase: str) -> Trend:
        """The phase's last sprint against the one before, in one arrow: worse when more of its
        answers got worse than better, better the other way round, same otherwise (NONE: no
        sprint before)."""
        status = self.summary.phase(phase) if self.summary is not None else None
        if status is None:
            return Trend.NONE
        counts = status.trend
        worse, better = counts.get("worse", 0), counts.get("better", 0)
        if worse > better:
            return Trend.WORSE
        if better > worse:
            return Trend.BETTER
        return Trend.SAME if counts.get("same", 0) else Trend.NONE

    def key_signals(self) -> list[KeySignal]:
        """The key signals of the current phase's current sprint (the items its checklist marks
        as such) against the sprint before, as the gate's key_signal_low rule sees them."""
        if self.summary is None:
            return []
        status = self.summary.phase(self.summary.current_phase)
        picture = status.current if status is not None else None
        if picture is None:
            return []
        checklist = self.summary.checklists.get(picture.checklist)
        found = []
        for change in changes(picture.values(), previous_picture(self.summary.pictures, picture), checklist):
            if change.key_signal:
                item = checklist.item(change.item) if checklist is not None else None
                found.append(KeySignal(change.item, item.label if item is not None else change.item, change.band,
                                       change.trend, picture.sprint))
        return found


@dataclass(frozen=True)
class KeySignal:
    item: str
    title: str
    band: str | None
    trend: Trend
    sprint: str


def judge(entry: ProjectEntry, fetch: FetchFacts, summary: HistorySummary, problems: Iterable[str] = (), *,
          levels: Mapping[str, str] | None = None, parameters: Mapping[str, Mapping[str, int]] | None = None,
          title: str = "", client: str = "", set_up: bool = True) -> ProjectHealth:
    """A fetched project judged by its own rules (``levels`` and ``parameters``: its config's
    ``[check]`` table), as ``kundencheck check`` and ``status`` judge it in its repository."""
    problems = list(problems)
    return ProjectHealth(entry=entry, fetch=fetch, title=title or entry.name, client=entry.client or client,
                         summary=summary, problems=problems, result=evaluate(summary, levels, problems, parameters),
                         verdicts=verdicts(summary, levels, parameters), set_up=set_up)


def not_judged(entry: ProjectEntry, fetch: FetchFacts, *, error: str = "", title: str = "") -> ProjectHealth:
    """A project never fetched (``error`` empty) or that cannot be judged (``error`` says why)."""
    return ProjectHealth(entry=entry, fetch=fetch, title=title or entry.name, client=entry.client, error=error)


# --------------------------------------------------------------------------------- ordering


def worst_first(healths: Iterable[ProjectHealth]) -> list[ProjectHealth]:
    """Projects that cannot be judged first (nobody knows how they stand), then by errors,
    warnings, overdue actions and a due check, the fewest last; then stale before fresh, then
    by name."""
    def key(health: ProjectHealth):
        due = health.due()
        return (0 if health.state in (BROKEN, NOT_FETCHED) else 1, -health.errors, -health.warnings, -health.overdue,
                0 if due is not None and due.is_due else 1, 0 if health.state == STALE else 1, health.name.casefold())

    return sorted(healths, key=key)


def by_name(healths: Iterable[ProjectHealth]) -> list[ProjectHealth]:
    return sorted(healths, key=lambda h: h.name.casefold())


def phases_of(healths: Iterable[ProjectHealth]) -> list[str]:
    """Every phase worth a column: those any project has runs of, and each one's current phase,
    in phase order (the known phases first)."""
    found: set[str] = set()
    for health in healths:
        if health.summary is not None:
            found.update(status.phase for status in health.summary.phases if status.runs)
            found.add(health.summary.current_phase)
    return order_phases(found) if found else ["build"]


# --------------------------------------------------------------------------------- the gate


@dataclass(frozen=True)
class PortfolioFinding:
    """A finding of the portfolio's own rules about one project (it could not be fetched or
    judged); the projects' own findings are in their :attr:`ProjectHealth.result`."""

    project: str
    rule: str
    level: str
    message: str

    @property
    def title(self) -> str:
        return translate(PORTFOLIO_RULE_TITLES[self.rule])


@dataclass
class PortfolioResult:
    """What ``kundencheck portfolio check`` found."""

    today: dt.date
    healths: list[ProjectHealth]
    #: The level of ``[check] unreachable``.
    unreachable: str
    findings: list[PortfolioFinding] = field(default_factory=list)

    def of(self, health: ProjectHealth) -> list[PortfolioFinding]:
        return [f for f in self.findings if f.project == health.name]

    @property
    def errors(self) -> int:
        return sum(h.errors for h in self.healths) + sum(1 for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> int:
        return sum(h.warnings for h in self.healths) + sum(1 for f in self.findings if f.level == "warning")

    @property
    def failing(self) -> list[ProjectHealth]:
        """The projects with something at level error."""
        return [h for h in self.healths if h.errors or any(f.level == "error" for f in self.of(h))]

    @property
    def passed(self) -> bool:
        return self.errors == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def check_portfolio(healths: Iterable[ProjectHealth], today: dt.date, unreachable: str = "warning") -> PortfolioResult:
    """The portfolio's gate: every project's own gate (its :attr:`ProjectHealth.result`), and a
    finding for each project that could not be fetched (at ``unreachable``'s level, its last
    fetched state still judged) or cannot be judged (an error)."""
    result = PortfolioResult(today=today, healths=list(healths), unreachable=unreachable)
    for health in result.healths:
        state = health.state
        if state == BROKEN:
            result.findings.append(PortfolioFinding(health.name, "cannot_check", "error", _(
                "{project} cannot be checked: {error}").format(project=health.name, error=one_line(health.error, 600))))
        elif state == NOT_FETCHED and unreachable != "off":
            if health.fetch.failing_since is not None:
                message = _("{project} has never been fetched: {problem} (since {since}). Make `git ls-remote {remote}` "
                            "work where the portfolio is fetched, then `kundencheck portfolio fetch {project}`.")
            else:
                message = _("{project} has not been fetched yet: run `kundencheck portfolio fetch {project}` first.")
            result.findings.append(PortfolioFinding(health.name, "not_fetched", unreachable, message.format(
                project=health.name, problem=health.fetch.problem_words(), remote=health.entry.remote,
                since=_day(health.fetch.failing_since))))
        elif state == STALE and unreachable != "off":
            result.findings.append(PortfolioFinding(health.name, "unreachable", unreachable, _(
                "{project}: {problem} since {since}; its answers as fetched on {fetched} are judged. Make `git "
                "ls-remote {remote}` work where the portfolio is fetched, or remove the project from "
                "portfolio.toml.").format(project=health.name, problem=health.fetch.problem_words(),
                                          since=_day(health.fetch.failing_since), fetched=_day(health.fetch.fetched),
                                          remote=health.entry.remote)))
    return result


def _day(moment: dt.datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else "?"


def summary_line(result: PortfolioResult) -> str:
    """How the portfolio's gate came out, in words."""
    def counts() -> str:
        errors = (_("{n} error") if result.errors == 1 else _("{n} errors")).format(n=result.errors)
        warnings = (_("{n} warning") if result.warnings == 1 else _("{n} warnings")).format(n=result.warnings)
        return f"{errors}, {warnings}" if result.warnings else errors

    total = len(result.healths)
    if not result.passed:
        return _("kundencheck portfolio check: failed, {failing} of {total} projects ({counts}).").format(
            failing=len(result.failing), total=total, counts=counts())
    if result.warnings:
        warnings = (_("{n} warning") if result.warnings == 1 else _("{n} warnings")).format(n=result.warnings)
        return _("kundencheck portfolio check: passed with {warnings} in {total} projects.").format(
            warnings=warnings, total=total)
    return _("kundencheck portfolio check: passed, {total} projects, nothing found.").format(total=total)


# --------------------------------------------------------------------------------- words for the views


def state_words(health: ProjectHealth) -> str:
    """The project's state in a few words: "unreachable since 2026-11-30", "not fetched yet"."""
    state = health.state
    if state == STALE:
        return _("unreachable since {day}").format(day=_day(health.fetch.failing_since))
    if state == NOT_FETCHED:
        if health.fetch.failing_since is not None:
            return _("never fetched: {problem}").format(problem=health.fetch.problem_words())
        return _("not fetched yet")
    if state == BROKEN:
        return _("cannot be checked")
    if state == NOT_SET_UP:
        return _("not set up for kundencheck")
    return _("fetched {day}").format(day=_day(health.fetch.fetched))


def known_phase(phase: str) -> bool:
    return phase in KNOWN_PHASES


def as_of(healths: Iterable[ProjectHealth]) -> dict[str, Any]:
    """When the portfolio's data were fetched: the oldest and newest complete fetch."""
    moments = [h.fetch.fetched for h in healths if h.fetch.fetched is not None]
    return {"oldest": min(moments).isoformat() if moments else None, "newest": max(moments).isoformat() if moments else None}
