"""Who is answering together: the participants dialog, driven through Textual's pilot on a real
repository, ending in a commit with Co-authored-by trailers."""

from __future__ import annotations

import subprocess

from textual.widgets import Input, SelectionList, Static

from kundencheck.push_texts import failure_text
from kundencheck.session import RunSession, open_project
from kundencheck.store.push import PushRefusal
from kundencheck.tui.app import build_app
from kundencheck.tui.screens.dialogs import HelpScreen
from kundencheck.tui.screens.participants import ParticipantsScreen
from kundencheck.tui.screens.review import ReviewScreen
from kundencheck.tui.screens.run import RunScreen
from tests.support.git import git
from tests.support.screen import flat, screen_text

JUERGEN = "Jürgen Groß <juergen@example.com>"
MALLORY = "[bold]Mallory[/bold] <mallory@example.com>"
KIM = "Kim Lee <kim@example.com>"


def _with_authors(repo):
    """Commits by two more people; the newest by someone whose name looks like markup."""
    for n, author in enumerate((JUERGEN, MALLORY)):
        (repo / f"work{n}.txt").write_text("work\n")
        git(repo, "add", f"work{n}.txt")
        git(repo, "commit", "-q", "-m", f"Work {n}", f"--author={author}")
    return repo


def _app(project):
    # The factory takes (draft) or (phase, draft): the session is always the build run.
    return build_app(lambda *args: RunSession.start(project, "build", draft=args[-1]))


async def _open_dialog(app, pilot) -> SelectionList:
    await pilot.pause()
    assert isinstance(app.screen, RunScreen)
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, ParticipantsScreen)
    await app.workers.wait_for_complete()  # the recent authors are read in a worker
    await pilot.pause()
    return app.screen.query_one("#participants-list", SelectionList)


def _index(selections: SelectionList, person: str) -> int:
    values = [selections.get_option_at_index(n).value for n in range(selections.option_count)]
    return values.index(person)


async def _answer_everything(pilot) -> None:
    await pilot.press("1", "4", "2", "1")  # contacted: yes, mood 4, own design: no, expectations: yes
    await pilot.press("enter")  # next review date: optional, left empty
    await pilot.press(*"We listened", "enter")


async def test_pick_a_recent_author_type_another_and_commit_with_trailers(project_repo):
    _with_authors(project_repo)
    project = open_project(project_repo)
    app = _app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        selections = await _open_dialog(app, pilot)
        values = [selections.get_option_at_index(n).value for n in range(selections.option_count)]
        assert values == [MALLORY, JUERGEN]  # newest first; the author herself is not offered
        selections.highlighted = _index(selections, JUERGEN)
        await pilot.press("space")
        app.screen.query_one("#participant-input", Input).focus()
        await pilot.press(*KIM, "enter")
        assert app.screen.chosen() == [JUERGEN, KIM]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        session = app.screen.session
        assert session.participants() == [JUERGEN, KIM]

        await _answer_everything(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        shown = str(app.screen.query_one("#review-participants", Static).render())
        assert "Answering together:" in shown and "Jürgen Groß" in shown and "Kim Lee" in shown
        assert "Co-authored-by: Kim Lee <kim@example.com>" in session.message()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    project.close()
    assert app.return_value is not None

    message = git(project_repo, "log", "-1", "--format=%B")
    trailers = subprocess.run(
        ["git", "interpret-trailers", "--parse"], check=False, input=message, capture_output=True, text=True
    ).stdout
    assert f"Co-authored-by: {JUERGEN}" in trailers and f"Co-authored-by: {KIM}" in trailers
    assert "mallory" not in trailers
    path = git(project_repo, "show", "--name-only", "--format=", "HEAD").strip()
    assert f'participants = ["Erika Mustermann <erika@example.com>", "{JUERGEN}", "{KIM}"]' in (project_repo / path).read_text()


async def test_a_name_with_markup_is_shown_literally(project_repo):
    _with_authors(project_repo)
    project = open_project(project_repo)
    app = _app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        selections = await _open_dialog(app, pilot)
        index = _index(selections, MALLORY)
        assert selections.get_option_at_index(index).prompt.plain == f"[ ] {MALLORY}"
        assert "[bold]Mallory[/bold]" in app.export_screenshot()
        selections.highlighted = index
        await pilot.press("space")
        assert selections.get_option_at_index(index).prompt.plain == f"[✔] {MALLORY}  · picked"
        await pilot.press("escape")
        await pilot.pause()
        await _answer_everything(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = str(app.screen.query_one("#review-participants", Static).render())
        assert "[bold]Mallory[/bold]" in shown
        assert app.screen.session.message().count(f"Co-authored-by: {MALLORY}") == 1
        await pilot.press("escape", "q", "y")
    project.close()


async def test_a_picked_person_is_marked_in_words_not_only_in_colour(project_repo, monkeypatch):
    """Without colour (and with the ansi-light theme, where the check box's colours were
    faint) a picked person must still read as picked: a mark and the word, toggled with space."""

    monkeypatch.setenv("NO_COLOR", "1")
    _with_authors(project_repo)
    project = open_project(project_repo)
    app = _app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        selections = await _open_dialog(app, pilot)
        selections.highlighted = _index(selections, JUERGEN)
        await pilot.press("space")
        await pilot.pause()
        shown = flat(screen_text(app))
        assert f"[✔] {JUERGEN} · picked" in shown and "[ ] [bold]Mallory[/bold]" in shown
        assert shown.count("· picked") == 1  # Mallory is not picked
        await pilot.press("space")  # unpicked again: mark and word go
        await pilot.pause()
        shown = flat(screen_text(app))
        assert f"[ ] {JUERGEN}" in shown and "· picked" not in shown
        await pilot.press("escape", "q", "y")
    project.close()


async def test_typed_person_must_be_name_and_email(project_repo):
    project = open_project(project_repo)
    app = _app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        selections = await _open_dialog(app, pilot)
        assert selections.option_count == 0  # only the author has committed here
        field = app.screen.query_one("#participant-input", Input)
        field.focus()
        await pilot.press(*"Kim", "enter")
        error = app.screen.query_one("#participant-error", Static)
        assert error.display and "is not a person as git writes one" in str(error.render())
        await pilot.press("escape")  # not closed: what is typed would be lost
        await pilot.pause()
        assert isinstance(app.screen, ParticipantsScreen)
        field.value = ""
        await pilot.press(*"Kim Lee <kim@example.com>", "escape")  # escape takes what is typed
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert app.screen.session.participants() == [KIM]
        await pilot.press("q", "y")
    project.close()


async def test_palette_offers_the_dialog(project_repo):
    project = open_project(project_repo)
    app = _app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        assert "Who is answering together?" in commands
        commands["Who is answering together?"].callback()
        await pilot.pause()
        assert isinstance(app.screen, ParticipantsScreen)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        await pilot.press("q")
    project.close()


async def test_push_runs_in_the_commit_worker_and_a_hanging_remote_never_blocks(project_repo, tmp_path, monkeypatch):
    sleeper = tmp_path / "slow-ssh"
    sleeper.write_text("#!/bin/sh\nsleep 30\n")
    sleeper.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(sleeper))
    git(project_repo, "remote", "add", "origin", "ssh://example.invalid/x")
    git(project_repo, "config", "branch.main.remote", "origin")
    git(project_repo, "config", "branch.main.merge", "refs/heads/main")
    git(project_repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # as a clone knows its remote
    project = open_project(project_repo)
    project.store.push_timeout = 2.0
    app = build_app(lambda *args: RunSession.start(project, "build", draft=args[-1], push=True))  # --push
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _answer_everything(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        await pilot.press("enter")
        for _ in range(100):  # the commit is quick; then the push waits on the "network"
            await pilot.pause(0.02)
            if "pushing" in review.sub_title:
                break
        assert review.sub_title == "Committed; pushing…"
        await pilot.press("question_mark")  # the app still answers keys meanwhile
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and review.sub_title == "Committed; pushing…"
        await app.workers.wait_for_complete()
        await pilot.pause()
    project.close()
    result = app.return_value
    assert result is not None and result.pushed is None
    assert result.push_failure.refusal is PushRefusal.TIMEOUT and result.push_failure.seconds == 2
    assert review.sub_title == "Committed; not pushed: out of time"
    said = failure_text(result.push_failure, committed=True)
    assert "did not finish within 2 seconds" in said and "Try again with `kundencheck push`." in said
    assert git(project_repo, "log", "-1", "--format=%s").startswith("kundencheck(build)")
