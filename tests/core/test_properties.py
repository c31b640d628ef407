"""Property tests: round trips, and that bad input only ever raises the project's own errors."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from kundencheck.core.answers import (
    ActionReview,
    dumps,
)
from kundencheck.core.answers_file import loads
from kundencheck.core.checklist import (
    STATUSES,
    Checklist,
    checklist_from_bytes,
    checklist_from_dict,
    load_checklist,
)
from kundencheck.core.config import ConfigError, load_config
from kundencheck.core.errors import AnswersError, ChecklistError
from kundencheck.core.message import build_message
from kundencheck.core.people import person_key
from kundencheck.core.scoring import tally
from kundencheck.core.text import one_line
from kundencheck.core.user_config import UserConfigError, load_user_config
from tests.support.properties import (
    CHECKLIST,
    SETTINGS,
    VALUES,
    check_loaded,
    config_text,
    expected_after_round_trip,
    moments,
    nonblank,
    runs,
    toml_scalars,
    toml_text,
    toml_values,
)
from tests.support.values import LITERALS, key_paths, path_name, with_value

# ------------------------------------------------------------------------- round trip


@settings(max_examples=200, **SETTINGS)
@given(runs())
def test_any_valid_run_round_trips(run):
    text = dumps(run, CHECKLIST)
    back = loads(text, "run.toml")
    assert back == expected_after_round_trip(run)
    # Also through bytes, as read from git.
    assert loads(text.encode("utf-8")) == back


@settings(max_examples=100, **SETTINGS)
@given(runs())
def test_dumps_without_checklist_round_trips_values(run):
    back = loads(dumps(run))
    assert [(a.item, a.value) for a in back.answers] == [(a.item, a.value) for a in run.answers]


# ------------------------------------------------------------------------- loads never crashes

ANSWER_KEYS = ["item", "status", "value", "note", "action"]
ACTION_KEYS = ["what", "owner", "due"]
RUN_KEYS = [
    "schema",
    "id",
    "checklist",
    "checklist_version",
    "phase",
    "language",
    "sprint",
    "author",
    "participants",
    "started",
    "finished",
    "answers",
]


def plausible(keys: list[str], values) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), values, max_size=len(keys) + 1)


answer_values = st.one_of(
    toml_values,
    st.lists(toml_scalars, max_size=2),
    st.floats(allow_nan=False),
    st.sampled_from([*VALUES, "Bad Id", ""]),
    st.sampled_from(STATUSES),
    st.integers(-1, 7),
    plausible(ACTION_KEYS, toml_scalars),
)
run_like = st.fixed_dictionaries(
    {"schema": st.sampled_from([1, 1, 1, 2, "1", True])},
    optional={
        "id": st.sampled_from(["20261127T091500Z-build-e-3f9a1c", "../x", "a" * 81]) | st.text(max_size=10),
        "checklist": st.sampled_from(["build", "Build"]) | toml_scalars,
        "checklist_version": toml_values,
        "phase": st.sampled_from(["build", "x/y"]),
        "language": st.sampled_from(["en", ""]) | toml_scalars,
        "sprint": nonblank | toml_scalars,
        "author": nonblank | toml_scalars,
        "participants": st.lists(st.text(max_size=5), max_size=3) | toml_values,
        "started": moments | toml_scalars,
        "finished": moments | toml_scalars,
        "answers": st.lists(plausible(ANSWER_KEYS, answer_values) | toml_scalars, max_size=5) | toml_values,
    },
)


@st.composite
def mutated_runs(draw) -> dict:
    """A valid answers document with a few keys replaced by random values or removed."""
    data = tomllib.loads(dumps(draw(runs()), CHECKLIST))
    for _ in range(draw(st.integers(0, 3))):
        answers = data.get("answers")
        if isinstance(answers, list) and answers and isinstance(answers[0], dict) and draw(st.booleans()):
            target = draw(st.sampled_from(answers))
            if isinstance(target, dict) and isinstance(target.get("action"), dict) and draw(st.booleans()):
                target = target["action"]
                key = draw(st.sampled_from(ACTION_KEYS))
            else:
                key = draw(st.sampled_from(ANSWER_KEYS + ["status", "value"] * 3))
        else:
            target, key = data, draw(st.sampled_from(RUN_KEYS))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(answer_values)
    return data


def loads_or_answers_error(raw) -> None:
    try:
        run = loads(raw, "fuzz.toml")
    except AnswersError as exc:
        assert str(exc).startswith("fuzz.toml")
        return
    check_loaded(run)


@settings(max_examples=200, **SETTINGS)
@given(st.binary(max_size=400))
def test_loads_arbitrary_bytes(raw):
    loads_or_answers_error(raw)


@settings(max_examples=200, **SETTINGS)
@given(st.text(max_size=400))
def test_loads_arbitrary_text(raw):
    loads_or_answers_error(raw)


toml_ish_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "[[answers]]",
                "[answers.action]",
                "[x]",
                "",
                "#",
                "schema = 1",
                'item = "light"',
                'item = "mood"',
                'status = "red"',
                "value = 3",
            ]
        ),
        st.builds(
            lambda k, v: f"{k} = {v}",
            st.sampled_from(RUN_KEYS + ANSWER_KEYS + ACTION_KEYS),
            st.sampled_from(
                [
                    '"x"',
                    "1",
                    "1.5",
                    "true",
                    "2026-12-01",
                    "2026-11-27T10:15:00+01:00",
                    "10:15:00",
                    "[1, 2]",
                    "{a = 1}",
                    '"""a\nb"""',
                    "'lit'",
                    '"\\u0000"',
                    '"',
                ]
            ),
        ),
        st.text(max_size=20),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=200, **SETTINGS)
@given(toml_ish_lines)
def test_loads_toml_ish_text(raw):
    loads_or_answers_error(raw)


@settings(max_examples=200, **SETTINGS)
@given(run_like | mutated_runs())
def test_loads_documents_with_the_right_keys_and_wrong_values(data):
    loads_or_answers_error(toml_text(data))


# ------------------------------------------------------------------------- any value in any key

#: What a value in a file can be: the hostile literals (tests/support/values.py), or a value
#: drawn here and written as TOML.
literals = st.sampled_from(sorted(LITERALS.values())) | toml_scalars.map(lambda v: toml_text({"v": v})[4:].strip())


@st.composite
def answers_with_any_value(draw) -> str:
    """A valid answers file (with a review) with one key, at any depth, set to any value."""
    run = draw(runs())
    run.reviews = [
        ActionReview("20261101T090000Z-build-ana-0a0b0c", "light", draw(st.sampled_from(["done", "open", "dropped"])), "why")
    ]
    if draw(st.booleans()):  # a correction, so its keys get any value too
        run.corrects, run.correction_note = "20261101T090000Z-build-ana-0a0b0c", "a typo"
    text = dumps(run, CHECKLIST)
    path = draw(st.sampled_from(key_paths(tomllib.loads(text))))
    return with_value(text, path, draw(literals))


@settings(max_examples=300, **SETTINGS)
@given(answers_with_any_value())
def test_any_toml_value_in_any_key_of_an_answers_file(raw):
    loads_or_answers_error(raw)


def assert_every_problem_has_a_line(message: str, problems: list[str]) -> None:
    for problem in problems:
        assert re.match(r"line \d+[,:]", problem), (problem, message)


def valid_checklist_text() -> str:
    return tomlkit.dumps(
        {
            "format": 1,
            "id": "build",
            "title": "t",
            "phase": "build",
            "language": "en",
            "version": "1.0",
            "description": "d",
            "items": VALID_ITEMS,
        }
    )


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_any_toml_value_in_any_key_of_a_checklist_names_file_line_and_key(data):
    text = valid_checklist_text()
    path = data.draw(st.sampled_from(key_paths(tomllib.loads(text))), label="key")
    raw = with_value(text, path, data.draw(literals, label="value")).encode("utf-8")
    try:
        checklist = checklist_from_bytes(raw, "fuzz.en.toml")
    except ChecklistError as exc:
        assert str(exc).startswith("fuzz.en.toml: ")
        assert_every_problem_has_a_line(str(exc), exc.problems)
        # The key named is the one set, or the table holding it (a condition, an option); an
        # item's id set to another valid id leaves a later condition pointing at no item.
        keys = [step for step in path if isinstance(step, str)] + (["when"] if path[-1] == "id" else [])
        assert any(key in problem for key in keys for problem in exc.problems), (path, str(exc))
        return
    assert isinstance(checklist, Checklist)
    checklist.visible_items({})


@settings(max_examples=300, **SETTINGS)
@given(data=st.data())
def test_any_toml_value_in_any_key_of_the_project_config_names_file_line_and_key(fuzz_dir, data):
    text = config_text()
    path = data.draw(st.sampled_from(key_paths(tomllib.loads(text))), label="key")
    (fuzz_dir / ".kundencheck").mkdir(exist_ok=True)
    config = fuzz_dir / ".kundencheck" / "config.toml"
    config.write_text(with_value(text, path, data.draw(literals, label="value")), encoding="utf-8")
    try:
        load_config(fuzz_dir)
    except ConfigError as exc:
        message = str(exc)
        assert re.match(re.escape(str(config)) + r"[:,] line \d+", message), message
        assert repr(path[-1]) in message or path_name(path) in message or "key " in message, (path, message)


@settings(max_examples=200, **SETTINGS)
@given(data=st.data())
def test_any_toml_value_in_any_key_of_the_user_config_names_file_line_and_key(fuzz_dir, data):
    text = 'language = "de"\ntheme = "ansi-light"\n[keys]\nnext-item = "ctrl+n"\nquit = "q,ctrl+q"\n'
    path = data.draw(st.sampled_from(key_paths(tomllib.loads(text))), label="key")
    config = fuzz_dir / "user-config.toml"
    config.write_text(with_value(text, path, data.draw(literals, label="value")), encoding="utf-8")
    try:
        load_user_config(config)
    except UserConfigError as exc:
        assert re.match(re.escape(str(config)) + r"[:,] line \d+", str(exc)), str(exc)


# ------------------------------------------------------------------------- checklists never crash

ITEM_KEYS = ["id", "question", "why", "kind", "required", "note_when", "action_when", "low", "high", "options", "when"]
TOP_KEYS = ["format", "id", "title", "phase", "language", "version", "description", "items"]
item_values = st.one_of(
    toml_values,
    st.sampled_from(["traffic-light", "scale", "text", "date", "choice", "a", "b", "con", "A", "green", "red"]),
    st.lists(st.sampled_from(["green", "red", 1, 6, True, "yes", "x"]), max_size=3),
    st.lists(st.fixed_dictionaries({"id": st.sampled_from(["yes", "no", "Yes"]), "label": st.text(max_size=4)}), max_size=3),
    st.fixed_dictionaries(
        {"item": st.sampled_from(["a", "b", "c", 1]), "equals": st.sampled_from(["green", 1, [], ["yes", 9], "x"])}
    ),
)
item_like = st.dictionaries(st.sampled_from(ITEM_KEYS) | st.text(max_size=5), item_values, max_size=12)
checklist_like = st.dictionaries(
    st.sampled_from(TOP_KEYS) | st.text(max_size=5),
    st.one_of(toml_values, st.sampled_from([1, "build", "en", "1.0"]), st.lists(item_like | toml_scalars, max_size=4)),
    max_size=10,
)


VALID_ITEMS = [
    dict(i)
    for i in tomllib.loads(
        tomlkit.dumps(
            {
                "items": [
                    {
                        "id": "a",
                        "question": "Q?",
                        "why": "w",
                        "kind": "traffic-light",
                        "note_when": ["red"],
                        "action_when": ["red"],
                    },
                    {"id": "b", "question": "Q?", "why": "w", "kind": "scale", "low": "l", "high": "h", "note_when": [1]},
                    {
                        "id": "c",
                        "question": "Q?",
                        "why": "w",
                        "kind": "choice",
                        "options": [{"id": "yes", "label": "Y"}, {"id": "no", "label": "N"}],
                        "when": {"item": "a", "equals": ["green"]},
                    },
                    {
                        "id": "d",
                        "question": "Q?",
                        "why": "w",
                        "kind": "text",
                        "required": False,
                        "when": {"item": "c", "equals": "yes"},
                    },
                    {"id": "e", "question": "Q?", "why": "w", "kind": "date", "when": {"item": "b", "equals": [4, 5]}},
                ]
            }
        )
    )["items"]
]


@st.composite
def mutated_checklists(draw) -> dict:
    """A valid checklist with a few keys replaced by random values or removed."""
    data: dict[str, Any] = {
        "format": 1,
        "id": "build",
        "title": "t",
        "phase": "build",
        "language": "en",
        "version": "1.0",
        "items": [dict(i) for i in VALID_ITEMS],
    }
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            target, key = draw(st.sampled_from(data["items"])), draw(st.sampled_from(ITEM_KEYS))
        else:
            target, key = data, draw(st.sampled_from(TOP_KEYS[:-1]))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(item_values)
    return data


def checklist_or_error(call) -> None:
    try:
        result = call()
    except ChecklistError as exc:
        assert exc.problems and all(isinstance(p, str) for p in exc.problems)
        return
    assert isinstance(result, Checklist)
    result.visible_items({})


@settings(max_examples=200, **SETTINGS)
@given(checklist_like | mutated_checklists())
def test_checklist_from_arbitrary_dicts(data):
    checklist_or_error(lambda: checklist_from_dict(data, "fuzz.toml"))


@settings(max_examples=200, **SETTINGS)
@given(st.dictionaries(st.text(max_size=8), toml_values, max_size=6))
def test_checklist_from_arbitrary_toml_tables(data):
    checklist_or_error(lambda: checklist_from_dict(data, "fuzz.toml"))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=200, **SETTINGS)
@given(raw=st.binary(max_size=400) | (checklist_like | mutated_checklists()).map(lambda d: toml_text(d).encode("utf-8")))
def test_load_checklist_from_arbitrary_bytes(fuzz_dir, raw):
    path = fuzz_dir / "fuzz.en.toml"
    path.write_bytes(raw)
    checklist_or_error(lambda: load_checklist(path))


def test_checklist_from_non_string_keys_and_values():
    # Not reachable from TOML, but from code: still only ChecklistError.
    for data in [{}, {"items": [{}]}, {"items": [{"id": "a", "kind": ["x"]}]}, {"format": None, "items": [None, 1, []]}]:
        checklist_or_error(lambda data=data: checklist_from_dict(data))


# ------------------------------------------------------------------------- trailers


def parse_trailers(message: str) -> list[tuple[str, ...]]:
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message.encode("utf-8"), capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [tuple(line.split(": ", 1)) for line in out.splitlines()]


@settings(max_examples=50, **SETTINGS)
@given(runs(), st.text(), st.text())
def test_build_message_trailers_are_exactly_the_intended_ones(run, sprint, author):
    run.sprint, run.author = sprint, author
    message = build_message(run, CHECKLIST)
    expected = [
        ("Kundencheck-Run", run.id),
        ("Kundencheck-Phase", "build"),
        ("Kundencheck-Checklist", f"build@{CHECKLIST.version}"),
        ("Kundencheck-Score", tally(run, CHECKLIST).score),
    ]
    for person in run.participants:
        shown = one_line(person, 200)
        if shown and person_key(shown) != person_key(one_line(author)):  # the same person twice: once
            expected.append(("Co-authored-by", shown))
    assert parse_trailers(message) == expected
    assert not any(line.startswith("#") for line in message.splitlines())
    assert message.split("\n", 1)[0].startswith("kundencheck(build): ")
