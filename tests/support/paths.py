"""This checkout's folders, and the environment of a child Python that imports kundencheck
from it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The checkout: pyproject.toml, src/, tests/, docs/, checklists/.
ROOT = Path(__file__).resolve().parents[2]
#: The package's sources.
SRC = ROOT / "src" / "kundencheck"
#: The tests' own checklists (tests/data/sprint.LANG.toml).
DATA = ROOT / "tests" / "data"
DOCS = ROOT / "docs"
#: The shipped checklists, at the top of the checkout.
SHIPPED = ROOT / "checklists"

#: The Python running the tests: a child runs ``PYTHON -m kundencheck`` (never a kundencheck
#: from the PATH) or a script of its own.
PYTHON = sys.executable


def python_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python that imports kundencheck from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC.parent), env.get("PYTHONPATH")]))
    env.update(extra)
    return env
