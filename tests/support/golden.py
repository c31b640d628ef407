"""Outputs compared whole with the files in tests/core/golden/: after an intended change, write
them anew and read the diff before committing::

    KUNDENCHECK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/core
"""

from __future__ import annotations

import difflib
import os

import pytest

from tests.support.paths import ROOT

GOLDEN = ROOT / "tests" / "core" / "golden"


def assert_golden(name: str, text: str) -> None:
    """``text`` is the golden file ``name``, to the letter (with the variable set: it becomes it)."""
    path = GOLDEN / name
    if os.environ.get("KUNDENCHECK_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "now"))
        pytest.fail(f"{name} differs from {path} (KUNDENCHECK_UPDATE_GOLDEN=1 writes it anew):\n{diff[:6000]}")
