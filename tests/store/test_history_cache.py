"""Reading runs through the blob-id cache, on real repositories."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundencheck.core import history
from kundencheck.core.answers import Action, ActionReview, Answer, Run, dumps
from kundencheck.core.answers_file import run_is_sound
from kundencheck.store.git_store import GitStore
from kundencheck.store.history_cache import (
    CACHE_VERSION,
    RunEncoder,
    cache_path,
    load_runs,
    read_cache,
    run_commits,
)
from tests.support.properties import check_loaded

UTC = dt.UTC


def make_run(n: int, *answers: Answer, reviews=()) -> Run:
    started = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + dt.timedelta(days=7 * n)
    return Run(
        id=f"{started:%Y%m%dT%H%M%SZ}-build-ada-{n:06x}",
        checklist="build",
        checklist_version="1.0",
        phase="build",
        language="en",
        sprint=f"S{n}",
        author="Ada Tester <ada@example.com>",
        started=started,
        finished=started + dt.timedelta(minutes=5),
        answers=list(answers),
        reviews=list(reviews),
    )


def commit(store: GitStore, run: Run) -> str:
    return store.commit_file(
        run.path, dumps(run).encode("utf-8"), f"kundencheck(build): run {run.id}\n\nKundencheck-Run: {run.id}\n"
    ).sha


@pytest.fixture
def counted(monkeypatch):
    """Count the answers files the history core parses."""
    calls: list[str] = []
    real = history.loads

    def counting(raw, source="<answers>"):
        calls.append(source)
        return real(raw, source)

    monkeypatch.setattr(history, "loads", counting)
    return calls


@pytest.fixture
def store(repo):
    with GitStore.open(repo) as opened:
        yield opened


RICH = make_run(
    0,
    Answer("contacted", "red", note="Only mails\nsince May", action=Action("Call them", "Ada", dt.date(2026, 3, 9))),
    Answer("mood", 2),
    Answer("review", dt.date(2026, 12, 1)),
    Answer("text", "2026-12-01"),  # text that looks like a date stays text
)


def test_a_warm_run_parses_only_new_files(store, counted):
    commit(store, RICH)
    commit(store, make_run(1, Answer("contacted", "green"), reviews=[ActionReview(RICH.id, "contacted", "done")]))
    cold, errors = load_runs(store)
    assert errors == [] and len(counted) == 2
    assert cache_path(store).is_file() and cache_path(store).parent == store.data_dir / "cache"

    counted.clear()
    read = []
    real_read_blobs = store.read_blobs
    store.read_blobs = lambda oids: read.append(set(oids)) or real_read_blobs(oids)
    warm, _ = load_runs(store)
    assert counted == [] and read == []  # nothing read from git beyond the listing, nothing parsed
    assert warm == cold  # every field survives the cache: dates, text, actions, reviews
    assert warm[0].answer("review").value == dt.date(2026, 12, 1) and warm[0].answer("text").value == "2026-12-01"

    commit(store, make_run(2, Answer("contacted", "amber")))
    newer, _ = load_runs(store)
    assert len(counted) == 1 and counted[0].endswith(make_run(2).id + ".toml") and len(read) == 1 and len(read[0]) == 1
    assert [r.id for r in newer] == [r.id for r in cold] + [make_run(2).id]


def test_a_correction_survives_the_cache(store):
    commit(store, RICH)
    fixed = make_run(1, Answer("contacted", "amber", note="A call after all"))
    fixed.corrects, fixed.correction_note = RICH.id, "The call on Friday was missed"
    commit(store, fixed)
    cold, _ = load_runs(store)
    warm, _ = load_runs(store)
    assert warm == cold and warm[1].corrects == RICH.id and warm[1].correction_note == "The call on Friday was missed"
    assert warm[0].corrects == "" and warm[0].correction_note == ""


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\xffnot json",
        b"[]",
        b'{"version": 2, "strings": [""], "runs": {"abc": {"id": 3}}}',
        b'{"version": 99, "strings": [], "runs": {}}',
        b'{"version": 2, "strings": [1], "runs": {}}',
        b'{"version": 2, "strings": [""], "runs": {"x": [0, 0, 0, 0, 0, 0, 0, "2026-01-01", null, [], [1], []]}}',
        (
            b'{"version": 2, "strings": [""], "runs": {"x": [0, 0, 0, 0, 0, 0, 0, "2026-01-01T10:00:00+01:00", '
            b"null, [], [[0, true, 0, null]], []]}}"
        ),
        (
            b'{"version": 2, "strings": [""], "runs": {"x": [0, 0, 0, 0, 0, 0, 0, "2026-01-01T10:00:00+01:00", '
            b'null, [], [[0, ["5"], 0, null]], []]}}'
        ),
        (
            b'{"version": 2, "strings": [""], "runs": {"x": [0, 0, 0, 0, 0, 0, 0, "2026-01-01T10:00:00+01:00", '
            b"null, [], [[9, 0, 0, null]], []]}}"
        ),
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(store, counted, garbage):
    commit(store, RICH)
    expected, _ = load_runs(store)
    cache_path(store).write_bytes(garbage)
    assert read_cache(cache_path(store)) == {}
    counted.clear()
    again, errors = load_runs(store)
    assert again == expected and errors == [] and len(counted) == 1
    assert json.loads(cache_path(store).read_bytes())["version"] == CACHE_VERSION
    counted.clear()
    load_runs(store)
    assert counted == []


def _with_string(data: dict, text: str) -> int:
    data["strings"].append(text)
    return len(data["strings"]) - 1


#: Changes to a cached run (its JSON entry, see history_cache's format) that make it something no
#: answers file could hold: each must make the whole cache be rebuilt, not believed.
POISON = {
    "run id not a run id": lambda d, e: e.__setitem__(0, _with_string(d, "../../x")),
    "checklist not a safe id": lambda d, e: e.__setitem__(1, _with_string(d, "Build/../x")),
    "phase not a safe id": lambda d, e: e.__setitem__(3, _with_string(d, "con")),
    "empty author": lambda d, e: e.__setitem__(6, _with_string(d, "  ")),
    "naive start": lambda d, e: e.__setitem__(7, "2026-03-02T09:00:00"),
    "start without a time in UTC": lambda d, e: e.__setitem__(7, "0001-01-01T00:00:00+01:00"),
    "end after the calendar in UTC": lambda d, e: e.__setitem__(8, "9999-12-31T23:59:59-01:00"),
    "participant not text": lambda d, e: e.__setitem__(9, [[0]]),
    "item not a safe id": lambda d, e: e[10][0].__setitem__(0, _with_string(d, "../../../etc/passwd")),
    "item answered twice": lambda d, e: e[10].append(list(e[10][0])),
    "value a float": lambda d, e: e[10][1].__setitem__(1, [2.5]),
    "value a truth": lambda d, e: e[10][1].__setitem__(1, [True]),
    "value beyond 64 bits": lambda d, e: e[10][1].__setitem__(1, [2**70]),
    "value of 4,000 digits": lambda d, e: e[10][1].__setitem__(1, [10**4000]),
    "value a date-time": lambda d, e: e[10][1].__setitem__(1, {"d": "2026-12-01T10:00:00"}),
    "value not a date": lambda d, e: e[10][1].__setitem__(1, {"d": "2026-13-01"}),
    "due a number": lambda d, e: e[10][0][3].__setitem__(2, 20261201),
    "action not three fields": lambda d, e: e[10][0].__setitem__(3, [0, 0]),
    "review of no run id": lambda d, e: e[11].append(
        [_with_string(d, "x y"), _with_string(d, "contacted"), _with_string(d, "done"), 0]
    ),
    "review decision unknown": lambda d, e: e[11].append([0, _with_string(d, "contacted"), _with_string(d, "maybe"), 0]),
    "text that is not Unicode": lambda d, e: e.__setitem__(5, _with_string(d, "Sprint \ud800")),
    "nested list where a text index belongs": lambda d, e: e.__setitem__(5, [[[[0]]]]),
    "corrects no run id": lambda d, e: (e.__setitem__(12, _with_string(d, "../x")), e.__setitem__(13, _with_string(d, "why"))),
    "correction note without corrects": lambda d, e: (e.__setitem__(12, 0), e.__setitem__(13, _with_string(d, "why"))),
}


@pytest.mark.parametrize("poison", sorted(POISON))
def test_a_cache_holding_what_no_answers_file_can_hold_is_rebuilt_not_believed(store, counted, poison):
    commit(store, RICH)
    expected, _ = load_runs(store)
    path = cache_path(store)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # the poisoned file may hold a number of 4,000 digits
    try:
        data = json.loads(path.read_bytes())
        (entry,) = data["runs"].values()
        POISON[poison](data, entry)
        path.write_text(json.dumps(data))
    finally:
        sys.set_int_max_str_digits(limit)
    assert read_cache(path) == {}
    counted.clear()
    again, errors = load_runs(store)
    assert again == expected and errors == [] and len(counted) == 1  # parsed again from git
    assert read_cache(path) and json.loads(path.read_bytes())["version"] == CACHE_VERSION


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from(["2026-03-02T09:00:00+01:00", "0001-01-01T00:00:00+01:00", "2026-12-01", 0, 1, -1]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["d", "x"]), inner, max_size=2),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_whatever_a_cache_holds_only_sound_runs_are_believed(tmp_path, data):
    """Any value anywhere in a cached run: the cache is refused, or every run it gives is one an
    answers file could hold, and the history, reports and the cache itself handle it."""
    encoder = RunEncoder()
    entry = encoder.run(make_run(0, *RICH.answers, reviews=[ActionReview(make_run(5).id, "contacted", "open", "x")]))
    cache = {"version": CACHE_VERSION, "strings": encoder.strings, "runs": {"abc": entry}}
    target, where = cache, ["runs", "abc"]
    for step in where:
        target = target[step]
    for _ in range(data.draw(st.integers(1, 3))):
        node = target
        while isinstance(node, list) and node and data.draw(st.booleans()):
            index = data.draw(st.integers(0, len(node) - 1))
            if not isinstance(node[index], list):
                break
            node = node[index]
        if isinstance(node, list) and node:
            node[data.draw(st.integers(0, len(node) - 1))] = data.draw(json_values)
    path = tmp_path / "cache.json"
    path.write_text(json.dumps(cache))
    for run in read_cache(path).values():
        assert run_is_sound(run)
        check_loaded(run)


def test_broken_files_are_reported_not_cached_and_the_cache_forgets_removed_blobs(store, counted, repo):
    commit(store, RICH)
    store.commit_file(".kundencheck/answers/2026/broken.toml", b"schema = 7\n", "a hand edit\n")
    runs, errors = load_runs(store)
    assert [r.id for r in runs] == [RICH.id] and len(errors) == 1 and "broken.toml" in str(errors[0])
    assert len(read_cache(cache_path(store))) == 1
    counted.clear()
    _, errors = load_runs(store)
    assert len(errors) == 1 and len(counted) == 1  # only the broken file is parsed again

    empty = load_runs(store, rev="HEAD~2")  # before any answers
    assert empty == ([], []) and read_cache(cache_path(store)) == {}


def test_an_unwritable_cache_folder_is_not_an_error(store, counted):
    commit(store, RICH)
    store.data_dir.mkdir(parents=True, exist_ok=True)
    (store.data_dir / "cache").write_text("a file where the folder should be")
    runs, errors = load_runs(store)
    assert [r.id for r in runs] == [RICH.id] and errors == []


def test_an_unborn_branch_has_no_runs(unborn):
    with GitStore.open(unborn) as store:
        assert load_runs(store) == ([], [])


def test_run_commits_in_one_log_pass(store):
    sha = commit(store, RICH)
    assert run_commits(store)[RICH.id]["sha"] == sha
