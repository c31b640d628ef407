"""The commit message: subject, body, and trailers that the real git reads back exactly."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer, Run
from kundencheck.core.checklist import checklist_from_dict
from kundencheck.core.message import (
    NOTE_LIMIT,
    TRAILER_KEYS,
    build_message,
    key_signals,
    subject,
    trailers,
)
from tests.support.checklists import HEADER

CET = dt.timezone(dt.timedelta(hours=1))
RUN_ID = "20261127T091500Z-build-erika-3f9a1c"
LIGHTS = [f"light-{n}" for n in range(1, 10)]


def light(item_id: str, **extra) -> dict:
    return {
        "id": item_id,
        "question": f"Question {item_id}?",
        "why": "w",
        "kind": "traffic-light",
        "note_when": ["amber", "red"],
        "action_when": ["red"],
        **extra,
    }


CHECKLIST = checklist_from_dict(
    {
        "format": 1,
        "id": "build",
        "title": "Sprint start",
        "phase": "build",
        "language": "en",
        "version": "1.0",
        "items": [light(i) for i in LIGHTS]
        + [
            {
                "id": "mood",
                "question": "How is the mood?",
                "why": "w",
                "kind": "scale",
                "low": "bad",
                "high": "good",
                "note_when": [1, 2],
                "action_when": [1],
            },
            {
                "id": "design",
                "question": "Own design?",
                "why": "w",
                "kind": "choice",
                "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
            },
            light("deviations", when={"item": "design", "equals": "yes"}),
            {"id": "self-critical", "question": "What could we advise better?", "why": "w", "kind": "text"},
        ],
    },
    "build.en.toml",
)


def make_run(answers: list[Answer], **overrides) -> Run:
    fields = {
        "id": RUN_ID,
        "checklist": "build",
        "checklist_version": "1.0",
        "phase": "build",
        "language": "en",
        "sprint": "2026-W48",
        "author": "Erika Mustermann <erika@example.com>",
        "started": dt.datetime(2026, 11, 27, 10, 15, tzinfo=CET),
        "answers": answers,
    }
    fields.update(overrides)
    return Run(**fields)


def standard_answers(red_note: str = "No call since the review.", amber_note: str = "Only by mail.") -> list[Answer]:
    statuses = ["green"] * 6 + ["amber", "amber", "red"]
    answers = []
    for item_id, status in zip(LIGHTS, statuses, strict=True):
        answer = Answer(item_id, status)
        if status == "amber":
            answer.note = amber_note
        if status == "red":
            answer.note = red_note
            answer.action = Action("Call the product owner", "Erika", dt.date(2026, 12, 1))
        answers.append(answer)
    answers += [Answer("mood", 4), Answer("design", "no"), Answer("self-critical", "Scope pushback.")]
    return answers


def parse_trailers(message: str, cwd) -> list[tuple[str, str]]:
    """What the real git reads from the message's trailer block."""
    result = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message.encode("utf-8"), capture_output=True, cwd=cwd, check=True
    )
    pairs = []
    for line in result.stdout.decode("utf-8").splitlines():
        key, _, value = line.partition(": ")
        pairs.append((key, value))
    return pairs


EXPECTED_TRAILERS = [
    ("Kundencheck-Run", RUN_ID),
    ("Kundencheck-Phase", "build"),
    ("Kundencheck-Checklist", "build@1.0"),
    ("Kundencheck-Score", "16/20"),
]


def test_subject():
    run = make_run(standard_answers())
    # The mood of 4/5 is green: every answer with a band counts, not only traffic lights.
    assert subject(run, CHECKLIST) == "kundencheck(build): 7 green, 2 amber, 1 red"
    assert build_message(run, CHECKLIST).split("\n", 1)[0] == "kundencheck(build): 7 green, 2 amber, 1 red"


def test_subject_counts_not_applicable_only_when_present():
    answers = standard_answers()
    answers[0].value = "na"
    assert subject(make_run(answers), CHECKLIST) == "kundencheck(build): 6 green, 2 amber, 1 red, 1 n/a"


def test_body_lists_red_then_amber_with_notes_and_action():
    message = build_message(make_run(standard_answers()), CHECKLIST)
    lines = message.splitlines()
    assert lines[1] == ""
    assert lines[2] == "Sprint 2026-W48, answered by Erika Mustermann <erika@example.com>."
    red, amber = lines.index("Red:"), lines.index("Amber:")
    assert red < amber
    assert lines[red + 1] == "- light-9: Question light-9?"
    assert lines[red + 2] == "    Note: No call since the review."
    assert lines[red + 3] == "    Action (Erika, due 2026-12-01): Call the product owner"
    assert lines[amber + 1 : amber + 5] == [
        "- light-7: Question light-7?",
        "    Note: Only by mail.",
        "- light-8: Question light-8?",
        "    Note: Only by mail.",
    ]
    assert "light-1" not in message  # green answers are not listed
    assert "Needs attention" not in message


def test_body_lists_red_answers_of_every_kind_under_red():
    answers = standard_answers()
    answers[9] = Answer("mood", 1, note="Exhausted.", action=Action("Retro with the client", "", None))
    message = build_message(make_run(answers), CHECKLIST)
    lines = message.splitlines()
    red = lines.index("Red:")
    assert lines[red + 4 : red + 8] == [
        "- mood: How is the mood?",
        "  Answer: 1/5",
        "    Note: Exhausted.",
        "    Action (?, no due date): Retro with the client",
    ]
    assert "Needs attention:" not in lines


def test_body_lists_other_answers_the_checklist_asks_a_note_for_as_needing_attention():
    checklist = checklist_from_dict(
        {
            **_raw_checklist(),
            "items": [
                {
                    "id": "mood",
                    "question": "How is the mood?",
                    "why": "w",
                    "kind": "scale",
                    "low": "bad",
                    "high": "good",
                    "note_when": [4],
                }
            ],
        }
    )
    message = build_message(make_run([Answer("mood", 4, note="Good, but tired.")]), checklist)
    lines = message.splitlines()
    attention = lines.index("Needs attention:")
    assert lines[attention + 1 : attention + 4] == ["- mood: How is the mood?", "  Answer: 4/5", "    Note: Good, but tired."]


def test_hidden_and_unanswered_items_are_left_out():
    answers = [*standard_answers(), Answer("deviations", "red", note="HIDDEN-NOTE")]
    message = build_message(make_run(answers), CHECKLIST)
    assert "HIDDEN-NOTE" not in message and "deviations" not in message
    assert subject(make_run(answers), CHECKLIST).endswith("1 red")


def test_trailers(tmp_path):
    run = make_run(standard_answers())
    assert trailers(run, CHECKLIST) == EXPECTED_TRAILERS
    assert [k for k, _ in EXPECTED_TRAILERS] == list(TRAILER_KEYS)
    message = build_message(run, CHECKLIST)
    assert parse_trailers(message, tmp_path) == EXPECTED_TRAILERS
    assert message.endswith("Kundencheck-Score: 16/20\n")


def test_participants_become_co_authors_except_the_author(tmp_path):
    run = make_run(
        standard_answers(),
        participants=[
            "Erika Mustermann <erika@example.com>",
            "Jürgen Groß <juergen@example.com>",
            "Kim\nForged: x <kim@x>",
            "  ",
        ],
    )
    expected = [
        *EXPECTED_TRAILERS,
        ("Co-authored-by", "Jürgen Groß <juergen@example.com>"),
        ("Co-authored-by", "Kim Forged: x <kim@x>"),
    ]
    assert trailers(run, CHECKLIST) == expected
    assert parse_trailers(build_message(run, CHECKLIST), tmp_path) == expected


def test_the_author_is_no_co_author_however_a_file_spells_the_name():
    """An answers file may hold the author among the participants, with a control character or
    a line break in the name (a file without e-mail addresses): the author is compared as the
    participants are, cleaned and on one line, so only the others become co-authors."""
    run = make_run(standard_answers(), author="Ana\x9d Schäfer", participants=["Ana\x9d Schäfer", "Ana\nSchäfer", "Ben"])
    assert trailers(run, CHECKLIST)[len(EXPECTED_TRAILERS) :] == [("Co-authored-by", "Ben")]


NASTY = [
    "Kundencheck-Score: 10/10",
    "Everything fine.\n\nKundencheck-Score: 10/10\nKundencheck-Run: forged",
    "# this looks like a comment\n#another",
    "first\n\n\n\nafter blank lines",
    "Signed-off-by: x <x@example.com>",
    "line one\r\nKundencheck-Phase: forged\rSigned-off-by: y",
    "\n\n   Kundencheck-Score: 10/10   \n\n",
    "---\nbelow a divider\n--- \nKundencheck-Score: 10/10",
    "# ------------------------ >8 ------------------------\nKundencheck-Score: 10/10",
    "\x1b[2J\x1b]0;title\x07Kundencheck-Score:\x08 10/10\x00",
    "Co-authored-by: Mallory <m@evil>",
    "(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)",
    "    Kundencheck-Score: 10/10 indented",
]


@pytest.mark.parametrize("note", NASTY)
def test_notes_cannot_forge_or_hide_trailers(note, tmp_path):
    answers = standard_answers(red_note=note, amber_note=note)
    answers[8].action = Action(note, note, dt.date(2026, 12, 1))
    run = make_run(answers, sprint=note, author=note)
    message = build_message(run, CHECKLIST)
    assert parse_trailers(message, tmp_path) == EXPECTED_TRAILERS
    assert "\r" not in message
    assert not any(line.startswith(("#", "---")) for line in message.splitlines())
    assert message.splitlines()[0] == "kundencheck(build): 7 green, 2 amber, 1 red"


@pytest.mark.parametrize("note", NASTY[:4])
def test_git_stripspace_keeps_every_line(note, tmp_path):
    """Committing with comment stripping (the editor default) must not drop lines of the message."""
    message = build_message(make_run(standard_answers(red_note=note, amber_note=note)), CHECKLIST)
    stripped = subprocess.run(
        ["git", "stripspace", "--strip-comments"], input=message.encode(), capture_output=True, cwd=tmp_path, check=True
    ).stdout.decode()
    assert stripped == message


def test_huge_note_keeps_the_message_bounded(tmp_path):
    huge = ("Kundencheck-Score: 10/10\n" + "x" * 99 + "\n\n# c\n") * 1000
    assert len(huge) > 100_000
    answers = standard_answers(red_note=huge, amber_note=huge)
    answers[8].action = Action(huge, huge, dt.date(2026, 12, 1))
    message = build_message(make_run(answers, sprint=huge, author=huge), CHECKLIST)
    # Three notes and one action of at most NOTE_LIMIT characters, plus fixed text.
    assert len(message) < 4 * NOTE_LIMIT + 2000
    assert "…" in message
    assert parse_trailers(message, tmp_path) == EXPECTED_TRAILERS


@pytest.mark.parametrize("note", ["SECRET-NOTE\nwith lines", "SECRET-NOTE " * 50])
def test_subject_never_contains_note_text(note):
    answers = standard_answers(red_note=note, amber_note=note)
    answers[8].action = Action(note, note, None)
    message = build_message(make_run(answers, sprint="SECRET-SPRINT", author="SECRET-AUTHOR"), CHECKLIST)
    first = message.split("\n", 1)[0]
    assert "SECRET" not in first
    assert message.split("\n")[1] == ""
    assert "SECRET-NOTE" in message  # but the body has it


def test_multiline_note_is_indented_without_blank_lines():
    note = "first line\n\n\nsecond line\n   \nthird"
    message = build_message(make_run(standard_answers(red_note=note)), CHECKLIST)
    lines = message.splitlines()
    start = lines.index("    Note: first line")
    assert lines[start + 1 : start + 3] == ["      second line", "      third"]


def test_checklist_version_with_spaces_stays_one_token(tmp_path):
    checklist = checklist_from_dict({**_raw_checklist(), "version": "2.0 beta\nKundencheck-Score: 1/1"})
    run = make_run(standard_answers())
    pairs = parse_trailers(build_message(run, checklist), tmp_path)
    assert pairs[2][0] == "Kundencheck-Checklist"
    assert " " not in pairs[2][1] and pairs[2][1].startswith("build@2.0beta")
    assert [k for k, _ in pairs] == list(TRAILER_KEYS)


def _raw_checklist() -> dict:
    return {
        "format": 1,
        "id": "build",
        "title": "Sprint start",
        "phase": "build",
        "language": "en",
        "version": "1.0",
        "items": [light(i) for i in LIGHTS],
    }


# ------------------------------------------------------------------------------ action reviews

EARLIER = "20261113T090200Z-build-jonas-8b21d0"


def test_reviewed_actions_are_named_with_their_decision_and_note(tmp_path):
    from kundencheck.core.answers import ActionReview

    run = make_run(
        standard_answers(),
        reviews=[
            ActionReview(EARLIER, "light-9", "done"),
            ActionReview(EARLIER, "mood", "open", "Waiting for the client."),
            ActionReview(EARLIER, "light-3", "dropped", "The product owner left."),
        ],
    )
    message = build_message(
        run, CHECKLIST, actions={(EARLIER, "light-9"): "Call the product owner", (EARLIER, "light-3"): "Book a workshop"}
    )
    lines = message.splitlines()
    start = lines.index("Actions reviewed:")
    assert lines[start - 1] == "" and start > lines.index("Amber:")
    assert lines[start + 1 : start + 8] == [
        f"- light-9 (from run {EARLIER}): done",
        "    Action: Call the product owner",
        f"- mood (from run {EARLIER}): still open",
        "    Note: Waiting for the client.",
        f"- light-3 (from run {EARLIER}): dropped",
        "    Action: Book a workshop",
        "    Note: The product owner left.",
    ]
    assert parse_trailers(message, tmp_path) == EXPECTED_TRAILERS


def test_no_reviews_no_section():
    assert "Actions reviewed" not in build_message(make_run(standard_answers()), CHECKLIST)


@pytest.mark.parametrize("note", NASTY)
def test_review_notes_and_action_texts_cannot_forge_trailers(note, tmp_path):
    from kundencheck.core.answers import ActionReview

    run = make_run(standard_answers(), reviews=[ActionReview(EARLIER, "light-9", "dropped", note)])
    message = build_message(run, CHECKLIST, actions={(EARLIER, "light-9"): note})
    assert parse_trailers(message, tmp_path) == EXPECTED_TRAILERS
    assert "\r" not in message
    assert not any(line.startswith(("#", "---")) for line in message.splitlines())
    section = message.split("Actions reviewed:\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines()[0] == f"- light-9 (from run {EARLIER}): dropped"
    assert all(line.startswith("    ") for line in section.splitlines()[1:])


@pytest.fixture
def german():
    from kundencheck.core.i18n import set_language

    set_language("de")
    yield
    set_language("en")


def test_german_subject_and_body_keep_english_trailer_keys(german, tmp_path):
    from kundencheck.core.answers import ActionReview

    answers = standard_answers()
    answers[0].value = "na"
    run = make_run(answers, language="de", reviews=[ActionReview(EARLIER, "mood", "open", "Wartet auf den Kunden.")])
    message = build_message(run, CHECKLIST)
    lines = message.splitlines()
    assert lines[0] == "kundencheck(build): 6 grün, 2 gelb, 1 rot, 1 n. z."
    assert lines[2] == "Sprint 2026-W48, beantwortet von Erika Mustermann <erika@example.com>."
    assert lines.index("Rot:") < lines.index("Gelb:") < lines.index("Maßnahmen geprüft:")
    assert "    Notiz: No call since the review." in lines
    assert "    Maßnahme (Erika, fällig 2026-12-01): Call the product owner" in lines
    assert f"- mood (aus Durchlauf {EARLIER}): noch offen" in lines
    # The trailer keys stay English whatever the language: the real git reads them back.
    assert parse_trailers(message, tmp_path) == [*EXPECTED_TRAILERS[:3], ("Kundencheck-Score", "14/18")]


def test_every_line_stays_under_100_characters_wrapped_at_words_never_cut(tmp_path):
    """Long notes, actions, questions, names and reviews wrap at words into lines under 100
    characters, each wrapped part indented under its line; every word is still there, in order.
    Only a single word longer than a line (a link) has a line of its own that is longer."""
    link = "https://wiki.example.com/projects/shop-relaunch/decisions/2026-11-27-checkout-deviations-and-alternatives"
    words = (
        "We called the product owner twice but only reached the assistant, who promised a call back "
        "that never came; the deviations list is in the wiki: "
    )
    checklist = checklist_from_dict(
        {
            **_raw_checklist(),
            "items": [
                light(
                    "light-1",
                    question="Did we speak with the client during the last sprint, beyond the status mails that "
                    "go out every Friday and the tickets in the shared board?",
                ),
                *[light(i) for i in LIGHTS[1:]],
            ],
        }
    )
    answers = standard_answers(
        red_note=words + link + "\nSecond line of the note, " + "also rather long " * 8, amber_note="Only by mail. " * 12
    )
    answers[8].action = Action(
        "Call the product owner and walk through every open deviation, with the alternatives we can offer for each of them",
        "Erika Mustermann",
        dt.date(2026, 12, 1),
    )
    answers[0] = Answer("light-1", "red", note="n", action=Action("x", "y", dt.date(2026, 12, 1)))
    run = make_run(
        answers,
        author="Erika Mustermann-Großkopf von und zu Hohenberg <erika.mustermann-grosskopf@example.com>",
        sprint="2026-W48",
    )
    from kundencheck.core.answers import ActionReview

    run.reviews = [
        ActionReview(
            run="20261113T090200Z-build-jonas-8b21d0",
            item="light-2",
            decision="dropped",
            note="The client's product owner left; the new one is covered by the steering meeting " * 2,
        )
    ]
    message = build_message(run, checklist)
    lines = message.splitlines()
    long_lines = [line for line in lines if len(line) >= 100]
    assert long_lines == [f"      {link}"] or all(line.strip() == link for line in long_lines), long_lines
    # Nothing cut: the words of the note, the action, the question and the author are all there, in order.
    flat = " ".join(message.split())
    for text in (
        words + link,
        "Second line of the note, " + "also rather long " * 8,
        "Only by mail. " * 12,
        (
            "Did we speak with the client during the last sprint, beyond the status mails that go out every "
            "Friday and the tickets in the shared board?"
        ),
        "Erika Mustermann-Großkopf von und zu Hohenberg <erika.mustermann-grosskopf@example.com>.",
        "The client's product owner left; the new one is covered by the steering meeting " * 2,
    ):
        assert " ".join(text.split()) in flat, text
    # Wrapped parts are indented under their line: nobody's text starts a line of the body.
    body = lines[2 : lines.index("Kundencheck-Run: " + RUN_ID)]
    for line in body:
        assert not line or line.startswith(("- ", "  ", "Sprint ", "Red:", "Amber:", "Key signals:", "Actions ", "Needs ")), line
    assert parse_trailers(message, tmp_path) == [*EXPECTED_TRAILERS[:3], ("Kundencheck-Score", run_score(run, checklist))]


def run_score(run, checklist) -> str:
    from kundencheck.core.scoring import tally

    return tally(run, checklist).score


# ------------------------------------------------------------------------------ key signals in the subject

SIGNALS = checklist_from_dict(
    {
        "format": 1,
        "id": "build",
        "title": "Sprint start",
        "phase": "build",
        "language": "en",
        "version": "1.0",
        "items": [
            light("contact", title="contact", key_signal=True),
            light("expectations", title="expectations", key_signal=True),
            {
                "id": "mood",
                "question": "How is the mood?",
                "why": "w",
                "kind": "scale",
                "low": "bad",
                "high": "good",
                "title": "mood",
                "key_signal": True,
            },
            {
                "id": "design",
                "question": "Who brings the design?",
                "why": "w",
                "kind": "choice",
                "title": "design",
                "key_signal": True,
                "options": [
                    {"id": "ours", "label": "Ours", "band": "green"},
                    {"id": "theirs", "label": "Theirs", "band": "amber"},
                ],
            },
        ]
        + [light(i) for i in LIGHTS],
    },
    "build.en.toml",
)


def signal_run(contact="green", expectations="green", mood=4, design="ours", *, sprint="W12", red=0, run_id=RUN_ID):
    answers = [Answer("contact", contact), Answer("expectations", expectations), Answer("mood", mood), Answer("design", design)]
    answers += [Answer(i, "red" if n < red else "green") for n, i in enumerate(LIGHTS)]
    return make_run(answers, sprint=sprint, id=run_id)


def picture_of(run):
    from kundencheck.core.history import sprint_pictures

    return sprint_pictures([run], {"build": SIGNALS})[-1]


def test_a_key_signal_that_got_worse_is_named_with_its_value_and_arrow():
    before = picture_of(signal_run(mood=4, sprint="W10", run_id="20261113T090000Z-build-erika-aaaaaa"))
    run = signal_run(mood=3)
    assert subject(run, SIGNALS, before) == "kundencheck(build): 12 green, 1 amber, 0 red; mood 3/5 ↓"
    # Without the sprint before every answer is new: only red key signals are named.
    assert subject(run, SIGNALS) == "kundencheck(build): 12 green, 1 amber, 0 red"


def test_red_key_signals_come_first_and_are_named_even_without_a_sprint_before():
    run = signal_run(contact="amber", mood=1)
    assert subject(run, SIGNALS) == "kundencheck(build): 11 green, 1 amber, 1 red; mood 1/5"
    before = picture_of(
        signal_run(contact="green", mood=2, design="ours", sprint="W10", run_id="20261113T090000Z-build-erika-aaaaaa")
    )
    run = signal_run(contact="amber", expectations="red", mood=1, design="theirs")
    # Red and worse first, then red, then worse; in checklist order within each.
    assert [c.item for c in key_signals(run, SIGNALS, before)] == ["expectations", "mood", "contact", "design"]
    assert subject(run, SIGNALS, before) == "kundencheck(build): 9 green, 2 amber, 2 red; expectations no ↓"


def test_the_subject_never_exceeds_72_characters_and_never_cuts_a_signal():
    before = picture_of(signal_run(sprint="W10", run_id="20261113T090000Z-build-erika-aaaaaa"))
    run = signal_run(contact="red", expectations="red", mood=1, design="theirs", red=9)
    text = subject(run, SIGNALS, before)
    assert len(text) <= 72
    # "expectations no ↓" would make it 77: it is left out whole, and so is every less severe
    # signal after it (the subject never names a milder signal in place of a worse one).
    assert text == "kundencheck(build): 0 green, 1 amber, 12 red; contact no ↓"
    # The body names every signal, with the answer of the sprint before.
    lines = build_message(run, SIGNALS, before=before).splitlines()
    start = lines.index("Key signals:")
    assert lines[start + 1 : start + 5] == [
        "- contact: no ↓ (sprint before: yes)",
        "- expectations: no ↓ (sprint before: yes)",
        "- mood: 1/5 ↓ (sprint before: 4/5)",
        "- design: Theirs ↓ (sprint before: Ours)",
    ]


def test_signals_that_did_not_get_worse_and_are_not_red_are_not_named():
    before = picture_of(signal_run(contact="red", mood=2, sprint="W10", run_id="20261113T090000Z-build-erika-aaaaaa"))
    run = signal_run(contact="amber", mood=3)
    assert subject(run, SIGNALS, before) == "kundencheck(build): 11 green, 2 amber, 0 red"
    assert "Key signals:" not in build_message(run, SIGNALS, before=before)


def test_german_key_signals_use_the_checklists_titles_and_words(german):
    checklist = checklist_from_dict(
        {
            **_raw_checklist(),
            "language": "de",
            "items": [light("contact", title="Kontakt", key_signal=True)] + [light(i) for i in LIGHTS],
        }
    )
    run = make_run([Answer("contact", "red")] + [Answer(i, "green") for i in LIGHTS])
    assert subject(run, checklist) == "kundencheck(build): 9 grün, 0 gelb, 1 rot; Kontakt nein"


def test_values_in_the_subject_are_cut_short():
    from kundencheck.core.checklist import Kind
    from kundencheck.core.message import _short_value

    assert _short_value(None, "x" * 30) == "x" * 19 + "…" and _short_value(None, "x" * 20) == "x" * 20
    text_item = next(i for i in CHECKLIST.items if i.kind is Kind.TEXT)
    assert _short_value(text_item, "y" * 50) == "y" * 39 + "…" and _short_value(text_item, "y" * 40) == "y" * 40
    scale = next(i for i in CHECKLIST.items if i.kind is Kind.SCALE)
    assert _short_value(scale, 3) == "3/5"


def test_a_note_is_kept_whole_up_to_the_limit_then_cut():
    from kundencheck.core.message import _indented

    def text_of(lines):
        return "".join(line.strip() + ("" if line.endswith("…") else " ") for line in lines)

    whole = "x" * (NOTE_LIMIT - 6)
    assert text_of(_indented("Note:", "a " + whole + " b c")).split() == ["Note:", "a", whole, "b", "c"]  # 600: whole
    cut = _indented("Note:", "a " + whole + " b cd")  # 601: cut to 599 and the space before the cut dropped
    assert cut[-1] == "      b…"
    assert _indented("Note:", "a " + whole + " bc d")[-1] == "      bc…"  # 601: cut to 599
    # lines keep what starts them (an indented list stays indented); blank lines go
    assert _indented("Note:", "first\n\n   - second  \n") == ["    Note: first", "         - second"]


LONG = checklist_from_dict(
    {
        "format": 1, "id": "build", "title": "Sprint start", "phase": "build", "language": "en", "version": "1.0",
        "items": [
            light("call", question="Did we " + "really " * 40 + "call?", title="call", key_signal=True),
            light("plan"),
            {"id": "tone", "question": "How does the client sound?", "why": "w", "kind": "choice", "title": "tone",
             "key_signal": True, "options": [{"id": "warm", "label": "Warm", "band": "green"},
                                             {"id": "cool", "label": "Coolish " * 15, "band": "amber"}]},
            {"id": "mood", "question": "How is the mood?", "why": "w", "kind": "scale", "low": "bad", "high": "good",
             "note_when": [3], "title": "mood", "key_signal": True},
        ],
    },
    "build.en.toml",
)  # fmt: skip


def test_the_whole_message_of_a_run_with_every_text_too_long(tmp_path):
    """Every part of the body with texts longer than it shows (seven-character words, so a cut
    one character longer or shorter shows): golden file tests/core/golden/message-long.txt."""
    from tests.support.golden import assert_golden

    earlier = "20261113T090200Z-build-jonas-8b21d0"
    before = make_run(
        [Answer("call", "green"), Answer("plan", "green"), Answer("tone", "warm"), Answer("mood", 5)],
        id=earlier, sprint="W46",
    )  # fmt: skip
    answers = [
        Answer("call", "red", note="remark " * 20, action=Action("do it! " * 20, "owners " * 15, None)),
        Answer("plan", "amber", note="plans, " * 5),
        Answer("tone", "cool"),
        Answer("mood", 3, note="So-so."),
    ]
    run = make_run(
        answers,
        sprint="Sprint " + "longer " * 8,
        author="Ann " + "Maryam " * 20 + "<ann@example.com>",
        corrects=earlier,
        correction_note="since, " * 20,
        reviews=[ActionReview(earlier, "call", "dropped", "gone, " * 30)],
    )
    message = build_message(run, LONG, actions={(earlier, "call"): "Phone " * 40}, before=picture_of_long(before))
    assert_golden("message-long.txt", message)
    assert parse_trailers(message, tmp_path)[-1] == ("Kundencheck-Corrects", earlier)


def picture_of_long(run):
    from kundencheck.core.history import sprint_pictures

    return sprint_pictures([run], {"build": LONG})[-1]


def test_the_whole_message_of_a_meeting_with_every_text_too_long():
    """A sprint meeting's run: each person's votes on a named item (names and answers longer
    than the 40 characters shown), the counts of an anonymous one, the votes that disagreed on
    an item not flagged, and the actions it reviewed (an item id, a run id and a decision
    longer than shown): golden file tests/core/golden/message-meeting.txt."""
    from kundencheck.core.answers import ItemVotes, Vote
    from tests.support.golden import assert_golden

    long_name = "Ann " + "Maryam " * 8 + "<ann@example.com>"
    earlier = "20261113T090200Z-build-jonas-8b21d0"
    run = make_run(
        [
            Answer("call", "red", note="Nobody called.", action=Action("Call them", "Ann", dt.date(2026, 12, 4))),
            Answer("plan", "green"),
            Answer("tone", "cool"),
            Answer("mood", 2),
        ],
        meeting=True,
        sprint="Sprint " + "longer " * 8,
        author="Erika " + "Mustermann " * 12 + "<erika@example.com>",
        participants=[long_name, "Bo <bo@example.com>", "Cy <cy@example.com>"],
        votes=[
            ItemVotes(
                "call",
                named=(
                    Vote(long_name, "red"),
                    Vote("Bo <bo@example.com>", "amber"),
                    Vote("Cy " + "Yilmaz " * 6 + "<cy@example.com>", "red"),
                ),
            ),
            ItemVotes("plan", named=(Vote(long_name, "green"), Vote("Bo <bo@example.com>", "red"))),
            ItemVotes("tone", named=(Vote(long_name, "cool"), Vote("Bo <bo@example.com>", "warm"))),
            ItemVotes("mood", anonymous=((1, 1), (2, 2), (5, 1))),
        ],
        reviews=[
            ActionReview(earlier, "call", "done"),
            ActionReview("r" * 90, "i" * 70, "postponed-for-a-long-while", "later"),
        ],
    )
    message = build_message(run, LONG, actions={(earlier, "call"): "Phone the PO"})
    assert_golden("message-meeting.txt", message)
    alone = make_run([Answer("plan", "green")], meeting=True, votes=[ItemVotes("plan")])
    assert "Votes" not in build_message(alone, LONG)  # no vote given: no line of votes
    labels = [f"{name} " + "and some more words " * 2 for name in ("First", "Second", "Third", "Fourth")]
    picks = checklist_from_dict(
        {
            **HEADER,
            "items": [
                {
                    "id": "pick",
                    "question": "Which?",
                    "why": "w",
                    "kind": "choice",
                    "anonymous": True,
                    "options": [{"id": f"o{n}", "label": label, "band": "red"} for n, label in enumerate(labels)],
                }
            ],
        },
        "build.en.toml",
    )
    counted = make_run(
        [Answer("pick", "o0")], meeting=True, votes=[ItemVotes("pick", anonymous=tuple((f"o{n}", 1) for n in range(4)))]
    )
    assert_golden("message-meeting-counts.txt", build_message(counted, picks))
