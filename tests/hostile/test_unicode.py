"""Umlauts and ß everywhere (German first), emoji, right-to-left text, combining characters and
wide characters, in a normal and in a very narrow terminal: nothing crashes, nothing is mangled
on the way into the answers file, the commit and the CLI's output.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from click.testing import CliRunner
from textual import events

from kundencheck.cli import main
from kundencheck.core import answers as answers_mod
from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.dialogs import ConfirmQuitScreen, HelpScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.git import git
from tests.support.hostile import (
    UNICODE,
    add_checklist,
    assert_no_control,
    commit_hand_written,
    hand_written_run,
    hostile_checklist,
)
from tests.support.screen import flat, screen_text

NOTE = f"Rückfrage zur Größe: {UNICODE} — ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇"  # noqa: RUF001 - hostile text on purpose


@pytest.fixture
def unicode_repo(repo):
    add_checklist(repo, hostile_checklist(UNICODE))
    git(repo, "config", "user.name", "Jürgen Groß 👩‍💻 שלום")
    git(repo, "config", "user.email", "jürgen.groß@example.com")
    (repo / ".kundencheck" / "config.toml").write_text('project = "Übergröße 🚀"\nclient = "Müller & Söhne GmbH ﷽"\n')
    run_id = "20261113T080000Z-build-jurgen-gross-000001"
    commit_hand_written(repo, hand_written_run(run_id, "KW 46 — Größe", "Jürgen Groß <j@example.com>", NOTE), run_id)
    return repo


def make(project):
    return lambda *args: RunSession.start(project, "build", draft=args[-1] if args else None, sprint="Sprint Ü 🚀")


@pytest.mark.parametrize("size", [(80, 24), (40, 15)], ids=["80x24", "40x15"])
async def test_every_screen_with_unicode_in_a_normal_and_a_narrow_terminal(unicode_repo, size):
    project = open_project(unicode_repo)
    app = build_app(make(project))
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not isinstance(app.screen, RunScreen):  # the open action of the earlier run first
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        texts = [screen_text(app)]
        await pilot.press("3")  # red: the note field
        app.focused.post_message(events.Paste(NOTE))
        await pilot.pause()
        await pilot.press("enter", *"Anrufen", "enter")
        app.focused.post_message(events.Paste("Ana Çelik-Ørsted 山田"))
        await pilot.pause()
        await pilot.press("enter", *"2026-12-04", "enter")
        texts.append(screen_text(app))
        for keys in (["2"], ["1"], ["enter"]):  # scale 2, choice 1, skip the optional date
            await pilot.press(*keys)
            texts.append(screen_text(app))
        app.focused.post_message(events.Paste("Wir hätten früher fragen sollen 🙈 — لماذا"))
        await pilot.pause()
        await pilot.press("enter", "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        texts.append(screen_text(app))
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        texts.append(screen_text(app))
        await pilot.press("escape", "q")
        assert isinstance(app.screen, ConfirmQuitScreen)
        texts.append(screen_text(app))
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        for text in texts:
            assert_no_control(text)
        if size == (80, 24):
            assert "Ampel Größe äöü" in flat(texts[0]) and "Übermaß" in flat(texts[0])
            assert "Rückfrage zur Größe" in flat(texts[-2]) or "Größe" in flat(texts[-2])
            await pilot.press("enter")  # commit
            for _ in range(200):
                if not app.is_running:
                    break
                await pilot.pause(0.05)
        else:
            assert app.is_running
            await pilot.press("escape", "ctrl+q", "y")
    project.close()
    if size != (80, 24):
        return
    result = app.return_value
    assert result is not None, "the run was not committed"
    run = answers_file.loads(git(unicode_repo, "show", f"HEAD:{app.session.run.path}").encode("utf-8"))
    assert run.answer("light").note == NOTE  # every code point kept, combining marks and all
    assert unicodedata.normalize("NFC", run.answer("light").note) != "" and "שלום" in run.answer("light").note
    assert run.answer("light").action.owner == "Ana Çelik-Ørsted 山田"
    assert run.sprint == "Sprint Ü 🚀" and run.author == "Jürgen Groß 👩‍💻 שלום <jürgen.groß@example.com>"
    assert "-build-jurgen-gross-" in run.id  # the file name takes the slug, never the raw name
    message = git(unicode_repo, "log", "-1", "--format=%B")
    assert "Rückfrage zur Größe" in message and "Kundencheck-Score:" in message


def test_cli_output_keeps_unicode_intact(unicode_repo):
    project = open_project(unicode_repo)
    session = RunSession.start(project, "build", sprint="KW 48 — Größe ✔")
    session.set_value("light", "amber")
    session.set_note("light", NOTE)
    session.release()
    project.close()
    for args in (
        ["status"],
        ["log", "--item", "light"],
        ["report"],
        ["drafts"],
        ["answer", "build", "--template"],
        ["report", "--format", "html"],
        ["status", "--json"],
    ):
        result = CliRunner().invoke(main, ["-C", str(unicode_repo), *args])
        assert result.exit_code == 0, (args, result.output)
        assert "\ufffd" not in result.output, f"{args}: mangled text"
        assert_no_control(result.output)
        assert any(word in result.output for word in ("Größe", "Gr\\u00f6\\u00dfe", "Gr&#246;&#223;e")), (args, result.output)


def test_the_slug_of_names_in_any_script():
    """A run id (and so the answers file's name) takes an ASCII slug of the e-mail's name."""
    for email, expected in (
        ("jürgen.groß@x", "jurgen-gross"),
        ("山田@x", "anon"),
        ("שלום@x", "anon"),
        ("e\u0301mile@x", "emile"),
        ("Ünal-Öz@x", "unal-oz"),
    ):
        run_id = answers_mod.new_run_id(dt.datetime(2026, 11, 27, tzinfo=dt.UTC), "build", email)
        assert re.fullmatch(rf"20261127T000000Z-build-{expected}-[0-9a-f]{{6}}", run_id), (email, run_id)
