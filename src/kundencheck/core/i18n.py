"""Translations through the standard gettext machinery.

Catalogs live in ``kundencheck/locale/<lang>/LC_MESSAGES/kundencheck.mo``. Until a language is
chosen with :func:`set_language`, texts are English.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "kundencheck"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SUPPORTED = ("en", "de")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a text with a count that fits ``n``, as the chosen language's catalog says
    (its plural rule decides: in English and German the singular for 1, the plural otherwise).
    Both literals are English, with the same ``{placeholders}``; the count is filled in with
    ``.format()`` afterwards like any other placeholder."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogs without translating it: for constants evaluated at import
    time (before the language is chosen). Translate it where it is shown, with :func:`translate`."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a text with a count for the catalogs without translating it, as :func:`N_` does for
    a text without: for texts another library asks :func:`ngettext` for (click's, in
    cli/click_texts.py)."""
    return singular, plural


def translate(message: str) -> str:
    """The translation of a text marked with :func:`N_` (``_()`` takes string literals only, so
    Babel can extract them; tests/test_i18n.py checks that). The empty text stays empty (gettext
    would give the catalog's header for it)."""
    return _translation.gettext(message) if message else message


def set_language(language: str) -> None:
    global _translation, _language
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _language = language if language in SUPPORTED else "en"


def current_language() -> str:
    """The language texts are shown in (``"en"`` until :func:`set_language` chose another)."""
    return _language


def language_from_environment(environ: dict[str, str] | None = None) -> str | None:
    """The first supported language named by LANGUAGE, LC_ALL, LC_MESSAGES or LANG."""
    env = os.environ if environ is None else environ
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in env.get(key, "").split(":"):  # pragma: no mutate (any default naming no language)
            code = part.split("_")[0].split(".")[0].lower()
            if code in SUPPORTED:
                return code
    return None
