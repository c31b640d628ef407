"""Sparse checkouts and partial clones (issue 16, item 7), on real clones.

A sparse checkout whose work tree lacks .kundencheck/ (cone mode, CI jobs that check out only
what they build) still has the config, the checklists and the answers in git: `check`,
`status` and `run` read them from the tree of HEAD (the checklists, else from the team's
answers branch). A blobless partial clone has the answers files' blobs only on the remote:
`status` finds which are missing without fetching them, then fetches them all in one batch,
saying so on one line; it never starts one fetch per file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core.config import CONFIG_PATH
from tests.support.git import git

TODAY = ("--today", "2026-04-10")


def invoke(repo: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo), *args], catch_exceptions=False, env={"COLUMNS": "250"})


def sparse_clone(origin: Path, target: Path, *extra: str) -> Path:
    """A clone of ``origin`` checked out in cone mode with only docs/ besides the top level:
    no .kundencheck/ in the work tree."""
    git(target.parent, "clone", "-q", "--no-checkout", *extra, f"file://{origin}", str(target))
    git(target, "sparse-checkout", "set", "--cone", "docs")
    git(target, "checkout", "-q", "main")
    assert not (target / ".kundencheck").exists() and (target / "README.md").exists()
    return target


@pytest.fixture
def origin(history_repo) -> Path:
    """The history repository with its config committed: overdue actions as of 2026-04-10."""
    repo = history_repo["path"]
    git(repo, "add", CONFIG_PATH)
    git(repo, "commit", "-q", "-m", "Configure kundencheck")
    return repo


def test_check_status_and_run_read_config_and_checklists_from_git_in_a_sparse_checkout(origin, tmp_path):
    clone = sparse_clone(origin, tmp_path / "sparse")
    check = invoke(clone, "check", *TODAY)
    assert check.exit_code == 1, check.output  # before: "nothing to check", exit 0
    assert "of Shop | relaunch" in check.output  # the committed config's project name
    assert '"Book a review" (Ana, due 2026-03-20) is overdue by 21 days' in check.output
    status = invoke(clone, "status", "--json", *TODAY)
    assert status.exit_code == 0 and json.loads(status.stdout)["runs"] == 5
    # The project's own build checklist (tests/data/sprint.en.toml, version test-1), from git.
    template = invoke(clone, "answer", "build", "--template")
    assert template.exit_code == 0 and 'checklist_version = "test-1"' in template.output
    # What `kundencheck run` starts with: the project's checklist from git, a run of it.
    from kundencheck.session import RunSession, open_project

    project = open_project(clone)
    try:
        assert project.config.project == "Shop | relaunch" and project.config.source == "HEAD:.kundencheck/config.toml"
        session = RunSession.start(project, "build")
        assert session.checklist.version == "test-1" and session.checklist.source.startswith("HEAD:")
        session.release()
    finally:
        project.close()
    assert not (clone / ".kundencheck").exists()  # read from git, nothing written into the work tree


def test_the_checklists_come_from_the_answers_branch_when_head_has_none(origin, tmp_path):
    # The team keeps its checklists and answers on its answers branch; HEAD has only the config.
    git(origin, "branch", "kundencheck")
    git(origin, "rm", "-q", "-r", "--cached", ".kundencheck/checklists", ".kundencheck/answers")
    (origin / CONFIG_PATH).write_text('project = "Shop"\nphase = "build"\n[storage]\nbranch = "kundencheck"\n')
    git(origin, "add", CONFIG_PATH)
    git(origin, "commit", "-q", "-m", "Answers and checklists on the team's branch")
    clone = sparse_clone(origin, tmp_path / "sparse")
    check = invoke(clone, "check", *TODAY)
    assert check.exit_code == 1 and "overdue by 21 days" in check.output, check.output
    template = invoke(clone, "answer", "build", "--template")
    assert template.exit_code == 0 and 'checklist_version = "test-1"' in template.output


def test_a_broken_committed_config_is_named_with_where_it_was_read(origin, tmp_path):
    (origin / CONFIG_PATH).write_text('project = "Shop"\ncadence_days = 0\n')
    git(origin, "commit", "-q", "-a", "-m", "A broken config")
    clone = sparse_clone(origin, tmp_path / "sparse")
    result = invoke(clone, "check", *TODAY)
    assert result.exit_code == 2
    assert "HEAD:.kundencheck/config.toml, line 2, key 'cadence_days'" in " ".join(result.output.split())


def test_a_sparse_checkout_of_a_project_without_kundencheck_still_passes(repo, tmp_path):
    clone = sparse_clone(repo, tmp_path / "sparse")
    result = invoke(clone, "check")
    assert result.exit_code == 0 and "does not use kundencheck yet" in result.output


# ----------------------------------------------------------------------------- partial clones

RUNS = 150


def many_runs(origin: Path, count: int = RUNS) -> None:
    """``count`` answers files in one commit (each its own blob)."""
    import datetime as dt

    from kundencheck.core import answers as answers_mod
    from kundencheck.core.answers import Answer, Run

    folder = origin / ".kundencheck" / "answers" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    for n in range(count):
        started = start + dt.timedelta(hours=n)
        run = Run(
            id=f"{started:%Y%m%dT%H%M%SZ}-build-ana-{n:06x}",
            checklist="build",
            checklist_version="1.0",
            phase="build",
            language="en",
            sprint=f"2026-S{n}",
            author="Ana <ana@example.com>",
            started=started,
            finished=started,
            answers=[Answer("client-contacted", "green"), Answer("team-mood", 1 + n % 5)],
        )
        (folder / f"{run.id}.toml").write_text(answers_mod.dumps(run), encoding="utf-8")
    git(origin, "add", ".kundencheck")
    git(origin, "commit", "-q", "-m", f"{count} runs")


@pytest.fixture
def partial(repo, tmp_path) -> Path:
    """A blobless partial clone of a repository holding 150 answers files."""
    many_runs(repo)
    git(repo, "config", "uploadpack.allowFilter", "true")
    git(repo, "config", "uploadpack.allowAnySHA1InWant", "true")
    clone = tmp_path / "partial"
    git(tmp_path, "clone", "-q", "--filter=blob:none", "--no-checkout", f"file://{repo}", str(clone))
    git(clone, "sparse-checkout", "set", "--cone", "docs")  # CI-like: no answers files checked out
    git(clone, "checkout", "-q", "main")
    missing = git(clone, "rev-list", "--objects", "--missing=print", "HEAD:.kundencheck/answers").split()
    assert sum(line.startswith("?") for line in missing) == RUNS  # the blobs are on the remote only
    return clone


def counted_status(clone: Path, tmp_path: Path, name: str) -> tuple[subprocess.CompletedProcess, list[str], list[list[str]]]:
    """`status --json` in a real process through a git that logs each time it is started
    (GIT_PYTHON_GIT_EXECUTABLE, which the store honours), with git's own trace of every git
    process (GIT_TRACE2_EVENT: also the fetches git starts by itself). Returns (result, the
    wrapper's calls, the argv of every git process traced)."""
    log, trace = tmp_path / f"{name}.calls", tmp_path / f"{name}.trace"
    wrapper = tmp_path / "counting-git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec git "$@"\n')
    wrapper.chmod(0o755)
    env = dict(os.environ, GIT_PYTHON_GIT_EXECUTABLE=str(wrapper), GIT_TRACE2_EVENT=str(trace), NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(clone), "status", "--json"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    argvs = [event["argv"] for event in map(json.loads, trace.read_text().splitlines()) if event.get("event") == "start"]
    return result, calls, argvs


def fetches(argvs: list[list[str]]) -> int:
    return sum(1 for argv in argvs if "fetch" in argv)


def test_status_in_a_partial_clone_fetches_the_answers_in_one_batch(partial, tmp_path):
    result, calls, argvs = counted_status(partial, tmp_path, "cold")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["runs"] == RUNS
    said = [line for line in result.stderr.splitlines() if line.strip()]
    assert said == [
        (
            f"kundencheck: fetching {RUNS} answers files from origin in one batch (this clone is partial: git "
            "left them on the remote) …"
        )
    ], result.stderr
    assert fetches(argvs) == 1  # before: one fetch per answers file, 150
    assert len(calls) <= 12, calls  # the git processes kundencheck starts itself
    assert len(argvs) <= 40, [argv[:4] for argv in argvs]  # and every git process, fetch helpers included
    # A second status has everything: nothing fetched, nothing said.
    again, calls, argvs = counted_status(partial, tmp_path, "warm")
    assert again.returncode == 0 and again.stderr == "" and fetches(argvs) == 0
    assert json.loads(again.stdout)["runs"] == RUNS


def test_when_the_remote_cannot_be_reached_the_files_are_left_out_after_one_try(partial, repo, tmp_path):
    repo.rename(repo.with_name("gone"))
    result, calls, argvs = counted_status(partial, tmp_path, "offline")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["runs"] == 0 and len(shown["problems"]) == RUNS
    assert "is not in this partial clone and could not be fetched from origin" in shown["problems"][0]
    assert "`git fetch origin`" in shown["problems"][0]
    assert fetches(argvs) == 1  # one try, not one per file
    assert len(calls) <= 12, calls
