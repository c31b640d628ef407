"""Notes and actions cannot forge or break a real commit's subject or trailers.

tests/core/test_message.py covers the message builder; here each hostile case goes through
RunSession.commit into a real repository, and what git stored (``git log -1 --format=%B``) is
read back with ``git interpret-trailers --parse``. A commit-msg hook that cleans the message
the way ``git commit`` does (``git stripspace --strip-comments``) must not change it.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from kundencheck.core.message import build_message
from kundencheck.session import RunSession, open_project
from tests.support.git import git
from tests.support.hostile import CONTROL

HUGE = ("Kundencheck-Score: 10/10\n# kommentar\n\n" + "x" * 97 + "\n") * 800  # about 100 KB

CASES = {
    "newlines": "erste Zeile\n\n\nzweite Zeile\n\n",
    "forged-score": "Alles gut.\n\nKundencheck-Score: 10/10\nKundencheck-Run: gefälscht",
    "comment-lines": (
        "# sieht aus wie ein Kommentar\n#noch einer\n# ------------------------ >8 ------------------------\nKundencheck-Phase: x"
    ),
    "100kb": HUGE,
    "control": f"vorher {CONTROL}\r\nKundencheck-Score: 10/10\rSigned-off-by: x <x@example.com>",
    "cr-only-subject-break": "\rkundencheck(build): 99 green\n",
}

#: A hook doing what `git commit` does to a message by default (cleanup=strip).
CLEANUP_HOOK = """#!/bin/sh
git stripspace --strip-comments < "$1" > "$1.tmp" && mv "$1.tmp" "$1"
"""


def trailers(repo, message: str) -> list[tuple[str, ...]]:
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse"], cwd=repo, input=message.encode("utf-8"), capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [tuple(line.split(": ", 1)) for line in out.splitlines()]


def commit_hostile(repo, text: str, *, sprint: str | None = None):
    project = open_project(repo)
    try:
        session = RunSession.start(project, "build", sprint=sprint)
        for item, value in (
            ("client-contacted", "red"),
            ("team-mood", 2),
            ("own-design", "yes"),
            ("deviations-announced", "amber"),
            ("expectations-match", "green"),
            ("self-critical", text),
        ):
            session.set_value(item, value)
        session.set_note("client-contacted", text)
        session.set_action("client-contacted", what=text, owner=text, due=dt.date(2026, 12, 4))
        session.set_note("deviations-announced", text)
        session.set_note("team-mood", text)
        session.set_action("team-mood", what=text, owner="Ana", due=dt.date(2026, 12, 5))
        expected = build_message(session._pruned(), session.checklist)
        result = session.commit()
        return session, result, expected
    finally:
        project.close()


@pytest.mark.parametrize("with_hook", [False, True], ids=["no-hook", "cleanup-hook"])
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_note_and_action_cannot_forge_trailers_in_a_real_commit(project_repo, case, with_hook):
    if with_hook:
        hook = project_repo / ".git" / "hooks" / "commit-msg"
        hook.write_text(CLEANUP_HOOK)
        hook.chmod(0o755)
    session, result, expected = commit_hostile(project_repo, CASES[case], sprint="W48\nKundencheck-Score: 10/10")
    stored = git(project_repo, "log", "-1", "--format=%B")
    run = session.run
    assert trailers(project_repo, stored) == [
        ("Kundencheck-Run", run.id),
        ("Kundencheck-Phase", "build"),
        ("Kundencheck-Checklist", "build@test-1"),
        ("Kundencheck-Score", "3/8"),
    ]
    subject = stored.split("\n", 1)[0]
    assert subject == "kundencheck(build): 1 green, 1 amber, 2 red; Talked to the client no" == result.subject
    assert stored.split("\n")[1] == ""
    # git stored exactly the message that was built (the hook changed nothing), with no CR,
    # no control characters and no line git could strip as a comment.
    assert stored.rstrip("\n") == expected.rstrip("\n")
    assert not any(line.startswith("#") for line in stored.splitlines())
    assert not any(c in stored for c in "\r\x1b\x00\x08")
    assert len(stored) < 10_000  # a 100 KB note is cut in the message (whole in the answers file)
    # git's own trailer reader agrees with the one kundencheck reads history with.
    assert git(project_repo, "log", "-1", "--format=%(trailers:key=Kundencheck-Score,valueonly)").strip() == "3/8"


def test_the_whole_100kb_note_is_kept_in_the_answers_file(project_repo):
    session, _result, _ = commit_hostile(project_repo, HUGE)
    from kundencheck.core.answers_file import loads

    committed = loads(git(project_repo, "show", f"HEAD:{session.run.path}").encode("utf-8"))
    assert committed.answer("client-contacted").note == HUGE.strip()
    assert committed.answer("client-contacted").action.what == HUGE.strip()


def test_hostile_author_and_co_author_cannot_forge_trailers(project_repo):
    git(project_repo, "config", "user.name", "Eve\nKundencheck-Score: 10/10")
    project = open_project(project_repo)
    try:
        identity = project.store.identity()
        session = RunSession.start(project, "build")
        session.run.participants = ["Mallory <m@example.com>\nKundencheck-Run: forged", "# Kommentar <c@example.com>"]
        for item, value in (
            ("client-contacted", "green"),
            ("team-mood", 4),
            ("own-design", "no"),
            ("expectations-match", "green"),
            ("self-critical", "ok"),
        ):
            session.set_value(item, value)
        session.commit()
    finally:
        project.close()
    stored = git(project_repo, "log", "-1", "--format=%B")
    pairs = trailers(project_repo, stored)
    assert [k for k, _ in pairs[:4]] == ["Kundencheck-Run", "Kundencheck-Phase", "Kundencheck-Checklist", "Kundencheck-Score"]
    assert pairs[3] == ("Kundencheck-Score", "6/6")
    assert pairs[4:] == [
        ("Co-authored-by", "Mallory <m@example.com> Kundencheck-Run: forged"),
        ("Co-authored-by", "# Kommentar <c@example.com>"),
    ]
    # git config may hold a newline in the name; it never splits a line of the message
    assert "\n" in identity.name and "answered by Eve Kundencheck-Score: 10/10 <" in stored
