"""The Textual application of ``kundencheck portfolio``: the portfolio screen, and each project's
home and history screens over it, read-only. ``build_portfolio_app`` is the one factory the CLI
and the tests use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from kundencheck import startup
from kundencheck.core.i18n import N_, _, translate
from kundencheck.tui.translated import TranslatedBindings

if TYPE_CHECKING:
    from kundencheck.portfolio_session import LoadedPortfolio


class PortfolioApp(TranslatedBindings, App[None]):
    CSS_PATH = "kundencheck.tcss"
    TITLE = "kundencheck"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, show=False, id="quit"),
        Binding("f1", "help", N_("Help"), show=False, id="help"),
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

    def __init__(self, loaded: LoadedPortfolio, *, today: Callable[[], dt.date] | None = None) -> None:
        super().__init__()
        if self.no_color:  # NO_COLOR / --no-color: greys that stay readable (see tui/filters.py)
            from textual.filter import Monochrome

            from kundencheck.tui.filters import ReadableMonochrome

            self._filters = [ReadableMonochrome() if isinstance(f, Monochrome) else f for f in self._filters]
        self.loaded = loaded
        #: Where every screen takes "today" from (due checks, overdue actions); tests fix it.
        self.today: Callable[[], dt.date] = today or dt.date.today
        #: What the home screen asks the app for: there is no run here.
        self.session = None

    _user_theme: str | None = None
    _user_keymap: dict[str, str] | None = None

    def run(self, *args: Any, **kwargs: Any) -> None:
        # As KundencheckApp.run: what was imported stays; the collector paused for the start-up
        # runs again (kundencheck.startup).
        startup.app_starts()
        return super().run(*args, **kwargs)

    def get_default_screen(self) -> Screen[Any]:
        if self._user_theme and self._user_theme in self.available_themes:
            self.theme = self._user_theme
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        from kundencheck.tui.screens.portfolio import PortfolioScreen

        return PortfolioScreen(self.loaded, today=self.today)

    def action_help(self) -> None:
        from kundencheck.tui.screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(getattr(self.screen, "HELP_KEYS", None), getattr(self.screen, "HELP_TITLE", None)))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # any App will do
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from kundencheck.tui.screens.portfolio import (
            PortfolioScreen,
            ReadOnlyHomeScreen,
        )

        for command in super().get_system_commands(screen):
            if command.callback in (self.action_quit, self.action_show_help_panel, self.action_hide_help_panel):
                continue
            yield command._replace(title=translate(command.title), help=translate(command.help))
        yield SystemCommand(_("Help: keys"), _("Show the key bindings"), self.action_help)
        if isinstance(screen, PortfolioScreen):
            yield SystemCommand(_("Open the project"), _("Its home screen, read-only (enter)"), screen.action_open_project)
            yield SystemCommand(_("History"), _("The health matrix of the project's current phase (h)"), screen.action_history)
            yield SystemCommand(_("Phases or key signals"), _("Switch what the columns show (v)"), screen.action_toggle_view)
            yield SystemCommand(_("Sort"), _("The worst first, or by name (s)"), screen.action_toggle_sort)
        if isinstance(screen, ReadOnlyHomeScreen):
            yield SystemCommand(_("History"), _("The health matrix of the phase in focus (h)"), screen.action_history)
            yield SystemCommand(_("Back to the portfolio"), _("Every project at once (escape)"), self.pop_screen)
        yield SystemCommand(_("Quit kundencheck"), _("Leave the portfolio"), self.action_quit)


def build_portfolio_app(
    loaded: LoadedPortfolio,
    *,
    today: Callable[[], dt.date] | None = None,
    theme: str | None = None,
    keymap: dict[str, str] | None = None,
) -> PortfolioApp:
    app = PortfolioApp(loaded, today=today)
    app._user_theme = theme
    app._user_keymap = dict(keymap) if keymap else None
    return app
