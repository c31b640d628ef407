"""A portfolio at work: its file found and read, its projects fetched in parallel, each project
opened from its copy in the portfolio's cache (docs/portfolio.md).

The layer between ``portfolio.toml`` (:mod:`kundencheck.core.portfolio`), the caches
(:mod:`kundencheck.store.portfolio_cache`) and the views: the CLI's ``kundencheck portfolio``
commands and the TUI's portfolio screen. What a project's health is comes from the gate, as in
the project itself (:mod:`kundencheck.core.portfolio_health`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import _
from kundencheck.core.portfolio import (
    CACHE_DIR,
    PORTFOLIO_FILE,
    Portfolio,
    PortfolioError,
    ProjectEntry,
    is_local_remote,
    portfolio_from_bytes,
)

if TYPE_CHECKING:
    from kundencheck.core.portfolio_health import ProjectHealth
    from kundencheck.session import Project
    from kundencheck.store.portfolio_cache import (
        CacheState,
        Fetched,
        FetchError,
        ProjectCache,
    )


class LoadedPortfolio(NamedTuple):
    """A portfolio file as read, with the folder it is in."""

    folder: Path
    portfolio: Portfolio

    @property
    def file(self) -> Path:
        return self.folder / PORTFOLIO_FILE

    @property
    def cache_folder(self) -> Path:
        return self.folder / CACHE_DIR


def find_portfolio(directory: Path) -> Path | None:
    """The folder holding ``portfolio.toml``: ``directory`` or the nearest one above it."""
    try:
        start = directory.expanduser().absolute()
    except (OSError, RuntimeError):
        return None
    for folder in (start, *start.parents):
        try:
            if (folder / PORTFOLIO_FILE).is_file():
                return folder
        except OSError:
            return None
    return None


def load_portfolio(directory: Path) -> LoadedPortfolio:
    """The portfolio of ``directory`` (its portfolio.toml, or the nearest one above)."""
    from kundencheck.core.checklist import MAX_FILE_BYTES, read_file_bytes

    folder = find_portfolio(directory)
    if folder is None:
        raise UsageError(_("There is no {file} in {folder} or any folder above it. Make this folder a portfolio with "
                           "`kundencheck portfolio init`, or run the command in a portfolio's folder (or with -C "
                           "FOLDER).").format(file=PORTFOLIO_FILE, folder=directory.expanduser().absolute()))
    path = folder / PORTFOLIO_FILE
    raw = read_file_bytes(path, PortfolioError, what=_("the portfolio"), limit=MAX_FILE_BYTES,
                          hint=_("It lists the projects; check that this is the right file."))
    return LoadedPortfolio(folder, portfolio_from_bytes(raw, str(path)))


def remote_of(loaded: LoadedPortfolio, entry: ProjectEntry) -> tuple[str, bool]:
    """The URL git fetches ``entry`` from, and whether it is on this machine. A relative path
    is relative to the portfolio folder (where portfolio.toml is), whatever folder the command
    runs in."""
    remote = entry.remote
    local = is_local_remote(remote)
    if local and not remote.lower().startswith("file://"):
        path = Path(remote).expanduser()
        remote = str(path if path.is_absolute() else (loaded.folder / path).absolute())
    return remote, local


def cache_of(loaded: LoadedPortfolio, entry: ProjectEntry) -> ProjectCache:
    from kundencheck.store.portfolio_cache import ProjectCache

    return ProjectCache(loaded.cache_folder / f"{entry.name}.git")


# --------------------------------------------------------------------------------- fetching


class FetchReport(NamedTuple):
    """How one project's fetch went: ``fetched`` when it completed, else ``error``."""

    entry: ProjectEntry
    fetched: Fetched | None = None
    error: FetchError | KundencheckError | None = None
    seconds: float = 0.0


def select(portfolio: Portfolio, names: Iterable[str] = ()) -> list[ProjectEntry]:
    """The projects named (all of them without names); an unknown name is a usage error
    listing the known ones."""
    wanted = list(names)
    if not wanted:
        return list(portfolio.projects)
    chosen = []
    for name in wanted:
        entry = portfolio.project(name)
        if entry is None:
            known = ", ".join(p.name for p in portfolio.projects) or _("none yet")
            raise UsageError(_("There is no project {name} in {file}. Its projects: {known}.").format(
                name=repr(name), file=portfolio.source, known=known))
        if entry not in chosen:
            chosen.append(entry)
    return chosen


def fetch_projects(loaded: LoadedPortfolio, entries: list[ProjectEntry], *, jobs: int | None = None,
                   timeout: float | None = None, cancel: threading.Event | None = None,
                   on_start: Callable[[ProjectEntry], None] | None = None,
                   on_done: Callable[[FetchReport], None] | None = None,
                   now: dt.datetime | None = None) -> list[FetchReport]:
    """Fetch ``entries``, at most ``jobs`` at a time (default: the portfolio's ``[fetch]
    jobs``), each within ``timeout`` seconds (default: its ``[fetch] timeout``). ``on_start``
    and ``on_done`` are told from the worker threads as each begins and ends; setting
    ``cancel`` stops the fetches running (the next fetch takes them up) and skips the rest.
    ``now``: the time recorded as the fetch's (default: the clock's). Returns the reports in
    the order of ``entries``."""
    from kundencheck.store.portfolio_cache import FetchError, FetchProblem

    portfolio = loaded.portfolio
    limit = timeout or portfolio.timeout
    cancel = cancel or threading.Event()

    def one(entry: ProjectEntry) -> FetchReport:
        if cancel.is_set():
            return FetchReport(entry, error=FetchError(FetchProblem.INTERRUPTED))
        if on_start is not None:
            on_start(entry)
        cache = cache_of(loaded, entry)
        remote, local = remote_of(loaded, entry)
        try:
            fetched = cache.fetch(remote, branch=entry.branch, local=local, timeout=limit, cancel=cancel, now=now)
            report = FetchReport(entry, fetched=fetched, seconds=fetched.seconds)
        except FetchError as exc:
            report = FetchReport(entry, error=exc, seconds=exc.seconds)
        except KundencheckError as exc:  # the cache folder cannot be made or written
            report = FetchReport(entry, error=exc)
        finally:
            cache.close()
        if on_done is not None:
            on_done(report)
        return report

    workers = max(1, min(jobs or portfolio.jobs, len(entries) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kundencheck-fetch") as pool:
        futures = [pool.submit(one, entry) for entry in entries]
        try:
            return [future.result() for future in futures]
        except BaseException:
            cancel.set()  # ctrl+c: the running fetches stop (killing git), the others do not start
            raise


# --------------------------------------------------------------------------------- reading


class CachedProject(NamedTuple):
    """A project as the portfolio holds it: its entry, what its cache remembers of the fetches,
    and the project opened from the cache (None when never fetched, or when it could not be
    opened: ``error`` says why)."""

    entry: ProjectEntry
    state: CacheState
    project: Project | None = None
    error: KundencheckError | None = None


def open_projects(loaded: LoadedPortfolio, entries: Iterable[ProjectEntry] | None = None, *,
                  language: str = "en") -> list[CachedProject]:
    """Every project (or ``entries``) opened from its copy in the cache, read-only; close
    them with :func:`close_projects`. ``language``: of the checklists of projects whose config
    names none."""
    from kundencheck.session import open_cached_project
    from kundencheck.store.portfolio_cache import ANSWERS_REF, CacheState

    opened = []
    for entry in loaded.portfolio.projects if entries is None else entries:
        cache = cache_of(loaded, entry)
        snapshot = cache.snapshot() if cache.exists else None
        if snapshot is None:
            opened.append(CachedProject(entry, cache.read_state() if cache.exists else CacheState()))
            continue
        state = cache.read_state()
        try:
            project = open_cached_project(cache.store, snapshot, name=entry.name, answers_rev=ANSWERS_REF,
                                          language=language)
        except KundencheckError as exc:
            cache.close()
            opened.append(CachedProject(entry, state, error=exc))
            continue
        opened.append(CachedProject(entry, state, project))
    return opened


def close_projects(projects: Iterable[CachedProject]) -> None:
    for cached in projects:
        if cached.project is not None:
            cached.project.close()




def judge_projects(cached: Iterable[CachedProject], today: dt.date) -> list[ProjectHealth]:
    """Every project judged by its own rules as of ``today`` (core/portfolio_health.py): what
    ``kundencheck check`` and ``status`` say in its repository."""
    from kundencheck.core.portfolio_health import FetchFacts, judge, not_judged

    healths = []
    for item in cached:
        state = item.state
        facts = FetchFacts(fetched=state.fetched, failing_since=state.failing_since, problem=state.problem,
                           reason=state.reason, branch=state.branch)
        if item.error is not None or item.project is None:
            healths.append(not_judged(item.entry, facts, error=str(item.error) if item.error is not None else ""))
            continue
        project = item.project
        try:
            summary, problems = project.summary(today)
        except KundencheckError as exc:
            healths.append(not_judged(item.entry, facts, error=str(exc)))
            continue
        config = project.config
        healths.append(judge(item.entry, facts, summary, problems, levels=config.check,
                             parameters=config.check_parameters, title=config.project.strip() or item.entry.name,
                             client=config.client, set_up=project.set_up))
    return healths
