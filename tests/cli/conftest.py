"""Fixtures shared by the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history_builder import build_history


@pytest.fixture
def history_repo(project_repo: Path) -> dict:
    """A repository with three sprints of history (tests/history_builder.py): two people,
    actions opened, closed, dropped and carried on, and a disagreement in the latest sprint."""
    return build_history(project_repo)
