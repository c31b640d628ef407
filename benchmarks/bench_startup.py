"""The TUI's first frame in a large repository, against a bare Textual app started the same way.

Each sample is a fresh process that imports what it needs, builds its app, runs it headless and
prints the time when the app draws its first frame (the first screen update Textual hands to
its driver: headless, the frame is rendered in full and only the writing is skipped). The
figure covers process start, imports, opening the repository, mounting, styling and rendering
the first screen, not the exit. The bare app is a Header, a Label and a Footer. Target
(issue 4): kundencheck / bare <= 1.25.

Why not Textual's auto-pilot, which session 1 and 2 timed: it starts when the app is mounted,
which for the bare app is before its first frame is drawn and for kundencheck, whose first
screen was pushed from on_mount, after, so it compared two different moments.

Both run with compiled bytecode, as installed packages do (pip compiles .pyc files when it
installs): an editable checkout under PYTHONDONTWRITEBYTECODE=1 compiles kundencheck's sources
in every process, which Textual, installed, never does. The .pyc files go to a folder of
their own (PYTHONPYCACHEPREFIX), not into the source tree; ``--no-bytecode`` measures without.

``--instructions`` adds a figure that does not depend on the machine's mood: the instructions
each process runs up to its first frame, counted by valgrind (see :func:`instructions`).
The figures and their history are in docs/performance.md.

    python benchmarks/bench_startup.py [--repo PATH] [--samples 15] [--no-bytecode] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Both apps are timed by the same hook: the first frame handed to the driver prints the time and
#: ends the app. (App._display is Textual's one place where a frame goes out.) The hook is put in
#: the moment the program itself imports textual.app, through an import finder: importing Textual
#: ahead of the program would change what the program's start-up does (kundencheck's console
#: script, for one, pauses the garbage collector before it imports anything).
FIRST_FRAME_HOOK = """
import sys, time

def _install(App):
    _display = App._display
    def _first_frame(self, screen, renderable):
        if renderable is not None and not getattr(self, "_bench_drawn", False):
            self._bench_drawn = True
            print(time.time(), flush=True)
            self.call_later(self.exit)
        return _display(self, screen, renderable)
    App._display = _first_frame
    _run = App.run
    def _headless(self, *args, **kwargs):  # the terminal is swapped for a headless one of one size
        kwargs.update(headless=True, size=(100, 30))
        return _run(self, *args, **kwargs)
    App.run = _headless

class _WhenTextualAppIsImported:
    def find_spec(self, name, path=None, target=None):
        if name != "textual.app":
            return None
        import importlib.util
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run_module = spec.loader.exec_module
        def run_and_hook(module):
            run_module(module)
            _install(module.App)
        spec.loader.exec_module = run_and_hook
        return spec

sys.meta_path.insert(0, _WhenTextualAppIsImported())
"""

BARE = (
    FIRST_FRAME_HOOK
    + """
from textual.app import App
from textual.widgets import Footer, Header, Label
class Bare(App):
    def compose(self):
        yield Header(); yield Label("hello"); yield Footer()
Bare().run()
"""
)

#: The real command, `kundencheck -C REPO run build`, as the console script starts it.
KUNDENCHECK = (
    FIRST_FRAME_HOOK
    + """
sys.argv = ["kundencheck", "-C", sys.argv[1], "run", "build"]
from kundencheck.__main__ import main
main()
"""
)


def sample(code: str, *args: str, env: dict[str, str] | None = None) -> float:
    """Seconds from starting the process to its first screen being ready (exit not counted)."""
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, env=env).stdout
    return float(out.split()[0]) - t0  # the hook prints first; the command may say more after


def sample_env(bytecode: bool, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def measure(repo: Path, samples: int = 15, *, bytecode: bool = True) -> tuple[float, float]:
    """(bare app, kundencheck) medians of the first frame, in seconds, alternated."""
    bare, ours = samples_of(repo, samples, bytecode=bytecode)
    return statistics.median(bare), statistics.median(ours)


def samples_of(repo: Path, samples: int = 15, *, bytecode: bool = True) -> tuple[list[float], list[float]]:
    """Every sample of the first frame (bare app, kundencheck), in seconds, alternated."""
    with tempfile.TemporaryDirectory(prefix="kundencheck-bench-pyc-") as cache:
        env = sample_env(bytecode, cache)
        sample(BARE, env=env)  # warm the file cache (and write the bytecode) for both
        sample(KUNDENCHECK, str(repo), env=env)
        bare, ours = [], []
        for _ in range(samples):  # alternate, so a noisy neighbour hits both alike
            bare.append(sample(BARE, env=env))
            ours.append(sample(KUNDENCHECK, str(repo), env=env))
    return bare, ours


def instructions(code: str, *args: str, env: dict[str, str]) -> int:
    """Instructions the process runs up to its first frame, counted by valgrind's callgrind.

    The machines these run on change speed from one process to the next by a quarter or more
    (other virtual machines on the same host), so timings need many samples; the count of
    instructions is nearly the same every time (docs/performance.md) and shows what a change
    saves. It leaves out what the CPU waits for (memory, the git child processes), so it
    complements the times."""
    ending = "self.call_later(self.exit)"
    assert ending in code, "the first-frame hook changed: the count would run on past the frame"
    exiting = code.replace(ending, "import os; os._exit(0)")  # count nothing after the frame
    with tempfile.TemporaryDirectory(prefix="kundencheck-bench-cg-") as folder:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/cg", sys.executable, "-c", exiting, *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stderr
    found = re.search(r"Collected : (\d+)", out)
    if found is None:
        raise SystemExit(f"valgrind gave no count:\n{out}")
    return int(found.group(1))


def main() -> None:
    sys.path.insert(0, str(HERE))
    import synthetic_repo

    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, default=synthetic_repo.folder(Path("/tmp/kundencheck-bench"), 100_000, 10_000))
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile the sources in every process (PYTHONDONTWRITEBYTECODE=1)"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions to the first frame under valgrind (about a minute; needs valgrind)",
    )
    args = parser.parse_args()

    repo = synthetic_repo.build(args.repo)
    if args.instructions:
        with tempfile.TemporaryDirectory(prefix="kundencheck-bench-pyc-") as cache:
            env = sample_env(not args.no_bytecode, cache)
            sample(BARE, env=env)  # write the bytecode first: compiling is not what is counted
            sample(KUNDENCHECK, str(repo), env=env)
            bare_count, our_count = instructions(BARE, env=env), instructions(KUNDENCHECK, str(repo), env=env)
        print(
            f"instructions to the first frame: bare {bare_count / 1e6:,.0f} M, kundencheck {our_count / 1e6:,.0f} M, "
            f"ratio {our_count / bare_count:.2f}"
        )
    bare, ours = samples_of(repo, args.samples, bytecode=not args.no_bytecode)
    b, k = statistics.median(bare), statistics.median(ours)
    print(f"repository: {repo} ({(repo / '.synthetic-done').read_text().strip()} commits/runs)")
    print("bytecode:   " + ("none: every process compiles the sources" if args.no_bytecode else "compiled once, as installed"))
    print(f"bare Textual app, first frame:  {b * 1000:7.0f} ms (median of {args.samples})")
    print(f"kundencheck run, first frame:   {k * 1000:7.0f} ms (median of {args.samples})")
    print(f"ratio kundencheck / bare:       {k / b:7.2f}   (target <= 1.25)")
    # On a shared machine a neighbour's load only ever adds time: the fastest sample of each
    # is the least disturbed one (as timeit advises), so its ratio is printed as well.
    print(
        f"ratio of the fastest samples:   {min(ours) / min(bare):7.2f}   ({min(ours) * 1000:.0f} ms vs {min(bare) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
