"""The `kundencheck-check` hook of .pre-commit-hooks.yaml, run by the real pre-commit framework.

A copy of this checkout (the files a `pip install` needs, plus the hooks file) is committed into
a temporary hook repository; a temporary project repository names it in its
.pre-commit-config.yaml and runs `pre-commit run --hook-stage pre-push kundencheck-check`.
pre-commit builds a virtualenv and pip-installs kundencheck into it, so this needs the package
index (it is there for the developers and CI) and takes a while: marked slow, still run by
default. PRE_COMMIT_HOME is a temporary folder, so nothing is left in the user's cache.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kundencheck.core.catalog import load_catalog
from kundencheck.store.git_store import GitStore
from tests.support.git import git
from tests.support.history import JONAS, base_answers, commit_run
from tests.support.paths import ROOT
from tests.support.pushing import gated_clone
from tests.support.template import GREEN, fill

pytestmark = pytest.mark.slow

#: What the hook repository needs: pip builds the package from these.
HOOK_REPO_FILES = (".pre-commit-hooks.yaml", "pyproject.toml", "README.md", "src", "checklists")


def test_the_hooks_file_offers_kundencheck_check():
    import yaml  # pre-commit's own dependency

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "kundencheck-check" and hook["entry"] == "kundencheck check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False and hook["always_run"] is True
    assert hook["stages"] == ["pre-push"]


@pytest.fixture
def hook_repo(tmp_path) -> tuple[Path, str]:
    """A git repository holding this checkout's package files, as pre-commit wants one."""
    path = tmp_path / "kundencheck-hook"
    path.mkdir()
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, path / name)
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "kundencheck as a hook repository")
    return path, git(path, "rev-parse", "HEAD").strip()


def pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1", "SKIP": "", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--hook-stage", "pre-push", "kundencheck-check"],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_hook_fails_when_the_check_is_due_and_passes_after_a_fresh_run(project_repo, hook_repo, tmp_path):
    assert importlib.util.find_spec("pre_commit"), "pre-commit is in the test extras: pip install -e '.[test]'"
    hook_path, rev = hook_repo
    project = project_repo
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_path}\n    rev: {rev}\n    hooks:\n      - id: kundencheck-check\n"
    )
    (project / ".kundencheck" / "config.toml").write_text('project = "Shop"\nphase = "build"\n')
    git(project, "add", ".pre-commit-config.yaml", ".kundencheck/config.toml")
    git(project, "commit", "-q", "-m", "Add the kundencheck gate")
    checklist = load_catalog(project).find("build", "en")
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    with GitStore.open(project) as store:  # the last check was a month ago: due again
        commit_run(store, checklist, JONAS, "old sprint", now - dt.timedelta(days=30), base_answers("green", 4, "green"))
    home = tmp_path / "pre-commit-home"

    started = time.monotonic()
    failed = pre_commit(project, home)  # the first run also builds the hook's environment
    first = time.monotonic() - started
    out = failed.stdout + failed.stderr
    assert failed.returncode == 1, out
    assert "kundencheck check" in out and "Failed" in out
    assert "check due (due): The build check is due: it was last done on" in out and "days ago" in out
    assert "kundencheck check: failed, 1 error." in out

    with GitStore.open(project) as store:  # the team answers the check: a fresh run is committed
        commit_run(store, checklist, JONAS, "this sprint", now - dt.timedelta(minutes=10), base_answers("green", 5, "green"))
    started = time.monotonic()
    passed = pre_commit(project, home)
    second = time.monotonic() - started
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert "kundencheck check" in out and "Passed" in out
    print(f"pre-commit: first run (builds the hook environment) {first:.1f} s, second run {second:.1f} s")  # noqa: T201 - seen with -s


def test_kundencheck_push_refused_by_the_hook_through_pre_commit_says_the_teams_gate_refused(
    project_repo, hook_repo, tmp_path, monkeypatch
):
    """As the README sets the gate up: `.pre-commit-config.yaml` and `pre-commit install --hook-type
    pre-push` in a person's clone. The push after `answer --push` is refused by the gate (an
    overdue action) through pre-commit's hook: the warning says that the team's gate refused, with
    its finding, and keeps the commit; `kundencheck push` pushes once the action is decided."""
    from click.testing import CliRunner

    from kundencheck.cli import main

    hook_path, rev = hook_repo
    (project_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_path}\n    rev: {rev}\n    hooks:\n      - id: kundencheck-check\n"
    )
    git(project_repo, "add", ".pre-commit-config.yaml")
    git(project_repo, "commit", "-q", "-m", "Add the kundencheck gate")
    gated = gated_clone(tmp_path, project_repo)  # an action ten days overdue; Erika's clone
    clone, remote, old = gated["path"], gated["remote"], gated["old"]
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("PRE_COMMIT_COLOR", "never")
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--install-hooks", "--hook-type", "pre-push"],
        check=False,
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    def invoke(*args, input=None):
        return CliRunner().invoke(main, ["-C", str(clone), *args], input=input, catch_exceptions=False, env={"COLUMNS": "300"})

    def answer(*args, reviews=""):
        text = fill(invoke("answer", "build", "--template").output, GREEN) + reviews
        return invoke("answer", "build", "--from", "-", *args, input=text)

    before = git(remote, "rev-parse", "main")
    result = answer("--push")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "kundencheck: warning: Not pushed: the pre-push hook refused to push main to origin, and what refused is the "
        "team's own gate, `kundencheck check`: it found 1 problem"
    )
    assert "✘ overdue action: build/client-contacted: the action " in result.stderr
    assert '"Call the client"' in result.stderr
    assert "The commit is kept in your repository." in result.stderr
    assert git(remote, "rev-parse", "main") == before
    decided = answer(reviews=f'\n[[reviews]]\nrun = "{old.id}"\nitem = "client-contacted"\ndecision = "done"\n')
    assert decided.exit_code == 0, decided.output
    pushed = invoke("push")
    assert pushed.exit_code == 0, pushed.output
    assert git(remote, "rev-parse", "main") == git(clone, "rev-parse", "HEAD")
