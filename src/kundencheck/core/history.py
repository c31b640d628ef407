"""Past runs, as read from the repository, and what they say together.

Everything here is pure: runs in, a model out, no I/O, no clock (callers pass ``today``).
The model is what ``kundencheck status``, ``log`` and ``report`` show and what the TUI builds
on; docs/history.md explains the rules in prose.

- **Sprint pictures.** The runs of one checklist in one sprint are one picture: per item the
  answers of everyone who took part (a person's latest run in the sprint counts), their spread,
  a *disagreement* flag (one says green, another red; for scale items a spread of 3 or more),
  and a representative answer: the one most people gave, the worse one on a tie (the median
  for scale items, the lower one of the two middle values).
- **Trends.** An item's answer against the previous sprint's picture of the same checklist:
  better, same or worse (new when there was none). With one run per sprint that is simply the
  previous run; runs in the same sprint are compared as a disagreement, never as a trend.
- **Streaks.** How many sprints in a row, up to the latest, an item has shown the same band
  (red, amber, green); "red for 3 sprints in a row".
- **Actions.** An answer with an action opens it; a later run's review closes it (done,
  dropped) or keeps it open. An action is identified by (run id, item id). Open actions whose
  due date has passed are overdue.
- **Due checks.** A phase is due when it was never checked or its last run is ``cadence_days``
  or more days ago.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Iterable, Mapping, Sequence

from kundencheck.core.answers import REVIEW_DECISIONS, Action, ActionReview, Run, loads
from kundencheck.core.checklist import KNOWN_PHASES, STATUSES, AnswerValue, Checklist, Kind
from kundencheck.core.config import DEFAULT_CADENCE_DAYS
from kundencheck.core.corrections import Correction, StrayCorrection, resolve
from kundencheck.core.errors import AnswersError
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
    runs.sort(key=_when)
    return runs, errors


def _when(run: Run) -> dt.datetime:
    return run.finished or run.started


def run_time(run: Run) -> dt.datetime:
    """When a run counts as made: when it was finished (committed), else when it started."""
    return _when(run)


def latest_run(runs: Iterable[Run], checklist_id: str) -> Run | None:
    """The most recently finished run of ``checklist_id``."""
    latest: Run | None = None
    for run in runs:
        if run.checklist == checklist_id and (latest is None or _when(run) >= _when(latest)):
            latest = run
    return latest


# --------------------------------------------------------------------------------- answers as bands

#: Bands of the health matrix, worst first. ``na`` is "not applicable" and has no rank.
BANDS = ("red", "amber", "green", "na")
_RANK = {"red": 0, "amber": 1, "green": 2}


class Trend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    #: No comparable answer in the previous sprint (first time, or n/a, or not asked then).
    NEW = "new"
    #: Not comparable at all: free text, dates, choices, or the item is n/a now.
    NONE = "none"


TREND_ARROWS = {Trend.BETTER: "↑", Trend.SAME: "→", Trend.WORSE: "↓", Trend.NEW: "", Trend.NONE: ""}


def kind_of(item_id: str, value: AnswerValue | None, checklist: Checklist | None = None) -> Kind | None:
    """The item's kind from its checklist, else guessed from the stored value."""
    if checklist is not None:
        item = checklist.item(item_id)
        if item is not None:
            return item.kind
    if isinstance(value, str) and value in STATUSES:
        return Kind.TRAFFIC_LIGHT
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return Kind.SCALE
    return None


def band(value: AnswerValue | None, kind: Kind | None) -> str | None:
    """The matrix colour of an answer: a traffic light is its own status; a scale of 1-2 is
    red, 3 amber, 4-5 green. Other kinds (text, dates, choices) have no colour: None."""
    if value is None:
        return None
    if kind is Kind.TRAFFIC_LIGHT:
        return value if value in STATUSES else None
    if kind is Kind.SCALE and isinstance(value, int) and not isinstance(value, bool):
        return "red" if value <= 2 else "amber" if value == 3 else "green"
    return None


def _score(value: AnswerValue | None, kind: Kind | None) -> int | None:
    """A number to compare answers of one item by (higher is better), or None."""
    if kind is Kind.TRAFFIC_LIGHT:
        return _RANK.get(value) if isinstance(value, str) else None
    if kind is Kind.SCALE and isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def compare(now: AnswerValue | None, before: AnswerValue | None, kind: Kind | None) -> Trend:
    """The trend from ``before`` to ``now`` for an item of ``kind``."""
    current = _score(now, kind)
    if current is None:
        return Trend.NONE
    previous = _score(before, kind)
    if previous is None:
        return Trend.NEW
    if current > previous:
        return Trend.BETTER
    if current < previous:
        return Trend.WORSE
    return Trend.SAME


def status_counts(run: Run, checklist: Checklist | None = None) -> dict[str, int]:
    """How many traffic-light answers of the run are green, amber, red and n/a."""
    counts = dict.fromkeys(("green", "amber", "red", "na"), 0)
    for answer in run.answers:
        if kind_of(answer.item, answer.value, checklist) is Kind.TRAFFIC_LIGHT and answer.value in counts:
            counts[answer.value] += 1  # type: ignore[index]
    return counts


def author_key(author: str) -> str:
    """Who a run is by, for "one person, one answer per sprint": the e-mail, else the name."""
    text = author.strip()
    if text.endswith(">") and "<" in text:
        return text[text.rindex("<") + 1 : -1].strip().lower()
    return text.lower()


def author_name(author: str) -> str:
    """The name part of ``Name <email>``."""
    text = author.strip()
    if text.endswith(">") and "<" in text:
        return text[: text.rindex("<")].strip() or text
    return text


# --------------------------------------------------------------------------------- sprint pictures


@dataclass(frozen=True)
class Entry:
    """One person's answer to one item in a sprint picture."""

    run: str
    author: str
    value: AnswerValue
    band: str | None
    note: str = ""
    action: Action | None = None


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

    def counts(self) -> dict[str, int]:
        """How many people gave each answer (as its stored value, in str form)."""
        return dict(Counter(str(e.value) for e in self.entries))

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

    @property
    def start(self) -> dt.datetime:
        return min(_when(r) for r in self.runs)

    @property
    def end(self) -> dt.datetime:
        return max(_when(r) for r in self.runs)

    @property
    def authors(self) -> list[str]:
        return [r.author for r in self.runs]

    def disagreements(self) -> list[ItemPicture]:
        return [p for p in self.items.values() if p.disagreement]

    def band_counts(self) -> dict[str, int]:
        """How many items' representative answers are red, amber, green, n/a."""
        counts = dict.fromkeys(("green", "amber", "red", "na"), 0)
        for picture in self.items.values():
            if picture.band in counts:
                counts[picture.band] += 1  # type: ignore[index]
        return counts


def _representative(values: list[AnswerValue], kind: Kind | None) -> AnswerValue | None:
    if not values:
        return None
    if kind is Kind.SCALE and all(isinstance(v, int) for v in values):
        ordered = sorted(values)  # type: ignore[type-var]
        return ordered[(len(ordered) - 1) // 2]  # the lower middle: the more cautious reading
    counts = Counter(values)
    best = max(counts.values())
    tied = [v for v in counts if counts[v] == best]
    if len(tied) == 1:
        return tied[0]
    if kind is Kind.TRAFFIC_LIGHT:
        ranked = [v for v in tied if v in _RANK]
        if ranked:
            return min(ranked, key=lambda v: _RANK[v])  # type: ignore[index]
    # Otherwise the answer of the latest run among the tied ones.
    for value in reversed(values):
        if value in tied:
            return value
    return tied[0]


def _picture_item(item_id: str, kind: Kind | None, entries: list[Entry]) -> ItemPicture:
    values = [e.value for e in entries]
    value = _representative(values, kind)
    scores = [s for s in (_score(v, kind) for v in values) if s is not None]
    spread = (max(scores) - min(scores)) if scores else None
    if kind is Kind.TRAFFIC_LIGHT:
        disagreement = "green" in values and "red" in values
    elif kind is Kind.SCALE:
        disagreement = spread is not None and spread >= 3
    else:
        disagreement = False
    return ItemPicture(item=item_id, kind=kind, entries=entries, value=value, band=band(value, kind),
                       spread=spread, disagreement=disagreement)


def sprint_pictures(runs: Iterable[Run], checklists: Mapping[str, Checklist] | None = None) -> list[SprintPicture]:
    """Group runs by (checklist, sprint) into pictures, each with trends and streaks filled in.

    Pictures come oldest first (by their first run). A person who ran the same checklist twice
    in one sprint counts once, with the later run.
    """
    checklists = checklists or {}
    groups: dict[tuple[str, str], list[Run]] = {}
    for run in sorted(runs, key=_when):
        groups.setdefault((run.checklist, run.sprint), []).append(run)
    pictures: list[SprintPicture] = []
    for (checklist_id, sprint), group in groups.items():
        latest: dict[str, Run] = {}
        superseded: list[Run] = []
        for run in group:
            key = author_key(run.author)
            if key in latest:
                superseded.append(latest[key])
            latest[key] = run
        kept = sorted(latest.values(), key=_when)
        checklist = checklists.get(checklist_id)
        by_item: dict[str, list[Entry]] = {}
        kinds: dict[str, Kind | None] = {}
        for run in kept:
            for answer in run.answers:
                if answer.value is None or answer.value == "":
                    continue
                kind = kinds.get(answer.item) or kind_of(answer.item, answer.value, checklist)
                kinds[answer.item] = kind
                by_item.setdefault(answer.item, []).append(
                    Entry(run=run.id, author=run.author, value=answer.value, band=band(answer.value, kind),
                          note=answer.note, action=answer.action))
        order = _item_order(checklist, by_item)
        items = {item_id: _picture_item(item_id, kinds[item_id], by_item[item_id]) for item_id in order}
        phase = kept[-1].phase
        pictures.append(SprintPicture(checklist=checklist_id, phase=phase, sprint=sprint, runs=kept,
                                      superseded=superseded, items=items))
    pictures.sort(key=lambda p: (p.start, p.checklist, p.sprint))
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
            item.trend = compare(item.value, earlier.value if earlier else None, item.kind)
            if item.band is None:
                item.streak = 0
            elif earlier is not None and earlier.band == item.band:
                item.streak = earlier.streak + 1
            else:
                item.streak = 1
        previous_by_checklist[picture.checklist] = picture


def previous_picture(pictures: Sequence[SprintPicture], picture: SprintPicture) -> SprintPicture | None:
    """The picture of the same checklist just before ``picture``."""
    earlier = [p for p in pictures if p.checklist == picture.checklist and p.index == picture.index - 1]
    return earlier[0] if earlier else None


def run_trends(run: Run, pictures: Sequence[SprintPicture], checklist: Checklist | None = None) -> dict[str, Trend]:
    """Per item of ``run``: its trend against the previous sprint's picture of its checklist
    (the sprint before the run's own; with one run per sprint, the previous run)."""
    own = [p for p in pictures if p.checklist == run.checklist and p.sprint == run.sprint]
    before: SprintPicture | None = None
    if own:
        before = previous_picture(pictures, own[0])
    else:  # a run not in the pictures: the latest picture that ended before it
        earlier = [p for p in pictures if p.checklist == run.checklist and p.end < _when(run)]
        before = earlier[-1] if earlier else None
    trends: dict[str, Trend] = {}
    for answer in run.answers:
        if answer.value is None or answer.value == "":
            continue
        kind = kind_of(answer.item, answer.value, checklist)
        earlier_item = before.items.get(answer.item) if before else None
        trends[answer.item] = compare(answer.value, earlier_item.value if earlier_item else None, kind)
    return trends


def trend_counts(trends: Mapping[str, Trend]) -> dict[str, int]:
    counts = {t.value: 0 for t in (Trend.BETTER, Trend.SAME, Trend.WORSE, Trend.NEW)}
    for trend in trends.values():
        if trend.value in counts:
            counts[trend.value] += 1
    return counts


@dataclass(frozen=True)
class Streak:
    checklist: str
    phase: str
    item: str
    band: str
    #: Sprints in a row, ending with the checklist's latest sprint.
    length: int
    since: str
    until: str


def current_streaks(pictures: Sequence[SprintPicture], *, min_length: int = 2,
                    bands: Iterable[str] = ("red", "amber")) -> list[Streak]:
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
    found.sort(key=lambda s: (-s.length, _RANK.get(s.band, 3), s.checklist, s.item))
    return found


# --------------------------------------------------------------------------------- actions


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True)
class ReviewEvent:
    """One review of an action: which run decided what, when, and why."""

    run: str
    author: str
    when: dt.datetime
    decision: str
    note: str = ""


@dataclass
class TrackedAction:
    """An action recorded with an answer, followed through the later runs' reviews."""

    run: str
    item: str
    checklist: str
    phase: str
    sprint: str
    author: str
    raised: dt.datetime
    what: str
    owner: str
    due: dt.date | None
    value: AnswerValue | None = None
    note: str = ""
    state: ActionState = ActionState.OPEN
    reviews: list[ReviewEvent] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.run, self.item)

    @property
    def is_open(self) -> bool:
        return self.state is ActionState.OPEN

    @property
    def closed_by(self) -> ReviewEvent | None:
        """The review that closed the action (done or dropped), if it is closed."""
        if self.is_open or not self.reviews:
            return None
        return self.reviews[-1]

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due is not None and self.due < today

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due).days if self.is_overdue(today) and self.due else 0


@dataclass(frozen=True)
class StrayReview:
    """A review naming an action that no run recorded (a hand edit, or a run not merged yet)."""

    run: str
    review: ActionReview


def track_actions(runs: Iterable[Run], aliases: Mapping[str, str] | None = None
                  ) -> tuple[list[TrackedAction], list[StrayReview]]:
    """Every action in ``runs``, oldest first, with the state the reviews left it in.

    Reviews apply in the order of the runs that made them; the last decision counts (an action
    closed by mistake can be re-opened by a later ``open``). A run cannot review its own actions.
    ``aliases`` (core/corrections.py) maps the ids of corrected runs to the run that stands for
    them now, so a review of an action that a corrected run raised reaches it.
    """
    aliases = aliases or {}
    ordered = sorted(runs, key=_when)
    actions: dict[tuple[str, str], TrackedAction] = {}
    for run in ordered:
        for answer in run.answers:
            action = answer.action
            if action is None or not action.what.strip():
                continue
            actions[(run.id, answer.item)] = TrackedAction(
                run=run.id, item=answer.item, checklist=run.checklist, phase=run.phase, sprint=run.sprint,
                author=run.author, raised=_when(run), what=action.what, owner=action.owner, due=action.due,
                value=answer.value, note=answer.note)
    strays: list[StrayReview] = []
    for run in ordered:
        for review in run.reviews:
            target = actions.get((aliases.get(review.run, review.run), review.item))
            if target is None or review.run == run.id:
                strays.append(StrayReview(run.id, review))
                continue
            target.reviews.append(ReviewEvent(run.id, run.author, _when(run), review.decision, review.note))
            if review.decision in REVIEW_DECISIONS:
                target.state = ActionState(review.decision)
    return list(actions.values()), strays


def actions_to_review(actions: Iterable[TrackedAction], phase: str) -> list[TrackedAction]:
    """The open actions a new run of ``phase`` starts with, oldest first."""
    return [a for a in actions if a.is_open and a.phase == phase]


def overdue_actions(actions: Iterable[TrackedAction], today: dt.date) -> list[TrackedAction]:
    """Open actions past their due date, the longest overdue first."""
    late = [a for a in actions if a.is_overdue(today)]
    late.sort(key=lambda a: (a.due, a.raised))
    return late


# --------------------------------------------------------------------------------- due checks


@dataclass(frozen=True)
class DueCheck:
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
    due_on = last + dt.timedelta(days=cadence_days)
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
    open_actions: list[TrackedAction] = field(default_factory=list)
    overdue_actions: list[TrackedAction] = field(default_factory=list)
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
    actions: list[TrackedAction]
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

    def phase(self, phase: str) -> PhaseStatus | None:
        for status in self.phases:
            if status.phase == phase:
                return status
        return None

    def open_actions(self) -> list[TrackedAction]:
        return [a for a in self.actions if a.is_open]

    def overdue_actions(self) -> list[TrackedAction]:
        return overdue_actions(self.actions, self.today)

    def actions_to_review(self, phase: str) -> list[TrackedAction]:
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
            if picture.sprint not in seen or picture.start < seen[picture.sprint]:
                seen[picture.sprint] = picture.start
        return sorted(seen, key=lambda s: seen[s])

    def latest_sprint(self) -> str | None:
        """The sprint of the most recent run."""
        return self.runs[-1].sprint if self.runs else None

    def streaks(self) -> list[Streak]:
        return current_streaks(self.pictures)

    def is_due(self) -> bool:
        """Whether the current phase's check is due."""
        status = self.phase(self.current_phase)
        return status is not None and status.due.is_due


def order_phases(phases: Iterable[str]) -> list[str]:
    found = set(phases)
    return [p for p in KNOWN_PHASES if p in found] + sorted(found - set(KNOWN_PHASES))


def summarize(runs: Iterable[Run], *, today: dt.date, cadence_days: int = DEFAULT_CADENCE_DAYS,
              current_phase: str = "build", checklists: Mapping[str, Checklist] | None = None,
              tone_words: Sequence[str] = ()) -> HistorySummary:
    """The history model for ``runs`` as of ``today``.

    ``checklists`` (checklist id -> checklist) gives item kinds, order and questions; without
    one an item's kind is guessed from its answers (a status is a traffic light, 1-5 a scale).
    Every phase with a run is listed, and the current phase even without one (it is then due).
    A correction stands for the run it corrects (core/corrections.py): ``runs`` are all the
    answers files, the summary's runs the ones the views show. ``tone_words`` (core/tone.py,
    :func:`tone_words`) are looked for in the notes of each sprint picture's runs.
    """
    checklists = dict(checklists or {})
    resolved = resolve(runs)
    ordered = resolved.runs
    pictures = sprint_pictures(ordered, checklists)
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
            status.last_counts = status_counts(last, checklist)
            status.last_trends = run_trends(last, pictures, checklist)
            status.trend = trend_counts(status.last_trends)
            for picture in pictures:
                if picture.checklist == last.checklist and picture.sprint == last.sprint:
                    status.current = picture
        status.open_actions = [a for a in actions if a.is_open and a.phase == phase]
        status.overdue_actions = overdue_actions(status.open_actions, today)
        status.streaks = [s for s in all_streaks if s.phase == phase]
        phases.append(status)
    return HistorySummary(today=today, cadence_days=cadence_days, current_phase=current_phase, runs=ordered,
                          pictures=pictures, actions=actions, stray_reviews=strays, phases=phases,
                          checklists=checklists, corrections=resolved.corrections,
                          stray_corrections=resolved.strays, tone_words=tuple(tone_words))


def item_series(pictures: Sequence[SprintPicture], checklist_id: str, item_id: str,
                author: str | None = None) -> list[tuple[SprintPicture, ItemPicture | None]]:
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
            item = _picture_item(item_id, item.kind, entries) if entries else None
            if item is not None:
                item.trend = compare(item.value, previous.value if previous else None, item.kind)
                same = previous is not None and previous.band == item.band and item.band is not None
                item.streak = (previous.streak + 1) if same else (1 if item.band else 0)
        series.append((picture, item))
        if author:
            previous = item
    return series
