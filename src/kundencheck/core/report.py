"""Reports built from the history model: the ``status --json`` document and the sprint report
as JSON, Markdown and a self-contained HTML page. Pure functions: strings in, strings out.

Everything a person typed (notes, actions, names, sprint labels) is cleaned with
:func:`clean_text` and escaped for its target: ``html.escape`` for HTML, backslashes and
entities for the Markdown characters that would change the meaning (table pipes, emphasis,
links, HTML tags, a leading ``#``). Colour never carries meaning alone: every cell has a symbol
(✔ ◐ ✘ –) and the words are in the table, the legend or the hover text.

The JSON documents are for programs: their values stay English whatever the language. The
Markdown and HTML reports are for people: their headings, legend, labels and status words are
in the chosen language (``kundencheck.core.i18n``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, overload

from kundencheck.core.bands import BAND_SYMBOLS, BAND_WORDS, answer_band
from kundencheck.core.checklist import STATUS_SYMBOLS, STATUS_WORDS, Checklist, Kind
from kundencheck.core.corrections import Correction
from kundencheck.core.dates import due_date_words
from kundencheck.core.errors import UsageError
from kundencheck.core.history import (
    TREND_ARROWS,
    ActionThread,
    DueCheck,
    Entry,
    Gap,
    HistorySummary,
    ItemPicture,
    PhaseStatus,
    SprintPicture,
    Trend,
    is_perception_gap,
    threads_to_show,
)
from kundencheck.core.i18n import N_, _, current_language, ngettext, translate
from kundencheck.core.people import author_name
from kundencheck.core.text import clean_text, one_line
from kundencheck.core.tone import ToneFinding

if TYPE_CHECKING:
    from kundencheck.core.answers import Run

SCHEMA = 1
NO_ANSWER = "·"
DISAGREE = "⚠"
#: The mark of a perception gap: the client sees an item otherwise than the team.
GAP = "≠"
TREND_WORDS = {Trend.BETTER: N_("better"), Trend.SAME: N_("same"), Trend.WORSE: N_("worse"), Trend.NEW: N_("new"), Trend.NONE: ""}
#: How a review decision reads in the reports.
DECISION_WORDS = {"done": N_("done"), "open": N_("open"), "dropped": N_("dropped")}


# --------------------------------------------------------------------------------- shared pieces


def display_answer(
    value: Any, kind: Kind | None, checklist: Checklist | None = None, item_id: str = "", band: str | None = None
) -> str:
    """An answer as the JSON documents' ``display`` carries it, with its symbol and English
    status words: ``✘ no``, ``◐ 3/5``, a choice label. For programs that show it as it is;
    the reports and every other view write an answer with :func:`answer_words` from its value,
    kind, band and option label in the chosen language."""
    if value is None:
        return ""
    if kind is Kind.TRAFFIC_LIGHT:
        return f"{STATUS_SYMBOLS.get(str(value), '?')} {STATUS_WORDS.get(str(value), one_line(str(value), 20))}"
    return answer_words(value, kind, band, option_label(checklist, item_id, value, kind))


def option_label(checklist: Checklist | None, item_id: str, value: Any, kind: Kind | str | None) -> str | None:
    """The label of the choice option ``value`` of the checklist's item (data from the checklist,
    in its language), None for other kinds or an item the checklist does not have."""
    if kind != Kind.CHOICE or checklist is None or value is None:
        return None
    item = checklist.item(item_id)
    return item.option_label(str(value)) if item is not None else None


def answer_words(value: Any, kind: Kind | str | None, band: str | None = None, label: str | None = None) -> str:
    """An answer as people read it, with its symbol, in the chosen language: ``✘ nein``,
    ``◐ 3/5``, a choice option's ``label`` (with its band's symbol when it has one), a date, a
    text on one line. Every view writes answers with this, from the data: ``value``, ``kind``
    (a :class:`Kind` or its JSON name), ``band`` and, for a choice, its option's label."""
    symbol, words = answer_parts(value, kind, band, label)
    return f"{symbol} {words}" if symbol else words


def answer_parts(value: Any, kind: Kind | str | None, band: str | None = None, label: str | None = None) -> tuple[str, str]:
    """:func:`answer_words` in its two parts: the symbol ("" when the answer has none) and the words."""
    if value is None:
        return "", ""
    kind = _kind(kind)
    if kind is Kind.TRAFFIC_LIGHT:
        word = STATUS_WORDS.get(str(value))
        return (STATUS_SYMBOLS[str(value)], translate(word)) if word else ("?", one_line(str(value), 20))
    if kind is Kind.SCALE:
        return BAND_SYMBOLS.get(band or "", ""), f"{value}/5"
    if kind is Kind.CHOICE and label is not None:
        return BAND_SYMBOLS.get(band or "", ""), one_line(label, 60)
    if isinstance(value, dt.date):
        return "", value.isoformat()
    return "", one_line(str(value), 80)


def answer_text(value: Any, kind: Kind | None, checklist: Checklist | None, item_id: str, band: str | None) -> str:
    """:func:`answer_words` of an answer to the checklist's item ``item_id``."""
    return answer_words(value, kind, band, option_label(checklist, item_id, value, kind))


def entry_words(entry: Mapping[str, Any], kind: Kind | str | None) -> str:
    """:func:`answer_words` of an answer as the report model holds it (``value``, ``band``,
    ``label``: a matrix cell, an item, one person's answer)."""
    return answer_words(entry.get("value"), kind, entry.get("band"), entry.get("label"))


def _kind(kind: Kind | str | None) -> Kind | None:
    if kind is None or isinstance(kind, Kind):
        return kind
    try:
        return Kind(kind)
    except ValueError:
        return None


def future_run_note(run: Run) -> str:
    """Why a run from the future is left out (docs/history.md, "Time"), for every view."""
    return _(
        "Left out: run {run} by {who} is dated {day}, more than a day after today: a clock ran ahead. It does "
        "not count as a check, a sprint or an answer until that day; fix that computer's clock and answer "
        "again."
    ).format(run=run.id, who=one_line(author_name(run.author), 40), day=(run.finished or run.started).date().isoformat())


def question_of(checklists: dict[str, Checklist] | Any, checklist_id: str, item_id: str) -> str:
    checklist = checklists.get(checklist_id) if checklists else None
    item = checklist.item(item_id) if checklist is not None else None
    return one_line(item.question, 300) if item is not None else ""


def title_of(checklists: dict[str, Checklist] | Any, checklist_id: str, item_id: str) -> str:
    """The item's short title in its checklist's language ("" when it has none: the views then
    name it by its id)."""
    checklist = checklists.get(checklist_id) if checklists else None
    item = checklist.item(item_id) if checklist is not None else None
    return one_line(item.title, 80) if item is not None else ""


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def action_dict(action: ActionThread, today: dt.date, checklists: Any = None) -> dict[str, Any]:
    """An action thread as the JSON documents carry it (docs/status-json.md, "Action")."""
    closed = action.closed_by
    return {
        "id": action.id,
        "run": action.run,
        "item": action.item,
        "question": question_of(checklists, action.checklist, action.item),
        "title": title_of(checklists, action.checklist, action.item),
        "checklist": action.checklist,
        "phase": action.phase,
        "sprint": clean_text(action.sprint),
        "author": clean_text(action.author),
        "raised": _date(action.raised),
        "what": clean_text(action.what).strip(),
        "owner": clean_text(action.owner).strip(),
        "due": _date(action.due),
        "state": action.state.value,
        "overdue": action.is_overdue(today),
        "days_overdue": action.days_overdue(today),
        "closed_in": closed.run if closed else None,
        "closed_on": _date(closed.when) if closed else None,
        "reviews": [
            {
                "run": r.run,
                "author": clean_text(r.author),
                "date": _date(r.when),
                "decision": r.decision,
                "note": clean_text(r.note).strip(),
            }
            for r in action.reviews
        ],
        "raised_by": [
            {
                "run": w.run,
                "item": w.item,
                "sprint": clean_text(w.sprint),
                "author": clean_text(w.author),
                "raised": _date(w.raised),
                "what": clean_text(w.what).strip(),
                "owner": clean_text(w.owner).strip(),
                "due": _date(w.due),
                "separate": w.separate,
            }
            for w in action.words
        ],
    }


def listed(threads: Iterable[ActionThread]) -> list[dict[str, Any]]:
    """Per phase, the ids of the threads a report or status lists and how many more there are
    (:func:`threads_to_show`: the most overdue first)."""
    return [{"phase": group.phase, "ids": [t.id for t in group.shown], "more": group.more} for group in threads_to_show(threads)]


def due_dict(due: DueCheck) -> dict[str, Any]:
    return {
        "is_due": due.is_due,
        "cadence_days": due.cadence_days,
        "last_checked": _date(due.last_checked),
        "due_on": _date(due.due_on),
        "days_since": due.days_since,
        "days_overdue": due.days_overdue,
    }


@overload
def correction_dict(correction: Correction) -> dict[str, Any]: ...
@overload
def correction_dict(correction: None) -> None: ...
@overload
def correction_dict(correction: Correction | None) -> dict[str, Any] | None: ...
def correction_dict(correction: Correction | None) -> dict[str, Any] | None:
    """How a run was corrected (core/corrections.py), for the JSON documents; None if it was not."""
    if correction is None:
        return None
    return {
        "run": correction.run,
        "original": correction.original,
        "chain": list(correction.chain),
        "by": clean_text(correction.author),
        "on": _date(correction.when),
        "note": clean_text(correction.note).strip(),
        "changed": sorted(correction.changed),
    }


def tone_dicts(findings: Iterable[ToneFinding]) -> list[dict[str, Any]]:
    """The tone signal of a sprint (core/tone.py): per text with listed words, where it is and
    which words."""
    return [
        {
            "run": f.run,
            "author": clean_text(f.author),
            "item": f.item,
            "where": f.where,
            "words": [clean_text(w) for w in f.words],
        }
        for f in findings
    ]


def _answer_dict(entry: Entry, picture: ItemPicture, checklist: Checklist | None) -> dict[str, Any]:
    """One answer to ``picture``'s item as the reports hold it: its value, its words, its band,
    the label of its option and its note."""
    return {
        "value": _json_value(entry.value),
        "display": display_answer(entry.value, picture.kind, checklist, picture.item, entry.band),
        "band": entry.band,
        "label": _label(option_label(checklist, picture.item, entry.value, picture.kind)),
        "note": clean_text(entry.note).strip(),
    }


def _entry_dicts(
    picture: ItemPicture, checklist: Checklist | None, summary: HistorySummary | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "run": e.run,
            "author": clean_text(e.author),
            **_answer_dict(e, picture, checklist),
            "corrected": correction_dict(summary.entry_correction(e, picture.item)) if summary is not None else None,
        }
        for e in picture.entries
    ]


def client_label(name: str) -> str:
    """How the views name a client's answer: "client (Jane Doe)", or "client" without a name."""
    name = one_line(name, 60)
    return _("client ({name})").format(name=name) if name else _("client")


def client_question_of(checklists: dict[str, Checklist] | Any, checklist_id: str, item_id: str) -> str:
    """The item's question as the client was asked it ("" without a client wording)."""
    checklist = checklists.get(checklist_id) if checklists else None
    item = checklist.item(item_id) if checklist is not None else None
    return one_line(item.client.question, 300) if item is not None and item.client is not None else ""


def client_entry_dicts(picture: ItemPicture, checklist: Checklist | None) -> list[dict[str, Any]]:
    """The client's answers to an item, as the JSON documents carry them: the invitation, who
    answered, the answer and the client's comment."""
    return [
        {
            "invitation": e.run,
            "respondent": clean_text(e.author),
            "value": _json_value(e.value),
            "display": display_answer(e.value, picture.kind, checklist, picture.item, e.band),
            "band": e.band,
            "comment": clean_text(e.note).strip(),
        }
        for e in picture.entries
    ]


def gap_dict(gap: Gap, summary: HistorySummary) -> dict[str, Any]:
    """A perception gap as the JSON documents carry it (docs/mirror.md): where, the team's and the
    client's answers, and the action that answers it (null while the gap is open)."""
    checklist = summary.checklists.get(gap.checklist)
    action = gap.action
    return {
        "checklist": gap.checklist,
        "phase": gap.phase,
        "sprint": clean_text(gap.sprint),
        "item": gap.item,
        "title": title_of(summary.checklists, gap.checklist, gap.item),
        "question": question_of(summary.checklists, gap.checklist, gap.item),
        "client_question": client_question_of(summary.checklists, gap.checklist, gap.item),
        "team": {
            "value": _json_value(gap.team.value),
            "band": gap.team.band,
            "display": display_answer(gap.team.value, gap.team.kind, checklist, gap.item, gap.team.band),
        },
        "client": {
            "value": _json_value(gap.client.value),
            "band": gap.client.band,
            "display": display_answer(gap.client.value, gap.client.kind, checklist, gap.item, gap.client.band),
            "answers": client_entry_dicts(gap.client, checklist),
        },
        "open": gap.is_open,
        "action": None
        if action is None
        else {
            "run": action.run,
            "sprint": clean_text(action.sprint),
            "author": clean_text(action.author),
            "what": clean_text(action.what).strip(),
            "owner": clean_text(action.owner).strip(),
            "due": _date(action.due),
        },
    }


def votes_dicts(picture: ItemPicture, checklist: Checklist | None) -> list[dict[str, Any]]:
    """The spread of an item's answers in a sprint: how many gave each answer (everyone's own,
    a meeting's named and anonymous votes), in the item's order of answers."""
    return [
        {
            "value": _json_value(value),
            "display": display_answer(value, picture.kind, checklist, picture.item, band),
            "band": band,
            "label": _label(option_label(checklist, picture.item, value, picture.kind)),
            "count": count,
        }
        for value, count in picture.counts().items()
        for band in (answer_band(picture.definition, value),)
    ]


def _agreed_dict(picture: ItemPicture, checklist: Checklist | None, summary: HistorySummary) -> dict[str, Any] | None:
    """The answer a sprint meeting agreed on for the item (None: no meeting answered it), and who recorded it."""
    agreed = picture.agreed
    if agreed is None:
        return None
    return {
        "run": agreed.run,
        "recorded_by": clean_text(agreed.author),
        **_answer_dict(agreed, picture, checklist),
        "corrected": correction_dict(summary.entry_correction(agreed, picture.item)),
    }


def votes_words(votes: list[dict[str, Any]], kind: Kind | str | None, anonymous: int = 0) -> str:
    """``Votes: ✔ yes × 2, ✘ no × 2`` (with how many of them were anonymous)."""
    counts = ", ".join(_("{answer} × {n}").format(answer=entry_words(v, kind), n=v["count"]) for v in votes)
    if anonymous:
        return _("Spread: {counts} ({n} of them anonymous votes)").format(counts=counts, n=anonymous)
    return _("Spread: {counts}").format(counts=counts)


def agreed_words(agreed: dict[str, Any], kind: Kind | str | None) -> str:
    """``Agreed in the sprint meeting (recorded by Erika Mustermann): ✘ no``."""
    return _("Agreed in the sprint meeting (recorded by {who}): {answer}").format(
        who=one_line(author_name(agreed["recorded_by"]), 60), answer=entry_words(agreed, kind)
    )


def _label(label: str | None) -> str | None:
    return clean_text(label) if label is not None else None


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return clean_text(value)
    return value


# --------------------------------------------------------------------------------- status --json


def status_dict(
    summary: HistorySummary,
    problems: Iterable[str] = (),
    *,
    levels: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """The document ``kundencheck status --json`` prints (schema in docs/status-json.md);
    ``levels`` and ``parameters`` are the config's ``[check]`` rules, for each phase's verdict."""
    from kundencheck.core.gate import verdict_dict, verdicts

    today = summary.today
    judged = verdicts(summary, levels, parameters)
    phases = [_phase_dict(status, summary) | {"verdict": verdict_dict(judged[status.phase])} for status in summary.phases]
    return {
        "schema": SCHEMA,
        "today": today.isoformat(),
        "cadence_days": summary.cadence_days,
        "current_phase": summary.current_phase,
        "check_due": summary.is_due(),
        "runs": len(summary.runs),
        "phases": phases,
        "open_actions": [action_dict(a, today, summary.checklists) for a in summary.open_actions()],
        "overdue_actions": len(summary.overdue_actions()),
        "problems": [clean_text(p) for p in problems]
        + [
            f"review in run {s.run} names an action no run recorded: run {s.review.run}, item {s.review.item}"
            for s in summary.stray_reviews
        ]
        + [stray_correction_text(s) for s in summary.stray_corrections],
        "future_runs": _future_run_dicts(summary),
    }


def _future_run_dicts(summary: HistorySummary) -> list[dict[str, Any]]:
    """The runs set apart because they were finished more than a day after today (a clock that
    ran ahead)."""
    return [
        {
            "id": r.id,
            "phase": r.phase,
            "sprint": clean_text(r.sprint),
            "author": clean_text(r.author),
            "finished": _date(r.finished or r.started),
            "note": future_run_note(r),
        }
        for r in summary.future_runs
    ]


def stray_correction_text(stray: Any) -> str:
    """A correction that could not be applied, as a problem line (English, like the reviews')."""
    why = {
        "missing": "which is not in the history",
        "other-checklist": "which is a run of another checklist",
        "loop": "in a loop of corrections",
    }.get(stray.reason, stray.reason)
    return f"run {stray.run} corrects run {stray.corrects}, {why}; it is read as a run of its own"


def _phase_dict(status: PhaseStatus, summary: HistorySummary) -> dict[str, Any]:
    last = status.last_run
    last_dict = None
    if last is not None:
        items = {}
        for answer in last.answers:
            if answer.value is None or answer.value == "":
                continue
            trend = status.last_trends.get(answer.item, Trend.NONE)
            items[answer.item] = {"value": _json_value(answer.value), "trend": trend.value}
        last_dict = {
            "id": last.id,
            "checklist": last.checklist,
            "sprint": clean_text(last.sprint),
            "author": clean_text(last.author),
            "participants": [clean_text(p) for p in last.participants],
            "finished": _date(last.finished or last.started),
            "counts": dict(status.last_counts),
            "trend": dict(status.trend),
            "items": items,
            "corrected": correction_dict(summary.correction(last.id)),
        }
    current = status.current
    checklist = summary.checklists.get(current.checklist) if current else None
    return {
        "phase": status.phase,
        "runs": status.runs,
        "last_run": last_dict,
        "current_sprint": clean_text(current.sprint) if current else None,
        "current_sprint_authors": [clean_text(a) for a in current.authors] if current else [],
        "disagreements": [
            {
                "item": p.item,
                "question": question_of(summary.checklists, current.checklist, p.item),
                "spread": p.spread,
                "answers": _entry_dicts(p, checklist),
                "votes": votes_dicts(p, checklist),
                "anonymous_votes": sum(p.anonymous.values()),
            }
            for p in status.disagreements
        ]
        if current
        else [],
        "streaks": [
            {"item": s.item, "checklist": s.checklist, "band": s.band, "length": s.length, "since": clean_text(s.since)}
            for s in status.streaks
        ],
        "open_actions": len(status.open_actions),
        "overdue_actions": len(status.overdue_actions),
        "due": due_dict(status.due),
        "corrections": [correction_dict(summary.correction(r.id)) for r in current.runs if summary.correction(r.id) is not None]
        if current
        else [],
        "tone": tone_dicts(summary.tone(current)) if current else [],
        "client": {
            item_id: {
                "value": _json_value(p.value),
                "band": p.band,
                "display": display_answer(p.value, p.kind, checklist, item_id, p.band),
                "gap": is_perception_gap(current.items.get(item_id), p),
                "answers": client_entry_dicts(p, checklist),
            }
            for item_id, p in current.client.items()
        }
        if current
        else {},
        "gaps": [gap_dict(gap, summary) for gap in summary.gaps(status.phase)],
    }


def status_json(
    summary: HistorySummary,
    problems: Iterable[str] = (),
    *,
    indent: int | None = 2,
    levels: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, int]] | None = None,
) -> str:
    """The status as JSON (docs/status-json.md); ``indent=None`` writes it on one line, several
    times faster for years of history (json's C encoder only runs without indentation)."""
    status = status_dict(summary, problems, levels=levels, parameters=parameters)
    return json.dumps(status, ensure_ascii=False, indent=indent) + "\n"  # pragma: no mutate (None is False too)


# --------------------------------------------------------------------------------- the sprint report


def default_sprint(summary: HistorySummary) -> str:
    sprint = summary.latest_sprint()
    if sprint is None and summary.future_runs:
        raise UsageError(
            _(
                "There is nothing to report yet: every run in this repository is dated more than a day "
                "after today ({today}), from a clock that ran ahead (kundencheck status lists them). Fix "
                "that computer's clock and answer again."
            ).format(today=summary.today.isoformat())
        )
    if sprint is None:
        raise UsageError(
            _(
                "There are no runs in this repository yet, so there is nothing to report. "
                "Answer a checklist first: `kundencheck run`."
            )
        )
    return sprint


def sprint_pictures_of(summary: HistorySummary, sprint: str | None) -> tuple[str, list[SprintPicture]]:
    """The sprint a report is about (``None``: the latest) and its pictures, one per checklist;
    a usage error naming the sprints there are when it has none."""
    sprint = sprint if sprint is not None else default_sprint(summary)
    pictures = [p for p in summary.pictures if p.sprint == sprint]
    if not pictures:
        known = summary.sprints()
        shown = ", ".join(one_line(s, 30) for s in known[-12:]) or _("none yet")
        raise UsageError(
            _("There are no runs in sprint {sprint}. Sprints with runs: {known}.").format(
                sprint=repr(one_line(sprint, 40)), known=shown
            )
        )
    return sprint, pictures


def build_report(
    summary: HistorySummary,
    sprint: str | None = None,
    *,
    project: str = "",
    client: str = "",
    max_sprints: int = 8,
    levels: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """The sprint report as a plain dict (the JSON format; Markdown and HTML are drawn from it).
    ``levels`` and ``parameters`` are the config's ``[check]`` rules, for the headline verdict."""
    sprint, pictures = sprint_pictures_of(summary, sprint)
    today = summary.today
    checklists = [_checklist_section(summary, picture, max_sprints) for picture in pictures]
    raised = [a for a in summary.actions if any(w.sprint == sprint for w in a.words)]
    sprint_runs = {r.id for p in pictures for r in p.runs + p.superseded}
    reviewed = []
    for action in summary.actions:
        for review in action.reviews:
            if review.run in sprint_runs:
                entry = action_dict(action, today, summary.checklists)
                entry["decision"] = review.decision
                entry["decision_note"] = clean_text(review.note).strip()
                entry["decided_by"] = clean_text(review.author)
                reviewed.append(entry)
    return {
        "schema": SCHEMA,
        "kind": "sprint-report",
        "sprint": clean_text(sprint),
        "today": today.isoformat(),
        "project": clean_text(project),
        "client": clean_text(client),
        "verdict": verdict_model(summary, levels, parameters),
        "checklists": checklists,
        "actions": {
            "raised": [action_dict(a, today, summary.checklists) for a in raised],
            "reviewed": reviewed,
            "open": [action_dict(a, today, summary.checklists) for a in summary.open_actions()],
            # What the Markdown and HTML reports list of each: a handful per phase, then "and N more".
            "listed": {"open": listed(summary.open_actions()), "raised": listed(raised)},
        },
        "due": [dict(phase=s.phase, **due_dict(s.due)) for s in summary.phases],
        "future_runs": _future_run_dicts(summary),
    }


def verdict_model(
    summary: HistorySummary, levels: Mapping[str, str] | None = None, parameters: Mapping[str, Mapping[str, int]] | None = None
) -> dict[str, Any]:
    """The report's headline as data: what ``kundencheck check`` finds as of ``summary.today``
    (its counts), each phase's verdict as ``status`` and the home screen show it (the current
    phase first), per rule since when it holds, and how many actions are open and overdue.
    The gate computes every finding (:func:`kundencheck.core.gate.verdicts`), each phase's once;
    this only groups them."""
    from kundencheck.core.gate import evaluate, finding_dict, verdicts

    judged = verdicts(summary, levels, parameters)
    check = evaluate(summary, levels, parameters=parameters, phase_verdicts=judged)
    phases = []
    for status in sorted(summary.phases, key=lambda s: s.phase != summary.current_phase):
        result = judged[status.phase]
        counted = result.errors or result.warnings
        first = min((f for f in counted if f.since is not None), key=lambda f: f.since or dt.date.max, default=None)
        rules: dict[str, dict[str, Any]] = {}
        for finding in result.findings:
            group = rules.setdefault(
                finding.rule,
                {"rule": finding.rule, "level": finding.level, "count": 0, "since": None, "since_sprint": None, "items": []},
            )
            group["count"] += 1
            if finding.level == "error":
                group["level"] = "error"
            if finding.since is not None and (group["since"] is None or finding.since.isoformat() < group["since"]):
                group["since"], group["since_sprint"] = finding.since.isoformat(), _clean_or_none(finding.since_sprint)
            checklist = finding.details.get("checklist")
            if finding.item is not None and finding.rule != "overdue_action" and checklist is not None:
                group["items"].append(
                    {
                        "item": finding.item,
                        "title": title_of(summary.checklists, checklist, finding.item),
                        "since": finding.since.isoformat() if finding.since else None,
                        "since_sprint": _clean_or_none(finding.since_sprint),
                    }
                )
        phases.append(
            {
                "phase": status.phase,
                "current": status.phase == summary.current_phase,
                "passed": result.passed,
                "errors": len(result.errors),
                "warnings": len(result.warnings),
                "since": first.since.isoformat() if first is not None and first.since else None,
                "since_sprint": _clean_or_none(first.since_sprint) if first is not None else None,
                "rules": list(rules.values()),
                "findings": [finding_dict(f) | {"shown": f.shown} for f in result.findings],
                "more": [{"rule": rule, "phase": phase, "count": count} for rule, phase, count in result.more],
            }
        )
    return {
        "passed": check.passed,
        "errors": len(check.errors),
        "warnings": len(check.warnings),
        "current_phase": summary.current_phase,
        "open_actions": len(summary.open_actions()),
        "overdue_actions": len(summary.overdue_actions()),
        "phases": phases,
    }


def _clean_or_none(text: str | None) -> str | None:
    return clean_text(text) if text is not None else None


def health_matrix(summary: HistorySummary, checklist_id: str, series: list[SprintPicture]) -> dict[str, Any]:
    """The health matrix of a checklist over the sprint pictures ``series`` (oldest first):
    ``{"sprints": [...], "rows": [{"item", "question", "cells": [cell or None per sprint]}]}``.
    Rows are every item with a colour in any of the sprints, in checklist order; a cell holds
    the representative answer (display, band, symbol, trend, streak, disagreement) and
    everyone's answers and notes. The reports and the TUI's history screen both draw it.
    """
    checklist = summary.checklists.get(checklist_id)
    # Matrix rows: every item with a colour in any shown sprint, in checklist order.
    row_ids: list[str] = []
    if checklist is not None:
        row_ids = [i.id for i in checklist.items if i.can_have_band()]
    for p in series:
        for item_id, item in p.items.items():
            if item.band is not None and item_id not in row_ids:
                row_ids.append(item_id)
    rows = []
    gaps = {(g.sprint, g.item): g for g in summary.gaps() if g.checklist == checklist_id}
    for item_id in row_ids:
        cells: list[dict[str, Any] | None] = []
        for p in series:
            cell = p.items.get(item_id)
            if cell is None or cell.band is None:
                cells.append(None)
                continue
            cells.append(
                {
                    **_matrix_cell(
                        p,
                        cell,
                        checklist,
                        gaps.get((p.sprint, item_id)),
                        label=_label(option_label(checklist, item_id, cell.value, cell.kind)),
                        trend=cell.trend,
                        streak=cell.streak,
                        disagreement=cell.disagreement,
                        answers=[
                            {
                                "author": clean_text(e.author),
                                **_answer_dict(e, cell, checklist),
                                "corrected": correction_dict(summary.entry_correction(e, item_id)),
                            }
                            for e in cell.entries
                        ],
                        corrected=summary.item_corrected(cell),
                    ),
                    "votes": votes_dicts(cell, checklist),
                    "anonymous_votes": sum(cell.anonymous.values()),
                    "agreed": _agreed_dict(cell, checklist, summary),
                }
            )
        if any(cells):
            kind = next(p.items[item_id].kind for p in series if item_id in p.items)
            rows.append(
                {
                    "item": item_id,
                    "title": title_of(summary.checklists, checklist_id, item_id),
                    "kind": kind.value if kind else None,
                    "source": "team",
                    "question": question_of(summary.checklists, checklist_id, item_id),
                    "cells": cells,
                }
            )
        client_row = _client_row(summary, checklist, checklist_id, item_id, series, gaps)
        if client_row is not None:
            # Without the team's row above it (the team was not asked the item), it names its item.
            client_row["alone"] = not any(cells)
            rows.append(client_row)
    return {"sprints": [clean_text(p.sprint) for p in series], "rows": rows}


def _matrix_cell(
    p: SprintPicture,
    cell: ItemPicture,
    checklist: Checklist | None,
    gap: Gap | None,
    *,
    label: str | None,
    trend: Trend,
    streak: int,
    disagreement: bool,
    answers: list[dict[str, Any]],
    corrected: bool,
) -> dict[str, Any]:
    """A cell of the health matrix: ``cell``'s answer in sprint ``p``, the team's or the
    client's, and whether a perception gap stands there (``gap``); the rest is given. Only a
    cell with an answer in a band is drawn."""
    band = cell.band or ""
    return {
        "sprint": clean_text(p.sprint),
        "value": _json_value(cell.value),
        "display": display_answer(cell.value, cell.kind, checklist, cell.item, cell.band),
        "band": cell.band,
        "label": label,
        "symbol": BAND_SYMBOLS.get(band, NO_ANSWER),
        "trend": trend.value,
        "streak": streak,
        "disagreement": disagreement,
        "answers": answers,
        "corrected": corrected,
        "gap": gap is not None,
        "gap_open": gap is not None and gap.is_open,
    }


def _client_row(
    summary: HistorySummary,
    checklist: Checklist | None,
    checklist_id: str,
    item_id: str,
    series: list[SprintPicture],
    gaps: Mapping[tuple[str, str], Gap],
) -> dict[str, Any] | None:
    """The client's answers to ``item_id`` over the sprints of ``series``, as a matrix row of its
    own (``source`` "client") under the team's; None when the client answered it in none."""
    cells: list[dict[str, Any] | None] = []
    for p in series:
        cell = p.client.get(item_id)
        if cell is None or cell.band is None:
            cells.append(None)
            continue
        cells.append(
            _matrix_cell(
                p,
                cell,
                checklist,
                gaps.get((p.sprint, item_id)),
                label=None,
                trend=Trend.NONE,
                streak=0,
                disagreement=False,
                answers=[
                    {
                        "author": a["respondent"],
                        "value": a["value"],
                        "display": a["display"],
                        "band": a["band"],
                        "label": None,
                        "note": a["comment"],
                        "corrected": None,
                        "invitation": a["invitation"],
                    }
                    for a in client_entry_dicts(cell, checklist)
                ],
                corrected=False,
            )
        )
    if not any(cells):
        return None
    kind = next(p.client[item_id].kind for p in series if item_id in p.client)
    return {
        "item": item_id,
        "title": title_of(summary.checklists, checklist_id, item_id),
        "kind": kind.value if kind else None,
        "source": "client",
        "question": client_question_of(summary.checklists, checklist_id, item_id),
        "cells": cells,
    }


def _checklist_section(summary: HistorySummary, picture: SprintPicture, max_sprints: int) -> dict[str, Any]:
    checklist = summary.checklists.get(picture.checklist)
    series = [p for p in summary.pictures_of(picture.checklist) if p.index <= picture.index]
    series = series[-max(1, max_sprints) :]
    items = []
    for item_id, item in picture.items.items():
        items.append(
            {
                "item": item_id,
                "title": title_of(summary.checklists, picture.checklist, item_id),
                "question": question_of(summary.checklists, picture.checklist, item_id),
                "kind": item.kind.value if item.kind else None,
                "value": _json_value(item.value),
                "display": display_answer(item.value, item.kind, checklist, item_id, item.band),
                "band": item.band,
                "label": _label(option_label(checklist, item_id, item.value, item.kind)),
                "trend": item.trend.value,
                "streak": item.streak,
                "spread": item.spread,
                "disagreement": item.disagreement,
                "answers": _entry_dicts(item, checklist, summary),
                "client": _client_item(picture, item_id, checklist),
                "votes": votes_dicts(item, checklist),
                "anonymous_votes": sum(item.anonymous.values()),
                "agreed": _agreed_dict(item, checklist, summary),
            }
        )
    # An item only the client answered (the team left it out) is listed too.
    for item_id in picture.client:
        if item_id not in picture.items:
            client = picture.client[item_id]
            items.append(
                {
                    "item": item_id,
                    "title": title_of(summary.checklists, picture.checklist, item_id),
                    "question": question_of(summary.checklists, picture.checklist, item_id),
                    "kind": client.kind.value if client.kind else None,
                    "value": None,
                    "display": "",
                    "band": None,
                    "label": None,
                    "trend": Trend.NONE.value,
                    "streak": 0,
                    "spread": None,
                    "disagreement": False,
                    "answers": [],
                    "client": _client_item(picture, item_id, checklist),
                }
            )
    return {
        "checklist": picture.checklist,
        "phase": picture.phase,
        "title": one_line(checklist.title, 200) if checklist else "",
        "authors": [clean_text(a) for a in picture.authors],
        "runs": [r.id for r in picture.runs],
        "counts": picture.band_counts(),
        "items": items,
        "disagreements": [i.item for i in picture.disagreements()],
        "streaks": [
            {"item": i["item"], "band": i["band"], "length": i["streak"]}
            for i in items
            if i["band"] in ("red", "amber") and i["streak"] >= 2
        ],
        "matrix": health_matrix(summary, picture.checklist, series),
        "corrections": [
            dict(correction_dict(summary.correction(r.id)), author=clean_text(r.author))  # type: ignore[arg-type]
            for r in picture.runs + picture.superseded
            if summary.correction(r.id) is not None
        ],
        "tone": tone_dicts(summary.tone(picture)),
        "client_replies": [
            {
                "invitation": r.invitation,
                "respondent": clean_text(r.respondent),
                "answered": _date(r.answered),
                "imported": _date(r.imported),
                "imported_by": clean_text(r.imported_by),
                "file": r.path,
            }
            for r in picture.client_replies
        ],
        "gaps": [
            gap_dict(gap, summary)
            for gap in summary.gaps(picture.phase)
            if gap.checklist == picture.checklist and gap.sprint == picture.sprint
        ],
    }


def _client_item(picture: SprintPicture, item_id: str, checklist: Checklist | None) -> dict[str, Any] | None:
    """The client's answer to an item of the reported sprint (None: the client was not asked it
    or gave none): the representative answer, everyone's, and whether it is a perception gap."""
    client = picture.client.get(item_id)
    if client is None:
        return None
    return {
        "value": _json_value(client.value),
        "band": client.band,
        "display": display_answer(client.value, client.kind, checklist, item_id, client.band),
        "gap": is_perception_gap(picture.items.get(item_id), client),
        "answers": client_entry_dicts(client, checklist),
    }


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"  # pragma: no mutate (None is False too)


# --------------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: Any, limit: int | None = None) -> str:
    """``text`` as inert Markdown on one line: no table pipes, emphasis, links, code spans or
    HTML tags, and no heading, quote or list marker at its start."""
    folded = one_line(str(text), limit)
    folded = folded.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    folded = _MD_SPECIAL.sub(r"\\\1", folded)
    if re.match(r"[#+\-=]|\d+[.)]", folded):
        folded = "\\" + folded if not folded[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", folded)
    return folded


def _trend_text(trend: str) -> str:
    t = Trend(trend)
    return f"{TREND_ARROWS[t]} {translate(TREND_WORDS[t])}".strip()


def _streak_text(band: str | None, streak: int) -> str:
    if band in ("red", "amber") and streak >= 2:
        return _("{band} for {n} sprints in a row").format(band=translate(BAND_WORDS[band]), n=streak)
    return ""


def _disagreement_text(spread: Any) -> str:
    return _("{flag} disagreement (spread {spread})").format(flag=DISAGREE, spread=spread)


def _decision_text(decision: str) -> str:
    word = DECISION_WORDS.get(decision)
    return translate(word) if word else decision


def _due_text(d: dict[str, Any]) -> str:
    if not d["last_checked"]:
        return _("never checked")
    return _("last checked {last}, due since {due}").format(last=d["last_checked"], due=d["due_on"])


def _about(project: str, client: str, today: str) -> str:
    """'Project: …, client: …, as of ….' from texts already escaped for the target format."""
    about = []
    if project:
        about.append(_("Project: {project}").format(project=project))
    if client:
        about.append(_("client: {client}").format(client=client))
    about.append(_("as of {today}").format(today=today))
    return ", ".join(about) + "."


def _legend(client: bool = False) -> str:
    legend = _(
        "Legend: ✔ yes/green, ◐ partly/amber, ✘ no/red, – not applicable, {none} not answered; "
        "↑ better, → same, ↓ worse than the sprint before; {flag} the team disagrees."
    ).format(none=NO_ANSWER, flag=DISAGREE)
    if client:
        legend += " " + _(
            "↳ The client's own answers (mirror invitations) stand under the team's; {gap} marks a "
            "perception gap: the team answered green, the client red or amber."
        ).format(gap=GAP)
    return legend


def _has_client(report: dict[str, Any]) -> bool:
    return any(section.get("client_replies") for section in report["checklists"])


def _client_row_name(row: dict[str, Any] | None = None) -> str:
    """The name of a matrix row of the client's answers: under the team's row of the item
    "↳ the client's view", else (the team was not asked it) the item's name with it; not escaped."""
    if row is not None and row.get("alone"):
        return _("{item} · the client's view").format(item=one_line(row["title"] or row["item"], 80))
    return _("↳ the client's view")


def _gap_words(gap: dict[str, Any]) -> str:
    """One perception gap of a sprint: 'Talked to the client: team ✔ yes, client ✘ no (open)'; not escaped."""
    name = gap["title"] or gap["item"]
    team = answer_words(gap["team"]["value"], _gap_kind(gap), gap["team"]["band"])
    client = answer_words(gap["client"]["value"], _gap_kind(gap), gap["client"]["band"])
    state = (
        _("no action yet")
        if gap["open"]
        else _('answered by the action "{what}"').format(what=one_line(gap["action"]["what"], 80))
    )
    return _("{item}: team {team}, client {client} ({state})").format(item=name, team=team, client=client, state=state)


def _gap_kind(gap: dict[str, Any]) -> Kind:
    return Kind.SCALE if isinstance(gap["client"]["value"], int) else Kind.TRAFFIC_LIGHT


def _client_words(entry: dict[str, Any], kind: str | None) -> str:
    """One client answer in the reports' answer list: 'client (Jane): ✘ no: only mails'; not escaped."""
    line = f"{client_label(entry['respondent'])}: {answer_words(entry['value'], kind, entry['band'])}"
    return line + (f": {one_line(entry['comment'], 600)}" if entry["comment"] else "")


def _replies_words(section: dict[str, Any]) -> str:
    """Who of the client answered the sprint, and when; not escaped."""
    parts = [
        _("{who} on {day} (invitation {id})").format(
            who=one_line(r["respondent"], 60) or _("the client"),
            day=(r["answered"] or r["imported"] or "")[:10],
            id=r["invitation"],
        )
        for r in section["client_replies"]
    ]
    return _("The client's own view of this sprint: answered by {replies}.").format(replies="; ".join(parts))


def _answered_by(who: str, counts: dict[str, int]) -> str:
    return _("Answered by {who}. Items: ✔ {green} green, ◐ {amber} amber, ✘ {red} red, – {na} n/a.").format(
        who=who, green=counts["green"], amber=counts["amber"], red=counts["red"], na=counts["na"]
    )


def corrected_text(corrected: dict[str, Any], author: str = "") -> str:
    """'corrected on <date>: <note>' (with who corrected it when that is not ``author``), from
    a :func:`correction_dict`; the note folded onto one line, not escaped."""
    day = (corrected.get("on") or "")[:10]
    note = one_line(corrected.get("note") or "", 300)
    by = corrected.get("by") or ""
    if by and author and author_name(by) != author_name(author):
        return _("corrected on {date} by {who}: {note}").format(date=day, who=one_line(author_name(by), 60), note=note)
    return _("corrected on {date}: {note}").format(date=day, note=note)


#: Where a tone finding's text is, as people read it (tone_dicts "where").
TONE_PLACES = {
    "note": N_("note on {item}"),
    "answer": N_("answer to {item}"),
    "action": N_("action on {item}"),
    "review": N_("review note on {item}"),
}


def tone_text(finding: dict[str, Any]) -> str:
    """One tone finding: the words, who wrote them and where ('stubborn' (Ana, note on
    client-contacted)); not escaped."""
    words = ", ".join(f"'{one_line(w, 60)}'" for w in finding["words"])
    place = translate(TONE_PLACES.get(finding["where"], N_("note on {item}"))).format(item=finding["item"])
    return f"{words} ({one_line(author_name(finding['author']), 60)}, {place})"


def _tone_heading() -> str:
    return _("Tone: words about the client worth a second look (is the client being judged?):")


def _actions_counts(actions: dict[str, Any]) -> str:
    overdue = [a for a in actions["open"] if a["overdue"]]
    return _("{open} open, {overdue} overdue, {raised} raised this sprint, {reviewed} reviewed this sprint.").format(
        open=len(actions["open"]), overdue=len(overdue), raised=len(actions["raised"]), reviewed=len(actions["reviewed"])
    )


def raisers(a: dict[str, Any]) -> list[str]:
    """The names of everyone who raised an action of the thread ``a`` (an action dict), in order."""
    return list(dict.fromkeys(author_name(w["author"]) for w in a.get("raised_by") or [{"author": a["author"]}]))


def _listed_groups(actions: dict[str, Any], key: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Per phase, the threads of ``actions[key]`` the report lists (``actions["listed"]``)."""
    by_id = {a["id"]: a for a in actions[key]}
    return [(group, [by_id[i] for i in group["ids"] if i in by_id]) for group in actions["listed"][key]]


def more_text(more: int, phase: str) -> str:
    """ "and 37 more: kundencheck actions --phase build", after the threads a view lists."""
    return _("and {n} more: kundencheck actions --phase {phase}").format(n=more, phase=phase)


def _more_text(group: dict[str, Any]) -> str:
    return more_text(group["more"], group["phase"])


def _report_title(sprint: str) -> str:
    return _("kundencheck report: sprint {sprint}").format(sprint=sprint)


def _late_words(days: int) -> str:
    return ngettext("{flag} overdue by {n} day", "{flag} overdue by {n} days", days).format(flag=DISAGREE, n=days)


def _action_line_md(a: dict[str, Any]) -> str:
    late = (" **" + _late_words(a["days_overdue"]) + "**") if a["overdue"] else ""
    owner = md(a["owner"], 60) or _("no owner")
    return _("{id} {what} ({owner}, {due}){late}; item {item}, raised {raised} by {who}").format(
        id=f"`{a['id']}`",
        what=md(a["what"], 300),
        owner=owner,
        due=due_date_words(a["due"]),
        late=late,
        item=_item_ref_md(a),
        raised=a["raised"][:10],
        who=", ".join(md(name, 60) for name in raisers(a)),
    )


def _item_ref_md(entry: dict[str, Any]) -> str:
    """An item named in a sentence: its short title with the id beside it, or the id alone."""
    return f"{md(entry['title'], 80)} `{entry['item']}`" if entry.get("title") else f"`{entry['item']}`"


# --------------------------------------------------------------------------------- the headline

#: A finding's level as a symbol (its words are the rule's title and the counts beside it).
LEVEL_SYMBOLS = {"error": "✘", "warning": "⚠"}
#: How many items a rule of the headline names before "…".
HEADLINE_ITEMS = 3


def _since_words(since: str | None, sprint: str | None, esc: Callable[[str], str]) -> str:
    """'since sprint 2026-W12 (2026-03-16)' or 'since 2026-03-21'; '' without a day."""
    if since and sprint is not None:
        return _("since sprint {sprint} ({day})").format(sprint=esc(sprint), day=since)
    if since:
        return _("since {day}").format(day=since)
    return ""


def _rule_words(group: dict[str, Any], esc: Callable[[str], str]) -> str:
    """One rule of a phase's verdict: '✘ red streak: Team mood, Contact, since sprint 2026-W12
    (2026-03-16)'; 'overdue action (3)', 'check due, never checked'."""
    from kundencheck.core.gate import rule_title

    items = group["items"]
    # Items that began at different times each say since when, the longest-standing first.
    apart = len({(i.get("since"), i.get("since_sprint")) for i in items}) > 1
    if apart:
        items = sorted(items, key=lambda i: i.get("since") or "")
    names = [
        esc(i["title"] or i["item"]) + (" " + _since_words(i["since"], i["since_sprint"], esc) if apart else "") for i in items
    ]
    shown = ", ".join(names[:HEADLINE_ITEMS]) + (", …" if len(names) > HEADLINE_ITEMS else "")
    head = f"{LEVEL_SYMBOLS[group['level']]} {rule_title(group['rule'])}"
    if shown:
        head += f": {shown}"
    elif group["count"] > 1:
        head += f" ({group['count']})"
    if apart:
        return head
    since = _since_words(group["since"], group["since_sprint"], esc)
    if not since and group["rule"] == "due":
        since = _("never checked")
    return f"{head}, {since}" if since else head


def _phase_words(phase: dict[str, Any], esc: Callable[[str], str], strong: Callable[[str], str]) -> str:
    """A phase's verdict on one line: '**build** (current phase): ✘ 4 errors, 1 warning,
    failing since 2026-03-16 (sprint 2026-W12)'."""
    from kundencheck.core.gate import count_words

    name = strong(esc(phase["phase"]))
    if phase["current"]:
        name += " " + _("(current phase)")
    words = f"{name}: {count_words(phase['errors'], phase['warnings'])}"
    day, sprint = phase["since"], phase["since_sprint"]
    if not day or (phase["passed"] and not phase["warnings"]):
        return words
    if phase["errors"]:
        since = _("failing since {day} (sprint {sprint})") if sprint is not None else _("failing since {day}")
    else:
        since = _("with warnings since {day} (sprint {sprint})") if sprint is not None else _("with warnings since {day}")
    return f"{words}, {since.format(day=day, sprint=esc(sprint or ''))}"


def _headline_title(verdict: dict[str, Any]) -> str:
    """'✘ kundencheck check: failed, 4 errors, 1 warning.': the check's own summary line."""
    from kundencheck.core.gate import summary_words

    mark = "✘" if not verdict["passed"] else ("⚠" if verdict["warnings"] else "✔")
    return f"{mark} {summary_words(verdict['errors'], verdict['warnings'])}"


def _overdue_words(verdict: dict[str, Any]) -> str:
    flag = f"{DISAGREE} " if verdict["overdue_actions"] else ""
    return flag + _("Overdue actions: {overdue} of {open} open.").format(
        overdue=verdict["overdue_actions"], open=verdict["open_actions"]
    )


def _due_checks_words(report: dict[str, Any], esc: Callable[[str], str]) -> str:
    current = report.get("verdict", {}).get("current_phase")
    due = sorted((d for d in report["due"] if d["is_due"]), key=lambda d: d["phase"] != current)
    if not due:
        return _("No check is due.")
    return _("Checks due: {checks}.").format(checks="; ".join(f"{esc(d['phase'])} ({_due_text(d)})" for d in due))


def _finding_words(finding: dict[str, Any]) -> str:
    """One finding as ``check`` and ``status`` list it: its rule's title, the rule's name as the
    [check] table spells it, and the message (not escaped)."""
    from kundencheck.core.gate import rule_title

    return f"{LEVEL_SYMBOLS[finding['level']]} {rule_title(finding['rule'])} ({finding['rule']}): {finding['message']}"


def _more_findings_words(more: dict[str, Any]) -> str:
    from kundencheck.core.gate import rule_title

    return f"… {rule_title(more['rule'])}: {more_text(more['count'], more['phase'])}"


def _item_name_md(entry: dict[str, Any]) -> str:
    """An item by its short title, its id small beside it (a code span); the id alone without a title."""
    if entry.get("title"):
        return f"**{md(entry['title'], 80)}** `{entry['item']}`"
    return f"**{md(entry['item'])}**"


def _verdict_md(report: dict[str, Any]) -> list[str]:
    verdict = report["verdict"]
    out = ["## " + _headline_title(verdict), ""]
    for phase in verdict["phases"]:
        out.append("- " + _phase_words(phase, lambda t: md(t, 40), lambda t: f"**{t}**"))
        out += [f"  - {_rule_words(group, lambda t: md(t, 80))}" for group in phase["rules"]]
    out.append("- " + _overdue_words(verdict))
    out.append("- " + _due_checks_words(report, lambda t: md(t, 40)))
    found = [phase for phase in verdict["phases"] if phase["findings"]]
    if found:
        out += ["", "### " + _("What the check found"), ""]
        for phase in found:
            out += [f"- {md(_finding_words(f), 1200)}" for f in phase["findings"] if f.get("shown", True)]
            out += [f"- {md(_more_findings_words(more), 300)}" for more in phase["more"]]
    return out


def report_markdown(report: dict[str, Any]) -> str:
    out: list[str] = []
    title = _report_title(md(report["sprint"], 40))
    out.append(f"# {title}")
    out.append("")
    out.append(
        _about(
            md(report["project"], 80),
            md(report["client"], 80),
            report["today"],
        )
    )
    out.append("")
    for future in report["future_runs"]:
        out += [f"> ⚠ {md(future['note'], 600)}", ""]
    if "verdict" in report:
        out += [*_verdict_md(report), ""]
    out.append(_legend(_has_client(report)))
    for section in report["checklists"]:
        out += ["", f"## {md(section['phase'])}: {md(section['title'] or section['checklist'], 200)}", ""]
        who = ", ".join(md(author_name(a), 60) for a in section["authors"])
        out.append(_answered_by(who, section["counts"]))
        for corrected in section["corrections"]:
            out += [
                "",
                _("Answers of {who}: {corrected}").format(
                    who=md(author_name(corrected["author"]), 60),
                    corrected=md(corrected_text(corrected, corrected["author"])),
                ),
            ]
        if section.get("tone"):
            out += ["", _tone_heading()]
            out += [f"- {md(tone_text(finding), 300)}" for finding in section["tone"]]
        if section.get("client_replies"):
            out += ["", md(_replies_words(section), 600)]
            if section["gaps"]:
                out += ["", _("{gap} Perception gaps:").format(gap=GAP)]
                out += [f"- {md(_gap_words(gap), 300)}" for gap in section["gaps"]]
        matrix = section["matrix"]
        if matrix["rows"]:
            out.append("")
            out.append("| " + _("item") + " | " + " | ".join(md(s, 30) for s in matrix["sprints"]) + " |")
            out.append("|---|" + "---|" * len(matrix["sprints"]))
            for row in matrix["rows"]:
                cells = []
                for cell in row["cells"]:
                    if cell is None:
                        cells.append(NO_ANSWER)
                        continue
                    parts = [
                        md(entry_words(cell, row["kind"]), 40),
                        TREND_ARROWS[Trend(cell["trend"])],
                        DISAGREE if cell["disagreement"] else "",
                        GAP if cell.get("gap") and row.get("source") == "client" else "",
                    ]
                    cells.append(" ".join(p for p in parts if p))
                name = md(_client_row_name(row)) if row.get("source") == "client" else _item_name_md(row)
                out.append(f"| {name} | " + " | ".join(cells) + " |")
        out += ["", "### " + _("Answers"), ""]
        for item in section["items"]:
            extra = [
                x
                for x in (
                    _trend_text(item["trend"]),
                    _streak_text(item["band"], item["streak"]),
                    _disagreement_text(item["spread"]) if item["disagreement"] else "",
                )
                if x
            ]
            head = f"- {_item_name_md(item)}: {md(entry_words(item, item['kind']))}"
            if extra:
                head += " (" + "; ".join(extra) + ")"
            out.append(head)
            if item["question"]:
                out.append(f"  - {md(item['question'])}")
            if item.get("agreed"):
                agreed = item["agreed"]
                line = f"  - {md(agreed_words(agreed, item['kind']), 200)}"
                if agreed["note"]:
                    line += f": {md(agreed['note'], 600)}"
                if agreed.get("corrected"):
                    line += f" ({md(corrected_text(agreed['corrected'], agreed['recorded_by']), 400)})"
                out.append(line)
            if sum(v["count"] for v in item.get("votes", [])) > 1:
                out.append(f"  - {md(votes_words(item['votes'], item['kind'], item['anonymous_votes']), 300)}")
            if len(item["answers"]) > 1 or any(a["note"] or a.get("corrected") for a in item["answers"]):
                for answer in item["answers"]:
                    line = f"  - {md(author_name(answer['author']), 60)}: {md(entry_words(answer, item['kind']))}"
                    if answer["note"]:
                        line += f": {md(answer['note'], 600)}"
                    if answer.get("corrected"):
                        line += f" ({md(corrected_text(answer['corrected'], answer['author']))})"
                    out.append(line)
            for answer in (item.get("client") or {}).get("answers", []):
                gap = f" {GAP} " + _("perception gap") if item["client"]["gap"] else ""
                out.append(f"  - {md(_client_words(answer, item['kind']), 700)}{gap}")
    actions = report["actions"]
    out += ["", "## " + _("Actions"), ""]
    out.append(_actions_counts(actions))
    for key, heading in (("open", _("Open")), ("raised", _("Raised this sprint"))):
        if actions[key]:
            out += ["", "### " + heading, ""]
            for group, shown in _listed_groups(actions, key):
                out += [f"- {_action_line_md(a)}" for a in shown]
                if group["more"]:
                    out.append("- " + md(_more_text(group)))
    if actions["reviewed"]:
        out += ["", "### " + _("Reviewed this sprint"), ""]
        for a in actions["reviewed"]:
            note = f": {md(a['decision_note'], 300)}" if a["decision_note"] else ""
            out.append(
                "- "
                + _("{decision}{note}: {what} (item {item}, decided by {who})").format(
                    decision=_decision_text(a["decision"]),
                    note=note,
                    what=md(a["what"], 300),
                    item=_item_ref_md(a),
                    who=md(author_name(a["decided_by"]), 60),
                )
            )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       background: #fff; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.about, .legend { color: #444; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
table.matrix td.cell { text-align: center; min-width: 4.2rem; font-size: 1.1rem; white-space: nowrap; }
table.matrix th[scope=row] { font-weight: normal; max-width: 22rem; }
.band-green { background: #b9e4c0; color: #0d4a1a; }
.band-amber { background: #ffe1a6; color: #5c3d00; }
.band-red { background: #f7b5b5; color: #6b0d0d; }
.band-na { background: #e4e4e4; color: #333; }
.cell.empty { background: #fff; color: #888; }
.arrow { font-size: .85rem; margin-left: .2rem; }
.flag { color: #8a0000; margin-left: .15rem; }
.word { display: block; font-size: .7rem; }
.overdue { color: #8a0000; font-weight: 600; }
.future { color: #5c3d00; background: #ffe1a6; padding: .3rem .5rem; }
ul.answers { margin: .2rem 0 .6rem 0; }
.question { color: #444; }
.corrected { color: #444; font-style: italic; }
.tone { border-left: 3px solid #b07a00; padding: .1rem .8rem; margin: .8rem 0; }
.tone p { margin: .2rem 0; }
p, li, h1, h2, h3, summary { overflow-wrap: anywhere; }
table.matrix th small.id { display: block; margin-left: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
small.id { color: #555; font-size: .75rem; font-family: ui-monospace, monospace; margin-left: .3rem; }
.verdict { border-left: 6px solid #8a0000; background: #fbeaea; padding: .4rem 1rem .6rem; margin: 1rem 0 1.5rem; }
.verdict.passed { border-color: #0d6b24; background: #e9f6ec; }
.verdict.warned { border-color: #b07a00; background: #fff5dc; }
.verdict h2 { margin: .4rem 0 .6rem; font-size: 1.3rem; }
.verdict ul { margin: .3rem 0; padding-left: 1.2rem; }
.verdict ul.rules { padding-left: 1rem; list-style: none; }
.verdict details { margin-top: .6rem; }
.verdict details li { margin: .3rem 0; }
ul.items { list-style: none; padding-left: 0; }
ul.items > li { margin: .6rem 0; display: flex; align-items: flex-start; gap: .7rem; }
ul.items .item { min-width: 0; }
svg.chart, .no-chart { flex: none; }
svg.chart .grid { stroke: #ddd; stroke-width: 1; }
svg.chart .line { fill: none; stroke: #777; stroke-width: 1.5; }
svg.chart .mark { stroke: #333; stroke-width: .8; }
svg.chart .mark-green { fill: #2e9b45; }
svg.chart .mark-amber { fill: #f0a800; }
svg.chart .mark-red { fill: #d32f2f; }
svg.chart .mark-na { stroke: #888; stroke-width: 2; }
caption { text-align: left; max-width: calc(100vw - 1.5rem); }
tr.client th { font-style: italic; font-weight: normal; color: #333; }
.flag.gap, .gap { color: #5c3d00; font-weight: 700; }
.client-view { border-left: 3px solid #1f4f8f; padding: .1rem .8rem; margin: .8rem 0; }
.client-view p { margin: .2rem 0; }
ul.answers.client { font-style: italic; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .6rem; }
  ul.items > li { flex-direction: column; gap: .2rem; }
  .no-chart { display: none; }
}
"""


def _h(text: Any, limit: int | None = None) -> str:
    """``text`` as HTML; with ``limit``, folded onto one line and shortened to that many
    characters, as the Markdown report shows it (a 1 MB note or owner stays a line, not a page)."""
    return html.escape(one_line(str(text), limit) if limit is not None else clean_text(str(text)), quote=True)


def _t(text: str) -> str:
    """One of kundencheck's own texts (a translation) as HTML element content."""
    return html.escape(text, quote=False)


def _cell_title(row: dict[str, Any], cell: dict[str, Any]) -> str:
    if row.get("source") == "client":
        lines = [
            _("{item}, sprint {sprint}, the client's view: {answer}").format(
                item=row["item"], sprint=cell["sprint"], answer=entry_words(cell, row["kind"])
            )
        ]
        if cell.get("gap"):
            lines.append(
                _("{gap} perception gap: the team answered green").format(gap=GAP)
                + ("" if cell.get("gap_open") else " " + _("(an action answers it)"))
            )
        for answer in cell["answers"]:
            lines.append(
                f"{client_label(answer['author'])}: {entry_words(answer, row['kind'])}"
                + (f": {one_line(answer['note'], 400)}" if answer["note"] else "")
            )
        return "\n".join(lines)
    lines = [
        _("{item}, sprint {sprint}: {answer}").format(
            item=row["item"], sprint=cell["sprint"], answer=entry_words(cell, row["kind"])
        )
    ]
    if cell["trend"] not in ("none",):
        lines[0] += f" ({_trend_text(cell['trend'])})"
    if cell["disagreement"]:
        lines.append(_("{flag} the team disagrees").format(flag=DISAGREE))
    agreed = cell.get("agreed")
    if agreed:
        lines.append(agreed_words(agreed, row["kind"]))
        if agreed.get("corrected"):
            lines[-1] += f" ({corrected_text(agreed['corrected'], agreed['recorded_by'])})"
    if cell.get("anonymous_votes"):
        lines.append(votes_words(cell["votes"], row["kind"], cell["anonymous_votes"]))
    for answer in cell["answers"]:
        line = f"{one_line(author_name(answer['author']), 60)}: {entry_words(answer, row['kind'])}"
        if answer["note"]:
            line += f": {one_line(answer['note'], 400)}"
        if answer.get("corrected"):
            line += f" ({corrected_text(answer['corrected'], answer['author'])})"
        lines.append(line)
    return "\n".join(lines)


def _matrix_html(section: dict[str, Any]) -> list[str]:
    matrix = section["matrix"]
    if not matrix["rows"]:
        return ["<p>" + _t(_("No traffic-light or scale items answered.")) + "</p>"]
    # No _() inside f-strings: Babel cannot extract texts from there.
    caption, item_heading = _("Health matrix: items down, sprints across"), _("Item")
    not_answered, disagreement = _h(_("not answered")), _h(_("disagreement"))
    region = _("Health matrix of {checklist}").format(checklist=one_line(section["title"] or section["checklist"], 80))
    out = [
        f'<div class="scroll" role="region" tabindex="0" aria-label="{_h(region)}">',
        f'<table class="matrix" data-checklist="{_h(section["checklist"])}">',
        f"<caption>{_t(caption)}</caption>",
        f'<thead><tr><th scope="col">{_t(item_heading)}</th>'
        + "".join(f'<th scope="col">{_h(s, 30)}</th>' for s in matrix["sprints"])
        + "</tr></thead>",
        "<tbody>",
    ]
    gap_words = _h(_("perception gap: the team answered green, the client red or amber"))
    for row in matrix["rows"]:
        question = f' title="{_h(row["question"])}"' if row["question"] else ""
        if row.get("source") == "client":
            cells = [
                (
                    f'<tr class="client" data-item="{_h(row["item"])}" data-source="client">'
                    f'<th scope="row"{question}>{_h(_client_row_name(row))}</th>'
                )
            ]
        else:
            cells = [f'<tr data-item="{_h(row["item"])}"><th scope="row"{question}>{_item_name_html(row)}</th>']
        for sprint, cell in zip(matrix["sprints"], row["cells"], strict=True):
            if cell is None:
                cells.append(f'<td class="cell empty" data-sprint="{_h(sprint)}" title="{not_answered}">{NO_ANSWER}</td>')
                continue
            arrow = TREND_ARROWS[Trend(cell["trend"])]
            _symbol, word = answer_parts(cell.get("value"), row["kind"], cell.get("band"), cell.get("label"))
            flag = f'<span class="flag" aria-label="{disagreement}">{DISAGREE}</span>' if cell["disagreement"] else ""
            if cell.get("gap") and row.get("source") == "client":
                flag += f'<span class="flag gap" aria-label="{gap_words}">{GAP}</span>'
            arrow_html = (
                f'<span class="arrow" aria-label="{_h(translate(TREND_WORDS[Trend(cell["trend"])]))}">{arrow}</span>'
                if arrow
                else ""
            )
            gap_attr = f' data-gap="{"open" if cell.get("gap_open") else "answered"}"' if cell.get("gap") else ""
            cells.append(
                f'<td class="cell band-{_h(cell["band"])}" data-sprint="{_h(cell["sprint"])}" data-band="{_h(cell["band"])}"'
                f' data-trend="{_h(cell["trend"])}"{gap_attr} title="{_h(_cell_title(row, cell))}">'
                f'<span class="symbol">{_h(cell["symbol"])}</span>{arrow_html}{flag}'
                f'<span class="word">{_h(word)}</span></td>'
            )
        cells.append("</tr>")
        out.append("".join(cells))
    out.append("</tbody></table></div>")
    return out


def _item_name_html(entry: dict[str, Any]) -> str:
    """An item by its short title, its id small beside it; the id alone without a title."""
    if entry.get("title"):
        return f'<strong>{_h(entry["title"], 80)}</strong><small class="id">{_h(entry["item"])}</small>'
    return f"<strong>{_h(entry['item'])}</strong>"


#: The chart of an item's answers: pixels between two sprints, around the marks, and the
#: height of the band from the worst answer (bottom) to the best (top).
CHART_STEP, CHART_PAD, CHART_HEIGHT = 18, 6, 22
#: Where an answer sits between worst (0) and best (1): a scale by its value, the others by band.
_BAND_LEVEL = {"red": 0.0, "amber": 0.5, "green": 1.0}


def chart_width(sprints: int) -> int:
    """How wide the chart of ``sprints`` sprints is, in pixels."""
    return 2 * CHART_PAD + CHART_STEP * max(sprints - 1, 0)


def _chart_level(cell: dict[str, Any], kind: str | None) -> float | None:
    value = cell.get("value")
    if kind == Kind.SCALE and type(value) is int and 1 <= value <= 5:
        return (value - 1) / 4
    return _BAND_LEVEL.get(cell.get("band") or "")


def chart_svg(row: dict[str, Any]) -> str:
    """A matrix row (an item's answers over the shown sprints, oldest first) as a small inline
    SVG: each answer a mark in its band's colour, higher the better (a scale by its value, a
    traffic light or a choice by its band), joined by a line from sprint to sprint; n/a a grey
    dash, a sprint without an answer a gap. Colour never stands alone: the height says the
    same, and the title and aria-label list every sprint's answer in words. No script, nothing
    loaded: it is part of the page."""
    kind, cells = row["kind"], row["cells"]
    width = chart_width(len(cells))
    height = 2 * CHART_PAD + CHART_HEIGHT
    described = []
    for sprint, cell in zip(row["sprints"], cells, strict=True):
        answer = entry_words(cell, kind) if cell is not None else _("not answered")
        described.append(_("{sprint}: {answer}").format(sprint=one_line(sprint, 30), answer=answer))
    name = row.get("title") or row["item"]
    label = _("{item}, sprint by sprint: {answers}").format(item=one_line(name, 80), answers="; ".join(described))
    head = (
        f'<svg class="chart" role="img" aria-label="{_h(label)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-item="{_h(row["item"])}"><title>{_h(label)}</title>'
    )
    parts = [head]
    for level in (0.0, 0.5, 1.0):
        y = CHART_PAD + (1 - level) * CHART_HEIGHT
        parts.append(f'<line class="grid" x1="0" y1="{y:g}" x2="{width}" y2="{y:g}"/>')
    points: list[tuple[float, float] | None] = []
    for n, cell in enumerate(cells):
        share = _chart_level(cell, kind) if cell is not None else None
        points.append((CHART_PAD + n * CHART_STEP, CHART_PAD + (1 - share) * CHART_HEIGHT) if share is not None else None)
    run: list[tuple[float, float]] = []
    for point in [*points, None]:  # one line per stretch of sprints with an answer
        if point is not None:
            run.append(point)
            continue
        if len(run) > 1:
            parts.append('<polyline class="line" points="' + " ".join(f"{x:g},{y:g}" for x, y in run) + '"/>')
        run = []
    x: float
    for n, (cell, point) in enumerate(zip(cells, points, strict=True)):
        if cell is None:
            continue
        band = cell.get("band") or "na"
        if point is None:  # n/a: no height of its own, a dash in the middle
            x, y = CHART_PAD + n * CHART_STEP, CHART_PAD + CHART_HEIGHT / 2
            parts.append(f'<line class="mark mark-na" x1="{x - 3:g}" y1="{y:g}" x2="{x + 3:g}" y2="{y:g}"/>')
            continue
        x, y = point
        parts.append(f'<circle class="mark mark-{_h(band)}" cx="{x:g}" cy="{y:g}" r="3.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _verdict_html(report: dict[str, Any]) -> list[str]:
    verdict = report["verdict"]
    state = "failed" if not verdict["passed"] else ("warned" if verdict["warnings"] else "passed")
    out = [
        f'<section class="verdict {state}" aria-labelledby="verdict">',
        f'<h2 id="verdict">{_h(_headline_title(verdict))}</h2>',
        '<ul class="phases">',
    ]
    for phase in verdict["phases"]:
        line = f'<li data-phase="{_h(phase["phase"])}">' + _phase_words(
            phase, lambda t: _h(t, 40), lambda t: f"<strong>{t}</strong>"
        )
        if phase["rules"]:
            line += (
                '<ul class="rules">'
                + "".join(
                    f'<li data-rule="{_h(group["rule"])}">{_rule_words(group, lambda t: _h(t, 80))}</li>'
                    for group in phase["rules"]
                )
                + "</ul>"
            )
        out.append(line + "</li>")
    out.append(f'<li class="overdue-count">{_h(_overdue_words(verdict))}</li>')
    out.append(f'<li class="due-checks">{_due_checks_words(report, lambda t: _h(t, 40))}</li>')
    out.append("</ul>")
    found = [f for phase in verdict["phases"] for f in phase["findings"] if f.get("shown", True)]
    if found:
        more = [m for phase in verdict["phases"] for m in phase["more"]]
        n = len(found) + sum(m["count"] for m in more)
        summary = ngettext("What the check found ({n} finding)", "What the check found ({n} findings)", n).format(n=n)
        out.append(
            f"<details><summary>{_t(summary)}</summary><ul>"
            + "".join(f"<li>{_h(_finding_words(f), 1200)}</li>" for f in found)
            + "".join(f'<li class="more">{_h(_more_findings_words(m), 300)}</li>' for m in more)
            + "</ul></details>"
        )
    out.append("</section>")
    return out


def _item_ref_html(entry: dict[str, Any]) -> str:
    """An item named in a sentence: its short title with the id small beside it, or the id alone."""
    if entry.get("title"):
        return f'{_h(entry["title"], 80)}<small class="id">{_h(entry["item"])}</small>'
    return f"<code>{_h(entry['item'])}</code>"


def _action_html(a: dict[str, Any]) -> str:
    late = (' <span class="overdue">' + _h(_late_words(a["days_overdue"])) + "</span>") if a["overdue"] else ""
    return (
        f'<li data-action="{_h(a["id"])}">'
        + _("{id} {what} ({owner}, {due}){late}; item {item}, raised {raised} by {who}").format(
            id=f"<code>{_h(a['id'])}</code>",
            what=_h(a["what"], 300),
            owner=_h(a["owner"], 60) or _h(_("no owner")),
            due=_h(due_date_words(a["due"])),
            late=late,
            item=_item_ref_html(a),
            raised=_h((a["raised"] or "")[:10]),
            who=", ".join(_h(name, 60) for name in raisers(a)),
        )
        + "</li>"
    )


def report_html(report: dict[str, Any]) -> str:
    title = _report_title(one_line(report["sprint"], 40))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(current_language())}">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing is loaded from anywhere: no network, no scripts; only the inline style below.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(title)}</h1>",
    ]
    out.append(f'<p class="about">{_about(_h(report["project"], 80), _h(report["client"], 80), _h(report["today"]))}</p>')
    for future in report["future_runs"]:
        out.append(f'<p class="future">⚠ {_h(future["note"])}</p>')
    if "verdict" in report:
        out += _verdict_html(report)
    hover = _("Hover over a cell for everyone's answers and notes.")
    out.append(f'<p class="legend">{_t(_legend(_has_client(report)))} {_t(hover)}</p>')
    for section in report["checklists"]:
        out.append(f'<section class="checklist" id="checklist-{_h(section["checklist"])}">')
        out.append(f"<h2>{_h(section['phase'])}: {_h(section['title'] or section['checklist'])}</h2>")
        who = ", ".join(_h(author_name(a), 60) for a in section["authors"])
        out.append(f"<p>{_answered_by(who, section['counts'])}</p>")
        for corrected in section["corrections"]:
            out.append(
                '<p class="corrected">'
                + _("Answers of {who}: {corrected}").format(
                    who=_h(author_name(corrected["author"]), 60), corrected=_h(corrected_text(corrected, corrected["author"]))
                )
                + "</p>"
            )
        if section.get("tone"):
            out.append(
                '<div class="tone"><p>'
                + _t(_tone_heading())
                + "</p><ul>"
                + "".join(f"<li>{_h(tone_text(finding))}</li>" for finding in section["tone"])
                + "</ul></div>"
            )
        if section.get("client_replies"):
            out.append(f'<div class="client-view"><p>{_h(_replies_words(section))}</p>')
            if section["gaps"]:
                heading = _("{gap} Perception gaps:").format(gap=GAP)
                out.append(
                    f"<p>{_t(heading)}</p><ul>"
                    + "".join(f'<li data-gap="{_h(g["item"])}">{_h(_gap_words(g))}</li>' for g in section["gaps"])
                    + "</ul>"
                )
            out.append("</div>")
        out += _matrix_html(section)
        out.append("<h3>" + _t(_("Answers")) + "</h3>")
        out.append('<ul class="items">')
        rows = {row["item"]: row for row in section["matrix"]["rows"] if row.get("source") != "client"}
        for item in section["items"]:
            extra = [
                x
                for x in (
                    _trend_text(item["trend"]),
                    _streak_text(item["band"], item["streak"]),
                    _disagreement_text(item["spread"]) if item["disagreement"] else "",
                )
                if x
            ]
            row = rows.get(item["item"])
            # The charts first, one under the other, so their shapes compare at a glance; an
            # item without one (text, a date) keeps the place empty.
            chart = (
                chart_svg(row | {"sprints": section["matrix"]["sprints"]})
                if row is not None
                else f'<span class="no-chart" style="width: {chart_width(len(section["matrix"]["sprints"]))}px"></span>'
            )
            line = (
                f'<li data-item="{_h(item["item"])}">{chart}<div class="item">{_item_name_html(item)}: '
                f"{_h(entry_words(item, item['kind']))}"
            )
            if extra:
                line += " (" + "; ".join(_h(x) for x in extra) + ")"
            if item["question"]:
                line += f'<br><span class="question">{_h(item["question"])}</span>'
            if item.get("agreed"):
                agreed = item["agreed"]
                note = f": {_h(agreed['note'], 600)}" if agreed["note"] else ""
                if agreed.get("corrected"):
                    note += f' <span class="corrected">({_h(corrected_text(agreed["corrected"], agreed["recorded_by"]))})</span>'
                line += f'<br><span class="agreed">{_h(agreed_words(agreed, item["kind"]))}{note}</span>'
            if sum(v["count"] for v in item.get("votes", [])) > 1:
                line += f'<br><span class="votes">{_h(votes_words(item["votes"], item["kind"], item["anonymous_votes"]))}</span>'
            if len(item["answers"]) > 1 or any(a["note"] or a.get("corrected") for a in item["answers"]):
                line += '<ul class="answers">'
                for answer in item["answers"]:
                    note = f": {_h(answer['note'], 600)}" if answer["note"] else ""
                    if answer.get("corrected"):
                        note += f' <span class="corrected">({_h(corrected_text(answer["corrected"], answer["author"]))})</span>'
                    line += f"<li>{_h(author_name(answer['author']), 60)}: {_h(entry_words(answer, item['kind']))}{note}</li>"
                line += "</ul>"
            client = item.get("client")
            if client:
                gap_word = _("perception gap")
                gap = f' <span class="gap">{GAP} {_h(gap_word)}</span>' if client["gap"] else ""
                line += (
                    '<ul class="answers client">'
                    + "".join(f"<li>{_h(_client_words(answer, item['kind']))}{gap}</li>" for answer in client["answers"])
                    + "</ul>"
                )
            out.append(line + "</div></li>")
        out.append("</ul>")
        out.append("</section>")
    actions = report["actions"]
    out.append('<section class="actions"><h2>' + _t(_("Actions")) + "</h2>")
    out.append(f"<p>{_h(_actions_counts(actions))}</p>")
    for key, heading in (("open", _("Open")), ("raised", _("Raised this sprint"))):
        if actions[key]:
            items = []
            for group, shown in _listed_groups(actions, key):
                items += [_action_html(a) for a in shown]
                if group["more"]:
                    items.append(f'<li class="more">{_h(_more_text(group))}</li>')
            out.append(f"<h3>{_h(heading)}</h3><ul>" + "".join(items) + "</ul>")
    if actions["reviewed"]:
        out.append("<h3>" + _t(_("Reviewed this sprint")) + "</h3><ul>")
        for a in actions["reviewed"]:
            note = f": {_h(a['decision_note'], 300)}" if a["decision_note"] else ""
            out.append(
                "<li>"
                + _("{decision}{note}: {what} (item {item}, decided by {who})").format(
                    decision=_h(_decision_text(a["decision"])),
                    note=note,
                    what=_h(a["what"], 300),
                    item=_item_ref_html(a),
                    who=_h(author_name(a["decided_by"]), 60),
                )
                + "</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_report(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return report_json(report)
    if fmt == "md":
        return report_markdown(report)
    if fmt == "html":
        return report_html(report)
    raise UsageError(_("Unknown report format {format}. Use md, json or html.").format(format=repr(fmt)))


__all__ = [
    "answer_text",
    "answer_words",
    "build_report",
    "default_sprint",
    "display_answer",
    "entry_words",
    "md",
    "render_report",
    "report_html",
    "report_json",
    "report_markdown",
    "status_dict",
    "status_json",
]
