"""What the push tests share: a bare remote, answers commits as kundencheck makes them, hook
and ssh scripts, a remote known by a clone without being reached."""

from __future__ import annotations

import pathlib
import stat

from kundencheck.store.git_store import GitStore
from tests.store.conftest import ANSWERS, git


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
    from tests.store.conftest import commit_all

    other = tmp_path / name
    git(tmp_path, "clone", "-q", str(remote), str(other))
    commit_all(other, "someone else's work", **(files or {"theirs.txt": "theirs\n"}))
    git(other, "push", "-q", "origin", "main")
    return other
