"""Action threads across a team: two clones of one bare remote, two people raising an action on
the same item in the same sprint without seeing each other's, pushed and pulled; both clones
then read one thread with both texts, under the same id, and one review closes it everywhere."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import tomlkit

from tests.support.git import git


def kundencheck(repo: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", "-C", str(repo), *args],
        check=False,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


def clone(remote: Path, path: Path, name: str, email: str) -> Path:
    git(remote.parent, "clone", "-q", str(remote), str(path))
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", email)
    return path


def answers(repo: Path, action: dict | None, *, decisions: dict[str, str] | None = None) -> str:
    """The build template of ``repo`` filled in: client-contacted red with ``action`` (or green),
    the rest answered; ``decisions``: thread id -> decision of the open threads' reviews."""
    from kundencheck.core.history import thread_id

    template = kundencheck(repo, "answer", "build", "--template", "--sprint", "2026-W10")
    assert template.returncode == 0, template.stderr
    doc = tomlkit.parse(template.stdout)
    values = {
        "client-contacted": {"status": "red", "note": "Only mails", "action": action} if action else {"status": "green"},
        "team-mood": {"value": 4},
        "own-design": {"value": "no"},
        "expectations-match": {"status": "green"},
        "self-critical": {"value": "ok"},
    }
    for table in doc["answers"]:
        for key, value in values.get(table["item"], {}).items():
            table[key] = value
    for table in doc.get("reviews", []):
        decided = (decisions or {}).get(thread_id(table["run"], table["item"]))
        if decided:
            table["decision"] = decided
    return tomlkit.dumps(doc)


def open_threads(repo: Path) -> list[dict]:
    result = kundencheck(repo, "actions", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["actions"]


def test_two_people_raising_an_action_on_one_item_in_a_sprint_end_in_one_thread(project_repo, tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(project_repo, "remote", "add", "origin", str(remote))
    git(project_repo, "push", "-q", "-u", "origin", "main")
    ana = clone(remote, tmp_path / "ana", "Ana Schäfer", "ana@example.com")
    jonas = clone(remote, tmp_path / "jonas", "Jonas Berg", "jonas@example.com")
    due = dt.date.today() + dt.timedelta(days=7)

    # Ana answers and pushes; Jonas answers on his clone without having pulled.
    first = kundencheck(
        ana,
        "answer",
        "build",
        "--from",
        "-",
        "--push",
        input=answers(ana, {"what": "Call the product owner", "owner": "Ana", "due": due}),
    )
    assert first.returncode == 0, first.stderr
    second = kundencheck(
        jonas,
        "answer",
        "build",
        "--from",
        "-",
        input=answers(jonas, {"what": "Mail the product owner", "owner": "Jonas", "due": due + dt.timedelta(days=3)}),
    )
    assert second.returncode == 0, second.stderr
    assert "joins the open action" not in second.stderr  # Jonas had not seen Ana's action
    git(jonas, "pull", "-q", "--rebase")
    git(jonas, "push", "-q")
    git(ana, "pull", "-q")

    # Both clones: one thread with both texts, the latest word's owner and due date, one id.
    seen = []
    for repo in (ana, jonas):
        threads = open_threads(repo)
        assert len(threads) == 1
        thread = threads[0]
        assert [(w["what"], w["author"]) for w in thread["raised_by"]] == [
            ("Call the product owner", "Ana Schäfer <ana@example.com>"),
            ("Mail the product owner", "Jonas Berg <jonas@example.com>"),
        ]
        assert (thread["what"], thread["owner"], thread["due"]) == (
            "Mail the product owner",
            "Jonas",
            (due + dt.timedelta(days=3)).isoformat(),
        )
        seen.append(thread["id"])
    assert seen[0] == seen[1]
    status = kundencheck(ana, "status")
    assert f"{seen[0]} Mail the product owner (Jonas, due" in status.stdout
    assert "Actions of build: 1 open" in status.stdout

    # The next run's template names the thread once; Ana closes it, and Jonas pulls that.
    text = answers(ana, None, decisions={seen[0]: "done"})
    assert text.count("[[reviews]]") == 1 and f"# Action {seen[0]} on client-contacted: Mail the product owner" in text
    closing = kundencheck(ana, "answer", "build", "--from", "-", "--push", input=text)
    assert closing.returncode == 0, closing.stderr
    git(jonas, "pull", "-q", "--rebase")
    assert open_threads(ana) == [] and open_threads(jonas) == []
