"""Run every linter of the project, as .ci/run does before the tests: ruff (lint and format),
mypy and import-linter. Each tool's own output is shown, then a line per tool; the exit status
is 1 when any of them failed.

    python scripts/lint.py              # the four checks on this checkout
    python scripts/lint.py --fix        # first let ruff fix what it can and format the tree
    python scripts/lint.py --root DIR   # the checks on another copy of the tree

Each tool runs with this Python (``sys.executable -m ...``), so the versions pinned in the
``test`` extra are the ones that run, and with ``src/`` of the checked tree first on the path,
so import-linter reads that tree's package. CONTRIBUTING.md ("Linting and types") says how to
run each tool alone; their settings are in pyproject.toml.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What ruff checks and formats (mypy's files and import-linter's package are in pyproject.toml).
PATHS = ("src", "tests", "scripts", "benchmarks")
#: import-linter has no ``python -m`` entry: its command, as its lint-imports script runs it.
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def checks() -> list[tuple[str, list[str]]]:
    """(name, command) of every check, in the order they run."""
    python = sys.executable
    return [
        ("ruff check", [python, "-m", "ruff", "check", *PATHS]),
        ("ruff format", [python, "-m", "ruff", "format", "--check", *PATHS]),
        ("mypy", [python, "-m", "mypy"]),
        ("import-linter", [python, "-c", LINT_IMPORTS, "--no-logo"]),
    ]


def fixes() -> list[tuple[str, list[str]]]:
    """What ``--fix`` runs first: ruff's safe fixes, then the formatter."""
    python = sys.executable
    return [
        ("ruff check --fix", [python, "-m", "ruff", "check", "--fix", *PATHS]),
        ("ruff format", [python, "-m", "ruff", "format", *PATHS]),
    ]


def run(name: str, command: list[str], root: Path) -> bool:
    """Run one tool in ``root``; print its result; True if it passed."""
    paths = [str(root / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    print(f"--- {name}", flush=True)
    started = time.monotonic()
    code = subprocess.run(command, cwd=root, env=env, check=False).returncode
    print(f"{'passed' if code == 0 else 'FAILED'}: {name} ({time.monotonic() - started:.1f} s)", flush=True)
    return code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fix", action="store_true", help="let ruff fix what it can and format the tree first")
    parser.add_argument("--root", type=Path, default=ROOT, help="the tree to check (default: this checkout)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.fix:
        for name, command in fixes():
            run(name, command, root)
    results = [(name, run(name, command, root)) for name, command in checks()]
    failed = [name for name, passed in results if not passed]
    print()
    for name, passed in results:
        print(f"  {'passed' if passed else 'FAILED'}  {name}")
    if failed:
        print(f"lint: {len(failed)} of {len(results)} checks failed: {', '.join(failed)}.")
        return 1
    print(f"lint: all {len(results)} checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
