"""German output of the texts that come from core, the store, the session and the TUI.

Each test chooses German the way a user does (``set_language``, or ``language = "de"`` in the
project config) and checks a representative message: the German words are there, the file, line,
key and command it names are still there, and machine output (JSON, trailer keys) stays English.
English stays the default: the fixture switches back after each test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kundencheck.core.errors import ChecklistError, StoreError
from kundencheck.core.i18n import current_language, set_language
from tests.support.apps import project_app
from tests.support.git import git
from tests.support.history import build_history
from tests.support.screen import screen_text


@pytest.fixture
def german():
    set_language("de")
    yield
    set_language("en")


def test_english_is_the_default():
    from kundencheck.core.checklist import checklist_from_dict

    assert current_language() == "en"
    with pytest.raises(ChecklistError) as caught:
        checklist_from_dict({"format": 1}, "x.toml")
    assert "top level, key 'items': required" in str(caught.value)


# ------------------------------------------------------------------------------ checklists


def test_broken_checklist_is_reported_in_german_naming_file_line_and_key(german, tmp_path):
    from kundencheck.core.checklist import load_checklist

    broken = tmp_path / "build.de.toml"
    broken.write_text('format = 1\nid = "build"\ntitle = "Bau\n', encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_checklist(broken)
    message = str(caught.value)
    assert message.startswith(f"{broken}: Zeile 3, Spalte "), message
    assert "TOML-Syntaxfehler" in message and "Korrigiere dort die Syntax." in message

    broken.write_text(
        'format = 1\nid = "build"\ntitle = "Bau"\nphase = "build"\nlanguage = "de"\nversion = "1"\n'
        '[[items]]\nid = "kontakt"\nquestion = "Q?"\nwhy = "W."\nkind = "traffic-light"\ncolour = "red"\n'
        'low = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError) as caught:
        load_checklist(broken)
    message = str(caught.value)
    assert message.startswith(f"{broken}: 2 Probleme:"), message
    assert "Frage 'kontakt', Schlüssel 'colour': unbekannter Schlüssel. Erlaubt: " in message
    assert "Frage 'kontakt', Schlüssel 'low': Nur Skalenfragen haben 'low'-Beschriftungen" in message
    assert "unknown key" not in message


def test_answers_problems_are_german(german):
    from kundencheck.core.answers import Answer, new_run, problems_with
    from kundencheck.core.checklist import load_checklist
    from kundencheck.core.people import Person

    checklist = load_checklist(Path(__file__).parent / "data" / "sprint.en.toml")
    run = new_run(checklist, Person("Erika", "erika@example.com"))
    run.answers = [Answer("client-contacted", "red")]
    problems = problems_with(run, checklist)
    assert "Frage 'client-contacted': Die Antwort 'nein' braucht eine Notiz, die sagt, warum." in problems, problems
    assert any(p.startswith("Pflichtfragen nicht beantwortet: ") for p in problems), problems


# ------------------------------------------------------------------------------ config files


def test_config_error_is_german_with_file_line_and_key(german, tmp_path):
    from kundencheck.core.config import ConfigError, load_config

    config = tmp_path / ".kundencheck" / "config.toml"
    config.parent.mkdir()
    config.write_text('project = "Shop"\ncadence_days = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"{config}, Zeile 2, Schlüssel 'cadence_days': muss eine ganze Zahl von Tagen zwischen 1 und 366 sein."
    )


def test_user_config_error_is_german(german, tmp_path):
    from kundencheck.core.user_config import UserConfigError, load_user_config

    path = tmp_path / "config.toml"
    path.write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(UserConfigError) as caught:
        load_user_config(path)
    assert str(caught.value) == f"{path}, Zeile 1, Schlüssel 'language': 'fr' wird nicht unterstützt. Erlaubt: \"de\", \"en\"."


# ------------------------------------------------------------------------------ reports and the gate


def test_markdown_and_html_reports_are_german_and_json_stays_english(german):
    from kundencheck.core.report import (
        build_report,
        report_html,
        report_json,
        report_markdown,
    )
    from tests.support.runs import report_summary

    summary = report_summary()
    report = build_report(summary, "W14", project="Shop", client="Kunde GmbH")
    text = report_markdown(report)
    assert text.startswith("# kundencheck-Bericht: Sprint W14\n\nProjekt: Shop, Kunde: Kunde GmbH, Stand "), text
    for heading in ("### Antworten", "## Maßnahmen", "### Offen", "### In diesem Sprint geprüft"):
        assert f"\n{heading}\n" in text, heading
    assert "Legende: ✔ ja/grün" in text and "Beantwortet von " in text
    assert "✘ nein" in text and "✘ no" not in text
    assert "Legend:" not in text and "Answered by" not in text

    page = report_html(report)
    assert '<html lang="de">' in page
    assert "<h2>Maßnahmen</h2>" in page and "<h3>Antworten</h3>" in page
    assert "<caption>Gesundheitsmatrix: " in page and "Legende:" in page
    assert '<span class="word">nein</span>' in page

    # The JSON document is for programs: the same in every language, but for the gate's title
    # and message of each finding (for people, as in `check --format json`).
    german_json = report_json(report)
    set_language("en")
    english = build_report(summary, "W14", project="Shop", client="Kunde GmbH")
    assert _without_words(json.loads(report_json(english))) == _without_words(json.loads(german_json))
    assert '"display": "✘ no"' in german_json
    assert "rote Antwort ohne Maßnahme" in german_json and "rote Antwort" not in report_json(english)


def _without_words(node):
    """A JSON document without the gate's words for people (a finding's title and message)."""
    if isinstance(node, dict):
        return {key: _without_words(value) for key, value in node.items() if not (key in ("title", "message") and "rule" in node)}
    if isinstance(node, list):
        return [_without_words(value) for value in node]
    return node


def test_gate_findings_and_summary_are_german(german):
    import datetime as dt

    from kundencheck.core.gate import evaluate, not_started, result_dict, summary_line
    from tests.support.runs import report_summary

    result = evaluate(report_summary())
    assert summary_line(result).startswith("kundencheck check: nicht bestanden, "), summary_line(result)
    document = result_dict(result)
    overdue = [f for f in document["findings"] if f["rule"] == "overdue_action"]
    assert overdue and overdue[0]["title"] == "überfällige Maßnahme"
    assert "überfällig" in overdue[0]["message"] and "`kundencheck run " in overdue[0]["message"]
    assert overdue[0]["level"] == "error"  # rule ids and levels stay as they are
    assert summary_line(not_started(dt.date(2026, 4, 10))) == (
        "kundencheck check: bestanden (nichts zu prüfen: hier gibt es kein .kundencheck/)."
    )


# ------------------------------------------------------------------------------ the store and the session


def test_store_errors_are_german_and_keep_the_commands(german, tmp_path, repo):
    from kundencheck.cli.common import error_text
    from kundencheck.store.git_store import GitStore

    outside = tmp_path / "no-repo"
    outside.mkdir()
    with pytest.raises(StoreError) as caught:
        GitStore.open(outside)
    assert str(caught.value).startswith(f"{outside} liegt in keinem git-Repository."), caught.value
    assert "`git init`" in str(caught.value)

    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    (repo / ".git" / "MERGE_HEAD").write_text(git(repo, "rev-parse", "HEAD") + "\n")
    with GitStore.open(repo) as store, pytest.raises(StoreError) as caught:
        store.commit_file(".kundencheck/answers/x.toml", b"schema = 1\n", "subject\n")
    message = str(caught.value)
    assert f"kundencheck committet jetzt nicht, weil in {repo} ein Merge läuft." in message, message
    assert "`git merge --abort`" in message
    assert caught.value.refused and "Entwurf" not in message  # the store keeps no draft
    # The session sets the id of the draft it saved; the CLI says where the answers are.
    caught.value.draft_id = "20261127T091500Z-build-erika-3f9a1c"
    told = error_text(caught.value)
    assert told.startswith(message)
    assert told.endswith("committe sie mit `kundencheck drafts commit 20261127T091500Z-build-erika-3f9a1c`."), told


def test_resume_draft_description_is_german(german, project_repo):
    from kundencheck.session import RunSession, open_project

    project = open_project(project_repo)
    set_language("de")  # open_project chose the language from the (empty) environment
    try:
        session = RunSession.start(project, "build")
        session.set_value("client-contacted", "green")
        session.release()
        run, description = project.offerable_draft(session.checklist.id)
        assert description.startswith(f"Entwurf {run.id} der Checkliste build, Sprint "), description
        assert description.endswith(", 1 Antwort.")
    finally:
        project.close()


# ------------------------------------------------------------------------------ the TUI


@pytest.fixture
def german_history_app(project_repo):
    """The app as `kundencheck home` builds it, on a repository with a history, with
    ``language = "de"`` in its project config; English again afterwards."""

    history_repo = build_history(project_repo)
    config = history_repo["path"] / ".kundencheck" / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'language = "de"\n', encoding="utf-8")
    app, project = project_app(history_repo["path"])
    yield app
    project.close()
    set_language("en")


async def test_history_screen_in_german_through_the_project_config(german_history_app):
    """``language = "de"`` in the project config: the history screen's legend, matrix words and
    cell details are German."""
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable, Static

    from kundencheck.tui.screens.history import HistoryScreen

    app = german_history_app
    assert current_language() == "de"
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        legend = str(screen.query_one("#history-legend", Static).render())
        assert legend.startswith("✔ ja  ◐ teilweise  ✘ nein"), legend
        table = screen.query_one("#matrix", DataTable)
        # Rows: client-contacted, own-design (the shipped checklist bands its options), team-mood,
        # and expectations-match (an item the shipped German checklist does not have).
        assert str(table.get_cell_at(Coordinate(1, 0))) == "✔ Nein"
        assert str(table.get_cell_at(Coordinate(3, 0))) == "✔ ja"
        assert str(table.get_cell_at(Coordinate(0, 2))) == "✘ nein → ⚠"
        text = screen_text(app)
        assert "das Team ist sich uneinig" in text and "Sprint 2026-W14" in text, text


# ------------------------------------------------------------------------------ extraction


def test_no_text_is_marked_inside_an_f_string():
    """Babel does not look into f-strings: ``f"<h2>{_('Actions')}</h2>"`` would never reach the
    catalogs, and German users would read English there."""
    import ast

    source = Path(__file__).resolve().parents[1] / "src" / "kundencheck"
    hidden = []
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for joined in ast.walk(tree):
            if not isinstance(joined, ast.JoinedStr):
                continue
            for node in ast.walk(joined):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "ngettext", "Nn_")
                ):
                    hidden.append(f"{path.relative_to(source)}:{node.lineno}: {ast.unparse(node)}")
    assert not hidden, "texts marked inside f-strings (not extractable):\n" + "\n".join(hidden)


async def test_command_palette_in_german(project_repo):
    """Textual's own palette entries and its search prompt follow the project's language too."""
    from textual.command import CommandPalette
    from textual.widgets import Input

    config = project_repo / ".kundencheck" / "config.toml"
    config.write_text('language = "de"\n', encoding="utf-8")
    app, project = project_app(project_repo)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            assert app.screen.query_one(Input).placeholder == "Befehle suchen …"
            await pilot.press(*"farb")
            await pilot.pause(0.3)
            text = screen_text(app)
            assert "Farbschema" in text and "Das Farbschema wechseln" in text, text
    finally:
        project.close()


async def test_open_actions_list_in_german_keeps_its_columns(german_history_app):
    """The review's rows are columns with German headings; deciding one changes only its
    decision symbol, never where the other columns start."""
    from kundencheck.tui.screens.actions import ActionsScreen

    app = german_history_app
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        text = screen_text(app)
        heading = next(line for line in text.splitlines() if "Frage" in line and "Fällig" in line)
        assert all(word in heading for word in ("Was", "Wer", "Angelegt")), heading
        assert "1 von 3  ·  0 entschieden, 3 noch nicht" in text
        before = next(line for line in text.splitlines() if "Book a review" in line)
        assert "  · " in before and "⚠ 03-20" in before, before
        await pilot.press("d")
        await pilot.pause()
        after = next(line for line in screen_text(app).splitlines() if "Book a review" in line)
        assert "  ✔ " in after and after.index("Book a review") == before.index("Book a review"), after
        assert after.index("⚠ 03-20") == before.index("⚠ 03-20")
