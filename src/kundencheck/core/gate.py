"""The gate behind ``kundencheck check``: rules over the history summary, for CI and hooks.

Pure: a :class:`~kundencheck.core.history.HistorySummary` (which carries ``today``) and the
project's rule levels in, a :class:`GateResult` out; no I/O, no clock. docs/gate.md explains
the rules and the JSON document in prose.

The rules (``CHECK_RULES``), each ``"error"``, ``"warning"`` or ``"off"`` (the ``[check]``
table of ``.kundencheck/config.toml``; every rule is an error by default):

- ``due``: the current phase's check is due (its last run is ``cadence_days`` or more days
  old) or was never done.
- ``key_signal_low``: in the current phase's current sprint, an item the checklist marks as a
  key signal (team mood, client contact, expectations) is red.
- ``red_streak``: an item of the current sprint has been red for ``sprints`` sprints in a row
  (default 2), whatever became of its actions: dropping or closing an action never clears the
  red it was raised for.
- ``decline``: ``items`` or more items (default 3) are worse than in the sprint before, judged
  by :func:`kundencheck.core.history.changes`, as the commit subject judges its key signals.
- ``red_without_action``: in the current phase's current sprint (each person's latest run of
  the sprint), an answer with a red band while no action is open for that item: none was
  recorded with the answer, and no earlier or other run's action on the item is still open.
  Where a sprint meeting agreed on the item, only its agreed answer is judged, not the votes.
- ``overdue_action``: an open action (any phase) whose due date lies before today.
- ``disagreement``: in the current phase's current sprint someone says yes and someone no to
  the same item (scale: a spread of 3 or more). It is resolved when the people answer again
  and no longer disagree: a person's later run in the sprint replaces the earlier one; a
  meeting's anonymous votes only by a later meeting's.
- ``perception_gap``: in a sprint of the current phase the team answered an item green and the
  client, asked with a mirror invitation (docs/mirror.md), red or amber
  (:func:`kundencheck.core.history.is_perception_gap`), and no action has been raised on the
  item in that sprint or a later one. It clears with that action.

An error fails the gate (exit status 1); a warning is reported and does not.

:func:`phase_findings` judges one phase as if it were the current one; ``kundencheck check``
(:func:`evaluate`), ``status`` and the home screen's verdict (:func:`verdicts`) all ask it, so
every view shows the same findings in the same words.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from kundencheck.core.answers import ordered_counts, raised
from kundencheck.core.bands import answer_band, item_of
from kundencheck.core.checklist import AnswerValue, Checklist
from kundencheck.core.config import (
    CHECK_LEVELS,
    CHECK_RULES,
    CONFIG_PATH,
    default_rule_parameters,
)
from kundencheck.core.history import (
    ActionState,
    ActionThread,
    Entry,
    HistorySummary,
    ItemPicture,
    SprintPicture,
    Trend,
    changes,
    previous_picture,
    threads_to_show,
)
from kundencheck.core.i18n import N_, _, ngettext, translate
from kundencheck.core.people import author_name
from kundencheck.core.report import (
    action_dict,
    answer_text,
    display_answer,
    due_dict,
    future_run_note,
    more_text,
    question_of,
)
from kundencheck.core.text import clean_text, one_line

SCHEMA = 1

#: Short names of the rules, as titles of annotations and in the text output (English, marked
#: for the catalogs: :attr:`Finding.title` gives them in the chosen language).
RULE_TITLES = {
    "due": N_("check due"),
    "key_signal_low": N_("key signal red"),
    "red_streak": N_("red streak"),
    "decline": N_("decline"),
    "red_without_action": N_("red answer without action"),
    "overdue_action": N_("overdue action"),
    "disagreement": N_("disagreement"),
    "perception_gap": N_("perception gap"),
}

#: What ``status --check`` judges: the two rules it has always had (the lighter variant).
STATUS_CHECK_RULES = ("due", "overdue_action")


class Finding(NamedTuple):
    """One thing the gate found: which rule, how bad, and a one-paragraph message."""

    rule: str
    #: "error" or "warning" (a rule that is "off" finds nothing).
    level: str
    #: Plain text, one paragraph: what was found and what to do; typed text already cleaned.
    message: str
    phase: str
    item: str | None = None
    #: The run the finding is about (the action's run, the latest run of the item's answers).
    run: str | None = None
    #: A file in the repository to point at (an answers file, or the config for a due check).
    file: str | None = None
    #: Rule-specific facts for the JSON document (see docs/gate.md).
    details: Mapping[str, Any] = MappingProxyType({})
    #: Whether the text and GitHub outputs list it: of a phase's overdue actions only the
    #: first few are (``history.threads_to_show``); the JSON document lists every finding.
    shown: bool = True
    #: Since when it holds, every day until today: the day a check or an action fell due, the
    #: first day of the sprint an item turned red (a streak's first sprint) or the current
    #: sprint started; None for a check never done.
    since: dt.date | None = None
    #: The sprint it started in, for the rules about answers (None for due checks and actions).
    since_sprint: str | None = None

    @property
    def title(self) -> str:
        return rule_title(self.rule)


def rule_title(rule: str) -> str:
    """The rule's short name in the chosen language (``key signal red``), as every view titles
    its findings."""
    title = RULE_TITLES.get(rule)
    return translate(title) if title else rule


@dataclass
class GateResult:
    today: dt.date
    current_phase: str
    #: rule -> level, for every rule (as judged: "error", "warning" or "off").
    levels: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    #: Things to know that are no finding (no .kundencheck/ yet, answers files left out).
    notes: list[str] = field(default_factory=list)
    #: False when the repository has no .kundencheck/ (nothing was judged).
    started: bool = True
    #: (rule, phase, how many findings of it are not shown) for the outputs that list a few.
    more: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def shown(self) -> list[Finding]:
        """The findings the text and GitHub outputs list (then :attr:`more` says what is left)."""
        return [f for f in self.findings if f.shown]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def rule_levels(check: Mapping[str, str] | None = None, *, only: Iterable[str] | None = None) -> dict[str, str]:
    """Every rule's level: ``check`` (the config's ``[check]`` table) over the default "error";
    with ``only``, every other rule is "off"."""
    levels = dict.fromkeys(CHECK_RULES, "error")
    for rule, level in (check or {}).items():
        if rule in levels and level in CHECK_LEVELS:
            levels[rule] = level
    if only is not None:
        keep = set(only)
        levels = {rule: (level if rule in keep else "off") for rule, level in levels.items()}
    return levels


def rule_parameters(parameters: Mapping[str, Mapping[str, int]] | None = None) -> dict[str, dict[str, int]]:
    """Every parameterised rule's parameters: ``parameters`` (the config's) over the defaults."""
    judged = default_rule_parameters()
    for rule, values in (parameters or {}).items():
        if rule in judged:
            judged[rule].update({k: v for k, v in values.items() if k in judged[rule]})
    return judged


def not_started(
    today: dt.date, current_phase: str = "build", levels: Mapping[str, str] | None = None, note: str = ""
) -> GateResult:
    """The result for a repository without ``.kundencheck/``: passes, with a note."""
    return GateResult(
        today=today,
        current_phase=current_phase,
        levels=rule_levels(levels),
        started=False,
        notes=[
            note
            or _(
                "No .kundencheck/ folder here: this repository does not use kundencheck yet, "
                "so there is nothing to check. Start with `kundencheck init`."
            )
        ],
    )


def phase_findings(
    summary: HistorySummary,
    phase: str,
    levels: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, int]] | None = None,
) -> list[Finding]:
    """What the rules find for ``phase`` judged as the current phase, in rule order: its due
    check, the health of its current sprint, and its overdue actions. ``kundencheck check``,
    ``status`` and the home screen all take their findings from here."""
    judged, params = rule_levels(levels), rule_parameters(parameters)
    found: list[Finding] = []
    for rule in CHECK_RULES:
        level = judged[rule]
        if level == "off":
            continue
        found.extend(_RULES[rule](summary, phase, level, **params.get(rule, {})))
    return found


def evaluate(
    summary: HistorySummary,
    levels: Mapping[str, str] | None = None,
    problems: Iterable[str] = (),
    parameters: Mapping[str, Mapping[str, int]] | None = None,
    *,
    phase_verdicts: Mapping[str, GateResult] | None = None,
) -> GateResult:
    """Judge ``summary`` (as of its ``today``) by the rules at ``levels`` (rule -> level;
    missing rules are errors) with ``parameters`` (rule -> parameter -> value; missing ones
    take their defaults): the current phase's findings (:func:`phase_findings`) and the overdue
    actions of every other phase. ``problems`` (answers files that could not be read) and runs
    from the future become notes. ``phase_verdicts``: what :func:`verdicts` made of the same
    summary, levels and parameters, when it is at hand: the current phase's findings are its
    verdict's, not found a second time."""
    judged = rule_levels(levels)
    result = GateResult(today=summary.today, current_phase=summary.current_phase, levels=judged)
    current = phase_verdicts.get(summary.current_phase) if phase_verdicts is not None else None
    if current is not None:
        result.findings = list(current.findings)
    else:
        result.findings = phase_findings(summary, summary.current_phase, judged, parameters)
    if judged["overdue_action"] != "off":
        result.findings += [
            f for f in _overdue_actions(summary, None, judged["overdue_action"]) if f.phase != summary.current_phase
        ]
        order = {rule: n for n, rule in enumerate(CHECK_RULES)}
        result.findings.sort(key=lambda f: order[f.rule])  # stable: within a rule, as found
        result.more = [
            ("overdue_action", group.phase, group.more) for group in threads_to_show(summary.overdue_actions()) if group.more
        ]
    result.notes.extend(_("Left out, could not be read: {problem}").format(problem=one_line(p, 300)) for p in problems)
    result.notes.extend(future_run_note(run) for run in summary.future_runs)
    return result


def verdicts(
    summary: HistorySummary, levels: Mapping[str, str] | None = None, parameters: Mapping[str, Mapping[str, int]] | None = None
) -> dict[str, GateResult]:
    """Every phase of ``summary`` judged as if it were the current one (:func:`phase_findings`):
    the verdict ``status`` and the home screen show per phase. The current phase's verdict
    holds the same findings as ``kundencheck check`` less other phases' overdue actions."""
    judged = rule_levels(levels)
    found: dict[str, GateResult] = {}
    for status in summary.phases:
        result = GateResult(
            today=summary.today,
            current_phase=status.phase,
            levels=judged,
            findings=phase_findings(summary, status.phase, judged, parameters),
        )
        hidden = sum(1 for f in result.findings if not f.shown)  # the overdue actions past the first few
        if hidden:
            result.more = [("overdue_action", status.phase, hidden)]
        found[status.phase] = result
    return found


# --------------------------------------------------------------------------------- the rules


def _due(summary: HistorySummary, phase: str, level: str) -> list[Finding]:
    status = summary.phase(phase)
    if status is None or not status.due.is_due:
        return []
    due = status.due
    if due.last_checked is None or due.days_since is None:  # (the one is None with the other)
        message = _(
            "The {phase} check has never been done in this repository. "
            "Answer it with `kundencheck run {phase}` and commit the answers."
        ).format(phase=phase)
    else:
        message = ngettext(
            "The {phase} check is due: it was last done on {last}, {ago}, and is due every day (since {due}). "
            "Answer it with `kundencheck run {phase}`.",
            "The {phase} check is due: it was last done on {last}, {ago}, and is due every "
            "{cadence} days (since {due}). Answer it with `kundencheck run {phase}`.",
            due.cadence_days,
        ).format(
            phase=phase,
            last=due.last_checked.isoformat(),
            ago=ngettext("{n} day ago", "{n} days ago", due.days_since).format(n=due.days_since),
            cadence=due.cadence_days,
            due=due.due_on.isoformat() if due.due_on else "?",
        )
    last = status.last_run
    # The annotation points at the config (where cadence_days is set): it is in every checkout.
    return [
        Finding(
            "due",
            level,
            message,
            phase,
            run=last.id if last else None,
            file=CONFIG_PATH,
            details={"never_checked": due.last_checked is None, **due_dict(due)},
            since=due.due_on if due.last_checked is not None else None,
        )
    ]


def _current_picture(summary: HistorySummary, phase: str) -> SprintPicture | None:
    status = summary.phase(phase)
    return status.current if status is not None else None


def _streak_start(summary: HistorySummary, picture: SprintPicture, item: ItemPicture) -> SprintPicture:
    """The first sprint of the item's current streak (its band, sprint after sprint, up to
    ``picture``): where a red answer that is still red began."""
    # (an item's streak counts sprints of its checklist up to ``picture``: never more than there are)
    return summary.pictures_of(picture.checklist)[picture.index - max(item.streak, 1) + 1]


def _file_of(summary: HistorySummary, run_id: str | None) -> str | None:
    for run in summary.runs:
        if run.id == run_id:
            return run.path
    return None


def _answers(
    picture: SprintPicture, item: ItemPicture, summary: HistorySummary, entries: list[Entry] | None = None
) -> list[dict[str, Any]]:
    checklist = summary.checklists.get(picture.checklist)
    return [
        {
            "run": e.run,
            "author": clean_text(e.author),
            "value": e.value.isoformat()
            if isinstance(e.value, dt.date)
            else (clean_text(e.value) if isinstance(e.value, str) else e.value),
            "display": display_answer(e.value, item.kind, checklist, item.item, e.band),
            "band": e.band,
            "note": clean_text(e.note).strip(),
            "agreed": e is item.agreed,
        }
        for e in (item.entries if entries is None else entries)
    ]


def _who(entries: list[Entry], item: ItemPicture, summary: HistorySummary, picture: SprintPicture, *, whole: bool = False) -> str:
    """Everyone's answer in ``entries`` (a sprint meeting's agreed answer said as such, never as
    the facilitator's own); with ``whole`` also the meeting's anonymous votes (how many voted for
    each value, no name) and the answer it agreed on."""
    checklist = summary.checklists.get(picture.checklist)

    def words(value: AnswerValue, band: str | None) -> str:
        return answer_text(value, item.kind, checklist, item.item, band)

    def agreed() -> str:
        entry = item.agreed
        if entry is None:
            return ""
        return _("agreed in the sprint meeting: {answer}").format(answer=words(entry.value, entry.band))

    parts = [agreed() if e is item.agreed else f"{one_line(author_name(e.author), 40)} {words(e.value, e.band)}" for e in entries]
    if whole and item.anonymous:
        counts = ", ".join(
            _("{answer} × {n}").format(answer=words(value, answer_band(item.definition, value)), n=n)
            for value, n in ordered_counts(item.definition, item.anonymous)
        )
        parts.append(_("anonymous votes: {counts}").format(counts=counts))
    if whole and item.agreed is not None and not any(e is item.agreed for e in entries):
        parts.append(agreed())
    return ", ".join(parts)


def _latest_run(item: ItemPicture) -> str | None:
    """The run a finding about the item points to: its latest answer's, else the meeting's."""
    if item.entries:
        return item.entries[-1].run
    return item.agreed.run if item.agreed is not None else None


def _item_finding(
    rule: str,
    level: str,
    message: str,
    summary: HistorySummary,
    picture: SprintPicture,
    item: ItemPicture,
    *,
    run: str | None,
    entries: list[Entry] | None = None,
    since: SprintPicture | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Finding:
    """A finding about an item of the current sprint's ``picture``: pointing at ``run`` and its
    file, with the item's checklist, sprint, question, the rule's own ``facts`` and the answers
    (``entries``, else all of the item's) for the JSON document; it holds since the sprint
    ``since`` (else the current one) began."""
    start = picture if since is None else since
    return Finding(
        rule,
        level,
        message,
        picture.phase,
        item=item.item,
        run=run,
        file=_file_of(summary, run),
        details={
            "checklist": picture.checklist,
            "sprint": clean_text(picture.sprint),
            "question": question_of(summary.checklists, picture.checklist, item.item),
            **(facts or {}),
            "answers": _answers(picture, item, summary, entries),
        },
        since=start.start.date(),
        since_sprint=start.sprint,
    )


def _named(phase: str, item_id: str, checklist: Checklist | None) -> str:
    """``phase/item (Title)``, the item's short title beside its id where the checklist gives it one."""
    item = item_of(checklist, item_id)
    if item is not None and item.title:
        return _("{phase}/{item} ({title})").format(phase=phase, item=item_id, title=item.title)
    return f"{phase}/{item_id}"


def _red_without_action(summary: HistorySummary, phase: str, level: str) -> list[Finding]:
    picture = _current_picture(summary, phase)
    if picture is None:
        return []
    open_items = {(a.checklist, a.item) for a in summary.actions if a.is_open}
    found: list[Finding] = []
    for item in picture.items.values():
        # A meeting's agreed answer is the sprint's: it alone is judged, whatever the votes (named
        # or anonymous) were; it raises the team's action.
        if item.agreed is not None:
            reds = [item.agreed] if item.agreed.band == "red" else []
        else:
            reds = [e for e in item.entries if e.band == "red"]
        if not reds:
            continue
        if any(raised(e.action) for e in reds):
            continue
        if (picture.checklist, item.item) in open_items:
            continue
        sprint = one_line(picture.sprint, 40)
        message = _(
            "{phase}/{item}: answered red in sprint {sprint} ({who}) and no action is open for it. Record one "
            "(what, who, by when) by answering again with `kundencheck run {phase}`; if your checklist does not "
            "ask for an action on this item, add action_when to it."
        ).format(phase=picture.phase, item=item.item, sprint=sprint, who=_who(reds, item, summary, picture))
        found.append(_item_finding("red_without_action", level, message, summary, picture, item, run=reds[-1].run, entries=reds))
    return found


def _overdue_actions(summary: HistorySummary, phase: str | None, level: str) -> list[Finding]:
    """Overdue actions of ``phase`` (None: of every phase)."""
    today = summary.today
    found: list[Finding] = []
    late = [action for action in summary.overdue_actions() if phase is None or action.phase == phase]
    # One pass over the runs for every file, not one per finding: hundreds of overdue threads
    # in years of runs.
    wanted = {action.latest.run for action in late}
    files = {run.id: run.path for run in summary.runs if run.id in wanted}
    for group in threads_to_show(late):
        shown = set(map(id, group.shown))
        for action in group.threads:
            found.append(
                Finding(
                    "overdue_action",
                    level,
                    _overdue_message(action, today),
                    action.phase,
                    item=action.item,
                    run=action.latest.run,
                    file=files.get(action.latest.run),
                    details={"action": action_dict(action, today, summary.checklists)},
                    shown=id(action) in shown,
                    since=action.due + dt.timedelta(days=1) if action.due else None,
                )
            )
    return found


def _overdue_message(action: ActionThread, today: dt.date) -> str:
    due = action.due.isoformat() if action.due else "?"
    owner = one_line(action.owner, 40) or _("no owner")
    return ngettext(
        '{phase}/{item}: the action {id} "{what}" ({owner}, due {due}) is overdue by {days} day; raised on '
        "{raised} by {who}. Close it (done, or dropped with a note) in the next `kundencheck run {phase}`, or give "
        "it a new date with a new action on the item.",
        '{phase}/{item}: the action {id} "{what}" ({owner}, due {due}) is overdue by {days} days; raised on '
        "{raised} by {who}. Close it (done, or dropped with a note) in the next `kundencheck run {phase}`, or give "
        "it a new date with a new action on the item.",
        action.days_overdue(today),
    ).format(
        phase=action.phase,
        item=action.item,
        id=action.id,
        what=one_line(action.what, 120),
        owner=owner,
        due=due,
        days=action.days_overdue(today),
        raised=action.latest.raised.date().isoformat(),
        who=one_line(author_name(action.latest.author), 40),
    )


def _disagreements(summary: HistorySummary, phase: str, level: str) -> list[Finding]:
    picture = _current_picture(summary, phase)
    if picture is None:
        return []
    found: list[Finding] = []
    for item in picture.disagreements():
        sprint = one_line(picture.sprint, 40)
        who = _who(item.entries, item, summary, picture, whole=True)
        if item.anonymous:
            # Nobody's anonymous vote can be replaced by a run of theirs: the meeting votes again.
            message = _(
                "{phase}/{item}: the team disagrees in sprint {sprint} ({who}). The votes are anonymous: talk it "
                "through and hold the meeting again with `kundencheck meeting {phase}` (r votes on an item again); "
                "the later meeting's votes replace these."
            ).format(phase=picture.phase, item=item.item, sprint=sprint, who=who)
        else:
            message = _(
                "{phase}/{item}: the team disagrees in sprint {sprint} ({who}). Talk it through; whoever changes "
                "their mind answers again with `kundencheck run {phase}` (their later run replaces the earlier one)."
            ).format(phase=picture.phase, item=item.item, sprint=sprint, who=who)
        found.append(
            _item_finding(
                "disagreement", level, message, summary, picture, item, run=_latest_run(item), facts={"spread": item.spread}
            )
        )
    return found


def _display(
    value: AnswerValue | None, item: ItemPicture, summary: HistorySummary, picture: SprintPicture, band: str | None
) -> str:
    checklist = summary.checklists.get(picture.checklist)
    return answer_text(value, item.kind, checklist, item.item, band)


def _key_signal_low(summary: HistorySummary, phase: str, level: str) -> list[Finding]:
    picture = _current_picture(summary, phase)
    if picture is None:
        return []
    checklist = summary.checklists.get(picture.checklist)
    found: list[Finding] = []
    for change in changes(picture.values(), None, checklist):  # (the band alone counts, not the trend)
        if not change.key_signal or change.band != "red":
            continue
        item = picture.items[change.item]
        reds = [e for e in item.entries if e.band == "red"]
        named = _named(picture.phase, item.item, checklist)
        message = _(
            "{named}, a key signal, is red in sprint {sprint}: {who}. Raise it in the team "
            "and with the client this sprint, face to face rather than by mail; the finding clears when the "
            "next sprint's answer is no longer red."
        ).format(named=named, sprint=one_line(picture.sprint, 40), who=_who(item.entries, item, summary, picture, whole=True))
        latest = reds[-1].run if reds else None
        since = _streak_start(summary, picture, item)
        found.append(_item_finding("key_signal_low", level, message, summary, picture, item, run=latest, since=since))
    return found


def _red_streak(summary: HistorySummary, phase: str, level: str, sprints: int) -> list[Finding]:
    picture = _current_picture(summary, phase)
    if picture is None:
        return []
    found: list[Finding] = []
    for item in picture.items.values():
        if item.band != "red" or item.streak < sprints:
            continue
        start = _streak_start(summary, picture, item)
        since = start.sprint
        actions = [a for a in summary.actions if a.checklist == picture.checklist and a.item == item.item]
        dropped = [a for a in actions if a.state is ActionState.DROPPED]
        done = [a for a in actions if a.state is ActionState.DONE]
        message = ngettext(
            "{phase}/{item}: red for {n} sprint (since sprint {since}; now {who}), with {dropped} of its "
            "actions dropped and {done} done. Closing or dropping an action does not clear a red answer: agree "
            "as a team what changes with the client, and answer again when it is no longer red.",
            "{phase}/{item}: red for {n} sprints in a row (since sprint {since}; now {who}), with {dropped} of its "
            "actions dropped and {done} done. Closing or dropping an action does not clear a red answer: agree "
            "as a team what changes with the client, and answer again when it is no longer red.",
            item.streak,
        ).format(
            phase=picture.phase,
            item=item.item,
            n=item.streak,
            since=one_line(since, 40),
            who=_who(item.entries, item, summary, picture, whole=True),
            dropped=len(dropped),
            done=len(done),
        )
        found.append(
            _item_finding(
                "red_streak",
                level,
                message,
                summary,
                picture,
                item,
                run=_latest_run(item),
                since=start,
                facts={
                    "length": item.streak,
                    "since": clean_text(since),
                    "sprints": sprints,
                    "dropped_actions": len(dropped),
                    "done_actions": len(done),
                },
            )
        )
    return found


def _decline(summary: HistorySummary, phase: str, level: str, items: int) -> list[Finding]:
    picture = _current_picture(summary, phase)
    if picture is None:
        return []
    before = previous_picture(summary.pictures, picture)
    checklist = summary.checklists.get(picture.checklist)
    worse = [c for c in changes(picture.values(), before, checklist) if c.trend is Trend.WORSE]
    if before is None or len(worse) < items:
        return []
    shown = []
    for change in worse:
        item = picture.items[change.item]
        earlier = before.items[change.item]
        shown.append(
            f"{change.item} {_display(change.before, item, summary, before, earlier.band)} → "
            f"{_display(change.value, item, summary, picture, change.band)}"
        )
    message = ngettext(
        "{phase}: {n} item is worse in sprint {sprint} than in sprint {before}: {items}. Talk through with "
        "the team what changed, and with the client what it needs from you now.",
        "{phase}: {n} items are worse in sprint {sprint} than in sprint {before}: {items}. Talk through with "
        "the team what changed, and with the client what it needs from you now.",
        len(worse),
    ).format(
        phase=picture.phase,
        n=len(worse),
        sprint=one_line(picture.sprint, 40),
        before=one_line(before.sprint, 40),
        items=", ".join(shown),
    )
    latest = picture.runs[-1].id
    return [
        Finding(
            "decline",
            level,
            message,
            picture.phase,
            run=latest,
            file=_file_of(summary, latest),
            details={
                "checklist": picture.checklist,
                "sprint": clean_text(picture.sprint),
                "before": clean_text(before.sprint),
                "items": items,
                "worse": [
                    {
                        "item": c.item,
                        "question": question_of(summary.checklists, picture.checklist, c.item),
                        # only a status, a number or an option's id has a band: as they are, for JSON
                        "before": c.before,
                        "now": c.value,
                        "band": c.band,
                    }
                    for c in worse
                ],
            },
            since=picture.start.date(),
            since_sprint=picture.sprint,
        )
    ]


def _perception_gaps(summary: HistorySummary, phase: str, level: str) -> list[Finding]:
    found: list[Finding] = []
    for gap in summary.open_gaps(phase):
        named = _named(gap.phase, gap.item, summary.checklists.get(gap.checklist))
        client = "; ".join(_client_words(entry, gap.client, summary, gap.picture) for entry in gap.client.entries)
        message = _(
            "{named}: in sprint {sprint} the team answered {team} ({who}), the client {client}. The client sees "
            "it otherwise: talk it through with them, and record what you will do about it as an action on the "
            "item in the next `kundencheck run {phase}`; the finding clears with that action."
        ).format(
            named=named,
            sprint=one_line(gap.sprint, 40),
            team=_display(gap.team.value, gap.team, summary, gap.picture, gap.team.band),
            who=_who(gap.team.entries, gap.team, summary, gap.picture),
            client=client,
            phase=gap.phase,
        )
        latest = gap.team.entries[-1].run if gap.team.entries else None
        replies = [r for r in gap.picture.client_replies if r.answer(gap.item) is not None]
        found.append(
            Finding(
                "perception_gap",
                level,
                message,
                gap.phase,
                item=gap.item,
                run=latest,
                file=replies[-1].path,  # (a gap is a reply's answer: there is one)
                details={
                    "checklist": gap.checklist,
                    "sprint": clean_text(gap.sprint),
                    "question": question_of(summary.checklists, gap.checklist, gap.item),
                    "answers": _answers(gap.picture, gap.team, summary),
                    "client": [
                        {
                            "invitation": a["run"],
                            "author": a["author"],
                            "value": a["value"],
                            "display": a["display"],
                            "band": a["band"],
                            "comment": a["note"],
                        }
                        for a in _answers(gap.picture, gap.client, summary)
                    ],
                },
                since=gap.picture.start.date(),
                since_sprint=gap.sprint,
            )
        )
    return found


def _client_words(entry: Entry, item: ItemPicture, summary: HistorySummary, picture: SprintPicture) -> str:
    """One client answer in a finding: ``✘ no (Jane Doe: "only mails")``."""
    answer = _display(entry.value, item, summary, picture, entry.band)
    who = one_line(entry.author, 40)
    comment = one_line(entry.note, 160)
    if who and comment:
        return _('{answer} ({who}: "{comment}")').format(answer=answer, who=who, comment=comment)
    if comment:
        return _('{answer} ("{comment}")').format(answer=answer, comment=comment)
    return f"{answer} ({who})" if who else answer


#: Each rule, called with the summary, the phase, its level and its parameters (RULE_PARAMETERS).
_RULES: dict[str, Callable[..., list[Finding]]] = {
    "due": _due,
    "key_signal_low": _key_signal_low,
    "red_streak": _red_streak,
    "decline": _decline,
    "red_without_action": _red_without_action,
    "overdue_action": _overdue_actions,
    "disagreement": _disagreements,
    "perception_gap": _perception_gaps,
}


# --------------------------------------------------------------------------------- output


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON documents carry it (docs/gate.md, "Finding")."""
    return {
        "rule": finding.rule,
        "level": finding.level,
        "title": finding.title,
        "message": finding.message,
        "phase": finding.phase,
        "item": finding.item,
        "run": finding.run,
        "file": finding.file,
        "since": finding.since.isoformat() if finding.since else None,
        "since_sprint": clean_text(finding.since_sprint) if finding.since_sprint is not None else None,
        "details": dict(finding.details),
    }


def verdict_dict(result: GateResult) -> dict[str, Any]:
    """A phase's verdict for ``status --json``: passed, counts, and the findings."""
    return {
        "passed": result.passed,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "findings": [finding_dict(f) for f in result.findings],
    }


def errors_words(n: int) -> str:
    """``n`` errors in words ("1 error", "2 errors"), for the gate's and the portfolio's summaries."""
    return ngettext("{n} error", "{n} errors", n).format(n=n)


def warnings_words(n: int) -> str:
    """``n`` warnings in words, as :func:`errors_words`."""
    return ngettext("{n} warning", "{n} warnings", n).format(n=n)


def verdict_words(result: GateResult) -> str:
    """A phase's verdict in a few words, the same in ``status``, on the home screen and in the
    reports: ``✘ 2 errors, 1 warning``, ``⚠ 1 warning`` or ``✔ ok`` (symbol and words, never
    colour alone)."""
    return count_words(len(result.errors), len(result.warnings))


def count_words(errors: int, warnings: int) -> str:
    """:func:`verdict_words` of a verdict with ``errors`` errors and ``warnings`` warnings (the
    reports have the counts, not the result)."""
    if errors:
        tail = f", {warnings_words(warnings)}" if warnings else ""
        return f"✘ {errors_words(errors)}{tail}"
    if warnings:
        return f"⚠ {warnings_words(warnings)}"
    return "✔ " + _("ok")


def result_dict(result: GateResult) -> dict[str, Any]:
    """The document ``kundencheck check --format json`` prints (schema in docs/gate.md)."""
    return {
        "schema": SCHEMA,
        "passed": result.passed,
        "exit_code": result.exit_code,
        "started": result.started,
        "today": result.today.isoformat(),
        "current_phase": result.current_phase,
        "rules": dict(result.levels),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "findings": [finding_dict(f) for f in result.findings],
        "notes": list(result.notes),
    }


def result_json(result: GateResult) -> str:
    return json.dumps(result_dict(result), ensure_ascii=False, indent=2) + "\n"  # pragma: no mutate (None is False too)


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub Actions requires (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``): also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_error(title: str, message: str) -> str:
    """A gate that could not judge, as one GitHub Actions ``::error`` line titled ``title``."""
    return f"::error title={title}::{escape_data(clean_text(message))}"


def github_annotations(result: GateResult) -> str:
    """GitHub Actions workflow commands, one line each: ``::error file=...,title=...::message``
    per finding (``::warning`` for warnings), ``::notice`` per note, then a plain summary line."""
    lines = []
    for finding in result.shown:
        command = "error" if finding.level == "error" else "warning"
        props = []
        if finding.file:
            props.append(f"file={escape_property(finding.file)}")
        props.append(f"title={escape_property('kundencheck: ' + finding.title)}")
        lines.append(f"::{command} {','.join(props)}::{escape_data(finding.message)}")
    for note in more_notes(result) + result.notes:
        lines.append(f"::notice title={escape_property('kundencheck')}::{escape_data(note)}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def more_notes(result: GateResult) -> list[str]:
    """What the text and GitHub outputs say after the few findings of a rule and phase they list:
    "overdue action: and 37 more: kundencheck actions --phase build"."""
    return [f"{translate(RULE_TITLES[rule])}: {more_text(count, phase)}" for rule, phase, count in result.more]


def summary_line(result: GateResult) -> str:
    """One line saying how the check came out, in words (never colour alone)."""
    if not result.started:
        return _("kundencheck check: passed (nothing to check: no .kundencheck/ here).")
    return summary_words(len(result.errors), len(result.warnings))


def summary_words(errors: int, warnings: int) -> str:
    """:func:`summary_line` of a check with ``errors`` errors and ``warnings`` warnings."""
    if errors:
        tail = f", {warnings_words(warnings)}" if warnings else ""
        return _("kundencheck check: failed, {errors}{tail}.").format(errors=errors_words(errors), tail=tail)
    if warnings:
        return _("kundencheck check: passed with {warnings}.").format(warnings=warnings_words(warnings))
    return _("kundencheck check: passed, nothing found.")
