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
def source_texts() -> set[str | tuple[str, str]]:
    """Every text in src/, extracted by Babel exactly as `python scripts/i18n.py update` does: a
    string, or (singular, plural) for a text with a count (``ngettext``, ``Nn_``)."""
    return {message.id for message in _scripts_i18n().extract() if message.id}


def _forms(message) -> list[tuple[str, str]]:
    """(English, translation) of each form of a catalog entry: one for a plain text; for a
    plural entry msgstr[0] with the singular msgid and every further msgstr[n] with the plural
    (German and English: msgstr[0] for 1, msgstr[1] for every other count)."""
    if not message.pluralizable:
        return [(message.id, message.string)]
    return [(message.id[min(index, 1)], string) for index, string in enumerate(message.string)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_in_the_catalog(language, source_texts):
    present = {message.id for message in _po(language) if message.id}
    missing = sorted(map(str, source_texts - present))
    assert not missing, (
        f"{len(missing)} texts are missing from the {language} catalog; run `python scripts/i18n.py update`, "
        f"translate, then `python scripts/i18n.py compile`:\n" + "\n".join(missing)
    )


def test_every_german_text_is_translated_with_the_same_placeholders():
    problems = []
    for message in _po("de"):
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
            continue
        if message.pluralizable and len(message.string) != 2:
            problems.append(f"not two forms (German: one, other): {message.id!r}")
        for english, german in _forms(message):
            if not german.strip():
                problems.append(f"not translated: {english!r}")
            elif _placeholders(german) != _placeholders(english):
                problems.append(f"placeholders differ: {english!r} -> {german!r}")
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
        if message.pluralizable:  # the count 1 takes msgstr[0], 2 msgstr[1]; an empty form falls back to the msgid's
            singular, plural = message.id
            for n, (english, string) in zip((1, 2), _forms(message), strict=True):
                if compiled.ngettext(singular, plural, n) != (string or english):
                    stale.append(f"{english} (n={n})")
        elif compiled.gettext(message.id) != (message.string or message.id):  # an empty msgstr falls back to the msgid
            stale.append(message.id)
    assert not stale, f"{mo.name} ({language}) is stale, run `python scripts/i18n.py compile`:\n" + "\n".join(stale)


#: The marking functions and how many string literals each takes first (ngettext's count follows).
MARKERS = {"_": 1, "N_": 1, "ngettext": 2, "Nn_": 2}


def _marked_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
            yield node


def test_texts_are_marked_with_string_literals_only():
    """`_(variable)` or `_(f"...")` cannot be extracted: such a text would never be translated.
    Constants evaluated at import time are marked with `N_("...")` and shown with `translate()`.
    A text with a count is `ngettext("singular", "plural", n)` (``Nn_("singular", "plural")`` for
    click's): both literals, and the count, which only ngettext takes."""
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "core" / "i18n.py":
            continue  # where they are defined
        for node in _marked_calls(path):
            literals = MARKERS[node.func.id]
            expected = literals + (node.func.id == "ngettext")
            literal = (
                len(node.args) == expected
                and not node.keywords
                and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args[:literals])
            )
            if not literal:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not bad, "texts need string literals:\n" + "\n".join(bad)


def _calls_underscore(branch: ast.AST | list[ast.stmt]) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        for part in (branch if isinstance(branch, list) else [branch])
        for node in ast.walk(part)
    )


def test_no_text_chooses_its_plural_by_hand():
    """``_("1 error") if n == 1 else _("{n} errors")`` is right only for languages whose plural
    rule is "n == 1"; ``ngettext`` lets each catalog's rule choose."""
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.If | ast.IfExp) or not node.orelse:
                continue
            counts_one = any(
                isinstance(part, ast.Compare) and any(isinstance(c, ast.Constant) and c.value == 1 for c in part.comparators)
                for part in ast.walk(node.test)
            )
            if counts_one and _calls_underscore(node.body) and _calls_underscore(node.orelse):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node.test)}")
    assert not bad, "texts chosen by their count by hand (use ngettext):\n" + "\n".join(bad)


QUESTIONS = (
    "{n} question for the client, in {language}, about sprint {sprint}.",
    "{n} questions for the client, in {language}, about sprint {sprint}.",
)


def test_a_text_with_a_count_is_a_plural_entry_in_the_template_and_both_catalogs():
    """`update` writes ngettext's texts as gettext's plural entries (msgid, msgid_plural, and in
    the catalogs one msgstr[n] a form), so each language's plural rule can choose."""
    singular, plural = (f'"{text}"' for text in QUESTIONS)
    template = (LOCALE / "kundencheck.pot").read_text(encoding="utf-8")
    assert f'msgid {singular}\nmsgid_plural {plural}\nmsgstr[0] ""\nmsgstr[1] ""\n' in template
    for language in LANGUAGES:
        catalog = (LOCALE / language / "LC_MESSAGES" / "kundencheck.po").read_text(encoding="utf-8")
        assert f"msgid {singular}\nmsgid_plural {plural}\nmsgstr[0] " in catalog, language
        entry = _po(language).get(QUESTIONS[0])
        assert entry is not None and entry.id == QUESTIONS and len(entry.string) == 2, language


@pytest.mark.parametrize(
    "language, shown",
    [
        ("en", {0: "0 questions for the client", 1: "1 question for the client", 2: "2 questions for the client"}),
        ("de", {0: "0 Fragen an den Kunden", 1: "1 Frage an den Kunden", 2: "2 Fragen an den Kunden"}),
    ],
)
def test_the_compiled_catalogs_choose_the_form_by_the_count(language, shown):
    """Through the shipped .mo files: the English catalog's msgstr[n] are empty, and its .mo
    holds the msgids in their place (with the catalog's Plural-Forms, n != 1, in its header)."""
    from kundencheck.core.i18n import ngettext, set_language

    set_language(language)
    try:
        texts = {n: ngettext(*QUESTIONS, n).format(n=n, language="de", sprint="S") for n in shown}
    finally:
        set_language("en")
    assert {n: text.split(",")[0] for n, text in texts.items()} == shown
    with open(LOCALE / language / "LC_MESSAGES" / "kundencheck.mo", "rb") as handle:
        assert gettext.GNUTranslations(handle).info()["plural-forms"] == "nplurals=2; plural=(n != 1);"


def _write_catalog(path, entries: str) -> None:
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entries, encoding="utf-8")


def test_the_merge_driver_keeps_plural_entries(tmp_path):
    """Both sides' plural entries survive a merge with their forms; a side's complete translation
    wins over the other's empty or partial one, and a text one side turned into a plural entry
    (its singular msgid the other side's msgid) stays one."""
    ours, theirs = tmp_path / "ours.po", tmp_path / "theirs.po"
    _write_catalog(
        ours,
        'msgid "{n} draft"\nmsgid_plural "{n} drafts"\nmsgstr[0] "{n} Entwurf"\nmsgstr[1] "{n} Entwürfe"\n\n'
        'msgid "{n} run"\nmsgid_plural "{n} runs"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgid "{n} error"\nmsgstr "{n} Fehler"\n',
    )
    _write_catalog(
        theirs,
        'msgid "{n} draft"\nmsgid_plural "{n} drafts"\nmsgstr[0] ""\nmsgstr[1] "{n} Entwurfe"\n\n'
        'msgid "{n} run"\nmsgid_plural "{n} runs"\nmsgstr[0] "{n} Durchlauf"\nmsgstr[1] "{n} Durchläufe"\n\n'
        'msgid "{n} error"\nmsgid_plural "{n} errors"\nmsgstr[0] "{n} Fehler"\nmsgstr[1] "{n} Fehler"\n\n'
        'msgid "{n} project"\nmsgid_plural "{n} projects"\nmsgstr[0] "{n} Projekt"\nmsgstr[1] "{n} Projekte"\n',
    )
    assert _scripts_i18n().merge("base.po", str(ours), str(theirs)) == 0
    with open(ours, "rb") as handle:
        merged = {message.id: message.string for message in read_po(handle) if message.id}
    assert merged == {
        ("{n} draft", "{n} drafts"): ("{n} Entwurf", "{n} Entwürfe"),
        ("{n} run", "{n} runs"): ("{n} Durchlauf", "{n} Durchläufe"),
        ("{n} error", "{n} errors"): ("{n} Fehler", "{n} Fehler"),
        ("{n} project", "{n} projects"): ("{n} Projekt", "{n} Projekte"),
    }
    assert 'msgid_plural "{n} projects"\nmsgstr[0] "{n} Projekt"\nmsgstr[1] "{n} Projekte"' in ours.read_text(encoding="utf-8")


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
