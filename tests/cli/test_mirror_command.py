"""`kundencheck mirror` on real repositories: invite, import, status, page, and the client's row
beside the team's in status, log, the reports and the gate. Every refusal is one paragraph,
exit status 1, and commits nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kundencheck.core.answers import Action, Answer
from kundencheck.core.catalog import load_catalog
from kundencheck.core.mirror import ClientAnswer, encode_block, payload_bytes, read_invitation
from kundencheck.store.git_store import GitStore
from tests.support.git import commit_all, git
from tests.support.history import CET, commit_run

ERIKA = ("Erika Mustermann", "erika@example.com")


def kc(repo: Path, *args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        input=input,
        check=False,
        cwd=cwd,
        env=_env(),
    )


def _env() -> dict:
    import os

    return {**os.environ, "COLUMNS": "200"}


def state(repo: Path) -> tuple[str, str]:
    """HEAD and `git status`: what "nothing committed" must leave as it was."""
    return git(repo, "rev-parse", "HEAD").strip(), git(repo, "status", "--porcelain", "--untracked-files=no")


def shipped_answers(contacted: str, expectations: str, *, action: Action | None = None) -> list[Answer]:
    note = "" if contacted == "green" and expectations == "green" else "we think so"
    return [
        Answer("client-contacted", contacted, note=note if contacted != "green" else "", action=action),
        Answer("expectations-still-match", expectations, note=note if expectations != "green" else ""),
        Answer("own-design", "no"),
        Answer("compromise-early", "green"),
        Answer("good-faith", "green"),
        Answer("open-decisions-shared", "green"),
        Answer("team-mood", 4),
        Answer("respectful-talk", "green"),
        Answer("self-critical-advice", "green"),
    ]


@pytest.fixture
def project(repo: Path, tmp_path: Path) -> dict:
    """A project on the shipped build checklist with an agency name, one sprint answered green."""
    done = kc(repo, "init", "--project", "Webshop", "--client", "Müller GmbH", "--agency", "Pixelwerk", "--language", "en")
    assert done.returncode == 0, done.stderr
    checklist = load_catalog(repo).find("build", "en")
    with GitStore.open(repo) as store:
        commit_run(
            store, checklist, ERIKA, "2026-W48", dt.datetime(2026, 11, 23, 9, 0, tzinfo=CET), shipped_answers("green", "green")
        )
    return {"path": repo, "out": tmp_path / "out", "checklist": checklist}


def invite(project: dict, *args: str):
    project["out"].mkdir(exist_ok=True)
    target = project["out"] / "page.html"
    result = kc(project["path"], "mirror", "invite", "-o", str(target), *args)
    assert result.returncode == 0, result.stderr
    [path] = [p for p in git(project["path"], "show", "--name-only", "--format=", "HEAD").split() if p]
    invitation = read_invitation((project["path"] / path).read_bytes(), path)
    return invitation, target, result


def client_block(invitation, answers=None, name: str = "Jane Doe") -> str:
    answers = answers or [
        ClientAnswer("client-contacted", "red", "We only get status mails"),
        ClientAnswer("expectations-still-match", "amber", ""),
        ClientAnswer("respectful-talk", "green", ""),
    ]
    return encode_block(
        invitation.id, payload_bytes(invitation.id, answers, name=name, answered="2026-11-28T09:00:00.000Z"), invitation.secret
    )


def mail(block: str) -> str:
    return "Hi Erika,\n\nhere are my answers.\n\n" + "".join(f"> {line}\n" for line in block.splitlines()) + "\nJane\n"


# ------------------------------------------------------------------------- invite


def test_invite_writes_the_page_and_commits_the_invitation(project):
    repo = project["path"]
    before = git(repo, "rev-parse", "HEAD").strip()
    invitation, page, result = invite(project, "--to", "Jane Doe")
    assert f"Wrote the invitation page {page}: 8 questions about sprint 2026-W48 of the build phase, in en." in result.stdout
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert git(repo, "show", "--name-status", "--format=", "HEAD").split() == ["A", invitation.path]
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith(f"kundencheck(build): mirror invitation {invitation.id}, sprint 2026-W48")
    assert git(repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Invitation,valueonly)").strip() == invitation.id
    text = page.read_text(encoding="utf-8")
    assert invitation.secret in text and "Pixelwerk" in text and "Müller GmbH" in text and "Jane Doe" in text
    assert invitation.sprint == "2026-W48" and invitation.to == "Jane Doe"  # the phase's current sprint


def test_invite_says_a_commit_warning_in_words(project):
    """What the commit went ahead despite (here: .gitignore ignores the invitations) is said as
    every other command says it, not as the store's record."""
    commit_all(project["path"], "ignore the invitations", **{".gitignore": ".kundencheck/mirror/\n"})
    invitation, _page, result = invite(project)
    assert f"Note: {invitation.path} is ignored by .gitignore; committed anyway." in result.stdout
    assert "CommitWarning" not in result.stdout and "Caveat" not in result.stdout


def test_invite_in_the_clients_language_and_for_a_sprint(project):
    invitation, page, _result = invite(project, "--language", "de", "--sprint", "Sprint 7")
    text = page.read_text(encoding="utf-8")
    assert invitation.language == "de" and invitation.sprint == "Sprint 7"
    assert '<html lang="de">' in text and "Ihre Sicht auf unsere Zusammenarbeit" in text


def test_invite_without_an_agency_name_refuses_and_commits_nothing(repo, tmp_path):
    assert kc(repo, "init", "--project", "Webshop", "--language", "en").returncode == 0
    before = state(repo)
    result = kc(repo, "mirror", "invite", "-o", str(tmp_path / "page.html"))
    assert result.returncode == 1 and state(repo) == before
    assert "has no agency name" in result.stderr and 'kundencheck init --agency "Your agency"' in result.stderr
    assert not (tmp_path / "page.html").exists()


def test_invite_refused_by_the_repository_leaves_no_page(project):
    repo = project["path"]
    (Path(git(repo, "rev-parse", "--absolute-git-dir").strip()) / "MERGE_HEAD").write_text("0" * 40 + "\n")
    before = state(repo)
    project["out"].mkdir()
    result = kc(repo, "mirror", "invite", "-o", str(project["out"] / "page.html"))
    assert result.returncode == 1 and state(repo) == before
    assert "a merge is in progress" in result.stderr or "merge" in result.stderr
    assert list(project["out"].iterdir()) == []


def test_mirror_page_writes_an_invitations_page_again(project):
    invitation, first, _result = invite(project)
    again = project["out"] / "again.html"
    result = kc(project["path"], "mirror", "page", invitation.id, "-o", str(again))
    assert result.returncode == 0, result.stderr
    assert again.read_text() == first.read_text()
    unknown = kc(project["path"], "mirror", "page", "build-nope")
    assert unknown.returncode == 1 and "There is no invitation 'build-nope' in this repository" in unknown.stderr


# ------------------------------------------------------------------------- import


def test_import_commits_the_clients_answers_as_one_new_file(project):
    repo = project["path"]
    invitation, _page, _result = invite(project)
    (project["out"] / "reply.eml").write_text(mail(client_block(invitation)))
    before = git(repo, "rev-parse", "HEAD").strip()
    result = kc(repo, "mirror", "import", str(project["out"] / "reply.eml"))
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert git(repo, "show", "--name-status", "--format=", "HEAD").split() == ["A", f".kundencheck/client/{invitation.id}.toml"]
    assert git(repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Source,valueonly)").strip() == "client"
    assert git(repo, "log", "-1", "--format=%s").strip() == (
        "kundencheck(build): client answers, 1 green, 1 amber, 1 red; sprint 2026-W48"
    )
    assert "answered by Jane Doe on 2026-11-28" in result.stdout
    assert "⚠ 2 perception gaps" in result.stdout and "Talked to the client (client-contacted)" in result.stdout
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


def test_import_reads_standard_input(project):
    invitation, _page, _result = invite(project)
    result = kc(project["path"], "mirror", "import", "-", input=mail(client_block(invitation)))
    assert result.returncode == 0, result.stderr
    assert kc(project["path"], "mirror", "import", input=mail(client_block(invitation))).returncode == 1


def refused(project, text: str, *fragments: str) -> str:
    repo = project["path"]
    before = state(repo)
    result = kc(repo, "mirror", "import", "-", input=text)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert state(repo) == before  # nothing committed, nothing staged
    paragraph = result.stderr.strip()
    assert "\n" not in paragraph  # one paragraph
    assert paragraph.startswith("kundencheck: ") and "Traceback" not in result.stderr
    assert paragraph.endswith("Nothing was committed.")
    flat = " ".join(paragraph.split())
    for fragment in fragments:
        assert fragment in flat, flat
    return flat


def test_a_block_changed_by_one_character_is_refused(project):
    invitation, _page, _result = invite(project)
    block = client_block(invitation)
    lines = block.splitlines()
    lines[3] = lines[3][:5] + ("A" if lines[3][5] != "A" else "B") + lines[3][6:]
    refused(
        project,
        mail("\n".join(lines)),
        f"the answer block of invitation {invitation.id} does not verify",
        "Ask the client to send the block again",
    )
    mac = lines[-2]
    lines = block.splitlines()
    lines[-2] = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    refused(project, mail("\n".join(lines)), "does not verify")


def test_a_block_imported_before_is_refused(project):
    invitation, _page, _result = invite(project)
    assert kc(project["path"], "mirror", "import", "-", input=mail(client_block(invitation))).returncode == 0
    refused(
        project,
        mail(client_block(invitation, name="Someone else")),
        f"the client's answers to invitation {invitation.id} were imported already",
        f".kundencheck/client/{invitation.id}.toml",
        "send a new invitation: `kundencheck mirror invite build`",
    )


def test_a_block_of_an_unknown_invitation_is_refused(project):
    invitation, _page, _result = invite(project)
    foreign = invitation._replace(id="build-foreign2", secret="cd" * 32)
    refused(
        project,
        mail(client_block(foreign)),
        "There is no invitation 'build-foreign2' in this repository",
        f"invitations here: {invitation.id}",
        "git pull",
    )


def test_a_mail_without_a_block_is_refused(project):
    invite(project)
    refused(
        project, "Hi, all good from our side!\n", "standard input", "holds no answer block", "-----BEGIN KUNDENCHECK ANSWERS-----"
    )


def test_a_broken_invitation_file_a_teammate_committed_is_named(project):
    repo = project["path"]
    invitation, _page, _result = invite(project)
    path = repo / invitation.path
    path.write_text(path.read_text().replace('secret = "', 'secret = "nothex'))
    git(repo, "commit", "-q", "-am", "Tidy the invitation")  # a teammate's hand edit
    flat = refused(
        project,
        mail(client_block(invitation)),
        invitation.path,
        "key 'secret'",
        "The invitation's file cannot be read",
        f"git log -p {invitation.path}",
    )
    assert flat.count(invitation.path) >= 2
    # Other commands read past it: status names it and goes on.
    status = kc(repo, "mirror", "status")
    assert status.returncode == 0 and "cannot be read and is left out" in status.stderr


def test_a_missing_file_is_named(project):
    result = kc(project["path"], "mirror", "import", str(project["out"] / "nope.eml"))
    assert result.returncode == 1 and "nope.eml" in result.stderr and "cannot be read" in result.stderr


# ------------------------------------------------------------------------- status and the views


@pytest.fixture
def answered(project) -> dict:
    invitation, _page, _result = invite(project, "--to", "Jane Doe")
    assert kc(project["path"], "mirror", "import", "-", input=mail(client_block(invitation))).returncode == 0
    waiting, _page, _result = invite(project, "--to", "Max Weber")
    return {**project, "invitation": invitation, "waiting": waiting}


def test_mirror_status_lists_answered_and_waiting(answered):
    result = kc(answered["path"], "mirror", "status")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert answered["invitation"].id in out and answered["waiting"].id in out
    assert "✔ answered 2026-11-28" in out and "… waiting, 0 days" in out and "2 sent, 1 answered, 1 waiting." in out
    assert "Perception gaps (the team answered green, the client red or amber): 2, 2 without an action" in out
    later = kc(answered["path"], "mirror", "status", "--today", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    assert "… waiting, 20 days" in later.stdout
    data = json.loads(kc(answered["path"], "mirror", "status", "--json").stdout)
    # Newest first; both were sent within the test, often in the same second (then by id).
    by_id = {i["id"]: i for i in data["invitations"]}
    assert [by_id[answered[key].id]["answered"] for key in ("waiting", "invitation")] == [False, True]
    answered_one = by_id[answered["invitation"].id]
    assert answered_one["reply"]["answers"]["client-contacted"] == {"value": "red", "comment": "We only get status mails"}
    assert [(g["item"], g["open"], g["team"]["value"], g["client"]["value"]) for g in data["gaps"]] == [
        ("client-contacted", True, "green", "red"),
        ("expectations-still-match", True, "green", "amber"),
    ]


def test_status_log_report_and_check_show_the_client_beside_the_team(answered):
    repo = answered["path"]
    status = kc(repo, "status").stdout
    assert re.search(r"Client\s+│ ✔ 1 green", status) and "≠ 2 gaps open" in status
    assert "client-contacted: team ✔ yes · client (Jane Doe) ✘ no: We only get status mails  ≠ perception gap" in status
    data = json.loads(kc(repo, "status", "--json").stdout)
    [build] = data["phases"]
    assert build["client"]["client-contacted"]["gap"] is True and len(build["gaps"]) == 2
    log = kc(repo, "log").stdout
    assert "client (Jane Doe)" in log
    item = kc(repo, "log", "--item", "client-contacted").stdout
    assert "client (Jane Doe): ✘ no: We only get status mails" in item and "≠ perception gap" in item
    csv_rows = kc(repo, "log", "--format", "csv").stdout.splitlines()
    assert csv_rows[0].endswith(",future,source,votes,voters")
    assert sum(1 for row in csv_rows if row.endswith(",client,,")) == 3
    md = kc(repo, "report").stdout
    assert "| ↳ the client's view | ✘ no ≠ |" in md and "client (Jane Doe): ✘ no: We only get status mails ≠ perception gap" in md
    report = json.loads(kc(repo, "report", "--format", "json").stdout)
    rows = report["checklists"][0]["matrix"]["rows"]
    client_rows = [r for r in rows if r["source"] == "client"]
    assert [r["item"] for r in client_rows] == ["client-contacted", "expectations-still-match", "respectful-talk"]
    assert client_rows[0]["cells"][0]["gap"] is True and client_rows[2]["cells"][0]["gap"] is False
    # The team's counts are the team's: the client's red does not make the sprint red.
    assert report["checklists"][0]["counts"] == {"green": 9, "amber": 0, "red": 0, "na": 0}
    check = kc(repo, "check")
    assert check.returncode == 1 and check.stdout.count("perception gap (perception_gap)") == 2


def test_an_action_on_the_item_answers_the_gap(answered):
    repo = answered["path"]
    checklist = answered["checklist"]
    with GitStore.open(repo) as store:
        commit_run(
            store,
            checklist,
            ERIKA,
            "2026-W49",
            dt.datetime(2026, 11, 30, 9, 0, tzinfo=CET),
            shipped_answers("green", "amber", action=Action("Call Jane every week", "Erika", dt.date(2026, 12, 30))),
        )
    check = kc(repo, "check", "--format", "json")
    gaps = [f for f in json.loads(check.stdout)["findings"] if f["rule"] == "perception_gap"]
    assert [g["item"] for g in gaps] == ["expectations-still-match"]  # the other one has its action now
    status = kc(repo, "mirror", "status").stdout
    assert (
        '✔ Talked to the client (client-contacted), sprint 2026-W48: team ✔ yes, client ✘ no ("We only get status mails") '
        '· answered by the action "Call Jane every week"' in " ".join(status.split("\n"))
    )


def test_the_perception_gap_rule_follows_the_check_table(answered):
    repo = answered["path"]
    config = repo / ".kundencheck" / "config.toml"
    assert 'perception_gap = "error"' in config.read_text()  # init wrote it, with its comment
    config.write_text(config.read_text().replace('perception_gap = "error"', 'perception_gap = "warning"'))
    git(repo, "commit", "-q", "-am", "Gaps are warnings for us")
    result = kc(repo, "check")
    assert result.returncode == 0 and "⚠ warning  perception gap (perception_gap)" in result.stdout
