"""Reading years of history: ``kundencheck status`` against the floor, warm against cold,
1,000 against 10,000 runs, and its peak memory.

Each figure comes from fresh processes measured in the same run (medians), so a busy machine
slows the baseline and the candidate alike:

- cold: ``kundencheck status --json`` with the blob-id cache removed, as a ratio to the floor:
  a bare script doing the same ``git ls-tree`` + one ``git cat-file --batch`` + ``tomllib.loads``
  of every answers file (target <= 1.5); also shown as the median of each interleaved pair's
  ratio, which a machine that changes speed between processes (these do, by a quarter and
  more) moves less than the ratio of the two medians;
- warm: the same with the cache filled, as a ratio to cold (target <= 0.2);
- scaling: cold status on 10,000 runs against 1,000 runs (target <= 11x);
- peak memory (max RSS) of status on 10,000 runs (target <= 150 MB).

- first frame: the TUI in the 10,000-run repository against a bare Textual app (header, label,
  footer) started the same way, each timed at its first drawn frame (target <= 1.25; measured
  by bench_startup.py, which also runs alone, with three times the samples of the others).

Repositories are built once by synthetic_repo.py (100,000 commits) and reused from
/tmp/kundencheck-bench.

    python benchmarks/bench_history.py [--samples 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FLOOR = r"""
import subprocess, sys, tomllib
repo = sys.argv[1]
tree = subprocess.run(["git", "ls-tree", "-r", "-z", "--full-tree", "HEAD", "--", ".kundencheck/answers"],
                      cwd=repo, capture_output=True, check=True).stdout
oids = [rec.split(b" ")[2].split(b"\t")[0] for rec in tree.split(b"\0") if rec]
out = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input=b"".join(o + b"\n" for o in oids),
                     capture_output=True, check=True).stdout
pos = 0
for _ in oids:
    eol = out.index(b"\n", pos)
    size = int(out[pos:eol].split(b" ")[2])
    tomllib.loads(out[eol + 1:eol + 1 + size].decode())
    pos = eol + 1 + size + 1
"""

MAXRSS = r"""
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - t0


def status_argv(repo: Path) -> list[str]:
    return [sys.executable, "-m", "kundencheck", "-C", str(repo), "status", "--json"]


def drop_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "kundencheck" / "cache", ignore_errors=True)


def cold(repo: Path) -> float:
    drop_cache(repo)
    return timed(status_argv(repo))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--root", type=Path, default=Path("/tmp/kundencheck-bench"))
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import synthetic_repo

    big = synthetic_repo.build(synthetic_repo.folder(args.root, 100_000, 10_000), commits=100_000, runs=10_000)
    small = synthetic_repo.build(synthetic_repo.folder(args.root, 100_000, 1_000), commits=100_000, runs=1_000)
    floor_argv = [sys.executable, "-c", FLOOR, str(big)]
    timed(floor_argv), cold(big), cold(small)  # warm the file cache

    floors, colds, warms, smalls = [], [], [], []
    for _ in range(args.samples):  # interleaved, so load on the machine hits all alike
        floors.append(timed(floor_argv))
        colds.append(cold(big))
        warms.append(timed(status_argv(big)))  # cache just filled by the cold run
        smalls.append(cold(small))
    rss_kb = int(
        subprocess.run([sys.executable, "-c", MAXRSS, *status_argv(big)], capture_output=True, text=True, check=True).stdout
    )
    drop_cache(big)
    rss_cold_kb = int(
        subprocess.run([sys.executable, "-c", MAXRSS, *status_argv(big)], capture_output=True, text=True, check=True).stdout
    )

    f, c, w, s = (statistics.median(x) for x in (floors, colds, warms, smalls))
    print(f"repositories: 100,000 commits; 10,000 and 1,000 answer runs (medians of {args.samples})")
    print(f"floor (ls-tree + cat-file --batch + tomllib), 10k runs: {f * 1000:7.0f} ms")
    print(
        f"status cold, 10k runs:                                  {c * 1000:7.0f} ms   "
        f"ratio to floor {c / f:5.2f} (target <= 1.5)"
    )
    paired = statistics.median(cs / fs for cs, fs in zip(colds, floors, strict=True))
    print(f"  the same, median of the {args.samples} interleaved pairs' ratios:                             {paired:5.2f}")
    print(
        f"status warm, 10k runs:                                  {w * 1000:7.0f} ms   "
        f"ratio to cold  {w / c:5.2f} (target <= 0.2)"
    )
    print(
        f"status cold, 1k runs:                                   {s * 1000:7.0f} ms   10k / 1k       {c / s:5.2f} (target <= 11)"
    )
    print(f"peak memory of status, 10k runs: cold {rss_cold_kb / 1024:6.1f} MB, warm {rss_kb / 1024:6.1f} MB (target <= 150 MB)")
    import bench_startup

    bares, ourss = bench_startup.samples_of(big, samples=max(3 * args.samples, 15))
    bare, ours = statistics.median(bares), statistics.median(ourss)
    print(
        f"TUI first frame, 10k runs:                              {ours * 1000:7.0f} ms   "
        f"ratio to bare  {ours / bare:5.2f} (target <= 1.25; bare Textual app {bare * 1000:.0f} ms)"
    )
    print(
        f"  fastest samples (least disturbed by other load):      {min(ourss) * 1000:7.0f} ms   "
        f"ratio to bare  {min(ourss) / min(bares):5.2f}"
    )


if __name__ == "__main__":
    main()
