"""`kundencheck portfolio`: every client project at once (docs/portfolio.md).

``init`` and ``add`` write ``portfolio.toml``; ``fetch`` brings each project's config and
answers into the portfolio's cache (:mod:`kundencheck.portfolio_session`); ``status``,
``report`` and ``check`` judge every project by its own rules, as ``kundencheck check`` judges
it in its repository; the group without a command opens the TUI's portfolio screen.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import click

if TYPE_CHECKING:
    from types import TracebackType

    from rich.console import Console
    from rich.progress import Progress, TaskID

    from kundencheck.core.errors import KundencheckError
    from kundencheck.core.portfolio import ProjectEntry
    from kundencheck.core.portfolio_health import PortfolioResult, ProjectHealth
    from kundencheck.portfolio_session import FetchReport, LoadedPortfolio

from kundencheck.cli.common import _console, directory_of, gate_format_option, group, guarded, today_option
from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import N_, _, ngettext, set_language

PORTFOLIO_EXAMPLES = N_("""\
Examples:
  kundencheck portfolio init                          make this folder a portfolio
  kundencheck portfolio add shop git@git.example.com:clients/shop.git
  kundencheck portfolio fetch                         bring every project's answers in
  kundencheck portfolio                               the portfolio screen: worst first
  kundencheck portfolio status                        the same as a table
  kundencheck portfolio report -o portfolio.html      one page to publish
  kundencheck portfolio check --format github         the portfolio's gate in CI""")


def _opens_tui(params: dict[str, Any]) -> bool:
    """Whether `kundencheck portfolio` opens the terminal UI: without a command it does."""
    return click.get_current_context().invoked_subcommand is None


@group(
    "portfolio",
    invoke_without_command=True,
    epilog=PORTFOLIO_EXAMPLES,
    starts_app=_opens_tui,
    help=N_(
        "Every client project at once: a folder with portfolio.toml lists the projects' git remotes; "
        "`fetch` brings their answers in (only those, with your own git credentials), and the portfolio "
        "screen, `status`, `report` and `check` show each project's health by its own rules. Without a "
        "command: the portfolio screen (`enter` opens a project's home and history, read-only)."
    ),
)
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Run as if started in DIRECTORY (the same as `kundencheck -C DIRECTORY portfolio`)."),
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="KUNDENCHECK_PORTFOLIO_CACHE",
    show_envvar=True,
    help=N_(
        "The folder that keeps the portfolios' caches of fetched answers (default: your user cache folder, "
        "~/.cache/kundencheck/portfolios on Linux); for a CI job that keeps it between runs. Never a folder "
        "of the portfolio's own repository."
    ),
)
@click.pass_context
@guarded
def portfolio(ctx: click.Context, directory: Path | None, cache: Path | None) -> None:
    root = ctx.find_root()
    root.ensure_object(dict)
    if directory is not None:  # relative to an earlier -C, as git's -C
        root.obj["directory"] = directory_of(ctx) / directory
    if cache is not None:
        root.obj["portfolio_cache"] = directory_of(ctx) / cache.expanduser()
    if ctx.invoked_subcommand is None:
        _open_tui(ctx)


def _loaded(ctx: click.Context) -> LoadedPortfolio:
    """The portfolio of -C DIR (or the current folder), its caches where --cache says, its
    language set for the output."""
    from kundencheck.portfolio_session import load_portfolio

    loaded = load_portfolio(directory_of(ctx), cache=ctx.find_root().obj.get("portfolio_cache"))
    if loaded.portfolio.language:
        set_language(loaded.portfolio.language)
        from kundencheck.cli.click_texts import speak_our_language

        speak_our_language()
    return loaded


# --------------------------------------------------------------------------------- init and add


@portfolio.command(
    "init",
    help=N_(
        "Make this folder (or -C DIR) a portfolio: write portfolio.toml, every setting explained in a "
        "comment. Keep the folder in a git repository of its own to share it and run it in CI "
        "(docs/portfolio.md); the cache of fetched answers is kept outside it."
    ),
    epilog=N_("""\
Examples:
  kundencheck portfolio init
  kundencheck -C ~/agency/portfolio portfolio init --title "Agentur Beispiel\""""),
)
@click.option("--title", help=N_("The portfolio's name, shown above its reports."))
@click.pass_context
@guarded
def init(ctx: click.Context, title: str | None) -> None:
    from kundencheck.core.portfolio import PORTFOLIO_FILE, init_text
    from kundencheck.store.atomic import atomic_write

    folder = directory_of(ctx).expanduser().absolute()
    path = folder / PORTFOLIO_FILE
    if path.exists() or path.is_symlink():
        raise UsageError(
            _(
                "{file} exists already: this folder is a portfolio. Add projects with `kundencheck "
                "portfolio add NAME REMOTE`, or edit the file."
            ).format(file=path)
        )
    if not folder.is_dir():
        raise UsageError(_("{folder} is not a folder. Create it first, or give another with -C.").format(folder=folder))
    try:
        atomic_write(path, init_text(title or "").encode("utf-8"))
    except OSError as exc:
        raise KundencheckError(
            _("Could not write {file}: {reason}. Check that you may write in {folder}.").format(
                file=path, reason=exc.strerror or exc, folder=folder
            )
        ) from None
    _console().print(
        _(
            "Wrote {file}. Add the projects with `kundencheck portfolio add NAME REMOTE`, then `kundencheck portfolio fetch`."
        ).format(file=path)
    )


@portfolio.command(
    "add",
    help=N_(
        "Add a project to portfolio.toml: NAME (short, unique: letters, digits, . _ -) and REMOTE, the URL "
        "you would give `git clone` (ssh, https, or a path). The file's comments stay as they are."
    ),
    epilog=N_("""\
Examples:
  kundencheck portfolio add shop git@git.example.com:clients/shop.git --client "Kunde GmbH" --owner Ana
  kundencheck portfolio add intranet https://git.example.com/clients/intranet.git --branch kundencheck
  kundencheck portfolio add web ../clients/web.git --tag retainer --tag b2c"""),
)
@click.argument("name", metavar=N_("NAME"))
@click.argument("remote", metavar=N_("REMOTE"))
@click.option(
    "--branch",
    help=N_("The branch the answers live on (default: what the project's config says, else the remote's default branch)."),
)
@click.option("--client", default="", help=N_("The client the project is for."))
@click.option("--owner", default="", help=N_("Who looks after the project in the agency."))
@click.option("--tag", "tags", multiple=True, help=N_("A tag to group projects by (repeat for more)."))
@click.pass_context
@guarded
def add(ctx: click.Context, name: str, remote: str, branch: str | None, client: str, owner: str, tags: tuple[str, ...]) -> None:
    from kundencheck.core.checklist import MAX_FILE_BYTES, read_file_bytes
    from kundencheck.core.portfolio import PortfolioError, ProjectEntry, add_project_to_file
    from kundencheck.core.text import hide_credentials
    from kundencheck.store.atomic import atomic_write

    loaded = _loaded(ctx)
    path = loaded.file
    raw = read_file_bytes(path, PortfolioError, what=N_("the portfolio"), limit=MAX_FILE_BYTES)
    written = add_project_to_file(raw, ProjectEntry(name, remote, branch, client, owner, tuple(tags)), str(path))
    try:
        atomic_write(path, written)
    except OSError as exc:
        raise KundencheckError(_("Could not write {file}: {reason}.").format(file=path, reason=exc.strerror or exc)) from None
    _console().print(
        _("Added {name} ({remote}) to {file}. Bring its answers in with `kundencheck portfolio fetch {name}`.").format(
            name=name, remote=hide_credentials(remote), file=path
        )
    )


# --------------------------------------------------------------------------------- fetch


@portfolio.command(
    "fetch",
    help=N_(
        "Bring every project's config and answers (or those of the projects NAMES) into the portfolio's cache: "
        "only those files, fetched with your own git credentials and settings, never prompting. Projects are "
        "fetched in parallel, each within the time limit of portfolio.toml; an interrupted fetch is taken up "
        "by the next. A remote that cannot be reached keeps its last fetched state, shown as unreachable; "
        "whether that fails the gate is `[check] unreachable` in portfolio.toml."
    ),
    epilog=N_("""\
Examples:
  kundencheck portfolio fetch                every project
  kundencheck portfolio fetch shop web       two of them
  kundencheck portfolio fetch --jobs 4 --timeout 300

Exit status: 0 when it ran, also when remotes could not be reached (they
are listed; `kundencheck portfolio check` decides whether that fails);
2 on a usage or portfolio.toml error; 130 when interrupted."""),
)
@click.argument("names", nargs=-1, metavar=N_("[NAMES]..."))
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=None,
    help=N_("How many projects are fetched at the same time (default: [fetch] jobs, 8)."),
)
@click.option(
    "--timeout",
    type=click.IntRange(5, 3600),
    default=None,
    help=N_("Seconds one project's fetch may take (default: [fetch] timeout, 120)."),
)
@click.pass_context
@guarded
def fetch(ctx: click.Context, names: tuple[str, ...], jobs: int | None, timeout: int | None) -> None:
    from kundencheck.portfolio_session import fetch_projects, select

    loaded = _loaded(ctx)
    entries = select(loaded.portfolio, names)
    if not entries:
        _console().print(
            _("{file} lists no projects yet: add one with `kundencheck portfolio add NAME REMOTE`.").format(file=loaded.file)
        )
        return
    err = _console(stderr=True)
    cancel = threading.Event()
    with _FetchProgress(err, len(entries)) as progress:
        try:
            reports = fetch_projects(
                loaded, entries, jobs=jobs, timeout=timeout, cancel=cancel, on_start=progress.started, on_done=progress.done
            )
        except KeyboardInterrupt:
            cancel.set()
            interrupted = True
        else:
            interrupted = False
    if interrupted:
        err.print(
            "kundencheck: "
            + _(
                "Interrupted: the fetches under way were stopped. What came in is kept; the next "
                "`kundencheck portfolio fetch` takes them up."
            ),
            style="bold red",
        )
        raise SystemExit(130)
    failed = [r for r in reports if r.error is not None]
    changed = sum(1 for r in reports if r.fetched is not None and r.fetched.changed)
    new_files = sum(r.fetched.new_files for r in reports if r.fetched is not None)
    _console().print(
        ngettext(
            "Fetched {ok} of {n} project: {changed} with news, {files}.",
            "Fetched {ok} of {n} projects: {changed} with news, {files}.",
            len(reports),
        ).format(
            ok=len(reports) - len(failed),
            n=len(reports),
            changed=changed,
            files=ngettext("{n} new answers file", "{n} new answers files", new_files).format(n=new_files),
        )
    )
    if progress.progress is not None:  # in a terminal: said here, not line by line as they ended
        for report in failed:
            err.print(
                _("kundencheck: {name}: {problem}").format(
                    name=report.entry.name, problem=fetch_problem_text(report.error, report.entry)
                )
            )


class _FetchProgress:
    """A progress bar on standard error in a terminal (the projects under way beside it);
    elsewhere (CI) one line per project as it ends."""

    def __init__(self, console: Console, total: int) -> None:
        self.console = console
        self.total = total
        self.running: list[str] = []
        self.lock = threading.Lock()
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> Self:
        if self.console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                TextColumn(_("Fetching")),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=self.console,
                transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task("", total=self.total)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.__exit__(kind, error, trace)

    def started(self, entry: ProjectEntry) -> None:
        with self.lock:
            self.running.append(entry.name)
            self._describe()

    def done(self, report: FetchReport) -> None:
        from kundencheck.core.text import one_line

        with self.lock:
            if report.entry.name in self.running:
                self.running.remove(report.entry.name)
            if self.progress is not None and self.task is not None:  # (made together)
                self.progress.advance(self.task)
                self._describe()
                return
        if report.fetched is not None:
            fetched = report.fetched
            line = (
                ngettext(
                    "{name}: {n} new answers file ({seconds:.1f} s)",
                    "{name}: {n} new answers files ({seconds:.1f} s)",
                    fetched.new_files,
                ).format(name=report.entry.name, n=fetched.new_files, seconds=report.seconds)
                if fetched.changed
                else _("{name}: nothing new ({seconds:.1f} s)").format(name=report.entry.name, seconds=report.seconds)
            )
        else:
            line = _("{name}: not fetched: {problem}").format(
                name=report.entry.name, problem=one_line(fetch_problem_text(report.error, report.entry), 600)
            )
        self.console.print(line)

    def _describe(self) -> None:
        if self.progress is not None and self.task is not None:
            shown = ", ".join(self.running[:4]) + (" …" if len(self.running) > 4 else "")
            self.progress.update(self.task, description=shown)


def fetch_problem_text(error: KundencheckError | None, entry: ProjectEntry) -> str:
    """Why a project's fetch did not complete, and what to do, in one paragraph."""
    from kundencheck.core.text import hide_credentials, one_line
    from kundencheck.store.portfolio_cache import FetchError, FetchProblem

    if not isinstance(error, FetchError):
        return hide_credentials(str(error))
    said = one_line(hide_credentials(error.reason), 300)
    remote = hide_credentials(entry.remote)
    texts = {
        FetchProblem.UNREACHABLE: _(
            "the remote {remote} could not be reached, or has no repository there (git said: "
            "{said}). Check the URL in portfolio.toml and that `git ls-remote {remote}` works "
            "in this terminal; the last fetched state is shown meanwhile."
        ),
        FetchProblem.AUTH: _(
            "the remote {remote} did not let us in (git said: {said}). Make `git ls-remote {remote}` "
            "work in this terminal (your ssh key in the agent, a credential helper, or a deploy key "
            "in CI); kundencheck never asks for a password."
        ),
        FetchProblem.NO_BRANCH: _(
            "the remote {remote} has no branch {branch}. Fix or remove `branch` of this project in portfolio.toml."
        ),
        FetchProblem.EMPTY: _("the remote {remote} has no commits yet: there is nothing to fetch."),
        FetchProblem.TIMEOUT: _(
            "the fetch from {remote} took longer than {seconds:.0f} seconds and was stopped. What "
            "came in is kept; the next fetch takes it up (raise [fetch] timeout in portfolio.toml "
            "for a slow remote)."
        ),
        FetchProblem.INTERRUPTED: _("interrupted; the next fetch takes it up."),
        FetchProblem.BUSY: _("another kundencheck is fetching this project right now; try again when it is done."),
        FetchProblem.FAILED: _("git could not fetch from {remote}: {said}"),
    }
    return texts[error.problem].format(remote=remote, said=said, branch=error.branch or entry.branch or "", seconds=error.seconds)


# --------------------------------------------------------------------------------- status, report, check


def _judged(ctx: click.Context, today: dt.datetime | None) -> tuple[LoadedPortfolio, list[ProjectHealth]]:
    """The portfolio, and every project judged by its own rules as of ``today``, worst first."""
    from kundencheck.core.portfolio_health import worst_first
    from kundencheck.portfolio_session import judge_projects

    loaded = _loaded(ctx)
    return loaded, worst_first(judge_projects(loaded, _today(today)))


_FORMATS = ["text", "md", "json", "html", "csv"]
_SUFFIXES = {".html": "html", ".htm": "html", ".json": "json", ".md": "md", ".csv": "csv", ".txt": "text"}


@portfolio.command(
    "status",
    help=N_(
        "Every project at once, the worst first: per phase the verdict of the project's own rules (✘ errors, ⚠ "
        "warnings, ✔ ok, as `kundencheck check` and `status` give it in the project) with its trend, overdue "
        "actions, whether a check is due, and when it was fetched (a remote that could not be reached: "
        '"unreachable since" and its last fetched state). Reads what `kundencheck portfolio fetch` brought.'
    ),
    epilog=N_("""\
Examples:
  kundencheck portfolio status
  kundencheck portfolio status --format json       for scripts (docs/portfolio.md)
  kundencheck portfolio status --format csv -o portfolio.csv"""),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default=None,
    help=N_("text (default), md, json, html (one self-contained page) or csv; with -o, the file's suffix chooses."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write to this file instead of standard output."),
)
@today_option
@click.pass_context
@guarded
def status(ctx: click.Context, fmt: str | None, output: Path | None, today: dt.datetime | None) -> None:
    _show(ctx, fmt or _suffix_format(output, "text"), output, today)


@portfolio.command(
    "report",
    help=N_(
        "The portfolio as a report to publish or send: the same as `status`, as one self-contained HTML page "
        "(no network, no scripts; the default with -o FILE.html), Markdown, JSON, CSV or text."
    ),
    epilog=N_("""\
Examples:
  kundencheck portfolio report -o public/index.html   a static page (docs/portfolio.md: a scheduled CI job)
  kundencheck portfolio report --format md            Markdown for a wiki"""),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default=None,
    help=N_("html (default with -o FILE.html), md (default otherwise), json, csv or text."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write to this file instead of standard output."),
)
@today_option
@click.pass_context
@guarded
def report(ctx: click.Context, fmt: str | None, output: Path | None, today: dt.datetime | None) -> None:
    fmt = fmt or _suffix_format(output, "md")
    _show(ctx, fmt, output, today)
    if output is not None:
        _console(stderr=True).print(_("Wrote the portfolio ({format}) to {file}.").format(format=fmt, file=output))


def _suffix_format(output: Path | None, default: str) -> str:
    return _SUFFIXES.get(output.suffix.lower(), default) if output is not None else default


def _show(ctx: click.Context, fmt: str, output: Path | None, today: dt.datetime | None) -> None:
    from kundencheck.core.portfolio_report import render_status

    loaded, healths = _judged(ctx, today)
    portfolio = loaded.portfolio
    if fmt == "text":
        if output is not None:
            _write(output, _status_text(healths, _today(today), portfolio.title))
            return
        _print_status(_console(), healths, _today(today), portfolio.title)
        return
    _write(output, render_status(healths, _today(today), fmt, title=portfolio.title, unreachable=portfolio.unreachable))


def _status_text(healths: list[ProjectHealth], today: dt.date, title: str) -> str:
    """The status table as ``status -o FILE`` writes it: 200 columns, no colour."""
    import io

    from kundencheck.cli.common import _clean_console_class

    text = io.StringIO()
    console = _clean_console_class()(
        file=text, highlight=False, markup=False, emoji=False, soft_wrap=True, width=200, color_system=None
    )
    _print_status(console, healths, today, title)
    return text.getvalue()


def _print_status(console: Console, healths: list[ProjectHealth], today: dt.date, title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from kundencheck.cli.history import _print_table
    from kundencheck.core.portfolio_health import phases_of, state_words
    from kundencheck.core.portfolio_report import (
        cell_text,
        due_words,
        legend,
        verdict_level,
    )
    from kundencheck.core.text import one_line

    styles = {"error": "bold red", "warning": "yellow", "ok": "green", "": "dim"}
    heading = one_line(title, 100) if title else _("kundencheck portfolio")
    console.print(
        ngettext(
            "{title} on {day}: {n} project, the worst first", "{title} on {day}: {n} projects, the worst first", len(healths)
        ).format(title=heading, day=today.isoformat(), n=len(healths))
    )
    if not healths:
        console.print(_("No projects yet: add one with `kundencheck portfolio add NAME REMOTE`."))
        return
    phases = phases_of(healths)
    table = Table()
    for column in (_("Project"), _("Client"), _("Owner"), *phases, _("Overdue"), _("Check"), _("Fetched")):
        table.add_column(column)
    for health in healths:
        cells = []
        for phase in phases:
            verdict = health.verdict(phase)
            text = cell_text(verdict, health.trend(phase)) + (" *" if phase == health.current_phase else "")
            cells.append(Text(text, style=styles[verdict_level(verdict)]))
        fetched = Text(state_words(health), style="bold red" if health.flagged else "dim")
        due = health.due()
        table.add_row(
            Text(health.name, style="bold").append(f"\n{one_line(health.title, 40)}", style=""),
            one_line(health.client, 30),
            one_line(health.entry.owner, 20),
            *cells,
            Text(str(health.overdue), style="bold red") if health.overdue else "",
            Text(due_words(health), style="bold red" if due is not None and due.is_due else ""),
            fetched,
        )
    _print_table(console, table)
    console.print(Text(legend(), style="dim"))
    broken = [h for h in healths if h.error]
    for health in broken:
        console.print(Text(f"{health.name}: {one_line(health.error, 600)}", style="bold red"))


CHECK_EXAMPLES = N_("""\
Examples:
  kundencheck portfolio check                   for people: which projects fail and why
  kundencheck portfolio check --format github   GitHub Actions annotations (docs/portfolio.md)
  kundencheck portfolio check --format json     for scripts

Exit status: 0 no project failed its own rules, 1 one did (or a project
could not be fetched and [check] unreachable = "error" in portfolio.toml),
2 usage or portfolio.toml error.""")


@portfolio.command(
    "check",
    epilog=CHECK_EXAMPLES,
    help=N_(
        "The portfolio's gate: exit 1 when any project fails its own rules (its [check] table, as `kundencheck "
        "check` judges it in its repository), or a project could not be fetched and [check] unreachable in "
        "portfolio.toml makes that an error. The same formats as `kundencheck check`."
    ),
)
@gate_format_option
@today_option
@click.pass_context
@guarded
def check(ctx: click.Context, fmt: str, today: dt.datetime | None) -> None:
    from kundencheck.core.portfolio_health import check_portfolio
    from kundencheck.core.portfolio_report import check_json, github_annotations

    try:
        loaded, healths = _judged(ctx, today)
    except KundencheckError as exc:
        if fmt == "github":
            from kundencheck.core.gate import github_error

            click.echo(github_error("kundencheck portfolio check", exc.message))
        raise UsageError(exc.message) from None
    result = check_portfolio(healths, _today(today), loaded.portfolio.unreachable)
    if fmt == "json":
        click.echo(check_json(result), nl=False)
    elif fmt == "github":
        click.echo(github_annotations(result), nl=False)
    else:
        _print_check(result, loaded.portfolio.title)
    raise SystemExit(result.exit_code)


def _print_check(result: PortfolioResult, title: str) -> None:
    from rich.text import Text

    from kundencheck.cli.gate import finding_line
    from kundencheck.core.portfolio_health import summary_line
    from kundencheck.core.text import one_line

    console = _console()
    heading = one_line(title, 100) if title else _("kundencheck portfolio")
    console.print(
        ngettext(
            "kundencheck portfolio check of {title} on {day}: {n} project",
            "kundencheck portfolio check of {title} on {day}: {n} projects",
            len(result.healths),
        ).format(title=heading, day=result.today.isoformat(), n=len(result.healths))
    )
    passed = []
    for health in result.healths:
        own = result.of(health)
        findings = [finding for finding in health.findings() if finding.shown]
        if not own and not findings:
            passed.append(health.name)
            continue
        failed = health.errors or any(f.level == "error" for f in own)
        line = Text(f"{'✘' if failed else '⚠'} {health.name}", style="bold red" if failed else "bold yellow")
        line.append(f" ({one_line(health.title, 60)})", style="")
        console.print(line)
        for portfolio_finding in own:  # the portfolio's own rules first, then the project's
            console.print(finding_line(portfolio_finding, indent="  "))
        for finding in findings:
            console.print(finding_line(finding, indent="  "))
        for more in health.more_notes():
            console.print(Text(f"    … {more}", style="dim"))
        for note in health.notes:
            console.print(Text("  " + _("• note: "), style="dim").append(note))
    if passed:
        console.print(Text(_("✔ passed: {projects}").format(projects=", ".join(passed)), style="green"))
    console.print(
        Text(
            ("✘ " if not result.passed else "✔ ") + summary_line(result),
            style="bold red" if not result.passed else ("yellow" if result.warnings else "green"),
        )
    )


# --------------------------------------------------------------------------------- the TUI


def _open_tui(ctx: click.Context) -> None:
    from kundencheck.cli.run import tui_user_settings
    from kundencheck.tui.portfolio_app import build_portfolio_app

    loaded = _loaded(ctx)
    theme, keymap = tui_user_settings()
    build_portfolio_app(loaded, theme=theme, keymap=keymap).run()


def _today(today: dt.datetime | None) -> dt.date:
    return today.date() if today is not None else dt.date.today()


def _write(output: Path | None, text: str) -> None:
    from kundencheck.store.atomic import atomic_write

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        raise KundencheckError(
            _("Could not write {file}: {reason}. Check the folder exists and that you may write there.").format(
                file=output, reason=exc.strerror or exc
            )
        ) from None
