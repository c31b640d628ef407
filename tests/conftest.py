"""Shared fixtures. Tests never read the developer's own git or kundencheck config."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ssh_server import ssh_server  # noqa: F401 - a fixture: a real sshd for the portfolio's ssh tests


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """A blinking cursor is caught on or off at random in snapshots: keep it still in tests."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for key in (
        "LANGUAGE",
        "LC_ALL",
        "LC_MESSAGES",
        "NO_COLOR",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EDITOR",
        "VISUAL",
        "KUNDENCHECK_PORTFOLIO_CACHE",
    ):
        monkeypatch.delenv(key, raising=False)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Erika Mustermann\n\temail = erika@example.com\n[init]\n\tdefaultBranch = main\n"
    )
    yield home
    # open_project sets the language of a project for the whole process: back to English.
    from kundencheck.core.i18n import set_language

    set_language("en")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A real repository with one commit."""
    path = tmp_path / "project"
    path.mkdir()
    git(path, "init", "-q")
    (path / "README.md").write_text("# Client project\n")
    git(path, "add", "README.md")
    git(path, "commit", "-q", "-m", "Initial commit")
    return path


@pytest.fixture
def checklists_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "checklists"


@pytest.fixture
def project_repo(repo: Path) -> Path:
    """A repository whose build checklist is the tests' own, committed like a team would."""
    target = repo / ".kundencheck" / "checklists"
    target.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent / "data" / "sprint.en.toml", target / "build.en.toml")
    git(repo, "add", ".kundencheck")
    git(repo, "commit", "-q", "-m", "Add our own build checklist")
    return repo


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
