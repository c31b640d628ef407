"""The TUI's side of a push after a commit: it runs in the commit worker, the review screen's
status line says which refusal it was (from the data, as the CLI does), and the app hands the
outcome to the CLI, which prints the whole story once the screen has closed (tests/cli)."""

from __future__ import annotations

import sys

from kundencheck.push_texts import failure_text
from kundencheck.session import RunSession, open_project
from kundencheck.store.push import PushRefusal
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.run import RunScreen
from tests.support.git import git, write_hook
from tests.support.pushing import GATE_HOOK


async def _commit_with_push(path):
    project = open_project(path)
    app = build_app(lambda *args: RunSession.start(project, "build", draft=args[-1], push=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not isinstance(app.screen, RunScreen):  # the review of earlier open actions comes first
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        await pilot.press("1", "4", "2", "1")  # contacted: yes, mood 4, own design: no, expectations: yes
        await pilot.press("enter")  # next review date: optional, left empty
        await pilot.press(*"We listened", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        title = review.sub_title
    project.close()
    return app.return_value, title


async def test_the_teams_gate_refusing_the_push_is_said_in_the_review_and_handed_on_as_data(clone):
    erika, remote = clone["path"], clone["remote"]
    write_hook(erika, "pre-push", GATE_HOOK)
    before = git(remote, "rev-parse", "main")
    result, title = await _commit_with_push(erika)
    assert title == "Committed; not pushed: the team's gate (kundencheck check) refused"
    failure = result.push_failure
    assert failure.refusal is PushRefusal.HOOK and failure.gate is not None and failure.gate.exit_code == 1
    assert [f.rule for f in failure.gate.findings] == ["overdue_action"]
    assert "what refused is the team's own gate" in failure_text(failure, committed=True)
    assert git(remote, "rev-parse", "main") == before
    assert git(erika, "log", "-1", "--format=%s").startswith("kundencheck(build)")


async def test_a_pre_push_hook_of_another_kind_refusing(clone):
    erika = clone["path"]
    write_hook(erika, "pre-push", f'echo "tests are red" >&2\nexit 1\n# {sys.executable}\n')
    result, title = await _commit_with_push(erika)
    assert title == "Committed; not pushed: the pre-push hook refused"
    assert result.push_failure.refusal is PushRefusal.HOOK and result.push_failure.output == ("tests are red",)
