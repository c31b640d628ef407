"""The real ``kundencheck`` console script in a real terminal: click's own messages (usage
errors, bad values, unknown commands and options), every command's ``--help`` and the history
commands on a hostile repository let no terminal control through.

A usage error repeats what was typed, and click writes it as it is to a terminal (to a pipe it
strips colour codes, so the commands run in a pseudo-terminal here, where nothing is stripped).
``TERM=dumb`` keeps kundencheck's own output free of styling, so every escape, control or C1
character in the output is one that leaked.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.support.hostile import CONTROL, commit_hand_written, hand_written_run, set_author

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

#: The program under test, as the project's subprocess tests run it (never whatever is first on PATH).
KUNDENCHECK = [sys.executable, "-m", "kundencheck"]
#: Anything but newline below 0x20, DEL, C1 controls and bidi overrides: none may reach the terminal.
LEAKED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Terminal control as typed on a command line (a NUL cannot be in an argument).
TYPED = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J cr\rbs\x08 del\x7f csi\x9b31m bel\x07"


def in_terminal(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, str]:
    """Run the console script with a pseudo-terminal as stdin, stdout and stderr; its exit status
    and everything it wrote (stdout and stderr together, as a terminal shows them)."""
    leader, follower = os.openpty()
    modes = termios.tcgetattr(follower)
    modes[1] &= ~termios.ONLCR  # keep "\n" as written: a "\r" in the output is then one that leaked
    termios.tcsetattr(follower, termios.TCSANOW, modes)
    process = subprocess.Popen(
        [*KUNDENCHECK, *args],
        cwd=cwd,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "dumb", "COLUMNS": "100", **(env or {})},
        close_fds=True,
    )
    os.close(follower)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 0.5)[0]:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed: the process has ended
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    return process.wait(timeout=10), output.decode("utf-8", "replace")


def assert_clean(output: str, where: str) -> None:
    leaked = sorted({repr(c) for c in LEAKED.findall(output)})
    assert not leaked, f"{where}: terminal control {', '.join(leaked)} reached the terminal:\n{output!r}"
    assert "Traceback" not in output, output


@pytest.fixture
def escaped_file(tmp_path) -> Path:
    path = tmp_path / "file \x1b]0;pwned\x07\x1b[31mred\r"
    path.write_text("")
    return path


USAGE_ERRORS = {
    "extra argument": ["status", TYPED],
    "extra argument after options": ["log", "--phase", "build", TYPED],
    "unknown command": [TYPED],
    "unknown option": ["status", "--" + TYPED],
    "unknown option with a value": ["log", "--bogus=" + TYPED],
    "bad choice": ["report", "--format", TYPED],
    "bad number": ["report", "--sprints", TYPED],
    "bad date": ["report", "--today", TYPED],
    "bad shell": ["completion", TYPED],
}


@pytest.mark.parametrize("args", list(USAGE_ERRORS.values()), ids=list(USAGE_ERRORS))
def test_usage_errors_show_what_was_typed_without_terminal_control(repo, args):
    status, output = in_terminal(*args, cwd=repo)
    assert status == 2, output
    assert_clean(output, " ".join(args))
    assert "Error:" in output and "Try 'kundencheck" in output


def test_a_directory_option_naming_a_file_with_escapes(repo, escaped_file):
    status, output = in_terminal("-C", str(escaped_file), "status", cwd=repo)
    assert status == 2, output
    assert_clean(output, "-C FILE")
    assert "is a file" in output


def test_kundencheck_errors_about_typed_names_are_clean_too(repo):
    """Not click's: kundencheck's own usage errors quoting a phase, a sprint or an item."""
    for args in (
        ["run", TYPED],
        ["answer", TYPED, "--template"],
        ["log", "--phase", TYPED],
        ["log", "--item", TYPED],
        ["phase", TYPED],
    ):
        status, output = in_terminal(*args, cwd=repo)
        assert status in (0, 2), (args, output)
        assert_clean(output, " ".join(args))


def help_commands() -> list[list[str]]:
    """Every command and subcommand, as the words that name it."""
    import click

    from kundencheck.cli import main

    found: list[list[str]] = [[]]
    ctx = click.Context(main)
    for name in main.list_commands(ctx):  # also the commands imported only when asked for
        command = main.get_command(ctx, name)
        found.append([name])
        if isinstance(command, click.Group):
            found += [[name, sub] for sub in sorted(command.commands)]
    return found


def test_every_commands_help_is_clean_and_in_one_terminal(repo):
    """``--help`` of every command, run in a terminal: exit 0, nothing but text (click's \\b
    markers in the epilogs must not reach the screen)."""
    for words in help_commands():
        status, output = in_terminal(*words, "--help", cwd=repo)
        assert status == 0, (words, output)
        assert_clean(output, " ".join(words) + " --help")
        assert "Usage:" in output


@pytest.fixture
def hostile_history(repo: Path) -> Path:
    """A git author and two earlier runs whose sprint, author, notes and actions hold terminal
    control."""
    set_author(repo, "Mallory " + CONTROL.replace("\x00", ""))  # git config cannot hold NUL
    for n in range(2):
        run_id = f"2026111{n}T080000Z-build-m-00000{n}"
        commit_hand_written(
            repo,
            hand_written_run(
                run_id,
                f"S{n} {CONTROL}",
                f"M {CONTROL} <m@example.com>",
                f"Note {CONTROL}",
                started=f"2026-11-1{n}T09:00:00+01:00",
            ),
            run_id,
        )
    return repo


def test_history_commands_on_a_hostile_history_in_a_terminal(hostile_history):
    hostile_env = {"EDITOR": "vi \x1b]0;pwned\x07", "VISUAL": "\x1b[2J", "GIT_AUTHOR_NAME": "A\x1b[31m"}
    for args in (["status"], ["log"], ["log", "--item", "light"], ["report"], ["drafts"], ["config"]):
        status, output = in_terminal(*args, cwd=hostile_history, env=hostile_env)
        assert status == 0, (args, output)
        assert_clean(output, " ".join(args))
    status, output = in_terminal("log", cwd=hostile_history)
    assert "Mallory" in output or "M " in output


def test_a_hostile_editor_is_named_without_terminal_control(tmp_path):
    """The TUI shows why the editor could not start, naming $EDITOR: quoted, never raw."""
    from kundencheck.tui.editor import EditorError, edit_text

    with pytest.raises(EditorError) as raised:
        edit_text("note", environ={"EDITOR": "no-such-editor\x1b]0;pwned\x07\x1b[2J\r"})
    assert not LEAKED.search(str(raised.value)), repr(str(raised.value))
    assert "no-such-editor" in str(raised.value)
