"""The review screen when git refuses the commit (a merge in progress, a detached HEAD, a run
already committed): it says why, and names the draft that keeps the answers only when there is
one to commit later (issue 16, items 3 and 4)."""

from __future__ import annotations

import shutil

import pytest

from kundencheck.core import answers_file
from kundencheck.session import RunSession, open_project
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.review import ReviewScreen
from tests.support.git import git

ANSWERS = (
    ("client-contacted", "green"),
    ("team-mood", 4),
    ("own-design", "no"),
    ("expectations-match", "green"),
    ("self-critical", "ok"),
)


def _merge(repo):
    git(repo, "branch", "other")
    (repo / "c.txt").write_text("main\n")
    git(repo, "add", "c.txt")
    git(repo, "commit", "-q", "-m", "main side")
    git(repo, "switch", "-q", "other")
    (repo / "c.txt").write_text("other\n")
    git(repo, "add", "c.txt")
    git(repo, "commit", "-q", "-m", "other side")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "other", check=False)


def _detach(repo):
    git(repo, "switch", "-q", "--detach")


async def _refused(project, session_for, block, repo) -> tuple[str, RunSession | None]:
    app = build_app(session_for)
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.session
        for item, value in ANSWERS:
            session.set_value(item, value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        block(repo)
        await pilot.press("enter")
        panel = app.screen.query_one("#review-error")
        for _ in range(200):  # the commit runs in a worker thread
            if panel.display:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ReviewScreen) and app.is_running
        return str(panel.render()), session


@pytest.mark.parametrize("block", [_merge, _detach], ids=["merge", "detached"])
async def test_a_refused_commit_names_the_draft_it_kept(project_repo, block):
    project = open_project(project_repo)
    error, session = await _refused(
        project, lambda _phase, draft: RunSession.start(project, "build", draft=draft), block, project_repo
    )
    project.close()
    assert "will not commit now" in error
    # In the CLI's words (one text in the catalog, not two that differ by a colon).
    said = " ".join(error.split())
    assert (
        f"Your answers are kept as draft {session.run.id}: commit them later with `kundencheck drafts commit {session.run.id}`."
    ) in said
    draft = project_repo / ".git" / "kundencheck" / "drafts" / f"{session.run.id}.toml"
    assert answers_file.loads(draft.read_bytes()).answer("self-critical").value == "ok"


async def test_a_run_already_committed_is_refused_without_offering_to_commit_it_again(project_repo):
    project = open_project(project_repo)
    first = RunSession.start(project, "build")
    for item, value in ANSWERS:
        first.set_value(item, value)
    drafts = project_repo / ".git" / "kundencheck" / "drafts"
    kept = drafts / "kept.toml"
    shutil.copy(drafts / f"{first.run.id}.toml", kept)
    first.commit()
    head = git(project_repo, "rev-parse", "HEAD")
    stale = answers_file.loads(kept.read_bytes())  # a draft left over from that commit
    kept.unlink()

    error, _session = await _refused(
        project, lambda _phase, draft: RunSession.start(project, "build", draft=stale), lambda repo: None, project_repo
    )
    project.close()
    assert f"Run {first.run.id} is already committed" in error
    assert f"kundencheck drafts discard {first.run.id}" in error
    assert "drafts commit" not in error
    assert git(project_repo, "rev-parse", "HEAD") == head
