"""Every screen fits 80x24 without losing what a person needs, in English and in German.

Checked on the screen's text as the terminal shows it, with the shipped checklists (their long
German questions, ids and choice labels) where the tests' own checklist is too short to show a
problem: titles whole, the action form in view, ids and choice labels on one line, hints that go
once they are answered, dates said back as understood, the help of the screen it is asked on,
and the one line that says how to set a new project up.
"""

from __future__ import annotations

import re

import pytest

from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from tests.support.apps import OFFLINE_TODAY, offline_app, project_app
from tests.support.screen import screen_text

SIZE = (80, 24)


def shipped_app(repo, phase: str, language: str = "de", *, home: bool = False, config: bool = True):
    """The app as `kundencheck run PHASE` builds it, on the shipped checklists, ``language`` set
    in the project config (``config=False``: a repository without one, LANG says the language)."""
    if config:
        folder = repo / ".kundencheck"
        folder.mkdir(exist_ok=True)
        (folder / "config.toml").write_text(f'language = "{language}"\nphase = "{phase}"\n')
    project = open_project(repo)
    app = build_app(
        lambda run_phase, draft: RunSession.start(project, run_phase or phase, draft=draft, sprint="2026-W48"),
        project=project,
        phase=phase,
        home=home,
        today=lambda: OFFLINE_TODAY,
    )
    return app, project


def lines(app) -> list[str]:
    return screen_text(app).splitlines()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_title_and_sprint_are_whole_at_80_columns(repo):
    app, project = shipped_app(repo, "build")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            top = " ".join(line.strip() for line in lines(app)[:2])
            assert "Sprintstart: Wie steht es um unsere Beziehung zum Kunden?" in top, top
            assert "build · 2026-W48" in top and "…" not in top, top
    finally:
        project.close()


async def test_action_form_is_in_view_and_the_item_list_keeps_its_border(repo):
    """The shipped German build checklist's first question is long; answered "no" at 80x24, the
    note field, the action's heading and its what, owner and due fields are all on screen, and the
    item list's bottom border is drawn (the right pane used to draw over it)."""
    app, project = shipped_app(repo, "build")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("3", *"Nur Mails", "enter")
            await _settle(pilot)
            shown = lines(app)
            text = "\n".join(shown)
            assert app.focused.id == "action-what"
            for words in ("Maßnahme: Was tun wir, wer, bis wann?", "Was ", "Wer ", "Fällig"):
                assert words in text, (words, text)
            assert shown[-2].lstrip().startswith("╰") and "╯" in shown[-2], shown[-2]
    finally:
        project.close()


async def test_item_names_are_never_wrapped(repo):
    """The item list names the items by their short titles, as the reports do (the German
    acceptance checklist's are up to 25 characters): each on one line of the list, whole at 80
    columns, and the highlighted item's id small above its question."""
    app, project = shipped_app(repo, "acceptance")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            text = screen_text(app)
            items = app.screen.session.visible_items()
            for item in items:
                assert item.title and item.label == item.title
                assert re.search(rf"[·✔✘◐–•\d] {re.escape(item.title)}(\s|$)", text, re.MULTILINE), (item.title, text)
            assert re.search(rf"Frage 1 von {len(items)}\s+·\s+{items[0].id}", text), text  # above the question
    finally:
        project.close()


async def test_a_choice_is_never_split_over_two_lines(repo):
    """German labels are long: "4 Noch nichts vereinbart" stays together, and so does "0 – n. z."."""
    app, project = shipped_app(repo, "kickoff")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert " 0 – n. z. " in screen_text(app)
            items = [item.id for item in project.checklist_for("kickoff").items]
            for _step in range(items.index("contact-rhythm")):
                await pilot.press("j")
            await _settle(pilot)
            text = screen_text(app)
            assert " 4 Noch nichts vereinbart " in text, text
            assert " 2 Einmal pro Sprint " in text, text
    finally:
        project.close()


async def test_the_action_hint_goes_once_what_owner_and_due_are_given():
    app, session = offline_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", *"Only mails", "enter")
        hint = app.screen.query_one("#hint")
        assert "still missing: what, owner, due date" in str(hint.render())
        await pilot.press(*"Call the PO")
        assert "still missing: owner, due date" in str(hint.render())
        await pilot.press("enter", *"Ana", "enter", *"fr")
        await pilot.pause()
        assert not hint.display and "needs an action" not in screen_text(app)
        assert "→ Fri 2026-12-04" in screen_text(app)  # what "fr" was understood as
        assert str(session.run.answer("client-contacted").action.due) == "2026-12-04"


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("31.12.", "→ Thu 2026-12-31"),
        ("+7", "→ Fri 2026-12-04"),
        ("freitag", "→ Fri 2026-12-04"),
        ("2027-01-15", "→ Fri 2027-01-15"),
        ("soon", "✘ not a date (yet)"),
    ],
)
async def test_a_date_answer_says_what_it_was_understood_as(typed, shown):
    app, session = offline_app()
    async with app.run_test(size=SIZE) as pilot:
        for key in ("1", "4", "2", "1"):  # on to next-review, the date item
            await pilot.press(key)
        await pilot.pause()
        assert app.focused.id == "value-input"
        await pilot.press(*typed)
        await pilot.pause()
        assert shown in screen_text(app)
        value = session.run.answer("next-review").value
        assert (value is None) if shown.startswith("✘") else (value.isoformat() == shown.split()[-1])


async def test_last_time_of_a_scale_shows_its_range():
    app, _ = offline_app({"team-mood": (2, "Tired")})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        last = str(app.screen.query_one("#question").parts["last"])
        assert last == "Last time: ✘ 2/5 — Tired", last


async def test_the_review_shows_a_long_answer_whole():
    """What gets committed is checked on the review: a long text answer wraps, it is never cut."""
    app, _ = offline_app()
    long_text = (
        "Proposed two options for the checkout and explained why we cannot match the design pixel "
        "for pixel, then agreed on the second one with the client's product owner"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "4", "2", "1", "enter", *long_text, "enter", "ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert " ".join(long_text.split()) in " ".join(text.split()), text
        assert "…" not in text


async def test_the_footer_speaks_german_though_the_screens_were_imported_in_english():
    """The screens are imported (in English) long before a German project is opened in this
    process; their footer follows the language all the same."""
    app, _ = offline_app(language="de")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = lines(app)[-1]
        assert "n Notiz" in footer and "q Beenden" in footer and "Note" not in footer, footer


async def test_the_help_lists_the_keys_of_the_screen_it_is_asked_on(history_repo):
    from kundencheck.tui.screens.dialogs import HelpScreen

    app, project = project_app(history_repo["path"])
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            await pilot.press("h")
            await _settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            assert "Keys on the history screen" in text and "back to the home screen" in text
            assert "write a note for the item" not in text and "traffic light" not in text
            await pilot.press("escape", "escape")  # help, history: home
            await pilot.press("question_mark")
            await pilot.pause()
            assert "Keys on the home screen" in screen_text(app) and "start a run of the phase" in screen_text(app)
    finally:
        project.close()


async def test_the_palette_has_one_entry_for_keys():
    app, _ = offline_app()
    async with app.run_test(size=SIZE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Help: keys" in titles and "Keys" not in titles, titles


@pytest.mark.parametrize(
    "language, line",
    [
        ("en", "Not set up: `kundencheck init` writes .kundencheck/config.toml and commits it."),
        ("de", "Einrichten: `kundencheck init` schreibt und committet .kundencheck/config.toml"),
    ],
)
async def test_a_repository_without_a_config_is_told_how_to_set_up(repo, monkeypatch, language, line):
    """The run screen and the home screen say it in one line (at 80 columns), in the language."""
    monkeypatch.setenv("LANG", "de_DE.UTF-8" if language == "de" else "C.UTF-8")
    app, project = shipped_app(repo, "build", config=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert any(shown.strip() == line for shown in lines(app)), screen_text(app)
            await pilot.press("g")
            await _settle(pilot)
            assert any(shown.strip() == line for shown in lines(app)), screen_text(app)
    finally:
        project.close()
    app, project = shipped_app(repo, "build", language=language)  # now with a config: not said
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert "kundencheck init" not in screen_text(app)
    finally:
        project.close()


async def test_a_teams_own_question_is_asked_among_the_shipped_ones(repo):
    """An extension file adds a question to the shipped checklist: the run asks it where it was
    put, with the shipped questions around it."""
    folder = repo / ".kundencheck" / "checklists"
    folder.mkdir(parents=True)
    (folder / "build.de.toml").write_text(
        'format = 1\nextends = "build"\nlanguage = "de"\n\n[[items]]\nid = "staging-gezeigt"\nafter = "client-contacted"\n'
        'question = "Haben wir dem Kunden die Staging-Seite gezeigt?"\nwhy = "Früh gesehen wird aus Überraschung Feedback."\n'
        'kind = "traffic-light"\n'
    )
    app, project = shipped_app(repo, "build")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert "0 von 11 beantwortet" in screen_text(app)
            await pilot.press("1")
            await pilot.pause()
            text = screen_text(app)
            assert "Frage 2 von 11  ·  staging-gezeigt" in text, text
            assert str(app.screen.query_one("#question").parts["question"]) == "Haben wir dem Kunden die Staging-Seite gezeigt?"
    finally:
        project.close()
