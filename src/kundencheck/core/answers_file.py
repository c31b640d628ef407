"""Reading an answers file: the one reader, for every place a run comes from a file.

The history, the history cache's check of what it holds, the drafts, the read-back of a commit,
and the filled-in files of `kundencheck answer --from` and `amend --from` are all read here, by
the same rule for every key (docs/answers-format.md), so the same file gets the same verdict
everywhere. A reading raises :class:`AnswersError` on the first problem (``collect=False``: the
history reads years of files and needs only whether each one can be read) or collects them all
and then raises one error listing them (``collect=True``: a person fixing a file wants the whole
list at once). A problem names the key, the answer or the review, and its error the file.

A **committed run** (:func:`read_run`, :func:`loads`) holds every key kundencheck writes.

A **filled-in file** (:func:`read_filled`) is the same format as a person fills it in: what
kundencheck fills in itself may be missing (the run's ``id``, ``author``, ``started`` and
``finished`` are made anew; ``schema`` and ``sprint`` have defaults; a correction's ``corrects``
may come from the command line), and where such a key is there, it is read by the same rule as
in a committed run. It is read against the checklist it is answered for, so on top it:

- takes the notations the template invites: ``""`` for an answer, action field or review
  decision not filled in, a date in quotes as people type it (``"31.12."``, ``"+7"``, ``"fr"``,
  as of the run's day), a scale value in quotes (``"4"``);
- refuses keys it does not know (a typo would lose an answer; a committed run ignores them, as
  a newer kundencheck may write keys an older one does not know), and participants that are
  not ``Name <email>`` (:func:`~kundencheck.core.people.checked_person`, as where they are typed);
- checks each answer against its item, and at the end everything that keeps the run from being
  committed (:func:`~kundencheck.core.answers.problems_with`, as the TUI's review does).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import Any, NamedTuple

from kundencheck.core.answers import (
    MIN_ANONYMOUS_VOTES,
    REVIEW_DECISIONS,
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    Action,
    ActionReview,
    Answer,
    ItemVotes,
    Run,
    Vote,
    is_answer_value,
    is_moment,
    is_run_id,
    new_run,
    problems_with,
    value_problem,
)
from kundencheck.core.checklist import (
    Checklist,
    Item,
    Kind,
    describe_value,
    is_safe_id,
    parse_toml_bytes,
)
from kundencheck.core.errors import AnswersError, UsageError
from kundencheck.core.i18n import _, ngettext
from kundencheck.core.people import Person, checked_person, person_key, with_participants
from kundencheck.core.text import one_line

#: The top-level keys of a filled-in file. ``id``, ``author``, ``started`` and ``finished`` (from
#: an answers file used as the starting point) are read and replaced.
FILLED_KEYS = frozenset(
    {
        "schema",
        "checklist",
        "checklist_version",
        "phase",
        "language",
        "sprint",
        "participants",
        "answers",
        "reviews",
        "id",
        "author",
        "started",
        "finished",
    }
)
#: What kundencheck fills in itself: left out of the keys a filled-in file is told it may have.
MADE_ANEW = frozenset({"id", "author", "started", "finished"})
#: The keys that make a run a correction of another.
CORRECTION_KEYS = frozenset({"corrects", "correction_note"})
#: A sprint meeting's keys: in a filled-in file only in the correction of a meeting's run, whose
#: meeting and votes it keeps as they were (the file's are not read).
MEETING_KEYS = frozenset({"meeting", "votes"})
#: Keys of one ``[[answers]]`` table of a filled-in file; ``kind`` and ``options`` are only there
#: to help the person filling it in.
ANSWER_KEYS = frozenset({"item", "kind", "options", "status", "value", "note", "action"})
ACTION_KEYS = frozenset({"what", "owner", "due", "separate"})
#: Keys of one ``[[reviews]]`` table: a decision about an earlier run's open action.
REVIEW_KEYS = frozenset({"run", "item", "decision", "note"})


class Form(NamedTuple):
    """What a filled-in file is read against, and what the command line adds to it."""

    #: The checklist it answers.
    checklist: Checklist
    #: Who commits it: the run's author.
    author: Person
    #: The phase it is committed for (a project may answer one checklist in several phases).
    phase: str
    #: ``--sprint``: the sprint to record whatever the file says.
    sprint: str | None = None
    #: ``--participant``: more people who answered, ``Name <email>`` each, checked already.
    participants: tuple[str, ...] = ()
    #: The run a correction corrects (`kundencheck amend --from`); None for a new run.
    corrects: Run | None = None
    #: ``--note``: why the run is corrected, in place of the file's ``correction_note``.
    correction_note: str | None = None
    #: When the run starts (default: now); dates typed as "+7" or "fr" count from its day.
    started: dt.datetime | None = None


class Filled(NamedTuple):
    """A filled-in file read: the run it describes, and what to tell the person about it."""

    run: Run
    #: Sentences for the person (the file was made for another version of the checklist, ...).
    notes: list[str]


class Hints(NamedTuple):
    """What a filled-in file says about where it goes, read before the file itself: each None
    when the file does not say it, or says it in a shape the reading will name as a problem."""

    phase: str | None
    corrects: str | None
    #: The sprint it names (stripped).
    sprint: str | None = None


def loads(raw: bytes | str, source: str = "<answers>", *, collect: bool = False) -> Run:
    """Read a committed answers file. Raises :class:`AnswersError` naming the file, key and fix."""
    if isinstance(raw, str):
        # A lone surrogate cannot be UTF-8; let it through so the decoder reports it.
        raw = raw.encode("utf-8", "surrogatepass")
    # Every value the reading keeps is checked for its kind there (a whole number within 64
    # bits included), so the parser need not look at every value once more.
    data = parse_toml_bytes(raw, source, AnswersError, check_integers=False)
    return read_run(data, source, collect=collect)


def read_run(data: Mapping[str, Any], source: str = "<answers>", *, collect: bool = False) -> Run:
    """The committed run ``data`` (a parsed answers file) holds; raises on the first problem, or
    with ``collect`` on all of them."""
    reading = _Reading(source, collect)
    run: Run = reading.run(data, None)
    reading.done()
    return run


def parse_filled(raw: bytes, source: str) -> dict[str, Any]:
    """A filled-in file's TOML; an :class:`AnswersError` names the line of a syntax error."""
    return parse_toml_bytes(raw, source, AnswersError)


def hints(data: Mapping[str, Any]) -> Hints:
    """The phase a filled-in file names, the run it says it corrects, and its sprint."""
    phase, corrects, sprint = data.get("phase"), data.get("corrects"), data.get("sprint")
    return Hints(
        phase if isinstance(phase, str) and phase else None,
        corrects if isinstance(corrects, str) and corrects and is_run_id(corrects) else None,
        sprint.strip() if isinstance(sprint, str) and sprint.strip() else None,
    )


def read_filled(data: Mapping[str, Any], source: str, form: Form, *, complete: bool = True) -> Filled:
    """The run a filled-in file describes, ready to commit. Every problem that keeps it from
    being committed is collected; :class:`AnswersError` lists them (:attr:`AnswersError.problems`).
    With ``complete`` False the answers need not be all a commit needs (one person's votes for a
    sprint meeting, core/meeting.py: the meeting's agreed answers are checked instead)."""
    reading = _Reading(source, collect=True)
    filled: Filled = reading.run(data, form)
    if not reading.problems and complete:
        reading.problems = problems_with(filled.run, form.checklist)
    reading.done()
    return filled


def run_is_sound(run: Run) -> bool:
    """Whether ``run`` holds only what a run read from an answers file can hold, for runs that
    come from elsewhere (the history cache, store/history_cache.py, keeps none that is not):
    the reading of its own keys finds no problem, and each of its parts is of the type the
    reading makes."""
    if type(run) is not Run or type(run.answers) is not list or type(run.reviews) is not list:
        return False
    if (
        type(run.checklist_version) is not str
        or not all(type(a) is Answer for a in run.answers)
        or not all(type(r) is ActionReview for r in run.reviews)
        or not all(type(a.action) is Action for a in run.answers if a.action is not None)
        or type(run.votes) is not list
        or not all(type(v) is ItemVotes for v in run.votes)
        or not all(type(vote) is Vote for v in run.votes for vote in v.named)
    ):
        return False
    try:
        read_run(_data_of(run))
    except AnswersError:
        return False
    return True


def _data_of(run: Run) -> dict[str, Any]:
    """The keys of ``run``'s answers file, each value as the run holds it; but checklist_version,
    whose whole rule for a run is the type check of :func:`run_is_sound` (the reading takes any
    text, and a number for its text)."""
    answers = []
    for answer in run.answers:
        table: dict[str, Any] = {"item": answer.item, "note": answer.note}
        if answer.value is not None:  # None is no answer: the key is left out, as in a file
            table["value"] = answer.value
        action = answer.action
        if action is not None:
            table["action"] = {"what": action.what, "owner": action.owner, "separate": action.separate}
            if action.due is not None:
                table["action"]["due"] = action.due
        answers.append(table)
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,  # (any run reads as schema 2, a meeting's or not)
        "id": run.id,
        "checklist": run.checklist,
        "phase": run.phase,
        "language": run.language,
        "sprint": run.sprint,
        "author": run.author,
        "started": run.started,
        "participants": run.participants,
        "answers": answers,
        "reviews": [{"run": r.run, "item": r.item, "decision": r.decision, "note": r.note} for r in run.reviews],
        "corrects": run.corrects,
        "correction_note": run.correction_note,
        "meeting": run.meeting,
        "votes": [
            {"item": v.item, "anonymous": [{"value": value, "count": count} for value, count in v.anonymous]}
            if v.anonymous
            else {"item": v.item, "named": [{"person": vote.person, "value": vote.value} for vote in v.named]}
            for v in run.votes
        ],
    }
    if run.finished is not None:
        data["finished"] = run.finished
    return data


def shared_value(value: Any) -> Any:
    """Short texts (statuses, option ids) shared between runs: years of history repeat the
    same few words hundreds of thousands of times, and one copy of each keeps memory flat."""
    if isinstance(value, str) and len(value) <= 64:
        return sys.intern(value)
    return value


class _Reading:
    """One reading of one file: its problems, raised at the first or collected."""

    __slots__ = ("collect", "problems", "source")

    def __init__(self, source: str, collect: bool) -> None:
        self.source = source
        self.collect = collect
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        if not self.collect:
            raise AnswersError(_("{file}: {problem}").format(file=self.source, problem=text), source=self.source, problems=[text])
        self.problems.append(text)

    def done(self) -> None:
        """Raise the problems collected, if any."""
        if self.problems:
            raise AnswersError.listing(self.source, self.problems)

    # ----------------------------------------------------------------------------- top level

    def run(self, data: Mapping[str, Any], form: Form | None) -> Any:
        """The run (``form`` None) or the :class:`Filled` run ``data`` holds; with problems
        collected, what could be read of it."""
        problem = self.problem
        notes: list[str] = []
        if form is not None:
            self._unknown_top_keys(data, form)
        schema = data.get("schema")
        if (form is None or "schema" in data) and (schema not in SCHEMA_VERSIONS or isinstance(schema, bool)):
            problem(
                _("key 'schema' must be {version} (found {found}). Is this a kundencheck answers file?").format(
                    version=_("1 or 2"), found=_shown(schema)
                )
            )
        # What kundencheck writes: required in a committed run, made anew for a filled-in file.
        fields: dict[str, str] = {}
        for key in ("id", "checklist", "phase", "language", "sprint", "author"):
            value = data.get(key)
            if form is not None and (key in ("checklist", "phase", "language", "sprint") or key not in data):
                continue  # compared with the checklist (below), or made anew
            if not isinstance(value, str) or not value.strip():
                problem(_("key {key} is required and must be a non-empty string.").format(key=repr(key)))
                continue
            fields[key] = value
        for key in ("checklist", "phase"):
            if key in fields and not is_safe_id(fields[key]):
                problem(
                    _("key {key}: {value} is not a safe id (lowercase letters, digits and dashes).").format(
                        key=repr(key), value=_shown(fields[key])
                    )
                )
        if "id" in fields and not is_run_id(fields["id"]):
            problem(
                _("key 'id': {value} is not a run id (letters, digits, dashes, at most 80).").format(value=_shown(fields["id"]))
            )
        version = data.get("checklist_version", "")
        if (type(version) is int and is_answer_value(version)) or type(version) is float:
            version = str(version)  # checklist_version = 1.0, as a checklist's own version may be written
        if not isinstance(version, str):
            problem(_("key 'checklist_version' must be a string such as \"1.0\" (found {found}).").format(found=_shown(version)))
        started = data.get("started")
        if (form is None or started is not None) and (not isinstance(started, dt.datetime) or started.utcoffset() is None):
            problem(_("key 'started' must be a date-time with offset, e.g. 2026-11-27T09:30:00+01:00."))
            started = None
        finished = data.get("finished")
        if finished is not None and (not isinstance(finished, dt.datetime) or finished.utcoffset() is None):
            problem(_("key 'finished' must be a date-time with offset, e.g. 2026-11-27T09:45:00+01:00."))
            finished = None
        for key, moment in (("started", started), ("finished", finished)):
            if moment is not None and not is_moment(moment):
                problem(
                    _(
                        "key {key}: {value} lies outside the calendar in UTC (before the year 1 or after 9999). "
                        "Write the real date-time, e.g. 2026-11-27T09:30:00+01:00."
                    ).format(key=repr(key), value=moment.isoformat())
                )
        participants = data.get("participants", [])
        if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
            problem(_("key 'participants' must be a list of strings like \"Name <email>\"."))
            participants = []
        corrects, correction_note = self._correction(data, form)
        if form is not None:
            run = self._new_run(data, form, version, notes)
            today = run.started.date()
        else:
            today = dt.date.min  # pragma: no mutate (unused: dates are typed only in a filled-in file)
        raw_answers = data.get("answers", [])
        if not isinstance(raw_answers, list):
            problem(_("key 'answers' must be an array of [[answers]] tables."))
            raw_answers = []
        answers: list[Answer] = []
        seen: set[str] = set()
        for n, raw in enumerate(raw_answers, start=1):
            answer = self.answer(raw, n, seen, form, today)
            if answer is not None:
                answers.append(answer)
        raw_reviews = data.get("reviews", [])
        if not isinstance(raw_reviews, list):
            problem(_("key 'reviews' must be an array of [[reviews]] tables."))
            raw_reviews = []
        reviews: list[ActionReview] = []
        reviewed: set[tuple[str, str]] = set()
        for n, raw in enumerate(raw_reviews, start=1):
            review = self.review(raw, n, reviewed, form)
            if review is not None:
                reviews.append(review)
        if form is not None:
            for person in participants:
                try:
                    checked_person(person)
                except UsageError as exc:  # its sentence says what a person looks like
                    problem(_("top level: 'participants': {problem}").format(problem=exc))
            self._fill_in(run, form, answers, reviews, participants, correction_note, data, notes)
            return Filled(run, notes)
        meeting, votes = self._meeting(data, schema, participants)
        if self.problems or started is None:  # (started is None only with a problem said)
            return None
        return Run(
            id=fields["id"],
            checklist=sys.intern(fields["checklist"]),  # the same few values in every run
            checklist_version=version,
            phase=sys.intern(fields["phase"]),
            language=sys.intern(fields["language"]),
            sprint=sys.intern(fields["sprint"]),
            author=sys.intern(fields["author"]),
            started=started,
            finished=finished,
            answers=answers,
            participants=list(participants),
            reviews=reviews,
            corrects=corrects,
            correction_note=correction_note,
            meeting=meeting,
            votes=votes,
        )

    # ----------------------------------------------------------------------------- meetings

    def _meeting(self, data: Mapping[str, Any], schema: Any, participants: list[str]) -> tuple[bool, list[ItemVotes]]:
        """``meeting`` and the ``[[votes]]`` tables of a committed run (schema 2)."""
        problem = self.problem
        meeting = data.get("meeting", False)
        raw_votes = data.get("votes", [])
        if ("meeting" in data or "votes" in data) and schema == 1:
            problem(_("keys 'meeting' and 'votes' are a sprint meeting's, which needs schema = 2."))
            return False, []  # pragma: no mutate (a problem is said: no run is made of the file)
        if not isinstance(meeting, bool):
            problem(_("key 'meeting' must be true or false (found {found}).").format(found=_shown(meeting)))
        if not isinstance(raw_votes, list):
            problem(_("key 'votes' must be an array of [[votes]] tables."))
            return meeting, []
        present = {person_key(p) for p in participants if isinstance(p, str)}
        votes: list[ItemVotes] = []
        seen: set[str] = set()
        for n, raw in enumerate(raw_votes, start=1):
            found = self.votes(raw, n, seen, present)
            if found is not None:
                votes.append(found)
        return meeting, votes

    def votes(self, raw: Any, n: int, seen: set[str], present: set[str]) -> ItemVotes | None:
        """The ``n``-th ``[[votes]]`` table: the item and its named votes (each person once, a
        participant of the run) or its anonymous counts (at least MIN_ANONYMOUS_VOTES votes)."""
        problem = self.problem
        if not isinstance(raw, dict):
            problem(_("votes {n} must be a table ([[votes]]).").format(n=n))
            return None
        item_id = raw.get("item")
        if not is_safe_id(item_id):
            problem(
                _("votes {n}: key 'item' must be an item id (lowercase letters, digits and dashes), found {found}.").format(
                    n=n, found=_shown(item_id)
                )
            )
            return None
        where = _("votes on {item}").format(item=repr(item_id))
        if item_id in seen:
            problem(_("{where}: the item has two [[votes]] tables; keep one.").format(where=where))
            return None
        seen.add(item_id)
        named: Any = raw.get("named")
        anonymous: Any = raw.get("anonymous")
        if (named is None) == (anonymous is None) or not isinstance(named if named is not None else anonymous, list):
            problem(
                _(
                    "{where}: give either 'named' (each person's vote) or 'anonymous' (how many voted for each "
                    "value), as an array."
                ).format(where=where)
            )
            return None
        before = len(self.problems)
        if named is not None:
            result: list[Vote] = []
            people: set[str] = set()
            for row in named:
                if not isinstance(row, dict) or not isinstance(row.get("person"), str) or not row["person"].strip():
                    problem(
                        _(
                            '{where}: each named vote is {{ person = "Name <email>", status = ... }} or '
                            "{{ person = ..., value = ... }}."
                        ).format(where=where)
                    )
                    continue
                key = person_key(row["person"])
                if key in people:
                    problem(_("{where}: {person} voted twice; keep one vote.").format(where=where, person=_shown(row["person"])))
                    continue
                people.add(key)
                if key not in present:
                    problem(
                        _("{where}: {person} is not among the participants; everyone who voted took part.").format(
                            where=where, person=_shown(row["person"])
                        )
                    )
                value = self._vote_value(row, where)
                if value is not None:
                    result.append(Vote(sys.intern(row["person"]), shared_value(value)))
            if len(self.problems) > before:
                return None
            return ItemVotes(sys.intern(item_id), named=tuple(result))
        counts: dict[Any, int] = {}
        for row in anonymous:
            count = row.get("count") if isinstance(row, dict) else None
            if type(count) is not int or count < 1:
                problem(
                    _(
                        "{where}: each anonymous count is {{ status = ..., count = N }} or {{ value = ..., count = N }}, "
                        "N a whole number of 1 or more."
                    ).format(where=where)
                )
                continue
            value = self._vote_value(row, where)
            if value is None:
                continue
            if value in counts:
                problem(_("{where}: {value} is counted twice; keep one count.").format(where=where, value=_shown(value)))
                continue
            counts[value] = count
        if len(self.problems) > before:
            return None
        if sum(counts.values()) < MIN_ANONYMOUS_VOTES:
            problem(
                _(
                    "{where}: an anonymous count of fewer than {n} votes is never stored: everyone could tell who voted what."
                ).format(where=where, n=MIN_ANONYMOUS_VOTES)
            )
            return None
        return ItemVotes(sys.intern(item_id), anonymous=tuple((shared_value(v), c) for v, c in counts.items()))

    def _vote_value(self, row: Mapping[str, Any], where: str) -> Any:
        """A vote's ``status`` or ``value``, checked for its kind as an answer's; None when broken."""
        if ("status" in row) == ("value" in row):
            self.problem(_("{where}: each vote has either 'status' (a traffic light) or 'value'.").format(where=where))
            return None
        value = row.get("status", row.get("value"))
        if "status" in row and not isinstance(value, str):
            self.problem(
                _("{where}: 'status' must be a string: green, amber, red or na (found {found}).").format(
                    where=where, found=_shown(value)
                )
            )
            return None
        if not is_answer_value(value) or value == "":
            self.problem(
                _("{where}: a vote must be a whole number, a string or a date (found {found}).").format(
                    where=where, found=_shown(value)
                )
            )
            return None
        return value

    def _unknown_top_keys(self, data: Mapping[str, Any], form: Form) -> None:
        allowed = FILLED_KEYS | (CORRECTION_KEYS if form.corrects is not None else frozenset())
        if form.corrects is not None and form.corrects.meeting:
            allowed |= MEETING_KEYS  # the template of a meeting's correction shows them; they are kept as they were
        unknown = sorted(set(data) - allowed)
        if "corrects" in unknown or "correction_note" in unknown:
            self.problem(
                _(
                    "top level: 'corrects' and 'correction_note' make a correction of a run: commit the file "
                    "with `kundencheck amend --from FILE`, or remove them for a new run."
                )
            )
            unknown = [key for key in unknown if key not in CORRECTION_KEYS]
        if unknown:
            # `author` is read (a meeting's files name whose votes they hold), the rest is made anew.
            shown = FILLED_KEYS - MADE_ANEW | {"author"}
            self.problem(_unknown_keys(_("top level"), unknown, ", ".join(sorted(shown))))

    def _correction(self, data: Mapping[str, Any], form: Form | None) -> tuple[str, str]:
        """The ``corrects`` and ``correction_note`` keys: the id of the run this one corrects and
        why ("" and "" for an ordinary run)."""
        corrects = data.get("corrects", "")
        note = data.get("correction_note", "")
        if form is not None and form.corrects is None:
            # Not a correction: the keys are refused (_unknown_top_keys); what is returned is not used.
            return "", ""  # pragma: no mutate (unused: see above)
        if not isinstance(corrects, str) or (corrects and not is_run_id(corrects)):
            self.problem(
                _("key 'corrects' must be the id of the run this one corrects (letters, digits, dashes), found {found}.").format(
                    found=_shown(corrects)
                )
            )
            corrects = ""
        if not isinstance(note, str):
            self.problem(_("key 'correction_note' must be a string: why the run is corrected."))
            note = ""
        # A correction's run may be named on the command line instead (`kundencheck amend RUN`).
        elif form is None and note.strip() and not corrects:
            self.problem(
                _("key 'correction_note' is set but 'corrects' is not: name the run this one corrects, or remove the note.")
            )
        return (sys.intern(corrects) if corrects else ""), note

    def _new_run(self, data: Mapping[str, Any], form: Form, version: Any, notes: list[str]) -> Run:
        """The new run a filled-in file becomes: the checklist's, by the form's author, its
        sprint the command line's, else the file's, else the default."""
        checklist = form.checklist
        for key, expected in (("checklist", checklist.id), ("phase", checklist.phase), ("language", checklist.language)):
            value = data.get(key)
            if value is not None and value != expected and not (key == "phase" and value == form.phase):
                self.problem(
                    _(
                        "top level: {key} is {found}, but phase {phase} here uses the {checklist} checklist ({language}), "
                        "so it must be {expected}. Make a new template with `kundencheck answer {phase_name} --template`."
                    ).format(
                        key=repr(key),
                        found=_shown(value),
                        phase=repr(form.phase),
                        checklist=repr(checklist.id),
                        language=checklist.language,
                        expected=repr(expected),
                        phase_name=form.phase,
                    )
                )
        if "checklist_version" in data and isinstance(version, str) and version != checklist.version:
            notes.append(
                _(
                    "the file was made for version {found} of the {checklist} checklist; it is checked against "
                    "the current version {version}."
                ).format(found=_shown(version), checklist=checklist.id, version=repr(checklist.version))
            )
        sprint = data.get("sprint", "")
        if not isinstance(sprint, str):
            self.problem(
                _("top level: 'sprint' must be a string like \"2026-W48\" (found {found}).").format(found=_shown(sprint))
            )
            sprint = ""
        return new_run(checklist, form.author, sprint=form.sprint or sprint.strip() or None, started=form.started)

    def _fill_in(
        self,
        run: Run,
        form: Form,
        answers: list[Answer],
        reviews: list[ActionReview],
        participants: list[str],
        correction_note: str,
        data: Mapping[str, Any],
        notes: list[str],
    ) -> None:
        """What a filled-in file's run takes from the form: its answers in the checklist's order,
        everyone who answered, and for a correction what it corrects and why."""
        order = {item.id: n for n, item in enumerate(form.checklist.items)}
        run.answers = sorted(answers, key=lambda a: order[a.item])  # (an item not in it is refused)
        run.reviews = reviews
        run.participants = with_participants(run.author, [*(p.strip() for p in participants), *form.participants])
        target = form.corrects
        if target is not None:
            sprint = data.get("sprint")
            if isinstance(sprint, str) and sprint.strip() and sprint.strip() != target.sprint:
                notes.append(
                    _("the file says sprint {sprint}; a correction keeps the sprint of the run it corrects, {kept}.").format(
                        sprint=repr(one_line(sprint, 40)), kept=repr(target.sprint)
                    )
                )
            run.sprint = target.sprint
            run.phase = target.phase
            run.corrects = target.id
            if target.meeting:
                # A meeting's correction is still the meeting's answers: its votes and who was there stay.
                run.meeting = True
                run.votes = list(target.votes)
                run.participants = with_participants(run.author, [*target.participants, *run.participants])
            run.correction_note = (form.correction_note if form.correction_note is not None else correction_note).strip()

    # ----------------------------------------------------------------------------- tables

    def answer(self, raw: Any, n: int, seen: set[str], form: Form | None, today: dt.date) -> Answer | None:
        """The ``n``-th ``[[answers]]`` table; None when it is broken (or, in a filled-in file,
        left empty). ``seen``: the items answered so far (a second answer to one is a problem)."""
        problem = self.problem
        if not isinstance(raw, dict):
            problem(_("answer {n} must be a table ([[answers]]).").format(n=n))
            return None
        item_id = raw.get("item")
        if not is_safe_id(item_id):
            problem(
                _("answer {n}: key 'item' must be an item id (lowercase letters, digits and dashes), found {found}.").format(
                    n=n, found=_shown(item_id)
                )
            )
            return None
        if item_id in seen:
            problem(_("answer {n}: item {item} is answered twice; keep one of the two answers.").format(n=n, item=repr(item_id)))
            return None
        seen.add(item_id)
        item = None
        if form is not None:
            checklist = form.checklist
            item = checklist.item(item_id)
            if item is None:
                problem(
                    _("item {item}: not in the {checklist} checklist (version {version}). Its items: {items}.").format(
                        item=repr(item_id),
                        checklist=checklist.id,
                        version=checklist.version,
                        items=", ".join(i.id for i in checklist.items),
                    )
                )
                return None
        before = len(self.problems)
        if item is not None:
            unknown = sorted(set(raw) - ANSWER_KEYS)
            if unknown:
                problem(
                    _unknown_keys(
                        _where(item_id), unknown, _("item, status or value, note, action (kind and options are ignored)")
                    )
                )
        value = None
        if "status" in raw and "value" in raw:
            problem(
                _(
                    "item {item}: has both 'status' and 'value'; a traffic-light item takes 'status', every other kind 'value'."
                ).format(item=repr(item_id))
            )
        elif item is not None:
            value = self._filled_value(raw, item, today)
        else:
            value = raw.get("status", raw.get("value"))
            if value == "":
                value = None
            if "status" in raw and value is not None and not isinstance(value, str):
                problem(
                    _("item {item}: key 'status' must be a string: green, amber, red or na (found {found}).").format(
                        item=repr(item_id), found=_shown(value)
                    )
                )
            elif value is not None and not is_answer_value(value):
                problem(
                    _(
                        "item {item}: key 'value' must be a whole number, a string or a date like 2026-12-31 (found {found})."
                    ).format(item=repr(item_id), found=_shown(value))
                )
        note = raw.get("note", "")
        if not isinstance(note, str):
            problem(_("item {item}: key 'note' must be a string.").format(item=repr(item_id)))
            note = ""
        action = None
        raw_action = raw.get("action")
        if raw_action is not None:
            if isinstance(raw_action, dict):
                action = self.action(raw_action, item_id, form, today)
            else:
                problem(_("item {item}: key 'action' must be a table with what, owner and due.").format(item=repr(item_id)))
        if len(self.problems) > before:
            return None
        if form is None:
            return Answer(item=sys.intern(item_id), value=shared_value(value), note=note, action=action)
        if value is None and not note.strip() and action is None:
            return None  # unanswered: the template's empty entry
        return Answer(item=item_id, value=value, note=note.strip(), action=action)

    def _filled_value(self, raw: Mapping[str, Any], item: Item, today: dt.date) -> Any:
        """A filled-in answer's value, as written or typed, checked against its item."""
        where = _where(item.id)
        key = "status" if item.kind is Kind.TRAFFIC_LIGHT else "value"
        other = "value" if key == "status" else "status"
        if other in raw and raw[other] not in ("", None):
            self.problem(
                _("{where}: a {kind} item takes {key}, not {other}.").format(
                    where=where, kind=item.kind, key=repr(key), other=repr(other)
                )
            )
            return None
        value = _typed_value(item, raw.get(key), today)
        problem: str | None
        if item.kind is Kind.DATE and isinstance(value, str):
            problem = _(
                "value {value} is not a date: write 2026-12-31, or in quotes as you would type it: "
                '"31.12.2026", "31.12.", "+7" or a weekday such as "fr".'
            ).format(value=_shown(value))
        else:
            problem = value_problem(item, value)
        if problem:
            self.problem(f"{where}: {problem}")
        return value

    def action(self, raw: Mapping[str, Any], item_id: str, form: Form | None, today: dt.date) -> Action | None:
        """The ``[answers.action]`` table of the answer to ``item_id``; None when it is broken,
        or in a filled-in file left empty."""
        problem = self.problem
        before = len(self.problems)
        if form is not None:
            extra = sorted(set(raw) - ACTION_KEYS)
            if extra:
                message = ngettext(
                    "{where}: the action has unknown key {keys}; it takes what, owner, due and separate.",
                    "{where}: the action has unknown keys {keys}; it takes what, owner, due and separate.",
                    len(extra),
                )
                problem(message.format(where=_where(item_id), keys=_key_list(extra)))
        what, owner, due = raw.get("what", ""), raw.get("owner", ""), raw.get("due")
        if not isinstance(what, str) or not isinstance(owner, str):
            problem(_("{where}: the action's 'what' and 'owner' must be strings (in quotes).").format(where=_where(item_id)))
        if form is not None:
            due = _typed_date(due, today)
            if due is not None and not _is_day(due):
                problem(
                    _(
                        "{where}: the action's 'due' must be a date: 2026-12-31, or in quotes as you would type it: "
                        '"31.12.", "+7" or "fr" (found {found}).'
                    ).format(where=_where(item_id), found=_shown(due))
                )
        else:
            if due == "":
                due = None
            if due is not None and not _is_day(due):
                problem(
                    _("item {item}: action 'due' must be a date like 2026-12-31 (without quotes).").format(item=repr(item_id))
                )
        separate = raw.get("separate", False)
        if not isinstance(separate, bool):
            problem(_("{where}: the action's 'separate' must be true or false (without quotes).").format(where=_where(item_id)))
        if len(self.problems) > before:
            return None
        if form is not None:
            what, owner = what.strip(), owner.strip()
            if not (what or owner or due is not None):
                return None  # the template's empty action
        return Action(what=what, owner=owner, due=due, separate=separate)

    def review(self, raw: Any, n: int, seen: set[tuple[str, str]], form: Form | None) -> ActionReview | None:
        """The ``n``-th ``[[reviews]]`` table; None when it is broken (or, in a filled-in file,
        decides nothing). ``seen``: the actions reviewed so far (a second review of one is a problem)."""
        problem = self.problem
        if not isinstance(raw, dict):
            problem(_("review {n} must be a table ([[reviews]]).").format(n=n))
            return None
        if form is not None:
            unknown = sorted(set(raw) - REVIEW_KEYS)
            if unknown:
                problem(_unknown_keys(_("review {n}").format(n=n), unknown, ", ".join(sorted(REVIEW_KEYS))))
                return None
            if raw.get("decision", "") == "":
                # The template's entry left empty: not decided, the action stays open.
                if isinstance(raw.get("note"), str) and raw["note"].strip():
                    problem(
                        _(
                            'review {n}: has a note but no decision; give decision = "done", "open" or '
                            '"dropped", or leave the note empty too.'
                        ).format(n=n)
                    )
                return None
        before = len(self.problems)
        # Any: a run id or a decision that is no string gets its problem below.
        run_id: Any = raw.get("run")
        item = raw.get("item")
        if not isinstance(run_id, str) or not is_run_id(run_id):
            problem(
                _("review {n}: key 'run' must be the id of the run that recorded the action, found {found}.").format(
                    n=n, found=_shown(run_id)
                )
            )
        if not is_safe_id(item):
            problem(
                _("review {n}: key 'item' must be an item id (lowercase letters, digits and dashes), found {found}.").format(
                    n=n, found=_shown(item)
                )
            )
            item = "?"
        decision: Any = raw.get("decision")
        if decision not in REVIEW_DECISIONS:
            problem(
                _("review {n} (item {item}): key 'decision' must be one of {allowed} (found {found}).").format(
                    n=n, item=repr(item), allowed=", ".join(REVIEW_DECISIONS), found=_shown(decision)
                )
            )
        note = raw.get("note", "")
        if not isinstance(note, str):
            problem(_("review {n} (item {item}): key 'note' must be a string.").format(n=n, item=repr(item)))
        if len(self.problems) > before:
            return None
        if (run_id, item) in seen:
            problem(
                _("review {n}: the action on {item} from run {run} is reviewed twice; keep one decision.").format(
                    n=n, item=repr(item), run=run_id
                )
            )
            return None
        seen.add((run_id, item))
        return ActionReview(run=run_id, item=item, decision=decision, note=note)


def _where(item_id: str) -> str:
    """How a problem names the answer to ``item_id``."""
    return _("item {item}").format(item=repr(item_id))


def _unknown_keys(where: str, unknown: list[str], allowed: str) -> str:
    message = ngettext(
        "{where}: unknown key {keys}. Allowed: {allowed}.", "{where}: unknown keys {keys}. Allowed: {allowed}.", len(unknown)
    )
    return message.format(where=where, keys=_key_list(unknown), allowed=allowed)


#: How many unknown keys a problem names; a table of thousands is named by its first few.
SHOWN_KEYS = 10


def _key_list(keys: list[str]) -> str:
    """``'a', 'b', 'c'``; of more than SHOWN_KEYS keys the first ones and how many in all."""
    shown = ", ".join(repr(key if len(key) <= 40 else key[:39] + "…") for key in keys[:SHOWN_KEYS])
    if len(keys) > SHOWN_KEYS:
        shown += " " + _("… ({n} in all)").format(n=len(keys))
    return shown


def _typed_value(item: Item, value: Any, today: dt.date) -> Any:
    """A filled-in answer as the session stores it: "" is unanswered; "4" in quotes is taken
    for a scale, and a date in quotes as people type it ("2026-12-31", "31.12.", "+7", "fr")."""
    if isinstance(value, str):
        if not value.strip():
            return None
        if item.kind is Kind.SCALE and value.strip() in {"1", "2", "3", "4", "5"}:
            return int(value.strip())
        if item.kind is Kind.DATE:
            return _typed_date(value, today)
        if item.kind in (Kind.TRAFFIC_LIGHT, Kind.CHOICE):
            return value.strip()
    return value


def _typed_date(value: Any, today: dt.date) -> Any:
    """A date written in quotes as people type it (core/dates.py), as of ``today``; anything
    else as it is (a TOML date stays a date, a string that is no date is reported)."""
    if isinstance(value, str):
        if not value.strip():
            return None
        from kundencheck.core.dates import parse_typed_date

        parsed = parse_typed_date(value, today)
        return parsed if parsed is not None else value
    return value


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _shown(value: Any) -> str:
    return describe_value(value)
