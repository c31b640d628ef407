"""Files of the repository that point elsewhere (issue 16, item 10).

A committed config or checklist that is a symbolic link leading out of the work tree (to a
key, a token, another user's file, `/etc/shadow`) is refused and never opened, with a message
naming the file and what to do; nothing of the file it points to reaches the output (a CI log
is read by many). A link that stays inside the work tree is read like the file it names.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from tests.support.git import git
from tests.support.hostile import assert_no_control

SECRET = "TOPSECRET-4711"
#: What the link points to: valid TOML whose values would be shown if it were read as a config
#: (an unsupported language is echoed in the error) or a checklist (its title is shown).
TARGET = f'language = "{SECRET}"\nproject = "{SECRET}"\nformat = 1\ntitle = "{SECRET}"\n'


def kundencheck(repo: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, NO_COLOR="1", COLUMNS="200"),
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and result.returncode != 70, output
    assert SECRET not in output, output
    assert_no_control(output)
    return result


@pytest.fixture
def outside(tmp_path) -> Path:
    target = tmp_path / "elsewhere" / "secret.toml"
    target.parent.mkdir()
    target.write_text(TARGET)
    return target


def commit_link(repo: Path, relpath: str, target: Path | str) -> Path:
    link = repo / relpath
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(target)
    git(repo, "add", relpath)
    git(repo, "commit", "-q", "-m", f"Link {relpath}")
    assert git(repo, "ls-files", "-s", relpath).startswith("120000")  # committed as a link
    return link


def one_paragraph(text: str) -> str:
    return " ".join(text.split())


def test_a_config_linked_out_of_the_work_tree_is_refused_and_never_read(project_repo, outside):
    link = commit_link(project_repo, ".kundencheck/config.toml", outside)
    for command in (
        ["status"],
        ["check"],
        ["check", "--format", "github"],
        ["log"],
        ["answer", "build", "--template"],
        ["phase"],
        ["init", "--cadence", "7"],
        ["config", "--show-paths"],
    ):
        result = kundencheck(project_repo, *command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        said = one_paragraph(result.stdout + result.stderr)
        assert f"{link}: is a symbolic link that leads outside the work tree" in said, (command, said)
        assert "Replace the link with the file itself" in said


def test_a_checklist_linked_out_of_the_work_tree_is_refused_and_never_read(project_repo, outside):
    link = commit_link(project_repo, ".kundencheck/checklists/build.en.toml", outside)
    validate = kundencheck(project_repo, "validate")
    assert validate.returncode == 1
    assert f"{link}: is a symbolic link that leads outside the work tree" in one_paragraph(validate.stderr)
    # The team's build checklist is that file: no falling back to the shipped one.
    for command in (["answer", "build", "--template"], ["run", "build"]):
        result = kundencheck(project_repo, *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "leads outside the work tree" in one_paragraph(result.stderr)
    # Adding a question of one's own would edit that file: refused too.
    added = kundencheck(project_repo, "checklist", "add-item", "build", "--id", "extra", "--question", "Q?", "--why", "W.")
    assert added.returncode != 0 and "leads outside the work tree" in one_paragraph(added.stderr)
    # Named on the command line too (`validate .kundencheck/checklists/*.toml` in a CI job).
    named = kundencheck(project_repo, "validate", str(link))
    assert named.returncode == 1 and "leads outside the work tree" in one_paragraph(named.stderr)
    # A file outside any work tree, named on the command line, is the user's own choice: read.
    own = subprocess.run(
        [sys.executable, "-m", "kundencheck", "validate", str(outside)],
        check=False,
        capture_output=True,
        text=True,
        cwd=outside.parent,
        timeout=60,
    )
    assert own.returncode == 1 and "unknown key" in own.stderr


def test_a_linked_kundencheck_folder_is_refused_too(project_repo, outside):
    (outside.parent / "config.toml").write_text(TARGET)
    git(project_repo, "rm", "-q", "-r", ".kundencheck")
    commit_link(project_repo, ".kundencheck", outside.parent)
    result = kundencheck(project_repo, "status")
    assert result.returncode == 2 and "leads outside the work tree" in one_paragraph(result.stderr)


def test_the_file_a_link_leads_to_is_never_opened(project_repo, outside, monkeypatch):
    commit_link(project_repo, ".kundencheck/config.toml", outside)
    commit_link(project_repo, ".kundencheck/checklists/build.en.toml", outside)
    opened: list[str] = []
    real_open = os.open

    def recording(path, *args, **kwargs):
        opened.append(os.path.realpath(path) if isinstance(path, (str, os.PathLike)) else str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording)
    for command in (["status"], ["validate"], ["answer", "build", "--template"]):
        CliRunner().invoke(main, ["-C", str(project_repo), *command])
    assert opened and str(outside) not in opened


def test_a_link_inside_the_work_tree_is_read_like_its_file(project_repo):
    real = project_repo / "settings" / "kundencheck.toml"
    real.parent.mkdir()
    real.write_text('project = "Shop"\ncadence_days = 7\n')
    git(project_repo, "add", "settings")
    commit_link(project_repo, ".kundencheck/config.toml", "../settings/kundencheck.toml")
    result = kundencheck(project_repo, "status")
    assert result.returncode == 0 and "status of Shop" in result.stdout
