"""Waiting for the app in a pilot test: for its workers (reading history, committing), for a
screen a worker's result pushes. On a busy machine a worker may not even have started at the
first pause, so waiting is always for a state, with a time limit."""

from __future__ import annotations

import time

from tests.support.screen import folded, screen_text


async def settle(pilot) -> None:
    """Wait until the app's workers are done and the screen has caught up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, ready, what: str, limit: float = 20.0) -> None:
    """Wait until ``ready()`` holds (a screen pushed from a worker's result, a list filled), then
    for the workers; after ``limit`` seconds, fail naming ``what`` was waited for."""
    deadline = time.monotonic() + limit
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)
    await settle(pilot)


def on_screen(pilot, name: str) -> bool:
    """Whether the screen shown is of the class ``name``."""
    return type(pilot.app.screen).__name__ == name


async def text_shown(app, pilot, text: str, limit: float = 20.0) -> None:
    """Wait until the screen shows ``text`` (folded, as :func:`folded` makes it): a screen that
    reads the drafts or the history in workers of its own may draw its rows after the workers end."""
    deadline = time.monotonic() + limit
    while text not in folded(screen_text(app)):
        assert time.monotonic() < deadline, f"timed out waiting for {text!r}"
        await pilot.pause(0.05)
