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
- ``not-set-up``: the project has no ``.kundencheck/`` folder: judged as ``kundencheck check``
  judges such a repository (:func:`kundencheck.core.gate.not_started`: it passes, with a note).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kundencheck.core.gate import errors_words, evaluate, not_started, verdicts, warnings_words
from kundencheck.core.history import (
    HistorySummary,
    Trend,
    changes,
    order_phases,
    previous_picture,
    run_time,
)
from kundencheck.core.i18n import N_, _, ngettext, translate
from kundencheck.core.portfolio import ProjectEntry
from kundencheck.core.text import hide_credentials, one_line

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


class FetchFacts(NamedTuple):
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
        return translate(words).format(branch=self.branch or "?") if words else one_line(hide_credentials(self.reason), 200)


#: The version of a project's health document (:func:`health_document`); a portfolio keeps one
#: per project between runs, and one of another version is made again.
DOCUMENT_VERSION = 2


def health_document(
    summary: HistorySummary,
    problems: Iterable[str] = (),
    *,
    levels: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, int]] | None = None,
    title: str = "",
    client: str = "",
) -> dict[str, Any]:
    """Everything the views show of a project, judged by its own rules (``levels`` and
    ``parameters``: its config's ``[check]`` table) as ``kundencheck check`` and ``status``
    judge it in its repository, as plain data: ``check`` is the document ``kundencheck check
    --format json`` prints there (gate.evaluate), ``phases`` each phase's verdict as ``status``
    and the home screen show it (gate.verdicts). A portfolio keeps it between runs, so a status
    with nothing new does not read every project's history again."""
    from kundencheck.core.gate import finding_dict, result_dict, verdict_words
    from kundencheck.core.report import due_dict

    problems = list(problems)
    result = evaluate(summary, levels, problems, parameters)
    phases: dict[str, Any] = {}
    judged = verdicts(summary, levels, parameters)
    for status in summary.phases:  # (the phases verdicts judges)
        verdict = judged[status.phase]
        phases[status.phase] = {
            "passed": verdict.passed,
            "errors": len(verdict.errors),
            "warnings": len(verdict.warnings),
            "words": verdict_words(verdict),
            "trend": _phase_trend(status.trend).value,
            "runs": status.runs,
            "findings": [finding_dict(f) for f in verdict.findings],
        }
    due = summary.current_status.due
    last = max((run_time(run) for run in summary.runs), default=None)
    return {
        "version": DOCUMENT_VERSION,
        "title": title,
        "client": client,
        "current_phase": summary.current_phase,
        "today": summary.today.isoformat(),
        "runs": len(summary.runs),
        "last_run": last.date().isoformat() if last is not None else None,
        "open_actions": len(summary.open_actions()),
        "overdue_actions": len(summary.overdue_actions()),
        "problems": problems,
        "due": due_dict(due),
        "phases": phases,
        "check": result_dict(result),
        "shown": [f.shown for f in result.findings],
        "more": [[rule, phase, count] for rule, phase, count in result.more],
        "key_signals": [
            {"item": s.item, "title": s.title, "band": s.band, "trend": s.trend.value, "sprint": s.sprint}
            for s in _key_signals(summary)
        ],
    }


def not_started_document(
    today: dt.date,
    *,
    current_phase: str = "build",
    levels: Mapping[str, str] | None = None,
    title: str = "",
    client: str = "",
) -> dict[str, Any]:
    """The health document of a project without a ``.kundencheck/`` folder: ``check`` is what
    ``kundencheck check`` says in such a repository (gate.not_started: it passes, with a note),
    and there is nothing else to show: no phase verdicts, no due check, no actions."""
    from kundencheck.core.gate import result_dict

    return {
        "version": DOCUMENT_VERSION,
        "title": title,
        "client": client,
        "current_phase": current_phase,
        "today": today.isoformat(),
        "runs": 0,
        "last_run": None,
        "open_actions": 0,
        "overdue_actions": 0,
        "problems": [],
        "due": None,
        "phases": {},
        "check": result_dict(not_started(today, current_phase, levels)),
        "shown": [],
        "more": [],
        "key_signals": [],
    }


def _phase_trend(counts: Mapping[str, int]) -> Trend:
    """A phase's last sprint against the one before, in one arrow, from the trend counts
    ``status`` and the home screen show: worse when more answers got worse than better,
    better the other way round, same otherwise (NONE: nothing to compare)."""
    worse, better = counts.get("worse", 0), counts.get("better", 0)
    if worse > better:
        return Trend.WORSE
    if better > worse:
        return Trend.BETTER
    return Trend.SAME if worse or counts.get("same") else Trend.NONE


def _key_signals(summary: HistorySummary) -> list[KeySignal]:
    """The key signals of the current phase's current sprint (the items its checklist marks as
    such) against the sprint before, as the gate's key_signal_low rule sees them."""
    picture = summary.current_status.current
    if picture is None:
        return []
    checklist = summary.checklists.get(picture.checklist)
    if checklist is None:  # (a checklist no longer there marks no item a key signal)
        return []
    labels = {item.id: item.label for item in checklist.items}
    return [
        KeySignal(change.item, labels[change.item], change.band, change.trend, picture.sprint)
        for change in changes(picture.values(), previous_picture(summary.pictures, picture), checklist)
        if change.key_signal  # (an item of the checklist, which marks it so)
    ]


class KeySignal(NamedTuple):
    item: str
    title: str
    band: str | None
    trend: Trend
    sprint: str


class PhaseVerdict(NamedTuple):
    """A phase's verdict as the portfolio shows it (from gate.verdicts)."""

    passed: bool
    errors: int
    warnings: int
    #: The verdict in words, gate.verdict_words: "✘ 2 errors, 1 warning".
    words: str
    trend: Trend
    runs: int
    findings: list[dict[str, Any]]


class FindingView(NamedTuple):
    """A finding of a project's gate, as ``kundencheck check`` words it."""

    rule: str
    level: str
    title: str
    message: str
    phase: str
    #: Whether the text and GitHub outputs list it (the JSON document lists every finding).
    shown: bool = True


class DueView(NamedTuple):
    """The current phase's due check (history.DueCheck), as the views need it."""

    is_due: bool
    last_checked: dt.date | None
    due_on: dt.date | None
    days_since: int | None
    cadence_days: int


def _count(document: Mapping[str, Any] | None, key: str) -> int:
    """A count of a project's health document (or of its check), 0 where there is none (a
    project never fetched, or not judged)."""
    if document is None:
        return 0
    count: int = document[key]  # check_document made sure it is one
    return count


@dataclass
class ProjectHealth:
    """One project of the portfolio as the views show it: its entry, what its cache remembers
    of the fetches, and its health document (:func:`health_document`; None when it was never
    fetched or cannot be judged, ``error`` saying why)."""

    entry: ProjectEntry
    fetch: FetchFacts
    document: dict[str, Any] | None = None
    error: str = ""

    def __post_init__(self) -> None:
        if self.document is not None:
            check_document(self.document)  # a kept one that is not what health_document makes is never believed

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def title(self) -> str:
        return (self.document or {}).get("title") or self.entry.name

    @property
    def client(self) -> str:
        return self.entry.client or (self.document or {}).get("client", "")

    @property
    def state(self) -> str:
        if self.error:
            return BROKEN
        if self.document is None:
            return NOT_FETCHED
        if self.fetch.failing_since is not None:
            return STALE
        return NOT_SET_UP if self.check is not None and self.check["started"] is False else OK

    @property
    def flagged(self) -> bool:
        """Whether the views point its state out (in red): its data are not up to date or it
        cannot be judged. A project that does not use kundencheck is not flagged."""
        return self.state in (STALE, NOT_FETCHED, BROKEN)

    @property
    def judged(self) -> bool:
        return self.document is not None

    @property
    def check(self) -> dict[str, Any] | None:
        """The document ``kundencheck check --format json`` prints in the project."""
        return self.document["check"] if self.document is not None else None

    @property
    def passed(self) -> bool | None:
        return self.check["passed"] if self.check is not None else None

    @property
    def current_phase(self) -> str | None:
        return self.document["current_phase"] if self.document is not None else None

    @property
    def errors(self) -> int:
        return _count(self.check, "errors")

    @property
    def warnings(self) -> int:
        return _count(self.check, "warnings")

    @property
    def overdue(self) -> int:
        return _count(self.document, "overdue_actions")

    @property
    def open_actions(self) -> int:
        return _count(self.document, "open_actions")

    @property
    def runs(self) -> int:
        return _count(self.document, "runs")

    @property
    def problems(self) -> list[str]:
        return list(self.document["problems"]) if self.document is not None else []

    @property
    def last_run(self) -> dt.date | None:
        day = (self.document or {}).get("last_run")
        return dt.date.fromisoformat(day) if day else None

    @property
    def phases(self) -> list[str]:
        return list(self.document["phases"]) if self.document is not None else []

    def verdict(self, phase: str) -> PhaseVerdict | None:
        found = self.document["phases"].get(phase) if self.document is not None else None
        if found is None:
            return None
        return PhaseVerdict(
            found["passed"],
            found["errors"],
            found["warnings"],
            found["words"],
            Trend(found["trend"]),
            found["runs"],
            found["findings"],
        )

    def trend(self, phase: str) -> Trend:
        verdict = self.verdict(phase)
        return verdict.trend if verdict is not None else Trend.NONE

    def due(self) -> DueView | None:
        """The current phase's due check, None when not judged (or not set up)."""
        if self.document is None or self.document["due"] is None:
            return None
        due = self.document["due"]

        def day(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return DueView(due["is_due"], day(due["last_checked"]), day(due["due_on"]), due["days_since"], due["cadence_days"])

    def findings(self) -> list[FindingView]:
        """Every finding of the project's gate (``shown``: those the text and GitHub outputs list)."""
        if self.document is None:
            return []
        findings, shown = self.document["check"]["findings"], self.document["shown"]
        return [
            FindingView(f["rule"], f["level"], f["title"], f["message"], f["phase"], one)
            for f, one in zip(findings, shown, strict=True)  # pragma: no mutate (check_document made them as long)
        ]

    @property
    def notes(self) -> list[str]:
        return list(self.check["notes"]) if self.check is not None else []

    def more_notes(self) -> list[str]:
        """After the few findings of a rule and phase the outputs list: "overdue action: and 37
        more: kundencheck actions --phase build" (as gate.more_notes says it)."""
        from kundencheck.core.gate import RULE_TITLES
        from kundencheck.core.report import more_text

        return [
            f"{translate(RULE_TITLES[rule]) if rule in RULE_TITLES else rule}: {more_text(count, phase)}"
            for rule, phase, count in (self.document or {}).get("more", [])
        ]

    def key_signals(self) -> list[KeySignal]:
        if self.document is None:
            return []
        return [KeySignal(s["item"], s["title"], s["band"], Trend(s["trend"]), s["sprint"]) for s in self.document["key_signals"]]


def check_document(document: Any) -> None:
    """Raise ValueError unless ``document`` has the shape :func:`health_document` gives."""

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"not a health document: {what}")

    need(isinstance(document, dict) and document.get("version") == DOCUMENT_VERSION, "version")
    for key, kind in (
        ("title", str),
        ("client", str),
        ("current_phase", str),
        ("runs", int),
        ("open_actions", int),
        ("overdue_actions", int),
        ("problems", list),
        ("phases", dict),
        ("check", dict),
        ("shown", list),
        ("more", list),
        ("key_signals", list),
    ):
        need(isinstance(document.get(key), kind), key)
    check = document["check"]
    need(isinstance(check.get("findings"), list) and len(check["findings"]) == len(document["shown"]), "findings")
    need(
        all(
            isinstance(f, dict) and all(isinstance(f.get(k), str) for k in ("rule", "level", "title", "message", "phase"))
            for f in check["findings"]
        ),
        "a finding",
    )
    need(
        isinstance(check.get("errors"), int)
        and isinstance(check.get("warnings"), int)
        and isinstance(check.get("passed"), bool)
        and isinstance(check.get("started"), bool)
        and isinstance(check.get("notes"), list),
        "the check",
    )
    for phase in document["phases"].values():
        need(
            isinstance(phase, dict)
            and isinstance(phase.get("errors"), int)
            and isinstance(phase.get("warnings"), int)
            and isinstance(phase.get("words"), str)
            and isinstance(phase.get("findings"), list)
            and phase.get("trend") in {t.value for t in Trend},
            "a phase",
        )
    due = document.get("due")
    need(due is None or isinstance(due, dict), "due")
    dates = [document.get("last_run")]
    if due is not None:
        need(isinstance(due.get("is_due"), bool) and isinstance(due.get("cadence_days"), int), "the due check")
        dates += [due.get("last_checked"), due.get("due_on")]
    for value in dates:
        if value is not None:
            dt.date.fromisoformat(value)  # raises ValueError
    for signal in document["key_signals"]:
        need(isinstance(signal, dict) and signal.get("trend") in {t.value for t in Trend}, "a key signal")
    for more in document["more"]:
        need(isinstance(more, list) and len(more) == 3 and isinstance(more[2], int), "more")


def judge(
    entry: ProjectEntry,
    fetch: FetchFacts,
    summary: HistorySummary,
    problems: Iterable[str] = (),
    *,
    levels: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, int]] | None = None,
    title: str = "",
    client: str = "",
) -> ProjectHealth:
    """A fetched project judged by its own rules (see :func:`health_document`)."""
    return ProjectHealth(
        entry=entry,
        fetch=fetch,
        document=health_document(
            summary, problems, levels=levels, parameters=parameters, title=title or entry.name, client=client
        ),
    )


def judge_not_started(entry: ProjectEntry, fetch: FetchFacts, today: dt.date) -> ProjectHealth:
    """A fetched project without a ``.kundencheck/`` folder, judged as ``kundencheck check``
    judges it in its repository (see :func:`not_started_document`)."""
    return ProjectHealth(entry=entry, fetch=fetch, document=not_started_document(today, title=entry.name))


def not_judged(entry: ProjectEntry, fetch: FetchFacts, *, error: str = "") -> ProjectHealth:
    """A project never fetched (``error`` empty) or that cannot be judged (``error`` says why;
    a password or token in it is hidden for every view)."""
    return ProjectHealth(entry=entry, fetch=fetch, error=hide_credentials(error))


# --------------------------------------------------------------------------------- ordering


def worst_first(healths: Iterable[ProjectHealth]) -> list[ProjectHealth]:
    """Projects that cannot be judged first (nobody knows how they stand), then by errors,
    warnings, overdue actions and a due check, the fewest last; then stale before fresh, then
    by name."""

    def key(health: ProjectHealth) -> tuple[bool, int, int, int, bool, bool, str]:
        due = health.due()
        return (  # False sorts first
            health.state not in (BROKEN, NOT_FETCHED),
            -health.errors,
            -health.warnings,
            -health.overdue,
            not (due is not None and due.is_due),
            health.state != STALE,
            health.name.casefold(),
        )

    return sorted(healths, key=key)


def by_name(healths: Iterable[ProjectHealth]) -> list[ProjectHealth]:
    return sorted(healths, key=lambda h: h.name.casefold())


def phases_of(healths: Iterable[ProjectHealth]) -> list[str]:
    """Every phase worth a column: those any project has runs of, and each one's current phase,
    in phase order (the known phases first)."""
    found: set[str] = set()
    for health in healths:
        if health.document is not None:
            found.update(phase for phase, verdict in health.document["phases"].items() if verdict["runs"])
            found.add(health.document["current_phase"])
    return order_phases(found) if found else ["build"]


# --------------------------------------------------------------------------------- the gate


class PortfolioFinding(NamedTuple):
    """A finding of the portfolio's own rules about one project (it could not be fetched or
    judged); the projects' own findings are in their :attr:`ProjectHealth.check`."""

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
    """The portfolio's gate: every project's own gate (its :attr:`ProjectHealth.check`), and a
    finding for each project that could not be fetched (at ``unreachable``'s level, its last
    fetched state still judged) or cannot be judged (an error)."""
    result = PortfolioResult(today=today, healths=list(healths), unreachable=unreachable)
    for health in result.healths:
        state = health.state
        if state == BROKEN:
            result.findings.append(
                PortfolioFinding(
                    health.name,
                    "cannot_check",
                    "error",
                    _("{project} cannot be checked: {error}").format(
                        project=health.name, error=one_line(hide_credentials(health.error), 600)
                    ),
                )
            )
        elif state == NOT_FETCHED and unreachable != "off":
            if health.fetch.failing_since is not None:
                message = _(
                    "{project} has never been fetched: {problem} (since {since}). Make `git ls-remote {remote}` "
                    "work where the portfolio is fetched, then `kundencheck portfolio fetch {project}`."
                )
            else:
                message = _("{project} has not been fetched yet: run `kundencheck portfolio fetch {project}` first.")
            result.findings.append(
                PortfolioFinding(
                    health.name,
                    "not_fetched",
                    unreachable,
                    message.format(
                        project=health.name,
                        problem=health.fetch.problem_words(),
                        remote=hide_credentials(health.entry.remote),
                        since=_day(health.fetch.failing_since),
                    ),
                )
            )
        elif state == STALE and unreachable != "off":
            result.findings.append(
                PortfolioFinding(
                    health.name,
                    "unreachable",
                    unreachable,
                    _(
                        "{project}: {problem} since {since}; its answers as fetched on {fetched} are judged. Make `git "
                        "ls-remote {remote}` work where the portfolio is fetched, or remove the project from "
                        "portfolio.toml."
                    ).format(
                        project=health.name,
                        problem=health.fetch.problem_words(),
                        since=_day(health.fetch.failing_since),
                        fetched=_day(health.fetch.fetched),
                        remote=hide_credentials(health.entry.remote),
                    ),
                )
            )
    return result


def _day(moment: dt.datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else "?"


def summary_line(result: PortfolioResult) -> str:
    """How the portfolio's gate came out, in words."""

    def counts() -> str:
        errors = errors_words(result.errors)
        return f"{errors}, {warnings_words(result.warnings)}" if result.warnings else errors

    total = len(result.healths)
    if not result.passed:
        return ngettext(
            "kundencheck portfolio check: failed, {failing} of {total} project ({counts}).",
            "kundencheck portfolio check: failed, {failing} of {total} projects ({counts}).",
            total,
        ).format(failing=len(result.failing), total=total, counts=counts())
    if result.warnings:
        return ngettext(
            "kundencheck portfolio check: passed with {warnings} in {total} project.",
            "kundencheck portfolio check: passed with {warnings} in {total} projects.",
            total,
        ).format(warnings=warnings_words(result.warnings), total=total)
    return ngettext(
        "kundencheck portfolio check: passed, {total} project, nothing found.",
        "kundencheck portfolio check: passed, {total} projects, nothing found.",
        total,
    ).format(total=total)


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
