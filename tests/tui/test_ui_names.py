"""The theme and key names a user config may give (core/ui_names.py, data the CLI checks a user
config against without Textual) are the ones the app really offers."""

from __future__ import annotations

from textual.binding import Binding

from kundencheck.core.ui_names import BINDING_IDS, THEMES
from kundencheck.tui.app import KundencheckApp
from kundencheck.tui.portfolio_app import PortfolioApp
from kundencheck.tui.screens.actions import ActionsScreen
from kundencheck.tui.screens.history import HistoryScreen
from kundencheck.tui.screens.home import HomeScreen
from kundencheck.tui.screens.meeting import MeetingScreen
from kundencheck.tui.screens.portfolio import PortfolioScreen, ReadOnlyHomeScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.apps import offline_app

#: The app and every screen with bindings of its own.
SCREENS = (
    KundencheckApp,
    RunScreen,
    HomeScreen,
    HistoryScreen,
    ActionsScreen,
    PortfolioApp,
    PortfolioScreen,
    ReadOnlyHomeScreen,
    MeetingScreen,
)


def test_the_binding_ids_are_those_of_the_app_and_its_screens():
    found = {b.id for cls in SCREENS for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
    assert sorted(BINDING_IDS) == sorted(found)
    assert len(set(BINDING_IDS)) == len(BINDING_IDS)
    assert {"next-item", "previous-item", "edit-note", "external-editor", "review", "help", "quit"} <= set(BINDING_IDS)


def test_the_themes_are_those_the_app_offers():
    app, _session = offline_app()
    assert sorted(THEMES) == sorted(app.available_themes)
    assert len(set(THEMES)) == len(THEMES)


async def test_every_theme_listed_can_be_set():
    app, _session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            assert app.theme == theme
