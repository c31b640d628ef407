"""The invitation page as text: small, self-contained, only the client's questions, escaped,
its script and style allowed by their hashes. (In a browser: tests/mirror/.)"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re

import pytest

from kundencheck.core.catalog import load_catalog
from kundencheck.core.checklist import KNOWN_PHASES
from kundencheck.core.i18n import set_language
from kundencheck.core.mirror import client_questions, new_invitation
from kundencheck.core.mirror_page import PAGE_LIMIT, invitation_page

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def page(phase: str = "build", language: str = "en", **names) -> tuple[str, object, object]:
    checklist = load_catalog(None).find(phase, language)
    invitation = new_invitation(
        checklist,
        phase=phase,
        sprint="2026-W48",
        created=NOW,
        created_by="Erika <e@x.org>",
        to=names.pop("to", "Jane Doe"),
        token="k3f9a2mz",
    )
    set_language(language)
    try:
        text = invitation_page(
            invitation, checklist, **{"project": "Webshop", "agency": "Pixelwerk", "client": "Müller GmbH", **names}
        )
    finally:
        set_language("en")
    return text, invitation, checklist


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("phase", KNOWN_PHASES)
def test_every_shipped_phase_makes_a_small_self_contained_page(phase, language):
    text, _invitation, checklist = page(phase, language)
    assert len(text.encode("utf-8")) < PAGE_LIMIT
    assert f'<html lang="{language}">' in text
    # Nothing to fetch: no source, no link but the download's placeholder, no font or import.
    assert not re.search(r"\bsrc\s*=", text, re.IGNORECASE)
    assert re.findall(r'\bhref="([^"]*)"', text) == ["#"]
    assert not re.search(r"https?:|(?<!\\)//[a-z]|@import|\burl\(|<link|<img|<iframe|<object|<embed", text, re.IGNORECASE)
    for question in client_questions(checklist):
        assert html.escape(question.question, quote=True) in text


def test_the_page_holds_nothing_of_the_team(tmp_path):
    text, _invitation, checklist = page()
    for item in checklist.items:
        assert html.escape(item.question, quote=True) not in text  # the team's wording: never
        assert html.escape(item.why, quote=True) not in text
    for inner in ("team-mood", "self-critical-advice", "advice-improve", "own-design"):
        assert inner not in text


def test_its_script_and_style_are_allowed_by_their_hashes_only():
    text, _invitation, _checklist = page()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
    policy = html.unescape(policy)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "form-action 'none'" in policy
    script = re.search(r"<script>(.*?)</script>", text, re.DOTALL).group(1)
    style = re.search(r"<style>(.*?)</style>", text, re.DOTALL).group(1)
    for inline in (script, style):
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert len(re.findall(r"<script\b", text)) == 2  # the script, and its data (JSON, never run)
    assert not re.search(r"\son[a-z]+=", text)  # no inline handlers: the policy would block them


def test_names_people_typed_cannot_break_out(tmp_path):
    evil = '</script><script>alert(1)</script>"&'
    text, invitation, _checklist = page(project=evil, agency=evil, client=evil, to=evil)
    assert "<script>alert(1)" not in text
    data = json.loads(re.search(r'<script type="application/json" id="kc-data">(.*?)</script>', text, re.DOTALL).group(1))
    assert data["id"] == invitation.id and data["secret"] == invitation.secret
    assert [i["id"] for i in data["items"]] == list(invitation.items)


def test_the_german_page_addresses_the_client_as_sie():
    text, _invitation, _checklist = page(language="de")
    for german in (
        "Ihre Sicht auf unsere Zusammenarbeit",
        "Warum wir fragen:",
        "Trifft nicht zu",
        "Meine Antwort erstellen",
        "Frage 1 von 8",
        "Pixelwerk möchte gern wissen, wie Sie das Projekt",
    ):
        assert german in text, german
    assert not re.search(r"\b(du|dein|deine)\b", html.unescape(text), re.IGNORECASE)


def test_a_page_without_an_agency_name_still_says_who_asks_in_the_first_person():
    text, _invitation, _checklist = page(agency="")
    assert "We would like to know how you see the project Webshop." in text


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_page_in_whole(language):
    """The page of a build invitation, its names longer than the 120 characters shown and with
    characters HTML must escape, compared whole with tests/core/golden/mirror-page.LANG.html
    (KUNDENCHECK_UPDATE_GOLDEN=1 writes it anew: read the diff, and look at it in a browser)."""
    from tests.support.golden import assert_golden

    checklist = load_catalog(None).find("build", language)
    invitation = new_invitation(
        checklist,
        phase="build",
        sprint="2026-W48 <b>",
        created=NOW,
        created_by="Erika <e@x.org>",
        to="Jane & John Doe",
        token="k3f9a2mz",
        secret="ab" * 32,
    )
    set_language(language)
    try:
        text = invitation_page(
            invitation._replace(items=invitation.items[:-1]),  # the last question not asked
            checklist,
            project="Webshop </script><script>alert(1)</script>",
            agency="Pixel & " + "werk " * 30,
            client='Müller "GmbH"',
        )
    finally:
        set_language("en")
    assert_golden(f"mirror-page.{language}.html", text)


def scale_page(**names) -> str:
    """The page of an invitation to one scale question (no shipped checklist asks the client one)."""
    from tests.support.checklists import checklist, item

    asked = checklist(item("mood", client={"question": "How do you see our pace?", "why": "We plan by it.", "low": "too slow"}))
    invitation = new_invitation(
        asked, phase="build", sprint="S1", created=NOW, created_by="Erika <e@x.org>", to="", token="k3f9a2mz"
    )
    return invitation_page(invitation, asked, **{"project": "", "agency": "", "client": "", **names})


def test_a_scale_question_offers_one_to_five_with_its_ends_named():
    text = scale_page()
    assert re.search(r"<fieldset.*?</fieldset>", text, re.DOTALL).group(0) == (
        '<fieldset id="f-mood"><legend><span class="n">Question 1 of 1</span>How do you see our pace? '
        '<span class="sr">1 means too slow, 5 means good.</span></legend>'
        '<p class="why"><strong>Why we ask:</strong> We plan by it.</p><div class="options scale">'
        + "".join(
            f'<label><input type="radio" name="q-mood" value="{v}" data-words="{v}/5"><span>{v}</span></label>'
            for v in range(1, 6)
        )
        + '</div><p class="ends" aria-hidden="true"><span>1 = too slow</span><span>5 = good</span></p>'
        '<label class="comment-label" for="c-mood">Comment (optional)</label>'
        '<textarea id="c-mood" rows="2" maxlength="2000"></textarea></fieldset>'
    )


def test_a_page_without_names_has_none_of_their_lines_and_long_names_are_cut_to_120_characters():
    text = scale_page()
    assert "<title>Your view of our work together</title>" in text
    assert text[text.index("<header>") : text.index("</header>")] == "<header>\n<h1>Your view of our work together</h1>\n"
    cut = scale_page(project="Portal " * 30, client="Client " * 30)
    portal, client = "Portal " * 16 + "Portal…", "Client " * 16 + "Client…"
    assert f'<p class="about">{portal} · {client}</p>' in cut
    assert (
        f'<p class="intro">We would like to know how you see the project {portal}. There are no right or wrong answers: '
        "we ask because we want to notice early where your view differs from ours.</p>"
    ) in cut


def test_its_data_cannot_end_the_script_element():
    from kundencheck.core.mirror_page import _json_for_script

    assert _json_for_script({"text": "</script> & <b>"}) == '{"text":"\\u003c/script\\u003e \\u0026 \\u003cb\\u003e"}'
