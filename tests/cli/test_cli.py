"""The command line, through click's runner and as a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kundencheck import __version__
from kundencheck.cli import main
from tests.support.git import git
from tests.support.paths import DATA


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is not None:
        args = ("-C", str(cwd), *args)
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_version_and_help_with_examples():
    assert invoke("--version").output.strip() == f"kundencheck, version {__version__}"
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "kundencheck demo" in result.output
    for command in ("run", "validate", "demo"):
        sub = invoke(command, "--help")
        assert sub.exit_code == 0 and "Examples:" in sub.output, command


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "kundencheck", "--version"], check=False, capture_output=True, text=True)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_validate_shipped_checklists_by_default(tmp_path):
    result = invoke("validate", cwd=tmp_path)  # outside any repository: the shipped ones
    assert result.exit_code == 0, result.output
    assert "10 valid, 0 invalid" in result.output


def test_validate_reports_syntax_error_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.en.toml"
    bad.write_text('format = 1\nid = "x"\ntitle = \n')
    result = invoke("validate", str(bad), str(DATA / "sprint.en.toml"))
    assert result.exit_code == 1
    assert f"{bad}: line 3, column" in result.output
    assert "1 valid, 1 invalid" in result.output
    assert "Traceback" not in result.output


def test_validate_reports_schema_errors_naming_item_and_key(tmp_path):
    bad = tmp_path / "bad.en.toml"
    bad.write_text((DATA / "sprint.en.toml").read_text().replace('kind = "scale"', 'kind = "slider"'))
    result = invoke("validate", str(bad))
    assert result.exit_code == 1
    assert (
        "item 'team-mood', key 'kind': 'slider' is not a kind. Allowed: traffic-light, scale, text, date, choice."
        in result.output
    )


def test_validate_includes_the_projects_own_checklists(repo):
    own = repo / ".kundencheck" / "checklists"
    own.mkdir(parents=True)
    (own / "broken.en.toml").write_text("format = 1\n")
    result = invoke("validate", cwd=repo)
    assert result.exit_code == 1
    assert "10 valid, 1 invalid" in result.output


def test_validate_usage_error_exit_2(tmp_path):
    result = invoke("validate", "--frobnicate")
    assert result.exit_code == 2


def test_run_outside_a_repository_says_what_to_do(tmp_path):
    result = invoke("run", cwd=tmp_path)
    assert result.exit_code != 0
    assert "git init" in result.output and "kundencheck demo" in result.output
    assert "Traceback" not in result.output


def test_run_unknown_phase_lists_known_ones(repo):
    result = invoke("run", "retro", cwd=repo)
    assert result.exit_code == 2
    assert "retro" in result.output and "kickoff" in result.output


def test_run_without_git_identity_fails_before_the_tui(repo, isolated_environment):
    (isolated_environment / ".gitconfig").write_text("")
    result = invoke("run", cwd=repo)
    assert result.exit_code != 0
    assert "user.name" in result.output


def test_run_refuses_during_a_merge(repo):
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "README.md").write_text("other\n")
    git(repo, "commit", "-qam", "other")
    git(repo, "checkout", "-q", "main")
    (repo / "README.md").write_text("main\n")
    git(repo, "commit", "-qam", "main")
    git(repo, "merge", "other", check=False)
    result = invoke("run", cwd=repo)
    assert result.exit_code != 0
    assert "merge" in result.output.lower()


def test_demo_creates_a_repository_with_history(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = invoke("demo", "--no-run")
    assert result.exit_code == 0, result.output
    path = Path(result.output.split("created in ")[1].split(" (")[0])
    assert path.is_dir() and path.parent == tmp_path
    log = git(path, "log", "--format=%s")
    assert log.count("kundencheck(build):") == 6
    assert "0 red" not in log.splitlines()[0]  # the latest sprint shows the warning signs
