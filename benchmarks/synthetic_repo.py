"""Build a large synthetic project repository with ``git fast-import``, for the benchmarks.

``build(path, commits=100_000, runs=10_000)`` makes a repository whose history has ``commits``
commits: ordinary code commits touching a few source files, and ``runs`` of them each adding
one realistic answers file (several authors, several phases, notes and actions), as a team
using kundencheck for years would have. As in the TUI, every run of a phase starts by reviewing
that phase's open actions (most done, some carried on, a few dropped with a note), and an action
is due one to two weeks after the run that raised it. Cached by size under the given folder;
GENERATION changes when the data does, so an older cached repository is built again.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
from pathlib import Path

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.checklist import Kind
from kundencheck.core.people import Person

AUTHORS = [
    ("Ana Schäfer", "ana@example.com"),
    ("Jonas Berg", "jonas@example.com"),
    ("Lea Yıldız", "lea@example.com"),
    ("Tom Weber", "tom@example.com"),
]
PHASE_WEIGHTS = [("build", 8), ("design", 1), ("acceptance", 1)]


GENERATION = 2
_TEMPLATES: dict[tuple[str, int], tuple[str, list[str]]] = {}
_T0 = dt.datetime(2000, 1, 1, 0, 0, tzinfo=dt.UTC)
VARIANTS = 64  # distinct answer patterns per phase; rendering each once keeps building fast


def _template(checklist, variant: int) -> tuple[str, list[str]]:
    """An answers file with placeholders for id, author, sprint, times and due dates, and the
    ids of the items that raise an action."""
    key = (checklist.id, variant)
    if key not in _TEMPLATES:
        rng = random.Random(variant)
        run = answers_mod.new_run(checklist, Person("AUTHOR"), sprint="SPRINT", started=_T0)
        run.id = "RUNID"
        run.finished = _T0 + dt.timedelta(minutes=1)
        values: dict = {}
        for item in checklist.items:
            if not checklist.is_visible(item, values):
                continue
            answer = Answer(item=item.id)
            if item.kind is Kind.TRAFFIC_LIGHT:
                answer.value = rng.choices(["green", "amber", "red", "na"], [6, 3, 1, 1])[0]
            elif item.kind is Kind.SCALE:
                answer.value = rng.randint(1, 5)
            elif item.kind is Kind.CHOICE:
                answer.value = rng.choice(item.options).id
            elif item.kind is Kind.DATE:
                answer.value = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(1, 20))
            else:
                answer.value = "Keep proposing options before the client has to ask."
            if item.needs_note(answer.value):
                answer.note = "Discussed in planning; the client has not confirmed yet."
            if item.needs_action(answer.value):
                answer.action = Action("Call the client and agree on next steps", "Ana", _DUE)
            values[item.id] = answer.value
            run.answers.append(answer)
        raising = [a.item for a in run.answers if a.action is not None]
        _TEMPLATES[key] = (answers_mod.dumps(run, checklist), raising)
    return _TEMPLATES[key]


_DUE = dt.date(2000, 1, 8)  # a placeholder, replaced by a date one to two weeks after each run
_REVIEW_NOTES = {"done": "", "open": "", "dropped": "No longer relevant after the client changed the scope."}


def _reviews(checklist, open_actions: list[tuple[str, str]], rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """The [[reviews]] tables a run starts with, and the actions that stay open after them."""
    tables, still_open = [], []
    for run_id, item_id in open_actions:
        decision = rng.choices(["done", "open", "dropped"], [75, 15, 10])[0]
        question = checklist.item(item_id).question if checklist.item(item_id) else item_id
        table = (
            f"[[reviews]]\n# Action from an earlier run: {question}\n"
            f'run = "{run_id}"\nitem = "{item_id}"\ndecision = "{decision}"\n'
        )
        if _REVIEW_NOTES[decision]:
            table += f'note = "{_REVIEW_NOTES[decision]}"\n'
        tables.append(table)
        if decision == "open":
            still_open.append((run_id, item_id))
    return "".join("\n" + t for t in tables), still_open


def _answers_file(
    checklist, author, started: dt.datetime, rng: random.Random, open_actions: list[tuple[str, str]]
) -> tuple[str, str, list[tuple[str, str]]]:
    """(path, text, the phase's open actions after this run) of one run."""
    name, email = author
    run = answers_mod.new_run(checklist, Person(name, email), started=started)
    run.id = f"{run.id[:-6]}{rng.getrandbits(24):06x}"
    finished = started + dt.timedelta(minutes=rng.randint(4, 15))
    template, raising = _template(checklist, rng.randrange(VARIANTS))
    due = started.date() + dt.timedelta(days=rng.randint(7, 14))
    reviews, still_open = _reviews(checklist, open_actions, rng)
    text = (
        template.replace('"RUNID"', f'"{run.id}"')
        .replace('"AUTHOR"', f'"{name} <{email}>"')
        .replace('"SPRINT"', f'"{answers_mod.sprint_label(started)}"')
        .replace("2000-01-01T00:00:00Z", started.isoformat())
        .replace("2000-01-01T00:01:00Z", finished.isoformat())
        .replace(f"due = {_DUE.isoformat()}", f"due = {due.isoformat()}")
    ) + reviews
    return run.path, text, still_open + [(run.id, item_id) for item_id in raising]


def folder(root: Path, commits: int, runs: int) -> Path:
    """Where a repository of this size and generation is cached under ``root``."""
    return root / f"{commits}-{runs}-g{GENERATION}"


def build(path: Path, commits: int = 100_000, runs: int = 10_000, seed: int = 48) -> Path:
    marker = path / ".synthetic-done"
    if marker.exists() and marker.read_text().split()[-1:] == [f"generation-{GENERATION}"]:
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    catalog = load_catalog(None)
    checklists = {phase: catalog.find(phase, "en") for phase, _ in PHASE_WEIGHTS}
    rng = random.Random(seed)
    start = dt.datetime(2019, 1, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    run_every = max(commits // max(runs, 1), 1)
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=path, stdin=subprocess.PIPE)
    out = proc.stdin
    assert out is not None

    def data(blob: bytes) -> None:
        out.write(b"data %d\n" % len(blob))
        out.write(blob)
        out.write(b"\n")

    made_runs = 0
    open_actions: dict[str, list[tuple[str, str]]] = {phase: [] for phase, _ in PHASE_WEIGHTS}
    for n in range(commits):
        moment = start + dt.timedelta(minutes=30 * n)
        name, email = AUTHORS[n % len(AUTHORS)]
        stamp = f"{int(moment.timestamp())} +0100"
        out.write(b"commit refs/heads/main\n")
        out.write(f"author {name} <{email}> {stamp}\ncommitter {name} <{email}> {stamp}\n".encode())
        if made_runs < runs and n % run_every == run_every - 1:
            phase = rng.choices([p for p, _ in PHASE_WEIGHTS], [w for _, w in PHASE_WEIGHTS])[0]
            rel, text, open_actions[phase] = _answers_file(checklists[phase], (name, email), moment, rng, open_actions[phase])
            data(
                (
                    f"kundencheck({phase}): synthetic run {made_runs}\n\n"
                    f"Kundencheck-Run: {Path(rel).stem}\nKundencheck-Phase: {phase}\n"
                ).encode()
            )
            out.write(f"M 100644 inline {rel}\n".encode())
            data(text.encode())
            made_runs += 1
        else:
            data(f"Work on feature {n}\n".encode())
            out.write(f"M 100644 inline src/module_{n % 200}.py\n".encode())
            data(f"VALUE = {n}\n".encode())
        out.write(b"\n")
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)
    subprocess.run(["git", "config", "user.name", "Bench Mark"], cwd=path, check=True)
    subprocess.run(["git", "config", "user.email", "bench@example.com"], cwd=path, check=True)
    marker.write_text(f"{commits} {made_runs} generation-{GENERATION}\n")
    return path


if __name__ == "__main__":
    import time

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else folder(Path("/tmp/kundencheck-bench"), 100_000, 10_000)
    t0 = time.perf_counter()
    build(target)
    print(f"built {target} in {time.perf_counter() - t0:.1f} s")
