"""Every action of the run is also in the command palette (ctrl+p)."""

from __future__ import annotations

from textual.command import CommandPalette

from kundencheck.tui.screens.review import ReviewScreen
from tests.support.apps import offline_app


async def test_palette_answers_and_opens_the_review():
    app, session = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for expected in (
            "Review and commit",
            "Next item",
            "Previous item",
            "Edit note",
            "Answer: yes",
            "Answer: no",
            "Help: keys",
            "Quit kundencheck",
        ):
            assert expected in titles, expected

        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Answer: partly")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert session.run.answer("client-contacted").value == "amber"

        await pilot.press("escape")  # leave the note field the amber answer asked for
        await pilot.press("ctrl+p", *"Review and commit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
