"""Texts with a count in real output, a layer each: the count 1 takes the singular, 2 the plural,
in English and in German, as the catalog's plural rule chooses (core/i18n.ngettext). The texts
were written with the plural whatever the count ("1 questions", "seit 1 Tagen überfällig")."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from kundencheck.core.answers import Action
from kundencheck.core.catalog import load_catalog
from kundencheck.core.i18n import set_language
from kundencheck.core.mirror import invitation_message, new_invitation
from kundencheck.store.git_store import GitStore
from tests.support.apps import project_app
from tests.support.history import ANA, CET, base_answers, commit_run
from tests.support.paths import python_env
from tests.support.pilot import settle
from tests.support.screen import folded, screen_text

LANGUAGES = ("en", "de")


@pytest.mark.parametrize(
    "language, one, two",
    [
        ("en", "1 question for the client, in en,", "2 questions for the client, in en,"),
        ("de", "1 Frage an den Kunden, auf en,", "2 Fragen an den Kunden, auf en,"),
    ],
)
def test_core_the_invitations_commit_message_counts_its_questions(language, one, two):
    build = load_catalog(None).find("build", "en")
    created = dt.datetime(2026, 11, 27, 9, 0, tzinfo=CET)
    invitation = new_invitation(build, phase="build", sprint="2026-W48", created=created, created_by="Erika <erika@example.com>")
    set_language(language)  # the conftest's isolated environment switches back to English
    assert one in invitation_message(invitation, 1)
    assert two in invitation_message(invitation, 2)


@pytest.fixture
def overdue_repo(project_repo):
    """One run of 2026-03-02 with two actions: one due 2026-03-09, one due 2026-03-10."""
    checklist = load_catalog(project_repo).find("build", "en")
    with GitStore.open(project_repo) as store:
        commit_run(
            store,
            checklist,
            ANA,
            "2026-W10",
            dt.datetime(2026, 3, 2, 9, 0, tzinfo=CET),
            base_answers(
                "red",
                2,
                "green",
                note="Only status mails",
                action=Action("Call the product owner", "Ana", dt.date(2026, 3, 9)),
                mood_action=Action("Talk about workload", "Lea", dt.date(2026, 3, 10)),
            ),
        )
    return project_repo


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("C.UTF-8", "due 2026-03-09, 1 day overdue", "due 2026-03-09, 2 days overdue"),
        ("de_DE.UTF-8", "fällig 2026-03-09, seit 1 Tag überfällig", "fällig 2026-03-09, seit 2 Tagen überfällig"),
    ],
)
def test_cli_actions_says_how_many_days_an_action_is_overdue(overdue_repo, lang, one, two):
    def actions(today: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "kundencheck", "-C", str(overdue_repo), "actions", "--today", today],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env=python_env(LANG=lang, COLUMNS="200"),
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert one in actions("2026-03-10")
    assert two in actions("2026-03-11")


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("C.UTF-8", "⚠ 1 overdue action", "⚠ 2 overdue actions"),
        ("de_DE.UTF-8", "⚠ 1 überfällige Maßnahme", "⚠ 2 überfällige Maßnahmen"),
    ],
)
async def test_tui_the_home_screen_counts_the_overdue_actions(overdue_repo, monkeypatch, lang, one, two):
    monkeypatch.setenv("LANG", lang)  # open_project chooses the language from it
    shown = {}
    for today in (dt.date(2026, 3, 10), dt.date(2026, 3, 11)):
        app, project = project_app(overdue_repo, today=lambda today=today: today)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                shown[today.day] = folded(screen_text(app))
        finally:
            project.close()
    assert re.search(re.escape(one) + r"(?!\w)", shown[10]), shown[10]  # the whole word: not "actions", "Maßnahmen"
    assert two in shown[11], shown[11]
