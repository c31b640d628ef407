"""`kundencheck amend`: correcting a run on a real repository with three sprints of history
(tests/support/history.py; the repository's git user is Jonas), and how status, log, report
and the gate show the correction."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import tomlkit
from click.testing import CliRunner

from kundencheck.cli import main
from tests.support.git import git

TODAY = ("--today", "2026-04-10")


def invoke(repo: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo), *args], input=input, catch_exceptions=False, env={"COLUMNS": "220"})


def edited_template(repo: Path, *args: str, change: dict[str, dict], note: str | None = None) -> str:
    """`amend --template` with some answers changed, as a person would edit it."""
    result = invoke(repo, "amend", *args, "--template")
    assert result.exit_code == 0, result.output
    doc = tomlkit.parse(result.output)
    for table in doc["answers"]:
        for key, value in change.get(table["item"], {}).items():
            table[key] = value
    if note is not None:
        doc["correction_note"] = note
    return tomlkit.dumps(doc)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fixed.toml"
    path.write_text(text, encoding="utf-8")
    return path


JONAS_AGREES = {
    "client-contacted": {
        "status": "red",
        "note": "Only mails, I was wrong",
        "action": {"what": "Call them", "owner": "Jonas", "due": "2026-04-17"},
    },
    "team-mood": {"value": 2, "action": {"what": "Talk about it", "owner": "Jonas", "due": "2026-04-17"}},
}


def committed_files(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-status", "--format=", rev).splitlines()


def test_amend_from_a_file_commits_a_new_file_that_stands_for_the_run(history_repo, tmp_path):
    repo, runs = history_repo["path"], history_repo["runs"]
    jonas3 = runs["jonas3"]
    before = git(repo, "show", f"HEAD:{jonas3.path}")
    gate_before = json.loads(invoke(repo, "check", "--format", "json", *TODAY).output)
    assert {(f["rule"], f["item"]) for f in gate_before["findings"]} >= {("disagreement", "client-contacted")}

    # The template is the run's own answers, with `corrects` and an empty note to fill in.
    template = invoke(repo, "amend", "--template").output
    data = tomllib.loads(template)
    assert data["corrects"] == jonas3.id and data["correction_note"] == "" and data["sprint"] == "2026-W14"
    assert '\ncorrection_note = ""  # required: why the answers are corrected\n' in template  # what to write there
    assert [a["item"] for a in data["answers"]] == [a.item for a in jonas3.answers]

    fixed = write(tmp_path, edited_template(repo, change=JONAS_AGREES))
    refused = invoke(repo, "amend", "--from", str(fixed))
    assert refused.exit_code == 1 and "a correction needs a note saying why" in refused.output
    result = invoke(repo, "amend", "--from", str(fixed), "--note", "I answered for the wrong client")
    assert result.exit_code == 0, result.output
    assert "kundencheck(build): correction, 0 green, 0 amber, 3 red; team-mood 2/5 ↓" in result.output

    # Nothing rewritten: one new file, the original as it was, the trailer and the note.
    [added] = committed_files(repo)
    assert added.startswith("A\t.kundencheck/answers/") and git(repo, "show", f"HEAD:{jonas3.path}") == before
    new = tomllib.loads(git(repo, "show", f"HEAD:{added.split(chr(9))[1]}"))
    assert new["corrects"] == jonas3.id and new["correction_note"] == "I answered for the wrong client"
    assert new["sprint"] == "2026-W14" and new["author"] == "Jonas Berg <jonas@example.com>"
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Kundencheck-Corrects: {jonas3.id}" in message
    assert git(repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Corrects,valueonly)").strip() == jonas3.id

    # Status, log, report and the gate use the correction in Jonas's place.
    status = json.loads(invoke(repo, "status", "--json", *TODAY).output)
    build = status["phases"][0]
    assert build["last_run"]["id"] == new["id"] and build["last_run"]["items"]["team-mood"]["value"] == 2
    assert build["last_run"]["corrected"]["original"] == jonas3.id
    assert build["last_run"]["corrected"]["note"] == "I answered for the wrong client"
    assert build["last_run"]["finished"] == jonas3.finished.isoformat()  # in its place, not a new check
    assert build["disagreements"] == [] and build["runs"] == 5
    text = invoke(repo, "status", *TODAY).output
    assert "Answers of Jonas Berg: corrected on" in text and ": I answered for the wrong client" in text
    log = invoke(repo, "log").output
    assert log.count("✎") == 2 and "2026-W14 build, Jonas Berg: corrected on" in log
    item = invoke(repo, "log", "--item", "team-mood").output
    assert "Jonas Berg: ✘ 2/5 (corrected on" in item and "5/5" not in item
    report = invoke(repo, "report", *TODAY).output
    assert "Answers of Jonas Berg: corrected on" in report and "- Jonas Berg: ✘ 2/5 (corrected on" in report
    gate = json.loads(invoke(repo, "check", "--format", "json", *TODAY).output)
    assert not any(f["rule"] == "disagreement" for f in gate["findings"])


def test_amend_the_amendment_and_refuse_the_corrected_run(history_repo, tmp_path):
    repo, runs = history_repo["path"], history_repo["runs"]
    jonas3 = runs["jonas3"]
    fixed = write(tmp_path, edited_template(repo, change=JONAS_AGREES, note="Wrong client"))
    assert invoke(repo, "amend", jonas3.id[:20], "--from", str(fixed)).exit_code == 0
    first = json.loads(invoke(repo, "status", "--json", *TODAY).output)["phases"][0]["last_run"]["id"]

    again = invoke(repo, "amend", jonas3.id, "--from", str(fixed))
    assert again.exit_code == 1
    assert f"Run {jonas3.id} has been corrected already; its answers now are those of run {first}" in again.output
    assert f"`kundencheck amend {first}`" in again.output

    # The default is my latest run of the sprint: the correction; its template is the corrected answers.
    second = edited_template(repo, change={"team-mood": {"value": 3, "action": {}}}, note="Mood 3 after all")
    assert tomllib.loads(second)["corrects"] == first
    assert invoke(repo, "amend", "--from", str(write(tmp_path, second))).exit_code == 0
    status = json.loads(invoke(repo, "status", "--json", *TODAY).output)["phases"][0]
    assert status["last_run"]["items"]["team-mood"]["value"] == 3
    assert status["last_run"]["corrected"]["chain"] == [jonas3.id, first, status["last_run"]["id"]]
    assert status["last_run"]["corrected"]["note"] == "Mood 3 after all"
    assert invoke(repo, "amend", first, "--from", str(fixed)).exit_code == 1
    assert len(git(repo, "ls-tree", "-r", "--name-only", "HEAD", ".kundencheck/answers").split()) == 7


def test_a_correction_of_someone_elses_run_keeps_it_theirs(history_repo, tmp_path):
    repo, runs = history_repo["path"], history_repo["runs"]
    ana3 = runs["ana3"]  # corrected by Jonas, the repository's git user
    text = edited_template(
        repo,
        ana3.id,
        change={"client-contacted": {"note": "Client on holiday until the 14th"}},
        note="Ana asked me to add the date",
    )
    result = invoke(repo, "amend", ana3.id, "--from", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.output
    status = json.loads(invoke(repo, "status", "--json", *TODAY).output)["phases"][0]
    assert status["current_sprint_authors"] == ["Ana Schäfer <ana@example.com>", "Jonas Berg <jonas@example.com>"]
    [corrected] = status["corrections"]
    assert corrected["by"] == "Jonas Berg <jonas@example.com>" and corrected["changed"] == ["client-contacted"]
    report = invoke(repo, "report", *TODAY).output
    assert "Answers of Ana Schäfer: corrected on" in report and "by Jonas Berg: Ana asked me to add the date" in report
    # The actions Ana raised are still the same ones (now under the correction's id), not new.
    actions = json.loads(invoke(repo, "status", "--json", *TODAY).output)["open_actions"]
    assert sorted(a["what"] for a in actions) == ["Book a review", "Send the summary", "Talk about workload"]


def test_amend_refuses_with_clear_messages(history_repo, tmp_path):
    repo, runs = history_repo["path"], history_repo["runs"]
    missing = invoke(repo, "amend", "20990101T000000Z-nothing", "--template")
    assert missing.exit_code == 1
    assert "There is no run '20990101T000000Z-nothing' in this repository's history" in missing.output
    assert f"The latest runs of the phase: {runs['jonas3'].id} (2026-03-30, sprint 2026-W14, Jonas Berg)" in missing.output
    ambiguous = invoke(repo, "amend", "202603", "--template")
    assert ambiguous.exit_code == 1 and "'202603' is the beginning of 5 run ids" in ambiguous.output

    kickoff = edited_template(repo, change={})
    kickoff = kickoff.replace('phase = "build"', 'phase = "kickoff"')
    other = invoke(repo, "amend", "--from", str(write(tmp_path, kickoff)), "--note", "x")
    assert other.exit_code == 1
    assert f"Run {runs['jonas3'].id} is a run of the build phase, but the file is for the kickoff phase" in other.output

    nothing = invoke(repo, "amend", "--phase", "acceptance", "--template")
    assert nothing.exit_code == 1 and "The acceptance phase has no runs yet: there is nothing to correct" in nothing.output
    git(repo, "config", "user.email", "lea@example.com")
    not_mine = invoke(repo, "amend", "--template")
    assert not_mine.exit_code == 1 and "You have no run in sprint 2026-W14 of the build phase to correct" in not_mine.output

    both = invoke(
        repo,
        "amend",
        runs["ana1"].id,
        "--from",
        str(write(tmp_path, edited_template(repo, runs["ana3"].id, change={}))),
        "--note",
        "x",
    )
    assert both.exit_code == 2 and "corrects run" in both.output and "give one of the two" in both.output
    assert len(git(repo, "ls-tree", "-r", "--name-only", "HEAD", ".kundencheck/answers").split()) == 5


def test_answer_from_a_file_with_corrects_points_at_amend(history_repo, tmp_path):
    repo = history_repo["path"]
    text = edited_template(repo, change={}, note="why")
    result = invoke(repo, "answer", "--from", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert "'corrects' and 'correction_note' make a correction of a run: commit the file with `kundencheck amend" in result.output


def test_amend_from_stdin_through_the_console_script(history_repo, tmp_path):
    repo, runs = history_repo["path"], history_repo["runs"]
    text = edited_template(repo, change=JONAS_AGREES)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kundencheck",
            "-C",
            str(repo),
            "amend",
            runs["jonas3"].id[:24],
            "--from",
            "-",
            "--note",
            "Fixed from a script",
        ],
        check=False,
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "correction, 0 green, 0 amber, 3 red; team-mood 2/5 ↓" in done.stdout
    assert "Why: Fixed from a script" in git(repo, "log", "-1", "--format=%B")


def test_a_correction_committed_meanwhile_is_not_overtaken(history_repo):
    """Two people correct the same run (one pulled the other's correction in the meantime):
    the second commit is refused and names the correction to correct instead."""
    from kundencheck.core.errors import KundencheckError
    from kundencheck.session import AmendRefused, RunSession, open_project

    repo, runs = history_repo["path"], history_repo["runs"]
    project = open_project(repo)
    try:
        target = project.run_to_amend(runs["jonas3"].id)
        first, second = (RunSession.start_correction(project, target) for _ in range(2))
        for session, note in ((first, "first"), (second, "second")):
            session.set_value("expectations-match", "amber")
            session.set_correction_note(note)
        first.commit()
        try:
            second.commit()
        except AmendRefused as refused:
            assert refused.refusal.reason == "corrected" and refused.refusal.runs == (first.run.id,)
            assert isinstance(refused, KundencheckError)
        else:
            raise AssertionError("the second correction was committed")
        second.release()
    finally:
        project.close()
    assert len(git(repo, "ls-tree", "-r", "--name-only", "HEAD", ".kundencheck/answers").split()) == 6
