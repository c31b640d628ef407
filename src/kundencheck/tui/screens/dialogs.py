"""Small modal screens: help, quit confirmation, draft resume."""

from __future__ import annotations

from typing import TypeVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.text import one_line

#: English texts marked for the catalogs; translated where the help shows them (the language is
#: chosen at run time, after this module is imported).
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


class DialogScreen(ModalScreen[ResultType]):
    """A box in the middle of the screen over the one below; its box has the class "dialog"."""

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    .dialog {
        width: 70;
        max-width: 95%;
        height: auto;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    .dialog Static {
        margin-bottom: 1;
    }
    """


class HelpScreen(DialogScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", _("Close"))]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, translate(what))
        with Vertical(id="help-box", classes="dialog"):
            yield Static(Text(_("Keys"), style="bold"), markup=False)
            yield Static(table)
            yield Static(Text(_("Press escape to close."), style="dim"), markup=False)


class ConfirmQuitScreen(DialogScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", _("Yes, quit")),
        Binding("n,escape", "answer(False)", _("No, stay")),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box", classes="dialog"):
            yield Static(Text(_("Quit without committing?"), style="bold"), markup=False)
            yield Static(
                Text(_("Your answers are kept as a draft; kundencheck offers to resume it next time.")), markup=False
            )
            yield Static(Text(_("y: quit    n / escape: stay"), style="dim"), markup=False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ResumeDraftScreen(DialogScreen[str]):
    """Offers the newest unfinished draft of this checklist: resume, discard, or leave it."""

    BINDINGS = [
        Binding("r", "choose('resume')", _("Resume")),
        Binding("d", "choose('discard')", _("Discard")),
        Binding("escape,s", "choose('new')", _("Start fresh")),
    ]

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box", classes="dialog"):
            yield Static(Text(_("An unfinished run was found"), style="bold"), markup=False)
            yield Static(Text(one_line(self.description, 300)), markup=False)
            yield Static(
                Text(_("r: resume it    d: discard it and start fresh    s / escape: start fresh, keep it"), style="dim"),
                markup=False,
            )

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
