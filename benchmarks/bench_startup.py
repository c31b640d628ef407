"""The TUI's first frame in a large repository, against a bare Textual app started the same way.

Each sample is a fresh process that imports what it needs, builds its app, runs it headless and
prints the time when its first screen is ready (Textual's auto-pilot runs then): the figure
covers process start, imports, opening the repository and the first render, not the exit; the bare app is a Header, a Label
and a Footer. Target (issue 4): kundencheck / bare <= 1.25.

    python benchmarks/bench_startup.py [--repo PATH] [--samples 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Label
class Bare(App):
    def compose(self):
        yield Header(); yield Label("hello"); yield Footer()
async def first_frame(pilot):
    import time
    print(time.time(), flush=True)
    await pilot.exit(None)
Bare().run(headless=True, size=(100, 30), auto_pilot=first_frame)
"""

KUNDENCHECK = """
import sys
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
project = open_project(sys.argv[1])
# As `kundencheck run` builds it: the home screen (idle until shown) under the run screen.
app = build_app(lambda _phase, draft: RunSession.start(project, "build", draft=draft), project=project, phase="build")
async def first_frame(pilot):
    import time
    print(time.time(), flush=True)
    await pilot.exit(None)
app.run(headless=True, size=(100, 30), auto_pilot=first_frame)
"""


def sample(code: str, *args: str) -> float:
    """Seconds from starting the process to its first screen being ready (exit not counted)."""
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1]) - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, default=Path("/tmp/kundencheck-bench/100000-10000"))
    parser.add_argument("--samples", type=int, default=9)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import synthetic_repo

    repo = synthetic_repo.build(args.repo)
    sample(BARE)  # warm the file cache for both
    sample(KUNDENCHECK, str(repo))
    bare, ours = [], []
    for _ in range(args.samples):  # alternate, so a noisy neighbour hits both alike
        bare.append(sample(BARE))
        ours.append(sample(KUNDENCHECK, str(repo)))
    b, k = statistics.median(bare), statistics.median(ours)
    print(f"repository: {repo} ({(repo / '.synthetic-done').read_text().strip()} commits/runs)")
    print(f"bare Textual app, first frame:  {b * 1000:7.0f} ms (median of {args.samples})")
    print(f"kundencheck run, first frame:   {k * 1000:7.0f} ms (median of {args.samples})")
    print(f"ratio kundencheck / bare:       {k / b:7.2f}   (target <= 1.25)")


if __name__ == "__main__":
    main()
