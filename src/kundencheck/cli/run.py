"""`kundencheck run`, `home` and `demo`: the commands that open the terminal UI, and how a
commit made there (or by `answer` and `drafts commit`) is reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.cli.team import parse_participants, participant_option, push_option, report_push
from kundencheck.core.errors import UsageError
from kundencheck.core.i18n import N_, _

if TYPE_CHECKING:
    from kundencheck.core.answers import Run
    from kundencheck.session import Project, RunSession
    from kundencheck.store.git_store import CommitResult
    from kundencheck.tui.app import KundencheckApp


@command(
    "run",
    starts_app=True,
    help=N_("Answer a phase's checklist in the terminal UI and commit the answers."),
    epilog=N_("""\
Examples:
  kundencheck run                  the project's current phase (else build)
  kundencheck run acceptance       a given phase
  kundencheck run --sprint 2026-S24
  kundencheck run --participant "Jürgen Groß <juergen@example.com>" --push"""),
)
@click.argument("phase", required=False, metavar=N_("[PHASE]"))
@click.option("--sprint", help=N_("Sprint label to record (default: the ISO week, e.g. 2026-W48)."))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@participant_option
@push_option
@click.pass_context
@guarded
def run(
    ctx: click.Context,
    phase: str | None,
    sprint: str | None,
    allow_detached: bool,
    participants: tuple[str, ...] = (),
    push: bool | None = None,
) -> None:
    from kundencheck.session import open_project

    people = parse_participants(participants)  # before the UI starts: a typo is said first
    project = open_project(directory_of(ctx), allow_detached=allow_detached)
    try:
        _run_tui(project, phase, sprint, participants=people, push=push)
    finally:
        project.close()


def _run_tui(
    project: Project,
    phase: str | None,
    sprint: str | None,
    home: bool = False,
    *,
    participants: list[str] | None = None,
    push: bool | None = None,
) -> None:
    from kundencheck.commit_texts import warning_text
    from kundencheck.core.checklist import is_safe_id
    from kundencheck.session import RunSession

    phase = phase or project.current_phase()
    if not is_safe_id(phase):
        raise UsageError(
            _("{phase} is not a phase name. Known phases: {known}.").format(
                phase=repr(phase), known=", ".join(project.catalog.phases())
            )
        )
    checklist = None if home else project.checklist_for(phase)  # home: checked when a run starts
    # git reads its config and HEAD for the two checks below while Python imports the TUI.
    project.store.start_reading_state()
    from kundencheck.tui.app import build_app

    identity = project.store.identity()  # before anything is typed: a missing git identity is said now
    for warning in project.check_ready():
        _console(stderr=True).print("kundencheck: " + warning_text(warning))
    draft = None if checklist is None else project.offerable_draft(checklist.id)

    def make_session(run_phase: str | None, resume: Run | None) -> RunSession:
        session = RunSession.start(project, run_phase or phase, sprint=sprint, draft=resume, identity=identity, push=push)
        if participants:  # --participant: already picked when the run screen opens
            session.set_participants([*session.participants(), *participants])
        return session

    theme, keymap = tui_user_settings()  # the user config's theme and [keys]; checked before the UI starts
    app = build_app(
        make_session,
        draft=draft,
        discard_draft=project.drafts.discard,
        theme=theme,
        keymap=keymap,
        project=project,
        phase=phase,
        home=home,
    )
    run_and_report(app, project, _("No commit made: nothing was answered."))


def run_and_report(app: KundencheckApp, project: Project, nothing_done: str) -> None:
    """Run the TUI ``app``, then say what its commit made, or ``nothing_done`` when it ended
    without a commit and without answers (so without a draft to mention)."""
    result = app.run()
    if result is None and (app.session is None or not app.session.has_answers()):
        _console().print(nothing_done)
        return
    report_commit(result, project)


def tui_user_settings() -> tuple[str | None, dict[str, str] | None]:
    """The theme and key map from the user config, checked against what the TUI offers."""
    from kundencheck.core.ui_names import BINDING_IDS, THEMES
    from kundencheck.core.user_config import check_against, load_user_config

    user = load_user_config()
    check_against(user, themes=THEMES, binding_ids=BINDING_IDS)
    return user.theme, (user.keys or None)


@command(
    starts_app=True,
    help=N_(
        "Open the terminal UI on the home screen: every phase with its last run (when, who, answers by "
        "status, trend), open and overdue actions, whether a check is due, disagreements and unfinished "
        "drafts. `enter` starts a run of the phase in focus, `h` shows its history (the health matrix), "
        "`q` quits."
    ),
    epilog=N_("""\
Examples:
  kundencheck home                 every phase at a glance; enter starts a run, h shows the history
  kundencheck -C ~/work/shop home"""),
)
@click.pass_context
@guarded
def home(ctx: click.Context) -> None:
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx))
    try:
        _run_tui(project, None, None, home=True)
    finally:
        project.close()


def report_commit(result: CommitResult | None, project: Project) -> None:
    """Say what a commit of answers made (or that none was made), its warnings and its push."""
    from kundencheck.commit_texts import warning_text

    console = _console()
    if result is None:
        console.print(_("No commit made. Answers given so far are kept as a draft (see `kundencheck drafts`)."))
        return
    branch = result.branch or "HEAD"
    console.print(_("Committed {sha} on {branch}: {subject}").format(sha=result.sha[:10], branch=branch, subject=result.subject))
    for warning in result.warnings:
        console.print(_("Note: {warning}").format(warning=warning_text(warning)))
    command = "git log -1 --stat" + (f" {branch}" if project.config.branch else "")
    console.print(_("See it with: {command}").format(command=command))
    report_push(result)


@command(
    starts_app=lambda params: params["start_tui"],
    help=N_("Create a throwaway repository with a few sprints of sample answers and open it."),
    epilog=N_("""\
Examples:
  kundencheck demo                 opens the TUI in a fresh sample repository
  kundencheck demo --no-run        only creates it and prints where"""),
)
@click.option(
    "--run/--no-run", "start_tui", default=True, help=N_("Open the TUI in the demo repository (default) or only create it.")
)
@click.option("--language", type=click.Choice(["en", "de"]), default=None, help=N_("Language of the demo checklists."))
@guarded
def demo(start_tui: bool, language: str | None) -> None:
    from kundencheck.demo import create_demo

    path = create_demo(language=language)
    console = _console()
    console.print(_("Demo repository created in {path} (a temporary folder; delete it when done).").format(path=path))
    if not start_tui:
        return
    from kundencheck.session import open_project

    project = open_project(path)
    try:
        _run_tui(project, None, None)
    finally:
        project.close()
    console.print(_("Look around: {command}").format(command=f"cd {path} && git log --stat"))
