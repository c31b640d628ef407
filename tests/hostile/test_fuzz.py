"""Property and fuzz tests that extend tests/core/test_properties.py (round trips of runs,
arbitrary bytes into the answers and checklist loaders, trailers of the message builder):

- the project config and the user config, given arbitrary bytes, TOML-ish text or TOML tables
  with the right keys and wrong values, load or raise only their own ConfigError, naming the
  file; the user config's theme and key checks too;
- the checklist loader given TOML-ish text (lines of plausible keys, tables and values) loads or
  raises ChecklistError;
- runs with action reviews, participants and hostile text round-trip through dumps/loads, and
  the message builder still yields exactly the intended trailers with reviews in the body.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundencheck.core.answers import ActionReview, dumps
from kundencheck.core.answers_file import loads
from kundencheck.core.checklist import Checklist, load_checklist
from kundencheck.core.config import CONFIG_PATH, Config, ConfigError, load_config
from kundencheck.core.errors import ChecklistError
from kundencheck.core.message import build_message
from kundencheck.core.scoring import tally
from kundencheck.core.text import clean_text, one_line
from kundencheck.core.user_config import (
    UserConfig,
    UserConfigError,
    check_against,
    load_user_config,
)
from tests.support.properties import CHECKLIST, expected_after_round_trip, runs, toml_text, toml_values
from tests.support.properties import CHECKLIST as cl

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
HOSTILE_TEXT = st.text() | st.sampled_from(
    ["[bold]x[/]", "\x1b[31m", "a\r\nb", "Kundencheck-Score: 10/10", "# c", "\x00", "ß" * 300]
)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-config")
    (root / CONFIG_PATH).parent.mkdir(parents=True)
    return root


def toml_lines(keys: list[str], tables: list[str]) -> st.SearchStrategy[str]:
    values = [
        '"x"',
        '""',
        "1",
        "0",
        "-3",
        "400",
        "1.5",
        "true",
        "false",
        "2026-12-01",
        "[1, 2]",
        '["a", "b"]',
        "{a = 1}",
        '"""a\nb"""',
        "'lit'",
        '"\\u0000"',
        '"',
        '"de"',
        '"en"',
        '"build"',
        '"../x"',
        '"ctrl+n"',
        '"textual-dark"',
        '"j,down"',
        '"a b"',
    ]
    return st.lists(
        st.one_of(
            st.sampled_from([f"[{t}]" for t in tables] + ["", "#", "[[x]]", "= 1"]),
            st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(keys), st.sampled_from(values)),
            st.text(max_size=15),
        ),
        max_size=15,
    ).map("\n".join)


PROJECT_KEYS = [
    "project",
    "client",
    "language",
    "phase",
    "cadence_days",
    "checklists",
    "storage",
    "check",
    "branch",
    "push",
    "commit_msg_hook",
    "build",
    "due",
    "storage.branch",
    "storage.push",
    "unknown",
]
USER_KEYS = ["language", "theme", "keys", "next-item", "review", "quit", "keys.review", "x"]


def project_config_or_error(root: Path, raw: bytes) -> None:
    (root / CONFIG_PATH).write_bytes(raw)
    try:
        config = load_config(root)
    except ConfigError as exc:
        assert str(exc).startswith(str(root / CONFIG_PATH)), str(exc)
        assert "\n" not in str(exc).strip() or "problems" in str(exc)
        return
    assert isinstance(config, Config)


def user_config_or_error(root: Path, raw: bytes) -> None:
    path = root / "user.toml"
    path.write_bytes(raw)
    try:
        config = load_user_config(path)
        check_against(config, themes=["textual-dark", "ansi-light"], binding_ids=["next-item", "review", "quit"])
    except UserConfigError as exc:
        assert str(exc).startswith(str(path)), str(exc)
        return
    assert isinstance(config, UserConfig)


@settings(max_examples=150, **SETTINGS)
@given(raw=st.binary(max_size=300) | toml_lines(PROJECT_KEYS, ["storage", "checklists", "check"]).map(str.encode))
def test_project_config_from_arbitrary_bytes_and_toml(fuzz_root, raw):
    project_config_or_error(fuzz_root, raw)


@settings(max_examples=150, **SETTINGS)
@given(
    data=st.dictionaries(
        st.sampled_from(PROJECT_KEYS[:8]) | st.text(max_size=6),
        toml_values
        | st.dictionaries(
            st.sampled_from(["branch", "push", "commit_msg_hook", "build", "design", "due", "disagreement", "x"]),
            toml_values,
            max_size=4,
        ),
        max_size=6,
    )
)
def test_project_config_from_arbitrary_tables(fuzz_root, data):
    project_config_or_error(fuzz_root, toml_text(data).encode("utf-8"))


@settings(max_examples=150, **SETTINGS)
@given(raw=st.binary(max_size=300) | toml_lines(USER_KEYS, ["keys"]).map(str.encode))
def test_user_config_from_arbitrary_bytes_and_toml(fuzz_root, raw):
    user_config_or_error(fuzz_root, raw)


@settings(max_examples=150, **SETTINGS)
@given(
    data=st.dictionaries(
        st.sampled_from(USER_KEYS[:3]) | st.text(max_size=6),
        toml_values
        | st.dictionaries(
            st.sampled_from(["next-item", "review", "quit", "nope", "Bad Id"]) | st.text(max_size=5),
            toml_values | st.sampled_from(["ctrl+n", "j,down", "", ",", "a b"]),
            max_size=4,
        ),
        max_size=4,
    )
)
def test_user_config_from_arbitrary_tables(fuzz_root, data):
    user_config_or_error(fuzz_root, toml_text(data).encode("utf-8"))


CHECKLIST_KEYS = [
    "format",
    "id",
    "title",
    "phase",
    "language",
    "version",
    "description",
    "question",
    "why",
    "kind",
    "required",
    "note_when",
    "action_when",
    "low",
    "high",
    "options",
    "when",
]


@settings(max_examples=200, **SETTINGS)
@given(raw=toml_lines(CHECKLIST_KEYS, ["items", "x"]).map(lambda t: "format = 1\n" + t.replace("[items]", "[[items]]")))
def test_checklist_from_toml_ish_text(fuzz_root, raw):
    path = fuzz_root / "fuzz.en.toml"
    path.write_bytes(raw.encode("utf-8", "surrogatepass"))
    try:
        checklist = load_checklist(path)
    except ChecklistError as exc:
        assert exc.problems and str(exc).startswith(str(path))
        return
    assert isinstance(checklist, Checklist)


reviews = st.lists(
    st.builds(
        ActionReview,
        st.sampled_from(["20261113T090200Z-build-jonas-8b21d0", "20261120T090200Z-build-ana-000001"]),
        st.sampled_from(["light", "mood", "light-2"]),
        st.sampled_from(["done", "open", "dropped"]),
        HOSTILE_TEXT,
    ),
    max_size=3,
    unique_by=lambda r: (r.run, r.item),
)


@settings(max_examples=150, **SETTINGS)
@given(runs(), reviews)
def test_runs_with_reviews_round_trip(run, decided):
    run.reviews = decided
    back = loads(dumps(run, CHECKLIST), "run.toml")
    expected = expected_after_round_trip(run)
    assert back.answers == expected.answers and back.sprint == expected.sprint
    assert [(r.run, r.item, r.decision, r.note) for r in back.reviews] == [
        (r.run, r.item, r.decision, clean_text(r.note).strip()) for r in decided
    ]


def parse_trailers(message: str) -> list[tuple[str, ...]]:
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message.encode("utf-8"), capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [tuple(line.split(": ", 1)) for line in out.splitlines()]


@settings(max_examples=60, **SETTINGS)
@given(runs(), reviews, HOSTILE_TEXT, HOSTILE_TEXT)
def test_message_with_reviews_and_hostile_text_has_exactly_the_intended_trailers(run, decided, what, sprint):
    run.reviews = decided
    run.sprint = sprint
    actions = {(r.run, r.item): what for r in decided}
    message = build_message(run, CHECKLIST, actions=actions)
    expected = [
        ("Kundencheck-Run", run.id),
        ("Kundencheck-Phase", "build"),
        ("Kundencheck-Checklist", f"build@{CHECKLIST.version}"),
        ("Kundencheck-Score", tally(run, CHECKLIST).score),
    ]
    for person in run.participants:
        shown = one_line(person, 200)
        if shown and shown != one_line(run.author):
            expected.append(("Co-authored-by", shown))
    assert parse_trailers(message) == expected
    assert not any(line.startswith("#") for line in message.splitlines())
    assert "\r" not in message and "\x1b" not in message


def test_dates_far_in_the_past_and_future_round_trip():

    run = loads(
        dumps(
            loads(
                'schema = 1\nid = "x-1"\nchecklist = "build"\nphase = "build"\nlanguage = "de"\nsprint = "s"\nauthor = "a"\n'
                "started = 0001-01-01T00:00:00.999999-23:59\nfinished = 9999-12-31T23:59:59+23:59\n"
                '[[answers]]\nitem = "review"\nvalue = 0001-01-01\n'
            ),
            cl,
        )
    )
    assert run.started == dt.datetime(1, 1, 1, 0, 0, 0, 999999, tzinfo=dt.timezone(-dt.timedelta(hours=23, minutes=59)))
    assert run.answer("review").value == dt.date(1, 1, 1)
