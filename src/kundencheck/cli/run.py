"""The command line: a thin layer over the session, the store and the TUI.

Every error the user can cause is a :class:`KundencheckError` and is printed as one paragraph;
anything else is a bug, reported in one paragraph with the traceback saved to a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kundencheck import __version__
from kundencheck.cli_common import VERSION_OPTION_TEXT, MainGroup, _console, choose_language, group, guarded
from kundencheck.cli_team import apply_push, parse_participants, participant_option, push_option, report_push
from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import N_, _

# Help texts and examples are marked with N_() and translated when the help is shown
# (cli_common.TranslatedCommand): the language is known only once -C and the project are.
EXAMPLES = N_("""\
Examples:
  kundencheck                      run the current phase's checklist here
  kundencheck run kickoff          run the kickoff checklist
  kundencheck -C ~/work/shop run   run in another repository
  kundencheck validate             check the shipped and this project's checklists
  kundencheck demo                 try it in a throwaway repository""")


@group(cls=MainGroup, invoke_without_command=True, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]},
       help=N_("kundencheck: client-care checklists for each project phase, answered in the terminal "
               "and committed into your project's own git history."))
@click.version_option(__version__, "-V", "--version", prog_name="kundencheck", help=VERSION_OPTION_TEXT)
# Eager, so `-C DIR --help` shows the help in the language of the project in DIR.
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=None, is_eager=True,
              help=N_("Run as if started in DIRECTORY (like git -C)."))
@click.option("--no-color", is_flag=True, help=N_("No colours (the same as setting NO_COLOR=1)."))
@click.pass_context
def main(ctx: click.Context, directory: Path | None, no_color: bool = False) -> None:
    if no_color:
        os.environ["NO_COLOR"] = "1"  # before any console or app is made; Rich and Textual honour it
    ctx.ensure_object(dict)
    ctx.obj["directory"] = directory or Path(".")
    # Before anything is said: a mistake on the command line is told in the project's language too.
    choose_language(ctx.obj["directory"])
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


def _directory(ctx: click.Context) -> Path:
    return ctx.find_root().obj["directory"]


@main.command(help=N_("Answer a phase's checklist in the terminal UI and commit the answers."), epilog=N_("""\
Examples:
  kundencheck run                  the project's current phase (else build)
  kundencheck run acceptance       a given phase
  kundencheck run --sprint 2026-S24
  kundencheck run --participant "Jürgen Groß <juergen@example.com>" --push"""))
@click.argument("phase", required=False)
@click.option("--sprint", help=N_("Sprint label to record (default: the ISO week, e.g. 2026-W48)."))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@participant_option
@push_option
@click.pass_context
@guarded(tui=True)
def run(ctx: click.Context, phase: str | None, sprint: str | None, allow_detached: bool,
        participants: tuple[str, ...] = (), push: bool | None = None) -> None:
    from kundencheck.session import open_project

    people = parse_participants(participants)  # before the UI starts: a typo is said first
    project = open_project(_directory(ctx), allow_detached=allow_detached)
    try:
        apply_push(project, push)
        _run_tui(project, phase, sprint, participants=people)
    finally:
        project.close()


def _run_tui(project, phase: str | None, sprint: str | None, home: bool = False, *, participants: list[str] | None = None) -> None:
    from kundencheck.core.checklist import is_safe_id
    from kundencheck.session import RunSession

    phase = phase or project.current_phase()
    if not is_safe_id(phase):
        raise UsageError(_("{phase} is not a phase name. Known phases: {known}.").format(
            phase=repr(phase), known=", ".join(project.catalog.phases())))
    checklist = None if home else project.checklist_for(phase)  # home: checked when a run starts
    # git reads its config and HEAD for the two checks below while Python imports the TUI.
    project.store.start_reading_state()
    from kundencheck.tui.app import build_app

    identity = project.store.identity()  # before anything is typed: a missing git identity is said now
    for warning in project.store.check_ready():
        _console(stderr=True).print("kundencheck: " + warning)
    draft = None if checklist is None else _offerable_draft(project, checklist.id)

    def make_session(run_phase, resume):
        session = RunSession.start(project, run_phase or phase, sprint=sprint, draft=resume, identity=identity)
        if participants:  # --participant: already picked when the run screen opens
            session.set_participants([*session.participants(), *participants])
        return session

    theme, keymap = tui_user_settings()  # the user config's theme and [keys]; checked before the UI starts
    app = build_app(make_session, draft=draft, discard_draft=project.drafts.discard, theme=theme, keymap=keymap,
                    project=project, phase=phase, home=home)
    result = app.run()
    if result is None and (app.session is None or not app.session.has_answers()):
        _console().print(_("No commit made: nothing was answered."))  # and no draft was left to mention
        return
    _report_commit(result, project)


def tui_user_settings() -> tuple[str | None, dict[str, str] | None]:
    """The theme and key map from the user config, checked against what the TUI knows."""
    from kundencheck.core.user_config import check_against, load_user_config
    from kundencheck.tui.app import binding_ids, theme_names

    user = load_user_config()
    check_against(user, themes=theme_names() if user.theme else (), binding_ids=binding_ids() if user.keys else ())
    return user.theme, (user.keys or None)


def _offerable_draft(project, checklist_id: str):
    return project.offerable_draft(checklist_id)


@main.command(
    help=N_("Open the terminal UI on the home screen: every phase with its last run (when, who, answers by "
            "status, trend), open and overdue actions, whether a check is due, disagreements and unfinished "
            "drafts. `enter` starts a run of the phase in focus, `h` shows its history (the health matrix), "
            "`q` quits."),
    epilog=N_("""\
Examples:
  kundencheck home                 every phase at a glance; enter starts a run, h shows the history
  kundencheck -C ~/work/shop home"""))
@click.pass_context
@guarded(tui=True)
def home(ctx: click.Context) -> None:
    from kundencheck.session import open_project

    project = open_project(_directory(ctx))
    try:
        _run_tui(project, None, None, home=True)
    finally:
        project.close()


def _report_commit(result, project) -> None:
    console = _console()
    if result is None:
        console.print(_("No commit made. Answers given so far are kept as a draft (see `kundencheck drafts`)."))
        return
    branch = result.branch or "HEAD"
    console.print(_("Committed {sha} on {branch}: {subject}").format(sha=result.sha[:10], branch=branch,
                                                                      subject=result.subject))
    for warning in result.warnings:
        console.print(_("Note: {warning}").format(warning=warning))
    command = "git log -1 --stat" + (f" {branch}" if project.config.branch else "")
    console.print(_("See it with: {command}").format(command=command))
    report_push(result)


@main.command(
    help=N_("Check checklist files against the format (docs/checklist-format.md).\n\n"
            "Exit status 0 when all are valid, 1 when any is not, 2 on a usage error."),
    epilog=N_("""\
Examples:
  kundencheck validate                         the shipped and this project's checklists
  kundencheck validate .kundencheck/checklists/*.toml"""))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
@guarded
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    from kundencheck.core.catalog import checklist_paths
    from kundencheck.core.checklist import load_checklist
    from kundencheck.core.errors import ChecklistError

    if paths:
        files = list(paths)
    else:
        root = _project_root_or_none(_directory(ctx))
        files = checklist_paths(root)
    if not files:
        raise UsageError(_("No checklist files found to validate. Name some: kundencheck validate FILE..."))
    console, errors = _console(), _console(stderr=True)
    bad = 0
    for path in files:
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            bad += 1
            errors.print(f"✘ {exc}")
            continue
        console.print(_("✔ {path}: {checklist} ({language}, version {version}, {count} items)").format(
            path=path, checklist=checklist.id, language=checklist.language, version=checklist.version,
            count=len(checklist.items)))
    console.print(_("{valid} valid, {invalid} invalid").format(valid=len(files) - bad, invalid=bad))
    raise SystemExit(1 if bad else 0)


def _project_root_or_none(directory: Path) -> Path | None:
    """The repository top for ``directory``, or None outside a repository (validate works there too)."""
    from kundencheck.store.git_store import GitStore

    try:
        with GitStore.open(directory) as store:
            return store.root
    except KundencheckError:
        return None


@main.command(
    help=N_("Create a throwaway repository with a few sprints of sample answers and open it."),
    epilog=N_("""\
Examples:
  kundencheck demo                 opens the TUI in a fresh sample repository
  kundencheck demo --no-run        only creates it and prints where"""))
@click.option("--run/--no-run", "start_tui", default=True,
              help=N_("Open the TUI in the demo repository (default) or only create it."))
@click.option("--language", type=click.Choice(["en", "de"]), default=None, help=N_("Language of the demo checklists."))
@guarded(tui=True)
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


main.lazy_commands.update({
    "init": "kundencheck.cli_setup:init",
    "phase": "kundencheck.cli_setup:phase",
    "config": "kundencheck.cli_setup:config_command",
    "completion": "kundencheck.cli_setup:completion",
    "answer": "kundencheck.cli_answer:answer",
    "drafts": "kundencheck.cli_drafts:drafts",
    "status": "kundencheck.cli_history:status",
    "log": "kundencheck.cli_history:log",
    "report": "kundencheck.cli_history:report",
    "check": "kundencheck.cli_gate:check",
})


if __name__ == "__main__":  # pragma: no cover
    main()
