"""`kundencheck drafts`: list, commit and discard the drafts runs leave behind.

A draft is saved after every answer (see :mod:`kundencheck.store.drafts`). When a run could
not be committed (a merge in progress, a crash, a closed terminal), these commands finish the
job without the TUI: ``drafts commit`` commits exactly what the TUI's review screen would.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, directory_of, group, guarded
from kundencheck.cli.team import commit_and_push, push_option
from kundencheck.core.errors import AnswersError, StoreError, UsageError
from kundencheck.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from kundencheck.core.answers import Run
    from kundencheck.session import Project
    from kundencheck.store.drafts import DraftInfo

_RUN_ID = re.compile(r"[A-Za-z0-9-]{1,80}")


@group(
    "drafts",
    invoke_without_command=True,
    help=N_(
        "List the drafts of unfinished runs in this repository.\n\n"
        "A draft is saved after every answer, inside the git directory (never in the work tree). "
        "`kundencheck run` offers to resume the newest one of a checklist (`kundencheck meeting` the newest of "
        "a sprint meeting); `drafts commit ID` commits a complete draft without the terminal UI."
    ),
    epilog=N_("""\
Examples:
  kundencheck drafts                       list the unfinished runs here
  kundencheck drafts commit 20261127T0915  commit a finished draft (an id or its unique start)
  kundencheck drafts discard 20261127T0915 throw a draft away"""),
)
@click.pass_context
@guarded
def drafts(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        _list_drafts(ctx)


@drafts.command(
    "list",
    help=N_("List the drafts of unfinished runs (the same as `kundencheck drafts`)."),
    epilog=N_("""\
Examples:
  kundencheck drafts list          the same as `kundencheck drafts`"""),
)
@click.pass_context
@guarded
def list_drafts(ctx: click.Context) -> None:
    _list_drafts(ctx)


def _list_drafts(ctx: click.Context) -> None:
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    from kundencheck.core.text import one_line
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx))
    try:
        found, errors = project.drafts.list()
        console = _console()
        for error in errors:
            _console(stderr=True).print(
                _("kundencheck: this draft cannot be read and is skipped: {problem}").format(problem=one_line(str(error), 400))
            )
        if not found:
            console.print(_("No drafts here: every run was committed or discarded."))
            return
        rows = []
        for info in reversed(found):  # newest first
            run = info.run
            rows.append(
                (
                    run.id,
                    one_line(f"{run.checklist} ({run.language})", 40),
                    one_line(run.sprint, 20),
                    _answered(project, run),
                    f"{info.modified:%Y-%m-%d %H:%M}",
                    _("in use by process {pid}").format(pid=info.in_use_by) if info.in_use_by is not None else "",
                )
            )
        headers = (_("id"), _("checklist"), _("sprint"), _("answered"), _("last saved"), "")
        shown = len(headers) if any(row[-1] for row in rows) else len(headers) - 1
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        for header in headers[:shown]:
            table.add_column(header, no_wrap=True)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row[:shown]))
        natural = Measurement.get(console, console.options.update(max_width=10_000), table).maximum
        if not console.is_terminal or natural <= console.width:
            if not console.is_terminal:
                console.width = max(natural, console.width)  # into a pipe or file: whole lines
            console.print(table)
        else:  # a narrow terminal: one block per draft, nothing cut off
            for run_id, checklist, sprint, answered, saved, in_use in rows:
                console.print(run_id, style="bold")
                details = _("{checklist}, sprint {sprint}, {answered} answered, last saved {saved}").format(
                    checklist=checklist, sprint=sprint, answered=answered, saved=saved
                )
                console.print("  " + details + (f", {in_use}" if in_use else ""))
        count = ngettext("{count} draft.", "{count} drafts.", len(found)).format(count=len(found))
        if any(info.run.meeting for info in found):
            hint = _(
                "Commit a complete one with `kundencheck drafts commit ID`, resume the newest with "
                "`kundencheck run PHASE` (a sprint meeting's with `kundencheck meeting PHASE`), or throw one "
                "away with `kundencheck drafts discard ID`."
            )
        else:
            hint = _(
                "Commit a complete one with `kundencheck drafts commit ID`, resume the newest with "
                "`kundencheck run PHASE`, or throw one away with `kundencheck drafts discard ID`."
            )
        console.print(count + " " + hint)
    finally:
        project.close()


def _answered(project: Project, run: Run) -> str:
    """``answered/total`` against the draft's checklist; ``N/?`` when that checklist is gone."""
    from kundencheck.core.errors import KundencheckError
    from kundencheck.core.scoring import tally

    try:
        checklist = project.catalog.find(run.checklist, run.language)
    except KundencheckError:
        return f"{sum(1 for a in run.answers if a.value not in (None, ''))}/?"
    t = tally(run, checklist)
    return f"{t.answered}/{t.total}"


@drafts.command(
    "commit",
    help=N_(
        "Commit a complete draft without the terminal UI, exactly as the review screen would.\n\n"
        "A draft with unanswered required items (or a missing note or action) is not committed and stays "
        "as it is; the message lists what is missing."
    ),
    epilog=N_("""\
Examples:
  kundencheck drafts commit 20261127T091500Z-build-erika-3f9a1c
  kundencheck drafts commit 20261127T0915          the unique start of an id is enough
  kundencheck drafts commit 20261127T0915 --push   and push the branch afterwards
  kundencheck -C ~/work/shop drafts commit 2026112"""),
)
@click.argument("draft_id", metavar=N_("ID"))
@click.option("--allow-detached", is_flag=True, help=N_("Commit even though HEAD is detached."))
@push_option
@click.pass_context
@guarded
def commit_draft(ctx: click.Context, draft_id: str, allow_detached: bool, push: bool | None = None) -> None:
    from kundencheck.cli.run import report_commit
    from kundencheck.session import RunSession, open_project

    project = open_project(directory_of(ctx), allow_detached=allow_detached)
    try:
        info = _find_draft(project, draft_id)
        run = info.run
        session = RunSession.start(project, run.phase, draft=run, push=push)  # raises while another process holds it
        try:
            if session.checklist.id != run.checklist:
                raise AnswersError(
                    _(
                        "Draft {id} answers the {checklist} checklist, but phase {phase} now uses {now} (see "
                        ".kundencheck/config.toml). The draft is kept; change the config back to commit it, or "
                        "discard it with `kundencheck drafts discard {id}`."
                    ).format(id=run.id, checklist=repr(run.checklist), phase=repr(run.phase), now=repr(session.checklist.id))
                )
            problems = session.problems()
            if problems:
                raise AnswersError(
                    _("Draft {id} is not complete, so it was not committed (the draft is kept):").format(id=run.id)
                    + "\n"
                    + "\n".join(f"  - {p}" for p in problems)
                    + "\n"
                    + (
                        _(
                            "Finish it in the meeting with `kundencheck meeting {phase}` (it offers to resume the "
                            "newest meeting draft), or throw it away with `kundencheck drafts discard {id}`."
                        )
                        if run.meeting
                        else _(
                            "Finish it with `kundencheck run {phase}` (it offers to resume the newest draft), or "
                            "throw it away with `kundencheck drafts discard {id}`."
                        )
                    ).format(phase=run.phase, id=run.id)
                )
            result = commit_and_push(session)
        finally:
            session.release()
        report_commit(result, project)
    finally:
        project.close()


@drafts.command(
    "discard",
    help=N_("Throw a draft away. A draft that a running kundencheck has open is left alone."),
    epilog=N_("""\
Examples:
  kundencheck drafts discard 20261127T091500Z-build-erika-3f9a1c
  kundencheck drafts discard 20261127T0915         the unique start of an id is enough"""),
)
@click.argument("draft_id", metavar=N_("ID"))
@click.pass_context
@guarded
def discard_draft(ctx: click.Context, draft_id: str) -> None:
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx))
    try:
        info = _find_draft(project, draft_id)
        holder = project.drafts.holder(info.run.id)
        if holder is not None:
            raise StoreError(
                _(
                    "The draft {id} is in use by another kundencheck (process {pid}), so it was not discarded. "
                    "Quit that one first (its quit dialog keeps or drops the answers)."
                ).format(id=info.run.id, pid=holder)
            )
        answered = sum(1 for a in info.run.answers if a.value not in (None, ""))
        project.drafts.discard(info.run.id)
        message = ngettext("Discarded draft {id} ({count} answer).", "Discarded draft {id} ({count} answers).", answered)
        _console().print(message.format(id=info.run.id, count=answered))
    finally:
        project.close()


def _find_draft(project: Project, given: str) -> DraftInfo:
    """The draft whose id is ``given`` or starts with it (when only one does)."""
    given = given.strip()
    if not _RUN_ID.fullmatch(given):
        raise UsageError(
            _("{given} is not a draft id (letters, digits and dashes). `kundencheck drafts` lists the drafts there are.").format(
                given=repr(given)
            )
        )
    found, _errors = project.drafts.list()
    for info in found:
        if info.run.id == given:
            return info
    matches = [info for info in found if info.run.id.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UsageError(
            _("{given} starts {count} draft ids: {ids}. Give more of the id.").format(
                given=repr(given), count=len(matches), ids=", ".join(m.run.id for m in matches)
            )
        )
    # Not listed: load() says why a draft file of that name cannot be read, or that there is none.
    project.drafts.load(given)
    raise StoreError(_("There is no draft {given}. `kundencheck drafts` lists the drafts there are.").format(given=repr(given)))
