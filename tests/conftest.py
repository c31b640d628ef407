"""Shared fixtures. Tests never read the developer's own git or kundencheck config.

Fixtures only: what the tests share besides fixtures is in tests/support/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.git import git
from tests.support.paths import DATA, SHIPPED


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
    """The shipped checklists."""
    return SHIPPED


@pytest.fixture
def project_repo(repo: Path) -> Path:
    """A repository whose build checklist is the tests' own, committed like a team would."""
    target = repo / ".kundencheck" / "checklists"
    target.mkdir(parents=True)
    shutil.copy(DATA / "sprint.en.toml", target / "build.en.toml")
    git(repo, "add", ".kundencheck")
    git(repo, "commit", "-q", "-m", "Add our own build checklist")
    return repo


@pytest.fixture
def history_repo(project_repo: Path, monkeypatch) -> dict:
    """Three sprints of history, two people, open and closed actions, a disagreement
    (tests/support/history.py). Run ids are the same in every test run (their random part is
    a counter), and so are the ids of the action threads the screens show."""
    import itertools

    from kundencheck.core import answers as answers_mod
    from tests.support.history import build_history

    counter = itertools.count(0xA11CE0)
    with monkeypatch.context() as patch:
        patch.setattr(answers_mod, "random_hex", lambda n: f"{next(counter):06x}")
        return build_history(project_repo)


@pytest.fixture
def german():
    """The process speaks German for the test (English again afterwards)."""
    from kundencheck.core.i18n import set_language

    set_language("de")
    yield
    set_language("en")


@pytest.fixture
def clone(tmp_path: Path, project_repo: Path) -> dict:
    """Erika's clone of a project on a bare remote, whose last build check left an action ten
    days overdue (tests/support/pushing.py: gated_clone)."""
    from tests.support.pushing import gated_clone

    return gated_clone(tmp_path, project_repo)


@pytest.fixture
def terminal(tmp_path):
    """Opens a fresh tmux terminal (bash) per call (tests/support/tmux.py); all are killed at the end."""
    from tests.support.tmux import Tmux

    socket = tmp_path / "tmux.sock"
    opened: list[Tmux] = []

    def open_terminal() -> Tmux:
        session = Tmux(socket, name=f"kc{len(opened)}")
        args = ["-f", "/dev/null"] if not opened else []
        session(*args, "new-session", "-d", "-s", session.name, "-x", "100", "-y", "30", "env PS1='$ ' bash --norc --noprofile")
        opened.append(session)
        return session

    yield open_terminal
    subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True, check=False)


@pytest.fixture
def ssh_server(tmp_path):
    """A real sshd for the portfolio's ssh tests (tests/support/ssh.py); skipped without one."""
    from tests.support.ssh import SSHD, SshServer

    if SSHD is None:
        pytest.skip("no sshd on this machine: install OpenSSH's server (Debian: apt-get install openssh-server)")
    Path("/run/sshd").mkdir(exist_ok=True) if os.geteuid() == 0 else None  # its privilege separation folder
    server = SshServer(tmp_path / "sshd")
    try:
        yield server
    finally:
        server.stop()


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
