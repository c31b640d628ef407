"""`kundencheck status` with 1,000 open action threads against the same history with 10.

Both repositories hold the same 100 runs of the build checklist, each raising an action on ten
items (1,000 actions): in one every action asks to be ``separate`` (1,000 open threads), in the
other they join the open thread of their item (10 open threads). So the runs read are the same
and only the threads differ; ``status`` lists a handful per phase either way. Each figure is the
median of interleaved fresh processes with the history cache filled (target: status <= 1.2);
``status --json`` (every thread listed) and ``check`` are shown beside it.

    python benchmarks/bench_actions.py [--samples 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.people import Person

WHERE = Path("/tmp/kundencheck-bench-actions")
RUNS = 100
ITEMS_WITH_ACTIONS = 10
TODAY = "2026-06-01"


def build(path: Path, *, separate: bool) -> Path:
    """A repository with RUNS runs, each raising an action on ITEMS_WITH_ACTIONS items."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    for key, value in (("user.name", "Bench"), ("user.email", "bench@example.com")):
        subprocess.run(["git", "-C", str(path), "config", key, value], check=True)
    (path / ".kundencheck").mkdir()
    (path / ".kundencheck" / "config.toml").write_text('project = "bench"\nphase = "build"\n')
    checklist = load_catalog(path).find("build", "en")
    items = [item for item in checklist.items if item.kind.value in ("traffic-light", "scale")][:ITEMS_WITH_ACTIONS]
    assert len(items) == ITEMS_WITH_ACTIONS
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    for n in range(RUNS):
        started = start + dt.timedelta(days=n)
        run = answers_mod.new_run(checklist, Person("Ana", "ana@example.com"), started=started)
        run.id = f"{started:%Y%m%dT%H%M%SZ}-build-ana-{n:06x}"
        run.finished = started + dt.timedelta(minutes=5)
        for k, item in enumerate(items):
            due = started.date() + dt.timedelta(days=7 + k)
            run.answers.append(
                Answer(
                    item.id,
                    "red" if item.kind.value == "traffic-light" else 1,
                    note="why",
                    action=Action(f"Action {n}-{k} on {item.id}", "Ana", due, separate=separate),
                )
            )
        target = path / run.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(answers_mod.dumps(run, checklist))
    subprocess.run(["git", "-C", str(path), "add", "."], check=True)
    subprocess.run(["git", "-C", str(path), "commit", "-q", "-m", "bench history"], check=True)
    return path


def timed(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=False)
    return time.perf_counter() - t0


def command(repo: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kundencheck", "-C", str(repo), *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    many = build(WHERE / "threads-1000", separate=True)
    few = build(WHERE / "threads-10", separate=False)
    for repo, expected in ((many, RUNS * ITEMS_WITH_ACTIONS), (few, ITEMS_WITH_ACTIONS)):
        out = subprocess.run(
            command(repo, "actions", "--format", "csv", "--today", TODAY), capture_output=True, check=True
        ).stdout
        threads = out.count(b"\r\n") - 1
        assert threads == expected, f"{repo}: {threads} open threads, expected {expected}"
        timed(command(repo, "status", "--today", TODAY))  # fills the history cache
    print(
        f"{RUNS} runs and {RUNS * ITEMS_WITH_ACTIONS:,} actions in each repository; medians of {args.samples} interleaved samples"
    )
    for label, cmd in (("status", ("status",)), ("status --json", ("status", "--json")), ("check", ("check",))):
        times: dict[str, list[float]] = {"many": [], "few": []}
        for _n in range(args.samples):
            times["many"].append(timed(command(many, *cmd, "--today", TODAY)))
            times["few"].append(timed(command(few, *cmd, "--today", TODAY)))
        t_many, t_few = statistics.median(times["many"]), statistics.median(times["few"])
        target = "  (target <= 1.2)" if label == "status" else ""
        print(
            f"{label:14} 1,000 threads {t_many * 1000:7.0f} ms   10 threads {t_few * 1000:7.0f} ms   "
            f"ratio {t_many / t_few:.2f}{target}"
        )


if __name__ == "__main__":
    main()
