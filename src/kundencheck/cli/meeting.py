"""`kundencheck meeting`: the sprint meeting on one shared screen, or from files collected before.

Without ``--from`` it opens the terminal UI: who is here, then each item voted on in turn, the
votes revealed together, the agreed answer recorded (tui/screens/meeting.py). With ``--from FILE``
(one filled-in answers file per person, each naming its ``author``) the same meeting model
(core/meeting.py) votes on each item and commits what the same votes would give in the TUI;
``--agreed FILE`` gives the agreed answers, notes and actions where the team decided otherwise
than the default, and the decisions on open actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.cli.team import parse_participants, participant_option, push_option
from kundencheck.core.errors import AnswersError, UsageError
from kundencheck.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from kundencheck.core.answers import Run
    from kundencheck.session import MeetingSession, Project

EXAMPLES = N_("""\
Examples:
  kundencheck meeting                         pick who is here, then vote item by item
  kundencheck meeting --participant "Ana Schäfer <ana@example.com>" --participant "Ben Okafor <ben@example.com>"
  kundencheck answer build --template > mine.toml     each fills in one (with their author line)
  kundencheck meeting build --from ana.toml --from ben.toml --from cem.toml
  kundencheck meeting build --from ana.toml --from ben.toml --from cem.toml --agreed agreed.toml --push""")


def _starts_app(params: dict[str, Any]) -> bool:
    return not params.get("sources")


@command(
    "meeting",
    starts_app=_starts_app,
    epilog=EXAMPLES,
    help=N_(
        "Answer a phase's checklist together in the sprint meeting, on one shared screen.\n\n"
        "Pick the people present; for each item everyone votes in turn, nobody sees a vote until the last one, "
        "then all are revealed side by side with their spread. The team talks and records the answer it agrees "
        "on (suggested: the middle vote, the worse of two), with a note and an action where needed. Items the "
        "checklist marks anonymous are voted on unseen and only how many voted for each value is kept "
        "(with at least 3 voters; with fewer, the terminal UI asks them openly and --from keeps no vote, the "
        "answer coming from --agreed). One commit: the agreed answers, everyone "
        "present as Co-authored-by, the named votes.\n\n"
        "`--from FILE` (repeatable) does the same without the terminal UI, from one filled-in answers file per "
        'person, each with `author = "Name <email>"`. Without PHASE: the project\'s current phase (else '
        "build)."
    ),
)
@click.argument("phase", required=False, metavar=N_("[PHASE]"))
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar=N_("FILE"),
    help=N_("One person's filled-in answers file, naming its author (repeatable; '-' = stdin, once)."),
)
@click.option(
    "--agreed",
    metavar=N_("FILE"),
    help=N_(
        "With --from: a filled-in file of the agreed answers, notes and actions where the team decided "
        "otherwise than the suggestion, and the decisions on open actions."
    ),
)
@click.option("--sprint", help=N_("Sprint label to record (default: the ISO week, e.g. 2026-W48)."))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@participant_option
@push_option
@click.pass_context
@guarded
def meeting(
    ctx: click.Context,
    phase: str | None,
    sources: tuple[str, ...],
    agreed: str | None,
    sprint: str | None,
    allow_detached: bool,
    participants: tuple[str, ...] = (),
    push: bool | None = None,
) -> None:
    from kundencheck.cli.answer import _read_source
    from kundencheck.session import open_project

    if agreed is not None and not sources:
        raise UsageError(
            _(
                "--agreed goes with --from: the agreed answers of a meeting whose votes are in files. "
                "See `kundencheck meeting --help`."
            )
        )
    if sources and participants:
        raise UsageError(
            _(
                "--participant picks who is at a meeting in the terminal UI; with --from the files' "
                "authors are the people present."
            )
        )
    if [*sources, agreed].count("-") > 1:
        raise UsageError(_("Only one file can be read from stdin ('-')."))
    people = parse_participants(participants)  # before the UI starts: a typo is said first
    files = [_read_source(source) for source in sources]  # before opening the repository: a wrong path first
    agreed_file = _read_source(agreed) if agreed is not None else None
    project = open_project(directory_of(ctx), allow_detached=allow_detached)
    try:
        if files:
            _meeting_from_files(project, phase, files, agreed_file, sprint, push=push)
        else:
            _meeting_tui(project, phase, sprint, people, push=push)
    finally:
        project.close()


def _phase(project: Project, phase: str | None) -> str:
    from kundencheck.core.checklist import is_safe_id

    phase = phase or project.current_phase()
    if not is_safe_id(phase):
        raise UsageError(
            _("{phase} is not a phase name. Known phases: {known}.").format(
                phase=repr(phase), known=", ".join(project.catalog.phases())
            )
        )
    return phase


def _meeting_tui(project: Project, phase: str | None, sprint: str | None, people: list[str], *, push: bool | None) -> None:
    from kundencheck.cli.run import run_and_report, tui_user_settings
    from kundencheck.commit_texts import warning_text
    from kundencheck.core.people import parse_person
    from kundencheck.session import MeetingSession

    phase = _phase(project, phase)
    checklist = project.checklist_for(phase)
    project.store.start_reading_state()
    from kundencheck.tui.app import build_meeting_app

    identity = project.store.identity()  # before anything is typed: a missing git identity is said now
    for warning in project.check_ready():
        _console(stderr=True).print("kundencheck: " + warning_text(warning))
    draft = project.offerable_draft(checklist.id, meeting=True)

    def make_meeting(present: list[str] | None, resume: Run | None) -> MeetingSession:
        return MeetingSession.start_meeting(
            project, phase, [parse_person(p) for p in present or []], sprint=sprint, draft=resume, identity=identity, push=push
        )

    theme, keymap = tui_user_settings()
    app = build_meeting_app(
        make_meeting,
        project=project,
        phase=phase,
        facilitator=identity,
        picked=people,
        draft=draft,
        discard_draft=project.drafts.discard,
        theme=theme,
        keymap=keymap,
    )
    run_and_report(app, project, _("No commit made: nothing was agreed."))


def _meeting_from_files(
    project: Project,
    phase: str | None,
    files: list[tuple[bytes, str]],
    agreed_file: tuple[bytes, str] | None,
    sprint: str | None,
    *,
    push: bool | None,
) -> None:
    from kundencheck.cli.answer import commit_filled, refusal
    from kundencheck.core.answers import now, problems_with
    from kundencheck.core.answers_file import Form, hints, parse_filled, read_filled
    from kundencheck.core.meeting import Ballot, ballot_author, meeting_run, phase_of_files, sprint_of_files
    from kundencheck.core.people import person_key
    from kundencheck.session import MeetingSession

    parsed = [(parse_filled(raw, shown), shown) for raw, shown in files]
    agreed_data = parse_filled(*agreed_file) if agreed_file is not None else None
    named = phase_of_files([(shown, hints(data).phase) for data, shown in parsed]) if phase is None else None
    phase = _phase(project, phase or named)
    checklist = project.checklist_for(phase)
    identity = project.store.identity()
    started = now()
    if sprint is None:  # --sprint, else the agreed file's, else the one the people's files agree on
        sprint = hints(agreed_data).sprint if agreed_data is not None else None
        sprint = sprint or sprint_of_files([(shown, hints(data).sprint) for data, shown in parsed])
    ballots: list[Ballot] = []
    seen: dict[str, str] = {}
    for data, shown in parsed:
        person = ballot_author(data, shown)
        if person.key in seen:
            raise UsageError(
                _("{first} and {second} both hold the answers of {person}: give one file per person.").format(
                    first=seen[person.key], second=shown, person=str(person)
                )
            )
        seen[person.key] = shown
        form = Form(checklist, person, phase, sprint=sprint, started=started)
        try:
            filled = read_filled(data, shown, form, complete=False)
        except AnswersError as exc:
            raise refusal(exc) from None
        ballots.append(Ballot(person, filled.run, shown))
    if all(ballot.person.key == person_key(str(identity)) for ballot in ballots):
        raise AnswersError(
            _(
                "{file} holds your own answers ({you}), and a meeting needs at least one person besides you: give "
                "the files of the others with --from, or commit your answers alone with `kundencheck answer "
                "{phase} --from {file}`."
            ).format(file=ballots[0].source, you=str(identity), phase=phase),
            source=ballots[0].source,
        )
    agreed = None
    if agreed_data is not None and agreed_file is not None:
        shown = agreed_file[1]
        try:
            agreed = read_filled(
                agreed_data, shown, Form(checklist, identity, phase, sprint=sprint, started=started), complete=False
            ).run
        except AnswersError as exc:
            raise refusal(exc) from None
    made = meeting_run(checklist, identity, ballots, agreed, sprint=sprint, started=started)
    errors = _console(stderr=True)
    for note in made.notes:
        errors.print("kundencheck: " + note)
    problems = [_undecided_problem(item_id, voted) for item_id, voted in made.undecided]
    problems += problems_with(made.run, checklist)
    if problems:
        refused = refusal(AnswersError.listing(_("the meeting's agreed answers"), problems))
        hint = _(
            "The agreed answers' notes and actions come from --agreed FILE (for an anonymous item it is the only "
            "place they can come from): fill in a template (`kundencheck answer {phase} --template`) with what the "
            "team agreed and give it as --agreed FILE."
        ).format(phase=phase)
        raise AnswersError("\n".join((str(refused), hint)), source=refused.source, problems=refused.problems)
    session = MeetingSession.start_meeting(project, phase, [], draft=made.run, identity=identity, push=push)
    commit_filled(session, project, errors)


def _undecided_problem(item_id: str, voted: int) -> str:
    from kundencheck.core.answers import MIN_ANONYMOUS_VOTES

    return ngettext(
        "item {item}: anonymous, and only {voted} of the files answers it (fewer than {n}): its vote is not "
        "kept, and it cannot make the agreed answer either, as it would be one person's vote. Give the answer "
        "the team agrees on in --agreed FILE.",
        "item {item}: anonymous, and only {voted} of the files answer it (fewer than {n}): their votes are not "
        "kept, and they cannot make the agreed answer either, as it would be one person's vote. Give the answer "
        "the team agrees on in --agreed FILE.",
        voted,
    ).format(item=repr(item_id), voted=voted, n=MIN_ANONYMOUS_VOTES)
