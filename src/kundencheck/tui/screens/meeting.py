"""The sprint meeting on one shared screen (`kundencheck meeting`): who is here, then for each item
everyone votes in turn, the votes are revealed together, and the team records what it agrees on.

The screen is the run screen (the item list, the question, the note and the action, the review
and the commit) with the meeting's panel under the question: whose turn it is and how many have
voted, never a value, until the last vote; then everyone's vote side by side (an anonymous
item's only as how many voted for each value), the spread and whether the votes disagree. Who
votes when, what is hidden and what is kept is the meeting model's (core/meeting.py), driven
through the :class:`~kundencheck.session.MeetingSession`.

A vote is entered with the same keys as an answer and never echoed: the panel says that the
person has voted, not what.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static

from kundencheck.core.answers import Answer
from kundencheck.core.checklist import Item
from kundencheck.core.i18n import N_, _, ngettext
from kundencheck.core.people import Person, parse_person
from kundencheck.core.text import one_line
from kundencheck.session import MeetingSession
from kundencheck.tui.screens.run import RunScreen
from kundencheck.tui.widgets.flow import FlowStatic, flow
from kundencheck.tui.widgets.question import answer_text

if TYPE_CHECKING:
    from kundencheck.session import Project

#: The keys of the meeting screen, for its help (``?``).
MEETING_KEYS = [
    ("↑ ↓  j k", N_("move between items")),
    (
        "1 2 3 0; 1 … 5; 1 … 9",
        N_("before the reveal: the vote of the person whose turn it is (never shown); after it: the agreed answer"),
    ),
    ("s", N_("skip the person whose turn it is, for this item")),
    ("backspace", N_("take back the last vote or skip (that person votes again)")),
    ("r", N_("after the reveal: vote on the item again")),
    ("enter", N_("after the reveal: the agreed answer is recorded, on to the next item")),
    ("n  tab", N_("write a note for the agreed answer")),
    ("ctrl+s  F2", N_("review the agreed answers and the commit message")),
    ("a", N_("earlier open actions: d done, o open, x dropped")),
    ("ctrl+p", N_("command palette: every action by name")),
    ("? F1", N_("this help")),
    ("q  ctrl+q", N_("quit (the agreed answers and revealed votes stay as a draft)")),
]


class MeetingScreen(RunScreen):
    """The run screen of a sprint meeting: items are voted on before they are answered."""

    HELP_TITLE = N_("Keys in the sprint meeting")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = MEETING_KEYS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "skip", N_("Skip"), id="meeting-skip"),
        Binding("backspace", "take_back", N_("Back"), key_display="⌫", id="meeting-back"),
        Binding("r", "vote_again", N_("Vote again"), id="meeting-vote-again"),
    ]

    def __init__(self, session: MeetingSession) -> None:
        super().__init__(session)
        self.session: MeetingSession = session
        #: Who voted last, to say so once (never what).
        self._last_voter: Person | None = None

    # ----------------------------------------------------------------------------- layout

    def on_mount(self) -> None:
        self.query_one("#item-pane").mount(FlowStatic(id="vote-panel"), after="#question")
        super().on_mount()

    def _sub_title(self) -> str:
        return super()._sub_title() + " · " + _("meeting of {n}").format(n=len(self.session.people()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("participants", "go_home"):
            return False  # the people are picked when the meeting starts; a meeting has no home
        item = self.current
        if action in ("edit_note", "external_editor"):
            return item is None or self.session.meeting.turn(item.id) is None  # notes are for the agreed answer
        if action == "skip":
            return item is not None and self.session.meeting.turn(item.id) is not None
        if action == "take_back":
            return item is not None and self.session.meeting.can_go_back(item.id)
        if action == "vote_again":
            return item is not None and self.session.meeting.state(item.id).is_revealed
        return super().check_action(action, parameters)

    def _update_progress(self) -> None:
        from kundencheck.tui.widgets.progress_line import ProgressLine

        answered, total = self.session.answered_count()
        self.query_one("#progress", ProgressLine).show(
            _("Agreed {answered} of {total}").format(answered=answered, total=total), answered, total
        )

    def _show_current(self) -> None:
        super()._show_current()
        item = self.current
        if item is not None:
            self._show_votes(item)
        self.refresh_bindings()

    def _show_hint(self, item: Item, extra: str = "") -> None:
        if self.session.meeting.turn(item.id) is not None:
            # Before the reveal there is nothing to answer yet: the panel says whose turn it is.
            hint = self.query_one("#hint", Static)
            hint.display = bool(extra)
            hint.update(Text(extra, style="bold"))
            return
        super()._show_hint(item, extra)

    def _show_action(self, item: Item) -> None:
        voting = self.session.meeting.turn(item.id) is not None
        note = self._note_field(create=False)
        if note is not None:
            note.display = not voting  # a note is for the agreed answer, written after the reveal
        if voting:
            box = self._action_box(create=False)
            if box is not None:
                box.display = False
            return
        super()._show_action(item)

    def _note_field_after_first_frame(self) -> None:
        super()._note_field_after_first_frame()
        if self.current is not None:
            self._show_action(self.current)

    def action_edit_note(self) -> None:
        item = self.current
        if item is not None and self.session.meeting.turn(item.id) is not None:
            self.app.bell()  # before the reveal there is no agreed answer to write a note for
            return
        super().action_edit_note()

    def _show_votes(self, item: Item) -> None:
        """The meeting's panel for ``item``: the turn and the count before the reveal, the votes
        after it."""
        panel = self.query_one("#vote-panel", FlowStatic)
        panel.show(lambda width: self._votes_text(item, width))

    def _votes_text(self, item: Item, width: int) -> Text:
        """The meeting's panel for ``item`` as drawn ``width`` cells wide."""
        meeting = self.session.meeting
        state = meeting.state(item.id)
        text = Text()
        mode = state.mode.value
        if mode == "agreed":
            text.append(_("Not voted on: write down together what the team agrees on."), style="dim")
            return text
        if mode == "anonymous":
            text.append(
                _("Anonymous: each vote is entered unseen, and only how many voted for each value is kept."), style="italic"
            )
        elif mode == "open" and state.reopened:
            text.append(
                _(
                    "Asked openly now: with a person skipped, fewer than 3 vote, and a count of so few would "
                    "tell who voted what. The unseen votes so far were thrown away; the votes are kept with "
                    "names."
                ),
                style="italic",
            )
        elif mode == "open":
            text.append(
                _(
                    "Asked openly: fewer than 3 vote, and a count of so few would tell who voted what, so the "
                    "votes are kept with names."
                ),
                style="italic",
            )
        turn = meeting.turn(item.id)
        if turn is not None:
            self._show_turn(text, item, turn, width)
        else:
            self._show_reveal(text, item)
        return text

    def _show_turn(self, text: Text, item: Item, turn: Person, width: int) -> None:
        meeting = self.session.meeting
        state = meeting.state(item.id)
        voted, total = meeting.voted(item.id)
        if text:
            text.append("\n\n")
        parts = []
        skipped = _("skipped")
        for person in meeting.people:  # each person's mark and name stay on one line (flow)
            name = one_line(person.name, 30)
            if person.key in state.skipped:
                parts.append(Text(f"– {name} ({skipped})", style="dim"))
            elif person == turn:
                parts.append(Text(f"▸ {name}", style="bold reverse"))
            elif meeting.has_voted(item.id, person):
                parts.append(Text(f"✔ {name}", style="bold"))
            else:
                parts.append(Text(f"· {name}", style="dim"))
        text.append_text(flow(parts, width))
        text.append("\n\n")
        counted = ngettext("{voted} of {total} has voted.", "{voted} of {total} have voted.", total)
        text.append(counted.format(voted=voted, total=total), style="bold")
        if self._last_voter is not None:
            text.append(" " + _("{name} has voted.").format(name=one_line(self._last_voter.name, 40)))
        text.append("\n")
        text.append(
            _("{name}'s turn: take the keyboard and vote with the keys above; nobody sees it until everyone has voted.").format(
                name=one_line(turn.name, 40)
            ),
            style="bold",
        )
        text.append("\n")
        text.append(
            _("s skips {name} for this item; backspace takes the last vote back.").format(name=one_line(turn.name, 40)),
            style="dim",
        )

    def _show_reveal(self, text: Text, item: Item) -> None:
        meeting = self.session.meeting
        state = meeting.state(item.id)
        votes = state.revealed
        if text:
            text.append("\n\n")
        if votes is None or not votes.voters:
            text.append(_("Nobody voted on this item."), style="dim")
        elif votes.anonymous:
            text.append(_("The votes, anonymous:"), style="bold")
            for value, count in meeting.counts(item.id):
                text.append("\n  ")
                text.append_text(answer_text(item, Answer(item.id, value)))
                text.append("  " + _("× {n}").format(n=count))
        else:
            text.append(_("The votes:"), style="bold")
            width = max(len(one_line(parse_person(v.person).name, 30)) for v in votes.named)
            for vote in votes.named:
                text.append("\n  " + one_line(parse_person(vote.person).name, 30).ljust(width) + "  ")
                text.append_text(answer_text(item, Answer(item.id, vote.value)))
        spread = meeting.spread(item.id)
        if spread is not None and votes is not None and votes.voters > 1:
            text.append("\n")
            if spread.disagreement:
                text.append("⚠ " + _("The votes disagree: talk it through before you agree."), style="bold")
            elif spread.spread:
                text.append(_("The votes lie {n} apart.").format(n=spread.spread), style="dim")
            else:
                text.append(_("Everyone voted alike."), style="dim")
        text.append("\n\n")
        default = meeting.default(item.id)
        if default is not None:
            text.append(_("Suggested: "), style="dim")
            text.append_text(answer_text(item, Answer(item.id, default)))
            text.append(" " + _("(the middle vote, the worse of two)"), style="dim")
            text.append("\n")
        text.append(_("Agreed: the keys above change it, n adds a note, enter goes on, r votes again."), style="dim")

    # ----------------------------------------------------------------------------- voting

    def action_digit(self, key: str) -> None:
        item = self.current
        if item is None:
            return
        voter = self.session.meeting.turn(item.id)
        if voter is None and not self.session.meeting.state(item.id).is_revealed:
            super().action_digit(key)  # not voted on: the agreed answer, as in a run
            return
        value = self._value_for_key(item, key)
        if value is None:
            self.app.bell()
            return
        if voter is None:
            # Revealed: the key changes the agreed answer and the item stays, its votes in sight,
            # for the talk, a note (n); enter goes on (and asks for what the answer still needs).
            self.session.set_value(item.id, value)
        else:
            revealed = self.session.vote(item.id, value)
            self._last_voter = None if revealed else voter
        self._after_vote(item)

    def action_skip(self) -> None:
        item = self.current
        if item is None or self.session.meeting.turn(item.id) is None:
            self.app.bell()
            return
        self._last_voter = None
        self.session.skip(item.id)
        self._after_vote(item)

    def action_take_back(self) -> None:
        item = self.current
        if item is None or self.session.back(item.id) is None:
            self.app.bell()
            return
        self._last_voter = None
        self._after_vote(item)

    def action_vote_again(self) -> None:
        item = self.current
        if item is None or not self.session.meeting.state(item.id).is_revealed:
            self.app.bell()
            return
        self.session.vote_again(item.id)
        self._last_voter = None
        self._after_vote(item)

    def _after_vote(self, item: Item) -> None:
        self._refresh_after_answer(item)
        self._show_votes(item)
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#items")
    def _meeting_next(self) -> None:
        """enter on a revealed item whose agreed answer needs nothing more: the next item."""
        item = self.current
        if item is None or self.session.meeting.turn(item.id) is not None:
            return
        if self.session.meeting.state(item.id).is_revealed:
            self._after_answer(item)


class Invitees:
    """Who may be at the meeting, for the people picker (the participants dialog): those named
    on the command line picked already, the repository's recent authors to pick from; the
    facilitator (the git identity) is there anyway and left out."""

    def __init__(self, project: Project | None, facilitator: Person, picked: list[str]) -> None:
        self.project = project
        self.facilitator = facilitator
        self.picked = picked

    def participants(self) -> list[str]:
        return [p for p in self.picked if parse_person(p).key != self.facilitator.key]

    def recent_authors(self) -> list[str]:
        if self.project is None:
            return []
        return [str(person) for person in self.project.store.recent_authors() if person.key != self.facilitator.key]
