"""The invitation page in real browsers, end to end: a project invites its client with
`kundencheck mirror invite`, the client opens the file from disk in headless Chromium and in
Firefox ESR, answers every question with the keyboard alone, takes the block from the page, and
`kundencheck mirror import` commits exactly one new file in exactly one new commit, while the
browser made no request but for the file itself. Screenshots at a laptop's and a phone's width,
in both languages, check how it looks (see docs/mirror.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from kundencheck.core.answers import Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.mirror import read_invitation, read_reply
from kundencheck.store.git_store import GitStore
from tests.support.browsers import CHROMIUM, FIREFOX, Chromium, Firefox
from tests.support.git import git
from tests.support.history import CET, commit_run

BROWSERS = [
    pytest.param(
        Chromium,
        marks=pytest.mark.skipif(
            CHROMIUM is None,
            reason="`chromium` is not on PATH: install Debian's chromium package (`apt-get install -y "
            "chromium`) to open the invitation page in Chromium",
        ),
    ),
    pytest.param(
        Firefox,
        marks=pytest.mark.skipif(
            FIREFOX is None,
            reason="`firefox-esr` is not on PATH: install Debian's firefox-esr package (`apt-get install -y "
            "firefox-esr`) to open the invitation page in Firefox",
        ),
    ),
]
pytestmark = pytest.mark.slow


def kc(repo: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        input=input,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture
def invited(repo: Path, tmp_path: Path, request) -> dict:
    """A project on the shipped build checklist, the team's sprint answered, and an invitation
    for its client (``request.param``: the page's language, default en)."""
    language = getattr(request, "param", "en")
    assert (
        kc(
            repo,
            "init",
            "--project",
            "Webshop-Relaunch",
            "--client",
            "Müller Möbel GmbH",
            "--agency",
            "Pixelwerk GmbH",
            "--language",
            "en",
        ).returncode
        == 0
    )
    checklist = load_catalog(repo).find("build", "en")
    answers = [
        Answer("client-contacted", "green"),
        Answer("expectations-still-match", "green"),
        Answer("own-design", "yes"),
        Answer("deviations-announced", "green"),
        Answer("alternatives-offered", "green"),
        Answer("compromise-early", "green"),
        Answer("good-faith", "green"),
        Answer("open-decisions-shared", "green"),
        Answer("team-mood", 4),
        Answer("respectful-talk", "green"),
        Answer("self-critical-advice", "green"),
    ]
    with GitStore.open(repo) as store:
        commit_run(
            store,
            checklist,
            ("Erika Mustermann", "erika@example.com"),
            "2026-W48",
            dt.datetime(2026, 11, 23, 9, 0, tzinfo=CET),
            answers,
        )
    page = tmp_path / "mail" / "kundencheck-invitation.html"
    page.parent.mkdir()
    done = kc(repo, "mirror", "invite", "--language", language, "--to", "Jane Doe", "-o", str(page))
    assert done.returncode == 0, done.stderr
    path = git(repo, "show", "--name-only", "--format=", "HEAD").strip()
    return {
        "repo": repo,
        "page": page,
        "invitation": read_invitation((repo / path).read_bytes(), path),
        "profile": tmp_path / "profile",
    }


def focused(browser) -> dict:
    return browser.evaluate(
        "(function () { var e = document.activeElement;"
        " return {tag: e.tagName, id: e.id, name: e.name || '', value: e.value || ''}; })()"
    )


#: Per question, the answer chosen: how many times the right arrow is pressed from the first
#: answer (0: Space chooses the first). Traffic lights: yes, partly, no, does not apply.
CHOICES = [2, 1, 0, 3, 0, 0, 1, 0]
VALUES = ["green", "amber", "red", "na"]


def answer_with_the_keyboard(browser, invitation) -> None:
    """Tab to each question's answers, choose one with the arrow keys or Space, Tab to its
    comment (a comment on the first), and on to the next; then Tab to the button and press
    Enter. Every step checks where the focus is."""
    assert len(invitation.items) == len(CHOICES)
    for n, item in enumerate(invitation.items):
        browser.press("Tab")
        now = focused(browser)
        assert (now["tag"], now["name"]) == ("INPUT", f"q-{item}"), (n, now)
        browser.press(*(["ArrowRight"] * CHOICES[n]) if CHOICES[n] else ["Space"])
        assert focused(browser)["value"] == VALUES[CHOICES[n]], n
        browser.press("Tab")
        assert focused(browser)["id"] == f"c-{item}"
        if n == 0:
            browser.type("Nur Statusmails, kein Anruf")
    browser.press("Tab")
    assert focused(browser)["id"] == "kc-name"
    browser.press("Tab")
    assert focused(browser)["id"] == "kc-make"
    browser.press("Enter")
    deadline = time.monotonic() + 10
    while not browser.evaluate("document.getElementById('kc-block').value"):
        assert time.monotonic() < deadline, "the page made no block"
        time.sleep(0.05)


def requests_besides_the_file(browser, page: Path) -> list[str]:
    """What the page asked for but the file itself; data: URLs only where the page has none
    (Firefox draws the answer list with a font of its own, a data: URL: nothing leaves the machine)."""
    text = page.read_text(encoding="utf-8")
    return [url for url in browser.requests if url != page.as_uri() and not (url.startswith("data:") and url[:40] not in text)]


@pytest.mark.parametrize("browser_class", BROWSERS)
def test_the_client_answers_with_the_keyboard_and_the_block_is_imported(invited, browser_class):
    repo, page, invitation = invited["repo"], invited["page"], invited["invitation"]
    browser = browser_class(invited["profile"])
    try:
        browser.open(page.as_uri(), 1280)
        assert browser.evaluate("window.isSecureContext") is True  # file://: Web Crypto is there
        answer_with_the_keyboard(browser, invitation)
        block = browser.evaluate("document.getElementById('kc-block').value")
        download = browser.evaluate("document.getElementById('kc-save').getAttribute('href')")
        filename = browser.evaluate("document.getElementById('kc-save').getAttribute('download')")
        summary = browser.evaluate("document.getElementById('kc-summary').textContent")
        assert browser.evaluate("document.getElementById('kc-result').hidden") is False
        assert requests_besides_the_file(browser, page) == []
    finally:
        browser.close()
    # The same block as a file to attach.
    assert download == "data:text/plain;charset=utf-8," + urllib.parse.quote(block, safe="-_.!~*'()")
    assert filename == f"kundencheck-{invitation.id}.txt"
    assert summary.startswith("Question 1: ✘ No: Nur Statusmails, kein AnrufQuestion 2: ◐ Partly")
    # The client replies, quoting our mail; the team imports the reply.
    reply_mail = "Hallo Erika,\n\nanbei meine Antworten.\n\n" + "".join(f"> {line}\n" for line in block.splitlines())
    before = git(repo, "rev-parse", "HEAD").strip()
    result = kc(repo, "mirror", "import", "-", input=reply_mail)
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    [(status, path)] = [line.split("\t") for line in git(repo, "diff", "--name-status", before, "HEAD").splitlines()]
    assert (status, path) == ("A", f".kundencheck/client/{invitation.id}.toml")
    reply = read_reply(git(repo, "show", f"HEAD:{path}").encode(), path)
    assert [(a.item, a.value) for a in reply.answers] == [
        (item, VALUES[c]) for item, c in zip(invitation.items, CHOICES, strict=True)
    ]
    assert reply.answers[0].comment == "Nur Statusmails, kein Anruf" and reply.respondent == "Jane Doe"
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


@pytest.mark.parametrize("browser_class", BROWSERS)
def test_the_pages_own_hmac_is_the_standard_one(invited, browser_class):
    """Where a browser offers no Web Crypto the page computes the MAC itself: the same as Python's."""
    browser = browser_class(invited["profile"])
    try:
        browser.open(invited["page"].as_uri(), 390)
        for key, text in (("ab" * 32, ""), ("00" * 32, 'kundencheck-mirror-1\n{"v":1}'), ("ff" * 64 + "01", "ä" * 200)):
            own = browser.evaluate(f"window.kundencheckMirror.hmacOwn({json.dumps(key)}, {json.dumps(text)})")
            assert own == hmac.new(bytes.fromhex(key), text.encode(), hashlib.sha256).hexdigest()
    finally:
        browser.close()


def test_nothing_answered_or_a_comment_without_an_answer_makes_no_block(invited):
    if CHROMIUM is None:
        pytest.skip("`chromium` is not on PATH: install Debian's chromium package to open the invitation page")
    browser = Chromium(invited["profile"])
    try:
        browser.open(invited["page"].as_uri(), 1280)
        browser.evaluate("document.getElementById('kc-make').click()")
        assert "You have not answered any question yet" in browser.evaluate("document.getElementById('kc-progress').textContent")
        assert focused(browser)["name"] == f"q-{invited['invitation'].items[0]}"
        browser.press("Tab")  # from the first question's answers to its comment
        browser.type("a thought")
        browser.evaluate("document.getElementById('kc-make').click()")
        assert "Question 1 has a comment but no answer" in browser.evaluate("document.getElementById('kc-progress').textContent")
        assert browser.evaluate("document.getElementById('kc-block').value") == ""
    finally:
        browser.close()


# ------------------------------------------------------------------------- how it looks

WIDTHS = (1280, 390)


@pytest.mark.parametrize("invited", ["en", "de"], indirect=True)
@pytest.mark.parametrize("browser_class", BROWSERS)
def test_screenshots_at_a_laptops_and_a_phones_width(invited, browser_class, tmp_path):
    """The page fits the window at 1280 and 390 CSS pixels: nothing runs out to the right (the
    page is no wider than its window, the right margin of the screenshot is empty), the answers
    of a traffic light stand in one row on a laptop and in two on a phone, and the block the page
    makes fits too. The screenshots are kept in the test's folder to look at."""
    from PIL import Image

    browser = browser_class(invited["profile"])
    shots = {}
    try:
        for width in WIDTHS:
            browser.open(invited["page"].as_uri(), width)
            assert browser.evaluate("document.documentElement.scrollWidth") <= width
            rows = browser.evaluate(
                "(function () { var tops = {}; document.querySelectorAll('#f-client-contacted "
                ".options label').forEach(function (l) { tops[l.getBoundingClientRect().top] = 1; });"
                " return Object.keys(tops).length; })()"
            )
            assert rows == (1 if width == 1280 else 2), (width, rows)
            shots[(width, "questions")] = tmp_path / f"{browser.name}-{width}-questions.png"
            browser.screenshot(shots[(width, "questions")])
        answer_with_the_keyboard(browser, invited["invitation"])
        assert browser.evaluate("document.documentElement.scrollWidth") <= WIDTHS[-1]
        shots[(WIDTHS[-1], "block")] = tmp_path / f"{browser.name}-{WIDTHS[-1]}-block.png"
        browser.screenshot(shots[(WIDTHS[-1], "block")])
    finally:
        browser.close()
    for (width, what), path in shots.items():
        image = Image.open(path).convert("RGB")
        # Firefox's screenshot leaves out its scroll bar; Chromium hides it.
        assert width - 20 <= image.width <= width, (path, image.width)
        margin = image.crop((image.width - 8, 0, image.width, image.height))
        colours = {colour for _count, colour in margin.getcolors(maxcolors=1 << 16)}
        assert colours <= {(244, 244, 246)}, (path, what, sorted(colours)[:5])  # the page's background only
        assert image.height > 1500  # every question is there, one under the other
