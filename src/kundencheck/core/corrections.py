"""Corrections: a run that replaces the answers of an earlier run, without rewriting it.

A correction is an answers file of its own with ``corrects = "<run id>"`` and a
``correction_note`` (docs/answers-format.md). Nothing committed is ever changed: the history
views read every file and then let each correction stand for the run it corrects. A correction
of a correction works the same way, so a chain of them resolves to its latest file.

Pure: runs in, the runs as the views see them out (docs/history.md, "Corrections"):

- The **effective run** of a chain has the answers, notes, actions, reviews and participants
  of the latest correction and its id (so `kundencheck amend` of what the views show corrects
  the latest), but stands where the original stood: in the original's sprint and at the
  original's time (``finished``), so a correction made weeks later neither moves the sprint nor
  counts as a new check. Its author stays the original's: the answer is still that person's
  voice in the sprint; who corrected it, when and why is in its :class:`Correction`.
- Actions and reviews that name any run of a chain (an action raised by the original and
  reviewed since) are read as naming the effective run: ``aliases`` maps every id of a chain
  to the effective one.
- A correction whose run is not in the history (a branch not merged yet, a hand edit), that
  names a run of another checklist, or that is part of a loop is a :class:`StrayCorrection`:
  reported, and otherwise read as an ordinary run of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from kundencheck.core.answers import Run

#: Why a correction could not be applied (StrayCorrection.reason).
MISSING = "missing"
OTHER_CHECKLIST = "other-checklist"
LOOP = "loop"


def _when(run: Run) -> dt.datetime:
    return run.finished or run.started


class Correction(NamedTuple):
    """How the run the views show came to differ from the one first committed."""

    #: The id of the latest correction: the effective run's id.
    run: str
    #: The first run of the chain: the one that was committed as the sprint's answers.
    original: str
    #: The run ids from the original to the latest correction, each correcting the one before.
    chain: tuple[str, ...]
    #: Who made the latest correction (``Name <email>``), when it was committed and why.
    author: str
    when: dt.datetime
    note: str
    #: The file of the latest correction (the effective run's answers).
    path: str
    #: The author of the original run: whose answers they are.
    original_author: str = ""
    #: The items whose answer, note or action the chain changed (answered or unanswered since).
    changed: frozenset[str] = frozenset()

    def changes(self, item: str) -> bool:
        """Whether the correction changed the answer to ``item``."""
        return item in self.changed

    @property
    def by_other(self) -> bool:
        """Whether someone other than the original's author made the latest correction."""
        from kundencheck.core.people import person_key

        return person_key(self.author) != person_key(self.original_author)


class StrayCorrection(NamedTuple):
    """A correction that could not be applied; it is read as an ordinary run."""

    run: str
    corrects: str
    #: MISSING, OTHER_CHECKLIST or LOOP.
    reason: str


@dataclass
class Resolved:
    """The runs as the views see them, and what the corrections did to them."""

    #: One run per chain (the effective run), ordinary runs as they are, oldest first.
    runs: list[Run]
    #: effective run id -> its correction.
    corrections: dict[str, Correction] = field(default_factory=dict)
    #: Every id of a chain (the original, earlier corrections) -> the effective run's id.
    aliases: dict[str, str] = field(default_factory=dict)
    strays: list[StrayCorrection] = field(default_factory=list)
    #: Raw run id -> the id of the correction that replaced it directly (several on a fork).
    corrected_by: dict[str, list[str]] = field(default_factory=dict)


def resolve(runs: Iterable[Run]) -> Resolved:
    """Let every correction stand for the run it corrects (see the module doc).

    Two corrections of the same run (made on two clones before either was pulled) both belong
    to its chain; the later one counts, with the corrections made of it.
    """
    ordered = sorted(runs, key=lambda r: (_when(r), r.id))
    by_id = {run.id: run for run in ordered}
    children: dict[str, list[Run]] = {}
    strays: list[StrayCorrection] = []
    for run in ordered:
        if not run.corrects:
            continue
        target = by_id.get(run.corrects)
        if target is None:
            strays.append(StrayCorrection(run.id, run.corrects, MISSING))
        elif target.checklist != run.checklist or target.phase != run.phase:
            strays.append(StrayCorrection(run.id, run.corrects, OTHER_CHECKLIST))
        else:
            children.setdefault(target.id, []).append(run)
    stray_ids = {s.run for s in strays}
    result = Resolved(runs=[], strays=strays, corrected_by={target: [c.id for c in found] for target, found in children.items()})
    placed: set[str] = set()
    for run in ordered:
        is_root = not run.corrects or run.id in stray_ids
        if not is_root:
            continue
        chain = _chain(run, children)
        placed.update(r.id for r in chain)
        if len(chain) == 1:
            result.runs.append(run)
            continue
        path = _path(run, children)
        latest = path[-1]
        effective = replace(latest, author=run.author, sprint=run.sprint, finished=_when(run), corrects="", correction_note="")
        result.runs.append(effective)
        result.corrections[latest.id] = Correction(
            run=latest.id,
            original=run.id,
            chain=tuple(r.id for r in path),
            author=latest.author,
            when=_when(latest),
            note=latest.correction_note,
            path=latest.path,
            original_author=run.author,
            changed=changed_items(run, latest),
        )
        for member in chain:
            if member.id != latest.id:
                result.aliases[member.id] = latest.id
    for run in ordered:  # corrections that only lead back to each other
        if run.id not in placed:
            result.strays.append(StrayCorrection(run.id, run.corrects, LOOP))
            result.runs.append(run)
    result.runs.sort(key=_when)
    return result


def changed_items(before: Run, after: Run) -> frozenset[str]:
    """The items whose answer, note or action differ between two runs."""

    def answers(run: Run) -> dict[str, tuple[Any, ...]]:
        return {a.item: (a.value, a.note.strip(), a.action) for a in run.answers if a.is_answered}

    old, new = answers(before), answers(after)
    return frozenset(item for item in old.keys() | new.keys() if old.get(item) != new.get(item))


def _path(root: Run, children: dict[str, list[Run]]) -> list[Run]:
    """From ``root`` down to the run that stands for it: a correction always after the run it
    corrects (even within the same second); of two corrections of one run, the later one (the
    larger id on a tie, so every clone picks the same)."""
    path = [root]
    while True:
        found = [c for c in children.get(path[-1].id, []) if c.id not in {r.id for r in path}]
        if not found:
            return path
        path.append(max(found, key=lambda r: (_when(r), r.id)))


def _chain(root: Run, children: dict[str, list[Run]]) -> list[Run]:
    """``root`` and every correction that leads back to it, ``root`` first. A tree: each run
    corrects one run, and a root corrects none of the history's (or is a stray), so no run comes
    twice."""
    found: list[Run] = []
    todo = [root]
    while todo:
        run = todo.pop()
        found.append(run)
        todo.extend(children.get(run.id, []))
    return found


# --------------------------------------------------------------------------------- what to amend


class AmendRefusal(NamedTuple):
    """Why a run cannot be corrected; the CLI and the TUI say it in words."""

    #: "not-found", "ambiguous", "corrected", "other-phase", "none-of-mine"
    reason: str
    ref: str = ""
    #: The run ids meant (ambiguous: the candidates; corrected: the latest correction).
    runs: tuple[str, ...] = ()
    #: The phase of the run (or looked in), its current sprint, and a file's other phase.
    phase: str = ""
    sprint: str = ""
    other_phase: str = ""


def latest_of(run_id: str, resolved: Resolved) -> str:
    """The id that stands for ``run_id`` now: itself, or the latest correction of its chain."""
    return resolved.aliases.get(run_id, run_id)


def find_run_to_amend(
    runs: Iterable[Run], ref: str | None, *, phase: str, author_key: str, expected_phase: str | None = None
) -> Run | AmendRefusal:
    """The run ``kundencheck amend [RUN]`` corrects, or why there is none.

    ``ref`` is a run id or a unique beginning of one; without it, the latest run by
    ``author_key`` (:func:`kundencheck.core.people.person_key`) in the current sprint of ``phase`` (the sprint of the
    phase's latest run), as the views show it. A run that a correction replaced already is
    refused with the latest correction of its chain to amend instead. ``expected_phase``: the
    phase of a filled-in file, which must be the run's.
    """
    from kundencheck.core.people import person_key as key_of

    raw = list(runs)
    resolved = resolve(raw)
    if ref is None:
        of_phase = [r for r in resolved.runs if r.phase == phase]
        if not of_phase:
            return AmendRefusal("none-of-mine", phase=phase)
        sprint = of_phase[-1].sprint
        mine = [r for r in of_phase if r.sprint == sprint and key_of(r.author) == author_key]
        if not mine:
            return AmendRefusal("none-of-mine", phase=phase, sprint=sprint)
        chosen_id = mine[-1].id
        target = next(r for r in raw if r.id == chosen_id)
    else:
        ref = ref.strip()
        exact = [r for r in raw if r.id == ref]
        found = exact or ([r for r in raw if r.id.startswith(ref)] if ref else [])
        if not found:
            return AmendRefusal("not-found", ref=ref)
        if len(found) > 1:
            return AmendRefusal("ambiguous", ref=ref, runs=tuple(r.id for r in found))
        target = found[0]
    if target.id in resolved.corrected_by or target.id in resolved.aliases:
        return AmendRefusal(
            "corrected", ref=target.id, runs=(latest_of(target.id, resolved),), phase=target.phase, sprint=target.sprint
        )
    if expected_phase is not None and expected_phase != target.phase:
        return AmendRefusal("other-phase", ref=target.id, phase=target.phase, other_phase=expected_phase)
    return target
