"""Client projects for the portfolio tests, built the way teams build them: a work tree with a
committed config and checklist, runs committed through the store, pushed to a bare remote.

``client_project`` makes one (answers on the main branch, or with ``dedicated`` on a branch of
their own, as ``storage.branch`` says), with a file of code that a portfolio must never fetch;
``add_run`` commits and pushes one more run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from kundencheck.core import answers as answers_mod
from kundencheck.core.answers import Action, Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.message import build_message
from kundencheck.core.people import Person
from kundencheck.store.git_store import GitStore
from tests.support.git import git
from tests.support.history import ANA
from tests.support.paths import DATA

UTC = dt.UTC
#: A file of the project's code: its content must never reach a portfolio's cache.
CODE_FILE = "src/app.bin"


def client_project(
    root: Path,
    name: str,
    *,
    dedicated: bool = False,
    project: str = "",
    client: str = "",
    check: str = "",
    runs: int = 2,
    cadence: int = 14,
    language: str = "en",
) -> dict:
    """A project ``name`` under ``root``: its work tree and its bare remote (``remote``), with
    ``runs`` runs in consecutive sprints from 2026-03-02 (the first red with an action due
    2026-03-09, the others green)."""
    work = root / f"{name}-work"
    remote = root / "remotes" / f"{name}.git"
    work.mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    (work / "README.md").write_text(f"# {name}\n")
    (work / CODE_FILE).parent.mkdir(parents=True)
    (work / CODE_FILE).write_bytes(os.urandom(64 * 1024))
    folder = work / ".kundencheck"
    (folder / "checklists").mkdir(parents=True)
    shutil.copy(DATA / f"sprint.{language}.toml", folder / "checklists" / f"build.{language}.toml")
    storage = '[storage]\nbranch = "kundencheck"\n' if dedicated else ""
    (folder / "config.toml").write_text(
        f'project = "{project or name.title()}"\nclient = "{client or "Kunde GmbH"}"\nlanguage = "{language}"\n'
        f'phase = "build"\ncadence_days = {cadence}\n{storage}{check}'
    )
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Start the project")
    remote.parent.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", "main")
    info = {"name": name, "work": work, "remote": remote, "dedicated": dedicated, "runs": [], "language": language}
    for n in range(runs):
        add_run(info, red=n == 0, push=False)
    push(info)
    return info


def plain_project(root: Path, name: str) -> dict:
    """A project ``name`` under ``root`` that does not use kundencheck (no ``.kundencheck/``):
    one commit of code, pushed to its bare remote."""
    work = root / f"{name}-work"
    remote = root / "remotes" / f"{name}.git"
    work.mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    (work / "README.md").write_text(f"# {name}\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Start the project")
    remote.parent.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", "main")
    return {"name": name, "work": work, "remote": remote, "dedicated": False, "runs": [], "language": "en"}


def push(info: dict) -> None:
    work = info["work"]
    git(work, "push", "-q", "origin", "main")
    if info["dedicated"] and git(work, "branch", "--list", "kundencheck"):
        git(work, "push", "-q", "-u", "origin", "kundencheck")


def add_run(info: dict, *, red: bool = False, push: bool = True, who=ANA, mood: int = 4) -> answers_mod.Run:
    """Commit one more run (the next sprint, two weeks after the last) and push it."""
    work = info["work"]
    checklist = load_catalog(work).find("build", info["language"])
    n = len(info["runs"])
    started = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + dt.timedelta(days=14 * n)
    name, email = who
    run = answers_mod.new_run(checklist, Person(name, email), sprint=f"2026-S{n + 1:02d}", started=started)
    run.finished = started + dt.timedelta(minutes=7)
    action = Action("Call the product owner", "Ana", dt.date(2026, 3, 9)) if red else None
    run.answers = [
        Answer("client-contacted", "red" if red else "green", note="Only mails" if red else "", action=action),
        Answer("team-mood", mood),
        Answer("own-design", "no"),
        Answer("expectations-match", "green"),
        Answer("self-critical", "Fine."),
    ]
    with GitStore.open(work) as store:
        store.set_local_config("user.name", name)
        store.set_local_config("user.email", email)
        store.commit_file(
            run.path,
            answers_mod.dumps(run, checklist).encode("utf-8"),
            build_message(run, checklist),
            ref="kundencheck" if info["dedicated"] else None,
        )
    info["runs"].append(run)
    if push:
        globals()["push"](info)
    return run


#: The day the portfolio tests judge on: the projects' runs are of March 2026.
TODAY = "2026-03-20"
#: When the portfolio tests' fetches happen (what "fetched …" shows).
FETCHED = dt.datetime(2026, 3, 19, 7, 30, tzinfo=UTC)


def make_portfolio(
    root: Path,
    projects: list[dict],
    *,
    unreachable: str = "warning",
    title: str = "Agentur Beispiel",
    branches: dict[str, str] | None = None,
) -> Path:
    """A portfolio folder listing ``projects`` (made with :func:`client_project`), as `portfolio
    init` and `add` write it."""
    from kundencheck.core.portfolio import ProjectEntry, add_project, init_text

    folder = root / "portfolio"
    folder.mkdir(parents=True)
    text = init_text(title).replace('unreachable = "warning"', f'unreachable = "{unreachable}"')
    for info in projects:
        text = add_project(
            text,
            ProjectEntry(
                info["name"],
                str(info["remote"]),
                (branches or {}).get(info["name"]),
                client=f"Kunde {info['name'].title()}",
                owner="Ana",
            ),
        )
    (folder / "portfolio.toml").write_text(text)
    return folder


def agency(root: Path) -> dict:
    """Three client projects and their portfolio, fetched on :data:`FETCHED`: shop (answers on
    main; its first run's action, due 2026-03-09, is overdue), intranet (answers on a branch of
    their own; overdue actions are only a warning there), web (one run; its remote is deleted
    after the fetch, so the next fetch, a day later, fails)."""
    from kundencheck.portfolio_session import fetch_projects, load_portfolio

    shop = client_project(root, "shop", project="Shop relaunch")
    intranet = client_project(root, "intranet", dedicated=True, check='[check]\noverdue_action = "warning"\n')
    web = client_project(root, "web", runs=1, project="Web")
    folder = make_portfolio(root, [shop, intranet, web])
    loaded = load_portfolio(folder)
    reports = fetch_projects(loaded, list(loaded.portfolio.projects), now=FETCHED)
    assert all(r.error is None for r in reports), reports
    shutil.rmtree(web["remote"])
    again = fetch_projects(loaded, list(loaded.portfolio.projects), now=FETCHED + dt.timedelta(days=1))
    assert [r.entry.name for r in again if r.error is not None] == ["web"]
    return {"folder": folder, "shop": shop, "intranet": intranet, "web": web}
