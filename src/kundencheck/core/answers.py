"""One run of a checklist: its answers, how they are written to TOML and read back.

The answers file format is documented in docs/answers-format.md. Files are written with tomlkit
(each answer carries its question as a comment for a human reader; a draft is saved after every
key, so each answer's table is rendered once and kept) and read with tomllib (several times
faster than tomlkit, which matters when reading years of history).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # imported where files are written: starting a run reads and shows only
    import tomlkit
    from tomlkit.items import String, Table

from kundencheck.core.checklist import (
    STATUSES,
    AnswerValue,
    Checklist,
    Item,
    Kind,
    all_safe_ids,
    describe_value,
    is_safe_id,
    parse_toml_bytes,
)
from kundencheck.core.errors import AnswersError
from kundencheck.core.i18n import _, translate
from kundencheck.core.people import Person
from kundencheck.core.text import clean_text, one_line, slug

SCHEMA_VERSION = 1
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

    def is_complete(self) -> bool:
        return bool(self.what.strip() and self.owner.strip() and self.due)


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

    def answer(self, item_id: str) -> Answer | None:
        for answer in self.answers:
            if answer.item == item_id:
                return answer
        return None

    def values(self) -> dict[str, AnswerValue | None]:
        return {a.item: a.value for a in self.answers}

    @property
    def path(self) -> str:
        """Where the run is stored, relative to the repository top."""
        return f"{ANSWERS_DIR}/{self.started.astimezone(dt.timezone.utc):%Y}/{self.id}.toml"


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
    stamp = started.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    who = slug(author_email.split("@")[0], 16)
    # A phase id may have 64 characters; cut it so the run id stays within the 80 that
    # loads() accepts (16 + 1 + 32 + 1 + 16 + 1 + 6 = 73).
    where = phase[:32].rstrip("-") if is_safe_id(phase) else slug(phase, 32)
    return f"{stamp}-{where}-{who}-{random_hex(3)}"


def random_hex(nbytes: int) -> str:
    """``nbytes`` random bytes as hex; tests replace it for run ids that stay the same."""
    # os.urandom is what secrets.token_hex uses, without importing hmac and OpenSSL for it.
    return os.urandom(nbytes).hex()


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
            problems.append(_("item {item}: not in checklist {checklist} (version {version}).").format(
                item=repr(answer.item), checklist=repr(checklist.id), version=checklist.version))
            continue
        if not checklist.is_visible(item, values):
            if answer.value is not None:
                problems.append(_("item {item}: answered, but it is only asked when {other} is {values}.").format(
                    item=repr(item.id), other=repr(item.when.item), values=_or(item.when.equals)))
            continue
        problem = value_problem(item, answer.value)
        if problem:
            problems.append(_("item {item}: {problem}").format(item=repr(item.id), problem=problem))
            continue
        if item.needs_note(answer.value) and not answer.note.strip():
            problems.append(_("item {item}: the answer {answer} needs a note saying why.").format(
                item=repr(item.id), answer=repr(display_value(item, answer.value))))
        if item.needs_action(answer.value):
            action = answer.action
            if action is None or not action.is_complete():
                problems.append(_("item {item}: the answer {answer} needs an action with what, owner and due date.").format(
                    item=repr(item.id), answer=repr(display_value(item, answer.value))))
    problems += review_problems(run)
    problems += correction_problems(run)
    if final:
        answered = {a.item for a in run.answers if a.value not in (None, "")}
        for item in checklist.visible_items(values):
            if item.required and item.id not in answered:
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
            problems.append(_("{label}: decision {decision} is not one of {allowed}.").format(
                label=label, decision=_shown(review.decision), allowed=", ".join(REVIEW_DECISIONS)))
        elif review.decision == "dropped" and not review.note.strip():
            problems.append(_("{label}: a dropped action needs a note saying why it is dropped.").format(label=label))
        if review.action_key in seen:
            problems.append(_("{label}: reviewed twice; keep one decision.").format(label=label))
        seen.add(review.action_key)
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
            return _("value {value} is not one of the options {allowed}.").format(value=_shown(value), allowed=", ".join(map(str, allowed)))
    elif item.kind is Kind.DATE:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return _("value {value} is not a date (write it as 2026-12-31, without quotes).").format(value=_shown(value))
    elif item.kind is Kind.TEXT:
        if not isinstance(value, str):
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


def _or(values: tuple) -> str:
    return (" " + _("or") + " ").join(repr(v) for v in values)


def _shown(value: Any) -> str:
    return describe_value(value, 60)


# --------------------------------------------------------------------------------- writing


def dumps(run: Run, checklist: Checklist | None = None) -> str:
    """The run as a TOML document, with each question as a comment above its answer.

    The text is what tomlkit renders for :func:`document`, put together from parts, because a
    draft is saved after every key and rendering a whole long document with tomlkit is too slow
    for that (docs/performance.md). The top-level keys are rendered every time (a dozen keys);
    each ``[[answers]]`` and ``[[reviews]]`` table is rendered once per content and kept
    (:func:`_answer_text`), so a key re-renders the one table that changed.
    """
    answers = [_answer_text(*_answer_fields(answer, checklist)) for answer in run.answers if _is_answered(answer)]
    reviews = [_review_text(*_review_fields(review, checklist)) for review in run.reviews]
    # tomlkit puts a blank line between two tables of a document and ends each table with a newline.
    return _head(run, answers_empty=not answers).as_string() + "\n".join(answers + reviews)


def document(run: Run, checklist: Checklist | None = None) -> tomlkit.TOMLDocument:
    """The run as one tomlkit document; :func:`dumps` renders the same text faster."""
    import tomlkit

    tables = [_answer_table(*_answer_fields(answer, checklist)) for answer in run.answers if _is_answered(answer)]
    doc = _head(run, answers_empty=not tables)
    for key, key_tables in (("answers", tables),
                            ("reviews", [_review_table(*_review_fields(review, checklist)) for review in run.reviews])):
        if key_tables:
            array = tomlkit.aot()
            for table in key_tables:
                array.append(table)
            doc.add(key, array)
    return doc


def _head(run: Run, *, answers_empty: bool) -> tomlkit.TOMLDocument:
    """The top-level keys; with ``answers_empty`` also ``answers = []``."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("kundencheck answers: one run of a checklist. Format: docs/answers-format.md"))
    doc.add("schema", SCHEMA_VERSION)
    for key, value in (("id", run.id), ("checklist", run.checklist), ("checklist_version", run.checklist_version),
                       ("phase", run.phase), ("language", run.language), ("sprint", clean_text(run.sprint)),
                       ("author", clean_text(run.author))):
        doc.add(key, _string(value))
    if run.participants:
        participants = tomlkit.array()
        participants.extend(_string(clean_text(p)) for p in run.participants)
        doc.add("participants", participants)
    if run.corrects:
        doc.add("corrects", _string(run.corrects))
        doc.add("correction_note", _multiline(clean_text(run.correction_note).strip()))
    doc.add("started", run.started)
    if run.finished is not None:
        doc.add("finished", run.finished)
    if answers_empty:
        # An inline empty array: tomlkit writes an empty array of tables at the top of the file.
        doc.add("answers", tomlkit.array())
    doc.add(tomlkit.nl())
    return doc


def _is_answered(answer: Answer) -> bool:
    return answer.value is not None and answer.value != ""


def _answer_fields(answer: Answer, checklist: Checklist | None) -> tuple:
    """What an ``[[answers]]`` table is made of, as plain values: the key of its rendered text
    in the cache. Not the Answer itself: the session changes value, note and action in place."""
    item = checklist.item(answer.item) if checklist else None
    is_status = item.kind is Kind.TRAFFIC_LIGHT if item else answer.value in STATUSES
    action = answer.action
    return (answer.item, item.question if item is not None else None, is_status, answer.value, answer.note,
            action.what if action else "", action.owner if action else "", action.due if action else None,
            bool(action and action.separate))


def _answer_table(item_id: str, question: str | None, is_status: bool, value: Any, note: str,
                  what: str, owner: str, due: dt.date | None, separate: bool = False) -> Table:
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


def _review_fields(review: ActionReview, checklist: Checklist | None) -> tuple:
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


def _small(fields: tuple) -> bool:
    return sum(len(f) for f in fields if isinstance(f, str)) <= _CACHED_CHARS


def _multiline(text: str) -> String:
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

    def escape(match: re.Match) -> str:
        char = match.group()
        if multiline and char == "\n":
            return char
        if "\ud800" <= char <= "\udfff":
            return "\ufffd"
        return _TOML_SHORT.get(char) or f"\\u{ord(char):04x}"

    escaped = _toml_escape().sub(escape, text)
    if multiline and escaped.startswith("\n"):
        escaped = "\n" + escaped  # the parser drops a newline right after the opening quotes
    return String(StringType.MLB if multiline else StringType.SLB, text, escaped, Trivia())


# --------------------------------------------------------------------------------- reading


def loads(raw: bytes | str, source: str = "<answers>") -> Run:
    """Parse an answers file. Raises :class:`AnswersError` naming the file, key and fix."""
    if isinstance(raw, str):
        # A lone surrogate cannot be UTF-8; let it through so the decoder reports it.
        raw = raw.encode("utf-8", "surrogatepass")
    # Every value run_from_dict keeps is checked for its kind there (a whole number within 64
    # bits included), so the parser need not look at every value once more.
    data = parse_toml_bytes(raw, source, AnswersError, check_integers=False)
    return run_from_dict(data, source)


def run_from_dict(data: Mapping[str, Any], source: str = "<answers>") -> Run:
    def fail(problem: str) -> AnswersError:
        return AnswersError(_("{file}: {problem}").format(file=source, problem=problem))

    schema = data.get("schema")
    if schema != SCHEMA_VERSION or isinstance(schema, bool):
        raise fail(_("key 'schema' must be {version} (found {found}). Is this a kundencheck answers file?").format(
            version=SCHEMA_VERSION, found=_shown(schema)))
    fields: dict[str, Any] = {}
    for key in ("id", "checklist", "phase", "language", "sprint", "author"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(_("key {key} is required and must be a non-empty string.").format(key=repr(key)))
        fields[key] = value
    for key in ("checklist", "phase"):
        if not is_safe_id(fields[key]):
            raise fail(_("key {key}: {value} is not a safe id (lowercase letters, digits and dashes).").format(
                key=repr(key), value=_shown(fields[key])))
    if not _is_safe_run_id(fields["id"]):
        raise fail(_("key 'id': {value} is not a run id (letters, digits, dashes, at most 80).").format(value=_shown(fields["id"])))
    for key in ("checklist", "phase", "language", "sprint", "author"):
        fields[key] = sys.intern(fields[key])  # the same few values in every run
    version = data.get("checklist_version", "")
    if (type(version) is int and is_answer_value(version)) or type(version) is float:
        version = str(version)  # checklist_version = 1.0, as a checklist's own version may be written
    if not isinstance(version, str):
        raise fail(_("key 'checklist_version' must be a string such as \"1.0\" (found {found}).").format(found=_shown(version)))
    started = data.get("started")
    finished = data.get("finished")
    if not isinstance(started, dt.datetime) or started.utcoffset() is None:
        raise fail(_("key 'started' must be a date-time with offset, e.g. 2026-11-27T09:30:00+01:00."))
    if finished is not None and (not isinstance(finished, dt.datetime) or finished.utcoffset() is None):
        raise fail(_("key 'finished' must be a date-time with offset, e.g. 2026-11-27T09:45:00+01:00."))
    for key, moment in (("started", started), ("finished", finished)):
        if moment is not None and not is_moment(moment):
            raise fail(_("key {key}: {value} lies outside the calendar in UTC (before the year 1 or after 9999). "
                         "Write the real date-time, e.g. 2026-11-27T09:30:00+01:00.").format(
                key=repr(key), value=moment.isoformat()))
    participants = data.get("participants", [])
    if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
        raise fail(_("key 'participants' must be a list of strings like \"Name <email>\"."))
    corrects, correction_note = correction_from_dict(data, fail)
    raw_answers = data.get("answers", [])
    if not isinstance(raw_answers, list):
        raise fail(_("key 'answers' must be an array of [[answers]] tables."))
    answers: list[Answer] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_answers, start=1):
        answers.append(_answer_from_dict(raw, n, seen, fail))
    raw_reviews = data.get("reviews", [])
    if not isinstance(raw_reviews, list):
        raise fail(_("key 'reviews' must be an array of [[reviews]] tables."))
    reviews: list[ActionReview] = []
    reviewed: set[tuple[str, str]] = set()
    for n, raw in enumerate(raw_reviews, start=1):
        reviews.append(review_from_dict(raw, n, reviewed, fail))
    return Run(
        id=fields["id"],
        checklist=fields["checklist"],
        checklist_version=version,
        phase=fields["phase"],
        language=fields["language"],
        sprint=fields["sprint"],
        author=fields["author"],
        started=started,
        finished=finished,
        answers=answers,
        participants=list(participants),
        reviews=reviews,
        corrects=corrects,
        correction_note=correction_note,
    )


def is_correction(corrects: Any, note: Any) -> bool:
    """Whether ``corrects`` and ``correction_note`` are what an answers file may hold: "" and ""
    (an ordinary run), or a run id and a note (a note without ``corrects`` is not)."""
    return (type(corrects) is str and type(note) is str and (is_run_id(corrects) if corrects else not note.strip()))


def correction_from_dict(data: Mapping[str, Any], fail=AnswersError) -> tuple[str, str]:
    """The ``corrects`` and ``correction_note`` keys of an answers file: the id of the run it
    corrects and why ("" and "" for an ordinary run); ``fail`` makes the error to raise."""
    corrects = data.get("corrects", "")
    note = data.get("correction_note", "")
    if not isinstance(corrects, str) or (corrects and not _is_safe_run_id(corrects)):
        raise fail(_("key 'corrects' must be the id of the run this one corrects (letters, digits, dashes), "
                     "found {found}.").format(found=_shown(corrects)))
    if not isinstance(note, str):
        raise fail(_("key 'correction_note' must be a string: why the run is corrected."))
    if note.strip() and not corrects:
        raise fail(_("key 'correction_note' is set but 'corrects' is not: name the run this one corrects, or "
                     "remove the note."))
    return (sys.intern(corrects) if corrects else ""), note


def review_from_dict(raw: Any, n: int, seen: set[tuple[str, str]], fail=AnswersError) -> ActionReview:
    """The ``n``-th ``[[reviews]]`` table as an ActionReview; ``seen`` holds the actions
    reviewed so far (a second review of one is an error); ``fail`` makes the error to raise."""
    if not isinstance(raw, dict):
        raise fail(_("review {n} must be a table ([[reviews]]).").format(n=n))
    run_id, item = raw.get("run"), raw.get("item")
    if not isinstance(run_id, str) or not _is_safe_run_id(run_id):
        raise fail(_("review {n}: key 'run' must be the id of the run that recorded the action, found {found}.").format(
            n=n, found=_shown(run_id)))
    if not is_safe_id(item):
        raise fail(_("review {n}: key 'item' must be an item id (lowercase letters, digits and dashes), found {found}.").format(
            n=n, found=_shown(item)))
    decision = raw.get("decision")
    if decision not in REVIEW_DECISIONS:
        raise fail(_("review {n} (item {item}): key 'decision' must be one of {allowed} (found {found}).").format(
            n=n, item=repr(item), allowed=", ".join(REVIEW_DECISIONS), found=_shown(decision)))
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise fail(_("review {n} (item {item}): key 'note' must be a string.").format(n=n, item=repr(item)))
    if (run_id, item) in seen:
        raise fail(_("review {n}: the action on {item} from run {run} is reviewed twice; keep one decision.").format(
            n=n, item=repr(item), run=run_id))
    seen.add((run_id, item))
    return ActionReview(run=run_id, item=item, decision=decision, note=note)


def shared_value(value: Any) -> Any:
    """Short texts (statuses, option ids) shared between runs: years of history repeat the
    same few words hundreds of thousands of times, and one copy of each keeps memory flat."""
    if isinstance(value, str) and len(value) <= 64:
        return sys.intern(value)
    return value


_RUN_ID = re.compile(r"[A-Za-z0-9-]{1,80}")


def is_answer_value(value: Any) -> bool:
    """Whether ``value`` is of a kind an answer can have: text, a whole number (within the 64 bits
    TOML reads), a date (not a date-time). Which of them fits which item is the checklist's say
    (:func:`value_problem`); None, no answer, is not a value."""
    kind = type(value)
    if kind is str:
        return True
    if kind is int:
        return -(2**63) <= value < 2**63
    return _is_day(value)


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_text(value: Any) -> bool:
    return type(value) is str and bool(value.strip())


def run_is_sound(run: Run) -> bool:
    """Whether ``run`` holds only what a run read from an answers file can hold: the checks of
    :func:`run_from_dict` (safe ids, the run id's shape, the types of every field, date-times
    with a time in UTC, the kinds of answer values, no item answered twice, no action reviewed
    twice), for runs that come from elsewhere: the history cache (store/history_cache.py) keeps
    none that fails them.

    Written for years of history (a warm start checks every cached run): the per-answer checks
    are set operations and comprehensions, and :func:`is_safe_id` is asked only about ids not
    seen before."""
    if not (type(run.id) is str and _is_safe_run_id(run.id) and is_safe_id(run.checklist) and is_safe_id(run.phase)
            and _is_text(run.language) and _is_text(run.sprint) and _is_text(run.author)
            and type(run.checklist_version) is str and is_moment(run.started)
            and (run.finished is None or is_moment(run.finished))
            and type(run.participants) is list and all(type(p) is str for p in run.participants)
            and type(run.answers) is list and type(run.reviews) is list
            and is_correction(run.corrects, run.correction_note)):
        return False
    answers = run.answers
    if answers:
        if {type(a) for a in answers} != {Answer}:
            return False
        items = [a.item for a in answers]
        distinct = set(items)
        if len(distinct) != len(items) or not all(type(i) is str for i in distinct) or not all_safe_ids(distinct):
            return False
        if not {type(a.value) for a in answers} <= _VALUE_TYPES or {type(a.note) for a in answers} != {str}:
            return False
        if not all(is_answer_value(a.value) for a in answers if type(a.value) is int):
            return False
        for action in [a.action for a in answers if a.action is not None]:
            if (type(action) is not Action or type(action.what) is not str or type(action.owner) is not str
                    or (action.due is not None and type(action.due) is not dt.date) or type(action.separate) is not bool):
                return False
    reviewed: set[tuple[str, str]] = set()
    for review in run.reviews:
        if (type(review) is not ActionReview or type(review.run) is not str or not _is_safe_run_id(review.run)
                or not is_safe_id(review.item) or review.decision not in REVIEW_DECISIONS or type(review.note) is not str
                or review.action_key in reviewed):
            return False
        reviewed.add(review.action_key)
    return True


#: The types a stored answer's value can have (see :func:`is_answer_value`), and None: no answer.
_VALUE_TYPES = frozenset({str, int, dt.date, type(None)})


def is_moment(value: Any) -> bool:
    """Whether ``value`` is what a run's ``started`` and ``finished`` must be: a date-time with
    an offset that has a time in UTC (TOML allows 0001-01-01T00:00:00+01:00, which has none)."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        return False
    if 1 < value.year < 9999:
        return True  # an offset moves a moment by less than a day
    try:
        value.astimezone(dt.timezone.utc)
    except OverflowError:
        return False
    return True


def _is_safe_run_id(value: str) -> bool:
    return _RUN_ID.fullmatch(value) is not None


#: Whether a text is a run id: letters, digits and dashes, at most 80 (what new_run_id makes).
is_run_id = _is_safe_run_id


def _answer_from_dict(raw: Any, n: int, seen: set[str], fail) -> Answer:
    if not isinstance(raw, dict):
        raise fail(_("answer {n} must be a table ([[answers]]).").format(n=n))
    item = raw.get("item")
    if not is_safe_id(item):
        raise fail(_("answer {n}: key 'item' must be an item id (lowercase letters, digits and dashes), found {found}.").format(
            n=n, found=_shown(item)))
    if item in seen:
        raise fail(_("answer {n}: item {item} is answered twice; keep one of the two answers.").format(n=n, item=repr(item)))
    seen.add(item)
    if "status" in raw and "value" in raw:
        raise fail(_("item {item}: has both 'status' and 'value'; a traffic-light item takes 'status', every other kind 'value'.").format(
            item=repr(item)))
    value = raw.get("status", raw.get("value"))
    if value == "":
        value = None
    # Which value fits which item is checked against the checklist (problems_with); here only
    # the types an answer can have at all, so nothing downstream meets a list or a float.
    if "status" in raw and value is not None and not isinstance(value, str):
        raise fail(_("item {item}: key 'status' must be a string: green, amber, red or na (found {found}).").format(
            item=repr(item), found=_shown(value)))
    if value is not None and not is_answer_value(value):
        raise fail(_("item {item}: key 'value' must be a whole number, a string or a date like 2026-12-31 (found {found}).").format(
            item=repr(item), found=_shown(value)))
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise fail(_("item {item}: key 'note' must be a string.").format(item=repr(item)))
    action = None
    raw_action = raw.get("action")
    if raw_action is not None:
        if not isinstance(raw_action, dict):
            raise fail(_("item {item}: key 'action' must be a table with what, owner and due.").format(item=repr(item)))
        what, owner, due = raw_action.get("what", ""), raw_action.get("owner", ""), raw_action.get("due")
        if not isinstance(what, str) or not isinstance(owner, str):
            raise fail(_("item {item}: action 'what' and 'owner' must be strings.").format(item=repr(item)))
        if due == "":
            due = None
        if due is not None and not _is_day(due):
            raise fail(_("item {item}: action 'due' must be a date like 2026-12-31 (without quotes).").format(item=repr(item)))
        separate = raw_action.get("separate", False)
        if not isinstance(separate, bool):
            raise fail(_("item {item}: action 'separate' must be true or false (without quotes).").format(item=repr(item)))
        action = Action(what=what, owner=owner, due=due, separate=separate)
    return Answer(item=sys.intern(item), value=shared_value(value), note=note, action=action)
