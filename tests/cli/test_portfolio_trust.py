"""What a portfolio trusts, as git does for repositories: the caches (bare repositories git works
in) live in the user's cache folder, never among the portfolio's own files, so a cache that
arrives with a cloned portfolio repository runs nothing and decides nothing; git runs in a cache
with its hooks off; a cache folder or a portfolio.toml of another user is not used. On real
repositories, over file:// remotes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.portfolio_session import FOLDER_FILE, cache_folder_of, default_cache_root
from tests.support.portfolio import TODAY, add_run, client_project, git, make_portfolio

#: A user id nobody on the test machine has: what a file of "another user" is owned by.
STRANGER = 54321
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOT_ROOT = "only root can give a file to another user: run as root (as CI does) to test this direction"


def invoke(folder: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(
        main, ["-C", str(folder), "portfolio", *args], catch_exceptions=False, env={"COLUMNS": "250", **(env or {})}
    )


def own_check(work: Path) -> dict:
    result = CliRunner().invoke(main, ["-C", str(work), "check", "--format", "json", "--today", TODAY], catch_exceptions=False)
    return json.loads(result.stdout)


def planted_cache(folder: Path, name: str, marker: Path) -> Path:
    """A bare repository at ``folder``/NAME.git as an attacker commits one: a hook that git runs
    on every ref a fetch moves, and a config whose ssh command and upload-pack run a program."""
    bare = folder / f"{name}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(bare.parent, "init", "-q", "--bare", str(bare))
    hook = bare / "hooks" / "reference-transaction"
    hook.write_text(f"#!/bin/sh\necho hook >> {marker}\n")
    hook.chmod(0o755)
    evil = folder / "evil.sh"
    evil.write_text(f"#!/bin/sh\necho config >> {marker}\nexit 1\n")
    evil.chmod(0o755)
    git(bare, "config", "core.sshCommand", str(evil))
    git(bare, "config", "remote.origin.uploadpack", str(evil))
    for sub in ("refs/heads", "refs/tags", "objects/info", "objects/pack"):
        (bare / sub / ".keep").write_text("")
    (bare / "kundencheck").mkdir()
    (bare / "kundencheck" / "health.json").write_text('{"key": {}, "document": {}}')
    return bare


def test_a_cache_that_arrives_with_the_portfolio_repository_runs_nothing(tmp_path):
    """The review's reproduction: a shared portfolio repository commits a cache folder with a
    hook and a hostile config where the caches used to be (.kundencheck-cache/NAME.git). A clone
    of it fetches into the user's own cache: nothing of the planted one runs or is believed."""
    marker = tmp_path / "PWNED"
    shop = client_project(tmp_path, "shop", runs=1)
    evil = make_portfolio(tmp_path / "evil", [shop])
    git(evil, "init", "-q")
    planted_cache(evil / ".kundencheck-cache", "shop", marker)
    git(evil, "add", "-f", ".")
    git(evil, "commit", "-q", "-m", "Our portfolio")
    victim = tmp_path / "victim"
    git(tmp_path, "clone", "-q", str(evil), str(victim))
    assert (victim / ".kundencheck-cache" / "shop.git" / "hooks" / "reference-transaction").exists()

    fetched = invoke(victim, "fetch")
    assert fetched.exit_code == 0 and "Fetched 1 of 1 project: 1 with news" in fetched.output, fetched.output
    check = json.loads(invoke(victim, "check", "--format", "json", "--today", TODAY).stdout)
    assert check["projects"][0]["check"] == own_check(shop["work"])  # judged from what was fetched
    add_run(shop)
    assert invoke(victim, "fetch").exit_code == 0
    assert not marker.exists(), marker.read_text()
    caches = cache_folder_of(victim)
    assert caches.parent == default_cache_root() and (caches / "shop.git" / "HEAD").is_file()
    assert (caches / FOLDER_FILE).read_bytes() == os.fsencode(victim.resolve()) + b"\n"
    assert oct(caches.stat().st_mode & 0o777) == oct(0o700)
    assert git(victim, "status", "--porcelain") == ""  # nothing written into the portfolio's files


def test_a_chosen_cache_folder_keeps_the_caches_and_refuses_one_git_tracks(tmp_path):
    """--cache DIR and KUNDENCHECK_PORTFOLIO_CACHE choose where the caches live (a CI job keeps
    that folder between runs; GitLab keeps only folders in the checkout): a folder the
    portfolio's repository tracks, a cache that came with it, is refused, naming what to do."""
    marker = tmp_path / "PWNED"
    shop = client_project(tmp_path, "shop", runs=1)
    folder = make_portfolio(tmp_path, [shop])
    git(folder, "init", "-q")
    root = folder / ".kundencheck-cache"
    assert invoke(folder, "--cache", str(root), "fetch").exit_code == 0
    assert (cache_folder_of(folder, root) / "shop.git" / "HEAD").is_file()
    assert not (default_cache_root()).exists()
    status = invoke(folder, "status", "--format", "json", "--today", TODAY, env={"KUNDENCHECK_PORTFOLIO_CACHE": str(root)})
    assert json.loads(status.stdout)["projects"][0]["state"] == "ok"
    # Ignored, the folder of caches is fine; committed (as a clone would bring it), it is refused.
    planted_cache(cache_folder_of(folder, root), "web", marker)
    git(folder, "add", "-f", ".kundencheck-cache")
    git(folder, "commit", "-q", "-m", "A cache, by mistake or not")
    for args in (("fetch",), ("status",), ("check",)):
        refused = invoke(folder, *args, env={"KUNDENCHECK_PORTFOLIO_CACHE": str(root)})
        assert refused.exit_code == 2, refused.output
        assert "holds files the git repository in" in refused.output and "git rm -r --cached" in refused.output
        assert "Traceback" not in refused.output
    assert not marker.exists()


def test_portfolio_takes_c_and_cache_after_it_too(tmp_path):
    shop = client_project(tmp_path, "shop", runs=1)
    folder = make_portfolio(tmp_path, [shop])
    result = CliRunner().invoke(
        main, ["portfolio", "-C", str(folder), "--cache", str(tmp_path / "ci-cache"), "fetch"], catch_exceptions=False
    )
    assert result.exit_code == 0 and "Fetched 1 of 1 project:" in result.output, result.output
    assert (cache_folder_of(folder, tmp_path / "ci-cache") / "shop.git").is_dir()
    # Each -C relative to the one before, and --cache to where they lead, as paths after git's -C.
    status = CliRunner().invoke(
        main, ["-C", str(tmp_path), "portfolio", "-C", "portfolio", "--cache", "../ci-cache", "status", "--format", "json"]
    )
    assert json.loads(status.stdout)["projects"][0]["state"] == "ok"


def test_git_runs_in_a_cache_with_its_hooks_off(tmp_path):
    """A hook in the user's own cache (however it got there) does not run on the next fetch,
    which moves refs (git's reference-transaction hook)."""
    marker = tmp_path / "hook-ran"
    shop = client_project(tmp_path, "shop", runs=1)
    folder = make_portfolio(tmp_path, [shop])
    assert invoke(folder, "fetch").exit_code == 0
    hook = cache_folder_of(folder) / "shop.git" / "hooks" / "reference-transaction"
    hook.write_text(f"#!/bin/sh\necho ran >> {marker}\n")
    hook.chmod(0o755)
    add_run(shop)
    fetched = invoke(folder, "fetch")
    assert "1 with news" in fetched.output, fetched.output
    assert not marker.exists()


def test_a_cache_folder_of_another_portfolio_or_not_a_folder_is_refused(tmp_path):
    shop = client_project(tmp_path, "shop", runs=1)
    folder = make_portfolio(tmp_path, [shop])
    assert invoke(folder, "fetch").exit_code == 0
    caches = cache_folder_of(folder)
    (caches / FOLDER_FILE).write_bytes(b"/somewhere/else\n")
    refused = invoke(folder, "status")
    assert refused.exit_code == 2
    assert "holds the caches of another portfolio folder (/somewhere/else)" in refused.output
    (caches / FOLDER_FILE).write_bytes(os.fsencode(folder.resolve()) + b"\n")
    (caches / "web.git").symlink_to(tmp_path)
    linked = invoke(folder, "status")
    assert linked.exit_code == 2 and "web.git is a symbolic link or not a folder" in linked.output


@pytest.mark.skipif(not AS_ROOT, reason=NOT_ROOT)
@pytest.mark.parametrize("whose", ["the-folder", "a-project"])
def test_a_cache_of_another_user_is_refused(tmp_path, whose):
    shop = client_project(tmp_path, "shop", runs=1)
    folder = make_portfolio(tmp_path, [shop])
    assert invoke(folder, "fetch").exit_code == 0
    caches = cache_folder_of(folder)
    os.chown(caches if whose == "the-folder" else caches / "shop.git", STRANGER, -1)
    for args in (("fetch",), ("status",)):
        refused = invoke(folder, *args)
        assert refused.exit_code == 2, refused.output
        assert f"belongs to another user ({STRANGER})" in refused.output and "--cache DIR" in refused.output


def test_a_portfolio_toml_of_your_own_is_found_above(tmp_path):
    folder = make_portfolio(tmp_path, [])
    below = folder / "reports" / "2026"
    below.mkdir(parents=True)
    assert invoke(below, "status").exit_code == 0


@pytest.mark.skipif(not AS_ROOT, reason=NOT_ROOT)
def test_a_portfolio_toml_of_another_user_is_refused(tmp_path):
    """Found walking up from where the command runs (a portfolio.toml planted in /tmp would
    catch everyone below it), or in -C DIR: refused in one paragraph that says what to do; the
    search does not go on above it."""
    make_portfolio(tmp_path / "outer", [])  # one of the user's own, further up
    planted = make_portfolio(tmp_path / "outer" / "shared", [])
    os.chown(planted / "portfolio.toml", STRANGER, -1)
    below = planted / "team" / "ana"
    below.mkdir(parents=True)
    for where in (below, planted):
        for args in (("status",), ("fetch",), ("check",)):
            refused = invoke(where, *args)
            assert refused.exit_code == 2, refused.output
            message = refused.output.strip()
            assert message.startswith(f"kundencheck: {planted / 'portfolio.toml'} belongs to another user ({STRANGER})")
            assert "copy the folder to one of your own" in message and "-C DIR" in message and "\n" not in message
    result = subprocess.run(
        [sys.executable, "-m", "kundencheck", "portfolio", "status"], cwd=below, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "belongs to another user" in result.stderr and "Traceback" not in result.stderr
