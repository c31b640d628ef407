"""The list a person works from: action threads picked by phase, owner and lateness, as JSON,
CSV (RFC 4180) or an iCalendar file (RFC 5545) for a calendar program.

Pure: the history summary in, text out; no clock (the summary carries ``today``, the caller
passes the time stamp of a calendar with nothing to date it by). ``kundencheck actions`` draws
its output from here; docs/history.md ("The list of actions") explains it in prose.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from kundencheck.core.answers_csv import rows_csv
from kundencheck.core.dates import due_date_words
from kundencheck.core.history import (
    ActionThread,
    DueCheck,
    HistorySummary,
    by_urgency,
    owner_matches,
)
from kundencheck.core.i18n import _, ngettext
from kundencheck.core.people import Person, author_name, is_owned_by
from kundencheck.core.report import action_dict, question_of
from kundencheck.core.text import clean_text, one_line

SCHEMA = 1


class ActionFilter(NamedTuple):
    """Which threads a list holds: of one phase, one owner (a part of the owner as typed, or the
    person ``mine``), only overdue ones. Open threads only."""

    phase: str | None = None
    owner: str | None = None
    mine: Person | None = None
    overdue: bool = False

    def holds(self, thread: ActionThread, today: dt.date) -> bool:
        return thread.is_open and self.concerns(thread) and (not self.overdue or thread.is_overdue(today))

    def concerns(self, thread: ActionThread) -> bool:
        """Whether ``thread``, open or closed, is of the phase and the owner asked for."""
        if self.phase is not None and thread.phase != self.phase:
            return False
        if self.owner is not None and not owner_matches(thread.owner, self.owner):
            return False
        return self.mine is None or is_owned_by(thread.owner, self.mine)

    @property
    def by_person(self) -> bool:
        return self.owner is not None or self.mine is not None

    def as_dict(self) -> dict[str, Any]:
        return {"phase": self.phase, "owner": self.owner, "mine": self.mine is not None, "overdue": self.overdue}


def select(summary: HistorySummary, selection: ActionFilter) -> list[ActionThread]:
    """The open threads ``selection`` holds, most urgent first (by due date: the most overdue first)."""
    return by_urgency(t for t in summary.actions if selection.holds(t, summary.today))


#: How long a closed thread stays in the calendar file as a cancelled event.
CLOSED_SHOWN_DAYS = 90


def closed(summary: HistorySummary, selection: ActionFilter) -> list[ActionThread]:
    """The threads closed (done or dropped) in the last :data:`CLOSED_SHOWN_DAYS` days, of the
    phase and owner ``selection`` asks for: a calendar file holds them as cancelled events, so a
    calendar that imported them while they were open takes them off."""
    since = summary.today - dt.timedelta(days=CLOSED_SHOWN_DAYS)
    return [t for t in summary.actions if not t.is_open and selection.concerns(t) and t.last_activity.date() >= since]


def due_checks(summary: HistorySummary, selection: ActionFilter) -> list[DueCheck]:
    """The phases' due checks a calendar of ``selection`` holds: every phase checked before and
    the current one (the summary's phases), of the selected phase; none when the list is one
    person's (a check is the team's), only the ones due already with ``overdue``."""
    if selection.by_person:
        return []
    checks = []
    for status in summary.phases:
        if selection.phase is not None and status.phase != selection.phase:
            continue
        if selection.overdue and not status.due.is_due:
            continue
        checks.append(status.due)
    return checks


# --------------------------------------------------------------------------------- JSON


def actions_json(summary: HistorySummary, threads: list[ActionThread], selection: ActionFilter) -> str:
    document = {
        "schema": SCHEMA,
        "today": summary.today.isoformat(),
        "filter": selection.as_dict(),
        "actions": [action_dict(t, summary.today, summary.checklists) for t in threads],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"  # pragma: no mutate (None is False too)


# --------------------------------------------------------------------------------- CSV

#: The CSV columns, English as every machine-read output.
CSV_COLUMNS = (
    "id",
    "phase",
    "item",
    "question",
    "what",
    "owner",
    "due",
    "overdue",
    "days_overdue",
    "raised_on",
    "raised_by",
    "actions",
    "reviews",
    "last_review",
    "first_run",
    "latest_run",
)


def actions_csv(summary: HistorySummary, threads: list[ActionThread]) -> str:
    """One row per thread under a header row, as RFC 4180 has it (CRLF line ends, fields with
    commas, quotes or line breaks quoted), a text a spreadsheet would run as a formula with a
    leading apostrophe (``core/answers_csv.rows_csv``); the caller writes it as UTF-8."""
    today = summary.today
    rows = []
    for thread in threads:
        last = thread.reviews[-1] if thread.reviews else None
        rows.append(
            [
                thread.id,
                thread.phase,
                thread.item,
                question_of(summary.checklists, thread.checklist, thread.item),
                one_line(thread.what, 2000),
                one_line(thread.owner, 200),
                thread.due.isoformat() if thread.due else "",
                "true" if thread.is_overdue(today) else "false",
                thread.days_overdue(today),
                thread.raised.date().isoformat(),
                "; ".join(one_line(author_name(w.author), 200) for w in thread.words),
                len(thread.words),
                len(thread.reviews),
                last.decision if last else "",
                thread.run,
                thread.latest.run,
            ]
        )
    return rows_csv(CSV_COLUMNS, rows)


# --------------------------------------------------------------------------------- iCalendar


def actions_ics(
    summary: HistorySummary,
    threads: list[ActionThread],
    checks: Iterable[DueCheck],
    *,
    project: str = "",
    stamp: dt.datetime,
    done: Iterable[ActionThread] = (),
) -> bytes:
    """An iCalendar file (RFC 5545): an all-day event on each thread's due date and on each
    phase's next due check. UIDs are made from what does not change (a thread's first action,
    a phase's first run), so importing the file again updates the events instead of adding
    them twice; DTSTAMP and SEQUENCE grow with each change (a new word, a review, a new run).
    The ``done`` threads (closed: done or dropped) are there with STATUS:CANCELLED, so importing
    the file again takes their events off the calendar.
    ``stamp`` (UTC) dates what has nothing of its own to date it by: a phase never checked."""
    from icalendar import Calendar, Event

    from kundencheck import __version__

    calendar = Calendar()
    # icalendar's property names are case-blind: "VERSION" for "version" changes nothing
    calendar.add("prodid", f"-//kundencheck//kundencheck {__version__}//EN")  # pragma: no mutate (case-blind name)
    calendar.add("version", "2.0")  # pragma: no mutate (case-blind name)
    calendar.add("calscale", "GREGORIAN")  # pragma: no mutate (case-blind name)
    name = (
        _("kundencheck actions of {project}").format(project=one_line(project, 80))
        if project.strip()
        else _("kundencheck actions")
    )
    calendar.add("x-wr-calname", name)  # pragma: no mutate (case-blind name)
    for thread in [*threads, *done]:
        if thread.due is None:
            continue
        changed = thread.last_activity  # icalendar writes DTSTAMP and LAST-MODIFIED in UTC
        owner = one_line(thread.owner, 60) or _("no owner")
        # Nothing that changes with the day (overdue or not): an event changes when the thread does.
        title = _("{what} ({owner}), action {id}").format(what=one_line(thread.what, 120), owner=owner, id=thread.id)
        status = "CONFIRMED" if thread.is_open else "CANCELLED"
        uid = f"action-{thread.run}-{thread.item}@kundencheck"
        sequence = len(thread.words) + len(thread.reviews) - 1
        end = thread.due + dt.timedelta(days=1)
        description = _thread_description(summary, thread)
        categories = ["kundencheck", thread.phase]
        event = Event()
        event.add("uid", uid)  # pragma: no mutate (case-blind name)
        event.add("dtstamp", changed)  # pragma: no mutate (case-blind name)
        event.add("last-modified", changed)  # pragma: no mutate (case-blind name)
        event.add("sequence", sequence)  # pragma: no mutate (case-blind name)
        event.add("dtstart", thread.due)  # pragma: no mutate (case-blind name)
        event.add("dtend", end)  # pragma: no mutate (case-blind name)
        event.add("transp", "TRANSPARENT")  # pragma: no mutate (case-blind name)
        event.add("status", status)  # pragma: no mutate (case-blind name)
        event.add("summary", title)  # pragma: no mutate (case-blind name)
        event.add("description", description)  # pragma: no mutate (case-blind name)
        event.add("categories", categories)  # pragma: no mutate (case-blind name)
        calendar.add_component(event)
    first_runs: dict[str, str] = {}
    for run in summary.runs:
        first_runs.setdefault(run.phase, run.id)
    for check in checks:
        anchor = first_runs.get(check.phase)
        uid = f"check-{check.phase}-{anchor}@kundencheck" if anchor else f"check-{check.phase}-{_slug(project)}@kundencheck"
        phase = summary.phase(check.phase)
        last = phase.last_run if phase is not None else None
        changed = (last.finished or last.started) if last is not None else stamp
        runs = phase.runs if phase is not None else 0
        day = check.due_on if check.due_on is not None else summary.today
        if check.last_checked is None:
            text = _("The {phase} check has never been done. Answer it with `kundencheck run {phase}`.").format(phase=check.phase)
        else:
            text = ngettext(
                "The {phase} check is due every day; it was last done on {last}. Answer it with `kundencheck run {phase}`.",
                "The {phase} check is due every {days} days; it was last done on {last}. Answer it "
                "with `kundencheck run {phase}`.",
                check.cadence_days,
            ).format(phase=check.phase, days=check.cadence_days, last=check.last_checked.isoformat())
        title = _("kundencheck: the {phase} check is due").format(phase=check.phase)
        end = day + dt.timedelta(days=1)
        categories = ["kundencheck", check.phase]
        event = Event()
        event.add("uid", uid)  # pragma: no mutate (case-blind name)
        event.add("dtstamp", changed)  # pragma: no mutate (case-blind name)
        event.add("sequence", runs)  # pragma: no mutate (case-blind name)
        event.add("dtstart", day)  # pragma: no mutate (case-blind name)
        event.add("dtend", end)  # pragma: no mutate (case-blind name)
        event.add("summary", title)  # pragma: no mutate (case-blind name)
        event.add("description", text)  # pragma: no mutate (case-blind name)
        event.add("categories", categories)  # pragma: no mutate (case-blind name)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()  # (icalendar's own annotation says nothing)
    return data


def _thread_description(summary: HistorySummary, thread: ActionThread) -> str:
    lines = [_("Action {id} on {phase}/{item}").format(id=thread.id, phase=thread.phase, item=thread.item)]
    question = question_of(summary.checklists, thread.checklist, thread.item)
    if question:
        lines.append(question)
    lines.append("")
    for word in thread.words:
        lines.append(
            _("{when}, {who}: {what} ({owner}, {due})").format(
                when=word.raised.date().isoformat(),
                who=one_line(author_name(word.author), 60),
                what=one_line(word.what, 300),
                owner=one_line(word.owner, 60) or _("no owner"),
                due=due_date_words(word.due),
            )
        )
    for review in thread.reviews:
        note = f": {one_line(review.note, 300)}" if review.note.strip() else ""
        lines.append(
            _("{when}, {who} reviewed it: {decision}{note}").format(
                when=review.when.date().isoformat(),
                who=one_line(author_name(review.author), 60),
                decision=review.decision,
                note=note,
            )
        )
    lines.append("")
    lines.append(_("Close it (done, or dropped with a note) in `kundencheck run {phase}`.").format(phase=thread.phase))
    return clean_text("\n".join(lines))


def _slug(text: str) -> str:
    from kundencheck.core.text import slug

    return slug(text, 40)


__all__ = ["CSV_COLUMNS", "ActionFilter", "actions_csv", "actions_ics", "actions_json", "closed", "due_checks", "select"]
