"""A portfolio of 50 client projects: what ``kundencheck portfolio fetch`` transfers and how long
``portfolio status`` takes, each as a ratio against a baseline measured in the same run.

The data (portfolio_repos.py, built once with ``git fast-import`` and kept in
/tmp/kundencheck-bench): 50 local bare remotes, each a main branch of 10,000 commits (about
22 MB packed) and 200 answer runs, the even projects' on main, the odd ones' on a branch of their
own. Every command runs as a user runs it, a process of its own. Received packs are kept as
packs (``fetch.unpackLimit=1``), so their bytes are what came over the wire.

- bytes: ``portfolio fetch`` from nothing against full clones of all 50 (``git clone
  --no-local``): target <= 0.05;
- the first ``portfolio status`` after that fetch against ``kundencheck status`` in each full
  clone, one after another, summed (both cold: no history cache yet): target <= 2;
- ``fetch`` plus ``status`` with nothing new on any remote against the first fetch plus status:
  target <= 0.1;
- one new run in one project (once on main, once on an answers branch): the next fetch receives
  only that project's new objects (the other caches stay as they were).

    python benchmarks/bench_portfolio.py [--projects 50] [--root /tmp/kundencheck-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import portfolio_repos  # noqa: E402 (found through the sys.path line above, also when imported by the tests)

#: Received packs stay packs, so their size is what was transferred.
KEEP_PACKS = {
    "GIT_CONFIG_COUNT": "2",
    "GIT_CONFIG_KEY_0": "fetch.unpackLimit",
    "GIT_CONFIG_VALUE_0": "1",
    "GIT_CONFIG_KEY_1": "transfer.unpackLimit",
    "GIT_CONFIG_VALUE_1": "1",
}


#: Where the portfolio's caches go (KUNDENCHECK_PORTFOLIO_CACHE): beside the data, made anew
#: with the portfolio folder each run.
CACHE_ROOT: dict[str, Path] = {}


def env() -> dict[str, str]:
    cache = {"KUNDENCHECK_PORTFOLIO_CACHE": str(CACHE_ROOT["root"])} if CACHE_ROOT else {}
    return {**os.environ, **KEEP_PACKS, **cache, "COLUMNS": "200"}


def caches_of() -> Path:
    """The portfolio's cache folder (the one folder in the cache root: a portfolio's own)."""
    (folder,) = CACHE_ROOT["root"].iterdir()
    return folder


def kundencheck(*args: str) -> float:
    """Run the command as a user does; its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kundencheck", *args],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: the portfolio's projects fail their rules; that is data
        sys.exit(f"kundencheck {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return took


def pack_bytes(git_dir: Path) -> int:
    """Bytes of the packs (and any loose objects) a repository holds."""
    objects = git_dir / "objects"
    total = sum(p.stat().st_size for p in (objects / "pack").glob("*.pack"))
    total += sum(p.stat().st_size for p in objects.glob("[0-9a-f][0-9a-f]/*"))
    return total


def clones(data: Path, count: int) -> tuple[list[Path], int]:
    """Full clones of every remote (made once, kept beside the data), and their bytes."""
    folder = data / "clones"
    marker = folder / "bytes.json"
    if marker.exists():
        return sorted(p for p in folder.iterdir() if p.is_dir()), json.loads(marker.read_text())["bytes"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    made, total = [], 0
    for index in range(count):
        remote = data / "remotes" / f"p{index:02d}.git"
        clone = folder / f"p{index:02d}"
        subprocess.run(["git", "clone", "-q", "--no-local", remote.as_uri(), str(clone)], check=True, env=env())
        if index % 2 == 1:  # the team's clones have the answers branch as their own
            subprocess.run(["git", "-C", str(clone), "branch", "-q", "--track", "kundencheck", "origin/kundencheck"], check=True)
        total += pack_bytes(clone / ".git")
        made.append(clone)
    marker.write_text(json.dumps({"bytes": total}))
    return made, total


def objects_in(git_dir: Path) -> set[str]:
    out = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch-check=%(objectname)"],
        cwd=git_dir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def cache_packs() -> dict[str, set[str]]:
    return {
        cache.name: {p.name for p in (cache / "objects" / "pack").glob("*.pack")} for cache in sorted(caches_of().glob("*.git"))
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--root", type=Path, default=Path("/tmp/kundencheck-bench"))
    parser.add_argument("--samples", type=int, default=3, help="of the nothing-new fetch and status")
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = portfolio_repos.build(args.root, args.projects, args.commits, args.runs)
    full, full_bytes = clones(data, args.projects)
    print(f"data: {data} ({time.perf_counter() - t0:.0f} s to build or find); full clones: {full_bytes / 1e6:.1f} MB")

    # The baseline: kundencheck status in each full clone, one after another, cold and warm.
    for clone in full:
        shutil.rmtree(clone / ".git" / "kundencheck" / "cache", ignore_errors=True)
    cold = sum(kundencheck("-C", str(clone), "status", "--json") for clone in full)
    warm = sum(kundencheck("-C", str(clone), "status", "--json") for clone in full)
    print(f"status in each clone, summed: cold {cold:.2f} s, warm {warm:.2f} s")

    portfolio = data / "run"
    shutil.rmtree(portfolio, ignore_errors=True)
    portfolio.mkdir()
    CACHE_ROOT["root"] = data / "run-cache"
    shutil.rmtree(CACHE_ROOT["root"], ignore_errors=True)
    shutil.copy(data / "portfolio" / "portfolio.toml", portfolio / "portfolio.toml")
    first_fetch = kundencheck("-C", str(portfolio), "portfolio", "fetch")
    fetched_bytes = sum(pack_bytes(cache) for cache in caches_of().glob("*.git"))
    first_status = kundencheck("-C", str(portfolio), "portfolio", "status", "--format", "json")
    print(
        f"portfolio fetch from nothing: {first_fetch:.2f} s, {fetched_bytes / 1e6:.2f} MB; "
        f"first portfolio status: {first_status:.2f} s"
    )

    again = []
    for _ in range(args.samples):
        again.append(
            kundencheck("-C", str(portfolio), "portfolio", "fetch")
            + kundencheck("-C", str(portfolio), "portfolio", "status", "--format", "json")
        )
    nothing_new = statistics.median(again)
    print(
        f"nothing new: fetch + status {nothing_new:.2f} s (median of {args.samples}: "
        + ", ".join(f"{t:.2f}" for t in again)
        + ")"
    )

    print()
    print(f"bytes fetched / full clones:            {fetched_bytes / full_bytes:.4f}   (target <= 0.05)")
    print(
        f"first status / single statuses (cold):  {first_status / cold:.2f}     (target <= 2); "
        f"against warm ones {first_status / warm:.2f}"
    )
    print(f"nothing new / first fetch and status:   {nothing_new / (first_fetch + first_status):.3f}    (target <= 0.1)")

    # One new run in one project: only that project's cache receives anything.
    for index, dedicated in ((0, False), (1, True)):
        remote = data / "remotes" / f"p{index:02d}.git"
        ref = "refs/heads/kundencheck" if dedicated else "refs/heads/main"
        old = subprocess.run(
            ["git", "-C", str(remote), "rev-parse", ref], capture_output=True, text=True, check=True
        ).stdout.strip()
        before = cache_packs()
        held = objects_in(caches_of() / f"p{index:02d}.git")
        portfolio_repos.add_run(remote, dedicated=dedicated, seed=index)
        try:
            kundencheck("-C", str(portfolio), "portfolio", "fetch")
            after = cache_packs()
            changed = {name: sorted(after[name] - before[name]) for name in after if after[name] != before[name]}
            name = f"p{index:02d}.git"
            packs = [caches_of() / name / "objects" / "pack" / p for p in changed.get(name, [])]
            received = sum(p.stat().st_size for p in packs)
            kinds: list[str] = []
            bases = 0
            for pack in packs:
                out = subprocess.run(
                    ["git", "verify-pack", "-v", str(pack.with_suffix(".idx"))], capture_output=True, text=True, check=True
                ).stdout
                for line in out.splitlines():
                    fields = line.split()
                    if len(fields) >= 3 and fields[1] in ("commit", "tree", "blob"):
                        if fields[0] in held:
                            bases += 1  # a delta base git appended to a thin pack from the cache's own objects
                        else:
                            kinds.append(fields[1])
            where = "an answers branch" if dedicated else "main"
            counted = ", ".join(f"{kinds.count(kind)} {kind}" for kind in ("commit", "tree", "blob"))
            print(
                f"one new run on {where} in p{index:02d}: caches that received anything: {sorted(changed)}; "
                f"{len(kinds)} new objects ({counted}) in {len(packs)} packs of {received} bytes (with {bases} "
                f"delta bases the cache had, which git appends to a thin pack it receives)"
            )
        finally:
            subprocess.run(["git", "-C", str(remote), "update-ref", ref, old], check=True)  # the data as built
            kundencheck("-C", str(portfolio), "portfolio", "fetch")


if __name__ == "__main__":
    main()
