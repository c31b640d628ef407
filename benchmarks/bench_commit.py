"""Time GitStore.commit_file against `git commit --only` on a big work tree.

    python benchmarks/bench_commit.py [--files N] [--runs R] [--keep DIR]

Builds a throwaway repository with N tracked files (default 100000; `git fast-import`, then
`git reset --hard` to check them out), then alternates, R times each after one warm-up each:

  store   GitStore.commit_file(new answers file), in this process, store opened once
  open+   GitStore.open() + commit_file() + close(), as one CLI invocation would do it
  git     `git commit -q --only -m MSG -- PATH` as a subprocess, for an equivalent new file
          (written and `git add -N`-ed beforehand, outside the timing)

and prints the medians and the ratio store / git commit (target: <= 0.75). Your own git
config is not read: HOME points into the temporary folder and GIT_CONFIG_NOSYSTEM=1.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "src"))

from kundencheck.store import GitStore


def git(repo: pathlib.Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, **kwargs)


def build_repo(repo: pathlib.Path, n_files: int) -> None:
    git(repo.parent, "init", "-q", "-b", "main", str(repo))
    git(repo, "config", "user.name", "Bench Mark")
    git(repo, "config", "user.email", "bench@example.com")
    chunks = [b"commit refs/heads/main\ncommitter Bench Mark <bench@example.com> 1700000000 +0000\ndata 5\ninit\n"]
    readme = b"# benchmark repository\n"
    chunks.append(b"M 100644 inline README.md\ndata %d\n%s\n" % (len(readme), readme))
    for i in range(n_files):
        body = b"# module %d\nVALUE = %d\n" % (i, i)
        path = b"src/pkg%04d/mod%03d.py" % (i // 100, i % 100)
        chunks.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path, len(body), body))
    git(repo, "fast-import", "--quiet", input=b"".join(chunks) + b"\n")
    git(repo, "reset", "-q", "--hard", "main")
    git(repo, "status", "--porcelain")  # settle the index's stat data, as a user's repo would be


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    args = parser.parse_args()

    base = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="kc-bench-")).resolve()
    base.mkdir(parents=True, exist_ok=True)
    home = base / "home"
    home.mkdir(exist_ok=True)
    os.environ.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", XDG_CONFIG_HOME=str(home))
    repo = base / "repo"
    try:
        t0 = time.perf_counter()
        if not (repo / ".git").exists():
            build_repo(repo, args.files)
        tracked = int(
            subprocess.run("git ls-files | wc -l", shell=True, cwd=repo, check=True, capture_output=True, text=True).stdout
        )
        version = git(repo, "version").stdout.decode().split()[-1]
        print(f"repository: {repo} ({tracked} tracked files, ready in {time.perf_counter() - t0:.1f} s); git {version}")

        answers = repo / ".kundencheck" / "answers" / "2026"
        answers.mkdir(parents=True, exist_ok=True)
        content = b'[run]\nchecklist = "sprint-review"\nanswer = "yes"\n'
        times: dict[str, list[float]] = {"store": [], "open+": [], "git": []}
        store = GitStore.open(repo)
        stamp = time.strftime("%H%M%S")
        for i in range(args.runs + 1):  # run 0 is a warm-up for each
            rel = f".kundencheck/answers/2026/{stamp}-store-{i}.toml"
            t = time.perf_counter()
            store.commit_file(rel, content, f"Answers: store {i}\n\nKundencheck-Run: s{i}\n")
            times["store"].append(time.perf_counter() - t)

            rel = f".kundencheck/answers/2026/{stamp}-open-{i}.toml"
            t = time.perf_counter()
            with GitStore.open(repo) as fresh:
                fresh.commit_file(rel, content, f"Answers: open {i}\n\nKundencheck-Run: o{i}\n")
            times["open+"].append(time.perf_counter() - t)

            rel = f".kundencheck/answers/2026/{stamp}-git-{i}.toml"
            (repo / rel).write_bytes(content)
            git(repo, "add", "-N", "--", rel)
            t = time.perf_counter()
            git(repo, "commit", "-q", "--only", "-m", f"Answers: git {i}\n\nKundencheck-Run: g{i}", "--", rel)
            times["git"].append(time.perf_counter() - t)
        store.close()

        dirty = git(repo, "status", "--porcelain").stdout.decode()
        if dirty.strip():
            print("WARNING: work tree not clean afterwards:\n" + dirty)
        med = {k: statistics.median(v[1:]) * 1000 for k, v in times.items()}
        for k, v in times.items():
            print(f"  {k:6s} median {med[k]:7.1f} ms   runs: " + " ".join(f"{x * 1000:.0f}" for x in v[1:]))
        ratio = med["store"] / med["git"]
        print(
            f"ratio store / git commit --only = {ratio:.2f} (target <= 0.75); "
            f"open+commit+close / git commit --only = {med['open+'] / med['git']:.2f}"
        )
        return 0 if ratio <= 0.75 else 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
