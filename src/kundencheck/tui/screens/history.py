"""The history screen: the health matrix of a phase's checklist, items down and sprints across.

Each cell is the sprint's representative answer as symbol and word (``✘ no``, ``◐ 3/5``), its
trend arrow against the sprint before and ⚠ where the team disagreed; colour only adds to that.
The panel below shows the cell in focus: the question, everyone's answer and note. The matrix
is :func:`kundencheck.core.report.health_matrix`, the same one the reports draw; the history is
read in a worker, so the screen is there at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from kundencheck.core.errors import KundencheckError
from kundencheck.core.history import TREND_ARROWS, Trend
from kundencheck.core.i18n import N_, _, ngettext, translate
from kundencheck.core.people import author_name
from kundencheck.core.report import (
    BAND_WORDS,
    GAP,
    TREND_WORDS,
    agreed_words,
    client_label,
    corrected_text,
    entry_words,
    votes_words,
)
from kundencheck.core.text import one_line
from kundencheck.rich_texts import legend_parts
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.flow import FlowStatic, flow
from kundencheck.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from kundencheck.session import Project

BAND_STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "na": "dim"}


def cell_text(cell: dict[str, Any] | None, kind: str | None, source: str = "team") -> Text:
    """One matrix cell of an item of ``kind``: symbol and word, the trend arrow, ⚠ on a
    disagreement; in the client's row ≠ on a perception gap."""
    if cell is None:
        return Text("·", style="dim")
    text = Text()
    text.append(one_line(entry_words(cell, kind), 16), style=BAND_STYLES.get(cell["band"], ""))
    arrow = _arrow(cell["trend"])
    if arrow:
        text.append(" " + arrow)
    if cell["disagreement"]:
        text.append(" ⚠", style="bold")
    if cell.get("corrected"):
        text.append(" ✎", style="dim")
    if cell.get("gap") and source == "client":
        text.append(f" {GAP}", style="bold")
    return text


def row_label(row: dict[str, Any]) -> Text:
    """A matrix row's name: the item by its short title, as the reports name it (its id where it
    has none; the cell's details below show the id beside the title), or for the client's
    answers under it, "↳ client"."""
    name = row.get("title") or row["item"]
    if row.get("source") == "client":
        label = _("{item}: client").format(item=name) if row.get("alone") else _("↳ client")
        return Text(one_line(label, 24), style="italic")
    return Text(one_line(name, 24))


def _arrow(trend: str) -> str:
    try:
        return TREND_ARROWS[Trend(trend)]
    except ValueError:
        return ""


class HistoryScreen(TranslatedBindings, Screen[None]):
    """The health matrix of a phase: items down, sprints across; the cell in focus below."""

    # Its own rules: parsed when it is first shown, not before the run screen's first frame.
    DEFAULT_CSS = """
    #history-status, #history-legend {
        padding: 0 1;
    }
    #matrix {
        height: auto;
        max-height: 60%;
    }
    #cell-pane {
        height: 1fr;
        border-top: solid $primary 50%;
        padding: 0 1;
    }
    """

    #: What the help (? or F1) lists here.
    HELP_TITLE = N_("Keys on the history screen")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("↑ ↓ ← →", N_("move between the cells: items down, sprints across")),
        ("", N_("below the matrix: everyone's answer and note in the cell in focus")),
        ("escape", N_("back to the home screen")),
        ("ctrl+p", N_("command palette: every action by name")),
        ("? F1", N_("this help")),
        ("q  ctrl+q", N_("quit")),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="back"),
        Binding("question_mark,f1", "app.help", N_("Help"), id="help"),
        Binding("q", "app.quit", N_("Quit"), id="quit"),
    ]

    def __init__(self, project: Project, phase: str, *, today: Callable[[], dt.date] | None = None) -> None:
        super().__init__()
        self.project = project
        self.phase = phase
        self._today = today or dt.date.today
        #: The matrix (see health_matrix) once read; None before.
        self.matrix: dict[str, Any] | None = None
        self.checklist_id: str | None = None
        #: Runs of this phase dated more than a day after today, left out of the matrix.
        self.future_runs: int = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text(_("Reading history…"), style="dim italic"), id="history-status", markup=False)
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=False)
        with VerticalScroll(id="cell-pane"):
            yield Static(id="cell-detail", markup=False)
        yield FlowStatic(id="history-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("History of {phase}").format(phase=self.phase)
        self.sub_title = ""
        self.query_one("#matrix", DataTable).display = False
        self.query_one("#history-legend", FlowStatic).show(lambda width: flow(legend_parts(), width))
        self._read(self._today())

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def _read(self, today: dt.date) -> tuple[str | None, str, dict[str, Any] | None]:
        from kundencheck.core.report import health_matrix

        summary, _problems = self.project.summary(today)
        self.future_runs = sum(1 for r in summary.future_runs if r.phase == self.phase)
        status = summary.phase(self.phase)
        if status is None or status.last_run is None:
            return None, "", None
        checklist_id = status.last_run.checklist
        checklist = summary.checklists.get(checklist_id)
        title = one_line(checklist.title, 100) if checklist is not None else checklist_id
        pictures = [p for p in summary.pictures_of(checklist_id) if p.phase == self.phase] or summary.pictures_of(checklist_id)
        return checklist_id, title, health_matrix(summary, checklist_id, pictures)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "history":
            return
        status = self.query_one("#history-status", Static)
        if event.state is WorkerState.SUCCESS:
            checklist_id, title, matrix = cast("tuple[str | None, str, dict[str, Any] | None]", event.worker.result)  # _read's
            self.checklist_id, self.matrix = checklist_id, matrix
            if matrix is None or not matrix["rows"]:
                line = Text(_("No runs of the {phase} phase yet: nothing to show.").format(phase=self.phase), style="dim")
                if self.future_runs:
                    line.append("  ")
                    line.append(
                        _("⚠ runs dated in the future, left out: {n} (kundencheck status)").format(n=self.future_runs),
                        style="bold yellow",
                    )
                status.update(line)
                return
            self.sub_title = title
            sprints = len(matrix["sprints"])
            line = Text(
                ngettext(
                    "{phase}: {n} sprint, {items}; arrows move, escape goes back",
                    "{phase}: {n} sprints, {items}; arrows move, escape goes back",
                    sprints,
                ).format(
                    phase=self.phase,
                    n=sprints,
                    items=ngettext("{n} item", "{n} items", len(matrix["rows"])).format(n=len(matrix["rows"])),
                ),
                style="dim",
            )
            if self.future_runs:
                line.append("  ·  ")
                line.append(
                    _("⚠ runs dated in the future, left out: {n} (kundencheck status)").format(n=self.future_runs),
                    style="bold yellow",
                )
            status.update(line)
            if any(row.get("source") == "client" for row in matrix["rows"]):
                extra = [
                    Text(_("↳ client: the client's own answers"), style="dim"),
                    Text(_("{gap} perception gap: team green, client red or amber").format(gap=GAP), style="dim"),
                ]
                self.query_one("#history-legend", FlowStatic).show(lambda width: flow(legend_parts() + extra, width))
            self._fill(matrix)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, KundencheckError) else f"{type(error).__name__}: {error}"
            status.update(Text(_("The history could not be read: ") + one_line(message, 300), style="bold red"))

    def _fill(self, matrix: dict[str, Any]) -> None:
        table = self.query_one("#matrix", DataTable)
        table.clear(columns=True)
        for n, sprint in enumerate(matrix["sprints"]):
            table.add_column(Text(one_line(sprint, 12)), key=str(n))
        for row in matrix["rows"]:
            source = row.get("source", "team")
            table.add_row(
                *(cell_text(c, row["kind"], source) for c in row["cells"]),
                label=row_label(row),
                key=row["item"] if source == "team" else f"{row['item']} {source}",
            )
        table.display = True
        table.focus()
        table.move_cursor(row=0, column=len(matrix["sprints"]) - 1)
        self._show_cell(0, len(matrix["sprints"]) - 1)

    @on(DataTable.CellHighlighted, "#matrix")
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._show_cell(event.coordinate.row, event.coordinate.column)

    def _show_cell(self, row_index: int, column: int) -> None:
        if self.matrix is None or not self.matrix["rows"]:
            return
        row = self.matrix["rows"][min(row_index, len(self.matrix["rows"]) - 1)]
        sprint = self.matrix["sprints"][min(column, len(self.matrix["sprints"]) - 1)]
        cell = row["cells"][min(column, len(row["cells"]) - 1)]
        text = Text()
        text.append(one_line(row.get("title") or row["item"], 64), style="bold")
        if row.get("title"):
            text.append(f" {one_line(row['item'], 64)}", style="dim")
        text.append(" · " + _("sprint {sprint}").format(sprint=one_line(sprint, 20)), style="bold")
        client = row.get("source") == "client"
        if client:
            text.append(" · " + _("the client's view"), style="bold italic")
        if row["question"]:
            text.append("\n" + one_line(row["question"], 300), style="italic")
        if cell is None:
            text.append("\n" + _("· not answered in this sprint"), style="dim")
            self.query_one("#cell-detail", Static).update(text)
            return
        text.append("\n")
        text.append(one_line(entry_words(cell, row["kind"]), 40), style=BAND_STYLES.get(cell["band"], ""))
        trend = cell["trend"]
        if trend in ("better", "same", "worse"):
            text.append(f"  {_arrow(trend)} {translate(TREND_WORDS[trend])}")
        elif trend == "new":
            text.append("  " + _("new"), style="dim")
        if cell["band"] in ("red", "amber") and cell["streak"] >= 2:
            text.append(
                "  " + _("{band} for {n} sprints in a row").format(band=translate(BAND_WORDS[cell["band"]]), n=cell["streak"])
            )
        if cell["disagreement"]:
            text.append("  ⚠ " + _("the team disagrees"), style="bold")
        if client and cell.get("gap"):
            text.append(f"  {GAP} " + _("perception gap: the team answered green"), style="bold")
            if not cell.get("gap_open"):
                text.append(" " + _("(an action answers it)"), style="dim")
        agreed = cell.get("agreed")
        if agreed:
            text.append("\n" + one_line(agreed_words(agreed, row["kind"]), 120))
            if agreed["note"]:
                text.append(" — " + one_line(agreed["note"], 300), style="dim")
            if agreed.get("corrected"):
                text.append("\n  ✎ " + corrected_text(agreed["corrected"], agreed["recorded_by"]), style="dim")
        if cell.get("anonymous_votes"):
            text.append("\n" + one_line(votes_words(cell["votes"], row["kind"], cell["anonymous_votes"]), 200))
        for answer in cell["answers"]:
            who = client_label(answer["author"]) if client else one_line(author_name(answer["author"]), 40)
            text.append("\n" + who + ": ")
            text.append(one_line(entry_words(answer, row["kind"]), 40))
            if answer["note"]:
                text.append(" — " + one_line(answer["note"], 300), style="dim")
            if answer.get("corrected"):
                text.append("\n  ✎ " + corrected_text(answer["corrected"], answer["author"]), style="dim")
        self.query_one("#cell-detail", Static).update(text)
