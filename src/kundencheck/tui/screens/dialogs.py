"""Small modal screens: help, quit confirmation, draft resume."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.text import one_line
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.flow import FlowStatic, flow

#: The run screen's keys (each screen lists its own as ``HELP_KEYS``; the help shows those of the
#: screen it was opened on). English texts marked for the catalogs; translated where the help
#: shows them (the language is chosen at run time, after this module is imported).
KEYS = [
    ("↑ ↓  j k", N_("move between items")),
    ("1 2 3 0", N_("traffic light: yes / partly / no / not applicable")),
    ("1 … 5", N_("scale items: set the value")),
    ("1 … 9", N_("choice items: pick an option")),
    ("n  tab", N_("write a note for the item")),
    ("enter", N_("in a field: done, go on; on the review: commit")),
    ("escape", N_("leave a field, back to the items")),
    ("p", N_("who is answering together (Co-authored-by)")),
    ("ctrl+s  F2", N_("review the answers and the commit message")),
    ("a", N_("earlier open actions: d done, o open, x dropped")),
    ("g", N_("home: all phases (enter starts a run, h history)")),
    ("e", N_("on home: correct your last run of the phase")),
    ("ctrl+p", N_("command palette: every action by name")),
    ("? F1", N_("this help")),
    ("q  ctrl+q", N_("quit (answers stay as a draft)")),
]


ResultType = TypeVar("ResultType")


class DialogScreen(TranslatedBindings, ModalScreen[ResultType]):
    """A box in the middle of the screen over the one below; its box has the class "dialog"."""

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    .dialog {
        width: 70;
        max-width: 95%;
        height: auto;
        max-height: 100%;  /* taller than the terminal: the box scrolls, its border stays */
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    .dialog Static {
        margin-bottom: 1;
    }
    """


def key_line(text: str) -> FlowStatic:
    """A dialog's keys, ``y: quit    n / escape: stay``: each key with what it does kept on one
    line (the parts are four spaces apart, in every language)."""
    parts = [Text(part.strip(), style="dim") for part in text.split("    ") if part.strip()]
    line = FlowStatic()
    line.show(lambda width: flow(parts, width, gap=4))
    return line


class DialogBox(VerticalScroll, can_focus=False):
    """A dialog's box that scrolls when the terminal is shorter than it (its border stays),
    without taking the focus from the fields inside it."""


class HelpScreen(DialogScreen[None]):
    """The keys of the screen it was opened on (its ``HELP_KEYS`` and ``HELP_TITLE``)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "dismiss", N_("Close"))]

    def __init__(self, keys: list[tuple[str, str]] | None = None, title: str | None = None) -> None:
        super().__init__()
        self.keys = keys if keys is not None else KEYS
        self.heading = title if title is not None else N_("Keys on the run screen")

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            table.add_row(key, translate(what))
        # A scrolling box: on a short terminal the arrows scroll it (it has the focus).
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Text(translate(self.heading), style="bold"), markup=False)
            yield Static(table)
            yield Static(Text(_("Press escape to close."), style="dim"), markup=False)


class ConfirmQuitScreen(DialogScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes, quit")),
        Binding("n,escape", "answer(False)", N_("No, stay")),
    ]

    def __init__(self, more: str | None = None) -> None:
        """``more``: what else to say about what is kept (the sprint meeting's votes)."""
        super().__init__()
        self.more = more

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box", classes="dialog"):
            yield Static(Text(_("Quit without committing?"), style="bold"), markup=False)
            yield Static(Text(_("Your answers are kept as a draft; kundencheck offers to resume it next time.")), markup=False)
            if self.more:
                yield Static(Text(self.more), markup=False)
            yield key_line(_("y: quit    n / escape: stay"))

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ResumeDraftScreen(DialogScreen[str]):
    """Offers the newest unfinished draft of this checklist: resume, discard, or leave it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('resume')", N_("Resume")),
        Binding("d", "choose('discard')", N_("Discard")),
        Binding("escape,s", "choose('new')", N_("Start fresh")),
    ]

    def __init__(self, description: str, title: str | None = None) -> None:
        super().__init__()
        self.description = description
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box", classes="dialog"):
            yield Static(Text(self.title_text or _("An unfinished run was found"), style="bold"), markup=False)
            yield Static(Text(one_line(self.description, 300)), markup=False)
            yield key_line(_("r: resume it    d: discard it and start fresh    s / escape: start fresh, keep it"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
