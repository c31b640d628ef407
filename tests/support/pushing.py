"""What the push tests share: answers commits as kundencheck makes them, hook and ssh scripts,
a remote known by a clone without being reached, another clone pushing first, and a clone whose
team's gate in the pre-push hook has an overdue action to refuse."""

from __future__ import annotations

import datetime as dt
import pathlib
import stat
import sys

from kundencheck.core.answers import Action
from kundencheck.core.catalog import load_catalog
from kundencheck.store.git_store import GitStore
from tests.support.git import ANSWERS, commit_all, git
from tests.support.history import JONAS, base_answers
from tests.support.history import commit_run as commit_history_run


def commit_answers(path: pathlib.Path, name: str = "a", *, ref: str | None = None) -> str:
    """A commit of one answers file ``name``.toml, as the store makes it (its message is not a
    run's: no Kundencheck-Run trailer)."""
    with GitStore.open(path) as store:
        return store.commit_file(f"{ANSWERS}/{name}.toml", b"x = 1\n", f"kundencheck: {name}\n", ref=ref).sha


def commit_run(path: pathlib.Path, run_id: str, *, ref: str | None = None) -> str:
    """An answers commit of kundencheck's: the file is named after the run, whose id the
    Kundencheck-Run trailer carries."""
    with GitStore.open(path) as store:
        return store.commit_file(
            f"{ANSWERS}/{run_id}.toml",
            f'id = "{run_id}"\n'.encode(),
            f"kundencheck(build): {run_id}\n\n    answers\n\nKundencheck-Run: {run_id}\n",
            ref=ref,
        ).sha


def upstream_at(repo: pathlib.Path, url: str) -> None:
    """``origin`` at ``url``, main's upstream, as a clone of it knows it (without reaching it)."""
    git(repo, "remote", "add", "origin", url)
    git(repo, "config", "branch.main.remote", "origin")
    git(repo, "config", "branch.main.merge", "refs/heads/main")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")


def script(path: pathlib.Path, body: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def another_clone_pushes(tmp_path: pathlib.Path, remote: pathlib.Path, name: str = "other", **files: str) -> pathlib.Path:
    """Someone else's clone commits ``files`` (name -> text) and pushes main first."""
    other = tmp_path / name
    git(tmp_path, "clone", "-q", str(remote), str(other))
    commit_all(other, "someone else's work", **(files or {"theirs.txt": "theirs\n"}))
    git(other, "push", "-q", "origin", "main")
    return other


#: A pre-push hook that runs the team's gate, as the README sets it up.
GATE_HOOK = f'exec "{sys.executable}" -m kundencheck check\n'


def gated_clone(tmp_path: pathlib.Path, project_repo: pathlib.Path) -> dict:
    """A project whose last build check was a month ago and left an action ten days overdue,
    on a bare remote, and Erika's clone of it: {"path" (the clone), "remote", "old" (that run)}.
    The hook is for the test to write (GATE_HOOK, or another)."""
    checklist = load_catalog(project_repo).find("build", "en")
    (project_repo / ".kundencheck" / "config.toml").write_text('project = "Shop"\nphase = "build"\n')
    git(project_repo, "add", ".kundencheck/config.toml")
    git(project_repo, "commit", "-q", "-m", "kundencheck config")
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    with GitStore.open(project_repo) as store:
        old = commit_history_run(
            store,
            checklist,
            JONAS,
            "an old sprint",
            now - dt.timedelta(days=30),
            base_answers(
                "red",
                4,
                "green",
                note="Only status mails",
                action=Action("Call the client", "Jonas", (now - dt.timedelta(days=10)).date()),
            ),
        )
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(project_repo), str(remote))
    path = tmp_path / "erika"
    git(tmp_path, "clone", "-q", str(remote), str(path))
    git(path, "config", "user.name", "Erika Mustermann")
    git(path, "config", "user.email", "erika@example.com")
    return {"path": path, "remote": remote, "old": old}
