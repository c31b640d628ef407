"""The crash log of an internal error (issue 16, item 9): private, never predictable, never
written through a link.

It used to go to ``/tmp/kundencheck-crash-PID.txt``: a name anyone on the machine could guess,
in a folder everyone can write, written through whatever link was planted there (overwriting
the victim's files) and readable by everyone. Now it is a new file in the user's own cache
folder, created exclusively without following a link, mode 0600.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kundencheck.cli import common as cli_common

CRASH = "from kundencheck.cli.common import guarded\nguarded(lambda: 1 / 0)()\n"


def crash_in_a_real_process(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRASH], check=False, capture_output=True, text=True, env=env, timeout=60)


def logged_file(stderr: str) -> Path:
    assert "The details are in " in stderr, stderr
    return Path(" ".join(stderr.split()).split("The details are in ", 1)[1].split(".txt", 1)[0] + ".txt")


def test_the_crash_log_is_private_in_the_user_cache_folder(tmp_path):
    cache = tmp_path / "cache"
    shared = Path(tempfile.gettempdir())
    before = set(shared.glob("kundencheck-crash-*"))
    result = crash_in_a_real_process(dict(os.environ, XDG_CACHE_HOME=str(cache), NO_COLOR="1"))
    assert result.returncode == 70
    assert "internal error happened (ZeroDivisionError)" in " ".join(result.stderr.split())
    log = logged_file(result.stderr)
    assert log.parent == cache / "kundencheck"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert "ZeroDivisionError" in log.read_text()
    assert set(shared.glob("kundencheck-crash-*")) == before  # nothing in the shared temp folder
    # A second crash never reuses the name: nothing existing is ever written to.
    again = logged_file(crash_in_a_real_process(dict(os.environ, XDG_CACHE_HOME=str(cache), NO_COLOR="1")).stderr)
    assert again != log and again.parent == log.parent


def test_a_link_planted_under_the_crash_logs_name_is_not_followed(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = cache / "kundencheck"
    folder.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (folder / "guessed.txt").symlink_to(victim)
    (folder / "dangling.txt").symlink_to(tmp_path / "would-be-created.txt")
    names = iter(["guessed.txt", "dangling.txt", "free.txt"])
    monkeypatch.setattr(cli_common, "_crash_log_name", lambda: next(names))
    with pytest.raises(SystemExit) as exit_info:
        cli_common.guarded(lambda: 1 / 0)()
    assert exit_info.value.code == 70
    assert victim.read_text() == "precious\n" and not (tmp_path / "would-be-created.txt").exists()
    assert (folder / "guessed.txt").is_symlink() and (folder / "dangling.txt").is_symlink()
    log = folder / "free.txt"
    assert "ZeroDivisionError" in log.read_text() and stat.S_IMODE(log.stat().st_mode) == 0o600
    assert str(log) in "".join(capsys.readouterr().err.split())


def test_without_a_place_for_the_log_the_message_still_comes(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder belongs\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    with pytest.raises(SystemExit) as exit_info:
        cli_common.guarded(lambda: 1 / 0)()
    assert exit_info.value.code == 70
    err = " ".join(capsys.readouterr().err.split())
    assert "internal error happened (ZeroDivisionError)" in err and "The details are in" not in err
    assert "with that file" not in err
