"""Who is answering together: pick people from the repository's recent authors or type them.

Opened with ``p`` on the run screen (and from the command palette). The chosen people go into
the answers file (``participants``) and become ``Co-authored-by`` trailers of the commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.selection_list import Selection

from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import N_, _
from kundencheck.core.people import checked_person, person_key
from kundencheck.core.text import one_line
from kundencheck.tui.screens.dialogs import DialogBox, DialogScreen

if TYPE_CHECKING:

    class PeopleToPick(Protocol):
        """What the people picker asks: who is picked already, and whom to offer. A run's
        session (RunSession) is one; the sprint meeting's Invitees (tui/screens/meeting.py) another."""

        def participants(self) -> list[str]: ...

        def recent_authors(self) -> list[str]: ...


#: How a picked and an unpicked person's line starts; a picked line also ends with "· picked".
PICKED_MARK, UNPICKED_MARK = "[✔]", "[ ]"


class ParticipantList(SelectionList[str]):
    """A SelectionList whose lines say in text whether a person is picked: ``[✔] Name <email>
    · picked`` or ``[ ] Name <email>``.

    SelectionList's own check box tells the two apart by colour only (a bright or a dim X): with
    the ansi-light theme a picked box was a faint yellow X on blue, harder to see than an
    unpicked one's white X. So the box is not drawn; the screen writes the mark and the word into
    each prompt (:meth:`ParticipantsScreen._show_picked`), readable in every theme and without
    colour.
    """

    def render_line(self, y: int) -> Strip:
        return OptionList.render_line(self, y)  # the line without SelectionList's coloured box


class ParticipantsScreen(DialogScreen[list[str]]):
    """Dismissed with the chosen people (``Name <email>`` each), the author left out."""

    DEFAULT_CSS = """
    #participants-list {
        height: auto;
        max-height: 12;
        margin-bottom: 1;
        border: round $primary 50%;  /* the default tall border's half blocks showed beside the box */
    }
    #participants-list:focus {
        border: round $primary;
    }
    #participant-input {
        margin-bottom: 1;
    }
    #participant-error {
        color: $error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "done", N_("Done"))]

    def __init__(self, session: PeopleToPick, *, title: str | None = None, hint: str | None = None) -> None:
        """``session``: what is asked of it is who is picked already (``participants()``) and
        the recent authors (``recent_authors()``); the sprint meeting gives an object of its own
        (tui/screens/meeting.py). ``title`` and ``hint``: the meeting's words for the dialog."""
        super().__init__()
        self.session = session
        self.title_text = title
        self.hint_text = hint

    def compose(self) -> ComposeResult:
        with DialogBox(id="participants-box", classes="dialog"):
            yield Static(Text(self.title_text or _("Who is answering together?"), style="bold"), markup=False)
            yield Static(
                Text(
                    self.hint_text
                    or _("space picks a recent author; type anyone else as Name <email> and press enter. escape: done."),
                    style="dim",
                ),
                markup=False,
            )
            yield ParticipantList(id="participants-list")
            yield Input(id="participant-input", placeholder=_("Name <email>"), compact=True)
            yield Static(id="participant-status", markup=False)
            yield Static(id="participant-error", markup=False)

    def on_mount(self) -> None:
        self._error("")
        for person in self.session.participants():
            self._add(person, selected=True)
        self._status(_("Reading the repository's recent authors…"))
        self.query_one("#participants-list", SelectionList).focus()
        self._load_authors()

    @work(thread=True, exit_on_error=False)
    def _load_authors(self) -> None:
        # `git log` on a big repository takes a moment: the dialog is usable meanwhile.
        try:
            authors = self.session.recent_authors()
        except KundencheckError:
            authors = []  # picking is a help; typing a person still works
        self.app.call_from_thread(self._authors_loaded, authors)

    def _authors_loaded(self, authors: list[str]) -> None:
        for person in authors:
            self._add(person, selected=False)
        self._status("" if authors else _("No other authors found in this repository's recent history."))

    # ----------------------------------------------------------------------------- list

    def _known(self) -> dict[str, int]:
        """e-mail -> index of the person in the list."""
        selections = self.query_one("#participants-list", SelectionList)
        return {person_key(selections.get_option_at_index(n).value): n for n in range(selections.option_count)}

    def _add(self, person: str, *, selected: bool) -> None:
        selections = self.query_one("#participants-list", SelectionList)
        found = self._known().get(person_key(person))
        if found is not None:
            if selected:
                selections.select(selections.get_option_at_index(found).value)
            return
        selections.add_option(Selection(prompt_for(person, selected), person, selected))

    @on(SelectionList.SelectedChanged, "#participants-list")
    def _show_picked(self) -> None:
        selections = self.query_one("#participants-list", SelectionList)
        picked = set(selections.selected)
        for n in range(selections.option_count):
            person = selections.get_option_at_index(n).value
            prompt = prompt_for(person, person in picked)
            if selections.get_option_at_index(n).prompt != prompt:
                selections.replace_option_prompt_at_index(n, prompt)

    def chosen(self) -> list[str]:
        """The selected people, in list order."""
        selections = self.query_one("#participants-list", SelectionList)
        picked = set(selections.selected)
        values = [selections.get_option_at_index(n).value for n in range(selections.option_count)]
        return [value for value in values if value in picked]

    def _status(self, message: str) -> None:
        widget = self.query_one("#participant-status", Static)
        widget.update(Text(message, style="dim"))
        widget.display = bool(message)

    def _error(self, message: str) -> None:
        widget = self.query_one("#participant-error", Static)
        widget.update(Text(one_line(message, 300)))
        widget.display = bool(message)

    # ----------------------------------------------------------------------------- typing

    @on(Input.Submitted, "#participant-input")
    def _typed(self, event: Input.Submitted) -> None:
        if self._take_typed(event.input):
            self.query_one("#participants-list", SelectionList).focus()

    def _take_typed(self, field: Input) -> bool:
        """Add what is typed in ``field``; False (and a message) when it is not Name <email>."""
        if not field.value.strip():
            self._error("")
            return True
        try:
            person = str(checked_person(field.value))
        except KundencheckError as exc:
            self._error(str(exc))
            self.app.bell()
            return False
        self._add(person, selected=True)
        field.value = ""
        self._error("")
        return True

    def action_done(self) -> None:
        # Something typed but not yet added with enter is not lost silently.
        if self._take_typed(self.query_one("#participant-input", Input)):
            self.dismiss(self.chosen())


def prompt_for(person: str, picked: bool) -> Text:
    """A person's line in the list: mark, name (bold when picked) and, when picked, the word.

    A Text prompt: a name like "[bold]x" is shown as typed, never parsed as markup."""
    if not picked:
        return Text.assemble(UNPICKED_MARK, " ", one_line(person, 120))
    return Text.assemble((PICKED_MARK, "bold"), " ", (one_line(person, 120), "bold"), "  · ", (_("picked"), "bold"))
