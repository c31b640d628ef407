"""What kundencheck does to start quickly, in one place.

Every sprint start waits for the run screen's first frame, and a pre-push hook waits for
``kundencheck check``: both are a fresh Python process that imports its way to the first piece
of work. Two things keep that short, and both are owned here.

**The cyclic garbage collector** is paused while the process starts up
(:func:`pause_collector`, the console script's first call). The imports make about a hundred
thousand objects (modules, classes, functions) that live as long as the process; the collector
would walk them again and again and find nothing. It runs again once a command's work begins:
every click command and group of the CLI is a ``kundencheck.cli.common.TranslatedCommand``,
whose callback goes through :func:`command_work`, so a new command cannot forget it (all but
the main group's, which only chooses the language and calls `run` when no command is given). A command
that opens the terminal UI says so (``starts_app``); there it runs again once the app has
frozen what was imported (:func:`app_starts`), as frozen objects are never walked again.
What does no command work ends with it still paused, which is harmless as the process ends
at once: ``--help``, ``--version``, a mistake on the command line, the shell's completion of a
command line. Reading years of history pauses it again for the load
(:func:`collector_paused`), for the same reason: runs are many small objects without cycles.

**Deferred imports** (:data:`DEFERRED`): what a command or the first frame does not need is
imported where it is first needed, at a few real boundaries, each listed once below with why.
``tests/test_architecture.py`` checks that ``--help`` and ``--version`` load neither Textual nor
GitPython, and that the run screen's first frame is drawn before any module deferred past it
(``after_first_frame``) is imported.

What each of these saves is measured by ``benchmarks/bench_startup.py`` and written down in
``docs/performance.md``, never here: a figure in a comment goes stale without anyone noticing.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

# --------------------------------------------------------------------------- the collector


def pause_collector() -> None:
    """Pause the cyclic collector for the start-up: the console script's first call."""
    gc.disable()


def app_starts() -> None:
    """The terminal UI is about to run: what is in memory now stays until the process ends.
    Frozen, the collector leaves it alone at every collection while the first screen is
    built, and runs again for everything made from here on."""
    gc.freeze()
    gc.enable()


StartsApp = bool | Callable[[dict[str, Any]], bool]


def command_work(callback: Callable[..., Any], starts_app: StartsApp = False) -> Callable[..., Any]:
    """``callback`` (a click command's), resuming the collector as its work begins.

    ``starts_app`` says whether the command opens the terminal UI (True), or, as a function of
    the command's parameters, when it does (``amend --from`` does not): then the collector stays
    paused until :func:`app_starts`, so importing the TUI is not walked either.
    """

    @functools.wraps(callback)
    def work(*args: Any, **params: Any) -> Any:
        if not (starts_app(params) if callable(starts_app) else starts_app):
            gc.enable()
        return callback(*args, **params)

    return work


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector while many long-lived objects without cycles are made (reading the
    history); it runs again afterwards if it ran before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# --------------------------------------------------------------------------- deferred imports


class Deferred(NamedTuple):
    """Modules imported where they are first needed, not at the start."""

    #: The modules (or packages) deferred.
    modules: tuple[str, ...]
    #: Where they are imported.
    until: str
    #: Why they wait.
    why: str
    #: Whether the run screen's first frame is drawn without them (checked by a test).
    after_first_frame: bool = True


DEFERRED: tuple[Deferred, ...] = (
    Deferred(
        (
            "kundencheck.cli.setup",
            "kundencheck.cli.answer",
            "kundencheck.cli.amend",
            "kundencheck.cli.drafts",
            "kundencheck.cli.history",
            "kundencheck.cli.actions",
            "kundencheck.cli.gate",
            "kundencheck.cli.checklist",
            "kundencheck.cli.portfolio",
            "kundencheck.cli.mirror",
            "kundencheck.cli.meeting",
        ),
        "when one of their commands runs or the help lists them (cli.common.MainGroup.lazy_commands)",
        "`kundencheck run`, the command of every sprint start, loads only the `run` group's module",
    ),
    Deferred(
        ("textual", "kundencheck.tui"),
        "in the commands that open the terminal UI (cli.run, cli.amend), after git has been asked for "
        "its config and HEAD (GitStore.start_reading_state)",
        "the other commands, `--help` and `--version` do not draw a screen; and git answers while Python imports the TUI",
        after_first_frame=False,
    ),
    Deferred(
        ("git",),
        "when the store first commits or reads history (GitStore._git), usually in a worker thread",
        "GitPython is a large import; what the first screen needs from git (opening, HEAD, the identity) runs git directly",
    ),
    Deferred(
        (
            "kundencheck.core.history",
            "kundencheck.core.corrections",
            "kundencheck.core.report",
            "kundencheck.core.gate",
            "kundencheck.store.history_cache",
            "kundencheck.core.mirror",
            "kundencheck.core.mirror_page",
            "kundencheck.core.meeting",
        ),
        "when the history is read (status, log, report, check, and the home and history screens' "
        "worker), by a run when it looks up open actions and last time's answers after its first frame, "
        "and by a sprint meeting (`kundencheck meeting`)",
        "the run screen asks a question before it shows what earlier sprints said",
    ),
    Deferred(
        (
            "kundencheck.tui.screens.home",
            "kundencheck.tui.screens.history",
            "kundencheck.tui.screens.review",
            "kundencheck.tui.screens.actions",
            "kundencheck.tui.screens.participants",
            "kundencheck.tui.screens.dialogs",
            "kundencheck.tui.screens.meeting",
        ),
        "when each screen is first shown (KundencheckApp), each with its own CSS",
        "a run starts on the run screen; the others, and their rules, are parsed only when asked for",
    ),
    Deferred(
        ("kundencheck.core.answers_file",),
        "when an answers file is read: a draft (store/drafts.py), last time's answers (after the first frame), "
        "the history, a filled-in file (`answer`, `amend` and `meeting --from`), a commit's check of what it wrote",
        "a run started where no draft waits reads no answers file before its first screen",
    ),
    Deferred(
        ("kundencheck.core.message", "kundencheck.store.atomic", "kundencheck.store.index_lock"),
        "at the first saved draft or the first commit",
        "nothing is written before the first answer",
    ),
    Deferred(
        ("tomlkit",),
        "when a file is written with its comments kept (the project config, a checklist extension) "
        "or an answers file is checked as typed",
        "reading uses the standard library's tomllib, which is far quicker; answers files are "
        "written as text (core.answers.dumps)",
    ),
    Deferred(
        ("json",),
        "where JSON is first read or written: a push (store/push.py reads git's trace and the gate's report), "
        "the history cache, the `--format json` outputs",
        "the run screen's first frame reads and writes none",
    ),
    Deferred(
        ("icalendar",),
        "in `kundencheck actions --format ics`",
        "only that one output needs it",
    ),
)
