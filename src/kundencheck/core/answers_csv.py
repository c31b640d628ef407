"""One row per answer, for a spreadsheet: ``kundencheck report --format csv`` (the runs of one
sprint) and ``kundencheck log --format csv`` (the runs ``log`` lists).

Pure: the history summary and the runs in, text out; the caller writes it as UTF-8 bytes. The
CSV is RFC 4180 as Python's csv module writes it: a header row, commas, CRLF line ends, a field
with a comma, a quote or a line break in double quotes (quotes doubled). The column names and
the values of ``kind`` and ``band`` stay English in every language, like the JSON documents'
keys; what people typed (notes, actions, names) is as they typed it, cleaned of terminal
control characters, line breaks kept. A text that a spreadsheet would run as a formula gets a
leading apostrophe (:func:`kundencheck.core.text.spreadsheet_safe`). docs/history.md ("Answers
as CSV") explains the columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from kundencheck.core.answers import Run, ordered_counts
from kundencheck.core.bands import answer_band, item_of
from kundencheck.core.checklist import Item
from kundencheck.core.history import HistorySummary, kind_of
from kundencheck.core.mirror import ClientReply
from kundencheck.core.report import title_of
from kundencheck.core.text import clean_text, spreadsheet_safe

#: The columns, English as every machine-read output (docs/history.md, "Answers as CSV").
ANSWER_COLUMNS = (
    "run",
    "date",
    "sprint",
    "phase",
    "checklist",
    "item",
    "title",
    "kind",
    "value",
    "band",
    "author",
    "note",
    "action_what",
    "action_owner",
    "action_due",
    "corrected_by",
    "corrected_on",
    "correction_note",
    "future",
    "source",
    "votes",
    "voters",
)


def answer_rows(summary: HistorySummary, runs: Iterable[Run], *, item: str | None = None) -> list[list[Any]]:
    """The rows of ``runs`` (runs of ``summary``, as its views show them), in the order given:
    every answer with a value (only those to ``item`` when given), in the run's order."""
    future = {run.id for run in summary.future_runs}
    rows: list[list[Any]] = []
    for run in runs:
        checklist = summary.checklists.get(run.checklist)
        correction = summary.correction(run.id)
        when = (run.finished or run.started).date().isoformat()
        for answer in run.answers:
            if answer.value is None or answer.value == "" or (item is not None and answer.item != item):
                continue
            definition = item_of(checklist, answer.item)
            kind = kind_of(answer.item, answer.value, checklist)
            changed = correction if correction is not None and correction.changes(answer.item) else None
            action = answer.raised_action
            rows.append(
                [
                    # The run the answer was given in: for a corrected run, the one first committed.
                    correction.original if correction is not None else run.id,
                    when,
                    clean_text(run.sprint),
                    run.phase,
                    run.checklist,
                    answer.item,
                    title_of(summary.checklists, run.checklist, answer.item),
                    kind.value if kind is not None else "",
                    _value(answer.value),
                    answer_band(definition, answer.value) or "",
                    clean_text(run.author),
                    clean_text(answer.note).strip(),
                    clean_text(action.what).strip() if action else "",
                    clean_text(action.owner).strip() if action else "",
                    action.due.isoformat() if action and action.due else "",
                    changed.run if changed is not None else "",
                    changed.when.date().isoformat() if changed is not None else "",
                    clean_text(changed.note).strip() if changed is not None else "",
                    "true" if run.id in future else "false",
                    "team",
                    *_votes(run, answer.item, definition),
                ]
            )
    return rows


def client_rows(summary: HistorySummary, replies: Iterable[ClientReply], *, item: str | None = None) -> list[list[Any]]:
    """The rows of the client's answers (mirror invitations, docs/mirror.md) in ``replies``: the
    invitation in the ``run`` column, the client's name as ``author``, the comment as ``note``
    and ``client`` as ``source``; a client's answer is never a team answer."""
    rows: list[list[Any]] = []
    for reply in replies:
        checklist = summary.checklists.get(reply.checklist)
        when = (reply.answered or reply.imported).date().isoformat()
        for answer in reply.answers:
            if item is not None and answer.item != item:
                continue
            # Never None: a client's value is a status or 1 to 5 (mirror.read_reply), which has a kind.
            kind = kind_of(answer.item, answer.value, checklist)
            rows.append(
                [
                    reply.invitation,
                    when,
                    clean_text(reply.sprint),
                    reply.phase,
                    reply.checklist,
                    answer.item,
                    title_of(summary.checklists, reply.checklist, answer.item),
                    kind.value if kind is not None else "",  # pragma: no mutate (a client's value has a kind)
                    _value(answer.value),
                    answer_band(item_of(checklist, answer.item), answer.value) or "",
                    clean_text(reply.respondent),
                    answer.comment,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "false",
                    "client",
                    "",
                    "",
                ]
            )
    return rows


def _votes(run: Run, item_id: str, definition: Item | None) -> tuple[str, str]:
    """A sprint meeting's votes on the item: how many voted for each value (``green 2; red 2``),
    and for a named item who voted what; nothing for an answer given without a vote."""
    votes = run.votes_on(item_id) if run.meeting else None
    if votes is None or not votes.voters:
        return "", ""
    counts = "; ".join(f"{_value(value)} {count}" for value, count in ordered_counts(definition, votes.counts()))
    voters = "; ".join(f"{clean_text(vote.person)}: {_value(vote.value)}" for vote in votes.named)
    return counts, voters


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return clean_text(value)
    return value


def rows_csv(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A header row and ``rows`` as RFC 4180 text (CRLF line ends); every text cell that a
    spreadsheet would take for a formula gets its leading apostrophe (:func:`spreadsheet_safe`)."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180's CRLF is the csv module's default
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()


def answers_csv(
    summary: HistorySummary, runs: Iterable[Run], *, item: str | None = None, replies: Iterable[ClientReply] = ()
) -> str:
    """:func:`answer_rows` of ``runs`` and :func:`client_rows` of ``replies`` under the header
    :data:`ANSWER_COLUMNS`."""
    return rows_csv(ANSWER_COLUMNS, answer_rows(summary, runs, item=item) + client_rows(summary, replies, item=item))


__all__ = ["ANSWER_COLUMNS", "answer_rows", "answers_csv", "client_rows", "rows_csv"]
