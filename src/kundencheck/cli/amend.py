"""`kundencheck amend`: correct a run's answers with a new run that stands for it.

Nothing committed is ever rewritten: the correction is a new answers file with
``corrects = "<run id>"`` and a note saying why (docs/answers-format.md), committed with a
``Kundencheck-Corrects`` trailer. Without ``--from`` the run screen opens with the run's
answers to edit and the review asks for the note; with ``--from FILE`` a filled-in file (the
format of `kundencheck answer --from`) is checked and committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.cli.team import (
    parse_participants,
    participant_option,
    push_option,
)
from kundencheck.core.errors import AnswersError, UsageError
from kundencheck.core.i18n import N_, _

if TYPE_CHECKING:
    from kundencheck.core.answers import Run
    from kundencheck.session import Project, RunSession

EXAMPLES = N_("""\
Examples:
  kundencheck amend                   correct your last run of the current sprint (current phase)
  kundencheck amend 20261127T0915     correct the run whose id starts so
  kundencheck amend --phase kickoff   your last run of the kickoff phase's latest sprint
  kundencheck amend RUN --from fixed.toml --note "team-mood was 2, not 4"
  kundencheck amend RUN --template > fixed.toml   the run's answers as a file to edit""")


def _opens_tui(params: dict[str, Any]) -> bool:
    """Whether `kundencheck amend` opens the run screen: not with --from or --template."""
    return params["source"] is None and not params["template"]


@command(
    "amend",
    epilog=EXAMPLES,
    starts_app=_opens_tui,
    help=N_(
        "Correct a run's answers. Opens the run's answers in the run screen; the review asks why they are "
        "corrected (required). The correction is committed as a new answers file that records which run it "
        "corrects (`corrects`) and why, with a `Kundencheck-Corrects:` trailer; nothing is rewritten. Status, "
        "log, reports, the history and the gate then use the correction in the corrected run's place. "
        "Without RUN: your latest run of the current sprint of the phase. A run that has been corrected "
        "already is not corrected again: correct its latest correction."
    ),
)
@click.argument("run_ref", metavar=N_("[RUN]"), required=False)
@click.option(
    "--from",
    "source",
    metavar=N_("FILE"),
    help=N_(
        "Read the corrected answers from a filled-in answers file ('-' = stdin), as "
        "`kundencheck answer --from` does, and commit them."
    ),
)
@click.option(
    "--template", "template", is_flag=True, help=N_("Print the run's answers as a file to edit and commit with --from.")
)
@click.option("--note", help=N_("Why the run is corrected (required: here, or `correction_note` in the file)."))
@click.option("--phase", help=N_("Without RUN: the phase whose run is corrected (default: the current phase)."))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@participant_option
@push_option
@click.pass_context
@guarded
def amend(
    ctx: click.Context,
    run_ref: str | None,
    source: str | None,
    template: bool,
    note: str | None,
    phase: str | None,
    allow_detached: bool,
    participants: tuple[str, ...] = (),
    push: bool | None = None,
) -> None:
    from kundencheck.session import open_project

    if template and source is not None:
        raise UsageError(
            _(
                "Give either --template (print the run's answers) or --from FILE (commit corrected "
                "ones), not both. See `kundencheck amend --help`."
            )
        )
    people = parse_participants(participants)
    filled: tuple[bytes, str] | None = None
    if source is not None:
        from kundencheck.cli.answer import _read_source

        filled = _read_source(source)  # before opening the repository: a wrong path is said first
    project = open_project(directory_of(ctx), allow_detached=allow_detached)
    try:
        if phase is not None:
            from kundencheck.cli.answer import _checklist

            _checklist(project, phase)  # a phase name that is not one is said now
        if filled is not None:
            raw, shown = filled
            _commit_filled_correction(project, run_ref, phase, raw, shown, note, people, push=push)
            return
        target = project.run_to_amend(run_ref, phase=phase)
        if template:
            click.echo(template_text(project, target), nl=False)
            return
        _amend_tui(project, target, note, people, push=push)
    finally:
        project.close()


def template_text(project: Project, target: Run) -> str:
    """``target``'s answers as a correction to edit: the answers file a correction would start
    with, with an empty ``correction_note`` to fill in."""
    from kundencheck.core import answers as answers_mod
    from kundencheck.session import correction_run

    checklist = project.catalog.find(target.checklist, project.language)
    run = correction_run(checklist, target, project.store.identity())
    return answers_mod.dumps(run, checklist, note_hint=_("required: why the answers are corrected"))


def _amend_tui(project: Project, target: Run, note: str | None, participants: list[str], *, push: bool | None = None) -> None:
    from kundencheck.cli.run import run_and_report, tui_user_settings
    from kundencheck.commit_texts import warning_text
    from kundencheck.session import RunSession

    project.store.start_reading_state()
    from kundencheck.tui.app import build_app

    identity = project.store.identity()
    for warning in project.check_ready():
        _console(stderr=True).print("kundencheck: " + warning_text(warning))
    draft = project.offerable_draft(target.checklist, corrects=target.id)

    # Runs started from the home screen (g) are ordinary runs.
    def make_session(run_phase: str | None, resume: Run | None) -> RunSession:
        return RunSession.start(project, run_phase or target.phase, draft=resume, identity=identity, push=push)

    def make_correction(correct: Run, resume: Run | None) -> RunSession:
        session = RunSession.start_correction(project, correct, draft=resume, identity=identity, push=push)
        if note and not session.run.correction_note.strip():
            session.set_correction_note(note)
        if participants:
            session.set_participants([*session.participants(), *participants])
        return session

    theme, keymap = tui_user_settings()
    app = build_app(
        make_session,
        draft=draft,
        discard_draft=project.drafts.discard,
        theme=theme,
        keymap=keymap,
        project=project,
        phase=target.phase,
        correct=target,
        make_correction=make_correction,
    )
    run_and_report(app, project, _("No commit made: nothing was answered."))


def _commit_filled_correction(
    project: Project,
    run_ref: str | None,
    phase: str | None,
    raw: bytes,
    shown: str,
    note: str | None,
    participants: list[str],
    *,
    push: bool | None = None,
) -> None:
    from kundencheck.cli.answer import commit_filled, refusal
    from kundencheck.core.answers_file import Form, hints, parse_filled, read_filled
    from kundencheck.session import RunSession

    data = parse_filled(raw, shown)
    said = hints(data)
    if run_ref and said.corrects and not said.corrects.startswith(run_ref) and not run_ref.startswith(said.corrects):
        raise UsageError(
            _("{file} corrects run {file_run}, but the command line names run {run}: give one of the two.").format(
                file=shown, file_run=said.corrects, run=run_ref
            )
        )
    identity = project.store.identity()
    target = project.run_to_amend(
        run_ref or said.corrects, phase=phase or said.phase, expected_phase=said.phase, identity=identity
    )
    checklist = project.catalog.find(target.checklist, project.language)
    form = Form(checklist, identity, target.phase, participants=tuple(participants), corrects=target, correction_note=note)
    try:
        filled = read_filled(data, shown, form)
    except AnswersError as exc:
        raise refusal(exc) from None
    errors = _console(stderr=True)
    for line in filled.notes:
        errors.print("kundencheck: " + line)
    session = RunSession.start_correction(project, target, draft=filled.run, identity=identity, push=push)
    commit_filled(session, project, errors, reviews=bool(filled.run.reviews))
