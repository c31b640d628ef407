"""The home screen: every phase with its last run, open and overdue actions, whether a check is
due, disagreements and unfinished drafts; ``enter`` starts a run of the phase in focus, ``h``
shows its history.

The first frame shows the phases at once with a "Reading history…" placeholder; the history
(:meth:`Project.summary`), the project's own phases and the drafts are read in a worker and
filled in when they are there. A run started from the command line has no home screen under it:
``g`` makes one then (see KundencheckApp.action_home), so neither the screen nor the history
model is part of the run's first frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kundencheck.core.checklist import KNOWN_PHASES
from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import N_, _, ngettext, translate
from kundencheck.core.text import one_line
from kundencheck.rich_texts import counts_parts, first_use_text, trend_parts
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.flow import FlowStatic, flow
from kundencheck.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from kundencheck.core.answers import Run
    from kundencheck.core.gate import GateResult
    from kundencheck.core.history import HistorySummary, PhaseStatus
    from kundencheck.session import Project
    from kundencheck.store.drafts import DraftInfo
    from kundencheck.tui.app import KundencheckApp


@dataclass
class HomeData:
    """What the home screen shows, read in one go by its worker."""

    summary: HistorySummary
    problems: list[str]
    phases: list[str]
    drafts: list[DraftInfo] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    #: Each phase's verdict: the findings of `kundencheck check` as if it were the current phase.
    verdicts: dict[str, GateResult] = field(default_factory=dict)

    def drafts_of(self, phase: str) -> list[DraftInfo]:
        return [d for d in self.drafts if d.run.phase == phase]


def read_home(project: Project, today: dt.date) -> HomeData:
    """Everything the home screen shows (slow on a big repository: call it in a worker)."""
    from kundencheck.core.gate import verdicts
    from kundencheck.fetch_texts import problem_texts

    summary, problems = project.summary(today)
    phases = project.phases(*(status.phase for status in summary.phases))
    drafts, _errors = project.drafts.list()
    titles: dict[str, str] = {}
    for phase in phases:
        try:
            titles[phase] = one_line(project.checklist_for(phase).title, 100)
        except KundencheckError:
            pass  # a phase without a checklist in this language: shown without a title
    judged = verdicts(summary, project.config.check, project.config.check_parameters)
    return HomeData(
        summary=summary, problems=problem_texts(problems), phases=phases, drafts=drafts, titles=titles, verdicts=judged
    )


def _verdict_style(verdict: GateResult) -> str:
    return "bold red" if verdict.errors else ("yellow" if verdict.warnings else "green")


class HomeScreen(TranslatedBindings, Screen[None]):
    """The phases on the left, the one in focus in detail on the right."""

    # Its own rules: parsed when it is first shown, not before the run screen's first frame.
    DEFAULT_CSS = """
    #home-status {
        padding: 0 1;
    }
    #home-body {
        height: 1fr;
    }
    #phases {
        width: 28;  /* made as wide as its labels once they are known (_fit_phase_list) */
        max-width: 40%;
        height: 1fr;
        scrollbar-size-vertical: 1;
        border: round $primary 50%;
    }
    #phases:focus {
        border: round $primary;
    }
    #phase-pane {
        width: 1fr;
        padding: 0 1;
    }
    """

    #: Beside the project's name in the title bar.
    SUB_TITLE = N_("home")
    #: What the help (? or F1) lists here.
    HELP_TITLE = N_("Keys on the home screen")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("↑ ↓  j k", N_("move between phases")),
        ("enter", N_("start a run of the phase in focus (or go back into the run in progress)")),
        ("h", N_("history of the phase in focus: the health matrix")),
        ("e", N_("correct your latest run of the phase in focus in this sprint (kundencheck amend)")),
        ("r", N_("read the history again")),
        ("ctrl+p", N_("command palette: every action by name")),
        ("? F1", N_("this help")),
        ("q  ctrl+q", N_("quit (a run in progress stays as a draft)")),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the phase list would take enter as "select" and hide it from the footer.
        Binding("enter", "start_run", N_("Start run"), priority=True, id="start-run"),
        Binding("h", "history", N_("History"), id="history"),
        Binding("e", "amend", N_("Correct"), show=False, id="amend"),
        Binding("r", "reload", N_("Reload"), show=False, id="reload"),
        Binding("down,j", "move(1)", N_("Next"), show=False, id="next-item"),
        Binding("up,k", "move(-1)", N_("Previous"), show=False, id="previous-item"),
        Binding("question_mark,f1", "app.help", N_("Help"), id="help"),
        Binding("q", "app.quit", N_("Quit"), id="quit"),
    ]

    def __init__(self, project: Project, *, today: Callable[[], dt.date] | None = None) -> None:
        super().__init__()
        self.project = project
        self._today = today or dt.date.today
        self.data: HomeData | None = None
        self.error: str | None = None
        self._phases: list[str] = []

    # ----------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        if not self._phases:
            from kundencheck.core.history import order_phases

            self._phases = order_phases(set(KNOWN_PHASES) | {self.project.current_phase()})
        yield TitleBar()
        yield FlowStatic(id="home-status")
        with Horizontal(id="home-body"):
            yield OptionList(id="phases")
            with VerticalScroll(id="phase-pane"):
                yield FlowStatic(id="phase-detail")
        yield Footer()

    def on_mount(self) -> None:
        config = self.project.config
        self.title = "kundencheck" + (f" · {one_line(config.project, 40)}" if config.project.strip() else "")
        self.sub_title = translate(self.SUB_TITLE)
        self._show()
        self.query_one("#phases", OptionList).focus()

    def on_screen_resume(self) -> None:
        # Read (again) whenever the screen comes to the front: a run may have left a draft or
        # a commit since. Not while another screen is on top of it already (the offer of a draft
        # at the start, or the run that follows it), so that screen is not held up.
        if self.app.screen is not self:
            return
        self.reload()

    def reload(self) -> None:
        self.error = None
        if self.data is None:
            self._show()
        self._read(self._today())

    @work(thread=True, exclusive=True, exit_on_error=False, group="home")
    def _read(self, today: dt.date) -> HomeData:
        return read_home(self.project, today)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "amend":
            self._amend_found(event)
            return
        if event.worker.group != "home":
            return
        if event.state is WorkerState.SUCCESS:
            self.data = data = cast(HomeData, event.worker.result)  # read_home's
            self._phases = data.phases
            self._show()
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self.error = str(error) if isinstance(error, KundencheckError) else f"{type(error).__name__}: {error}"
            self._show()

    # ----------------------------------------------------------------------------- drawing

    @property
    def current(self) -> str | None:
        index = self.query_one("#phases", OptionList).highlighted
        if index is None or not self._phases:
            return None
        return self._phases[min(index, len(self._phases) - 1)]

    def _show(self) -> None:
        keep = self.current
        phases = self.query_one("#phases", OptionList)
        labels = [self._phase_label(p) for p in self._phases]
        phases.set_options([Option(label, id=p) for label, p in zip(labels, self._phases, strict=True)])
        # As wide as the widest label line (the CSS caps it): the detail keeps the rest.
        widest = max((cell_len(line) for label in labels for line in label.plain.split("\n")), default=20)
        phases.styles.width = max(20, widest + self.PHASE_LIST_FRAME)
        if keep in self._phases:
            phases.highlighted = self._phases.index(keep)
        elif self._phases:
            current = self.project.current_phase()
            phases.highlighted = self._phases.index(current) if current in self._phases else 0
        self.query_one("#home-status", FlowStatic).show(self._status_line)
        self._show_detail()

    #: Cells the phase list needs beside its labels: paddings, border and scroll bar.
    PHASE_LIST_FRAME = 7

    def _status_line(self, width: int) -> Text:
        """The day, the runs, the cadence, overdue actions; over two lines where one is too
        narrow, each fact whole. Without a project config, also how to set the project up."""
        first_use = [] if self.project.set_up else [Text(first_use_text(), style="bold")]
        if self.error is not None:
            return Text(_("The history could not be read: ") + one_line(self.error, 300), style="bold red")
        if self.data is None:
            return flow([Text(_("Reading history…"), style="dim italic"), *first_use], width, separator="  ·  ")
        summary = self.data.summary
        parts = [
            Text(summary.today.isoformat(), style="dim"),
            Text(ngettext("{runs} run", "{runs} runs", len(summary.runs)).format(runs=len(summary.runs)), style="dim"),
            Text(
                ngettext("a check is due every day", "a check is due every {days} days", summary.cadence_days).format(
                    days=summary.cadence_days
                ),
                style="dim",
            ),
        ]
        overdue = summary.overdue_actions()
        if overdue:
            parts.append(
                Text(
                    ngettext("⚠ {n} overdue action", "⚠ {n} overdue actions", len(overdue)).format(n=len(overdue)),
                    style="bold red",
                )
            )
        if self.data.problems:
            parts.append(
                Text(
                    ngettext(
                        "{n} answers file unreadable (kundencheck status)",
                        "{n} answers files unreadable (kundencheck status)",
                        len(self.data.problems),
                    ).format(n=len(self.data.problems)),
                    style="yellow",
                )
            )
        if summary.future_runs:
            parts.append(
                Text(
                    _("⚠ runs dated in the future, left out: {n} (kundencheck status)").format(n=len(summary.future_runs)),
                    style="bold yellow",
                )
            )
        return flow([*parts, *first_use], width, separator="  ·  ")

    def _status(self, phase: str) -> PhaseStatus | None:
        return self.data.summary.phase(phase) if self.data else None

    def _check_word(self, phase: str) -> Text:
        """The phase's verdict in a few words: the findings `kundencheck check` would report."""
        from kundencheck.core.gate import verdict_words

        verdict = self.data.verdicts.get(phase) if self.data else None
        if verdict is None:
            return Text("· " + _("not yet"), style="dim")
        return Text(verdict_words(verdict), style=_verdict_style(verdict))

    def _phase_label(self, phase: str) -> Text:
        text = Text()
        text.append(phase, style="bold" if phase == self.project.current_phase() else "")
        if phase == self.project.current_phase():
            text.append("  " + _("current"), style="dim italic")
        if self.data is None:
            return text
        text.append("\n  ")
        text.append_text(self._check_word(phase))
        drafts = len(self.data.drafts_of(phase))
        if drafts:
            text.append(", " + ngettext("{n} draft", "{n} drafts", drafts).format(n=drafts), style="yellow")
        return text

    def _show_detail(self) -> None:
        phase = self.current
        widget = self.query_one("#phase-detail", FlowStatic)
        if phase is None:
            widget.show(lambda width: Text(""))
            return
        widget.show(lambda width: self._detail(phase, width))

    def _detail(self, phase: str, width: int = 80) -> Group:
        """The phase in detail, laid out for ``width`` cells: each count and trend whole."""
        heading = Text()
        heading.append(phase, style="bold")
        title = self.data.titles.get(phase) if self.data else None
        if title:
            heading.append(f" — {title}", style="bold")
        if phase == self.project.current_phase():
            heading.append("\n" + _("the project's current phase"), style="dim italic")
        if self.data is None:
            return Group(heading, Text("\n" + _("Reading history…"), style="dim italic"), self._hint(phase, reading=True))
        from kundencheck.core.people import author_name

        grid = Table.grid(padding=(0, 1), expand=False)
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        summary = self.data.summary
        status = self._status(phase)
        today = summary.today
        # A value is a Text, parts to keep whole (a list) or made for the value column's width.
        rows: list[tuple[str, Text | list[Text] | Callable[[int], Text]]] = []
        last = status.last_run if status else None
        if status is None or last is None:
            rows.append((_("Last run"), Text(_("never"), style="dim")))
        else:
            when = (last.finished or last.started).date().isoformat()
            who = [one_line(author_name(last.author), 30)]
            if status.current is not None:
                who += [one_line(author_name(r.author), 30) for r in status.current.runs if r.id != last.id]
            line = Text(_("{when}, sprint {sprint}").format(when=when, sprint=one_line(last.sprint, 20)))
            line.append("\n" + ", ".join(who), style="")
            corrected = [summary.correction(r.id) for r in (status.current.runs if status.current else [last])]
            for correction in (c for c in corrected if c is not None):
                line.append(
                    "\n✎ "
                    + _("{who}'s answers corrected on {date}: {note}").format(
                        who=one_line(author_name(correction.original_author), 30),
                        date=correction.when.date().isoformat(),
                        note=one_line(correction.note, 80),
                    ),
                    style="dim",
                )
            rows.append((_("Last run"), line))
            rows.append((_("Answers"), counts_parts(status.last_counts)))
            rows.append((_("Trend"), trend_parts(status.trend)))
        rows.append((_("Check"), self._due_text(phase, status)))
        rows.append((_("Actions"), lambda value_width: self._actions_text(status, today, value_width)))
        if status is not None and status.disagreements:
            text = Text()
            text.append("⚠ " + ", ".join(p.item for p in status.disagreements), style="bold")
            text.append(
                "\n" + _("the team disagrees in sprint {sprint}").format(sprint=one_line(status.current_sprint or "", 20)),
                style="dim",
            )
            rows.append((_("Disagree"), text))
        tone = summary.tone(status.current) if status is not None and status.current is not None else []
        if tone:
            from kundencheck.core.report import tone_dicts, tone_text

            text = Text(_("⚠ words about the client worth a second look (is the client being judged?)"), style="yellow")
            for finding in tone_dicts(tone)[:4]:
                text.append("\n" + one_line(tone_text(finding), 100))
            if len(tone) > 4:
                text.append("\n" + _("… and {n} more").format(n=len(tone) - 4), style="dim")
            rows.append((_("Tone"), text))
        if self.SHOWS_DRAFTS:
            rows.append((_("Drafts"), self._drafts_text(phase)))
        label_width = max(cell_len(label) for label, _value in rows)
        value_width = max(10, width - label_width - 1)
        for label, value in rows:
            if isinstance(value, list):  # parts to keep whole: laid out for the value column
                value = flow(value, value_width)
            elif callable(value):
                value = value(value_width)
            grid.add_row(Text(label), value)
        hint = self._hint(phase)
        findings = self._findings_text(phase)
        if findings is None:
            return Group(heading, grid, hint)
        # The findings come last, below the keys: they can be long, and the keys stay in sight.
        found = Table.grid(padding=(0, 1), expand=False)
        found.add_column(style="bold", no_wrap=True)
        found.add_column()
        found.add_row(Text(_("Findings")), findings)
        return Group(heading, grid, hint, Text(""), found)

    #: Whether the detail lists the phase's drafts (a portfolio's read-only copy has none).
    SHOWS_DRAFTS = True

    def _hint(self, phase: str, *, reading: bool = False) -> Text:
        """The keys for the phase in focus, below its detail (``reading``: while the history is read)."""
        if reading:
            return Text("\n" + _("enter: start a run of {phase}").format(phase=phase), style="dim")
        return Text(
            "\n" + _("enter: start a run of {phase}   h: history").format(phase=phase) + "\n" + _("e: correct your last run"),
            style="dim",
        )

    def _due_text(self, phase: str, status: PhaseStatus | None) -> Text:
        """The phase's verdict (as `kundencheck check` would judge it) and when a check is due."""
        data = self.data
        summary = data.summary if data else None
        if data is None or summary is None:
            return Text("")
        from kundencheck.core.history import due_check

        due = status.due if status is not None else due_check([], phase, summary.today, summary.cadence_days)
        verdict = data.verdicts.get(phase)
        if verdict is None:
            return Text(_("· not checked yet"), style="dim")
        text = Text()
        text.append_text(self._check_word(phase))
        if due.last_checked is None or due.due_on is None or due.days_since is None:  # (all None together)
            text.append("\n" + _("never checked"), style="dim")
        elif due.is_due:
            text.append(
                "\n"
                + ngettext(
                    "due since {day}, last check {days} day ago", "due since {day}, last check {days} days ago", due.days_since
                ).format(day=due.due_on.isoformat(), days=due.days_since),
                style="dim",
            )
        else:
            text.append(
                "\n"
                + ngettext("next check {day} (every day)", "next check {day} (every {days} days)", due.cadence_days).format(
                    day=due.due_on.isoformat(), days=due.cadence_days
                ),
                style="dim",
            )
        return text

    def _findings_text(self, phase: str) -> Text | None:
        """Every finding of the phase's verdict, in the words of `kundencheck check`."""
        verdict = self.data.verdicts.get(phase) if self.data else None
        if verdict is None or not verdict.findings:
            return None
        from kundencheck.core.gate import more_notes

        text = Text()
        for n, finding in enumerate(verdict.shown):
            if n:
                text.append("\n")
            symbol = "✘" if finding.level == "error" else "⚠"
            text.append(
                f"{symbol} {finding.title} ({finding.rule}): ", style="bold red" if finding.level == "error" else "bold yellow"
            )
            text.append(finding.message)
        for more in more_notes(verdict):
            text.append("\n… " + more, style="dim")
        return text

    def _actions_text(self, status: PhaseStatus | None, today: dt.date, width: int = 80) -> Text:
        """The open actions, the overdue first; each action's owner and due date kept together
        (``(Lea, 2026-04-03)`` is never split) in ``width`` cells."""
        if status is None or not status.open_actions:
            return Text(_("none open"), style="dim")
        from kundencheck.core.history import threads_to_show
        from kundencheck.core.report import more_text

        text = Text(_("{n} open").format(n=len(status.open_actions)))
        if status.overdue_actions:
            text.append(", ")
            text.append(_("⚠ {n} overdue").format(n=len(status.overdue_actions)), style="bold red")
        for group in threads_to_show(status.open_actions):
            for action in group.shown:
                owner = one_line(action.owner, 20) or "?"
                due = action.due.isoformat() if action.due else "?"
                overdue = action.is_overdue(today)
                # Owner and due date kept together: "(Lea, 2026-04-03)" is never split.
                what = Text.assemble(
                    ("⚠ ", "bold red") if overdue else "· ",
                    (f"{action.id} {one_line(action.what, 60)}", "red" if overdue else ""),
                )
                text.append("\n")
                text.append_text(flow([what, Text(f"({owner}, {due})", style="red" if overdue else "")], width, gap=1))
            if group.more:
                text.append("\n" + more_text(group.more, group.phase), style="dim")
        return text

    def _drafts_text(self, phase: str) -> Text:
        text = Text()
        session = getattr(self.app, "session", None)
        if session is not None and not session.committed and session.run.phase == phase and session.has_answers():
            text.append(_("a run in progress: enter goes back to it"), style="bold yellow")
        for draft in self.data.drafts_of(phase) if self.data else []:
            if session is not None and draft.run.id == session.run.id:
                continue
            answered = sum(1 for a in draft.run.answers if a.value not in (None, ""))
            if text:
                text.append("\n")
            text.append(
                ngettext(
                    "unfinished: sprint {sprint}, {n} answer, saved {when}",
                    "unfinished: sprint {sprint}, {n} answers, saved {when}",
                    answered,
                ).format(sprint=one_line(draft.run.sprint, 20), n=answered, when=f"{draft.modified:%Y-%m-%d %H:%M}"),
                style="yellow",
            )
            if draft.in_use_by is not None:
                text.append(" " + _("(open in another kundencheck)"), style="dim")
        return text or Text(_("none"), style="dim")

    # ----------------------------------------------------------------------------- events

    @on(OptionList.OptionHighlighted, "#phases")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#phases")
    def _selected(self) -> None:
        self.action_start_run()  # a click on a phase

    # ----------------------------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        phases = self.query_one("#phases", OptionList)
        if self._phases:
            phases.highlighted = max(0, min((phases.highlighted or 0) + step, len(self._phases) - 1))

    def action_start_run(self) -> None:
        phase = self.current
        if phase is not None:
            cast("KundencheckApp", self.app).start_run(phase)

    def action_history(self) -> None:
        from kundencheck.tui.screens.history import HistoryScreen

        phase = self.current
        if phase is not None:
            self.app.push_screen(HistoryScreen(self.project, phase, today=self._today))

    def action_reload(self) -> None:
        self.reload()

    def action_amend(self) -> None:
        """Correct your latest run of the current sprint of the phase in focus (``e``): found in
        a worker (it reads the history), then opened in the run screen."""
        phase = self.current
        if phase is not None:
            self._find_run_to_amend(phase)

    @work(thread=True, exclusive=True, exit_on_error=False, group="amend")
    def _find_run_to_amend(self, phase: str) -> Run:
        return self.project.run_to_amend(None, phase=phase)

    def _amend_found(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.SUCCESS:
            cast("KundencheckApp", self.app).start_correction(cast("Run", event.worker.result))  # run_to_amend's
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, KundencheckError) else f"{type(error).__name__}: {error}"
            self.notify(one_line(message, 600), title=_("Nothing to correct"), severity="warning", markup=False, timeout=12)
