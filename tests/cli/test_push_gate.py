"""The README's pre-push gate and kundencheck's own pushes: `kundencheck check` in a real pre-push
hook of a clone (a plain `.git/hooks/pre-push`; through the pre-commit framework in
tests/cli/test_precommit_hook.py) refuses `answer --push`, `drafts commit --push` and
`kundencheck push`. The commit stays (exit 0, a warning), the words say that the team's own gate
refused and why (its findings, the most important first) and what to do; `kundencheck push`
exits 1 until the findings are dealt with, then pushes. A bare remote and a clone, real hooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from kundencheck.cli import main
from kundencheck.push_texts import failure_text
from kundencheck.store.push import GateFinding, GateReport, PushFailure, PushRefusal
from tests.support.git import git, write_hook
from tests.support.pushing import GATE_HOOK
from tests.support.template import GREEN, fill


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False, env={"COLUMNS": "300"})


def answer(repo: Path, *args: str, reviews: str = ""):
    text = fill(invoke(repo, "answer", "build", "--template").output, GREEN) + reviews
    return invoke(repo, "answer", "build", "--from", "-", *args, input=text)


def test_the_teams_gate_in_the_pre_push_hook_refusing_is_said_with_its_findings_and_what_to_do(clone):
    erika, remote = clone["path"], clone["remote"]
    write_hook(erika, "pre-push", GATE_HOOK)
    before = git(remote, "rev-parse", "main")

    result = answer(erika, "--push")
    assert result.exit_code == 0, result.output  # the commit worked: a warning, not a failure
    assert "Committed" in result.stdout and "Pushed" not in result.stdout
    warning = result.stderr
    assert warning.startswith(
        "kundencheck: warning: Not pushed: the pre-push hook refused to push main to origin, and what refused is the "
        "team's own gate, `kundencheck check`: it found 1 problem the team agreed must not be pushed past.\n"
        "  ✘ overdue action: build/client-contacted: the action "
    )
    assert '"Call the client" (Jonas, due ' in warning
    assert (
        "To push: decide the overdue actions: done, still open with a new due date, or dropped (the action review "
        "at the start of `kundencheck run`; `kundencheck actions --overdue` lists them); "
        "then push again with `kundencheck push`. If your team allows pushing "
        "past it, `git push --no-verify origin main` skips the pre-push hook; kundencheck never does that by "
        "itself.\nThe commit is kept in your repository."
    ) in warning
    assert "\x1b" not in warning
    assert git(remote, "rev-parse", "main") == before
    assert git(erika, "log", "-1", "--format=%s").startswith("kundencheck(build)")

    again = invoke(erika, "push")  # the advice: refused the same way while nothing is decided
    assert again.exit_code == 1
    assert again.stderr.startswith(
        "kundencheck: Not pushed: the pre-push hook refused to push main to origin, and what refused is the team's own gate"
    )
    assert git(remote, "rev-parse", "main") == before

    # The team decides the action (done) in the next run; then the advice works.
    decided = answer(erika, reviews=f'\n[[reviews]]\nrun = "{clone["old"].id}"\nitem = "client-contacted"\ndecision = "done"\n')
    assert decided.exit_code == 0, decided.output
    pushed = invoke(erika, "push")
    assert pushed.exit_code == 0, pushed.output
    assert "Pushed main to origin." in pushed.stdout
    assert git(remote, "rev-parse", "main") == git(erika, "rev-parse", "HEAD")


def test_an_accepted_push_suggestion_is_refused_by_the_gate_the_same_way(clone):
    erika, remote = clone["path"], clone["remote"]
    write_hook(erika, "pre-push", GATE_HOOK)
    (erika / ".kundencheck" / "config.toml").write_text('project = "Shop"\nphase = "build"\n[storage]\npush = true\n')
    assert invoke(erika, "config", "--push", "accept").exit_code == 0
    before = git(remote, "rev-parse", "main")
    result = answer(erika)  # no --push: the project's suggestion, accepted
    assert result.exit_code == 0, result.output
    assert "what refused is the team's own gate, `kundencheck check`: it found 1 problem" in result.stderr
    assert git(remote, "rev-parse", "main") == before


def test_the_gate_passing_while_something_else_in_the_hook_refuses(clone):
    erika = clone["path"]
    write_hook(
        erika,
        "pre-push",
        f'"{sys.executable}" -m kundencheck check > /dev/null || exit 1\necho "lint: 2 files need formatting" >&2\nexit 1\n',
    )
    (erika / ".kundencheck" / "config.toml").write_text(
        'project = "Shop"\nphase = "build"\n[check]\noverdue_action = "warning"\n'
    )
    result = answer(erika, "--push")
    assert result.exit_code == 0, result.output
    assert (
        "Not pushed: the pre-push hook (.git/hooks/pre-push) refused to push main to origin (exit status 1). The "
        "team's gate in it, `kundencheck check`, passed, so something else in the hook refused.\nIt said:\n"
        "    lint: 2 files need formatting\nFix what it complains about"
    ) in result.stderr


def test_a_gate_that_cannot_check_is_said_as_such(clone):
    erika = clone["path"]
    write_hook(erika, "pre-push", f'exec "{sys.executable}" -m kundencheck -C "$PWD/no-such-folder" check\n')
    assert answer(erika).exit_code == 0
    result = invoke(erika, "push")
    assert result.exit_code == 1
    assert (
        "Not pushed: the pre-push hook (.git/hooks/pre-push) refused to push main to origin, because the team's "
        "gate in it, `kundencheck check`, could not check the project:"
    ) in result.stderr
    assert "no-such-folder does not exist" in result.stderr


def test_drafts_commit_push_is_refused_by_the_gate_the_same_way(clone):
    from kundencheck.session import RunSession, open_project

    erika = clone["path"]
    write_hook(erika, "pre-push", GATE_HOOK)
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
    assert "what refused is the team's own gate, `kundencheck check`: it found 1 problem" in result.stderr


def test_the_gates_verdict_is_data_the_findings_the_most_important_first():
    """What the CLI and the TUI make of the gate's findings: errors before warnings, five of them,
    then how many more; one thing to do per rule that refused."""
    findings = tuple(
        GateFinding("overdue_action", "error", "overdue action", f"action {n} is overdue", "build") for n in range(6)
    )
    findings = (
        GateFinding("disagreement", "warning", "disagreement", "the team disagrees", "build"),
        *findings,
        GateFinding("due", "error", "check due", "The build check is due", "build"),
    )
    failure = PushFailure(
        PushRefusal.HOOK, "main", "origin", "main", hook=".git/hooks/pre-push", hook_status=1, gate=GateReport(1, findings)
    )
    lines = failure_text(failure).splitlines()
    assert lines[0].endswith("it found 7 problems the team agreed must not be pushed past.")
    assert lines[1:6] == [f"  ✘ overdue action: action {n} is overdue" for n in range(5)]
    assert lines[6] == "  and 3 more (`kundencheck check` lists them all)"
    assert lines[7].startswith(
        "To push: decide the overdue actions: done, still open with a new due date, or dropped "
        "(the action review at the start of `kundencheck run`; `kundencheck actions --overdue` "
        "lists them); answer the due check "
        "(`kundencheck run build`); then push again with `kundencheck push`."
    )
    assert "disagree" not in lines[7]  # a warning refuses nothing


def test_the_gate_leaves_its_verdict_only_where_a_push_asks_for_it(clone, tmp_path, monkeypatch):
    erika = clone["path"]
    report = tmp_path / "report.json"
    assert invoke(erika, "check").exit_code == 1
    assert not report.exists()
    monkeypatch.setenv("KUNDENCHECK_GATE_REPORT", str(report))
    assert invoke(erika, "check", "--format", "github").exit_code == 1
    data = json.loads(report.read_text())
    # The old run's contact was red: a key signal (tests/data/sprint.en.toml), so key_signal_low too.
    assert data["exit_code"] == 1 and [f["rule"] for f in data["findings"]] == ["due", "key_signal_low", "overdue_action"]
    monkeypatch.setenv("KUNDENCHECK_GATE_REPORT", str(tmp_path / "no-such-folder" / "report.json"))
    assert invoke(erika, "check").exit_code == 1  # a report it cannot leave never fails the check
