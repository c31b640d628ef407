"""The options for answering as a team that `run`, `answer` and `drafts commit` share:
``--participant "Name <email>"`` and ``--push/--no-push``, and how a push's outcome is told."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, command, directory_of, guarded
from kundencheck.core.i18n import N_, _

if TYPE_CHECKING:
    from kundencheck.session import RunSession
    from kundencheck.store.git_store import CommitResult

participant_option = click.option(
    "--participant",
    "participants",
    multiple=True,
    metavar=N_('"NAME <EMAIL>"'),
    help=N_(
        "Someone who answers together with you (repeatable): recorded in the answers file and "
        "as a Co-authored-by trailer of the commit."
    ),
)
push_option = click.option(
    "--push/--no-push",
    "push",
    default=None,
    help=N_(
        "Push the branch after committing (default: no; or yes where the project suggests it with storage.push "
        "and you accepted that with `kundencheck config --push accept`). Only a branch with an upstream is "
        "pushed. A failed push keeps the commit and says how to push later."
    ),
)


def parse_participants(values: Iterable[str]) -> list[str]:
    """Each ``--participant`` as a clean ``Name <email>``; a UsageError names a wrong one."""
    if not values:
        return []
    from kundencheck.core.people import checked_person

    return [str(checked_person(value)) for value in values]


def commit_and_push(session: RunSession) -> CommitResult:
    """Commit the session's run, then push it when the run's push decision says so. Interrupted
    (ctrl+c) before the commit was made, it says which draft keeps the answers, if one does."""
    from kundencheck.core.errors import KundencheckError, StoreError

    if not session.history_read:
        try:  # the subject names the key signals that got worse since the sprint before
            session.load_before()
        except KundencheckError:
            pass  # without the history every key signal counts as new: the commit still works
    try:
        result = session.commit()
    except KeyboardInterrupt:
        if session.committed is not None:
            raise
        saved = (
            session.draft_error is None
            and session.project is not None
            and (session.project.drafts.folder / f"{session.run.id}.toml").is_file()
        )
        error = StoreError(_("Interrupted; nothing was committed."), draft_id=session.run.id if saved else None)
        error.exit_code = 130
        raise error from None
    if session.wants_push():
        result = session.push()
    return result


def report_push(result: CommitResult | None) -> None:
    """What the push after the commit did: stdout when it worked, a warning on stderr when
    not (the exit status stays 0: the commit was made); or, when the project suggests pushing
    and this person has not answered that yet, how to accept it."""
    if result is None:
        return
    from kundencheck.push_texts import failure_text, pushed_text

    if result.pushed is not None:
        _console().print(pushed_text(result.pushed))
    if result.push_failure is not None:
        _console(stderr=True).print(
            _("kundencheck: warning: {problem}").format(problem=failure_text(result.push_failure, committed=True))
        )
    if result.push_suggested:
        _console().print(
            _(
                "Not pushed: this project suggests pushing after each commit (push = true in "
                ".kundencheck/config.toml), and kundencheck pushes only once you accept that for this repository "
                "with `kundencheck config --push accept` (or `--push` for one run; `kundencheck config --push "
                "decline` stops this note)."
            )
        )


@command(
    "push",
    help=N_(
        "Push the answers: the team's answers branch (storage.branch) or else the checked-out branch, to its "
        "upstream, as `--push` does after a commit; what a refused push tells you to run. When the remote has "
        "commits yours lacks, they are brought in first: runs other clones pushed to the answers branch are "
        "merged; on the checked-out branch, your answers commits are moved on top of the remote's commits and "
        "the branch fast-forwarded, when kundencheck's answers commits are all the remote lacks and none of your "
        "changes is in the way (else it says which `git pull --rebase` to run). Says which refusal it was (the "
        "pre-push hook, the team's gate in it, the remote ahead, authentication, an unreachable remote, a "
        "remote hook or protected branch, the time limit). Never creates a branch on a remote, never skips a "
        "hook, never prompts, and gives up after 60 seconds. Exit status 1 when the push did not go through."
    ),
    epilog=N_("""\
Examples:
  kundencheck push                 push what kundencheck committed
  kundencheck -C ~/work/shop push"""),
)
@click.pass_context
@guarded
def push_command(ctx: click.Context) -> None:
    from kundencheck.push_texts import failure_text, pushed_text
    from kundencheck.session import open_project
    from kundencheck.store.git_store import PushError

    project = open_project(directory_of(ctx))
    try:
        branch = project.config.branch
        try:
            result = project.store.push(ref=f"refs/heads/{branch}" if branch else None, bring_in=True)
        except PushError as exc:
            _console(stderr=True).print("kundencheck: " + failure_text(exc.failure), style="bold red")
            raise SystemExit(1) from None
        _console().print(pushed_text(result))
    finally:
        project.close()
