"""The gettext catalogs: every text in German and English, German translations complete and
well-formed, the shipped .mo files in sync, and the language chosen at run time shown."""

from __future__ import annotations

import ast
import gettext
import importlib.util
import os
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from tests.support.apps import offline_app
from tests.support.paths import ROOT

SOURCE = ROOT / "src" / "kundencheck"
LOCALE = SOURCE / "locale"
LANGUAGES = ("de", "en")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _scripts_i18n():
    spec = importlib.util.spec_from_file_location("kundencheck_scripts_i18n", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _po(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "kundencheck.po", "rb") as handle:
        return read_po(handle, locale=language)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def source_texts() -> set[str]:
    """Every text in src/, extracted by Babel exactly as `python scripts/i18n.py update` does."""
    return {message.id for message in _scripts_i18n().extract() if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_in_the_catalog(language, source_texts):
    present = {message.id for message in _po(language) if message.id}
    missing = sorted(source_texts - present)
    assert not missing, (
        f"{len(missing)} texts are missing from the {language} catalog; run `python scripts/i18n.py update`, "
        f"translate, then `python scripts/i18n.py compile`:\n" + "\n".join(missing)
    )


def test_every_german_text_is_translated_with_the_same_placeholders():
    problems = []
    for message in _po("de"):
        if not message.id:
            continue
        if not message.string.strip():
            problems.append(f"not translated: {message.id!r}")
        elif _placeholders(message.string) != _placeholders(message.id):
            problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_file_is_in_sync_with_the_po_file(language):
    mo = LOCALE / language / "LC_MESSAGES" / "kundencheck.mo"
    assert mo.is_file(), f"{mo} is missing: run `python scripts/i18n.py compile`"
    with open(mo, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in _po(language):
        if not message.id:
            continue
        expected = message.string or message.id  # an empty msgstr falls back to the msgid
        if compiled.gettext(message.id) != expected:
            stale.append(message.id)
    assert not stale, f"{mo.name} ({language}) is stale, run `python scripts/i18n.py compile`:\n" + "\n".join(stale)


def test_underscore_is_only_called_with_one_string_literal():
    """`_(variable)` or `_(f"...")` cannot be extracted: such a text would never be translated.
    Constants evaluated at import time are marked with `N_("...")` and shown with `translate()`."""
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_"):
                literal = (
                    len(node.args) == 1
                    and not node.keywords
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                )
                if not literal:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not bad, "_() needs a single string literal:\n" + "\n".join(bad)


# ------------------------------------------------------------------------------ run time


@pytest.fixture
def german():
    from kundencheck.core.i18n import set_language

    set_language("de")
    yield
    set_language("en")


async def test_run_and_review_screens_in_german(german):
    from textual.widgets import Static

    app, _session = offline_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        progress = app.screen.query_one("#progress").label
        assert re.fullmatch(r"0 von \d+ beantwortet", progress), progress
        choices = str(app.screen.query_one("#question").parts["choices"])
        for word in ("ja", "teilweise", "nein", "n. z."):
            assert word in choices, choices
        await pilot.press("1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(app.screen.query_one("#review-message", Static).render())
        assert "kundencheck(build): 1 grün, 0 gelb, 0 rot" in message, message
        assert "Kundencheck-Run: " in message  # trailer keys stay English


FOOTER_PROBE = """
import asyncio, sys
sys.path.insert(0, {root!r})
from kundencheck.session import RunSession, open_project
project = open_project({repo!r})  # the language comes from LANG; sets it before the TUI is imported
from kundencheck.tui.app import build_app
from tests.support.screen import screen_text
app = build_app(lambda phase, draft: RunSession.start(project, phase or "build", draft=draft),
                project=project, phase="build", home=False)
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print(screen_text(app))
        print("=====")
        await pilot.press("question_mark")
        await pilot.pause()
        print(screen_text(app))
asyncio.run(main())
"""


def test_footer_and_help_follow_lang_at_run_time(project_repo):
    """Binding descriptions and the help's key list are evaluated at import time: the CLI imports
    the TUI only after open_project has chosen the language, so LANG=de shows them in German."""
    env = {**os.environ, "LANG": "de_DE.UTF-8", "TEXTUAL_ANIMATIONS": "none"}
    result = subprocess.run(
        [sys.executable, "-c", FOOTER_PROBE.format(root=str(ROOT), repo=str(project_repo))],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=project_repo,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    run_screen, help_screen = result.stdout.split("=====")
    assert "Beenden" in run_screen and "Hilfe" in run_screen, run_screen
    assert "Quit" not in run_screen
    assert "Tasten" in help_screen and "zwischen den Fragen wechseln" in help_screen, help_screen


def test_cli_imports_the_tui_only_after_choosing_the_language():
    """Module-level imports of kundencheck.cli must not pull in the TUI (its texts would be English)."""
    probe = "import sys, kundencheck.cli; print(any(m.startswith('kundencheck.tui') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
