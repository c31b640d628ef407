"""The sprint meeting: everyone votes on each item in turn, the votes are revealed together, and
the team records the answer it agrees on (docs/meeting.md).

Pure: the people present in, the votes and the agreed defaults out. The TUI's meeting screen and
`kundencheck meeting --from` drive the same model, so the same votes give the same run.

Per item:

- **Who votes.** Everyone present, in the order they were picked, one after the other; a person
  can be skipped for an item (they stepped out) and the last step taken back (a vote or a skip).
- **Hidden until the last vote.** Until everyone who votes has voted, the model tells only how
  many have (:meth:`Meeting.voted`), never a value. With the last vote the item is revealed.
- **Named or anonymous.** A named item's votes are kept with their names (:class:`ItemVotes`
  ``named``). An anonymous item (``anonymous = true`` in the checklist) with at least
  MIN_ANONYMOUS_VOTES voters is voted on masked: when it is revealed, the votes become how many
  voted for each value, and who voted what is forgotten there and then. With fewer voters it is
  asked openly (``Mode.OPEN``); a skip that leaves too few voters throws the masked votes away
  and asks it openly from the start (:attr:`ItemState.reopened`), as nobody may be named for a
  vote given in the belief it was anonymous.
- **Not voted.** Text and date items are facts the team writes down together: nobody votes on
  them (``Mode.AGREED``).
- **The agreed default.** After the reveal the agreed answer starts as :func:`default_answer`:
  the median vote, the worse of the two middle ones when there is an even number (worse by the
  bands of core/bands.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from kundencheck.core.answers import MIN_ANONYMOUS_VOTES, Answer, ItemVotes, Run, Vote, new_run, ordered_counts
from kundencheck.core.bands import answer_score
from kundencheck.core.checklist import AnswerValue, Checklist, Item, Kind
from kundencheck.core.errors import AnswersError, UsageError
from kundencheck.core.history import Spread, spread_of
from kundencheck.core.i18n import _
from kundencheck.core.people import Person, checked_person, person_key, with_participants
from kundencheck.core.text import one_line


class Mode(StrEnum):
    """How an item is voted on in the meeting."""

    #: Each vote kept with its name.
    NAMED = "named"
    #: Masked, and only how many voted for each value is kept.
    ANONYMOUS = "anonymous"
    #: An anonymous item asked openly: fewer than MIN_ANONYMOUS_VOTES people vote.
    OPEN = "open"
    #: Not voted on (text, date): the team writes the agreed answer.
    AGREED = "agreed"


def mode_for(item: Item, voters: int, *, ask_openly: bool = True) -> Mode:
    """How ``item`` is voted on by ``voters`` people. With ``ask_openly`` False (votes given
    beforehand, in files) an anonymous item stays anonymous however few vote: its votes are then
    not kept at all (:attr:`ItemState.withheld`)."""
    if item.kind in (Kind.TEXT, Kind.DATE):
        return Mode.AGREED
    if item.anonymous:
        return Mode.ANONYMOUS if voters >= MIN_ANONYMOUS_VOTES or not ask_openly else Mode.OPEN
    return Mode.NAMED


@dataclass
class ItemState:
    """One item's voting: who has voted or was skipped, and, once revealed, the votes kept."""

    item: Item
    mode: Mode
    #: Person key -> vote, hidden until the reveal; emptied by it.
    _hidden: dict[str, AnswerValue] = field(default_factory=dict, repr=False)
    skipped: set[str] = field(default_factory=set)
    #: The steps taken, person keys in order, so the last one can be taken back.
    _steps: list[str] = field(default_factory=list, repr=False)
    #: The votes as they are kept, once revealed (an anonymous item's: counts only).
    revealed: ItemVotes | None = None
    #: Set when a skip left too few voters for an anonymous count: the masked votes were thrown
    #: away and the item is asked openly from the start.
    reopened: bool = False
    #: Set when an anonymous item's votes were too few to keep even as a count (votes given in
    #: files, which cannot be asked openly): none is kept, and none makes the agreed answer's
    #: default (with one or two votes it would be one person's vote).
    withheld: bool = False
    #: The agreed answer's default, worked out from the votes when they were revealed.
    default: AnswerValue | None = None

    @property
    def is_revealed(self) -> bool:
        return self.revealed is not None


def default_answer(item: Item, values: Iterable[AnswerValue]) -> AnswerValue | None:
    """The answer a meeting agrees on unless it decides otherwise: the median of the votes, the
    worse of the two middle ones for an even number (by :func:`answer_score`, the bands). Votes
    without a band (not applicable, a choice option without one) count only when they are more
    than the others: then the one most voted for, the first in the item's order on a tie."""
    values = [v for v in values if v is not None and v != ""]
    if not values:
        return None
    order = {value: n for n, value in enumerate(item.allowed_values() or ())}
    unscored = [v for v in values if answer_score(item, v) is None]
    scored = sorted((v for v in values if v not in unscored), key=lambda v: (answer_score(item, v), order.get(v, len(order))))
    if scored and len(scored) >= len(unscored):
        return scored[(len(scored) - 1) // 2]
    counts = Counter(unscored)
    best = max(counts.values())
    return min((v for v in counts if counts[v] == best), key=lambda v: (order.get(v, len(order)), str(v)))


class Meeting:
    """The people present and each item's voting. ``people`` vote in the order given."""

    def __init__(self, checklist: Checklist, people: Sequence[Person], *, ask_openly: bool = True) -> None:
        self.checklist = checklist
        #: Whether an anonymous item with too few voters is asked openly (in the meeting), or
        #: its votes are not kept (given beforehand in files: people answered believing it anonymous).
        self.ask_openly = ask_openly
        self.people: list[Person] = []
        keys: set[str] = set()
        for person in people:
            if person.key not in keys:
                keys.add(person.key)
                self.people.append(person)
        self._states: dict[str, ItemState] = {}

    # ----------------------------------------------------------------------------- asking

    def state(self, item_id: str) -> ItemState:
        """The voting on ``item_id``, begun when first asked for."""
        state = self._states.get(item_id)
        if state is None:
            item = self.checklist.item(item_id)
            if item is None:
                raise KeyError(item_id)
            state = self._states[item_id] = ItemState(item, self._mode(item, len(self.people)))
        return state

    def voters(self, item_id: str) -> list[Person]:
        """Who votes on the item: everyone present but those skipped for it."""
        skipped = self.state(item_id).skipped
        return [p for p in self.people if p.key not in skipped]

    def turn(self, item_id: str) -> Person | None:
        """Whose turn it is to vote on the item: the first who has neither voted nor been
        skipped; None once it is revealed (or is not voted on)."""
        state = self.state(item_id)
        if state.is_revealed or state.mode is Mode.AGREED:
            return None
        for person in self.people:
            if person.key not in state._hidden and person.key not in state.skipped:
                return person
        return None

    def voted(self, item_id: str) -> tuple[int, int]:
        """(how many have voted, how many vote): all the screen may show before the reveal."""
        state = self.state(item_id)
        total = len(self.voters(item_id))
        if state.revealed is not None:
            return state.revealed.voters, total
        return len(state._hidden), total

    def has_voted(self, item_id: str, person: Person) -> bool:
        """Whether ``person`` has voted on the item (before the reveal: never what)."""
        return person.key in self.state(item_id)._hidden

    def can_go_back(self, item_id: str) -> bool:
        """Whether a step on the item (a vote or a skip) can be taken back."""
        state = self.state(item_id)
        return not state.is_revealed and bool(state._steps)

    def spread(self, item_id: str) -> Spread | None:
        """The spread and disagreement of the revealed votes (None before the reveal)."""
        state = self.state(item_id)
        if state.revealed is None:
            return None
        return spread_of(state.revealed.values(), state.item.kind, state.item)

    def counts(self, item_id: str) -> list[tuple[AnswerValue, int]]:
        """How many voted for each value, in the item's order (empty before the reveal)."""
        state = self.state(item_id)
        return ordered_counts(state.item, state.revealed.counts()) if state.revealed is not None else []

    def default(self, item_id: str) -> AnswerValue | None:
        """The agreed answer's default once the item is revealed (:func:`default_answer`)."""
        return self.state(item_id).default

    def recorded(self) -> list[ItemVotes]:
        """The votes to keep: those of the revealed items, in the checklist's order. Never a
        hidden vote, never a name with an anonymous item's vote."""
        order = {item.id: n for n, item in enumerate(self.checklist.items)}
        found = [s.revealed for s in self._states.values() if s.revealed is not None and s.revealed.voters]
        return sorted(found, key=lambda v: order[v.item])  # (only the checklist's items have a state)

    # ----------------------------------------------------------------------------- doing

    def vote(self, item_id: str, value: AnswerValue) -> bool:
        """The vote of the person whose turn it is; True when it was the last and the item is
        revealed now."""
        person = self.turn(item_id)
        if person is None:
            raise ValueError(f"nobody's turn to vote on {item_id}")
        state = self.state(item_id)
        state._hidden[person.key] = value
        state._steps.append(person.key)
        return self._reveal_when_done(state)

    def skip(self, item_id: str) -> bool:
        """Skip the person whose turn it is, for this item; True when the item is revealed now.
        A skip that leaves an anonymous item fewer than MIN_ANONYMOUS_VOTES voters throws its
        masked votes away: it is asked openly from the start (:attr:`ItemState.reopened`)."""
        person = self.turn(item_id)
        if person is None:
            raise ValueError(f"nobody's turn to vote on {item_id}")
        state = self.state(item_id)
        state.skipped.add(person.key)
        state._steps.append(person.key)
        voters = len(self.voters(item_id))
        if state.mode is Mode.ANONYMOUS and self._mode(state.item, voters) is Mode.OPEN:
            state.mode = Mode.OPEN
            state.reopened = True
            state._hidden.clear()
            state._steps = [key for key in state._steps if key in state.skipped]
        return self._reveal_when_done(state)

    def back(self, item_id: str) -> Person | None:
        """Take back the last step on the item, a vote or a skip: it is that person's turn again
        (returned). None when there is nothing to take back."""
        state = self.state(item_id)
        if state.is_revealed or not state._steps:
            return None
        key = state._steps.pop()
        state._hidden.pop(key, None)
        state.skipped.discard(key)
        if (
            state.mode is Mode.OPEN
            and state.item.anonymous
            and not state._hidden
            and self._mode(state.item, len(self.voters(item_id))) is Mode.ANONYMOUS
        ):
            state.mode, state.reopened = Mode.ANONYMOUS, False  # enough voters again, no open vote given yet
        return next(p for p in self.people if p.key == key)

    def vote_again(self, item_id: str) -> None:
        """Forget the item's revealed votes and vote on it again (after the talk, say)."""
        state = self.state(item_id)
        self._states[item_id] = ItemState(state.item, self._mode(state.item, len(self.people)))

    def restore(self, votes: Iterable[ItemVotes]) -> None:
        """Items revealed before (a draft resumed): their votes as they were kept."""
        for found in votes:
            if self.checklist.item(found.item) is None:
                continue
            state = self.state(found.item)
            state.revealed = found
            state.default = default_answer(state.item, found.values())
            if found.anonymous:
                state.mode = Mode.ANONYMOUS
            elif state.mode is Mode.ANONYMOUS:
                state.mode = Mode.OPEN
            voted = {person_key(v.person) for v in found.named}
            if found.named:
                state.skipped = {p.key for p in self.people if p.key not in voted}

    def _mode(self, item: Item, voters: int) -> Mode:
        return mode_for(item, voters, ask_openly=self.ask_openly)

    def _reveal_when_done(self, state: ItemState) -> bool:
        if self.turn(state.item.id) is not None:
            return False
        item_id = state.item.id
        hidden, state._hidden, state._steps = state._hidden, {}, []
        state.default = default_answer(state.item, hidden.values())
        if state.mode is Mode.ANONYMOUS and len(hidden) < MIN_ANONYMOUS_VOTES:
            # Too few to keep even as a count, and too few to suggest an answer: the middle of one
            # or two votes is one person's vote.
            state.revealed, state.withheld, state.default = ItemVotes(item_id), bool(hidden), None
        elif state.mode is Mode.ANONYMOUS:
            counts = Counter(hidden.values())
            state.revealed = ItemVotes(item_id, anonymous=tuple(ordered_counts(state.item, dict(counts))))
        else:
            state.revealed = ItemVotes(item_id, named=tuple(Vote(str(p), hidden[p.key]) for p in self.people if p.key in hidden))
        return True


# --------------------------------------------------------------------------------- votes in files


class Ballot(NamedTuple):
    """One person's filled-in answers file for a meeting (`kundencheck meeting --from FILE`)."""

    person: Person
    #: The file's answers, read as a filled-in file (core/answers_file.py), not yet complete.
    run: Run
    source: str


def ballot_author(data: Mapping[str, Any], source: str) -> Person:
    """Whose votes a filled-in file holds: its ``author``, ``Name <email>``. AnswersError naming
    the file when it has none, or one that is not a person."""
    author = data.get("author")
    if not isinstance(author, str) or not author.strip():
        raise AnswersError(
            _(
                '{file}: a file for the meeting names whose answers it holds: author = "Name <email>" '
                "at the top (`kundencheck answer PHASE --template` writes it)."
            ).format(file=source),
            source=source,
        )
    try:
        return checked_person(author)
    except UsageError as exc:
        raise AnswersError(_("{file}: key 'author': {problem}").format(file=source, problem=exc), source=source) from None


def phase_of_files(said: Sequence[tuple[str, str | None]]) -> str | None:
    """The phase the people's files name, (file, phase or None) each, when those that name one
    agree; AnswersError naming each file's phase when they differ."""
    return _agreed_value(
        said,
        _(
            "The files are of different phases ({found}); a meeting answers one phase's checklist. Give the "
            "files of one phase, each made with `kundencheck answer PHASE --template`."
        ),
    )


def sprint_of_files(said: Sequence[tuple[str, str | None]]) -> str | None:
    """The sprint the people's files name, (file, sprint or None) each, when those that name one
    agree; AnswersError naming each file's sprint when they differ."""
    return _agreed_value(
        said,
        _(
            "The files name different sprints ({found}); a meeting is one sprint's. Give the sprint with "
            "--sprint, or make the files agree."
        ),
    )


def _agreed_value(said: Sequence[tuple[str, str | None]], differ: str) -> str | None:
    """The one value the files that name one give, None when none does; AnswersError with
    ``differ`` (its ``{found}``: each file and its value) when they give different ones."""
    found = list(dict.fromkeys(value for _source, value in said if value))
    if len(found) > 1:
        listed = ", ".join(
            _("{file}: {value}").format(file=source, value=repr(one_line(value, 40))) for source, value in said if value
        )
        raise AnswersError(differ.format(found=listed))
    return found[0] if found else None


class FromFiles(NamedTuple):
    """The run a meeting of votes given in files makes, and what to tell the person about it."""

    run: Run
    #: Sentences for the person: what was left out, and why.
    notes: list[str]
    #: Anonymous items voted on in fewer than MIN_ANONYMOUS_VOTES files and not answered by the
    #: agreed file: (item id, how many voted). Their votes decide nothing (the answer would be
    #: one person's vote), so the run cannot be committed until the agreed file answers them.
    undecided: list[tuple[str, int]]


def meeting_run(
    checklist: Checklist,
    facilitator: Person,
    ballots: Sequence[Ballot],
    agreed: Run | None = None,
    *,
    sprint: str | None = None,
    started: dt.datetime | None = None,
) -> FromFiles:
    """The run of a meeting whose votes were given in ``ballots``, one person's file each,
    recorded by ``facilitator``: each item voted on by the same :class:`Meeting` the TUI drives
    (in the ballots' order), its agreed answer the default unless ``agreed`` (a filled-in file of
    the agreed answers) gives one. Notes and actions come from ``agreed``; without one there, a
    named item takes every voter's note, each with their name, and the action of the first
    whose vote is the agreed answer (else of the first who gave one). An anonymous item takes
    nothing a person wrote: only ``agreed`` can give its note and action; voted on in fewer than
    MIN_ANONYMOUS_VOTES files it keeps no vote, and its answer comes from ``agreed`` only
    (:attr:`FromFiles.undecided` when it gives none). Reviews of open
    actions come from ``agreed`` only. The run may still lack what a commit needs
    (:func:`~kundencheck.core.answers.problems_with` says what)."""
    notes: list[str] = []
    people = [ballot.person for ballot in ballots]
    meeting = Meeting(checklist, people, ask_openly=False)  # pragma: no mutate (None is False too)
    run = new_run(checklist, facilitator, sprint=sprint or (agreed.sprint if agreed is not None else None), started=started)
    run.meeting = True
    run.participants = with_participants(str(facilitator), [str(ballot.person) for ballot in ballots]) or [str(facilitator)]
    left_out: dict[str, int] = {}
    undecided: list[tuple[str, int]] = []
    for item in checklist.items:
        if not checklist.is_visible(item, run.values()):
            continue
        given = agreed.answer(item.id) if agreed is not None else None
        agreed_value = given.value if given is not None and given.is_answered else None
        state = meeting.state(item.id)
        own = [ballot.run.answer(item.id) for ballot in ballots]
        if state.mode is Mode.AGREED:
            values = {a.value for a in own if a is not None and a.is_answered}
            value = agreed_value if agreed_value is not None else (values.pop() if len(values) == 1 else None)
            if value is None and values:
                notes.append(
                    _(
                        "{item}: the files answer it differently and it is not voted on (a {kind} item); give "
                        "the agreed answer in --agreed FILE."
                    ).format(item=item.id, kind=item.kind.value)
                )
        else:
            for answer in own:
                if answer is not None and answer.value not in (None, ""):  # narrowed for the type checker
                    meeting.vote(item.id, answer.value)
                else:
                    meeting.skip(item.id)
            value = agreed_value if agreed_value is not None else meeting.default(item.id)
            voted = sum(1 for a in own if a is not None and a.is_answered)
            if state.withheld and voted and value is None:
                undecided.append((item.id, voted))
            elif state.withheld and voted:
                notes.append(
                    _(
                        "{item}: anonymous, and fewer than {n} voted on it: no vote is kept, not even as a "
                        "count; the answer is the one --agreed FILE gives."
                    ).format(item=item.id, n=MIN_ANONYMOUS_VOTES)
                )
        anonymous = item.anonymous
        note = given.note if given is not None and given.note.strip() else ""
        action = given.action if given is not None and given.action is not None else None
        if anonymous:
            written = sum(1 for a in own if a is not None and (a.note.strip() or a.action is not None))
            if written and not note and action is None:
                left_out[item.id] = written
        else:
            if not note:
                note = "\n".join(
                    f"{ballot.person.name}: {answer.note.strip()}"
                    for ballot, answer in zip(ballots, own, strict=True)  # pragma: no mutate (one answer a ballot)
                    if answer is not None and answer.note.strip()
                )
            if action is None and value is not None and item.needs_action(value):
                actions = [(a.value == value, a.action) for a in own if a is not None and a.action is not None]
                action = next((act for same, act in actions if same), actions[0][1] if actions else None)
        if value is not None or note:
            run.answers.append(Answer(item=item.id, value=value, note=note, action=action))
    for item_id, count in left_out.items():
        notes.append(
            _(
                "{item}: anonymous, so the notes and actions in the files are left out ({n} of them): a note "
                "could give its writer away. Give the agreed note and action in --agreed FILE."
            ).format(item=item_id, n=count)
        )
    answered = {a.item for a in run.answers if a.is_answered}
    run.votes = [votes for votes in meeting.recorded() if votes.item in answered]
    run.reviews = list(agreed.reviews) if agreed is not None else []
    for ballot in ballots:
        if ballot.run.reviews:
            notes.append(
                _("{file}: its decisions on open actions are left out: a meeting decides them once, in --agreed FILE.").format(
                    file=ballot.source
                )
            )
    return FromFiles(run, notes, undecided)
