"""One run of a checklist: its answers, what keeps it from being committed, how it is written.

The answers file format is documented in docs/answers-format.md. Files are written here with
tomlkit (each answer carries its question as a comment for a human reader; a draft is saved
after every key, so each answer's table is rendered once and kept) and read by
core/answers_file.py with tomllib (several times faster than tomlkit, which matters when
reading years of history).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # imported where files are written: starting a run reads and shows only
    import tomlkit
    from tomlkit.items import String, Table

from kundencheck.core.checklist import (
    STATUSES,
    AnswerValue,
    Checklist,
    Item,
    Kind,
    describe_value,
    is_safe_id,
)
from kundencheck.core.i18n import _, translate
from kundencheck.core.people import Person
from kundencheck.core.text import clean_text, one_line, slug

#: The answers format's version. Version 2 added the sprint meeting (``meeting``, ``[[votes]]``);
#: a run without them is written as version 1, which every kundencheck reads (:func:`schema_of`).
SCHEMA_VERSION = 2
#: The versions kundencheck reads.
SCHEMA_VERSIONS = (1, 2)
#: The version of a run that holds nothing of a meeting, and of a fill-in template.
PLAIN_SCHEMA = 1
#: The fewest votes an anonymous item's count may hold: with fewer, everyone could tell who
#: voted what (docs/anonymity.md).
MIN_ANONYMOUS_VOTES = 3
ANSWERS_DIR = ".kundencheck/answers"
#: What a later run decides about an open action: done, still open, or dropped (with a note).
REVIEW_DECISIONS = ("done", "open", "dropped")


@dataclass(slots=True)
class Action:
    """What will be done about a red or amber answer, by whom and by when."""

    what: str
    owner: str = ""
    due: dt.date | None = None
    #: A new, separate action even when one is open for the same item of the phase; without
    #: it the action joins that one's thread (docs/history.md, "Actions").
    separate: bool = False


def raised(action: Action | None) -> Action | None:
    """``action`` when it raises something to do; None for no action or one without text, which
    the commit message, the history's threads, the gate and the CSV all pass over."""
    return action if action is not None and action.what.strip() else None


@dataclass(slots=True)
class Answer:
    """The answer to one item: its value, the note and the action it may need."""

    item: str
    #: status for traffic-light items, else the value (int, str, date).
    value: AnswerValue | None = None
    note: str = ""
    action: Action | None = None

    @property
    def raised_action(self) -> Action | None:
        """The action this answer raises (:func:`raised`)."""
        return raised(self.action)

    @property
    def is_answered(self) -> bool:
        """Whether the answer holds a value: None and an empty text are no answer."""
        return self.value is not None and self.value != ""


@dataclass(slots=True)
class ActionReview:
    """A decision, taken at the start of a later run, about an action that was still open.

    The action is the one recorded with the answer to ``item`` in the run ``run`` (a run id):
    ``done`` and ``dropped`` close it, ``open`` carries it on to the next run. A ``dropped``
    action needs a note saying why.
    """

    run: str
    item: str
    decision: str
    note: str = ""

    @property
    def action_key(self) -> tuple[str, str]:
        return (self.run, self.item)


class Vote(NamedTuple):
    """One person's vote on an item in a sprint meeting, kept with their name (named items only)."""

    #: ``Name <email>``, one of the run's participants.
    person: str
    value: AnswerValue


class ItemVotes(NamedTuple):
    """The votes on one item in a sprint meeting: each person's own (``named``), or, for an
    anonymous item, only how many voted for each value (``anonymous``: no name, no order)."""

    item: str
    named: tuple[Vote, ...] = ()
    #: (value, how many voted for it), one pair per value voted.
    anonymous: tuple[tuple[AnswerValue, int], ...] = ()

    @property
    def is_anonymous(self) -> bool:
        return bool(self.anonymous)

    @property
    def voters(self) -> int:
        """How many people voted."""
        return sum(count for _value, count in self.anonymous) if self.anonymous else len(self.named)

    def counts(self) -> dict[AnswerValue, int]:
        """How many voted for each value (in the order first met: named votes in the people's
        order, anonymous counts in the file's order)."""
        if self.anonymous:
            return dict(self.anonymous)
        counts: dict[AnswerValue, int] = {}
        for vote in self.named:
            counts[vote.value] = counts.get(vote.value, 0) + 1
        return counts

    def values(self) -> list[AnswerValue]:
        """Every vote's value, each as often as it was voted."""
        if self.anonymous:
            return [value for value, count in self.anonymous for _n in range(count)]
        return [vote.value for vote in self.named]


@dataclass(slots=True)
class Run:
    """One person's (or pair's) answers to a checklist at one sprint: one answers file in git."""

    id: str
    checklist: str
    checklist_version: str
    phase: str
    language: str
    sprint: str
    author: str
    started: dt.datetime
    finished: dt.datetime | None = None
    answers: list[Answer] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    #: Decisions about earlier runs' open actions, taken before this run's checklist.
    reviews: list[ActionReview] = field(default_factory=list)
    #: The id of the run this run corrects ("" for an ordinary run): a correction stands for
    #: that run in its sprint (docs/history.md, "Corrections"); nothing is ever rewritten.
    corrects: str = ""
    #: Why the correction was made; required when ``corrects`` is set.
    correction_note: str = ""
    #: Agreed in a sprint meeting (`kundencheck meeting`): the answers are the team's agreed
    #: ones, the author the facilitator, the participants everyone present.
    meeting: bool = False
    #: The meeting's votes, per item (docs/meeting.md).
    votes: list[ItemVotes] = field(default_factory=list)

    def answer(self, item_id: str) -> Answer | None:
        for answer in self.answers:
            if answer.item == item_id:
                return answer
        return None

    def values(self) -> dict[str, AnswerValue | None]:
        return {a.item: a.value for a in self.answers}

    def votes_on(self, item_id: str) -> ItemVotes | None:
        """The meeting's votes on ``item_id``, None when there were none."""
        for votes in self.votes:
            if votes.item == item_id:
                return votes
        return None

    @property
    def path(self) -> str:
        """Where the run is stored, relative to the repository top."""
        return f"{ANSWERS_DIR}/{self.started.astimezone(dt.UTC):%Y}/{self.id}.toml"


def now() -> dt.datetime:
    """The current local time with its UTC offset, to the second (RFC 3339)."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def sprint_label(moment: dt.date | dt.datetime) -> str:
    """The default sprint label: the ISO week, e.g. ``2026-W48``."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def new_run_id(started: dt.datetime, phase: str, author_email: str) -> str:
    """A run id that two people starting at the same second on two clones never share.

    Time first (so files sort by time), then phase and author for humans, then 6 random hex
    digits for the collision the first two parts cannot rule out.
    """
    stamp = started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    who = slug(author_email.split("@")[0], 16)
    # A phase id may have 64 characters; cut it so the run id stays within the 80 that
    # loads() accepts (16 + 1 + 32 + 1 + 16 + 1 + 6 = 73).
    where = phase[:32].rstrip("-") if is_safe_id(phase) else slug(phase, 32)
    return f"{stamp}-{where}-{who}-{random_hex(3)}"


def random_hex(nbytes: int) -> str:
    """``nbytes`` random bytes as hex; tests replace it for run ids that stay the same."""
    # os.urandom is what secrets.token_hex uses, without importing hmac and OpenSSL for it.
    return os.urandom(nbytes).hex()


def schema_of(run: Run) -> int:
    """The schema version ``run`` is written with: 2 for a meeting, else 1 (so a kundencheck
    from before meetings reads every run but the meetings' own)."""
    return SCHEMA_VERSION if run.meeting or run.votes else PLAIN_SCHEMA


def new_run(checklist: Checklist, author: Person, *, sprint: str | None = None, started: dt.datetime | None = None) -> Run:
    """A new run of ``checklist`` by ``author``, started now unless ``started`` says when."""
    started = started or now()
    return Run(
        id=new_run_id(started, checklist.phase, author.email),
        checklist=checklist.id,
        checklist_version=checklist.version,
        phase=checklist.phase,
        language=checklist.language,
        sprint=sprint or sprint_label(started),
        author=str(author),
        started=started,
    )


# --------------------------------------------------------------------------------- checking


#: The parts of an action, as :attr:`Needs.action` names the missing ones.
ACTION_PARTS = ("what", "owner", "due")


class Needs(NamedTuple):
    """What an answer still needs before its run can be committed (:func:`still_needed`)."""

    #: A value: the item is required and not answered yet.
    value: bool = False
    #: A note saying why: the answer is one the checklist asks a note for.
    note: bool = False
    #: The parts of the action the answer asks for that are still missing, of ACTION_PARTS.
    action: tuple[str, ...] = ()

    @property
    def nothing(self) -> bool:
        return not (self.value or self.note or self.action)


def still_needed(item: Item, answer: Answer | None) -> Needs:
    """What the answer to ``item`` still needs: a value, a note, the parts of an action. The
    one rule the run screen's hints, where it moves after an answer, the review's and the
    commit's problems (:func:`problems_with`) and `kundencheck answer --from` all follow."""
    if answer is None or answer.value is None or answer.value == "":
        return Needs(value=item.required)
    value = answer.value
    note = item.needs_note(value) and not answer.note.strip()
    missing: tuple[str, ...] = ()
    if item.needs_action(value):
        action = answer.action
        given = (
            action is not None and bool(action.what.strip()),
            action is not None and bool(action.owner.strip()),
            action is not None and action.due is not None,
        )
        parts = zip(ACTION_PARTS, given, strict=True)  # pragma: no mutate (three parts each: strict changes nothing)
        missing = tuple(part for part, there in parts if not there)
    return Needs(note=note, action=missing)


def problems_with(run: Run, checklist: Checklist, *, final: bool = True) -> list[str]:
    """Everything that keeps ``run`` from being committed, one sentence per problem.

    With ``final`` the required items must all be answered; the unanswered ones are reported
    together as one problem so a user sees the whole list at once.
    """
    problems: list[str] = []
    values = run.values()
    missing: list[str] = []
    for answer in run.answers:
        item = checklist.item(answer.item)
        if item is None:
            problems.append(
                _("item {item}: not in checklist {checklist} (version {version}).").format(
                    item=repr(answer.item), checklist=repr(checklist.id), version=checklist.version
                )
            )
            continue
        if item.when is not None and not checklist.is_visible(item, values):  # hidden: only by a condition
            if answer.value is not None:
                problems.append(
                    _("item {item}: answered, but it is only asked when {other} is {values}.").format(
                        item=repr(item.id), other=repr(item.when.item), values=_or(item.when.equals)
                    )
                )
            continue
        problem = value_problem(item, answer.value)
        if problem:
            problems.append(_("item {item}: {problem}").format(item=repr(item.id), problem=problem))
            continue
        needs = still_needed(item, answer)
        if needs.note:
            problems.append(
                _("item {item}: the answer {answer} needs a note saying why.").format(
                    item=repr(item.id), answer=repr(display_value(item, answer.value))
                )
            )
        if needs.action:
            problems.append(
                _("item {item}: the answer {answer} needs an action with what, owner and due date.").format(
                    item=repr(item.id), answer=repr(display_value(item, answer.value))
                )
            )
    problems += review_problems(run)
    problems += correction_problems(run)
    problems += vote_problems(run, checklist)
    if final:
        answers = {answer.item: answer for answer in run.answers}
        for item in checklist.visible_items(values):
            if still_needed(item, answers.get(item.id)).value:
                missing.append(item.id)
        if missing:
            problems.append(_("required items not answered: {items}.").format(items=", ".join(missing)))
    return problems


def review_problems(run: Run) -> list[str]:
    """Problems with the run's action reviews: an unknown decision, a drop without a note, or
    the same action reviewed twice."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for review in run.reviews:
        label = _("review of the action on {item} from run {run}").format(item=repr(review.item), run=review.run)
        if review.decision not in REVIEW_DECISIONS:
            problems.append(
                _("{label}: decision {decision} is not one of {allowed}.").format(
                    label=label, decision=_shown(review.decision), allowed=", ".join(REVIEW_DECISIONS)
                )
            )
        elif review.decision == "dropped" and not review.note.strip():
            problems.append(_("{label}: a dropped action needs a note saying why it is dropped.").format(label=label))
        if review.action_key in seen:
            problems.append(_("{label}: reviewed twice; keep one decision.").format(label=label))
        seen.add(review.action_key)
    return problems


def vote_problems(run: Run, checklist: Checklist) -> list[str]:
    """Problems with a meeting's votes: votes on an item without an agreed answer, a vote the
    item does not take, and an anonymous item whose votes carry names although enough people
    voted to keep them anonymous (docs/anonymity.md)."""
    problems: list[str] = []
    answered = {a.item for a in run.answers if a.is_answered}
    for votes in run.votes:
        item = checklist.item(votes.item)
        if votes.item not in answered:
            problems.append(
                _("item {item}: the meeting voted on it, but no agreed answer is recorded.").format(item=repr(votes.item))
            )
        if item is None:
            continue
        for value in votes.counts():
            problem = value_problem(item, value)
            if problem:
                problems.append(_("item {item}: a vote: {problem}").format(item=repr(item.id), problem=problem))
        if item.anonymous and votes.named and votes.voters >= MIN_ANONYMOUS_VOTES:
            problems.append(
                _(
                    "item {item} is anonymous and {n} people voted: only how many voted for each value may "
                    "be stored, not who voted what."
                ).format(item=repr(item.id), n=votes.voters)
            )
    return problems


def correction_problems(run: Run) -> list[str]:
    """Problems with the run's correction: a correction needs a note saying why, and cannot
    correct itself."""
    if not run.corrects:
        return []
    if run.corrects == run.id:
        return [_("the run corrects itself (corrects = {id}); name the run it corrects.").format(id=repr(run.corrects))]
    if not run.correction_note.strip():
        return [_("a correction needs a note saying why the answers of run {run} are corrected.").format(run=run.corrects)]
    return []


def value_problem(item: Item, value: Any) -> str | None:
    """Why ``value`` is not an answer ``item`` takes, or None when it is fine (None = unanswered)."""
    if value is None:
        return None
    if item.kind is Kind.TRAFFIC_LIGHT:
        if value not in STATUSES:
            return _("status {value} is not one of {allowed}.").format(value=_shown(value), allowed=", ".join(STATUSES))
    elif item.kind is Kind.SCALE:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return _("value {value} is not a whole number from 1 to 5.").format(value=_shown(value))
    elif item.kind is Kind.CHOICE:
        allowed = item.allowed_values() or ()
        if value not in allowed:
            return _("value {value} is not one of the options {allowed}.").format(
                value=_shown(value), allowed=", ".join(map(str, allowed))
            )
    elif item.kind is Kind.DATE:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return _("value {value} is not a date (write it as 2026-12-31, without quotes).").format(value=_shown(value))
    elif item.kind is Kind.TEXT and not isinstance(value, str):
        return _("value {value} is not text (write it in quotes).").format(value=_shown(value))
    return None


def display_value(item: Item, value: AnswerValue | None) -> str:
    """The answer as a person reads it (status word in the chosen language, option label, number,
    ISO date)."""
    from kundencheck.core.checklist import STATUS_WORDS

    if value is None:
        return ""
    if item.kind is Kind.TRAFFIC_LIGHT:
        word = STATUS_WORDS.get(str(value))
        return translate(word) if word else str(value)
    if item.kind is Kind.CHOICE:
        return item.option_label(str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return one_line(str(value))


def _or(values: tuple[Any, ...]) -> str:
    return (" " + _("or") + " ").join(repr(v) for v in values)


def _shown(value: Any) -> str:
    return describe_value(value, 60)


# --------------------------------------------------------------------------------- writing


def dumps(run: Run, checklist: Checklist | None = None, *, note_hint: str = "") -> str:
    """The run as a TOML document, with each question as a comment above its answer.
    ``note_hint``: a comment beside a correction's empty ``correction_note`` (what a person
    filling in `kundencheck amend --template` writes there; the caller's words).

    The text is what tomlkit renders for :func:`document`, put together from parts, because a
    draft is saved after every key and rendering a whole long document with tomlkit is too slow
    for that (docs/performance.md). The top-level keys are rendered every time (a dozen keys);
    each ``[[answers]]`` and ``[[reviews]]`` table is rendered once per content and kept
    (:func:`_answer_text`), so a key re-renders the one table that changed.
    """
    answers = [_answer_text(*_answer_fields(answer, checklist)) for answer in run.answers if answer.is_answered]
    votes = [_rendered("votes", _votes_table(votes, checklist)) for votes in run.votes]
    reviews = [_review_text(*_review_fields(review, checklist)) for review in run.reviews]
    # tomlkit puts a blank line between two tables of a document and ends each table with a newline.
    return _head(run, answers_empty=not answers, note_hint=note_hint).as_string() + "\n".join(answers + votes + reviews)


def document(run: Run, checklist: Checklist | None = None) -> tomlkit.TOMLDocument:
    """The run as one tomlkit document; :func:`dumps` renders the same text faster."""
    import tomlkit

    tables = [_answer_table(*_answer_fields(answer, checklist)) for answer in run.answers if answer.is_answered]
    doc = _head(run, answers_empty=not tables)
    for key, key_tables in (
        ("answers", tables),
        ("votes", [_votes_table(votes, checklist) for votes in run.votes]),
        ("reviews", [_review_table(*_review_fields(review, checklist)) for review in run.reviews]),
    ):
        if key_tables:
            array = tomlkit.aot()
            for table in key_tables:
                array.append(table)
            doc.add(key, array)
    return doc


def _head(run: Run, *, answers_empty: bool, note_hint: str = "") -> tomlkit.TOMLDocument:
    """The top-level keys; with ``answers_empty`` also ``answers = []``; ``note_hint`` beside an
    empty ``correction_note``."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("kundencheck answers: one run of a checklist. Format: docs/answers-format.md"))
    doc.add("schema", schema_of(run))
    for key, value in (
        ("id", run.id),
        ("checklist", run.checklist),
        ("checklist_version", run.checklist_version),
        ("phase", run.phase),
        ("language", run.language),
        ("sprint", clean_text(run.sprint)),
        ("author", clean_text(run.author)),
    ):
        doc.add(key, _string(value))
    if run.participants:
        participants = tomlkit.array()
        participants.extend(_string(clean_text(p)) for p in run.participants)
        doc.add("participants", participants)
    if run.meeting:
        doc.add("meeting", True)
    if run.corrects:
        doc.add("corrects", _string(run.corrects))
        note = _multiline(clean_text(run.correction_note).strip())
        if note_hint and not note.value:
            note.comment(one_line(note_hint, 200))
            note.trivia.comment_ws = "  "
        doc.add("correction_note", note)
    doc.add("started", run.started)
    if run.finished is not None:
        doc.add("finished", run.finished)
    if answers_empty:
        # An inline empty array: tomlkit writes an empty array of tables at the top of the file.
        doc.add("answers", tomlkit.array())
    doc.add(tomlkit.nl())
    return doc


def _answer_fields(answer: Answer, checklist: Checklist | None) -> tuple[Any, ...]:
    """What an ``[[answers]]`` table is made of, as plain values: the key of its rendered text
    in the cache. Not the Answer itself: the session changes value, note and action in place."""
    item = checklist.item(answer.item) if checklist else None
    is_status = item.kind is Kind.TRAFFIC_LIGHT if item else answer.value in STATUSES
    action = answer.action
    return (
        answer.item,
        item.question if item is not None else None,
        is_status,
        answer.value,
        answer.note,
        action.what if action else "",
        action.owner if action else "",
        action.due if action else None,
        bool(action and action.separate),
    )


def _answer_table(
    item_id: str,
    question: str | None,
    is_status: bool,
    value: Any,
    note: str,
    what: str,
    owner: str,
    due: dt.date | None,
    separate: bool = False,
) -> Table:
    import tomlkit

    table = tomlkit.table()
    if question is not None:
        # A comment is one line; a newline in a question must not end it.
        table.add(tomlkit.comment(one_line(question, 200)))
    table.add("item", _string(item_id))
    table.add("status" if is_status else "value", _string(value) if isinstance(value, str) else value)
    if note.strip():
        table.add("note", _multiline(clean_text(note).strip()))
    what = clean_text(what).strip()
    if what:
        action = tomlkit.table()
        action.add("what", _string(what))
        action.add("owner", _string(clean_text(owner).strip()))
        if due is not None:
            action.add("due", due)
        if separate:
            action.add("separate", True)
        table.add("action", action)
    return table


def _votes_table(votes: ItemVotes, checklist: Checklist | None) -> Table:
    """One ``[[votes]]`` table: the item, and its named votes or its anonymous counts, one inline
    table each on a line of its own."""
    import tomlkit

    item = checklist.item(votes.item) if checklist else None
    table = tomlkit.table()
    if item is not None:
        table.add(tomlkit.comment(one_line(item.question, 200)))
    table.add("item", _string(votes.item))

    def key_of(value: Any) -> str:
        is_status = item.kind is Kind.TRAFFIC_LIGHT if item is not None else value in STATUSES
        return "status" if is_status else "value"

    def cell(value: Any) -> Any:
        return _string(value) if isinstance(value, str) else value

    rows = tomlkit.array()
    rows.multiline(True)
    if votes.anonymous:
        for value, count in ordered_counts(item, dict(votes.anonymous)):
            row = tomlkit.inline_table()
            row.append(key_of(value), cell(value))
            row.append("count", count)
            rows.append(row)
        table.add("anonymous", rows)
    else:
        for vote in votes.named:
            row = tomlkit.inline_table()
            row.append("person", _string(one_line(vote.person)))
            row.append(key_of(vote.value), cell(vote.value))
            rows.append(row)
        table.add("named", rows)
    return table


def ordered_counts(item: Item | None, counts: dict[Any, int]) -> list[tuple[Any, int]]:
    """``counts`` (value -> how many) in the item's order of answers (yes, partly, no, n/a; 1 to
    5; the options), values it does not know last: the same order whatever order the votes came in."""
    order = {value: n for n, value in enumerate(item.allowed_values() or ())} if item is not None else {}
    return sorted(counts.items(), key=lambda pair: (order.get(pair[0], len(order)), type(pair[0]).__name__, str(pair[0])))


def _review_fields(review: ActionReview, checklist: Checklist | None) -> tuple[Any, ...]:
    """What a ``[[reviews]]`` table is made of (see :func:`_answer_fields`)."""
    item = checklist.item(review.item) if checklist else None
    return (review.run, review.item, review.decision, review.note, item.question if item is not None else None)


def _review_table(run_id: str, item_id: str, decision: str, note: str, question: str | None) -> Table:
    import tomlkit

    table = tomlkit.table()
    if question is not None:
        table.add(tomlkit.comment("Action from an earlier run: " + one_line(question, 170)))
    table.add("run", _string(run_id))
    table.add("item", _string(item_id))
    table.add("decision", _string(decision))
    if note.strip():
        table.add("note", _multiline(clean_text(note).strip()))
    return table


def _rendered(key: str, table: Table) -> str:
    """``table`` as tomlkit renders it as one ``[[key]]`` table of a document."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(key, tomlkit.aot())
    doc[key].append(table)
    return doc.as_string()


#: Tables kept rendered: two 500-item runs and their reviews. Tables with more text than
#: _CACHED_CHARS are rendered every time (their cleaning and escaping cost more than tomlkit's
#: part), so the cache holds at most a few megabytes.
_CACHED_TABLES = 2048
_CACHED_CHARS = 2000


@functools.lru_cache(maxsize=_CACHED_TABLES, typed=True)
def _cached_answer_text(*fields: Any) -> str:
    return _rendered("answers", _answer_table(*fields))


@functools.lru_cache(maxsize=_CACHED_TABLES, typed=True)
def _cached_review_text(*fields: Any) -> str:
    return _rendered("reviews", _review_table(*fields))


def _answer_text(*fields: Any) -> str:
    """One ``[[answers]]`` table's text, from the cache when it is small and kept there.

    ``typed`` keeps 1, True and "1" or a date and a date-time apart; a value of a type no
    answer has (not hashable, say) is rendered without the cache."""
    value = fields[3]
    if isinstance(value, (str, int, dt.date)) and _small(fields):
        return _cached_answer_text(*fields)
    return _rendered("answers", _answer_table(*fields))


def _review_text(*fields: Any) -> str:
    if _small(fields):
        return _cached_review_text(*fields)
    return _rendered("reviews", _review_table(*fields))


def _small(fields: tuple[Any, ...]) -> bool:
    return sum(len(f) for f in fields if isinstance(f, str)) <= _CACHED_CHARS


def _multiline(text: str) -> String:
    """``text``, stripped by every caller, as a multi-line string if it has more than one line
    (stripped, it never starts with the newline that TOML drops right after the opening quotes)."""
    return _string(text, multiline="\n" in text)


#: What a TOML basic string must escape: quote, backslash, control characters but tab; and what
#: is escaped so the file is safe to show in a terminal (`git show`): C1 controls (U+009B starts
#: an escape sequence in some terminals) and bidi overrides. A text answer keeps them, escaped.
#: A lone surrogate cannot be written as UTF-8 nor escaped in TOML: it becomes U+FFFD.
@functools.cache
def _toml_escape() -> re.Pattern[str]:
    """Compiled when the first answers file is written, not at every start."""
    return re.compile(r'["\\\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]')


_TOML_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text: str, multiline: bool = False) -> String:
    """``text`` as a tomlkit basic string, escaped here in one pass.

    tomlkit's own escaping copies the rest of the string at every character it looks at
    (quadratic, docs/performance.md), and a draft is saved after every key. In a multi-line
    string only newlines stay unescaped.
    """
    from tomlkit.items import String, StringType, Trivia

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if multiline and char == "\n":
            return char
        if "\ud800" <= char <= "\udfff":
            return "\ufffd"
        return _TOML_SHORT.get(char) or f"\\u{ord(char):04x}"

    escaped = _toml_escape().sub(escape, text)
    return String(StringType.MLB if multiline else StringType.SLB, text, escaped, Trivia())


# --------------------------------------------------------------------------------- what a run holds
# The rules of the values a run can hold, which the answers file's reader
# (core/answers_file.py) and the history cache's decoder (store/history_cache.py) both apply.


_RUN_ID = re.compile(r"[A-Za-z0-9-]{1,80}")


def is_run_id(value: str) -> bool:
    """Whether a text is a run id: letters, digits and dashes, at most 80 (what new_run_id makes)."""
    return _RUN_ID.fullmatch(value) is not None


def is_answer_value(value: Any) -> bool:
    """Whether ``value`` is of a kind an answer can have: text, a whole number (within the 64 bits
    TOML reads), a date (not a date-time). Which of them fits which item is the checklist's say
    (:func:`value_problem`); None, no answer, is not a value."""
    kind = type(value)
    if kind is str:
        return True
    if kind is int:
        return bool(-(2**63) <= value < 2**63)
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def is_correction(corrects: Any, note: Any) -> bool:
    """Whether ``corrects`` and ``correction_note`` are what an answers file may hold: "" and ""
    (an ordinary run), or a run id and a note (a note without ``corrects`` is not)."""
    return type(corrects) is str and type(note) is str and (is_run_id(corrects) if corrects else not note.strip())


def is_moment(value: Any) -> bool:
    """Whether ``value`` is what a run's ``started`` and ``finished`` must be: a date-time with
    an offset that has a time in UTC (TOML allows 0001-01-01T00:00:00+01:00, which has none)."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        return False
    if 1 < value.year < 9999:
        return True  # an offset moves a moment by less than a day
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        return False
    return True
