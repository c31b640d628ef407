"""The tests' checklists, made from a few items they share: each test module says which items
its checklist has and what it adds to them (when an item asks for a note or an action, its
bands, a condition), and gets the file's text or the loaded checklist.

    checklist(item("contacted", note_when=["amber", "red"]), "mood", "design")

The tests that need a whole checklist file with every kind of item use tests/data/sprint.en.toml
(the ``project_repo`` fixture commits it); the shipped checklists are for the tests of the
shipped checklists.
"""

from __future__ import annotations

from typing import Any

import tomlkit

from kundencheck.core.checklist import Checklist, checklist_from_dict

#: What a checklist file starts with, unless a test says otherwise.
HEADER: dict[str, Any] = {
    "format": 1,
    "id": "build",
    "title": "Sprint start",
    "phase": "build",
    "language": "en",
    "version": "1.0",
}

YES_NO = [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]

#: The items the tests' checklists share, by id: a question, why it is asked, and its kind (with
#: the scale's ends and the choice's options).
ITEMS: dict[str, dict[str, Any]] = {
    "contacted": {"question": "Did we speak with the client?", "why": "Silence breeds surprises.", "kind": "traffic-light"},
    "expectations": {
        "question": "Do the expectations still match?",
        "why": "Drifting expectations turn into disputes.",
        "kind": "traffic-light",
    },
    "alternatives": {
        "question": "Did we offer alternatives?",
        "why": "A deviation without an alternative leaves the client one move.",
        "kind": "traffic-light",
    },
    "deviations": {
        "question": "Have we announced the deviations?",
        "why": "Surprises look like carelessness.",
        "kind": "traffic-light",
    },
    "mood": {
        "question": "How is the team's mood?",
        "why": "Moods colour everything.",
        "kind": "scale",
        "low": "bad",
        "high": "good",
    },
    "trust": {
        "question": "How much do we trust the client's decisions?",
        "why": "Distrust hardens positions.",
        "kind": "scale",
        "low": "not at all",
        "high": "fully",
    },
    "energy": {
        "question": "How much energy does the project give us?",
        "why": "A draining project is a warning sign.",
        "kind": "scale",
        "low": "drains us",
        "high": "carries us",
    },
    "design": {"question": "Does the client supply a design?", "why": "Pixel disputes.", "kind": "choice", "options": YES_NO},
    "rhythm": {
        "question": "How often do we meet the client?",
        "why": "A rhythm keeps the talk going.",
        "kind": "choice",
        "options": [{"id": "weekly", "label": "Weekly"}, {"id": "monthly", "label": "Monthly"}],
    },
    "next-review": {"question": "When is the next review?", "why": "A date makes it happen.", "kind": "date"},
    "lesson": {"question": "What could we have advised better?", "why": "Self-criticism.", "kind": "text"},
}


def item(item_id: str, *, like: str | None = None, **keys: Any) -> dict[str, Any]:
    """The item ``item_id`` as ITEMS has it (or the item ``like`` under another id; or only
    ``keys``, for one of a test's own), with ``keys`` added or put in place of its own."""
    return {**ITEMS.get(like or item_id, {}), "id": item_id, **keys}


def checklist_data(*items: dict[str, Any] | str, **header: Any) -> dict[str, Any]:
    """A checklist file's content: HEADER with ``header`` put in, then ``items`` (an item, or
    the id of one of ITEMS as it is)."""
    return {**HEADER, **header, "items": [item(entry) if isinstance(entry, str) else entry for entry in items]}


def checklist_text(*items: dict[str, Any] | str, **header: Any) -> str:
    """:func:`checklist_data` as the TOML text of a checklist file, written as a person writes
    one: an item's options and condition inline."""
    data = checklist_data(*items, **header)
    data["items"] = [{key: _inline(value) for key, value in entry.items()} for entry in data["items"]]
    return tomlkit.dumps(data)


def _inline(value: Any) -> Any:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update({key: _inline(inner) for key, inner in value.items()})
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(_inline(inner) for inner in value)
        return array
    return value


def checklist(*items: dict[str, Any] | str, source: str = "build.en.toml", **header: Any) -> Checklist:
    """:func:`checklist_data` loaded, as if from a file named ``source``."""
    return checklist_from_dict(checklist_data(*items, **header), source)
