"""Answering as a team: two clones of one remote, a dedicated answers branch, `--push` and
`--participant`, through the real commands and real repositories (a bare remote, two clones)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from tests.support.git import git
from tests.support.template import COMPLETE, fill

JUERGEN = "Jürgen Groß <juergen@example.com>"
KIM = "Kim Lee <kim@example.com>"


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False)


def answer_from(repo: Path, *args: str, sprint: str = "2026-W48"):
    """`kundencheck answer build --from -` with a complete filled-in file, in ``repo``."""
    text = fill(invoke(repo, "answer", "build", "--template", "--sprint", sprint).output, COMPLETE)
    return invoke(repo, "answer", "build", "--from", "-", *args, input=text)


def status(repo: Path, *args: str) -> int:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False).returncode


def trailers(repo: Path, rev: str = "HEAD") -> list[str]:
    message = git(repo, "log", "-1", "--format=%B", rev)
    parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, capture_output=True, text=True, check=True)
    return parsed.stdout.splitlines()


def answers_files(repo: Path, rev: str) -> list[str]:
    return [p for p in git(repo, "ls-tree", "-r", "--name-only", rev, "--", ".kundencheck/answers").split("\n") if p]


def clone(source: Path, path: Path, name: str, email: str) -> Path:
    git(source.parent, "clone", "-q", str(source), str(path))
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", email)
    return path


@pytest.fixture
def team(tmp_path: Path, project_repo: Path) -> dict[str, Path]:
    """A bare remote holding the project, and two people's clones of it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(project_repo), str(remote))
    return {
        "remote": remote,
        "erika": clone(remote, tmp_path / "erika", "Erika Mustermann", "erika@example.com"),
        "jonas": clone(remote, tmp_path / "jonas", "Jonas Weber", "jonas@example.com"),
    }


# ------------------------------------------------------------------------------ two clones, one remote


@pytest.mark.parametrize("pull", [["--rebase"], ["--no-rebase", "--no-edit"]], ids=["rebase", "merge"])
def test_two_clones_answer_the_same_phase_in_the_same_sprint_without_conflict(team, pull):
    erika, jonas, remote = team["erika"], team["jonas"], team["remote"]
    # Both answer build in sprint 2026-W48 on their own clone: one through `answer --from`, one
    # through a RunSession as the TUI drives it.
    assert answer_from(erika).exit_code == 0
    project = open_project(jonas)
    session = RunSession.start(project, "build", sprint="2026-W48")
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 3),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "We listened"),
    ):
        session.set_value(item, value)
    session.commit()
    project.close()
    erika_sha, jonas_sha = git(erika, "rev-parse", "HEAD").strip(), git(jonas, "rev-parse", "HEAD").strip()

    git(erika, "push", "-q", "origin", "main")
    assert status(jonas, "push", "-q", "origin", "main") != 0  # refused: behind
    pulled = subprocess.run(
        ["git", "pull", "-q", *pull, "origin", "main"], cwd=jonas, capture_output=True, text=True, check=False
    )
    assert pulled.returncode == 0, pulled.stderr
    assert "CONFLICT" not in pulled.stdout + pulled.stderr
    git(jonas, "push", "-q", "origin", "main")

    files = answers_files(remote, "main")
    assert len(files) == 2 and all("-build-" in f for f in files)
    assert {f.split("-build-")[1].split("-")[0] for f in files} == {"erika", "jonas"}
    subjects = git(remote, "log", "--format=%an %s", "main").splitlines()
    assert sum(s.startswith("Erika Mustermann kundencheck(build)") for s in subjects) == 1
    assert sum(s.startswith("Jonas Weber kundencheck(build)") for s in subjects) == 1
    if pull[0] == "--no-rebase":  # the merge keeps both original commits
        assert status(remote, "merge-base", "--is-ancestor", erika_sha, "main") == 0
        assert status(remote, "merge-base", "--is-ancestor", jonas_sha, "main") == 0
    # Both runs are the sprint's history now, for either clone.
    git(erika, "pull", "-q", "--rebase", "origin", "main")
    runs, errors = open_project(erika).history()
    assert not errors and sorted(r.author for r in runs) == [
        "Erika Mustermann <erika@example.com>",
        "Jonas Weber <jonas@example.com>",
    ]


# ------------------------------------------------------------------------------ --push


def test_push_flag_pushes_after_the_commit(team):
    erika, remote = team["erika"], team["remote"]
    result = answer_from(erika, "--push")
    assert result.exit_code == 0, result.output
    assert "Pushed main to origin." in result.stdout
    assert git(remote, "rev-parse", "main") == git(erika, "rev-parse", "HEAD")


def test_a_refused_push_keeps_the_commit_warns_and_exits_0(team):
    erika, jonas, remote = team["erika"], team["jonas"], team["remote"]
    assert answer_from(erika, "--push").exit_code == 0
    result = answer_from(jonas, "--push")
    assert result.exit_code == 0  # the commit succeeded
    assert "Committed" in result.stdout
    assert (
        "kundencheck: warning: Not pushed: origin's main has commits your main does not have yet (someone "
        "pushed first). `kundencheck push` brings them in and pushes"
    ) in result.stderr
    assert "The commit is kept in your repository." in result.stderr
    assert git(jonas, "log", "-1", "--format=%s").startswith("kundencheck(build)")
    # Following the advice works: the remote's run comes in, Jonas's answers commit goes on top.
    pushed = invoke(jonas, "push")
    assert pushed.exit_code == 0, pushed.output
    assert (
        "Brought in 1 new commit from origin and moved your answers commit on top (the rest of your work as "
        "it was). Pushed main to origin."
    ) in pushed.stdout
    assert len(answers_files(remote, "main")) == 2
    assert git(jonas, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")
    assert git(jonas, "status", "--porcelain") == ""


def test_push_from_the_config_is_a_suggestion_each_person_accepts_once(team):
    erika, remote = team["erika"], team["remote"]
    (erika / ".kundencheck" / "config.toml").write_text("[storage]\npush = true\n")
    before = git(remote, "rev-parse", "main")
    result = answer_from(erika)  # suggested, not yet accepted: not pushed, and said once how to accept
    assert result.exit_code == 0 and "Pushed" not in result.output
    assert result.stdout.count("kundencheck config --push accept") == 1
    assert git(remote, "rev-parse", "main") == before

    accepted = invoke(erika, "config", "--push", "accept")
    assert accepted.exit_code == 0, accepted.output
    assert str(erika) in accepted.stdout and "config.toml" in accepted.stdout
    assert "push:     yes" in invoke(erika, "config").stdout
    result = answer_from(erika, sprint="2026-W49")
    assert "Pushed main to origin." in result.stdout and "--push accept" not in result.stdout
    assert git(remote, "rev-parse", "main") == git(erika, "rev-parse", "HEAD")

    result = answer_from(erika, "--no-push", sprint="2026-W50")  # an explicit flag always counts
    assert result.exit_code == 0 and "Pushed" not in result.output
    assert git(remote, "rev-parse", "main") != git(erika, "rev-parse", "HEAD")

    declined = invoke(erika, "config", "--push", "decline")
    assert declined.exit_code == 0, declined.output
    result = answer_from(erika, sprint="2026-W51")
    assert "Pushed" not in result.output and "--push accept" not in result.output
    assert "push:     no: the project suggests it, and you declined" in invoke(erika, "config").stdout
    # The choice is this repository's: another clone of the same project is asked on its own.
    jonas = team["jonas"]
    (jonas / ".kundencheck" / "config.toml").write_text("[storage]\npush = true\n")
    assert "kundencheck config --push accept" in answer_from(jonas).stdout


def test_drafts_commit_push(team):
    erika, remote = team["erika"], team["remote"]
    project = open_project(erika)
    session = RunSession.start(project, "build", sprint="2026-W48")
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 4),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "Fine"),
    ):
        session.set_value(item, value)
    session.release()
    project.close()
    result = invoke(erika, "drafts", "commit", session.run.id, "--push")
    assert result.exit_code == 0, result.output
    assert "Pushed main to origin." in result.stdout
    assert git(remote, "rev-parse", "main") == git(erika, "rev-parse", "HEAD")


def test_push_without_a_remote_is_a_warning_not_a_failure(project_repo):
    result = answer_from(project_repo, "--push")
    assert result.exit_code == 0
    assert "Committed" in result.stdout
    assert "has no remote" in result.stderr and "git remote add origin URL" in result.stderr


# ------------------------------------------------------------------------------ a dedicated answers branch


def _user_state(repo: Path) -> dict[str, str]:
    return {
        "head": git(repo, "symbolic-ref", "HEAD"),
        "sha": git(repo, "rev-parse", "HEAD"),
        "index": git(repo, "ls-files", "--stage"),
        "cached": git(repo, "diff", "--cached"),
        "unstaged": git(repo, "diff"),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
    }


def test_dedicated_branch_end_to_end_with_answer_from_and_push(team):
    erika, remote = team["erika"], team["remote"]
    (erika / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\n')
    git(erika, "add", ".kundencheck/config.toml")
    git(erika, "commit", "-q", "-m", "kundencheck: answers on their own branch")
    # The user is in the middle of their own work: staged, unstaged and untracked changes.
    (erika / "README.md").write_text("# Client project\n\nstaged\n")
    git(erika, "add", "README.md")
    (erika / "README.md").write_text("# Client project\n\nstaged\nunstaged\n")
    (erika / "scratch.txt").write_text("untracked\n")
    before = _user_state(erika)

    result = answer_from(erika, "--push", "--participant", JUERGEN)
    assert result.exit_code == 0, result.output
    # The remote has no answers branch yet: kundencheck never creates one, it says how.
    assert "on kundencheck" in result.stdout and "Pushed" not in result.stdout
    assert "`git push -u origin kundencheck`" in result.stderr
    git(erika, "push", "-q", "-u", "origin", "kundencheck")

    assert _user_state(erika) == before  # branch, HEAD, index and work tree untouched
    assert not (erika / ".kundencheck" / "answers").exists()
    log = git(erika, "log", "--format=%s", "kundencheck").splitlines()
    assert len(log) == 1 and log[0].startswith("kundencheck(build)")
    files = answers_files(erika, "kundencheck")
    assert len(files) == 1
    assert git(remote, "rev-parse", "kundencheck") == git(erika, "rev-parse", "kundencheck")
    assert git(remote, "rev-parse", "main") != git(erika, "rev-parse", "main")  # main is not pushed
    assert f"Co-authored-by: {JUERGEN}" in trailers(erika, "kundencheck")

    # History and "last time" read from that branch.
    project = open_project(erika)
    runs, _errors = project.history()
    assert [r.id for r in runs] == [answers_file.loads(git(erika, "show", f"kundencheck:{files[0]}").encode()).id]
    session = RunSession.start(project, "build")
    previous = session.load_previous()
    assert previous is not None and previous.id == runs[0].id
    session.release()
    project.close()


def test_dedicated_branch_across_two_clones(team):
    erika, jonas, remote = team["erika"], team["jonas"], team["remote"]
    for person in (erika, jonas):
        (person / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\npush = true\n')
        assert invoke(person, "config", "--push", "accept").exit_code == 0
    # Both answer before either has the other's run: the second push merges (no conflict).
    assert "git push -u origin kundencheck" in answer_from(erika).stderr  # the first creation is by hand
    git(erika, "push", "-q", "-u", "origin", "kundencheck")
    result = answer_from(jonas)
    assert result.exit_code == 0 and "Pushed kundencheck to origin." in result.stdout, result.output
    assert len(answers_files(remote, "kundencheck")) == 2
    assert git(jonas, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")  # main never moved

    # A third clone made now joins the team's branch and sees both runs as history.
    kim = clone(remote, remote.parent / "kim", "Kim Lee", "kim@example.com")
    (kim / ".kundencheck" / "config.toml").write_text('[storage]\nbranch = "kundencheck"\npush = true\n')
    assert invoke(kim, "config", "--push", "accept").exit_code == 0
    project = open_project(kim)
    assert len(project.history()[0]) == 2
    project.close()
    result = answer_from(kim, sprint="2026-W50")
    assert "Pushed kundencheck to origin." in result.stdout, result.output
    assert len(answers_files(remote, "kundencheck")) == 3
    assert git(kim, "rev-parse", "kundencheck^") == git(jonas, "rev-parse", "kundencheck")  # a fast-forward


# ------------------------------------------------------------------------------ --participant


def test_participants_end_in_the_answers_file_and_co_authored_by_trailers(project_repo):
    result = answer_from(
        project_repo,
        "--participant",
        JUERGEN,
        "--participant",
        f"  {KIM}  ",
        "--participant",
        "Erika Mustermann <ERIKA@example.com>",
    )  # the author: once
    assert result.exit_code == 0, result.output
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").strip()
    data = tomllib.loads((project_repo / path).read_text())
    assert data["participants"] == ["Erika Mustermann <erika@example.com>", JUERGEN, KIM]
    found = trailers(project_repo)
    assert f"Co-authored-by: {JUERGEN}" in found and f"Co-authored-by: {KIM}" in found
    assert not any("erika@example.com" in line for line in found if line.startswith("Co-authored-by"))


def test_participants_from_the_file_and_the_command_line_are_joined(project_repo):
    text = fill(invoke(project_repo, "answer", "build", "--template").output, COMPLETE)
    text = text.replace("schema = 1", f'schema = 1\nparticipants = ["{KIM}"]', 1)
    result = invoke(project_repo, "answer", "build", "--from", "-", "--participant", JUERGEN, input=text)
    assert result.exit_code == 0, result.output
    assert {f"Co-authored-by: {KIM}", f"Co-authored-by: {JUERGEN}"} <= set(trailers(project_repo))


@pytest.mark.parametrize("bad", ["Kim", "kim@example.com", "<kim@example.com>", "Kim <kim>", "Kim <a@b> <c@d>"])
def test_a_participant_of_another_shape_is_refused_before_anything_happens(project_repo, bad):
    before = git(project_repo, "rev-parse", "HEAD")
    for args in (("answer", "build", "--from", "-", "--participant", bad), ("run", "--participant", bad)):
        result = invoke(project_repo, *args, input="")
        assert result.exit_code == 2, result.output
        assert "is not a person as git writes one" in result.stderr
        assert "Traceback" not in result.output
    assert git(project_repo, "rev-parse", "HEAD") == before


def test_a_participant_of_another_shape_in_the_file_is_a_problem(project_repo):
    text = fill(invoke(project_repo, "answer", "build", "--template").output, COMPLETE)
    text = text.replace("schema = 1", 'schema = 1\nparticipants = ["just Kim"]', 1)
    result = invoke(project_repo, "answer", "build", "--from", "-", input=text)
    assert result.exit_code == 1
    assert "'participants'" in result.stderr and "nothing was committed" in result.stderr
