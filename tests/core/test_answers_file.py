"""The one reader of answers files (core/answers_file.py): the first problem or all of them, and
the same verdict for a committed run, the history cache's check and a filled-in file."""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from pathlib import Path

import pytest

from kundencheck.core.answers import Action, ActionReview, Answer, ItemVotes, Run, Vote, dumps, new_run
from kundencheck.core.answers_file import (
    Form,
    Hints,
    hints,
    loads,
    parse_filled,
    read_filled,
    read_run,
    run_is_sound,
)
from kundencheck.core.checklist import load_checklist
from kundencheck.core.errors import AnswersError
from kundencheck.core.people import Person
from tests.support.golden import assert_golden
from tests.support.values import LITERALS, key_paths, path_name, with_value

CHECKLIST = load_checklist(Path(__file__).resolve().parents[1] / "data" / "sprint.en.toml")
STARTED = dt.datetime(2026, 11, 27, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=1)))
ERIKA = Person("Erika Mustermann", "erika@example.com")
EARLIER = "20261113T090200Z-build-jonas-8b21d0"


def committed_text() -> str:
    """A committed answers file of the test checklist that a filled-in file could be too: every
    key kundencheck writes, every required item answered, a note and an action where needed."""
    run = new_run(CHECKLIST, ERIKA, started=STARTED)
    run.finished = STARTED + dt.timedelta(minutes=9)
    run.participants = [str(ERIKA), "Jonas Berg <jonas@example.com>"]
    run.answers = [
        Answer("client-contacted", "red", note="Only mails", action=Action("Call", "Ana", dt.date(2026, 12, 4))),
        Answer("team-mood", 4),
        Answer("own-design", "yes"),
        Answer("deviations-announced", "amber", note="Two not yet"),
        Answer("expectations-match", "green"),
        Answer("next-review", dt.date(2026, 12, 10)),
        Answer("self-critical", "We argued"),
    ]
    run.reviews = [ActionReview(EARLIER, "client-contacted", "done", note="Called")]
    return dumps(run, CHECKLIST)


TEXT = committed_text()
FORM = Form(CHECKLIST, ERIKA, "build", started=STARTED)


def verdict_of_run(text: str) -> list[str]:
    """The problems of ``text`` read as a committed run: [] when it reads."""
    try:
        loads(text, "x.toml")
    except AnswersError as error:
        return error.problems or [str(error)]
    return []


def verdict_of_filled(text: str) -> list[str]:
    """The problems of ``text`` read as a filled-in file: [] when it could be committed."""
    try:
        read_filled(parse_filled(text.encode("utf-8"), "x.toml"), "x.toml", FORM)
    except AnswersError as error:
        return error.problems or [str(error)]
    return []


def test_the_committed_file_reads_as_a_run_and_as_a_filled_in_file():
    run = loads(TEXT)
    assert run_is_sound(run)
    filled = read_filled(tomllib.loads(TEXT), "x.toml", FORM)
    assert filled.notes == []
    again = filled.run
    assert [(a.item, a.value, a.note, a.action) for a in again.answers] == [
        (a.item, a.value, a.note, a.action) for a in run.answers
    ]
    assert again.reviews == run.reviews and again.participants == run.participants
    assert again.id != run.id  # a filled-in file becomes a new run


BROKEN = (
    TEXT.replace("schema = 1", "schema = 3")
    .replace('sprint = "2026-W48"', "sprint = 48")
    .replace('item = "team-mood"\nvalue = 4', 'item = "team-mood"\nvalue = 4.5\nnote = 3')
)


def test_the_first_problem_or_all_of_them():
    with pytest.raises(AnswersError) as first:
        loads(BROKEN, "x.toml")
    with pytest.raises(AnswersError) as every:
        loads(BROKEN, "x.toml", collect=True)
    assert str(first.value) == "x.toml: " + first.value.problems[0]
    assert every.value.problems[0] == first.value.problems[0]
    assert every.value.problems == [
        "key 'schema' must be 1 or 2 (found 3). Is this a kundencheck answers file?",
        "key 'sprint' is required and must be a non-empty string.",
        "item 'team-mood': key 'value' must be a whole number, a string or a date like 2026-12-31 (found 4.5).",
        "item 'team-mood': key 'note' must be a string.",
    ]
    assert str(every.value).startswith("x.toml: 4 problems:\n  - key 'schema' must be 1")
    assert every.value.source == "x.toml"


def test_a_filled_in_file_collects_every_problem_and_the_checklists_rules():
    with pytest.raises(AnswersError) as every:
        read_filled(tomllib.loads(BROKEN), "x.toml", FORM)
    assert every.value.problems == [
        "key 'schema' must be 1 or 2 (found 3). Is this a kundencheck answers file?",
        "top level: 'sprint' must be a string like \"2026-W48\" (found 48).",
        "item 'team-mood': value 4.5 is not a whole number from 1 to 5.",
        "item 'team-mood': key 'note' must be a string.",
    ]
    # Read, it is checked as a commit would be: a red answer without its action.
    unfinished = TEXT.replace('[answers.action]\nwhat = "Call"', '[answers.action]\nwhat = ""')
    assert verdict_of_filled(unfinished) == [
        "item 'client-contacted': the answer 'no' needs an action with what, owner and due date."
    ]


@pytest.mark.parametrize(
    "change, problem",
    [
        # What kundencheck fills in may be left out of a filled-in file; where it is there, it is read.
        (("started", "0001-01-01T00:00:00+23:59"), "key 'started': 0001-01-01T00:00:00+23:59 lies outside the calendar"),
        (("started", "2026-11-27T10:15:00"), "key 'started' must be a date-time with offset"),
        (("finished", "nan"), "key 'finished' must be a date-time with offset"),
        (("id", '"../x"'), "key 'id': '../x' is not a run id"),
        (("author", "1"), "key 'author' is required and must be a non-empty string."),
        (("checklist_version", "[1]"), "key 'checklist_version' must be a string such as \"1.0\""),
    ],
)
def test_keys_a_filled_in_file_may_leave_out_are_read_by_the_same_rule_where_they_are_there(change, problem):
    text = with_value(TEXT, (change[0],), change[1])
    assert any(p.startswith(problem) for p in verdict_of_run(text)), verdict_of_run(text)
    assert any(p.startswith(problem) for p in verdict_of_filled(text)), verdict_of_filled(text)
    left_out = tomllib.loads(TEXT)
    del left_out[change[0]]
    read_filled(left_out, "x.toml", FORM)  # left out: made anew


def test_both_status_and_value_are_refused_everywhere():
    text = TEXT.replace('status = "green"', 'status = "green"\nvalue = ""')
    both = "item 'expectations-match': has both 'status' and 'value'"
    assert verdict_of_run(text)[0].startswith(both)
    assert verdict_of_filled(text)[0].startswith(both)


#: The hostile values in every key of the committed file, in changing pairs (tests/support/values.py).
HOSTILE = [
    (path, name)
    for n, (path, name) in enumerate(
        (key_paths(tomllib.loads(TEXT))[n % len(key_paths(tomllib.loads(TEXT)))], sorted(LITERALS)[(n * 7) % len(LITERALS)])
        for n in range(max(len(key_paths(tomllib.loads(TEXT))), len(LITERALS)) * 3)
    )
]


@pytest.mark.parametrize("path, name", HOSTILE, ids=[f"{path_name(p)}={n}" for p, n in HOSTILE])
def test_every_entry_point_agrees_on_hostile_files(path, name):
    """Any value TOML allows in any key: the first problem and all of them agree; a run read is
    one the history cache would keep; and a filled-in file is refused wherever a committed run
    is, naming the same key. A filled-in file is stricter only by the checklist's rules and
    what a person types (participants as Name <email>)."""
    text = with_value(TEXT, path, LITERALS[name])
    run_problems = verdict_of_run(text)
    try:
        every = []
        run = loads(text, "x.toml", collect=True)
    except AnswersError as error:
        every = error.problems or [str(error)]
        run = None
    assert bool(run_problems) == bool(every)
    if run_problems:
        assert run_problems[0] in (every[0], f"x.toml: {every[0]}") or every == run_problems
    else:
        assert run is not None and run_is_sound(run)
    filled_problems = verdict_of_filled(text)
    key = next(step for step in reversed(path) if isinstance(step, str))
    if run_problems:
        assert filled_problems, (path_name(path), name, run_problems[:3])
        shown = " ".join(run_problems[:3] + filled_problems[:3])
        assert f"'{key}'" in shown or f"[[{key}]]" in shown or "TOML" in shown or "nested" in shown, shown[:500]
    elif filled_problems:
        # Only the checklist's rules for an answer's value, and participants that are no person.
        assert key in ("value", "status", "participants", "item", "decision", "run") or path[0] in ("answers",), (
            path_name(path),
            name,
            filled_problems[:3],
        )
    for problem in run_problems + filled_problems:
        assert len(problem) < 1000, problem


def test_read_run_of_a_cached_run_that_no_file_could_hold():
    run = loads(TEXT)
    run.checklist_version = 1.0  # type: ignore[assignment]
    assert not run_is_sound(run)
    run = loads(TEXT)
    run.answers[0].action.due = dt.datetime(2026, 12, 4, 10, 0)  # type: ignore[union-attr]  # noqa: DTZ001 - a wrong kind on purpose
    assert not run_is_sound(run)
    run = loads(TEXT)
    run.reviews.append(run.reviews[0])
    assert not run_is_sound(run)
    assert run_is_sound(loads(TEXT))
    with pytest.raises(AnswersError):
        read_run({"schema": 1}, "x.toml")


def test_unknown_keys_of_a_filled_in_file_are_named_with_what_is_allowed():
    one = (
        TEXT.replace("schema = 1", 'schema = 1\ncolour = "x"', 1)
        .replace('item = "team-mood"', 'item = "team-mood"\nmood = 1\nhue = 2', 1)
        .replace('decision = "done"', 'decision = "done"\nwhen = 1', 1)
    )
    assert verdict_of_filled(one) == [
        (
            "top level: unknown key 'colour'. Allowed: answers, author, checklist, checklist_version, language, participants, "
            "phase, reviews, schema, sprint."
        ),
        (
            "item 'team-mood': unknown keys 'hue', 'mood'. Allowed: item, status or value, note, action (kind and "
            "options are ignored)."
        ),
        "review 1: unknown key 'when'. Allowed: decision, item, note, run.",
    ]
    several = TEXT.replace("schema = 1", 'schema = 1\nshade = 2\ncolour = "x"\ncorrects = ""', 1).replace(
        'decision = "done"', 'decision = "done"\nwho = 2\nwhen = 1', 1
    )
    assert verdict_of_filled(several) == [
        (
            "top level: 'corrects' and 'correction_note' make a correction of a run: commit the file with "
            "`kundencheck amend --from FILE`, or remove them for a new run."
        ),
        (
            "top level: unknown keys 'colour', 'shade'. Allowed: answers, author, checklist, checklist_version, language, "
            "participants, phase, reviews, schema, sprint."
        ),
        "review 1: unknown keys 'when', 'who'. Allowed: decision, item, note, run.",
    ]


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"phase": "build", "corrects": EARLIER}, Hints("build", EARLIER)),
        ({}, Hints(None, None)),
        ({"phase": "", "corrects": ""}, Hints(None, None)),
        ({"phase": 1, "corrects": 2}, Hints(None, None)),
        ({"phase": ["build"], "corrects": "../" + EARLIER}, Hints(None, None)),
    ],
)
def test_hints_are_the_phase_and_the_corrected_run_a_filled_in_file_names(data, expected):
    assert hints(data) == expected


# ----------------------------------------------------------------------------- word for word


def _corrected(meeting: bool) -> Form:
    """A correction's form: of the committed run (sprint 2026-W47), or of a meeting's run."""
    target = loads(TEXT.replace('sprint = "2026-W48"', 'sprint = "2026-W47"'))
    target.id = "20261120T090000Z-build-erika-000001"
    if meeting:
        target.meeting = True
        target.participants = [*target.participants, "Ana Roth <ana@example.com>"]
        target.votes = [ItemVotes("team-mood", named=(Vote(str(ERIKA), 4), Vote("Ana Roth <ana@example.com>", 2)))]
    return Form(CHECKLIST, ERIKA, "build", corrects=target, started=STARTED)


#: The readings of one file, each shown: as a committed run, and as a filled-in file for a new
#: run, for one with the command line's sprint and participant, and for two corrections (the
#: note from the command line).
READINGS = {
    "committed": None,
    "new": FORM,
    "new --sprint --participant": FORM._replace(sprint="2026-W50", participants=("Lea Kurz <lea@example.com>",)),
    "correction --note": _corrected(meeting=False)._replace(correction_note="  From the command line  "),
    "meeting's correction --note": _corrected(meeting=True)._replace(correction_note="Votes miscounted"),
}


def _shown_run(run: Run) -> str:
    lines = [
        (
            f"{run.checklist} {run.checklist_version!r} {run.phase} {run.language} {run.sprint} corrects={run.corrects!r} "
            f"note={run.correction_note!r} meeting={run.meeting} votes={run.votes!r}"
        ),
        f"participants={run.participants!r}",
    ]
    lines += [f"{a.item}: {a.value!r} note={a.note!r} action={a.action!r}" for a in run.answers]
    lines += [f"review {r!r}" for r in run.reviews]
    return "".join(f"    {line}\n" for line in lines)


def _reading(text: str, form: Form | None) -> str:
    try:
        if form is None:
            run = loads(text, "x.toml", collect=True)
            return f"read {run.author} {run.started.isoformat()} {run.finished and run.finished.isoformat()}\n" + _shown_run(run)
        filled = read_filled(parse_filled(text.encode("utf-8"), "x.toml"), "x.toml", form)
    except AnswersError as error:
        return str(error) + "\n"
    return "read\n" + _shown_run(filled.run) + "".join(f"    note: {note}\n" for note in filled.notes)


#: The [[answers]] and [[reviews]] tables of the file.
TABLES = TEXT[TEXT.index("[[answers]]") :]
#: Whole keys of forty and forty-one characters: the longer is cut in a problem.
LONG_KEYS = "".join(f"k{n:02}{'x' * 37} = 1\n" for n in range(9)) + "k09" + "x" * 38 + " = 1\n"

#: One change each to the committed file, and what each reading says of it
#: (tests/core/golden/answers-file-errors.en.txt).
CHANGES = [
    ("schema = 1", 'schema = "' + "s" * 59 + '"'),
    ('checklist_version = "test-1"', "checklist_version = 2"),
    ('checklist_version = "test-1"', "checklist_version = 1.5"),
    ('checklist_version = "test-1"', "checklist_version = true"),
    ('checklist_version = "test-1"', "checklist_version = 2026-01-01"),
    ('checklist_version = "test-1"\n', ""),
    ('checklist_version = "test-1"', 'checklist_version = "0.9"'),
    ('checklist = "build"', 'checklist = "Build!"'),
    ('checklist = "build"', "checklist = 3"),
    ('phase = "build"', "phase = 3"),
    ('phase = "build"', 'phase = "review"'),
    ('language = "en"', "language = 3"),
    ('language = "en"', 'language = "de"'),
    ('id = "RUN-ID"', "id = 1"),
    ('author = "Erika Mustermann <erika@example.com>"', "author = 2\ncorrects = 3\ncorrection_note = 4"),
    ('sprint = "2026-W48"', 'sprint = "  2026-W50  "'),
    ('sprint = "2026-W48"', 'sprint = "' + "W" * 60 + '"'),
    ('sprint = "2026-W48"', "sprint = 48"),
    ('sprint = "2026-W48"\n', ""),
    ("participants = [", 'participants = ["Erika", '),
    ('participants = ["Erika Mustermann <erika@example.com>", "Jonas Berg <jonas@example.com>"]', "participants = 3"),
    ("finished = 2026-11-27T10:24:00+01:00", "finished = 0001-01-01T00:00:00+23:59"),
    ("started = 2026-11-27T10:15:00+01:00", "started = 2026-11-27T10:15:00"),
    ("finished = 2026-11-27T10:24:00+01:00", "finished = 2026-11-27T10:24:00"),
    ("schema = 1", 'schema = 1\ncorrects = "20261113T090200Z-build-jonas-8b21d0"\ncorrection_note = "  Typo  "'),
    ("schema = 1", 'schema = 1\ncorrects = "Not an id!"'),
    ("schema = 1", 'schema = 1\ncorrection_note = "Why"'),
    ("schema = 1", "schema = 1\nvotes = []"),
    ("schema = 1", "schema = 1\nmeeting = false"),
    ("schema = 1", 'schema = 2\nmeeting = true\nvotes = [{item = "team-mood", named = [{person = "Ana <a@x.org>", value = 1}]}]'),
    (
        "schema = 1",
        (
            "schema = 2\nmeeting = true\nvotes = [\n  3,\n"
            '  {item = "team-mood", anonymous = [{value = 1, count = 0}, {value = 1, count = 0}, {count = 2}]},\n'
            '  {item = "own-design", anonymous = [{value = "no", count = 2}, {value = "no", count = 1}, {value = "no"}]},\n'
            '  {item = "client-contacted", named = [{person = "Zoe <z@x.org>", status = "red"}, {person = "Max <m@x.org>"}]},\n'
            "]"
        ),
    ),
    ("schema = 1", "schema = 1\n" + LONG_KEYS),
    ("schema = 1", "schema = 1\n" + LONG_KEYS + "k10 = 1\n"),
    ("schema = 1", "schema = 1\nbig = 123456789012345678901234567890"),
    (TABLES, "answers = 3\nreviews = 3\n"),
    (
        TABLES,
        (
            'answers = [1, {item = "Bad!"}, {item = "gone"}, {item = "team-mood", value = 4}, {item = "team-mood", value = 4}]\n'
            "reviews = [2]\n"
        ),
    ),
    ('status = "red"', 'status = "  red  "'),
    ('status = "red"', "status = 1"),
    ('status = "red"', 'value = "x"'),
    ('status = "red"', 'status = "red"\nvalue = ""'),
    ('status = "green"', 'value = ""'),
    ('status = "red"', 'status = "red"\nvalue = "red"'),
    ("value = 4", 'value = "1"'),
    ("value = 4", 'value = "2"'),
    ("value = 4", 'value = " 3 "'),
    ("value = 4", 'value = "4"'),
    ("value = 4", 'value = "5"'),
    ("value = 4", 'value = "6"'),
    ("value = 4", 'status = "green"'),
    ("value = 4", 'value = 4\nnote = "  Tired  "'),
    ("value = 4\n", ""),
    ('value = "yes"', 'value = "  yes  "'),
    ("value = 2026-12-10", 'value = "+7"'),
    ("value = 2026-12-10", 'value = "someday"'),
    ('note = "Only mails"', 'note = "Only mails"\nmood = 1'),
    ('what = "Call"', "what = 3"),
    ('what = "Call"\nowner = "Ana"', 'what = "  Call  "\nowner = "  Ana  "\ncolour = 1'),
    ('what = "Call"\nowner = "Ana"', 'what = "Call"\nowner = "Ana"\ncolour = 1\nhue = 2'),
    ('what = "Call"\nowner = "Ana"\ndue = 2026-12-04', 'what = ""\nowner = ""\ndue = ""'),
    ('what = "Call"\nowner = "Ana"\ndue = 2026-12-04', 'what = ""\nowner = ""\ndue = 2026-12-04'),
    ('what = "Call"\nowner = "Ana"\ndue = 2026-12-04', 'what = ""\nowner = "Ana"'),
    ('what = "Call"\nowner = "Ana"\ndue = 2026-12-04', 'what = "Call"'),
    ('what = "Call"\nowner = "Ana"\ndue = 2026-12-04', 'owner = "Ana"\ndue = 2026-12-04'),
    ('status = "green"', 'status = "green"\n\n[answers.action]\ndue = 2026-12-04'),
    ('status = "green"', 'status = "green"\n\n[answers.action]\nowner = "Ana"'),
    ("due = 2026-12-04", 'due = "+7"\nseparate = true'),
    ("due = 2026-12-04", 'due = "soon"'),
    ("due = 2026-12-04", 'due = ""'),
    ("due = 2026-12-04", "due = 2026-12-04\nseparate = 1"),
    ('[answers.action]\nwhat = "Call"\nowner = "Ana"\ndue = 2026-12-04', 'action = "Call Ana"'),
    ('decision = "done"', 'decision = ""'),
    ('decision = "done"\nnote = "Called"', 'decision = ""\nnote = ""'),
    ('decision = "done"\n', ""),
    ('item = "client-contacted"\ndecision = "done"', 'item = "Bad!"\ndecision = "maybe"'),
    ('note = "Called"', "note = 5"),
    ('run = "20261113T090200Z-build-jonas-8b21d0"', "run = 7"),
    (
        "[[reviews]]",
        '[[reviews]]\nrun = "20261113T090200Z-build-jonas-8b21d0"\nitem = "client-contacted"\ndecision = "open"\n\n[[reviews]]',
    ),
]


def test_every_reading_of_a_changed_file_word_for_word():
    """What each reading makes of one change to the file, or every problem it finds in it."""
    unchanged = {name: _reading(TEXT, form) for name, form in READINGS.items()}
    said = ["The file unchanged\n"] + [f"  {name}: {reading}" for name, reading in unchanged.items()]
    for old, new in CHANGES:
        said.append(f"{'every table' if old == TABLES else repr(old)} -> {new!r}\n")
        old = old.replace("RUN-ID", loads(TEXT).id)  # (random: not in the golden file)
        assert old in TEXT, old
        before = None
        for name, form in READINGS.items():
            reading = _reading(TEXT.replace(old, new, 1), form)
            if reading.startswith("read") and unchanged[name].startswith("read"):
                changed = [line for line in difflib.ndiff(unchanged[name].splitlines(), reading.splitlines()) if line[0] in "+-"]
                reading = "read, changed:\n" + "".join(f"    {line}\n" for line in changed) if changed else "read as unchanged\n"
            said.append(f"  {name}: " + ("as above\n" if reading == before else reading))
            before = reading
    assert_golden("answers-file-errors.en.txt", "".join(said))


def test_a_corrections_note_is_the_files_unless_the_command_line_gives_one():
    text = TEXT.replace("schema = 1", 'schema = 1\ncorrection_note = "  Typo in the mood  "')
    form = _corrected(meeting=False)
    assert read_filled(tomllib.loads(text), "x.toml", form).run.correction_note == "Typo in the mood"
    noted = form._replace(correction_note=" Said on the command line ")
    assert read_filled(tomllib.loads(text), "x.toml", noted).run.correction_note == "Said on the command line"


def test_a_filled_in_file_may_name_the_phase_it_is_committed_for():
    """A project may answer one checklist in several phases: the file names its own."""
    later = Form(CHECKLIST, ERIKA, "handover", started=STARTED)
    for phase in ("handover", "build"):
        filled = read_filled(tomllib.loads(TEXT.replace('phase = "build"', f'phase = "{phase}"')), "x.toml", later)
        assert filled.run.phase == "build"  # (new_run: the checklist's; the session sets the phase)
    with pytest.raises(AnswersError) as refused:
        read_filled(tomllib.loads(TEXT.replace('phase = "build"', 'phase = "review"')), "x.toml", later)
    assert refused.value.problems == [
        (
            "top level: 'phase' is 'review', but phase 'handover' here uses the 'build' checklist (en), so it must be "
            "'build'. Make a new template with `kundencheck answer handover --template`."
        )
    ]


def test_errors_name_the_file_they_were_read_from():
    for read in (lambda: loads("schema = 3"), lambda: read_run({"schema": 3})):
        with pytest.raises(AnswersError) as refused:
            read()
        assert str(refused.value).startswith("<answers>: key 'schema' must be 1 or 2")
        assert refused.value.source == "<answers>"
    with pytest.raises(AnswersError) as first:
        read_run({"schema": 3, "id": 4}, "x.toml")
    assert first.value.problems == ["key 'schema' must be 1 or 2 (found 3). Is this a kundencheck answers file?"]
    assert first.value.source == "x.toml"
    with pytest.raises(AnswersError) as broken:
        parse_filled(b"schema = ", "filled.toml")
    assert str(broken.value).startswith("filled.toml: line 1")


def test_a_whole_number_beyond_toml_in_a_key_a_committed_run_ignores_is_ignored():
    assert loads(TEXT.replace("schema = 1", "schema = 1\nbig = 123456789012345678901234567890")).sprint == "2026-W48"


def test_hints_name_the_sprint_stripped():
    assert hints({"sprint": "  2026-W50 "}) == Hints(None, None, "2026-W50")
    assert hints({"sprint": "  "}) == Hints(None, None, None)


def test_short_texts_read_from_two_files_are_one_object():
    status = "s" * 64
    first, second = (loads(TEXT.replace('status = "green"', f'status = "{status}"')) for _ in range(2))
    assert first.answers[4].value is second.answers[4].value


def test_a_cached_meeting_whose_meeting_flag_no_file_could_hold_is_not_sound():
    run = loads(TEXT)
    run.meeting = 1  # type: ignore[assignment]
    assert not run_is_sound(run)
    run.meeting = True
    assert run_is_sound(run)
    mood = ItemVotes("team-mood", named=(Vote(str(ERIKA), 4),))
    run.votes = (mood,)  # type: ignore[assignment]
    assert not run_is_sound(run)
    run.votes = [mood._replace(named=((str(ERIKA), 4),))]
    assert not run_is_sound(run)
    run.votes = [mood]
    assert run_is_sound(run)
