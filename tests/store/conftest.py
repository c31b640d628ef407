"""Fixtures for the git store tests: real repositories made with the git CLI, never mocks.

Every test runs with HOME in its own temporary folder and GIT_CONFIG_NOSYSTEM=1, so the
developer's own git config (identity, signing, hooks) is never read.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

import kundencheck

SRC_DIR = pathlib.Path(kundencheck.__file__).resolve().parents[1]
ANSWERS = ".kundencheck/answers/2026"


def git(repo: os.PathLike[str] | str, *args: str, check: bool = True, input: bytes | None = None) -> str:
    """Run git in ``repo``; return stdout (text, trailing newline removed)."""
    proc = subprocess.run(["git", *args], check=False, cwd=repo, capture_output=True, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    return proc.stdout.decode().rstrip("\n")


def commit_all(repo: pathlib.Path, message: str, **files: str) -> str:
    """Write ``files`` (name -> text; '__' in a name means '/'), commit them, return the sha."""
    for name, text in files.items():
        path = repo / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", "--", name.replace("__", "/"))
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def write_hook(repo: pathlib.Path, name: str, script: str) -> pathlib.Path:
    hook = pathlib.Path(git(repo, "rev-parse", "--path-format=absolute", "--git-path", f"hooks/{name}"))
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\n" + script)
    hook.chmod(0o755)
    return hook


def tree_paths(repo: pathlib.Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", rev).splitlines()


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A fresh HOME with a known identity; no system config; no leaked GIT_* variables."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Tester\n\temail = ada@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
        "[advice]\n\tdetachedHead = false\n"
    )
    for name in list(os.environ):
        if name.startswith("GIT_") or name in ("EMAIL",):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # Never discover a repository above the test's own folder.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return home


@pytest.fixture
def repo(tmp_path: pathlib.Path) -> pathlib.Path:
    """A repository on branch main with one commit (README.md)."""
    path = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(path))
    commit_all(path, "initial", **{"README.md": "hello\n"})
    return path


@pytest.fixture
def unborn(tmp_path: pathlib.Path) -> pathlib.Path:
    """A repository whose branch main has no commit yet."""
    path = tmp_path / "unborn"
    git(tmp_path, "init", "-q", str(path))
    return path


def python_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python that imports kundencheck from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC_DIR), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


PYTHON = sys.executable


@pytest.fixture
def remote(tmp_path: pathlib.Path, repo: pathlib.Path) -> pathlib.Path:
    """A bare remote `origin` of ``repo``, main pushed and set as upstream."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "-u", "origin", "main")
    return bare
