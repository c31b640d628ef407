"""`kundencheck status`, `log` and `report`: what the history of answers says.

All three read the runs from the tree of HEAD (or the team's answers branch) through the
blob-id cache (:mod:`kundencheck.store.history_cache`) and build the pure history model
(:mod:`kundencheck.core.history`); the output is drawn from that model. Text people typed goes
through ``one_line``/``clean_text`` before it reaches the terminal.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, command, directory_of, guarded, today_option
from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import N_, _, ngettext, translate

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kundencheck.core.answers import Run
    from kundencheck.core.checklist import AnswerValue, Checklist, Kind
    from kundencheck.core.corrections import Correction
    from kundencheck.core.gate import GateResult
    from kundencheck.core.history import ActionThread, DueCheck, HistorySummary, ItemPicture, PhaseStatus, SprintPicture
    from kundencheck.core.tone import ToneFinding
    from kundencheck.session import Project
    from kundencheck.store.reading import LoggedCommit


def _load(ctx: click.Context, today: dt.datetime | None) -> tuple[Project, HistorySummary, list[str]]:
    """Open the project and build the history summary; returns (project, summary, problems: the
    answers files that could not be read, in words)."""
    from kundencheck.fetch_texts import problem_texts
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx), allow_detached=True)
    try:
        summary, problems = project.summary(today.date() if today is not None else dt.date.today(), on_fetch=say_fetching)
    except BaseException:
        project.close()
        raise
    return project, summary, problem_texts(problems)


def say_fetching(count: int, remote: str) -> None:
    """One line on standard error while a partial clone fetches the answers files it lacks
    (``on_fetch`` of :meth:`Project.summary`)."""
    _console(stderr=True).print(
        ngettext(
            "kundencheck: fetching {count} answers file from {remote} in one batch (this clone is "
            "partial: git left it on the remote) …",
            "kundencheck: fetching {count} answers files from {remote} in one batch (this clone is "
            "partial: git left them on the remote) …",
            count,
        ).format(count=count, remote=remote)
    )


def _warn_problems(problems: list[str]) -> None:
    from kundencheck.core.text import one_line

    if not problems:
        return
    err = _console(stderr=True)
    err.print(
        ngettext(
            "kundencheck: {count} answers file could not be read and is left out:",
            "kundencheck: {count} answers files could not be read and are left out:",
            len(problems),
        ).format(count=len(problems))
    )
    for problem in problems[:10]:
        err.print("  " + one_line(problem, 300))


def _band_text(band: str | None, text: str) -> Text:
    from rich.text import Text

    from kundencheck.rich_texts import STATUS_STYLES

    return Text(text, style=STATUS_STYLES.get(band or "", ""))


def _print_table(console: Console, table: Table) -> None:
    """Print ``table``; into a pipe or a file as wide as it needs. A terminal's width is known
    and the table fits into it; a pipe's is not (Rich assumes 80 columns, or $COLUMNS), and a
    table squeezed into that cut dates and names short (``2026-1…``) for a reader who has a
    pager or an editor with room enough."""
    if console.is_terminal:
        console.print(table)
        return
    needed = console.measure(table, options=console.options.update_width(10_000)).maximum
    width = console.width
    console.width = max(width, needed)  # print's own width= is capped at the console's
    try:
        console.print(table)
    finally:
        console.width = width


def _action_line(action: ActionThread, today: dt.date) -> str:
    """One thread on one line: id, what, owner, due date (how late), item."""
    from kundencheck.core.dates import due_date_words
    from kundencheck.core.text import one_line

    owner = one_line(action.owner, 30) or _("no owner")
    if action.due is not None and action.is_overdue(today):  # only an action with a due date is overdue
        late = action.days_overdue(today)
        return ngettext(
            "⚠ {id} {what} ({owner}, due {due}, {days} day overdue) · {item}",
            "⚠ {id} {what} ({owner}, due {due}, {days} days overdue) · {item}",
            late,
        ).format(
            id=action.id,
            what=one_line(action.what, 70),
            owner=owner,
            due=action.due.isoformat(),
            days=late,
            item=action.item,
        )
    return _("  {id} {what} ({owner}, {due}) · {item}").format(
        id=action.id, what=one_line(action.what, 70), owner=owner, due=due_date_words(action.due), item=action.item
    )


def print_thread_lists(console: Console, threads: Iterable[ActionThread], today: dt.date) -> None:
    """Per phase a few of ``threads`` (``history.threads_to_show``: the most overdue first),
    then "and 37 more: kundencheck actions --phase build"."""
    from rich.text import Text

    from kundencheck.core.history import threads_to_show
    from kundencheck.core.report import more_text

    for group in threads_to_show(threads):
        overdue = sum(1 for t in group.threads if t.is_overdue(today))
        head = Text(_("Actions of {phase}: {count} open").format(phase=group.phase, count=len(group.threads)), style="bold")
        if overdue:
            head.append(", ").append(_("⚠ {count} overdue").format(count=overdue), style="bold red")
        console.print(head)
        for action in group.shown:
            console.print(Text("  " + _action_line(action, today), style="red" if action.is_overdue(today) else ""))
        if group.more:
            console.print(Text("  " + more_text(group.more, group.phase), style="dim"))


# --------------------------------------------------------------------------------- status

STATUS_EXAMPLES = N_("""\
Examples:
  kundencheck status                  every phase: last run, actions, disagreements, due checks
  kundencheck status --json           the same for scripts (docs/status-json.md)
  kundencheck status --check          exit 1 when a check is due or an action overdue (the
                                      lighter variant of `kundencheck check`)
  kundencheck status --today 2026-12-01""")


@command(
    "status",
    epilog=STATUS_EXAMPLES,
    help=N_(
        "Where the project stands: per phase the last run (when, who, answers by status, trend), open and "
        "overdue actions, disagreements in the current sprint, and whether a check is due (the current phase "
        "is due when its last run is `cadence_days` or more days old)."
    ),
)
@click.option(
    "--json", "as_json", is_flag=True, help=N_("Print JSON for scripts instead of a table (schema: docs/status-json.md).")
)
@click.option(
    "--check",
    "gate",
    is_flag=True,
    help=N_(
        "Exit with status 1 when the current phase's check is due or an action is overdue: the `due` "
        "and `overdue_action` rules of `kundencheck check`, at the levels of the config's [check] "
        "table."
    ),
)
@today_option
@click.pass_context
@guarded
def status(ctx: click.Context, as_json: bool, gate: bool, today: dt.datetime | None) -> None:
    from kundencheck.core.report import status_json

    project, summary, problems = _load(ctx, today)
    try:
        if as_json:
            # Indented for a person at a terminal; one line for a pipe or a file (a program
            # reads it, and the C encoder is several times faster on years of history).
            indent = 2 if sys.stdout.isatty() else None
            click.echo(
                status_json(
                    summary, problems, indent=indent, levels=project.config.check, parameters=project.config.check_parameters
                ),
                nl=False,
            )
        else:
            _warn_problems(problems)
            if not project.set_up:
                from kundencheck.rich_texts import first_use_text

                _console().print(first_use_text())
            _print_status(summary, project)
    finally:
        project.close()
    if gate:
        from kundencheck.core.gate import STATUS_CHECK_RULES, evaluate, rule_levels

        if not evaluate(summary, rule_levels(project.config.check, only=STATUS_CHECK_RULES)).passed:
            raise SystemExit(1)


def _print_status(summary: HistorySummary, project: Project) -> None:
    from rich.table import Table
    from rich.text import Text

    from kundencheck.cli.gate import finding_line
    from kundencheck.core.checklist import STATUS_SYMBOLS
    from kundencheck.core.gate import more_notes, verdict_words, verdicts
    from kundencheck.core.people import author_name
    from kundencheck.core.report import BAND_WORDS, future_run_note
    from kundencheck.core.text import one_line
    from kundencheck.rich_texts import STATUS_STYLES, counts_text, trend_text

    console = _console()
    today = summary.today
    judged = verdicts(summary, project.config.check, project.config.check_parameters)
    name = one_line(project.config.project, 60) if project.config.project else str(project.root.name)
    console.print(
        ngettext(
            "kundencheck status of {project} on {day} (current phase: {phase}; a check is due every day)",
            "kundencheck status of {project} on {day} (current phase: {phase}; a check is due every {days} days)",
            summary.cadence_days,
        ).format(project=name, day=today.isoformat(), phase=summary.current_phase, days=summary.cadence_days)
    )
    # Phases across, facts down: a project has a few phases but six facts about each, and one
    # fact a line in each cell keeps every column narrow enough for 80 columns.
    table = Table(show_lines=True)
    table.add_column("")
    rows: dict[str, list[Text]] = {
        label: [] for label in ("last", "answers", "trend", "actions", "disagreements", "tone", "client", "check")
    }
    for phase in summary.phases:
        marker = "\n" + _("(current)") if phase.phase == summary.current_phase else ""
        table.add_column(phase.phase + marker)
        last = phase.last_run
        if last is None:
            rows["last"].append(Text(_("never"), style="dim"))
            rows["answers"].append(Text(""))
            rows["trend"].append(Text(""))
        else:
            people = len(phase.current.runs) if phase.current else 1
            with_others = f" +{people - 1}" if people > 1 else ""
            when = (last.finished or last.started).date().isoformat()
            last_cell = Text(
                "\n".join(
                    (
                        when,
                        _("sprint {sprint}").format(sprint=one_line(last.sprint, 20)),
                        one_line(author_name(last.author), 30) + with_others,
                    )
                )
            )
            correction = summary.correction(last.id)
            if correction is not None:
                last_cell.append("\n" + _("✎ corrected {day}").format(day=correction.when.date().isoformat()), style="dim")
            rows["last"].append(last_cell)
            rows["answers"].append(counts_text(phase.last_counts, separator="\n"))
            rows["trend"].append(trend_text(phase.trend, separator="\n"))
        actions = Text(_("{count} open").format(count=len(phase.open_actions)))
        if phase.overdue_actions:
            actions.append("\n" + _("⚠ {count} overdue").format(count=len(phase.overdue_actions)), style="bold red")
        rows["actions"].append(actions)
        if phase.disagreements:
            disagreements = Text(f"⚠ {len(phase.disagreements)}:", style="bold")
            for picture in phase.disagreements:
                disagreements.append("\n" + picture.item, style="")
        else:
            disagreements = Text(_("none"), style="dim")
        rows["disagreements"].append(disagreements)
        rows["tone"].append(_tone_cell(summary.tone(phase.current) if phase.current else []))
        rows["client"].append(_client_cell(phase, summary))
        rows["check"].append(_verdict_cell(judged[phase.phase], phase.due, verdict_words))
    labels = {
        "last": _("Last run"),
        "answers": _("Answers"),
        "trend": _("Trend"),
        "actions": _("Actions"),
        "disagreements": _("Disagreements"),
        "tone": _("Tone"),
        "client": _("Client"),
        "check": _("Check"),
    }
    if not summary.client_replies:
        del rows["client"]  # a project that never asked its client: no row of nothing
    for key, cells in rows.items():
        table.add_row(Text(labels[key], style="bold"), *cells)
    _print_table(console, table)

    print_thread_lists(console, summary.open_actions(), today)
    for phase in summary.phases:
        if not phase.disagreements:
            continue
        console.print(
            Text(
                _("Disagreements in sprint {sprint} ({phase}):").format(
                    sprint=one_line(phase.current_sprint or "", 20), phase=phase.phase
                ),
                style="bold",
            )
        )
        for item in phase.disagreements:
            line = Text(f"  ⚠ {item.item}: ")
            for n, entry in enumerate(item.entries):
                if n:
                    line.append(", ")
                symbol = STATUS_SYMBOLS.get(entry.band or "", "")
                shown = _entry_word(entry.value, item.kind)
                line.append(f"{one_line(author_name(entry.author), 30)} ")
                line.append(f"{symbol} {shown}".strip(), style=STATUS_STYLES.get(entry.band or "", ""))
            if item.anonymous:
                checklist = summary.checklists.get(phase.current.checklist) if phase.current else None
                line.append(
                    (", " if item.entries else "")
                    + _("anonymous votes: {counts}").format(counts=_counts_text(item.anonymous, item, checklist))
                )
            console.print(line)
    _print_corrections_and_tone(console, summary)
    _print_client_views(console, summary)
    streaks = [s for phase in summary.phases for s in phase.streaks]
    if streaks:
        console.print(_("Streaks:"))
        for streak in streaks:
            words = _("{symbol} {phase}/{item}: {band} for {count} sprints in a row (since {sprint})").format(
                symbol=STATUS_SYMBOLS.get(streak.band, ""),
                phase=streak.phase,
                item=streak.item,
                band=translate(BAND_WORDS.get(streak.band, streak.band)),
                count=streak.length,
                sprint=one_line(streak.since, 20),
            )
            console.print(_band_text(streak.band, "  " + words))
    for phase in summary.phases:
        verdict = judged[phase.phase]
        if not verdict.findings:
            continue
        console.print(Text(_("Check findings for {phase}:").format(phase=phase.phase), style="bold"))
        for finding in verdict.shown:
            console.print(finding_line(finding, indent="  "))
        for more in more_notes(verdict):
            console.print(Text(f"  … {more}", style="dim"))
    for run in summary.future_runs:
        console.print(Text("⚠ " + future_run_note(run), style="bold yellow"))


def _verdict_cell(verdict: GateResult, due: DueCheck, verdict_words: Callable[[GateResult], str]) -> Text:
    """The "Check" cell of a phase: its verdict (the findings of ``kundencheck check``) in words,
    and when the next check is due."""
    from rich.text import Text

    style = "bold red" if verdict.errors else ("yellow" if verdict.warnings else "green")
    text = Text(verdict_words(verdict), style=style)
    if due.due_on is None:  # never checked
        text.append("\n" + _("never checked"), style="")
    elif not due.is_due:
        text.append("\n" + _("next check {day}").format(day=due.due_on.isoformat()), style="")
    else:
        text.append("\n" + _("due since {day}").format(day=due.due_on.isoformat()), style="")
    return text


def _client_cell(phase: PhaseStatus, summary: HistorySummary) -> Text:
    """The "Client" cell of a phase: the client's answers in its current sprint by band, and its
    perception gaps still without an action (of any sprint)."""
    from rich.text import Text

    from kundencheck.core.bands import count_bands
    from kundencheck.rich_texts import counts_text

    current = phase.current
    if current is not None and current.client:
        cell = counts_text(count_bands(p.band for p in current.client.values()).as_dict(), separator="\n")
    else:
        cell = Text(_("none this sprint"), style="dim")
    open_gaps = summary.open_gaps(phase.phase)
    if open_gaps:
        cell.append(
            "\n" + ngettext("≠ {n} gap open", "≠ {n} gaps open", len(open_gaps)).format(n=len(open_gaps)), style="bold yellow"
        )
    return cell


def _print_client_views(console: Console, summary: HistorySummary) -> None:
    """Per phase, the client's own answers of its current sprint, each beside the team's, a
    perception gap marked (the team answered green, the client red or amber)."""
    from rich.text import Text

    from kundencheck.core.history import is_perception_gap
    from kundencheck.core.report import GAP, answer_text, client_label
    from kundencheck.core.text import one_line
    from kundencheck.rich_texts import STATUS_STYLES

    for phase in summary.phases:
        current = phase.current
        if current is None or not current.client:
            continue
        checklist = summary.checklists.get(current.checklist)
        who = ", ".join(one_line(r.respondent, 30) or _("the client") for r in current.client_replies)
        console.print(
            Text(
                _("The client's view in sprint {sprint} ({phase}), answered by {who}:").format(
                    sprint=one_line(current.sprint, 20), phase=phase.phase, who=who
                ),
                style="bold",
            )
        )
        for item_id, client in current.client.items():
            team = current.items.get(item_id)
            line = Text(f"  {item_id}: ")
            if team is not None:
                line.append(_("team") + " ")
                line.append(
                    answer_text(team.value, team.kind, checklist, item_id, team.band),
                    style=STATUS_STYLES.get(team.band or "", ""),
                )
                line.append(" · ")
            for n, entry in enumerate(client.entries):
                if n:
                    line.append(", ")
                line.append(client_label(entry.author) + " ")
                line.append(
                    answer_text(entry.value, client.kind, checklist, item_id, entry.band),
                    style=STATUS_STYLES.get(entry.band or "", ""),
                )
                if entry.note:
                    line.append(f": {one_line(entry.note, 160)}", style="dim")
            if is_perception_gap(team, client):
                line.append(f"  {GAP} " + _("perception gap"), style="bold yellow")
            console.print(line)


def _tone_cell(findings: Iterable[ToneFinding]) -> Text:
    """The tone signal of a phase's current sprint in a table cell: the words found, or none."""
    from rich.text import Text

    from kundencheck.core.text import one_line

    words = list(dict.fromkeys(word.lower() for finding in findings for word in finding.words))
    if not words:
        return Text(_("none"), style="dim")
    cell = Text("⚠ " + ", ".join(f"'{one_line(w, 24)}'" for w in words[:3]), style="yellow")
    if len(words) > 3:
        cell.append("\n" + _("… and {n} more").format(n=len(words) - 3), style="dim")
    return cell


def _print_corrections_and_tone(console: Console, summary: HistorySummary) -> None:
    """Per phase, the corrected runs and the tone signal of its current sprint, in words."""
    from rich.text import Text

    from kundencheck.core.people import author_name
    from kundencheck.core.report import (
        corrected_text,
        correction_dict,
        tone_dicts,
        tone_text,
    )
    from kundencheck.core.text import one_line

    for phase in summary.phases:
        current = phase.current
        if current is None:
            continue
        corrected = [(run, correction) for run in current.runs if (correction := summary.correction(run.id)) is not None]
        if corrected:
            console.print(
                Text(
                    _("Corrected in sprint {sprint} ({phase}):").format(sprint=one_line(current.sprint, 20), phase=phase.phase),
                    style="bold",
                )
            )
            for run, correction in corrected:
                console.print(
                    "  ✎ "
                    + _("Answers of {who}: {corrected}").format(
                        who=one_line(author_name(run.author), 30),
                        corrected=corrected_text(correction_dict(correction), run.author),
                    )
                )
        tone = summary.tone(current)
        if tone:
            console.print(
                Text(
                    _(
                        "Tone in sprint {sprint} ({phase}): words about the client worth a second look "
                        "(is the client being judged?):"
                    ).format(sprint=one_line(current.sprint, 20), phase=phase.phase),
                    style="bold yellow",
                )
            )
            for finding in tone_dicts(tone):
                console.print("  " + tone_text(finding))


def _entry_word(value: AnswerValue, kind: Kind | None) -> str:
    from kundencheck.core.checklist import STATUS_WORDS, Kind
    from kundencheck.core.text import one_line

    if kind is Kind.TRAFFIC_LIGHT:
        return translate(STATUS_WORDS[str(value)]) if str(value) in STATUS_WORDS else str(value)
    if kind is Kind.SCALE:
        return f"{value}/5"
    return one_line(str(value), 40)


# --------------------------------------------------------------------------------- log

LOG_EXAMPLES = N_("""\
Examples:
  kundencheck log                         every run, newest first
  kundencheck log --phase build -n 10     the last ten runs of the build phase
  kundencheck log --author erika          runs by one person (part of name or e-mail)
  kundencheck log --item client-contacted one item sprint by sprint: ✔ ◐ ✘ – strip and notes
  kundencheck log --format csv > answers.csv   every answer, one row each, for a spreadsheet""")


@command(
    "log",
    epilog=LOG_EXAMPLES,
    help=N_(
        "The runs over time, newest first: when, sprint, phase, who, answers by status, trend against the "
        "sprint before, actions, and the commit. With `--item`, that item's answers sprint by sprint as a "
        "strip of symbols (✔ yes, ◐ partly, ✘ no, – n/a) with everyone's answers and notes."
    ),
)
@click.option("--phase", help=N_("Only runs of this phase."))
@click.option("--item", "item_id", metavar=N_("ID"), help=N_("Show one item's answers sprint by sprint instead of the runs."))
@click.option("--author", help=N_("Only runs (answers) by this person: a part of the name or e-mail, any case."))
@click.option(
    "-n", "--limit", type=click.IntRange(min=1), default=None, help=N_("Show at most this many runs (sprints with --item).")
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help=N_(
        'text for people, or csv: one row per answer of the runs listed, for a spreadsheet (docs/history.md, "Answers as CSV").'
    ),
)
@click.pass_context
@guarded
def log(ctx: click.Context, phase: str | None, item_id: str | None, author: str | None, limit: int | None, fmt: str) -> None:
    project, summary, problems = _load(ctx, None)
    try:
        _warn_problems(problems)
        if fmt == "csv":
            _write_csv(_log_csv(summary, item_id, phase, author, limit))
        elif item_id is not None:
            _print_item(summary, item_id, phase, author, limit)
        else:
            from kundencheck.store.history_cache import client_commits, run_commits

            rev = project.config.branch or "HEAD"
            commits = run_commits(project.store, rev=rev)
            if summary.client_replies:
                commits |= {f"client:{key}": entry for key, entry in client_commits(project.store, rev=rev).items()}
            _print_runs(summary, phase, author, limit, commits)
    finally:
        project.close()


def _log_runs(summary: HistorySummary, phase: str | None, author: str | None) -> list[Run]:
    """The runs ``log`` lists, newest first: of ``phase``, by ``author`` (a part of the name or
    e-mail, any case), runs from the future among them."""
    from kundencheck.core.history import run_order

    runs = [
        r
        for r in sorted(summary.runs + summary.future_runs, key=run_order)
        if (phase is None or r.phase == phase) and (author is None or author.lower() in r.author.lower())
    ]
    runs.reverse()
    return runs


def _log_csv(summary: HistorySummary, item_id: str | None, phase: str | None, author: str | None, limit: int | None) -> str:
    """``log --format csv``: one row per answer of the runs ``log`` lists (newest first); with
    ``--item`` only that item's answers, and ``-n`` counts sprints."""
    from kundencheck.core.answers_csv import answers_csv

    runs = _log_runs(summary, phase, author)
    if item_id is not None:
        runs = [r for r in runs if any(a.item == item_id and a.value not in (None, "") for a in r.answers)]
        if not runs:
            raise _no_answers(summary, item_id, phase)
        if limit is not None:
            sprints = list(dict.fromkeys((r.checklist, r.sprint) for r in runs))[:limit]
            runs = [r for r in runs if (r.checklist, r.sprint) in sprints]
    elif limit is not None:
        runs = runs[:limit]
    # The client's answers of the sprints listed, unless only one person's answers are asked for.
    listed_sprints = {(r.checklist, r.sprint) for r in runs}
    replies = (
        []
        if author
        else [
            r for r in summary.client_replies if (r.checklist, r.sprint) in listed_sprints and (phase is None or r.phase == phase)
        ]
    )
    return answers_csv(summary, runs, item=item_id, replies=replies)


def _write_csv(text: str) -> None:
    """CSV keeps its own line ends (CRLF): written as UTF-8 bytes, never translated."""
    sys.stdout.buffer.write(text.encode("utf-8"))  # (click.get_binary_stream is deprecated since Click 8.5)
    sys.stdout.buffer.flush()


def _no_answers(summary: HistorySummary, item_id: str, phase: str | None) -> UsageError:
    """The error for ``--item`` naming an item nobody answered (in ``phase``), with the ones they did."""
    from kundencheck.core.text import one_line

    answered = sorted({i for p in summary.pictures if phase is None or p.phase == phase for i in p.items})
    shown = ", ".join(answered[:30]) or _("none yet")
    if phase:
        message = _("No answers to item {item} in phase {phase}. Items with answers: {items}.")
    else:
        message = _("No answers to item {item}. Items with answers: {items}.")
    return UsageError(message.format(item=repr(one_line(item_id, 64)), phase=phase, items=shown))


def _print_runs(
    summary: HistorySummary, phase: str | None, author: str | None, limit: int | None, commits: dict[str, LoggedCommit]
) -> None:
    from rich.table import Table
    from rich.text import Text

    from kundencheck.core.bands import answer_band, count_bands, item_of, run_counts
    from kundencheck.core.history import run_trends, trend_counts
    from kundencheck.core.mirror import ClientReply
    from kundencheck.core.people import author_name
    from kundencheck.core.report import client_label
    from kundencheck.core.text import one_line
    from kundencheck.rich_texts import counts_text, legend_text, trend_text

    future = {r.id for r in summary.future_runs}
    runs = _log_runs(summary, phase, author)
    # The client's answers (mirror invitations) are rows of their own, by when the client answered.
    replies = [] if author else [r for r in summary.client_replies if phase is None or r.phase == phase]
    rows: list[tuple[dt.datetime, Run | ClientReply]] = sorted(
        [
            *((run.finished or run.started, run) for run in runs),
            *((reply.answered or reply.imported, reply) for reply in replies),
        ],
        key=lambda pair: pair[0],
        reverse=True,
    )
    if limit is not None:
        rows = rows[:limit]
    runs = [row for _when, row in rows if not isinstance(row, ClientReply)]
    console = _console()
    if not rows:
        filters = [
            _("phase {phase}").format(phase=phase) if phase else "",
            _("author {author}").format(author=author) if author else "",
        ]
        if phase or author:
            console.print(
                _("No runs matching {filters} in this repository yet.").format(filters=", ".join(f for f in filters if f))
            )
        else:
            console.print(_("No runs in this repository yet."))
        return
    table = Table()
    # "Commit id", not "Commit": that msgid is the TUI's button, a verb in German.
    for column in (_("Date"), _("Sprint"), _("Phase"), _("Author"), _("Answers"), _("Trend"), _("Actions"), _("Commit id")):
        table.add_column(column)
    for _when, run in rows:
        checklist = summary.checklists.get(run.checklist)
        if isinstance(run, ClientReply):
            bands = count_bands(answer_band(item_of(checklist, a.item), a.value) for a in run.answers)
            table.add_row(
                Text(_when.date().isoformat()),
                one_line(run.sprint, 20),
                run.phase,
                Text(client_label(run.respondent), style="italic"),
                counts_text(bands.as_dict(), words=False, separator=" "),
                "",
                "",
                Text(_short_id(commits.get(f"client:{run.invitation}")), style="dim"),
            )
            continue
        when = Text((run.finished or run.started).date().isoformat())
        if run.id in future:  # a clock that ran ahead: left out of trends, sprints and the gate
            when.append("\n" + _("⚠ future, left out"), style="bold yellow")
            trends = {}
        else:
            trends = trend_counts(run_trends(run, summary.pictures, checklist))
        new_actions = sum(1 for a in run.answers if a.raised_action)
        actions = _("{count} new").format(count=new_actions)
        if run.reviews:
            actions += _(", {count} reviewed").format(count=len(run.reviews))
        commit = _short_id(commits.get(run.id))
        if summary.correction(run.id) is not None:
            when.append(" ✎")
        table.add_row(
            when,
            one_line(run.sprint, 20),
            run.phase,
            one_line(author_name(run.author), 30),
            counts_text(run_counts(run, checklist).as_dict(), words=False, separator=" "),
            trend_text(trends, words=False, separator=" "),
            actions,
            Text(commit, style="dim"),
        )
    _print_table(console, table)
    console.print(legend_text())
    corrected = [(run, correction) for run in runs if (correction := summary.correction(run.id)) is not None]
    if corrected:
        from kundencheck.core.report import corrected_text, correction_dict

        console.print(_("✎ corrected runs (the correction stands in the original's place):"))
        for run, correction in corrected:
            console.print(
                "  "
                + _("{sprint} {phase}, {who}: {corrected}").format(
                    sprint=one_line(run.sprint, 20),
                    phase=run.phase,
                    who=one_line(author_name(run.author), 30),
                    corrected=corrected_text(correction_dict(correction), run.author),
                )
            )
    from kundencheck.core.report import future_run_note

    for run in runs:
        if run.id in future:
            console.print(Text("⚠ " + future_run_note(run), style="bold yellow"))


def _short_id(commit: LoggedCommit | None) -> str:
    """The commit's id as ``log`` shows it (ten characters), "-" without one."""
    return commit["sha"][:10] if commit is not None and commit["sha"] else "-"


def _print_item(summary: HistorySummary, item_id: str, phase: str | None, author: str | None, limit: int | None) -> None:
    from rich.table import Table
    from rich.text import Text

    from kundencheck.core.checklist import STATUS_SYMBOLS
    from kundencheck.core.history import TREND_ARROWS, item_series
    from kundencheck.core.people import author_name
    from kundencheck.core.report import TREND_WORDS, question_of
    from kundencheck.core.text import one_line
    from kundencheck.rich_texts import STATUS_STYLES, TREND_STYLES

    checklist_ids = list(
        dict.fromkeys(p.checklist for p in summary.pictures if item_id in p.items and (phase is None or p.phase == phase))
    )
    if not checklist_ids:
        raise _no_answers(summary, item_id, phase)
    console = _console()
    for checklist_id in checklist_ids:
        series = item_series(summary.pictures, checklist_id, item_id, author=author)
        if limit is not None:
            series = series[-limit:]
        checklist = summary.checklists.get(checklist_id)
        question = question_of(summary.checklists, checklist_id, item_id)
        phase_name = series[-1][0].phase if series else checklist_id
        console.print(Text(f"{item_id} ({phase_name}){': ' + question if question else ''}", style="bold"))
        strip = Text("  ")
        for _picture, item in series:
            if item is None or item.band is None:
                strip.append("· ", style="dim")
            else:
                strip.append(STATUS_SYMBOLS.get(item.band, "?"), style=STATUS_STYLES.get(item.band, ""))
                strip.append("! " if item.disagreement else "  ", style="bold")
        strip.append("  " + _("oldest → newest (✔ yes ◐ partly ✘ no – n/a · not answered ! the team disagrees)"), style="dim")
        console.print(strip)
        table = Table()
        for column in (_("Sprint"), _("Answer"), _("Trend"), _("Streak"), _("Answers and notes")):
            table.add_column(column)
        for picture, item in reversed(series):
            if item is None:
                table.add_row(one_line(picture.sprint, 20), Text(_("· not answered"), style="dim"), "", "", "")
                continue
            shown = _answer_text(item.value, item.kind, checklist, item_id, item.band)
            answer = _band_text(item.band, shown)
            if item.disagreement:
                answer.append(_(" ⚠ disagree"), style="bold")
            trend = Text(
                f"{TREND_ARROWS[item.trend]} {translate(TREND_WORDS[item.trend])}".strip() if item.trend.value != "none" else "",
                style=TREND_STYLES.get(item.trend.value, ""),
            )
            streak = _("{count} in a row").format(count=item.streak) if item.band in ("red", "amber") and item.streak >= 2 else ""
            detail = Text()
            if item.agreed is not None:
                detail.append(
                    _("agreed in the sprint meeting: {answer}").format(
                        answer=_answer_text(item.agreed.value, item.kind, checklist, item_id, item.agreed.band)
                    )
                )
                if item.agreed.note.strip():
                    detail.append(f": {one_line(item.agreed.note, 200)}")
                _correction_detail(detail, summary.entry_correction(item.agreed, item_id), item.agreed.author)
            if item.anonymous:
                detail.append("\n" if detail else "")
                detail.append(_("anonymous votes: {counts}").format(counts=_counts_text(item.anonymous, item, checklist)))
            for n, entry in enumerate(item.entries):
                if n or detail:
                    detail.append("\n")
                detail.append(f"{one_line(author_name(entry.author), 30)}: ")
                detail.append(
                    _answer_text(entry.value, item.kind, checklist, item_id, entry.band),
                    style=STATUS_STYLES.get(entry.band or "", ""),
                )
                if entry.note.strip():
                    detail.append(f": {one_line(entry.note, 200)}")
                _correction_detail(detail, summary.entry_correction(entry, item_id), entry.author)
            _client_detail(detail, picture, item, item_id, checklist)
            table.add_row(one_line(picture.sprint, 20), answer, trend, streak, detail)
        _print_table(console, table)


def _correction_detail(detail: Text, correction: Correction | None, author: str) -> None:
    """How an answer of ``author`` was corrected, after it (nothing when it was not)."""
    if correction is not None:
        from kundencheck.core.report import corrected_text, correction_dict

        detail.append(f" ({corrected_text(correction_dict(correction), author)})", style="dim")


def _client_detail(detail: Text, picture: SprintPicture, item: ItemPicture, item_id: str, checklist: Checklist | None) -> None:
    """The client's answers to the item in the sprint (mirror invitations), under the team's;
    a perception gap marked."""
    from kundencheck.core.history import is_perception_gap
    from kundencheck.core.report import GAP, client_label
    from kundencheck.core.text import one_line
    from kundencheck.rich_texts import STATUS_STYLES

    client = picture.client.get(item_id)
    if client is None:
        return
    for entry in client.entries:
        detail.append("\n" + client_label(entry.author) + ": ", style="italic")
        detail.append(
            _answer_text(entry.value, client.kind, checklist, item_id, entry.band), style=STATUS_STYLES.get(entry.band or "", "")
        )
        if entry.note.strip():
            detail.append(f": {one_line(entry.note, 200)}")
    if is_perception_gap(item, client):
        detail.append(f"\n{GAP} " + _("perception gap: the team answered green"), style="bold yellow")


def _counts_text(counts: dict[AnswerValue, int], item: ItemPicture, checklist: Checklist | None) -> str:
    """``✘ 2/5 × 1, ✔ 4/5 × 2``: how many voted for each value, in the item's order."""
    from kundencheck.core.answers import ordered_counts
    from kundencheck.core.bands import answer_band

    return ", ".join(
        _("{answer} × {n}").format(
            answer=_answer_text(value, item.kind, checklist, item.item, answer_band(item.definition, value)), n=n
        )
        for value, n in ordered_counts(item.definition, dict(counts))
    )


def _answer_text(
    value: AnswerValue | None, kind: Kind | None, checklist: Checklist | None, item_id: str, band: str | None
) -> str:
    """An answer as people read it (``✘ no``), its status word in the chosen language."""
    from kundencheck.core.report import answer_text

    return answer_text(value, kind, checklist, item_id, band)


# --------------------------------------------------------------------------------- report

REPORT_EXAMPLES = N_("""\
Examples:
  kundencheck report                          the latest sprint as Markdown, for a pull request
  kundencheck report --sprint 2026-W48 --format html -o report.html
  kundencheck report -o sprint.html           the format follows the file name (.md, .json, .html, .csv)
  kundencheck report --format json | jq .actions.open
  kundencheck report --format csv -o sprint.csv   one row per answer, for a spreadsheet""")


@command(
    "report",
    epilog=REPORT_EXAMPLES,
    help=N_(
        "A sprint report to paste into a pull request, a wiki or a steering meeting: first the verdict of "
        "`kundencheck check` (which phases fail which rule and since when, overdue actions, checks due), then "
        "per checklist the health matrix (items down, sprints across, symbol, trend arrow), everyone's answers "
        "and notes, disagreements and streaks; then open, overdue, new and reviewed actions. HTML is one "
        "self-contained file (no network, no scripts) with a small chart of each item's answers; CSV is one "
        "row per answer."
    ),
)
@click.option("--sprint", help=N_("The sprint to report on (default: the sprint of the latest run)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html", "csv"]),
    default=None,
    help=N_(
        "md (Markdown, default), json, html (one self-contained page with the health matrix), or "
        "csv (one row per answer of the sprint, for a spreadsheet)."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write the report to this file instead of standard output."),
)
@click.option(
    "--sprints",
    "max_sprints",
    type=click.IntRange(min=1, max=52),
    default=8,
    show_default=True,
    help=N_("How many sprints (up to the reported one) the health matrix shows."),
)
@today_option
@click.pass_context
@guarded
def report(
    ctx: click.Context, sprint: str | None, fmt: str | None, output: Path | None, max_sprints: int, today: dt.datetime | None
) -> None:
    from kundencheck.core.report import build_report, render_report, sprint_pictures_of
    from kundencheck.core.text import one_line

    if fmt is None:
        suffix = output.suffix.lower() if output is not None else ""
        fmt = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}.get(suffix, "md")
    project, summary, problems = _load(ctx, today)
    try:
        _warn_problems(problems)
        if fmt == "csv":
            from kundencheck.core.answers_csv import answers_csv

            label, pictures = sprint_pictures_of(summary, sprint)
            text = answers_csv(
                summary,
                [run for picture in pictures for run in picture.runs],
                replies=[reply for picture in pictures for reply in picture.client_replies],
            )
        else:
            data = build_report(
                summary,
                sprint,
                project=project.config.project,
                client=project.config.client,
                max_sprints=max_sprints,
                levels=project.config.check,
                parameters=project.config.check_parameters,
            )
            label, text = data["sprint"], render_report(data, fmt)
    finally:
        project.close()
    if output is None:
        if fmt == "csv":
            _write_csv(text)
        else:
            click.echo(text, nl=False)
        return
    from kundencheck.store.atomic import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        raise KundencheckError(
            _("Could not write the report to {file}: {reason}. Check the folder exists and that you may write there.").format(
                file=output, reason=exc.strerror or exc
            )
        ) from None
    _console(stderr=True).print(
        _("Wrote the {format} report of sprint {sprint} to {file}.").format(format=fmt, sprint=one_line(label, 40), file=output)
    )
