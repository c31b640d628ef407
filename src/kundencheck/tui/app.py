"""The Textual application. ``build_app`` is the one factory the CLI and the tests use."""

from __future__ import annotations

from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kundencheck.core.answers import Run
from kundencheck.core.i18n import _
from kundencheck.session import RunSession
from kundencheck.store.git_store import CommitResult
from kundencheck.tui.screens.dialogs import ConfirmQuitScreen, HelpScreen, ResumeDraftScreen
from kundencheck.tui.screens.run import RunScreen

#: Makes the session; given a draft run to resume, or None for a fresh run.
SessionFactory = Callable[[Run | None], RunSession]


class KundencheckApp(App[CommitResult | None]):
    CSS_PATH = "kundencheck.tcss"
    TITLE = "kundencheck"
    BINDINGS = [
        Binding("ctrl+q", "quit", _("Quit"), priority=True, show=False, id="quit"),
        Binding("f1", "help", _("Help"), show=False, id="help"),
    ]

    def __init__(self, make_session: SessionFactory, *, draft: tuple[Run, str] | None = None) -> None:
        super().__init__()
        self.make_session = make_session
        self.draft = draft
        self.session: RunSession | None = None

    #: Set by build_app from the user config: a Textual theme name and binding id -> key(s).
    _user_theme: str | None = None
    _user_keymap: dict[str, str] | None = None

    def on_mount(self) -> None:
        if self._user_theme and self._user_theme in self.available_themes:
            self.theme = self._user_theme
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        self._exit_on_termination()
        if self.draft is None:
            self._start(None)
            return
        run, description = self.draft

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self._start(run)
                return
            if choice == "discard" and self._discard_draft is not None:
                self._discard_draft(run.id)
            self._start(None)

        self.push_screen(ResumeDraftScreen(description), chosen)

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

    def _start(self, draft: Run | None) -> None:
        self.session = self.make_session(draft)
        self.push_screen(RunScreen(self.session))

    # ----------------------------------------------------------------------------- actions

    async def action_quit(self) -> None:
        session = self.session
        if session is None or session.committed or not session.has_answers():
            self._leave()
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._leave()

        if not isinstance(self.screen, ConfirmQuitScreen):
            self.push_screen(ConfirmQuitScreen(), confirmed)

    def _leave(self) -> None:
        if self.session is not None:
            self.session.release()
        self.exit(None)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(_("Help: keys"), _("Show the key bindings"), self.action_help)
        if isinstance(screen, RunScreen):
            yield SystemCommand(_("Review and commit"), _("Show all answers and the commit message"), screen.action_review)
            yield SystemCommand(_("Next item"), _("Move to the next question"), lambda: screen.action_move(1))
            yield SystemCommand(_("Previous item"), _("Move to the previous question"), lambda: screen.action_move(-1))
            yield SystemCommand(_("Edit note"), _("Write a note for this item"), screen.action_edit_note)
            yield SystemCommand(_("Edit note in $EDITOR"), _("Write a long note in your own editor (ctrl+e)"), screen.action_external_editor)
            yield SystemCommand(
                _("Who is answering together?"), _("Pick recent authors or type Name <email>: Co-authored-by trailers (p)"), screen.action_participants
            )
            for key, word in (("1", _("yes")), ("2", _("partly")), ("3", _("no")), ("0", _("not applicable"))):
                yield SystemCommand(
                    _("Answer: {word}").format(word=word), _("Answer the traffic-light item in focus"), lambda k=key: screen.action_digit(k)
                )
        yield SystemCommand(_("Quit kundencheck"), _("Answers stay as a draft"), self.action_quit)


def build_app(
    make_session: SessionFactory,
    *,
    draft: tuple[Run, str] | None = None,
    discard_draft: Callable[[str], None] | None = None,
    theme: str | None = None,
    keymap: dict[str, str] | None = None,
) -> KundencheckApp:
    """``theme`` and ``keymap`` come from the user config (see core/user_config.py)."""
    app = KundencheckApp(make_session, draft=draft)
    app._discard_draft = discard_draft
    app._user_theme = theme
    app._user_keymap = dict(keymap) if keymap else None
    return app


def theme_names() -> list[str]:
    """The themes a user config may name."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def binding_ids() -> list[str]:
    """The ids of the bindings a user config may remap in its [keys] table."""
    found = {b.id for cls in (KundencheckApp, RunScreen) for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
    return sorted(found)
