"""The action review at the start of a run: last time's open actions of the phase, each marked
done (``d``), still open (``o``) or dropped (``x``, with a note saying why).

The decisions go into the run (:meth:`RunSession.set_review`), are saved in the draft after
every key like the answers, and are committed with the answers file (``[[reviews]]``) and named
in the commit message. The open actions are read in a worker when the screen is opened before
they are known.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kundencheck.core.errors import KundencheckError
from kundencheck.core.history import TrackedAction, author_name, band, kind_of
from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.text import one_line
from kundencheck.session import RunSession
from kundencheck.tui.editor import note_from_field, note_to_field

#: How each decision is shown: symbol, word, style. Never by colour alone.
DECISIONS = {
    "done": ("✔", N_("done"), "bold green"),
    "open": ("→", N_("still open"), "bold yellow"),
    "dropped": ("✘", N_("dropped"), "bold red"),
    None: ("·", N_("not decided"), "dim"),
}


class ActionsScreen(Screen[None]):
    """Lists the phase's open actions; dismissed (``enter``, ``escape``) to the checklist."""

    # Its own rules: parsed when it is first shown, not before the run screen's first frame.
    DEFAULT_CSS = """
    #actions-intro {
        padding: 0 1;
        height: auto;
    }
    #actions {
        height: auto;
        max-height: 40%;
        border: round $primary 50%;
    }
    #actions:focus {
        border: round $primary;
    }
    #action-pane {
        height: 1fr;
        padding: 0 1;
    }
    #action-detail, #review-note {
        margin-bottom: 1;
    }
    #actions-hint {
        color: $warning;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("d", "decide('done')", _("Done"), id="action-done"),
        Binding("o", "decide('open')", _("Still open"), id="action-open"),
        Binding("x", "decide('dropped')", _("Drop"), id="action-dropped"),
        Binding("n", "edit_note", _("Note"), id="edit-note"),
        Binding("escape", "leave", _("To the checklist"), id="back-to-items"),
        # priority: the list would take enter as "select"; in the note field it ends the note.
        Binding("enter", "submit", _("To the checklist"), show=False, priority=True),
        Binding("down,j", "move(1)", _("Next"), show=False, id="next-item"),
        Binding("up,k", "move(-1)", _("Previous"), show=False, id="previous-item"),
        Binding("question_mark,f1", "app.help", _("Help"), show=False, id="help"),
    ]

    def __init__(self, session: RunSession, *, today: Callable[[], dt.date] | None = None) -> None:
        super().__init__()
        self.session = session
        self._today = today or dt.date.today
        self.actions: list[TrackedAction] = list(session.open_actions or [])

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="✔")
        yield Static(id="actions-intro", markup=False)
        yield OptionList(id="actions")
        with VerticalScroll(id="action-pane"):
            yield Static(id="action-detail", markup=False)
            yield Input(id="review-note", placeholder=_("Note (n): why? Needed when an action is dropped"), compact=True)
            yield Static(id="actions-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Open actions from earlier runs")
        self.sub_title = f"{self.session.run.phase} · {one_line(self.session.run.sprint, 20)}"
        self.query_one("#actions-intro", Static).update(Text(
            _("Before the checklist: what became of last time's actions? d done · o still open · "
              "x dropped (needs a note) · enter or escape: on to the checklist"), style="dim"))
        if self.session.open_actions is None:
            self.query_one("#action-detail", Static).update(Text(_("Reading the open actions…"), style="dim italic"))
            self.query_one("#review-note", Input).display = False
            self._read()
        else:
            self._fill()

    @work(thread=True, exclusive=True, exit_on_error=False, group="actions")
    def _read(self) -> list[TrackedAction]:
        return self.session.load_open_actions()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "actions":
            return
        if event.state is WorkerState.SUCCESS:
            self.actions = list(event.worker.result)
            self._fill()
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, KundencheckError) else f"{type(error).__name__}: {error}"
            self.query_one("#action-detail", Static).update(
                Text(_("The open actions could not be read: ") + one_line(message, 300), style="bold red"))

    # ----------------------------------------------------------------------------- drawing

    def _fill(self) -> None:
        listing = self.query_one("#actions", OptionList)
        listing.set_options([Option(self._label(a), id=f"{a.run}/{a.item}") for a in self.actions])
        self.query_one("#review-note", Input).display = bool(self.actions)
        if not self.actions:
            self.query_one("#action-detail", Static).update(
                Text(_("No open actions in the {phase} phase. Press enter for the checklist.").format(phase=self.session.run.phase)))
            listing.display = False
            return
        listing.highlighted = 0
        listing.focus()
        self._show_current()

    @property
    def current(self) -> TrackedAction | None:
        index = self.query_one("#actions", OptionList).highlighted
        if index is None or not self.actions:
            return None
        return self.actions[min(index, len(self.actions) - 1)]

    def _decision(self, action: TrackedAction) -> str | None:
        review = self.session.review(action.run, action.item)
        return review.decision if review else None

    def _label(self, action: TrackedAction) -> Text:
        symbol, word, style = DECISIONS.get(self._decision(action), DECISIONS[None])
        text = Text()
        # One column for every decision word in this language ("nicht entschieden" is longer
        # than "undecided"), and always a space before what follows.
        width = max(len(translate(w)) for _s, w, _st in DECISIONS.values())
        text.append(f"{symbol} {translate(word):<{width}} ", style=style)
        if action.is_overdue(self._today()):
            text.append("⚠ ", style="bold red")
        text.append(one_line(action.what, 70))
        return text

    def _show_current(self) -> None:
        action = self.current
        if action is None:
            return
        today = self._today()
        text = Text()
        text.append(one_line(action.what, 300), style="bold")
        owner = one_line(action.owner, 40) or "?"
        due = action.due.isoformat() if action.due else _("no due date")
        text.append("\n" + _("Owner: {owner}, due {due}").format(owner=owner, due=due))
        if action.is_overdue(today):
            text.append("  ⚠ " + _("overdue by {n} days").format(n=action.days_overdue(today)), style="bold red")
        text.append("\n" + _("From the run of {when} by {who}, sprint {sprint}, item {item}").format(
            when=action.raised.date().isoformat(), who=one_line(author_name(action.author), 40),
            sprint=one_line(action.sprint, 20), item=action.item), style="dim")
        from kundencheck.core.report import display_answer, localized_display

        kind = kind_of(action.item, action.value, self.session.checklist)
        answer = localized_display(display_answer(action.value, kind, self.session.checklist, action.item, band(action.value, kind)))
        if answer or action.note.strip():
            text.append("\n" + _("Answer then: ") + answer, style="dim")
            if action.note.strip():
                text.append(" — " + one_line(action.note, 200), style="dim")
        for event in action.reviews:
            text.append("\n" + _("Reviewed {when} by {who}: {decision}").format(
                when=event.when.date().isoformat(), who=one_line(author_name(event.author), 40),
                decision=translate(DECISIONS.get(event.decision, DECISIONS[None])[1])), style="dim")
            if event.note.strip():
                text.append(" — " + one_line(event.note, 200), style="dim")
        decision = self._decision(action)
        symbol, word, style = DECISIONS.get(decision, DECISIONS[None])
        text.append("\n" + _("This run: "))
        text.append(f"{symbol} {translate(word)}", style=style)
        self.query_one("#action-detail", Static).update(text)
        note = self.query_one("#review-note", Input)
        review = self.session.review(action.run, action.item)
        with note.prevent(Input.Changed):
            note.value = note_to_field(review.note) if review else ""
        note.disabled = review is None
        self._show_hint(action)

    def _show_hint(self, action: TrackedAction) -> None:
        review = self.session.review(action.run, action.item)
        hint = ""
        if review is None:
            hint = _("Choose d, o or x; undecided actions stay open.")
        elif review.decision == "dropped" and not review.note.strip():
            hint = _("A dropped action needs a note: why is it dropped?")
        undecided = sum(1 for a in self.actions if self._decision(a) is None)
        if undecided and review is not None:
            hint = (hint + "\n" if hint else "") + _("{n} more not decided.").format(n=undecided)
        self.query_one("#actions-hint", Static).update(Text(hint, style="bold"))

    def _refresh_label(self, action: TrackedAction) -> None:
        listing = self.query_one("#actions", OptionList)
        listing.replace_option_prompt_at_index(self.actions.index(action), self._label(action))

    # ----------------------------------------------------------------------------- events

    @on(OptionList.OptionHighlighted, "#actions")
    def _highlighted(self) -> None:
        self._show_current()

    @on(Input.Changed, "#review-note")
    def _note_changed(self, event: Input.Changed) -> None:
        action = self.current
        review = self.session.review(action.run, action.item) if action else None
        if action is None or review is None:
            return
        self.session.set_review(action.run, action.item, review.decision, note=note_from_field(event.value))
        self._show_hint(action)

    # ----------------------------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        listing = self.query_one("#actions", OptionList)
        if self.actions:
            listing.highlighted = max(0, min((listing.highlighted or 0) + step, len(self.actions) - 1))
        if isinstance(self.focused, Input):
            listing.focus()

    def action_decide(self, decision: str) -> None:
        action = self.current
        if action is None:
            self.app.bell()
            return
        self.session.set_review(action.run, action.item, decision)
        self._refresh_label(action)
        self._show_current()
        review = self.session.review(action.run, action.item)
        if decision == "dropped" and review is not None and not review.note.strip():
            self.query_one("#review-note", Input).focus()  # a drop needs a reason

    def action_edit_note(self) -> None:
        action = self.current
        if action is None or self.session.review(action.run, action.item) is None:
            self.app.bell()
            return
        self.query_one("#review-note", Input).focus()

    def action_leave(self) -> None:
        """``escape``: from the note field back to the list; from the list on to the checklist."""
        if isinstance(self.focused, Input):
            self.query_one("#actions", OptionList).focus()
            return
        self.dismiss(None)

    def action_submit(self) -> None:
        """``enter``: the note is done, on to the next action; from the list on to the checklist."""
        if isinstance(self.focused, Input):
            self.query_one("#actions", OptionList).focus()
            self.action_move(1)
            return
        self.dismiss(None)
