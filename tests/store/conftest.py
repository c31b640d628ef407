"""Fixtures for the git store tests: real repositories made with the git CLI, never mocks.

Every test runs with HOME in its own temporary folder and GIT_CONFIG_NOSYSTEM=1, so the
developer's own git config (identity, signing, hooks) is never read.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from tests.support.git import commit_all, git


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


@pytest.fixture
def remote(tmp_path: pathlib.Path, repo: pathlib.Path) -> pathlib.Path:
    """A bare remote `origin` of ``repo``, main pushed and set as upstream."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "-u", "origin", "main")
    return bare
