"""Fixtures of the hostile-input suite (its material: tests/support/hostile.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hostile import MARKUP_LINE, add_checklist, hostile_checklist, set_author


@pytest.fixture
def hostile_repo(repo: Path) -> Path:
    """A repository whose own build checklist, author and earlier answers are all hostile."""
    add_checklist(repo, hostile_checklist())
    set_author(repo, "Mallory " + MARKUP_LINE)
    return repo
