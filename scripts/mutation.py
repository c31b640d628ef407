"""Mutation check: run mutmut on ``core/`` and on the store's commit path and print the score.

    python scripts/mutation.py                      # core (every module of core/), then store.commit
    python scripts/mutation.py core                 # every core module
    python scripts/mutation.py core.gate store.commit
    python scripts/mutation.py --list               # the targets, their files and their tests
    python scripts/mutation.py core.gate --survivors  # also show each surviving mutant's diff

Each target runs in a scratch copy of the checkout (``build/mutation/TARGET/``): mutmut reads its
settings from the ``pyproject.toml`` of the folder it runs in, so the script writes one there
with the target's files and tests; the checkout itself is never changed. The run is niced
(``nice -n 15``) and uses one worker unless ``--max-children`` says otherwise: it is meant to run
beside other work. A run takes long (CONTRIBUTING.md, "Mutation score", has the figures); it is
not part of ``.ci/run``, but ``tests/test_mutation_config.py`` checks this file's targets.

The score of a target is killed / total: a mutant counts as killed when a test failed or timed
out with it; a survivor, a mutant no selected test runs ("no tests") and anything else counts
against the score. Exit status: 0 when ``core`` reaches the target (``--fail-under``, 90%), 1
otherwise, 2 when mutmut itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "src/kundencheck"
SCRATCH = ROOT / "build" / "mutation"
FAIL_UNDER = 90.0

#: Copied next to the tests in mutmut's copy of the checkout: tests read the shipped checklists,
#: the docs (the formats' examples) and the README (its user config example) at paths relative
#: to the repository's root.
ALSO_COPY = ("checklists", "docs", "README.md")

#: The store's commit path: store/committing.py (writing the files, building the tree and the
#: commit, moving the branch, undoing or recovering a half-done commit, reading it back), and
#: the atomic writes and the index lock's journal it uses.
COMMIT_PATH = ("committing.py", "atomic.py", "index_lock.py")

#: The tests of the pure core: tests/core, and the report model's and the answers CSV's tests,
#: which are pure too but live with the report's browser tests.
CORE_TESTS = ("tests/core", "tests/report/test_report_model.py", "tests/report/test_answers_csv.py")

#: The property tests (hypothesis) are left out of the core run: they take nine tenths of the
#: core suite's time (a minute of the 70 s), and every mutant of the parsers and text helpers
#: they call would run them; what they find is random, so a kill by them would not repeat.
NOT_RUN = ("tests/core/test_properties.py",)

#: Store tests that start a Python of their own importing kundencheck (a git missing or too
#: old, processes committing at once, a kundencheck killed in the middle): in that child,
#: mutmut's bookkeeping looks for its settings in the child's folder and fails, so they cannot
#: run under mutmut. The other store tests cover the same code in-process.
CHILD_PYTHONS = (
    "test_missing_git_binary_gives_a_message_not_a_traceback",
    "test_too_old_git_names_both_versions",
    "test_two_processes_committing_in_parallel_lose_nothing",
    "test_six_clones_pushing_the_answers_branch_at_once_all_get_through",
    "test_killed_during_the_fast_forward_the_next_kundencheck_finishes_or_undoes_it",
    "test_a_lock_deleted_by_hand_then_taken_by_another_git_is_never_touched",
    "test_a_repository_moved_after_a_kill_is_recovered_where_it_is_now",
)


@dataclass(frozen=True)
class Target:
    """What one mutmut run mutates and which tests it runs against the mutants."""

    name: str
    files: tuple[str, ...]
    tests: tuple[str, ...]
    #: Which mutants count (fnmatch patterns over mutant names); empty: every mutant of ``files``.
    mutants: tuple[str, ...] = field(default=())
    #: Test files left out of the run (see :data:`NOT_RUN`).
    skip: tuple[str, ...] = field(default=())
    #: Tests left out by name (see :data:`CHILD_PYTHONS`).
    deselect: tuple[str, ...] = field(default=())


def core_modules() -> list[str]:
    return sorted(p.stem for p in (ROOT / PACKAGE / "core").glob("*.py") if p.stem != "__init__")


def targets() -> dict[str, Target]:
    """The runs this script knows: ``core`` (every module of core/ in one run: one run pays the
    start-up (mutmut runs the whole selection twice before the first mutant) once), each core
    module alone (``core.gate``: to retry one module), and ``store.commit``."""
    core = [Target(f"core.{m}", (f"{PACKAGE}/core/{m}.py",), CORE_TESTS, skip=NOT_RUN) for m in core_modules()]
    store = Target(
        "store.commit", tuple(f"{PACKAGE}/store/{name}" for name in COMMIT_PATH), ("tests/store",), deselect=CHILD_PYTHONS
    )
    whole_core = Target("core", tuple(f for t in core for f in t.files), CORE_TESTS, skip=NOT_RUN)
    return {t.name: t for t in [whole_core, *core, store]}


DEFAULT = ("core", "store.commit")


def select(names: list[str]) -> list[Target]:
    """The targets named; ``core`` and ``store.commit`` when none are."""
    every = targets()
    chosen: list[Target] = []
    for name in names or DEFAULT:
        if name not in every:
            raise SystemExit(f"mutation.py: no target {name!r}; `python scripts/mutation.py --list` shows them.")
        if every[name] not in chosen:
            chosen.append(every[name])
    return chosen


def mutmut_settings(target: Target, isolation: str = "forkserver") -> dict[str, object]:
    """The ``[tool.mutmut]`` table for ``target``'s run; ``isolation``, mutmut's
    ``process_isolation`` (:data:`RUN_AGAIN_IN_FORK` says when it is ``fork``)."""
    return {
        "source_paths": [PACKAGE],
        "only_mutate": list(target.files),
        "pytest_add_cli_args_test_selection": [
            *target.tests,
            *(f"--ignore={path}" for path in target.skip),
            *(["-k", "not (" + " or ".join(target.deselect) + ")"] if target.deselect else []),
        ],
        # Every mutant runs pytest anew in a process forked from mutmut's, which holds every test
        # module: pytest's unraisable-exception plugin collects garbage five times at the end of
        # each session, which there took two thirds of a mutant's time. What it reports are
        # warnings; the verdict of a test never depends on it.
        "pytest_add_cli_args": ["-p", "no:unraisableexception"],
        # Each mutant's process is forked from a small server that only imported pytest and the
        # tests, not from mutmut's own process, which has run the whole suite twice: there every
        # worker paid for copying the pages of hundreds of megabytes it touched.
        "process_isolation": isolation,
        "also_copy": list(ALSO_COPY),
        # The suites run real git; a loaded machine makes them slower, not wrong.
        "timeout_multiplier": 30.0,
    }


def prepare(
    target: Target, folder: Path, *, resume: bool = False, isolation: str = "forkserver", fresh_stats: bool = True
) -> None:
    """Lay out ``folder`` as the copy of the checkout that mutmut runs in. With ``resume`` the
    earlier run's results stay: the copy is brought up to date (what is gone from the checkout
    goes from it too), mutmut mutates again the functions whose source changed and runs the
    mutants not checked yet."""
    import tomlkit  # a runtime dependency of kundencheck

    if folder.exists() and not resume:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in ("src", "tests", *ALSO_COPY):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, folder / name)
            continue
        shutil.copytree(ROOT / name, folder / name, ignore=ignore, dirs_exist_ok=True)
        # What is gone from the checkout goes from the copies too (mutmut's own in mutants/, where
        # it copies the tests, checklists and docs the same way): a deleted test must not run on.
        for copy in (folder / name, folder / "mutants" / name):
            _remove_gone(copy, ROOT / name)
    project = tomlkit.parse((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    doc = tomlkit.document()
    tool = tomlkit.table(is_super_table=True)
    tool["pytest"] = {"ini_options": project["tool"]["pytest"]["ini_options"]}
    tool["mutmut"] = mutmut_settings(target, isolation)
    doc["tool"] = tool
    (folder / "pyproject.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
    mutated = folder / "mutants" / "src"
    if mutated.is_dir():  # mutmut copies the package's other files (catalogs, checklists) only once
        for path in (ROOT / "src").rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                copy = mutated / path.relative_to(ROOT / "src")
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
    # mutmut keeps which tests run each function (its "stats") and, on a later run, collects them
    # only for tests it has not seen: a function split off since (called by an old test) would
    # have no tests, and its mutants would count as "no tests". Collected anew, whole, each run.
    if fresh_stats:
        (folder / "mutants" / STATS_FILE).unlink(missing_ok=True)
    for relpath in target.files:  # a run stopped while mutmut wrote a file's results: mutate it anew
        meta = folder / "mutants" / (relpath + ".meta")
        if meta.exists() and _results(meta) is None:
            meta.unlink()
            (folder / "mutants" / relpath).unlink(missing_ok=True)


#: Which tests mutmut runs for each function, written by it in mutants/.
STATS_FILE = "mutmut-stats.json"

#: What mutmut writes beside each file it mutates (in mutants/): its results and its spans.
MUTMUT_SUFFIXES = (".meta", ".spans")


def _remove_gone(copy: Path, source: Path) -> None:
    """Delete the files (and then empty folders) of ``copy`` that ``source`` no longer has; the
    files mutmut keeps beside a source file (:data:`MUTMUT_SUFFIXES`) stay as long as it is there."""
    if not copy.is_dir():
        return
    for path in sorted(copy.rglob("*"), reverse=True):  # a folder's files before the folder
        relative = path.relative_to(copy)
        original = source / (relative.with_suffix("") if path.suffix in MUTMUT_SUFFIXES else relative)
        if "__pycache__" in relative.parts or original.exists():
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink()


def _results(meta: Path) -> dict[str, int | None] | None:
    """The exit code of each mutant in a ``.meta`` file of mutmut's, None when it cannot be read."""
    try:
        return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


#: mutmut's exit codes of a killed mutant: a test failed (1), pytest failed (3), the time ran out
#: (24, 36, 152, -24), the type checker refused it (37). Everything else counts against the score.
KILLED_CODES = frozenset({1, 3, 24, 36, 37, 152, -24})

#: What mutmut's fork server records (mutmut calls it "timeout") when pytest could not even start
#: the mutant's tests: after the server's collection, pytest in its children failed to find some
#: test ids it had collected ("not found", exit 4), for every mutant of the functions those tests
#: call, whatever the mutant did. Those mutants are run again with a process forked from mutmut's
#: own (``process_isolation = fork``), where the ids are found; the code counts as not killed.
RUN_AGAIN_IN_FORK = 255


@dataclass
class Score:
    name: str
    statuses: dict[str, str]
    seconds: float = 0.0

    @property
    def killed(self) -> int:
        return sum(1 for s in self.statuses.values() if s == "killed")

    @property
    def total(self) -> int:
        return len(self.statuses)

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 100.0

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses.values() if s == status)

    @property
    def not_killed(self) -> list[tuple[str, str]]:
        return sorted((name, s) for name, s in self.statuses.items() if s != "killed")


def counted(name: str, target: Target, only: tuple[str, ...] = ()) -> bool:
    """Whether the mutant ``name`` counts in ``target``'s score (and in ``--only``'s selection)."""
    from fnmatch import fnmatchcase

    return all(not patterns or any(fnmatchcase(name, p) for p in patterns) for patterns in (target.mutants, only))


def _codes_of(target: Target, folder: Path, code: int) -> list[str]:
    """The target's mutants whose recorded exit code is ``code``."""
    found: list[str] = []
    for relpath in target.files:
        meta = folder / "mutants" / (relpath + ".meta")
        codes = _results(meta) if meta.exists() else None
        found += [name for name, value in (codes or {}).items() if value == code and counted(name, target)]
    return found


def read_results(target: Target, folder: Path, only: tuple[str, ...] = ()) -> dict[str, Score]:
    """Each file's counted mutants and their status ("killed", "survived", "no tests", ...), from
    the ``.meta`` files mutmut leaves in ``mutants/``."""
    from mutmut.stats import status_by_exit_code

    scores: dict[str, Score] = {}
    for relpath in target.files:
        meta = folder / "mutants" / (relpath + ".meta")
        statuses: dict[str, str] = {}
        codes = _results(meta) if meta.exists() else None
        if codes is not None:
            for name, code in codes.items():
                if counted(name, target, only):
                    statuses[name] = "killed" if code in KILLED_CODES else status_by_exit_code[code]
        scores[relpath] = Score(relpath.removeprefix(PACKAGE + "/"), statuses)
    return scores


def run(
    target: Target,
    max_children: int,
    *,
    resume: bool,
    show_survivors: bool,
    only: tuple[str, ...] = (),
    report: bool = False,
    retry: bool = False,
) -> list[Score] | None:
    folder = SCRATCH / target.name
    seconds = 0.0
    names = only or target.mutants  # what mutmut runs (the score counts ``only`` of the target)
    if retry:  # the mutants tried before and not killed, by name: the ones never tried stay so
        names = tuple(
            name
            for score in read_results(target, folder, only).values()
            for name, status in score.not_killed
            if status != "not checked"
        )
        if not names:
            print(f"== {target.name}: nothing tried and not killed to try again", flush=True)
            report = True
    if not report:
        prepare(target, folder, resume=resume or retry)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        mutmut_run = ["nice", "-n", "15", sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children)]
        print(f"== {target.name}: mutating {len(target.files)} file(s), running {' '.join(target.tests)}", flush=True)
        start = time.monotonic()
        log = folder / "mutmut.log"
        with log.open("w", encoding="utf-8") as out:
            done = subprocess.run([*mutmut_run, *names], cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
        if done.returncode == 0:
            again = _codes_of(target, folder, RUN_AGAIN_IN_FORK)
            if again:
                print(f"   {len(again)} mutants the fork server could not test: again in fork mode", flush=True)
                prepare(target, folder, resume=True, isolation="fork", fresh_stats=False)
                with log.open("a", encoding="utf-8") as out:
                    done = subprocess.run(
                        [*mutmut_run, *again],
                        cwd=folder,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        check=False,
                    )
        seconds = time.monotonic() - start
        if done.returncode != 0:
            print(f"   mutmut failed (exit {done.returncode}); its output: {log}", flush=True)
            return None
        print(f"   done in {seconds / 60:.1f} min", flush=True)
    elif not folder.exists():
        print(f"== {target.name}: no run in {folder} to report on", flush=True)
        return None
    scores = list(read_results(target, folder, only).values())
    for score in scores:
        for name, status in score.not_killed:
            if status == "not checked":
                continue  # counted in the table
            print(f"   {status}: {name}", flush=True)
            if show_survivors:
                shown = subprocess.run(
                    [sys.executable, "-m", "mutmut", "show", name], cwd=folder, capture_output=True, text=True, check=False
                )
                print("      " + shown.stdout.strip().replace("\n", "\n      "), flush=True)
    whole = Score(target.name, {k: v for s in scores for k, v in s.statuses.items()}, seconds)
    (folder / "score.json").write_text(
        json.dumps(
            {
                "target": target.name,
                "seconds": round(seconds),
                "files": {s.name: {"killed": s.killed, "total": s.total, "not_killed": dict(s.not_killed)} for s in scores},
            },
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return [*scores, whole] if len(scores) > 1 else [whole]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "targets", nargs="*", help="targets (core, core.MODULE, store.commit); core and store.commit when none are given"
    )
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    parser.add_argument("--max-children", type=int, default=1, help="mutmut's parallel workers (default 1)")
    parser.add_argument(
        "--resume", action="store_true", help="keep the last run's results; run what is not checked yet or changed since"
    )
    parser.add_argument("--survivors", action="store_true", help="show the diff of each mutant not killed")
    parser.add_argument("--report", action="store_true", help="only print the score of the last run (run nothing)")
    parser.add_argument(
        "--retry",
        action="store_true",
        help="keep the last run's results; try again the mutants tried and not killed (after new tests)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only the mutants whose names match (fnmatch, e.g. '*_swap_loop*'); may be repeated",
    )
    parser.add_argument("--fail-under", type=float, default=FAIL_UNDER, help="the score core must reach")
    args = parser.parse_args(argv)
    chosen = select(args.targets)
    if args.list:
        for t in chosen if args.targets else targets().values():
            print(f"{t.name}: {' '.join(t.files)} (tests: {' '.join(t.tests)})")
        return 0
    rows: list[Score] = []
    failed = False
    for target in chosen:
        scores = run(
            target,
            args.max_children,
            resume=args.resume,
            show_survivors=args.survivors,
            only=tuple(args.only),
            report=args.report,
            retry=args.retry,
        )
        if scores is None:
            failed = True
        else:
            rows += scores
    print("\nMutation score: killed / total, and of the mutants checked; survived, no test ran them, not checked")
    for s in rows:
        spent = f"  {s.seconds / 60:.1f} min" if s.seconds else ""
        checked = s.total - s.count("not checked")
        of_checked = f"{100.0 * s.killed / checked:5.1f}%" if checked else "    -"
        print(
            f"  {s.name:<24} {s.killed:>5} / {s.total:<5} {s.percent:5.1f}%  {of_checked}   "
            f"{s.count('survived'):>4} {s.count('no tests'):>4} {s.count('not checked'):>5}{spent}"
        )
    core = [s for s in rows if s.name == "core"]
    if core and core[0].percent < args.fail_under:
        return 1
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
