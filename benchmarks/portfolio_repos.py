"""Build a portfolio of client projects for bench_portfolio.py, with ``git fast-import``.

``build(root, projects=50, commits=10_000, runs=200)`` makes, under ``root``:

- ``base.git``: a main branch of ``commits`` commits, each changing one file of the project's
  code with ~2.2 KB of incompressible bytes (about 22 MB packed, as an agency's project of a
  few years weighs);
- ``remotes/pNN.git``: one bare remote per project, sharing base.git's objects (git
  alternates: the disk holds them once, git serves each remote whole), with the project's
  ``.kundencheck/config.toml`` committed on main and ``runs`` answer runs one week apart,
  ending late in 2026: the even projects commit them on main, the odd ones on a branch of their
  own (``storage.branch = "kundencheck"``, an orphan branch that holds the answers only);
- ``portfolio/portfolio.toml`` listing every remote (file:// URLs; their upload-pack filters as
  a hosted server's does, see store/portfolio_cache.py).

Answers files come from synthetic_repo.py (realistic runs of the shipped build checklist,
notes, actions and their reviews). Cached: a second call with the same sizes returns at once.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_repo import AUTHORS, _answers_file

from kundencheck.core.catalog import load_catalog

GENERATION = 1
FILE_BYTES = 2_200
#: The last run of every project is in this week (the machines' clocks read late 2026).
LAST_RUN = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def folder(root: Path, projects: int, commits: int, runs: int) -> Path:
    return root / f"portfolio-{projects}x{commits}x{runs}-g{GENERATION}"


def _fast_import(repo: Path, write) -> None:
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    write(proc.stdin)
    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit(f"git fast-import failed in {repo}")


def _data(out, blob: bytes) -> None:
    out.write(b"data %d\n" % len(blob))
    out.write(blob)
    out.write(b"\n")


def _base(path: Path, commits: int) -> None:
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    rng = random.Random(7)
    start = LAST_RUN - dt.timedelta(days=3 * 365)

    def write(out) -> None:
        for n in range(commits):
            name, email = AUTHORS[n % len(AUTHORS)]
            stamp = f"{int((start + dt.timedelta(minutes=150 * n)).timestamp())} +0000"
            out.write(b"commit refs/heads/main\n")
            out.write(f"author {name} <{email}> {stamp}\ncommitter {name} <{email}> {stamp}\n".encode())
            _data(out, f"Work on feature {n}\n".encode())
            if n == 0:
                out.write(b"M 100644 inline README.md\n")
                _data(out, b"# A client project\n")
            out.write(f"M 100644 inline src/part_{n % 25:02d}/module_{n % 500:03d}.bin\n".encode())
            _data(out, rng.randbytes(FILE_BYTES))
            out.write(b"\n")

    _fast_import(path, write)


def _project(remote: Path, base: Path, index: int, runs: int, checklist) -> None:
    subprocess.run(["git", "clone", "-q", "--bare", "--shared", str(base), str(remote)], check=True)
    dedicated = index % 2 == 1
    rng = random.Random(1000 + index)
    config = (
        f'project = "Client project {index:02d}"\nclient = "Kunde {index:02d} GmbH"\nlanguage = "en"\n'
        f'phase = "build"\ncadence_days = 14\n' + ('[storage]\nbranch = "kundencheck"\n' if dedicated else "")
    )
    first = LAST_RUN - dt.timedelta(weeks=runs - 1)

    def write(out) -> None:
        stamp = f"{int((first - dt.timedelta(days=1)).timestamp())} +0000"
        out.write(b"commit refs/heads/main\n")
        out.write(f"author Ana Schäfer <ana@example.com> {stamp}\ncommitter Ana Schäfer <ana@example.com> {stamp}\n".encode())
        _data(out, b"kundencheck: set up the project\n")
        out.write(b"from refs/heads/main^0\n")
        out.write(b"M 100644 inline .kundencheck/config.toml\n")
        _data(out, config.encode())
        out.write(b"\n")
        branch = b"refs/heads/kundencheck" if dedicated else b"refs/heads/main"
        open_actions: list = []
        for n in range(runs):
            moment = first + dt.timedelta(weeks=n, minutes=rng.randint(0, 120))
            author = AUTHORS[rng.randrange(len(AUTHORS))]
            path, text, open_actions = _answers_file(checklist, author, moment, rng, open_actions)
            stamp = f"{int(moment.timestamp())} +0000"
            out.write(b"commit " + branch + b"\n")
            out.write(f"author {author[0]} <{author[1]}> {stamp}\ncommitter {author[0]} <{author[1]}> {stamp}\n".encode())
            _data(out, f"kundencheck(build): run {n}\n\nKundencheck-Run: {Path(path).stem}\n".encode())
            out.write(f"M 100644 inline {path}\n".encode())
            _data(out, text.encode())
            out.write(b"\n")

    _fast_import(remote, write)
    if dedicated:
        subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=remote, check=True)


def add_run(remote: Path, *, dedicated: bool, seed: int = 1) -> None:
    """One more run, a week after the last, on the project's answers branch."""
    checklist = load_catalog(None).find("build", "en")
    rng = random.Random(seed)
    branch = b"refs/heads/kundencheck" if dedicated else b"refs/heads/main"
    moment = LAST_RUN + dt.timedelta(weeks=1)

    def write(out) -> None:
        path, text, _open = _answers_file(checklist, AUTHORS[0], moment, rng, [])
        stamp = f"{int(moment.timestamp())} +0000"
        out.write(b"commit " + branch + b"\n")
        out.write(
            f"author {AUTHORS[0][0]} <{AUTHORS[0][1]}> {stamp}\ncommitter {AUTHORS[0][0]} <{AUTHORS[0][1]}> {stamp}\n".encode()
        )
        _data(out, b"kundencheck(build): one more run\n")
        out.write(b"from " + branch + b"^0\n")
        out.write(f"M 100644 inline {path}\n".encode())
        _data(out, text.encode())
        out.write(b"\n")

    _fast_import(remote, write)


def build(root: Path, projects: int = 50, commits: int = 10_000, runs: int = 200) -> Path:
    path = folder(root, projects, commits, runs)
    marker = path / ".built"
    if marker.exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    _base(path / "base.git", commits)
    checklist = load_catalog(None).find("build", "en")
    lines = ['title = "Benchmark portfolio"\n', "[fetch]\njobs = 8\ntimeout = 600\n"]
    for index in range(projects):
        remote = path / "remotes" / f"p{index:02d}.git"
        _project(remote, path / "base.git", index, runs, checklist)
        lines.append(f'\n[[projects]]\nname = "p{index:02d}"\nremote = "{remote.as_uri()}"\n')
    (path / "portfolio").mkdir()
    (path / "portfolio" / "portfolio.toml").write_text("".join(lines))
    marker.write_text(f"{projects} {commits} {runs} generation-{GENERATION}\n")
    return path


if __name__ == "__main__":
    import time

    t0 = time.perf_counter()
    built = build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/kundencheck-bench"))
    print(f"built {built} in {time.perf_counter() - t0:.1f} s")
