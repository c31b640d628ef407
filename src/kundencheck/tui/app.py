"""The Textual application. ``build_app`` is the one factory the CLI and the tests use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from kundencheck import startup
from kundencheck.core.answers import Run
from kundencheck.core.errors import KundencheckError
from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.text import clean_text, one_line
from kundencheck.session import MeetingSession, RunSession
from kundencheck.store.git_store import CommitResult
from kundencheck.tui.screens.run import RunScreen
from kundencheck.tui.translated import TranslatedBindings

if TYPE_CHECKING:
    from kundencheck.core.people import Person
    from kundencheck.session import Project
    from kundencheck.tui.screens.home import HomeScreen
    from kundencheck.tui.screens.meeting import Invitees

#: Makes the session of a run of a phase (None: the factory's default phase), given a draft run
#: to resume, or None for a fresh run.
SessionFactory = Callable[[str | None, Run | None], RunSession]
#: Makes the session of a correction of a run, given a draft of it to resume, or None.
CorrectionFactory = Callable[[Run, Run | None], RunSession]
#: Makes the session of a sprint meeting: given the people present (``Name <email>`` each, the
#: facilitator left out) for a new one, or a draft of one to resume.
MeetingFactory = Callable[[list[str] | None, Run | None], MeetingSession]


#: Textual's own palette entries, marked for the catalogs (see KundencheckApp._textual_commands).
TEXTUAL_COMMAND_TEXTS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


class KundencheckApp(TranslatedBindings, App[CommitResult | None]):
    CSS_PATH = "kundencheck.tcss"
    TITLE = "kundencheck"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, show=False, id="quit"),
        Binding("f1", "help", N_("Help"), show=False, id="help"),
        # Textual adds this one in English unless the app has its own.
        Binding(
            "ctrl+p",
            "command_palette",
            N_("palette"),
            show=False,
            priority=True,
            id="command_palette",
            tooltip=N_("Open the command palette"),
        ),
    ]

    def __init__(
        self,
        make_session: SessionFactory,
        *,
        draft: tuple[Run, str] | None = None,
        project: Project | None = None,
        phase: str | None = None,
        home: bool = False,
        today: Callable[[], dt.date] | None = None,
        correct: Run | None = None,
        make_correction: CorrectionFactory | None = None,
        meeting: tuple[MeetingFactory, Invitees] | None = None,
    ) -> None:
        super().__init__()
        if self.no_color:  # NO_COLOR / --no-color: greys that stay readable (see tui/filters.py)
            from textual.filter import Monochrome

            from kundencheck.tui.filters import ReadableMonochrome

            self._filters = [ReadableMonochrome() if isinstance(f, Monochrome) else f for f in self._filters]
        self.make_session = make_session
        self.draft = draft
        self.session: RunSession | None = None
        #: With a project, the home screen sits under every run (``g`` goes there).
        self.project = project
        self.phase = phase
        self.start_at_home = home and project is not None
        #: Where every screen takes "today" from (due checks, overdue actions); tests fix it.
        self.today: Callable[[], dt.date] = today or dt.date.today
        #: The run to correct at the start (`kundencheck amend`), instead of a new run of ``phase``.
        self.correct = correct
        self._make_correction = make_correction
        #: A sprint meeting instead of a run (`kundencheck meeting`): how its session is made, and
        #: who may be there (tui/screens/meeting.Invitees), asked first in the people picker.
        self._meeting = meeting

    #: Set by build_app from the user config: a Textual theme name and binding id -> key(s).
    _user_theme: str | None = None
    _user_keymap: dict[str, str] | None = None

    def run(self, *args: Any, **kwargs: Any) -> CommitResult | None:
        # The imported modules stay until the process ends: frozen, and the collector paused
        # for the start-up runs again (kundencheck.startup).
        startup.app_starts()
        try:
            return super().run(*args, **kwargs)
        finally:
            # However the app ended (quit, a commit, app.exit, an error), a run not committed
            # leaves its lock: its answers stay a draft, free for the next kundencheck.
            if self.session is not None:
                self.session.release()

    def on_mount(self) -> None:
        self._exit_on_termination()
        # The home screen comes first when asked for, or under the offer of a draft (a dialog it
        # shows through). A run started straight away has none under it until ``g`` makes one
        # (action_home): the run's first frame, which every sprint start waits for, does not
        # wait for the home screen as well.
        if self._first_error is not None:
            self._failed(self._first_error)
            return
        if self._meeting is not None:
            self._start_meeting(*self._meeting, self.draft)
            return
        if self._starts_run_at_once():
            return  # the run screen is the first screen (get_default_screen)
        if self.project is not None and (self.start_at_home or self.draft):
            self._push_home(self.project)
        if not self.start_at_home:
            self.start_run(self.phase, offer=self.draft, correct=self.correct)

    def _starts_run_at_once(self) -> bool:
        """Whether the run starts without a home screen or a draft's offer before it."""
        return not self.start_at_home and not self.draft and not self.in_meeting

    @property
    def in_meeting(self) -> bool:
        """Whether this is a sprint meeting (`kundencheck meeting`), not a run."""
        return self._meeting is not None

    # ----------------------------------------------------------------------------- the meeting

    def _start_meeting(self, make_meeting: MeetingFactory, invitees: Invitees, offer: tuple[Run, str] | None) -> None:
        """Offer the meeting's draft, else ask who is here; then the meeting screen."""
        if not offer:
            self._pick_people(make_meeting, invitees)
            return
        run, description = offer

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self._open_meeting(make_meeting, None, run)
                return
            if choice == "discard" and self._discard_draft is not None:
                self._discard_draft(run.id)
            self._pick_people(make_meeting, invitees)

        from kundencheck.tui.screens.dialogs import ResumeDraftScreen

        self.push_screen(ResumeDraftScreen(description, title=_("An unfinished sprint meeting was found")), chosen)

    def _pick_people(self, make_meeting: MeetingFactory, invitees: Invitees, again: bool = False) -> None:
        """The people picker: who is at the meeting (the facilitator is, anyway)."""
        from kundencheck.tui.screens.participants import ParticipantsScreen

        name = one_line(invitees.facilitator.name, 40)
        hint = _(
            "You, {name}, are there. Space picks a recent author; type anyone else as Name <email> and press "
            "enter. Escape: start the meeting."
        ).format(name=name)
        if again:
            hint = _("A meeting needs at least one more person than you: pick who is here.") + " " + hint

        def chosen(people: list[str] | None) -> None:
            if not people:
                self._pick_people(make_meeting, invitees, again=True)
                return
            invitees.picked = list(people)
            self._open_meeting(make_meeting, people, None)

        self.push_screen(ParticipantsScreen(invitees, title=_("Who is at the sprint meeting?"), hint=hint), chosen)

    def _open_meeting(self, make_meeting: MeetingFactory, people: list[str] | None, draft: Run | None) -> None:
        from kundencheck.tui.screens.meeting import MeetingScreen

        try:
            session = make_meeting(people, draft)
        except KundencheckError as exc:
            self.notify(clean_text(str(exc)), title=_("The meeting did not start"), severity="error", markup=False, timeout=12)
            return
        self.session = session
        self.push_screen(MeetingScreen(session))

    #: Why the run to start at once did not start (said on the home screen once mounted).
    _first_error: KundencheckError | None = None

    def get_default_screen(self) -> Screen[Any]:
        """The run screen, when the run starts at once: it is the app's first screen, not one
        pushed over an empty one (its first frame, which every sprint start waits for, comes
        sooner). ``g`` puts the home screen over it (action_home)."""
        # The user's theme and keys first, so the first screen is styled once, in their theme.
        if self._user_theme and self._user_theme in self.available_themes:
            self.theme = self._user_theme
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        if self._starts_run_at_once():
            try:
                self.session = self._new_session(self.phase, None, self.correct)
            except KundencheckError as exc:
                self._first_error = exc
            else:
                return RunScreen(self.session)
        return super().get_default_screen()

    def _exit_on_termination(self) -> None:
        """On SIGTERM, SIGHUP or SIGINT (kill, a closed terminal, kill -INT) save the draft and
        exit cleanly, so the terminal is restored and the draft's lock released; by default Python
        would die with the screen left in raw mode (SIGINT: a KeyboardInterrupt mid-frame)."""
        import asyncio
        import signal

        def terminate() -> None:
            if self.session is not None and not self.session.committed and self.session.has_answers():
                self.session.save_draft()
            self._leave()

        try:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                loop.add_signal_handler(signum, terminate)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass  # Windows, or not the main thread: the default behaviour stays

    #: Set by the CLI: throws a draft away (the app itself does not know where drafts live).
    _discard_draft: Callable[[str], None] | None = None

    def _new_session(self, phase: str | None, draft: Run | None, correct: Run | None) -> RunSession:
        """A new run of ``phase``, or with ``correct`` a correction of that run."""
        if correct is None:
            return self.make_session(phase, draft)
        if self._make_correction is not None:
            return self._make_correction(correct, draft)
        if self.project is None:
            raise KundencheckError(_("A correction needs the repository of the run it corrects."))
        return RunSession.start_correction(self.project, correct, draft=draft)

    def start_correction(self, target: Run) -> None:
        """Open the run screen on a correction of ``target`` (``e`` on the home screen): its
        answers to edit; the review asks why. A draft of a correction of it is offered."""
        self.start_run(target.phase, correct=target)

    def start_run(self, phase: str | None, *, offer: tuple[Run, str] | bool | None = True, correct: Run | None = None) -> None:
        """Open the run screen of ``phase``. ``offer`` is a draft to offer for resuming, None for
        none, True to look for one (the newest unfinished draft of the phase's checklist). A
        run left with ``g`` is taken up again as it was. With ``correct``, a correction of that
        run instead of a new run (a correction of it left with ``g`` is taken up again)."""
        session = self.session
        same = session is not None and (session.run.corrects == correct.id if correct is not None else True)
        if session is not None and same and not session.committed and session.run.phase == (phase or session.run.phase):
            first = self.screen_stack[0]
            if isinstance(first, RunScreen) and first.session is session:
                while self.screen is not first:  # the first screen's run, left with g: back to it
                    self.pop_screen()
            else:
                self.push_screen(RunScreen(session))  # left with g: carry on where it was
            return
        if offer is True:
            offer = None
            if self.project is not None and phase is not None:
                try:
                    if correct is not None:
                        offer = self.project.offerable_draft(correct.checklist, corrects=correct.id)
                    else:
                        offer = self.project.offerable_draft(self.project.checklist_for(phase).id)
                except KundencheckError as exc:
                    self._failed(exc)
                    return
        if not offer:
            self._start(phase, None, correct)
            return
        run, description = offer

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self._start(phase, run, correct)
                return
            if choice == "discard" and self._discard_draft is not None:
                self._discard_draft(run.id)
            self._start(phase, None, correct)

        from kundencheck.tui.screens.dialogs import ResumeDraftScreen

        self.push_screen(ResumeDraftScreen(description), chosen)

    def _start(self, phase: str | None, draft: Run | None, correct: Run | None = None) -> None:
        if self.session is not None and not self.session.committed:
            self.session.release()  # its answers stay as a draft, offered when its phase is started again
        self.session = None
        try:
            self.session = self._new_session(phase, draft, correct)
        except KundencheckError as exc:
            self._failed(exc)
            return
        home = self._home_screen()
        if home is not None and home.data is not None and self.session.open_actions is None and correct is None:
            # The home screen has read the history already: the review can start at once, and the
            # commit message compares the key signals with the sprint before.
            self.session.use_summary(home.data.summary)
        self.push_screen(RunScreen(self.session))

    def _new_home(self, project: Project) -> HomeScreen:
        """A home screen for the project (the app knows it as its home screen from now on)."""
        from kundencheck.tui.screens.home import HomeScreen

        self._home = HomeScreen(project, today=self.today)
        # Installed, it outlives being popped: g on a run started at once puts the same home
        # screen back over it (it reads the history again as it comes to the front).
        self.install_screen(self._home, name="home")
        return self._home

    def _push_home(self, project: Project) -> None:
        """The home screen on top: the one made before, if any, else a new one."""
        self.push_screen(self._home if self._home is not None else self._new_home(project))

    def _failed(self, error: KundencheckError) -> None:
        """A run could not start: said on the home screen (made if there is none yet); without
        a project, the CLI reports it."""
        if self.project is None:
            raise error
        if self._home_screen() is None:
            self._push_home(self.project)
        self.notify(clean_text(str(error)), title=_("The run did not start"), severity="error", markup=False, timeout=12)

    #: The home screen made last (None: none yet; the home screen module is not even imported).
    _home: HomeScreen | None = None

    def _home_screen(self) -> HomeScreen | None:
        """The home screen in the stack, if there is one."""
        return self._home if self._home is not None and self._home in self.screen_stack else None

    # ----------------------------------------------------------------------------- actions

    async def action_quit(self) -> None:
        session = self.session
        if session is None or session.committed or not session.has_answers():
            self._leave()
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._leave()

        from kundencheck.tui.screens.dialogs import ConfirmQuitScreen

        if not isinstance(self.screen, ConfirmQuitScreen):
            more = (
                _(
                    "The agreed answers and the revealed votes are kept; an item still being voted on is asked again, "
                    "as its votes are never kept."
                )
                if self.in_meeting
                else None
            )
            self.push_screen(ConfirmQuitScreen(more), confirmed)

    def _leave(self) -> None:
        if self.session is not None:
            self.session.release()
        self.exit(None)

    def action_help(self) -> None:
        from kundencheck.tui.screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            # The keys of the screen it is asked on (a dialog has none of its own: the run's).
            self.push_screen(HelpScreen(getattr(self.screen, "HELP_KEYS", None), getattr(self.screen, "HELP_TITLE", None)))

    def action_home(self) -> None:
        """Back to the home screen (``g`` on the run screen, "Home" in the palette). A run in
        progress stays as it is: starting its phase again goes back into it. A run started
        straight away has no home screen under it: it is made now, in the run screen's place."""
        if self.project is None or self.in_meeting or getattr(self.screen, "_committing", False):  # not while a commit runs
            self.bell()
            return
        home = self._home_screen()
        if home is None:
            while len(self.screen_stack) > 1:  # the run screen is the first screen: home goes over it
                self.pop_screen()
            self._push_home(self.project)
            return
        while self.screen is not home:
            self.pop_screen()

    def action_command_palette(self) -> None:
        """Textual's palette with its search prompt in the chosen language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # any App will do
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def _textual_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette entries (theme, keys, maximize, screenshot), in the chosen
        language. Its Quit is left out (ours asks first when answers would be lost), and so is
        its "Keys" panel: "Help: keys" lists this screen's keys, and two entries for keys were one
        too many."""
        for command in super().get_system_commands(screen):
            if command.callback in (self.action_quit, self.action_show_help_panel, self.action_hide_help_panel):
                continue
            yield command._replace(title=translate(command.title), help=translate(command.help))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from self._textual_commands(screen)
        yield SystemCommand(_("Help: keys"), _("Show the key bindings"), self.action_help)
        home = self._home_screen()
        if self.project is not None and screen is not home and not self.in_meeting:
            yield SystemCommand(_("Home"), _("Every phase: last run, open actions, due checks, drafts (g)"), self.action_home)
        if home is not None and screen is home:
            yield SystemCommand(_("Start a run"), _("Answer the checklist of the phase in focus (enter)"), home.action_start_run)
            yield SystemCommand(_("History"), _("The health matrix of the phase in focus (h)"), home.action_history)
            yield SystemCommand(
                _("Correct my last run"), _("Correct your last answers to the phase in focus (e)"), home.action_amend
            )
        if isinstance(screen, RunScreen):
            yield SystemCommand(
                _("Review open actions"),
                _("Decide on earlier runs' open actions of this phase (a)"),
                screen.action_review_actions,
            )
        if isinstance(screen, RunScreen):
            yield SystemCommand(_("Review and commit"), _("Show all answers and the commit message"), screen.action_review)
            yield SystemCommand(_("Next item"), _("Move to the next question"), lambda: screen.action_move(1))
            yield SystemCommand(_("Previous item"), _("Move to the previous question"), lambda: screen.action_move(-1))
            yield SystemCommand(_("Edit note"), _("Write a note for this item"), screen.action_edit_note)
            yield SystemCommand(
                _("Edit note in $EDITOR"), _("Write a long note in your own editor (ctrl+e)"), screen.action_external_editor
            )
            if not self.in_meeting:
                yield SystemCommand(
                    _("Who is answering together?"),
                    _("Pick recent authors or type Name <email>: Co-authored-by trailers (p)"),
                    screen.action_participants,
                )
            for key, word in (("1", _("yes")), ("2", _("partly")), ("3", _("no")), ("0", _("not applicable"))):
                yield SystemCommand(
                    _("Answer: {word}").format(word=word),
                    _("Answer the traffic-light item in focus"),
                    lambda k=key: screen.action_digit(k),
                )
        yield SystemCommand(_("Quit kundencheck"), _("Answers stay as a draft"), self.action_quit)


def build_app(
    make_session: SessionFactory,
    *,
    draft: tuple[Run, str] | None = None,
    discard_draft: Callable[[str], None] | None = None,
    theme: str | None = None,
    keymap: dict[str, str] | None = None,
    project: Project | None = None,
    phase: str | None = None,
    home: bool = False,
    today: Callable[[], dt.date] | None = None,
    correct: Run | None = None,
    make_correction: CorrectionFactory | None = None,
    meeting: tuple[MeetingFactory, Invitees] | None = None,
) -> KundencheckApp:
    """``make_session(phase, draft)`` makes the session of a run. ``draft`` is offered for
    resuming at the start. With ``project`` there is a home screen (``g`` on the run screen
    goes there) that can start runs of any phase; ``home`` opens it first instead of a run of
    ``phase``. ``today`` tells the screens the date (tests fix it). ``theme`` and ``keymap``
    come from the user config (see core/user_config.py). ``correct``: a run to correct at the
    start instead (`kundencheck amend`), its session made by ``make_correction(run, draft)``
    (default: :meth:`RunSession.start_correction`). ``meeting``: a sprint meeting instead
    (`kundencheck meeting`, see :func:`build_meeting_app`): its session made by
    ``make_meeting(people, draft)``, who is here picked first from the invitees
    (tui/screens/meeting.Invitees), or ``draft`` offered to resume."""
    app = KundencheckApp(
        make_session,
        draft=draft,
        project=project,
        phase=phase,
        home=home,
        today=today,
        correct=correct,
        make_correction=make_correction,
        meeting=meeting,
    )
    app._discard_draft = discard_draft
    app._user_theme = theme
    app._user_keymap = dict(keymap) if keymap else None
    return app


def build_meeting_app(
    make_meeting: MeetingFactory,
    *,
    project: Project | None,
    phase: str,
    facilitator: Person,
    picked: Iterable[str] = (),
    draft: tuple[Run, str] | None = None,
    discard_draft: Callable[[str], None] | None = None,
    theme: str | None = None,
    keymap: dict[str, str] | None = None,
    today: Callable[[], dt.date] | None = None,
) -> KundencheckApp:
    """The app of a sprint meeting (`kundencheck meeting`): who is here is asked first (the
    ``facilitator``, the git identity, is there anyway; ``picked``, ``Name <email>`` each, are
    picked already), or ``draft`` is offered to resume; ``make_meeting(people, draft)`` makes its
    session. A meeting has no run of its own and no home screen."""
    from kundencheck.tui.screens.meeting import Invitees

    return build_app(
        _no_run,
        draft=draft,
        discard_draft=discard_draft,
        theme=theme,
        keymap=keymap,
        project=project,
        phase=phase,
        today=today,
        meeting=(make_meeting, Invitees(project, facilitator, list(picked))),
    )


def _no_run(_phase: str | None, _draft: Run | None) -> RunSession:
    raise KundencheckError(_("A sprint meeting starts no run of its own."))
