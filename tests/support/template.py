"""Filling in `kundencheck answer --template` as a person would, for the tests' build
checklist (tests/data/sprint.en.toml, which ``project_repo`` commits)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from kundencheck.cli import main


def template(repo: Path, *args: str) -> str:
    """`kundencheck answer build --template` in ``repo``, with ``args``."""
    result = CliRunner().invoke(main, ["-C", str(repo), "answer", "build", "--template", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def fill(text: str, answers: dict[str, dict]) -> str:
    """The template with the given answers put in, edited as a person would with tomlkit."""
    import tomlkit

    doc = tomlkit.parse(text)
    for table in doc["answers"]:
        for key, value in answers.get(table["item"], {}).items():
            table[key] = value
    return tomlkit.dumps(doc)


#: Every item answered, a red one with its note and action, a quoted date.
COMPLETE = {
    "client-contacted": {
        "status": "red",
        "note": "Only mails",
        "action": {"what": "Call", "owner": "Ana", "due": dt.date(2026, 12, 4)},
    },
    "team-mood": {"value": 4},
    "own-design": {"value": "yes"},
    "deviations-announced": {"status": "amber", "note": "Two not yet"},
    "expectations-match": {"status": "green"},
    "next-review": {"value": "2026-12-10"},  # quoted dates are accepted too
    "self-critical": {"value": "We argued"},
}

#: Every required item answered green (or as good as it gets).
GREEN = {
    "client-contacted": {"status": "green"},
    "team-mood": {"value": 4},
    "own-design": {"value": "no"},
    "expectations-match": {"status": "green"},
    "self-critical": {"value": "We listened"},
}
