from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kundencheck.core import answers as answers_mod
from kundencheck.core.checklist import load_checklist
from kundencheck.session import RunSession
from kundencheck.tui.app import build_app

DATA = Path(__file__).resolve().parents[1] / "data"
FIXED_START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def offline_app(previous_answers: dict | None = None):
    """The app on the tests' checklist with a fixed run, not connected to any repository:
    deterministic screens for snapshots."""
    checklist = load_checklist(DATA / "sprint.en.toml")
    run = answers_mod.new_run(checklist, "Erika Mustermann <erika@example.com>", "erika@example.com", sprint="2026-W48", started=FIXED_START)
    run.id = "20261127T083000Z-build-erika-000000"  # the random part would change every snapshot
    previous = None
    if previous_answers:
        previous = answers_mod.new_run(checklist, "Erika Mustermann <erika@example.com>", "erika@example.com", sprint="2026-W46", started=FIXED_START - dt.timedelta(days=14))
        previous.answers = [answers_mod.Answer(item=k, value=v[0], note=v[1]) for k, v in previous_answers.items()]
    session = RunSession(None, checklist, run, previous)
    return build_app(lambda _draft: session), session
