"""Every screen at 80x24 and at 160x48, without colour (NO_COLOR=1) and with the ansi-light
theme (the terminal's own 16 colours on a light background), as SVG snapshots; and every state
readable without colour: symbols and words, never colour alone.

The apps are deterministic: the offline app of tests/support/apps.py (fixed run) for the run,
review and dialog screens; the shared history repository (tests/support/history.py) with a fixed
"today", fixed run ids and a fixed sprint label for home, history, the action review and the
participants picker. Update with ``--snapshot-update`` and look at each new SVG
(``rsvg-convert``) before accepting it.
"""

from __future__ import annotations

import itertools

import pytest

from kundencheck.core import answers as answers_mod
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from tests.support.apps import TODAY, offline_app
from tests.support.history import build_history
from tests.support.pilot import on_screen, settle, until
from tests.support.screen import flat, screen_text

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
MODES = ["no-color", "ansi-light"]
VARIANTS = [(size, mode) for size in SIZES for mode in MODES]
IDS = [f"{size}-{mode}" for size, mode in VARIANTS]


@pytest.fixture
def mode_env(request, monkeypatch):
    """NO_COLOR for the no-color mode (read when the app is made); the theme for ansi-light."""
    _size, mode = request.param
    if mode == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
        return None
    monkeypatch.delenv("NO_COLOR", raising=False)
    return "ansi-light"


def offline(theme, *, previous: dict | None = None, draft: bool = False):
    """The offline app of the TUI's snapshots (tests/support/apps.py) in ``theme``."""
    return offline_app(previous, theme=theme, draft=draft)[0]


@pytest.fixture
def history(project_repo, monkeypatch):
    """The shared history repository, with run ids that do not change from run to run."""

    counter = itertools.count()
    monkeypatch.setattr(answers_mod, "random_hex", lambda n: f"{next(counter):06x}")
    return build_history(project_repo)["path"]


def project(path, theme, *, home: bool):
    opened = open_project(path)
    app = build_app(
        lambda phase, draft: RunSession.start(opened, phase or "build", draft=draft, sprint="2026-W15"),
        project=opened,
        phase="build",
        home=home,
        today=lambda: TODAY,
        theme=theme,
    )
    return app, opened


#: What each screen needs before it is drawn the same every time.
READY = {
    "HomeScreen": lambda pilot: getattr(pilot.app.screen, "data", None) is not None,  # the history is read
    "HistoryScreen": lambda pilot: (
        bool(pilot.app.screen.query("DataTable"))
        and pilot.app.screen.query_one("DataTable").row_count > 0
        and pilot.app.screen.query_one("DataTable").region.height > 0
    ),  # filled and laid out
    "ParticipantsScreen": lambda pilot: pilot.app.screen.query_one("SelectionList").option_count > 0,
}


def keys_then_settle(*keys: str, screen: str | None = None):
    """Press ``keys`` (each once the app has settled), waiting for ``screen`` to be there and
    ready before the snapshot is taken."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            if key == "pick-first":  # the participants picker: pick the first recent author
                from textual.widgets import SelectionList

                await until(pilot, lambda: READY["ParticipantsScreen"](pilot), "the recent authors")
                pilot.app.screen.query_one(SelectionList).highlighted = 0
                key = "space"
            elif key == "wait-home":
                await until(pilot, lambda: on_screen(pilot, "HomeScreen") and READY["HomeScreen"](pilot), "the home screen")
                continue
            elif key == "escape" and screen in ("ActionsScreen", "ParticipantsScreen"):
                await until(pilot, lambda: on_screen(pilot, "ActionsScreen"), "the action review")
            await pilot.press(key)
            await settle(pilot)
        if screen is not None:
            await until(pilot, lambda: on_screen(pilot, screen) and READY.get(screen, lambda _p: True)(pilot), screen)

    return run_before


# ----------------------------------------------------------------------------- offline screens

OFFLINE = {
    # name: (what you should see, keys, offline options)
    "run": (
        "the first question with its why, last time's ✘ no with its note, the choices with symbols and words",
        [],
        {"previous": {"client-contacted": ("red", "Only status mails since May")}},
    ),
    "run-red": ("client-contacted answered ✘ no, the note field focused, the action box, the hint", ["3"], {}),
    "review": (
        "every answer with symbol and word, no problems, the commit message",
        ["1", "4", "2", "1", "enter", *"Two options", "enter", "ctrl+s"],
        {},
    ),
    "help": ("the keys dialog over the run screen", ["question_mark"], {}),
    "quit": ("the quit dialog: quit without committing? y / n", ["1", "q"], {}),
    "resume": ("the resume dialog: the draft's id, sprint, time and 2 answers; r, d, s", [], {"draft": True}),
}


@pytest.mark.parametrize("mode_env", VARIANTS, ids=IDS, indirect=True)
@pytest.mark.parametrize("screen", list(OFFLINE))
def test_offline_screens(snap_compare, mode_env, screen, request):
    """You should see the screen named in the test id (see OFFLINE) at the size and in the mode
    of the test id: without colour, every state still has its symbol and word."""
    _what, keys, options = OFFLINE[screen]
    size = SIZES[request.node.callspec.params["mode_env"][0]]
    app = offline(mode_env, **options)
    assert snap_compare(app, terminal_size=size, press=keys)


MEETING = {
    # name: (what you should see, keys)
    "meeting-voting": (
        "a sprint meeting: ✔ Erika ✔ Ana ▸ Ben (in reverse) · Cem, 2 of 4 have voted, Ben's turn; no vote shown",
        ["escape", "3", "1"],
    ),
    "meeting-reveal": (
        (
            "the votes revealed: each name with ✘ no, ✔ yes, ◐ partly as symbol and word, ⚠ the votes "
            "disagree, the suggestion ✘ no chosen (in reverse)"
        ),
        ["escape", "3", "1", "2", "3"],
    ),
}


@pytest.mark.parametrize("mode_env", VARIANTS, ids=IDS, indirect=True)
@pytest.mark.parametrize("screen", list(MEETING))
def test_meeting_screens(snap_compare, mode_env, screen, request):
    """You should see the sprint meeting's screen named in the test id (see MEETING) at the size
    and in the mode of the test id: whose turn it is and who has voted readable without colour."""
    from tests.support.apps import offline_meeting_app

    _what, keys = MEETING[screen]
    size = SIZES[request.node.callspec.params["mode_env"][0]]
    app, _session = offline_meeting_app(theme=mode_env)
    assert snap_compare(app, terminal_size=size, press=keys)


# ----------------------------------------------------------------------------- screens on a history

PROJECT = {
    "home": ("the five phases, build in detail: last run, answers with symbols and words, actions, due", True, []),
    "history": (
        "the health matrix of build: symbols, words, trend arrows, ⚠; the focused cell's answers",
        True,
        ["wait-home", "h"],
    ),
    "actions": ("the action review: open actions with owner, due, ⚠ overdue; d, o, x", False, []),
    "participants": (
        (
            "who is answering together: two recent authors, Ana picked ([✔] and the word picked, not only "
            "a colour), Erika not ([ ]), a field for others"
        ),
        False,
        ["escape", "p", "pick-first"],
    ),
}


@pytest.mark.parametrize("mode_env", VARIANTS, ids=IDS, indirect=True)
@pytest.mark.parametrize("screen", list(PROJECT))
def test_screens_on_a_history(snap_compare, mode_env, screen, history, request):
    """You should see the screen named in the test id (see PROJECT) at the size and in the mode
    of the test id."""
    _what, home, keys = PROJECT[screen]
    size = SIZES[request.node.callspec.params["mode_env"][0]]
    app, opened = project(history, mode_env, home=home)
    shown = {"home": "HomeScreen", "history": "HistoryScreen", "actions": "ActionsScreen", "participants": "ParticipantsScreen"}[
        screen
    ]
    try:
        assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(*keys, screen=shown))
    finally:
        opened.close()


async def test_every_state_has_its_symbol_and_word_without_colour(monkeypatch, history):
    """NO_COLOR: the greys stay readable (the filter), and each answer state, trend and warning
    carries a symbol and a word on the run, review, home and history screens."""
    from kundencheck.tui.filters import ReadableMonochrome

    monkeypatch.setenv("NO_COLOR", "1")
    app = offline(None)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color and any(isinstance(f, ReadableMonochrome) for f in app._filters)
        shown = flat(screen_text(app))
        for state in ("1 ✔ yes", "2 ◐ partly", "3 ✘ no", "0 – n/a"):
            assert state in shown
        await pilot.press("2", *"Mails only", "enter", "4", "1")  # partly; mood 4; own design: yes
        await pilot.press("0")  # deviations: not applicable
        await pilot.press("3", *"No", "enter")  # expectations: no
        listed = flat(screen_text(app))
        for symbol, item in (
            ("◐", "Talked to the client"),  # its short title; the others have none: their ids
            ("4", "team-mood"),
            ("–", "deviations-announced"),
            ("✘", "expectations-match"),
            ("·", "next-review"),
        ):
            assert f"{symbol} {item}" in listed, (symbol, item, listed)
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        review = flat(screen_text(app))
        for state in ("◐ partly", "– n/a", "✘ no", "not answered"):
            assert state in review
    opened_app, opened = project(history, None, home=True)
    async with opened_app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        home = flat(screen_text(opened_app))
        for words in (
            "✔ 2 green",
            "◐ 0 amber",
            "✘ 1 red",
            "– 0 n/a",
            "↑ 2 better",
            "↓ 1 worse",
            "⚠ 2 overdue",
            "⚠ client-contacted",
            "✘ 9 errors",
            "✘ key signal red (key_signal_low):",
        ):
            assert words in home, (words, home)
        await pilot.press("h")
        await settle(pilot)
        matrix = flat(screen_text(opened_app))
        for words in ("✘ no", "◐ 3/5", "✔ yes", "⚠ disagree", "↑ better", "→ same", "↓ worse"):
            assert words in matrix, (words, matrix)
    opened.close()
