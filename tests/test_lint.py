"""scripts/lint.py cannot pass quietly: on a copy of the tree with one file that breaks each of
its tools, it fails, says which checks failed, and every tool names the file. (.ci/run runs it
on the tree itself before the tests.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Breaks every check: an unused import (ruff check), spaces ruff format takes out, a wrong
#: return type (mypy), and Textual imported in the core (import-linter's "core is pure").
BAD = '''"""A module that breaks every linter."""

import os
import textual


def shown(count: int) -> str:
    return  count
'''


@pytest.mark.slow
def test_the_lint_script_fails_on_a_bad_file_and_names_each_check(tmp_path):
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("src", "scripts", "benchmarks"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "tests").mkdir()  # the real tests are not needed to show that a check fails
    (copy / "tests" / "test_nothing.py").write_text('"""Nothing."""\n')
    (copy / "src" / "kundencheck" / "core" / "bad_example.py").write_text(BAD)

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lint.py"), "--root", str(copy)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    for check in ("ruff check", "ruff format", "mypy", "import-linter"):
        assert f"FAILED: {check}" in out, out
    assert "lint: 4 of 4 checks failed" in out
    assert "F401 [*] `os` imported but unused" in out and "bad_example.py:3:8" in out  # ruff check
    assert "1 file would be reformatted" in out and "-     return  count" in out  # ruff format
    assert "bad_example.py:8: error: Incompatible return value type" in out  # mypy
    assert "kundencheck.core is not allowed to import textual" in out  # import-linter
    assert "kundencheck.core.bad_example -> textual" in out
