"""git that misbehaves at the Nth call of one subcommand, as git's own test suite injects faults.

The wrapper stands in for git (``GIT_PYTHON_GIT_EXECUTABLE``, which the store honours) and, on
the ``FAULT_NTH`` call of ``FAULT_SUB``, does what ``FAULT_MODE`` says: fails (exit 128), hangs,
is killed before doing anything, does its work and is killed, or kills kundencheck itself
(SIGKILL) before or after doing its work. Every other call runs the real git.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

#: The wrapper script: ``{real}`` is the real git, ``{dir}`` the folder it counts calls in.
WRAPPER = """#!/bin/sh
real="{real}"
dir="{dir}"
sub=""
for a in "$@"; do case "$a" in -*) ;; *) sub="$a"; break;; esac; done
if [ -n "$FAULT_SUB" ] && [ "$sub" = "$FAULT_SUB" ]; then
  n=$(($(cat "$dir/count" 2>/dev/null || echo 0) + 1)); echo $n > "$dir/count"
  if [ "$n" = "$FAULT_NTH" ]; then
    echo "$$ $*" > "$dir/hit"
    case "$FAULT_MODE" in
      fail) echo "fatal: injected failure" >&2; exit 128;;
      hang) exec sleep 300;;
      killed) kill -9 $$;;
      done-then-killed) "$real" "$@"; kill -9 $$;;
      kill-kundencheck) kill -9 $PPID; exit 1;;
      done-then-kill-kundencheck) "$real" "$@"; status=$?; kill -9 $PPID; exit $status;;
    esac
  fi
fi
exec "$real" "$@"
"""


def make_wrapper(tmp_path: Path) -> tuple[Path, Path]:
    """The wrapper, in a folder of its own below ``tmp_path``: (the wrapper, that folder)."""
    folder = tmp_path / "fault"
    folder.mkdir()
    real = shutil.which("git")
    wrapper = folder / "git"
    wrapper.write_text(WRAPPER.format(real=real, dir=folder))
    wrapper.chmod(0o755)
    return wrapper, folder


def fault_env(wrapper: Path, sub: str, nth: int, mode: str) -> dict[str, str]:
    """The environment that makes kundencheck run ``wrapper`` and it misbehave at ``sub``'s ``nth`` call."""
    return {"GIT_PYTHON_GIT_EXECUTABLE": str(wrapper), "FAULT_SUB": sub, "FAULT_NTH": str(nth), "FAULT_MODE": mode}


def assert_hung_git_is_gone(folder: Path) -> None:
    """The git that hung (the wrapper notes its process in ``folder``) has ended by now."""
    hit = folder / "hit"
    if not hit.exists():
        return
    pid = int(hit.read_text().split()[0])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        state = Path(f"/proc/{pid}/stat")
        if state.exists() and state.read_text().split(") ", 1)[-1].startswith("Z"):
            return  # a zombie: ended, waiting to be reaped by its parent
        time.sleep(0.05)
    raise AssertionError(f"the hung git (process {pid}) was left running")
