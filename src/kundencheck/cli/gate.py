"""`kundencheck check`: the gate for CI jobs and pre-push hooks.

Thin: it opens the project, reads the history summary like ``status`` does
(:meth:`kundencheck.session.Project.summary`), lets the pure rules of
:mod:`kundencheck.core.gate` judge it, and prints the result for people, as JSON or as GitHub
workflow annotations. Exit status 0 when nothing fails, 1 when a rule at level "error" found
something, 2 when the check could not be made (usage, config or repository error).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import TYPE_CHECKING

import click

from kundencheck.cli.common import _console, command, directory_of, gate_format_option, guarded, today_option
from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import N_, _, translate

if TYPE_CHECKING:
    from rich.text import Text

    from kundencheck.core.gate import Finding, GateResult
    from kundencheck.core.portfolio_health import FindingView, PortfolioFinding

CHECK_EXAMPLES = N_("""\
Examples:
  kundencheck check                   for people: what is due, overdue or unresolved
  kundencheck check --format github   GitHub Actions annotations (docs/ci.md)
  kundencheck check --format json     for scripts (schema: docs/gate.md)
  kundencheck check --today 2026-12-01

Exit status: 0 nothing failed (warnings may be shown), 1 a rule found
something, 2 usage, config or repository error. Switch rules off or make
them warnings in the [check] table of .kundencheck/config.toml.""")

#: level -> (symbol, word, style) of a finding's mark; the words are translated where shown.
_LEVEL_MARKS = {"error": ("✘", N_("error"), "bold red"), "warning": ("⚠", N_("warning"), "yellow")}


@command(
    "check",
    epilog=CHECK_EXAMPLES,
    help=N_(
        "Check the project for CI and git hooks: fails (exit 1) when the current phase's check is due or "
        "was never done, a red answer of the current sprint has no action, an action is overdue, or the "
        "team disagrees on an item in the current sprint. A repository without .kundencheck/ passes with "
        "a note."
    ),
)
@gate_format_option
@today_option
@click.pass_context
@guarded
def check(ctx: click.Context, fmt: str, today: dt.datetime | None) -> None:
    from kundencheck.core.gate import github_annotations, result_json

    day = today.date() if today is not None else dt.date.today()
    try:
        result, name = _judge(ctx, day)
    except KundencheckError as exc:
        _leave_report(error=exc.message)
        if fmt == "github":
            from kundencheck.core.gate import github_error

            click.echo(github_error("kundencheck check", exc.message))
        # Whatever went wrong, the check was not made: 2, never the 1 of "something found".
        raise UsageError(exc.message) from None
    _leave_report(result)
    if fmt == "json":
        click.echo(result_json(result), nl=False)
    elif fmt == "github":
        click.echo(github_annotations(result), nl=False)
    else:
        _print_result(result, name)
    raise SystemExit(result.exit_code)


def _leave_report(result: GateResult | None = None, *, error: str = "") -> None:
    """Run in the pre-push hook of a push kundencheck makes, leave the verdict where that push
    asked for it (KUNDENCHECK_GATE_REPORT): the document of ``--format json`` (or, when the
    check could not be made, exit_code 2 and why), so kundencheck can say that the team's gate
    refused the push, and why. Never fails the check."""
    from kundencheck.core.gate import result_json
    from kundencheck.store.push import GATE_REPORT_ENV

    path = os.environ.get(GATE_REPORT_ENV)
    if not path:
        return
    document = (
        result_json(result)
        if result is not None
        else json.dumps({"schema": 1, "exit_code": 2, "error": error}, ensure_ascii=False)
    )
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(document)
    except OSError:
        pass


def _judge(ctx: click.Context, day: dt.date) -> tuple[GateResult, str]:
    """Open the project and judge it; returns (result, project name)."""
    from kundencheck.cli.history import say_fetching
    from kundencheck.core.gate import evaluate, not_started
    from kundencheck.core.text import one_line
    from kundencheck.fetch_texts import problem_texts
    from kundencheck.session import open_project

    project = open_project(directory_of(ctx), allow_detached=True)  # CI checkouts are often detached
    try:
        name = one_line(project.config.project, 60) or project.root.name
        if not project.uses_kundencheck():
            return not_started(day, project.current_phase(), project.config.check), name
        notes = []
        summary, problems = project.summary(day, on_fetch=say_fetching)
        branch = project.config.branch
        if branch and not summary.runs:
            # A fresh clone (a CI job) has the team's answers branch only as origin's.
            remote, remote_problems = project.summary(day, rev=f"refs/remotes/origin/{branch}", on_fetch=say_fetching)
            if remote.runs:
                summary, problems = remote, remote_problems
                notes.append(_("No local branch {branch} with answers: read them from origin/{branch}.").format(branch=branch))
            elif project.store.is_shallow():
                notes.append(
                    _(
                        "This is a shallow clone without the answers branch {branch}: fetch the whole "
                        "repository (docs/ci.md: fetch-depth: 0, GIT_DEPTH: 0)."
                    ).format(branch=branch)
                )
        result = evaluate(summary, project.config.check, problem_texts(problems), project.config.check_parameters)
        result.notes[:0] = notes
        return result, name
    finally:
        project.close()


def finding_line(finding: Finding | FindingView | PortfolioFinding, indent: str = "") -> Text:
    """One finding as ``check`` prints it: symbol and level in words, the rule's title, the
    message (``status`` and ``portfolio check`` list their findings the same way)."""
    from rich.text import Text

    words = {level: translate(word) for level, (_symbol, word, _style) in _LEVEL_MARKS.items()}
    width = max(len(word) for word in words.values())  # the findings' titles line up
    symbol, _word, style = _LEVEL_MARKS[finding.level]
    line = Text(f"{indent}{symbol} {words[finding.level]:<{width}}  ", style=style)
    # The rule's name as the [check] table spells it, to switch it off or make it a warning.
    line.append(f"{finding.title} ({finding.rule}): ", style="bold")
    line.append(finding.message)
    return line


def _print_result(result: GateResult, name: str) -> None:
    from rich.text import Text

    from kundencheck.core.gate import more_notes, summary_line

    console = _console()
    console.print(
        _("kundencheck check of {project} on {day} (current phase: {phase})").format(
            project=name, day=result.today.isoformat(), phase=result.current_phase
        )
    )
    for finding in result.shown:
        console.print(finding_line(finding))
    for more in more_notes(result):
        console.print(Text(f"  … {more}", style="dim"))
    for note in result.notes:
        console.print(Text(_("• note: "), style="dim").append(note))
    style = "bold red" if not result.passed else ("yellow" if result.warnings else "green")
    mark = "✘" if not result.passed else "✔"
    console.print(Text(f"{mark} {summary_line(result)}", style=style))
    if result.findings:
        console.print(
            Text(
                _("Switch a rule off or make it a warning in the [check] table of .kundencheck/config.toml (docs/gate.md)."),
                style="dim",
            )
        )
