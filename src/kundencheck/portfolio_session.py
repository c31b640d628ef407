"""A portfolio at work: its file found and read, its projects fetched in parallel, each project
opened from its copy in the portfolio's cache (docs/portfolio.md).

The layer between ``portfolio.toml`` (:mod:`kundencheck.core.portfolio`), the caches
(:mod:`kundencheck.store.portfolio_cache`) and the views: the CLI's ``kundencheck portfolio``
commands and the TUI's portfolio screen. What a project's health is comes from the gate, as in
the project itself (:mod:`kundencheck.core.portfolio_health`).

Trust, as git has it for repositories: a ``portfolio.toml`` of another user is not used (one
planted in a shared folder such as /tmp would decide what everyone below it fetches), and the
caches, whose repositories git works in, live where no portfolio repository can put them: in
the user's cache folder (or one chosen for a CI job), in a folder of this user's own for each
portfolio folder, never among the portfolio's files (:func:`cache_folder_of`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kundencheck.core.errors import KundencheckError, UsageError
from kundencheck.core.i18n import _
from kundencheck.core.portfolio import (
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
        Fetched,
        FetchError,
        ProjectCache,
    )


#: The environment variable that chooses the folder holding the portfolios' caches (also
#: ``kundencheck portfolio --cache DIR``); default: :func:`default_cache_root`.
CACHE_ENV = "KUNDENCHECK_PORTFOLIO_CACHE"
#: In a portfolio's cache folder: the portfolio folder it is the cache of (its resolved path).
FOLDER_FILE = "portfolio-folder"


class LoadedPortfolio(NamedTuple):
    """A portfolio file as read, with the folder it is in and the folder of its caches."""

    folder: Path
    portfolio: Portfolio
    #: One bare repository per project (:func:`cache_folder_of`); made by the first fetch.
    cache_folder: Path

    @property
    def file(self) -> Path:
        return self.folder / PORTFOLIO_FILE


def default_cache_root() -> Path:
    """Where the portfolios' caches live unless chosen: the user's cache folder
    (``~/.cache/kundencheck/portfolios`` on Linux)."""
    import platformdirs

    return platformdirs.user_cache_path("kundencheck") / "portfolios"


def cache_folder_of(folder: Path, root: Path | None = None) -> Path:
    """The folder of the caches of the portfolio in ``folder``: in ``root`` (default:
    :func:`default_cache_root`), named after the portfolio folder and keyed by its resolved path
    (which the folder holds in :data:`FOLDER_FILE`, so two portfolios never share one)."""
    from kundencheck.core.text import slug

    resolved = folder.resolve()
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    return (root or default_cache_root()).absolute() / f"{slug(resolved.name)}-{digest}"


def _owner(info: os.stat_result) -> str | None:
    """Who owns a file of ``info`` when it is not the user running kundencheck (their name, else
    their user id); None when it is theirs, or on a system without owners (Windows)."""
    if not hasattr(os, "geteuid") or info.st_uid == os.geteuid():
        return None
    try:
        import pwd

        return pwd.getpwuid(info.st_uid).pw_name
    except (ImportError, KeyError):
        return str(info.st_uid)


def find_portfolio(directory: Path) -> Path | None:
    """The folder holding ``portfolio.toml``: ``directory`` or the nearest one above it. Raises
    UsageError when that file belongs to another user (git's rule for a repository of dubious
    ownership): it is not used, and the search does not go on above it."""
    try:
        start = directory.expanduser().absolute()
    except (OSError, RuntimeError):
        return None
    for folder in (start, *start.parents):
        path = folder / PORTFOLIO_FILE
        try:
            if not path.is_file():
                continue
            owner = _owner(path.stat())
        except OSError:
            return None
        if owner is not None:
            raise UsageError(
                _(
                    "{file} belongs to another user ({owner}), so kundencheck does not use it: a portfolio "
                    "of someone else decides which remotes are fetched and where (as git does not use a "
                    "repository of another user). If you trust it, copy the folder to one of your own and "
                    "run the command there, or ask {owner} to run it; to use a portfolio of your own, run "
                    "the command in its folder or give that with -C DIR."
                ).format(file=path, owner=owner)
            )
        return folder
    return None


def load_portfolio(directory: Path, *, cache: Path | None = None) -> LoadedPortfolio:
    """The portfolio of ``directory`` (its portfolio.toml, or the nearest one above), its caches
    in ``cache`` (default: the user's cache folder, :func:`cache_folder_of`). Raises UsageError
    when the file or the caches' folder is not the user's own, or the folder of the caches holds
    another portfolio's or is tracked by a git repository."""
    from kundencheck.core.checklist import MAX_FILE_BYTES, read_file_bytes

    folder = find_portfolio(directory)
    if folder is None:
        raise UsageError(
            _(
                "There is no {file} in {folder} or any folder above it. Make this folder a portfolio with "
                "`kundencheck portfolio init`, or run the command in a portfolio's folder (or with -C "
                "FOLDER)."
            ).format(file=PORTFOLIO_FILE, folder=directory.expanduser().absolute())
        )
    path = folder / PORTFOLIO_FILE
    raw = read_file_bytes(
        path,
        PortfolioError,
        what=_("the portfolio"),
        limit=MAX_FILE_BYTES,
        hint=_("It lists the projects; check that this is the right file."),
    )
    loaded = LoadedPortfolio(folder, portfolio_from_bytes(raw, str(path)), cache_folder_of(folder, cache))
    check_cache_folder(loaded, chosen=cache is not None)
    return loaded


def check_cache_folder(loaded: LoadedPortfolio, *, chosen: bool = False) -> None:
    """Raise UsageError unless the portfolio's cache folder (when there is one yet) can be
    trusted: a folder of this user's (not a symbolic link), whose project folders are theirs too,
    made for this portfolio folder; with a ``chosen`` root, also one no git repository tracks (a
    cache that came with a clone would run what it holds)."""
    folder = loaded.cache_folder
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(
            _("Could not read the portfolio's cache folder {folder}: {reason}.").format(folder=folder, reason=exc.strerror or exc)
        ) from None
    remedy = _(
        "Delete the portfolio's cache folder {folder} if you may (it is only a cache: the next `kundencheck "
        "portfolio fetch` fills it again), or choose another with --cache DIR or {variable}."
    ).format(folder=folder, variable=CACHE_ENV)
    entries = [(folder, info), *((child, _lstat(child)) for child in _children(folder))]
    for path, found in entries:
        if found is None:
            continue
        owner = _owner(found)
        if owner is not None:
            raise UsageError(
                _(
                    "{path} belongs to another user ({owner}), so kundencheck does not use it: git would "
                    "run what a cache of someone else holds. {remedy}"
                ).format(path=path, owner=owner, remedy=remedy)
            )
        if stat.S_ISLNK(found.st_mode) or (path == folder and not stat.S_ISDIR(found.st_mode)):
            raise UsageError(
                _(
                    "{path} is a symbolic link or not a folder, not what kundencheck makes there, so "
                    "kundencheck does not use it. {remedy}"
                ).format(path=path, remedy=remedy)
            )
    try:
        held = (folder / FOLDER_FILE).read_bytes()
    except FileNotFoundError:
        held = None
    except OSError as exc:
        raise UsageError(
            _("Could not read {file}: {reason}.").format(file=folder / FOLDER_FILE, reason=exc.strerror or exc)
        ) from None
    if held is not None and held != os.fsencode(loaded.folder.resolve()) + b"\n":
        raise UsageError(
            _(
                "The cache folder {folder} holds the caches of another portfolio folder ({other}), not of "
                "{portfolio}. Delete {folder} (it is only a cache: the next `kundencheck portfolio fetch` "
                "fills it again), or choose another cache folder with --cache DIR or {variable}."
            ).format(
                folder=folder,
                other=os.fsdecode(held.rstrip(b"\n")),
                portfolio=loaded.folder.resolve(),
                variable=CACHE_ENV,
            )
        )
    if chosen:
        from kundencheck.store.portfolio_cache import tracked_by_git

        repository = tracked_by_git(folder)
        if repository is not None:
            raise UsageError(
                _(
                    "The cache folder {folder} holds files the git repository in {repository} tracks, so "
                    "kundencheck does not use it: a cache that arrives with a repository could run its "
                    "code. Remove it from that repository (`git rm -r --cached`) and delete it, or choose "
                    "a cache folder outside the repository's files with --cache DIR or {variable}."
                ).format(folder=folder, repository=repository, variable=CACHE_ENV)
            )


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except OSError:
        return None


def make_cache_folder(loaded: LoadedPortfolio) -> None:
    """Make the portfolio's cache folder if it is not there (only its user may enter it), with
    the portfolio folder it is for written in it. Raises KundencheckError when it cannot be made."""
    from kundencheck.store.atomic import atomic_write

    folder = loaded.cache_folder
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not (folder / FOLDER_FILE).exists():
            atomic_write(folder / FOLDER_FILE, os.fsencode(loaded.folder.resolve()) + b"\n", sync=False)
    except OSError as exc:
        raise KundencheckError(
            _("Could not make the portfolio's cache folder {folder}: {reason}. Check that you may write there.").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from None


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
            raise UsageError(
                _("There is no project {name} in {file}. Its projects: {known}.").format(
                    name=repr(name), file=portfolio.source, known=known
                )
            )
        if entry not in chosen:
            chosen.append(entry)
    return chosen


def fetch_projects(
    loaded: LoadedPortfolio,
    entries: list[ProjectEntry],
    *,
    jobs: int | None = None,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
    on_start: Callable[[ProjectEntry], None] | None = None,
    on_done: Callable[[FetchReport], None] | None = None,
    now: dt.datetime | None = None,
) -> list[FetchReport]:
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
    if entries:
        make_cache_folder(loaded)

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


def open_cached(loaded: LoadedPortfolio, entry: ProjectEntry, *, language: str = "en") -> Project | None:
    """The project opened read-only from its copy in the cache (None when no fetch of it has
    completed); close it after use. ``language``: of its checklists when its config names
    none. Raises KundencheckError when it cannot be opened (its config is broken)."""
    from kundencheck.session import open_cached_project
    from kundencheck.store.portfolio_cache import ANSWERS_REF

    cache = cache_of(loaded, entry)
    snapshot = cache.snapshot() if cache.exists else None
    if snapshot is None:
        return None
    try:
        return open_cached_project(cache.store, snapshot, name=entry.name, answers_rev=ANSWERS_REF, language=language)
    except BaseException:
        cache.close()
        raise


def judge_projects(loaded: LoadedPortfolio, today: dt.date, entries: Iterable[ProjectEntry] | None = None) -> list[ProjectHealth]:
    """Every project (or ``entries``) judged by its own rules as of ``today``
    (core/portfolio_health.py): what ``kundencheck check`` and ``status`` say in its
    repository, in the language of the output.

    Each project's health document is kept in its cache, under what it was made from (the
    fetched commits, the day, the language, the kundencheck version): while none of that
    changes, a project is shown without reading its history again (a document that does not
    have the shape one has is made again, never believed)."""
    from kundencheck import __version__
    from kundencheck.core.i18n import current_language
    from kundencheck.core.portfolio_health import (
        DOCUMENT_VERSION,
        FetchFacts,
        ProjectHealth,
        judge,
        judge_not_started,
        not_judged,
    )
    from kundencheck.fetch_texts import problem_texts
    from kundencheck.session import open_cached_project
    from kundencheck.store.portfolio_cache import ANSWERS_REF

    language = current_language()
    healths = []
    for entry in loaded.portfolio.projects if entries is None else entries:
        cache = cache_of(loaded, entry)
        state = cache.read_state() if cache.exists else None
        facts = (
            FetchFacts()
            if state is None
            else FetchFacts(
                fetched=state.fetched,
                failing_since=state.failing_since,
                problem=state.problem,
                reason=state.reason,
                branch=state.branch,
            )
        )
        snapshot = cache.snapshot() if cache.exists else None
        if snapshot is None:
            healths.append(not_judged(entry, facts))
            continue
        if not snapshot.started:
            # No .kundencheck/ folder: as `kundencheck check` judges such a repository (cli/gate.py).
            healths.append(judge_not_started(entry, facts, today))
            continue
        key = {
            "kundencheck": __version__,
            "document": DOCUMENT_VERSION,
            "language": language,
            "today": today.isoformat(),
            "config": snapshot.config_commit,
            "answers": snapshot.answers_commit,
        }
        kept = cache.read_document("health", key)
        if kept is not None:
            try:
                healths.append(ProjectHealth(entry, facts, kept))
                continue
            except ValueError:
                pass  # not what health_document makes: made again below
        try:
            project = open_cached_project(cache.store, snapshot, name=entry.name, answers_rev=ANSWERS_REF, language=language)
            try:
                summary, problems = project.summary(today)
            finally:
                project.close()
        except KundencheckError as exc:
            healths.append(not_judged(entry, facts, error=str(exc)))
            continue
        finally:
            cache.close()
        config = project.config
        health = judge(
            entry,
            facts,
            summary,
            problem_texts(problems),
            levels=config.check,
            parameters=config.check_parameters,
            title=config.project.strip() or entry.name,
            client=config.client,
        )
        if health.document is not None:  # (judge always makes one)
            cache.write_document("health", key, health.document)
        healths.append(health)
    return healths
