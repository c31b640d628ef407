"""Past runs, as read from the repository, and what they say together.

Everything here is pure: runs in, a model out, no I/O, no clock (callers pass ``today``).
The model is what ``kundencheck status``, ``log`` and ``report`` show and what the TUI builds
on; docs/history.md explains the rules in prose.

- **Sprint pictures.** The runs of one checklist in one sprint are one picture: per item the
  answers of everyone who took part (a person's latest run in the sprint counts), their spread,
  a *disagreement* flag (one says green, another red; for scale items a spread of 3 or more),
  and a representative answer: the one most people gave, the worse one on a tie (the median
  for scale items, the lower one of the two middle values). A sprint meeting's named votes
  count as each voter's answer, as if each had answered alone; its anonymous votes count for
  the spread and the disagreement without a name (and stand for everyone at the meeting: their
  own runs of the sprint do not count beside the counts); the answer it agreed on is the sprint's.
- **Trends.** An item's answer against the previous sprint's picture of the same checklist:
  better, same or worse (new when there was none). With one run per sprint that is simply the
  previous run; runs in the same sprint are compared as a disagreement, never as a trend.
- **Streaks.** How many sprints in a row, up to the latest, an item has shown the same band
  (red, amber, green); "red for 3 sprints in a row".
- **Actions.** An answer with an action raises it; actions for the same item of a phase are
  one thread while it is open (unless one says ``separate``). A later run's review of any of
  its actions closes the thread (done, dropped) or keeps it open. An action is identified by
  (run id, item id), a thread by its first action and a short id made from it. Open threads
  whose due date has passed are overdue.
- **Due checks.** A phase is due when it was never checked or its last run is ``cadence_days``
  or more days ago.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from kundencheck.core.answers import REVIEW_DECISIONS, Action, ActionReview, Run, ordered_counts
from kundencheck.core.answers_file import loads
from kundencheck.core.bands import (
    RANK,
    answer_band,
    answer_score,
    count_bands,
    guess_kind,
    item_of,
    run_counts,
)
from kundencheck.core.checklist import KNOWN_PHASES, AnswerValue, Checklist, Item, Kind
from kundencheck.core.config import DEFAULT_CADENCE_DAYS
from kundencheck.core.corrections import Correction, StrayCorrection, resolve
from kundencheck.core.errors import AnswersError
from kundencheck.core.mirror import ClientReply
from kundencheck.core.people import person_key
from kundencheck.core.tone import ToneFinding, run_tone

# --------------------------------------------------------------------------------- reading


def parse_runs(files: Mapping[str, tuple[str, bytes]]) -> tuple[list[Run], list[AnswersError]]:
    """Parse answers files (path -> (blob id, content)); broken ones are returned, not raised,
    so one hand-edited file cannot hide the rest of the history."""
    runs: list[Run] = []
    errors: list[AnswersError] = []
    for path, (_blob, content) in sorted(files.items()):
        try:
            runs.append(loads(content, path))
        except AnswersError as exc:
            errors.append(exc)
    runs.sort(key=run_order)
    return runs, errors


def _when(run: Run) -> dt.datetime:
    return run.finished or run.started


def run_time(run: Run) -> dt.datetime:
    """When a run counts as made: when it was finished (committed), else when it started."""
    return _when(run)


def run_order(run: Run) -> tuple[dt.datetime, str]:
    """The order of runs: by time, then by run id. A total order, the same in every clone
    (never the order files happen to be listed in), so "the latest run" is the same for all."""
    return (run.finished or run.started, run.id)


#: A run finished more than this many days after the viewer's today is "from the future".
FUTURE_DAYS = 1


def is_future(run: Run, today: dt.date) -> bool:
    """Whether ``run`` was finished more than a day after ``today`` (a clock that ran ahead):
    such a run is left out of what the history judges and shown as such (docs/history.md)."""
    return (_when(run).date() - today).days > FUTURE_DAYS  # no today + 1 day: today may be the last date


def latest_run(runs: Iterable[Run], checklist_id: str) -> Run | None:
    """The most recently finished run of ``checklist_id``."""
    return max((run for run in runs if run.checklist == checklist_id), key=run_order, default=None)


# --------------------------------------------------------------------------------- answers as bands


class Trend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    #: No comparable answer in the previous sprint (first time, or n/a, or not asked then).
    NEW = "new"
    #: Not comparable at all: free text, dates, choices without bands, or the item is n/a now.
    NONE = "none"


TREND_ARROWS = {Trend.BETTER: "↑", Trend.SAME: "→", Trend.WORSE: "↓", Trend.NEW: "", Trend.NONE: ""}


def kind_of(item_id: str, value: AnswerValue | None, checklist: Checklist | None = None) -> Kind | None:
    """The item's kind from its checklist, else guessed from the stored value."""
    item = item_of(checklist, item_id)
    return item.kind if item is not None else guess_kind(value)


def compare(now: AnswerValue | None, before: AnswerValue | None, item: Item | None) -> Trend:
    """The trend from ``before`` to ``now`` as answers to ``item`` (None: an item no longer in
    the checklist, compared by the kind its value suggests)."""
    current = answer_score(item, now)
    if current is None:
        return Trend.NONE
    previous = answer_score(item, before)
    if previous is None:
        return Trend.NEW
    if current > previous:
        return Trend.BETTER
    if current < previous:
        return Trend.WORSE
    return Trend.SAME


# --------------------------------------------------------------------------------- sprint pictures


class Entry(NamedTuple):
    """One person's answer to one item in a sprint picture."""

    run: str
    author: str
    value: AnswerValue
    band: str | None
    note: str = ""
    action: Action | None = None
    #: A person's vote in a sprint meeting (``run`` is the meeting's run): a correction of the
    #: meeting changes its agreed answer, never what people voted (HistorySummary.entry_correction).
    vote: bool = False


@dataclass
class ItemPicture:
    """One item in one sprint: everyone's answers and what they add up to."""

    item: str
    kind: Kind | None
    entries: list[Entry] = field(default_factory=list)
    #: The representative answer (see the module doc), None when nobody answered.
    value: AnswerValue | None = None
    band: str | None = None
    #: max - min of the answers' scores (traffic light 0-2, scale 0-4); None if not comparable.
    spread: int | None = None
    disagreement: bool = False
    trend: Trend = Trend.NONE
    #: Sprints in a row, up to and including this one, with the same band (0 without a band).
    streak: int = 0
    #: The checklist's item (None: no longer in the checklist), for bands and trends.
    definition: Item | None = field(default=None, repr=False, compare=False)
    #: The answer a sprint meeting agreed on (the sprint's latest meeting that answered the item):
    #: the sprint's answer for the item, whatever the votes and later answers say. Its author is
    #: the facilitator who recorded it.
    agreed: Entry | None = None
    #: How many voted for each value of an anonymous item in that meeting; nobody's name.
    anonymous: dict[AnswerValue, int] = field(default_factory=dict)

    def counts(self) -> dict[AnswerValue, int]:
        """The spread of the answers: how many people gave each answer, everyone's own and the
        anonymous votes, in the item's order of answers (:func:`ordered_counts`)."""
        counts: Counter[AnswerValue] = Counter(e.value for e in self.entries)
        counts.update(self.anonymous)
        return dict(ordered_counts(self.definition, dict(counts)))

    @property
    def voices(self) -> int:
        """How many answers the picture holds: everyone's own and the anonymous votes."""
        return len(self.entries) + sum(self.anonymous.values())

    def notes(self) -> list[tuple[str, str]]:
        """(author, note) of every entry with a note."""
        return [(e.author, e.note) for e in self.entries if e.note.strip()]


@dataclass
class SprintPicture:
    """The runs of one checklist in one sprint, taken together."""

    checklist: str
    phase: str
    sprint: str
    #: One run per person: the latest each made in this sprint, oldest first.
    runs: list[Run]
    #: Earlier runs of the same people in this sprint, replaced by their later ones.
    superseded: list[Run] = field(default_factory=list)
    items: dict[str, ItemPicture] = field(default_factory=dict)
    #: Position among the checklist's sprints, oldest first (0-based).
    index: int = 0
    #: Contemptuous or fatalistic words about the client in the notes of ``runs``
    #: (core/tone.py): None until :meth:`HistorySummary.tone` has looked.
    tone: list[ToneFinding] | None = None
    #: The client's own answers for this sprint (mirror invitations, docs/mirror.md): item id ->
    #: the client's picture of the item, each respondent's answer an entry (its ``run`` is the
    #: invitation, its ``note`` the client's comment). Never counted as a team answer.
    client: dict[str, ItemPicture] = field(default_factory=dict)
    #: The client's replies for this sprint, oldest first.
    client_replies: list[ClientReply] = field(default_factory=list)

    @property
    def start(self) -> dt.datetime:
        return min(_when(r) for r in self.runs)

    @property
    def end(self) -> dt.datetime:
        return max(_when(r) for r in self.runs)

    @property
    def authors(self) -> list[str]:
        """Everyone who answered in the sprint, each once: each run's author and, for a sprint
        meeting, everyone present (their votes are their answers)."""
        seen: dict[str, str] = {}
        for run in self.runs:
            for person in [run.author, *(run.participants if run.meeting else [])]:
                seen.setdefault(person_key(person), person)
        return list(seen.values())

    def disagreements(self) -> list[ItemPicture]:
        return [p for p in self.items.values() if p.disagreement]

    def band_counts(self) -> dict[str, int]:
        """How many items' representative answers are red, amber, green, n/a."""
        return count_bands(p.band for p in self.items.values()).as_dict()

    def values(self) -> dict[str, AnswerValue]:
        """Item id -> the representative answer of this sprint."""
        return {item_id: p.value for item_id, p in self.items.items() if p.value is not None}


def _representative(values: list[AnswerValue], kind: Kind | None, item: Item | None) -> AnswerValue | None:
    if not values:
        return None
    if kind is Kind.SCALE and all(isinstance(v, int) for v in values):
        ordered = sorted(values)
        return ordered[(len(ordered) - 1) // 2]  # the lower middle: the more cautious reading
    counts = Counter(values)
    best = max(counts.values())
    tied = [v for v in counts if counts[v] == best]
    if len(tied) == 1:
        return tied[0]
    ranked = [(score, v) for v in tied if (score := answer_score(item, v)) is not None]
    if ranked:
        return min(ranked, key=lambda pair: pair[0])[1]  # the worse one: the more cautious reading
    # Otherwise the answer of the latest run among the tied ones.
    return next(value for value in reversed(values) if value in tied)


def _picture_item(
    item_id: str,
    kind: Kind | None,
    entries: list[Entry],
    definition: Item | None,
    agreed: Entry | None = None,
    anonymous: Mapping[AnswerValue, int] | None = None,
) -> ItemPicture:
    anonymous = dict(anonymous or {})
    values = [e.value for e in entries] + [v for v, count in anonymous.items() for _n in range(count)]
    value = agreed.value if agreed is not None else _representative(values, kind, definition)
    judged = spread_of(values, kind, definition)
    return ItemPicture(
        item=item_id,
        kind=kind,
        entries=entries,
        value=value,
        band=answer_band(definition, value),
        spread=judged.spread,
        disagreement=judged.disagreement,
        definition=definition,
        agreed=agreed,
        anonymous=anonymous,
    )


class Spread(NamedTuple):
    """How far apart the answers to one item are."""

    #: max - min of the answers' scores (traffic light 0-2, scale 0-4); None if not comparable.
    spread: int | None
    #: One says green and another red; for a scale, a spread of 3 or more.
    disagreement: bool


def spread_of(values: Iterable[AnswerValue], kind: Kind | None, item: Item | None) -> Spread:
    """The spread and the disagreement of ``values``, answers to ``item`` (of ``kind``): the
    history's sprint pictures, the gate and the sprint meeting's reveal all ask this."""
    values = list(values)
    scores = [s for s in (answer_score(item, v) for v in values) if s is not None]
    spread = (max(scores) - min(scores)) if scores else None
    if kind is Kind.SCALE:
        disagreement = spread is not None and spread >= 3
    else:  # traffic lights, and choices whose options have bands: one says green, another red
        bands = {answer_band(item, v) for v in values}
        disagreement = "green" in bands and "red" in bands
    return Spread(spread, disagreement)


def sprint_pictures(runs: Iterable[Run], checklists: Mapping[str, Checklist] | None = None) -> list[SprintPicture]:
    """Group runs by (checklist, sprint) into pictures, each with trends and streaks filled in.

    Pictures come oldest first (by their first run). A person who ran the same checklist twice
    in one sprint counts once, with the later run; a sprint meeting held again replaces the
    earlier one the same way, but a meeting is the team's run, not its facilitator's: their own
    runs in the sprint stand beside it (and replace only their vote, as anyone's would).
    """
    checklists = checklists or {}
    groups: dict[tuple[str, str], list[Run]] = {}
    for run in sorted(runs, key=run_order):
        groups.setdefault((run.checklist, run.sprint), []).append(run)
    pictures: list[SprintPicture] = []
    for (checklist_id, sprint), group in groups.items():
        latest: dict[str, Run] = {}  # by person, and a meeting's run by its facilitator apart
        superseded: list[Run] = []
        for run in group:
            key = f"meeting:{person_key(run.author)}" if run.meeting else person_key(run.author)
            if key in latest:
                superseded.append(latest[key])
            latest[key] = run
        kept = sorted(latest.values(), key=run_order)
        checklist = checklists.get(checklist_id)
        # Per item, each person's latest answer (by person key): a meeting's named vote stands for
        # its voter's answer, as a run of their own would.
        by_item: dict[str, dict[str, Entry]] = {}
        agreed: dict[str, Entry] = {}
        anonymous: dict[str, dict[AnswerValue, int]] = {}
        # Who was at the meeting whose anonymous counts an item holds: each one's vote is among
        # the counts and cannot be told apart, so no answer of theirs, earlier or later, counts
        # beside them (it would count twice, and be shown as their vote).
        counted: dict[str, set[str]] = {}
        kinds: dict[str, Kind | None] = {}
        for run in kept:
            for answer in run.answers:
                if answer.value is None or answer.value == "":
                    continue
                definition = checklist.item(answer.item) if checklist is not None else None
                kind = kinds.get(answer.item) or (definition.kind if definition is not None else guess_kind(answer.value))
                kinds[answer.item] = kind
                entry = Entry(
                    run=run.id,
                    author=run.author,
                    value=answer.value,
                    band=answer_band(definition, answer.value),
                    note=answer.note,
                    action=answer.action,
                )
                entries = by_item.setdefault(answer.item, {})
                votes = run.votes_on(answer.item) if run.meeting else None
                if votes is None:
                    if person_key(run.author) not in counted.get(answer.item, ()):
                        entries[person_key(run.author)] = entry
                    continue
                agreed[answer.item] = entry
                anonymous.pop(answer.item, None)
                counted.pop(answer.item, None)
                if votes.anonymous:
                    anonymous[answer.item] = dict(votes.anonymous)
                    counted[answer.item] = {person_key(p) for p in run.participants or [run.author]}
                    for key in counted[answer.item]:
                        entries.pop(key, None)
                for vote in votes.named:
                    if vote.value is None or vote.value == "":
                        continue
                    entries.pop(person_key(vote.person), None)  # the latest answer last, in order
                    entries[person_key(vote.person)] = Entry(
                        run=run.id,
                        author=vote.person,
                        value=vote.value,
                        band=answer_band(definition, vote.value),
                        vote=True,
                    )
        order = _item_order(checklist, by_item)
        items = {
            item_id: _picture_item(
                item_id,
                kinds[item_id],
                list(by_item[item_id].values()),
                item_of(checklist, item_id),
                agreed.get(item_id),
                anonymous.get(item_id),
            )
            for item_id in order
        }
        phase = kept[-1].phase
        pictures.append(
            SprintPicture(checklist=checklist_id, phase=phase, sprint=sprint, runs=kept, superseded=superseded, items=items)
        )
    pictures.sort(key=lambda p: (run_order(p.runs[0]), p.checklist, p.sprint))
    _fill_trends_and_streaks(pictures)
    return pictures


def _item_order(checklist: Checklist | None, found: Mapping[str, object]) -> list[str]:
    if checklist is None:
        return list(found)
    known = [item.id for item in checklist.items if item.id in found]
    return known + [item_id for item_id in found if item_id not in set(known)]


def _fill_trends_and_streaks(pictures: list[SprintPicture]) -> None:
    previous_by_checklist: dict[str, SprintPicture] = {}
    counters: dict[str, int] = {}
    for picture in pictures:
        picture.index = counters.get(picture.checklist, 0)
        counters[picture.checklist] = picture.index + 1
        before = previous_by_checklist.get(picture.checklist)
        for item_id, item in picture.items.items():
            earlier = before.items.get(item_id) if before else None
            item.trend = compare(item.value, earlier.value if earlier else None, item.definition)
            if item.band is None:
                item.streak = 0
            elif earlier is not None and earlier.band == item.band:
                item.streak = earlier.streak + 1
            else:
                item.streak = 1
        previous_by_checklist[picture.checklist] = picture


def attach_client(
    pictures: Iterable[SprintPicture], replies: Iterable[ClientReply], checklists: Mapping[str, Checklist] | None = None
) -> list[ClientReply]:
    """Put the client's replies beside the team's answers: each reply into the picture of its
    checklist and sprint (:attr:`SprintPicture.client`), its answers banded by the same function
    as the team's. Returns the replies without a team picture of their sprint (the team has not
    answered that sprint yet): the views list them, the matrices cannot show them."""
    checklists = checklists or {}
    by_key = {(p.checklist, p.sprint): p for p in pictures}
    unplaced: list[ClientReply] = []
    for reply in sorted(replies, key=lambda r: (r.answered or r.imported, r.invitation)):
        picture = by_key.get((reply.checklist, reply.sprint))
        if picture is None:
            unplaced.append(reply)
            continue
        picture.client_replies.append(reply)
    for picture in by_key.values():
        if not picture.client_replies:
            continue
        checklist = checklists.get(picture.checklist)
        entries: dict[str, list[Entry]] = {}
        for reply in picture.client_replies:
            for answer in reply.answers:
                definition = item_of(checklist, answer.item)
                entries.setdefault(answer.item, []).append(
                    Entry(
                        run=reply.invitation,
                        author=reply.respondent,
                        value=answer.value,
                        band=answer_band(definition, answer.value),
                        note=answer.comment,
                    )
                )
        for item_id in _item_order(checklist, entries):
            definition = item_of(checklist, item_id)
            kind = definition.kind if definition is not None else guess_kind(entries[item_id][0].value)
            picture.client[item_id] = _picture_item(item_id, kind, entries[item_id], definition)
    return unplaced


def is_perception_gap(team: ItemPicture | None, client: ItemPicture | None) -> bool:
    """Whether the team and the client see an item apart: the team's answer of the sprint is
    green, the client's red or amber. The one definition every view and the gate ask."""
    return team is not None and client is not None and team.band == "green" and client.band in ("red", "amber")


class Gap(NamedTuple):
    """A perception gap: in one sprint the team answered an item green, the client red or amber."""

    checklist: str
    phase: str
    sprint: str
    item: str
    team: ItemPicture
    client: ItemPicture
    picture: SprintPicture
    #: The first action raised on the item in this sprint or a later one of the checklist: the
    #: team's answer to the gap. None while there is none, and the gap is open.
    action: RaisedAction | None = None

    @property
    def is_open(self) -> bool:
        return self.action is None


def perception_gaps(pictures: Sequence[SprintPicture], actions: Iterable[ActionThread], phase: str | None = None) -> list[Gap]:
    """Every perception gap (:func:`is_perception_gap`) of the pictures (of ``phase``), oldest
    sprint first, each with the action that answers it, if any: one raised on the item, in
    the phase, in the gap's sprint or later."""
    words = [word for thread in actions for word in thread.words if phase is None or thread.phase == phase]
    threads_of = {id(word): thread for thread in actions for word in thread.words}
    found: list[Gap] = []
    for picture in pictures:
        if not picture.client or (phase is not None and picture.phase != phase):
            continue
        later = {p.sprint for p in pictures if p.checklist == picture.checklist and p.index >= picture.index}
        for item_id, client in picture.client.items():
            team = picture.items.get(item_id)
            if team is None or not is_perception_gap(team, client):
                continue
            answer = next(
                (w for w in words if w.item == item_id and w.sprint in later and threads_of[id(w)].phase == picture.phase), None
            )
            found.append(Gap(picture.checklist, picture.phase, picture.sprint, item_id, team, client, picture, answer))
    return found


def previous_picture(pictures: Sequence[SprintPicture], picture: SprintPicture) -> SprintPicture | None:
    """The picture of the same checklist just before ``picture``."""
    earlier = [p for p in pictures if p.checklist == picture.checklist and p.index == picture.index - 1]
    return earlier[0] if earlier else None


def sprint_before(pictures: Sequence[SprintPicture], checklist_id: str, sprint: str) -> SprintPicture | None:
    """The picture ``sprint`` of ``checklist_id`` is compared with: the one just before that
    sprint's own picture, or, for a sprint without one yet (a run being answered), the latest."""
    series = [p for p in pictures if p.checklist == checklist_id]
    for n, picture in enumerate(series):
        if picture.sprint == sprint:
            return series[n - 1] if n else None
    return series[-1] if series else None


def previous_sprint(runs: Iterable[Run], checklist: Checklist, sprint: str, today: dt.date) -> SprintPicture | None:
    """The picture a new run of ``checklist`` in ``sprint`` is compared with (its commit
    subject's key signals): the sprint before ``sprint`` among ``runs``, from the future left out."""
    own = [r for r in runs if r.checklist == checklist.id and not is_future(r, today)]
    return sprint_before(sprint_pictures(own, {checklist.id: checklist}), checklist.id, sprint)


def run_trends(run: Run, pictures: Sequence[SprintPicture], checklist: Checklist | None = None) -> dict[str, Trend]:
    """Per item of ``run``: its trend against the previous sprint's picture of its checklist
    (the sprint before the run's own; with one run per sprint, the previous run)."""
    before = sprint_before(pictures, run.checklist, run.sprint)
    return {change.item: change.trend for change in changes(run.values(), before, checklist, banded_only=False)}


class Change(NamedTuple):
    """One answer against the sprint before: its band, the answer then and the trend."""

    item: str
    value: AnswerValue
    band: str | None
    #: The previous sprint's representative answer, None when there was none.
    before: AnswerValue | None
    trend: Trend
    #: Whether the checklist marks the item as a key signal.
    key_signal: bool = False


def changes(
    values: Mapping[str, AnswerValue | None],
    before: SprintPicture | None,
    checklist: Checklist | None,
    *,
    banded_only: bool = True,
) -> list[Change]:
    """Every answer in ``values`` (item id -> answer) against ``before``, the previous sprint's
    picture: its band and trend (better, same, worse, new). The commit subject and the gate
    judge a decline with this one function: the subject a run's own answers, the gate the
    current sprint's picture. ``banded_only`` leaves out answers without a band."""
    found: list[Change] = []
    for item_id, value in values.items():
        if value is None or value == "":
            continue
        definition = item_of(checklist, item_id)
        band = answer_band(definition, value)
        if band is None and banded_only:
            continue
        earlier = before.items.get(item_id) if before is not None else None
        then = earlier.value if earlier is not None else None
        found.append(
            Change(item_id, value, band, then, compare(value, then, definition), definition is not None and definition.key_signal)
        )
    return found


def alarming(found: Iterable[Change]) -> list[Change]:
    """The key signals among ``found`` that are red or worse than the sprint before, most severe
    first: red and worse, then red, then worse."""

    signals = [c for c in found if c.key_signal and (c.band == "red" or c.trend is Trend.WORSE)]
    return sorted(signals, key=lambda c: (c.band != "red", c.trend is not Trend.WORSE))


def trend_counts(trends: Mapping[str, Trend]) -> dict[str, int]:
    counts = {t.value: 0 for t in (Trend.BETTER, Trend.SAME, Trend.WORSE, Trend.NEW)}
    for trend in trends.values():
        if trend.value in counts:
            counts[trend.value] += 1
    return counts


class Streak(NamedTuple):
    checklist: str
    phase: str
    item: str
    band: str
    #: Sprints in a row, ending with the checklist's latest sprint.
    length: int
    since: str
    until: str


def current_streaks(
    pictures: Sequence[SprintPicture], *, min_length: int = 2, bands: Iterable[str] = ("red", "amber")
) -> list[Streak]:
    """Items whose band has been the same for ``min_length`` or more of their checklist's
    latest sprints (by default only red and amber), longest first."""
    wanted = set(bands)
    latest: dict[str, SprintPicture] = {}
    for picture in pictures:
        latest[picture.checklist] = picture
    by_checklist: dict[str, list[SprintPicture]] = {}
    for picture in pictures:
        by_checklist.setdefault(picture.checklist, []).append(picture)
    found: list[Streak] = []
    for checklist_id, last in latest.items():
        series = by_checklist[checklist_id]
        for item_id, item in last.items.items():
            if item.band not in wanted or item.streak < min_length:
                continue
            since = series[last.index - item.streak + 1].sprint
            found.append(Streak(checklist_id, last.phase, item_id, item.band, item.streak, since, last.sprint))
    found.sort(key=lambda s: (-s.length, RANK.get(s.band, 3), s.checklist, s.item))
    return found


# --------------------------------------------------------------------------------- actions
#
# One thread per problem. An action belongs to a phase and an item; a run that raises one for
# an item of a phase with an open thread adds it to that thread (its latest word) unless the
# action says ``separate = true``. A review of any action of a thread decides the thread. The
# rule reads the answers files as they have always been written (docs/history.md, "Actions").


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ReviewEvent(NamedTuple):
    """One review of an action thread: which run decided what, when, and why."""

    run: str
    author: str
    when: dt.datetime
    decision: str
    note: str = ""


class RaisedAction(NamedTuple):
    """One action as a run recorded it with an answer: one word of a thread."""

    run: str
    item: str
    sprint: str
    author: str
    raised: dt.datetime
    what: str
    owner: str
    due: dt.date | None
    value: AnswerValue | None = None
    note: str = ""
    separate: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """The action's identity in the answers files: (run id, item id)."""
        return (self.run, self.item)


#: Letters and digits of thread ids: no 0/o, 1/l/i that read alike.
_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
THREAD_ID_LENGTH = 6


def thread_id(run_id: str, item_id: str) -> str:
    """The short id of the thread whose first action is (``run_id``, ``item_id``): six letters
    and digits from a hash of the two, so every clone with that action names it the same."""
    number = int.from_bytes(hashlib.sha256(f"{run_id}/{item_id}".encode()).digest()[:8])  # (big-endian)
    chars = []
    for _n in range(THREAD_ID_LENGTH):
        number, rest = divmod(number, len(_ID_ALPHABET))
        chars.append(_ID_ALPHABET[rest])
    return "".join(chars)


@dataclass(eq=False)
class ActionThread:
    """The actions raised for one problem (an item of a phase), oldest first, and every review.

    Its identity is its first action, (run id, item id), and the short :attr:`id` made from it.
    What it says now is its latest word's; its owner and due date are the latest word's that
    gives one. Who raised it and when: every word.
    """

    phase: str
    item: str
    checklist: str
    words: list[RaisedAction]
    state: ActionState = ActionState.OPEN
    reviews: list[ReviewEvent] = field(default_factory=list)

    @property
    def id(self) -> str:
        return thread_id(*self.words[0].key)

    @property
    def key(self) -> tuple[str, str]:
        """(run id, item id) of the first action: what a review names to decide the thread."""
        return self.words[0].key

    @property
    def keys(self) -> set[tuple[str, str]]:
        """Every action of the thread; a review naming any of them decides it."""
        return {word.key for word in self.words}

    @property
    def run(self) -> str:
        return self.words[0].run

    @property
    def latest(self) -> RaisedAction:
        return self.words[-1]

    @property
    def what(self) -> str:
        return self.words[-1].what

    @property
    def owner(self) -> str:
        for word in reversed(self.words):
            if word.owner.strip():
                return word.owner
        return ""

    @property
    def due(self) -> dt.date | None:
        for word in reversed(self.words):
            if word.due is not None:
                return word.due
        return None

    @property
    def author(self) -> str:
        """Who raised it first."""
        return self.words[0].author

    @property
    def raised(self) -> dt.datetime:
        """When it was raised first."""
        return self.words[0].raised

    @property
    def sprint(self) -> str:
        return self.words[0].sprint

    @property
    def value(self) -> AnswerValue | None:
        """The answer the latest word was raised with."""
        return self.words[-1].value

    @property
    def note(self) -> str:
        return self.words[-1].note

    @property
    def last_activity(self) -> dt.datetime:
        """When it last changed: its latest word or review."""
        latest = self.words[-1].raised
        return max(latest, self.reviews[-1].when) if self.reviews else latest

    @property
    def is_open(self) -> bool:
        return self.state is ActionState.OPEN

    @property
    def closed_by(self) -> ReviewEvent | None:
        """The review that closed the thread (done or dropped), if it is closed."""
        if self.is_open or not self.reviews:
            return None
        return self.reviews[-1]

    def is_overdue(self, today: dt.date) -> bool:
        due = self.due
        return self.is_open and due is not None and due < today

    def days_overdue(self, today: dt.date) -> int:
        due = self.due
        return (today - due).days if self.is_overdue(today) and due else 0


#: The name of a thread before actions had threads; kept for callers that still use it.
TrackedAction = ActionThread


class StrayReview(NamedTuple):
    """A review naming an action that no run recorded (a hand edit, or a run not merged yet)."""

    run: str
    review: ActionReview


def join_target(candidates: Iterable[ActionThread]) -> ActionThread | None:
    """Of the open threads of one item of a phase, the one a new action joins: the one whose
    latest word is the newest (None when there is none)."""
    return max(candidates, key=lambda t: (t.latest.raised, t.latest.run), default=None)


def track_actions(runs: Iterable[Run], aliases: Mapping[str, str] | None = None) -> tuple[list[ActionThread], list[StrayReview]]:
    """Every action thread in ``runs``, oldest first, with the state the reviews left it in.

    Runs count in the order they were made (finished, then run id, so every clone reads the
    same). Each run's reviews apply first, as the run made them before its checklist: a run
    that closes a thread and raises an action for the same item starts a new thread, one that
    keeps it open adds to it. A review decides the thread of the action it names; the last
    decision counts (a thread closed by mistake is re-opened by a later ``open``). A run cannot
    review its own actions. ``aliases`` (core/corrections.py) maps the ids of corrected runs to
    the run that stands for them now, so a review of an action that a corrected run raised
    reaches it.
    """
    aliases = aliases or {}
    ordered = sorted(runs, key=run_order)
    threads: list[ActionThread] = []
    of_action: dict[tuple[str, str], ActionThread] = {}
    open_threads: dict[tuple[str, str], list[ActionThread]] = {}
    strays: list[StrayReview] = []
    for run in ordered:
        for review in run.reviews:
            thread = of_action.get((aliases.get(review.run, review.run), review.item))
            if thread is None or review.run == run.id:
                strays.append(StrayReview(run.id, review))
                continue
            thread.reviews.append(ReviewEvent(run.id, run.author, _when(run), review.decision, review.note))
            if review.decision not in REVIEW_DECISIONS:
                continue
            was_open = thread.is_open
            thread.state = ActionState(review.decision)
            slot = open_threads.setdefault((thread.phase, thread.item), [])
            if was_open and not thread.is_open:
                slot.remove(thread)
            elif thread.is_open and not was_open:
                slot.append(thread)
        for answer in run.answers:
            action = answer.raised_action
            if action is None:
                continue
            word = RaisedAction(
                run=run.id,
                item=answer.item,
                sprint=run.sprint,
                author=run.author,
                raised=_when(run),
                what=action.what,
                owner=action.owner,
                due=action.due,
                value=answer.value,
                note=answer.note,
                separate=action.separate,
            )
            slot = open_threads.setdefault((run.phase, answer.item), [])
            thread = None if action.separate else join_target(slot)
            if thread is None:
                thread = ActionThread(phase=run.phase, item=answer.item, checklist=run.checklist, words=[word])
                threads.append(thread)
                slot.append(thread)
            else:
                thread.words.append(word)
            of_action[word.key] = thread
    return threads, strays


def joined_thread(
    open_threads: Iterable[ActionThread], run: Run, item_id: str, *, separate: bool | None = None
) -> ActionThread | None:
    """The open thread an action on ``item_id`` in the run being answered (``run``, not yet
    committed) joins when it is committed, by the rule of :func:`track_actions`; None when it
    starts a thread of its own (nothing open for the item, or the action says ``separate``).
    ``open_threads``: the threads open before the run, as :meth:`HistorySummary.actions_to_review`
    gives them. ``separate``: as if the action said so (None: as it does)."""
    if separate is None:
        answer = run.answer(item_id)
        separate = answer is not None and answer.action is not None and answer.action.separate
    if separate:
        return None
    closing = {r.action_key for r in run.reviews if r.decision in ("done", "dropped")}
    return join_target(
        t for t in open_threads if t.phase == run.phase and t.item == item_id and t.is_open and not (t.keys & closing)
    )


def actions_to_review(actions: Iterable[ActionThread], phase: str) -> list[ActionThread]:
    """The open threads a new run of ``phase`` starts with, oldest first."""
    return [a for a in actions if a.is_open and a.phase == phase]


def overdue_actions(actions: Iterable[ActionThread], today: dt.date) -> list[ActionThread]:
    """Open threads past their due date, the longest overdue first."""
    late = [a for a in actions if a.is_overdue(today)]
    late.sort(key=lambda a: (a.due, a.raised, a.id))
    return late


def by_urgency(threads: Iterable[ActionThread]) -> list[ActionThread]:
    """Threads in the order people should look at them: by due date, so the most overdue come
    first; those without a due date last; then the oldest first."""
    return sorted(threads, key=lambda t: (t.due is None, t.due or dt.date.max, t.raised, t.id))


#: How many threads of a phase ``status``, ``check``, home and the reports list before "and N more".
SHOWN_PER_PHASE = 5


class PhaseThreads(NamedTuple):
    """The threads of one phase a view lists: the first ``shown`` of them (most urgent first),
    and how many more there are (``kundencheck actions --phase PHASE`` lists them all)."""

    phase: str
    #: Every thread given of the phase, most urgent first.
    threads: list[ActionThread]
    shown: list[ActionThread]

    @property
    def more(self) -> int:
        return len(self.threads) - len(self.shown)


def threads_to_show(threads: Iterable[ActionThread], *, limit: int = SHOWN_PER_PHASE) -> list[PhaseThreads]:
    """What every view that lists threads shows of ``threads``: per phase (in phase order) at
    most ``limit``, the most overdue first, and the count of the rest. Views ask this; none
    decides on its own which threads to leave out."""
    by_phase: dict[str, list[ActionThread]] = {}
    for thread in threads:
        by_phase.setdefault(thread.phase, []).append(thread)
    lists = []
    for phase in order_phases(by_phase):
        ordered = by_urgency(by_phase[phase])
        lists.append(PhaseThreads(phase, ordered, ordered[:limit]))
    return lists


def owner_matches(owner: str, wanted: str) -> bool:
    """Whether a thread's ``owner`` (free text, "Ana") is ``wanted``: a case-insensitive part
    of it."""
    return wanted.strip().casefold() in owner.casefold()


# --------------------------------------------------------------------------------- due checks


class DueCheck(NamedTuple):
    phase: str
    cadence_days: int
    #: The day of the phase's latest run (in the run's own time zone), None if never checked.
    last_checked: dt.date | None
    #: The day from which a new check is due (None: due now, never checked).
    due_on: dt.date | None
    is_due: bool
    #: Days since the last check, None if never checked.
    days_since: int | None

    @property
    def days_overdue(self) -> int:
        """Days past ``due_on`` (0 on the day itself or before)."""
        if self.due_on is None or self.days_since is None:
            return 0
        return max(0, self.days_since - self.cadence_days)


def due_check(runs: Iterable[Run], phase: str, today: dt.date, cadence_days: int = DEFAULT_CADENCE_DAYS) -> DueCheck:
    """Whether ``phase`` needs a check: never checked, or last checked ``cadence_days`` or more
    days before ``today``."""
    cadence_days = max(1, int(cadence_days))
    times = [_when(r) for r in runs if r.phase == phase]
    if not times:
        return DueCheck(phase, cadence_days, None, None, True, None)
    last = max(times).date()
    try:
        due_on = last + dt.timedelta(days=cadence_days)
    except OverflowError:  # a run dated at the very end of the calendar: due on its last day
        due_on = dt.date.max
    days_since = (today - last).days
    return DueCheck(phase, cadence_days, last, due_on, today >= due_on, days_since)


# --------------------------------------------------------------------------------- the summary


@dataclass
class PhaseStatus:
    """What ``kundencheck status`` shows for one phase."""

    phase: str
    due: DueCheck
    last_run: Run | None = None
    #: green/amber/red/na counts of the last run's traffic-light answers.
    last_counts: dict[str, int] = field(default_factory=dict)
    #: The last run's item trends, and their counts (better/same/worse/new).
    last_trends: dict[str, Trend] = field(default_factory=dict)
    trend: dict[str, int] = field(default_factory=dict)
    #: The picture of the last run's sprint (its checklist), where disagreements are found.
    current: SprintPicture | None = None
    open_actions: list[ActionThread] = field(default_factory=list)
    overdue_actions: list[ActionThread] = field(default_factory=list)
    streaks: list[Streak] = field(default_factory=list)
    runs: int = 0

    @property
    def current_sprint(self) -> str | None:
        return self.current.sprint if self.current else None

    @property
    def disagreements(self) -> list[ItemPicture]:
        return self.current.disagreements() if self.current else []


@dataclass
class HistorySummary:
    """Everything the history views need, computed once from the runs."""

    today: dt.date
    cadence_days: int
    current_phase: str
    runs: list[Run]
    pictures: list[SprintPicture]
    actions: list[ActionThread]
    stray_reviews: list[StrayReview]
    phases: list[PhaseStatus]
    checklists: Mapping[str, Checklist] = field(default_factory=dict)
    #: Runs that stand for corrected ones (their id -> how they were corrected), and the
    #: corrections that could not be applied (core/corrections.py).
    corrections: Mapping[str, Correction] = field(default_factory=dict)
    stray_corrections: list[StrayCorrection] = field(default_factory=list)

    #: The words notes are checked for (core/tone.py, tone_words); none: no tone signal.
    tone_words: tuple[str, ...] = ()

    def tone(self, picture: SprintPicture) -> list[ToneFinding]:
        """The tone signal of a sprint picture: the texts of its runs with listed words about the
        client (core/tone.py, run_tone). Looked for when first asked (the views ask for a few
        sprints, not for years of them) and kept."""
        if picture.tone is None:
            picture.tone = [finding for run in picture.runs for finding in run_tone(run, self.tone_words)]
        return picture.tone

    def correction(self, run_id: str, item: str | None = None) -> Correction | None:
        """How the run ``run_id`` (as the views show it) was corrected; None if it was not, or
        with ``item``, if the correction did not change that item's answer."""
        found = self.corrections.get(run_id)
        if found is not None and item is not None and not found.changes(item):
            return None
        return found

    def entry_correction(self, entry: Entry, item: str) -> Correction | None:
        """How the answer ``entry`` to ``item`` was corrected; None if it was not. A vote in a
        sprint meeting never is: a correction of the meeting corrects its agreed answer (the
        picture's ``agreed`` entry), not what each person voted."""
        return None if entry.vote else self.correction(entry.run, item)

    def item_corrected(self, picture: ItemPicture) -> bool:
        """Whether a correction changed one of the item's answers in its sprint: the agreed one
        or someone's own (the mark on a cell of the health matrix)."""
        agreed = [picture.agreed] if picture.agreed is not None else []
        return any(self.entry_correction(e, picture.item) is not None for e in [*picture.entries, *agreed])

    #: Runs finished more than a day after ``today`` (a clock that ran ahead): left out of
    #: everything above and shown as such in every view. Oldest first.
    future_runs: list[Run] = field(default_factory=list)
    #: Every client reply (mirror invitations), and those whose sprint the team has not
    #: answered yet (no picture to stand beside).
    client_replies: list[ClientReply] = field(default_factory=list)
    unplaced_client_replies: list[ClientReply] = field(default_factory=list)

    def gaps(self, phase: str | None = None) -> list[Gap]:
        """The perception gaps (of ``phase``), each with the action that answers it, if any."""
        return perception_gaps(self.pictures, self.actions, phase)

    def open_gaps(self, phase: str | None = None) -> list[Gap]:
        return [gap for gap in self.gaps(phase) if gap.is_open]

    def phase(self, phase: str) -> PhaseStatus | None:
        for status in self.phases:
            if status.phase == phase:
                return status
        return None

    def open_actions(self) -> list[ActionThread]:
        return [a for a in self.actions if a.is_open]

    def overdue_actions(self) -> list[ActionThread]:
        return overdue_actions(self.actions, self.today)

    def actions_to_review(self, phase: str) -> list[ActionThread]:
        return actions_to_review(self.actions, phase)

    def pictures_of(self, checklist_id: str) -> list[SprintPicture]:
        return [p for p in self.pictures if p.checklist == checklist_id]

    def picture(self, checklist_id: str, sprint: str) -> SprintPicture | None:
        for picture in self.pictures:
            if picture.checklist == checklist_id and picture.sprint == sprint:
                return picture
        return None

    def sprints(self) -> list[str]:
        """Every sprint label, in the order the sprints started."""
        seen: dict[str, dt.datetime] = {}
        for picture in self.pictures:
            seen[picture.sprint] = min(seen.get(picture.sprint, picture.start), picture.start)
        return sorted(seen, key=lambda s: seen[s])

    def latest_sprint(self) -> str | None:
        """The sprint of the most recent run."""
        return self.runs[-1].sprint if self.runs else None

    def streaks(self) -> list[Streak]:
        return current_streaks(self.pictures)

    @property
    def current_status(self) -> PhaseStatus:
        """The current phase's status: :func:`summarize` gives the current phase one, with runs
        or without."""
        status = self.phase(self.current_phase)
        if status is None:
            raise LookupError(self.current_phase)  # pragma: no mutate (summarize gives it one)
        return status

    def is_due(self) -> bool:
        """Whether the current phase's check is due."""
        return self.current_status.due.is_due


def order_phases(phases: Iterable[str]) -> list[str]:
    found = set(phases)
    return [p for p in KNOWN_PHASES if p in found] + sorted(found - set(KNOWN_PHASES))


def summarize(
    runs: Iterable[Run],
    *,
    today: dt.date,
    cadence_days: int = DEFAULT_CADENCE_DAYS,
    current_phase: str = "build",
    checklists: Mapping[str, Checklist] | None = None,
    tone_words: Sequence[str] = (),
    client_replies: Iterable[ClientReply] = (),
) -> HistorySummary:
    """The history model for ``runs`` as of ``today``.

    ``checklists`` (checklist id -> checklist) gives item kinds, order and questions; without
    one an item's kind is guessed from its answers (a status is a traffic light, 1-5 a scale).
    Every phase with a run is listed, and the current phase even without one (it is then due).
    A correction stands for the run it corrects (core/corrections.py): ``runs`` are all the
    answers files, the summary's runs the ones the views show. ``tone_words`` (core/tone.py,
    :func:`tone_words`) are looked for in the notes of each sprint picture's runs.

    Runs finished more than a day after ``today`` (:func:`is_future`) are set apart in
    ``future_runs``: a clock that ran ahead must not make a phase look checked, start a sprint
    or replace today's answers.

    ``client_replies`` (core/mirror.py) stand beside the team's answers of their sprint
    (:func:`attach_client`); they are never counted as team answers.
    """
    checklists = dict(checklists or {})
    resolved = resolve(runs)
    ordered: list[Run] = []
    future: list[Run] = []
    for run in sorted(resolved.runs, key=run_order):
        (future if is_future(run, today) else ordered).append(run)
    pictures = sprint_pictures(ordered, checklists)
    client_replies = list(client_replies)
    unplaced = attach_client(pictures, client_replies, checklists)
    actions, strays = track_actions(ordered, resolved.aliases)
    phases: list[PhaseStatus] = []
    all_streaks = current_streaks(pictures)
    for phase in order_phases({r.phase for r in ordered} | {current_phase}):
        phase_runs = [r for r in ordered if r.phase == phase]
        status = PhaseStatus(phase=phase, due=due_check(phase_runs, phase, today, cadence_days), runs=len(phase_runs))
        if phase_runs:
            last = phase_runs[-1]
            checklist = checklists.get(last.checklist)
            status.last_run = last
            status.last_counts = run_counts(last, checklist).as_dict()
            status.last_trends = run_trends(last, pictures, checklist)
            status.trend = trend_counts(status.last_trends)
            for picture in pictures:
                if picture.checklist == last.checklist and picture.sprint == last.sprint:
                    status.current = picture
        status.open_actions = [a for a in actions if a.is_open and a.phase == phase]
        status.overdue_actions = overdue_actions(status.open_actions, today)
        status.streaks = [s for s in all_streaks if s.phase == phase]
        phases.append(status)
    return HistorySummary(
        today=today,
        cadence_days=cadence_days,
        current_phase=current_phase,
        runs=ordered,
        pictures=pictures,
        actions=actions,
        stray_reviews=strays,
        phases=phases,
        checklists=checklists,
        corrections=resolved.corrections,
        stray_corrections=resolved.strays,
        tone_words=tuple(tone_words),
        future_runs=future,
        client_replies=client_replies,
        unplaced_client_replies=unplaced,
    )


def item_series(
    pictures: Sequence[SprintPicture], checklist_id: str, item_id: str, author: str | None = None
) -> list[tuple[SprintPicture, ItemPicture | None]]:
    """The item's picture in each sprint of ``checklist_id``, oldest first (None: not answered).

    With ``author`` (a case-insensitive part of ``Name <email>``) only that person's answers
    count, and the representative answer is theirs.
    """
    series: list[tuple[SprintPicture, ItemPicture | None]] = []
    previous: ItemPicture | None = None
    for picture in pictures:
        if picture.checklist != checklist_id:
            continue
        item = picture.items.get(item_id)
        if item is not None and author:
            needle = author.lower()
            entries = [e for e in item.entries if needle in e.author.lower()]
            item = _picture_item(item_id, item.kind, entries, item.definition) if entries else None
            if item is not None:
                item.trend = compare(item.value, previous.value if previous else None, item.definition)
                if previous is not None and previous.band == item.band and item.band is not None:
                    item.streak = previous.streak + 1
                else:
                    item.streak = 1 if item.band else 0
        series.append((picture, item))
        if author:
            previous = item
    return series
