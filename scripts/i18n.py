"""Maintain kundencheck's gettext catalogs (German and English) with Babel.

    python scripts/i18n.py update    # extract every _(), N_(), ngettext() text from src/ into the .pot, merge into the .po files
    python scripts/i18n.py compile   # write the .mo files next to the .po files (they ship in the wheel)
    python scripts/i18n.py merge BASE OURS THEIRS   # a git merge driver for the catalogs (CONTRIBUTING.md)

After `update`, translate the new empty entries in src/kundencheck/locale/de/LC_MESSAGES/kundencheck.po
(the English catalog keeps msgstr empty: gettext then shows the English msgid), then `compile`.
tests/test_i18n.py fails when a text is missing from either catalog or a .mo is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "kundencheck"
LOCALE = SOURCE / "locale"
DOMAIN = "kundencheck"
LANGUAGES = ("de", "en")
#: The functions whose string literals are texts: ``ngettext(singular, plural, n)`` and its marker
#: ``Nn_(singular, plural)`` make a plural entry (msgid, msgid_plural, msgstr[0], msgstr[1], ...).
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    template = Catalog(project="kundencheck", msgid_bugs_address="", charset="utf-8")
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCE), method_map, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(message, None, [(f"src/kundencheck/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def translated(string: str | Sequence[str] | None) -> bool:
    """Whether an entry's msgstr is filled: every form of a plural entry's."""
    return all(string) if isinstance(string, tuple | list) else bool(string)


def update() -> None:
    template = extract()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with open(LOCALE / f"{DOMAIN}.pot", "wb") as handle:
        write_po(handle, template, omit_header=True, sort_output=True, no_location=True)
    for language in LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="kundencheck", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as handle:
            write_po(handle, catalog, omit_header=True, sort_output=True, ignore_obsolete=True, no_location=True, width=100)
        missing = [m.id for m in catalog if m.id and not translated(m.string)]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} texts, {len(missing)} without translation")


def compile_catalogs() -> None:
    for language in LANGUAGES:
        path = po_path(language)
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=language)
        # A plural entry without any translation (every one of the English catalog's): Babel would
        # write its msgids as the translation, which gettext gives without the entry too; left
        # out, the English .mo holds only its header and every start reads nothing more.
        for message in list(catalog):
            if message.id and message.pluralizable and isinstance(message.string, tuple) and not any(message.string):
                catalog.delete(message.id, context=message.context)
        with open(path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        print(f"wrote {path.with_suffix('.mo').relative_to(ROOT)}")


def merge(base: str, ours: str, theirs: str) -> int:
    """Merge two versions of a catalog (.po or .pot) as a git merge driver: every text of either
    side, a translation where either side has one (``theirs`` wins where both have a different
    one, unless only ours gives every form of a plural entry). A text one side made a plural
    entry (its msgid the other side's singular msgid) stays a plural entry. ``base`` is not
    needed: a text one side removed comes back here and is dropped by the next ``update`` if the
    code no longer has it. Writes ``ours``; 0 means merged cleanly.

    Two branches that each add texts otherwise conflict on neighbouring lines of the sorted
    catalog. The .mo files are binary: after a merge, run ``compile`` again.
    """

    def load(path: str) -> Catalog:
        with open(path, "rb") as handle:
            return read_po(handle)

    def filled(string: str | Sequence[str] | None) -> int:
        """2 for a whole translation, 1 for some forms of a plural entry's, 0 for none."""
        return 2 if translated(string) else int(isinstance(string, tuple | list) and any(string))

    merged, other = load(ours), load(theirs)
    for message in other:
        if not message.id:
            continue
        mine = merged.get(message.id, message.context)
        if mine is None or (message.pluralizable and not mine.pluralizable):
            merged[message.id] = message  # Babel's catalog turns a singular entry into the plural one
        elif mine.pluralizable and not message.pluralizable:
            continue
        elif message.string != mine.string and filled(message.string) >= max(filled(mine.string), 1):
            mine.string = message.string
    with open(ours, "wb") as handle:
        write_po(handle, merged, omit_header=True, sort_output=True, ignore_obsolete=True, no_location=True, width=100)
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    elif command == "merge" and len(sys.argv) == 5:
        sys.exit(merge(*sys.argv[2:5]))
    else:
        sys.exit(__doc__)
