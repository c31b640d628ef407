"""Neutralising text that came from people or files before it reaches a terminal or a commit.

Notes, questions and names flow into the terminal and into git commit messages. Escape
sequences could repaint or retitle the user's terminal, and carriage returns or backspaces
could hide text; so every control character except newline is removed or made visible.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# CSI / OSC / other ESC sequences, matched whole so no printable tail is left behind.
_ANSI_PATTERN = r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI ... final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?    # DCS, SOS, PM, APC ... ST
    | \x1b[ -/]*[0-~]                  # other escapes: ESC c (reset), ESC 7, ESC ( B ...
    | \x9b[0-?]*[ -/]*[@-~]            # 8-bit CSI
    """


# Everything clean_text removes: C0 controls but newline, DEL and C1 controls, bidi embedding,
# override and isolate controls (they can make text display in another order than it is stored,
# "Trojan source"; natural RTL letters are unaffected), and lone surrogates. Each of them is
# a character str.isprintable() refuses, so printable text never needs the patterns.
_UNSAFE_PATTERN = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


# Compiled on first need, not at import: most text is printable and never needs them, and
# compiling them cost a few milliseconds of every start.
@functools.cache
def _ansi() -> re.Pattern[str]:
    return re.compile(_ANSI_PATTERN, re.VERBOSE)


@functools.cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(_UNSAFE_PATTERN)


def clean_text(text: str) -> str:
    """Return ``text`` with escape sequences and control characters removed.

    Newlines survive (CRLF and lone CR become LF); a tab becomes four spaces; every other C0/C1
    control character, DEL, and Unicode bidi overrides that could reorder what is shown are
    dropped. Printable text, umlauts, emoji, right-to-left letters and combining marks stay.
    """
    if not text:
        return ""
    if text.isprintable() or not _unsafe().search(text):
        return text  # the common case: nothing to remove, no copy made
    text = _ansi().sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _unsafe().sub("", text)


def drop_controls(text: str) -> str:
    """``text`` with each control character but newline removed on its own.

    No escape sequence is parsed, so nothing after a broken or cut-off sequence is lost (its
    printable rest stays visible). For output that another library already rendered.
    """
    if text.isprintable():  # the common case ("" too): the pattern is not even compiled
        return text
    return _unsafe().sub("", text)


def one_line(text: str, limit: int | None = None) -> str:
    """Clean ``text`` and fold it onto one line (runs of white space become one space)."""
    folded = " ".join(clean_text(text).split())
    if limit is not None and len(folded) > limit:
        folded = folded[: max(limit - 1, 0)].rstrip() + "…"
    return folded


def slug(text: str, limit: int = 24) -> str:
    """A file-name-safe lowercase slug (a-z, 0-9, dashes) of ``text``; ``"anon"`` when empty."""
    normalized = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    ascii_only = normalized.encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return s[:limit].strip("-") or "anon"


#: What a spreadsheet takes for the start of a formula in a CSV cell (OWASP, "CSV Injection"):
#: = + - @, a tab, a carriage return, a line feed; and the full-width = + - @, which some
#: spreadsheets read as the ASCII ones.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")  # noqa: RUF001 - the full-width ones are meant


def spreadsheet_safe(text: str) -> str:
    """``text`` for a CSV cell that a spreadsheet shows as text, never runs: when it starts (after
    any spaces) with a character of :data:`FORMULA_STARTS`, a leading apostrophe, as OWASP
    advises (``=cmd|' /C calc'!A0`` becomes ``'=cmd|' /C calc'!A0``; Excel and LibreOffice show
    the text without the apostrophe). So a note starting with "-" gets one too; a program
    reading the CSV strips it."""
    stripped = text.lstrip(" ")
    return "'" + text if stripped[:1] in FORMULA_STARTS else text


#: The password of a URL's user-info, ``user:PASSWORD@host``, after ``://`` or where a word
#: starts (git and ssh echo it without the scheme: ``user:PASSWORD@host: Permission denied``);
#: the user and the ``@`` stay. The user may not contain ``:``, the password may (the first ``:``
#: splits). A path's own ``a:b@c`` after a ``/`` is no user-info and stays.
_USERINFO_PATTERN = r"(?:(?<=://)|(?<![^\s'\"(<\[=,;]))([^\s:/@'\"<>]+):([^\s/@'\"<>]+)@"
#: The user of an http(s) or ftp URL with no password: a token given as the user name
#: (``https://TOKEN@github.com/...``).
_URL_USER_PATTERN = r"(?i)\b((?:https?|ftps?)://)([^\s:/@'\"<>]+)@"
#: What stands in for what was hidden.
HIDDEN = "***"


def hide_credentials(text: str) -> str:
    """``text`` with the secrets a remote URL may carry replaced by ``***``: the password of a
    user-info (``https://ana:TOKEN@host/x`` becomes ``https://ana:***@host/x``, also where git or
    ssh echo it without the scheme) and the user of an http(s) URL without one, which is a token
    there (``https://TOKEN@github.com/x``). Everything else stays, an ssh user (``git@host:x``,
    ``ssh://git@host/x``) too. For every output that may show a remote or what git said of it."""
    if "@" not in text:
        return text
    password, user = _url_patterns()
    text = password.sub(rf"\1:{HIDDEN}@", text)
    return user.sub(lambda m: m.group(0) if m.group(2) == HIDDEN else f"{m.group(1)}{HIDDEN}@", text)


# Compiled on first need, as _ansi and _unsafe are: most commands never show a remote or what git said of it.
@functools.cache
def _url_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The compiled :data:`_USERINFO_PATTERN` and :data:`_URL_USER_PATTERN`."""
    return re.compile(_USERINFO_PATTERN), re.compile(_URL_USER_PATTERN)
