"""The run screen: one item at a time, answered by keys, with notes and actions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, Literal, overload

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from kundencheck.core.answers import still_needed
from kundencheck.core.checklist import Item, Kind
from kundencheck.core.dates import due_date_words
from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import N_, _, ngettext
from kundencheck.core.text import clean_text, one_line
from kundencheck.rich_texts import first_use_text
from kundencheck.session import RunSession
from kundencheck.tui.editor import note_from_field, note_to_field
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.clean_input import CleanInput
from kundencheck.tui.widgets.item_list import ItemList
from kundencheck.tui.widgets.progress_line import ProgressLine
from kundencheck.tui.widgets.question import TRAFFIC_KEYS, QuestionPanel, answer_symbol
from kundencheck.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from types import EllipsisType

    from kundencheck.core.answers import Answer
    from kundencheck.core.checklist import AnswerValue
    from kundencheck.core.history import Gap

#: Notes longer than this are not put into the one-line note field (see _fill_note_field).
NOTE_FIELD_LIMIT = 2_000


def tone_hint_text(words: list[str]) -> str:
    """The quiet hint under a note with listed words about the client in it (core/tone.py)."""
    shown = ", ".join(f"'{one_line(word, 40)}'" for word in words[:3])
    return _("tone: {words} — is the client being judged?").format(words=shown)


class RunScreen(TranslatedBindings, Screen[None]):
    """Walks through the visible items of the session's checklist."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The ids are what a user remaps in the [keys] table of their user config (README:
        # "Remapping keys"); keep them stable.
        Binding("down,j", "move(1)", N_("Next"), show=False, id="next-item"),
        Binding("up,k", "move(-1)", N_("Previous"), show=False, id="previous-item"),
        *[Binding(str(d), f"digit('{d}')", show=False) for d in range(10)],
        Binding("n", "edit_note", N_("Note"), id="edit-note"),
        Binding("p", "participants", N_("Who is answering"), show=False, id="participants"),
        # priority: the note Input would take ctrl+e as "end of line" (kept in the other inputs).
        Binding("ctrl+e", "external_editor", N_("Note in $EDITOR"), show=False, priority=True, id="external-editor"),
        Binding("ctrl+s", "review", N_("Review"), priority=True, id="review"),
        Binding("f2", "review", N_("Review"), show=False, id="review-f2"),
        Binding("escape", "leave_input", N_("Back to items"), show=False, id="back-to-items"),
        Binding("question_mark,f1", "app.help", N_("Help"), id="help"),
        Binding("q", "app.quit", N_("Quit"), id="quit"),
        # Shown only where they can work: with a project (home), with open actions.
        Binding("g", "go_home", N_("Home"), id="home"),
        Binding("a", "review_actions", N_("Actions"), id="review-actions"),
        # In the action box: a new, separate action instead of joining the item's open one.
        Binding("ctrl+t", "separate_action", N_("Separate action"), show=False, priority=True, id="separate-action"),
    ]

    def __init__(self, session: RunSession) -> None:
        super().__init__()
        self.session = session
        self._visible: list[Item] = []
        #: item id -> what its label in the list shows now (symbol, answered), to redraw only changes.
        self._label_keys: dict[str, tuple[str, bool]] = {}
        self._actions_offered = False

    # ----------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield ProgressLine(id="progress")
        project = getattr(self.session, "project", None)
        if project is not None and not project.set_up:
            yield Static(Text(first_use_text(), style="dim"), id="first-use", markup=False)
        with Horizontal(id="run-body"):
            yield ItemList(id="items")
            with VerticalScroll(id="item-pane"):
                yield QuestionPanel(id="question")
                # The answer field (text and date items) and the action box come when an item
                # first needs them (_value_input, _action_box): most items are traffic lights
                # with no action, and the first frame is quicker without five hidden widgets.
                # The note field, last in the pane, comes just after the first frame
                # (_note_field): every sprint start waits for that frame, not for the field.
                yield Static(id="hint", markup=False)
        yield Footer()

    @overload
    def _value_input(self, *, create: Literal[True] = True) -> Input: ...
    @overload
    def _value_input(self, *, create: bool) -> Input | None: ...
    def _value_input(self, *, create: bool = True) -> Input | None:
        """The field that takes a text or date answer; made on first use (None: not yet, and
        ``create`` is false)."""
        try:
            return self.query_one("#value-input", Input)
        except NoMatches:
            if not create:
                return None
        field = CleanInput(id="value-input", compact=True)
        self.query_one("#item-pane").mount(field, after="#question")
        self.query_one("#item-pane").mount(Static(id="value-understood", markup=False), after=field)
        return field

    @overload
    def _note_field(self, *, create: Literal[True] = True) -> Input: ...
    @overload
    def _note_field(self, *, create: bool) -> Input | None: ...
    def _note_field(self, *, create: bool = True) -> Input | None:
        """The note field under the hint; made after the first frame, or earlier on first use
        (None: not yet, and ``create`` is false). Made, it shows the current item's note."""
        try:
            return self.query_one("#note-input", Input)
        except NoMatches:
            if not create:
                return None
        # Not all selected on focus: a key typed into a note adds to it, never replaces it.
        field = CleanInput(
            id="note-input", placeholder=_("Note (n or tab): why this answer?"), compact=True, select_on_focus=False
        )
        self.query_one("#item-pane").mount(field, after="#hint")
        item = self.current
        answer = self.session.run.answer(item.id) if item is not None else None
        self._fill_note_field(answer.note if answer else "", field)
        return field

    def _note_field_after_first_frame(self) -> None:
        if self.query_one("#item-pane").is_attached:  # not when the app ended at once (q)
            self._note_field()

    @overload
    def _tone_hint(self, *, create: Literal[True] = True) -> Static: ...
    @overload
    def _tone_hint(self, *, create: bool) -> Static | None: ...
    def _tone_hint(self, *, create: bool = True) -> Static | None:
        """The quiet line under the note field naming listed words about the client in the
        note (core/tone.py); made the first time a note has one."""
        try:
            return self.query_one("#tone-hint", Static)
        except NoMatches:
            if not create:
                return None
        hint = Static(id="tone-hint", markup=False)
        field = self._note_field(create=False)
        self.query_one("#item-pane").mount(hint, after=field if field is not None else "#hint")
        return hint

    def _show_tone(self, note: str) -> None:
        """The tone hint for ``note``: "tone: 'stubborn' — is the client being judged?", or
        nothing. Never blocks anything: the note is saved as typed."""
        words = self.session.tone_in(note)
        hint = self._tone_hint(create=bool(words))
        if hint is None:
            return
        hint.display = bool(words)
        if words:
            hint.update(Text(tone_hint_text(words), style="italic"))

    @overload
    def _action_box(self, *, create: Literal[True] = True) -> Vertical: ...
    @overload
    def _action_box(self, *, create: bool) -> Vertical | None: ...
    def _action_box(self, *, create: bool = True) -> Vertical | None:
        """The box with an action's what, owner and due date; made on first use. Its fields
        are mounted one by one, so they can be queried (and filled) at once."""
        try:
            return self.query_one("#action-box", Vertical)
        except NoMatches:
            if not create:
                return None
        box = Vertical(id="action-box")
        self.query_one("#item-pane").mount(box)
        # A caption before each field (a placeholder is gone once something is typed); owner
        # and due side by side, so the whole form fits under the question at 80x24. "What" and
        # "Owner" are as wide as the wider of the two: their fields start in one column.
        what, owner, due = _("What"), _("Owner"), _("Due")
        width = max(cell_len(what), cell_len(owner)) + 1
        what_row, owner_row = Horizontal(classes="action-row"), Horizontal(classes="action-row")
        box.mount(
            Static(Text(_("Action: what will we do, who, by when?"), style="bold"), id="action-label", markup=False),
            Static(id="action-gap", markup=False),
            Static(id="action-thread", markup=False),
            what_row,
            owner_row,
            Static(id="due-understood", markup=False),
        )
        # Mounted one by one into mounted rows, so the fields can be queried (and filled) at once.
        what_row.mount(
            Static(what, classes="action-caption", markup=False).set_styles(f"width: {width};"),
            CleanInput(id="action-what", placeholder=_("what will be done"), compact=True),
        )
        owner_row.mount(
            Static(owner, classes="action-caption", markup=False).set_styles(f"width: {width};"),
            CleanInput(id="action-owner", placeholder=_("a name"), compact=True),
            Static(due, classes="action-caption", id="due-caption", markup=False).set_styles(f"width: {cell_len(due) + 2};"),
            CleanInput(id="action-due", placeholder=_("31.12., +7 or fr"), compact=True),
        )
        return box

    def _focus_action(self) -> None:
        """Into the action's first field, with the whole form scrolled into view."""
        self._action_field("what").focus()
        self.call_after_refresh(self._action_box().scroll_visible, animate=False)

    def _action_field(self, name: str) -> Input:
        """One of the action box's fields: "what", "owner" or "due"."""
        return self._action_box().query_one(f"#action-{name}", Input)

    def on_mount(self) -> None:
        self.title = clean_text(self.session.checklist.title)
        self.sub_title = self._sub_title()
        self._rebuild_items(keep=None)
        self._select(0)
        items = self.query_one("#items", OptionList)
        items.focus()
        self.call_after_refresh(self._note_field_after_first_frame)
        if self.session.previous is None:
            self.call_after_refresh(self._load_previous)  # after the first frame is drawn
        if self.session.open_actions is None or not self.session.history_read:
            # Also when the open actions are known: the commit subject needs the sprint before.
            self.call_after_refresh(self._load_actions)
        else:
            self.call_after_refresh(self._actions_known)

    def _sub_title(self) -> str:
        """Phase and sprint, and whether the run is a correction."""
        sub_title = f"{self.session.run.phase} · {one_line(self.session.run.sprint, 20)}"
        if self.session.run.corrects:
            sub_title += " · " + _("correction")
        return sub_title

    @work(thread=True, exit_on_error=False, group="open-actions")
    def _load_actions(self) -> None:
        # The phase's open actions from earlier runs, reviewed before the checklist (unless the
        # home screen handed them over), then the sprint before, for the commit subject.
        if self.session.open_actions is None:
            try:
                self.session.load_open_actions()
            except KundencheckError:
                return  # the run works without the review; `a` tries again
        self.app.call_from_thread(self._actions_known)
        if not self.session.history_read:
            try:
                self.session.load_before()
                if not self.session.run.corrects and self.session.load_gaps():
                    self.app.call_from_thread(self._gaps_known)
            except KundencheckError:
                pass  # the subject then counts every key signal as new; the commit still works

    def _gaps_known(self) -> None:
        """The client's perception gaps are known: the item in focus may offer an action now."""
        if self.current is not None:
            self._show_action(self.current)
            self._show_hint(self.current)

    def _actions_known(self) -> None:
        """Start with the action review when there is something to decide and nothing has been
        answered yet; otherwise the hint says how many are open (``a`` opens the review)."""
        self.refresh_bindings()
        undecided = self._undecided_actions()
        if (
            undecided
            and not self._actions_offered
            and self.app.screen is self
            and not any(a.value not in (None, "") for a in self.session.run.answers)
        ):
            self._actions_offered = True
            self.action_review_actions()
        elif self.current is not None:
            self._show_hint(self.current)
            if self._action_box(create=False) is not None:
                self._show_thread(self.current)  # the open threads are known now

    def _undecided_actions(self) -> int:
        return self.session.undecided_count()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_home":
            return getattr(self.app, "project", None) is not None
        if action == "review_actions":
            return bool(self.session.open_actions)
        return True

    @work(thread=True, exit_on_error=False)
    def _load_previous(self) -> None:
        # Reading history must never hold up the first screen; "last time" appears when ready.
        try:
            found = self.session.load_previous()
        except KundencheckError:
            return  # "last time" is a help, not a must: the run works without it
        if found is not None:
            self.app.call_from_thread(self._show_current)

    # ----------------------------------------------------------------------------- state

    @property
    def current(self) -> Item | None:
        index = self.query_one("#items", OptionList).highlighted
        if index is None or not self._visible:
            return None
        return self._visible[min(index, len(self._visible) - 1)]

    def _rebuild_items(self, keep: str | None) -> None:
        """Refresh the item list; conditions may have shown or hidden items."""
        visible = self.session.visible_items()
        items = self.query_one("#items", ItemList)
        if [i.id for i in visible] != [i.id for i in self._visible]:
            self._visible = visible
            items.set_options([Option(self._item_label(i), id=i.id) for i in visible])
            self._fit_item_list(items)
            if keep is not None:
                ids = [i.id for i in visible]
                items.highlighted = ids.index(keep) if keep in ids else 0
        else:  # the same items: change only the labels that changed (usually one)
            answers = {a.item: a for a in self.session.run.answers}
            for n, item in enumerate(visible):
                answer = answers.get(item.id)
                if self._label_keys.get(item.id) != self._label_key(item, answer):
                    items.set_prompt(n, self._item_label(item, answer))
        self._update_progress()

    #: Cells the item list needs beside its labels: the option's padding, the border and the
    #: scroll bar (see kundencheck.tcss).
    ITEM_LIST_FRAME = 7

    def _fit_item_list(self, items: OptionList) -> None:
        """As wide as the longest item name (the CSS caps it, so the question keeps its room):
        a name is never wrapped onto two lines, and a short list leaves the question more room."""
        from rich.cells import cell_len

        longest = max((cell_len(item.label) for item in self.session.checklist.items), default=10)
        items.styles.width = max(20, longest + 2 + self.ITEM_LIST_FRAME)

    def _label_key(self, item: Item, answer: Answer | None) -> tuple[str, bool]:
        return answer_symbol(item, answer), bool(answer and answer.value not in (None, ""))

    def _item_label(self, item: Item, answer: Answer | EllipsisType | None = ...) -> Text:
        if answer is ...:
            answer = self.session.run.answer(item.id)
        self._label_keys[item.id] = self._label_key(item, answer)
        symbol = answer_symbol(item, answer)
        # The item by its short title as the reports name it (its id where it has none; the
        # question pane shows the id, small, above the question). One line, however narrow the
        # list: cut short with "…" rather than wrapped into a second line that reads as another item.
        text = Text(f"{symbol} ", style="bold", no_wrap=True, overflow="ellipsis")
        text.append(item.label, style="" if answer and answer.value not in (None, "") else "dim")
        return text

    def _update_progress(self) -> None:
        answered, total = self.session.answered_count()
        self.query_one("#progress", ProgressLine).show(
            _("Answered {answered} of {total}").format(answered=answered, total=total), answered, total
        )

    def _select(self, index: int) -> None:
        items = self.query_one("#items", OptionList)
        if self._visible:
            items.highlighted = max(0, min(index, len(self._visible) - 1))
        self._show_current()

    def _show_current(self) -> None:
        item = self.current
        if item is None:
            return
        answer = self.session.run.answer(item.id)
        position = self._visible.index(item) + 1
        self.query_one(QuestionPanel).show_item(item, position, len(self._visible), answer, self.session.previous_answer(item.id))
        takes_typing = item.kind in (Kind.TEXT, Kind.DATE)
        value_input = self._value_input(create=takes_typing)
        if value_input is not None:
            value_input.display = takes_typing
        if value_input is not None and takes_typing:
            value_input.placeholder = _("2026-12-31, 31.12., +7 or fr") if item.kind is Kind.DATE else _("Your answer")
            value = answer.value if answer else None
            with value_input.prevent(Input.Changed):
                value_input.value = value.isoformat() if isinstance(value, dt.date) else str(value or "")
        understood = self._understood_line("value", create=False)
        if understood is not None:
            understood.display = item.kind is Kind.DATE
            self._show_understood(understood, value_input.value if value_input is not None else "")
        self._fill_note_field(answer.note if answer else "")
        self._show_action(item)
        self._show_hint(item)

    def _fill_note_field(self, note: str, field: Input | None = None) -> None:
        """The note in the one-line note field; a very long one shortened and read-only there.

        Drawing a field that holds a megabyte costs seconds a frame (and again at every cursor
        blink), so a note over NOTE_FIELD_LIMIT characters is shown by its start and its length
        and edited whole in $EDITOR (ctrl+e); typing can never cut it short.
        """
        if field is None:
            field = self._note_field(create=False)
        if field is None:
            return  # not made yet: it takes the current item's note when it is (_note_field)
        long_note = len(note) > NOTE_FIELD_LIMIT
        shown = note_to_field(note[:200]).rstrip() if long_note else note_to_field(note)
        if long_note:
            shown = _("({n:,} characters, ctrl+e edits them) ").format(n=len(note)) + shown + " …"
        if field.has_focus and long_note:
            self.query_one("#items", OptionList).focus()
        with field.prevent(Input.Changed):
            field.value = shown
        field.disabled = long_note
        self._show_tone(note)

    def _show_action(self, item: Item) -> None:
        answer = self.session.run.answer(item.id)
        value = answer.value if answer else None
        has_action = bool(answer and answer.action and answer.action.what)
        gap = self.session.gaps.get(item.id)
        shown = item.needs_action(value) or has_action or gap is not None
        box = self._action_box(create=shown)
        if box is None:
            return
        box.display = shown
        self._show_gap(gap)
        action = answer.action if answer else None
        for name, text in (
            ("what", action.what if action else ""),
            ("owner", action.owner if action else ""),
            ("due", action.due.isoformat() if action and action.due else ""),
        ):
            widget = self._action_field(name)
            if not widget.has_focus:
                with widget.prevent(Input.Changed):
                    widget.value = text
        self._show_understood(self._understood_line("due"), self._action_field("due").value)
        self._show_thread(item)

    def _show_gap(self, gap: Gap | None) -> None:
        """Above the action: that the client sees the item otherwise (a perception gap), and that
        an action on it answers the gap."""
        label = self._action_box().query_one("#action-gap", Static)
        label.display = gap is not None
        if gap is None:
            return
        from kundencheck.core.report import GAP, answer_text

        checklist = self.session.checklist
        client = answer_text(gap.client.value, gap.client.kind, checklist, gap.item, gap.client.band)
        team = answer_text(gap.team.value, gap.team.kind, checklist, gap.item, gap.team.band)
        label.update(
            Text(
                _(
                    "{gap} The client answered {client} in sprint {sprint}, the team {team}: an action on the item "
                    "answers this perception gap."
                ).format(gap=GAP, client=client, team=team, sprint=one_line(gap.sprint, 20)),
                style="bold yellow",
            )
        )

    def _show_thread(self, item: Item) -> None:
        """Which open action the item's action joins, or that it is a separate one (ctrl+t)."""
        label = self._action_box().query_one("#action-thread", Static)
        thread = self.session.joined_thread(item.id, separate=False)
        if thread is None:
            label.display = False
            return
        label.display = True
        answer = self.session.run.answer(item.id)
        owner = one_line(thread.owner, 30) or "?"
        if answer is not None and answer.action is not None and answer.action.separate:
            label.update(
                Text(
                    _("A new, separate action; ctrl+t adds it to the open action {id} ({what}) instead.").format(
                        id=thread.id, what=one_line(thread.what, 60)
                    ),
                    style="dim",
                )
            )
        else:
            label.update(
                Text(
                    _("Joins the open action {id}: {what} ({owner}, {due}); ctrl+t makes it a new, separate one.").format(
                        id=thread.id, what=one_line(thread.what, 60), owner=owner, due=due_date_words(thread.due)
                    ),
                    style="dim",
                )
            )

    def _today(self) -> dt.date:
        """Today, as the app sees it (tests fix it)."""
        return getattr(self.app, "today", dt.date.today)()

    def _parse_date(self, text: str) -> dt.date | None:
        """A date as people type it: 2026-12-31, 31.12.2026, 31.12., +7, fr, friday, freitag."""
        from kundencheck.core.dates import parse_typed_date

        return parse_typed_date(text, self._today())

    @overload
    def _understood_line(self, field: str, *, create: Literal[True] = True) -> Static: ...
    @overload
    def _understood_line(self, field: str, *, create: bool) -> Static | None: ...
    def _understood_line(self, field: str, *, create: bool = True) -> Static | None:
        """The line under the due date ("due") or a date answer ("value") saying what the typed
        date was understood as."""
        try:
            return self.query_one(f"#{field}-understood", Static)
        except NoMatches:
            if not create:
                return None
        (self._action_box() if field == "due" else self._value_input())
        return self.query_one(f"#{field}-understood", Static)

    def _show_understood(self, line: Static, typed: str) -> None:
        """``→ Fri 2026-12-11`` for a typed date; how to type one when it is not (yet) a date."""
        from kundencheck.core.dates import date_shown

        line.display = bool(typed.strip())
        if not typed.strip():
            line.update("")
            return
        date = self._parse_date(typed)
        if date is None:
            line.update(
                Text(_("✘ not a date (yet): type 2026-12-31, 31.12.2026, 31.12., +7 or a weekday such as fr"), style="bold red")
            )
        else:
            line.update(Text("→ " + date_shown(date), style="bold"))

    def _show_hint(self, item: Item, extra: str = "") -> None:
        needs = still_needed(item, self.session.run.answer(item.id))
        hints = []
        corrected = self.session.corrected
        if corrected is not None:
            from kundencheck.core.people import author_name

            hints.append(
                _("A correction of the answers of {who} (run {run}): change what was wrong; the review asks why.").format(
                    who=one_line(author_name(corrected.author), 40), run=corrected.id
                )
            )
        if extra:
            hints.append(extra)
        if item.anonymous and not self.session.run.meeting:  # a meeting's answers are the team's
            hints.append(
                _(
                    "Anonymous in the sprint meeting only: answered here, your answer carries your name in the "
                    "commit. For an answer without your name, answer it together in `kundencheck meeting`."
                )
            )
        if needs.note:
            hints.append(_("This answer needs a note: why? (n)"))
        if needs.action:
            words = {"what": _("what"), "owner": _("owner"), "due": _("due date")}
            hints.append(
                _("This answer needs an action; still missing: {parts}.").format(
                    parts=", ".join(words[part] for part in needs.action)
                )
            )
        answer = self.session.run.answer(item.id)
        if item.id in self.session.gaps and not needs.action and not (answer and answer.raised_action):
            hints.append(_("≠ The client sees this item otherwise: record an action on it (n, then enter)."))
        answered, total = self.session.answered_count()
        if not hints and answered == total and total:
            hints.append(_("All answered. Press ctrl+s (or F2) to review and commit."))
        if self.session.draft_error:
            hints.append(self.session.draft_error)
        undecided = self._undecided_actions()
        if undecided:
            hints.append(
                ngettext(
                    "{n} open action from earlier runs not decided yet: press a.",
                    "{n} open actions from earlier runs not decided yet: press a.",
                    undecided,
                ).format(n=undecided)
            )
        hint = self.query_one("#hint", Static)
        hint.update(Text("\n".join(hints), style="bold"))
        hint.display = bool(hints)  # no empty line where there is nothing to say

    # ----------------------------------------------------------------------------- events

    @on(OptionList.OptionHighlighted, "#items")
    def _highlighted(self) -> None:
        self._show_current()

    @on(OptionList.OptionSelected, "#items")
    def _selected(self) -> None:
        item = self.current
        if item and item.kind in (Kind.TEXT, Kind.DATE):
            self._value_input().focus()

    @on(Input.Changed, "#note-input")
    def _note_changed(self, event: Input.Changed) -> None:
        if self.current:
            note = note_from_field(event.value)
            self.session.set_note(self.current.id, note)
            self._show_hint(self.current)
            self._show_tone(note)

    @on(Input.Changed, "#action-what")
    def _what_changed(self, event: Input.Changed) -> None:
        if self.current:
            self.session.set_action(self.current.id, what=event.value)
            self._show_hint(self.current)

    @on(Input.Changed, "#action-owner")
    def _owner_changed(self, event: Input.Changed) -> None:
        if self.current:
            self.session.set_action(self.current.id, owner=event.value)
            self._show_hint(self.current)

    @on(Input.Changed, "#action-due")
    def _due_changed(self, event: Input.Changed) -> None:
        if self.current:
            self.session.set_action(self.current.id, due=self._parse_date(event.value))
            self._show_understood(self._understood_line("due"), event.value)
            self._show_hint(self.current)

    @on(Input.Changed, "#value-input")
    def _value_changed(self, event: Input.Changed) -> None:
        item = self.current
        if item is None:
            return
        if item.kind is Kind.TEXT:
            self.session.set_value(item.id, event.value if event.value.strip() else None)
            self._refresh_after_answer(item)
        elif item.kind is Kind.DATE:
            self.session.set_value(item.id, self._parse_date(event.value))
            self._show_understood(self._understood_line("value"), event.value)
            self._refresh_after_answer(item)

    @on(Input.Submitted, "#value-input")
    def _value_submitted(self, event: Input.Submitted) -> None:
        item = self.current
        if item is None:
            return
        if item.kind is Kind.DATE and event.value.strip() and self._parse_date(event.value) is None:
            self._show_hint(
                item, _("{text!r} is not a date; type it as 2026-12-31, 31.12., +7 or fr.").format(text=one_line(event.value, 30))
            )
            return
        self._after_answer(item)

    @on(Input.Submitted, "#note-input")
    def _note_submitted(self) -> None:
        item = self.current
        if item is None:
            return
        answer = self.session.run.answer(item.id)
        gap_without_action = item.id in self.session.gaps and not (answer and answer.raised_action)
        if still_needed(item, answer).action or gap_without_action:
            self._focus_action()
        else:
            self._advance()

    @on(Input.Submitted, "#action-what")
    def _what_submitted(self) -> None:
        self._action_field("owner").focus()

    @on(Input.Submitted, "#action-owner")
    def _owner_submitted(self) -> None:
        self._action_field("due").focus()

    @on(Input.Submitted, "#action-due")
    def _due_submitted(self, event: Input.Submitted) -> None:
        item = self.current
        if item and event.value.strip() and self._parse_date(event.value) is None:
            self._show_hint(
                item, _("{text!r} is not a date; type it as 2026-12-31, 31.12., +7 or fr.").format(text=one_line(event.value, 30))
            )
            return
        self._advance()

    # ----------------------------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        items = self.query_one("#items", OptionList)
        focused_input = isinstance(self.focused, Input)
        index = (items.highlighted or 0) + step
        self._select(index)
        if focused_input:
            self._focus_for_current()

    def _focus_for_current(self) -> None:
        item = self.current
        if item and item.kind in (Kind.TEXT, Kind.DATE):
            self._value_input().focus()
        else:
            self.query_one("#items", OptionList).focus()

    def action_digit(self, key: str) -> None:
        item = self.current
        if item is None:
            return
        value = self._value_for_key(item, key)
        if value is None:
            self.app.bell()
            return
        self.session.set_value(item.id, value)
        self._after_answer(item)

    @staticmethod
    def _value_for_key(item: Item, key: str) -> AnswerValue | None:
        if item.kind is Kind.TRAFFIC_LIGHT:
            return TRAFFIC_KEYS.get(key)
        if item.kind is Kind.SCALE:
            return int(key) if key in "12345" else None
        if item.kind is Kind.CHOICE:
            n = int(key)
            return item.options[n - 1].id if 1 <= n <= len(item.options) else None
        return None

    def _refresh_after_answer(self, item: Item) -> None:
        self._rebuild_items(keep=item.id)
        self.query_one(QuestionPanel).show_item(
            item,
            self._visible.index(item) + 1,
            len(self._visible),
            self.session.run.answer(item.id),
            self.session.previous_answer(item.id),
        )
        self._show_action(item)
        self._show_hint(item)

    def _after_answer(self, item: Item) -> None:
        """Ask for what the answer demands (note, action), else move on."""
        self._refresh_after_answer(item)
        needs = still_needed(item, self.session.run.answer(item.id))
        if needs.note:
            self._note_field().focus()
        elif needs.action:
            self._focus_action()
        else:
            self._advance()

    def _advance(self) -> None:
        items = self.query_one("#items", OptionList)
        index = items.highlighted or 0
        if index + 1 < len(self._visible):
            self._select(index + 1)
        else:
            self._show_current()
        self._focus_for_current()

    def action_edit_note(self) -> None:
        self._note_field().focus()

    def action_external_editor(self) -> None:
        """Write the current item's note in $VISUAL / $EDITOR (ctrl+e)."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id != "note-input":
            focused.action_end()  # what ctrl+e does in any other input field
            return
        item = self.current
        if item is None:
            return
        from kundencheck.tui import editor

        answer = self.session.run.answer(item.id)
        note = editor.edit_in_app(self.app, answer.note if answer else "")
        if note is None:
            return
        self.session.set_note(item.id, note)
        self._fill_note_field(note)
        self._show_hint(item)

    def action_leave_input(self) -> None:
        self.query_one("#items", OptionList).focus()

    def action_participants(self) -> None:
        """Who is answering together (p): recent authors to pick from, or typed as Name <email>."""
        from kundencheck.tui.screens.participants import ParticipantsScreen

        def chosen(people: list[str] | None) -> None:
            if people is not None:
                self.session.set_participants(people)

        self.app.push_screen(ParticipantsScreen(self.session), chosen)

    def action_review(self) -> None:
        from kundencheck.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.session))

    def action_go_home(self) -> None:
        """Back to the home screen; this run stays as it is (and is saved as a draft)."""
        home = getattr(self.app, "action_home", None)
        if home is None:
            self.app.bell()
            return
        home()

    def action_separate_action(self) -> None:
        """ctrl+t: the current item's action a new, separate one, or (again) joining the item's
        open action thread."""
        item = self.current
        box = self._action_box(create=False)
        if item is None or box is None or not box.display or self.session.joined_thread(item.id, separate=False) is None:
            self.app.bell()
            return
        answer = self.session.run.answer(item.id)
        separate = answer is not None and answer.action is not None and answer.action.separate
        self.session.set_separate(item.id, not separate)
        self._show_thread(item)

    def action_review_actions(self) -> None:
        """The review of the phase's open actions from earlier runs (done, still open, dropped)."""
        from kundencheck.tui.screens.actions import ActionsScreen

        today = getattr(self.app, "today", None)
        self.app.push_screen(ActionsScreen(self.session, today=today), lambda _result: self._back_from_actions())

    def _back_from_actions(self) -> None:
        self.refresh_bindings()
        self._show_current()
