"""git in a test's repository: the real git program, never a mock."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: The folder the store's tests commit answers files into.
ANSWERS = ".kundencheck/answers/2026"


def git(repo: os.PathLike[str] | str, *args: str, check: bool = True, input: str | bytes | None = None) -> str:
    """Run git in ``repo``; its output as text, without the newlines at its end. A failure (when
    ``check``) is an AssertionError with what git said."""
    if isinstance(input, str):
        input = input.encode()
    proc = subprocess.run(["git", *args], check=False, cwd=repo, capture_output=True, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    return proc.stdout.decode().rstrip("\n")


def commit_all(repo: Path, message: str, **files: str) -> str:
    """Write ``files`` (name -> text; '__' in a name means '/'), commit them, return the sha."""
    for name, text in files.items():
        path = repo / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", "--", name.replace("__", "/"))
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def write_hook(repo: Path, name: str, script: str) -> Path:
    """The hook ``name`` of ``repo`` (where git looks for it), a shell script running ``script``."""
    hook = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-path", f"hooks/{name}"))
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\n" + script)
    hook.chmod(0o755)
    return hook


def tree_paths(repo: Path, rev: str = "HEAD") -> list[str]:
    """Every file in ``rev``'s tree."""
    return git(repo, "ls-tree", "-r", "--name-only", rev).splitlines()
