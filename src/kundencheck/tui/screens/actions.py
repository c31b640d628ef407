"""The action review at the start of a run: the phase's open action threads, one row each, to
mark done (``d``), still open (``o``) or dropped (``x``, with a note saying why).

Each row is a thread: its item (short title, else id), what it says now, owner, due date
(⚠ overdue), who raised it and when, and this run's decision. ``d``, ``o`` and ``x`` decide and
move on; ``space`` marks rows (``*`` every row shown) and ``d``, ``o`` or ``x`` then decide all
marked ones at once, a drop with one note for the group; ``/`` filters the rows by owner or
text. The decisions go into the run (:meth:`RunSession.set_review`), are saved in the draft
after every key like the answers, and are committed with the answers file (``[[reviews]]``).
The open threads are read in a worker when the screen is opened before they are known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from kundencheck.core.bands import answer_band, item_of
from kundencheck.core.dates import due_date_words
from kundencheck.core.errors import KundencheckError
from kundencheck.core.history import ActionThread, RaisedAction, ReviewEvent, by_urgency, kind_of
from kundencheck.core.i18n import N_, _, ngettext, translate
from kundencheck.core.people import author_name
from kundencheck.core.text import one_line
from kundencheck.session import RunSession
from kundencheck.tui.editor import note_from_field, note_to_field
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from kundencheck.core.answers import ActionReview

#: How each decision is shown: symbol, word, style. Never by colour alone.
DECISIONS = {
    "done": ("✔", N_("done"), "bold green"),
    "open": ("→", N_("still open"), "bold yellow"),
    "dropped": ("✘", N_("dropped"), "bold red"),
    None: ("·", N_("not decided"), "dim"),
}
MARK = "●"
#: Widths of the table's fixed columns; "what" takes the rest of the screen.
_FIXED = {"mark": 3, "item": 14, "owner": 8, "due": 7, "raised": 12}
#: The due column when a date lies in another year than today (shown whole).
_DUE_WHOLE = 12
_PADDING = 2  # each column's cell padding, left and right


class ActionsScreen(TranslatedBindings, Screen[None]):
    """Lists the phase's open action threads; dismissed (``enter``, ``escape``) to the checklist."""

    # Its own rules: parsed when it is first shown, not before the run screen's first frame.
    DEFAULT_CSS = """
    #actions-intro, #actions-position {
        padding: 0 1;
        height: auto;
    }
    #actions-filter {
        margin: 0 1;
    }
    #actions {
        height: auto;
        max-height: 45%;
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

    #: What the help (? or F1) lists here.
    HELP_TITLE = N_("Keys on the review of open actions")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("↑ ↓  j k", N_("move between actions")),
        ("d", N_("done: the action is closed")),
        ("o", N_("still open: it comes up again next time")),
        ("x", N_("dropped: closed without being done (needs a note)")),
        ("space  *", N_("mark this action / all shown: d, o or x then decide them at once")),
        ("u", N_("take the decision back")),
        ("/", N_("filter by owner or text")),
        ("n", N_("write a note for the decision")),
        ("enter  escape", N_("on to the checklist")),
        ("? F1", N_("this help")),
        ("ctrl+q", N_("quit (answers stay as a draft)")),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "decide('done')", N_("Done"), id="action-done"),
        Binding("o", "decide('open')", N_("Still open"), id="action-open"),
        Binding("x", "decide('dropped')", N_("Drop"), id="action-dropped"),
        Binding("space", "mark", N_("Mark"), id="action-mark"),
        Binding("asterisk", "mark_all", N_("Mark all"), show=False, id="action-mark-all"),
        Binding("u", "decide_none", N_("Undecide"), show=False, id="action-undecided"),
        Binding("slash", "filter", N_("Filter"), id="action-filter"),
        Binding("n", "edit_note", N_("Note"), show=False, id="edit-note"),
        Binding("escape", "leave", N_("Checklist"), id="back-to-items"),
        # priority: the table would take enter as "select"; in a field it ends the typing.
        Binding("enter", "submit", N_("To the checklist"), show=False, priority=True),
        Binding("down,j", "move(1)", N_("Next"), show=False, id="next-item"),
        Binding("up,k", "move(-1)", N_("Previous"), show=False, id="previous-item"),
        Binding("question_mark,f1", "app.help", N_("Help"), show=False, id="help"),
    ]

    def __init__(self, session: RunSession, *, today: Callable[[], dt.date] | None = None) -> None:
        super().__init__()
        self.session = session
        self._today = today or dt.date.today
        #: Every open thread of the phase, most urgent first.
        self.actions: list[ActionThread] = by_urgency(session.open_actions or [])
        #: The rows shown: the threads the filter lets through, in that order.
        self.rows: list[ActionThread] = list(self.actions)
        self.marked: set[int] = set()  # id() of marked threads
        #: The threads the note field writes to: the row in focus, or a group dropped together.
        self._note_targets: list[ActionThread] = []
        self._filter = ""
        self._what_width = 0
        self._index: dict[tuple[str, str], ActionReview] | None = None
        self._indexed = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="actions-intro", markup=False)
        yield Input(id="actions-filter", placeholder=_("Filter: a part of the owner or the text"), compact=True)
        yield Static(id="actions-position", markup=False)
        yield DataTable(id="actions", cursor_type="row", zebra_stripes=False)
        with VerticalScroll(id="action-pane"):
            yield Static(id="action-detail", markup=False)
            yield Input(id="review-note", placeholder=_("Note (n): why? Needed when an action is dropped"), compact=True)
            yield Static(id="actions-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Open actions from earlier runs")
        self.sub_title = f"{self.session.run.phase} · {one_line(self.session.run.sprint, 20)}"
        self.query_one("#actions-intro", Static).update(
            Text(
                _(
                    "What became of the open actions? d done · o still open · x dropped (with a note) · space marks rows "
                    "to decide at once · enter: on to the checklist"
                ),
                style="dim",
            )
        )
        self.query_one("#actions-filter", Input).display = False
        if self.session.open_actions is None:
            self.query_one("#action-detail", Static).update(Text(_("Reading the open actions…"), style="dim italic"))
            self.query_one("#review-note", Input).display = False
            self.query_one("#actions", DataTable).display = False
            self._read()
        else:
            self._fill()

    @work(thread=True, exclusive=True, exit_on_error=False, group="actions")
    def _read(self) -> list[ActionThread]:
        return self.session.load_open_actions()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "actions":
            return
        if event.state is WorkerState.SUCCESS:
            self.actions = by_urgency(cast("list[ActionThread]", event.worker.result))  # what _read returns
            self.rows = list(self.actions)
            self._fill()
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, KundencheckError) else f"{type(error).__name__}: {error}"
            self.query_one("#action-detail", Static).update(
                Text(_("The open actions could not be read: ") + one_line(message, 300), style="bold red")
            )

    def on_resize(self) -> None:
        if self.actions and self._what_width != self._width_of_what():
            self._build_table()

    # ----------------------------------------------------------------------------- drawing

    def _due_width(self) -> int:
        year = self._today().year
        return _DUE_WHOLE if any(t.due is not None and t.due.year != year for t in self.rows) else _FIXED["due"]

    def _width_of_what(self) -> int:
        fixed = sum(_FIXED.values()) - _FIXED["due"] + self._due_width() + _PADDING * (len(_FIXED) + 1)
        return max(12, self.size.width - fixed - 4)  # the border and the scroll bar

    def _fill(self) -> None:
        table = self.query_one("#actions", DataTable)
        self.query_one("#review-note", Input).display = bool(self.actions)
        if not self.actions:
            self.query_one("#action-detail", Static).update(
                Text(
                    _("No open actions in the {phase} phase. Press enter for the checklist.").format(phase=self.session.run.phase)
                )
            )
            table.display = False
            self._show_position()
            return
        table.display = True
        self._build_table()
        table.focus()

    def _build_table(self, keep: ActionThread | None = None) -> None:
        table = self.query_one("#actions", DataTable)
        keep = keep or self.current
        self._what_width = self._width_of_what()
        table.clear(columns=True)
        table.add_column("", width=_FIXED["mark"], key="mark")
        table.add_column(_("Item"), width=_FIXED["item"], key="item")
        table.add_column(_("What"), width=self._what_width, key="what")
        table.add_column(_("Owner"), width=_FIXED["owner"], key="owner")
        table.add_column(_("Due"), width=self._due_width(), key="due")
        table.add_column(_("Raised"), width=_FIXED["raised"], key="raised")
        for thread in self.rows:
            table.add_row(*self._cells(thread), key=str(id(thread)))
        if keep is not None and keep in self.rows:
            table.move_cursor(row=self.rows.index(keep), animate=False)
        self._show_current()

    def _cells(self, thread: ActionThread) -> list[Text]:
        today = self._today()
        symbol, _word, style = DECISIONS.get(self._decision(thread), DECISIONS[None])
        mark = Text((MARK if id(thread) in self.marked else " ") + " ", style="bold")
        mark.append(symbol, style=style)
        item = self.session.checklist.item(thread.item) if thread.checklist == self.session.checklist.id else None
        label = item.label if item is not None else thread.item
        if thread.due is None:
            due = Text("—", style="dim")
        elif thread.is_overdue(today):
            due = Text("⚠ " + self._day(thread.due, today), style="bold red")
        else:
            due = Text(self._day(thread.due, today))
        first = thread.words[0]
        raised = f"{one_line(author_name(first.author).split(' ')[0], 7)} {self._day(first.raised.date(), today)}"
        if len(thread.words) > 1:
            raised += f" +{len(thread.words) - 1}"
        return [
            mark,
            Text(one_line(label, _FIXED["item"])),
            Text(one_line(thread.what, self._what_width)),
            Text(one_line(thread.owner, _FIXED["owner"]) or "?"),
            due,
            Text(raised),
        ]

    @staticmethod
    def _day(day: dt.date, today: dt.date) -> str:
        """A date short where the year is this one (``03-20``), else whole."""
        return day.strftime("%m-%d") if day.year == today.year else day.isoformat()

    @property
    def current(self) -> ActionThread | None:
        if not self.rows:
            return None
        row = self.query_one("#actions", DataTable).cursor_row
        return self.rows[max(0, min(row, len(self.rows) - 1))]

    def _review(self, thread: ActionThread) -> ActionReview | None:
        """This run's review of ``thread`` (None: not decided). Looked up in an index of the
        run's reviews by action, made again when their number changes: with hundreds of
        threads, asking the session for each row would scan every review per row."""
        reviews = self.session.run.reviews
        if self._index is None or self._indexed != len(reviews):
            self._index = {review.action_key: review for review in reviews}
            self._indexed = len(reviews)
        for word in thread.words:
            review = self._index.get(word.key)
            if review is not None:
                return review
        return None

    def _decision(self, thread: ActionThread) -> str | None:
        review = self._review(thread)
        return review.decision if review else None

    def _show_position(self) -> None:
        table = self.query_one("#actions", DataTable)
        total = len(self.actions)
        decided = sum(1 for t in self.actions if self._decision(t) is not None)
        text = Text()
        if self.rows:
            text.append(_("{n} of {total}").format(n=table.cursor_row + 1, total=len(self.rows)), style="bold")
        else:
            text.append(_("0 of {total}").format(total=len(self.rows)), style="bold")
        if self._filter:
            text.append(
                "  ·  "
                + _("filter {text}: {n} of {total} shown").format(
                    text=repr(one_line(self._filter, 30)), n=len(self.rows), total=total
                )
            )
        text.append("  ·  " + _("{n} decided, {left} not yet").format(n=decided, left=total - decided))
        if self.marked:
            text.append("  ·  ")
            marked = len(self.marked)
            text.append(
                ngettext("{n} marked: d, o or x decides it", "{n} marked: d, o or x decides them", marked).format(n=marked),
                style="bold",
            )
        self.query_one("#actions-position", Static).update(text)

    def _show_current(self) -> None:
        self._show_position()
        thread = self.current
        if thread is None:
            self.query_one("#action-detail", Static).update(Text(_("No open action matches the filter."), style="dim"))
            return
        if thread not in self._note_targets:
            self._note_targets = [thread]
        today = self._today()
        text = Text()
        text.append(f"{thread.id}  ", style="bold")
        item = self.session.checklist.item(thread.item) if thread.checklist == self.session.checklist.id else None
        text.append(item.label if item is not None else thread.item, style="bold")
        if item is not None:
            text.append(" — " + one_line(item.question, 200), style="dim")
        text.append("\n" + one_line(thread.what, 300), style="bold")
        owner = one_line(thread.owner, 40) or "?"
        text.append("\n" + _("Owner: {owner}, {due}").format(owner=owner, due=due_date_words(thread.due)))
        if thread.is_overdue(today):
            late = thread.days_overdue(today)
            text.append("  ⚠ " + ngettext("overdue by {n} day", "overdue by {n} days", late).format(n=late), style="bold red")
        events: list[RaisedAction | ReviewEvent] = [*thread.words, *thread.reviews]
        for event in sorted(events, key=lambda e: e.raised if isinstance(e, RaisedAction) else e.when):
            if isinstance(event, RaisedAction):
                text.append(
                    "\n"
                    + _("Raised {when} by {who}, sprint {sprint}: {what} ({owner}, {due})").format(
                        when=event.raised.date().isoformat(),
                        who=one_line(author_name(event.author), 40),
                        sprint=one_line(event.sprint, 20),
                        what=one_line(event.what, 120),
                        owner=one_line(event.owner, 30) or "?",
                        due=due_date_words(event.due),
                    ),
                    style="dim",
                )
            else:
                text.append(
                    "\n"
                    + _("Reviewed {when} by {who}: {decision}").format(
                        when=event.when.date().isoformat(),
                        who=one_line(author_name(event.author), 40),
                        decision=translate(DECISIONS.get(event.decision, DECISIONS[None])[1]),
                    ),
                    style="dim",
                )
                if event.note.strip():
                    text.append(" — " + one_line(event.note, 200), style="dim")
        from kundencheck.core.report import answer_text

        kind = kind_of(thread.item, thread.value, self.session.checklist)
        band = answer_band(item_of(self.session.checklist, thread.item), thread.value)
        answer = answer_text(thread.value, kind, self.session.checklist, thread.item, band)
        if answer or thread.note.strip():
            text.append("\n" + _("Answer then: ") + answer, style="dim")
            if thread.note.strip():
                text.append(" — " + one_line(thread.note, 200), style="dim")
        symbol, word, style = DECISIONS.get(self._decision(thread), DECISIONS[None])
        text.append("\n" + _("This run: "))
        text.append(f"{symbol} {translate(word)}", style=style)
        self.query_one("#action-detail", Static).update(text)
        note = self.query_one("#review-note", Input)
        review = self._review(thread)
        if not note.has_focus:
            with note.prevent(Input.Changed):
                note.value = note_to_field(review.note) if review else ""
        note.disabled = review is None
        self._show_hint(thread)

    def _show_hint(self, thread: ActionThread) -> None:
        review = self._review(thread)
        hint = ""
        if review is None:
            hint = _("Choose d, o or x; undecided actions stay open.")
        elif review.decision == "dropped" and not review.note.strip():
            hint = ngettext(
                "A dropped action needs a note: why is it dropped?",
                "Dropped actions need a note: why are they dropped? One note for the {n} dropped together.",
                len(self._note_targets),
            ).format(n=len(self._note_targets))
        undecided = sum(1 for t in self.actions if self._decision(t) is None)
        if undecided and review is not None:
            hint = (hint + "\n" if hint else "") + _("{n} more not decided.").format(n=undecided)
        self.query_one("#actions-hint", Static).update(Text(hint, style="bold"))

    def _refresh_row(self, thread: ActionThread, row: int | None = None) -> None:
        if row is None:
            if thread not in self.rows:
                return
            row = self.rows.index(thread)
        table = self.query_one("#actions", DataTable)
        for column, cell in enumerate(self._cells(thread)):
            table.update_cell_at(Coordinate(row, column), cell)

    # ----------------------------------------------------------------------------- events

    @on(DataTable.RowHighlighted, "#actions")
    def _highlighted(self) -> None:
        self._show_current()

    @on(Input.Changed, "#review-note")
    def _note_changed(self, event: Input.Changed) -> None:
        note = note_from_field(event.value)
        reviewed = [(thread, self._review(thread)) for thread in self._note_targets]
        for decision in {review.decision for _thread, review in reviewed if review is not None}:
            self._decide(
                [thread for thread, review in reviewed if review is not None and review.decision == decision], decision, note
            )
        if self.current is not None:
            self._show_hint(self.current)

    @on(Input.Changed, "#actions-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    def _apply_filter(self, text: str) -> None:
        keep = self.current
        self._filter = text.strip()
        needle = self._filter.casefold()
        if needle:
            self.rows = [
                t
                for t in self.actions
                if needle in t.owner.casefold() or needle in t.what.casefold() or needle in t.item or needle in t.id
            ]
        else:
            self.rows = list(self.actions)
        self._build_table(keep=keep)

    # ----------------------------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        table = self.query_one("#actions", DataTable)
        if self.rows:
            table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.rows) - 1)), animate=False)
        if isinstance(self.focused, Input):
            table.focus()

    def action_mark(self) -> None:
        thread = self.current
        if thread is None:
            self.app.bell()
            return
        self.marked ^= {id(thread)}
        self._refresh_row(thread)
        self.action_move(1)
        self._show_position()

    def action_mark_all(self) -> None:
        """Mark every row shown; when all of them are marked already, unmark them."""
        shown = {id(t) for t in self.rows}
        self.marked = self.marked - shown if shown <= self.marked else self.marked | shown
        for row, thread in enumerate(self.rows):
            self._refresh_row(thread, row)
        self._show_position()

    def _decide(self, threads: list[ActionThread], decision: str | None, note: str | None = None) -> None:
        """One decision for ``threads``, saved at once; a thread already reviewed keeps the
        action its review names."""
        keys = []
        for thread in threads:
            review = self._review(thread)
            keys.append(review.action_key if review is not None else thread.key)
        self.session.set_reviews(keys, decision, note)
        self._index = None

    def action_decide(self, decision: str) -> None:
        marked = [t for t in self.actions if id(t) in self.marked]
        targets = marked or ([self.current] if self.current is not None else [])
        if not targets:
            self.app.bell()
            return
        self._decide(targets, decision)
        self.marked.clear()
        for thread in targets:
            self._refresh_row(thread)
        needs_note = decision == "dropped" and any(
            (review := self._review(t)) is None or not review.note.strip() for t in targets
        )
        if needs_note:
            # One note for everything dropped together; the row in focus shows it.
            self._note_targets = targets
            if self.current not in targets:
                self.query_one("#actions", DataTable).move_cursor(row=self.rows.index(targets[0]), animate=False)
            self._show_current()
            self.query_one("#review-note", Input).focus()  # a drop needs a reason
            return
        if not marked:
            self.action_move(1)  # decided: on to the next one
        self._show_current()

    def action_decide_none(self) -> None:
        """Take this run's decision about the thread in focus (or the marked ones) back."""
        marked = [t for t in self.actions if id(t) in self.marked]
        targets = marked or ([self.current] if self.current is not None else [])
        self._decide([t for t in targets if self._review(t) is not None], None)
        self.marked.clear()
        for thread in targets:
            self._refresh_row(thread)
        self._show_current()

    def action_filter(self) -> None:
        field = self.query_one("#actions-filter", Input)
        field.display = True
        field.focus()

    def action_edit_note(self) -> None:
        thread = self.current
        if thread is None or self._review(thread) is None:
            self.app.bell()
            return
        self.query_one("#review-note", Input).focus()

    def action_leave(self) -> None:
        """``escape``: from the filter (clearing it) or the note back to the list; from the list
        on to the checklist."""
        focused = self.focused
        if isinstance(focused, Input):
            if focused.id == "actions-filter":
                focused.value = ""
                focused.display = False
            self.query_one("#actions", DataTable).focus()
            return
        self.dismiss(None)

    def action_submit(self) -> None:
        """``enter``: the filter or note is done, back to the list (after a note, on to the next
        row); from the list on to the checklist."""
        focused = self.focused
        if isinstance(focused, Input):
            table = self.query_one("#actions", DataTable)
            if focused.id == "actions-filter":
                focused.display = bool(focused.value.strip())
                table.focus()
                return
            table.focus()
            targets = self._note_targets
            self._note_targets = []
            last = max((self.rows.index(t) for t in targets if t in self.rows), default=None)
            if last is not None:
                table.move_cursor(row=min(last + 1, len(self.rows) - 1), animate=False)
            self._show_current()
            return
        self.dismiss(None)
