"""What the property tests share (tests/core/test_properties.py, tests/hostile/test_fuzz.py):
a checklist with every kind of item, Hypothesis strategies for runs and for any TOML value, and
what the app does with a run that loads."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys

import pytest
import tomlkit
from hypothesis import HealthCheck
from hypothesis import strategies as st

from kundencheck.core.answers import Action, Answer, Run, dumps, new_run_id, problems_with
from kundencheck.core.checklist import STATUSES
from kundencheck.core.errors import UsageError
from kundencheck.core.history import summarize
from kundencheck.core.message import build_message
from kundencheck.core.report import build_report, render_report, status_json
from kundencheck.core.scoring import tally
from kundencheck.core.text import clean_text
from tests.support.checklists import checklist

# The autouse environment fixture is function-scoped; sharing it across examples is harmless.
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}

#: Every kind of item: two traffic lights, a scale, a choice with an item shown on "yes", a date, a text.
CHECKLIST = checklist(
    {
        "id": "light",
        "question": "Q1?",
        "why": "w",
        "kind": "traffic-light",
        "note_when": ["amber", "red"],
        "action_when": ["red"],
    },
    {"id": "light-2", "question": "Q2?", "why": "w", "kind": "traffic-light", "note_when": ["red"]},
    {"id": "mood", "question": "Q3?", "why": "w", "kind": "scale", "low": "l", "high": "h", "action_when": [1]},
    {
        "id": "design",
        "question": "Q4?",
        "why": "w",
        "kind": "choice",
        "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
    },
    {
        "id": "deviations",
        "question": "Q5?",
        "why": "w",
        "kind": "traffic-light",
        "when": {"item": "design", "equals": "yes"},
    },
    {"id": "review", "question": "Q6?", "why": "w", "kind": "date", "required": False},
    {"id": "text", "question": "Q7?", "why": "w", "kind": "text"},
)

# ------------------------------------------------------------------------- strategies

dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
# Every moment with a time in UTC: a day from either end of the calendar, any offset.
moments = st.builds(
    lambda d, tz: d.replace(microsecond=0, tzinfo=tz),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30, 23, 59, 59)),  # noqa: DTZ001 - hypothesis wants naive bounds
    offsets,
)
# Every date-time TOML allows, also those without a time in UTC (0001-01-01T00:00:00+01:00).
any_moments = st.builds(lambda d, tz: d.replace(tzinfo=tz), st.datetimes(), offsets)
nonblank = st.text(min_size=1).filter(lambda s: clean_text(s).strip())

VALUES = {
    "light": st.sampled_from(STATUSES),
    "light-2": st.sampled_from(STATUSES),
    "mood": st.integers(1, 5),
    "design": st.sampled_from(["yes", "no"]),
    "deviations": st.sampled_from(STATUSES),
    "review": dates,
    "text": st.text(min_size=1),
}

actions = st.builds(Action, what=st.text(), owner=st.text(), due=st.none() | dates)


@st.composite
def runs(draw) -> Run:
    answers = []
    for item_id, values in VALUES.items():
        if draw(st.booleans()):
            answers.append(Answer(item_id, draw(values), note=draw(st.text()), action=draw(st.none() | actions)))
    started = draw(moments)
    return Run(
        id=new_run_id(started, "build", draw(st.text())),
        checklist="build",
        checklist_version=draw(st.sampled_from(["1.0", "2", "2026.1-beta"])),
        phase="build",
        language=draw(st.sampled_from(["de", "en"])),
        sprint=draw(nonblank),
        author=draw(nonblank),
        started=started,
        finished=draw(st.none() | moments),
        answers=answers,
        participants=draw(st.lists(st.text(), max_size=4)),
    )


def expected_after_round_trip(run: Run) -> Run:
    """What dumps() keeps: people's text cleaned of control characters."""
    answers = []
    for a in run.answers:
        what = clean_text(a.action.what).strip() if a.action else ""
        action = Action(what, clean_text(a.action.owner).strip(), a.action.due) if what else None
        answers.append(Answer(a.item, a.value, note=clean_text(a.note).strip(), action=action))
    return Run(
        id=run.id,
        checklist=run.checklist,
        checklist_version=run.checklist_version,
        phase=run.phase,
        language=run.language,
        sprint=clean_text(run.sprint),
        author=clean_text(run.author),
        started=run.started,
        finished=run.finished,
        answers=answers,
        participants=[clean_text(p) for p in run.participants],
    )


#: Whole numbers beyond 64 bits, which TOML does not allow but Python's reader reads: one of
#: 5,000 digits cannot even be turned back into text.
#: (Made by a function: hypothesis shows the choices of sampled_from, and such a number has no text.)
huge_integers = st.sampled_from([(2, 63), (-2, 63), (10, 5000), (-10, 5000), (16, 400)]).map(
    lambda b: b[0] ** b[1] + (b[0] < 0)
) | st.integers(min_value=2**63)

toml_scalars = (
    st.text(max_size=20)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | huge_integers
    | st.floats()
    | st.sampled_from([float("inf"), float("-inf"), float("nan")])
    | st.booleans()
    | dates
    | st.sampled_from([dt.date.min, dt.date.max])
    | any_moments
    | st.sampled_from(
        [
            dt.datetime.max.replace(tzinfo=dt.timezone(-dt.timedelta(hours=23, minutes=59))),
            dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=23, minutes=59))),
        ]
    )
    | st.datetimes()
    | st.times()
)


def toml_text(data) -> str:
    """``data`` as a TOML document, also holding integers of thousands of digits (which
    Python would otherwise refuse to turn into text for tomlkit)."""
    with any_int_digits():
        return tomlkit.dumps(data)


@contextlib.contextmanager
def any_int_digits():
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(limit)


toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def check_loaded(run: Run) -> None:
    """A run that loads can go through everything the app does with it without crashing:
    checks, the commit message, the history model as of any day, status, reports, the cache."""
    from kundencheck.store.history_cache import RunDecoder, RunEncoder

    assert isinstance(run, Run)
    problems_with(run, CHECKLIST)
    tally(run, CHECKLIST)
    build_message(run, CHECKLIST)
    dumps(run, CHECKLIST)
    _ = run.path
    for today in (dt.date(2026, 12, 1), dt.date.min, dt.date.max, run.started.date()):
        summary = summarize([run], today=today, cadence_days=366, checklists={"build": CHECKLIST})
        status_json(summary, [])
        if not summary.runs:  # dated more than a day after that day: left out, nothing to report
            assert summary.future_runs
            with pytest.raises(UsageError, match="dated more than a day after today"):
                build_report(summary)
            continue
        for fmt in ("md", "json", "html"):
            render_report(build_report(summary), fmt)
    encoder = RunEncoder()
    entry = encoder.run(run)
    assert RunDecoder(encoder.strings).run(entry) == run


def config_text() -> str:
    from kundencheck.cli.setup import new_document
    from kundencheck.core.checklist import KNOWN_PHASES

    values = {
        "project": "Shop",
        "client": "Kunde",
        "language": "en",
        "phase": "build",
        "cadence_days": 14,
        "branch": "kundencheck",
        "commit_msg_hook": True,
        "push": False,
    }
    return tomlkit.dumps(new_document(values, list(KNOWN_PHASES)))
