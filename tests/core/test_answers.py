"""Runs: writing answers files (tomlkit), reading them back (tomllib), and checking them."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any

import pytest
import tomlkit

from kundencheck.core.answers import (
    ANSWERS_DIR,
    Action,
    ActionReview,
    Answer,
    Needs,
    Run,
    document,
    dumps,
    is_moment,
    new_run,
    new_run_id,
    problems_with,
    sprint_label,
    still_needed,
)
from kundencheck.core.answers_file import loads, run_is_sound
from kundencheck.core.checklist import checklist_from_dict
from kundencheck.core.errors import AnswersError
from kundencheck.core.people import Person
from tests.support.checklists import YES_NO, item
from tests.support.checklists import checklist as make_checklist

CET = dt.timezone(dt.timedelta(hours=1))
STARTED = dt.datetime(2026, 11, 27, 10, 15, tzinfo=CET)
FINISHED = dt.datetime(2026, 11, 27, 10, 24, tzinfo=CET)

CHECKLIST = make_checklist(
    item("contacted", note_when=["amber", "red"], action_when=["red"]),
    item("mood", note_when=[1, 2], action_when=[1]),
    "design",
    item("deviations", question="Have we announced deviations from the design?", when={"item": "design", "equals": "yes"}),
    item("review", like="next-review", required=False),
    item("self-critical", like="lesson", why="Otherwise it is always the client's fault."),
)


def make_run(*answers: Answer, **overrides) -> Run:
    fields = {
        "id": "20261127T091500Z-build-erika-3f9a1c",
        "checklist": "build",
        "checklist_version": "1.0",
        "phase": "build",
        "language": "en",
        "sprint": "2026-W48",
        "author": "Erika Mustermann <erika@example.com>",
        "started": STARTED,
        "finished": FINISHED,
        "answers": list(answers),
    }
    fields.update(overrides)
    return Run(**fields)


def complete_answers() -> list[Answer]:
    return [
        Answer("contacted", "green"),
        Answer("mood", 4),
        Answer("design", "no"),
        Answer("review", dt.date(2026, 12, 4)),
        Answer("self-critical", "Nothing comes to mind."),
    ]


def round_trip(run: Run) -> Run:
    return loads(dumps(run, CHECKLIST), "answers.toml")


# ------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    "answer",
    [
        Answer("contacted", "green"),
        Answer("contacted", "na"),
        Answer("mood", 1),
        Answer("mood", 5),
        Answer("self-critical", 'Er sagte "nein".\nZweite Zeile: Ärger, Größe, ß, 🚀\n\n"""triple""" and \\ backslash\'s'),
        Answer("self-critical", "single line with 'single' quotes and a trailing quote\""),
        Answer("review", dt.date(2026, 12, 31)),
        Answer("design", "yes"),
    ],
    ids=lambda a: f"{a.item}={ascii(a.value)[:20]}".replace("\\", "^").replace("'", ""),  # see test_checklist.plain_id
)
def test_round_trip_each_kind(answer):
    back = round_trip(make_run(answer))
    assert back.answers == [answer]
    assert type(back.answers[0].value) is type(answer.value)


def test_round_trip_whole_run():
    run = make_run(
        Answer(
            "contacted",
            "red",
            note="Only status mails.\nSince the design review.",
            action=Action("Call the PO", "Erika", dt.date(2026, 12, 1)),
        ),
        Answer("mood", 2, note="Tired of the change requests."),
        Answer("design", "yes"),
        Answer("deviations", "amber", note="Only the header."),
        Answer("review", dt.date(2026, 12, 4)),
        Answer("self-critical", "Push back earlier on scope."),
        participants=["Erika Mustermann <erika@example.com>", "Jürgen Groß <juergen@example.com>"],
    )
    assert round_trip(run) == run


def test_round_trip_without_finished_and_participants():
    run = make_run(Answer("contacted", "green"), finished=None)
    back = round_trip(run)
    assert back == run
    assert back.finished is None and back.participants == []
    assert "participants" not in dumps(run, CHECKLIST) and "finished" not in dumps(run, CHECKLIST)


def test_action_without_due_date_round_trips():
    run = make_run(Answer("contacted", "red", note="n", action=Action("Call", "", None)))
    assert round_trip(run).answers[0].action == Action("Call", "", None)


def test_unanswered_items_are_left_out():
    run = make_run(Answer("contacted", "green"), Answer("mood", None), Answer("self-critical", ""))
    text = dumps(run, CHECKLIST)
    assert "mood" not in text and "self-critical" not in text
    assert [a.item for a in round_trip(run).answers] == ["contacted"]


def test_empty_action_is_left_out():
    run = make_run(Answer("contacted", "green", action=Action("  ", "Erika", dt.date(2026, 1, 1))))
    assert "[answers.action]" not in dumps(run, CHECKLIST)
    assert round_trip(run).answers[0].action is None


def test_control_characters_are_cleaned_from_people_text():
    run = make_run(
        Answer(
            "contacted",
            "red",
            note="\x1b[2J\x1b]0;pwned\x07Wiped\rscreen\x00",
            action=Action("Call\x08\x08", "Er\u202eika", None),
        ),
        author="Erika\x1b[31m <erika@example.com>",
        sprint="W48\x00",
        participants=["Jo\x07e"],
    )
    text = dumps(run, CHECKLIST)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", text)
    back = loads(text)
    assert back.answers[0].note == "Wiped\nscreen"
    assert back.answers[0].action == Action("Call", "Erika", None)
    assert (back.author, back.sprint, back.participants) == ("Erika <erika@example.com>", "W48", ["Joe"])


def test_question_is_a_comment_above_each_answer():
    run = make_run(*complete_answers())
    lines = dumps(run, CHECKLIST).splitlines()
    for answer in run.answers:
        index = lines.index(f'item = "{answer.item}"')
        assert lines[index - 1] == f"# {CHECKLIST.item(answer.item).question}"
        assert lines[index - 2] == "[[answers]]"


def test_question_with_newline_stays_a_single_comment_line():
    checklist = make_checklist(item("contacted", question='Line one\nitem = "forged"'))
    text = dumps(make_run(Answer("contacted", "green")), checklist)
    assert '# Line one item = "forged"' in text
    assert loads(text).answers == [Answer("contacted", "green")]


def test_traffic_light_is_stored_as_status_others_as_value():
    data = tomllib.loads(dumps(make_run(*complete_answers()), CHECKLIST))
    by_item = {a["item"]: a for a in data["answers"]}
    assert by_item["contacted"]["status"] == "green" and "value" not in by_item["contacted"]
    assert by_item["mood"]["value"] == 4
    assert by_item["review"]["value"] == dt.date(2026, 12, 4)
    assert data["schema"] == 1 and data["started"] == STARTED


def _complete_example(checklist_doc: str) -> str:
    """The whole checklist of docs/checklist-format.md, under "A complete example"."""
    section = checklist_doc.split("## A complete example\n", 1)[1]
    return re.search(r"```toml\n(.*?)```", section, flags=re.DOTALL).group(1)


def test_answers_format_doc_example_loads():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "answers-format.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", doc, flags=re.DOTALL).group(1)
    run = loads(block, "docs/answers-format.md")
    assert run.id == "20261127T091500Z-build-erika-3f9a1c"
    assert run.answers[0].action == Action(
        "Call the client's product owner and walk through the open deviations", "Erika", dt.date(2026, 12, 1)
    )
    checklist_doc = (Path(__file__).resolve().parents[2] / "docs" / "checklist-format.md").read_text(encoding="utf-8")
    checklist = checklist_from_dict(tomllib.loads(_complete_example(checklist_doc)))
    assert problems_with(run, checklist, final=False) == []


def test_answers_format_doc_example_is_exactly_what_dumps_writes():
    """The example in the format doc, byte for byte: pins the layout (a tomlkit upgrade that
    changed it would show here) and keeps the doc honest."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    block = re.search(r"```toml\n(.*?)```", (docs / "answers-format.md").read_text(encoding="utf-8"), flags=re.DOTALL).group(1)
    checklist_doc = (docs / "checklist-format.md").read_text(encoding="utf-8")
    checklist = checklist_from_dict(tomllib.loads(_complete_example(checklist_doc)))
    assert dumps(loads(block), checklist) == block


# ------------------------------------------------------------------------- dumps and tomlkit


def run_with_everything(note: str = "Only status mails.\nSince the design review.") -> Run:
    return make_run(
        Answer("contacted", "red", note=note, action=Action("Call the PO", "Erika", dt.date(2026, 12, 1))),
        Answer("mood", 2, note="Tired."),
        Answer("review", dt.date(2026, 12, 4)),
        Answer("self-critical", 'A "quoted" \\ text\nover two lines, with ß and 🚀'),
        participants=["Erika Mustermann <erika@example.com>", "Jürgen Groß <juergen@example.com>"],
        reviews=[
            ActionReview("20261113T090200Z-build-jonas-8b21d0", "contacted", "dropped", note="Left.\nGone."),
            ActionReview("20261113T090200Z-build-jonas-8b21d0", "gone-item", "done"),
        ],
    )


@pytest.mark.parametrize(
    "run",
    [
        run_with_everything(),
        run_with_everything(note="x" * 5000 + '\n"""' + "y" * 5000),  # too big to be kept: rendered every time
        make_run(),  # no answers: answers = []
        make_run(reviews=[ActionReview("20261113T090200Z-build-jonas-8b21d0", "contacted", "open")]),
        make_run(reviews=[ActionReview("20261113T090200Z-build-jonas-8b21d0", "contacted", "dropped", note="z" * 3000)]),
    ],
    ids=["everything", "big-note", "no-answers", "only-reviews", "big-review"],
)
def test_dumps_is_what_tomlkit_renders_for_the_whole_document(run):
    """dumps() joins tables rendered one by one (and kept); the whole tomlkit document is the
    reference it must match, also the second time, from the cache."""
    expected = tomlkit.dumps(document(run, CHECKLIST))
    assert dumps(run, CHECKLIST) == expected
    assert dumps(run, CHECKLIST) == expected
    assert tomllib.loads(expected)["schema"] == 1


def test_dumps_without_the_checklist_writes_no_questions():
    run = run_with_everything()
    text = dumps(run)
    assert text == tomlkit.dumps(document(run))
    assert "#" not in text.split("\n", 1)[1]  # only the file's own first line is a comment
    assert loads(text).reviews == run.reviews


def test_a_reviewed_actions_long_question_is_cut_in_its_comment():
    question = "Did we " + "really " * 40 + "talk?"
    long = make_checklist(item("contacted", question=question))
    review = ActionReview("20261113T090200Z-build-jonas-8b21d0", "contacted", "done")
    comment = next(line for line in dumps(make_run(reviews=[review]), long).splitlines() if line.startswith("# Action"))
    assert comment == "# Action from an earlier run: " + question[:169].rstrip() + "…"


def test_an_answer_changed_in_place_is_written_anew():
    """The session changes an answer's value, note and action on the same objects; the table
    kept from the last draft must not be written again."""
    run = run_with_everything()
    dumps(run, CHECKLIST)
    contacted = run.answers[0]
    contacted.value, contacted.note = "amber", "Better now."
    contacted.action.what, contacted.action.owner, contacted.action.due = "Mail the PO", "Jonas", dt.date(2027, 1, 2)
    run.reviews[0].decision = "done"
    back = loads(dumps(run, CHECKLIST))
    assert (back.answers[0].value, back.answers[0].note) == ("amber", "Better now.")
    assert back.answers[0].action == Action("Mail the PO", "Jonas", dt.date(2027, 1, 2))
    assert back.reviews[0].decision == "done"


def test_values_equal_in_python_but_not_in_toml_are_kept_apart():
    """True == 1 and both hash alike; a kept table must still say which one it was."""
    run = make_run(Answer("mood", 1))
    assert "value = 1\n" in dumps(run, CHECKLIST)
    run.answers[0].value = True
    assert "value = true\n" in dumps(run, CHECKLIST)


def test_text_is_escaped_for_any_characters():
    nasty = '\\ " """ \x00\x1b[31m\x7f\x9b2J \t tab \u202e é 🚀 \r\n\n'
    run = make_run(Answer("self-critical", nasty, note=nasty, action=Action(nasty, nasty, None)), author="x" + nasty)
    text = dumps(run, CHECKLIST)
    # Safe to show with `git show` or cat: no control character but newline and tab, no bidi override.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    back = loads(text)
    assert back.answers[0].value == nasty  # a text answer is kept as typed, escaped
    # Notes and names: escape sequences and controls dropped, a tab made spaces, ends stripped.
    cleaned = '\\ " """       tab  é 🚀'
    assert back.answers[0].note == cleaned
    assert back.answers[0].action == Action(cleaned, cleaned, None)
    assert back.author == "x" + cleaned + " \n\n"


def test_a_lone_surrogate_in_a_text_answer_is_written_as_a_replacement_character():
    """A lone surrogate (undecodable bytes) cannot be UTF-8 nor a TOML escape: the file would not
    be written, or not be read back."""
    run = make_run(Answer("self-critical", "caf\udce9"))
    text = dumps(run, CHECKLIST)
    assert loads(text.encode("utf-8")).answers[0].value == "caf\ufffd"


# ------------------------------------------------------------------------- problems_with


def test_complete_run_has_no_problems():
    assert problems_with(make_run(*complete_answers()), CHECKLIST) == []


def test_unanswered_required_items_are_listed_together():
    problems = problems_with(make_run(Answer("mood", 3)), CHECKLIST)
    assert problems == ["required items not answered: contacted, design, self-critical."]


def test_not_final_ignores_unanswered_items():
    assert problems_with(make_run(Answer("mood", 3)), CHECKLIST, final=False) == []


def test_required_item_made_visible_by_a_condition():
    answers = [a for a in complete_answers() if a.item != "design"] + [Answer("design", "yes")]
    problems = problems_with(make_run(*answers), CHECKLIST)
    assert problems == ["required items not answered: deviations."]


def test_a_hidden_item_answered_names_the_values_that_show_it():
    answers = [*complete_answers(), Answer("deviations", "green")]  # design is "no": deviations is hidden
    assert problems_with(make_run(*answers), CHECKLIST) == [
        "item 'deviations': answered, but it is only asked when 'design' is 'yes'."
    ]
    two = make_checklist(
        item("design", options=[*YES_NO, {"id": "some", "label": "Some"}]),
        item("deviations", when={"item": "design", "equals": ["yes", "some"]}),
    )
    assert problems_with(make_run(Answer("design", "no"), Answer("deviations", "green")), two) == [
        "item 'deviations': answered, but it is only asked when 'design' is 'yes' or 'some'."
    ]


@pytest.mark.parametrize("note", ["", "   \n "])
def test_note_required(note):
    answers = [Answer("contacted", "amber", note=note), *complete_answers()[1:]]
    problems = problems_with(make_run(*answers), CHECKLIST)
    assert problems == ["item 'contacted': the answer 'partly' needs a note saying why."]


def test_scale_note_required():
    answers = complete_answers()
    answers[1] = Answer("mood", 2)
    assert problems_with(make_run(*answers), CHECKLIST) == ["item 'mood': the answer '2' needs a note saying why."]


@pytest.mark.parametrize(
    "action",
    [
        None,
        Action("", "Erika", dt.date(2026, 12, 1)),
        Action("Call", "", dt.date(2026, 12, 1)),
        Action("Call", "Erika", None),
        Action("Call", "  ", None),
    ],
    ids=["none", "no-what", "no-owner", "no-due", "blank-owner"],
)
def test_action_required_and_complete(action):
    answers = [Answer("contacted", "red", note="Silence.", action=action), *complete_answers()[1:]]
    problems = problems_with(make_run(*answers), CHECKLIST)
    assert problems == ["item 'contacted': the answer 'no' needs an action with what, owner and due date."]


def test_complete_action_satisfies():
    answers = [Answer("contacted", "red", note="Silence.", action=Action("Call", "Erika", dt.date(2026, 12, 1)))]
    assert problems_with(make_run(*answers, *complete_answers()[1:]), CHECKLIST) == []


@pytest.mark.parametrize(
    "answer, needs",
    [
        (None, Needs(value=True)),
        (Answer("contacted"), Needs(value=True)),
        (Answer("contacted", ""), Needs(value=True)),
        (Answer("contacted", "green"), Needs()),
        (Answer("contacted", "amber"), Needs(note=True)),
        (Answer("contacted", "amber", note=" \n"), Needs(note=True)),
        (Answer("contacted", "red", note="Silence."), Needs(action=("what", "owner", "due"))),
        (Answer("contacted", "red", action=Action(" ", "Erika", None)), Needs(note=True, action=("what", "due"))),
        (Answer("contacted", "red", note="x", action=Action("Call", "Erika", dt.date(2026, 12, 1))), Needs()),
    ],
)
def test_what_an_answer_still_needs(answer, needs):
    item = CHECKLIST.item("contacted")
    assert still_needed(item, answer) == needs
    assert needs.nothing == (needs == Needs())


def test_an_optional_item_needs_no_value():
    optional = CHECKLIST.item("contacted")._replace(required=False)
    assert still_needed(optional, None) == Needs() and still_needed(optional, None).nothing


def test_answer_to_a_hidden_item():
    answers = [*complete_answers(), Answer("deviations", "green")]
    problems = problems_with(make_run(*answers), CHECKLIST)
    assert problems == ["item 'deviations': answered, but it is only asked when 'design' is 'yes'."]


def test_answer_to_an_unknown_item():
    problems = problems_with(make_run(*complete_answers(), Answer("gone", "green")), CHECKLIST)
    assert problems == ["item 'gone': not in checklist 'build' (version 1.0)."]


@pytest.mark.parametrize(
    "answer, expected",
    [
        (Answer("contacted", "purple"), "status 'purple' is not one of green, amber, red, na."),
        (Answer("contacted", 1), "status 1 is not one of green, amber, red, na."),
        (Answer("mood", 6), "value 6 is not a whole number from 1 to 5."),
        (Answer("mood", "3"), "value '3' is not a whole number from 1 to 5."),
        (Answer("mood", True), "value True is not a whole number from 1 to 5."),
        (Answer("design", "maybe"), "value 'maybe' is not one of the options yes, no."),
        (Answer("review", "2026-12-04"), "value '2026-12-04' is not a date"),
        (
            Answer("review", dt.datetime(2026, 12, 4, 10, 0)),  # noqa: DTZ001 - a date-time where a date belongs
            "value datetime.datetime(2026, 12, 4, 10, 0) is not a date",
        ),
        (Answer("self-critical", 42), "value 42 is not text"),
    ],
    ids=lambda v: repr(v)[:30] if isinstance(v, str) else v.item,
)
def test_wrong_value_types(answer, expected):
    answers = [a for a in complete_answers() if a.item != answer.item] + [answer]
    problems = problems_with(make_run(*answers), CHECKLIST)
    assert len(problems) == 1
    assert problems[0].startswith(f"item {answer.item!r}: {expected}")


def test_several_problems_at_once():
    run = make_run(Answer("contacted", "red"), Answer("gone", 1), Answer("deviations", "green"))
    problems = problems_with(run, CHECKLIST)
    assert problems == [
        "item 'contacted': the answer 'no' needs a note saying why.",
        "item 'contacted': the answer 'no' needs an action with what, owner and due date.",
        "item 'gone': not in checklist 'build' (version 1.0).",
        "item 'deviations': answered, but it is only asked when 'design' is 'yes'.",
        "required items not answered: mood, design, self-critical.",
    ]
    # a hidden item's answer and a wrong value stop neither the answers after them from being checked
    run = make_run(Answer("deviations", "green"), Answer("mood", 9), Answer("contacted", "amber"))
    assert problems_with(run, CHECKLIST, final=False) == [
        "item 'deviations': answered, but it is only asked when 'design' is 'yes'.",
        "item 'mood': value 9 is not a whole number from 1 to 5.",
        "item 'contacted': the answer 'partly' needs a note saying why.",
    ]


# ------------------------------------------------------------------------- loads errors

VALID = """\
schema = 1
id = "20261127T091500Z-build-erika-3f9a1c"
checklist = "build"
checklist_version = "1.0"
phase = "build"
language = "en"
sprint = "2026-W48"
author = "Erika <erika@example.com>"
started = 2026-11-27T10:15:00+01:00
"""


def answers_error(text: str | bytes) -> str:
    with pytest.raises(AnswersError) as info:
        loads(text, "runs/x.toml")
    message = str(info.value)
    assert message.startswith("runs/x.toml")
    return message


def test_valid_minimal_file():
    run = loads(VALID)
    assert run.answers == [] and run.finished is None and run.checklist_version == "1.0"


@pytest.mark.parametrize(
    "text, fragments",
    [
        (VALID.replace("schema = 1\n", ""), ["'schema'", "must be 1", "answers file"]),
        (VALID.replace("schema = 1", "schema = 3"), ["'schema'", "must be 1 or 2", "found 3"]),
        (VALID.replace("schema = 1", "schema = true"), ["'schema'", "must be 1"]),
        ("", ["'schema'", "must be 1"]),
        (
            VALID.replace('id = "20261127T091500Z-build-erika-3f9a1c"', 'id = "../../etc/passwd"'),
            ["'id'", "not a run id", "letters, digits, dashes"],
        ),
        (VALID.replace('id = "20261127T091500Z-build-erika-3f9a1c"', 'id = "' + "a" * 81 + '"'), ["'id'", "not a run id"]),
        (VALID.replace('checklist = "build"', 'checklist = "Build"'), ["'checklist'", "not a safe id"]),
        (VALID.replace('phase = "build"', 'phase = "../x"'), ["'phase'", "not a safe id"]),
        (VALID.replace('author = "Erika <erika@example.com>"', 'author = "  "'), ["'author'", "non-empty string"]),
        (VALID.replace('sprint = "2026-W48"', "sprint = 48"), ["'sprint'", "non-empty string"]),
        (VALID.replace("+01:00", ""), ["'started'", "offset"]),
        (VALID + "finished = 2026-11-27\n", ["'finished'", "offset"]),
        # a naive date-time cannot be ordered with the others: every history view would crash on it
        (VALID + "finished = 2026-11-27T09:45:00\n", ["'finished'", "offset"]),
        (VALID + 'participants = "Erika"\n', ["'participants'", "list of strings"]),
        (VALID + "participants = [1]\n", ["'participants'", "list of strings"]),
        (VALID + "answers = 1\n", ["'answers'", "[[answers]]"]),
        (VALID + "answers = [1]\n", ["answer 1", "must be a table"]),
        (VALID + '[[answers]]\nitem = "Bad Id"\nstatus = "green"\n', ["answer 1", "'item'", "'Bad Id'"]),
        (VALID + '[[answers]]\nstatus = "green"\n', ["answer 1", "'item'"]),
        (
            VALID + '[[answers]]\nitem = "a"\nstatus = "green"\n[[answers]]\nitem = "a"\nstatus = "red"\n',
            ["answer 2", "'a'", "answered twice"],
        ),
        (VALID + '[[answers]]\nitem = "a"\nstatus = "green"\nvalue = 3\n', ["item 'a'", "both 'status' and 'value'"]),
        (VALID + '[[answers]]\nitem = "a"\nstatus = "red"\nnote = 5\n', ["item 'a'", "'note'", "string"]),
        (VALID + '[[answers]]\nitem = "a"\nstatus = "red"\naction = "call"\n', ["item 'a'", "'action'", "what, owner and due"]),
        (
            VALID + '[[answers]]\nitem = "a"\nstatus = "red"\n[answers.action]\nwhat = 1\n',
            ["item 'a'", "'what' and 'owner'", "strings"],
        ),
        (
            VALID + '[[answers]]\nitem = "a"\nstatus = "red"\n[answers.action]\nwhat = "x"\ndue = "2026-12-01"\n',
            ["item 'a'", "'due'", "2026-12-31", "without quotes"],
        ),
        (
            VALID + '[[answers]]\nitem = "a"\nstatus = "red"\n[answers.action]\nwhat = "x"\ndue = 2026-12-01T10:00:00\n',
            ["item 'a'", "'due'"],
        ),
        (VALID + '[[answers]]\nitem = "a"\nstatus = ["red"]\n', ["item 'a'", "'status'", "green, amber, red or na"]),
        (VALID + '[[answers]]\nitem = "a"\nstatus = 1\n', ["item 'a'", "'status'", "string"]),
        (VALID + '[[answers]]\nitem = "a"\nvalue = [1, 2]\n', ["item 'a'", "'value'", "whole number, a string or a date"]),
        (VALID + '[[answers]]\nitem = "a"\nvalue = 2.5\n', ["item 'a'", "'value'", "whole number"]),
        (VALID + '[[answers]]\nitem = "a"\nvalue = true\n', ["item 'a'", "'value'"]),
        (VALID + '[[answers]]\nitem = "a"\nvalue = { x = 1 }\n', ["item 'a'", "'value'"]),
        (VALID + '[[answers]]\nitem = "a"\nvalue = 2026-12-01T10:00:00Z\n', ["item 'a'", "'value'"]),
        (VALID + "author = 'again'\n", ["line 10, column", "TOML syntax error"]),
        (VALID.encode() + b'note = "\xff"\n', ["line 10", "not valid UTF-8"]),
        ("a = " + "[" * 3000, ["nested too deeply"]),
        ('schema = 1\nid = "\ud800"', ["not valid UTF-8"]),
    ],
)
def test_loads_errors(text, fragments):
    message = answers_error(text)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_empty_status_or_due_means_unanswered():
    run = loads(VALID + '[[answers]]\nitem = "a"\nstatus = ""\n[answers.action]\nwhat = "x"\ndue = ""\n')
    assert run.answers[0].value is None and run.answers[0].action.due is None


def test_loads_accepts_bytes_with_bom_and_crlf():
    run = loads(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    assert run.sprint == "2026-W48"


# ------------------------------------------------------------------------- ids, paths, sprints


def test_new_run_id_is_unique_and_safe():
    # Same second, same person: only the 24 random bits tell them apart. 50 ids collide with a
    # probability of about 1 in 13,000 (2000 did so in about 1 run in 9).
    ids = {new_run_id(STARTED, "build", "erika@example.com") for _ in range(50)}
    assert len(ids) == 50
    for run_id in ids:
        assert re.fullmatch(r"20261127T091500Z-build-erika-[0-9a-f]{6}", run_id)


@pytest.mark.parametrize(
    "phase, email, expected",
    [
        ("build", "erika.mustermann@example.com", "20261127T091500Z-build-erika-mustermann-abcdef"),
        ("build", "Averyveryverylongname@example.com", "20261127T091500Z-build-averyveryverylon-abcdef"),
        ("a" * 31 + "-rest-of-a-long-phase", "e@x", "20261127T091500Z-" + "a" * 31 + "-e-abcdef"),
        ("Build Phase!", "e@x@y", "20261127T091500Z-build-phase-e-abcdef"),
        ("Build " + "P" * 40, "e@x", "20261127T091500Z-build-" + "p" * 26 + "-e-abcdef"),  # slugged, then cut to 32
        ("pre--post", "e@x", "20261127T091500Z-pre--post-e-abcdef"),  # a safe id is kept as it is
    ],
)
def test_new_run_id_parts(phase, email, expected, monkeypatch):
    monkeypatch.setattr("kundencheck.core.answers.random_hex", lambda n: "abcdef"[: 2 * n])
    assert new_run_id(STARTED, phase, email) == expected


@pytest.mark.parametrize("email", ["", "@", "../../Jürgen Groß@x", "ROOT\x00; rm -rf /@evil", "a" * 300, "😀@x"])
def test_new_run_id_is_safe_for_any_email(email):
    run_id = new_run_id(STARTED, "build", email)
    assert re.fullmatch(r"[A-Za-z0-9-]+", run_id)
    assert len(run_id) <= 80


def test_new_run_id_with_the_longest_phase_can_be_read_back():
    phase = "p" * 64
    checklist = make_checklist("lesson", id=phase, phase=phase)
    run = new_run(checklist, Person("Erika", "erika.mustermann.with.a.long.name@example.com"), started=STARTED)
    assert len(run.id) <= 80
    assert loads(dumps(run, checklist)).id == run.id


def test_new_run_fills_in_from_the_checklist():
    run = new_run(CHECKLIST, Person("Erika", "erika@example.com"), started=STARTED)
    assert (run.checklist, run.checklist_version, run.phase, run.language) == ("build", "1.0", "build", "en")
    assert run.sprint == "2026-W48" and run.answers == [] and run.finished is None
    assert new_run(CHECKLIST, Person("E", "e@x"), sprint="Sprint 12", started=STARTED).sprint == "Sprint 12"


def test_new_run_without_start_uses_now_with_offset():
    run = new_run(CHECKLIST, Person("E", "e@x"))
    assert run.started.tzinfo is not None and run.started.microsecond == 0
    assert abs(run.started - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_run_path():
    run = make_run()
    assert run.path == f"{ANSWERS_DIR}/2026/{run.id}.toml"
    assert run.path.startswith(".kundencheck/answers/2026/")


def test_run_path_year_is_the_utc_year_of_the_id():
    started = dt.datetime(2027, 1, 1, 0, 30, tzinfo=CET)  # 2026-12-31 23:30 UTC
    run = new_run(CHECKLIST, Person("E", "e@x"), started=started)
    assert run.path.startswith(".kundencheck/answers/2026/")
    assert run.id.startswith("20261231T233000Z-")


@pytest.mark.parametrize(
    "moment, label",
    [
        (dt.date(2026, 11, 27), "2026-W48"),
        (dt.datetime(2026, 11, 27, 23, 59, tzinfo=CET), "2026-W48"),
        (dt.date(2026, 1, 1), "2026-W01"),
        (dt.date(2027, 1, 1), "2026-W53"),
        (dt.date(2024, 12, 30), "2025-W01"),
    ],
)
def test_sprint_label(moment, label):
    assert sprint_label(moment) == label


# ------------------------------------------------------------------------- run_is_sound


def sound_run(**overrides) -> Run:
    """A run with something of every kind (answers with note and action, a review, participants,
    a correction) that :func:`run_is_sound` accepts; ``overrides`` replaces fields."""
    fields: dict[str, Any] = {
        "answers": [
            Answer("contacted", "red", "no reply", Action("Call them", "Erika", dt.date(2026, 12, 1))),
            Answer("mood", 4),
            Answer("design", "no"),
            Answer("review", dt.date(2026, 12, 4)),
            Answer("self-critical", None, "", Action("x", "", None, separate=True)),
        ],
        "participants": ["Max <max@example.com>"],
        "reviews": [ActionReview("20261120T091500Z-build-erika-000001", "contacted", "done", "called")],
        "corrects": "20261120T091500Z-build-erika-000001",
        "correction_note": "typo",
    }
    fields.update(overrides)
    answers = fields.pop("answers")
    run = make_run(**fields)
    run.answers = answers  # as given: a tuple is not sound
    return run


NAIVE = dt.datetime(2026, 11, 27, 9, 45)  # noqa: DTZ001 - naive on purpose: the reader refuses it
EARLY = dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # before the year 1 in UTC
REVIEW = ActionReview("20261120T091500Z-build-erika-000001", "contacted", "done")


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"answers": [], "reviews": [], "participants": [], "corrects": "", "correction_note": ""},
        {"finished": None},
        {"checklist_version": ""},
        {"started": dt.datetime(1, 1, 2, tzinfo=dt.UTC)},
        {"finished": dt.datetime(9999, 12, 30, tzinfo=dt.UTC)},
        {"answers": [Answer("a", 2**63 - 1), Answer("b", -(2**63))]},
    ],
)
def test_run_is_sound(overrides):
    assert run_is_sound(sound_run(**overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"id": "../x"},
        {"id": 5},
        {"id": "a" * 81},
        {"checklist": "Build"},
        {"phase": "../x"},
        {"language": " "},
        {"language": 1},
        {"sprint": ""},
        {"author": "\n"},
        {"checklist_version": 1.0},
        {"started": NAIVE},
        {"started": EARLY},
        {"started": dt.date(2026, 11, 27)},
        {"finished": NAIVE},
        {"finished": EARLY},
        {"finished": "2026-11-27T09:45:00+01:00"},
        {"participants": "Max"},
        {"participants": [1]},
        {"participants": ("Max",)},
        {"answers": (Answer("mood", 4),)},
        {"reviews": (REVIEW,)},
        {"corrects": "../x"},
        {"corrects": "", "correction_note": "a note without corrects"},
        {"correction_note": 1},
        {"answers": ["mood"]},
        {"answers": [Answer("mood", 4), Answer("mood", 3)]},
        {"answers": [Answer("Mood", 4)]},
        {"answers": [Answer(4, 4)]},
        {"answers": [Answer("mood", 4.5)]},
        {"answers": [Answer("mood", True)]},
        {"answers": [Answer("mood", 2**63)]},
        {"answers": [Answer("mood", dt.datetime(2026, 1, 1))]},  # noqa: DTZ001 - a wrong kind on purpose
        {"answers": [Answer("mood", 4, None)]},
        {"answers": [Answer("mood", 4, "", "call")]},
        {"answers": [Answer("mood", 4, "", Action(1))]},
        {"answers": [Answer("mood", 4, "", Action("x", None))]},
        {"answers": [Answer("mood", 4, "", Action("x", "", "2026-12-01"))]},
        {"answers": [Answer("mood", 4, "", Action("x", "", dt.datetime(2026, 12, 1)))]},  # noqa: DTZ001 - a wrong kind
        {"answers": [Answer("mood", 4, "", Action("x", "", None, separate=1))]},
        {"reviews": ["done"]},
        {"reviews": [ActionReview(1, "contacted", "done")]},
        {"reviews": [ActionReview("../x", "contacted", "done")]},
        {"reviews": [ActionReview(REVIEW.run, "Item", "done")]},
        {"reviews": [ActionReview(REVIEW.run, "contacted", "finished")]},
        {"reviews": [ActionReview(REVIEW.run, "contacted", "done", None)]},
        {"reviews": [REVIEW, ActionReview(REVIEW.run, "contacted", "open")]},
    ],
)
def test_run_is_not_sound(overrides):
    assert not run_is_sound(sound_run(**overrides))


def test_is_moment():
    assert is_moment(dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    assert is_moment(dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC))
    assert is_moment(dt.datetime(9999, 12, 31, 12, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert is_moment(dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert not is_moment(dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-1))))
    assert not is_moment(EARLY) and not is_moment(NAIVE) and not is_moment(dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    "item, value, shown",
    [
        ("contacted", None, ""),
        ("contacted", "green", "yes"),
        ("contacted", "amber", "partly"),
        ("contacted", "na", "n/a"),
        ("contacted", "purple", "purple"),  # no status word: the value as it is
        ("design", "no", "No"),
        ("design", "maybe", "maybe"),
        ("mood", 4, "4"),
        ("review", dt.date(2026, 12, 4), "2026-12-04"),
        ("self-critical", "We argued\n  at\tlength\x1b[2J", "We argued at length"),
        ("self-critical", None, ""),
    ],
)
def test_display_value(item, value, shown):
    from kundencheck.core.answers import display_value

    assert display_value(CHECKLIST.item(item), value) == shown


def test_display_value_in_german():
    from kundencheck.core.answers import display_value
    from kundencheck.core.i18n import set_language

    set_language("de")
    try:
        assert [display_value(CHECKLIST.item("contacted"), v) for v in ("green", "amber", "red", "purple")] == [
            "ja",
            "teilweise",
            "nein",
            "purple",
        ]
    finally:
        set_language("en")


@pytest.mark.parametrize(
    "corrects, note, expected",
    [
        ("", "", True),  # an ordinary run
        ("", "  \n", True),
        ("20261120T091500Z-build-erika-000001", "The mood was 2", True),
        ("20261120T091500Z-build-erika-000001", "", True),  # the reading may have asked for the note elsewhere
        ("", "The mood was 2", False),  # a note without the run it corrects
        ("../20261120T091500Z-build-erika-000001", "The mood was 2", False),
        (None, "", False),
        ("", None, False),
        (1, "x", False),
        ("20261120T091500Z-build-erika-000001", b"x", False),
    ],
)
def test_is_correction(corrects, note, expected):
    from kundencheck.core.answers import is_correction

    assert is_correction(corrects, note) is expected


def test_review_and_correction_problems_in_words():
    from kundencheck.core.answers import correction_problems, review_problems

    first = "20261120T091500Z-build-erika-000001"
    run = make_run(
        reviews=[
            ActionReview(first, "contacted", "finished"),
            ActionReview(first, "mood", "dropped", " "),
            ActionReview(first, "mood", "done"),
            ActionReview(first, "design", "dropped", "no client"),
        ]
    )
    label = f"review of the action on {{item}} from run {first}"
    assert review_problems(run) == [
        label.format(item="'contacted'") + ": decision 'finished' is not one of done, open, dropped.",
        label.format(item="'mood'") + ": a dropped action needs a note saying why it is dropped.",
        label.format(item="'mood'") + ": reviewed twice; keep one decision.",
    ]
    assert review_problems(make_run(reviews=[ActionReview(first, "a", "open"), ActionReview(first, "b", "open")])) == []
    assert correction_problems(make_run()) == []
    this = "20261127T091500Z-build-erika-3f9a1c"
    assert correction_problems(make_run(corrects=this, correction_note="x")) == [
        f"the run corrects itself (corrects = '{this}'); name the run it corrects."
    ]
    assert correction_problems(make_run(corrects=first, correction_note=" \n")) == [
        f"a correction needs a note saying why the answers of run {first} are corrected."
    ]
    assert correction_problems(make_run(corrects=first, correction_note="typo")) == []


REVIEWED = "20261120T091500Z-build-erika-000001"


@pytest.mark.parametrize(
    "reviews, problem",
    [
        ('reviews = ["done"]\n', "review 1 must be a table ([[reviews]])."),
        ("reviews = 1\n", "key 'reviews' must be an array of [[reviews]] tables."),
        (
            '[[reviews]]\nrun = "../x"\nitem = "a"\ndecision = "done"\n',
            "review 1: key 'run' must be the id of the run that recorded the action, found '../x'.",
        ),
        (
            '[[reviews]]\nitem = "a"\ndecision = "done"\n',
            "review 1: key 'run' must be the id of the run that recorded the action, found None.",
        ),
        (
            f'[[reviews]]\nrun = "{REVIEWED}"\nitem = "A"\ndecision = "done"\n',
            "review 1: key 'item' must be an item id (lowercase letters, digits and dashes), found 'A'.",
        ),
        (
            f'[[reviews]]\nrun = "{REVIEWED}"\nitem = "a"\ndecision = "closed"\n',
            "review 1 (item 'a'): key 'decision' must be one of done, open, dropped (found 'closed').",
        ),
        (
            f'[[reviews]]\nrun = "{REVIEWED}"\nitem = "a"\ndecision = "done"\nnote = 1\n',
            "review 1 (item 'a'): key 'note' must be a string.",
        ),
        (
            (
                f'[[reviews]]\nrun = "{REVIEWED}"\nitem = "a"\ndecision = "done"\n'
                f'[[reviews]]\nrun = "{REVIEWED}"\nitem = "b"\ndecision = "open"\n'
                f'[[reviews]]\nrun = "{REVIEWED}"\nitem = "a"\ndecision = "open"\n'
            ),
            f"review 3: the action on 'a' from run {REVIEWED} is reviewed twice; keep one decision.",
        ),
    ],
)
def test_each_problem_of_a_review_in_words(reviews, problem):
    assert answers_error(VALID + reviews) == f"runs/x.toml: {problem}"


def test_reviews_are_written_and_read_back():
    run = make_run(reviews=[ActionReview(REVIEWED, "contacted", "dropped", "the client left\nfor good")])
    text = dumps(run, CHECKLIST)
    assert text.endswith(
        '\n[[reviews]]\n# Action from an earlier run: Did we speak with the client?\nrun = "'
        + REVIEWED
        + '"\nitem = "contacted"\ndecision = "dropped"\nnote = """the client left\nfor good"""\n'
    )
    assert loads(text).reviews == run.reviews


def test_a_reviewed_actions_question_is_cut_in_its_comment():
    long = make_checklist(item("contacted", question="Q" * 200))
    run = make_run(reviews=[ActionReview(REVIEWED, "contacted", "done")])
    assert "\n# Action from an earlier run: " + "Q" * 169 + "…\nrun = " in dumps(run, long)


def test_a_text_answer_loses_lone_surrogates_in_the_file_and_keeps_control_characters():
    run = make_run(Answer("self-critical", "\ud800a\udfff\bb\x01"))
    text = dumps(run, CHECKLIST)
    assert 'value = "\ufffda\ufffd\\bb\\u0001"' in text
    assert loads(text).answers[0].value == "\ufffda\ufffd\bb\x01"


def test_a_meeting_without_votes_is_written_with_schema_2():
    meeting = make_run(Answer("mood", 3), meeting=True)
    assert "schema = 2\n" in dumps(meeting, CHECKLIST) and loads(dumps(meeting, CHECKLIST)).meeting


def test_whole_numbers_are_values_within_64_bits_and_a_scale_takes_1_to_5():
    from kundencheck.core.answers import is_answer_value, value_problem

    assert is_answer_value(-(2**63)) and not is_answer_value(-(2**63) - 1)
    assert is_answer_value(2**63 - 1) and not is_answer_value(2**63)
    mood = CHECKLIST.item("mood")
    assert [value_problem(mood, n) for n in (1, 5)] == [None, None]
    assert value_problem(mood, 6) and value_problem(mood, 0)


def test_a_run_without_answers_says_so_in_its_file_and_a_meetings_votes_keep_their_kind():
    from kundencheck.core.answers import ItemVotes, Vote

    assert "\nanswers = []\n" in dumps(make_run(), CHECKLIST)
    meeting = make_run(Answer("contacted", "red", note="x", action=Action("Call", "Ana", dt.date(2026, 12, 4))), meeting=True)
    meeting.participants = [meeting.author]
    meeting.votes = [ItemVotes("contacted", named=(Vote(meeting.author, "red"),))]
    assert f'{{person = "{meeting.author}", status = "red"}}' in dumps(meeting)  # without the checklist too
