"""Tone towards the client: the word lists, the one matching function, the [tone] table of
the config, and the tone signal of a sprint. Pure."""

from __future__ import annotations

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer
from kundencheck.core.config import ConfigError, ToneConfig, config_from_dict
from kundencheck.core.history import summarize
from kundencheck.core.report import build_report, report_html, report_markdown, status_dict
from kundencheck.core.tone import SHIPPED, WORDS_DE, WORDS_EN, first_phrases, run_tone, tone_matches, tone_words
from tests.support.runs import CHECKLISTS, D1, D2, JONAS, run
from tests.support.story import SPRINTS

WORDS = tone_words()


def found(text: str, words=WORDS) -> list[str]:
    return [m.found for m in tone_matches(text, words)]


def test_the_shipped_lists_are_short_and_cover_the_story():
    assert 25 <= len(WORDS_EN) <= 45 and 25 <= len(WORDS_DE) <= 50
    assert set(SHIPPED) == {"de", "en"}
    for word in ("stubborn*", "pixel-perfect", "hopeless*", "they never listen"):
        assert word in WORDS_EN
    for word in ("stur", "pixelgenau*", "hoffnungslos*", "hört nie zu"):
        assert word in WORDS_DE
    # Every entry finds itself, and both lists are checked whatever the project's language.
    for entry in WORDS_EN + WORDS_DE:
        assert found(f"x {entry.rstrip('*')} x"), entry


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The client is so stubborn about the header.", ["stubborn"]),
        ("STUBBORNLY insisting", ["STUBBORNLY"]),  # any case, any ending of a * entry
        ("They want it pixel perfect, or pixelperfect, or Pixel–Perfect.", ["pixel perfect", "pixelperfect", "Pixel–Perfect"]),
        ("Hopeless. They never listen!", ["Hopeless", "They never listen"]),
        ("Der Kunde ist stur und hört nie zu.", ["stur", "hört nie zu"]),
        ("Die hoeren nie zu, sture Leute", ["hoeren nie zu", "sture"]),  # umlauts spelled out
        ("Ein Sturkoepfe-Verein, STURKÖPFIG", ["Sturkoepfe", "STURKÖPFIG"]),
        ("Hoffnungsloser Fall, alles pixelgenau", ["Hoffnungsloser", "pixelgenau"]),
        ("Der Kunde nervt, das ist lästig und Zeitverschwendung", ["nervt", "lästig", "Zeitverschwendung"]),
        ("Das ist laestig", ["laestig"]),
    ],
)
def test_matches_on_word_boundaries_any_case_and_umlaut_spelling(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sturm im Wasserglas",
        "a sturdy layout",
        "the nerves of the team",
        "pixel",
        "we listen to them",
        "They listened carefully.",
        "Perfect pixel density",
        "Our own fault: we called too late.",
        "Only status mails since the design review.",
        "",
        "   ",
    ],
)
def test_neutral_notes_do_not_match(text):
    assert found(text) == []


def test_a_match_says_which_entry_and_where():
    text = "Ärger: Kunde ist STUR."
    [match] = tone_matches(text, WORDS)
    assert (match.phrase, match.found, text[match.start : match.end]) == ("stur", "STUR", "STUR")
    [long] = tone_matches("a client from hell", WORDS)
    assert long.found == "client from hell"
    assert first_phrases(tone_matches("stubborn, Stubborn and stur", WORDS)) == ["stubborn", "stur"]


def test_the_project_adds_ignores_or_switches_off():
    assert tone_words(ToneConfig(enabled=False)) == ()
    own = tone_words(ToneConfig(words=("Diva", "typisch die*"), ignore=("pixel perfect", "Stur")))
    assert found("Die Diva will es pixel-perfect, typisch dieser Kunde", own) == ["Diva", "typisch dieser"]
    assert found("stur, stubborn", own) == ["stubborn"]  # the ignore matched "stur" however it was written
    assert len(set(WORDS)) == len(WORDS)


def test_the_tone_table_of_the_config_is_checked_like_every_key():
    config = config_from_dict({"tone": {"enabled": False, "words": ["Diva "], "ignore": ["annoying"]}})
    assert config.tone == ToneConfig(enabled=False, words=("Diva",), ignore=("annoying",))
    assert config_from_dict({}).tone == ToneConfig()
    text = '[tone]\nenabled = "yes"\n'
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"tone": {"enabled": "yes"}}, ".kundencheck/config.toml", text=text)
    assert str(caught.value) == ".kundencheck/config.toml, line 2, key 'tone.enabled': must be true or false."
    for bad, message in [
        ({"tone": ["x"]}, "key 'tone': must be a table"),
        ({"tone": {"colour": 1}}, "key 'tone.colour': unknown key. Allowed keys: enabled, ignore, words."),
        ({"tone": {"words": "stubborn"}}, "key 'tone.words': must be a list of words or phrases"),
        ({"tone": {"ignore": ["ok", 3]}}, "key 'tone.ignore': entry 2 must be a word or phrase"),
        ({"tone": {"words": ["*"]}}, "key 'tone.words': entry 1 must be a word or phrase"),
        ({"tone": {"words": ["x" * 81]}}, "entry 1 must be one line of at most 80 characters"),
        ({"tone": {"words": ["a"] * 501}}, "has 501 entries; at most 500"),
    ]:
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            config_from_dict(bad)


def test_every_text_of_a_run_is_checked():
    r = run(
        "W10",
        D1,
        Answer("contacted", "red", note="They never listen.", action=Action("Call the stubborn PO", "Ana", D2)),
        Answer("mood", 2),
        Answer("text", "Hopeless."),
        reviews=[ActionReview("20260101T000000Z-build-x-000000", "contacted", "dropped", "Pointless, they are stur")],
    )
    assert [(f.item, f.where, f.words) for f in run_tone(r, WORDS)] == [
        ("contacted", "note", ("They never listen",)),
        ("contacted", "action", ("stubborn",)),
        ("text", "answer", ("Hopeless",)),
        ("contacted", "review", ("Pointless", "stur")),
    ]
    assert run_tone(r, ()) == []
    # A long text is read up to TEXT_LIMIT.
    long = run("W10", D1, Answer("contacted", "red", note="x " * 20_000 + "stubborn"))
    assert run_tone(long, WORDS) == []


def test_the_tone_signal_per_sprint_in_status_and_the_reports():
    w10 = run("W10", D1, Answer("contacted", "amber", note="The client is stubborn"), Answer("mood", 4))
    w12 = run("W12", D2, Answer("contacted", "amber", note="Only mails"), Answer("mood", 3), author=JONAS)
    summary = summarize([w10, w12], today=D2, checklists=CHECKLISTS, tone_words=WORDS)
    assert [len(summary.tone(p)) for p in summary.pictures] == [1, 0]
    assert status_dict(summary)["phases"][0]["tone"] == []  # the current sprint, W12, is calm
    report = build_report(summary, "W10")
    assert report["checklists"][0]["tone"] == [
        {"run": w10.id, "author": "Ana <ana@example.com>", "item": "contacted", "where": "note", "words": ["stubborn"]}
    ]
    assert "- 'stubborn' (Ana, note on contacted)" in report_markdown(report)
    assert "<li>&#x27;stubborn&#x27; (Ana, note on contacted)</li>" in report_html(report)
    assert "Tone:" not in report_markdown(build_report(summary, "W12"))
    # Without words (switched off) there is no signal.
    quiet = summarize([w10, w12], today=D2, checklists=CHECKLISTS)
    assert quiet.tone(quiet.pictures[0]) == [] and build_report(quiet, "W10")["checklists"][0]["tone"] == []
    # A tone signal is never a gate finding.
    from kundencheck.core.gate import evaluate

    assert not [f for f in evaluate(summary).findings if "tone" in f.rule]


def test_the_story_is_heard_before_the_mood_turns_red():
    """The story's notes sprint by sprint (tests/support/story.py): the tone signal fires at least one
    sprint before the team-mood item turns red."""

    tone_at = [
        i for i, (_sprint, answers) in enumerate(SPRINTS) if any(tone_matches(a.get("note", ""), WORDS) for a in answers.values())
    ]
    red_at = [i for i, (_sprint, answers) in enumerate(SPRINTS) if answers["team-mood"]["value"] <= 2]
    assert tone_at and red_at and tone_at[0] < red_at[0]
    assert tone_at[0] == 0 and red_at[0] == 2  # replayed through the CLI: tests/cli/test_tone_story.py


def test_no_words_or_only_stars_and_spaces_find_nothing():
    assert tone_matches("a stubborn client", []) == []
    assert tone_matches("a stubborn client", ["*", "  ", " * "]) == []
    assert tone_matches("", ["stubborn*"]) == []
