"""`kundencheck actions`: the open action threads a person works from, as a table, JSON, CSV
or an iCalendar file.

Thin: it reads the history summary like ``status`` does and lets
:mod:`kundencheck.core.action_list` pick and write the threads.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, command, guarded, today_option
from kundencheck.cli.history import _load, _warn_problems
from kundencheck.core.errors import UsageError
from kundencheck.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from kundencheck.core.action_list import ActionFilter
    from kundencheck.core.history import ActionThread, HistorySummary
    from kundencheck.session import Project

ACTIONS_EXAMPLES = N_("""\
Examples:
  kundencheck actions                         every open action, the most overdue first
  kundencheck actions --phase build --overdue the build phase's overdue actions
  kundencheck actions --mine                  the ones you own (your git user.name or e-mail)
  kundencheck actions --owner ana --format csv > ana.csv
  kundencheck actions --format ics > kundencheck.ics   due dates and due checks for a calendar""")


@command(
    "actions",
    epilog=ACTIONS_EXAMPLES,
    help=N_(
        "The open actions, one line per thread: its id, due date (⚠ overdue), owner, phase and item, what it "
        "says now and who raised it. Actions for the same item of a phase are one thread while it is open "
        "(docs/history.md). `--format ics` writes an iCalendar file with an event on every due date and "
        "every phase's next due check; importing it again updates the events."
    ),
)
@click.option("--phase", help=N_("Only the actions of this phase."))
@click.option("--owner", metavar=N_("WHO"), help=N_("Only the actions whose owner contains WHO (any case)."))
@click.option(
    "--mine", is_flag=True, help=N_("Only the actions you own: the owner is your git user.name, a word of it, or your e-mail.")
)
@click.option("--overdue", is_flag=True, help=N_("Only the overdue actions (and the due checks already due)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "ics"]),
    default="text",
    show_default=True,
    help=N_("text for people, json for scripts, csv for a spreadsheet (UTF-8), ics for a calendar."),
)
@today_option
@click.pass_context
@guarded
def actions(
    ctx: click.Context, phase: str | None, owner: str | None, mine: bool, overdue: bool, fmt: str, today: dt.datetime | None
) -> None:
    from kundencheck.core.action_list import (
        ActionFilter,
        actions_csv,
        actions_ics,
        actions_json,
        closed,
        due_checks,
        select,
    )
    from kundencheck.core.checklist import is_safe_id

    if owner is not None and mine:
        raise UsageError(_("Give either --owner WHO or --mine, not both."))
    if phase is not None and not is_safe_id(phase):
        raise UsageError(_("{phase} is not a phase name (lowercase letters, digits and dashes).").format(phase=repr(phase)))
    project, summary, problems = _load(ctx, today)
    try:
        me = None
        if mine:
            me = project.store.identity()
        selection = ActionFilter(phase=phase, owner=owner.strip() if owner is not None else None, mine=me, overdue=overdue)
        threads = select(summary, selection)
        if fmt == "json":
            click.echo(actions_json(summary, threads, selection), nl=False)
        elif fmt == "csv":
            _write_bytes(actions_csv(summary, threads).encode("utf-8"))
        elif fmt == "ics":
            stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
            _write_bytes(
                actions_ics(
                    summary,
                    threads,
                    due_checks(summary, selection),
                    project=project.config.project,
                    stamp=stamp,
                    done=closed(summary, selection),
                )
            )
        else:
            _warn_problems(problems)
            _print_actions(summary, threads, selection, project)
    finally:
        project.close()


def _write_bytes(data: bytes) -> None:
    """CSV and iCalendar keep their own line ends (CRLF): written as bytes, never translated."""
    sys.stdout.buffer.write(data)  # (click.get_binary_stream is deprecated since Click 8.5)
    sys.stdout.buffer.flush()


def _print_actions(summary: HistorySummary, threads: list[ActionThread], selection: ActionFilter, project: Project) -> None:
    from rich.text import Text

    from kundencheck.core.people import author_name
    from kundencheck.core.text import one_line

    console = _console()
    today = summary.today
    overdue = sum(1 for t in threads if t.is_overdue(today))
    name = one_line(project.config.project, 60) if project.config.project else str(project.root.name)
    console.print(
        _("kundencheck actions of {project} on {day}: {count} open, {overdue} overdue").format(
            project=name, day=today.isoformat(), count=len(threads), overdue=overdue
        )
    )
    if not threads:
        if selection.phase or selection.by_person or selection.overdue:
            console.print(Text(_("No open actions match."), style="dim"))
        else:
            console.print(Text(_("No open actions."), style="dim"))
        return
    for thread in threads:
        late = thread.is_overdue(today)
        head = Text("⚠ " if late else "  ", style="bold red")
        head.append(thread.id, style="bold")
        if thread.due is None:
            due = Text(_("no due date"), style="dim")
        elif late:
            days = thread.days_overdue(today)
            due = Text(
                ngettext("due {day}, {n} day overdue", "due {day}, {n} days overdue", days).format(
                    day=thread.due.isoformat(), n=days
                ),
                style="bold red",
            )
        else:
            due = Text(_("due {day}").format(day=thread.due.isoformat()))
        head.append("  ").append_text(due)
        head.append(f" · {one_line(thread.owner, 40) or '?'} · {thread.phase}/{thread.item}")
        console.print(head)
        console.print(Text("    " + one_line(thread.what, 300)))
        raised = ", ".join(
            _("{when} by {who}").format(when=word.raised.date().isoformat(), who=one_line(author_name(word.author), 40))
            for word in thread.words
        )
        detail = _("raised {list}").format(list=raised)
        if thread.reviews:
            detail += " · " + ngettext("{n} review", "{n} reviews", len(thread.reviews)).format(n=len(thread.reviews))
        console.print(Text("    " + detail, style="dim"))
