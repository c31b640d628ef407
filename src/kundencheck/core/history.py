"""Past runs, as read from the repository: parsing many answers files, and finding the last
run of a checklist so the TUI can show what was answered last time."""

from __future__ import annotations

from typing import Iterable, Mapping

from kundencheck.core.answers import Run, loads
from kundencheck.core.errors import AnswersError


def parse_runs(files: Mapping[str, tuple[str, bytes]]) -> tuple[list[Run], list[AnswersError]]:
    """Parse answers files (path -> (blob id, content)); broken ones are returned, not raised,
    so one hand-edited file cannot hide the rest of the history."""
    runs: list[Run] = []
    errors: list[AnswersError] = []
    for path, (_blob, content) in sorted(files.items()):
        try:
            runs.append(loads(content, path))
        except AnswersError as exc:
            errors.append(exc)
    runs.sort(key=_when)
    return runs, errors


def _when(run: Run):
    return run.finished or run.started


def latest_run(runs: Iterable[Run], checklist_id: str) -> Run | None:
    """The most recently finished run of ``checklist_id``."""
    latest: Run | None = None
    for run in runs:
        if run.checklist == checklist_id and (latest is None or _when(run) >= _when(latest)):
            latest = run
    return latest
