"""Sanitising text before it reaches a terminal or a commit message."""

from __future__ import annotations

import re

import pytest

from kundencheck.core.text import clean_text, one_line, slug

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;38;5;196mbold\x1b[m", "bold"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("\x1b[?1049hscreen", "screen"),
        ("\x1b]0;new title\x07text", "text"),
        ("\x1b]0;new title\x1b\\text", "text"),
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1bP+q544e\x1b\\after", "after"),
        ("\x1b_apc payload\x1b\\after", "after"),
        ("\x1bcreset", "reset"),
        ("\x9b31mC1 CSI", "C1 CSI"),
        ("\x1b", ""),
        ("\x1b7saved\x1b8", "saved"),
        ("\x1b(Bcharset", "charset"),
        ("\x1b=keypad\x1b>", "keypad"),
        ("a\x1b[31", "a31"),  # an unfinished sequence: ESC goes, harmless text stays
    ],
)
def test_escape_sequences_are_removed(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("one\r\ntwo", "one\ntwo"),
        ("one\rtwo", "one\ntwo"),
        ("hidden\rshown", "hidden\nshown"),
        ("abc\x08\x08\x08xyz", "abcxyz"),
        ("nul\x00byte", "nulbyte"),
        ("bell\x07", "bell"),
        ("del\x7f", "del"),
        ("c1\x85\x90\x9f", "c1"),
        ("tab\there", "tab    here"),
        ("form\x0cfeed\x0bvt", "formfeedvt"),
        ("keep\nnewlines\n", "keep\nnewlines\n"),
    ],
)
def test_control_characters(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("override", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidi_overrides_are_removed(override):
    assert clean_text(f"access{override}level") == "accesslevel"


def test_lone_surrogates_are_removed():
    assert clean_text("a\ud800b") == "ab"
    clean_text("a\ud800b").encode("utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "Größe, Ärger, Übermut, ß",
        "Emoji 🚀 and family 👨‍👩‍👧 and flag 🇩🇪",
        "עברית مرحبا",  # right-to-left letters
        "e\u0301 n\u0303 a\u0308",  # combining marks
        "日本語テキスト",
        "“quotes” — and… ellipsis",
        "non\u00a0breaking and zero\u200bwidth",
    ],
)
def test_printable_text_is_kept(text):
    assert clean_text(text) == text


def test_empty():
    assert clean_text("") == ""
    assert one_line("") == ""


def test_result_has_no_control_characters():
    raw = "".join(chr(c) for c in range(0xA0)) + "\u202e\u2066"
    assert not CONTROL.search(clean_text(raw))


@pytest.mark.parametrize(
    "raw, limit, folded",
    [
        ("one\ntwo\r\nthree", None, "one two three"),
        ("  lots   of \t space  ", None, "lots of space"),
        ("\x1b[31mred\x1b[0m\nline", None, "red line"),
        ("abcdefghij", 5, "abcd…"),
        ("abc de fghij", 5, "abc…"),  # no space before the ellipsis
        ("abcde", 5, "abcde"),
        ("abcdef", 1, "…"),
        ("para\u2028sep", None, "para sep"),
    ],
)
def test_one_line(raw, limit, folded):
    assert one_line(raw, limit) == folded


def test_one_line_never_exceeds_the_limit():
    for limit in range(1, 30):
        assert len(one_line("word " * 20, limit)) <= limit


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("erika.mustermann", "erika-mustermann"),
        ("Jürgen Groß", "jurgen-gross"),
        ("../../etc/passwd", "etc-passwd"),
        ("  --Hello--World--  ", "hello-world"),
        ("", "anon"),
        ("😀🚀", "anon"),
        ("---", "anon"),
        ("ÄÖÜ", "aou"),
        ("a" * 40, "a" * 24),
    ],
)
def test_slug(raw, expected):
    assert slug(raw) == expected


def test_slug_limit_never_ends_with_dash():
    assert slug("abcd-efgh", 5) == "abcd"
    assert slug("a" * 40, 16) == "a" * 16
    for text in ["x y z " * 10, "ab-" * 20, "Ü-ber " * 9]:
        for limit in range(1, 20):
            s = slug(text, limit)
            assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?|anon", s)
            assert len(s) <= max(limit, 4)


def test_printable_text_never_holds_what_clean_text_removes():
    """clean_text and drop_controls skip their patterns for printable text (most of it): sound
    only while every character the patterns remove is one str.isprintable() refuses."""
    from kundencheck.core.text import _unsafe

    unsafe = _unsafe()
    # (Every escape sequence starts with ESC or CSI, both among them.)
    assert [hex(c) for c in range(0x110000) if chr(c).isprintable() and unsafe.match(chr(c))] == []


def test_slug_cuts_after_dropping_leading_dashes():
    from kundencheck.core.text import slug

    assert slug("!abc", 3) == "abc"
    assert slug("--Hello, World--") == "hello-world"
    assert slug("ab-cd", 3) == "ab"


def test_drop_controls_removes_each_control_character_on_its_own():
    from kundencheck.core.text import drop_controls

    assert drop_controls("") == "" and drop_controls("plain") == "plain"
    assert drop_controls("a\nb") == "a\nb"  # newlines stay
    assert drop_controls("\x1b[31mred\x1b[0m\x07") == "[31mred[0m"  # no sequence parsed: its printable rest stays
    assert drop_controls("cut\x1b") == "cut" and drop_controls("tab\there\r") == "tabhere"
    assert drop_controls("\u202eevil\u202c") == "evil"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("https://ana:ghp_T0KEN@git.example.com/shop.git", "https://ana:***@git.example.com/shop.git"),
        ("https://x-access-token:a:b@github.com/o/r", "https://x-access-token:***@github.com/o/r"),  # the first : splits
        ("https://ghp_T0KEN@github.com/o/r.git", "https://***@github.com/o/r.git"),  # a token as the user
        ("HTTP://T0KEN@host/x", "HTTP://***@host/x"),
        ("ftps://ana@host/x", "ftps://***@host/x"),
        ("ssh://ana:T0KEN@host:22/x.git", "ssh://ana:***@host:22/x.git"),
        (
            "fatal: unable to access 'https://ana:T0KEN@host/x/': refused",
            "fatal: unable to access 'https://ana:***@host/x/': refused",
        ),
        ("ana:T0KEN@host.example: Permission denied (publickey).", "ana:***@host.example: Permission denied (publickey)."),
        ("(https://a:b@c) and https://d:e@f", "(https://a:***@c) and https://d:***@f"),
        ("https://ana:***@host/x", "https://ana:***@host/x"),  # hidden once, stays so
        ("https://***@host/x", "https://***@host/x"),
    ],
)
def test_hide_credentials_hides_a_urls_password_and_an_https_token(text, shown):
    from kundencheck.core.text import hide_credentials

    assert hide_credentials(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "git@github.com:clients/shop.git",  # the ssh user is no secret
        "ssh://git@host:22/x.git",
        "file:///srv/git/a:b@c/x.git",  # a path's own a:b@c
        "/srv/git/a:b@c/x.git",
        "mail ana@example.com at 12:30",
        "https://git.example.com/shop.git",
        "",
    ],
)
def test_hide_credentials_leaves_what_is_no_secret(text):
    from kundencheck.core.text import hide_credentials

    assert hide_credentials(text) == text
