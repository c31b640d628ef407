"""A real terminal for the end-to-end tests: tmux runs a shell, keys are typed into it, its
screen is read; and what the tests of a kundencheck killed in one need (its draft, its process).
The tests skip themselves where tmux is not installed (.ci/run installs it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from kundencheck.core import answers_file


class Tmux:
    """A tmux server on ``socket`` and its session ``name``; called with tmux's arguments, it runs them."""

    def __init__(self, socket, name="kc"):
        self.socket, self.name = str(socket), name

    def __call__(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on the terminal; it shows:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)
        # A person types slower than tmux, and after enter the next field takes focus: give the
        # app time for both, more on a loaded machine (CI runs the suite on two workers).
        time.sleep(0.5 if "Enter" in keys else 0.15)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)


def drafts_dir(repo: Path) -> Path:
    return repo / ".git" / "kundencheck" / "drafts"


def start_kundencheck(tmux: Tmux, repo: Path) -> None:
    tmux.type(f"{sys.executable} -m kundencheck -C {repo}; echo EXIT=$?")
    tmux.keys("Enter")


def wait_for_exit(tmux: Tmux, timeout: float = 20.0) -> tuple[int, str]:
    """Waits until the shell has printed kundencheck's exit status; returns it and the screen.

    Wrapped lines are joined (-J) and the status must be digits, so the typed command line
    (``echo EXIT=$?``) never counts as the process having ended."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-J", "-t", tmux.name)
        found = re.search(r"^EXIT=(\d+)", screen, re.MULTILINE)
        if found:
            return int(found.group(1)), screen
        time.sleep(0.1)
    raise AssertionError(f"kundencheck did not end; the terminal shows:\n{screen}")


def wait_until(predicate, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def saved_draft(repo: Path, expected: dict):
    """The one draft, once it holds ``expected`` (item -> value); None before."""
    for path in drafts_dir(repo).glob("*.toml"):
        try:
            run = answers_file.loads(path.read_bytes())
        except Exception:  # noqa: BLE001  (never half-written, but be patient rather than flaky)
            return None
        if all(run.answer(k) is not None and run.answer(k).value == v for k, v in expected.items()):
            return run
    return None


def kundencheck_pid(repo: Path) -> int:
    """The running kundencheck's process id, from the lock it holds on its draft."""
    locks = wait_until(lambda: list(drafts_dir(repo).glob("*.lock")), "the draft lock")
    assert len(locks) == 1
    return int(locks[0].read_text().strip())


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def answer_first_two(tmux: Tmux, repo: Path):
    tmux.wait_for("Question 1 of 6")
    tmux.keys("1")  # client-contacted: yes
    tmux.wait_for("team's mood")
    tmux.keys("4")
    tmux.wait_for("own design")
    return wait_until(lambda: saved_draft(repo, {"client-contacted": "green", "team-mood": 4}), "both answers in the draft")
