"""The portfolio screen: every client project at once, the projects down, their phases (or the
key signals of their current phase) across, the worst first.

Each cell is the verdict of the project's own rules on the phase (gate.verdicts, as
``kundencheck status`` and the home screen show it in the project) in symbol and count with its
trend arrow; beside them the overdue actions, whether a check is due, and when the project was
fetched ("unreachable since …" where its remote could not be reached: its last fetched state is
shown). ``enter`` opens the project's home screen, ``h`` the history of its current phase, both
read-only: answers are given in the project's own repository. The projects are read from the
portfolio's cache in a worker (``kundencheck portfolio fetch`` brings them in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.worker import Worker, WorkerState

from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import N_, _, ngettext
from kundencheck.core.text import one_line
from kundencheck.tui.screens.home import HomeScreen
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.flow import FlowStatic, flow
from kundencheck.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from kundencheck.core.portfolio_health import ProjectHealth
    from kundencheck.portfolio_session import LoadedPortfolio
    from kundencheck.session import Project

_LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "ok": "green", "": "dim"}
_BAND_STYLES = {"red": "bold red", "amber": "yellow", "green": "green", "na": "dim"}


class PortfolioScreen(TranslatedBindings, Screen[None]):
    """The projects of a portfolio in one table."""

    DEFAULT_CSS = """
    #portfolio-status {
        padding: 0 1;
    }
    #projects {
        height: 1fr;
    }
    #portfolio-legend {
        padding: 0 1;
        color: $text-muted;
    }
    """

    HELP_TITLE = N_("Keys on the portfolio screen")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("↑ ↓  j k", N_("move between projects")),
        ("enter", N_("the project's home screen: every phase, its findings, actions and checks (read-only)")),
        ("h", N_("the history of the project's current phase: the health matrix (read-only)")),
        ("v", N_("show the phases, or the key signals of each project's current phase")),
        ("s", N_("sort: the worst first, or by name")),
        ("r", N_("read the portfolio again (kundencheck portfolio fetch brings news in)")),
        ("ctrl+p", N_("command palette: every action by name")),
        ("? F1", N_("this help")),
        ("q  ctrl+q", N_("quit")),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_project", N_("Open project"), priority=True, id="open-project"),
        Binding("h", "history", N_("History"), id="history"),
        Binding("v", "toggle_view", N_("Phases/signals"), id="toggle-view"),
        Binding("s", "toggle_sort", N_("Sort"), show=False, id="toggle-sort"),
        Binding("r", "reload", N_("Reload"), show=False, id="reload"),
        Binding("j", "move(1)", N_("Next"), show=False, id="next-item"),
        Binding("k", "move(-1)", N_("Previous"), show=False, id="previous-item"),
        Binding("question_mark,f1", "app.help", N_("Help"), id="help"),
        Binding("q", "app.quit", N_("Quit"), id="quit"),
    ]

    def __init__(self, loaded: LoadedPortfolio, *, today: Callable[[], dt.date] | None = None) -> None:
        super().__init__()
        self.loaded = loaded
        self._today = today or dt.date.today
        self.healths: list[ProjectHealth] | None = None
        #: The projects opened so far (on enter or h), by name; closed when the screen goes.
        self.opened: dict[str, Project] = {}
        self.error: str | None = None
        #: "phases" or "signals"; "worst" or "name".
        self.view = "phases"
        self.order = "worst"
        self._rows: list[ProjectHealth] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield FlowStatic(id="portfolio-status")
        yield DataTable(id="projects", cursor_type="row", zebra_stripes=False)
        yield FlowStatic(id="portfolio-legend")
        yield Footer()

    def on_mount(self) -> None:
        title = self.loaded.portfolio.title.strip()
        self.title = "kundencheck" + (f" · {one_line(title, 60)}" if title else "")
        self.sub_title = _("portfolio")
        self._show()
        self.query_one("#projects", DataTable).focus()
        self.reload()

    def on_unmount(self) -> None:
        self._close()

    def _close(self) -> None:
        for project in self.opened.values():
            project.close()
        self.opened = {}

    # ----------------------------------------------------------------------------- reading

    def reload(self) -> None:
        self.error = None
        self._read(self._today())

    @work(thread=True, exclusive=True, exit_on_error=False, group="portfolio")
    def _read(self, today: dt.date) -> list[ProjectHealth]:
        from kundencheck.portfolio_session import judge_projects

        return judge_projects(self.loaded, today)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "portfolio":
            return
        if event.state is WorkerState.SUCCESS:
            self._close()  # read again: opened anew on the next enter
            self.healths = event.worker.result
            self._show()
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self.error = str(error) if isinstance(error, KundencheckError) else f"{type(error).__name__}: {error}"
            self._show()

    # ----------------------------------------------------------------------------- drawing

    @property
    def current(self) -> ProjectHealth | None:
        table = self.query_one("#projects", DataTable)
        if not self._rows or table.cursor_row is None:
            return None
        return self._rows[min(max(table.cursor_row, 0), len(self._rows) - 1)]

    def _show(self) -> None:
        from kundencheck.core.portfolio_health import by_name, worst_first

        keep = self.current.name if self.current is not None else None
        table = self.query_one("#projects", DataTable)
        table.clear(columns=True)
        self.query_one("#portfolio-status", FlowStatic).show(self._status_line)
        self.query_one("#portfolio-legend", FlowStatic).show(self._legend)
        if self.healths is None:
            self._rows = []
            return
        self._rows = worst_first(self.healths) if self.order == "worst" else by_name(self.healths)
        if self.view == "signals":
            self._fill_signals(table)
        else:
            self._fill_phases(table)
        names = [h.name for h in self._rows]
        if keep in names:
            table.move_cursor(row=names.index(keep))

    def _project_cell(self, health: ProjectHealth) -> Text:
        """The project in two lines: its name and title; its client and owner, or (when its
        data are not up to date) why, in red."""
        from kundencheck.core.portfolio_health import state_words

        text = Text(health.name, style="bold")
        if health.title != health.name:
            text.append(" " + one_line(health.title, max(4, 22 - len(health.name))), style="dim")
        if health.state != "ok":
            text.append("\n" + one_line(state_words(health), 30), style="bold red" if health.flagged else "dim")
        else:
            about = " · ".join(part for part in (one_line(health.client, 16), one_line(health.entry.owner, 10)) if part)
            text.append("\n" + about, style="")
        return text

    def _fill_phases(self, table: DataTable[Text | str]) -> None:
        from kundencheck.core.portfolio_health import phases_of
        from kundencheck.core.portfolio_report import (
            cell_text,
            due_words,
            verdict_level,
        )

        phases = phases_of(self._rows)
        table.add_columns(_("Project"), *phases, _("Overdue"), _("Check"))
        for health in self._rows:
            cells = []
            for phase in phases:
                verdict = health.verdict(phase)
                text = cell_text(verdict, health.trend(phase)) + (" *" if phase == health.current_phase else "")
                cells.append(Text(text, style=_LEVEL_STYLES[verdict_level(verdict)]))
            due = health.due()
            # Two lines each: "due since" over its date, "unreachable since" over its date.
            check = due_words(health).rsplit(" ", 1)
            table.add_row(
                self._project_cell(health),
                *cells,
                Text(f"⚠ {health.overdue}", style="bold red") if health.overdue else Text("·", style="dim"),
                Text("\n".join(check), style="bold red" if due is not None and due.is_due else ""),
                key=health.name,
                height=2,
            )

    def _fill_signals(self, table: DataTable[Text | str]) -> None:
        from kundencheck.core.history import TREND_ARROWS
        from kundencheck.core.report import BAND_SYMBOLS

        signals = {h.name: h.key_signals() for h in self._rows}
        titles = list(dict.fromkeys(s.title for found in signals.values() for s in found))
        table.add_columns(_("Project"), _("Phase"), *titles, _("Sprint"))
        for health in self._rows:
            found = {s.title: s for s in signals[health.name]}
            cells = []
            for title in titles:
                signal = found.get(title)
                if signal is None:
                    cells.append(Text("·", style="dim"))
                    continue
                shown = f"{BAND_SYMBOLS.get(signal.band or '', '?')} {TREND_ARROWS.get(signal.trend, '')}".strip()
                cells.append(Text(shown, style=_BAND_STYLES.get(signal.band or "", "")))
            sprint = next(iter(signals[health.name]), None)
            table.add_row(
                self._project_cell(health),
                health.current_phase or "",
                *cells,
                one_line(sprint.sprint, 16) if sprint is not None else "",
                key=health.name,
                height=2,
            )

    def _status_line(self, width: int) -> Text:
        if self.error is not None:
            return Text(_("The portfolio could not be read: ") + one_line(self.error, 300), style="bold red")
        if self.healths is None:
            return Text(_("Reading the projects…"), style="dim italic")
        from kundencheck.core.portfolio_health import BROKEN, NOT_FETCHED, STALE

        healths = self.healths
        parts = [
            Text(self._today().isoformat(), style="dim"),
            Text(ngettext("{n} project", "{n} projects", len(healths)).format(n=len(healths)), style="dim"),
        ]
        fetched = sorted(h.fetch.fetched.date() for h in healths if h.fetch.fetched is not None)
        if fetched:
            days = fetched[0].isoformat() + (f" – {fetched[-1].isoformat()}" if fetched[-1] != fetched[0] else "")
            parts.append(Text(_("fetched {day}").format(day=days), style="dim"))
        failing = sum(1 for h in healths if h.errors)
        if failing:
            parts.append(
                Text(
                    ngettext("✘ {n} failing its rules", "✘ {n} failing their rules", failing).format(n=failing), style="bold red"
                )
            )
        stale = sum(1 for h in healths if h.state in (STALE, NOT_FETCHED, BROKEN))
        if stale:
            parts.append(Text(_("⚠ {n} not up to date").format(n=stale), style="yellow"))
        parts.append(Text(_("the worst first") if self.order == "worst" else _("by name"), style="dim"))
        if not healths:
            parts.append(Text(_("no projects yet: kundencheck portfolio add NAME REMOTE"), style="bold"))
        return flow(parts, width, separator="  ·  ")

    def _legend(self, width: int) -> Text:
        if self.view == "signals":
            return Text(
                _(
                    "Key signals of each project's current sprint: ✔ green ◐ amber ✘ red; ↑ better → same ↓ "
                    "worse than the sprint before; · not a key signal there."
                )
            )
        from kundencheck.core.portfolio_report import legend

        return Text(legend())

    # ----------------------------------------------------------------------------- actions

    @on(DataTable.RowSelected, "#projects")
    def _selected(self) -> None:
        self.action_open_project()  # a click on a row

    def action_move(self, step: int) -> None:
        table = self.query_one("#projects", DataTable)
        if self._rows:
            table.move_cursor(row=max(0, min((table.cursor_row or 0) + step, len(self._rows) - 1)))

    def _project_of(self, health: ProjectHealth | None) -> Project | None:
        """The project opened from the cache, or None (said in a notice: why it cannot be opened)."""
        if health is None:
            return None
        if health.name in self.opened:
            return self.opened[health.name]
        from kundencheck.core.i18n import current_language
        from kundencheck.core.portfolio_health import state_words
        from kundencheck.portfolio_session import open_cached

        project, reason = None, one_line(health.error, 300) if health.error else state_words(health)
        if not health.error:
            try:
                project = open_cached(self.loaded, health.entry, language=current_language())
            except KundencheckError as exc:
                reason = one_line(str(exc), 300)
        if project is None:
            self.notify(
                _("{project} cannot be opened: {reason}. `kundencheck portfolio fetch {project}` brings it in.").format(
                    project=health.name, reason=reason
                ),
                title=_("Not fetched"),
                severity="warning",
                markup=False,
                timeout=10,
            )
            return None
        self.opened[health.name] = project
        return project

    def action_open_project(self) -> None:
        project = self._project_of(self.current)
        if project is not None:
            self.app.push_screen(ReadOnlyHomeScreen(project, today=self._today))

    def action_history(self) -> None:
        health = self.current
        project = self._project_of(health)
        if health is not None and project is not None:  # (no project without a health)
            from kundencheck.tui.screens.history import HistoryScreen

            self.app.push_screen(HistoryScreen(project, health.current_phase or project.current_phase(), today=self._today))

    def action_toggle_view(self) -> None:
        self.view = "signals" if self.view == "phases" else "phases"
        self._show()

    def action_toggle_sort(self) -> None:
        self.order = "name" if self.order == "worst" else "worst"
        self._show()

    def action_reload(self) -> None:
        self.reload()


class ReadOnlyHomeScreen(HomeScreen, inherit_bindings=False):
    """A project's home screen as a portfolio shows it: every phase with its verdict, findings,
    actions and checks, and its history; nothing is answered or corrected here (that happens
    in the project's own repository)."""

    SHOWS_DRAFTS = False
    SUB_TITLE = N_("home, read-only (portfolio)")
    HELP_TITLE = N_("Keys on a project's home screen (read-only)")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("↑ ↓  j k", N_("move between phases")),
        ("enter h", N_("history of the phase in focus: the health matrix")),
        ("escape", N_("back to the portfolio")),
        ("ctrl+p", N_("command palette: every action by name")),
        ("? F1", N_("this help")),
        ("q  ctrl+q", N_("quit")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the phase list would take enter as "select".
        Binding("enter,h", "history", N_("History"), priority=True, id="history"),
        Binding("escape", "app.pop_screen", N_("Back"), id="back"),
        Binding("down,j", "move(1)", N_("Next"), show=False, id="next-item"),
        Binding("up,k", "move(-1)", N_("Previous"), show=False, id="previous-item"),
        Binding("question_mark,f1", "app.help", N_("Help"), id="help"),
        Binding("q", "app.quit", N_("Quit"), id="quit"),
    ]

    def _hint(self, phase: str, *, reading: bool = False) -> Text:
        return Text(
            "\n"
            + _("enter: history of {phase}   escape: back to the portfolio").format(phase=phase)
            + "\n"
            + _("Read-only: the team answers in the project's own repository."),
            style="dim",
        )

    def action_start_run(self) -> None:
        self.action_history()  # a click on a phase

    def action_amend(self) -> None:
        self.app.bell()  # from the command palette: nothing is corrected here
